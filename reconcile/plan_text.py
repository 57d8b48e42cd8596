"""The text of a plan's JSON (``Plan.to_json``, ``plan --out``, ``plan --format json``), a piece at a time.

The bytes are those of pydantic's ``plan.model_dump_json(indent=2)`` plus a newline, made faster: every phase's
``expected`` model holds the whole environment, so at 1,000 content types of 50 fields a plan with four phases
is about 130 MB of JSON, and pydantic's dump of it took about 3 s of CPU (a Python call per field for the
values that leave out empty metadata, ``model.OmitsEmpty``) and, held whole with its UTF-8 copy, over 700 MB
(issue 16). Here the phases share their values (the planner's ``Interner`` makes equal canonical values one
object), so each distinct content type, editor interface, locale and tag is written once per plan, by
``orjson`` from its attribute values, and the text is given out a piece at a time, never held whole.

``orjson`` writes the same text as pydantic for plain JSON values (keys in attribute order, two-space indent,
``": "``, the same string escapes and float forms, ``{}`` and ``[]`` for empty ones; checked against pydantic
by the tests on generated values). What it refuses (integers beyond 64 bits, keys that are not strings, lone
surrogates, dates or other objects in an opaque JSON part) is written by pydantic itself, as before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import orjson
import pydantic_core

from reconcile.model import METADATA_KEYS, ContentModel, ContentType, EditorInterface, Locale, Tag, Value

if TYPE_CHECKING:
    from reconcile.plan import Phase, Plan

_OPTIONS = (
    orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
# Where the phases' ``expected`` models sit: the plan's keys at 2 spaces, its phases at 4, their keys at 6.
_PHASES = '\n  "phases": []'
_PHASE_DEPTH, _EXPECTED_DEPTH = 4, 6


def json_pieces(plan: Plan) -> Iterator[str]:
    """The text of ``plan.model_dump_json(indent=2) + "\\n"``, in pieces (see the module docstring)."""
    head = plan.model_copy(update={"phases": ()}).model_dump_json(indent=2)
    # A JSON string holds no raw newline: a newline and two spaces before a key is the plan's own key.
    before, after = head.split(_PHASES, 1)
    if not plan.phases:
        yield head + "\n"
        return
    yield before + '\n  "phases": ['
    written: dict[int, tuple[Value, str]] = {}
    for index, phase in enumerate(plan.phases):
        yield ("," if index else "") + "\n" + " " * _PHASE_DEPTH
        yield from _phase(phase, written)
    yield "\n  ]" + after + "\n"


def _phase(phase: Phase, written: dict[int, tuple[Value, str]]) -> Iterator[str]:
    """A phase's JSON at its depth: pydantic's for its name, title and steps, then its expected model."""
    text = _indented(phase.model_dump_json(indent=2, exclude={"expected"}), _PHASE_DEPTH)
    closing = "\n" + " " * _PHASE_DEPTH + "}"
    yield text.removesuffix(closing) + ",\n" + " " * (_PHASE_DEPTH + 2) + '"expected": '
    yield from _model(phase.expected, written)
    yield closing


def _model(model: ContentModel, written: dict[int, tuple[Value, str]]) -> Iterator[str]:
    """An expected model's JSON at its depth; ``tags`` left out when None or empty (``ContentModel``)."""
    pad = "\n" + " " * (_EXPECTED_DEPTH + 2)
    parts: list[tuple[str, Mapping[str, Value]]] = [
        ("content_types", model.content_types), ("editor_interfaces", model.editor_interfaces),
        ("locales", model.locales),
    ]
    if model.tags:
        parts.append(("tags", model.tags))
    yield "{"
    for index, (name, values) in enumerate(parts):
        yield ("," if index else "") + pad + f'"{name}": '
        yield from _mapping(values, _EXPECTED_DEPTH + 2, written)
    yield "\n" + " " * _EXPECTED_DEPTH + "}"


def _mapping(values: Mapping[str, Value], depth: int, written: dict[int, tuple[Value, str]]) -> Iterator[str]:
    if not values:
        yield "{}"
        return
    pad = "\n" + " " * (depth + 2)
    separator = "{"
    for key, value in values.items():
        yield separator + pad + _key(key) + ": " + _written(value, depth + 2, written)
        separator = ","
    yield "\n" + " " * depth + "}"


def _written(value: Value, depth: int, written: dict[int, tuple[Value, str]]) -> str:
    """The JSON of ``value`` at ``depth``, made once per plan (the cache holds the value, so its id stays its own)."""
    known = written.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    text = _json(_attributes(value), depth) if _plain(value) else None
    if text is None:
        text = _indented(value.model_dump_json(indent=2), depth)
    written[id(value)] = (value, text)
    return text


def _plain(value: Value) -> bool:
    """Whether ``value`` is one of the values whose dump ``_attributes`` knows."""
    return type(value) in (ContentType, EditorInterface, Locale, Tag)


def _attributes(value: Value) -> dict[str, Any]:
    """The attribute values of ``value`` as pydantic dumps them (the nested values as dicts, empty metadata
    lists left out as ``model.OmitsEmpty`` does)."""
    data = dict(value.__dict__)
    if isinstance(value, ContentType):
        _drop_empty_metadata(data)
        fields = []
        for field in value.fields:
            attributes = dict(field.__dict__)
            if field.items is not None:
                attributes["items"] = field.items.__dict__
            _drop_empty_metadata(attributes)
            fields.append(attributes)
        data["fields"] = fields
    elif isinstance(value, EditorInterface):
        data["controls"] = [control.__dict__ for control in value.controls]
    return data


def _drop_empty_metadata(attributes: dict[str, Any]) -> None:
    for key in METADATA_KEYS:
        if key in attributes and not attributes[key]:
            del attributes[key]


def _key(key: str) -> str:
    return _json(key, 0) or pydantic_core.to_json(key).decode()


def _json(value: Any, depth: int) -> str | None:
    """``value``'s JSON as pydantic writes it, indented for ``depth``, or None where orjson refuses it."""
    try:
        text = orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:
        return None
    return _indented(text, depth)


def _indented(text: str, depth: int) -> str:
    """``text``, JSON indented from column 0, as it reads nested ``depth`` spaces deep."""
    return text.replace("\n", "\n" + " " * depth) if depth else text
