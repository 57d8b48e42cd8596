"""Comparing a recorded response body with the emulator's: keys, JSON types, and exact `sys` values.

Both bodies are first *normalised* (``normalise``): timestamps become their format class (with or without
milliseconds — the real API uses both, per resource type), user links lose their id, request ids and URNs
become placeholders, environment versions become ``<int>`` (the real server bumps them while it processes a
clone: 1→3 in 2021, 1→5/6 in 2018), and ids the server generated are mapped recorded→emulated.

Then ``diff`` walks both trees:

* dicts: the same set of keys (recursively), otherwise ``missing key`` / ``extra key``;
* lists: the same length, items compared position by position (shape of each item);
* scalars: the same JSON type (bool, int, float, str, null are distinct; int and float are both numbers);
* exact values: everything inside any ``sys`` object, the collection envelope (``total``, ``skip``,
  ``limit``), and an error's ``message`` and identifying ``details`` (``type``, ``id``, ``environment``,
  ``space``, ``name``, ``path``, ``key``, ``keys``).

``Tolerance`` entries relax one path for one stated reason (the only use: recordings that predate a key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
ENVELOPE_EXACT = {"total", "skip", "limit"}
ERROR_DETAIL_EXACT = {"type", "id", "environment", "space", "name", "path", "key", "keys"}


@dataclass(frozen=True)
class Tolerance:
    pattern: str  # regex over the generic path (list indexes written as [])
    kind: str  # "extra": the emulator may have the key; "missing": the emulator may lack it
    reason: str
    resource: str = ""  # only inside a body whose sys.type is this (empty: any)

    def allows(self, kind: str, path: str, resource: str) -> bool:
        return self.kind == kind and self.resource in ("", resource) and re.fullmatch(self.pattern, path) is not None


# Keys whose presence changed over the years, each relaxed only for recordings made before the date given:
# the date is the first recording that shows the current behaviour (the evidence is listed in
# docs/conformance.md). ``resource`` restricts a tolerance to bodies of that `sys.type`.
def _era(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


ERA_TOLERANCES: tuple[tuple[datetime, Tolerance], ...] = (
    (_era(2017, 1, 1), Tolerance(r"requestId", "extra", "2014–2016 error bodies carry no `requestId`")),
    (
        _era(2018, 1, 1),
        Tolerance(
            r"(.*\.)?sys\.environment",
            "extra",
            "recorded before environments existed (2018): the URI was rewritten to /environments/master later, "
            "the body lacks the environment link current resources carry",
        ),
    ),
    (_era(2018, 1, 1), Tolerance(r"details\.environment", "extra", "pre-2018 404 details lack `environment`")),
    (
        _era(2018, 1, 1),
        Tolerance(
            r"(items\[\]\.)?(displayField|fields\[\]\.(localized|required|validations|disabled|omitted))",
            "extra",
            "2017 and older content-type bodies leave out `displayField` and some field defaults that every "
            "2018+ recording shows (facts §1.2: 'older: absent')",
            "ContentType",
        ),
    ),
    (
        _era(2018, 7, 1),
        Tolerance(
            r"(items\[\]\.)?sys\.locales",
            "missing",
            "environment bodies of early 2018 (the 2018-03 recordings) carried `sys.locales` links; none of the "
            "later ones (2018-07 onwards) does",
            "Environment",
        ),
    ),
    (
        _era(2019, 6, 7),
        Tolerance(
            r"(items\[\]\.)?sys\.publishedCounter",
            "extra",
            "never-published content types and entries had no `publishedCounter` up to 2019-01 "
            "(2018-07, 2018-10, 2019-01 recordings); `0` from 2019-06 on",
        ),
    ),
    (
        _era(2019, 11, 1),
        Tolerance(
            r"(items\[\]\.)?controls\[\]\.widgetId",
            "missing",
            "until mid-2019 the server filled a default `widgetId` into the controls it adds on publish "
            "(M18 #22, M19 #22); since late 2019 they are bare `{fieldId}` (facts §10.1)",
            "EditorInterface",
        ),
    ),
    (
        _era(2021, 4, 19),
        Tolerance(
            r"(items\[\]\.)?metadata",
            "extra",
            "entries have carried `metadata` (tags) since 2021 (2019 and 2020-01 recordings lack it)",
            "Entry",
        ),
    ),
    (
        _era(2023, 9, 9),
        Tolerance(
            r"(items\[\]\.)?sys\.automationTags",
            "extra",
            "`sys.automationTags` on entries first appears in 2023-09 (2021 recordings lack it)",
            "Entry",
        ),
    ),
    (
        _era(2025, 11, 5),
        Tolerance(
            r"(items\[\]\.)?(sys\.fieldStatus|sys\.urn|metadata\.concepts)",
            "extra",
            "`sys.fieldStatus`, `sys.urn` and `metadata.concepts` on entries first appear in 2025 (2023 lacks them)",
            "Entry",
        ),
    ),
    (
        _era(2023, 9, 1),
        Tolerance(
            r"(items\[\]\.)?metadata",
            "extra",
            "assets carry `metadata` in 2023 (contentful-management.py tags/create_asset_with_tag, 2023-09-01); "
            "the 2018 PHP recordings lack it",
            "Asset",
        ),
    ),
    (
        _era(2025, 9, 20),
        Tolerance(
            r"(items\[\]\.)?(sys\.fieldStatus|sys\.urn|metadata\.concepts)",
            "extra",
            "`sys.fieldStatus`, `sys.urn` and `metadata.concepts` on assets first appear in 2025 "
            "(contentful-management.py taxonomy/concepts/add_concept_to_an_asset, 2025-09-20; 2023 lacks them)",
            "Asset",
        ),
    ),
    (
        _era(2025, 9, 22),
        Tolerance(
            r"(items\[\]\.)?sys\.urn",
            "extra",
            "`sys.urn` on content types first appears in 2025 (2023 recordings lack it)",
            "ContentType",
        ),
    ),
)


def tolerances_for(recorded_at: datetime | None) -> tuple[Tolerance, ...]:
    if recorded_at is None:
        return ()
    return tuple(tolerance for before, tolerance in ERA_TOLERANCES if recorded_at < before)


def _timestamp_class(value: str) -> str:
    match = TIMESTAMP.match(value)
    assert match
    return "<timestamp.ms>" if match.group(1) else "<timestamp>"


def normalise(value: Any, idmap: dict[str, str] | None = None, *, key: str = "", parent_type: str = "") -> Any:
    """See the module docstring. ``idmap`` maps recorded ids to emulated ids (recorded side only)."""
    idmap = idmap or {}
    if isinstance(value, dict):
        sys = value.get("sys") if isinstance(value.get("sys"), dict) else None
        if key == "sys":
            own_type = value.get("type", "")
            out = {}
            for k, v in value.items():
                if own_type == "Link" and value.get("linkType") == "User" and k == "id":
                    out[k] = "<user>"
                elif k == "urn" and isinstance(v, str):
                    out[k] = "<urn>"
                elif k == "version" and parent_type == "Environment" and isinstance(v, int):
                    out[k] = "<int>"
                else:
                    out[k] = normalise(v, idmap, key=k, parent_type=own_type)
            return out
        own = sys.get("type", "") if sys else ""
        return {k: normalise(v, idmap, key=k, parent_type=own) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(item, idmap, key=key, parent_type=parent_type) for item in value]
    if isinstance(value, str):
        if key == "requestId":
            return "<requestId>"
        if TIMESTAMP.match(value):
            return _timestamp_class(value)
        return idmap.get(value, value)
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def diff(
    recorded: Any,
    emulated: Any,
    tolerances: tuple[Tolerance, ...] = (),
) -> list[str]:
    """Differences between two *normalised* bodies, as readable one-line strings (empty = match)."""
    problems: list[str] = []
    is_error = (
        isinstance(recorded, dict)
        and isinstance(recorded.get("sys"), dict)
        and (recorded["sys"].get("type") == "Error")
    )
    is_array = (
        isinstance(recorded, dict)
        and isinstance(recorded.get("sys"), dict)
        and (recorded["sys"].get("type") == "Array")
    )
    _walk(recorded, emulated, "", "", False, problems, tolerances, is_error, is_array, "")
    return problems


def _walk(
    rec: Any,
    emu: Any,
    path: str,
    generic: str,
    exact: bool,
    problems: list[str],
    tolerances: tuple[Tolerance, ...],
    is_error: bool,
    is_array: bool,
    resource: str,
) -> None:
    where = path or "<body>"
    if _json_type(rec) != _json_type(emu):
        problems.append(f"{where}: type {_json_type(rec)} expected, got {_json_type(emu)} ({_short(emu)})")
        return
    if isinstance(rec, dict):
        own = rec.get("sys", {}).get("type") if isinstance(rec.get("sys"), dict) else None
        if own and own not in ("Link", "Array"):
            resource = own
        for k in rec:
            sub, sub_generic = f"{path}.{k}" if path else k, f"{generic}.{k}" if generic else k
            if k not in emu:
                if not any(t.allows("missing", sub_generic, resource) for t in tolerances):
                    problems.append(f"{sub}: missing key (recorded {_short(rec[k])})")
                continue
            sub_exact = exact or k == "sys"
            if not path and is_array and k in ENVELOPE_EXACT:
                sub_exact = True
            if not path and is_error and k == "message":
                sub_exact = True
            if is_error and generic.split(".")[:1] == ["details"] and k in ERROR_DETAIL_EXACT:
                sub_exact = True
            _walk(rec[k], emu[k], sub, sub_generic, sub_exact, problems, tolerances, is_error, is_array, resource)
        for k in emu:
            if k not in rec:
                sub_generic = f"{generic}.{k}" if generic else k
                if not any(t.allows("extra", sub_generic, resource) for t in tolerances):
                    sub = f"{path}.{k}" if path else k
                    problems.append(f"{sub}: extra key (emulator {_short(emu[k])})")
        return
    if isinstance(rec, list):
        if len(rec) != len(emu):
            problems.append(f"{where}: {len(rec)} items expected, got {len(emu)}")
        for i, (r, e) in enumerate(zip(rec, emu, strict=False)):
            _walk(r, e, f"{path}[{i}]", f"{generic}[]", exact, problems, tolerances, is_error, is_array, resource)
        return
    if exact and rec != emu:
        problems.append(f"{where}: {_short(rec)} expected, got {_short(emu)}")
