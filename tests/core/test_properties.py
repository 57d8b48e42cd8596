"""Hypothesis properties of normalize, diff and the planner over generated models."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from reconcile.diff import diff
from reconcile.kinds import kind_of
from reconcile.model import ContentModel, LiveState
from reconcile.normalize import fingerprint, normalize
from reconcile.planner import make_plan
from tests.core.builders import live_state
from tests.core.simulator import Server
from tests.core.strategies import model_pairs, models

# Hypothesis over generated models: 2-4 s a test.
pytestmark = pytest.mark.slow


@given(models())
def test_normalize_is_idempotent(m: ContentModel) -> None:
    once = normalize(m)
    assert normalize(once) == once
    assert once.model_dump_json() == normalize(once).model_dump_json()


@given(models())
def test_no_changes_between_a_model_and_itself(m: ContentModel) -> None:
    assert diff(m, m) == []
    assert make_plan(LiveState(model=m), m).is_empty


@given(model_pairs())
@settings(max_examples=150, deadline=None)
def test_phases_reach_their_expected_models_and_end_at_desired(pair: tuple[ContentModel, ContentModel]) -> None:
    current, desired = pair
    entries = {ct_id: 2 for ct_id in current.content_types}
    plan = make_plan(
        live_state(current),
        desired,
        allow_destroy=True,
        entry_counts={f"content_types.{ct_id}": n for ct_id, n in entries.items()},
    )
    assert not plan.is_blocked
    server = Server.holding(current, entries)
    for phase in plan.phases:
        for step in phase.steps:
            server.run(step)
        assert normalize(server.model()) == normalize(phase.expected), phase.name
    final = plan.phases[-1].expected if plan.phases else current
    assert fingerprint(final) == plan.desired_fingerprint == fingerprint(desired)
    assert diff(server.model(), desired) == []


@given(model_pairs())
@settings(deadline=None)
def test_blocked_exactly_when_destructive_and_not_allowed(pair: tuple[ContentModel, ContentModel]) -> None:
    current, desired = pair
    plan = make_plan(live_state(current), desired)
    assert set(plan.blocked) == {c.address for c in plan.changes if c.impact == "destructive"}
    assert make_plan(live_state(current), desired, allowed=["*"]).blocked == ()


@given(model_pairs())
@settings(max_examples=150, deadline=None)
def test_every_change_is_carried_out_by_steps_of_the_phase_of_its_kind(pair: tuple[ContentModel, ContentModel]) -> None:
    current, desired = pair
    plan = make_plan(live_state(current), desired, allow_destroy=True)
    for phase in plan.phases:
        for step in phase.steps:
            for change in (plan.changes[i] for i in step.changes):
                assert (kind_of(change).phase, change.resource_id) == (phase.name, step.resource_id)
    linked = {i for phase in plan.phases for step in phase.steps for i in step.changes}
    assert linked == set(range(len(plan.changes)))
