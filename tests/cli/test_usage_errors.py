"""Usage errors exit 1, never 2: exit 2 means "changes" (plan, snapshots diff) or "drift", and a CI job
branching on it must not read a mistyped option as either. Every command of the tree is walked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile import __version__
from reconcile.cli import ERROR, OK, app
from tests.docs.docs_support import command_tree

LEAVES = sorted(command_tree())
GROUPS = ["snapshots", "emulator"]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # An empty folder: a command that parsed by mistake would find no project and fail differently.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")  # the error panel does not wrap the reason
    return CliRunner()


def assert_usage_error(result: object, command: str, reason: str) -> None:
    exit_code, stdout, stderr = (getattr(result, a) for a in ("exit_code", "stdout", "stderr"))
    assert exit_code == ERROR, (exit_code, stdout, stderr)
    assert f"Usage: reconcile {command}".rstrip() in stderr, stderr
    assert reason in stderr and stdout == "" and "Traceback" not in stderr, (stdout, stderr)


def test_the_walk_sees_every_command() -> None:
    assert {"plan", "apply", "drift", "revert", "snapshots list", "snapshots diff", "emulator serve"} <= set(LEAVES)


@pytest.mark.parametrize("command", [*LEAVES, *GROUPS, ""], ids=lambda c: c or "reconcile")
def test_an_unknown_option_exits_1_with_the_usage(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--no-such-option"])
    assert_usage_error(result, command, "No such option: --no-such-option")


@pytest.mark.parametrize(
    ("args", "command", "reason"),
    [
        (["plan", "--foramt", "json"], "plan", "No such option: --foramt"),
        (["drift", "--adpot"], "drift", "No such option: --adpot"),
        (["apply", "--auto-aprove"], "apply", "No such option: --auto-aprove"),
        (["plan", "-f", "yaml"], "plan", "'yaml' is not one of"),
        (["drift", "--format"], "drift", "requires an argument"),
        (["revert"], "revert", "Missing argument"),
        (["show"], "show", "Missing argument"),
        (["snapshots", "show"], "snapshots show", "Missing argument"),
        (["snapshots", "diff", "a"], "snapshots diff", "Missing argument"),
        (["snapshots", "prune"], "snapshots prune", "Missing option '--keep'"),
        (["plan", "extra"], "plan", "unexpected extra argument"),
        (["palm"], "", "No such command"),
        (["snapshots", "lst"], "snapshots", "No such command"),
        (["emulator", "serve", "--port", "eighty"], "emulator serve", "Invalid value for '--port'"),
        (["emulator", "serve", "--rate-limit", "0"], "emulator serve", "greater than or equal to 1"),
        (["apply", "--auto-approve=yes"], "apply", "does not take a value"),
    ],
)
def test_typos_and_missing_arguments_exit_1(runner: CliRunner, args: list[str], command: str, reason: str) -> None:
    assert_usage_error(runner.invoke(app, args), command, reason)


@pytest.mark.parametrize("group", [*GROUPS, ""], ids=lambda c: c or "reconcile")
def test_a_group_without_its_command_shows_help_and_exits_1(runner: CliRunner, group: str) -> None:
    # a usage error: the help goes to stderr, stdout (data) stays empty
    result = runner.invoke(app, group.split())
    assert result.exit_code == ERROR and "Usage: reconcile" in result.stderr, (result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr, result.stdout


@pytest.mark.parametrize("group", ["snapshots", ""], ids=lambda c: c or "reconcile")
def test_a_real_process_shows_a_groups_help_on_stderr(tmp_path: Path, group: str) -> None:
    script = Path(sys.executable).with_name("reconcile")
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"} | {"NO_COLOR": "1", "COLUMNS": "200"}
    done = subprocess.run([str(script), *group.split()], cwd=tmp_path, env=env, capture_output=True, timeout=60,
                          check=False)
    assert done.returncode == ERROR and done.stdout == b"", done.stdout
    assert f"Usage: reconcile {group or '[OPTIONS]'}".encode() in done.stderr, done.stderr


@pytest.mark.parametrize("command", [*LEAVES, *GROUPS, ""], ids=lambda c: c or "reconcile")
def test_help_still_exits_0(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.exit_code == OK and "Usage: reconcile" in result.stdout


def test_version_still_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == OK and result.stdout.strip() == f"reconcile {__version__}"


@pytest.mark.parametrize(
    ("args", "command", "reason"),
    [
        (["plan", "--foramt", "json"], "plan", "No such option: --foramt"),
        (["apply", "--auto-approve=yes"], "apply", "does not take a value"),
        (["palm"], "[OPTIONS] COMMAND", "No such command"),
    ],
)
def test_a_real_process_exits_1_on_a_usage_error(tmp_path: Path, args: list[str], command: str, reason: str) -> None:
    # The installed `reconcile` script: reconcile.cli:main, as a user and CI run it.
    script = Path(sys.executable).with_name("reconcile")
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"} | {"NO_COLOR": "1", "COLUMNS": "200"}
    done = subprocess.run([str(script), *args], cwd=tmp_path, env=env, capture_output=True, timeout=60, check=False)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == ERROR, stderr
    assert f"Usage: reconcile {command}" in stderr and reason in stderr, stderr
    assert "Traceback" not in stderr and done.stdout == b"", stderr


def test_emulator_serve_without_a_token_says_how_to_set_it(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONTENTFUL_MANAGEMENT_TOKEN", raising=False)
    result = runner.invoke(app, ["emulator", "serve", "--port", "1"])
    assert result.exit_code == ERROR and result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: set CONTENTFUL_MANAGEMENT_TOKEN to the token clients must send.",
        "  fix: CONTENTFUL_MANAGEMENT_TOKEN=local-token reconcile emulator serve (clients then send that token)",
    ]
