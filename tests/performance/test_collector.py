"""The cyclic garbage collector is paused while a plan builds its values (``reconcile.collector``): its
passes over a heap of hundreds of thousands of acyclic values cost as much CPU as the plan itself at
1,000 content types (issue 16; figures in docs/performance.md). No timing here: what is checked is that
the collector is off while the plan's parts run, and on again after the plan."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconcile import workflows
from reconcile.collector import paused
from reconcile.model import ContentModel
from reconcile.plan import Plan
from reconcile.targets import open_target
from reconcile.workflows import planning
from reconcile.workflows.planning import plan_against

from .conftest import Workspace
from .models import numbered

plan_module = importlib.import_module("reconcile.workflows.plan")  # the package's ``plan`` is the function


def spy(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, seen: dict[str, bool]) -> None:
    """Record in ``seen`` whether the collector was on when ``module.name`` was called."""
    original: Callable[..., Any] = getattr(module, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen[name] = gc.isenabled()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, recording)


def test_a_plan_runs_with_the_collector_off_and_leaves_it_on(workspace: Workspace,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    workspace.apply(numbered(5))
    seen: dict[str, bool] = {}
    spy(monkeypatch, plan_module, "validate_models", seen)
    spy(monkeypatch, planning, "parse_like", seen)
    spy(monkeypatch, planning, "plan_with_entries", seen)
    assert gc.isenabled()
    outcome = workflows.plan(workspace.project(), None)
    assert outcome.plan.is_empty
    assert seen == {"validate_models": False, "parse_like": False, "plan_with_entries": False}
    assert gc.isenabled()


def test_the_planning_of_apply_runs_with_the_collector_off(workspace: Workspace,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """``plan_against``, where apply, rehearse and release plan, pauses the collector too."""
    workspace.apply(numbered(5))
    seen: dict[str, bool] = {}
    spy(monkeypatch, planning, "parse_like", seen)
    spy(monkeypatch, planning, "plan_with_entries", seen)
    target = workspace.project().config.target(None)
    with open_target(target) as opened:
        planned = plan_against(opened.backend, numbered(6), target, allow_destroy=False)
    assert [change.address for change in planned.plan.changes] == ["content_types.type0005"]
    assert seen == {"parse_like": False, "plan_with_entries": False}
    assert gc.isenabled()


def test_a_saved_plan_is_read_and_checked_with_the_collector_off(workspace: Workspace, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``apply PLAN_FILE`` reads the plan (about 500,000 values at 1,000 content types: the collector's passes
    took 1.1 of 1.8 s of CPU) and fingerprints the live state it applies to with the collector off."""
    workspace.apply(numbered(5))
    path = tmp_path / "plan.json"
    workflows.save_plan(plan_against_workspace(workspace, numbered(6)), path)
    seen: dict[str, bool] = {}
    spy(monkeypatch, Plan, "model_validate", seen)
    spy(monkeypatch, planning, "parse_like", seen)
    outcome = workflows.apply(workspace.project(), None, plan_file=path, confirm=lambda _: True)
    assert outcome.ok and outcome.applied
    assert seen == {"model_validate": False, "parse_like": False}
    assert gc.isenabled()


def plan_against_workspace(workspace: Workspace, desired: ContentModel) -> Plan:
    target = workspace.project().config.target(None)
    with open_target(target) as opened:
        planned = plan_against(opened.backend, desired, target, allow_destroy=False)
    return planned.plan.bound(target.name, opened.space_id, opened.environment_id, opened.alias)


def test_paused_nests_and_restores_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused():
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block did not turn it on again
        raise RuntimeError("ends the block")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
