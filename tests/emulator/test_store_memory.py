"""Memory of the persisting emulator: the space is held as its JSON text, a request's parsed values
are let go when it ends, and ``serve`` keeps no request log; ``packed.Family`` behaves as a dict.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import tracemalloc
from pathlib import Path
from typing import Any

from emu_support import Http
from werkzeug.test import Client

from reconcile.emulator import Emulator
from reconcile.emulator.faults import Faults
from reconcile.emulator.packed import Family
from reconcile.emulator.server import EmulatorApp, RateLimiter
from reconcile.emulator.store import Store

TYPES = 40


def _content_type(index: int) -> dict[str, Any]:
    fields = [{"id": f"f{f}", "name": f"Field {f}", "type": "Symbol", "localized": f % 2 == 0,
               "validations": [{"size": {"max": 80 + f}}]} for f in range(50)]  # fmt: skip
    return {"name": f"Type {index}", "displayField": "f0", "fields": fields}


def _space_of_content_types(data: Path) -> int:
    """``TYPES`` published content types of 50 fields under ``data``; the bytes of their rows."""
    store = Store(["local"], data)
    with store.lock:
        scope = store.environments.scope("local", "master")
        for index in range(TYPES):
            store.content_types.put(scope, f"t{index}", _content_type(index), None)
            store.content_types.publish(scope, f"t{index}", "1")
            store.save()
    store.persistence.db.close()  # type: ignore[union-attr]
    with sqlite3.connect(data / "store.sqlite3") as db:
        return int(db.execute("SELECT sum(length(body)) FROM resources").fetchone()[0])


def _traced(action: Any) -> tuple[Any, int]:
    """What ``action()`` returns and the memory it left allocated (tracemalloc)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = action()
        return result, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_the_persisting_store_holds_the_space_as_its_json_text(tmp_path: Path) -> None:
    """Loaded, and after a read of the whole collection and a write, the store holds little more than
    the text of its rows (the parsed values took about five times as much)."""
    text_bytes = _space_of_content_types(tmp_path)

    def load_read_and_write() -> Store:
        store = Store(["local"], tmp_path)
        with store.lock:
            scope = store.environments.scope("local", "master")
            assert store.content_types.collection(scope, {"limit": "1000"}).envelope["total"] == TYPES
            assert len(store.editor_interfaces.list_all(scope).items) == TYPES
            store.let_go()
            store.content_types.put(scope, "t3", _content_type(3), "2")
            store.save()
        return store

    store, held = _traced(load_read_and_write)
    assert held < 2 * text_bytes, (held, text_bytes)
    assert json.loads(json.dumps(store.state))["spaces"]["local"]["environments"]["master"]["content_types"]["t3"][
        "draft"
    ]["sys"]["version"] == 3


def test_reads_and_writes_through_http_let_go_of_what_they_parsed(tmp_path: Path) -> None:
    """The values a request parsed are released when it ends, whether it reads, writes or is refused."""
    _space_of_content_types(tmp_path)
    with Emulator(data_dir=tmp_path) as emu:
        http = Http(emu.base_url)
        persistence = emu.store.persistence
        assert persistence is not None
        assert http.request("GET", "/content_types", params={"limit": "1000"}).json()["total"] == TYPES
        assert not any(family.parsed for family in persistence.families.values())
        assert http.request("PUT", "/content_types/t1", _content_type(1), version=2).ok
        assert not any(family.parsed for family in persistence.families.values())
        assert http.request("PUT", "/content_types/t2", _content_type(2), version=1).status_code == 409
        assert not any(family.parsed for family in persistence.families.values())
        assert http.request("GET", "/content_types/t1").json()["sys"]["version"] == 3


def test_serve_keeps_no_request_log(tmp_path: Path) -> None:
    """``reconcile emulator serve`` answers for days: nobody can read its request log, so it keeps none
    (a log of every request body grew without bound); the in-process ``Emulator`` keeps its log."""
    store = Store(["local"], tmp_path)
    app = EmulatorApp(store, "t", Faults(), RateLimiter(None), keep_log=False)
    client = Client(app)
    response = client.put("/spaces/local/environments/master/content_types/x", json=_content_type(0),
                          headers={"Authorization": "Bearer t"})  # fmt: skip
    assert response.status_code == 201
    assert app.request_log == []
    with Emulator(keep_log=False) as quiet, Emulator() as logged:
        for emulator in (quiet, logged):
            assert Http(emulator.base_url).request("PUT", "/content_types/x", _content_type(0)).status_code == 201
        assert quiet.request_log == [] and len(logged.request_log) == 1


def _exercise(family: dict[str, Any]) -> list[Any]:
    """The dict operations the emulator's code uses, with what each returns."""
    seen: list[Any] = [family["a"], family.get("b"), family.get("zz", "none"), "a" in family, len(family)]
    family["c"] = {"n": 3}
    family["a"]["n"] = 10  # in place
    seen += [family.setdefault("d", {"n": 4}), family.setdefault("a", {}), family.pop("b"), family.pop("zz", None)]
    del family["c"]
    family["c"] = {"n": 30}  # re-added: moves to the end
    family.update({"e": {"n": 5}})
    family |= {"f": {"n": 6}}
    seen += [list(family), list(family.keys()), list(family.values()), list(family.items()), family.popitem()]
    seen += [dict(family), {**family}, family | {"g": 1}, {"h": 2} | family, family == dict(family)]
    seen += [family.copy(), copy.copy(family), copy.deepcopy(family), json.dumps(family), repr(family)]
    seen.append(json.dumps({"nested": family}, indent=1))
    return seen


def test_a_family_behaves_as_the_dict_it_stands_for(tmp_path: Path) -> None:
    """Every dict operation answers what a plain dict answers, and the commit stores what it holds."""
    values = {"a": {"n": 1}, "b": {"n": 2}, "x": {"n": 0}}
    plain = copy.deepcopy(values)
    family = Family((key, json.dumps(value)) for key, value in values.items())
    assert _exercise(family) == _exercise(plain)
    assert family == plain
    assert family != {**plain, "zz": 1}
    store = Store(["local"], tmp_path)
    with store.lock:
        env = store.state["spaces"]["local"]["environments"]["master"]
        env["tags"] = copy.deepcopy(values)
        store.save()
        tags = env["tags"]
        assert isinstance(tags, Family)
        assert _exercise(tags) == _exercise(copy.deepcopy(values))
        store.save()
        expected = json.dumps(store.state)
    assert json.dumps(Store(["local"], tmp_path).state) == expected


def test_a_loaded_store_holds_its_texts_packed(tmp_path: Path) -> None:
    """Each resource's text is held compressed (packed.pack): a loaded space takes less than a third of its
    text (about a ninth for content types of 50 fields), and reads back the same values."""
    text_bytes = _space_of_content_types(tmp_path)
    store, held = _traced(lambda: Store(["local"], tmp_path))
    assert held < text_bytes / 3, (held, text_bytes)
    with store.lock:
        scope = store.environments.scope("local", "master")
        assert store.content_types.get(scope, "t7")["name"] == "Type 7"
        store.let_go()
