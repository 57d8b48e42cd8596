"""Every recorded real CMA response for content types, editor interfaces and locales goes through the
backend's read path and comes out without loss.

Real payloads from 2014 to 2025 carry keys the emulator never produces (``apiName``, ``uiid``, ``metadata``,
``internal_code``, the 2014 locale ``publish`` key, editor interfaces without ``sys.id``...). Each recorded
200 answer to a GET (single resource or Array) is served by a replay server on 127.0.0.1 at the list endpoint
the backend reads, read with ``Backend.read_raw`` over HTTP, parsed, and written back with ``*_to_api``:
every key of the recording (except the few the model ignores on purpose) must come back with its value.
``contentful space export`` files are checked the same way through ``raw_from_export``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconcile.backend import (
    Backend,
    RawEnvironment,
    content_type_to_api,
    editor_interface_to_api,
    locale_to_api,
    parse_environment,
    raw_from_export,
)
from reconcile.model import LiveState
from tests.shared import MISSING_REASON, RECORDINGS

from .servers import ReplayServer, Reply

# Keys the model ignores on purpose: legacy/read-only field keys (``apiName`` of web-app content types,
# ``deleted`` of a deletion step, ``uiid`` of 2014), server-managed locale keys (``internal_code``, the 2014
# ``publish``, ``default`` which is never sent, the 2016 spelling ``fallback_code``) and ``sys``.
IGNORED_FIELD_KEYS = {"apiName", "deleted", "uiid"}
IGNORED_LOCALE_KEYS = {"sys", "default", "internal_code", "publish", "fallback_code"}

LIST_PATHS = {"ContentType": "/content_types", "EditorInterface": "/editor_interfaces", "Locale": "/locales"}
EMPTY_ARRAY = {"sys": {"type": "Array"}, "total": 0, "skip": 0, "limit": 1000, "items": []}
MISSING = pytest.mark.skip(reason=MISSING_REASON)


def _replayable_kind(interaction: Any) -> str | None:
    """The resource kind of a recorded 200 GET of content types, editor interfaces or locales, else None.
    Published snapshots (``/public/content_types``) are left out: the backend never reads them."""
    request = (interaction or {}).get("request") or {}
    response = (interaction or {}).get("response") or {}
    body = response.get("body")
    if request.get("method", "").upper() != "GET" or response.get("status") != 200 or not isinstance(body, dict):
        return None
    if "/public/" in request.get("uri", ""):
        return None
    kind = body.get("sys", {}).get("type")
    if kind == "Array":
        kinds = {item.get("sys", {}).get("type") for item in body.get("items") or ()}
        kind = kinds.pop() if len(kinds) == 1 else None
    return kind if kind in LIST_PATHS else None


def _recorded_cases() -> list[Any]:
    if not RECORDINGS.is_dir():
        return [pytest.param(None, None, marks=MISSING, id="no-recordings")]
    cases = []
    for path in sorted(RECORDINGS.rglob("*.json")):
        data = json.loads(path.read_text())
        if not isinstance(data, list):  # export files: see test_export_file_reads_without_loss
            continue
        for index, interaction in enumerate(data):
            kind = _replayable_kind(interaction)
            if kind is not None:
                body = interaction["response"]["body"]
                cases.append(pytest.param(kind, body, id=f"{path.relative_to(RECORDINGS)}#{index}"))
    return cases


def _export_cases() -> list[Any]:
    if not RECORDINGS.is_dir():
        return [pytest.param(None, marks=MISSING, id="no-recordings")]
    exports = [p for p in sorted(RECORDINGS.rglob("*.json")) if isinstance(json.loads(p.read_text()), dict)]
    return [pytest.param(p, id=str(p.relative_to(RECORDINGS))) for p in exports]


def _assert_kept(raw: Any, sent: Any, where: str, ignored: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Every key of ``raw`` (recursively through objects) is in ``sent`` with the same value."""
    if isinstance(raw, dict) and isinstance(sent, dict):
        for key in raw.keys() - ignored:
            assert key in sent, f"{where}.{key} was lost"
            _assert_kept(raw[key], sent[key], f"{where}.{key}")
    else:
        assert sent == raw, f"{where} changed: {raw!r} -> {sent!r}"


def _assert_content_type_lossless(raw: dict[str, Any], live: LiveState) -> None:
    ct_id = raw["sys"]["id"]
    ct = live.model.content_types[ct_id]
    assert [f.id for f in ct.fields] == [f["id"] for f in raw.get("fields") or ()]
    sent = content_type_to_api(ct)
    _assert_kept({k: v for k, v in raw.items() if k not in ("sys", "fields")}, sent, ct_id)
    # metadata: annotations and taxonomy are managed, any other key of it is carried as unmanaged
    assert set(ct.unmanaged) - {"metadata"} == raw.keys() - {"sys", "name", "description", "displayField", "fields",
                                                             "metadata"}
    for raw_field, sent_field in zip(raw.get("fields") or (), sent["fields"], strict=True):
        _assert_kept(raw_field, sent_field, f"{ct_id}.fields.{raw_field['id']}", IGNORED_FIELD_KEYS)
    meta = live.meta_for("content_type", ct_id)
    assert meta is not None and meta.sys_id == ct_id
    assert meta.version == raw["sys"]["version"]
    assert meta.published_version == raw["sys"].get("publishedVersion")


def _assert_editor_interface_lossless(raw: dict[str, Any], live: LiveState) -> None:
    ct_id = raw["sys"]["contentType"]["sys"]["id"]
    ei = live.model.editor_interfaces[ct_id]
    _assert_kept(raw, editor_interface_to_api(ei), f"editor interface of {ct_id}", {"sys"})
    meta = live.meta_for("editor_interface", ct_id)
    assert meta is not None and meta.sys_id == raw["sys"].get("id", "default")
    assert meta.version == raw["sys"]["version"]


def _assert_locale_lossless(raw: dict[str, Any], live: LiveState) -> None:
    loc = live.model.locales[raw["code"]]
    _assert_kept(raw, locale_to_api(loc), f"locale {raw['code']}", IGNORED_LOCALE_KEYS)
    assert loc.default == raw.get("default", False)
    assert loc.fallback_code == raw.get("fallbackCode", raw.get("fallback_code"))
    meta = live.meta_for("locale", loc.code)
    assert meta is not None and (meta.sys_id, meta.version) == (raw["sys"]["id"], raw["sys"]["version"])


def _assert_lossless(raw: RawEnvironment, live: LiveState) -> None:
    for d in raw.content_types:
        _assert_content_type_lossless(d, live)
    for d in raw.editor_interfaces:
        _assert_editor_interface_lossless(d, live)
    for d in raw.locales:
        _assert_locale_lossless(d, live)
    assert len(live.model.content_types) == len({d["sys"]["id"] for d in raw.content_types})
    assert len(live.model.locales) == len({d["code"] for d in raw.locales})


@pytest.mark.parametrize(("kind", "body"), _recorded_cases())
def test_recorded_response_reads_without_loss(replay: ReplayServer, kind: str, body: dict[str, Any]) -> None:
    if body["sys"]["type"] == "Array":
        array = body
    else:
        array = {"sys": {"type": "Array"}, "total": 1, "skip": 0, "limit": 1000, "items": [body]}
    for resource_kind, path in LIST_PATHS.items():
        replay.routes[path] = Reply(200, array if resource_kind == kind else EMPTY_ARRAY)
    backend = Backend(base_url=replay.base_url, token="replay-token", space_id="sp", environment_id="master")

    raw = backend.read_raw()

    read = {"ContentType": raw.content_types, "EditorInterface": raw.editor_interfaces, "Locale": raw.locales}
    assert read[kind] == array["items"]
    assert all(not items for k, items in read.items() if k != kind)
    assert backend.request_count == len(replay.seen) >= 3
    _assert_lossless(raw, parse_environment(raw))


@pytest.mark.parametrize("path", _export_cases())
def test_export_file_reads_without_loss(path: Path) -> None:
    data = json.loads(path.read_text())
    raw = raw_from_export(data)
    assert raw.content_types == data.get("contentTypes", [])
    assert raw.editor_interfaces == data.get("editorInterfaces", [])
    assert raw.locales == data.get("locales", [])
    _assert_lossless(raw, parse_environment(raw))
