"""A saved plan belongs to the target, space and environment it was made against (issue 12, item 1).

Two targets of the same project point at two spaces of one emulator with the same content (so the same
fingerprint, as staging and production have when in sync): a plan made for one is refused on the other,
with exit 1 and no write request; headers, the prompt and every printed hint name the target, and the
suggested commands carry the ``--target`` (and ``--allow-destroy``) they need.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reconcile.cli import CHANGES, ERROR, OK, app
from reconcile.emulator import Emulator
from tests.core.test_plan_text import expanded
from tests.support import target_section, write_config

from .conftest import REPO, TOKEN

WRITES = ("PUT", "POST", "DELETE")


@pytest.fixture
def two_spaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """A project with targets `dev` (space `local`) and `stage` (space `other`), both empty: same fingerprint."""
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    with Emulator(token=TOKEN, spaces=("local", "other")) as emu:
        write_config(tmp_path, target_section(emu.base_url, name="dev"),
                     target_section(emu.base_url, name="stage", space="other"), default_target="dev")
        shutil.copytree(REPO / "models", tmp_path / "models")
        yield emu


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def _writes(emu: Emulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.request_log if r.method in WRITES]


def test_a_plan_for_one_target_is_refused_on_another_before_any_request(two_spaces: Emulator) -> None:
    planned = _run("plan", "-t", "dev", "--out", "dev.json")
    assert planned.exit_code == CHANGES, planned.output
    sent = len(two_spaces.request_log)
    result = _run("apply", "dev.json", "-t", "stage", "--auto-approve")
    assert result.exit_code == ERROR, result.output
    assert "Error: plan dev.json was made for target 'dev' (space local, environment master), not for target " \
           "'stage'; nothing was applied" in result.stderr
    assert "fix: make the plan again for this target: `reconcile plan --target stage --out FILE`; or apply it " \
           "where it was made: `reconcile apply dev.json --target dev`" in result.stderr
    assert "Traceback" not in result.output
    assert len(two_spaces.request_log) == sent  # refused before the target was even opened
    assert _writes(two_spaces) == []


def test_a_plan_for_another_space_of_the_same_target_name_is_refused_without_a_write(
    two_spaces: Emulator, tmp_path: Path
) -> None:
    assert _run("plan", "-t", "dev", "--out", "dev.json").exit_code == CHANGES
    # `dev` now names the other space (reconcile.toml edited, or another checkout's file)
    write_config(tmp_path, target_section(two_spaces.base_url, name="dev", space="other"), default_target="dev")
    result = _run("apply", "dev.json", "--auto-approve")
    assert result.exit_code == ERROR, result.output
    assert "Error: plan dev.json was made for target 'dev' (space local, environment master), not for target " \
           "'dev' (space other, environment master); nothing was applied" in result.stderr
    assert "fix: make the plan again for this target: `reconcile plan --target dev --out FILE`" in result.stderr
    assert _writes(two_spaces) == []


def test_the_plan_applies_on_its_own_target_and_every_hint_names_it(two_spaces: Emulator) -> None:
    planned = _run("plan", "-t", "stage", "--out", "stage.json")
    assert planned.stdout.startswith("Plan (format 1.5) for target 'stage' (space other, environment master)\n")
    assert "Plan saved to stage.json for target 'stage' (space other, environment master). Apply it with: " \
           "reconcile apply stage.json --target stage\n" in planned.stderr
    saved = json.loads(Path("stage.json").read_text())
    assert (saved["format_version"], saved["target"], saved["space_id"], saved["environment_id"]) == (
        "1.5", "stage", "other", "master")
    markdown = _run("plan", "-t", "stage", "-f", "markdown")
    assert "Target `stage` · space `other` · environment `master`" in markdown.stdout
    applied = _run("apply", "stage.json", "-t", "stage", "--auto-approve")
    assert applied.exit_code == OK, applied.output
    assert "Apply complete on target 'stage' (space other, environment master)" in applied.stderr
    undo = re.search(r"^Undo with: reconcile revert (\S+) --target stage$", applied.stderr, re.M)
    assert undo is not None, applied.stderr
    assert all("/spaces/other/" in write for write in _writes(two_spaces))
    reverted = _run("revert", undo[1], "--target", "stage", "--auto-approve")
    assert reverted.exit_code == OK, reverted.output
    assert re.search(r"^Undo the revert with: reconcile revert \S+ --target stage$", reverted.stderr, re.M)


def test_a_blocked_plan_suggests_the_allow_destroy_it_needs(two_spaces: Emulator) -> None:
    extra = Path("models/content_types/topic.toml")
    extra.write_text(Path("models/content_types/category.toml").read_text().replace('id = "category"', 'id = "topic"'))
    assert _run("apply", "-t", "dev", "--auto-approve").exit_code == OK
    extra.unlink()
    planned = _run("plan", "-t", "dev", "--out", "dev.json")
    assert "Apply it with: reconcile apply dev.json --target dev --allow-destroy\n" in planned.stderr


def test_an_older_plan_without_a_target_is_applied_with_a_warning(two_spaces: Emulator) -> None:
    assert _run("plan", "-t", "dev", "--out", "dev.json").exit_code == CHANGES
    older = expanded(Path("dev.json").read_text())  # each phase's expected model whole, as before 1.5
    for key in ("target", "space_id", "environment_id"):
        del older[key]
    older["format_version"] = "1.1"
    Path("dev.json").write_text(json.dumps(older))
    result = _run("apply", "dev.json", "-t", "dev", "--auto-approve")
    assert result.exit_code == OK, result.output
    assert "Warning: plan dev.json records no target (plan format 1.1): it could not be checked that it was made " \
           "for target 'dev'" in result.stderr


def test_a_plan_saved_in_format_1_4_is_applied(two_spaces: Emulator) -> None:
    assert _run("plan", "-t", "dev", "--out", "dev.json").exit_code == CHANGES
    text = Path("dev.json").read_text()
    assert json.loads(text)["format_version"] == "1.5" and '"expected_values": {' in text
    older = expanded(text)  # every phase's expected model whole, as the 1.4 code wrote it
    older["format_version"] = "1.4"
    Path("dev.json").write_text(json.dumps(older, indent=2))
    result = _run("apply", "dev.json", "-t", "dev", "--auto-approve")
    assert result.exit_code == OK, result.output
    assert "records no target" not in result.stderr
    assert _run("plan", "-t", "dev").exit_code == OK


def test_the_confirmations_name_the_target_space_and_environment(
    two_spaces: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reconcile.cli import terminal

    asked: list[str] = []

    def answer(prompt: str, **_: object) -> bool:
        asked.append(prompt)
        return not prompt.startswith("Do you want to revert")

    class Terminal:  # `sys` as the terminal module sees it: stdin a terminal, the rest as CliRunner sets it
        stdin = type("Tty", (), {"isatty": staticmethod(lambda: True)})()

        def __getattr__(self, name: str) -> object:
            return getattr(sys, name)

    monkeypatch.setattr(terminal, "sys", Terminal())
    monkeypatch.setattr(terminal.typer, "confirm", answer)
    applied = _run("apply", "-t", "stage")
    assert applied.exit_code == OK, applied.output
    snapshot = re.search(r"^Undo with: reconcile revert (\S+) --target stage$", applied.stderr, re.M)
    assert snapshot is not None, applied.stderr
    assert _run("revert", snapshot[1], "-t", "stage").exit_code == ERROR  # declined
    assert asked == [
        "Do you want to apply these changes to target 'stage' (space other, environment master)?",
        "Do you want to revert these changes to target 'stage' (space other, environment master)?",
    ]


def test_a_plan_from_an_export_records_the_target_and_the_snapshots_space(two_spaces: Emulator) -> None:
    applied = _run("apply", "-t", "dev", "--auto-approve")
    snapshot = re.search(r"^Undo with: reconcile revert (\S+) --target dev$", applied.stderr, re.M)
    assert snapshot is not None, applied.stderr
    planned = _run("plan", "-t", "dev", "--from-export", snapshot[1], "--out", "export.json")
    assert planned.exit_code == CHANGES, planned.output
    saved = json.loads(Path("export.json").read_text())
    assert (saved["target"], saved["space_id"], saved["environment_id"]) == ("dev", "local", "master")
    refused = _run("apply", "export.json", "-t", "stage", "--auto-approve")
    assert refused.exit_code == ERROR and "was made for target 'dev' (space local" in refused.stderr


def test_a_stale_plan_suggests_planning_again_for_its_target(two_spaces: Emulator) -> None:
    assert _run("plan", "-t", "stage", "--out", "stage.json").exit_code == CHANGES
    assert _run("apply", "-t", "stage", "--auto-approve").exit_code == OK  # the space moves on
    stale = _run("apply", "stage.json", "-t", "stage", "--auto-approve")
    assert stale.exit_code == ERROR, stale.output
    assert "fix: run `reconcile plan --target stage --out FILE` again and review the new plan" in stale.stderr
