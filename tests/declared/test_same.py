"""``declared.same.same`` (equal as JSON) by orjson where its text is ``canonical_json``'s (issue 16): the same verdict
and the same refusals for any value a TOML file or a declared document holds (NaN, dates, big integers)."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.declared import same as same_module
from reconcile.declared.same import same
from reconcile.normalize import canonical_json

_SCALARS = (
    st.booleans() | st.integers() | st.integers(min_value=2**63 - 2, max_value=2**65) | st.floats() | st.text()
    | st.dates() | st.datetimes() | st.times()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


def _reference(value: Any) -> bytes | type[Exception]:
    try:
        return canonical_json(value).encode("utf-8", "surrogatepass")
    except Exception as exc:  # the refusal itself is compared
        return type(exc)


def _ours(value: Any) -> bytes | type[Exception]:
    try:
        return same_module._canonical(value)
    except Exception as exc:
        return type(exc)


@given(value=_VALUES)
@settings(max_examples=500)
def test_the_canonical_bytes_are_canonical_json(value: Any) -> None:
    assert _ours(value) == _reference(value)


@given(a=_VALUES, b=_VALUES)
@settings(max_examples=300)
def test_same_is_equality_of_canonical_json(a: Any, b: Any) -> None:
    if isinstance(_reference(a), bytes) and isinstance(_reference(b), bytes):
        assert same(a, b) == (canonical_json(a) == canonical_json(b))


@pytest.mark.parametrize(("a", "b", "equal"), [
    (math.nan, None, False), ({"x": 1}, {"x": True}, False), ({"x": 1}, {"x": 1.0}, False), (1e16, 1e16, True),
    ({"b": 1, "a": [2]}, {"a": [2], "b": 1}, True), (2**70, 2**70, True), ({"é": 1e-05}, {"é": 0.00001}, True),
])
def test_known_verdicts(a: Any, b: Any, equal: bool) -> None:
    assert same(a, b) is equal


def test_a_date_is_refused_as_json_refuses_it() -> None:
    with pytest.raises(TypeError):
        same({"d": datetime.date(2024, 1, 1)}, {})
