"""The text of a plan's JSON (``Plan.to_json``, ``plan --out``, ``plan --format json``), a piece at a time.

Every phase's ``expected`` model holds the whole environment: at 1,000 content types of 50 fields a plan with
four phases written whole (format 1.4, pydantic's ``model_dump_json(indent=2)``) was 130 MB, which took about
3 s of CPU to dump and 9 s to read back (issue 16). Since format 1.5 (:mod:`reconcile.plan_values`) each distinct
content type, editor interface, locale and tag of the expected models is written once, in ``expected_values``
at the end of the plan, and the phases refer to them by position: the file is about one model plus the changes.
The rest of the plan is pydantic's dump as before; the stored values are written by ``orjson`` from their
attribute values, and the text is given out a piece at a time, never held whole.

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

from reconcile.model import ContentType, EditorInterface, Locale, Tag, Value, drop_empty_metadata
from reconcile.plan_values import KINDS

if TYPE_CHECKING:
    from reconcile.plan import Phase, Plan

_OPTIONS = (
    orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
# Where things sit: the plan's keys at 2 spaces, its phases at 4, their keys at 6, an expected model's kinds at 8;
# in ``expected_values`` the kinds at 4, the resource ids at 6, their values at 8.
_PHASES = '\n  "phases": []'
_PHASE_DEPTH, _EXPECTED_DEPTH, _VALUE_DEPTH = 4, 6, 8


def json_pieces(plan: Plan) -> Iterator[str]:
    """The plan's JSON text and a newline, in pieces (see the module docstring)."""
    # Written in this version's layout whatever the version of the plan it was read from.
    current = type(plan).model_fields["format_version"].default
    head = plan.model_copy(update={"phases": (), "format_version": current}).model_dump_json(indent=2)
    # A JSON string holds no raw newline: a newline and two spaces before a key is the plan's own key.
    before, after = head.split(_PHASES, 1)
    if not plan.phases:
        yield head + "\n"
        return
    yield before + '\n  "phases": ['
    table = _Table()
    for index, phase in enumerate(plan.phases):
        yield ("," if index else "") + "\n" + " " * _PHASE_DEPTH
        yield _phase(phase, table)
    yield "\n  ]" + after.removesuffix("\n}") + ',\n  "expected_values": '
    yield from table.pieces()
    yield "\n}\n"


class _Table:
    """``expected_values`` as it is filled: per kind and resource id, the distinct texts of its values, in the order
    first met (a phase refers to a value by its position). Each value's text is made once per plan (the cache holds
    the value, so its id stays its own); equal values made apart share their text, hence their position."""

    def __init__(self) -> None:
        self._texts: dict[int, tuple[Value, str]] = {}
        self._kinds: dict[str, dict[str, dict[str, int]]] = {kind: {} for kind in KINDS}

    def position(self, kind: str, key: str, value: Value) -> int:
        """The position of ``value`` among the stored values of resource ``key``, stored when new."""
        known = self._texts.get(id(value))
        if known is not None and known[0] is value:
            text = known[1]
        else:
            text = _value_text(value, _VALUE_DEPTH)
            self._texts[id(value)] = (value, text)
        texts = self._kinds[kind].setdefault(key, {})
        return texts.setdefault(text, len(texts))

    def pieces(self) -> Iterator[str]:
        yield "{"
        for index, (kind, resources) in enumerate(self._kinds.items()):
            yield ("," if index else "") + "\n" + " " * _PHASE_DEPTH + f'"{kind}": '
            if not resources:
                yield "{}"
                continue
            separator = "{"
            for key, texts in resources.items():
                pad = "\n" + " " * _VALUE_DEPTH
                yield separator + "\n" + " " * _EXPECTED_DEPTH + _key(key) + ": [" + pad + ("," + pad).join(texts)
                yield "\n" + " " * _EXPECTED_DEPTH + "]"
                separator = ","
            yield "\n" + " " * _PHASE_DEPTH + "}"
        yield "\n  }"


def _phase(phase: Phase, table: _Table) -> str:
    """A phase's JSON at its depth: pydantic's for its name, title and steps, then its expected model's references."""
    text = _indented(phase.model_dump_json(indent=2, exclude={"expected"}), _PHASE_DEPTH)
    closing = "\n" + " " * _PHASE_DEPTH + "}"
    model = phase.expected
    parts: list[tuple[str, Mapping[str, Value]]] = [
        ("content_types", model.content_types), ("editor_interfaces", model.editor_interfaces),
        ("locales", model.locales),
    ]
    if model.tags:  # left out when None or empty, as ``ContentModel`` dumps it
        parts.append(("tags", model.tags))
    refs = {kind: {key: table.position(kind, key, value) for key, value in values.items()} for kind, values in parts}
    expected = _json(refs, _EXPECTED_DEPTH)
    if expected is None:  # an id orjson refuses (a lone surrogate)
        expected = _indented(pydantic_core.to_json(refs, indent=2).decode(), _EXPECTED_DEPTH)
    return text.removesuffix(closing) + ",\n" + " " * _EXPECTED_DEPTH + '"expected": ' + expected + closing


def _value_text(value: Value, depth: int) -> str:
    """The JSON of ``value`` at ``depth``: orjson's from its attributes where it can, else pydantic's."""
    text = _json(_attributes(value), depth) if _plain(value) else None
    return text if text is not None else _indented(value.model_dump_json(indent=2), depth)


def _plain(value: Value) -> bool:
    """Whether ``value`` is one of the values whose dump ``_attributes`` knows."""
    return type(value) in (ContentType, EditorInterface, Locale, Tag)


def _attributes(value: Value) -> dict[str, Any]:
    """The attribute values of ``value`` as pydantic dumps them (the nested values as dicts, empty metadata
    lists left out as ``model.OmitsEmpty`` does)."""
    data = dict(value.__dict__)
    if isinstance(value, ContentType):
        drop_empty_metadata(data)
        fields = []
        for field in value.fields:
            attributes = dict(field.__dict__)
            if field.items is not None:
                attributes["items"] = field.items.__dict__
            drop_empty_metadata(attributes)
            fields.append(attributes)
        data["fields"] = fields
    elif isinstance(value, EditorInterface):
        data["controls"] = [control.__dict__ for control in value.controls]
    return data


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
