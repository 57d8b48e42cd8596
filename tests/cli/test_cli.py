"""The command line: --help texts (snapshots), exit codes, stdout/stderr separation, clear errors."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import typer
from syrupy.assertion import SnapshotAssertion
from typer.testing import CliRunner

from reconcile.cli import BLOCKED, CHANGES, ERROR, OK, app

REPO = Path(__file__).resolve().parents[2]
COMMANDS = [
    [], ["validate"], ["plan"], ["show"], ["apply"], ["revert"], ["drift"], ["rehearse"], ["pull"], ["unlock"],
    ["schema"],
    ["snapshots"], ["snapshots", "list"], ["snapshots", "show"], ["snapshots", "diff"], ["snapshots", "prune"],
    ["emulator"], ["emulator", "serve"],
    ["release"], ["release", "rollback"], ["history"],
]


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # A fixed width and no colour, so the help texts are stable.
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    return CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "models", tmp_path / "models")
    (tmp_path / "reconcile.toml").write_text('[targets.local]\nkind = "local"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "reconcile")
def test_help(runner: CliRunner, command: list[str], snapshot: SnapshotAssertion) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert result.output == snapshot


def test_no_option_takes_a_token() -> None:
    group = typer.main.get_command(app)
    seen: list[str] = []

    def walk(command: object) -> None:
        for param in getattr(command, "params", []):
            seen.extend(param.opts)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(group)
    assert seen and not [opt for opt in seen if "token" in opt.lower()]


def test_validate_ok_and_plan_exit_codes(runner: CliRunner, project: Path) -> None:
    assert runner.invoke(app, ["validate"]).exit_code == OK
    first = runner.invoke(app, ["plan"])
    assert first.exit_code == CHANGES, first.output
    assert "Plan: " in first.stdout and "Traceback" not in first.output
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    again = runner.invoke(app, ["plan", "--format", "json"])
    assert again.exit_code == OK and again.stdout.lstrip().startswith("{")


def test_blocked_plan_exits_3_and_apply_refuses(runner: CliRunner, project: Path) -> None:
    extra = project / "models" / "content_types" / "extra.toml"
    extra.write_text('format = 1\nid = "extra"\nname = "Extra"\n\n[[fields]]\nid = "title"\nname = "Title"\n'
                     'type = "Symbol"\n', encoding="utf-8")
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    extra.unlink()
    blocked = runner.invoke(app, ["plan"])
    assert blocked.exit_code == BLOCKED, blocked.output
    assert "content_types.extra" in blocked.stdout
    refused = runner.invoke(app, ["apply", "--auto-approve"])
    assert refused.exit_code == BLOCKED and "Blocked:" in refused.stderr
    assert runner.invoke(app, ["plan", "--allow-destroy"]).exit_code == CHANGES
    assert runner.invoke(app, ["apply", "--auto-approve", "--allow-destroy"]).exit_code == OK
    assert runner.invoke(app, ["plan"]).exit_code == OK


def test_apply_without_approval_on_a_pipe_refuses(runner: CliRunner, project: Path) -> None:
    result = runner.invoke(app, ["apply"], input="")
    assert result.exit_code == ERROR
    assert "--auto-approve" in result.stderr and "Traceback" not in result.output


# A `contentful space export` whose field has no type: readable JSON the model cannot represent.
UNTYPED_FIELD_EXPORT = {
    "contentTypes": [{"sys": {"id": "note", "type": "ContentType"}, "name": "Note", "fields": [
        {"id": "title", "name": "Title"}]}],
    "editorInterfaces": [],
    "locales": [{"sys": {"id": "l1", "type": "Locale"}, "code": "en-US", "name": "English", "default": True}],
}


@pytest.mark.parametrize(
    ("setup", "args", "needle"),
    [
        (lambda p: (p / "reconcile.toml").write_text("[targets.x\n", encoding="utf-8"), ["plan"], "reconcile.toml"),
        (lambda p: None, ["plan", "--target", "nope"], "unknown target"),
        (lambda p: shutil.rmtree(p / "models"), ["plan"], "models directory does not exist"),
        (lambda p: (p / "models/content_types/author.toml").write_text("format = 1\nid = [\n", encoding="utf-8"),
         ["validate"], "author.toml"),
        (lambda p: None, ["revert", "../../etc"], "snapshot"),
        (lambda p: (p / "plan.json").write_text('{"format_version": "9.0"}', encoding="utf-8"),
         ["apply", "plan.json"], "plan.json"),
        (lambda p: os.mkfifo(p / "plan.fifo"), ["show", "plan.fifo"], "plan.fifo: not a regular file"),
        (lambda p: None, ["show", "/dev/zero"], "/dev/zero: not a regular file"),
        (lambda p: (p / "export.json").write_text(json.dumps(UNTYPED_FIELD_EXPORT), encoding="utf-8"),
         ["plan", "--from-export", "export.json"], "export.json: the field"),
    ],
    ids=["bad-config", "unknown-target", "no-models", "bad-toml", "traversal-snapshot", "bad-plan-file",
         "plan-fifo", "plan-device", "export-field-without-type"],
)
def test_bad_input_is_one_clear_error(runner: CliRunner, project: Path, setup, args, needle) -> None:  # type: ignore[no-untyped-def]
    setup(project)
    result = runner.invoke(app, args)
    assert result.exit_code == ERROR, result.output
    assert needle in result.stderr
    assert result.stdout == "" and "Traceback" not in result.output


def test_saved_plan_show_and_apply(runner: CliRunner, project: Path) -> None:
    extra = project / "models" / "content_types" / "extra.toml"
    extra.write_text('format = 1\nid = "extra"\nname = "Extra"\n', encoding="utf-8")
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    extra.unlink()
    saved = runner.invoke(app, ["plan", "--out", "plan.json"])
    assert saved.exit_code == BLOCKED and (project / "plan.json").is_file()
    shown = runner.invoke(app, ["show", "plan.json", "--format", "markdown"])
    assert shown.exit_code == BLOCKED and "content_types.extra" in shown.stdout
    assert runner.invoke(app, ["apply", "plan.json", "--auto-approve"]).exit_code == BLOCKED
    # the reviewer saw the destructive change in the saved plan: --allow-destroy at apply unblocks it
    assert runner.invoke(app, ["apply", "plan.json", "--auto-approve", "--allow-destroy"]).exit_code == OK
    assert runner.invoke(app, ["plan"]).exit_code == OK
    # the same saved plan is now stale
    stale = runner.invoke(app, ["apply", "plan.json", "--auto-approve", "--allow-destroy"])
    assert stale.exit_code == ERROR and "stale plan" in stale.stderr


def test_snapshots_diff_exit_codes_and_wording(runner: CliRunner, project: Path) -> None:
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    ids = sorted(p.name for p in (project / "snapshots" / "local").iterdir())
    pre, post = ids[0], ids[-1]
    same = runner.invoke(app, ["snapshots", "diff", post, post])
    assert same.exit_code == OK
    assert same.stdout == f"No differences: snapshots {post} and {post} hold the same content model.\n"
    changed = runner.invoke(app, ["snapshots", "diff", pre, post])
    assert changed.exit_code == CHANGES and "content_types." in changed.stdout


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_plan_and_show_print_exactly_the_document(runner: CliRunner, project: Path, fmt: str) -> None:
    """stdout holds the document and nothing else: it ends with one newline, no stray blank line (found in a
    newcomer trial: `reconcile plan --format json` ended with `}\\n\\n`, so byte comparisons failed)."""
    plan = runner.invoke(app, ["plan", "--format", fmt, "--out", "plan.json"])
    assert plan.exit_code == CHANGES
    assert plan.stdout.endswith("\n") and not plan.stdout.endswith("\n\n")
    if fmt == "json":
        assert plan.stdout == (project / "plan.json").read_text(encoding="utf-8")
    show = runner.invoke(app, ["show", "plan.json", "--format", fmt])
    assert show.exit_code == CHANGES
    assert show.stdout == plan.stdout
