"""A rollback against a colleague's concurrent edit (issue 14): the rollback restores only the entries the
journal shows the apply wrote or started to write, decides from versions whether a started write landed,
and leaves an entry someone else wrote alone, naming it on stderr and in the journal.

The colleague is an emulator hook (``Fault.before``): when a chosen request of the apply arrives, the
colleague edits an entry through the API, then the request gets a 500."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reconcile import entry_writes
from reconcile.cli import CHANGES
from reconcile.emulator import Fault
from reconcile.model import Entry

from .conftest import TOKEN, Workspace, backend
from .test_transforms import cli, entries, seed, states, values


def colleague_edits(workspace: Workspace, entry_id: str, field_id: str, value: Any) -> Any:
    """A hook: the colleague sets one value of the entry (one PUT: a published entry gets pending changes)."""
    def edit() -> None:
        b = backend(workspace)
        now = next(e for e in b.fetch_entries() if e.id == entry_id)
        b.put_entry(entry_id, now.content_type_id, {**now.fields, field_id: {"en-US": value}}, now.version,
                    now.tags)
    return edit


def journal_records(workspace: Workspace, event: str) -> list[dict[str, Any]]:
    journals = sorted((workspace.root / "snapshots").rglob("journal.jsonl"))
    lines = [json.loads(line) for path in journals for line in path.read_text().splitlines()]
    return [r for r in lines if r.get("event") == event]


def converged_records(workspace: Workspace) -> list[dict[str, Any]]:
    return journal_records(workspace, "converged")


def test_an_entry_the_apply_never_writes_edited_by_a_colleague_is_left_alone(workspace: Workspace) -> None:
    """`nameless` has no name to convert: the apply never writes it. A colleague edits it mid-apply (it
    gets pending changes); the rollback must not republish their draft, and names it."""
    before = seed(workspace, "symbol-to-text")
    hook = colleague_edits(workspace, "nameless", "age", 2)
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path=r"/entries/[^/]+$", nth=1, before=hook))
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == 1, out + err
    workspace.emulator.faults.clear()
    after = entries(workspace)
    assert after["nameless"].state == "changed"  # the colleague's draft is not published
    assert after["nameless"].published_version == before["nameless"].published_version
    assert after["nameless"].fields["age"] == {"en-US": 2}
    others = [e for e in before if e != "nameless"]
    assert {e: states(after)[e] for e in others} == {e: states(before)[e] for e in others}
    assert {e: values(after, "name")[e] for e in others} == {e: values(before, "name")[e] for e in others}
    assert "left alone 1 entry" in err and "nameless" in err
    assert "at its starting state, except 1 entry someone else wrote meanwhile, left as they wrote it (nameless)" in err
    assert converged_records(workspace)[-1]["left_alone"] == ["nameless"]


def test_an_entry_a_colleague_wrote_before_the_applys_own_write_landed_is_left_alone(workspace: Workspace) -> None:
    """The apply starts writing `ada`; a colleague's edit gets there first, and the apply's PUT fails: the
    journal shows a started write, the version says it did not land (the values are the colleague's)."""
    before = seed(workspace, "symbol-to-text")
    hook = colleague_edits(workspace, "ada", "age", 37)
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path=r"/entries/ada$", nth=1, before=hook))
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == 1, out + err
    workspace.emulator.faults.clear()
    after = entries(workspace)
    assert after["ada"].state == "changed" and after["ada"].published_version == before["ada"].published_version
    assert after["ada"].fields == {**before["ada"].fields, "age": {"en-US": 37}}
    assert {e: (s, after[e].fields) for e, s in states(after).items() if e != "ada"} == {
        e: (s, before[e].fields) for e, s in states(before).items() if e != "ada"}
    assert "ada" in err and "left alone" in err
    assert cli(workspace, "plan")[0] == CHANGES


def seed_fill_existing(workspace: Workspace) -> dict[str, Entry]:
    before = seed(workspace, "fill-existing-field")
    assert states(before) == {"ada": "published", "grace": "changed", "alan": "draft", "hedy": "archived"}
    return before


def test_the_applys_own_cut_short_write_is_undone_values_included(workspace: Workspace) -> None:
    """The reverse: a fill that rewrites an existing field (cut to 5 characters) lands its PUT on `ada`, and
    the republish fails. The rollback must restore ada's full name and republish it, not keep the cut value
    as if someone else had written it; the other entries the apply wrote come back too."""
    before = seed_fill_existing(workspace)
    code, out, _ = cli(workspace, "plan", "--allow-destroy")
    assert code == CHANGES, out
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path=r"/entries/ada/published$", nth=1))
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == 1, out + err
    workspace.emulator.faults.clear()
    after = entries(workspace)
    assert values(after, "name") == values(before, "name")
    assert states(after) == states(before)
    assert after["grace"].published_version == before["grace"].published_version  # never republished
    assert "left alone" not in err


def test_a_write_entries_phase_cut_short_leaves_a_colleagues_edit_of_an_entry_not_yet_written_alone(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fill's ``write_entries`` step (plan format 1.4, entries written page by page) lands its PUT on `ada`;
    a 500 cuts the phase short at ada's republish, and at that moment a colleague edits `alan`, which the
    phase has not written yet. The journal shows the phase wrote ada (values from the plan: captured whole),
    so the rollback restores ada's full name and republishes it; alan keeps the colleague's edit, a draft,
    named. Without the phase journalling its writes, ada would be taken for someone else's and keep the
    cut value."""
    monkeypatch.setattr(entry_writes, "WORKERS", 1)  # one entry at a time, in page order: ada first
    before = seed_fill_existing(workspace)
    hook = colleague_edits(workspace, "alan", "name", "Alan!")
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path=r"/entries/ada/published$", nth=1,
                                        before=hook))
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == 1, out + err
    workspace.emulator.faults.clear()
    assert "write_entries" in json.dumps(journal_records(workspace, "step"))
    written = {r["entry"] for r in journal_records(workspace, "entry_write")}
    assert "ada" in written and "alan" not in written
    after = entries(workspace)
    assert after["alan"].fields["name"] == {"en-US": "Alan!"} and after["alan"].state == "draft"
    others = ("ada", "grace", "hedy")
    assert {e: values(after, "name")[e] for e in others} == {e: values(before, "name")[e] for e in others}
    assert {e: states(after)[e] for e in others} == {e: states(before)[e] for e in others}
    assert after["grace"].published_version == before["grace"].published_version  # never republished
    assert "alan" in err and "left alone" in err
    assert converged_records(workspace)[-1]["left_alone"] == ["alan"]


def test_an_entry_edited_between_the_snapshot_and_its_write_is_not_written_and_is_left_alone(
    workspace: Workspace,
) -> None:
    """A colleague edits `alan` while the apply publishes the content type: after the pre-apply snapshot
    captured alan, before the ``write_entries`` phase reads it. The phase must not write it (its values
    could no longer be restored exactly: the snapshot holds the colleague's predecessor), so the apply
    fails naming it, and the rollback restores the entries it wrote and leaves alan as the colleague wrote
    it. Writing it at the colleague's version would journal it as the run's, and the rollback would put
    back the snapshot's name over the colleague's."""
    before = seed_fill_existing(workspace)
    hook = colleague_edits(workspace, "alan", "name", "Alan M. Turing")
    workspace.emulator.faults.add(Fault(action="delay", method="PUT", path=r"/content_types/author/published$",
                                        before=hook))
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == 1, out + err
    assert "entry alan of author changed during the apply (version" in err
    workspace.emulator.faults.clear()
    after = entries(workspace)
    assert after["alan"].fields["name"] == {"en-US": "Alan M. Turing"} and after["alan"].state == "draft"
    assert "alan" not in {r["entry"] for r in journal_records(workspace, "entry_write")}
    others = ("ada", "grace", "hedy")
    assert {e: (values(after, "name")[e], states(after)[e]) for e in others} == {
        e: (values(before, "name")[e], states(before)[e]) for e in others}
    assert converged_records(workspace)[-1]["left_alone"] == ["alan"]


def test_revert_of_a_fill_on_an_existing_field_restores_the_old_values(workspace: Workspace) -> None:
    before = seed_fill_existing(workspace)
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == 0, out + err
    assert values(entries(workspace), "name")["ada"] == {"en-US": "Ada L"}
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == 0, out + err
    after = entries(workspace)
    assert values(after, "name") == values(before, "name") and states(after) == states(before)


def test_revert_leaves_alone_an_entry_edited_after_the_fill_and_names_it(workspace: Workspace) -> None:
    before = seed_fill_existing(workspace)
    assert cli(workspace, "apply", "--auto-approve", "--allow-destroy")[0] == 0
    colleague_edits(workspace, "alan", "name", "Alan!")()
    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == 0, out + err
    after = entries(workspace)
    assert after["alan"].fields["name"] == {"en-US": "Alan!"} and after["alan"].state == "draft"
    assert {e: values(after, "name")[e] for e in ("ada", "grace", "hedy")} == {
        e: values(before, "name")[e] for e in ("ada", "grace", "hedy")}
    assert "alan" in err and "left alone" in err
    assert "(3 entries restored, except 1 entry someone else wrote meanwhile, left as they wrote it (alan))" in err


@pytest.mark.slow
def test_a_real_apply_process_cut_short_by_a_500_leaves_the_colleagues_entry_alone(workspace: Workspace) -> None:
    """The same as the first test with `reconcile apply` in its own process."""
    before = seed(workspace, "symbol-to-text")
    hook = colleague_edits(workspace, "nameless", "age", 2)
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path=r"/entries/[^/]+$", nth=1, before=hook))
    env = {**os.environ, "RECONCILE_TEST_TOKEN": TOKEN, "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "reconcile", "apply", "--auto-approve", "--config",
                           str(Path(workspace.root) / "reconcile.toml")], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    after = entries(workspace)
    assert after["nameless"].state == "changed" and after["nameless"].fields["age"] == {"en-US": 2}
    assert states(after)["ada"] == states(before)["ada"] == "published"
    assert "nameless" in done.stderr and "left alone" in done.stderr
