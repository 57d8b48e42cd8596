"""The local target keeps its space in SQLite (issue 16): it survives between commands, an older
state.json is migrated, and a damaged store is one clear error, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile.cli import CHANGES, ERROR, OK, app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "models", tmp_path / "models")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_local_space_persists_between_commands(project: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["plan"]).exit_code == CHANGES
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    assert (project / ".reconcile" / "local" / "local" / "store.sqlite3").is_file()
    assert runner.invoke(app, ["plan"]).exit_code == OK


def test_a_damaged_local_store_is_one_error_with_a_fix(project: Path) -> None:
    data = project / ".reconcile" / "local" / "local"
    data.mkdir(parents=True)
    (data / "store.sqlite3").write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(app, ["plan"])
    assert result.exit_code == ERROR
    assert "Error: the local target's data in" in result.output and "fix: move" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
