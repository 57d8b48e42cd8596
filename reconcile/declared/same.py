"""Whether two declared values are equal as JSON, as the model file editor (``editor``) compares them."""

from __future__ import annotations

from typing import Any

import orjson

from reconcile.normalize import canonical_json
from reconcile.orjson_text import SORTED_OPTIONS, orjson_may_differ


def same(a: Any, b: Any) -> bool:
    """Equal as JSON (``1`` and ``true``, ``1`` and ``1.0`` differ; key order does not matter)."""
    return _canonical(a) == _canonical(b)


# orjson's sorted compact JSON is ``canonical_json``'s where ``orjson_may_differ`` says so and it holds no
# ``null`` (NaN, which TOML can hold, is ``null`` there and ``NaN`` in ``canonical_json``): 0.04 s of a pull
# that edits 100 files. What orjson would write but ``json`` refuses (dates: TOML has them) goes to ``json``.
def _canonical(value: Any) -> bytes:
    """``canonical_json(value)`` as UTF-8, a lone surrogate kept (raising as it raises)."""
    try:
        data = orjson.dumps(value, option=SORTED_OPTIONS)
    except TypeError:  # integers beyond 64 bits, keys that are not strings, dates, lone surrogates: json's way
        data = None
    if data is None or b"null" in data or orjson_may_differ(data):
        return canonical_json(value).encode("utf-8", "surrogatepass")
    return data
