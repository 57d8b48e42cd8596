"""One workflow per command. The CLI parses arguments, calls one function here, renders, exits.

Data flow (docs/architecture.md): models ─declared─► desired; live ─backend─► current; diff ─ planner ─►
Plan; apply = verified pre-apply snapshot ─► executor ─► verify ─► (rollback = converge to the snapshot
through the same planner and executor). Revert is the same convergence with its own pre-revert snapshot.

Each command has its module (``plan``, ``apply``, ``revert``, ``rehearse``, ``drift``, ``pull``,
``snapshots``, ``release``, ``history``, and ``local`` for the two that need no target); the pieces they
share have one each (``project``, ``planning``, ``metadata``, ``converge``, ``baseline``, ``releasing``).
This package re-exports what the CLI and the tests call, each imported on first use (``reconcile.lazy``):
the CLI imports nothing else of the tool but ``render`` and ``errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconcile.lazy import lazy_names

if TYPE_CHECKING:
    from reconcile.collector import keep_until_exit
    from reconcile.executor import ExecutionReport
    from reconcile.plan import Plan
    from reconcile.progress import ProgressEvent, StepDone, progress_text
    from reconcile.snapshots import BASELINE_KINDS
    from reconcile.workflows.apply import ApplyOutcome, Confirm, apply
    from reconcile.workflows.converge import ConvergeOutcome, converge
    from reconcile.workflows.drift import DriftOutcome, drift
    from reconcile.workflows.history import history
    from reconcile.workflows.local import serve_emulator, write_schemas
    from reconcile.workflows.plan import PlanOutcome, load_plan_file, plan, save_plan
    from reconcile.workflows.project import Project, load_project, unlock, validate_models
    from reconcile.workflows.pull import pull
    from reconcile.workflows.rehearse import RehearsalOutcome, Stage, rehearse
    from reconcile.workflows.release import ReleaseOutcome, RollbackOutcome, release, release_rollback
    from reconcile.workflows.revert import RevertOutcome, revert
    from reconcile.workflows.snapshots import (
        PruneOutcome,
        snapshot_show,
        snapshot_state,
        snapshots_diff,
        snapshots_list,
        snapshots_prune,
    )
    from reconcile.workflows.validating import validate_project

_LAZY = {  # name -> module: importing the package (the CLI's --help) loads none of them
    "ExecutionReport": "reconcile.executor",
    "Plan": "reconcile.plan",
    "ProgressEvent": "reconcile.progress",
    "StepDone": "reconcile.progress",
    "progress_text": "reconcile.progress",
    "BASELINE_KINDS": "reconcile.snapshots",
    "ApplyOutcome": "reconcile.workflows.apply",
    "Confirm": "reconcile.workflows.apply",
    "apply": "reconcile.workflows.apply",
    "ConvergeOutcome": "reconcile.workflows.converge",
    "converge": "reconcile.workflows.converge",
    "DriftOutcome": "reconcile.workflows.drift",
    "drift": "reconcile.workflows.drift",
    "history": "reconcile.workflows.history",
    "keep_until_exit": "reconcile.collector",
    "serve_emulator": "reconcile.workflows.local",
    "write_schemas": "reconcile.workflows.local",
    "PlanOutcome": "reconcile.workflows.plan",
    "load_plan_file": "reconcile.workflows.plan",
    "plan": "reconcile.workflows.plan",
    "save_plan": "reconcile.workflows.plan",
    "Project": "reconcile.workflows.project",
    "load_project": "reconcile.workflows.project",
    "unlock": "reconcile.workflows.project",
    "validate_models": "reconcile.workflows.project",
    "validate_project": "reconcile.workflows.validating",
    "pull": "reconcile.workflows.pull",
    "RehearsalOutcome": "reconcile.workflows.rehearse",
    "Stage": "reconcile.workflows.rehearse",
    "rehearse": "reconcile.workflows.rehearse",
    "ReleaseOutcome": "reconcile.workflows.release",
    "RollbackOutcome": "reconcile.workflows.release",
    "release": "reconcile.workflows.release",
    "release_rollback": "reconcile.workflows.release",
    "RevertOutcome": "reconcile.workflows.revert",
    "revert": "reconcile.workflows.revert",
    "PruneOutcome": "reconcile.workflows.snapshots",
    "snapshot_show": "reconcile.workflows.snapshots",
    "snapshot_state": "reconcile.workflows.snapshots",
    "snapshots_diff": "reconcile.workflows.snapshots",
    "snapshots_list": "reconcile.workflows.snapshots",
    "snapshots_prune": "reconcile.workflows.snapshots",
}

__all__ = [
    "BASELINE_KINDS",
    "ApplyOutcome",
    "Confirm",
    "ConvergeOutcome",
    "DriftOutcome",
    "ExecutionReport",
    "Plan",
    "PlanOutcome",
    "ProgressEvent",
    "Project",
    "PruneOutcome",
    "RehearsalOutcome",
    "ReleaseOutcome",
    "RevertOutcome",
    "RollbackOutcome",
    "Stage",
    "StepDone",
    "apply",
    "converge",
    "drift",
    "history",
    "keep_until_exit",
    "load_plan_file",
    "load_project",
    "plan",
    "progress_text",
    "pull",
    "rehearse",
    "release",
    "release_rollback",
    "revert",
    "save_plan",
    "serve_emulator",
    "snapshot_show",
    "snapshot_state",
    "snapshots_diff",
    "snapshots_list",
    "snapshots_prune",
    "unlock",
    "validate_models",
    "validate_project",
    "write_schemas",
]


__getattr__ = lazy_names(__name__, _LAZY)
