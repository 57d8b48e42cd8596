"""A snapshot's JSON as ``json_chunks`` writes it (orjson where its text is the standard library's): the
bytes of ``json_bytes``, the same refusals, for any JSON value and any float (issue 16)."""

from __future__ import annotations

import hashlib
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile import snapshot_json
from reconcile.snapshot_json import json_bytes, json_chunks

_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.integers(min_value=2**63 - 2, max_value=2**65)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text()
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


def _chunked(value: Any) -> bytes:
    digest = hashlib.sha256()
    text = b"".join(json_chunks(value, digest))
    assert digest.hexdigest() == hashlib.sha256(text).hexdigest()
    return text


@given(export=st.dictionaries(st.text(max_size=8), st.lists(_JSON, max_size=4), max_size=4) | _JSON)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_the_chunks_are_the_bytes_of_json_bytes(export: Any) -> None:
    assert _chunked(export) == json_bytes(export)


@given(number=st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=500)
def test_every_float_is_written_in_the_standard_librarys_digits(number: float) -> None:
    export = {"contentTypes": [{"validations": [{"range": {"min": number}}]}, number]}
    assert _chunked(export) == json_bytes(export)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (math.nan, ValueError),  # orjson would write null
        (math.inf, ValueError),
        ("\ud800", UnicodeEncodeError),
        (object(), TypeError),
    ],
)
def test_what_the_standard_library_refuses_is_refused(value: Any, error: type[Exception]) -> None:
    export = {"contentTypes": [{"sys": {"id": "a"}, "x": [value]}]}
    with pytest.raises(error):
        json_bytes(export)
    with pytest.raises(error):
        _chunked(export)


def test_keys_that_are_not_strings_and_big_integers_are_written_as_the_standard_library_writes_them() -> None:
    export: dict[Any, Any] = {"a": [{1: 2, "b": [2**70]}], 3: [True]}
    assert _chunked(export) == json_bytes(export)


def test_the_standard_library_is_asked_only_where_orjson_may_write_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    """Members without a float in exponent form, ``0.0000`` or ``null`` are orjson's alone (0.08 s at 1,000 content
    types); the others are compared, and written by the standard library where they differ."""
    asked: list[Any] = []
    real = snapshot_json._COMPACT

    class Counting:
        def encode(self, value: Any) -> str:
            asked.append(value)
            return real.encode(value)

    monkeypatch.setattr(snapshot_json, "_COMPACT", Counting())
    plain = [{"sys": {"id": f"t{i}"}, "name": "Ünïcode \"quoted\"\n", "fields": [{"n": 1.5, "b": True}]}
             for i in range(3)]
    odd = [{"sys": {"id": "f"}, "x": 1e16}, {"sys": {"id": "g"}, "x": None}, {"sys": {"id": "h"}, "x": 1e-05}]
    export = {"contentTypes": plain + odd}
    assert _chunked(export) == json_bytes(export)
    assert asked == odd


@given(members=st.lists(_JSON, min_size=30, max_size=100), odd=st.sampled_from([1e16, 1e-05, math.pi, 2**70, None]))
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_long_lists_are_written_a_batch_at_a_time_as_the_standard_library_does(members: list[Any], odd: Any) -> None:
    """The members of the export's lists are encoded a batch at a time; a batch holding a member orjson may write
    otherwise (or refuses) is written a member at a time."""
    export = {"contentTypes": members, "locales": [*members[:40], {"x": [odd]}, *members[40:]], "tags": []}
    assert _chunked(export) == json_bytes(export)


def test_members_of_a_long_list_are_not_encoded_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """One orjson call per batch of members, no re-indenting of each (~0.03 s at 1,000 content types)."""
    one_by_one: list[Any] = []
    real = snapshot_json._member

    def counting(value: Any, level: int) -> bytes:
        one_by_one.append(value)
        return real(value, level)

    monkeypatch.setattr(snapshot_json, "_member", counting)
    export = {"contentTypes": [{"sys": {"id": f"t{i}"}, "fields": [{"id": "a", "n": i}]} for i in range(100)],
              "locales": [{"x": 1e16}]}  # fmt: skip
    assert _chunked(export) == json_bytes(export)
    assert one_by_one == [{"x": 1e16}]
