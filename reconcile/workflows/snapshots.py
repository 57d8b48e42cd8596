"""The snapshots commands (list, show, diff), and reading the state a snapshot holds."""

from __future__ import annotations

from typing import Any

from reconcile.backend import parse_environment, raw_from_export
from reconcile.config import TargetConfig
from reconcile.errors import InputError, ReconcileError
from reconcile.model import LiveState
from reconcile.plan import Plan
from reconcile.planner import make_plan
from reconcile.snapshots import Snapshot, SnapshotInfo, summary
from reconcile.workflows.project import Project


def snapshot_state(snapshot: Snapshot) -> LiveState:
    """The environment state a snapshot holds; one the model cannot represent is an error naming the file."""
    try:
        return parse_environment(raw_from_export(snapshot.export))
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
