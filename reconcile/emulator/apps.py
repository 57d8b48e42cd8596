"""App installations and UI extensions of an environment, which editor-interface widgets may reference.

State: ``env["app_installations"][app_definition_id]`` and ``env["extensions"][extension_id]``, bodies as served.
Both start empty. Shapes as the CMA documents them (UNSURE: no recording):

* ``PUT /app_installations/{appDefinitionId}`` ``{"parameters"?: {…}}`` -> 201 (200 when installed, with
  ``X-Contentful-Version``); body ``{"sys": {"type": "AppInstallation", "appDefinition": Link, "space",
  "environment", "version", …}, "parameters"}``. ``DELETE`` -> 204.
* ``POST /extensions`` (random id) or ``PUT /extensions/{id}`` ``{"extension": {"name", "src" | "srcdoc",
  "fieldTypes"?, "sidebar"?}, "parameters"?}`` -> 201 (200 on update with the version); ``DELETE`` -> 204.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from reconcile.emulator.common import Json, Scope, check_version, link, new_id, user_link
from reconcile.emulator.errors import not_found, validation_failed
from reconcile.emulator.paging import page

if TYPE_CHECKING:
    from reconcile.emulator.store import Store


class Installed:
    """One family of installed widgets: ``app_installations`` (keyed by app definition) or ``extensions``."""

    def __init__(self, store: Store, family: str) -> None:
        self.store = store
        self.family = family
        self.type = "AppInstallation" if family == "app_installations" else "Extension"

    def records(self, scope: Scope) -> Json:
        found: Json = scope.env.setdefault(self.family, {})
        return found

    def answer(self, method: str, scope: Scope, body: Any, version: str | None, ident: str | None) -> Any:
        """The answer of the collection (GET, POST) and of one item (GET, PUT, DELETE) for the server."""
        records = self.records(scope)
        if ident is None and method == "GET":
            return page(list(records.values()), {})
        if ident is None:
            return self._put(scope, new_id(), body, version)
        if ident not in records:
            if method != "PUT":
                raise not_found(scope.details(self.type, ident))
            return self._put(scope, ident, body, version)
        if method == "GET":
            return copy.deepcopy(records[ident])
        if method == "DELETE":
            del records[ident]
            return None
        return self._put(scope, ident, body, version)

    def _put(self, scope: Scope, ident: str, body: Any, version: str | None) -> tuple[int, Json]:
        if not isinstance(body, dict) or (self.type == "Extension" and not isinstance(body.get("extension"), dict)):
            raise validation_failed([{"name": "required", "path": ["extension"], "value": body}])
        records = self.records(scope)
        old = records.get(ident)
        if old is not None:
            check_version(version, old["sys"]["version"])
        now = self.store.clock.ms()
        sys: Json = dict(old["sys"]) if old else {
            "type": self.type, "space": scope.space_link(), "environment": scope.env_link(), "createdAt": now,
            "createdBy": user_link(), "version": 0,
        }  # fmt: skip
        if self.type == "AppInstallation":
            sys["appDefinition"] = link("AppDefinition", ident)
        else:
            sys["id"] = ident
        sys.update(updatedAt=now, updatedBy=user_link(), version=sys["version"] + 1)
        record = {"sys": sys, **{k: v for k, v in body.items() if k != "sys"}}
        records[ident] = record
        return (201 if old is None else 200), copy.deepcopy(record)
