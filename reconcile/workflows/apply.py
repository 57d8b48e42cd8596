"""The apply command: plan (or load a saved plan), confirm, snapshot, execute, verify, roll back."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconcile.backend import Backend, Forms, parse_environment
from reconcile.backend.entry_json import entry_to_api
from reconcile.clock import SYSTEM_CLOCK, Clock
from reconcile.conversion_steps import written_content_types
from reconcile.entries import capture
from reconcile.entry_writes import EntryWriter, fill_specs
from reconcile.errors import ReconcileError
from reconcile.executor import ExecutionReport, Executor, put_ids
from reconcile.fills import load_fills, load_spec
from reconcile.interning import Interner
from reconcile.interrupts import RunSignals
from reconcile.journal import Finish, Journal, Start, journal_of
from reconcile.normalize import fingerprint
from reconcile.plan import Plan
from reconcile.planner import default_locale, destructive_addresses
from reconcile.progress import Note, Progress, silent
from reconcile.snapshot_entries import write_entries
from reconcile.snapshots import Snapshot, SnapshotStore
from reconcile.targets import open_target
from reconcile.wording import count
from reconcile.workflows.baseline import record_unchanged
from reconcile.workflows.converge import ConvergeOutcome, converge
from reconcile.workflows.metadata import export, metadata, renames
from reconcile.workflows.plan import load_plan_file
from reconcile.workflows.planning import (
    Planned,
    check_environment,
    check_target,
    plan_against,
    refuse_blocked,
    refuse_failed_fills,
    replanned,
)
from reconcile.workflows.project import Project, locked, unfinished_warnings, validate_models
from reconcile.workflows.resuming import cut_short_for, left_work

Confirm = Callable[[Plan], bool]


@dataclass
class ApplyOutcome:
    plan: Plan
    applied: bool = False
    snapshot: Snapshot | None = None
    post_snapshot: Snapshot | None = None
    report: ExecutionReport | None = None
    rollback: ConvergeOutcome | None = None
    warnings: list[str] = field(default_factory=list)
    declined: bool = False
    #: The steps the plan held: a rollback lets the plan's phases go (each holds a whole expected model).
    planned_steps: int = 0

    @property
    def ok(self) -> bool:
        return self.report is None or self.report.ok


def apply(
    project: Project,
    target_name: str | None,
    *,
    plan_file: Path | None = None,
    allow_destroy: bool = False,
    confirm: Confirm,
    no_rollback: bool = False,
    progress: Progress = silent,
    clock: Clock = SYSTEM_CLOCK,
    content_types: tuple[str, ...] = (),
) -> ApplyOutcome:
    """Converge the target to the models (or to a saved plan), safely; only ``content_types`` when given."""
    target = project.config.target(target_name)
    if plan_file is not None and content_types:
        raise ReconcileError("--content-type cannot narrow a saved plan: it applies what it says",
                             hint="narrow when making the plan: `reconcile plan --content-type ID --out FILE`")
    run = Interner()  # reads the saved plan and fingerprints the live state it is applied to (``replanned``)
    saved = load_plan_file(plan_file, run) if plan_file is not None else None
    declared = None if saved is not None else validate_models(project, target_name)
    unchecked = check_target(saved, str(plan_file), target.name) if saved is not None else None
    warnings = unfinished_warnings(project, target) + ([unchecked] if unchecked else [])
    warnings += [str(warning) for warning in declared.warnings] if declared is not None else []
    with locked(project, target, "apply") as signals, open_target(target) as opened:
        if declared is None:
            assert saved is not None
            check_environment(saved, str(plan_file), target.name, opened.space_id, opened.environment_id)
            planned = replanned(opened.backend, saved, str(plan_file), target.name, run)
            del run  # what it holds is needed no more
            planned.fills = {spec: load_spec(project.root, spec) for spec in fill_specs(saved)}
        else:
            planned = plan_against(opened.backend, declared.model, target, allow_destroy,
                                   load_fills(declared, project.root), content_types,
                                   left_work(project.store, target.name))
            declared = None  # the plan holds what the apply needs of the models
        planned.plan = planned.plan.bound(target.name, opened.space_id, opened.environment_id, opened.alias)
        outcome = ApplyOutcome(planned.plan, warnings=warnings)
        # `confirm` shows the plan; it asks only when there is something allowed to apply.
        if not confirm(planned.plan):
            outcome.declined = True
            return outcome
        refuse_failed_fills(planned.plan)
        if not (saved is not None and allow_destroy):  # --allow-destroy given with a saved plan unblocks it
            refuse_blocked(planned.plan)
        if planned.plan.is_empty:  # the live state matches the files: drift's baseline from now on
            outcome.post_snapshot = record_unchanged(project, opened, planned, outcome.warnings)
            return outcome
        recorded = metadata(opened, planned.live, planned.plan, project)
        return apply_planned(opened.backend, project.store, target.name, planned, recorded, outcome,
                             progress=progress, no_rollback=no_rollback, clock=clock, signals=signals)


def apply_planned(
    backend: Backend,
    store: SnapshotStore,
    target_name: str,
    planned: Planned,
    recorded: dict[str, Any],
    outcome: ApplyOutcome,
    *,
    progress: Progress,
    no_rollback: bool,
    clock: Clock = SYSTEM_CLOCK,
    signals: RunSignals | None = None,
) -> ApplyOutcome:
    """Snapshot (verified) before the first write, execute, verify, post-snapshot or roll back.

    From the journal's start on, a signal (``signals``, installed by ``locked``) stops new writes and
    the apply rolls back; see ``reconcile.interrupts``."""
    signals = signals or RunSignals()
    outcome.planned_steps = sum(len(phase.steps) for phase in planned.plan.phases)
    snapshot, captured = _pre_apply_snapshot(backend, store, target_name, planned, recorded)
    outcome.snapshot = snapshot
    writer = EntryWriter(backend, planned.plan.changes, planned.live.model, planned.fills,
                         default_locale(planned.live.model) or "en-US", captured,
                         cut_short_for(store, target_name, planned.plan))
    forms = Forms.of(planned.raw.content_types, planned.raw.editor_interfaces, put_ids(planned.plan))
    planned.let_go()  # the writer took the locales and fills it needs, ``forms`` the live JSON of what is PUT
    progress(Note(f"pre-apply snapshot {snapshot.id} written and verified"))
    run_id = secrets.token_hex(6)
    journal = journal_of(snapshot)
    signals.writing()
    journal.append(Start(run_id=run_id, command="apply", target=target_name, snapshot=snapshot.id,
                         plan_hash=recorded.get("plan_hash")))
    report = outcome.report = Executor(backend, journal, run_id, progress, clock=clock, stop=signals.stop_run,
                                       stop_reason=signals.reason, entry_writer=writer, forms=forms).run(planned.plan)
    outcome.applied = True
    if report.ok:
        if late := signals.finishing("apply"):
            progress(Note(late))
        outcome.post_snapshot = _post_apply_snapshot(backend, store, target_name, planned.plan, recorded, report,
                                                     snapshot)
        if outcome.post_snapshot is not None:
            journal.append(Finish(run_id=run_id, outcome="complete", post_snapshot=outcome.post_snapshot.id))
            return outcome
        report.failure = ReconcileError("the apply finished but the re-read environment does not match the models")
    if no_rollback:
        journal.append(Finish(run_id=run_id, outcome="failed", rollback=False))
        return outcome
    # The rollback reads and plans again: the last verification read and the phases' expected models (about
    # 90 MB each at 1,000 content types) are let go first; the plan keeps its changes.
    report.final_raw = None
    outcome.plan = planned.plan = planned.plan.model_copy(update={"phases": ()})
    outcome.rollback = roll_back(backend, snapshot, journal, run_id, progress, clock, signals,
                                 target_name, what="apply", settle=_settle(backend, report))
    journal.append(Finish(run_id=run_id, outcome="rolled_back" if outcome.rollback.complete else "rollback_incomplete"))
    return outcome


def _pre_apply_snapshot(
    backend: Backend, store: SnapshotStore, target_name: str, planned: Planned, recorded: dict[str, Any]
) -> tuple[Snapshot, dict[str, int]]:
    """The state before the first write, with the entries at stake; written and verified. The entries of the
    content types the plan writes are kept whole, read and written a page at a time (``entries.jsonl``); with
    the snapshot, their versions (entry id -> version: the entries the apply may write, at those versions)."""
    written = written_content_types(planned.plan)
    if renamed := {ct_id: pairs.values() for ct_id, pairs in renames(planned.plan).items()}:
        # renaming keeps the values; capture them anyway, so any later revert can restore them
        planned.entries = capture(backend, destructive_addresses(planned.plan.changes), planned.live.model, renamed)
    kept = {ct_id: entries for ct_id, entries in planned.entries.items() if ct_id not in written}
    snapshot = store.create(target_name, "pre-apply", export(planned.raw, kept), recorded)
    captured: dict[str, int] = {}

    def pages() -> Iterator[list[dict[str, Any]]]:
        for ct_id in written:
            for page in backend.entry_pages(ct_id):
                captured.update((e.id, e.version) for e in page)
                yield [entry_to_api(e) for e in page]

    write_entries(snapshot.path, pages())
    return snapshot, captured


def _post_apply_snapshot(
    backend: Backend, store: SnapshotStore, target_name: str, plan: Plan, recorded: dict[str, Any],
    report: ExecutionReport, pre: Snapshot,
) -> Snapshot | None:
    """The state the apply left, when it is the one planned (else None): drift's next baseline."""
    # The last phase's verification read is the final state, fingerprinted already; a plan without steps has none.
    final_raw, final_fingerprint = report.final_raw, report.final_fingerprint
    if final_raw is None or final_fingerprint is None:
        final_raw = backend.read_raw()
        final_fingerprint = fingerprint(parse_environment(final_raw).model)
    if final_fingerprint != plan.desired_fingerprint:
        return None
    return store.create(target_name, "post-apply", export(final_raw, {}),
                        {**recorded, "fingerprint": plan.desired_fingerprint, "pre_apply": pre.id})


def _settle(backend: Backend, report: ExecutionReport) -> float:
    """A step that timed out may still be carried out by the server: give it the same time again first."""
    return backend.timeout if report.failed is not None and report.failed.outcome_unknown else 0.0


def roll_back(
    backend: Backend, snapshot: Snapshot, journal: Journal, run_id: str, progress: Progress, clock: Clock,
    signals: RunSignals, target_name: str, *, what: str, settle: float = 0.0,
) -> ConvergeOutcome:
    """Converge back to ``snapshot`` after a failed or interrupted ``what`` (apply, revert). A signal is
    acknowledged, not obeyed; the next one aborts: no new write starts, and a note says what remains
    and which revert finishes it."""
    signals.rolling_back()
    why = f"interrupted ({signals.reason()})" if signals.interrupted else "failed"
    progress(Note(f"{what} {why}; rolling back to snapshot {snapshot.id}"))
    back = converge(backend, snapshot, journal, run_id, progress, label="rollback", settle=settle, clock=clock,
                    stop=signals.stop_rollback, stop_reason=signals.reason)
    if back.complete:
        progress(Note(f"rollback complete: the environment is back at snapshot {snapshot.id}"))
    elif back.interrupted:
        remaining = back.remaining
        left = "what remains is unknown" if remaining is None else f"{count(len(remaining.changes), 'change')} left"
        progress(Note(f"rollback aborted ({signals.reason()}): the space is part-way back; {left}; finish it with: "
                      f"reconcile revert {snapshot.id} --target {target_name}"))
    return back
