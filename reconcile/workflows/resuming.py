"""The temporary fields of conversions that runs left unfinished, read from their journals and snapshots, for
the next plan to resume them (:mod:`reconcile.resume`).

The runs read are those since the last completed run on the target that did not complete: died (no finish),
failed, or rolled back (a rollback cut short may leave the temporary field). A conversion a run journalled
(``Conversion``) counts when its temporary field was not in the content type of that run's pre-apply (or
pre-revert) snapshot: then the field appeared during or after that run, as the tool's own. The snapshot is
loaded (and verified) only for a run that journalled a conversion.
"""

from __future__ import annotations

from reconcile.errors import InputError, ReconcileError
from reconcile.journal import RUN_SNAPSHOT_KINDS, Conversion, Journal, journal_state
from reconcile.resume import LeftTemporary
from reconcile.snapshots import JOURNAL_FILE, SnapshotInfo, SnapshotStore


def left_temporaries(store: SnapshotStore, target: str) -> list[LeftTemporary]:
    """The conversions runs on ``target`` left unfinished since its last completed run, oldest first."""
    runs: list[tuple[SnapshotInfo, list[Conversion]]] = []
    for info in store.list(target):
        if info.kind not in RUN_SNAPSHOT_KINDS:
            continue
        try:
            records = Journal.records(info.path / JOURNAL_FILE)
        except InputError:
            continue  # damaged: its conversions cannot be told; their fields are planned as any other
        if journal_state(records) == "complete":
            runs = []
        else:
            runs.append((info, [r for r in records if isinstance(r, Conversion)]))
    found: dict[tuple[str, str, str], LeftTemporary] = {}
    for info, conversions in runs:
        for record in conversions:
            if record.content_type and record.field and record.temporary and record.to_type:
                key = (record.content_type, record.field, record.temporary)
                if key not in found and _absent_before(store, info, record.content_type, record.temporary):
                    found[key] = LeftTemporary(*key, record.to_type, info.id)
    return list(found.values())


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
