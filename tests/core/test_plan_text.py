"""A plan's JSON text (``reconcile.plan_text``): pydantic's dump of the plan, made a piece at a time, with each
distinct value of the phases' expected models written once in ``expected_values`` (format 1.5; issue 16: at
1,000 content types the plan written whole was 130 MB, took about 3 s to dump and 9 s to read)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.live import live_state
from bench.synthetic import changed_model, synthetic_model
from reconcile.model import ContentModel, Control, Tag
from reconcile.plan import Plan
from reconcile.plan_text import json_pieces
from reconcile.planner import make_plan
from reconcile.render import render_json, render_json_pieces
from tests.core.builders import content_type, field, interface, model
from tests.core.scenarios import SCENARIOS, plan_for
from tests.core.strategies import model_pairs
from tests.store.test_memory import peak_of


def pydantic_text(plan: Plan) -> str:
    """The JSON as plans were written before 1.5 (every phase's expected model whole)."""
    return plan.model_dump_json(indent=2) + "\n"


def expanded(text: str) -> Any:
    """A plan's JSON with each phase's references replaced by the stored values they refer to: pydantic's layout."""
    raw = json.loads(text)
    table = raw.pop("expected_values", {})
    for phase in raw["phases"]:
        refs = phase["expected"]
        phase["expected"] = {kind: {key: table[kind][key][at] for key, at in ids.items()} for kind, ids in refs.items()}
    return raw


def is_pydantics_dump_shared(text: str, plan: Plan) -> bool:
    """Whether ``text`` is pydantic's dump of ``plan`` once its references are resolved, each stored value once."""
    table = json.loads(text).get("expected_values", {})
    stored = [json.dumps(value, sort_keys=True) for ids in table.values() for versions in ids.values()
              for value in versions]
    return expanded(text) == json.loads(pydantic_text(plan)) and len(stored) == len(set(stored))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_text_of_every_scenario_plan_is_pydantics_dump(name: str) -> None:
    plan = plan_for(name).bound("dev", "space", "master")
    text = "".join(json_pieces(plan))
    assert text == plan.to_json() == render_json(plan) == "".join(render_json_pieces(plan))
    assert is_pydantics_dump_shared(text, plan)
    assert Plan.from_json(text, "plan.json") == plan


def test_the_text_of_a_plan_with_phases_sharing_their_values_is_pydantics_dump() -> None:
    base = synthetic_model(30)
    plan = make_plan(live_state(base), changed_model(base), allow_destroy=True)
    assert len(plan.phases) >= 3
    text = "".join(json_pieces(plan))
    assert is_pydantics_dump_shared(text, plan)
    assert Plan.from_json(text, "plan.json") == plan
    # Each content type is stored once per distinct value the phases expect; the whole is well under the old layout.
    stored = json.loads(text)["expected_values"]["content_types"]
    for key, values in stored.items():
        distinct = []
        for phase in plan.phases:
            value = phase.expected.content_types.get(key)
            if value is not None and value not in distinct:
                distinct.append(value)
        assert len(values) == len(distinct) >= 1
    assert len(text) * 2 < len(pydantic_text(plan))


# Opaque JSON parts (validations, settings, default values, unmanaged keys) hold any JSON: what orjson writes
# must be what pydantic writes, and what it refuses (integers beyond 64 bits) pydantic writes.
JSON_SCALARS = (
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(st.characters(exclude_categories=["Cs"]), max_size=8)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4).filter(str.isprintable), inner,
                                                                  max_size=3),
    max_leaves=8,
)


def opaque_model(values: list[Any], ident: str) -> ContentModel:
    ct = content_type("post", field(ident, default_value={"en-US": values[0]}, validations=({"in": values},)))
    ct = ct.model_copy(update={"unmanaged": {"metadata": values[-1]}, "description": ident or None})
    control = Control(field_id=ident, widget_id="singleLine", settings={"value": values[0], "list": values})
    return model(ct, editor_interfaces=(interface("post", control),))


@given(st.lists(JSON_VALUES, min_size=1, max_size=3), st.text(st.characters(exclude_categories=["Cs"]), min_size=1,
                                                              max_size=6))
@settings(max_examples=60, deadline=None)
@pytest.mark.slow
def test_any_opaque_json_is_written_as_pydantic_writes_it(values: list[Any], ident: str) -> None:
    live = model(content_type("post", field("title")))
    desired = opaque_model(values, ident).model_copy(update={"tags": {"t": Tag(id="t", name=ident)}})
    plan = make_plan(live_state(live), desired, allow_destroy=True)
    assert is_pydantics_dump_shared("".join(json_pieces(plan)), plan)


@given(model_pairs())
@settings(max_examples=40, deadline=None)
@pytest.mark.slow
def test_the_text_of_generated_plans_is_pydantics_dump(pair: tuple[ContentModel, ContentModel]) -> None:
    current, desired = pair
    plan = make_plan(live_state(current), desired, allow_destroy=True)
    text = "".join(json_pieces(plan))
    assert is_pydantics_dump_shared(text, plan)
    assert Plan.from_json(text, "plan.json") == plan


def test_a_value_orjson_refuses_is_written_by_pydantic() -> None:
    live = model(content_type("post", field("title")))
    plan = make_plan(live_state(live), opaque_model([2**80, {"k": 1e-7}], "title"))
    text = "".join(json_pieces(plan))
    assert is_pydantics_dump_shared(text, plan)
    assert str(2**80) in text and json.loads(text)["format_version"] == plan.format_version
    assert Plan.from_json(text, "plan.json") == plan  # read back exactly (orjson would read 2**80 as a float)


def pieces_peak() -> tuple[int, int, int]:
    """The peak allocated while a plan of 100 types (10% changed) is written in pieces, the largest piece and the
    size of its text."""
    base = synthetic_model(100)
    plan = make_plan(live_state(base), changed_model(base), allow_destroy=True)
    largest = 0

    def write() -> None:
        nonlocal largest
        for piece in render_json_pieces(plan):
            largest = max(largest, len(piece))

    _, peak = peak_of(write)
    return peak, largest, len(pydantic_text(plan))


@pytest.mark.slow
def test_a_large_plan_is_written_without_its_whole_text() -> None:
    # In a fresh interpreter, as tests/store/test_memory.py measures (tracemalloc counts every thread).
    code = "import json; from tests.core.test_plan_text import pieces_peak; print(json.dumps(pieces_peak()))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == 0, done.stderr
    peak, largest, text_size = json.loads(done.stdout)
    # Each distinct content type's text is kept once (the phases share them): about one phase's expected model.
    assert largest < text_size / 50, f"a piece of {largest} bytes for a plan of {text_size} bytes"
    assert peak < text_size / 2, f"peak {peak} bytes for a plan of {text_size} bytes"
