"""Converging the live environment to a snapshot: the rollback of a failed apply, a revert, a seed.

Plan from the live state to the snapshot's, execute, restore the captured entry values, verify; a
round that does not get there re-reads and plans again, up to ``CONVERGE_ROUNDS`` rounds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from reconcile.addresses import content_type_address
from reconcile.backend import Backend, Forms, RawEnvironment, entries_from_export, parse_environment
from reconcile.backend.known import parse_like
from reconcile.clock import SYSTEM_CLOCK, Clock
from reconcile.collector import paused
from reconcile.entries import RestoreReport, restore_entries
from reconcile.entry_journal import EntryWriteLog, Ownership, last_writes, ownership
from reconcile.errors import InputError, ReconcileError
from reconcile.executor import ExecutionReport, Executor, put_ids
from reconcile.interning import Interner
from reconcile.journal import Converged, Journal, journal_of
from reconcile.model import ContentModel, Entry
from reconcile.plan import Plan
from reconcile.planner import make_plan
from reconcile.progress import Note, Progress
from reconcile.scope import Scope
from reconcile.snapshot_entries import read_entries
from reconcile.snapshot_runs import later_journals
from reconcile.snapshots import Snapshot
from reconcile.workflows.metadata import renamed_back
from reconcile.workflows.snapshots import snapshot_state

#: Rounds of plan + execute + verify a rollback or revert tries before it reports what remains. A round
#: that meets a version conflict or a late write (one that timed out, then landed) re-reads and re-plans.
CONVERGE_ROUNDS = 3


@dataclass
class SnapshotModel:
    """The model a converge goes back to, a snapshot's: held only while a round plans to it, and read again from
    the snapshot when a later round, or the report of what remains, needs it (issue 16: at 1,000 content types
    it is about 90 MB, which a revert held through every verification read of its converge)."""

    snapshot: Snapshot
    scope: Scope
    model: ContentModel | None = None
    #: Its captured entries, read with the model (one read of the export), kept until the converge ends.
    entries: list[Entry] | None = None

    def get(self, canonical: Interner | None = None) -> ContentModel:
        """The model (normalised as read by ``canonical`` when it is read here: no second whole model)."""
        if self.model is None:
            loaded = replace(self.snapshot, loaded=self.snapshot.export)  # read once for the model and the entries
            self.model = snapshot_state(loaded, self.scope, canonical).model
            if self.entries is None:
                self.entries = _entries_of(loaded)
        return self.model

    def let_go(self) -> None:
        self.model = None


@dataclass
class ConvergeOutcome:
    """The result of converging the live environment to a snapshot (rollback or revert)."""

    plan: Plan | None
    report: ExecutionReport
    restore: RestoreReport
    complete: bool
    remaining: Plan | None
    error: str | None = None
    #: The environment as last read (raw JSON), when it could be read.
    final_raw: RawEnvironment | None = None
    #: ``stop`` was set (a signal): no new write started, no further round was tried.
    interrupted: bool = False
    #: Steps applied over every round (``report`` holds the last round's only).
    steps_applied: int = 0


def converge(
    backend: Backend,
    snapshot: Snapshot,
    journal: Journal,
    run_id: str,
    progress: Progress,
    *,
    label: str,
    settle: float = 0.0,
    clock: Clock = SYSTEM_CLOCK,
    stop: threading.Event | None = None,
    stop_reason: Callable[[], str] | None = None,
    wanted: SnapshotModel | None = None,
) -> ConvergeOutcome:
    """Bring the live environment back to ``snapshot``: plan, execute, restore captured entry values.

    ``settle`` seconds pass before the first read, so that a write whose outcome is unknown (it timed
    out) has landed or been dropped by then. Up to ``CONVERGE_ROUNDS`` rounds each re-read the
    environment, so a resource changed under the rollback is planned again from what it now holds.
    Never raises for an API or network failure: the outcome says whether the environment reached the
    snapshot, and if not, what remains (when the environment can still be read) and why. ``clock`` waits.
    Once ``stop`` is set (a signal) no new write starts and no further round is tried. Before the first
    write, the entries the journal of ``snapshot`` shows the undone run wrote are read: whose they are
    decides how they are restored (``reconcile.entry_journal``). ``wanted``: the snapshot's model and its
    captured entries, when the caller has read them already (else they are read from the snapshot here; the
    caller must not keep the model itself: it is let go once a round has planned to it).
    """
    if wanted is None:  # a caller that parsed the snapshot already passes its model
        wanted = SnapshotModel(snapshot, backend.scope)
    outcome = ConvergeOutcome(plan=None, report=ExecutionReport(), restore=RestoreReport(), complete=False,
                              remaining=None)
    if settle > 0:
        progress(Note(f"[{label}] waiting {settle:g} s for a write whose outcome is unknown to land or be dropped"))
        clock.sleep(settle)
    owned: Ownership | None = None
    for round_number in range(1, CONVERGE_ROUNDS + 1):
        outcome.error = None
        try:
            executor = Executor(backend, journal, run_id, progress, clock=clock, stop=stop, stop_reason=stop_reason)
            owned = owned if owned is not None else owned_by_run(backend, snapshot, run_id)
            _round(backend, snapshot, wanted, executor, label, outcome, owned)
        except ReconcileError as exc:
            outcome.error = str(exc)
            progress(Note(f"[{label}] stopped: {exc}"))
        outcome.interrupted = outcome.report.interrupted or (stop is not None and stop.is_set())
        if outcome.interrupted and not outcome.complete:
            why = f"interrupted ({stop_reason()})" if stop_reason is not None else "interrupted"
            outcome.error = outcome.error or str(outcome.report.failure or why)
        if outcome.complete or outcome.interrupted or round_number == CONVERGE_ROUNDS:
            break
        progress(Note(f"[{label}] round {round_number} did not reach the snapshot; re-reading and planning again"))
        clock.sleep(max(settle, 1.0))
    journal.append(Converged(run_id=run_id, label=label, complete=outcome.complete,
                             entries_restored=outcome.restore.restored, skipped=outcome.restore.skipped,
                             error=outcome.error,
                             **({"left_alone": outcome.restore.left_alone} if outcome.restore.left_alone else {})))
    return outcome


def _entries_of(snapshot: Snapshot) -> list[Entry]:
    """The entries a snapshot holds: its export's, and those kept beside it (``entries.jsonl``, which a loaded
    snapshot's export holds already: each entry is taken once)."""
    kept = read_entries(snapshot.path) if snapshot.path.is_dir() else []
    items = {item["sys"]["id"]: item for item in [*snapshot.export.get("entries", ()), *kept]}
    return entries_from_export({"entries": list(items.values())})


def owned_by_run(backend: Backend, snapshot: Snapshot, run_id: str) -> Ownership:
    """Whose the entries are that the journal of ``snapshot`` shows its run wrote (or started to), from
    their live state now. A journal that cannot be read names no entry: every entry then keeps its live
    publish state and values (only values it lacks come back), which never undoes anyone's work.

    A started write found to have landed is recorded there as done at its live version: once this undo
    changes the model (a temporary field removed), the values no longer show whose the write was, and a
    later revert of the same run must reach the same conclusion."""
    path = snapshot.journal_path
    try:
        writes = last_writes(Journal.records(path)) if path is not None and path.exists() else {}
        # The tool's own later runs (a revert, the undo of that revert) wrote entries since: their last write says
        # where the tool left each, so an entry still there is not taken for someone else's edit.
        later = last_writes(r for journal in later_journals(snapshot) for r in Journal.records(journal))
    except InputError:
        writes, later = {}, {}
    whole, own = {entry_id for entry_id, w in writes.items() if w.values}, set(writes)
    writes |= later
    managed = sorted({w.content_type for w in writes.values()
                      if w.content_type and backend.scope.manages(w.content_type)})
    live = {e.id: e for ct_id in managed for e in backend.fetch_entries(ct_id)}
    owned = ownership({entry_id: w for entry_id, w in writes.items() if w.content_type in managed}, live)
    owned.whole = {entry_id for entry_id in owned.ours if entry_id in whole}  # held whole by ``snapshot``
    owned.theirs &= own  # one only a later run wrote, and someone since, is restored as one the run did not write
    landed = [entry_id for entry_id in owned.ours if writes[entry_id].at == "start"]
    if landed:
        log = EntryWriteLog(journal_of(snapshot), run_id)
        for entry_id in landed:
            log.done(live[entry_id], values=entry_id in whole)
    return owned


@paused()  # a burst of acyclic values: reconcile/collector.py
def _plan_round(backend: Backend, snapshot: Snapshot, wanted: SnapshotModel) -> tuple[Plan, str]:
    """Read the environment and plan to ``wanted`` (in scope); the plan and the fingerprint of the scoped
    ``wanted``. The read and the model wanted are let go on return: the plan holds what the execution needs."""
    with Interner() as run:
        model = wanted.get(run)  # before the read: the snapshot's export is let go before the read is made
        wanted.let_go()
        live = parse_like(backend.read_raw(), model)  # what the live side holds as the snapshot does is its value
        model = backend.scope.desired(model, live.model)
        plan = make_plan(live, renamed_back(model, live.model, snapshot.metadata.get("renames")), allow_destroy=True,
                         entry_counts=_entries_of_deleted(backend, live.model, model), run=run)
        return plan, run.fingerprint(model)


def _entries_of_deleted(backend: Backend, live: ContentModel, wanted: ContentModel) -> dict[str, int]:
    """The number of entries of each content type the plan deletes (one request each): a content type that has
    entries (a revert re-created them with it, or someone created them since) can only be deleted after them."""
    return {content_type_address(ct_id): backend.count_entries(ct_id)
            for ct_id in live.content_types if ct_id not in wanted.content_types}


def _round(
    backend: Backend, snapshot: Snapshot, wanted: SnapshotModel, executor: Executor, label: str,
    outcome: ConvergeOutcome, owned: Ownership,
) -> None:
    """One round: read, plan to ``wanted``, execute, restore entries (``owned``: whose the entries the undone
    run wrote are), re-read and compare."""
    outcome.plan, target = _plan_round(backend, snapshot, wanted)
    if ids := put_ids(outcome.plan):  # the JSON the snapshot holds of what the plan PUTs (the export read again)
        export = snapshot.export
        executor.forms = Forms.of(export.get("contentTypes", []), export.get("editorInterfaces", []), ids)
        del export
    outcome.report = executor.run(outcome.plan, label=label)
    outcome.steps_applied += len(outcome.report.applied)
    owned.rewritten.update(executor.entry_log.written)  # entries its tag steps wrote are not someone else's
    if outcome.report.ok:
        captured = _entries_of(snapshot) if wanted.entries is None else wanted.entries
        outcome.restore = restore_entries(backend, [entry for entry in captured
                                                    if backend.scope.manages(entry.content_type_id)],
                                          executor.progress, owned=owned, log=executor.entry_log,
                                          stop=executor.stop)
    outcome.report.final_raw = None  # read again below: one copy at a time
    outcome.final_raw = backend.read_raw()
    outcome.complete = (outcome.report.ok and not outcome.restore.interrupted
                        and _fingerprint(outcome.final_raw, executor.normalizing) == target)
    outcome.remaining = None
    if not outcome.complete:
        final = parse_environment(outcome.final_raw)
        outcome.remaining = make_plan(final, backend.scope.desired(wanted.get(), final.model), allow_destroy=True)


@paused()  # a burst of acyclic values: reconcile/collector.py
def _fingerprint(raw: RawEnvironment, run: Interner) -> str:
    """The fingerprint of ``raw``'s model, normalised as read in ``run`` (the execution's verifications: the
    values equal to the ones it verified are shared with them, not held a second time)."""
    live = parse_environment(raw, run)
    return run.fingerprint(live.model)
