"""The wording of counts and articles in messages, in one place (pure): ``count(1, "entry")`` is
"1 entry", ``count(3, "entry")`` "3 entries"; ``a("Integer")`` is "an Integer". Messages never write
"entr(ies)" or "step(s)" when the count is known."""

from __future__ import annotations

import difflib
import json
from typing import Any


def plural(noun: str) -> str:
    """The plural of an English noun (its last word): entry -> entries, change -> changes."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def count(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and ``noun`` agreeing with it ("1 step", "0 steps", "2 steps"); ``many`` for an irregular plural."""
    return f"{n} {noun if n == 1 else many or plural(noun)}"


def a(word: str) -> str:
    """``word`` with its indefinite article, by its first letter: "a Symbol", "an Integer", "an Array"."""
    return f"{'an' if word[:1].lower() in ('a', 'e', 'i', 'o', 'u') else 'a'} {word}"


_WHOLE = ("an integer", "write a whole number without quotes")
_NUMBER = ("a number", "write a number without quotes")
_ARRAY = ("an array", "write an array: [ ... ]")
_TABLE = ("a table", "write a table: { key = value } or a [section]")
#: By pydantic's error kind: what the value should have been, and how to write one in TOML.
_SHOULD_BE = {
    "string_type": ("a string", 'put the value in quotes: "..."'),
    "bool_type": ("a boolean (true or false)", "write true or false, without quotes"),
    "int_type": _WHOLE, "int_parsing": _WHOLE, "int_from_float": _WHOLE,
    "float_type": _NUMBER, "float_parsing": _NUMBER,
    "list_type": _ARRAY, "tuple_type": _ARRAY,
    "dict_type": ("a table", "write a table: { key = value }"),
    "model_type": _TABLE, "model_attributes_type": _TABLE,
}
_TOML_TYPE_NAMES = {str: "a string", bool: "a boolean", int: "an integer", float: "a float", list: "an array",
                    dict: "a table"}


def wrong_type(kind: str, value: Any) -> tuple[str, str] | None:
    """The message and the fix of a TOML value of the wrong type (``expected a boolean (true or false), got a
    string "yes"``), by pydantic's error ``kind``; None for a kind that is not about the type."""
    if kind not in _SHOULD_BE:
        return None
    expected, hint = _SHOULD_BE[kind]
    got = _TOML_TYPE_NAMES.get(type(value), type(value).__name__)
    as_json = json.dumps(value, default=str)
    as_json = as_json if len(as_json) <= 40 else as_json[:37] + "..."
    return f"expected {expected}, got {got} {as_json}", hint


def unknown_key_hint(key: str, allowed: list[str]) -> str:
    """The fix of a misspelt key: the closest allowed one, if any, then every allowed one."""
    close = difflib.get_close_matches(key, allowed, n=1)
    return (f"did you mean {close[0]!r}? " if close else "") + "allowed keys: " + ", ".join(allowed)
