"""The API's response size limit (emulator/limits.py): a read whose body exceeds 7,340,032 bytes (or the
lowered test limit) is 400 BadRequest "Response size too big", shaped as the API sends it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from emu_support import Http

from reconcile.emulator import MAX_RESPONSE_BYTES, Emulator
from tests.support import free_port, wait_for_port

CT_BODY = {"name": "Post", "fields": [{"id": "body", "name": "Body", "type": "Text"}]}


def too_big(limit: int) -> dict[str, object]:
    return {"sys": {"type": "Error", "id": "BadRequest"},
            "message": f"Response size too big. Maximum allowed response size: {limit}B."}  # fmt: skip


def with_posts(http: Http, count: int, size: int) -> None:
    assert http.request("PUT", "/content_types/post", CT_BODY).status_code == 201
    assert http.request("PUT", "/content_types/post/published", version=1).status_code == 200
    for number in range(count):
        body = {"fields": {"body": {"en-US": "x" * size}}}
        created = http.request("PUT", f"/entries/post{number}", body, headers={"X-Contentful-Content-Type": "post"})
        assert created.status_code == 201


def test_the_default_limit_is_the_apis_7_mib() -> None:
    assert MAX_RESPONSE_BYTES == 7 * 1024 * 1024 == 7_340_032
    with Emulator() as emu:
        http = Http(emu.base_url)
        with_posts(http, 8, 1_000_000)  # 8 MB of entries: one request each is below the limit, all of them not
        refused = http.request("GET", "/entries", params={"limit": 1000})
        assert refused.status_code == 400
        assert refused.json() == {**too_big(7_340_032), "requestId": refused.headers["X-Contentful-Request-Id"]}
        seven = http.request("GET", "/entries", params={"limit": 7})
        assert seven.status_code == 200 and len(seven.content) <= 7_340_032 and len(seven.json()["items"]) == 7


def test_a_lowered_limit_refuses_each_read_over_it_and_nothing_else() -> None:
    with Emulator(max_response_bytes=5_000) as emu:
        http = Http(emu.base_url)
        with_posts(http, 4, 2_000)  # each write answers ~2.5 kB; a write is never refused (limits.py)
        for path in ("/entries", "/entries?limit=2"):
            refused = http.request("GET", path)
            assert refused.status_code == 400, path
            body = refused.json()
            assert body == {**too_big(5_000), "requestId": body["requestId"]}  # no details, as the API
            assert body["requestId"] == refused.headers["X-Contentful-Request-Id"]
        page = http.request("GET", "/entries", params={"limit": 1, "skip": 3})
        assert page.status_code == 200 and [i["sys"]["id"] for i in page.json()["items"]] == ["post3"]
        assert http.request("GET", "/entries/post1").status_code == 200
        big = {"fields": {"body": {"en-US": "y" * 6_000}}}
        assert http.request("PUT", "/entries/post1", big, version=1).status_code == 200
        single = http.request("GET", "/entries/post1")
        assert single.status_code == 400 and single.json()["message"] == too_big(5_000)["message"]
        emu.set_max_response_bytes(MAX_RESPONSE_BYTES)
        assert http.request("GET", "/entries").status_code == 200
        assert [r.status for r in emu.request_log if r.method == "GET"] == [400, 400, 200, 200, 400, 200]


def compact(response: requests.Response) -> int:
    return len(json.dumps(response.json(), separators=(",", ":")).encode())


@pytest.mark.parametrize("path", ["/locales", "/content_types", "/editor_interfaces", "/content_types/post"])
def test_the_limit_is_on_the_body_written_compact(path: str) -> None:
    """The API sends compact JSON (no space after ``,`` and ``:``; recordings from 2023 on) and refuses by
    that size; the emulator sends the spaces and measures the compact body (limits.py)."""
    with Emulator() as emu:
        http = Http(emu.base_url)
        assert http.request("PUT", "/content_types/post", CT_BODY).status_code == 201
        assert http.request("PUT", "/content_types/post/published", version=1).status_code == 200
        sent = http.request("GET", path)
        size = compact(sent)
        assert size < len(sent.content)
        emu.set_max_response_bytes(size)
        assert http.request("GET", path).content == sent.content
        emu.set_max_response_bytes(size - 1)
        assert http.request("GET", path).json()["message"] == too_big(size - 1)["message"]
    with pytest.raises(ValueError, match="at least 1 byte"):
        Emulator(max_response_bytes=0)


@pytest.mark.slow
def test_emulator_serve_cli_max_response_bytes(tmp_path: Path) -> None:
    """`reconcile emulator serve --max-response-bytes 200` refuses the locale list (~500 bytes) as the API
    refuses 7 MB; 0 is a usage error."""
    port = free_port()
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": "t"}
    command = [sys.executable, "-m", "reconcile", "emulator", "serve", "--port", str(port),
               "--data", str(tmp_path / "data"), "--space", "s1", "--max-response-bytes", "200"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        url = f"http://127.0.0.1:{port}/spaces/s1/environments/master/locales"
        response = requests.get(url, headers={"Authorization": "Bearer t"}, timeout=10)
        assert response.status_code == 400
        assert response.json()["message"] == too_big(200)["message"]
    finally:
        process.kill()
        process.wait(timeout=10)
    refused = subprocess.run([*command[:-1], "0"], env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
