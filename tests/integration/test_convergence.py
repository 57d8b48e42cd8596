"""End to end through the workflows: apply converges, re-plan is empty, revert restores the start exactly,
including entry values destroyed by the apply; failures at any write step roll back to the start."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reconcile import workflows
from reconcile.emulator import Fault
from reconcile.errors import PolicyBlocked, StalePlan
from reconcile.model import ContentModel, Control, EditorInterface
from reconcile.normalize import fingerprint
from tests.support import approve, entries_by_id

from .conftest import Workspace, backend, seed_start, write_requests
from .scenarios import START, TARGET


def test_new_space_converges_and_replan_is_empty(workspace: Workspace) -> None:
    outcome = workflows.apply(workspace.project(), None, confirm=approve)
    assert outcome.ok and outcome.applied and outcome.snapshot is not None
    assert outcome.post_snapshot is not None
    assert workflows.plan(workspace.project(), None).plan.is_empty


def test_apply_then_revert_restores_start_and_entry_data(workspace: Workspace) -> None:
    start_fp, start_entries = seed_start(workspace)
    workspace.write(TARGET)
    planned = workflows.plan(workspace.project(), None).plan
    assert planned.is_blocked  # destructive changes need permission
    assert planned.entry_counts["content_types.article.fields.legacy"] == 2
    assert planned.entry_counts["content_types.legacyPage"] == 1

    outcome = workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True)
    assert outcome.ok, outcome.report
    assert workflows.plan(workspace.project(), None, allow_destroy=True).plan.is_empty
    b = backend(workspace)
    after = entries_by_id(b)
    assert "p1" not in after and "legacy" not in after["a1"]
    assert after["a1"]["headline"] == {"en-US": "Hello"}  # rename kept the data

    reverted = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    assert reverted.converged is not None and reverted.converged.complete
    assert fingerprint(b.read_live().model) == start_fp
    assert entries_by_id(b) == start_entries


def test_revert_after_an_undone_revert_restores_the_converted_values(workspace: Workspace) -> None:
    # Found in the trial: apply (a conversion writes the entries), `revert latest`, undo that revert
    # (`reconcile revert PRE-REVERT-ID`, as the tool suggests), then `revert latest` again: the revert converted
    # the field back through an empty temporary field and then left the entries alone as "someone else wrote"
    # them, so their values were gone. Only the tool's own later runs had written them since the apply.
    start_fp, start_entries = seed_start(workspace)
    article = START.content_types["article"]
    # rating converted (the apply writes a1), legacy removed (a1 and a2 lose a value the revert brings back)
    retyped = tuple(f.model_copy(update={"type": "Number"}) if f.id == "rating" else f for f in article.fields
                    if f.id != "legacy")
    workspace.write(START.model_copy(update={"content_types": {
        **START.content_types, "article": article.model_copy(update={"fields": retyped})}}))
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    b = backend(workspace)
    applied = entries_by_id(b)
    assert applied["a1"]["rating"] == {"en-US": 4}  # converted to Number, value kept
    first = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    assert first.converged is not None and first.converged.complete and first.pre_snapshot is not None
    undone = workflows.revert(workspace.project(), None, first.pre_snapshot.id, confirm=approve)
    assert undone.converged is not None and undone.converged.complete
    assert entries_by_id(b) == applied
    again = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    assert again.converged is not None and again.converged.complete
    assert again.converged.restore.left_alone == []  # nobody but the tool wrote them
    assert fingerprint(b.read_live().model) == start_fp
    assert entries_by_id(b) == start_entries


def test_undoing_a_revert_that_re_created_a_content_type_with_entries_deletes_them_again(
    workspace: Workspace,
) -> None:
    # Found in the trial: the apply deletes legacyPage (and its entry p1), `revert latest` re-creates both, and
    # the undo of that revert (`reconcile revert PRE-REVERT-ID`, as the tool suggests) failed three rounds on
    # "unpublish content type 'legacyPage' failed: HTTP 400 BadRequest: Content Type has entries": the plan
    # back had no step deleting the entries, as an apply's plan has.
    seed_start(workspace)
    workspace.write(TARGET)
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    b = backend(workspace)
    applied_fp, applied = fingerprint(b.read_live().model), entries_by_id(b)
    first = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    assert first.converged is not None and first.converged.complete and first.pre_snapshot is not None
    assert "p1" in entries_by_id(b)
    undone = workflows.revert(workspace.project(), None, first.pre_snapshot.id, confirm=approve)
    assert undone.converged is not None and undone.converged.complete, undone.converged.error
    assert fingerprint(b.read_live().model) == applied_fp and entries_by_id(b) == applied


def test_blocked_apply_writes_nothing(workspace: Workspace) -> None:
    seed_start(workspace)
    workspace.write(TARGET)
    workspace.emulator.clear_log()
    with pytest.raises(PolicyBlocked):
        workflows.apply(workspace.project(), None, confirm=approve)
    assert [r for r in workspace.emulator.request_log if r.method != "GET"] == []


def test_stale_saved_plan_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    seed_start(workspace)
    workspace.write(TARGET)
    saved = tmp_path / "plan.json"
    workflows.save_plan(workflows.plan(workspace.project(), None, allow_destroy=True).plan, saved)
    # someone edits the space after the plan was made
    b = backend(workspace)
    live = b.read_live()
    author = live.model.content_types["author"].model_copy(update={"name": "Writer"})
    b.put_content_type(author, live.meta["content_type:author"].version)
    workspace.emulator.clear_log()
    with pytest.raises(StalePlan):
        workflows.apply(workspace.project(), None, plan_file=saved, confirm=approve)
    assert [r for r in workspace.emulator.request_log if r.method != "GET"] == []


def test_saved_plan_is_refused_when_more_entries_hold_the_data_it_destroys(
    workspace: Workspace, tmp_path: Path,
) -> None:
    # Found in the trial: a plan reviewed as "remove field [destructive, 0 entries hold data]" was applied after
    # someone had written a value there, destroying it without a word: the model was unchanged, so not stale.
    seed_start(workspace)
    workspace.write(TARGET)
    saved = tmp_path / "plan.json"
    plan = workflows.plan(workspace.project(), None, allow_destroy=True).plan
    assert plan.entry_counts["content_types.legacyPage"] == 1
    workflows.save_plan(plan, saved)
    # an editor writes a second entry of the content type the plan deletes (a draft: the model is unchanged; no
    # conversion or fill reads these entries, so the plan's entries_read does not cover them)
    backend(workspace).put_entry("p2", "legacyPage", {"slug": {"en-US": "old-about"}}, None)
    workspace.emulator.clear_log()
    with pytest.raises(StalePlan, match=r"content_types\.legacyPage destroys the data of 2 entries now, .* counted 1"):
        workflows.apply(workspace.project(), None, plan_file=saved, confirm=approve, allow_destroy=True)
    assert [r for r in workspace.emulator.request_log if r.method != "GET"] == []


@pytest.mark.slow
def test_failure_at_every_write_step_rolls_back_to_start(workspace: Workspace) -> None:
    """Inject a 500 at write k of the apply, for every k: the environment ends exactly at the start.

    Writes to different content types may interleave (parallel execution), so write k is targeted
    by its method, exact path and occurrence of that pair, which is the same in every run.
    """
    start_fp, start_entries = seed_start(workspace)
    workspace.write(TARGET)
    workspace.emulator.clear_log()
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    writes = write_requests(workspace)
    assert len(writes) > 10
    reverted = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    assert reverted.converged is not None and reverted.converged.complete
    b = backend(workspace)
    for k, (method, path) in enumerate(writes):
        occurrence = writes[: k + 1].count((method, path))
        workspace.emulator.faults.add(Fault(action="500", method=method, path=f"^{path}$", nth=occurrence))
        outcome = workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True)
        workspace.emulator.faults.clear()
        assert not outcome.ok, f"fault at write {k + 1} ({method} {path}) did not fail the apply"
        assert outcome.rollback is not None and outcome.rollback.complete, f"write {k + 1}: rollback incomplete"
        assert fingerprint(b.read_live().model) == start_fp, f"write {k + 1}"
        assert entries_by_id(b) == start_entries, f"write {k + 1}"


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["during phase locales", "while its PUT is in flight"])
def test_a_concurrent_edit_fails_the_apply_and_it_rolls_back_to_the_snapshot(workspace: Workspace,
                                                                             moment: str) -> None:
    """Someone changes `article` in the web app while the apply runs. Edited during an earlier phase, the
    phase's verification sees it; edited while the apply's own PUT of `article` is on its way, that PUT
    carries the version read when planning (no fresh GET hides the conflict) and is refused with 409.
    Either way the rollback converges to the pre-apply snapshot, entry data included."""
    start_fp, start_entries = seed_start(workspace)
    workspace.write(TARGET)
    b = backend(workspace)
    if moment == "during phase locales":
        # the first write (creating fr-FR) is slow; the edit lands before the phase is verified
        workspace.emulator.faults.add(Fault(action="delay", method="POST", path=r"/locales$", delay=1.5))
        ready = "snapshots/*/*/metadata.json"
    else:
        # the server holds the apply's PUT of article for 2.5 s; the edit, sent 0.5 s after phase locales
        # is verified (when that PUT is on its way), lands before it is carried out
        workspace.emulator.faults.add(Fault(action="delay", method="PUT", path=r"/content_types/article$",
                                            delay=2.5))
        ready = "snapshots/*/*/journal.jsonl"
    edited: list[int] = []
    earlier = set(workspace.root.glob(ready))  # the seeding apply's

    def edit_when_ready() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            journals = [p for p in workspace.root.glob(ready) if p not in earlier]
            if journals and (moment == "during phase locales" or '"phase": "locales", "ok": true'
                             in journals[0].read_text()):
                break
            time.sleep(0.01)
        if moment != "during phase locales":
            time.sleep(0.5)
        live = b.read_live()
        article = live.model.content_types["article"].model_copy(update={"name": "Edited in the web app"})
        edited.append(int(b.put_content_type(article, live.meta["content_type:article"].version)["sys"]["version"]))

    editor = threading.Thread(target=edit_when_ready)
    editor.start()
    try:
        outcome = workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True)
    finally:
        editor.join(timeout=60)
        workspace.emulator.faults.clear()
    assert edited, "the concurrent edit did not happen"
    report = outcome.report
    assert not outcome.ok and report is not None
    if moment == "during phase locales":
        assert report.failed is None and "after phase locales the live environment does not match" in str(
            report.failure)
    else:
        assert report.failed is not None and report.failed.step.resource_id == "article"
        assert report.failed.error is not None and "HTTP 409 VersionMismatch" in report.failed.error
    assert outcome.rollback is not None and outcome.rollback.complete
    assert fingerprint(b.read_live().model) == start_fp
    assert entries_by_id(b) == start_entries


def renamed_title(model: ContentModel) -> ContentModel:
    """START with only `article.title` renamed to `heading` (and the display field following it)."""
    article = model.content_types["article"]
    fields = tuple(
        f.model_copy(update={"id": "heading", "renamed_from": "title"}) if f.id == "title" else f
        for f in article.fields
    )
    changed = article.model_copy(update={"fields": fields, "display_field": "heading"})
    return model.model_copy(update={"content_types": {**model.content_types, "article": changed}})


def test_revert_of_a_rename_renames_back_and_keeps_the_data(workspace: Workspace) -> None:
    start_fp, start_entries = seed_start(workspace)
    workspace.write(renamed_title(START))
    applied = workflows.apply(workspace.project(), None, confirm=approve)  # a rename destroys nothing
    assert applied.ok
    b = backend(workspace)
    assert entries_by_id(b)["a1"]["heading"] == {"en-US": "Hello", "de-DE": "Hallo"}
    reverted = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    kinds = {(c.kind, c.address) for c in reverted.plan.changes}
    assert ("RenameField", "content_types.article.fields.title") in kinds
    assert not reverted.plan.has_destructive, kinds
    assert reverted.converged is not None and reverted.converged.complete
    assert fingerprint(b.read_live().model) == start_fp
    assert entries_by_id(b) == start_entries


def test_rollback_of_a_rename_renames_back_and_keeps_the_data(workspace: Workspace) -> None:
    start_fp, start_entries = seed_start(workspace)
    target = renamed_title(START)
    author = EditorInterface(content_type_id="author", controls=(
        Control(field_id="name", widget_id="singleLine", widget_namespace="builtin"),))
    workspace.write(target.model_copy(update={"editor_interfaces": {**target.editor_interfaces, "author": author}}))
    # the editor-interface phase comes after the rename is published: fail there
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path=r"/content_types/author/editor_interface$"))
    outcome = workflows.apply(workspace.project(), None, confirm=approve)
    workspace.emulator.faults.clear()
    assert not outcome.ok and outcome.rollback is not None and outcome.rollback.complete
    assert outcome.rollback.plan is not None
    assert not outcome.rollback.plan.has_destructive
    b = backend(workspace)
    assert fingerprint(b.read_live().model) == start_fp
    assert entries_by_id(b) == start_entries


def test_revert_restores_destroyed_values_and_keeps_later_edits(workspace: Workspace) -> None:
    start_fp, start_entries = seed_start(workspace)
    article = START.content_types["article"]
    without_legacy = article.model_copy(update={"fields": tuple(f for f in article.fields if f.id != "legacy")})
    workspace.write(START.model_copy(update={"content_types": {**START.content_types, "article": without_legacy}}))
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    b = backend(workspace)
    # an editor changes another field of a1 after the apply (published entry, no pending draft after publish)
    a1 = next(e for e in b.fetch_entries("article") if e.id == "a1")
    fields = {**a1.fields, "body": {"en-US": "Edited after the apply"}}
    edited = b.put_entry("a1", "article", fields, a1.version)
    b.publish_entry("a1", edited.version)
    reverted = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    assert reverted.converged is not None and reverted.converged.complete
    assert fingerprint(b.read_live().model) == start_fp
    after = entries_by_id(b)
    assert after["a1"]["legacy"] == {"en-US": "L-1"} and after["a2"]["legacy"] == {"en-US": "L-2"}
    assert after["a1"]["body"] == {"en-US": "Edited after the apply"}  # not overwritten by the snapshot
    assert {k: v for k, v in after.items() if k != "a1"} == {k: v for k, v in start_entries.items() if k != "a1"}
    a1_now = next(e for e in b.fetch_entries("article") if e.id == "a1")
    assert a1_now.published_version is not None
    assert a1_now.published_version + 1 == a1_now.version  # republished: it was published and current
