"""Content types whose draft is ahead of their published version: the published fields the draft dropped.

Removing a field takes two publishes (facts §4.4): omit it and publish, then PUT without it (or with
``deleted: true``) and publish. Until that second publish the deletion is not final: the published version
still holds the field, omitted, and the entries still hold its values (entries follow the published
version, facts §4). A draft in that state is left by an apply that died between the removing PUT and the
publish, or by an editor who did not publish. The API checks every content-type PUT against the *published*
version (omit before delete, no type change on a published field): a plan made from the draft alone cannot
see that field, re-adds its id with another type (a conversion's re-add) and is refused with
``Previously published fields are invalid``, or loses the values a plan that restores the field keeps.

So the live model of such a content type holds, back at their published place, the omitted published fields
its draft dropped: what the environment holds until the next publish. Only omitted ones: the API refuses a
draft dropping a field that is not omitted, so a published field not in the draft under its id was renamed
(``newId``), never dropped. The published version is read with ``GET /public/content_types/{id}`` (recorded:
REC PHP e2e_content_type_get_published_one), one request per content type whose draft is ahead, none
otherwise. Whether that view lists omitted fields is UNSURE (the recording's fields carry ``omitted``): a
version without them leaves the draft as read, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reconcile.backend.editor_interfaces import Send
from reconcile.errors import ApiError
from reconcile.model import JsonObject

#: Reads the published version of a content type by id: None when there is none (a 404).
ReadPublished = Callable[[str], JsonObject | None]


def published_reader(send: Send, env_path: str) -> ReadPublished:
    """Reads ``GET {env_path}/public/content_types/{id}`` with ``send`` (``Backend._send_json``)."""

    def read(ct_id: str) -> JsonObject | None:
        try:
            return send("get", f"published content type '{ct_id}'", "get", f"{env_path}/public/content_types/{ct_id}")
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    return read


def is_ahead(content_type: JsonObject) -> bool:
    """Published, with draft changes since (Contentful's SDK convention: version >= publishedVersion + 2)."""
    sys = content_type.get("sys")
    if not isinstance(sys, dict):
        return False
    version, published = sys.get("version"), sys.get("publishedVersion")
    return isinstance(version, int) and isinstance(published, int) and version >= published + 2


def with_pending_deletions(content_types: Sequence[JsonObject], read_published: ReadPublished) -> list[JsonObject]:
    """``content_types`` with each draft that is ahead holding the omitted published fields it dropped."""
    merged: list[JsonObject] = []
    for draft in content_types:
        ct_id = draft["sys"].get("id") if is_ahead(draft) else None
        published = read_published(ct_id) if isinstance(ct_id, str) else None
        merged.append(draft if published is None else dropped_fields_restored(draft, published))
    return merged


def dropped_fields_restored(draft: JsonObject, published: JsonObject) -> JsonObject:
    """``draft`` with the omitted fields of ``published`` that it does not hold, each after the field that
    precedes it in ``published`` (first when none does); ``draft`` itself when it dropped none."""
    fields = draft.get("fields")
    published_fields = published.get("fields")
    if not isinstance(fields, list) or not isinstance(published_fields, list):
        return draft
    held = {f.get("id") for f in fields if isinstance(f, dict)}
    restored = list(fields)
    previous: Any = None
    for field in published_fields:
        if not isinstance(field, dict):
            continue
        if field.get("id") not in held and field.get("omitted") is True:
            ids = [f.get("id") if isinstance(f, dict) else None for f in restored]
            restored.insert(ids.index(previous) + 1 if previous in ids else 0, field)
        previous = field.get("id")
    return draft if len(restored) == len(fields) else {**draft, "fields": restored}
