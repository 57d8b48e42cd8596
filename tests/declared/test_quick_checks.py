"""The quick checks of issue 16: one walk per file decides whether the exact nesting and date walks are
needed, and the cycle collector is paused while models are read."""

from __future__ import annotations

import datetime
import gc
import weakref
from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from reconcile.collector import paused
from reconcile.declared.problems import date_problems
from reconcile.tomldepth import json_within, shallow_json, too_deep
from reconcile.tomlsource import KeyPositions

_LEAVES = st.one_of(
    st.text(max_size=3), st.text(alphabet='[]{}"\\\\ \n', max_size=4),  # what strings must hide from the JSON check
    st.integers(min_value=-(2**63), max_value=2**63 - 1),  # TOML's integers are 64-bit
    st.floats(allow_nan=False), st.booleans(),
    st.dates(), st.times(), st.datetimes(),
)
_DATA = st.recursive(
    _LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3),
    max_leaves=30,
)


class _Node:
    other: Any = None


@given(st.dictionaries(st.text(max_size=2), _DATA, max_size=4), st.integers(min_value=0, max_value=6))
def test_the_quick_walk_says_plain_exactly_when_the_exact_walks_find_nothing(data: dict[str, Any], limit: int) -> None:
    exact = too_deep(data, limit) is None and not date_problems("f.toml", data, KeyPositions(""))
    assert shallow_json(data, limit) == exact


@given(st.dictionaries(st.text(max_size=2), _DATA, max_size=4), st.integers(min_value=0, max_value=6))
def test_the_json_check_is_never_wrong_and_only_ever_one_empty_level_short(data: dict[str, Any], limit: int) -> None:
    """The quickest check (orjson, brackets counted outside strings) answers JSON only where the exact walks
    find nothing, with the data's JSON; it may send a file to them at most for an empty table or array
    at the limit."""
    exact = too_deep(data, limit) is None and not date_problems("f.toml", data, KeyPositions(""))
    encoded = json_within(data, limit)
    if encoded is not None:
        assert exact
        assert encoded == orjson.dumps(data)
    elif exact and limit > 0:
        assert too_deep(data, limit - 1) is not None


def test_the_json_check_counts_nesting_outside_strings() -> None:
    assert json_within({"a": [{"b": [1]}]}, 3) is None  # braces and brackets each a level
    assert json_within({"a": [{"b": [1]}]}, 4) == b'{"a":[{"b":[1]}]}'
    assert json_within({"a": "[[[[", "b": '\\"]]]]'}, 1) is not None
    assert json_within({"a": [datetime.time(1, 2)]}, 32) is None


def test_a_date_deep_in_a_file_is_still_found() -> None:
    data = {"fields": [{"validations": [{"dateRange": {"min": datetime.date(2020, 1, 1)}}]}]}
    assert not shallow_json(data, 32)
    assert list(date_problems("f.toml", data, KeyPositions(""))) == [
        ("fields", 0, "validations", 0, "dateRange", "min")]


def test_the_collector_is_paused_in_the_block_and_collects_cycles_made_there_afterwards() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        cycle = _Node()
        cycle.other = cycle
        alive = weakref.ref(cycle)
        del cycle
        assert alive() is not None
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.collect()
    assert alive() is None


def test_a_paused_block_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
