"""State of the emulator and the server's rules, one class per resource family (moto-style).

All state is plain JSON so it can be persisted as is::

    {"spaces": {space_id: {"uploads": {upload_id: {"body", "content"}},   # emulator/uploads.py
                           "environments": {env_id: {
        "name", "sys", "ready_at",
        "content_types": {ct_id: {"draft": <CT body>, "published": <CT body> | None,
                                  "origins": {draft_field_id: published_field_id}}},
        "editor_interfaces": {ct_id: <EI body>},
        "locales": {locale_sys_id: <Locale body>},
        "entries": {entry_id: <Entry body>},
        "tags": {tag_id: <Tag body>},                       # emulator/tags.py
        "assets": {asset_id: <Asset body>}, "asset_processing": {asset_id: version},  # emulator/assets.py
        "app_installations": {app_definition_id: <body>},   # emulator/apps.py (absent until one is installed)
        "extensions": {extension_id: <body>}}}}}}

Stored bodies are exactly what the API answers (key order included). ``origins`` records fields
renamed through ``newId`` since the last publish, so that publishing can move entry values and
editor-interface controls. Rules come from shared/docs/cma-facts.md; section numbers are cited.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import string
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import regress

from reconcile.emulator import archive, entry_rules
from reconcile.emulator.aliases import EnvironmentAliases
from reconcile.emulator.apps import Installed
from reconcile.emulator.assets import Assets
from reconcile.emulator.errors import (
    CmaError,
    bad_request,
    invalid_query,
    not_found,
    validation_failed,
    version_mismatch,
)
from reconcile.emulator.json_patch import apply_patch
from reconcile.emulator.listing import Listing, Text, dumped, stored_items, stored_values, text_page
from reconcile.emulator.metadata import checked_metadata
from reconcile.emulator.persist import Persistence
from reconcile.emulator.queries import check_entry_filters, entry_matches
from reconcile.emulator.tags import Tags, check_entry_tags, has_wanted_tag
from reconcile.emulator.uploads import Uploads

Json = dict[str, Any]

USER_ID = "5EmuLat0rUser0000000001"
DEFAULT_LOCALE_CODE = "en-US"
DEFAULT_LOCALE_NAME = "English (United States)"
MAX_FIELDS = 50  # facts 4.3 (docs); contentful-migration allows 100 since 2025 — UNSURE
MAX_LIMIT = 1000

FIELD_TYPES = (
    "Array", "Boolean", "Date", "Integer", "Number", "Object", "Symbol",
    "Link", "Location", "Text", "RichText", "ResourceLink",
)  # fmt: skip
ITEMS_TYPES = ("Symbol", "Link", "ResourceLink")
LINK_TYPES = ("Entry", "Asset")
JS_REGEXP_FLAGS = "dgimsuvy"
# Modern server key order of a field [facts 1.2]; write-only keys (deleted, newId) never come back.
FIELD_KEYS = (
    "id", "name", "type", "localized", "required", "validations", "defaultValue",
    "disabled", "omitted", "linkType", "items", "allowedResources", "apiName",
)  # fmt: skip
FIELD_DEFAULTS: Mapping[str, Any] = {
    "localized": False, "required": False, "validations": [], "disabled": False, "omitted": False,
}  # fmt: skip
FIELD_WRITE_ONLY = ("deleted", "newId")
ITEMS_KEYS = ("type", "validations", "linkType")
CT_BODY_KEYS = ("name", "description", "displayField", "fields", "metadata")
CT_SYS_KEYS = (
    "space", "id", "type", "createdAt", "updatedAt", "environment", "publishedVersion",
    "publishedAt", "firstPublishedAt", "createdBy", "updatedBy", "publishedCounter", "version",
    "publishedBy", "urn",
)  # fmt: skip
ENTRY_SYS_KEYS = (*CT_SYS_KEYS[:-1], "fieldStatus", "automationTags", "contentType", "urn")
EI_SYS_KEYS = (
    "id", "type", "space", "version", "createdAt", "createdBy", "updatedAt", "updatedBy",
    "contentType", "environment",
)  # fmt: skip
EI_BODY_KEYS = ("controls", "sidebar", "editors", "editor", "editorLayout", "groupControls")
LOCALE_KEYS = (
    "name", "internal_code", "code", "fallbackCode", "default",
    "contentManagementApi", "contentDeliveryApi", "optional",
)  # fmt: skip
LOCALE_WRITABLE = ("name", "code", "fallbackCode", "optional", "contentDeliveryApi",
                   "contentManagementApi", "default", "internal_code")  # fmt: skip
LOCALE_SYS_KEYS = (
    "type", "id", "version", "space", "environment", "createdBy", "createdAt", "updatedBy",
    "updatedAt",
)  # fmt: skip
ENV_SYS_KEYS = (
    "type", "id", "version", "space", "status", "createdBy", "createdAt", "updatedBy", "updatedAt",
)  # fmt: skip
ID_ALPHABET = string.ascii_letters + string.digits


def link(link_type: str, resource_id: str) -> Json:
    return {"sys": {"type": "Link", "linkType": link_type, "id": resource_id}}


# The user the current request acts as: the server sets it from the request's token for the request's
# duration (emulator/users.py). A context variable, not state: each request thread sees only its own.
ACTING_USER: ContextVar[str] = ContextVar("acting_user", default=USER_ID)


def user_link() -> Json:
    return link("User", ACTING_USER.get())


def new_id() -> str:
    """A random 22-character id like Contentful's."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(22))


def ordered(values: Mapping[str, Any], keys: Sequence[str]) -> Json:
    """``values`` with ``keys`` first in that order (absent ones skipped), then any other keys."""
    out = {k: values[k] for k in keys if k in values}
    out.update((k, v) for k, v in values.items() if k not in out)
    return out


def parse_version(header: str | None) -> int:
    """The ``X-Contentful-Version`` header as an int; missing or garbage → 409 [facts 3.1]."""
    if header is None:
        raise version_mismatch(missing=True)
    try:
        return int(header)
    except ValueError:
        raise version_mismatch() from None


def found_or_404(records: Mapping[str, Json], key: str, details: Json | None = None) -> Json:
    """``records[key]``, or the API's 404 with ``details`` about the missing resource (some 404s have none)."""
    record = records.get(key)
    if record is None:
        raise not_found(details)
    return record


def check_version(header: str | None, current: int) -> None:
    if parse_version(header) != current:
        raise version_mismatch()


class Clock:
    """Wall-clock timestamps in the API's two formats (with and without milliseconds)."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self.now = now

    def ms(self) -> str:
        return datetime.fromtimestamp(self.now(), UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def seconds(self, at: float | None = None) -> str:
        stamp = self.now() if at is None else at
        return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Scope:
    """One environment of one space, as addressed by a request."""

    space: str
    env_id: str
    env: Json

    def space_link(self) -> Json:
        return link("Space", self.space)

    def env_link(self) -> Json:
        # Modern environment links put the id first [facts 2].
        return {"sys": {"id": self.env_id, "type": "Link", "linkType": "Environment"}}

    def details(self, resource_type: str, resource_id: str) -> Json:
        return {
            "type": resource_type,
            "id": resource_id,
            "environment": self.env_id,
            "space": self.space,
        }

    def locale_codes(self) -> list[str]:
        return [loc["code"] for loc in self.env["locales"].values()]


# ---------------------------------------------------------------------------------- paging


def _int_param(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        if name == "skip":  # [facts 1.1, ISS contentful-export#658]
            raise bad_request('The value provided for "skip" is invalid. Please provide a valid number value') from None
        raise invalid_query(  # [REC JAVA error_wrong_type_for_limit]
            f'The value provided for "{name}" is invalid. Please provide a valid number value'
        ) from None
    if value < 0 or (name == "limit" and value > MAX_LIMIT):
        # Exact real wording UNSURE; this is the 3P fake's text [facts 1.1].
        raise invalid_query(
            f'The value provided for "{name}" is invalid. Please provide a value between 0 and {MAX_LIMIT}'
        )
    return value


def _path_value(item: Json, path: str) -> Any:
    value: Any = item
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _sort_key(value: Any) -> tuple[int, Any]:
    # None sorts last; mixed types are compared by their JSON text.
    if value is None:
        return (2, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    return (1, value if isinstance(value, str) else json.dumps(value, sort_keys=True))


SYS_ORDER_PATHS = frozenset(
    {"id", "createdAt", "updatedAt", "version", "publishedAt", "firstPublishedAt",
     "publishedVersion", "publishedCounter", "type", "contentType.sys.id"}
)  # fmt: skip


def order_keys(order: str | None) -> list[str]:
    """The keys of a comma list of paths, ``-`` for descending (``sys.createdAt,sys.id``), checked."""
    keys = [part.strip() for part in (order or "").split(",") if part.strip()]
    for key in keys:
        path = key.lstrip("-")
        if path.startswith("sys.") and path[4:] not in SYS_ORDER_PATHS:
            raise invalid_query(  # [REC JAVA error_unknown_path]
                "The query you sent was invalid. Probably a filter or ordering specification "
                "is not applicable to the type of a field.",
                [{"name": "unknown", "path": path.split("."),
                  "details": f'The path "{path}" is not recognized'}],
            )  # fmt: skip
    return keys


def sys_id_matches(item: Json, query: Mapping[str, str]) -> bool:
    """``sys.id=…`` and ``sys.id[in]=a,b`` filters (used by contentful-migration, REC M21 #3)."""
    if "sys.id" in query and item["sys"]["id"] != query["sys.id"]:
        return False
    return "sys.id[in]" not in query or item["sys"]["id"] in query["sys.id[in]"].split(",")


def filter_sys_id(items: list[Json], query: Mapping[str, str]) -> list[Json]:
    return [item for item in items if sys_id_matches(item, query)]


def page(items: list[Json], query: Mapping[str, str], default_limit: int = 100) -> Listing:
    """The collection envelope ``{sys, total, skip, limit, items}`` of values built for the answer."""
    return stored_page(dumped(items), query, default_limit)


def stored_page(
    items: Iterable[tuple[Json, Text]], query: Mapping[str, str], default_limit: int = 100,
    keep: Callable[[Json], bool] = lambda _: True,
) -> Listing:
    """The collection envelope ``{sys, total, skip, limit, items}`` [facts 1.1] of ``items`` (each value with
    its JSON text, listing.py) that ``keep`` accepts, parsed one at a time."""
    skip = _int_param(query, "skip", 0)
    limit = _int_param(query, "limit", default_limit)
    keys = order_keys(query.get("order"))
    paths = [key.lstrip("-") for key in keys]

    def probe(item: Json) -> tuple[Any, ...]:
        return tuple(_sort_key(_path_value(item, path)) for path in paths)

    return text_page(items, skip, limit, [key.startswith("-") for key in keys], probe, keep)


# --------------------------------------------------------------------------- content types


def _published_status(sys: Json) -> bool:
    return "publishedVersion" in sys


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
        fields, origins, display_field = self._validate(body, published, previous_origins)
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

    def _validate(
        self, body: Any, published: Json | None, previous_origins: Mapping[str, str]
    ) -> tuple[list[Json], dict[str, str], str | None]:
        """Check a PUT body; return the normalised fields, rename origins and display field."""
        if not isinstance(body, dict):
            raise bad_request("The body you sent is not a JSON object.")
        errors: list[Json] = []
        for key in body:
            if key not in CT_BODY_KEYS and key != "sys":
                errors.append({"name": "unexpected", "path": [key], "value": body[key]})
        if not isinstance(body.get("name"), str):
            # Missing/invalid name: shape UNSURE, modelled on the other 422 items.
            errors.append({"name": "required", "path": ["name"], "value": body.get("name")})
        raw_fields = body.get("fields", [])
        if not isinstance(raw_fields, list):
            errors.append({"name": "type", "path": ["fields"], "value": raw_fields, "type": "Array"})
            raw_fields = []
        for index, field in enumerate(raw_fields):
            errors.extend(_field_errors(index, field))
        if errors:
            raise validation_failed(errors)

        fields: list[Json] = []
        origins: dict[str, str] = {}
        renamed: dict[str, str] = {}  # old draft id -> new id, for displayField
        for field in raw_fields:
            if field.get("deleted") is True:  # write-only step of a deletion [facts 4.4]
                continue
            origin = previous_origins.get(field["id"], field["id"])
            field_id = field.get("newId") or field["id"]
            if field_id != field["id"]:
                renamed[field["id"]] = field_id
            if origin != field_id:
                origins[field_id] = origin
            fields.append(_normalise_field({**field, "id": field_id}))

        ids = [f["id"] for f in fields]
        display_field = body.get("displayField")
        # A display field renamed in the same PUT follows the rename (real behaviour UNSURE).
        if isinstance(display_field, str):
            display_field = renamed.get(display_field, display_field)
        for index, field_id in enumerate(ids):
            if field_id in ids[:index]:  # shape UNSURE
                errors.append({"name": "taken", "path": ["fields", index, "id"], "value": field_id})
        if len(fields) > MAX_FIELDS:  # shape UNSURE
            errors.append({"name": "size", "path": ["fields"], "value": len(fields),
                           "max": MAX_FIELDS})  # fmt: skip
        if display_field is not None and display_field not in ids:  # shape UNSURE
            errors.append({"name": "invalid", "path": ["displayField"], "value": display_field,
                           "details": "displayField must be the id of a field"})  # fmt: skip
        if errors:
            raise validation_failed(errors)
        if published is not None:
            _check_against_published(fields, origins, published)
        return fields, origins, display_field

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


# A field id (and a rename's ``newId``): a letter, then letters, digits or '_', at most 64 characters [facts 4.4:
# contentful-migration refuses any other; every field id of the recordings matches]. The API's refusal is assumed
# and the item's shape UNSURE (no recorded response): modelled on the other 422 items.
FIELD_ID = re.compile(r"[a-zA-Z][a-zA-Z0-9_]*")
MAX_FIELD_ID = 64


def _field_errors(index: int, field: Any) -> list[Json]:
    """422 items for one field of a content-type PUT [facts 3.3]."""
    path: list[Any] = ["fields", index]
    if not isinstance(field, dict):
        return [{"name": "type", "path": path, "value": field, "type": "Object"}]
    errors: list[Json] = []
    for key in field:
        if key not in FIELD_KEYS and key not in FIELD_WRITE_ONLY:
            errors.append({"name": "unexpected", "path": [*path, key], "value": field[key]})
    for key in ("id", "name"):
        if not isinstance(field.get(key), str) or not field.get(key):
            errors.append({"name": "required", "path": [*path, key], "value": field.get(key)})
    for key in ("id", "newId"):
        value = field.get(key)
        if isinstance(value, str) and value and not (FIELD_ID.fullmatch(value) and len(value) <= MAX_FIELD_ID):
            errors.append({"name": "regexp", "path": [*path, key], "value": value,
                           "pattern": FIELD_ID.pattern, "max": MAX_FIELD_ID})  # fmt: skip
    if field.get("type") not in FIELD_TYPES:
        errors.append({"name": "in", "path": [*path, "type"], "value": field.get("type"),
                       "expected": list(FIELD_TYPES)})  # fmt: skip
    if "defaultValue" in field and field["defaultValue"] is None:
        errors.append({"name": "type", "path": [*path, "defaultValue"], "value": None})
    errors.extend(_pattern_errors(path, field.get("validations")))
    if field.get("type") == "Link" and field.get("linkType") not in LINK_TYPES:
        errors.append({"name": "in", "path": [*path, "linkType"], "value": field.get("linkType"),
                       "expected": list(LINK_TYPES)})  # fmt: skip
    if field.get("type") == "Array":
        items = field.get("items")
        if not isinstance(items, dict) or items.get("type") not in ITEMS_TYPES:
            value = items.get("type") if isinstance(items, dict) else items
            errors.append({"name": "in", "path": [*path, "items", "type"], "value": value,
                           "expected": list(ITEMS_TYPES)})  # fmt: skip
        else:
            for key in items:
                if key not in ITEMS_KEYS:
                    errors.append({"name": "unexpected", "path": [*path, "items", key],
                                   "value": items[key]})  # fmt: skip
            errors.extend(_pattern_errors([*path, "items"], items.get("validations")))
    return errors


def _pattern_errors(path: list[Any], validations: Any) -> list[Json]:
    """422 items for ``regexp``/``prohibitRegexp`` validations that JavaScript's ``new RegExp(pattern, flags)``
    refuses: Contentful evaluates them as ECMAScript regular expressions [facts 4.2]. Checked with the
    ``regress`` ECMAScript engine; flags are JavaScript's (each once, not u with v). The refusal is
    assumed, and the item's shape UNSURE (no recorded response): modelled on the other 422 items."""
    errors: list[Json] = []
    for index, validation in enumerate(validations if isinstance(validations, list) else []):
        for kind in ("regexp", "prohibitRegexp"):
            rule = validation.get(kind) if isinstance(validation, dict) else None
            if not isinstance(rule, dict) or not isinstance(rule.get("pattern"), str):
                continue
            flags = rule.get("flags") or ""
            try:
                if not _js_flags(flags):
                    raise ValueError(f"Invalid flags supplied to RegExp constructor '{flags}'")
                regress.Regex(rule["pattern"], flags)
            except UnicodeEncodeError:
                continue  # a lone surrogate (JSON can hold one): JavaScript takes it, regress cannot read it
            except (regress.RegressError, ValueError) as exc:
                errors.append({"name": "regexp", "path": [*path, "validations", index, kind], "value": rule,
                               "details": f"Invalid regular expression: {exc}"})  # fmt: skip
    return errors


def _js_flags(flags: Any) -> bool:
    """Whether ``new RegExp`` takes ``flags``: JavaScript's letters, each once, not u with v."""
    return (
        isinstance(flags, str)
        and set(flags) <= set(JS_REGEXP_FLAGS)
        and len(set(flags)) == len(flags)
        and not {"u", "v"} <= set(flags)
    )


def _normalise_field(field: Json) -> Json:
    """Server defaults filled in, write-only keys dropped, modern key order [facts 1.2]."""
    values = {k: v for k, v in field.items() if k not in FIELD_WRITE_ONLY}
    for key, default in FIELD_DEFAULTS.items():
        values.setdefault(key, copy.deepcopy(default))
    if isinstance(values.get("items"), dict):
        # Inside items the order is type, validations, linkType; missing validations are not
        # filled (older recordings show items without them).
        values["items"] = ordered(values["items"], ITEMS_KEYS)
    return ordered(values, FIELD_KEYS)


def _shape(field: Json) -> tuple[Any, Any, Any]:
    items = field.get("items")
    return field["type"], field.get("linkType"), items.get("type") if items else None


def _check_against_published(fields: list[Json], origins: Mapping[str, str], published: Json) -> None:
    """Omit-before-delete and no type change on published fields [facts 4.4]."""
    by_id = {f["id"]: f for f in published["fields"]}
    kept = {origins.get(f["id"], f["id"]) for f in fields}
    for field_id, field in by_id.items():
        if field_id not in kept and not field.get("omitted"):
            raise bad_request("You need to omit a field before deleting it")
    for field in fields:
        before = by_id.get(origins.get(field["id"], field["id"]))
        # type, linkType and items.type are all refused (UNSURE beyond type, like migration).
        if before is not None and _shape(before) != _shape(field):
            raise bad_request("Previously published fields are invalid")


# ----------------------------------------------------------------------- editor interfaces

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


# --------------------------------------------------------------------------------- locales


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


# --------------------------------------------------------------------------------- entries

NOT_ACTIVATED = "The content type you sent could not be found or was not activated."


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


# ---------------------------------------------------------------------------- environments


class Environments:
    """Environments of a space: clone on create, queued then ready after a delay [facts 1.5]."""

    def __init__(self, store: Store, ready_delay: float) -> None:
        self.store = store
        self.ready_delay = ready_delay

    def _space(self, space: str) -> Json:
        return found_or_404(self.store.state["spaces"], space)

    def scope(self, space: str, env_id: str) -> Scope:
        env_id = self.store.aliases.resolve(space, env_id)  # /environments/<alias>/… [aliases.py]
        env = found_or_404(self._space(space)["environments"], env_id)  # no details [facts 1.5]
        self._settle(env)
        return Scope(space, env_id, env)

    def _settle(self, env: Json) -> None:
        """A queued environment becomes ready at ``ready_at``: version +2 (1 → 3) [REC M21 #1–#2]."""
        ready_at = env.get("ready_at")
        if ready_at is not None and self.store.clock.now() >= ready_at:
            sys = env["sys"]
            sys["status"] = link("Status", "ready")
            sys.update(version=sys["version"] + 2, updatedAt=self.store.clock.seconds(ready_at))
            env["ready_at"] = None

    def _body(self, env: Json) -> Json:
        return {"name": env["name"], "sys": copy.deepcopy(env["sys"])}

    def collection(self, space: str, query: Mapping[str, str]) -> Listing:
        envs = self._space(space)["environments"]
        for env in envs.values():
            self._settle(env)
        bodies = [self.store.aliases.environment_body(space, e["sys"]["id"], self._body(e)) for e in envs.values()]
        return page(filter_sys_id(bodies, query), query, 25)

    def get(self, space: str, env_id: str) -> Json:
        return self.store.aliases.environment_body(space, env_id, self._body(self.scope(space, env_id).env))

    def put(self, space: str, env_id: str, body: Any, version: str | None, source: str | None) -> tuple[int, Json]:
        envs = self._space(space)["environments"]
        env_id = self.store.aliases.resolve(space, env_id)
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str) or not name:  # shape UNSURE
            raise validation_failed([{"name": "required", "path": ["name"], "value": name}])
        existing = envs.get(env_id)
        if existing is not None:  # rename; version +1 [facts 2]
            self._settle(existing)
            check_version(version, existing["sys"]["version"])
            existing["name"] = name
            existing["sys"].update(version=existing["sys"]["version"] + 1,
                                   updatedAt=self.store.clock.seconds(), updatedBy=user_link())  # fmt: skip
            return 200, self._body(existing)
        source_env = self.scope(space, source or "master").env
        self.store.aliases.check_quota(space)
        now = self.store.clock.seconds()
        sys = {"type": "Environment", "id": env_id, "version": 1, "space": link("Space", space),
               "status": link("Status", "queued"), "createdBy": user_link(), "createdAt": now,
               "updatedBy": user_link(), "updatedAt": now}  # fmt: skip
        env = self._clone(source_env, env_id)
        env.update(name=name, sys=sys, ready_at=self.store.clock.now() + self.ready_delay)
        envs[env_id] = env
        return 201, self._body(env)

    def relinked(self, source: Json, env_id: str) -> Json:
        return self._clone(source, env_id)

    def _clone(self, source: Json, env_id: str) -> Json:
        """Deep copy of the source's content; every ``sys.environment`` link points at the clone."""
        env: Json = {key: copy.deepcopy(source[key])
                     for key in ("content_types", "editor_interfaces", "locales", "entries")}  # fmt: skip
        env.update({key: copy.deepcopy(source.get(key, {}))
                    for key in ("assets", "tags", "app_installations", "extensions")})  # fmt: skip
        env_link = {"sys": {"id": env_id, "type": "Link", "linkType": "Environment"}}
        bodies: list[Json] = [*env["editor_interfaces"].values(), *env["locales"].values(),
                              *env["entries"].values(), *env["assets"].values(), *env["tags"].values()]  # fmt: skip
        for record in env["content_types"].values():
            bodies += [record["draft"]] + ([record["published"]] if record["published"] else [])
        for body in bodies:
            body["sys"]["environment"] = copy.deepcopy(env_link)
        return env

    def create_master(self, space: str) -> None:
        now = self.store.clock.seconds()
        sys = {"type": "Environment", "id": "master", "version": 1, "space": link("Space", space),
               "status": link("Status", "ready"), "createdBy": user_link(), "createdAt": now,
               "updatedBy": user_link(), "updatedAt": now}  # fmt: skip
        env = {"name": "master", "sys": sys, "ready_at": None, "content_types": {},
               "editor_interfaces": {}, "locales": {}, "entries": {}, "tags": {}}  # fmt: skip
        self.store.state["spaces"][space] = {"environments": {"master": env}}
        self.store.locales.create_default(Scope(space, "master", env))

    def delete(self, space: str, env_id: str) -> None:
        self.scope(space, env_id)
        env_id = self.store.aliases.resolve(space, env_id)
        self.store.aliases.check_deletable(space, env_id)
        if env_id == "master":  # "master cannot be deleted" [DOC]; error shape UNSURE
            raise bad_request("The master environment cannot be deleted")
        del self._space(space)["environments"][env_id]

    def space_body(self, space: str) -> Json:
        self._space(space)
        return {"name": space, "sys": {"type": "Space", "id": space, "version": 1}}


# ----------------------------------------------------------------------------------- store


class Store:
    """All spaces' state, the resource families that enforce the rules, and persistence.

    Callers hold ``lock`` around a request (the families are not individually thread-safe).
    With ``data_dir`` the state is loaded at start (migrated from a ``state.json`` the first time)
    and ``save()`` persists what the request changed (see persist.py); each family is then a
    ``persist.Family``, which holds its resources as JSON text and parses those a request looks up, and
    ``let_go()`` ends a read.
    """

    def __init__(
        self,
        spaces: Sequence[str],
        data_dir: Path | None = None,
        env_ready_delay: float = 0.3,
        clock: Clock | None = None,
        *,
        max_environments: int | None = None,
        master_alias: str | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.data_dir = data_dir
        self.content_types = ContentTypes(self)
        self.editor_interfaces = EditorInterfaces(self)
        self.locales = Locales(self)
        self.entries = Entries(self)
        self.assets = Assets(self)
        self.uploads = Uploads(self)
        self.tags = Tags(self)
        self.app_installations = Installed(self, "app_installations")
        self.extensions = Installed(self, "extensions")
        self.environments = Environments(self, env_ready_delay)
        self.aliases = EnvironmentAliases(self, max_environments)
        self.state: Json = {"spaces": {}}
        self.persistence = Persistence(data_dir) if data_dir is not None else None
        if self.persistence is not None:
            self.state = self.persistence.load() or self.state
        for space in spaces:
            if space not in self.state["spaces"]:
                self.environments.create_master(space)
            if master_alias is not None:  # the space opted in to environment aliases
                self.aliases.opt_in(space, master_alias)
        self.save()

    def save(self) -> None:
        """Persist what the request changed (one SQLite transaction), when there is a data directory."""
        if self.persistence is not None:
            self.persistence.commit(self.state)

    def let_go(self) -> None:
        """After a read: forget the resources it parsed (reads change none; see persist.py)."""
        if self.persistence is not None:
            self.persistence.let_go()
