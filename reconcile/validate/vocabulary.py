"""The vocabulary of Contentful's field rules: limits, which validation kinds fit which value types, the
values rich text and asset validations accept, and the shape of each kind's value (CMA facts 1.1, 4.2)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

FIELD_ID_PATTERN = re.compile(r"[a-zA-Z][a-zA-Z0-9_]*")
MAX_FIELD_ID_LENGTH = 64
MAX_FIELDS = 50
MAX_RESOURCE_LINK_FIELDS = 3
MAX_ALLOWED_RESOURCES = 20
DISPLAY_FIELD_TYPES = ("Symbol", "Text")
DEFAULT_VALUE_TYPES = ("Symbol", "Text", "Integer", "Number", "Boolean", "Date", "Array")

# Which validation kinds fit which value type (facts 4.2). "Link:Entry" / "Link:Asset" are links by
# link type; Array items are checked against their own type, the Array itself takes only `size`.
VALIDATION_TARGETS: dict[str, frozenset[str]] = {
    "size": frozenset({"Array", "Text", "Symbol", "RichText"}),
    "range": frozenset({"Integer", "Number"}),
    "regexp": frozenset({"Symbol", "Text"}),
    "prohibitRegexp": frozenset({"Symbol", "Text"}),
    "in": frozenset({"Symbol", "Text", "Integer", "Number"}),
    "unique": frozenset({"Symbol", "Integer", "Number"}),
    "dateRange": frozenset({"Date"}),
    "linkContentType": frozenset({"Link:Entry"}),
    "linkMimetypeGroup": frozenset({"Link:Asset"}),
    "assetImageDimensions": frozenset({"Link:Asset"}),
    "assetFileSize": frozenset({"Link:Asset"}),
    "enabledNodeTypes": frozenset({"RichText"}),
    "enabledMarks": frozenset({"RichText"}),
    "nodes": frozenset({"RichText"}),
}


# The values Contentful accepts in rich text and asset validations (facts 4.2; rich-text-types, the
# asset mimetype groups). A value outside these is refused with a 422 at apply time.
RICH_TEXT_MARKS = frozenset({"bold", "italic", "code", "underline", "superscript", "subscript", "strikethrough"})
RICH_TEXT_NODE_TYPES = frozenset({
    *(f"heading-{n}" for n in range(1, 7)),
    "paragraph", "ordered-list", "unordered-list", "list-item", "hr", "blockquote",
    "table", "table-row", "table-cell", "table-header-cell",
    "embedded-entry-block", "embedded-asset-block", "embedded-resource-block",
    "hyperlink", "entry-hyperlink", "asset-hyperlink", "resource-hyperlink",
    "embedded-entry-inline", "embedded-resource-inline",
})
MIMETYPE_GROUPS = frozenset({
    "attachment", "plaintext", "image", "audio", "video", "richtext", "presentation", "spreadsheet",
    "pdfdocument", "archive", "code", "markup",
})
# Kinds whose value lists must come from a fixed vocabulary.
VOCABULARIES: dict[str, frozenset[str]] = {
    "enabledMarks": RICH_TEXT_MARKS,
    "enabledNodeTypes": RICH_TEXT_NODE_TYPES,
    "linkMimetypeGroup": MIMETYPE_GROUPS,
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _min_max(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and set(value) <= {"min", "max"}
        and all(v is None or _is_number(v) for v in value.values())
    )


def strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _pattern(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("pattern"), str)
        and set(value) <= {"pattern", "flags"}
        and (value.get("flags") is None or isinstance(value["flags"], str))
    )


# The value shape of each kind, with how to write it.
VALIDATION_SHAPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "size": (_min_max, "size = { min = 1, max = 10 }"),
    "range": (_min_max, "range = { min = 0, max = 100 }"),
    "regexp": (_pattern, 'regexp = { pattern = "^[a-z]+$", flags = "i" }'),
    "prohibitRegexp": (_pattern, 'prohibitRegexp = { pattern = "foo" }'),
    "in": (lambda v: isinstance(v, list) and len(v) > 0, 'in = ["a", "b"]'),
    "unique": (lambda v: v is True, "unique = true"),
    "dateRange": (
        lambda v: (
            isinstance(v, dict)
            and set(v) <= {"min", "max", "before", "after"}
            and all(x is None or isinstance(x, str) for x in v.values())
        ),
        'dateRange = { min = "2020-01-01" }',
    ),
    "linkContentType": (strings, 'linkContentType = ["author"]'),
    "linkMimetypeGroup": (lambda v: strings(v) or isinstance(v, str), 'linkMimetypeGroup = ["image"]'),
    "assetImageDimensions": (
        lambda v: isinstance(v, dict) and set(v) <= {"width", "height"} and all(_min_max(x) for x in v.values()),
        "assetImageDimensions = { width = { min = 100 }, height = { max = 2000 } }",
    ),
    "assetFileSize": (_min_max, "assetFileSize = { max = 5242880 }"),
    "enabledNodeTypes": (strings, 'enabledNodeTypes = ["heading-2", "hyperlink"]'),
    "enabledMarks": (strings, 'enabledMarks = ["bold", "italic"]'),
    "nodes": (lambda v: isinstance(v, dict), 'nodes = { entry-hyperlink = [{ linkContentType = ["page"] }] }'),
}


DEFAULT_HINTS = {
    "Symbol": 'write a string, e.g. "draft"',
    "Text": 'write a string, e.g. "draft"',
    "Integer": "write a whole number",
    "Number": "write a number",
    "Boolean": "write true or false",
    "Date": 'write an ISO 8601 date as a string, e.g. "2024-01-31"',
    "Array": 'write an array of strings, e.g. ["news"]',
}


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")


def is_date(value: Any) -> bool:
    """An ISO 8601 date, optionally with a time and an offset, as Contentful's Date fields take."""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def fits_in(value: Any, target: str) -> bool:
    """Whether a value listed in an ``in`` validation can be a value of a ``target`` field."""
    if target == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if target == "Number":
        return _is_number(value)
    return isinstance(value, str)


def fits_type(value: Any, field_type: str) -> bool:
    if field_type in ("Symbol", "Text", "Date"):
        return isinstance(value, str)
    if field_type == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if field_type == "Number":
        return _is_number(value)
    if field_type == "Boolean":
        return isinstance(value, bool)
    return strings(value)  # Array of Symbol
