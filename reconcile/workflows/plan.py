"""The plan command, and saved plan files (``plan --out``, ``apply PLAN_FILE``, ``show``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reconcile.backend import entries_from_export
from reconcile.collector import let_live, paused
from reconcile.entries import by_type
from reconcile.errors import ReconcileError
from reconcile.fills import load_fills
from reconcile.fsio import atomic_write_chunks
from reconcile.interning import Interner
from reconcile.plan import Plan
from reconcile.plan_text import json_pieces
from reconcile.targets import open_target
from reconcile.workflows.planning import plan_against, plan_with_entries, uninstalled_widgets
from reconcile.workflows.project import Project, unfinished_warnings, validate_models
from reconcile.workflows.resuming import left_work
from reconcile.workflows.snapshots import snapshot_state


@dataclass
class PlanOutcome:
    plan: Plan
    warnings: list[str] = field(default_factory=list)


def plan(
    project: Project,
    target_name: str | None,
    *,
    allow_destroy: bool = False,
    from_export: Path | None = None,
    content_types: tuple[str, ...] = (),
) -> PlanOutcome:
    """What apply would change: the models against the live target (or a snapshot / export file), only
    for ``content_types`` when given (``--content-type``). Runs with the garbage collector paused
    (``reconcile.collector``)."""
    with paused():
        return _plan(project, target_name, allow_destroy, from_export, content_types)


def _plan(
    project: Project, target_name: str | None, allow_destroy: bool, from_export: Path | None,
    content_types: tuple[str, ...],
) -> PlanOutcome:
    declared = validate_models(project, target_name)
    target = project.config.target(target_name)
    warnings, checked = unfinished_warnings(project, target), [str(warning) for warning in declared.warnings]
    if from_export is not None:
        snapshot = project.store.load(str(from_export), target.name)
        live = snapshot_state(snapshot, target.scope)
        entries = by_type(entries_from_export(snapshot.export))
        from_file, _ = plan_with_entries(live, declared.model, target, allow_destroy, lambda _: entries,
                                         lambda ct_id: [entries.get(ct_id, [])],
                                         narrowed=content_types)
        recorded = snapshot.metadata  # a plain `contentful space export` has none: space and environment unknown
        space, environment = recorded.get("space"), recorded.get("environment")
        bound = from_file.bound(target.name, space if isinstance(space, str) else None,
                                environment if isinstance(environment, str) else None)
        return PlanOutcome(_warned(bound, checked), warnings + checked)
    with open_target(target) as opened:
        planned = plan_against(opened.backend, declared.model, target, allow_destroy,
                               load_fills(declared, project.root), content_types,
                               left_work(project.store, target.name))
        notes = checked + uninstalled_widgets(opened.backend, declared.model)
    made = planned.plan.bound(target.name, opened.space_id, opened.environment_id, opened.alias)
    let_live(declared, planned, made)
    return PlanOutcome(_warned(made, notes), warnings + notes)


def _warned(plan: Plan, warnings: list[str]) -> Plan:
    """``plan`` carrying ``warnings`` (of the models and the widgets: its JSON and renderings show them)."""
    return plan.model_copy(update={"warnings": tuple(warnings)}) if warnings else plan


def save_plan(plan: Plan, path: Path) -> None:
    """Write a plan for a later `apply PLAN_FILE` (atomically: temporary file, fsync, rename)."""
    try:
        atomic_write_chunks(path, (piece.encode() for piece in json_pieces(plan)))
    except OSError as exc:
        raise ReconcileError(f"cannot write plan file {path}: {exc.strerror}",
                             hint="choose a writable path for --out") from None


def load_plan_file(path: Path, run: Interner | None = None) -> Plan:
    """Read a plan saved by ``plan --out`` (``run``: normalisations to share with what the caller fingerprints
    next, the live state in ``replanned``)."""
    if path.exists() and not path.is_file():  # reading /dev/zero never ends, a named pipe may never answer
        raise ReconcileError(f"cannot read plan file {path}: not a regular file (a device, pipe or folder)",
                             hint="pass a file written by `reconcile plan --out FILE`")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReconcileError(f"cannot read plan file {path}: {exc}",
                             hint="pass a file written by `reconcile plan --out FILE`") from None
    run = Interner() if run is None else run
    with paused(), run:  # a plan of 1,000 content types is some 500,000 values: reconcile/collector.py
        return Plan.from_json(text, str(path), run.fingerprint)
