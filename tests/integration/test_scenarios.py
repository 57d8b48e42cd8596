"""Convergence over the scenario folders (tests/scenarios/<name>/{before,after}): apply `before`, plan
and apply `after` (plan text, markdown and json snapshotted), re-plan is empty; revert, and the
fingerprint equals the start."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from reconcile import workflows
from reconcile.normalize import fingerprint
from reconcile.render import render_json, render_markdown, render_text
from tests.support import approve

from .conftest import Workspace, backend

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def stable(document: dict[str, Any]) -> dict[str, Any]:
    """The plan JSON with what differs per run masked: timestamps, users and random locale ids."""
    for key, meta in document.get("live_meta", {}).items():
        meta.update({"updated_at": "<time>", "updated_by": "<user>"})
        if key.startswith("locale:"):
            meta["sys_id"] = "<random id>"
    return document


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.iterdir() if p.is_dir()))
def test_scenario_converges_and_reverts(workspace: Workspace, name: str, scenario_snapshot: SnapshotAssertion) -> None:
    workspace.use_models(SCENARIOS / name / "before")
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    b = backend(workspace)
    start = fingerprint(b.read_live().model)

    workspace.use_models(SCENARIOS / name / "after")
    planned = workflows.plan(workspace.project(), None, allow_destroy=True).plan
    assert not planned.is_empty
    assert render_text(planned) == scenario_snapshot(name="text")
    assert render_markdown(planned) == scenario_snapshot(name="markdown")
    assert stable(json.loads(render_json(planned))) == scenario_snapshot(name="json")

    applied = workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True)
    assert applied.ok, applied.report
    assert workflows.plan(workspace.project(), None, allow_destroy=True).plan.is_empty

    reverted = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    assert reverted.converged is not None and reverted.converged.complete
    assert fingerprint(b.read_live().model) == start
    workspace.use_models(SCENARIOS / name / "before")
    assert workflows.plan(workspace.project(), None).plan.is_empty
