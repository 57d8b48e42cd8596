"""Drift's baseline from day one: ``pull`` records the state it wrote into the files, and an ``apply``
with nothing to do records the live state (which matches the files), so that ``drift`` can tell a web-app
edit made after adoption from what the files already hold."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reconcile.backend import RawEnvironment, parse_environment, raw_from_export, with_content_type
from reconcile.errors import ReconcileError
from reconcile.normalize import fingerprint
from reconcile.snapshots import BASELINE_KINDS, EXPORT_FILE, Snapshot, read_metadata
from reconcile.targets import OpenTarget
from reconcile.workflows.metadata import export, metadata, with_fingerprint
from reconcile.workflows.project import Project

if TYPE_CHECKING:  # not imported at run time: pull loads no planning (issue 16)
    from reconcile.workflows.planning import Planned

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
    if only:
        previous = _newest_baseline(project, opened.config.name)
        if previous is None:
            return None
        base = raw_from_export(previous.export)
        for ct_id in only:
            base = with_content_type(base, raw, ct_id)
        raw, held = base, previous.metadata.get("fingerprint")
    else:
        held = _newest_fingerprint(project, opened.config.name)
    if only or live_fingerprint is None:
        live_fingerprint = fingerprint(parse_environment(raw).model)
    recorded = with_fingerprint(opened, live_fingerprint, None, project)
    if held == recorded["fingerprint"]:
        return None  # pulled again, unchanged: the newest baseline already holds this state
    return project.store.create(opened.config.name, PULLED, export(raw, {}), recorded)


def _newest_fingerprint(project: Project, target: str) -> str | None:
    """The fingerprint the newest baseline records, read from its metadata alone, when its export is
    intact (the checksum its metadata records holds); None when there is none, or when it or a newer
    snapshot would not load (a new baseline then replaces it, as ``_newest_baseline`` does). Loading
    and checking the export (8 MB at 1,000 content types) only to compare fingerprints cost ~0.2 s; an
    export the tool wrote whose checksum holds is one that loads."""
    try:
        infos = project.store.list(target)
    except ReconcileError:
        return None
    newest = next((info for info in reversed(infos) if info.kind is None or info.kind in BASELINE_KINDS), None)
    if newest is None or newest.kind is None:
        return None
    recorded = read_metadata(newest.path)
    try:
        intact = recorded is not None and recorded.get("export_sha256") == _sha256(newest.path / EXPORT_FILE)
    except OSError:
        return None
    held = recorded.get("fingerprint") if intact and recorded is not None else None
    return held if isinstance(held, str) else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
