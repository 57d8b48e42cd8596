"""How deeply a parsed TOML file nests, checked cheaply (``tomlsource.parse_toml`` and its cache use it):
``json_within`` counts levels on orjson's encoding, ``shallow_json`` walks the values when that cannot
decide, ``too_deep`` finds the first path over the limit for the error message."""

from __future__ import annotations

from typing import Any

import orjson

from reconcile.sources import KeyPath

_NOT_BRACKETS_OR_QUOTES = bytes(range(256)).translate(None, b'[]{}"')
_BRACES_AS_BRACKETS = bytes.maketrans(b"{}", b"[]")  # well-formed JSON: the kinds of brackets do not matter


def json_within(data: dict[str, Any], limit: int) -> bytes | None:
    """``data`` as JSON when every leaf is a string, integer, float or boolean and no array or table is
    nested more than ``limit`` deep (as ``_too_deep`` counts, an empty one at ``limit`` aside); None when it
    cannot tell (then ``_shallow_json`` and the exact walks decide). The quickest check of every file
    (issue 16): orjson encodes in C and refuses a date or time (passed through to no default), and the
    nesting is counted on the encoded bytes: the text outside strings reduced to its brackets, from which
    the innermost pairs are removed ``limit`` times at most (each pass in C; an empty table counts)."""
    try:
        encoded = orjson.dumps(data, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except orjson.JSONEncodeError:  # a date or time, or nested beyond orjson's own limit (254)
        return None
    # orjson escapes only backslashes, quotes and control characters: once the escaped backslashes and
    # quotes are gone, every other quote opens or closes a string. Reduced to quotes and brackets, a string
    # without brackets is two adjacent quotes; when removing those leaves no quote, no string held one.
    # (most files hold no backslash: one search in C spares the two copies)
    unescaped = encoded.replace(b"\\\\", b"").replace(b'\\"', b"") if b"\\" in encoded else encoded
    brackets = unescaped.translate(_BRACES_AS_BRACKETS, _NOT_BRACKETS_OR_QUOTES).replace(b'""', b"")
    if b'"' in brackets:  # a string holds a bracket: of these quotes and brackets, only those between strings
        # (each pair removed above was two adjacent quotes: every quote left still opens or closes a string, and
        # splitting this short text, not the whole JSON, makes a piece per string that holds a bracket only)
        brackets = b"".join(brackets.split(b'"')[::2])
    for _ in range(min(limit, 256)):
        if not brackets:
            return encoded
        brackets = brackets.replace(b"[]", b"")  # one pass over the text: only the innermost pairs
    return None if brackets else encoded


_JSON_LEAVES = frozenset({str, int, float, bool})


def shallow_json(data: dict[str, Any], limit: int) -> bool:
    """Whether no value of ``data`` is nested deeper than ``limit`` (as ``_too_deep`` counts) and every
    leaf is a string, integer, float or boolean. The quick check of every file (issue 16): the types of
    a table's or array's members are collected in C, and only members that are tables or arrays are
    visited one by one; ``_too_deep`` and the date walk run only when it answers False."""
    stack: list[tuple[Any, int]] = [(data, limit)]
    while stack:
        node, left = stack.pop()
        members = node.values() if type(node) is dict else node
        if not members:
            continue
        if left <= 0:
            return False
        types = set(map(type, members))
        if types <= _JSON_LEAVES:
            continue
        for member in members:
            kind = type(member)
            if kind is dict or kind is list:
                stack.append((member, left - 1))
            elif kind not in _JSON_LEAVES:
                return False
    return True


def too_deep(data: Any, limit: int) -> KeyPath | None:
    """The path of the first value nested deeper than ``limit`` (depth first, last key first), or None.

    Recursive but bounded: it never goes below ``limit + 1`` levels. Paths are built only for the answer.
    """
    if limit < 0:
        return ()
    if isinstance(data, dict):
        children: Any = reversed(data.items())
    elif isinstance(data, list):
        children = zip(reversed(range(len(data))), reversed(data), strict=True)
    else:
        return None
    for key, value in children:
        if limit == 0:
            return (key,)
        if isinstance(value, dict | list):
            found = too_deep(value, limit - 1)
            if found is not None:
                return (key, *found)
    return None
