"""Saved plans of format 1.5 (``reconcile.plan_values``): each distinct value of the phases' expected models is
stored once in ``expected_values`` and read once, the phases sharing it; plans saved in 1.4 (every phase's model
whole) are still read; a hand-edited plan is refused as before."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.live import live_state
from bench.synthetic import changed_model, synthetic_model
from reconcile.errors import InputError
from reconcile.plan import FORMAT_VERSION, Plan
from reconcile.planner import make_plan
from tests.core.scenarios import plan_for

#: Plans saved by the tool in format 1.4 (before ``expected_values``) for scenarios of test_planner, bound to
#: target ``dev`` (space ``space``, environment ``master``).
PLANS_1_4 = Path(__file__).parent / "plans_1_4"


def changed_plan() -> Plan:
    base = synthetic_model(20)
    return make_plan(live_state(base), changed_model(base), allow_destroy=True)


@pytest.mark.parametrize("path", sorted(PLANS_1_4.glob("*.json")), ids=lambda p: p.stem)
def test_a_1_4_plan_is_read_as_it_was_made(path: Path) -> None:
    saved = Plan.from_json(path.read_text(encoding="utf-8"), path.name)
    made = plan_for(path.stem).bound("dev", "space", "master")
    assert saved.format_version == "1.4" != FORMAT_VERSION
    assert saved.model_copy(update={"format_version": FORMAT_VERSION}) == made
    # Saved again, it is written in this version's layout and read back the same.
    assert json.loads(saved.to_json())["format_version"] == FORMAT_VERSION
    assert Plan.from_json(saved.to_json(), "again.json") == made


def test_the_phases_of_a_read_plan_share_each_stored_value() -> None:
    plan = changed_plan()
    read = Plan.from_json(plan.to_json(), "plan.json")
    assert read == plan and len(read.phases) >= 3
    first, last = read.phases[0].expected, read.phases[-1].expected
    unchanged = [key for key in first.content_types if first.content_types[key] == last.content_types.get(key)]
    assert len(unchanged) > len(first.content_types) / 2
    assert all(first.content_types[key] is last.content_types[key] for key in unchanged)
    assert all(first.locales[key] is last.locales[key] for key in first.locales)


def test_a_plan_stores_each_distinct_expected_value_once() -> None:
    plan = changed_plan()
    data = json.loads(plan.to_json())
    stored = data["expected_values"]["content_types"]
    distinct = {(key, value.model_dump_json()) for phase in plan.phases
                for key, value in phase.expected.content_types.items()}
    assert sum(len(values) for values in stored.values()) == len(distinct)
    assert all(isinstance(at, int) for phase in data["phases"] for at in phase["expected"]["content_types"].values())


def edited(plan: Plan, edit: Callable[[dict[str, Any]], object]) -> str:
    data = json.loads(plan.to_json())
    edit(data)
    return json.dumps(data)


def last_ref(data: dict[str, Any], kind: str = "content_types") -> tuple[str, int]:
    """A resource of the last phase's expected model and the position of its value."""
    return next(iter(data["phases"][-1]["expected"][kind].items()))


def _edit_a_stored_value(data: dict[str, Any]) -> None:
    key, at = last_ref(data)
    data["expected_values"]["content_types"][key][at]["name"] = "Edited by hand"


def _point_elsewhere(data: dict[str, Any]) -> None:
    key, _ = last_ref(data)
    data["phases"][-1]["expected"]["content_types"][key] = 7


def _refer_to_a_missing_resource(data: dict[str, Any]) -> None:
    data["phases"][0]["expected"]["content_types"]["ghost"] = 0


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (_edit_a_stored_value, "desired_fingerprint", "differs from the fingerprint of the model the last phase"),
        (_point_elsewhere, "phases.{last}.expected.content_types.{key}", "[7], which the plan does not hold"),
        (_refer_to_a_missing_resource, "phases.0.expected.content_types.ghost", "ghost[0], which the plan does not"),
        (lambda d: d["phases"][0]["expected"].update(assets={}), "phases.0.expected.assets", "Extra inputs"),
        (lambda d: d["phases"][0].update(expected=[]), "phases.0.expected", "must be an object"),
        (lambda d: d["phases"][0]["expected"].update(locales=[]), "phases.0.expected.locales", "must be an object"),
        (lambda d: d["expected_values"]["content_types"].update(x=[{"id": 3}]), "expected_values.content_types.x.0.id",
         "valid string"),
        (lambda d: d["expected_values"].update(assets={}), "expected_values.assets", "Extra inputs"),
        (lambda d: d.update(expected_values=[]), "expected_values", ""),
    ],
)
def test_a_hand_edited_plan_is_refused(edit: Callable[[dict[str, Any]], object], path: str, message: str) -> None:
    plan = changed_plan()
    data = json.loads(plan.to_json())
    key, _ = last_ref(data)
    with pytest.raises(InputError) as raised:
        Plan.from_json(edited(plan, edit), "plan.json")
    where = path.format(last=len(plan.phases) - 1, key=key)
    problems = [(problem.path, problem.message) for problem in raised.value.problems]
    assert any(found == where and message in said for found, said in problems), problems
    assert all(problem.hint == "do not edit saved plans; make the plan again" for problem in raised.value.problems)


def test_a_plan_without_expected_values_is_refused_unless_no_phase_refers_to_them() -> None:
    plan = changed_plan()
    with pytest.raises(InputError) as raised:
        Plan.from_json(edited(plan, lambda d: d.pop("expected_values")), "plan.json")
    assert any("which the plan does not hold" in problem.message for problem in raised.value.problems)
    empty = plan.model_copy(update={"phases": (), "changes": ()})
    assert "expected_values" not in empty.to_json()
    assert Plan.from_json(empty.to_json(), "plan.json") == empty
