"""Type changes that keep data (issue 14), through the CLI against the emulator, over the scenario folders
with entries in tests/transforms/scenarios/<name>/{before,after,entries.json}: `before` is applied and its
entries written in their publish state; then `reconcile plan` and `reconcile apply` run on `after`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reconcile import workflows
from reconcile.cli import BLOCKED, CHANGES, OK, app
from reconcile.model import Entry
from tests.core.test_plan_text import expanded
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
        if item["state"] == "archived":
            b.archive_entry(item["id"], written.version)
    workspace.use_models(SCENARIOS / name / "after")
    if (SCENARIOS / name / "transforms").is_dir():
        shutil.copytree(SCENARIOS / name / "transforms", workspace.root / "transforms", dirs_exist_ok=True)
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
    assert code == 1 and "stale plan" in err and "entries of content type 'author' changed" in err


def test_a_tightened_size_counts_and_names_the_entries_it_invalidates(workspace: Workspace) -> None:
    seed(workspace, "tightened-size")
    code, out, _ = cli(workspace, "plan")
    assert code == BLOCKED, out
    assert "content_types.author.fields.name  modify field  [destructive, 2 entries could no longer be published" in out
    assert "2 entries could no longer be published: grace (en-US: size 12 outside ..5); alan (" in out
    workspace.use_models(SCENARIOS / "tightened-size" / "before")
    assert cli(workspace, "plan")[0] == OK


def test_a_fill_splits_a_full_name_and_each_entry_keeps_its_state(workspace: Workspace) -> None:
    before = seed(workspace, "fill-first-name")
    code, out, _ = cli(workspace, "plan")
    assert code == CHANGES, out
    assert ("content_types.person.fields.firstName: fill transforms/people.py:first_name: 3 entries changed, "
            "1 unchanged, 0 failures") in out
    workspace.emulator.clear_log()
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == OK, out + err
    after = entries(workspace)
    assert values(after, "firstName") == {"ada": {"en-US": "Ada"}, "grace": {"en-US": "Grace"},
                                          "alan": {"en-US": "Alan"}, "nobody": None}
    assert values(after, "fullName") == values(before, "fullName")
    assert states(after) == states(before)
    writes = sorted(r.path.rsplit("/entries/", 1)[1] for r in workspace.emulator.request_log
                    if "/entries/" in r.path and r.method != "GET")
    assert writes == ["ada", "ada/published", "alan", "grace"]  # one PUT per changed entry, one publish
    assert cli(workspace, "plan")[0] == OK  # the fill ran once, with its change
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    assert values(entries(workspace), "firstName") == dict.fromkeys(before)
    assert states(entries(workspace)) == states(before)


def test_a_fill_that_raises_on_one_entry_blocks_the_plan_naming_it(workspace: Workspace) -> None:
    seed(workspace, "fill-first-name")
    backend(workspace).put_entry("plato", "person", {"fullName": {"en-US": "Plato"}}, None)
    code, out, _ = cli(workspace, "plan")
    assert code == BLOCKED, out
    assert "3 entries changed, 1 unchanged, 1 failure: plato (ValueError: no space in 'Plato')" in out
    assert "Blocked: a declared fill failed (see the notes):\n  - content_types.person.fields.firstName" in out
    markdown = cli(workspace, "plan", "--format", "markdown")[1]
    assert "> **Blocked:** the fill of `content_types.person.fields.firstName` failed on some entries" in markdown
    assert "data-destroying" not in markdown
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == BLOCKED and "a declared fill failed on some entries: content_types.person.fields.firstName" in err
    saved = workspace.root / "plan.json"
    assert cli(workspace, "plan", "--out", str(saved))[0] == BLOCKED
    code, out, err = cli(workspace, "apply", str(saved), "--auto-approve", "--allow-destroy")
    assert code == BLOCKED and "a declared fill failed" in err  # no policy unblocks a failed fill
    assert values(entries(workspace), "firstName") == dict.fromkeys(["ada", "grace", "alan", "nobody", "plato"])


def test_a_slow_fill_and_a_rejected_value_count_as_failures(workspace: Workspace,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    seed(workspace, "fill-first-name")
    monkeypatch.setattr("reconcile.fills.TIME_LIMIT", 0.5)
    (workspace.root / "transforms" / "people.py").write_text(
        "import time\n"
        "def first_name(fields, locale):\n"
        "    full = fields.get('fullName', {}).get(locale)\n"
        "    if full == 'Grace Hopper':\n"
        "        time.sleep(3)\n"
        "    return 42 if full == 'Alan Turing' else (full or '').split(' ')[0] or None\n")
    code, out, _ = cli(workspace, "plan")
    assert code == BLOCKED, out
    assert "1 entry changed, 1 unchanged, 2 failures: " in out
    assert "grace (TimeoutError: took longer than 0.5 s)" in out
    assert "alan (rejected value: en-US: 42 is not a Symbol value)" in out


def test_a_fill_naming_no_function_is_an_offline_error(workspace: Workspace) -> None:
    seed(workspace, "fill-first-name")
    (workspace.root / "transforms" / "people.py").write_text("def last_name(fields, locale):\n    return None\n")
    code, _, err = cli(workspace, "validate")
    assert code == 1
    assert "content_types/person.toml" in err and "fill file transforms/people.py has no function first_name" in err
    (workspace.root / "transforms" / "people.py").unlink()
    assert "fill file transforms/people.py does not exist" in cli(workspace, "validate")[2]
    (workspace.root / "transforms" / "people.py").write_text("import nowhere_to_be_found\n")
    assert "does not import: ModuleNotFoundError" in cli(workspace, "validate")[2]


def test_a_fill_on_a_tightened_field_repairs_its_values(workspace: Workspace) -> None:
    before = seed(workspace, "tightened-size")
    model = workspace.models / "content_types" / "author.toml"
    model.write_text(model.read_text() + 'fill = "transforms/short.py:short"\n')
    (workspace.root / "transforms").mkdir()
    (workspace.root / "transforms" / "short.py").write_text(
        "def short(fields, locale):\n    return fields['name'][locale][:5]\n")
    code, out, _ = cli(workspace, "plan")
    assert code == CHANGES, out
    assert "fill transforms/short.py:short: 2 entries changed, 1 unchanged, 0 failures" in out
    assert "could no longer be published" not in out
    assert cli(workspace, "apply", "--auto-approve")[0] == OK
    after = entries(workspace)
    assert values(after, "name") == {"ada": {"en-US": "Ada"}, "grace": {"en-US": "Grace"}, "alan": {"en-US": "Alan "}}
    assert states(after) == states(before)


def test_a_fill_keeps_data_through_a_type_change_with_no_conversion(workspace: Workspace) -> None:
    before = seed(workspace, "symbol-to-text")
    model = workspace.models / "content_types" / "author.toml"
    retyped = 'type = "Boolean"\nfill = "transforms/adult.py:adult"'
    model.write_text(model.read_text().replace('type = "Integer"', retyped))
    (workspace.root / "transforms").mkdir()
    (workspace.root / "transforms" / "adult.py").write_text(
        "def adult(fields, locale):\n    age = fields.get('age', {}).get(locale)\n"
        "    return None if age is None else age >= 18\n")
    code, out, _ = cli(workspace, "plan")
    assert code == CHANGES, out  # not a destructive replacement: the fill keeps the data
    assert "content_types.author.fields.age  convert field (type change)  (values from its fill)" in out
    assert cli(workspace, "apply", "--auto-approve")[0] == OK
    after = entries(workspace)
    assert values(after, "age") == {"ada": {"en-US": True}, "grace": {"en-US": True}, "alan": None,
                                    "nameless": {"en-US": False}}
    assert states(after) == states(before)
    assert cli(workspace, "revert", "latest", "--auto-approve")[0] == OK
    assert values(entries(workspace), "age") == values(before, "age")


def test_a_saved_conversion_plan_applies_the_values_it_shows(workspace: Workspace, tmp_path: Path) -> None:
    before = seed(workspace, "symbol-to-text")
    saved = tmp_path / "plan.json"
    assert cli(workspace, "plan", "--out", str(saved))[0] == CHANGES
    steps = [s for phase in json.loads(saved.read_text())["phases"] for s in phase["steps"]]
    # one step for the content type, whatever its number of entries; the plan carries no entry values
    assert [(s["resource_id"], s["entries"]) for s in steps if s["action"] == "write_entries"] == [("author", 3)]
    assert "put_entry" not in saved.read_text() and "Ada Lovelace" not in saved.read_text()
    code, out, err = cli(workspace, "apply", str(saved), "--auto-approve")
    assert code == OK, out + err
    assert values(entries(workspace), "name") == values(before, "name")
    assert states(entries(workspace)) == states(before)


def test_a_saved_fill_plan_is_stale_once_an_entry_it_left_unchanged_changed(workspace: Workspace,
                                                                             tmp_path: Path) -> None:
    """`nobody` has no full name: the fill left it unchanged (no step); given one since, the fill would now
    write it, so the saved plan is refused before any write."""
    seed(workspace, "fill-first-name")
    saved = tmp_path / "plan.json"
    assert cli(workspace, "plan", "--out", str(saved))[0] == CHANGES
    assert "nobody" not in [s["resource_id"] for p in json.loads(saved.read_text())["phases"] for s in p["steps"]]
    b = backend(workspace)
    nobody = next(e for e in b.fetch_entries("person") if e.id == "nobody")
    b.put_entry("nobody", "person", {"fullName": {"en-US": "No Body"}}, nobody.version)
    workspace.emulator.clear_log()
    code, out, err = cli(workspace, "apply", str(saved), "--auto-approve")
    assert code == 1, out + err
    assert "stale plan" in err and "content type 'person' changed since the plan was made" in err
    assert "fix:" in err and "reconcile plan" in err and "Traceback" not in err
    assert [r for r in workspace.emulator.request_log if r.method != "GET"] == []


def test_a_saved_plan_naming_a_fill_outside_the_project_runs_nothing(workspace: Workspace, tmp_path: Path) -> None:
    """A saved plan's `write_entries` step names the fill apply imports again: only the project's own files."""
    seed(workspace, "fill-first-name")
    saved = tmp_path / "plan.json"
    assert cli(workspace, "plan", "--out", str(saved))[0] == CHANGES
    marker = tmp_path.parent / f"{tmp_path.name}-ran"
    evil = tmp_path.parent / f"{tmp_path.name}-evil.py"  # beside the project (the workspace is tmp_path)
    evil.write_text(f"open({str(marker)!r}, 'w').close()\ndef f(fields, locale):\n    return 'x'\n")
    saved.write_text(saved.read_text().replace('"transforms/people.py:first_name"', f'"../{evil.name}:f"'))
    workspace.emulator.clear_log()
    code, out, err = cli(workspace, "apply", str(saved), "--auto-approve")
    assert code == 1 and "is outside the project" in err and "fix:" in err, out + err
    assert not marker.exists()
    assert [r for r in workspace.emulator.request_log if r.method != "GET"] == []


def test_a_saved_1_3_plan_with_put_entry_steps_still_applies(workspace: Workspace, tmp_path: Path) -> None:
    """Plans written before 1.4 carried each entry's values in a `put_entry` step: still applied as they are."""
    before = seed(workspace, "symbol-to-text")
    saved = tmp_path / "plan.json"
    assert cli(workspace, "plan", "--out", str(saved))[0] == CHANGES
    plan = expanded(saved.read_text())  # every phase's expected model whole, as before 1.5
    plan["format_version"] = "1.3"
    del plan["entries_read"]
    (phase,) = [p for p in plan["phases"] if p["name"] == "convert_entries"]
    phase["steps"] = [
        {"action": "put_entry", "resource_id": e.id, "content_type": None, "editor_interface": None, "locale": None,
         "description": f"convert name of entry {e.id} ({e.state})", "changes": [], "content_type_id": "author",
         "version": e.version, "state": e.state, "fields": {**e.fields, "name_to_text": e.fields["name"]},
         "tags": list(e.tags)}
        for e in before.values() if e.fields.get("name")]
    saved.write_text(json.dumps(plan))
    code, out, err = cli(workspace, "apply", str(saved), "--auto-approve")
    assert code == OK, out + err
    assert values(entries(workspace), "name") == values(before, "name")
    assert states(entries(workspace)) == states(before)
