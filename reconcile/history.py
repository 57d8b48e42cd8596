"""The figures of ``reconcile history`` (pure): runs and their outcomes, success rate, automatic
rollbacks and manual reverts, time to recover, and the last successful change.

A run is one ``apply``, ``revert``, ``release`` or ``release rollback``, as its journal records it
(``workflows/history.py`` reads them). Time to recover runs from a failure (the first failed step, failed
verification or stopping signal, or the end of a run that failed without any) to the target being back at a
verified state: the end of the same run when it rolled itself back (or, for a release, failed before
switching the alias, so the alias never left the verified environment), else the end of the next run that
completed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COMPLETE = "complete"
AUTOMATIC_ROLLBACK_OUTCOMES = ("rolled_back", "rollback_incomplete")


@dataclass(frozen=True)
class Run:
    """One run as its journal records it. ``failed_at``: the time of its first failed step, if any;
    ``recovered_in_run``: it ended with the target back at a verified state despite failing."""

    command: str
    run_id: str
    started: float
    ended: float
    outcome: str
    failed_at: float | None = None
    recovered_in_run: bool = False
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome == COMPLETE


@dataclass(frozen=True)
class Recovery:
    run_id: str
    failed_at: float
    recovered_at: float | None

    @property
    def seconds(self) -> float | None:
        return None if self.recovered_at is None else max(0.0, self.recovered_at - self.failed_at)


@dataclass(frozen=True)
class History:
    target: str
    runs: tuple[Run, ...]
    by_command: dict[str, dict[str, int]] = field(default_factory=dict)
    success_rate: float | None = None
    automatic_rollbacks: int = 0
    manual_reverts: int = 0
    release_rollbacks: int = 0
    recoveries: tuple[Recovery, ...] = ()
    mean_time_to_recover: float | None = None
    worst_time_to_recover: float | None = None
    last_success: Run | None = None

    @property
    def unrecovered(self) -> int:
        """Failures the target has not recovered from yet (no completed run since)."""
        return sum(1 for r in self.recoveries if r.recovered_at is None)


def _recoveries(runs: list[Run]) -> list[Recovery]:
    found = []
    for index, run in enumerate(runs):
        if run.ok:
            continue
        failed_at = run.failed_at if run.failed_at is not None else run.ended
        if run.recovered_in_run:
            found.append(Recovery(run.run_id, failed_at, run.ended))
            continue
        later = next((r for r in runs[index + 1 :] if r.ok), None)
        found.append(Recovery(run.run_id, failed_at, later.ended if later is not None else None))
    return found


def summarise(target: str, runs: list[Run]) -> History:
    """The figures of ``runs`` (any order) of ``target``."""
    ordered = sorted(runs, key=lambda r: (r.started, r.run_id))
    by_command: dict[str, dict[str, int]] = {}
    for run in ordered:
        outcomes = by_command.setdefault(run.command, {})
        outcomes[run.outcome] = outcomes.get(run.outcome, 0) + 1
    recoveries = _recoveries(ordered)
    times = [r.seconds for r in recoveries if r.seconds is not None]
    successes = [r for r in ordered if r.ok]
    return History(
        target=target,
        runs=tuple(ordered),
        by_command=by_command,
        success_rate=len(successes) / len(ordered) if ordered else None,
        automatic_rollbacks=sum(1 for r in ordered if r.outcome in AUTOMATIC_ROLLBACK_OUTCOMES),
        manual_reverts=sum(1 for r in ordered if r.command == "revert"),
        release_rollbacks=sum(1 for r in ordered if r.command == "release rollback"),
        recoveries=tuple(recoveries),
        mean_time_to_recover=sum(times) / len(times) if times else None,
        worst_time_to_recover=max(times) if times else None,
        last_success=successes[-1] if successes else None,
    )
