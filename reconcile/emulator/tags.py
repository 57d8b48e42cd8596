"""Environment-level tags and the tags of entries [REC R/tag/destroy_referenced, REC R/entry/update_with_concepts].

State: ``env["tags"][tag_id] = <Tag body>``, the body exactly as the API answers it::

    {"sys": {"type": "Tag", "id", "space", "environment", "createdBy", "updatedBy", "createdAt", "updatedAt",
             "version", "visibility"}, "name"}

* Create: ``PUT /tags/{id}`` without a version header, body ``{"name", "sys": {"id"?, "visibility"?}}`` (the
  shape contentful-management.js sends); visibility ``"private"`` when absent (UNSURE: the default is not
  recorded) -> 201, version 1.
* Update: ``PUT /tags/{id}`` with ``X-Contentful-Version`` -> 200, version + 1; only the name changes. A
  different ``sys.visibility`` is refused with 422 (visibility is fixed at creation; the exact error is UNSURE).
* Delete: ``DELETE /tags/{id}``, ``X-Contentful-Version`` optional (a wrong one -> 409) -> 204 [REC M21 #127,
  REC R/tag/destroy_referenced]; a tag an entry references -> 422
  ``ActionPreconditionsFailed`` ``{"name": "reference", "details": "Tag is referenced by another entity"}``
  [REC].
* Names are unique in the environment (422 ``taken``; UNSURE, modelled on locale codes).
* Entry ``metadata.tags`` must link existing tags (422 ``InvalidEntry`` ``notResolvable``; UNSURE wording).
* ``GET /entries?metadata.tags.sys.id[in]=a,b`` keeps the entries holding any of those tags.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reconcile.emulator.common import Json, Scope, check_version, user_link
from reconcile.emulator.errors import CmaError, not_found, validation_failed
from reconcile.emulator.paging import filter_sys_id, page

if TYPE_CHECKING:
    from reconcile.emulator.listing import Listing
    from reconcile.emulator.store import Store

TAG_ID = re.compile(r"[a-zA-Z0-9\-_.]{1,64}")
VISIBILITIES = ("private", "public")
TAG_SYS_KEYS = ("type", "id", "space", "environment", "createdBy", "updatedBy", "createdAt", "updatedAt",
                "version", "visibility")  # fmt: skip
TAGS_FILTER = "metadata.tags.sys.id[in]"


def tags_of(scope: Scope) -> Json:
    """The environment's tags by id (an environment made before tags existed has none)."""
    tags: Json = scope.env.setdefault("tags", {})
    return tags


def entry_tag_ids(entry: Json) -> list[str]:
    metadata = entry.get("metadata") or {}
    return [t["sys"]["id"] for t in metadata.get("tags") or () if isinstance(t, dict) and "sys" in t]


def has_wanted_tag(entry: Json, query: Mapping[str, str]) -> bool:
    """Whether ``entry`` holds any of the tags of the ``metadata.tags.sys.id[in]`` filter (true without one)."""
    if TAGS_FILTER not in query:
        return True
    wanted = {t.strip() for t in query[TAGS_FILTER].split(",") if t.strip()}
    return bool(wanted & set(entry_tag_ids(entry)))


def check_entry_tags(scope: Scope, metadata: Any) -> None:
    """422 unless every ``metadata.tags`` item of an entry write links an existing tag."""
    if metadata is None:
        return
    tags = metadata.get("tags", []) if isinstance(metadata, dict) else None
    if not isinstance(tags, list):
        raise CmaError(422, "InvalidEntry", "Validation error",
                       {"errors": [{"name": "type", "path": ["metadata", "tags"], "value": tags, "type": "Array"}]})
    errors = []
    for index, item in enumerate(tags):
        sys = item.get("sys") if isinstance(item, dict) else None
        if not isinstance(sys, dict) or sys.get("linkType") != "Tag" or sys.get("id") not in tags_of(scope):
            errors.append({"name": "notResolvable", "path": ["metadata", "tags", index], "value": item})
    if errors:
        raise CmaError(422, "InvalidEntry", "Validation error", {"errors": errors})


class Tags:
    """Tags of an environment."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _existing(self, scope: Scope, tag_id: str) -> Json:
        tags = tags_of(scope)
        if tag_id not in tags:
            raise not_found(scope.details("Tag", tag_id))
        tag: Json = tags[tag_id]
        return tag

    def collection(self, scope: Scope, query: Mapping[str, str]) -> Listing:
        return page(filter_sys_id(list(tags_of(scope).values()), query), query)

    def get(self, scope: Scope, tag_id: str) -> Json:
        return copy.deepcopy(self._existing(scope, tag_id))

    def put(self, scope: Scope, tag_id: str, body: Any, version: str | None) -> tuple[int, Json]:
        existing = tags_of(scope).get(tag_id)
        if existing is not None:
            check_version(version, existing["sys"]["version"])
        name, visibility = self._checked(scope, tag_id, body, existing)
        now = self.store.clock.ms()
        if existing is None:
            sys: Json = {"type": "Tag", "id": tag_id, "space": scope.space_link(), "environment": scope.env_link(),
                         "createdBy": user_link(), "updatedBy": user_link(), "createdAt": now, "updatedAt": now,
                         "version": 1, "visibility": visibility}  # fmt: skip
        else:
            sys = dict(existing["sys"])
            sys.update(updatedBy=user_link(), updatedAt=now, version=sys["version"] + 1)
        tag = {"sys": {k: sys[k] for k in TAG_SYS_KEYS if k in sys}, "name": name}
        tags_of(scope)[tag_id] = tag
        return (201 if existing is None else 200), copy.deepcopy(tag)

    def _checked(self, scope: Scope, tag_id: str, body: Any, existing: Json | None) -> tuple[str, str]:
        if not isinstance(body, dict):
            raise validation_failed([{"name": "type", "path": [], "value": body, "type": "Object"}])
        sys: Json = body["sys"] if isinstance(body.get("sys"), dict) else {}
        name = body.get("name")
        visibility = sys.get("visibility", existing["sys"]["visibility"] if existing else "private")
        errors: list[Json] = []
        if not TAG_ID.fullmatch(tag_id):
            errors.append({"name": "invalid", "path": ["sys", "id"], "value": tag_id})
        if not isinstance(name, str) or not name.strip():
            errors.append({"name": "required", "path": ["name"], "value": name})
        elif any(t["name"] == name and t["sys"]["id"] != tag_id for t in tags_of(scope).values()):
            errors.append({"name": "taken", "path": ["name"], "value": name})
        if visibility not in VISIBILITIES:
            errors.append({"name": "in", "path": ["sys", "visibility"], "value": visibility,
                           "expected": list(VISIBILITIES)})  # fmt: skip
        elif existing is not None and visibility != existing["sys"]["visibility"]:
            errors.append({"name": "immutable", "path": ["sys", "visibility"], "value": visibility,
                           "details": "The visibility of a tag cannot be changed"})  # fmt: skip
        if errors:
            raise validation_failed(errors)
        return str(name), str(visibility)

    def answer(self, method: str, scope: Scope, body: Any, version: str | None, tag_id: str | None) -> Any:
        """The answer of ``/tags`` (GET) and ``/tags/{id}`` (GET, PUT, DELETE) for the server."""
        if tag_id is None:
            return self.collection(scope, {})
        if method == "GET":
            return self.get(scope, tag_id)
        if method == "DELETE":
            self.delete(scope, tag_id, version)
            return None
        return self.put(scope, tag_id, body, version)

    def delete(self, scope: Scope, tag_id: str, version: str | None) -> None:
        tag = self._existing(scope, tag_id)
        if version is not None:  # optional: contentful-migration deletes without one (204) [REC M21 #127]
            check_version(version, tag["sys"]["version"])
        tagged = [*scope.env["entries"].values(), *scope.env.get("assets", {}).values()]  # assets too (UNSURE)
        if any(tag_id in entry_tag_ids(e) for e in tagged):
            raise CmaError(422, "ActionPreconditionsFailed", "Validation error",
                           {"errors": [{"name": "reference", "details": "Tag is referenced by another entity"}]})
        del tags_of(scope)[tag_id]
