"""The "did not finish" warning of a run that died: it names the snapshot from before that run and the full
revert command (with --target), and it ends once a later apply or revert on the target completed."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from reconcile import executor
from reconcile.cli import app

from .conftest import Workspace, seed_start
from .scenarios import START, TARGET

WARNING = re.compile(r"^Warning: .*did not finish.*$", re.M)


class Died(BaseException):
    """The process ends mid-run (as on SIGKILL): nothing after the raise runs, no finish is journalled."""


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def die_during_apply(monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    run_step, calls = executor.Executor._run_step, []

    def dies_at_the_third(self: executor.Executor, *a: Any) -> executor.StepOutcome:
        calls.append(1)
        if len(calls) == 3:
            raise Died
        return run_step(self, *a)

    with monkeypatch.context() as patch, pytest.raises(Died):
        patch.setattr(executor.Executor, "_run_step", dies_at_the_third)
        run(*args)


def latest(kind: str) -> str:
    listed = run("snapshots", "list").stdout.splitlines()
    return [line.split()[0] for line in listed if f" {kind} " in line][-1]


@pytest.fixture
def died(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> str:
    """An apply of TARGET that died mid-way; the id of its pre-apply snapshot."""
    monkeypatch.chdir(workspace.root)
    seed_start(workspace)
    workspace.write(TARGET)
    die_during_apply(monkeypatch, "apply", "--auto-approve", "--allow-destroy")
    return latest("pre-apply")


def test_the_warning_names_the_snapshot_and_the_full_command(died: str) -> None:
    warnings = WARNING.findall(run("plan").stderr)
    assert warnings == [
        f"Warning: an apply on target 'test' did not finish (pre-apply snapshot {died}); "
        f"to restore the state before it ran: reconcile revert {died} --target test"
    ]


def test_a_later_completed_apply_ends_the_warning(workspace: Workspace, died: str) -> None:
    second = run("apply", "--auto-approve", "--allow-destroy")
    assert second.exit_code == 0, second.output
    assert WARNING.search(second.stderr)  # still unfinished before it (see test_died_rename.py)
    assert latest("pre-apply") != died
    for command in (["plan"], ["drift"], ["apply", "--auto-approve"]):
        assert not WARNING.search(run(*command).stderr), command
    workspace.write(START)
    assert not WARNING.search(run("apply", "--auto-approve", "--allow-destroy").stderr)


def test_a_later_completed_revert_ends_the_warning(died: str) -> None:
    reverted = run("revert", died, "--auto-approve")
    assert reverted.exit_code == 0, reverted.output
    assert not WARNING.search(run("plan").stderr)


def test_a_failed_later_apply_does_not_end_it_and_several_died_runs_name_the_first(
    died: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    die_during_apply(monkeypatch, "apply", "--auto-approve", "--allow-destroy")
    warnings = WARNING.findall(run("plan").stderr)
    assert len(warnings) == 1 and f"(pre-apply snapshot {died}); 1 later run did not finish either;" in warnings[0]
    assert warnings[0].endswith(f"reconcile revert {died} --target test")


def test_a_died_revert_says_how_to_finish_it(died: str, monkeypatch: pytest.MonkeyPatch) -> None:
    applied_run = run("apply", "--auto-approve", "--allow-destroy")
    assert applied_run.exit_code == 0, applied_run.output
    applied = latest("pre-apply")
    die_during_apply(monkeypatch, "revert", applied, "--auto-approve")
    pre_revert = latest("pre-revert")
    warnings = WARNING.findall(run("plan").stderr)
    assert warnings == [
        f"Warning: a revert on target 'test' to snapshot {applied} did not finish (pre-revert snapshot {pre_revert}); "
        f"to finish it: reconcile revert {applied} --target test; or, to restore the state before it ran: "
        f"reconcile revert {pre_revert} --target test"
    ]
    assert run("revert", applied, "--auto-approve").exit_code == 0
    assert not WARNING.search(run("plan").stderr)


def test_a_run_holding_the_lock_now_is_in_progress_not_dead(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan while another process still applies (its pre-apply snapshot has no finish yet, and it holds the
    apply lock): no "did not finish" warning, which would send the user to revert a run that is still going;
    a run that died before the lock was taken is still named."""
    monkeypatch.chdir(workspace.root)
    seed_start(workspace)
    workspace.write(TARGET)
    die_during_apply(monkeypatch, "apply", "--auto-approve", "--allow-destroy")
    died = latest("pre-apply")
    time.sleep(1.1)  # the lock's time and the snapshots' ids are in whole seconds
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        project = workspace.project()
        lock = project.lock_path(project.config.target("test"))
        lock.parent.mkdir(parents=True, exist_ok=True)
        taken = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        lock.write_text(json.dumps({"pid": other.pid, "hostname": socket.gethostname(), "user": "u", "time": taken,
                                    "command": "apply", "target": "test", "nonce": "n"}))
        # the running run's pre-apply snapshot, journal started and not finished: a copy of the died one's,
        # made after the lock was taken
        new_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-abcdef"
        source = next(path for path in workspace.root.rglob(died) if path.is_dir())
        copy = source.parent / new_id
        shutil.copytree(source, copy)
        meta = json.loads((copy / "metadata.json").read_text())
        meta["created"] = datetime.now(UTC).isoformat()
        (copy / "metadata.json").write_text(json.dumps(meta))
        warnings = WARNING.findall(run("plan").stderr)
        assert warnings == [
            f"Warning: an apply on target 'test' did not finish (pre-apply snapshot {died}); "
            f"to restore the state before it ran: reconcile revert {died} --target test"
        ]
    finally:
        other.kill()
        other.wait(timeout=10)
