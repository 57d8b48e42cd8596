"""`reconcile unlock` says what it did: it names the holder of the lock it removed, and says so when the
target was not locked instead of claiming a removal (found in a newcomer trial: `Removed lock ….` twice in a
row, with no lock there)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from reconcile.cli import OK, app
from reconcile.lock import ApplyLock
from reconcile.workflows.project import load_project


def unlock(root: Path) -> tuple[int, str]:
    (root / "reconcile.toml").write_text('[targets.local]\nkind = "local"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["unlock", "--config", str(root / "reconcile.toml")], env={"NO_COLOR": "1"})
    return result.exit_code, result.stderr


def test_unlock_without_a_lock_says_there_was_none(tmp_path: Path) -> None:
    code, err = unlock(tmp_path)
    assert code == OK
    assert err == "Target 'local' is not locked: nothing to remove.\n"


def test_unlock_names_the_holder_it_removed(tmp_path: Path) -> None:
    unlock(tmp_path)
    project = load_project(tmp_path / "reconcile.toml", None, tmp_path)
    path = project.lock_path(project.config.target("local"))
    ApplyLock(path, "local", "apply").__enter__()  # a run that died holding it
    code, err = unlock(tmp_path)
    assert code == OK
    assert err.startswith(f"Removed lock {path} (held by apply, pid ")
    assert not path.exists()
    assert unlock(tmp_path) == (OK, "Target 'local' is not locked: nothing to remove.\n")
