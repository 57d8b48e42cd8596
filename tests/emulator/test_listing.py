"""Collection answers assembled from each item's text (emulator/listing.py): the bytes json.dumps writes
for the whole answer, in memory and persisting alike, built without holding every parsed item."""

from __future__ import annotations

import copy
import hashlib
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from emu_support import TOKEN, Http
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.test import Client

from reconcile.emulator import Emulator
from reconcile.emulator.faults import Faults
from reconcile.emulator.listing import compact_length
from reconcile.emulator.server import EmulatorApp, RateLimiter
from reconcile.emulator.store import Store

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ENV = "/spaces/local/environments/master"
QUERIES = [
    "/content_types", "/content_types?limit=1000&skip=0&order=sys.createdAt,sys.id",
    "/content_types?limit=2&skip=1&order=-sys.updatedAt", "/content_types?order=name,-sys.id",
    "/content_types?sys.id[in]=t3,t1,zz", "/content_types?sys.id=t4", "/content_types?skip=40",
    "/editor_interfaces", "/locales", "/tags", "/entries", "/entries?content_type=t1",
    "/entries?content_type=t2&select=sys.id,fields.f0&order=-sys.id",
    "/entries?sys.archivedAt[exists]=false&limit=3&skip=1&order=sys.createdAt,sys.id",
    "/entries?metadata.tags.sys.id[in]=news", "/entries?sys.contentType.sys.id[in]=t2,t1&select=sys",
]  # fmt: skip


def _content_type(index: int, fields: int = 6) -> dict[str, Any]:
    return {"name": f"Type {index} ünï 😀", "displayField": "f0", "description": "a, b: c \" \\",
            "fields": [{"id": f"f{f}", "name": f"F {f}", "type": "Symbol", "localized": f % 2 == 0,
                        "validations": [{"size": {"max": 80 + f}}]} for f in range(fields)]
            + [{"id": "n", "name": "N", "type": "Number",
                "validations": [{"range": {"min": 0.5, "max": 1e20}}]}]}  # fmt: skip


def _seed(http: Http) -> None:
    assert http.request("POST", "/locales", {"name": "German", "code": "de-DE", "fallbackCode": "en-US"}).ok
    assert http.request("PUT", "/tags/news", {"name": "News", "sys": {"id": "news", "visibility": "private"}}).ok
    for index in range(6):
        assert http.request("PUT", f"/content_types/t{index}", _content_type(index)).ok
        if index % 3:
            assert http.request("PUT", f"/content_types/t{index}/published", version=1).ok
    tag = [{"sys": {"type": "Link", "linkType": "Tag", "id": "news"}}]
    for number in range(8):
        body = {"fields": {"f0": {"en-US": f"v{number}, x: y", "de-DE": "ß"}, "n": {"en-US": 1 + number / 3}},
                "metadata": {"tags": tag if number % 2 else []}}  # fmt: skip
        created = http.request("PUT", f"/entries/e{number}", body,
                               headers={"X-Contentful-Content-Type": f"t{1 + number % 2}"})  # fmt: skip
        assert created.ok
        if number % 3 == 0:
            assert http.request("PUT", f"/entries/e{number}/published", version=created.json()["sys"]["version"]).ok
    assert http.request("PUT", "/content_types/t1", {**_content_type(1), "name": "changed"}, version=2).ok


def _answers(client: Client) -> dict[str, tuple[int, bytes, dict[str, str]]]:
    answers = {}
    for query in QUERIES:
        response = client.get(ENV + query, headers=AUTH)
        headers = {k: v for k, v in response.headers.items() if k != "X-Contentful-Request-Id"}
        answers[query] = (response.status_code, response.get_data(), headers)
    return answers


def test_list_answers_are_the_json_of_the_whole_answer_in_memory_and_persisting(tmp_path: Path) -> None:
    """Every list answer is byte for byte ``json.dumps`` of its parsed value (what the emulator always sent),
    with its Content-Length and ETag, and the same whether the store persists or not."""
    with Emulator(data_dir=tmp_path) as emu:
        _seed(Http(emu.base_url))
    persisting = Store(["local"], tmp_path)
    in_memory = Store(["local"])
    in_memory.state = copy.deepcopy(persisting.state)  # plain values: no stored texts
    apps = [EmulatorApp(store, TOKEN, Faults(), RateLimiter(None)) for store in (persisting, in_memory)]
    answers = [_answers(Client(app)) for app in apps]
    assert answers[0] == answers[1]
    for query, (status, body, headers) in answers[0].items():
        assert status == 200, (query, body)
        assert body == json.dumps(json.loads(body)).encode(), query
        assert headers["Content-Length"] == str(len(body))
        assert headers["ETag"] == f'"{int(hashlib.sha1(body).hexdigest()[:16], 16)}"'
        assert list(headers)[:2] == ["Content-Type", "Content-Length"]
    assert [i["sys"]["id"] for i in json.loads(answers[0]["/content_types?sys.id[in]=t3,t1,zz"][1])["items"]] == [
        "t1", "t3"]  # fmt: skip


def _peak(action: Any) -> int:
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        action()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("persisting", [True, False])
@pytest.mark.parametrize("path", ["/content_types?limit=1000&order=sys.createdAt,sys.id", "/editor_interfaces"])
def test_a_list_answer_holds_little_more_than_its_bytes(tmp_path: Path, persisting: bool, path: str) -> None:
    """Listing 60 published content types of 50 fields allocates less than three times the answer's size at
    its peak (the answer, and the client's copy of it); parsing every stored record for it, deep-copying the
    page and dumping it whole took 8 to 19 times as much."""
    store = Store(["local"], tmp_path if persisting else None)
    with store.lock:
        scope = store.environments.scope("local", "master")
        for index in range(60):
            store.content_types.put(scope, f"t{index}", _content_type(index, 49), None)
            store.content_types.publish(scope, f"t{index}", "1")
            store.save()
    client = Client(EmulatorApp(store, TOKEN, Faults(), RateLimiter(None), keep_log=False))
    sizes = []
    peak = _peak(lambda: sizes.append(len(client.get(ENV + path, headers=AUTH).get_data())))
    assert peak < 3 * sizes[0], (peak, sizes[0])


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
))  # fmt: skip
def test_compact_length_is_the_length_of_the_compact_json(value: Any) -> None:
    assert compact_length(json.dumps(value)) == len(json.dumps(value, separators=(",", ":")))
