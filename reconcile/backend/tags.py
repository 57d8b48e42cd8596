"""Tags to and from CMA JSON (pure): the tag resource and the ``metadata.tags`` links of entries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from reconcile.errors import ReconcileError
from reconcile.model import JsonObject, Tag


def tag_from_api(d: JsonObject) -> Tag:
    """A tag from its CMA JSON; visibility lives in ``sys`` [REC R/tag/destroy_referenced]. A tag without one
    (UNSURE whether the API still answers such) reads as the default, ``private``."""
    sys: Any = d.get("sys") or {}
    try:
        return Tag(id=sys.get("id"), name=d.get("name"), visibility=sys.get("visibility") or "private")
    except ValidationError as error:
        raise ReconcileError(
            f"the live tag '{sys.get('id')}' cannot be represented by the model: {error.errors()[0]['msg']}",
            hint="this payload shape is not supported yet; please report it with the resource's JSON",
        ) from None


def tag_to_api(tag: Tag) -> JsonObject:
    """The body of a tag create or rename: ``name``, and ``sys.id``/``sys.visibility`` (what
    contentful-management.js sends; only the name changes on an update)."""
    return {"name": tag.name, "sys": {"id": tag.id, "visibility": tag.visibility}}


def tag_links(tag_ids: Iterable[str]) -> list[JsonObject]:
    """``metadata.tags`` of an entry: one Tag link per id."""
    return [{"sys": {"type": "Link", "linkType": "Tag", "id": tag_id}} for tag_id in tag_ids]
