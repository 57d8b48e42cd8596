"""`reconcile emulator serve --tls-cert --tls-key`: the emulator over https, for the tools that speak nothing else.

contentful-migration (``runMigration``, ``contentful space migration``) builds every URL as
``https://<host>/spaces/…`` and takes no ``insecure`` option, and contentful-cli's ``space export`` and
``space import`` refuse ``--insecure``: over plain http they cannot reach the emulator at all (found in a
trial with those tools; see docs/conformance.md). The certificate under ``tests/emulator/tls/`` is a
self-signed one for 127.0.0.1 made for these tests only (``openssl req -x509 … -addext
subjectAltName=IP:127.0.0.1``); node accepts it with ``NODE_EXTRA_CA_CERTS=cert.pem``.

No timing assertion: each wait is for a condition, with a generous timeout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.cli.test_local_process import free_port, wait_for

TLS = Path(__file__).resolve().parents[1] / "emulator" / "tls"
RECONCILE = [sys.executable, "-m", "reconcile", "emulator", "serve"]
TOKEN = "tls-token"


def serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": TOKEN}
    return subprocess.run([*RECONCILE, "--data", str(tmp_path / "data"), *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    err_path = tmp_path / "serve.txt"
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": TOKEN}
    command = [*RECONCILE, "--port", str(port), "--data", str(tmp_path / "data"), "--space", "site",
               "--tls-cert", str(TLS / "cert.pem"), "--tls-key", str(TLS / "key.pem")]  # fmt: skip
    with err_path.open("wb") as err:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        wait_for(lambda: "Serving" in err_path.read_text() or server.poll() is not None, "the server")
        assert server.poll() is None, err_path.read_text()
        assert f"on https://127.0.0.1:{port}" in err_path.read_text()
        yield f"https://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.mark.slow
def test_serves_https_as_contentful_migration_reaches_it(https_server: str) -> None:
    # contentful-migration's first requests: the locales and the content types it edits [REC M21 #1-#3]
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/vnd.contentful.management.v1+json"}
    base = f"{https_server}/spaces/site/environments/master"
    locales = requests.get(f"{base}/locales", headers=headers, verify=str(TLS / "cert.pem"), timeout=30)
    assert locales.status_code == 200 and locales.json()["items"][0]["code"] == "en-US"
    created = requests.put(f"{base}/content_types/dog", json={"name": "Dog", "fields": []},
                           headers={**headers, "X-Contentful-Version": "0"}, verify=str(TLS / "cert.pem"), timeout=30)
    assert created.status_code == 201
    with pytest.raises(requests.ConnectionError):  # plain http on that port is no answer
        requests.get(base.replace("https://", "http://") + "/locales", headers=headers, timeout=30)


def test_the_two_tls_options_go_together(tmp_path: Path) -> None:
    result = serve(tmp_path, "--tls-cert", str(TLS / "cert.pem"))
    assert result.returncode == 1
    assert "Error: --tls-cert and --tls-key go together" in result.stderr and "Traceback" not in result.stderr


def test_an_unreadable_or_unusable_tls_file_is_one_error(tmp_path: Path) -> None:
    missing = serve(tmp_path, "--tls-cert", str(tmp_path / "nope.pem"), "--tls-key", str(TLS / "key.pem"))
    assert missing.returncode == 1
    assert f"Error: --tls-cert {tmp_path / 'nope.pem'} is not a readable file" in missing.stderr
    (tmp_path / "garbage.pem").write_text("not a certificate\n", encoding="utf-8")
    unusable = serve(tmp_path, "--port", str(free_port()), "--tls-cert", str(tmp_path / "garbage.pem"),
                     "--tls-key", str(TLS / "key.pem"))  # fmt: skip
    assert unusable.returncode == 1, unusable.stderr
    assert "Error: the TLS certificate or key cannot be used" in unusable.stderr
    assert "Traceback" not in unusable.stderr


def test_an_encrypted_tls_key_is_one_error_not_a_pass_phrase_prompt(tmp_path: Path) -> None:
    """OpenSSL asks for the pass phrase of an encrypted key on the terminal (a server started in the background
    waits there for ever); without a terminal the failed prompt was reported as the data directory's error."""
    result = subprocess.run(
        [*RECONCILE, "--data", str(tmp_path / "data"), "--port", str(free_port()), "--tls-cert", str(TLS / "cert.pem"),
         "--tls-key", str(TLS / "key-encrypted.pem")],
        env={**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": TOKEN}, stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=120, check=False, start_new_session=True,  # no controlling terminal to prompt on
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert f"Error: --tls-key {TLS / 'key-encrypted.pem'} is encrypted" in result.stderr
    assert "data directory" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # nothing served, nothing written
