"""Content types: drafts, publishing, unpublishing and deleting; the body rules are content_type_rules.py."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reconcile.emulator.common import Json, Scope, check_version, found_or_404, ordered, user_link
from reconcile.emulator.content_type_rules import checked_fields
from reconcile.emulator.errors import bad_request, not_found
from reconcile.emulator.listing import Listing, stored_items
from reconcile.emulator.metadata import checked_metadata
from reconcile.emulator.paging import filter_sys_id, page, stored_page, sys_id_matches

if TYPE_CHECKING:
    from reconcile.emulator.store import Store

CT_SYS_KEYS = (
    "space", "id", "type", "createdAt", "updatedAt", "environment", "publishedVersion",
    "publishedAt", "firstPublishedAt", "createdBy", "updatedBy", "publishedCounter", "version",
    "publishedBy", "urn",
)  # fmt: skip


def _public_view(published: Json) -> Json:
    """A published content type as ``/public/content_types`` shows it: omitted fields included, its sys with
    ``revision`` instead of the version keys [REC PHP e2e_content_type_get_published_one]. The revision is the
    publish counter here (UNSURE)."""
    body: Json = copy.deepcopy(published)
    sys = body["sys"]
    body["sys"] = {key: sys[key] for key in ("space", "id", "type", "createdAt", "updatedAt", "environment")}
    body["sys"]["revision"] = sys.get("publishedCounter", 1)
    return body


class ContentTypes:
    """Content types: drafts, publishing, and the field rules of facts 4.4."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _record(self, scope: Scope, ct_id: str) -> Json:
        return found_or_404(scope.env["content_types"], ct_id, scope.details("ContentType", ct_id))

    def collection(self, scope: Scope, query: Mapping[str, str]) -> Listing:
        drafts = stored_items(scope.env["content_types"], "draft")
        return stored_page(drafts, query, keep=lambda draft: sys_id_matches(draft, query))

    def get(self, scope: Scope, ct_id: str) -> Json:
        return copy.deepcopy(self._record(scope, ct_id)["draft"])

    def get_published(self, scope: Scope, ct_id: str) -> Json:
        """``GET /public/content_types/{id}``: the published version (``_public_view``); a content type never
        published (or unpublished) is a 404 (UNSURE)."""
        published = self._record(scope, ct_id)["published"]
        if published is None:
            raise not_found(scope.details("ContentType", ct_id))
        return _public_view(published)

    def published_collection(self, scope: Scope, query: Mapping[str, str]) -> Listing:
        """``GET /public/content_types``: every published content type as ``get_published`` answers it, in the
        collection envelope [REC PHP e2e_content_type_get_published_collection, Py content_type/all_published]."""
        published = stored_items(scope.env["content_types"], "published")
        return page(filter_sys_id([_public_view(body) for body, _ in published if body is not None], query), query)

    def published(self, scope: Scope, ct_id: str) -> Json | None:
        record = scope.env["content_types"].get(ct_id)
        return None if record is None else record["published"]

    def put(self, scope: Scope, ct_id: str, body: Any, version: str | None) -> tuple[int, Json]:
        """Create (201) or replace the draft (200, needs the current version)."""
        record = scope.env["content_types"].get(ct_id)
        if record is not None:
            check_version(version, record["draft"]["sys"]["version"])
        # A version header on an unknown id creates it, like the 3P fake (real behaviour UNSURE).
        published = record["published"] if record else None
        previous_origins = record["origins"] if record else {}
        fields, origins, display_field = checked_fields(body, published, previous_origins)
        now = self.store.clock.ms()
        if record is None:
            sys: Json = {
                "space": scope.space_link(), "id": ct_id, "type": "ContentType",
                "createdAt": now, "updatedAt": now, "environment": scope.env_link(),
                "createdBy": user_link(), "updatedBy": user_link(),
                "publishedCounter": 0, "version": 1,
                # [REC P/content_type/add_taxonomies_to_content_type, 2025]
                "urn": f"crn:contentful:::content:spaces/{scope.space}/environments/{scope.env_id}"
                       f"/content_types/{ct_id}",
            }  # fmt: skip
        else:
            sys = dict(record["draft"]["sys"])
            sys.update(updatedAt=now, updatedBy=user_link(), version=sys["version"] + 1)
        draft = {
            "sys": ordered(sys, CT_SYS_KEYS),
            "displayField": display_field,
            "name": body["name"],
            "description": body.get("description"),
            "fields": fields,
        }
        if "metadata" in body:
            draft["metadata"] = checked_metadata(body["metadata"], [f["id"] for f in fields])
        scope.env["content_types"][ct_id] = {
            "draft": draft, "published": published, "origins": origins,
        }  # fmt: skip
        return (201 if record is None else 200), copy.deepcopy(draft)

    def publish(self, scope: Scope, ct_id: str, version: str | None) -> Json:
        record = self._record(scope, ct_id)
        draft = record["draft"]
        check_version(version, draft["sys"]["version"])
        now = self.store.clock.ms()
        old_published = record["published"]
        # Field id in the new published version -> its id in the previous one.
        origins = {f["id"]: record["origins"].get(f["id"], f["id"]) for f in draft["fields"]}
        if old_published is not None:
            self.store.entries.follow_publish(scope, ct_id, origins)
        self.store.editor_interfaces.follow_publish(scope, ct_id, draft["fields"], origins, now)
        sys = dict(draft["sys"])
        sys.update(
            updatedAt=now, updatedBy=user_link(), version=sys["version"] + 1,
            publishedVersion=sys["version"], publishedAt=now, publishedBy=user_link(),
            publishedCounter=sys.get("publishedCounter", 0) + 1,
        )  # fmt: skip
        sys.setdefault("firstPublishedAt", now)
        draft["sys"] = ordered(sys, CT_SYS_KEYS)
        record["published"] = copy.deepcopy(draft)
        record["origins"] = {}
        return copy.deepcopy(draft)

    def unpublish(self, scope: Scope, ct_id: str, version: str | None) -> Json:
        record = self._record(scope, ct_id)
        draft = record["draft"]
        # The version header is optional on unpublish; a wrong one is refused [facts 10.6].
        if version is not None:
            check_version(version, draft["sys"]["version"])
        if record["published"] is None:
            raise bad_request("Not published")
        if self.store.entries.of_content_type(scope, ct_id):
            raise bad_request("Content Type has entries")
        sys = {k: v for k, v in draft["sys"].items()
               if k not in ("publishedVersion", "publishedAt", "publishedBy")}  # fmt: skip
        sys.update(updatedAt=self.store.clock.ms(), updatedBy=user_link(),
                   version=sys["version"] + 1)  # fmt: skip
        draft["sys"] = ordered(sys, CT_SYS_KEYS)
        record["published"] = None
        return copy.deepcopy(draft)

    def delete(self, scope: Scope, ct_id: str) -> None:
        record = self._record(scope, ct_id)
        if record["published"] is not None:
            raise bad_request("Cannot delete published")
        del scope.env["content_types"][ct_id]
        scope.env["editor_interfaces"].pop(ct_id, None)
