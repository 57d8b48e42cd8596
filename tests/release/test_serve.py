"""`reconcile emulator serve --master-alias ENV --max-environments N` as a user starts it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_opts_in_to_aliases_and_enforces_the_quota(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": "t0k"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconcile", "emulator", "serve", "--port", str(port), "--data", str(tmp_path / "d"),
         "--master-alias", "main", "--max-environments", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base, headers = f"http://127.0.0.1:{port}/spaces/local", {"Authorization": "Bearer t0k"}
    try:
        deadline = time.monotonic() + 60
        while True:  # wait for the server to answer, however loaded the machine is
            try:
                aliases = requests.get(f"{base}/environment_aliases", headers=headers, timeout=5)
                break
            except requests.ConnectionError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert aliases.json()["items"][0]["environment"]["sys"]["id"] == "main"
        refused = requests.put(f"{base}/environments/extra", json={"name": "extra"}, headers=headers, timeout=5)
        assert refused.status_code == 403
    finally:
        proc.terminate()
        proc.wait(timeout=30)
