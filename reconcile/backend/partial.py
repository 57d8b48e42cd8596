"""One content type of an environment read, put into another (a baseline, when ``pull --content-type``
adopts only that content type into the files); each content type's JSON, and a read without some (a full
``pull`` parses only the content types that changed since the last: ``workflows.pulling``)."""

from __future__ import annotations

from collections.abc import Callable, Collection

import orjson

from reconcile.backend.translate import RawEnvironment, content_type_link, sys_id
from reconcile.model import JsonObject, is_valid_id

Key = Callable[[JsonObject], object]


def with_content_type(base: RawEnvironment, source: RawEnvironment, ct_id: str) -> RawEnvironment:
    """``base`` with the content type ``ct_id`` and its editor interface as ``source`` has them (or without
    them, where ``source`` has none); the rest, locales included, as ``base`` has it."""

    def merged(ours: list[JsonObject], theirs: list[JsonObject], key: Key) -> list[JsonObject]:
        return [d for d in ours if key(d) != ct_id] + [d for d in theirs if key(d) == ct_id]

    return RawEnvironment(
        merged(base.content_types, source.content_types, sys_id),
        merged(base.editor_interfaces, source.editor_interfaces, content_type_link),
        base.locales,
    )


def content_type_json(raw: RawEnvironment) -> dict[str, bytes] | None:
    """Content type id -> its JSON as read and its editor interface's (``null`` when it has none), one line
    each; None when the ids are not those of one model file each (missing, repeated, not a file name, or
    differing from another only in case). A content type whose JSON orjson cannot write (an integer beyond
    64 bits) is left out."""
    interfaces: dict[str, JsonObject] = {}
    for d in raw.editor_interfaces:
        ct_id = content_type_link(d)
        if not isinstance(ct_id, str) or ct_id in interfaces:
            return None
        interfaces[ct_id] = d
    found: dict[str, bytes] = {}
    files: set[str] = set()  # ids differing only in case name one file where names ignore case (macOS)
    for d in raw.content_types:
        ct_id = sys_id(d)
        if not is_valid_id(ct_id) or ct_id.lower() in files:
            return None
        files.add(ct_id.lower())
        try:
            found[ct_id] = orjson.dumps(d) + b"\n" + orjson.dumps(interfaces.get(ct_id))
        except orjson.JSONEncodeError:
            continue
    return found


def without_content_types(raw: RawEnvironment, ids: Collection[str]) -> RawEnvironment:
    """``raw`` without the content types ``ids`` and their editor interfaces; the rest in the same order."""
    return RawEnvironment(
        [d for d in raw.content_types if sys_id(d) not in ids],
        [d for d in raw.editor_interfaces if content_type_link(d) not in ids],
        raw.locales,
        raw.tags,
    )
