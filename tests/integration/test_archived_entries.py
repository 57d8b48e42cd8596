"""Archived entries through a conversion, its rollback and revert, and a destructive removal's revert,
through the CLI against the emulator (issue 14, item 4: "an archived entry stays archived"). The
`symbol-to-text` scenario's published, changed and draft entries are joined by `hedy`, archived."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.cli import CHANGES, OK
from reconcile.emulator import Fault
from reconcile.model import Entry

from .conftest import Workspace, backend
from .test_transforms import cli, entries, seed, states, values

HEDY = {"name": {"en-US": "Hedy Lamarr", "de-DE": "Hedy L."}, "age": {"en-US": 85}}


def seed_with_archived(workspace: Workspace) -> dict[str, Entry]:
    """The `symbol-to-text` scenario plus `hedy`, archived; every entry as seeded."""
    seed(workspace, "symbol-to-text")
    b = backend(workspace)
    b.archive_entry("hedy", b.put_entry("hedy", "author", HEDY, None).version)
    before = entries(workspace)
    assert states(before) == {"ada": "published", "grace": "changed", "alan": "draft", "nameless": "published",
                              "hedy": "archived"}
    return before


def name_type(workspace: Workspace) -> str:
    return backend(workspace).read_live().model.content_types["author"].fields[0].type


def entry_writes(workspace: Workspace, entry_id: str) -> list[tuple[str, str]]:
    """The writes to one entry since the log was cleared: (method, path after the entry id)."""
    marker = f"/entries/{entry_id}"
    return [(r.method, r.path.split(marker, 1)[1]) for r in workspace.emulator.request_log
            if marker in r.path and r.method != "GET" and r.path.split(marker, 1)[1] in ("", "/archived",
                                                                                          "/published")]


def test_a_conversion_keeps_an_archived_entry_archived_and_revert_too(workspace: Workspace) -> None:
    before = seed_with_archived(workspace)
    assert cli(workspace, "plan")[0] == CHANGES
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == OK, out + err
    after = entries(workspace)
    assert values(after, "name") == values(before, "name") and values(after, "age") == values(before, "age")
    assert states(after) == states(before)
    assert name_type(workspace) == "Text"
    code, out, _ = cli(workspace, "plan")
    assert code == OK, out
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    reverted = entries(workspace)
    assert values(reverted, "name") == values(before, "name") and states(reverted) == states(before)
    assert name_type(workspace) == "Symbol"


def test_an_archived_entry_is_converted_with_unarchive_put_archive_only(workspace: Workspace) -> None:
    seed_with_archived(workspace)
    workspace.emulator.clear_log()
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == OK, out + err
    assert entry_writes(workspace, "hedy") == [("DELETE", "/archived"), ("PUT", ""), ("PUT", "/archived")]


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/archived"), ("PUT", ""), ("PUT", "/archived")])
def test_a_fault_at_the_archived_entrys_conversion_rolls_back_to_the_start(workspace: Workspace, method: str,
                                                                          path: str) -> None:
    before = seed_with_archived(workspace)
    workspace.emulator.faults.add(Fault(action="500", method=method, path=rf"/entries/hedy{path}$", nth=1))
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == 1, out + err
    workspace.emulator.faults.clear()
    after = entries(workspace)
    assert values(after, "name") == values(before, "name") and values(after, "age") == values(before, "age")
    assert states(after) == states(before)
    assert name_type(workspace) == "Symbol"
    assert cli(workspace, "plan")[0] == CHANGES  # the conversion is still to do, from the start


def test_revert_of_a_field_removal_restores_an_archived_entrys_value_archived(workspace: Workspace) -> None:
    before = seed_with_archived(workspace)
    model = workspace.models / "content_types" / "author.toml"
    text = model.read_text()
    model.write_text(text.replace('type = "Text"', 'type = "Symbol"').split("[[fields]]\nid = \"age\"")[0])
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == OK, out + err
    assert values(entries(workspace), "age") == dict.fromkeys(before)
    assert states(entries(workspace)) == states(before)
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    reverted = entries(workspace)
    assert values(reverted, "age") == values(before, "age")
    assert states(reverted)["hedy"] == "archived"
    assert {k: s for k, s in states(reverted).items() if k != "hedy"} == {
        k: s for k, s in states(before).items() if k != "hedy"}


def _writes_of_a_clean_apply(workspace: Workspace) -> list[tuple[str, str]]:
    """(method, path) of every write a fault-free apply of the conversion sends, in order, on a copy of
    the seeded space: the apply is run, then undone by revert, and the space checked back at the start."""
    before = entries(workspace)
    workspace.emulator.clear_log()
    assert cli(workspace, "apply", "--auto-approve")[0] == OK
    writes = [(r.method, r.path) for r in workspace.emulator.request_log if r.method != "GET"]
    assert cli(workspace, "revert", "latest", "--auto-approve")[0] == OK
    assert states(entries(workspace)) == states(before)
    return writes


@pytest.mark.slow
def test_a_fault_at_every_write_of_the_conversion_rolls_back_archived_included(workspace: Workspace) -> None:
    seed_with_archived(workspace)
    writes = _writes_of_a_clean_apply(workspace)
    assert ("PUT", "/archived") in [(m, p.rsplit("hedy", 1)[-1]) for m, p in writes]  # hedy is re-archived
    before = entries(workspace)
    for k, (method, path) in enumerate(writes):
        nth = writes[: k + 1].count((method, path))
        workspace.emulator.faults.add(Fault(action="500", method=method, path=f"^{path}$", nth=nth))
        code, out, err = cli(workspace, "apply", "--auto-approve")
        workspace.emulator.faults.clear()
        assert code == 1, f"write {k} {method} {path}: {out}{err}"
        after = entries(workspace)
        where = f"write {k}: {method} {path}"
        assert values(after, "name") == values(before, "name"), where
        assert values(after, "age") == values(before, "age"), where
        assert states(after) == states(before), where
        assert after["grace"].published_version == before["grace"].published_version, where  # not republished
        assert name_type(workspace) == "Symbol", where
        assert cli(workspace, "plan")[0] == CHANGES, where


def test_revert_of_a_content_type_deletion_recreates_an_archived_entry_archived(workspace: Workspace) -> None:
    before = seed_with_archived(workspace)
    (workspace.models / "content_types" / "author.toml").unlink()
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == OK, out + err
    assert entries(workspace) == {}
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    reverted = entries(workspace)
    assert values(reverted, "name") == values(before, "name") and values(reverted, "age") == values(before, "age")
    # re-created: each in its captured state, except that a pending draft comes back a draft
    assert states(reverted) == {**states(before), "grace": "draft"}


def test_a_saved_plan_converts_an_archived_entry_and_keeps_it_archived(workspace: Workspace, tmp_path: Path) -> None:
    before = seed_with_archived(workspace)
    saved = tmp_path / "plan.json"
    assert cli(workspace, "plan", "--out", str(saved))[0] == CHANGES
    workspace.emulator.clear_log()
    code, out, err = cli(workspace, "apply", str(saved), "--auto-approve")
    assert code == OK, out + err
    after = entries(workspace)
    assert values(after, "name") == values(before, "name") and states(after) == states(before)
    assert entry_writes(workspace, "hedy") == [("DELETE", "/archived"), ("PUT", ""), ("PUT", "/archived")]


def test_a_fill_runs_on_an_archived_entry_and_keeps_it_archived(workspace: Workspace) -> None:
    seed(workspace, "fill-first-name")
    b = backend(workspace)
    b.archive_entry("hedy", b.put_entry("hedy", "person", {"fullName": {"en-US": "Hedy Lamarr"}}, None).version)
    before = entries(workspace)
    code, out, _ = cli(workspace, "plan")
    assert code == CHANGES and "4 entries changed, 1 unchanged, 0 failures" in out, out
    workspace.emulator.clear_log()
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == OK, out + err
    after = entries(workspace)
    assert after["hedy"].fields["firstName"] == {"en-US": "Hedy"} and states(after) == states(before)
    assert entry_writes(workspace, "hedy") == [("DELETE", "/archived"), ("PUT", ""), ("PUT", "/archived")]
    assert cli(workspace, "plan")[0] == OK
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    reverted = entries(workspace)
    assert "firstName" not in reverted["hedy"].fields and states(reverted) == states(before)


def test_revert_of_a_locale_deletion_restores_an_archived_entrys_values_archived(workspace: Workspace) -> None:
    before = seed_with_archived(workspace)
    model = workspace.models / "content_types" / "author.toml"
    model.write_text(model.read_text().replace('type = "Text"', 'type = "Symbol"'))
    locales = workspace.models / "locales.toml"
    locales.write_text("\n".join(line for line in locales.read_text().splitlines() if "de-DE" not in line))
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == OK, out + err
    assert "de-DE" not in str(values(entries(workspace), "name"))
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    reverted = entries(workspace)
    assert values(reverted, "name") == values(before, "name")
    assert reverted["hedy"].state == "archived"


def test_a_tag_deletion_untags_an_archived_entry_archived_and_revert_tags_it_again(workspace: Workspace) -> None:
    seed_with_archived(workspace)
    model = workspace.models / "content_types" / "author.toml"
    model.write_text(model.read_text().replace('type = "Text"', 'type = "Symbol"'))
    tags = workspace.models / "tags.toml"
    tags.write_text('format = 1\ntags = [{ id = "featured", name = "Featured" }]\n')
    assert cli(workspace, "apply", "--auto-approve")[0] == OK
    b = backend(workspace)
    hedy = b.unarchive_entry("hedy", entries(workspace)["hedy"].version)
    b.archive_entry("hedy", b.put_entry("hedy", "author", HEDY, hedy.version, ["featured"]).version)
    tags.write_text("format = 1\ntags = []\n")
    workspace.emulator.clear_log()
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == OK, out + err
    assert entries(workspace)["hedy"].tags == () and entries(workspace)["hedy"].state == "archived"
    assert entry_writes(workspace, "hedy") == [("DELETE", "/archived"), ("PUT", ""), ("PUT", "/archived")]
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    reverted = entries(workspace)["hedy"]
    assert reverted.tags == ("featured",) and reverted.state == "archived" and reverted.fields == HEDY


def test_revert_keeps_an_entry_unarchived_or_edited_since_the_apply_that_did_not_write_it(
        workspace: Workspace) -> None:
    before = seed_with_archived(workspace)
    model = workspace.models / "content_types" / "author.toml"
    model.write_text(model.read_text().replace('type = "Text"', 'type = "Symbol"').split('[[fields]]\nid = "age"')[0])
    assert cli(workspace, "apply", "--auto-approve", "--allow-destroy")[0] == OK
    b = backend(workspace)  # a colleague unarchives hedy and edits ada, both once, after the apply
    b.unarchive_entry("hedy", entries(workspace)["hedy"].version)
    ada = entries(workspace)["ada"]
    b.put_entry("ada", "author", {**ada.fields, "name": {"en-US": "Ada (edited)"}}, ada.version)
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    reverted = entries(workspace)
    assert values(reverted, "age") == values(before, "age")
    assert reverted["hedy"].state == "draft"  # their unarchive stands
    assert reverted["ada"].state == "changed"  # their draft does not go live
    assert reverted["ada"].published_version == before["ada"].published_version


def test_revert_of_an_apply_whose_rollback_failed_archives_the_entry_it_left_unarchived(
        workspace: Workspace) -> None:
    before = seed_with_archived(workspace)
    # hedy's re-archive fails, in the apply and in every round of its rollback: hedy is left a draft
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path=r"/entries/hedy/archived$", times=99))
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == 1 and "rollback" in (out + err).lower(), out + err
    workspace.emulator.faults.clear()
    assert entries(workspace)["hedy"].state == "draft"
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    reverted = entries(workspace)
    assert values(reverted, "name") == values(before, "name") and states(reverted) == states(before)
    assert name_type(workspace) == "Symbol"
