"""The summary of a failed apply tells the truth: how many steps were applied before it stopped, which
failed, how many were not run (they add up to the plan), and how many steps the rollback then ran."""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.testing import CliRunner

from reconcile import executor
from reconcile.cli import ERROR, app
from reconcile.emulator import Fault

from .conftest import Workspace, seed_start
from .scenarios import TARGET

SUMMARY = re.compile(r"^Apply FAILED after (\d+) of (\d+) steps applied\.$", re.M)


def _apply(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(workspace.root)
    result = CliRunner().invoke(app, ["apply", "--auto-approve", "--allow-destroy"])
    assert result.exit_code == ERROR, result.output
    return result.stderr


def _check_counts(stderr: str) -> None:
    found = SUMMARY.search(stderr)
    assert found is not None, stderr
    applied, total = int(found[1]), int(found[2])
    failed = len(re.findall(r"^  failed step: ", stderr.split("Apply FAILED")[1].split("Roll")[0], re.M))
    not_run = re.search(r"^  not run: (\d+) steps?$", stderr, re.M)
    assert applied == len(re.findall(r"^\[apply\] \d+/\d+ ok ", stderr, re.M)), stderr
    assert applied + failed + (int(not_run[1]) if not_run else 0) == total, stderr
    rolled = re.search(r"^Rolled back to the pre-apply snapshot \S+: the rollback then ran (\d+) steps? and "
                       r"restored \d+ (entry|entries); the environment is at its starting state\.$", stderr, re.M)
    assert rolled is not None, stderr
    assert int(rolled[1]) == len(re.findall(r"^\[rollback\] \d+/\d+ ok ", stderr, re.M)) > 0, stderr
    assert "(s)" not in stderr and "(ies)" not in stderr, stderr


def test_interrupted_in_the_middle_of_a_phase(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_start(workspace)
    workspace.write(TARGET)
    run_step, calls = executor.Executor._run_step, []

    def interrupted_at_the_fifth(self: executor.Executor, *args: Any) -> executor.StepOutcome:
        calls.append(1)
        if len(calls) == 5:  # the content_types phase, after some of its steps
            raise KeyboardInterrupt
        return run_step(self, *args)

    monkeypatch.setattr(executor.Executor, "_run_step", interrupted_at_the_fifth)
    stderr = _apply(workspace, monkeypatch)
    assert "  failure: interrupted (Ctrl-C)" in stderr
    assert int(SUMMARY.search(stderr)[1]) >= 4, stderr  # type: ignore[index]
    _check_counts(stderr)


def test_a_failed_step(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_start(workspace)
    workspace.write(TARGET)
    workspace.emulator.faults.add(Fault(action="409", method="PUT", path=r"/content_types/event$"))
    stderr = _apply(workspace, monkeypatch)
    assert "  failed step: create content type event: " in stderr
    _check_counts(stderr)
