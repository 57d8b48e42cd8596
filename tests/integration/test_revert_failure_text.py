"""A revert or rollback whose steps fail prints each failed step with the API's error, as apply does, and a
fix: line naming the command that finishes the job (found in a newcomer trial: a revert whose steps failed
printed one of them at most, and no fix: line)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from reconcile.cli import ERROR, app
from reconcile.emulator import Fault

from .conftest import Workspace, seed_start
from .scenarios import TARGET

API_ERROR = "HTTP 500 ServerError: Internal Server Error"


@pytest.fixture
def at_target(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The workspace seeded with START, its models changed to TARGET (not applied)."""
    monkeypatch.chdir(workspace.root)
    seed_start(workspace)
    workspace.write(TARGET)
    return workspace


def failed_steps(stderr: str) -> set[str]:
    return set(re.findall(rf"^  failed step: (.+): .+ failed: {API_ERROR}$", stderr, re.MULTILINE))


def test_a_revert_whose_writes_fail_names_each_failed_step_and_the_fix(at_target: Workspace) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["apply", "--auto-approve", "--allow-destroy"]).exit_code == 0
    at_target.emulator.faults.add(Fault(action="500", method="DELETE", path=r"/published$", times=1000))
    result = runner.invoke(app, ["revert", "latest", "--auto-approve"], env={"NO_COLOR": "1"})
    assert result.exit_code == ERROR
    assert "Revert INCOMPLETE" in result.stderr
    unpublished = {f"unpublish content type {ct}" for ct in ("event", "sponsor", "talk", "venue")}
    # Every step the last round saw fail is listed (how many of the four parallel unpublishes start before the
    # first failure stops the round depends on the machine's load).
    last_round = result.stderr.rsplit("[revert] phase delete_content_types", 1)[1].split("Revert INCOMPLETE")[0]
    failed_last = set(re.findall(rf"FAILED (.+): .+ failed: {API_ERROR}$", last_round, re.MULTILINE))
    assert failed_last and failed_last <= unpublished, result.stderr
    assert failed_steps(result.stderr) == failed_last, result.stderr
    assert re.search(r"^  fix: .*then run the revert again: reconcile revert \S+ --target test$", result.stderr,
                     re.MULTILINE), result.stderr


def test_a_rollback_whose_writes_fail_names_the_failed_step_and_the_fix(at_target: Workspace) -> None:
    # article's own PUTs only: the apply's first one passes, every later one fails (its other content types are
    # created in parallel, so a fault counting their PUTs too would hit a different step from run to run)
    at_target.emulator.faults.add(Fault(action="500", method="PUT", path=r"/content_types/article$", nth=2, times=1000))
    result = CliRunner().invoke(app, ["apply", "--auto-approve", "--allow-destroy"], env={"NO_COLOR": "1"})
    assert result.exit_code == ERROR
    rollback = result.stderr.split("Rollback INCOMPLETE", 1)[1]
    assert failed_steps(rollback) == {"update content type article, omitting rating_to_number, summary"}, rollback
    assert re.search(r"^  fix: .*then restore the start with: reconcile revert \S+ --target test$", rollback,
                     re.MULTILINE), rollback
