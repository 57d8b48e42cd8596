"""One diff per plan, the steps' links to their changes, and plans saved in format 1.0 (before the links)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconcile import planner
from reconcile.errors import InputError
from reconcile.plan import FORMAT_VERSION, Plan
from reconcile.planner import destructive_addresses, diff_models, make_plan, plan_changes
from reconcile.render import render_markdown, render_text
from tests.core.scenarios import SCENARIOS, plan_for

#: Plans the tool saved in format 1.0 for scenarios of test_planner (same models, same options).
PLANS_1_0 = Path(__file__).parent / "plans_1_0"


def test_diff_models_then_plan_changes_diffs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    live, desired, _ = SCENARIOS["delete_content_type_with_entries"]
    calls: list[object] = []
    real = planner.diff
    monkeypatch.setattr(planner, "diff", lambda *models: calls.append(models) or real(*models))
    diffed = diff_models(live, desired)
    counts = {address: 3 for address in diffed.destructive_addresses}
    plan = plan_changes(diffed, allowed=["*"], entry_counts=counts)
    assert len(calls) == 1
    assert diffed.destructive_addresses == destructive_addresses(plan.changes)
    assert plan == make_plan(live, desired, allowed=["*"], entry_counts=counts)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_change_is_shown_in_the_one_phase_whose_steps_carry_it_out(name: str) -> None:
    plan = plan_for(name)
    shown = [change for phase in plan.phases for change in plan.changes_in(phase)]
    assert sorted(shown, key=plan.changes.index) == list(plan.changes)
    assert len(shown) == len(plan.changes)


@pytest.mark.parametrize("path", sorted(PLANS_1_0.glob("*.json")), ids=lambda p: p.stem)
def test_a_1_0_plan_is_read_with_its_steps_linked_as_the_planner_links_them(path: Path) -> None:
    saved = Plan.from_json(path.read_text(encoding="utf-8"), path.name)
    made = plan_for(path.stem)
    assert saved.format_version == "1.0" != FORMAT_VERSION
    assert saved.model_copy(update={"format_version": FORMAT_VERSION}) == made
    assert render_text(saved) == render_text(made).replace(f"format {FORMAT_VERSION}", "format 1.0")
    assert render_markdown(saved) == render_markdown(made).replace(f"format {FORMAT_VERSION}", "format 1.0")


def test_a_link_to_a_change_the_plan_does_not_have_is_refused() -> None:
    data = json.loads(plan_for("field_edits").to_json())
    data["phases"][0]["steps"][1]["changes"] = [0, len(data["changes"])]
    with pytest.raises(InputError) as caught:
        Plan.from_json(json.dumps(data), "plan.json")
    (problem,) = caught.value.problems
    assert problem.path == "phases.0.steps.1.changes"
    assert f"links to changes [{len(data['changes'])}]" in problem.message


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        (lambda d: d["phases"][0]["steps"][0].update(action="drop_table"), "phases.0.steps.0.action", "one of"),
        (lambda d: d["phases"][0]["steps"][0].pop("action"), "phases.0.steps.0.action", "Field required"),
        (lambda d: d["changes"][0].update(kind="Teleport"), "changes.0.kind", "one of 'CreateContentType'"),
    ],
)
def test_an_unknown_or_missing_action_or_kind_is_reported_at_that_key(edit: object, path: str, message: str) -> None:
    data = json.loads(plan_for("field_edits").to_json())
    assert callable(edit)
    edit(data)
    with pytest.raises(InputError) as caught:
        Plan.from_json(json.dumps(data), "plan.json")
    (problem,) = caught.value.problems
    assert problem.path == path and message in problem.message
