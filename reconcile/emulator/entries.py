"""Entries, whose fields follow the published version of their content type; the value rules are entry_rules.py."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from reconcile.emulator import archive, entry_rules
from reconcile.emulator.common import Json, Scope, check_version, found_or_404, link, ordered, user_link
from reconcile.emulator.content_types import CT_SYS_KEYS
from reconcile.emulator.errors import CmaError, bad_request, invalid_query
from reconcile.emulator.json_patch import apply_patch
from reconcile.emulator.listing import Listing, Text, stored_values
from reconcile.emulator.paging import stored_page, sys_id_matches
from reconcile.emulator.queries import check_entry_filters, entry_matches
from reconcile.emulator.tags import check_entry_tags, has_wanted_tag

if TYPE_CHECKING:
    from reconcile.emulator.store import Store

ENTRY_SYS_KEYS = (*CT_SYS_KEYS[:-1], "fieldStatus", "automationTags", "contentType", "urn")
NOT_ACTIVATED = "The content type you sent could not be found or was not activated."


def _published_status(sys: Json) -> bool:
    return "publishedVersion" in sys


class Entries:
    """Entries, whose fields follow the *published* version of their content type."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _existing(self, scope: Scope, entry_id: str) -> Json:
        return found_or_404(scope.env["entries"], entry_id, scope.details("Entry", entry_id))

    def of_content_type(self, scope: Scope, ct_id: str) -> list[Json]:
        return [e for e in scope.env["entries"].values()
                if e["sys"]["contentType"]["sys"]["id"] == ct_id]  # fmt: skip

    def collection(self, scope: Scope, query: Mapping[str, str]) -> Listing:
        ct_id = query.get("content_type", query.get("sys.contentType.sys.id"))
        if ct_id is not None and self.store.content_types.published(scope, ct_id) is None:
            # [facts 10.7, ISS contentful-management.js#2600]
            raise invalid_query(
                "The query you sent was invalid. Probably a filter or ordering specification "
                "is not applicable to the type of a field.",
                [{"name": "unknownContentType", "value": "DOESNOTEXIST"}],
            )
        check_entry_filters(query)

        def keep(entry: Json) -> bool:
            if ct_id is not None and entry["sys"]["contentType"]["sys"]["id"] != ct_id:
                return False
            return sys_id_matches(entry, query) and entry_matches(entry, query) and has_wanted_tag(entry, query)

        paths = [p.strip() for p in query.get("select", "").split(",") if p.strip()]
        rendered = (self._rendered(scope, entry) for entry in stored_values(scope.env["entries"]) if keep(entry))
        # Ordered by the whole entry, answered as selected.
        texts = ((item, Text.whole(json.dumps(_select(item, paths) if paths else item))) for item in rendered)
        return stored_page(texts, query)

    def get(self, scope: Scope, entry_id: str) -> Json:
        return self._rendered(scope, self._existing(scope, entry_id))

    def put(self, scope: Scope, entry_id: str, body: Any, version: str | None, ct_id: str | None) -> tuple[int, Json]:
        entry = scope.env["entries"].get(entry_id)
        if entry is not None:
            check_version(version, entry["sys"]["version"])
            archive.refuse_if_archived(entry["sys"], "edit")
            ct_id = entry["sys"]["contentType"]["sys"]["id"]
        published = self.store.content_types.published(scope, ct_id) if ct_id else None
        if published is None or ct_id is None:
            raise bad_request(NOT_ACTIVATED)
        fields = self._check_body(scope, body, published)
        check_entry_tags(scope, body.get("metadata"))
        now = self.store.clock.ms()
        if entry is None:
            sys: Json = {
                "space": scope.space_link(), "id": entry_id, "type": "Entry", "createdAt": now,
                "updatedAt": now, "environment": scope.env_link(), "createdBy": user_link(),
                "updatedBy": user_link(), "publishedCounter": 0, "version": 1,
                "automationTags": [], "contentType": link("ContentType", ct_id),
                "urn": f"crn:contentful:::content:spaces/{scope.space}/environments/"
                       f"{scope.env_id}/entries/{entry_id}",
            }  # fmt: skip
        else:
            sys = dict(entry["sys"])
            sys.update(updatedAt=now, updatedBy=user_link(), version=sys["version"] + 1)
        new = {
            "metadata": body.get("metadata", {"tags": [], "concepts": []}),
            "sys": ordered(sys, ENTRY_SYS_KEYS),
            "fields": fields,
        }
        scope.env["entries"][entry_id] = new
        return (201 if entry is None else 200), self._rendered(scope, new)

    def patch(self, scope: Scope, entry_id: str, operations: Any, version: str | None) -> Json:
        """A JSON Patch of the entry's fields and metadata, then saved as a PUT of the result is."""
        entry = self._existing(scope, entry_id)
        check_version(version, entry["sys"]["version"])
        archive.refuse_if_archived(entry["sys"], "edit")
        current = {"fields": entry["fields"], "metadata": entry.get("metadata", {"tags": [], "concepts": []})}
        patched = apply_patch(current, operations)
        return self.put(scope, entry_id, patched, version, None)[1]

    def _check_body(self, scope: Scope, body: Any, published: Json) -> Json:
        if not isinstance(body, dict):
            raise bad_request("The body you sent is not a JSON object.")
        fields = body.get("fields", {})
        if not isinstance(fields, dict):  # shape UNSURE, modelled on the recorded type item [facts 3.3]
            raise CmaError(422, "InvalidEntry", "Validation error",
                           {"errors": [entry_rules.type_item("Object", fields, ["fields"])]})
        field_ids = {f["id"] for f in published["fields"]}
        codes = set(scope.locale_codes())
        errors: list[Json] = []
        for field_id, values in fields.items():
            if field_id not in field_ids:  # [REC JAVA error_post_wrong_data]
                errors.append({"name": "unknown", "path": ["fields", field_id], "value": values,
                               "details": f'The property "{field_id}" is not allowed here.'})  # fmt: skip
                continue
            for code in values if isinstance(values, dict) else {}:
                if code not in codes:  # [facts 3.3]
                    errors.append({"name": "unknown", "path": ["fields", field_id, code],
                                   "value": values[code]})  # fmt: skip
        errors += entry_rules.save_errors(published, fields)
        if errors:
            raise CmaError(422, "InvalidEntry", "Validation error", {"errors": errors})
        return copy.deepcopy(fields)

    def publish(self, scope: Scope, entry_id: str, version: str | None) -> Json:
        entry = self._existing(scope, entry_id)
        check_version(version, entry["sys"]["version"])
        archive.refuse_if_archived(entry["sys"], "publish")
        content_type = self.store.content_types.published(scope, entry["sys"]["contentType"]["sys"]["id"])
        if content_type is not None:
            entry_rules.PublishCheck(scope.env, content_type, entry).raise_errors()
        sys = archive.published_sys(entry["sys"], self.store.clock.ms(), user_link())
        entry["sys"] = ordered(sys, ENTRY_SYS_KEYS)
        return self._rendered(scope, entry)

    def unpublish(self, scope: Scope, entry_id: str, version: str | None) -> Json:
        entry = self._existing(scope, entry_id)
        if version is not None:
            check_version(version, entry["sys"]["version"])
        sys = archive.unpublished_sys(entry["sys"], self.store.clock.ms(), user_link())
        entry["sys"] = ordered(sys, ENTRY_SYS_KEYS)
        return self._rendered(scope, entry)

    def archive(self, scope: Scope, entry_id: str, version: str | None) -> Json:
        entry = self._existing(scope, entry_id)
        if version is not None:  # the JS SDK archives without the header, against the real API [ITEST JS entry]
            check_version(version, entry["sys"]["version"])
        entry["sys"] = ordered(archive.archived_sys(entry["sys"], self.store.clock.ms(), user_link()), ENTRY_SYS_KEYS)
        return self._rendered(scope, entry)

    def unarchive(self, scope: Scope, entry_id: str, version: str | None) -> Json:
        entry = self._existing(scope, entry_id)
        if version is not None:  # optional like unpublish's (UNSURE)
            check_version(version, entry["sys"]["version"])
        entry["sys"] = ordered(archive.unarchived_sys(entry["sys"], self.store.clock.ms(), user_link()), ENTRY_SYS_KEYS)
        return self._rendered(scope, entry)

    def delete(self, scope: Scope, entry_id: str) -> None:
        entry = self._existing(scope, entry_id)
        if _published_status(entry["sys"]):
            raise bad_request("Cannot deleted published")  # sic, as recorded [REC R/entry]
        del scope.env["entries"][entry_id]

    def follow_publish(self, scope: Scope, ct_id: str, origins: Mapping[str, str]) -> None:
        """Values of deleted fields vanish; values of renamed fields move to the new id."""
        for entry in self.of_content_type(scope, ct_id):
            old = entry["fields"]
            entry["fields"] = {new: old[origin] for new, origin in origins.items() if origin in old}

    def drop_locale(self, scope: Scope, code: str) -> None:
        for entry in scope.env["entries"].values():
            for values in entry["fields"].values():
                values.pop(code, None)

    def rename_locale(self, scope: Scope, old: str, new: str) -> None:
        for entry in scope.env["entries"].values():
            for values in entry["fields"].values():
                if old in values:
                    values[new] = values.pop(old)

    def _rendered(self, scope: Scope, entry: Json) -> Json:
        return with_field_status(scope, entry, ENTRY_SYS_KEYS)


def with_field_status(scope: Scope, resource: Json, sys_keys: Sequence[str]) -> Json:
    """A copy of the entry or asset with ``sys.fieldStatus`` computed from its publish state."""
    out = copy.deepcopy(resource)
    sys = out["sys"]
    if not _published_status(sys):
        status = "draft"
    elif sys["version"] == sys["publishedVersion"] + 1:
        status = "published"
    else:
        status = "changed"
    sys["fieldStatus"] = {"*": {code: status for code in scope.locale_codes()}}
    out["sys"] = ordered(sys, sys_keys)
    return out


def _select(item: Json, paths: list[str]) -> Json:
    """Keep only the selected paths, in the item's key order; ``sys.type`` always stays (the SDK needs it)."""
    whole = {p for p in paths if "." not in p}
    parts: dict[str, set[str]] = {}
    for path in paths:
        head, _, rest = path.partition(".")
        if rest:
            parts.setdefault(head, set()).add(rest)
    out: Json = {}
    for key, value in item.items():
        if key in whole:
            out[key] = value
        elif key in parts and isinstance(value, dict):
            wanted = parts[key] | ({"type"} if key == "sys" else set())
            out[key] = {k: v for k, v in value.items() if k in wanted}
    if "sys" not in out:
        out = {"sys": {"type": item["sys"]["type"]}, **out}
    return out
