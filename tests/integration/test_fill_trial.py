"""Defects found by a newcomer's trial of issue 14 (declared fills, conversions), each pinned here."""

from __future__ import annotations

import json
import shutil

from reconcile.cli import OK

from .conftest import Workspace
from .test_transforms import SCENARIOS, cli, seed


def fill_project(workspace: Workspace, source: str) -> None:
    """The fill-first-name scenario's models, with ``source`` as its fill file (nothing applied)."""
    workspace.use_models(SCENARIOS / "fill-first-name" / "after")
    shutil.copytree(SCENARIOS / "fill-first-name" / "transforms", workspace.root / "transforms", dirs_exist_ok=True)
    (workspace.root / "transforms" / "people.py").write_text(source)


def test_a_fill_that_cannot_take_fields_and_locale_is_an_offline_error(workspace: Workspace) -> None:
    """A fill written `def first_name(fields)` failed on every entry at plan time (a TypeError per entry);
    the signature is known offline, so `validate` says so, with the file and line, before any request."""
    fill_project(workspace, "def first_name(fields):\n    return None\n")
    code, _, err = cli(workspace, "validate")
    assert code == 1, err
    assert "content_types/person.toml" in err
    assert "fill transforms/people.py:first_name cannot be called as first_name(fields, locale)" in err
    for fine in ("def first_name(fields, locale, extra=None):\n    return None\n",
                 "def first_name(*args):\n    return None\n",
                 "class Named:\n    def __call__(self, fields, locale):\n        return None\nfirst_name = Named()\n"):
        fill_project(workspace, fine)
        assert cli(workspace, "validate")[0] == 0, fine


def test_history_shows_a_died_apply_that_a_revert_undid_as_reverted(workspace: Workspace) -> None:
    """A died apply (its journal has a start and no finish) undone by `reconcile revert SNAPSHOT` was still
    listed by `reconcile history` as unfinished: the revert's `reverted` finish carried the revert's run id."""
    seed(workspace, "symbol-to-text")
    assert cli(workspace, "apply", "--auto-approve")[0] == OK
    journal = next(p for p in (workspace.root / "snapshots").rglob("journal.jsonl")
                   if '"command": "apply"' in p.read_text() and '"entry_write"' in p.read_text())
    lines = journal.read_text().splitlines()
    journal.write_text("\n".join(line for line in lines if '"event": "finish"' not in line) + "\n")  # it died
    snapshot = journal.parent.name
    code, out, err = cli(workspace, "revert", snapshot, "--auto-approve")
    assert code == OK, out + err
    code, out, _ = cli(workspace, "history", "--format", "json")
    assert code == OK, out
    runs = {run["detail"]: run for run in json.loads(out)["runs"]}
    assert runs[snapshot]["outcome"] == "reverted", runs[snapshot]
