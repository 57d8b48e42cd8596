"""The temporary fields of conversions that runs left unfinished, read from their journals and snapshots, for
the next plan to resume them (:mod:`reconcile.resume`).

The runs read are those since the last completed run on the target that died (no finish) or failed (a
rollback cut short may leave the temporary field); one rolled back completely left nothing. A conversion a run
journalled (``Conversion``) counts when its temporary field was not in the content type of that run's pre-apply (or
pre-revert) snapshot: then the field appeared during or after that run, as the tool's own. The snapshot is
loaded (and verified) only for a run that journalled a conversion.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from reconcile.backend import Backend
from reconcile.entry_journal import finishing_state, last_writes
from reconcile.errors import InputError, ReconcileError
from reconcile.journal import (
    RUN_SNAPSHOT_KINDS,
    Conversion,
    EntryWrite,
    Journal,
    Record,
    StepRecord,
    journal_state,
)
from reconcile.plan import Plan
from reconcile.resume import LeftTemporary
from reconcile.snapshots import JOURNAL_FILE, SnapshotInfo, SnapshotStore
from reconcile.steps import WriteEntries


def _not_completed(store: SnapshotStore, target: str) -> list[tuple[SnapshotInfo, list[Record]]]:
    """The runs on ``target`` since its last completed run that did not complete, with their records, oldest
    first: only the journals from the newest back to the last completed run are read."""
    runs: list[tuple[SnapshotInfo, list[Record]]] = []
    for info in reversed(store.list(target)):
        if info.kind not in RUN_SNAPSHOT_KINDS:
            continue
        if _ends_complete(info.path / JOURNAL_FILE):
            break
        try:
            records = Journal.records(info.path / JOURNAL_FILE)
        except InputError:
            continue  # damaged: what it did cannot be told; the fields and entries are planned as any other
        state = journal_state(records)
        if state == "complete":
            break
        if state != "rolled_back":  # a complete rollback (or revert) removed what the run created
            runs.append((info, records))
    return runs[::-1]


def _ends_complete(path: Path) -> bool:
    """Whether the journal's last line is a ``finish`` whose outcome is ``complete`` (then its run completed),
    read from its tail alone: a plan after a completed apply of 1,000 content types does not parse its
    thousands of step records (about 30 ms) only to find that."""
    try:
        with path.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - 4096))
            last = file.read().rstrip(b"\n").rpartition(b"\n")[2]
        record = json.loads(last)
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and record.get("event") == "finish" and record.get("outcome") == "complete"


@dataclass(frozen=True)
class LeftWork:
    """What runs since the target's last completed run left unfinished: the temporary fields of their
    conversions (the tool's own), and per entry the start of a plan's entry write (a conversion's, a fill's)
    never finished (no ``done``), whose state the next write of that entry completes (``EntryWriter``) when the
    live entry is where it left it."""

    temporaries: list[LeftTemporary] = field(default_factory=list)
    cut_short: dict[str, EntryWrite] = field(default_factory=dict)


NO_WORK = LeftWork()


def left_work(store: SnapshotStore, target: str) -> LeftWork:
    """The unfinished work of the runs on ``target`` since its last completed run, oldest first."""
    found: dict[tuple[str, str, str], LeftTemporary] = {}
    cut_short: dict[str, EntryWrite] = {}
    for info, records in _not_completed(store, target):
        for record in (r for r in records if isinstance(r, Conversion)):
            if record.content_type and record.field and record.temporary and record.to_type:
                key = (record.content_type, record.field, record.temporary)
                if key not in found and _absent_before(store, info, record.content_type, record.temporary):
                    put = f"put_content_type {record.content_type}"
                    acknowledged = any(isinstance(r, StepRecord) and r.request == put and r.result == "ok"
                                       for r in records)
                    found[key] = LeftTemporary(*key, record.to_type, _described(info), acknowledged)
        for entry_id, last in last_writes(records).items():
            if last.at == "start" and last.values:
                cut_short[entry_id] = last
            else:
                cut_short.pop(entry_id, None)
    return LeftWork(list(found.values()), cut_short)


def cut_short_for(store: SnapshotStore, target: str, plan: Plan) -> dict[str, EntryWrite]:
    """``left_work``'s cut-short entry writes, read only when ``plan`` writes entries."""
    writes = any(isinstance(s, WriteEntries) for phase in plan.phases for s in phase.steps)
    return left_work(store, target).cut_short if writes else {}


def cut_short_notes(backend: Backend, cut_short: Mapping[str, EntryWrite], plan: Plan) -> list[str]:
    """One note per entry the plan writes whose write a died run cut short between its PUT and its publish
    (``entry_journal.finishing_state``): the apply leaves it as that run would have. The entries of a content
    type are read only when such a write of one of them is journalled."""
    notes: list[str] = []
    written = sorted({s.resource_id for phase in plan.phases for s in phase.steps if isinstance(s, WriteEntries)})
    for ct_id in written:
        starts = {entry_id: w for entry_id, w in cut_short.items() if w.content_type == ct_id}
        for entry in backend.fetch_entries(ct_id) if starts else ():
            state = finishing_state(starts[entry.id], entry) if entry.id in starts else None
            if state is not None:
                notes.append(f"entry {entry.id} of {ct_id}: a run that died wrote it and stopped before leaving it "
                             f"{state}; this apply writes it again and leaves it {state}, as it was")
    return notes


def _described(info: SnapshotInfo) -> str:
    """``the apply of 2026-12-05 11:38:48 UTC (pre-apply snapshot 20261205T113848Z-631282)``."""
    command = "revert" if info.kind == "pre-revert" else "apply"
    when = info.created.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"the {command} of {when} ({info.kind} snapshot {info.id})"


def _absent_before(store: SnapshotStore, info: SnapshotInfo, ct_id: str, field_id: str) -> bool:
    """Whether the snapshot the run started from lacks ``field_id`` in content type ``ct_id``."""
    try:
        export = store.load(info.id, info.target).export
    except ReconcileError:
        return False
    for ct in export.get("contentTypes", []):
        if isinstance(ct, dict) and isinstance(ct.get("sys"), dict) and ct["sys"].get("id") == ct_id:
            fields = ct.get("fields")
            return not any(isinstance(f, dict) and f.get("id") == field_id for f in fields or [])
    return True
