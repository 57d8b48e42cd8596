"""An apply that died in the middle of a field type conversion (author.name Symbol -> Text through the temporary
field ``name_to_text``: PUT with it and publish, the entries written into it, the old field deleted and
published, the temporary renamed to ``name`` and published; docs/transforms.md), at every point where it can
die. The next ``plan`` says it resumes the conversion (no second temporary field, nothing destroyed, nothing
blocked), the next ``apply`` (without ``--allow-destroy``) converges with every entry's value and publish state
as an uninterrupted apply leaves them, and a ``revert`` of the died apply restores the start exactly.

The death is the technique of test_died_rename.py: ``Died`` (a ``BaseException``, as a SIGKILL nothing after it
runs: no rollback, no finish in the journal) raised in place of the next step, or of an entry's next request.
Before reconcile/resume.py the next plan converted again into ``name_to_text2`` and removed ``name_to_text`` as a
destructive change, blocked without ``--allow-destroy`` (and, once the old field was deleted, with the only copy
of the values)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconcile import entry_writes, executor
from reconcile.backend import Backend
from reconcile.cli import BLOCKED, CHANGES, OK
from reconcile.emulator import Fault
from reconcile.model import Entry
from reconcile.normalize import fingerprint
from reconcile.steps import PublishContentType, PutContentType, WriteEntries
from tests.support import entries_by_id

from .conftest import Workspace, backend, seed_start
from .scenarios import TARGET
from .test_crash import kill_apply_at
from .test_transforms import cli, seed
from .test_unfinished_warning import WARNING, Died, latest

pytestmark = pytest.mark.slow

Step = Any
# Before which step of the apply it dies: (a test of the step, which occurrence of such steps).
STEP_POINTS: dict[str, tuple[Callable[[Step], bool], int]] = {
    "after the PUT adding the temporary field": (lambda s: isinstance(s, PublishContentType), 1),
    "after publishing the temporary field": (lambda s: isinstance(s, WriteEntries), 1),
    "after writing every entry": (lambda s: isinstance(s, PutContentType), 2),
    "after the PUT deleting the old field": (lambda s: isinstance(s, PublishContentType), 2),
    "after publishing the deletion": (lambda s: isinstance(s, PutContentType), 3),
    "after the PUT renaming the temporary field": (lambda s: isinstance(s, PublishContentType), 3),
}
ENTRY_POINTS = ("after writing some entries", "between an entry's PUT and its publish")


def die_at_step(test: Callable[[Step], bool], occurrence: int, monkeypatch: pytest.MonkeyPatch) -> None:
    run_step, seen = executor.Executor._run_step, []

    def dies(self: executor.Executor, phase: Any, step: Any, *a: Any) -> Any:
        if test(step):
            seen.append(step)
            if len(seen) == occurrence:
                raise Died
        return run_step(self, phase, step, *a)

    monkeypatch.setattr(executor.Executor, "_run_step", dies)


def die_at_entry(point: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some entries: the second entry write dies before its first request (one worker, so in order). An entry's
    PUT and publish: the first publish of an entry (ada's, the only published one holding a name) dies."""
    monkeypatch.setattr(entry_writes, "WORKERS", 1)
    if point == "after writing some entries":
        write, calls = entry_writes.write_entry, []

        def dies(*a: Any, **k: Any) -> Any:
            calls.append(1)
            if len(calls) == 2:
                raise Died
            return write(*a, **k)

        monkeypatch.setattr(entry_writes, "write_entry", dies)
    else:
        def never_published(self: Backend, entry_id: str, version: int) -> Entry:
            raise Died

        monkeypatch.setattr(Backend, "publish_entry", never_published)


def died(workspace: Workspace, monkeypatch: pytest.MonkeyPatch, point: str) -> tuple[str, dict[str, Entry]]:
    """Seed the Symbol -> Text scenario and let its apply die at ``point``; the start's fingerprint and entries."""
    monkeypatch.chdir(workspace.root)
    start = seed(workspace, "symbol-to-text")
    b = backend(workspace)
    start_fingerprint = fingerprint(b.read_live().model)
    with monkeypatch.context() as patch, pytest.raises(Died):
        if point in STEP_POINTS:
            die_at_step(*STEP_POINTS[point], patch)
        else:
            die_at_entry(point, patch)
        cli(workspace, "apply", "--auto-approve")
    return start_fingerprint, start


def values_and_states(b: Backend) -> dict[str, tuple[Any, str]]:
    return {e.id: (e.fields, e.state) for e in b.fetch_entries()}


POINTS = [*STEP_POINTS, *ENTRY_POINTS]


@pytest.mark.parametrize("point", POINTS)
def test_the_next_apply_resumes_the_conversion(workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
                                               point: str) -> None:
    _, start = died(workspace, monkeypatch, point)
    code, out, err = cli(workspace, "plan")
    assert code == CHANGES, out + err
    assert "name_to_text2" not in out and "BLOCKED" not in out and "0 to destroy" in out, out
    if point != "after the PUT renaming the temporary field":  # then the draft holds the rename: it is published
        said = "content_types.author.fields.name: resumes the conversion to Text left unfinished by the apply of "
        assert said in out and f"(pre-apply snapshot {latest('pre-apply')})" in out, out
    if point == "between an entry's PUT and its publish":
        assert ("entry ada of author: a run that died wrote it and stopped before leaving it published; this apply "
                "writes it again and leaves it published, as it was") in out, out
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == OK, out + err
    code, out, err = cli(workspace, "plan")
    assert code == OK and not WARNING.search(err), out + err  # converged, and the died run's warning ended
    b = backend(workspace)
    author = b.read_live().model.content_types["author"]
    assert [(f.id, f.type) for f in author.fields] == [("name", "Text"), ("age", "Integer")]
    # every value converted (Symbol -> Text keeps it) and every entry in its publish state, as uninterrupted
    assert values_and_states(b) == {e.id: (e.fields, e.state) for e in start.values()}


@pytest.mark.parametrize("point", POINTS)
def test_the_revert_of_the_died_apply_restores_the_start(workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
                                                        point: str) -> None:
    start_fingerprint, start = died(workspace, monkeypatch, point)
    code, out, err = cli(workspace, "revert", latest("pre-apply"), "--auto-approve")
    assert code == OK, out + err
    assert not WARNING.search(cli(workspace, "plan")[2])
    b = backend(workspace)
    assert fingerprint(b.read_live().model) == start_fingerprint
    assert values_and_states(b) == {e.id: (e.fields, e.state) for e in start.values()}


def test_a_field_of_the_temporary_name_the_tool_did_not_create_is_not_taken(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The space holds a field ``name_to_text`` of the user's (with values) that the models no longer declare:
    the conversion goes through ``name_to_text2``; after the apply died, the next plan resumes through
    ``name_to_text2`` and still blocks the removal of the user's ``name_to_text`` (its values are data)."""
    monkeypatch.chdir(workspace.root)
    seed(workspace, "symbol-to-text")
    b = backend(workspace)
    live = b.read_live()
    author, meta = live.model.content_types["author"], live.meta_for("content_type", "author")
    assert meta is not None
    theirs = author.fields[0].model_copy(update={"id": "name_to_text", "name": "Theirs", "type": "Text"})
    put = b.put_content_type(author.model_copy(update={"fields": (*author.fields, theirs)}), meta.version)
    b.publish_content_type("author", put["sys"]["version"])
    ada = next(e for e in b.fetch_entries() if e.id == "ada")
    b.put_entry("ada", "author", {**ada.fields, "name_to_text": {"en-US": "keep me"}}, ada.version)
    with monkeypatch.context() as patch, pytest.raises(Died):
        die_at_step(*STEP_POINTS["after writing every entry"], patch)
        cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    code, out, _ = cli(workspace, "plan")
    assert code == BLOCKED, out
    assert "resumes the conversion to Text" in out and "through its temporary field name_to_text2" in out, out
    assert "- content_types.author.fields.name_to_text  remove field  [destructive, 1 entry holds data, BLOCKED]" \
        in out, out


def test_a_real_sigkill_during_the_entry_writes(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The apply runs in its own process, killed with SIGKILL while an entry's PUT is in flight (the request lands
    on the server after the kill, as a real in-flight request may): the next apply, in another process, resumes."""
    monkeypatch.chdir(workspace.root)
    start = seed(workspace, "symbol-to-text")
    kill_apply_at(workspace, "PUT", "/spaces/local/environments/master/entries/grace", 1)
    code, out, err = cli(workspace, "plan")
    assert code == CHANGES and "resumes the conversion to Text" in out and "BLOCKED" not in out, out + err
    assert cli(workspace, "unlock", "--target", "test")[0] == OK  # the killed apply's lock, stale (docs/safety.md)
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == OK, out + err
    assert cli(workspace, "plan")[0] == OK
    assert values_and_states(backend(workspace)) == {e.id: (e.fields, e.state) for e in start.values()}


def test_a_rollback_cut_short_by_server_errors(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Contentful answers 503 to every PUT of the content type after the first: the apply fails at the PUT
    deleting the old field, and its rollback, which needs the same PUT, cannot finish (`rollback_incomplete`).
    Once the API answers again, the next apply resumes the conversion (no --allow-destroy)."""
    monkeypatch.chdir(workspace.root)
    start = seed(workspace, "symbol-to-text")
    workspace.emulator.faults.add(Fault(action="503", method="PUT", path="/content_types/author$", nth=2, times=1000))
    code, out, err = cli(workspace, "apply", "--auto-approve")
    workspace.emulator.faults.clear()
    assert code != OK and "name_to_text" in {f.id for f in backend(workspace).read_live().model
                                             .content_types["author"].fields}, out + err
    code, out, err = cli(workspace, "plan")
    assert code == CHANGES and "resumes the conversion to Text" in out and "BLOCKED" not in out, out + err
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == OK, out + err
    assert cli(workspace, "plan")[0] == OK
    assert values_and_states(backend(workspace)) == {e.id: (e.fields, e.state) for e in start.values()}


def test_a_conversion_beside_a_rename_and_a_removal(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """TARGET renames article.title, converts article.rating (Integer -> Number) and removes article.legacy (and
    more): the apply dies once the entries hold the converted ratings; the next one (whose removals still need
    --allow-destroy, as before) goes on through rating_to_number and ends where an uninterrupted one does."""
    monkeypatch.chdir(workspace.root)
    seed_start(workspace)
    workspace.write(TARGET)
    with monkeypatch.context() as patch, pytest.raises(Died):
        die_at_step(lambda s: isinstance(s, PutContentType) and s.description.startswith("remove fields of article"),
                    1, patch)
        cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    code, out, _ = cli(workspace, "plan")
    assert code == BLOCKED and "rating_to_number2" not in out, out
    assert "content_types.article.fields.rating: resumes the conversion to Number" in out, out
    assert "fields.rating_to_number  remove field" not in out and "fields.legacy  remove field" in out, out
    code, out, err = cli(workspace, "apply", "--auto-approve", "--allow-destroy")
    assert code == OK, out + err
    assert cli(workspace, "plan")[0] == OK
    a1 = entries_by_id(backend(workspace))["a1"]
    assert a1["headline"] == {"en-US": "Hello"}  # de-DE deleted
    assert a1["rating"] == {"en-US": 4} and "legacy" not in a1 and "rating_to_number" not in a1


def test_a_field_of_the_temporary_name_made_after_a_run_that_died_before_making_it_is_not_taken(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The apply dies before its first PUT of author (it journalled the conversion through name_to_text, but never
    made that field); then someone makes a field ``name_to_text`` of their own, with a value. It is not in the
    died run's snapshot, but the run never PUT the content type and the field is not the one the tool makes:
    not taken. The next plan converts through ``name_to_text2`` and blocks the removal of theirs."""
    monkeypatch.chdir(workspace.root)
    seed(workspace, "symbol-to-text")
    with monkeypatch.context() as patch, pytest.raises(Died):
        die_at_step(lambda s: isinstance(s, PutContentType), 1, patch)
        cli(workspace, "apply", "--auto-approve")
    b = backend(workspace)
    live = b.read_live()
    author, meta = live.model.content_types["author"], live.meta_for("content_type", "author")
    assert meta is not None and [f.id for f in author.fields] == ["name", "age"]
    theirs = author.fields[0].model_copy(update={"id": "name_to_text", "name": "Theirs", "type": "Text"})
    put = b.put_content_type(author.model_copy(update={"fields": (*author.fields, theirs)}), meta.version)
    b.publish_content_type("author", put["sys"]["version"])
    ada = next(e for e in b.fetch_entries() if e.id == "ada")
    b.put_entry("ada", "author", {**ada.fields, "name_to_text": {"en-US": "keep me"}}, ada.version)
    code, out, _ = cli(workspace, "plan")
    assert code == BLOCKED and "resumes" not in out and "name_to_text2" in out, out
    assert "- content_types.author.fields.name_to_text  remove field  [destructive, 1 entry holds data, BLOCKED]" \
        in out, out


def test_a_saved_plan_resumes_too(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """`plan --out FILE` after the death, then `apply FILE`: the same resume, the cut-short entry published."""
    _, start = died(workspace, monkeypatch, "between an entry's PUT and its publish")
    saved = workspace.root / "resume.plan.json"
    code, out, err = cli(workspace, "plan", "--out", str(saved))
    assert code == CHANGES and "name_to_text2" not in saved.read_text(), out + err
    code, out, err = cli(workspace, "apply", str(saved), "--auto-approve")
    assert code == OK, out + err
    assert cli(workspace, "plan")[0] == OK
    assert values_and_states(backend(workspace)) == {e.id: (e.fields, e.state) for e in start.values()}


@pytest.mark.parametrize("offline", [True, False], ids=["offline", "online"])
def test_a_rehearsal_resumes_as_the_apply_would(workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
                                                offline: bool) -> None:
    """`rehearse` tries the plan the apply would make: after the death, the resume through the tool's temporary
    field, not a second conversion removing ``name_to_text`` (blocked without `--allow-destroy`)."""
    died(workspace, monkeypatch, "after writing every entry")
    code, out, err = cli(workspace, "rehearse", *(["--offline"] if offline else []))
    assert code == OK, out + err
    assert "name_to_text2" not in out + err and "BLOCKED" not in out + err, out + err
