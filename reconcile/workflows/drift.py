"""The drift command: pending changes (files vs live) and out-of-band ones (baseline vs live), and
``--adopt``, which writes the out-of-band changes into the model files."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from reconcile.backend import Backend, parse_environment
from reconcile.backend.known import parse_like
from reconcile.config import TargetConfig
from reconcile.declared import content_type_path, write_locales, write_models
from reconcile.drift import DriftReport, drift_report, drifted_resources
from reconcile.model import ContentModel, LiveState
from reconcile.normalize import normalize
from reconcile.snapshots import BASELINE_KINDS, Snapshot
from reconcile.targets import open_target
from reconcile.workflows.metadata import export, metadata
from reconcile.workflows.project import Project, unfinished_warnings, validate_models
from reconcile.workflows.releasing import baseline_of
from reconcile.workflows.snapshots import snapshot_state


@dataclass
class DriftOutcome:
    report: DriftReport
    adopted: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: With --adopt: the snapshot of the adopted live state, the next drift's baseline.
    baseline_snapshot: Snapshot | None = None


def drift(project: Project, target_name: str | None, *, adopt: bool = False) -> DriftOutcome:
    """Pending changes (files vs live) and out-of-band changes (vs the newest baseline snapshot, one of
    ``BASELINE_KINDS``: the state the tool last left, or adopted into the files)."""
    declared = validate_models(project, target_name).model
    target = project.config.target(target_name)
    with open_target(target) as opened:
        baseline_model, baseline_id = _baseline(project, target, opened.alias, opened.environment_id)
        raw = opened.backend.read_raw()
        # What the live side holds as the baseline does is the baseline's value (not a second model in memory).
        live = parse_environment(raw) if baseline_model is None else parse_like(raw, baseline_model)
        recorded = metadata(opened, live, None, project) if adopt else {}
        if not adopt:
            del raw  # only an adoption snapshots it
        declared = target.scope.desired(declared, live.model)  # out of scope: not drift (nor locales, locales = false)
        if baseline_model is not None:
            baseline_model = target.scope.desired(baseline_model, live.model)
        report = drift_report(live, declared, baseline_model, baseline_id)
        report, unnamed = with_user_names(opened.backend, report)
    outcome = DriftOutcome(report, warnings=unfinished_warnings(project, target))
    if baseline_id is None:
        outcome.warnings.append(
            f"no baseline snapshot for target {target.name!r} (no apply, revert, pull or adopt recorded one): "
            "only pending changes are reported, each with who last changed the live resource"
        )
    if unnamed:
        outcome.warnings.append(
            f"the token of target {target.name!r} may not read the space's users: user ids are shown, not names"
        )
    if adopt and baseline_id is None:
        outcome.warnings.append(
            "--adopt wrote nothing: without a baseline a change made in the web app cannot be told from a change "
            f"in the files; `reconcile pull --target {target.name}` writes the live state into the files"
        )
    if adopt:
        outcome.adopted = _adopt(project, live, report)
        if report.out_of_band:
            # The files now accept the live state: it is the baseline the next drift compares with.
            outcome.baseline_snapshot = project.store.create(target.name, "adopted", export(raw, {}), recorded)
    return outcome


def _baseline(
    project: Project, target: TargetConfig, alias: str | None, environment_id: str
) -> tuple[ContentModel | None, str | None]:
    """The model and id of the newest baseline snapshot (one of ``BASELINE_KINDS``: the state the tool last left,
    or adopted into the files) of the target, or of the environment its alias serves now; the snapshot's export is
    let go on return (issue 16: not held beside the live read)."""
    if alias is not None:
        baseline = baseline_of(project.store, target.name, environment_id)
    else:
        baseline = project.store.latest(target.name, kind=BASELINE_KINDS)
    return (snapshot_state(baseline, target.scope).model, baseline.id) if baseline is not None else (None, None)


def with_user_names(backend: Backend, report: DriftReport) -> tuple[DriftReport, bool]:
    """The report with the users it names resolved, in one read of the space's users (none without drift);
    and whether they could not be read (the token may not)."""
    if not report.user_ids():
        return report, False
    users = backend.read_users()
    if users is None:
        return report, True
    return replace(report, users={user.id: user for user in users}), False


def _adopt(project: Project, live: LiveState, report: DriftReport) -> list[Path]:
    """Write the out-of-band changes into the model files, touching only the drifted files."""
    current = normalize(live.model)
    written: list[Path] = []
    for kind, ident in drifted_resources(report):
        if kind == "locale":
            written.append(write_locales(current, project.models_dir))
        elif ident in current.content_types:
            written.extend(write_models(current, project.models_dir, only=ident))
        else:
            gone = content_type_path(project.models_dir, ident)
            gone.unlink(missing_ok=True)
            written.append(gone)
    return sorted(set(written))
