"""Where orjson's JSON text may not be the standard library's (pure; issue 16).

orjson writes the same tokens as ``json`` (non-ASCII unescaped, the same string escapes) about five times
faster, except for some floats: ``1e-05`` is ``0.00001`` there, ``1e+16`` is ``1e16``. Output that has a
number in exponent form (a digit, then ``e``) or with ``0.0000`` in it (or a string that looks like that)
may differ and is made again by ``json``; mapping every digit to ``0`` first makes that check two fast
substring searches instead of a regular expression (which cost more than the dump). NaN and infinities,
which orjson writes as ``null``, are the callers' to look for (``normalize`` writes them so too;
``snapshot_json`` refuses them)."""

from __future__ import annotations

import orjson

_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
#: orjson's options for compact JSON with sorted keys, as ``json.dumps(sort_keys=True)`` writes it; dates,
#: subclasses and dataclasses are refused (as ``json`` refuses them), not rendered.
SORTED_OPTIONS = (
    orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def orjson_may_differ(data: bytes) -> bool:
    """Whether orjson's text ``data`` may not be the standard library's for the same value."""
    return b"0.0000" in data or b"0e" in data.translate(_DIGITS_TO_ZERO)
