"""Server behaviour: auth, routes, bad bodies, faults, rate limit, request log, persistence."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import contentful_management
import pytest
import requests
from contentful_management.errors import RateLimitExceededError
from emu_support import TOKEN, Http

from reconcile.emulator import Emulator, Fault
from reconcile.emulator.store import Store
from tests.support import free_port, wait_for_port

CT_BODY = {"name": "Post", "fields": []}


def test_bad_or_missing_token_is_401_like_the_real_api(emu: Emulator) -> None:
    url = f"{emu.base_url}/spaces/local/environments/master/content_types"
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = requests.get(url, headers=headers, timeout=5)
        assert response.status_code == 401
        body = response.json()
        assert body == {
            "sys": {"type": "Error", "id": "AccessTokenInvalid"},
            "message": "The access token you sent could not be found or is invalid.",
            "requestId": response.headers["X-Contentful-Request-Id"],
        }


def test_unknown_route_and_method(http: Http) -> None:
    for method, path in (("GET", "/nope"), ("POST", "/content_types/x"), ("PATCH", "/locales")):
        response = http.request(method, path)
        assert response.status_code == 404 and response.json()["sys"]["id"] == "UnknownRoute"
    missing_env = http.request("GET", "/spaces/local/environments/nope/content_types")
    assert missing_env.status_code == 404 and missing_env.json()["sys"]["id"] == "NotFound"


def test_malformed_json_is_400(http: Http) -> None:
    response = requests.put(
        f"{http.base_url}{http.env_path}/content_types/x",
        data='{"name": ',
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("Invalid JSON in request body: ")


def test_every_2xx_body_has_sys_type_headers_and_content_type(http: Http) -> None:
    response = http.request("PUT", "/content_types/x", CT_BODY)
    assert response.headers["Content-Type"] == "application/vnd.contentful.management.v1+json"
    assert response.headers["ETag"] and len(response.headers["X-Contentful-Request-Id"]) == 32
    assert response.json()["sys"]["type"] == "ContentType"


@pytest.mark.parametrize(
    ("action", "status", "error_id"), [("500", 500, "ServerError"), ("409", 409, "VersionMismatch")]
)
def test_error_faults_do_not_change_state(emu: Emulator, http: Http, action: str, status: int, error_id: str) -> None:
    emu.faults.add(Fault(action=action, method="PUT", path=r"/content_types/", nth=2))
    assert http.request("PUT", "/content_types/a", CT_BODY).status_code == 201
    failed = http.request("PUT", "/content_types/b", CT_BODY)
    assert failed.status_code == status and failed.json()["sys"]["id"] == error_id
    assert http.request("GET", "/content_types/b").status_code == 404
    assert http.request("PUT", "/content_types/b", CT_BODY).status_code == 201  # only the 2nd one failed


def test_503_fault_has_empty_body_and_times(emu: Emulator, http: Http) -> None:
    emu.faults.add(Fault(action="503", method="GET", path=r"/locales$", times=2))
    assert [http.request("GET", "/locales").status_code for _ in range(3)] == [503, 503, 200]
    emu.faults.add(Fault(action="503", path="/locales"))
    emu.faults.clear()
    assert http.request("GET", "/locales").status_code == 200


def test_drop_fault_closes_the_connection_without_changing_state(emu: Emulator, http: Http) -> None:
    emu.faults.add(Fault(action="drop", method="PUT", path=r"/content_types/x$"))
    with pytest.raises(requests.ConnectionError):
        http.request("PUT", "/content_types/x", CT_BODY)
    assert http.request("GET", "/content_types/x").status_code == 404
    assert http.request("PUT", "/content_types/x", CT_BODY).status_code == 201


def test_delay_fault_proceeds(emu: Emulator, http: Http) -> None:
    emu.faults.add(Fault(action="delay", method="PUT", delay=0.3))
    started = time.monotonic()
    assert http.request("PUT", "/content_types/x", CT_BODY).status_code == 201
    assert time.monotonic() - started >= 0.3


def test_request_log_records_everything(emu: Emulator, http: Http) -> None:
    emu.faults.add(Fault(action="500", method="GET", path="/locales"))
    http.request("PUT", "/content_types/x", CT_BODY)
    http.request("GET", "/locales", params={"limit": "5"})
    requests.get(f"{emu.base_url}/spaces/local/environments", timeout=5)
    http.request("GET", "/nope")
    log = emu.request_log
    assert [(r.method, r.status) for r in log] == [("PUT", 201), ("GET", 500), ("GET", 401), ("GET", 404)]
    assert log[0].body == CT_BODY and log[0].path == "/spaces/local/environments/master/content_types/x"
    assert log[1].query == {"limit": "5"}
    assert TOKEN not in json.dumps([r.headers for r in log])
    emu.clear_log()
    assert emu.request_log == []


@pytest.mark.slow
def test_rate_limit_answers_429_with_headers(emu: Emulator, http: Http) -> None:
    emu.set_rate_limit(2)
    first, second, third = (http.request("GET", "/locales") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert first.headers["X-Contentful-RateLimit-Second-Limit"] == "2"
    assert first.headers["X-Contentful-RateLimit-Second-Remaining"] == "1"
    assert third.headers["X-Contentful-RateLimit-Reset"] == "1"
    assert third.json()["sys"]["id"] == "RateLimitExceeded"
    sdk = contentful_management.Client(TOKEN, api_url=f"127.0.0.1:{emu.port}", https=False, max_rate_limit_retries=0)
    with pytest.raises(RateLimitExceededError) as raised:
        sdk.content_types("local", "master").all()
    assert raised.value.reset_time() == 1
    time.sleep(1.05)
    assert http.request("GET", "/locales").status_code == 200
    emu.set_rate_limit(None)
    response = http.request("GET", "/locales")
    assert "X-Contentful-RateLimit-Second-Limit" not in response.headers


def test_sdk_retries_after_429(emu: Emulator) -> None:
    emu.set_rate_limit(1)
    sdk = contentful_management.Client(TOKEN, api_url=f"127.0.0.1:{emu.port}", https=False, max_rate_limit_retries=2)
    sdk.locales("local", "master").all()
    assert sdk.locales("local", "master").all().total == 1  # waited for the reset, then succeeded
    assert [r.status for r in emu.request_log] == [200, 429, 200]


def test_state_persists_across_restart(tmp_path: Path) -> None:
    with Emulator(data_dir=tmp_path) as emu:
        Http(emu.base_url).request("PUT", "/content_types/x", CT_BODY)
    assert (tmp_path / "store.sqlite3").exists() and not (tmp_path / "state.json").exists()
    with Emulator(data_dir=tmp_path, spaces=["local", "other"]) as emu:
        assert Http(emu.base_url).request("GET", "/content_types/x").json()["sys"]["version"] == 1
        assert requests.get(f"{emu.base_url}/spaces/other/environments", headers={"Authorization": f"Bearer {TOKEN}"},
                            timeout=5).json()["total"] == 1  # fmt: skip


def test_serve_persists_when_killed(tmp_path: Path) -> None:
    port = _free_port()
    code = (
        "from pathlib import Path; from reconcile.emulator import serve; "
        f"serve({port}, Path({str(tmp_path)!r}), ['s1'], 't')"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/spaces/s1/environments/master/content_types/x"
        deadline = time.monotonic() + 10
        while True:
            try:
                response = requests.put(url, json=CT_BODY, headers={"Authorization": "Bearer t"}, timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "serve() did not start"
                time.sleep(0.05)
        assert response.status_code == 201
    finally:
        process.kill()
        process.wait(timeout=10)
    state = Store(["s1"], tmp_path).state
    assert "x" in state["spaces"]["s1"]["environments"]["master"]["content_types"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_emulator_serve_cli_rate_limit_and_busy_port(tmp_path: Path) -> None:
    """`reconcile emulator serve --rate-limit 3` answers 429 beyond 3 requests a second; a second server on
    the same port exits 1 with one clear message."""
    port = _free_port()
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": "t"}
    command = [sys.executable, "-m", "reconcile", "emulator", "serve", "--port", str(port),
               "--data", str(tmp_path / "data"), "--space", "s1", "--rate-limit", "3"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/spaces/s1/environments/master/locales"
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(url, headers={"Authorization": "Bearer t"}, timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.05)
        time.sleep(1.1)  # a fresh one-second window
        statuses = [requests.get(url, headers={"Authorization": "Bearer t"}, timeout=5) for _ in range(5)]
        assert [r.status_code for r in statuses].count(429) >= 1
        limited = next(r for r in statuses if r.status_code == 429)
        assert limited.headers["X-Contentful-RateLimit-Second-Limit"] == "3"
        assert "X-Contentful-RateLimit-Reset" in limited.headers
        busy = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert busy.returncode == 1
        assert busy.stderr.startswith(f"Error: cannot serve on 127.0.0.1:{port}: Address already in use\n  fix: ")
        assert "Serving" not in busy.stderr and "Traceback" not in busy.stderr  # it never said it served
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.mark.slow
def test_a_second_server_on_the_same_data_directory_is_refused(tmp_path: Path) -> None:
    """Two `emulator serve` on one --data each kept their own state in memory (a write through one was not
    seen by the other, and they overwrote each other's rows): the second is refused; after a SIGKILL of the
    first, a new one starts on that data with the state."""
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": "t"}
    ports = free_port(), free_port()

    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "reconcile", "emulator", "serve", "--port", str(port),
                "--data", str(tmp_path / "data"), "--space", "s1"]  # fmt: skip

    first = subprocess.Popen(command(ports[0]), env=env, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(ports[0])
        second = subprocess.run(command(ports[1]), env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1 and "Traceback" not in second.stderr
        assert second.stderr.splitlines() == [
            f"Error: the data directory {tmp_path / 'data'} is in use by another `reconcile emulator serve`, or by a "
            "command on the local target whose data it is",
            "  fix: stop that server first, or wait for that command to end, or give this one another --data",
        ]
    finally:
        first.kill()
        first.wait(timeout=10)
    again = subprocess.Popen(command(ports[1]), env=env, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(ports[1])
    finally:
        again.kill()
        again.wait(timeout=10)


@pytest.mark.slow
def test_emulator_serve_over_a_data_directory_it_cannot_open_is_one_error(tmp_path: Path) -> None:
    """`--data` naming a file, a damaged store.sqlite3 or a state.json that is not JSON: one `Error:` line and
    its `fix:`, exit 1, nothing served and no traceback (each was a traceback)."""
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": "t"}
    a_file, damaged, bad_json = tmp_path / "a-file", tmp_path / "damaged", tmp_path / "bad-json"
    a_file.write_text("x")
    damaged.mkdir()
    (damaged / "store.sqlite3").write_bytes(b"not a database" * 100)
    bad_json.mkdir()
    (bad_json / "state.json").write_text('{"spaces": [1, 2')
    for data in (a_file, damaged, bad_json):
        command = [sys.executable, "-m", "reconcile", "emulator", "serve", "--port", str(free_port()),
                   "--data", str(data)]  # fmt: skip
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 2 and "Traceback" not in result.stderr, result.stderr
        assert lines[0].startswith(f"Error: the data directory {data} cannot be opened (")
        assert lines[1].startswith("  fix: give --data a directory this user can write")
        if data == a_file:  # not errno's "File exists" (a newcomer trial)
            assert lines[0] == f"Error: the data directory {data} cannot be opened (it is a file, not a directory)"


def test_emulator_serve_on_the_data_of_a_running_local_target_command_says_so(tmp_path: Path) -> None:
    """`emulator serve --data .reconcile/local/NAME` while a command on that local target runs (its emulator child
    holds the data directory): the error names that command too, not only another `emulator serve`."""
    data = tmp_path / "data"
    child = subprocess.Popen([sys.executable, "-m", "reconcile.emulator.child"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps({"data": str(data), "spaces": ["local"], "token": "t"}).encode() + b"\n")
        child.stdin.flush()
        assert "port" in json.loads(child.stdout.readline())  # it serves, holding the data directory
        command = [sys.executable, "-m", "reconcile", "emulator", "serve", "--port", str(free_port()),
                   "--data", str(data)]  # fmt: skip
        env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": "t"}
        refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert "or by a command on the local target whose data it is" in refused.stderr.splitlines()[0]
        assert "wait for that command to end" in refused.stderr.splitlines()[1]
    finally:
        child.kill()
        child.wait(timeout=10)
