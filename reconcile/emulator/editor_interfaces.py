"""Editor interfaces: one per published content type, created and kept in step with its fields on publish."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reconcile.emulator.common import Json, Scope, check_version, found_or_404, link, ordered, user_link
from reconcile.emulator.errors import bad_request, validation_failed
from reconcile.emulator.listing import Listing, Text, stored_values

if TYPE_CHECKING:
    from reconcile.emulator.store import Store

EI_SYS_KEYS = (
    "id", "type", "space", "version", "createdAt", "createdBy", "updatedAt", "updatedBy",
    "contentType", "environment",
)  # fmt: skip
EI_BODY_KEYS = ("controls", "sidebar", "editors", "editor", "editorLayout", "groupControls")

CONTROL_FIELD_ERROR = 'The control\'s "fieldId" must map to a content types field id'


class EditorInterfaces:
    """One editor interface per published content type, maintained by the server on publish."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _existing(self, scope: Scope, ct_id: str) -> Json:
        # Before the first publish: 404 about the content type [facts 10.1].
        return found_or_404(scope.env["editor_interfaces"], ct_id, scope.details("ContentType", ct_id))

    def get(self, scope: Scope, ct_id: str) -> Json:
        return copy.deepcopy(self._existing(scope, ct_id))

    def list_all(self, scope: Scope) -> Listing:
        """Environment-wide list: no skip/limit keys, items without ``sys.id`` [facts 1.3]."""
        items = [Text.whole(json.dumps({**ei, "sys": {k: v for k, v in ei["sys"].items() if k != "id"}}))
                 for ei in stored_values(scope.env["editor_interfaces"])]  # fmt: skip
        return Listing({"sys": {"type": "Array"}, "total": len(items)}, items)

    def put(self, scope: Scope, ct_id: str, body: Any, version: str | None) -> Json:
        ei = self._existing(scope, ct_id)
        check_version(version, ei["sys"]["version"])
        if not isinstance(body, dict):
            raise bad_request("The body you sent is not a JSON object.")
        record = scope.env["content_types"][ct_id]
        # A control may name a field of the draft or of the published version.
        known = {f["id"] for f in record["draft"]["fields"]}
        if record["published"]:
            known |= {f["id"] for f in record["published"]["fields"]}
        errors = [
            {"name": "unexpected", "path": [key], "value": body[key]}
            for key in body
            if key not in EI_BODY_KEYS and key != "sys"
        ]
        controls = body.get("controls", [])
        for index, control in enumerate(controls if isinstance(controls, list) else []):
            field_id = control.get("fieldId") if isinstance(control, dict) else None
            if field_id not in known:  # no "name" key in this item [facts 1.3]
                errors.append({"details": CONTROL_FIELD_ERROR,
                               "path": ["controls", index, "fieldId"], "value": field_id})  # fmt: skip
        if errors:
            raise validation_failed(errors)
        sys = dict(ei["sys"])
        sys.update(version=sys["version"] + 1, updatedAt=self.store.clock.ms(), updatedBy=user_link())
        new = {"sys": ordered(sys, EI_SYS_KEYS)}
        new.update((k, v) for k, v in body.items() if k != "sys")
        scope.env["editor_interfaces"][ct_id] = new
        return copy.deepcopy(new)

    def follow_publish(
        self, scope: Scope, ct_id: str, fields: list[Json], origins: Mapping[str, str], now: str
    ) -> None:
        """Create on first publish, else bump the version and follow field changes [facts 10.1].

        Controls of fields that are gone are dropped, a renamed field's control moves to the new
        id (the docs say the EI follows renames; exact behaviour UNSURE), controls keep their
        widgets, and fields without a control get a bare ``{"fieldId"}`` appended.
        """
        ei = scope.env["editor_interfaces"].get(ct_id)
        if ei is None:
            sys = {
                "id": "default", "type": "EditorInterface", "space": scope.space_link(),
                "version": 1, "createdAt": now, "createdBy": user_link(), "updatedAt": now,
                "updatedBy": user_link(), "contentType": link("ContentType", ct_id),
                "environment": scope.env_link(),
            }  # fmt: skip
            scope.env["editor_interfaces"][ct_id] = {
                "sys": sys, "controls": [{"fieldId": f["id"]} for f in fields],
            }  # fmt: skip
            return
        new_id_of = {origin: field_id for field_id, origin in origins.items()}
        current_ids = {f["id"] for f in fields}
        controls = []
        for control in ei.get("controls", []):
            field_id = control.get("fieldId")
            if field_id in new_id_of:
                controls.append({**control, "fieldId": new_id_of[field_id]})
            elif field_id in current_ids:  # a draft-only field that got a control by PUT
                controls.append(control)
        covered = {c["fieldId"] for c in controls}
        controls.extend({"fieldId": f["id"]} for f in fields if f["id"] not in covered)
        ei["controls"] = controls
        ei["sys"].update(version=ei["sys"]["version"] + 1, updatedAt=now, updatedBy=user_link())
