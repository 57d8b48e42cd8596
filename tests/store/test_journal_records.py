"""The typed journal records: each kind writes the keys it was given, in its declared order, and reads
back as its class; lines of no known kind (or malformed) read back whole as ``OtherRecord``."""

from __future__ import annotations

import json
from pathlib import Path

from reconcile.journal import (
    Converged,
    CutOff,
    Finish,
    Interrupted,
    Journal,
    OtherRecord,
    Start,
    StepRecord,
    Verify,
    journal_state,
    parse_record,
)


def test_each_kind_writes_its_keys_in_order(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.append(Start(run_id="r", command="apply", target="t", snapshot="s", plan_hash=None))
    journal.append(StepRecord(run_id="r", seq=1, time=1.5, label="apply", phase="locales", step="create locale de",
                              request="create_locale de", result="ok", new_version=1, duration_ms=3, error=None))
    journal.append(Verify(run_id="r", seq=2, time=2.0, label="apply", phase="locales", ok=True, live="sha256:x"))
    journal.append(Interrupted(run_id="r", seq=3, time=3.0, label="apply", after_step=1))
    journal.append(Converged(run_id="r", label="rollback", complete=True, entries_restored=0, skipped=[], error=None))
    journal.append(Finish(run_id="r", outcome="failed", rollback=False))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == [
        '{"event": "start", "run_id": "r", "command": "apply", "target": "t", "snapshot": "s", "plan_hash": null}',
        '{"run_id": "r", "seq": 1, "time": 1.5, "event": "step", "label": "apply", "phase": "locales", '
        '"step": "create locale de", "request": "create_locale de", "result": "ok", "new_version": 1, '
        '"duration_ms": 3, "error": null}',
        '{"run_id": "r", "seq": 2, "time": 2.0, "event": "verify", "label": "apply", "phase": "locales", "ok": true, '
        '"live": "sha256:x"}',
        '{"run_id": "r", "seq": 3, "time": 3.0, "event": "interrupted", "label": "apply", "after_step": 1}',
        '{"event": "converged", "run_id": "r", "label": "rollback", "complete": true, "entries_restored": 0, '
        '"skipped": [], "error": null}',
        '{"event": "finish", "run_id": "r", "outcome": "failed", "rollback": false}',
    ]
    kinds = [type(record) for record in Journal.records(path)]
    assert kinds == [Start, StepRecord, Verify, Interrupted, Converged, Finish]
    assert journal_state(Journal.records(path)) == "failed"


def test_unknown_and_malformed_lines_read_back_whole() -> None:
    unknown = {"event": "rehearsed", "run_id": "r", "x": [1]}
    malformed = {"event": "step", "seq": "not a number"}
    no_event = {"run_id": "r", "seq": 1, "result": "ok"}
    for data in (unknown, malformed, no_event):
        record = parse_record(data)
        assert isinstance(record, OtherRecord) and record.line_data() == data
    old_start = parse_record({"event": "start", "run_id": "r", "by": "an older version"})
    assert isinstance(old_start, Start) and old_start.line_data() == {"event": "start", "run_id": "r",
                                                                      "by": "an older version"}
    assert json.dumps(CutOff(partial='{"se').line_data()) == '{"event": "cut_off", "partial": "{\\"se"}'
