"""An apply that died between the PUT renaming a field (``newId``) and the publish of its content type left an
unpublished draft: the draft holds the new field id, the entries still hold their values under the old id until
it is published (facts §4: entries follow the published version). The next apply publishes it in its
``content_types`` phase and then converts the entries: what it writes must be what its plan computed, though
the plan read the entries under the old id and the apply reads them under the new one.

This is the state behind the flaky ``test_unfinished_warning.py::test_a_later_completed_apply_ends_the_warning``
(its died apply stops at the third step, which is the article's publish when the worker threads of the
``content_types`` phase run in that order): the digest of the values written covered every field of each entry,
keyed by id, so the second apply failed its check and rolled back."""

from __future__ import annotations

from typing import Any

import pytest

from reconcile import executor
from reconcile.steps import PublishContentType
from tests.support import entries_by_id

from .conftest import Workspace, backend, seed_start
from .scenarios import TARGET
from .test_unfinished_warning import Died, run


@pytest.mark.slow
def test_an_apply_after_one_that_died_before_publishing_a_rename_completes(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace.root)
    seed_start(workspace)
    workspace.write(TARGET)  # renames article.title -> headline and converts article.rating to a Number
    run_step = executor.Executor._run_step

    def dies_before_publishing_article(self: executor.Executor, phase: Any, step: Any, *a: Any) -> Any:
        if isinstance(step, PublishContentType) and step.resource_id == "article":
            raise Died
        return run_step(self, phase, step, *a)

    with monkeypatch.context() as patch, pytest.raises(Died):
        patch.setattr(executor.Executor, "_run_step", dies_before_publishing_article)
        run("apply", "--auto-approve", "--allow-destroy")
    b = backend(workspace)
    draft = next(ct for ct in b.read_live().model.content_types.values() if ct.id == "article")
    assert "headline" in {f.id for f in draft.fields}  # the draft renamed it ...
    assert "title" in entries_by_id(b)["a1"]  # ... and the entries hold the old id until it is published

    second = run("apply", "--auto-approve", "--allow-destroy")
    assert second.exit_code == 0, second.output
    assert run("plan").exit_code == 0
    a1 = entries_by_id(b)["a1"]
    assert a1["headline"] == {"en-US": "Hello"} and a1["rating"] == {"en-US": 4}
    assert "title" not in a1
