"""The problems of model files that do not read: failures of the TOML reader and of the file shapes,
each turned into a ``Problem`` naming the file, a readable key path, the line and a fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from datetime import date, time
from typing import Any

from pydantic import BaseModel

from reconcile.declared.layout import MAX_NESTING
from reconcile.declared.shapes import shape_at
from reconcile.errors import Problem
from reconcile.sources import KeyPath, Position, nearest_line
from reconcile.tomlsource import InvalidToml, NotUtf8, TomlReadError, TooDeep, TooLarge, Unreadable
from reconcile.wording import unknown_key_hint, wrong_type


def read_problem(file: str, exc: TomlReadError) -> Problem:
    """The problem of a file that could not be read as TOML."""
    nesting_hint = f"nest tables and arrays at most {MAX_NESTING} deep"
    match exc:
        case Unreadable(error=error):
            reason = "not a regular file" if error is None else error.strerror
            return Problem(file, "", f"cannot read file: {reason}", "check the path and permissions")
        case TooLarge(size=size, limit=limit):
            return Problem(
                file,
                "",
                f"file is too large ({size} bytes, limit {limit})",
                "a content type file is normally a few kB; check that this is the right file",
            )
        case NotUtf8(byte=byte):
            message = f"not valid UTF-8 (byte 0x{byte:02x})"
            return Problem(file, "", message, "save the file as UTF-8", exc.line, exc.column)
        case InvalidToml(message=message):
            return Problem(
                file,
                "",
                f"invalid TOML: {message}",
                "fix the syntax at this position (strings need quotes, tables use [name], arrays [a, b])",
                exc.line,
                exc.column,
            )
        case TooDeep(key_path=None):
            return Problem(file, "", "nested too deeply to parse", nesting_hint)
        case TooDeep(key_path=tuple() as key_path, data=data):
            where = display_path(key_path, data)
            return Problem(file, where, f"nested deeper than {MAX_NESTING} levels", nesting_hint)
    raise TypeError(exc)



def date_problems(file: str, data: Any, positions: Mapping[KeyPath, Position]) -> dict[KeyPath, Problem]:
    """TOML dates and times, which JSON (and so Contentful) has no type for, by key path."""
    return {
        key_path: Problem(
            file,
            display_path(key_path, data),
            f"TOML {type(value).__name__} value {value} is not allowed (Contentful values are JSON)",
            f'write it as a quoted string, e.g. "{value}"',
            nearest_line(positions, key_path),
        )
        for key_path, value in _walk(data)
        if isinstance(value, date | time)
    }


def _walk(data: Any, key_path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every (key path, leaf value) of parsed TOML data, in document order."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _walk(v, (*key_path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk(v, (*key_path, i))
    else:
        yield key_path, data


def display_path(key_path: KeyPath, data: Any) -> str:
    """A readable key path: ``fields.body.items.type``, ``locales.de-DE.name``, ``sidebar[2]``.

    Elements of ``fields`` and ``locales`` are named by their id/code when they have a string one.
    """
    text = ""
    node = data
    for part in key_path:
        child = _child(node, part)
        if isinstance(part, int):
            name_key = "id" if text.endswith("fields") else "code"
            ident = child.get(name_key) if isinstance(child, dict) else None
            named = text.endswith(("fields", "locales")) and isinstance(ident, str) and ident
            text += f".{ident}" if named else f"[{part}]"
        else:
            text += f".{part}" if text else part
        node = child
    return text


def _child(node: Any, part: str | int) -> Any:
    """``node[part]`` of parsed TOML data, or None when there is no such member."""
    if isinstance(node, dict):
        return node.get(str(part))
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def shape_problem(
    file: str, error: Any, data: Any, positions: Mapping[KeyPath, Position], shape: type[BaseModel]
) -> Problem:
    """Turn one pydantic error into a Problem a user can act on."""
    key_path: KeyPath = tuple(error["loc"])
    kind = error["type"]
    value = error["input"]
    where = display_path(key_path, data)
    line = nearest_line(positions, key_path)
    last = key_path[-1] if key_path else ""
    if kind == "extra_forbidden":
        parent_shape = shape_at(shape, key_path[:-1])
        allowed = sorted(parent_shape.model_fields) if parent_shape is not None else []
        return Problem(file, where, f"unknown key {last!r}", unknown_key_hint(str(last), allowed), line)
    if kind == "missing":
        parent = display_path(key_path[:-1], data) or "the file"
        return Problem(file, where, f"required key {last!r} is missing in {parent}", f"add {last} = ...", line)
    if kind == "literal_error":
        options = list(error["ctx"]["expected"].replace("'", "").split(" or "))
        options = [o for part in options for o in part.split(", ")]
        close = difflib.get_close_matches(str(value), options, n=1)
        what = "field type" if last == "type" else "value"
        hint = (f"did you mean {close[0]!r}? " if close else "") + "use one of: " + ", ".join(options)
        return Problem(file, where, f"unknown {what} {value!r}", hint, line)
    if kind == "value_error" and last == "format":
        return Problem(file, "format", f"format is {value!r}; this version reads format = 1", "set format = 1", line)
    if (typed := wrong_type(kind, value)) is not None:
        return Problem(file, where, *typed, line)
    return Problem(file, where, error["msg"], "see docs/model-format.md", line)
