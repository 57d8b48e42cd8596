"""The apply journal: an append-only JSON-lines record of every step of a run, beside its snapshot.

Each ``append`` writes one complete line and fsyncs it before returning, so after a crash the journal
holds every step that was acknowledged, plus at most one cut-off last line, which ``Journal.read``
ignores (and which the next ``append`` turns into a ``cut_off`` record keeping its text).

Every record kind is a class below (``Start``, ``StepRecord``, ``Verify``, ``Interrupted``,
``Converged``, ``Finish``, ``CutOff``), written and read only here. A record is written with the keys
it was given, in the order its class declares them; a line of another kind, or one an older version
wrote, reads back as an ``OtherRecord`` keeping its keys.

A run is bracketed by ``Start`` and ``Finish``; a start without a finish means the process died
mid-run, and ``find_unfinished`` names the snapshots whose runs did, so the next ``plan`` or ``apply``
can point at the ``reconcile revert`` that undoes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .errors import InputError, Problem, ReconcileError
from .fsio import fsync_dir
from .snapshots import JOURNAL_FILE, Snapshot, SnapshotInfo, SnapshotStore

JournalState = Literal["complete", "rolled_back", "failed", "unfinished"]
# Snapshot kinds whose journal records a run that changes the target.
RUN_SNAPSHOT_KINDS = ("pre-apply", "pre-revert")


class Record(BaseModel):
    """A journal line. Fields left out when the record was made are left out of the line too."""

    model_config = ConfigDict(frozen=True, extra="allow")

    def line_data(self) -> dict[str, Any]:
        """The JSON object written for this record: its event, the fields given, unknown keys kept."""
        given = self.model_fields_set | {"event"}
        return {key: value for key, value in self.model_dump().items() if key in given}


class Start(Record):
    """A run (apply or revert) begins: its pre-apply/pre-revert snapshot is ``snapshot``."""

    event: Literal["start"] = "start"
    run_id: str | None = None
    command: str | None = None
    target: str | None = None
    snapshot: str | None = None
    plan_hash: str | None = None
    reverting_to: str | None = None
    time: float | None = None


class _Numbered(Record):
    """A record of the executor: numbered within the run and timed (wall clock)."""

    run_id: str | None = None
    seq: int | None = None
    time: float | None = None


class StepRecord(_Numbered):
    """One step carried out (or failed): the request it sent and what came back."""

    event: Literal["step"] = "step"
    label: str | None = None
    phase: str | None = None
    step: str | None = None
    request: str | None = None
    result: Literal["ok", "failed"] | None = None
    new_version: int | None = None
    duration_ms: int | None = None
    error: str | None = None


class Verify(_Numbered):
    """The re-read after a phase, and whether it fingerprints as the phase's expected model."""

    event: Literal["verify"] = "verify"
    label: str | None = None
    phase: str | None = None
    ok: bool | None = None
    live: str | None = None


class Interrupted(_Numbered):
    """A signal (``signal``: Ctrl-C, SIGTERM, SIGHUP) stopped the execution after ``after_step`` steps:
    no step started after it; the steps in flight finished and were journalled before this record."""

    event: Literal["interrupted"] = "interrupted"
    label: str | None = None
    after_step: int | None = None
    signal: str | None = None


class Converged(Record):
    """A rollback or revert convergence ended: complete or not, and the entries it restored."""

    event: Literal["converged"] = "converged"
    run_id: str | None = None
    label: str | None = None
    complete: bool | None = None
    entries_restored: int | None = None
    skipped: list[str] | None = None
    error: str | None = None
    #: Entries someone else wrote during the run (or since it): their values and publish state were kept.
    left_alone: list[str] | None = None


class EntryWrite(Record):
    """One entry write of a run (``reconcile.entry_journal``): ``start`` before its first request (the version
    it starts from, the state it leads to, how many requests it sends, which of them is the PUT, a digest of
    the values the PUT sends, and whether they replace the values from a plan), ``done`` after its last
    (the version it left). A ``start`` without a ``done`` is a write that failed or was cut short."""

    event: Literal["entry_write"] = "entry_write"
    run_id: str | None = None
    at: Literal["start", "done"] | None = None
    entry: str | None = None
    content_type: str | None = None
    version: int | None = None
    state: str | None = None
    requests: int | None = None
    put_at: int | None = None
    digest: str | None = None
    values: bool | None = None


class Conversion(Record):
    """A field conversion a run is about to make (``reconcile.resume``): the converted field of ``content_type``
    and the temporary field of the new type it goes through. Journalled before the run's first step, so that
    the next plan recognises the temporary field as the tool's own when the run dies half-way."""

    event: Literal["conversion"] = "conversion"
    run_id: str | None = None
    content_type: str | None = None
    field: str | None = None
    temporary: str | None = None
    to_type: str | None = None


class Finish(Record):
    """A run ended: ``complete``, ``failed``, ``rolled_back``, ``rollback_incomplete`` or ``reverted``."""

    event: Literal["finish"] = "finish"
    run_id: str | None = None
    outcome: str | None = None
    post_snapshot: str | None = None
    rollback: bool | None = None
    reverted_by: str | None = None
    time: float | None = None


class ReleaseStep(Record):
    """One step of a release or of a release rollback (``workflows/release.py``): what it did to which
    environment, and whether it worked (``ok``), failed, or refused to go on (``refused``)."""

    event: Literal["release_step"] = "release_step"
    run_id: str | None = None
    step: str | None = None
    result: Literal["ok", "failed", "refused"] | None = None
    environment: str | None = None
    previous: str | None = None
    detail: str | None = None
    time: float | None = None


class CutOff(Record):
    """The text of a line cut off by a crash, put back as a whole line by the next append."""

    event: Literal["cut_off"] = "cut_off"
    partial: str = ""


class OtherRecord(Record):
    """A line of no known kind (or one an older version wrote): its keys, as they were."""

    def line_data(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


KnownRecord = Annotated[
    Start | StepRecord | Verify | Interrupted | Converged | Finish | CutOff | ReleaseStep | EntryWrite
    | Conversion,
    Field(discriminator="event"),
]
_KNOWN: TypeAdapter[KnownRecord] = TypeAdapter(KnownRecord)


def parse_record(data: Mapping[str, Any]) -> Record:
    """The record a JSON object of the journal holds; an unknown or malformed one is an ``OtherRecord``."""
    try:
        return _KNOWN.validate_python(data)
    except ValidationError:
        return OtherRecord.model_validate(data)


class Journal:
    """Appends records to one ``journal.jsonl``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, record: Record | Mapping[str, Any]) -> None:
        """Write ``record`` (a plain mapping is read as the record it holds) as one JSON line and fsync it.
        Raises ``ReconcileError`` if it cannot."""
        fields = (record if isinstance(record, Record) else parse_record(record)).line_data()
        try:
            line = json.dumps(fields, ensure_ascii=False, allow_nan=False, default=str) + "\n"
        except ValueError as exc:
            raise ReconcileError(f"journal record is not valid JSON: {exc}") from None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                size = os.fstat(fd).st_size
                data = _replace_cut_off_tail(fd, size) + line.encode("utf-8")
                while data:
                    data = data[os.write(fd, data) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            if not size:
                fsync_dir(self.path.parent)  # the journal file itself was just created
        except OSError as exc:
            raise ReconcileError(
                f"cannot write the journal {self.path}: {exc.strerror or exc}",
                hint="check disk space and permissions of the snapshots folder",
            ) from None

    @staticmethod
    def read(path: Path) -> list[dict[str, Any]]:
        """All records of a journal, in order. A missing file has none.

        A cut-off last line (a crash mid-write) is ignored; an unreadable line anywhere else means the
        file was damaged, and raises ``InputError`` naming the file and line.
        """
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise InputError(
                [Problem(str(path), "", f"cannot read: {exc.strerror or exc}", "check its permissions")]
            ) from None
        lines = text.split("\n")
        records = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if isinstance(record, dict):
                records.append(record)
            elif number != len(lines):
                # Not the unterminated tail: a damaged line with complete lines after it.
                raise InputError(
                    [
                        Problem(
                            str(path),
                            "",
                            "not a JSON object record; the journal is damaged",
                            "inspect it by hand; the snapshot beside it is still a valid revert target",
                            line=number,
                        )
                    ],
                    summary=f"unreadable journal {path}",
                )
        return records

    @staticmethod
    def records(path: Path) -> list[Record]:
        """``read``, each line as its record."""
        return [parse_record(data) for data in Journal.read(path)]


def of_run(records: Iterable[Record], run_id: str | None) -> list[Record]:
    """The records of run ``run_id`` (a journal may hold several runs, as ``releases.jsonl`` does)."""
    return [r for r in records if getattr(r, "run_id", None) == run_id]


def _replace_cut_off_tail(fd: int, size: int) -> bytes:
    """When the file ends in a line cut off by a crash (never acknowledged: ``append`` fsyncs before it
    returns), remove it and return a ``cut_off`` record keeping its text, so the journal stays whole
    lines of JSON. Otherwise return nothing."""
    if not size or os.pread(fd, 1, size - 1) == b"\n":
        return b""
    content = os.pread(fd, size, 0)
    keep = content.rfind(b"\n") + 1
    os.ftruncate(fd, keep)
    partial = content[keep:].decode("utf-8", errors="replace")
    return (json.dumps(CutOff(partial=partial).line_data(), ensure_ascii=False) + "\n").encode("utf-8")


def journal_of(snapshot: Snapshot) -> Journal:
    """The journal beside a snapshot the tool wrote (a run's starting point)."""
    path = snapshot.journal_path
    assert path is not None  # only plain export files have none, and the tool never writes those
    return Journal(path)


def journal_state(records: Iterable[Record | Mapping[str, Any]]) -> JournalState:
    """The state of the last run in ``records``.

    ``complete`` is the finish outcome of that name; ``rolled_back`` also covers ``reverted`` (a died
    run later undone by ``reconcile revert``); any other finish outcome (``failed``,
    ``rollback_incomplete``...) is ``failed``; a start with no finish after it, or no start
    at all, is ``unfinished``.
    """
    typed = [r if isinstance(r, Record) else parse_record(r) for r in records]
    starts = [i for i, r in enumerate(typed) if isinstance(r, Start)]
    if not starts:
        return "unfinished"
    finishes = [r for r in typed[starts[-1] :] if isinstance(r, Finish)]
    if not finishes:
        return "unfinished"
    outcome = finishes[-1].outcome
    if outcome == "complete":
        return "complete"
    if outcome in ("rolled_back", "reverted"):
        return "rolled_back"
    return "failed"


def find_unfinished(store: SnapshotStore, target: str, running_since: datetime | None = None) -> list[Snapshot]:
    """Pre-apply and pre-revert snapshots of ``target`` whose journal has a start but no finish after
    it: runs that died mid-way, oldest first. Each snapshot is the state before its run, so ``reconcile
    revert <id>`` restores it. A later run on the target that completed ends them: it started from the
    state they left and brought the target to a known one, so only the runs that died since the last
    completed run are returned. A journal too damaged to read is counted as unfinished (the safe
    assumption). Only the snapshots found are loaded (and verified): a damaged one raises, as it is the
    revert target. ``running_since``: when a run that holds the target's apply lock now took it; the runs
    started since are in progress, not dead."""
    return [store.load(info.id, target) for info in unfinished_runs(store, target)
            if running_since is None or info.created < running_since]


def unfinished_runs(store: SnapshotStore, target: str) -> list[SnapshotInfo]:
    """The snapshots ``find_unfinished`` returns, as listed (none loaded)."""
    found: list[SnapshotInfo] = []
    for info in store.list(target):
        state = _run_state(info) if info.kind in RUN_SNAPSHOT_KINDS else None
        if state == "complete":
            found = []
        elif state == "unfinished":
            found.append(info)
    return found


def _run_state(info: SnapshotInfo) -> JournalState | None:
    """The state of the run that started from snapshot ``info``; None when no run started from it."""
    try:
        records = Journal.records(info.path / JOURNAL_FILE)
    except InputError:
        return "unfinished"
    return journal_state(records) if any(isinstance(r, Start) for r in records) else None
