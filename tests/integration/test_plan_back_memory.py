"""A revert's and a rollback's planning read holds no second copy of what the snapshot holds (issue 16): the live
content types whose JSON is exactly what the snapshot's model sends are parsed as that model's own values (as an
apply's planning read is parsed like the declared model), so the read beside the snapshot's model costs only what
differs. At 1,000 content types of 50 fields: revert of a 10% change 337 -> 268 MB, a late rollback 343 -> 317 MB."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from reconcile import workflows
from reconcile.emulator import Fault
from reconcile.model import ContentModel, LiveState
from reconcile.normalize import fingerprint
from tests.support import approve

from .conftest import Workspace, backend, seed_start
from .scenarios import TARGET

# Unchanged from START to TARGET (its editor interface changes, not the content type).
UNCHANGED = "author"


def _spy_on_make_plan(monkeypatch: pytest.MonkeyPatch, module: str) -> list[bool]:
    """Note, at each plan ``module`` makes, whether the live side's unchanged content type is the wanted one's."""
    shared: list[bool] = []
    owner = importlib.import_module(module)
    real = owner.make_plan

    def spy(live: LiveState, desired: ContentModel, **kwargs: Any) -> Any:
        shared.append(live.model.content_types[UNCHANGED] is desired.content_types[UNCHANGED])
        return real(live, desired, **kwargs)
    monkeypatch.setattr(owner, "make_plan", spy)
    return shared


def test_a_revert_plans_from_a_read_sharing_the_snapshots_values(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
) -> None:
    start_fp, _ = seed_start(workspace)
    workspace.write(TARGET)
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    planned_back = _spy_on_make_plan(monkeypatch, "reconcile.workflows.revert")
    converging = _spy_on_make_plan(monkeypatch, "reconcile.workflows.converge")
    reverted = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    assert reverted.converged is not None and reverted.converged.complete
    assert planned_back == [True] and converging == [True]
    assert fingerprint(backend(workspace).read_live().model) == start_fp


def test_a_rollback_plans_from_a_read_sharing_the_snapshots_values(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
) -> None:
    start_fp, _ = seed_start(workspace)
    workspace.write(TARGET)
    planned = workflows.plan(workspace.project(), None, allow_destroy=True).plan
    last = [phase for phase in planned.phases if phase.name != "delete_locales"][-1].steps[-1]
    workspace.emulator.faults.add(Fault(action="500", path=f"/{last.resource_id}"))
    converging = _spy_on_make_plan(monkeypatch, "reconcile.workflows.converge")
    outcome = workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True)
    workspace.emulator.faults.clear()
    assert not outcome.ok and outcome.rollback is not None and outcome.rollback.complete
    assert converging == [True]
    assert fingerprint(backend(workspace).read_live().model) == start_fp
