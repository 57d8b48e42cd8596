"""Locales: random ids, unique codes, the permanent default locale and fallback rules [facts 1.4, 10.5]."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reconcile.emulator.common import Json, Scope, check_version, found_or_404, new_id, ordered, user_link
from reconcile.emulator.errors import CmaError, validation_failed
from reconcile.emulator.listing import Listing
from reconcile.emulator.paging import filter_sys_id, page

if TYPE_CHECKING:
    from reconcile.emulator.store import Store

DEFAULT_LOCALE_CODE = "en-US"
DEFAULT_LOCALE_NAME = "English (United States)"
LOCALE_WRITABLE = ("name", "code", "fallbackCode", "optional", "contentDeliveryApi",
                   "contentManagementApi", "default", "internal_code")  # fmt: skip
LOCALE_SYS_KEYS = (
    "type", "id", "version", "space", "environment", "createdBy", "createdAt", "updatedBy",
    "updatedAt",
)  # fmt: skip


class Locales:
    """Locales with random ids, unique codes, default and fallback rules [facts 1.4, 10.5]."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _existing(self, scope: Scope, locale_id: str) -> Json:
        return found_or_404(scope.env["locales"], locale_id)  # no details [REC P/locale/not_found]

    def collection(self, scope: Scope, query: Mapping[str, str]) -> Listing:
        return page(filter_sys_id(list(scope.env["locales"].values()), query), query)

    def get(self, scope: Scope, locale_id: str) -> Json:
        return copy.deepcopy(self._existing(scope, locale_id))

    def default_code(self, scope: Scope) -> str:
        return str(next(loc["code"] for loc in scope.env["locales"].values() if loc["default"]))

    def create_default(self, scope: Scope) -> None:
        """The one default locale of a new space's master environment."""
        self._store(scope, new_id(), {"name": DEFAULT_LOCALE_NAME, "code": DEFAULT_LOCALE_CODE,
                                      "fallbackCode": None, "default": True}, None)  # fmt: skip

    def create(self, scope: Scope, body: Any) -> Json:
        values = self._check_body(body)
        if not values.get("code") or not values.get("name"):
            # Recorded for a missing code; a missing name is assumed to look alike (UNSURE).
            errors = []
            if not values.get("code"):
                errors += [{"name": "invalid", "path": "code", "value": None},
                           {"name": "invalid", "path": "display_code", "value": None}]  # fmt: skip
            if not values.get("name"):
                errors.append({"name": "invalid", "path": "name", "value": None})
            raise validation_failed(errors, "The resource you sent in the body is invalid.")
        if values.get("default"):
            raise _default_is_permanent(True)
        values.setdefault("fallbackCode", self.default_code(scope))  # [DOC 2017]
        locale_id = new_id()
        self._check_rules(scope, locale_id, values)
        return copy.deepcopy(self._store(scope, locale_id, values, None))

    def update(self, scope: Scope, locale_id: str, body: Any, version: str | None) -> Json:
        locale = self._existing(scope, locale_id)
        check_version(version, locale["sys"]["version"])
        values = self._check_body(body)
        if "default" in values and values["default"] != locale["default"]:
            raise _default_is_permanent(values["default"])
        values["default"] = locale["default"]
        # PUT replaces: an absent fallbackCode means none; the SDK's "" too (UNSURE).
        values.setdefault("fallbackCode", None)
        values.setdefault("name", locale["name"])
        values.setdefault("code", locale["code"])
        if values["code"] != locale["code"] and self._is_fallback(scope, locale["code"]):
            raise CmaError(403, "FallbackLocaleNotRenameable",
                           "Cannot change the code of a locale which is fallback of another one")  # fmt: skip
        self._check_rules(scope, locale_id, values)
        if values["code"] != locale["code"]:
            self.store.entries.rename_locale(scope, locale["code"], values["code"])
            self.store.assets.rename_locale(scope, locale["code"], values["code"])
        return copy.deepcopy(self._store(scope, locale_id, values, locale))

    def delete(self, scope: Scope, locale_id: str) -> None:
        locale = self._existing(scope, locale_id)
        if locale["default"]:
            raise CmaError(403, "DefaultLocaleNotDeletable", "Cannot delete a default locale")
        if self._is_fallback(scope, locale["code"]):
            raise CmaError(403, "FallbackLocaleNotDeletable",
                           "Cannot delete locale which is fallback of another one")  # fmt: skip
        del scope.env["locales"][locale_id]
        self.store.entries.drop_locale(scope, locale["code"])  # content is lost [DOC]
        self.store.assets.drop_locale(scope, locale["code"])

    @staticmethod
    def _is_fallback(scope: Scope, code: str) -> bool:
        return any(other["fallbackCode"] == code for other in scope.env["locales"].values())

    def _check_body(self, body: Any) -> Json:
        if not isinstance(body, dict) or not body:
            raise CmaError(400, "MissingKey", None, {"key": "resource"})  # [REC PHP]
        unknown = [k for k in body if k not in LOCALE_WRITABLE and k != "sys"]
        if unknown:  # keys reported snake_cased [REC PHP e2e_error_unknown_key]
            raise CmaError(400, "UnknownKey", "The body you sent contains an unknown key.",
                           {"keys": [_snake(k) for k in unknown]})  # fmt: skip
        values = {k: v for k, v in body.items() if k in LOCALE_WRITABLE and k != "internal_code"}
        if values.get("fallbackCode") == "":
            values["fallbackCode"] = None
        return values

    def _check_rules(self, scope: Scope, locale_id: str, values: Json) -> None:
        others = {lid: loc for lid, loc in scope.env["locales"].items() if lid != locale_id}
        code = values["code"]
        if any(loc["code"] == code for loc in others.values()):
            raise validation_failed([{"name": "taken", "path": "code", "value": code}],
                                    "The resource you sent in the body is invalid.")  # fmt: skip
        fallback = values.get("fallbackCode")
        if fallback is None:
            return
        fallback_of = {loc["code"]: loc["fallbackCode"] for loc in others.values()}
        fallback_of[code] = fallback
        if fallback not in fallback_of:  # shape UNSURE
            raise validation_failed([{"name": "invalid", "path": "fallback_code", "value": fallback}])
        seen = {code}
        step: str | None = fallback
        while step is not None:
            if step in seen:  # name from the SDK's mock of the API; path UNSURE [facts 1.4]
                raise validation_failed([{"name": "fallback locale creates a loop",
                                          "path": "fallback_code", "value": fallback}])  # fmt: skip
            seen.add(step)
            step = fallback_of.get(step)

    def _store(self, scope: Scope, locale_id: str, values: Json, old: Json | None) -> Json:
        now = self.store.clock.seconds()  # locale timestamps have no milliseconds [facts 1.4]
        if old is None:
            sys: Json = {"type": "Locale", "id": locale_id, "version": 1, "space": scope.space_link(),
                   "environment": scope.env_link(), "createdBy": user_link(), "createdAt": now,
                   "updatedBy": user_link(), "updatedAt": now}  # fmt: skip
        else:
            sys = dict(old["sys"])
            sys.update(version=sys["version"] + 1, updatedBy=user_link(), updatedAt=now)
        locale = {
            "name": values["name"], "internal_code": values["code"], "code": values["code"],
            "fallbackCode": values.get("fallbackCode"), "default": values.get("default", False),
            "contentManagementApi": values.get("contentManagementApi", True),
            "contentDeliveryApi": values.get("contentDeliveryApi", True),
            "optional": values.get("optional", False),
            "sys": ordered(sys, LOCALE_SYS_KEYS),
        }  # fmt: skip
        scope.env["locales"][locale_id] = locale
        return locale


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _default_is_permanent(value: Any) -> CmaError:
    # "A space's default locale is permanent" [DOC]; the error shape is UNSURE.
    return validation_failed([{"name": "invalid", "path": "default", "value": value,
                               "details": "The default locale cannot be changed"}])  # fmt: skip
