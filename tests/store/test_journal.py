"""Tests of the apply journal: durable appends, crash-truncated reads, run states, unfinished runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconcile.errors import InputError, ReconcileError
from reconcile.journal import Journal, find_unfinished, journal_state
from reconcile.snapshots import SnapshotStore

EXPORT = {"contentTypes": [], "editorInterfaces": [], "entries": [], "locales": [{"sys": {"id": "l"}}]}


def test_append_and_read_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.append({"event": "start", "run_id": "r1"})
    journal.append(
        {
            "run_id": "r1",
            "seq": 1,
            "step": "publish content_types.blogPost",
            "result": "ok",
            "new_version": 3,
            "duration_ms": 12,
        }
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(line) for line in lines)
    records = Journal.read(path)
    assert records[0] == {"event": "start", "run_id": "r1"}
    assert records[1]["new_version"] == 3
    assert Journal.read(tmp_path / "absent.jsonl") == []


def test_truncated_last_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.append({"event": "start", "run_id": "r1"})
    journal.append({"run_id": "r1", "seq": 1, "result": "ok"})
    with open(path, "ab") as handle:  # the process died half-way through writing a record
        handle.write(b'{"run_id": "r1", "seq": 2, "resu')
    assert Journal.read(path) == [{"event": "start", "run_id": "r1"}, {"run_id": "r1", "seq": 1, "result": "ok"}]


def test_append_after_a_cut_off_line_keeps_every_line_whole(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_bytes(b'{"event": "start"}\n{"seq": 1, "res')
    Journal(path).append({"event": "finish", "outcome": "reverted"})
    assert Journal.read(path) == [
        {"event": "start"},
        {"event": "cut_off", "partial": '{"seq": 1, "res'},
        {"event": "finish", "outcome": "reverted"},
    ]
    assert journal_state(Journal.read(path)) == "rolled_back"


def test_damaged_middle_line_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text('{"event": "start"}\n[1, 2]\n{"event": "finish", "outcome": "complete"}\n')
    with pytest.raises(InputError) as info:
        Journal.read(path)
    assert info.value.problems[0].line == 2 and str(path) in str(info.value)


def test_unwritable_journal_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReconcileError) as info:
        Journal(tmp_path / "no-such-dir" / "journal.jsonl").append({"event": "start"})
    assert "cannot write the journal" in str(info.value)
    with pytest.raises(ReconcileError):
        Journal(tmp_path / "j.jsonl").append({"x": float("inf")})


@pytest.mark.parametrize(
    ("records", "state"),
    [
        ([], "unfinished"),
        ([{"event": "start"}], "unfinished"),
        ([{"event": "start"}, {"seq": 1, "result": "ok"}], "unfinished"),
        ([{"event": "start"}, {"event": "finish", "outcome": "complete"}], "complete"),
        ([{"event": "start"}, {"event": "finish", "outcome": "rolled_back"}], "rolled_back"),
        ([{"event": "start"}, {"event": "finish", "outcome": "failed", "rollback": False}], "failed"),
        ([{"event": "start"}, {"event": "finish", "outcome": "rollback_incomplete"}], "failed"),
        ([{"event": "start"}, {"event": "finish", "outcome": "reverted"}], "rolled_back"),
        # A later start without its finish: the last run is what counts.
        ([{"event": "start"}, {"event": "finish", "outcome": "complete"}, {"event": "start"}], "unfinished"),
    ],
)
def test_journal_state(records: list[dict[str, object]], state: str) -> None:
    assert journal_state(records) == state


def test_find_unfinished_names_only_runs_that_died(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    meta = {"space": "local", "environment": "master"}
    done = store.create("local", "pre-apply", EXPORT, meta)
    Journal(done.journal_path).append({"event": "start"})  # type: ignore[arg-type]
    Journal(done.journal_path).append({"event": "finish", "outcome": "complete"})  # type: ignore[arg-type]
    died = store.create("local", "pre-apply", EXPORT, meta)
    Journal(died.journal_path).append({"event": "start"})  # type: ignore[arg-type]
    Journal(died.journal_path).append({"seq": 1, "result": "ok"})  # type: ignore[arg-type]
    never_started = store.create("local", "pre-apply", EXPORT, meta)  # died before the first write
    revert_died = store.create("local", "pre-revert", EXPORT, meta)
    Journal(revert_died.journal_path).append({"event": "start"})  # type: ignore[arg-type]
    post = store.create("local", "post-apply", EXPORT, meta)
    other_target = store.create("prod", "pre-apply", EXPORT, meta)
    Journal(other_target.journal_path).append({"event": "start"})  # type: ignore[arg-type]

    found = [s.id for s in find_unfinished(store, "local")]
    assert found == [died.id, revert_died.id]
    assert never_started.id not in found and post.id not in found
    assert [s.id for s in find_unfinished(store, "prod")] == [other_target.id]


def test_find_unfinished_counts_a_damaged_journal(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    snap = store.create("local", "pre-apply", EXPORT, {})
    assert snap.journal_path is not None
    snap.journal_path.write_text('{"event": "start"}\nnot json\n{"event": "finish", "outcome": "complete"}\n')
    assert [s.id for s in find_unfinished(store, "local")] == [snap.id]
