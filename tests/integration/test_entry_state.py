"""Entries keep their publish state through rollback and revert (docs/safety.md, "Entries and their
publish state"): a published entry with no pending draft is republished, a pending draft stays
unpublished, a draft stays a draft. Removing the "published with no pending draft" check makes these
tests fail: every restored entry would be published, and colleagues' drafts would go live."""

from __future__ import annotations

import pytest

from reconcile import workflows
from reconcile.emulator import Fault
from reconcile.entries import restored_state
from reconcile.model import Entry
from tests.support import approve, entries_by_id

from .conftest import Workspace, backend, seed_start
from .scenarios import START, TARGET


def _without_legacy(workspace: Workspace, *, then_edit_author_interface: bool = False) -> None:
    """Models without article's `legacy` field (and, after that, a changed editor interface of author)."""
    article = START.content_types["article"]
    fields = tuple(f for f in article.fields if f.id != "legacy")
    model = START.model_copy(update={"content_types": {**START.content_types,
                                                       "article": article.model_copy(update={"fields": fields})}})
    if then_edit_author_interface:
        author = TARGET.editor_interfaces["author"]
        model = model.model_copy(update={"editor_interfaces": {**model.editor_interfaces, "author": author}})
    workspace.write(model)


def _states(workspace: Workspace) -> dict[str, tuple[str, int | None]]:
    """Each article's publish state and published version."""
    return {e.id: (e.state, e.published_version) for e in backend(workspace).fetch_entries("article")}


def _seed_three_states(workspace: Workspace) -> dict[str, tuple[str, int | None]]:
    """a1 published with a pending draft, a2 published, a3 a draft never published; all hold `legacy`."""
    seed_start(workspace)
    b = backend(workspace)
    a1 = next(e for e in b.fetch_entries("article") if e.id == "a1")
    b.put_entry("a1", "article", {**a1.fields, "body": {"en-US": "Pending edit"}}, a1.version)
    b.put_entry("a3", "article", {"title": {"en-US": "Draft"}, "legacy": {"en-US": "L-3"}}, None)
    states = _states(workspace)
    assert {k: s for k, (s, _) in states.items()} == {"a1": "changed", "a2": "published", "a3": "draft"}
    return states


def test_revert_restores_values_and_keeps_each_publish_state(workspace: Workspace) -> None:
    before = _seed_three_states(workspace)
    _without_legacy(workspace)
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    reverted = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    assert reverted.converged is not None and reverted.converged.complete
    assert reverted.converged.restore.restored == 3
    values = entries_by_id(backend(workspace))
    assert values["a1"]["body"] == {"en-US": "Pending edit"} and values["a1"]["legacy"] == {"en-US": "L-1"}
    assert values["a3"]["legacy"] == {"en-US": "L-3"} and values["a2"]["legacy"] == {"en-US": "L-2"}
    after = _states(workspace)
    # a2 was republished (one write + one publish: its published version moves on); the others were not
    assert after["a2"][0] == "published" and after["a1"] == before["a1"] and after["a3"] == before["a3"]


def test_rollback_restores_values_and_keeps_each_publish_state(workspace: Workspace) -> None:
    before = _seed_three_states(workspace)
    _without_legacy(workspace, then_edit_author_interface=True)
    # the apply removes `legacy` (values gone), then fails at its last write: the rollback restores them
    interface = r"/content_types/author/editor_interface$"
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path=interface, nth=1))
    outcome = workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True)
    assert not outcome.ok and outcome.rollback is not None and outcome.rollback.complete
    after = _states(workspace)
    assert after["a2"][0] == "published" and after["a1"] == before["a1"] and after["a3"] == before["a3"]
    values = entries_by_id(backend(workspace))
    assert values["a1"]["body"] == {"en-US": "Pending edit"} and values["a1"]["legacy"] == {"en-US": "L-1"}
    assert values["a3"]["legacy"] == {"en-US": "L-3"} and values["a2"]["legacy"] == {"en-US": "L-2"}


@pytest.mark.parametrize(
    ("captured", "now", "ours", "state"),
    [
        # re-created: the captured state, but a pending draft never goes live
        ((3, 2, None), None, False, "published"),
        ((5, 2, None), None, False, "draft"),
        ((2, None, 1), None, False, "archived"),
        # existing, still as the undone run left it (the journal says so: reconcile.entry_journal): as captured
        ((3, 2, None), (3, 2, None), True, "published"),
        ((3, 2, None), (4, 2, None), True, "published"),  # the run wrote it, its republish failed
        ((5, 2, None), (6, 2, None), True, "changed"),  # pending changes stay unpublished
        ((2, None, 1), (3, None, None), True, "archived"),  # unarchived by the run, not archived again
        # existing, not written by the run, or written by someone else after it: its live state
        ((3, 2, None), (4, 2, None), False, "changed"),  # a colleague's draft is not published
        ((3, 2, None), (5, 2, None), False, "changed"),
        ((2, None, None), (3, None, None), False, "draft"),
        ((2, None, 1), (3, None, None), False, "draft"),  # a colleague's unarchive stays
        ((2, None, 1), (2, None, 1), False, "archived"),
    ],
)
def test_restored_state(captured: tuple[int, int | None, int | None], now: tuple[int, int | None, int | None] | None,
                        ours: bool, state: str) -> None:
    def entry(sys: tuple[int, int | None, int | None]) -> Entry:
        return Entry(id="e", content_type_id="t", version=sys[0], published_version=sys[1], archived_version=sys[2])

    assert restored_state(entry(captured), None if now is None else entry(now), ours=ours) == state
