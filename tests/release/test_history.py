"""`reconcile history`: the figures of a journal of known runs (reconcile/history.py, workflows/history.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile.cli import app
from reconcile.history import Run, summarise

T0 = 1_700_000_000.0


def test_figures_of_known_runs() -> None:
    runs = [
        Run("apply", "a1", T0, T0 + 10, "complete"),
        Run("apply", "a2", T0 + 100, T0 + 130, "rolled_back", failed_at=T0 + 120, recovered_in_run=True),
        Run("release", "r1", T0 + 200, T0 + 260, "failed", failed_at=T0 + 250),
        Run("revert", "v1", T0 + 300, T0 + 340, "complete"),
        Run("release", "r2", T0 + 400, T0 + 450, "complete", detail="alias -> release-2"),
    ]
    history = summarise("prod", list(reversed(runs)))
    assert [r.run_id for r in history.runs] == ["a1", "a2", "r1", "v1", "r2"]
    assert history.by_command == {"apply": {"complete": 1, "rolled_back": 1}, "release": {"failed": 1, "complete": 1},
                                  "revert": {"complete": 1}}
    assert history.success_rate == pytest.approx(3 / 5)
    assert (history.automatic_rollbacks, history.manual_reverts) == (1, 1)
    # a2: failed at +120, rolled back by +130 (10 s); r1: failed at +250, back when v1 completed at +340 (90 s)
    assert [r.seconds for r in history.recoveries] == [10.0, 90.0]
    assert history.mean_time_to_recover == pytest.approx(50.0)
    assert history.worst_time_to_recover == pytest.approx(90.0)
    assert history.last_success is not None and history.last_success.run_id == "r2"


def test_an_unrecovered_failure_has_no_time(tmp_path: Path) -> None:
    history = summarise("prod", [Run("apply", "a", T0, T0 + 5, "failed")])
    assert history.recoveries[0].recovered_at is None
    assert history.mean_time_to_recover is None and history.success_rate == 0


def _journal(root: Path, lines: list[dict[str, object]]) -> None:
    folder = root / "snapshots" / "prod"
    folder.mkdir(parents=True)
    (folder / "releases.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))


def test_history_command_reads_the_release_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "reconcile.toml").write_text(
        '[project]\ndefault_target = "prod"\n[targets.prod]\nkind = "contentful"\nspace_id = "s"\nalias = "master"\n')
    _journal(tmp_path, [
        {"event": "start", "run_id": "r1", "command": "release", "target": "prod", "time": T0},
        {"event": "release_step", "run_id": "r1", "step": "clone", "result": "failed", "time": T0 + 30},
        {"event": "finish", "run_id": "r1", "outcome": "failed", "time": T0 + 40},
        {"event": "start", "run_id": "r2", "command": "release", "target": "prod", "time": T0 + 100},
        {"event": "release_step", "run_id": "r2", "step": "switch", "result": "ok", "environment": "release-b",
         "previous": "main", "time": T0 + 150},
        {"event": "release_step", "run_id": "r2", "step": "verify", "result": "failed", "time": T0 + 160},
        {"event": "release_step", "run_id": "r2", "step": "rollback", "result": "ok", "environment": "main",
         "time": T0 + 165},
        {"event": "finish", "run_id": "r2", "outcome": "rolled_back", "time": T0 + 166},
        {"event": "start", "run_id": "r3", "command": "release rollback", "target": "prod", "time": T0 + 200},
        {"event": "release_step", "run_id": "r3", "step": "rollback", "result": "ok", "environment": "main",
         "time": T0 + 201},
        {"event": "finish", "run_id": "r3", "outcome": "complete", "time": T0 + 202},
    ])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["history", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["by_command"] == {"release": {"failed": 1, "rolled_back": 1}, "release rollback": {"complete": 1}}
    assert data["automatic_rollbacks"] == 1 and data["release_rollbacks"] == 1
    # r1 failed before any switch: the alias never left main (recovered at its end, 10 s after the failure);
    # r2 rolled itself back 6 s after its verification failed.
    assert data["worst_time_to_recover_seconds"] == pytest.approx(10.0)
    assert data["mean_time_to_recover_seconds"] == pytest.approx(8.0)
    assert data["last_success"]["command"] == "release rollback"
    # where the alias was left (r2 rolled back: main, not release-b), or why a run that never moved it failed
    assert [run["detail"] for run in data["runs"]] == ["clone failed", "alias -> main", "alias -> main"]
    text = CliRunner().invoke(app, ["history"])
    assert text.exit_code == 0 and "Success rate: 33%" in text.stdout


def test_history_text_rows_without_detail_have_no_trailing_spaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "reconcile.toml").write_text(
        '[project]\ndefault_target = "prod"\n[targets.prod]\nkind = "contentful"\nspace_id = "s"\nalias = "master"\n')
    _journal(tmp_path, [
        {"event": "start", "run_id": "r1", "command": "release", "target": "prod", "time": T0},
        {"event": "finish", "run_id": "r1", "outcome": "complete", "time": T0 + 40},
    ])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["history"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "release" in line and "complete" in line]
    assert rows and all(line == line.rstrip() for line in result.stdout.splitlines())


def _apply_run(root: Path, snapshot_id: str, run_id: str, records: list[dict[str, object]]) -> None:
    """The pre-apply snapshot folder of an apply that rolled itself back, with its journal."""
    folder = root / "snapshots" / "prod" / snapshot_id
    folder.mkdir(parents=True)
    (folder / "metadata.json").write_text(json.dumps({"kind": "pre-apply", "created": "2023-11-14T22:13:20+00:00"}))
    lines = [{"event": "start", "run_id": run_id, "command": "apply", "target": "prod", "snapshot": snapshot_id},
             *({"run_id": run_id, **record} for record in records),
             {"event": "converged", "run_id": run_id, "label": "rollback", "complete": True},
             {"event": "finish", "run_id": run_id, "outcome": "rolled_back"}]
    (folder / "journal.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))


def test_time_to_recover_runs_from_a_signal_or_a_failed_verification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Found in the trial: an apply stopped by Ctrl-C (or whose verification failed) has no failed step, and its
    # recovery counted from the end of its own rollback: 0.0 s, however long the rollback took.
    (tmp_path / "reconcile.toml").write_text(
        '[project]\ndefault_target = "prod"\n[targets.prod]\nkind = "contentful"\nspace_id = "s"\n')
    step = {"event": "step", "label": "apply", "phase": "content_types", "step": "update content type a",
            "result": "ok"}
    rollback_verified = {"event": "verify", "label": "rollback", "phase": "content_types", "ok": True}
    _apply_run(tmp_path, "20231114T221320Z-aaaaaa", "a1", [
        {**step, "seq": 1, "time": T0 + 1},
        {"event": "interrupted", "seq": 2, "time": T0 + 2, "label": "apply", "after_step": 1, "signal": "SIGINT"},
        {**step, "seq": 1, "time": T0 + 5, "label": "rollback"},
        {**rollback_verified, "seq": 2, "time": T0 + 8}])
    _apply_run(tmp_path, "20231114T221420Z-bbbbbb", "a2", [
        {**step, "seq": 1, "time": T0 + 101},
        {"event": "verify", "seq": 2, "time": T0 + 103, "label": "apply", "phase": "content_types", "ok": False},
        {**step, "seq": 1, "time": T0 + 106, "label": "rollback"},
        {**rollback_verified, "seq": 2, "time": T0 + 110}])
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["history", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["automatic_rollbacks"] == 2
    # a1: interrupted at +2, back at its starting state at +8; a2: verification failed at +103, back at +110
    assert data["worst_time_to_recover_seconds"] == pytest.approx(7.0)
    assert data["mean_time_to_recover_seconds"] == pytest.approx(6.5)
