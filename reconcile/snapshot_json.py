"""The bytes of a snapshot's JSON files: indented, UTF-8, a newline at the end, NaN and Infinity refused
(``ValueError``). ``json_chunks`` writes the same bytes as ``json_bytes`` a piece at a time, so that a large
export is never held whole as text (issue 16)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


# The encoder of ``json_bytes``; its pieces are joined this many at a time.
_ENCODER = json.JSONEncoder(indent=2, ensure_ascii=False, allow_nan=False)
_PIECES_PER_CHUNK = 1 << 12


def json_chunks(value: Any, digest: Any) -> Iterator[bytes]:
    """The bytes of ``json_bytes(value)`` in chunks, each also added to ``digest`` (a ``hashlib`` hash)."""
    pieces: list[str] = []
    for piece in _ENCODER.iterencode(value):
        pieces.append(piece)
        if len(pieces) >= _PIECES_PER_CHUNK:
            chunk = "".join(pieces).encode("utf-8")
            pieces.clear()
            digest.update(chunk)
            yield chunk
    chunk = ("".join(pieces) + "\n").encode("utf-8")
    digest.update(chunk)
    yield chunk
