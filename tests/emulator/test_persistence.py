"""Persistence of the emulator (and of the local target): SQLite under the data directory.

Every write request is one transaction of the rows it changed; the state read back from the file is
exactly the state in memory (key order included); state.json directories are migrated; a SIGKILL
of ``reconcile emulator serve`` never loses an acknowledged write nor corrupts the file.
"""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from emu_support import Http

from reconcile.emulator import Emulator
from reconcile.emulator.store import Store

DB = "store.sqlite3"


def _reloaded(data: Path) -> str:
    return json.dumps(Store(["local"], data).state)


def _versions(data: Path) -> int:
    with sqlite3.connect(data / DB) as db:
        return int(db.execute("SELECT count(*) FROM versions").fetchone()[0])


def _field(field_id: str, **extra: Any) -> dict[str, Any]:
    return {"id": field_id, "name": field_id.title(), "type": "Symbol", **extra}


@pytest.fixture
def persisted(tmp_path: Path) -> Iterator[tuple[Emulator, Http]]:
    with Emulator(data_dir=tmp_path, env_ready_delay=0) as emulator:
        yield emulator, Http(emulator.base_url)


def test_every_write_reads_back_exactly_as_in_memory(persisted: tuple[Emulator, Http], tmp_path: Path) -> None:
    """After each write, a store opened on the same directory holds the same state, in the same order,
    including resources a request changed in place (entry values moved by a field rename or a locale's
    new code, dropped with a deleted locale) and a cloned environment."""
    emu, http = persisted
    entry_ct = {"X-Contentful-Content-Type": "post"}
    writes: list[tuple[Any, ...]] = [
        ("PUT", "/content_types/post", {"name": "Post", "fields": [_field("title"), _field("slug")]}, None),
        ("PUT", "/content_types/post/published", None, 1),
        ("PUT", "/content_types/page", {"name": "Page", "fields": [_field("title")]}, None),
        ("POST", "/locales", {"name": "German", "code": "de"}, None),
        ("POST", "/locales", {"name": "French", "code": "fr"}, None),
        ("PUT", "/entries/e1", {"fields": {"title": {"en-US": "a", "de": "b", "fr": "c"}}}, None),
        ("PUT", "/entries/e2", {"fields": {"slug": {"en-US": "s", "de": "t"}}}, None),
        ("PUT", "/entries/e1/published", None, 1),
        (
            "PUT",
            "/content_types/post",
            {"name": "Post", "fields": [_field("title", newId="headline"), _field("slug")]},
            2,
        ),
        ("PUT", "/content_types/post/published", None, 3),
        (
            "PUT",
            "/content_types/post/editor_interface",
            {"controls": [{"fieldId": "headline", "widgetId": "singleLine"}]},
            2,
        ),
        ("PUT", "/spaces/local/environments/staging", {"name": "Staging"}, None),
        ("DELETE", "/entries/e2", None, None),
        ("DELETE", "/content_types/page", None, None),
        ("PUT", "/content_types/page", {"name": "Page again", "fields": []}, None),
    ]
    for method, path, body, version in writes:
        response = http.request(method, path, body, version, headers=entry_ct)
        assert response.status_code < 300, (path, response.text)
        assert _reloaded(tmp_path) == json.dumps(emu.store.state), (method, path)
    locales = http.request("GET", "/locales").json()["items"]
    de, fr = (next(loc for loc in locales if loc["code"] == code) for code in ("de", "fr"))
    for method, path, body, version in [
        ("PUT", f"/locales/{de['sys']['id']}", {"name": "German", "code": "de-DE"}, de["sys"]["version"]),
        ("DELETE", f"/locales/{fr['sys']['id']}", None, None),
        ("PUT", "/spaces/local/environments/staging", {"name": "Renamed"}, 3),  # ready: version 3
        ("DELETE", "/spaces/local/environments/staging", None, None),
    ]:
        assert http.request(method, path, body, version).status_code < 300, path
        assert _reloaded(tmp_path) == json.dumps(emu.store.state), (method, path)
    fields = json.loads(_reloaded(tmp_path))["spaces"]["local"]["environments"]["master"]["entries"]["e1"]["fields"]
    assert fields == {"headline": {"en-US": "a", "de-DE": "b"}}


def test_a_write_stores_only_the_rows_it_changed(persisted: tuple[Emulator, Http], tmp_path: Path) -> None:
    """O(size of the resource): an update of one content type in a space of 30 writes one row,
    also after a read of the whole collection; a publish writes the content type and its editor
    interface."""
    emu, http = persisted
    for index in range(30):
        http.request("PUT", f"/content_types/t{index}", {"name": f"T{index}", "fields": [_field("a")]})
    before = _versions(tmp_path)
    assert http.request("PUT", "/content_types/t7", {"name": "Seven", "fields": [_field("a")]}, 1).ok
    assert _versions(tmp_path) == before + 1
    assert http.request("GET", "/content_types").json()["total"] == 30
    assert http.request("PUT", "/content_types/t8", {"name": "Eight", "fields": [_field("a")]}, 1).ok
    assert _versions(tmp_path) == before + 2
    assert http.request("PUT", "/content_types/t8/published", version=2).ok
    assert _versions(tmp_path) == before + 4
    assert http.request("DELETE", "/content_types/t9").status_code == 204
    assert _versions(tmp_path) == before + 5
    assert _reloaded(tmp_path) == json.dumps(emu.store.state)


def test_any_family_at_either_level_persists_without_code(tmp_path: Path) -> None:
    """New families (space-level users or aliases, environment-level tags) persist as they are, changed
    in place or replaced, through the levels of the state alone."""
    store = Store(["local"], tmp_path)
    with store.lock:
        space = store.state["spaces"]["local"]
        space.setdefault("users", {})["u1"] = {"name": "Ada", "sys": {"id": "u1", "version": 1}}
        space["environments"]["master"].setdefault("tags", {})["t1"] = {"name": "News", "sys": {"version": 1}}
        store.save()
    assert _reloaded(tmp_path) == json.dumps(store.state)
    with store.lock:
        space["environments"]["master"]["tags"]["t1"]["name"] = "Renamed in place"
        space["users"].get("u1")["sys"]["version"] = 2
        store.save()
    assert _reloaded(tmp_path) == json.dumps(store.state)
    with store.lock:
        space["users"] = {"u2": {"name": "Grace"}}
        for tag in space["environments"]["master"]["tags"].values():
            tag["name"] = "Seen through values()"
        store.save()
        store.state["elsewhere"] = {"kept": [1, 2]}  # outside the levels: kept whole
        store.save()
    everything = json.loads(_reloaded(tmp_path))
    assert everything["elsewhere"] == {"kept": [1, 2]}
    reloaded = everything["spaces"]["local"]
    assert reloaded["users"] == {"u2": {"name": "Grace"}}
    assert reloaded["environments"]["master"]["tags"]["t1"]["name"] == "Seen through values()"


def test_resources_added_in_one_commit_keep_their_order(tmp_path: Path) -> None:
    """Several new resources in one commit (a failed write's change persisted by the next one, say)
    come back in the family's order, which the API's lists follow."""
    store = Store(["local"], tmp_path)
    with store.lock:
        store.state["spaces"]["local"]["environments"]["master"]["tags"] = {}
        store.save()
        tags = store.state["spaces"]["local"]["environments"]["master"]["tags"]
        for index in range(30):
            tags[f"t{index}"] = {"n": index}
        store.save()
    assert _reloaded(tmp_path) == json.dumps(store.state)


def test_state_json_directories_are_migrated(tmp_path: Path) -> None:
    with Emulator() as source:
        Http(source.base_url).request("PUT", "/content_types/x", {"name": "X", "fields": [_field("a")]})
        state = json.dumps(source.store.state)
    (tmp_path / "state.json").write_text(state, encoding="utf-8")
    with Emulator(data_dir=tmp_path) as emu:
        assert Http(emu.base_url).request("GET", "/content_types/x").json()["name"] == "X"
    assert (tmp_path / "state.json.migrated").read_text(encoding="utf-8") == state
    assert not (tmp_path / "state.json").exists()
    assert _reloaded(tmp_path) == state


def test_a_failed_commit_keeps_the_file_at_the_previous_write(
    persisted: tuple[Emulator, Http], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu, http = persisted
    http.request("PUT", "/content_types/x", {"name": "X", "fields": []})
    before = _reloaded(tmp_path)
    persistence = emu.store.persistence
    assert persistence is not None

    def full_disk(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(persistence, "_write_row", full_disk)
        assert http.request("PUT", "/content_types/y", {"name": "Y", "fields": []}).status_code == 500
    assert _reloaded(tmp_path) == before
    assert http.request("PUT", "/content_types/z", {"name": "Z", "fields": []}).status_code == 201
    assert _reloaded(tmp_path) == json.dumps(emu.store.state)


# ------------------------------------------------------------------------- SIGKILL, real processes


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": "kill-token"}
    command = [sys.executable, "-m", "reconcile", "emulator", "serve", "--data", str(data), "--port", str(port)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/spaces/local/environments/master/content_types"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(base, headers={"Authorization": "Bearer kill-token"}, timeout=10)
            return process, base
        except requests.ConnectionError:
            assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
            time.sleep(0.05)


def _write_until_killed(base: str, round_: int, acknowledged: dict[str, int]) -> None:
    """Create content types of 50 fields and update some, noting every acknowledged version."""
    session = requests.Session()
    session.headers["Authorization"] = "Bearer kill-token"
    fields = [_field(f"f{index}", validations=[{"size": {"max": index + 1}}]) for index in range(50)]
    index = 0
    try:
        while True:
            ct_id = f"r{round_}n{index}"
            response = session.put(f"{base}/{ct_id}", json={"name": ct_id, "fields": fields}, timeout=30)
            acknowledged[ct_id] = response.json()["sys"]["version"]
            if index % 3 == 2:
                previous = f"r{round_}n{index - 1}"
                response = session.put(
                    f"{base}/{previous}",
                    json={"name": "again", "fields": fields},
                    headers={"X-Contentful-Version": str(acknowledged[previous])},
                    timeout=30,
                )
                acknowledged[previous] = response.json()["sys"]["version"]
            index += 1
    except (requests.RequestException, ValueError):
        return  # the server was killed: the request in flight (cut off, or no answer) was not acknowledged


@pytest.mark.slow
def test_sigkill_mid_write_loses_no_acknowledged_write(tmp_path: Path) -> None:
    rng = random.Random(16)
    acknowledged: dict[str, int] = {}
    for round_ in range(4):
        process, base = _serve(tmp_path)
        writer = threading.Thread(target=_write_until_killed, args=(base, round_, acknowledged))
        writer.start()
        time.sleep(rng.uniform(0.3, 1.5))
        process.kill()
        process.wait(timeout=30)
        writer.join(timeout=60)
    with sqlite3.connect(tmp_path / DB) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert len(acknowledged) > 4
    content_types = json.loads(_reloaded(tmp_path))["spaces"]["local"]["environments"]["master"]["content_types"]
    stored = {ct_id: record["draft"]["sys"]["version"] for ct_id, record in content_types.items()}
    lost = {ct_id: version for ct_id, version in acknowledged.items() if stored.get(ct_id, 0) < version}
    assert not lost
