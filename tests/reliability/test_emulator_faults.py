"""The fault injection the reliability tests rely on: a dropped write is logged with its body."""

from __future__ import annotations

import time

import pytest
import requests

from reconcile.emulator import Emulator, Fault


def test_a_dropped_write_with_a_large_body_is_still_in_the_request_log() -> None:
    body = {"name": "X" * 200_000, "fields": []}
    with Emulator(token="t") as emu:
        emu.faults.add(Fault(action="drop", method="PUT", path=r"/content_types/x$"))
        url = f"{emu.base_url}/spaces/local/environments/master/content_types/x"
        with pytest.raises(requests.ConnectionError):
            requests.put(url, json=body, headers={"Authorization": "Bearer t"}, timeout=5)
        deadline = time.monotonic() + 5
        while not emu.request_log and time.monotonic() < deadline:
            time.sleep(0.01)
        (logged,) = emu.request_log
        assert (logged.method, logged.status, logged.body) == ("PUT", 0, body)
        assert requests.get(url, headers={"Authorization": "Bearer t"}, timeout=5).status_code == 404
