"""What the CMA checks on entries: value types at save, field validations and links at publish.

Sources (see docs/conformance.md, "Entry rules"): a draft may break every validation, the rules apply at
publish [facts 4.2 "Validations take effect on entries only at (re)publish"; ISS contentful-export#169].
A save refuses only values of the wrong shape, with 422 ``InvalidEntry`` and ``name: "type"`` items
[facts 3.3, REC R/entry/update_unlocalized_field]. Publishing answers 422 ``UnresolvedLinks`` with
``notResolvable`` items for links to entries or assets that do not exist [ISS contentful-space-sync#77]
and 422 ``ValidationFailed`` "Validation error" for broken validations [facts 3.2; ISS contentful-import#598
quotes ``The property "…" is required here``]. The per-rule item keys besides ``name``/``path``/``value``/
``details`` and the default ``details`` texts are not recorded: modelled on the recorded ones — UNSURE.
A validation's own ``message`` replaces the default ``details`` (UNSURE).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import regress

from reconcile.emulator.errors import CmaError, validation_failed
from reconcile.emulator.rich_text import document_shape_ok, rich_text_errors

Json = dict[str, Any]
Path = list[Any]

# Longest strings [facts 4.1: Symbol ≤ 256 (current limits page says 255, UNSURE), Text ≤ 50 000].
MAX_LENGTH = {"Symbol": 256, "Text": 50_000}
MIMETYPE_GROUPS = {  # Contentful's mimetype groups; a type outside every group is only an "attachment"
    "pdfdocument": ("application/pdf",),
    "plaintext": ("text/plain",),
    "markup": ("text/html", "application/xml", "text/xml", "application/xhtml+xml"),
    "code": ("application/json", "text/javascript", "application/javascript", "text/css"),
    "archive": ("application/zip", "application/x-tar", "application/gzip", "application/x-7z-compressed",
                "application/x-rar-compressed"),
    "richtext": ("application/msword", "application/rtf", "application/vnd.oasis.opendocument.text",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "presentation": ("application/vnd.ms-powerpoint", "application/vnd.oasis.opendocument.presentation",
                     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "spreadsheet": ("application/vnd.ms-excel", "text/csv", "application/vnd.oasis.opendocument.spreadsheet",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}  # fmt: skip


def type_item(expected: str, value: Any, path: Path) -> Json:
    # Key order as recorded [facts 3.3].
    return {"name": "type", "value": value, "type": expected,
            "details": f'The type of "value" is incorrect, expected type: {expected}', "path": path}  # fmt: skip


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_date(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time (time and offset optional; no offset = UTC), else None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _is_link(value: Any, link_type: Any) -> bool:
    sys = value.get("sys") if isinstance(value, dict) else None
    return (isinstance(sys, dict) and sys.get("type") == "Link" and sys.get("linkType") == link_type
            and isinstance(sys.get("id"), str))  # fmt: skip


def _scalar_ok(kind: str, value: Any, link_type: Any) -> bool:
    checks = {
        "Symbol": lambda: isinstance(value, str),
        "Text": lambda: isinstance(value, str),
        # JSON has one number type: 3.0 is the integer 3 to the API's JavaScript (UNSURE).
        "Integer": lambda: _is_number(value) and float(value).is_integer(),
        "Number": lambda: _is_number(value),
        "Boolean": lambda: isinstance(value, bool),
        "Date": lambda: parse_date(value) is not None,
        "Location": lambda: isinstance(value, dict) and _is_number(value.get("lat")) and _is_number(value.get("lon")),
        "Object": lambda: isinstance(value, dict | list),
        "Link": lambda: _is_link(value, link_type),
        "RichText": lambda: document_shape_ok(value),
        # Resource-link values are not recorded (facts 4.1): only their outer shape is checked (UNSURE).
        "ResourceLink": lambda: isinstance(value, dict) and isinstance(value.get("sys"), dict),
    }
    check = checks.get(kind)
    return check is None or check()


def type_errors(field: Json, value: Any, path: Path) -> list[Json]:
    """``type`` items for a value that cannot be stored in ``field`` (checked at save and at publish)."""
    if field["type"] != "Array":
        ok = _scalar_ok(field["type"], value, field.get("linkType"))
        return [] if ok else [type_item(field["type"], value, path)]
    if not isinstance(value, list):
        return [type_item("Array", value, path)]
    items = field.get("items") or {}
    return [
        type_item(items.get("type", "Symbol"), item, [*path, index])
        for index, item in enumerate(value)
        if not _scalar_ok(items.get("type", "Symbol"), item, items.get("linkType"))
    ]


def save_errors(content_type: Json, fields: Json) -> list[Json]:
    """422 ``InvalidEntry`` items for a draft PUT: each field's value is a locale map of well-typed values."""
    errors: list[Json] = []
    for field in content_type["fields"]:
        values = fields.get(field["id"])
        if values is None:
            continue
        if not isinstance(values, dict):
            errors.append(type_item("Object", values, ["fields", field["id"]]))
            continue
        for code, value in values.items():
            if value is not None:
                errors += type_errors(field, value, ["fields", field["id"], code])
    return errors


class PublishCheck:
    """The checks of ``PUT /entries/{id}/published`` for one entry against its published content type."""

    def __init__(self, env: Json, content_type: Json, entry: Json) -> None:
        self.env = env
        self.content_type = content_type
        self.entry = entry
        self.unresolved: list[Json] = []
        self.failed: list[Json] = []

    def raise_errors(self) -> None:
        """Raise the 422 the API answers; unresolved links first (which wins when both apply: UNSURE)."""
        for field in self.content_type["fields"]:
            self._field(field)
        if self.unresolved:
            raise CmaError(422, "UnresolvedLinks", "Validation error", {"errors": self.unresolved})
        if self.failed:
            raise validation_failed(self.failed)

    def _locales(self) -> list[Json]:
        return list(self.env["locales"].values())

    def _field(self, field: Json) -> None:
        values = self.entry["fields"].get(field["id"])
        values = values if isinstance(values, dict) else {}
        default = next(loc["code"] for loc in self._locales() if loc.get("default"))
        # A non-localized field holds the default locale only; other locale keys are not its value.
        codes = [loc["code"] for loc in self._locales()] if field.get("localized") else [default]
        if field.get("required"):
            self.failed += self._required(field, values, codes)
        for code in codes:
            if values.get(code) is not None:
                self._value(field, values[code], ["fields", field["id"], code])

    def _required(self, field: Json, values: Json, codes: list[str]) -> list[Json]:
        """A required field needs a value in every locale that is not ``optional`` (the default never is).

        Disabled and omitted fields are no exception [facts 4.4 "Disabled + required"]. A field with no
        value at all is reported on the field, a missing locale on the locale (the split is UNSURE).
        """
        if all(values.get(code) is None for code in codes):
            return [{"name": "required", "path": ["fields", field["id"]],
                     "details": f'The property "{field["id"]}" is required here'}]  # fmt: skip
        optional = {loc["code"] for loc in self._locales() if loc.get("optional") and not loc.get("default")}
        return [
            {"name": "required", "path": ["fields", field["id"], code],
             "details": f'The property "{code}" is required here'}
            for code in codes
            if values.get(code) is None and code not in optional
        ]  # fmt: skip

    def _value(self, field: Json, value: Any, path: Path) -> None:
        wrong = type_errors(field, value, path)
        if wrong:
            self.failed += wrong
            return
        kind = field["type"]
        self._limits(kind, field.get("validations") or [], value, path)
        if kind == "Link":
            self._link(value, field.get("validations") or [], path)
        elif kind == "RichText":
            self.failed += rich_text_errors(field.get("validations") or [], value, path, self._entry_type)
        elif kind == "Array":
            items = field.get("items") or {}
            for index, item in enumerate(value):
                self._limits(items.get("type", "Symbol"), items.get("validations") or [], item, [*path, index])
                if items.get("type") == "Link":
                    self._link(item, items.get("validations") or [], [*path, index])

    def _limits(self, kind: str, validations: list[Any], value: Any, path: Path) -> None:
        if kind in MAX_LENGTH and _js_length(value) > MAX_LENGTH[kind]:
            self.failed.append({"name": "size", "max": MAX_LENGTH[kind], "value": value, "path": path,
                                "details": f"Size must be at most {MAX_LENGTH[kind]}"})  # fmt: skip
        for rule in validations:
            if isinstance(rule, dict):
                for key in rule:
                    item = self._rule(key, rule[key], value, path)
                    if item is not None:
                        self.failed.append({**item, "value": value, "path": path,
                                            "details": rule.get("message") or item["details"]})  # fmt: skip

    def _rule(self, key: str, spec: Any, value: Any, path: Path) -> Json | None:
        """The item (without value/path) when ``value`` breaks validation ``{key: spec}``, else None.

        Rules that do not apply to the value's type, and rules only checked elsewhere (links, rich text)
        (``linkMimetypeGroup``, ``assetFileSize``, ``assetImageDimensions``: ``_link``), pass.
        """
        if key == "size" and isinstance(spec, dict) and isinstance(value, str | list):
            return _bounds_item("size", spec, _js_length(value), "Size")
        if key == "range" and isinstance(spec, dict) and _is_number(value):
            return _bounds_item("range", spec, value, "Value")
        if key in ("regexp", "prohibitRegexp") and isinstance(spec, dict) and isinstance(value, str):
            return _pattern_item(key, spec, value)
        if key == "in" and isinstance(spec, list) and value not in spec:
            return {"name": "in", "expected": spec, "details": "Value must be one of expected values"}
        if key == "unique" and spec is True:
            return self._unique(value, path)
        if key == "dateRange" and isinstance(spec, dict):
            return _date_range_item(spec, value)
        return None

    def _unique(self, value: Any, path: Path) -> Json | None:
        """``unique``: no other *published* entry of the content type holds the value in that field and
        locale. The emulator keeps one set of values per entry, so a published entry's pending draft
        values count as its values (UNSURE for entries with pending changes)."""
        field_id, code = path[1], path[2]
        ct_id = self.entry["sys"]["contentType"]["sys"]["id"]
        conflicting = [
            {"sys": {"type": "Link", "linkType": "Entry", "id": other["sys"]["id"]}}
            for other in self.env["entries"].values()
            if other["sys"]["id"] != self.entry["sys"]["id"]
            and other["sys"]["contentType"]["sys"]["id"] == ct_id
            and "publishedVersion" in other["sys"]
            and (other["fields"].get(field_id) or {}).get(code) == value
        ]
        if not conflicting:
            return None
        return {"name": "unique", "conflicting": conflicting, "details": "Same field value present in other entry"}

    def _link(self, value: Json, validations: list[Any], path: Path) -> None:
        """A link must resolve (the target exists; drafts and archived targets count, UNSURE); then its
        ``linkContentType`` / ``linkMimetypeGroup`` validations apply to the target."""
        sys = value["sys"]
        family = "entries" if sys["linkType"] == "Entry" else "assets"
        target = self.env.get(family, {}).get(sys["id"])
        if target is None:
            link = {"type": "Link", "linkType": sys["linkType"], "id": sys["id"]}
            self.unresolved.append({"name": "notResolvable", "link": link, "path": path})
            return
        for rule in validations:
            item = _link_rule(rule, target, path[2]) if isinstance(rule, dict) else None
            if item is not None:
                self.failed.append({**item, "value": value, "path": path,
                                    "details": rule.get("message") or item["details"]})  # fmt: skip

    def _entry_type(self, link: Any) -> str | None:
        """The content type id of the entry ``link`` points at (rich-text targets), None if unresolvable."""
        if not _is_link(link, "Entry"):
            return None
        target = self.env["entries"].get(link["sys"]["id"])
        return None if target is None else str(target["sys"]["contentType"]["sys"]["id"])


def _js_length(value: Any) -> int:
    """Length as JavaScript counts it: UTF-16 code units for strings."""
    if isinstance(value, str):
        return len(value.encode("utf-16-le", "surrogatepass")) // 2
    return len(value) if isinstance(value, list) else 0


def _bounds_item(name: str, spec: Json, measured: float, what: str) -> Json | None:
    low, high = spec.get("min"), spec.get("max")
    too_low = isinstance(low, int | float) and measured < low
    too_high = isinstance(high, int | float) and measured > high
    if not (too_low or too_high):
        return None
    if _is_number(low) and _is_number(high):
        details = f"{what} must be between {low} and {high}"
    elif _is_number(low):
        details = f"{what} must be at least {low}"
    else:
        details = f"{what} must be at most {high}"
    bounds = {key: spec[key] for key in ("min", "max") if _is_number(spec.get(key))}
    return {"name": name, **bounds, "details": details}


def _pattern_item(key: str, spec: Json, value: str) -> Json | None:
    """``regexp`` must match somewhere in the value, ``prohibitRegexp`` must not (JavaScript semantics)."""
    try:
        matched = regress.Regex(spec.get("pattern", ""), spec.get("flags") or "").find(value) is not None
    except (regress.RegressError, ValueError, UnicodeEncodeError):
        return None  # a pattern the content type PUT refused cannot be here; anything else: tolerant
    if key == "regexp" and not matched:
        return {"name": "regexp", "pattern": spec.get("pattern"), "details": "Does not match the required pattern"}
    if key == "prohibitRegexp" and matched:
        return {"name": "prohibitRegexp", "pattern": spec.get("pattern"), "details": "Matches a prohibited pattern"}
    return None


def _date_range_item(spec: Json, value: Any) -> Json | None:
    moment = parse_date(value)
    if moment is None:
        return None
    bounds = {key: parse_date(spec.get(key)) for key in ("min", "max", "after", "before")}
    broken = (
        (bounds["min"] is not None and moment < bounds["min"])
        or (bounds["max"] is not None and moment > bounds["max"])
        or (bounds["after"] is not None and moment <= bounds["after"])
        or (bounds["before"] is not None and moment >= bounds["before"])
    )
    if not broken:
        return None
    shown: Json = {key: spec[key] for key in ("min", "max", "after", "before") if key in spec}
    return {"name": "dateRange", **shown, "details": "Date is out of the allowed range"}


def _link_rule(rule: Json, target: Json, code: str) -> Json | None:
    allowed = rule.get("linkContentType")
    if isinstance(allowed, list):
        ct_id = (target["sys"].get("contentType") or {}).get("sys", {}).get("id")
        if ct_id not in allowed:
            return {"name": "linkContentType", "contentTypeId": allowed,
                    "details": "Link to entry has invalid content type"}  # fmt: skip
    asset_item = _asset_rule(rule, target, code)
    if asset_item is not None:
        return asset_item
    groups = rule.get("linkMimetypeGroup")
    if isinstance(groups, str | list):
        wanted = [groups] if isinstance(groups, str) else groups
        if not set(asset_groups(target, code)) & set(wanted):
            return {"name": "linkMimetypeGroup", "mimetypeGroupName": wanted,
                    "details": "Link has invalid mimetype group"}  # fmt: skip
    return None


def _asset_file(asset: Json, code: str) -> Json:
    """The asset's file in locale ``code`` (or any locale it has a file in), ``{}`` when it has none."""
    files = (asset.get("fields") or {}).get("file") or {}
    file = files.get(code) or next(iter(files.values()), None)
    return file if isinstance(file, dict) else {}


def _asset_rule(rule: Json, target: Json, code: str) -> Json | None:
    """``assetFileSize`` ({min?, max?} bytes) and ``assetImageDimensions`` ({width, height: {min?, max?}}) on the
    linked asset's processed file (``details``); a file without details (not processed) or a non-image
    passes (UNSURE, as are the items' keys and wording, modelled on ``size``)."""
    details = _asset_file(target, code).get("details") or {}
    size_spec = rule.get("assetFileSize")
    if isinstance(size_spec, dict) and _is_number(details.get("size")):
        item = _bounds_item("assetFileSize", size_spec, details["size"], "File size")
        if item is not None:
            return item
    dimensions = rule.get("assetImageDimensions")
    image = details.get("image")
    if isinstance(dimensions, dict) and isinstance(image, dict):
        for axis in ("width", "height"):
            spec = dimensions.get(axis)
            if isinstance(spec, dict) and _is_number(image.get(axis)) and _bounds_item(axis, spec, image[axis], axis):
                shown = {key: dimensions[key] for key in ("width", "height") if key in dimensions}
                return {"name": "assetImageDimensions", **shown,
                        "details": "Asset image dimensions are not within the allowed range"}  # fmt: skip
    return None


def asset_groups(asset: Json, code: str) -> Iterator[str]:
    """The mimetype groups of an asset's file in locale ``code`` (or any locale it has a file in)."""
    content_type = str(_asset_file(asset, code).get("contentType", ""))
    yield "attachment"
    for prefix in ("image", "audio", "video"):
        if content_type.startswith(prefix + "/"):
            yield prefix
    yield from (group for group, types in MIMETYPE_GROUPS.items() if content_type in types)
