"""Type changes that keep data (issue 14), through the CLI against the emulator, over the scenario folders
with entries in tests/transforms/scenarios/<name>/{before,after,entries.json}: `before` is applied and its
entries written in their publish state; then `reconcile plan` and `reconcile apply` run on `after`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from reconcile import workflows
from reconcile.cli import BLOCKED, CHANGES, OK, app
from reconcile.model import Entry
from tests.support import approve

from .conftest import Workspace, backend

SCENARIOS = Path(__file__).resolve().parents[1] / "transforms" / "scenarios"


def cli(workspace: Workspace, *args: str) -> tuple[int, str, str]:
    """Run `reconcile ARGS` in the workspace; (exit code, stdout, stderr)."""
    command, *rest = args
    config = ["--config", str(workspace.root / "reconcile.toml")]
    result = CliRunner().invoke(app, [command, *config, *rest], env={"NO_COLOR": "1", "COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def seed(workspace: Workspace, name: str) -> dict[str, Entry]:
    """Apply the scenario's `before` and write its entries in their states; the entries as written."""
    workspace.use_models(SCENARIOS / name / "before")
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    b = backend(workspace)
    for item in json.loads((SCENARIOS / name / "entries.json").read_text()):
        written = b.put_entry(item["id"], item["content_type"], item["fields"], None)
        if item["state"] in ("published", "changed"):
            written = b.publish_entry(item["id"], written.version)
        if item["state"] == "changed":
            b.put_entry(item["id"], item["content_type"], item["fields"], written.version)
    workspace.use_models(SCENARIOS / name / "after")
    return {e.id: e for e in b.fetch_entries()}


def entries(workspace: Workspace) -> dict[str, Entry]:
    return {e.id: e for e in backend(workspace).fetch_entries()}


def states(found: dict[str, Entry]) -> dict[str, str]:
    return {entry_id: e.state for entry_id, e in found.items()}


def values(found: dict[str, Entry], field_id: str) -> dict[str, Any]:
    return {entry_id: e.fields.get(field_id) for entry_id, e in found.items()}


def test_symbol_to_text_keeps_every_value_and_publish_state(workspace: Workspace) -> None:
    before = seed(workspace, "symbol-to-text")
    code, out, _ = cli(workspace, "plan")
    assert code == CHANGES, out
    assert "convert field" in out and "content_types.author.fields.name" in out
    workspace.emulator.clear_log()
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == OK, out + err
    after = entries(workspace)
    assert values(after, "name") == values(before, "name")
    assert states(after) == states(before)
    assert backend(workspace).read_live().model.content_types["author"].fields[0].type == "Text"
    # one PUT per entry holding a value, one publish only for the published one (ada); none for `nameless`
    writes = [(r.method, r.path.rsplit("/entries/", 1)[1]) for r in workspace.emulator.request_log
              if "/entries/" in r.path and r.method != "GET"]
    assert sorted(writes) == sorted([("PUT", "ada"), ("PUT", "ada/published"), ("PUT", "grace"), ("PUT", "alan")])
    assert cli(workspace, "plan")[0] == OK


def test_revert_of_a_conversion_restores_the_old_type_and_values(workspace: Workspace) -> None:
    before = seed(workspace, "symbol-to-text")
    assert cli(workspace, "apply", "--auto-approve")[0] == OK
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    after = entries(workspace)
    assert values(after, "name") == values(before, "name")
    assert states(after) == states(before)
    assert backend(workspace).read_live().model.content_types["author"].fields[0].type == "Symbol"


def test_text_to_symbol_is_blocked_counting_the_long_values(workspace: Workspace) -> None:
    before = seed(workspace, "text-to-symbol")
    code, out, _ = cli(workspace, "plan")
    assert code == BLOCKED, out
    assert "content_types.note.fields.text" in out and "2 entries" in out
    assert entries(workspace) == before
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == OK, out + err
    after = values(entries(workspace), "text")
    assert after["n0"] == {"en-US": "x" * 256} and after["n4"] == {"en-US": "short 4"}


def test_a_saved_plan_is_stale_once_a_converted_entry_changed(workspace: Workspace, tmp_path: Path) -> None:
    seed(workspace, "symbol-to-text")
    saved = tmp_path / "plan.json"
    assert cli(workspace, "plan", "--out", str(saved))[0] == CHANGES
    b = backend(workspace)
    alan = next(e for e in b.fetch_entries("author") if e.id == "alan")
    b.put_entry("alan", "author", {"name": {"en-US": "A. M. Turing"}}, alan.version)
    code, _, err = cli(workspace, "apply", str(saved), "--auto-approve")
    assert code != OK and "stale plan" in err and "alan" in err
