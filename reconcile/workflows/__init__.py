"""One workflow per command. The CLI parses arguments, calls one function here, renders, exits.

Data flow (docs/architecture.md): models ─declared─► desired; live ─backend─► current; diff ─ planner ─►
Plan; apply = verified pre-apply snapshot ─► executor ─► verify ─► (rollback = converge to the snapshot
through the same planner and executor). Revert is the same convergence with its own pre-revert snapshot.

Each command has its module (``plan``, ``apply``, ``revert``, ``rehearse``, ``drift``, ``pull``,
``snapshots``, and ``local`` for the two that need no target); the pieces they share have one each
(``project``, ``planning``, ``metadata``, ``converge``). This package re-exports what the CLI and the
tests call: the CLI imports nothing else of the tool but ``render`` and ``errors``.
"""

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

__all__ = [
    "BASELINE_KINDS",
    "ApplyOutcome",
    "Confirm",
    "ConvergeOutcome",
    "DriftOutcome",
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
    "write_schemas",
]
