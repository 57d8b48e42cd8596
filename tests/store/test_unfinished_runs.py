"""A died run stays unfinished only until a later run on the target completes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconcile.journal import Journal, find_unfinished
from reconcile.snapshots import Snapshot, SnapshotStore

EXPORT = {"contentTypes": [], "editorInterfaces": [], "entries": [], "locales": [{"sys": {"id": "l"}}]}


def run(store: SnapshotStore, kind: str, *records: dict[str, Any], target: str = "local") -> Snapshot:
    snap = store.create(target, kind, EXPORT, {})
    assert snap.journal_path is not None
    for record in ({"event": "start"}, *records):
        Journal(snap.journal_path).append(record)  # type: ignore[arg-type]
    return snap


def ids(store: SnapshotStore, target: str = "local") -> list[str]:
    return [s.id for s in find_unfinished(store, target)]


def test_a_later_completed_apply_or_revert_ends_it(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    died = run(store, "pre-apply", {"seq": 1, "result": "ok"})
    assert ids(store) == [died.id]
    run(store, "pre-apply", {"event": "finish", "outcome": "rolled_back"})  # a failed later apply: not the end
    assert ids(store) == [died.id]
    run(store, "pre-apply", {"event": "finish", "outcome": "complete"}, target="prod")  # another target
    assert ids(store) == [died.id]
    run(store, "pre-revert", {"event": "finish", "outcome": "complete"})
    assert ids(store) == []


def test_runs_that_died_after_the_last_completed_one_oldest_first(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    run(store, "pre-apply")
    run(store, "pre-apply", {"event": "finish", "outcome": "complete"})
    first = run(store, "pre-apply")
    second = run(store, "pre-revert")
    assert ids(store) == [first.id, second.id]
