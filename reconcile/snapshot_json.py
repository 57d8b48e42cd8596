"""The bytes of a snapshot's JSON files: indented, UTF-8, a newline at the end, NaN and Infinity refused
(``ValueError``). ``json_chunks`` writes the same bytes as ``json_bytes`` a piece at a time, so that a large
export is never held whole as text (issue 16).

``json_chunks`` encodes the members of the export's lists with orjson: the standard library writes indented
JSON in Python (0.85 s of CPU for the 20 MB baseline a 1,000-type pull records), compact JSON in C. A
member's compact orjson text equal to the standard library's compact text has the same tokens, so its
indented text is the same too (both indent alike); only a member where they differ (a float orjson writes
in other digits: ``1e16`` for ``1e+16``; NaN, which orjson writes as ``null``) or that orjson refuses
(integers beyond 64 bits, keys that are not strings) is written, or refused, by the standard library.
The two compact texts are compared only where they may differ (``orjson_text``; a ``null``): comparing
every member cost 0.08 s at 1,000 content types."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson

from reconcile.orjson_text import orjson_may_differ


def json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


# The standard library's compact encoder (in C), to check orjson's text of a member against.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
# What orjson would write but the standard library refuses (dates, dataclasses) or writes its own way
# (subclasses) is refused, and written by the standard library (or refused by it).
_PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS
# Nesting levels written here (the export, its lists); members below are written whole.
_LEVELS = 2
# Members of a list at level ``_LEVELS - 1`` encoded in one orjson call (``_batched``; few: orjson holds a batch's
# text twice and more, tests/store/test_memory.py), and how that call's text
# of ``{"": batch}`` starts and ends around them.
_BATCH = 8
_WRAPPED, _UNWRAPPED = b'{\n  "": [\n    ', b"\n  ]\n}"
# A chunk is written once it holds this many bytes (a few members: the export is never held whole).
_CHUNK_BYTES = 1 << 18


def json_chunks(value: Any, digest: Any) -> Iterator[bytes]:
    """The bytes of ``json_bytes(value)`` in chunks, each also added to ``digest`` (a ``hashlib`` hash)."""
    pieces: list[bytes] = []
    size = 0
    for piece in _encode(value, 0):
        pieces.append(piece)
        size += len(piece)
        if size >= _CHUNK_BYTES:
            chunk = b"".join(pieces)
            pieces.clear()
            size = 0
            digest.update(chunk)
            yield chunk
    pieces.append(b"\n")
    chunk = b"".join(pieces)
    digest.update(chunk)
    yield chunk


def _encode(value: Any, level: int) -> Iterator[bytes]:
    """``value`` as ``json_bytes`` writes it at nesting ``level`` (without the final newline)."""
    kind = type(value)
    if level >= _LEVELS or not value or (kind is not dict and kind is not list):
        yield _member(value, level)
        return
    if kind is dict and not all(type(key) is str for key in value):
        yield _member(value, level)  # keys the standard library converts: its way
        return
    inner = b"\n" + b"  " * (level + 1)
    if kind is list and level == _LEVELS - 1:
        yield b"["
        yield from _batched(value, inner)
        yield b"\n" + b"  " * level + b"]"
        return
    yield b"{" if kind is dict else b"["
    for index, item in enumerate(value.items() if kind is dict else value):
        yield (b"," if index else b"") + inner
        if kind is dict:
            yield json.dumps(item[0], ensure_ascii=False).encode("utf-8") + b": "
            item = item[1]
        yield from _encode(item, level + 1)
    yield b"\n" + b"  " * level + (b"}" if kind is dict else b"]")


def _batched(items: list[Any], inner: bytes) -> Iterator[bytes]:
    """The members of the list ``items`` at nesting ``_LEVELS - 1`` (each after ``inner``, a comma between), as
    ``_member`` writes them one at a time, but ``_BATCH`` at a time where orjson's text of the batch is the
    standard library's: wrapped in a one-key object, orjson indents them as they stand here, and they need no
    re-indenting (one call per content type and re-indenting its text cost ~0.03 s at 1,000 content types)."""
    for start in range(0, len(items), _BATCH):
        batch = items[start : start + _BATCH]
        try:
            compact = orjson.dumps(batch, option=_PASSTHROUGH)
            whole = not (b"null" in compact or orjson_may_differ(compact))
        except (TypeError, ValueError):  # refused: each member its own way
            whole = False
        if whole:
            text = orjson.dumps({"": batch}, option=orjson.OPT_INDENT_2)[len(_WRAPPED) : -len(_UNWRAPPED)]
        else:
            text = (b"," + inner).join([_member(item, _LEVELS) for item in batch])
        yield (b"," if start else b"") + inner + text


def _member(value: Any, level: int) -> bytes:
    """One value as ``json_bytes`` writes it at nesting ``level``: orjson's text where it is the same. It is
    compared with the standard library's only where it may differ (``orjson_text``; ``null`` may be NaN)."""
    try:
        compact = orjson.dumps(value, option=_PASSTHROUGH)
        same = not (b"null" in compact or orjson_may_differ(compact)) \
            or compact == _COMPACT.encode(value).encode("utf-8")
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError; NaN, lone surrogates
        same = False
    if same:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    else:
        text = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return text.replace(b"\n", b"\n" + b"  " * level) if level else text
