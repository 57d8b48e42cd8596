"""Runs a plan's steps through the backend, phase by phase, journalling every step.

The one execution path for apply, rollback and revert. Rules it keeps:
- every write carries the version known from planning, advanced only by the responses of our own
  writes (no fresh GET before a PUT), so a 409 means someone else changed the resource: a failure;
- the editor interface's version advances by one on every publish of its content type (the server
  creates it at version 1 on the first publish) [cma-facts §10.1];
- after each phase the environment is re-read and must fingerprint equal to the phase's expected
  model; the re-read also refreshes every version for the next phase;
- it stops at the first failure and reports what was applied, what failed and what remains.

Where the executor sits in the data flow: docs/architecture.md.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, assert_never

from reconcile.backend import Backend, Forms, RawEnvironment, parse_environment
from reconcile.clock import SYSTEM_CLOCK, Clock
from reconcile.collector import paused
from reconcile.entries import delete_entries, entries_differing, put_planned, tag_entries, untag_entries
from reconcile.entry_journal import EntryWriteLog
from reconcile.errors import ApiError, ReconcileError
from reconcile.interning import Interner
from reconcile.journal import Conversion, Interrupted, Journal, StepRecord, Verify
from reconcile.model import Entry, resource_key
from reconcile.plan import Phase, Plan
from reconcile.progress import PhaseStarted, PhaseVerified, Progress, StepDone
from reconcile.resume import planned_conversions
from reconcile.run_versions import Versions
from reconcile.steps import (
    CreateLocale,
    CreateTag,
    DeleteContentType,
    DeleteEntries,
    DeleteLocale,
    DeleteTag,
    PublishContentType,
    PutContentType,
    PutEditorInterface,
    PutEntry,
    Step,
    TagEntries,
    UnpublishContentType,
    UntagEntries,
    UpdateLocale,
    UpdateTag,
    WriteEntries,
)
from reconcile.wording import count


class VerificationFailed(ReconcileError):
    """A phase finished but the live environment does not hold the state it should."""


@dataclass
class StepOutcome:
    phase: str
    step: Step
    ok: bool
    duration_ms: int
    new_version: int | None = None
    error: str | None = None
    #: The step timed out: its write may still be carried out by the server.
    outcome_unknown: bool = False


@dataclass
class ExecutionReport:
    """What an execution did: applied steps, the failed one (if any) and the steps never run."""

    applied: list[StepOutcome] = field(default_factory=list)
    failed: StepOutcome | None = None
    failure: ReconcileError | None = None
    pending: list[tuple[str, Step]] = field(default_factory=list)
    #: The raw JSON of the last verification's read (the final state when the run is ok), for a
    #: post-apply snapshot without reading the environment once more.
    final_raw: RawEnvironment | None = None
    #: The fingerprint of ``final_raw``'s model (verified equal to the phase's expected one).
    final_fingerprint: str | None = None
    interrupted: bool = False
    #: Every step that ran, ok or not, in the order they finished (parallel steps may fail together).
    outcomes: list[StepOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed is None and self.failure is None


# Locale steps depend on each other (fallback chains), so those phases run one step at a time.
SEQUENTIAL_PHASES = frozenset({"locales", "delete_locales"})
# Enough requests in flight to keep a 7–10 requests/second limit busy despite per-request latency;
# the backend's token bucket keeps the rate itself under the limit.
DEFAULT_WORKERS = 4


_GroupResult = tuple[list[StepOutcome], StepOutcome | None, list[Step]]
_GroupRunner = Callable[[list[Step]], _GroupResult]


def _steps_of(phases: list[Phase]) -> list[tuple[str, Step]]:
    return [(phase.name, step) for phase in phases for step in phase.steps]


def put_ids(plan: Plan) -> set[str]:
    """The ids of the content types whose content type or editor interface ``plan`` PUTs."""
    return {s.resource_id for phase in plan.phases for s in phase.steps
            if isinstance(s, PutContentType | PutEditorInterface)}  # fmt: skip


def _summary(step: Step) -> str:
    return f"{step.action} {step.resource_id}"


class Executor:
    """Executes plans against one backend; journals every step into ``journal``."""

    def __init__(
        self,
        backend: Backend,
        journal: Journal,
        run_id: str,
        progress: Progress,
        *,
        workers: int = DEFAULT_WORKERS,
        clock: Clock = SYSTEM_CLOCK,
        stop: threading.Event | None = None,
        stop_reason: Callable[[], str] | None = None,
        entry_writer: Callable[[WriteEntries, Callable[[str], None], EntryWriteLog], None] | None = None,
        forms: Forms | None = None,
    ) -> None:
        self.backend = backend
        #: The JSON the content types and editor interfaces it PUTs take their forms from (``backend.forms``).
        self.forms = forms or Forms()
        self.journal = journal
        self.run_id = run_id
        self.progress = progress
        self.workers = workers
        self.clock = clock
        self._seq = 0
        self._done = 0
        self._total = 0
        self._outcomes: list[StepOutcome] = []  # the running report's
        # Guards the journal, the step counter and the version map across worker threads.
        self._lock = threading.RLock()
        #: Set by a signal handler (``reconcile.interrupts``): no new step starts once it is set.
        self.stop = stop
        self.stop_reason = stop_reason
        self._interrupted_by: str | None = None
        #: Per replaced tag, the entries its ``untag_entries`` step wrote, for its ``tag_entries`` step.
        self._untagged: dict[str, list[Entry]] = {}
        #: Carries out ``write_entries`` steps (``reconcile.entry_writes``), calling back once per entry written
        #: and journalling each entry write in ``entry_log``.
        self.entry_writer = entry_writer
        #: Journals each entry write before its first request and after its last (``reconcile.entry_journal``).
        self.entry_log = EntryWriteLog(journal, run_id, self._lock)
        #: The normalisations of the last run's verifications (see ``run``).
        self.normalizing = Interner()

    def run(self, plan: Plan, *, label: str = "apply") -> ExecutionReport:
        """Run every phase of ``plan``; verify after each. Never raises for a step failure.

        Once ``stop`` is set (a signal, see ``reconcile.interrupts``) no new step starts: steps in flight
        finish and are journalled, the rest are reported as not run, and the report is ``interrupted``.
        """
        report = ExecutionReport()
        for ct_id, field_id, temporary, to_type in planned_conversions(plan):  # before any write: reconcile/resume.py
            self.journal.append(Conversion(run_id=self.run_id, content_type=ct_id, field=field_id, temporary=temporary,
                                           to_type=to_type))
        versions = Versions(dict(plan.live_meta))
        # A ``write_entries`` step counts its entries on the progress bar (and itself).
        self._total = sum(s.entries + 1 if isinstance(s, WriteEntries) else 1 for p in plan.phases for s in p.steps)
        self._done = 0
        self._interrupted_by = None
        self._outcomes = report.outcomes
        remaining = list(plan.phases)
        phase: Phase | None = None
        # The verifications of this run: each phase's live read shares the last's values (and a caller's check
        # of a read of its own after the run shares them too).
        normalizing = self.normalizing = Interner()
        stopped = False
        try:
            while remaining:
                if stopped := self._stopped():
                    report.pending = _steps_of(remaining)
                    break
                phase = remaining.pop(0)
                self.progress(PhaseStarted(label, phase.name, phase.title))
                applied, failed, not_run = self._run_phase(phase, versions, label)
                report.applied.extend(applied)
                stopped = self._stopped()
                if failed is not None or stopped:
                    report.failed = failed
                    report.pending = [(phase.name, s) for s in not_run] + _steps_of(remaining)
                    break
                report.final_raw = None  # the last phase's read: let it go before the next one
                report.final_raw, report.final_fingerprint = self._verify(phase, label, normalizing, versions)
        except KeyboardInterrupt:  # Ctrl-C where no handler turns it into ``stop`` (not the main thread)
            self._interrupted_by = "Ctrl-C"
            stopped = True
            report.pending = self._cut_short(report, phase) + _steps_of(remaining)
        except ReconcileError as exc:
            report.failure = exc
            report.pending = self._cut_short(report, phase) + _steps_of(remaining)
        # A signal after the last phase was verified stops nothing: the run is complete.
        if stopped and report.failed is None and report.failure is None:
            report.interrupted = True
            report.failure = ReconcileError(f"interrupted ({self._reason()})")
            self._journal(Interrupted, label=label, after_step=self._done, signal=self._reason())
        return report

    def _stopped(self) -> bool:
        return self._interrupted_by is not None or (self.stop is not None and self.stop.is_set())

    def _reason(self) -> str:
        return self._interrupted_by or (self.stop_reason() if self.stop_reason is not None else "Ctrl-C")

    def _cut_short(self, report: ExecutionReport, phase: Phase | None) -> list[tuple[str, Step]]:
        """``phase`` was cut short by an exception: its finished steps join ``report`` (applied, or the
        failed one), and its other steps are returned as not run, so the counts stay true."""
        if phase is None:
            return []
        with self._lock:
            finished = [o for o in self._outcomes if o.phase == phase.name]
        known = {id(o) for o in report.applied}
        report.applied.extend(o for o in finished if o.ok and id(o) not in known)
        if report.failed is None:
            report.failed = next((o for o in finished if not o.ok), None)
        ran = {id(o.step) for o in finished}
        return [(phase.name, step) for step in phase.steps if id(step) not in ran]

    def _run_phase(
        self, phase: Phase, versions: Versions, label: str
    ) -> tuple[list[StepOutcome], StepOutcome | None, list[Step]]:
        """Run a phase's steps: one resource's steps in order, independent resources in parallel.

        Returns the applied outcomes, the failed one (if any) and the steps not run. After a failure or
        an interrupt no new step starts (each group checks before every step, queued groups are
        cancelled); steps already in flight on other resources finish and are reported.
        """
        groups: dict[str, list[Step]] = {}
        for step in phase.steps:
            groups.setdefault(step.resource_id, []).append(step)
        stop = threading.Event()

        def run_group(steps: list[Step]) -> tuple[list[StepOutcome], StepOutcome | None, list[Step]]:
            applied: list[StepOutcome] = []
            for index, step in enumerate(steps):
                if stop.is_set() or self._stopped():
                    return applied, None, steps[index:]
                outcome = self._run_step(phase, step, versions, label)
                if not outcome.ok:
                    stop.set()
                    return applied, outcome, steps[index + 1 :]
                applied.append(outcome)
            return applied, None, []

        sequential = self.workers <= 1 or phase.name in SEQUENTIAL_PHASES or len(groups) == 1
        if sequential:
            results = [run_group(steps) for steps in groups.values()]
        else:
            results = self._in_parallel(run_group, list(groups.values()), stop)
        applied = [outcome for result in results for outcome in result[0]]
        failures = [result[1] for result in results if result[1] is not None]
        not_run = [step for result in results for step in result[2]]
        return applied, (failures[0] if failures else None), not_run

    def _in_parallel(
        self, run_group: _GroupRunner, groups: list[list[Step]], stop: threading.Event
    ) -> list[_GroupResult]:
        """``run_group`` over ``groups`` on the worker threads. A ``KeyboardInterrupt`` while waiting
        stops the phase: queued groups are cancelled, the ones running finish their step in flight."""
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="reconcile")
        futures = [pool.submit(run_group, steps) for steps in groups]
        try:
            wait(futures)
        except KeyboardInterrupt:
            self._interrupted_by = "Ctrl-C"
            stop.set()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return [future.result() if not future.cancelled() else ([], None, steps)
                for future, steps in zip(futures, groups, strict=True)]

    def _journal(self, kind: type[Interrupted | StepRecord | Verify], **fields: Any) -> None:
        """Journal a record of ``kind``, numbered and timed."""
        with self._lock:
            self._seq += 1
            self.journal.append(kind(run_id=self.run_id, seq=self._seq, time=self.clock.time(), **fields))

    def _run_step(self, phase: Phase, step: Step, versions: Versions, label: str) -> StepOutcome:
        started = self.clock.monotonic()
        # A ``write_entries`` step is counted after its entries, so the bar's numbers run in order.
        done = None if isinstance(step, WriteEntries) else self._count_done()
        try:
            new_version = self._perform(step, versions, lambda text: self._entry_written(label, phase, step, text))
            outcome = StepOutcome(phase.name, step, True, self._ms_since(started), new_version=new_version)
        except ApiError as exc:
            outcome = StepOutcome(phase.name, step, False, self._ms_since(started), error=str(exc),
                                  outcome_unknown=exc.outcome_unknown)
        self._journal_step(label, phase, step, outcome)
        done = self._count_done() if done is None else done
        with self._lock:
            self._outcomes.append(outcome)
        self.progress(StepDone(label, done, self._total, outcome.ok, step.description, outcome.duration_ms,
                               outcome.error))
        return outcome

    def _entry_written(self, label: str, phase: Phase, step: Step, text: str) -> None:
        """One entry of a ``write_entries`` step written: journalled and counted, like a step."""
        done = self._count_done()
        self._journal(StepRecord, label=label, phase=phase.name, step=text, request=_summary(step), result="ok",
                      new_version=None, duration_ms=0, error=None)
        self.progress(StepDone(label, done, self._total, True, text, 0, None))
        if self._stopped():  # a signal: no further entry is written; the apply rolls back
            raise ReconcileError(f"interrupted ({self._reason()}) while writing entries",
                                 hint="the apply rolls back to its pre-apply snapshot")

    def _count_done(self) -> int:
        with self._lock:
            self._done += 1
            return self._done

    def _ms_since(self, started: float) -> int:
        return int((self.clock.monotonic() - started) * 1000)

    def _journal_step(self, label: str, phase: Phase, step: Step, outcome: StepOutcome) -> None:
        self._journal(
            StepRecord,
            label=label,
            phase=phase.name,
            step=step.description,
            request=_summary(step),
            result="ok" if outcome.ok else "failed",
            new_version=outcome.new_version,
            duration_ms=outcome.duration_ms,
            error=outcome.error,
        )

    @paused()  # a burst of acyclic values: reconcile/collector.py
    def _verify(
        self, phase: Phase, label: str, normalizing: Interner, versions: Versions
    ) -> tuple[RawEnvironment, str]:
        """Re-read the environment after ``phase``: it must hold the phase's expected model (and the entries
        written); the read refreshes ``versions``. Returns the raw read (only it stays: one model's worth) and
        its fingerprint."""
        # The expected model first: the plan holds its values already, and the live ones equal to them are
        # shared with them as the read is normalised, not kept as a second copy (issue 16: the values as read
        # are let go one at a time); the read itself is forgotten once fingerprinted.
        expected = normalizing.fingerprint(phase.expected)
        raw = self.backend.read_raw()
        live = parse_environment(raw, normalizing)
        actual = normalizing.fingerprint(live.model)
        normalizing.forget(live.model)
        written = [step for step in phase.steps if isinstance(step, PutEntry)]
        differing = entries_differing(self.backend, written) if written else []
        ok = actual == expected and not differing
        self._journal(Verify, label=label, phase=phase.name, ok=ok, live=actual)
        if differing:
            raise VerificationFailed(
                f"after phase {phase.name} the values or publish state of {count(len(differing), 'entry')} "
                f"differ from what was written ({', '.join(differing[:5])})",
                hint="someone may have edited entries during the apply; run `reconcile plan`",
            )
        if not ok:
            raise VerificationFailed(
                f"after phase {phase.name} the live environment does not match the planned state "
                f"(live {actual[:19]}…, expected {expected[:19]}…)",
                hint="someone may have changed the environment during the apply; run `reconcile plan`",
            )
        versions.refresh(live)
        self.progress(PhaseVerified(label, phase.name))
        return raw, actual

    def _perform(self, step: Step, versions: Versions, tick: Callable[[str], None]) -> int | None:
        """Send ``step``'s requests; the new version of the resource it writes (``None`` when deleted)."""
        b = self.backend
        ident = step.resource_id
        ct_key = resource_key("content_type", ident)
        locale_key = resource_key("locale", ident)
        match step:
            case PutContentType():
                version = versions.maybe_version(ct_key)
                return versions.record(ct_key, b.put_content_type(step.content_type, version,
                                                                  self.forms.content_types.get(ident)))
            case PublishContentType():
                response = b.publish_content_type(ident, versions.version(ct_key))
                versions.published(ident)
                return versions.record(ct_key, response)
            case UnpublishContentType():
                return versions.record(ct_key, b.unpublish_content_type(ident, versions.version(ct_key)))
            case DeleteContentType():
                b.delete_content_type(ident)
                versions.forget(ct_key)
                versions.forget(resource_key("editor_interface", ident))
                return None
            case DeleteEntries():
                delete_entries(b, ident)
                return None
            case PutEditorInterface():
                ei_key = resource_key("editor_interface", ident)
                like = self.forms.editor_interfaces.get(ident)
                return versions.record(ei_key, b.put_editor_interface(step.editor_interface, versions.version(ei_key),
                                                                      like))
            case CreateLocale():
                return versions.record(locale_key, b.create_locale(step.locale))
            case UpdateLocale():
                response = b.update_locale(versions.sys_id(locale_key), step.locale, versions.version(locale_key))
                return versions.record(locale_key, response)
            case DeleteLocale():
                b.delete_locale(versions.sys_id(locale_key))
                versions.forget(locale_key)
                return None
            case PutEntry():
                return put_planned(b, step, self.entry_log).version
            case CreateTag() | UpdateTag():
                tag_key = resource_key("tag", ident)
                version = versions.maybe_version(tag_key) if isinstance(step, UpdateTag) else None
                return versions.record(tag_key, b.put_tag(step.tag, version))
            case UntagEntries():
                self._untagged[ident] = untag_entries(b, ident, self.entry_log)
                return None
            case TagEntries():
                if missing := tag_entries(b, ident, self._untagged.pop(ident, []), self.entry_log):
                    raise VerificationFailed(f"tag {ident} is not back on {count(len(missing), 'entry')} "
                                             f"({', '.join(missing[:5])})", hint="run `reconcile plan`")
                return None
            case WriteEntries() if self.entry_writer is not None:
                self.entry_writer(step, tick, self.entry_log)
                return None
            case WriteEntries():
                raise ReconcileError("this run cannot write entries (no entry writer)", hint="run `reconcile apply`")
            case DeleteTag():
                b.delete_tag(ident, versions.version(resource_key("tag", ident)))
                versions.forget(resource_key("tag", ident))
                return None
            case _:
                assert_never(step)
