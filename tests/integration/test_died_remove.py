"""An apply that died between the PUT removing fields of a content type and its publish left a draft ahead of
the published version: the draft lacks the removed fields, the published version still holds them omitted
(the deletion is final only once published, facts §4.4) and the entries still hold their values. The API
checks every content-type PUT against the published version, so the next apply, planned from the draft alone,
was refused: its re-add of ``rating`` (Integer -> Number) met the published ``rating`` of another type
(``Previously published fields are invalid``). The live model now holds those fields, omitted
(``reconcile/backend/pending.py``): the next apply, the revert of the died one and a rollback complete."""

from __future__ import annotations

from typing import Any

import pytest

from reconcile import executor
from reconcile.emulator.faults import Fault
from reconcile.normalize import fingerprint
from reconcile.steps import PublishContentType, PutContentType
from tests.support import entries_by_id

from .conftest import Workspace, backend, seed_start
from .scenarios import FR, TARGET
from .test_unfinished_warning import Died, latest, run

Entries = dict[str, dict[str, Any]]
IT = FR.model_copy(update={"code": "it-IT", "name": "Italian"})


def die_after_removing_fields(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Entries]:
    """Seed the start, then apply TARGET and die right after the PUT removing article's fields (legacy and
    the converted rating), before its publish; the start's fingerprint and entries."""
    monkeypatch.chdir(workspace.root)
    start = seed_start(workspace)
    workspace.write(TARGET)
    run_step, removed = executor.Executor._run_step, []

    def dies(self: executor.Executor, phase: Any, step: Any, *a: Any) -> Any:
        if isinstance(step, PublishContentType) and removed:
            raise Died
        if isinstance(step, PutContentType) and step.description.startswith("remove fields of article"):
            removed.append(step.resource_id)
        return run_step(self, phase, step, *a)

    with monkeypatch.context() as patch, pytest.raises(Died):
        patch.setattr(executor.Executor, "_run_step", dies)
        run("apply", "--auto-approve", "--allow-destroy")
    assert removed == ["article"]
    ct = next(ct for ct in backend(workspace).read_raw().content_types if ct["sys"]["id"] == "article")
    assert ct["sys"]["version"] >= ct["sys"]["publishedVersion"] + 2  # a draft ahead of the published version
    return start


@pytest.mark.slow
def test_the_next_apply_completes_and_keeps_the_values(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    die_after_removing_fields(workspace, monkeypatch)
    second = run("apply", "--auto-approve", "--allow-destroy")
    assert second.exit_code == 0, second.output
    after = run("plan")
    assert after.exit_code == 0 and "did not finish" not in after.stderr  # converged, the warning ended
    b = backend(workspace)
    a1 = entries_by_id(b)["a1"]
    assert a1["rating"] == {"en-US": 4} and "legacy" not in a1
    article = b.read_live().model.content_types["article"]
    assert [(f.id, f.type) for f in article.fields if f.id.startswith("rating")] == [("rating", "Number")]


@pytest.mark.slow
def test_the_revert_of_the_died_apply_restores_the_start(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    start, entries = die_after_removing_fields(workspace, monkeypatch)
    reverted = run("revert", latest("pre-apply"), "--auto-approve")
    assert reverted.exit_code == 0, reverted.output
    assert "did not finish" not in run("plan").stderr
    b = backend(workspace)
    assert fingerprint(b.read_live().model) == start
    assert entries_by_id(b) == entries


@pytest.mark.slow
def test_a_failed_next_apply_rolls_back_to_what_it_read(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The next apply fails at its last write, after publishing the article: its rollback restores the state it
    started from (the pending deletion back as a draft is not required: the fields, omitted, and their values)."""
    die_after_removing_fields(workspace, monkeypatch)
    b = backend(workspace)
    before, values = fingerprint(b.read_live().model), entries_by_id(b)
    workspace.emulator.faults.add(Fault(action="500", method="DELETE", path="^.*/locales/.*$", nth=1, times=50))
    second = run("apply", "--auto-approve", "--allow-destroy")
    assert second.exit_code == 1, second.output
    assert "rollback complete" in second.output
    assert fingerprint(b.read_live().model) == before
    assert entries_by_id(b) == values


@pytest.mark.slow
def test_a_next_apply_failing_at_its_first_write_rolls_back(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It creates a locale first, then fails at the article's first PUT. Its rollback deletes the locale and
    finds the article as it started (the draft ahead): publishing that draft as it is would make the deletion
    final, which its snapshot does not hold."""
    die_after_removing_fields(workspace, monkeypatch)
    b = backend(workspace)
    before, values = fingerprint(b.read_live().model), entries_by_id(b)
    workspace.write(TARGET.model_copy(update={"locales": {**TARGET.locales, "it-IT": IT}}))
    workspace.emulator.faults.add(Fault(action="409", method="PUT", path="^.*/content_types/article$"))
    second = run("apply", "--auto-approve", "--allow-destroy")
    assert second.exit_code == 1, second.output
    assert "rollback complete" in second.output, second.output
    # in one round, destroying no value: publishing the draft as it was deleted legacy's and rating's values,
    # which a second round re-added from the snapshot
    assert "did not reach the snapshot" not in second.output and "restored 0 entries" in second.output
    assert fingerprint(b.read_live().model) == before
    assert entries_by_id(b) == values
