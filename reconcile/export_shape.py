"""The shape of a ``contentful space export`` document, as snapshots hold it and as the export tool writes it.

Pure rules, no I/O: ``export_problems`` lists what in an export the tool would misuse (a missing part, an
item that does not name itself, an id that is not one URL path segment, a value of the wrong JSON type), so
``snapshots`` refuses such a file before a revert sends a single request.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .errors import Problem
from .model import is_valid_id, shown

# The parts of a `contentful space export` a snapshot holds, in the export tool's key order.
EXPORT_KEYS = ("contentTypes", "editorInterfaces", "entries", "locales")
#: Parts a snapshot holds when they were read: ``tags`` (snapshots made before tags were managed have none;
#: their tags are then left as they are by a revert).
OPTIONAL_EXPORT_KEYS = ("tags",)


def _identified(key: str, sys: dict[str, Any]) -> bool:
    """Whether an export item names itself. Editor interfaces from the environment-wide list carry no
    ``sys.id`` (recorded, cma-facts §1.3); they are identified by their ``sys.contentType`` link."""
    if isinstance(sys.get("id"), str):
        return True
    link = sys.get("contentType")
    link_sys = link.get("sys") if isinstance(link, dict) else None
    return key == "editorInterfaces" and isinstance(link_sys, dict) and isinstance(link_sys.get("id"), str)


def export_problems(export: Any, file: str, *, required: tuple[str, ...]) -> list[Problem]:
    """Shape problems of an export: ``required`` keys present, each of ``EXPORT_KEYS`` present a list of
    API objects that identify themselves (``sys.id``, or for an editor interface its content type link)."""
    if not isinstance(export, dict):
        return [Problem(file, "", "must be a JSON object", "use another snapshot")]
    problems = [
        Problem(file, key, "missing", "the file is incomplete; use another snapshot")
        for key in required
        if key not in export
    ]
    for key in (*EXPORT_KEYS, *OPTIONAL_EXPORT_KEYS):
        items = export.get(key, [])
        if not isinstance(items, list):
            problems.append(Problem(file, key, "must be a list", "use another snapshot"))
            continue
        for index, item in enumerate(items):
            sys = item.get("sys") if isinstance(item, dict) else None
            if not isinstance(sys, dict) or not _identified(key, sys):
                problems.append(
                    Problem(file, f"{key}[{index}]", "must be an API object with sys.id", "use another file")
                )
                continue
            problems.extend(
                Problem(file, f"{key}[{index}].{where}", message, "the file is damaged or edited; use another file")
                for where, message in _item_problems(key, item)
            )
    return problems


_NOT_AN_ID = "is not a valid id (1-64 letters, digits, '-', '_', '.', not only dots)"
# Keys of an item that are lists when present (null allowed): read as sequences when the state is parsed.
_LISTS = {
    "contentTypes": ("fields",),
    "editorInterfaces": ("controls", "sidebar", "editors", "editorLayout", "groupControls"),
    "entries": (),
    "locales": (),
    "tags": (),
}
_STRINGS = {"contentTypes": ("name",), "editorInterfaces": (), "entries": (), "locales": ("code", "name"),
            "tags": ("name",)}


def _item_problems(key: str, item: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(key path, message) of what in one export item the tool would misuse: an id that is not one URL path
    segment (it names the resource a revert writes), a version that is not a number, a value read as a list,
    an object or a string that is none. A snapshot holding one is refused before any request."""
    sys = item["sys"]
    if "id" in sys and not (key == "editorInterfaces" and sys["id"] == "default") and not is_valid_id(sys["id"]):
        yield "sys.id", f"{_shown(sys['id'])} {_NOT_AN_ID}"
    for version in ("version", "publishedVersion"):
        value = sys.get(version)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            yield f"sys.{version}", "must be an integer"
    if key in ("editorInterfaces", "entries") and "contentType" in sys:
        link = sys["contentType"]
        link_sys = link.get("sys") if isinstance(link, dict) else None
        link_id = link_sys.get("id") if isinstance(link_sys, dict) else None
        if not is_valid_id(link_id):
            yield "sys.contentType", f"must be a link to a content type, whose id {_shown(link_id)} {_NOT_AN_ID}"
    for name in _STRINGS[key]:
        if name in item and not isinstance(item[name], str):
            yield name, "must be a string"
    for name in _LISTS[key]:
        value = item.get(name)
        if value is not None and not isinstance(value, list):
            yield name, "must be a list" + (" of objects" if name in ("fields", "controls") else "")
        elif name in ("fields", "controls") and value is not None and not all(isinstance(v, dict) for v in value):
            yield name, "must be a list of objects"
    if key == "contentTypes" and isinstance(item.get("fields"), list):
        for index, field in enumerate(item["fields"]):
            if isinstance(field, dict) and not _plain_field(field):
                yield from ((f"fields[{index}].{where}", message) for where, message in _field_problems(field))
    if key == "entries":
        fields = item.get("fields")
        if fields is not None and not (isinstance(fields, dict) and all(isinstance(v, dict) for v in fields.values())):
            yield "fields", "must be an object of objects (field id -> locale -> value)"


_LIST_OR_NONE = (list, type(None))


def _plain_field(field: dict[str, Any]) -> bool:
    """Whether ``_field_problems`` finds nothing in ``field``, told without a generator in the common case (its
    values of exactly the types it asks for: ~0.03 s of the baseline a pull records at 1,000 content types);
    False does not say it has a problem."""
    get, items = field.get, field.get("items")
    return (
        type(get("id", "")) is str and type(get("name", "")) is str and type(get("type", "")) is str
        and type(get("validations")) in _LIST_OR_NONE and type(get("allowedResources")) in _LIST_OR_NONE
        and (items is None or (type(items) is dict and type(items.get("validations")) in _LIST_OR_NONE))
    )


def _field_problems(field: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name in ("id", "name", "type"):
        if name in field and not isinstance(field[name], str):
            yield name, "must be a string"
    for name in ("validations", "allowedResources"):
        if field.get(name) is not None and not isinstance(field[name], list):
            yield name, "must be a list"
    items = field.get("items")
    if items is not None and not isinstance(items, dict):
        yield "items", "must be an object"
    elif isinstance(items, dict) and not isinstance(items.get("validations", []), list | None):
        yield "items.validations", "must be a list"


def _shown(value: object) -> str:
    """An id for a message: look-alike characters escaped, a hand-made 20 MB id not echoed whole."""
    if not isinstance(value, str):
        return json.dumps(value)[:80]
    return shown(value if len(value) <= 80 else value[:60] + "…")
