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
from datetime import UTC
from pathlib import Path

from reconcile.entry_journal import last_writes
from reconcile.errors import InputError, ReconcileError
from reconcile.journal import RUN_SNAPSHOT_KINDS, Conversion, EntryWrite, Journal, Record, journal_state
from reconcile.resume import LeftTemporary
from reconcile.snapshots import JOURNAL_FILE, SnapshotInfo, SnapshotStore


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


def left_temporaries(store: SnapshotStore, target: str) -> list[LeftTemporary]:
    """The conversions runs on ``target`` left unfinished since its last completed run, oldest first."""
    found: dict[tuple[str, str, str], LeftTemporary] = {}
    for info, records in _not_completed(store, target):
        for record in (r for r in records if isinstance(r, Conversion)):
            if record.content_type and record.field and record.temporary and record.to_type:
                key = (record.content_type, record.field, record.temporary)
                if key not in found and _absent_before(store, info, record.content_type, record.temporary):
                    found[key] = LeftTemporary(*key, record.to_type, _described(info))
    return list(found.values())


def cut_short_writes(store: SnapshotStore, target: str) -> dict[str, EntryWrite]:
    """Per entry, the start of a plan's entry write (a conversion's, a fill's) that a run since the target's
    last completed run began and never finished (no ``done``): the state it was leading the entry to is the
    one the next write of that entry completes (``EntryWriter``), when the live entry is where it left it."""
    found: dict[str, EntryWrite] = {}
    for _, records in _not_completed(store, target):
        for entry_id, last in last_writes(records).items():
            if last.at == "start" and last.values:
                found[entry_id] = last
            else:
                found.pop(entry_id, None)
    return found


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
