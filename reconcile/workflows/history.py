"""``reconcile history``: the runs of a target from its journals, summarised by ``reconcile.history``.

Apply and revert runs are read from the journals beside their pre-apply / pre-revert snapshots (the
apply a release makes in its release environment belongs to the release, and is left out); releases
and release rollbacks from the target's ``releases.jsonl``.
"""

from __future__ import annotations

from reconcile.history import History, Run, summarise
from reconcile.journal import Finish, Interrupted, Journal, Record, ReleaseStep, Start, StepRecord, Verify, of_run
from reconcile.snapshots import JOURNAL_FILE, SnapshotInfo, read_metadata
from reconcile.workflows.project import Project
from reconcile.workflows.releasing import release_journal_path


def history(project: Project, target_name: str | None) -> History:
    target = project.config.target(target_name)
    runs = [run for info in project.store.list(target.name) if (run := _snapshot_run(info)) is not None]
    runs += _release_runs(Journal.records(release_journal_path(project.store, target.name)))
    return summarise(target.name, runs)


def _snapshot_run(info: SnapshotInfo) -> Run | None:
    """The apply or revert that started from this snapshot; None for other snapshots and release applies."""
    if info.kind not in ("pre-apply", "pre-revert"):
        return None
    records = Journal.records(info.path / JOURNAL_FILE)
    starts = [r for r in records if isinstance(r, Start)]
    if not starts or _in_release(info):
        return None
    start = starts[0]
    command = str(start.command or info.kind)
    return _run(start, of_run(records, start.run_id), info.created.timestamp(), command, info.id)


def _in_release(info: SnapshotInfo) -> bool:
    """Whether the snapshot was taken by the apply of a release (its metadata names the release run)."""
    metadata = read_metadata(info.path)
    return metadata is not None and "release" in metadata


def _run(start: Start, records: list[Record], started: float, command: str, detail: str) -> Run:
    times = [t for r in records if isinstance(t := getattr(r, "time", None), float | int)]
    finishes = [r for r in records if isinstance(r, Finish)]
    outcome = str(finishes[0].outcome) if finishes else "unfinished"
    failed = [t for r in records if (t := _failed_at(r)) is not None]
    switched = any(isinstance(r, ReleaseStep) and r.step == "switch" and r.result == "ok" for r in records)
    recovered = outcome == "rolled_back" or (command == "release" and outcome == "failed" and not switched)
    begin = float(start.time) if start.time is not None else started
    return Run(command, str(start.run_id), begin, float(max(times, default=begin)), outcome,
               failed[0] if failed else None, recovered, detail)  # fmt: skip


def _failed_at(record: Record) -> float | None:
    """The time of ``record`` when it is a failure of the run: a failed or refused step, a failed verification,
    or a signal that stopped the run (neither of the last two is a failed step)."""
    if isinstance(record, StepRecord | ReleaseStep):
        failed = record.result in ("failed", "refused")
    else:
        failed = isinstance(record, Interrupted) or (isinstance(record, Verify) and record.ok is False)
    time = getattr(record, "time", None)
    return float(time) if failed and time is not None else None


def _release_runs(records: list[Record]) -> list[Run]:
    runs = []
    for start in (r for r in records if isinstance(r, Start)):
        mine = of_run(records, start.run_id)
        steps = [r for r in mine if isinstance(r, ReleaseStep)]
        moved = [r.environment for r in steps if r.step in ("switch", "rollback") and r.result == "ok"]
        why = [f"{r.step} {r.result}" + (f": {r.detail}" if r.detail else "") for r in steps if r.result != "ok"]
        # where the run left the alias (the last move: a rolled-back release left it where it was), else why it failed
        detail = f"alias -> {moved[-1]}" if moved else (why[0] if why else "")
        runs.append(_run(start, mine, float(start.time or 0.0), str(start.command), detail))
    return runs
