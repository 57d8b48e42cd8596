"""One content type of an environment read, put into another (a baseline, when ``pull --content-type``
adopts only that content type into the files)."""

from __future__ import annotations

from collections.abc import Callable

from reconcile.backend.translate import RawEnvironment, content_type_link, sys_id
from reconcile.model import JsonObject

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
