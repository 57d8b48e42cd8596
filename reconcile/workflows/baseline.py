"""Drift's baseline from day one: ``pull`` records the state it wrote into the files, and an ``apply``
with nothing to do records the live state (which matches the files), so that ``drift`` can tell a web-app
edit made after adoption from what the files already hold."""

from __future__ import annotations

from collections.abc import Sequence

from reconcile.backend import RawEnvironment, parse_environment, raw_from_export, with_content_type
from reconcile.errors import ReconcileError
from reconcile.snapshots import BASELINE_KINDS, Snapshot
from reconcile.targets import OpenTarget
from reconcile.workflows.metadata import export, metadata
from reconcile.workflows.planning import Planned
from reconcile.workflows.project import Project

#: The kind of the snapshot `pull` records (one of ``BASELINE_KINDS``).
PULLED = "pulled"


def _newest_baseline(project: Project, target: str) -> Snapshot | None:
    """The newest baseline; None when there is none or it cannot be read (a new one replaces it)."""
    try:
        return project.store.latest(target, kind=BASELINE_KINDS)
    except ReconcileError:
        return None


def record_pulled(
    project: Project, opened: OpenTarget, raw: RawEnvironment, only: Sequence[str], live_fingerprint: str | None
) -> Snapshot | None:
    """Record the state ``pull`` wrote into the files as the drift baseline, unless the newest baseline
    already holds it. Pulling some content types (``only``) replaces only those in the newest baseline;
    without a baseline it records none (the content types not pulled would read as changed outside the
    tool). ``live_fingerprint``: that of ``raw`` when all of it was pulled (parsing and normalising 1,000
    content types again cost ~1 s); None with ``only``."""
    previous = _newest_baseline(project, opened.config.name)
    if only:
        if previous is None:
            return None
        base = raw_from_export(previous.export)
        for ct_id in only:
            base = with_content_type(base, raw, ct_id)
        raw = base
    if live_fingerprint is None:
        recorded = metadata(opened, parse_environment(raw), None, project)
    else:
        recorded = metadata(opened, None, None, project, live_fingerprint=live_fingerprint)
    if previous is not None and previous.metadata.get("fingerprint") == recorded["fingerprint"]:
        return None  # pulled again, unchanged: the newest baseline already holds this state
    return project.store.create(opened.config.name, PULLED, export(raw, {}), recorded)


def record_unchanged(project: Project, opened: OpenTarget, planned: Planned, warnings: list[str]) -> Snapshot | None:
    """After an apply with nothing to do, record the live state (it matches the files) as the drift
    baseline, unless the newest baseline already holds that state. Failing to write it is a warning: there
    was nothing to apply, and that succeeded."""
    previous = _newest_baseline(project, opened.config.name)
    if previous is not None and previous.metadata.get("fingerprint") == planned.plan.live_fingerprint:
        return None
    recorded = metadata(opened, planned.live, planned.plan, project)
    try:
        return project.store.create(opened.config.name, "post-apply", export(planned.raw, {}), recorded)
    except ReconcileError as exc:
        warnings.append(f"the live state was not recorded as the drift baseline: {exc.message}")
        return None
