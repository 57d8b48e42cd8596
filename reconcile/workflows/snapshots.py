"""The snapshots commands (list, show, diff, prune), and reading the state a snapshot holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from reconcile.backend import parse_environment, raw_from_export, scoped
from reconcile.clock import SYSTEM_CLOCK, Clock
from reconcile.config import TargetConfig
from reconcile.errors import InputError, ReconcileError
from reconcile.interning import Interner
from reconcile.journal import Journal, find_unfinished, journal_state
from reconcile.model import LiveState
from reconcile.plan import Plan
from reconcile.planner import make_plan
from reconcile.scope import Scope
from reconcile.snapshots import BASELINE_KINDS, JOURNAL_FILE, Snapshot, SnapshotInfo
from reconcile.workflows.project import Project


def snapshot_state(snapshot: Snapshot, scope: Scope | None = None, canonical: Interner | None = None) -> LiveState:
    """The environment state a snapshot holds (only what is in ``scope``, when given: an older snapshot may
    hold content types now out of scope); one the model cannot represent is an error naming the file.
    ``canonical``: the run that plans to it, which normalises it as it is read (``parse_environment``)."""
    raw = raw_from_export(snapshot.export)
    try:
        return parse_environment(scoped(raw, scope.manages) if scope is not None else raw, canonical)
    except InputError:
        raise
    except ReconcileError as exc:
        raise ReconcileError(
            f"snapshot {snapshot.path}: {exc.message.replace('the live ', 'the ', 1)}",
            hint="the file is damaged, or was written by a tool that writes another shape: use another snapshot",
        ) from None


def resolve_snapshot(project: Project, target: TargetConfig, ref: str) -> Snapshot:
    """The snapshot ``ref`` names for ``target``: ``latest`` is the newest pre-apply snapshot."""
    if ref == "latest":
        latest = project.store.latest(target.name, kind="pre-apply")
        if latest is None:
            raise ReconcileError(
                f"no pre-apply snapshot for target {target.name!r}: nothing to revert",
                hint="`reconcile snapshots list` shows the snapshots there are",
            )
        return latest
    return project.store.load(ref, target.name)


def snapshots_list(project: Project, target_name: str | None) -> list[SnapshotInfo]:
    target = None if target_name is None else project.config.target(target_name).name
    return project.store.list(target)


def snapshot_show(project: Project, ref: str) -> dict[str, Any]:
    return summary(project.store.load(ref, None))


def snapshots_diff(project: Project, ref_a: str, ref_b: str) -> Plan:
    """The plan that would take snapshot A's state to snapshot B's."""
    a = snapshot_state(project.store.load(ref_a, None))
    b = snapshot_state(project.store.load(ref_b, None))
    return make_plan(a, b.model, allow_destroy=True)


@dataclass(frozen=True)
class PruneDecision:
    """One snapshot and what prune did (or, with --dry-run, would do) with it, and why."""

    info: SnapshotInfo
    removed: bool
    reason: str


@dataclass
class PruneOutcome:
    decisions: list[PruneDecision] = field(default_factory=list)
    dry_run: bool = False


def snapshots_prune(
    project: Project,
    target_name: str | None,
    *,
    keep: int,
    older_than_days: float | None = None,
    dry_run: bool = False,
    clock: Clock = SYSTEM_CLOCK,
) -> PruneOutcome:
    """Remove the snapshots of a target (of every target when None) beyond its newest ``keep`` (and, with
    ``older_than_days``, only those older than that), never one still needed: the newest baseline (drift's),
    the pre-apply snapshot of the newest apply (``revert latest``) and of the newest completed one, and the
    snapshots of runs that did not finish. Each removal is atomic (``SnapshotStore.remove``)."""
    target = None if target_name is None else project.config.target(target_name).name
    cutoff = None
    if older_than_days is not None:
        cutoff = datetime.fromtimestamp(clock.time(), UTC) - timedelta(days=older_than_days)
    outcome = PruneOutcome(dry_run=dry_run)
    infos = project.store.list(target)
    for name in sorted({info.target for info in infos}):
        mine = [info for info in reversed(infos) if info.target == name]  # newest first
        needed = _needed(project, name, mine)
        for rank, info in enumerate(mine):
            reason = needed.get(info.id)
            if reason is None and rank < keep:
                reason = f"among the newest {keep}"
            if reason is None and cutoff is not None and info.created >= cutoff:
                reason = f"newer than {older_than_days:g} days"
            if reason is None and not dry_run:
                project.store.remove(info)
            outcome.decisions.append(PruneDecision(info, removed=reason is None, reason=reason or "old"))
    return outcome


def _needed(project: Project, target: str, newest_first: list[SnapshotInfo]) -> dict[str, str]:
    """Snapshot id -> why it must stay: what drift, ``revert latest`` and an unfinished run's revert need."""
    needed: dict[str, str] = {}
    for snapshot in find_unfinished(project.store, target):
        needed[snapshot.id] = "an unfinished run started from it: `reconcile revert` needs it"
        reverting_to = snapshot.metadata.get("reverting_to")
        if isinstance(reverting_to, str):
            needed.setdefault(reverting_to, "the snapshot an unfinished revert goes back to")
    baseline = next((i for i in newest_first if i.kind in BASELINE_KINDS), None)
    if baseline is not None:
        needed.setdefault(baseline.id, "the newest baseline (`reconcile drift` compares with it)")
    pre_applies = [i for i in newest_first if i.kind == "pre-apply"]
    if pre_applies:
        needed.setdefault(pre_applies[0].id, "the newest pre-apply snapshot (`reconcile revert latest`)")
    completed = next((i for i in pre_applies if _completed(i)), None)
    if completed is not None:
        needed.setdefault(completed.id, "the pre-apply snapshot of the newest completed apply")
    return needed


def _completed(info: SnapshotInfo) -> bool:
    try:
        return journal_state(Journal.records(info.path / JOURNAL_FILE)) == "complete"
    except InputError:
        return False


def summary(snapshot: Snapshot) -> dict[str, Any]:
    """What ``snapshots show`` prints: the snapshot's identity, counts and metadata."""
    export = snapshot.export
    return {
        "id": snapshot.id,
        "path": str(snapshot.path),
        "kind": snapshot.kind,
        "counts": {
            "content_types": len(export["contentTypes"]),
            "fields": sum(len(ct.get("fields") or []) for ct in export["contentTypes"]),
            "editor_interfaces": len(export["editorInterfaces"]),
            "locales": len(export["locales"]),
            "entries": len(export["entries"]),
        },
        "metadata": snapshot.metadata,
    }
