"""Rough edges of the local target, with real processes (issue 16, third round):

- its store (``store.sqlite3`` and SQLite's ``-wal`` and ``-shm``) is readable by its owner only, as
  ``state.json`` was; a store made readable by all before is made private;
- its emulator child killed mid-apply: one ``Error:`` line naming it, with a ``fix:``, no connection error
  of the HTTP library; the journal says what happened and the pre-apply snapshot restores the start;
- a second command on a busy local target says on stderr, once, that it waits for the other command;
- ``rehearse --offline`` runs its throwaway server in a child process, not in the tool's.

No timing assertion: each wait is for a condition, with a generous timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from reconcile.declared import write_models
from reconcile.emulator.child import hold_data_dir
from tests.cli.test_local_process import RECONCILE, apply_150_and, emulators_in, project, records, run, wait_for
from tests.performance.models import numbered

__all__ = ["project"]  # the fixture, shared with test_local_process

STORE_FILES = ("store.sqlite3", "store.sqlite3-wal", "store.sqlite3-shm")


def data_dir(root: Path) -> Path:
    return root / ".reconcile" / "local" / "local"


def modes(root: Path) -> dict[str, int]:
    return {name: (data_dir(root) / name).stat().st_mode & 0o777 for name in STORE_FILES
            if (data_dir(root) / name).exists()}  # fmt: skip


@pytest.mark.slow
def test_the_local_store_is_readable_by_its_owner_only(project: Path) -> None:
    write_models(numbered(2), project / "models")
    previous = os.umask(0o022)
    try:
        assert run(project, "apply", "--auto-approve").returncode == 0
        found = modes(project)
        assert "store.sqlite3" in found and set(found.values()) == {0o600}, found
        for name in found:  # as a version before this one left them
            (data_dir(project) / name).chmod(0o644)
        assert run(project, "plan").returncode == 0
    finally:
        os.umask(previous)
    assert set(modes(project).values()) == {0o600}


@pytest.mark.slow
def test_a_killed_local_server_mid_apply_is_one_error_and_the_start_can_be_restored(
    project: Path, tmp_path: Path
) -> None:
    def kill_its_server(tool: subprocess.Popen[bytes]) -> None:
        [child] = emulators_in(project)
        os.kill(child, signal.SIGKILL)

    err_path = tmp_path / "stderr.txt"
    journal, code = apply_150_and(project, err_path, kill_its_server)
    stderr = err_path.read_text(errors="replace")
    assert code == 1, stderr
    for raw in ("ConnectionError", "HTTPConnectionPool", "Errno", "Traceback"):
        assert raw not in stderr
    stopped = "the local target's server stopped during the command (killed by SIGKILL)"
    assert [line for line in stderr.splitlines() if line.startswith("Error:")] == [f"Error: {stopped}"]
    assert stderr.splitlines()[-1].startswith("  fix: each write it answered is kept; run the command again")
    events = records(journal)
    assert any(r["event"] == "step" and r["result"] == "failed" and stopped in r["error"] for r in events)
    assert [r["complete"] for r in events if r["event"] == "converged"] == [False]
    assert events[-1]["event"] == "finish" and events[-1]["outcome"] == "rollback_incomplete"
    start = next(r for r in events if r["event"] == "start")["snapshot"]
    assert start in stderr  # named above the error: "rolling back to snapshot ..."
    restored = run(project, "revert", start, "--auto-approve")
    assert restored.returncode == 0, restored.stderr
    plan = run(project, "plan")
    assert plan.returncode == 2 and "150 to add, 0 to change, 0 to destroy" in plan.stdout


@pytest.mark.slow
def test_a_command_on_a_busy_local_target_says_once_that_it_waits(project: Path, tmp_path: Path) -> None:
    write_models(numbered(1), project / "models")
    err_path = tmp_path / "stderr.txt"
    waiting = "Waiting for another command on the local target to end"
    with hold_data_dir(data_dir(project)):  # another command's server, in this process
        with err_path.open("wb") as err:
            tool = subprocess.Popen([*RECONCILE, "plan"], cwd=project, stdout=subprocess.DEVNULL, stderr=err)
        try:
            wait_for(lambda: waiting in err_path.read_text(errors="replace") or tool.poll() is not None,
                     "the waiting note")
        finally:
            if tool.poll() is not None:
                pytest.fail(f"the command ended while the data was held: {err_path.read_text()}")
    assert tool.wait(timeout=300) == 2  # the other command ended within the wait: this one went on
    stderr = err_path.read_text(errors="replace")
    assert stderr.count(waiting) == 1 and "Error" not in stderr, stderr


RECORD_EMULATOR_IMPORT = """
import atexit, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(str("reconcile.emulator.server" in sys.modules)))
sys.argv = ["reconcile", *sys.argv[2:]]
from reconcile.cli import main
main()
"""


@pytest.mark.slow
def test_an_offline_rehearsal_runs_its_throwaway_server_in_a_child_process(project: Path, tmp_path: Path) -> None:
    write_models(numbered(3), project / "models")
    assert run(project, "apply", "--auto-approve").returncode == 0
    write_models(numbered(4), project / "models")
    imported = tmp_path / "imported.txt"
    result = subprocess.run([sys.executable, "-c", RECORD_EMULATOR_IMPORT, str(imported), "rehearse", "--offline"],
                            cwd=project, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "throwaway server at http://127.0.0.1:" in result.stdout + result.stderr
    assert imported.read_text() == "False"  # the emulator never ran in the tool's process
