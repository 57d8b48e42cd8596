"""The rules of a content type's PUT body [facts 4.4]: the shape of each field, regular expressions as JavaScript
reads them, field ids, renames through ``newId``, deletions, and what a published version forbids."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

import regress

from reconcile.emulator.common import Json, ordered
from reconcile.emulator.errors import bad_request, validation_failed

MAX_FIELDS = 50  # facts 4.3 (docs); contentful-migration allows 100 since 2025 — UNSURE
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


def checked_fields(
    body: Any, published: Json | None, previous_origins: Mapping[str, str]
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
