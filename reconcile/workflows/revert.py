"""The revert command: converge the target back to a snapshot, itself snapshotted so it can be undone."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Any

from reconcile.backend import entries_from_export
from reconcile.backend.known import parse_like
from reconcile.clock import SYSTEM_CLOCK, Clock
from reconcile.collector import paused
from reconcile.config import TargetConfig
from reconcile.entries import capture
from reconcile.errors import InputError
from reconcile.interning import Interner
from reconcile.journal import Finish, Journal, Start, journal_of, unfinished_runs
from reconcile.model import ContentModel
from reconcile.plan import Plan
from reconcile.planner import destructive_addresses, make_plan
from reconcile.progress import Note, Progress, silent
from reconcile.snapshots import Snapshot
from reconcile.targets import OpenTarget, open_target
from reconcile.workflows.apply import Confirm, roll_back
from reconcile.workflows.converge import ConvergeOutcome, SnapshotModel, converge
from reconcile.workflows.metadata import export, metadata, renamed_back
from reconcile.workflows.project import Project, locked
from reconcile.workflows.releasing import check_alias_unmoved
from reconcile.workflows.snapshots import resolve_snapshot, snapshot_state


@dataclass
class RevertOutcome:
    snapshot: Snapshot
    #: The plan back as confirmed; once the pre-revert snapshot is written, its changes only (no phases: the
    #: converge plans again from a fresh read, and each phase holds a whole expected model).
    plan: Plan
    pre_snapshot: Snapshot | None = None
    post_snapshot: Snapshot | None = None
    converged: ConvergeOutcome | None = None
    declined: bool = False
    #: A signal stopped the revert: the way back to the pre-revert snapshot (the state before it).
    rollback: ConvergeOutcome | None = None


def revert(
    project: Project,
    target_name: str | None,
    ref: str,
    *,
    confirm: Confirm,
    progress: Progress = silent,
    clock: Clock = SYSTEM_CLOCK,
) -> RevertOutcome:
    """Plan back to the snapshot, confirm, snapshot the present state, converge, record the outcome."""
    target = project.config.target(target_name)
    snapshot = resolve_snapshot(project, target, ref)
    run = Interner()  # the plan back's normalisations: the snapshot's model is normalised as it is read
    state, entries = snapshot_state(snapshot, target.scope, run).model, entries_from_export(snapshot.export)
    snapshot = replace(snapshot, loaded=None)  # its model and entries are what is kept, not the export
    # Held until the converge has planned to it (then let go, and read again only if a round needs it).
    wanted = SnapshotModel(snapshot, target.scope, state, entries)
    del state
    with locked(project, target, "revert") as signals, open_target(target) as opened:
        check_alias_unmoved(snapshot.id, snapshot.metadata, target.name, opened.alias, opened.environment_id)
        outcome, recorded, wanted_fingerprint = _planned_back(project, target, opened, snapshot, wanted.get(),
                                                              confirm, run)
        del run
        if outcome.declined:
            return outcome
        pre = outcome.pre_snapshot
        assert pre is not None
        progress(Note(f"pre-revert snapshot {pre.id} written and verified"))
        run_id = secrets.token_hex(6)
        journal = journal_of(pre)
        signals.writing()
        journal.append(Start(run_id=run_id, command="revert", target=target.name, snapshot=pre.id,
                             reverting_to=snapshot.id))
        outcome.converged = converge(opened.backend, snapshot, journal, run_id, progress, label="revert",
                                     clock=clock, stop=signals.stop_run, stop_reason=signals.reason,
                                     wanted=wanted)
        if outcome.converged.complete and (late := signals.finishing("revert")):
            progress(Note(late))
        if outcome.converged.interrupted and not outcome.converged.complete:
            # Stopped like an apply: back to the state before the revert, the pre-revert snapshot.
            outcome.rollback = roll_back(opened.backend, pre, journal, run_id, progress, clock, signals,
                                         target.name, what="revert")
        _finish(project, target, outcome, journal, run_id, recorded, wanted_fingerprint)
        return outcome


@paused()  # a burst of acyclic values: reconcile/collector.py
def _planned_back(
    project: Project, target: TargetConfig, opened: OpenTarget, snapshot: Snapshot, state: ContentModel,
    confirm: Confirm, run: Interner,
) -> tuple[RevertOutcome, dict[str, Any], str]:
    """Read the live environment, plan back to ``state`` (the snapshot's), confirm, and write the pre-revert
    snapshot (with the entries at stake); returns the outcome so far, the recorded metadata and the fingerprint
    of the model wanted. What was read is let go on return: the converge reads again (issue 16: one copy at a
    time)."""
    raw = opened.backend.read_raw()
    live = parse_like(raw, state)  # what the live side holds as the snapshot does is the snapshot's value
    wanted = target.scope.desired(state, live.model)
    with run:  # the fingerprint of ``wanted`` shares the plan's normalisations
        back = make_plan(live, renamed_back(wanted, live.model, snapshot.metadata.get("renames")),
                         allow_destroy=True, run=run).bound(target.name, opened.space_id, opened.environment_id,
                                                            opened.alias)
        wanted_fingerprint = run.fingerprint(wanted)
    outcome = RevertOutcome(snapshot, back)
    if not confirm(back):
        outcome.declined = True
        return outcome, {}, ""
    recorded = metadata(opened, live, back, project)
    entries = capture(opened.backend, destructive_addresses(back.changes), live.model)
    outcome.pre_snapshot = project.store.create(
        target.name, "pre-revert", export(raw, entries), {**recorded, "reverting_to": snapshot.id}
    )
    # The converge plans again from a fresh read; the confirmed plan keeps its changes, not its phases (each
    # holds a whole expected model, built from the read let go here).
    outcome.plan = back.model_copy(update={"phases": ()})
    return outcome, recorded, wanted_fingerprint


def _finish(
    project: Project, target: TargetConfig, outcome: RevertOutcome, journal: Journal, run_id: str,
    recorded: dict[str, Any], wanted_fingerprint: str,
) -> None:
    """Snapshot the state reached (drift's next baseline) and close the run in the journal(s)."""
    converged, pre, snapshot = outcome.converged, outcome.pre_snapshot, outcome.snapshot
    assert converged is not None and pre is not None
    outcome_name = "complete" if converged.complete else "failed"
    # Before this run's finish is written: once it is, no earlier run counts as unfinished.
    unfinished = {s.id for s in unfinished_runs(project.store, target.name)}
    if outcome.rollback is not None:
        outcome_name = "rolled_back" if outcome.rollback.complete else "rollback_incomplete"
    if converged.complete and converged.final_raw is not None:
        # What the tool left the environment at: the baseline `drift` compares with from now on.
        outcome.post_snapshot = project.store.create(
            target.name, "post-revert", export(converged.final_raw, {}),
            {**recorded, "fingerprint": wanted_fingerprint, "pre_revert": pre.id, "reverted_to": snapshot.id},
        )
        journal.append(Finish(run_id=run_id, outcome=outcome_name, post_snapshot=outcome.post_snapshot.id))
    else:
        journal.append(Finish(run_id=run_id, outcome=outcome_name))
    if converged.complete and snapshot.id in unfinished:
        # The run that started from this snapshot died; this revert is how it ended.
        # The finish belongs to the run that died (``history`` reads a run's records by its id).
        journal_of(snapshot).append(Finish(run_id=_last_run(snapshot) or run_id, outcome="reverted",
                                           reverted_by=pre.id))


def _last_run(snapshot: Snapshot) -> str | None:
    """The id of the last run that started from ``snapshot`` (None when its journal cannot be read)."""
    path = snapshot.journal_path
    try:
        starts = [r for r in Journal.records(path) if isinstance(r, Start)] if path is not None else []
    except InputError:
        return None
    return starts[-1].run_id if starts else None
