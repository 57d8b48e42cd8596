"""Exact request counts, read from the emulator's log.

Reads: a plan reads four bulk lists (content types, editor interfaces, locales, tags; paging only beyond
1,000 items), whatever the number of content types, plus one entry list per content type whose data
a destructive change touches. Writes: per changed content type one PUT and one publish; two more
(PUT, publish) when it loses fields; an editor-interface PUT only when the interface changed; nothing
for an empty plan. An apply reads the plan's lists and re-reads them after each phase (verification);
the post-apply snapshot is written from the last phase's read.
"""

from __future__ import annotations

from collections import Counter

import pytest

from reconcile import workflows
from reconcile.backend import Backend
from reconcile.model import Control, EditorInterface, Field

from .conftest import TOKEN, Workspace, approve, kinds, writes
from .models import (
    ARTICLE,
    ARTICLE_EDITOR,
    AUTHOR,
    BASE,
    BODY,
    DE,
    EN,
    RATING,
    SLUG,
    TAG,
    TITLE,
    content_type,
    model,
    numbered,
)

PLAN_READS = Counter({"GET content_types": 1, "GET editor_interfaces": 1, "GET locales": 1, "GET tags": 1})


def reads_of_apply(phases: int, entry_lists: int = 0) -> Counter[str]:
    """The plan's four lists and four more after each phase (the last of which the post-apply snapshot
    is made from)."""
    lists = 1 + phases
    counter = Counter({"GET content_types": lists, "GET editor_interfaces": lists, "GET locales": lists,
                       "GET tags": lists})
    if entry_lists:
        counter["GET entries"] = entry_lists
    return counter


def reads(log: list) -> Counter[str]:  # type: ignore[type-arg]
    return Counter({k: v for k, v in kinds(log).items() if k.startswith("GET ")})


# ---------------------------------------------------------------------------------------------
# reads


@pytest.mark.parametrize("n", [1, 10, pytest.param(150, marks=pytest.mark.slow)])
def test_plan_reads_three_bulk_lists_whatever_the_number_of_content_types(workspace: Workspace, n: int) -> None:
    workspace.apply(numbered(n))
    log = workspace.requests(lambda: workflows.plan(workspace.project(), None))
    assert kinds(log) == PLAN_READS
    assert all(r.query.get("limit") == "1000" for r in log if not r.path.endswith("editor_interfaces"))
    # a non-destructive change reads no more
    changed = numbered(n).model_copy(update={"locales": {"en-US": EN, "de-DE": DE}})
    workspace.write(changed)
    log = workspace.requests(lambda: workflows.plan(workspace.project(), None))
    assert kinds(log) == PLAN_READS


def test_destructive_plan_reads_one_entry_list_per_affected_content_type(workspace: Workspace) -> None:
    start = numbered(10)
    workspace.apply(start)
    # three content types lose a field, one is deleted: four entry lists
    cts = dict(start.content_types)
    for ct_id in ("type0001", "type0004", "type0007"):
        cts[ct_id] = cts[ct_id].model_copy(update={"fields": cts[ct_id].fields[:2]})
    del cts["type0009"]
    target = start.model_copy(update={"content_types": cts, "editor_interfaces": {
        k: v for k, v in start.editor_interfaces.items() if k in cts}})
    workspace.write(target)
    log = workspace.requests(lambda: workflows.plan(workspace.project(), None, allow_destroy=True))
    assert kinds(log) == PLAN_READS + Counter({"GET entries": 4})
    assert sorted(r.query["content_type"] for r in log if r.path.endswith("/entries")) == [
        "type0001", "type0004", "type0007", "type0009"]


@pytest.mark.slow
def test_plan_pages_beyond_a_thousand_content_types(workspace: Workspace) -> None:
    """1,001 content types: the content-type list takes two pages, the others one request each."""
    big = numbered(1001)
    backend = Backend(base_url=workspace.emulator.base_url, token=TOKEN, space_id="local", environment_id="master")
    for ct in big.content_types.values():  # drafts are enough to fill the list; apply would take minutes
        backend.put_content_type(ct, None)
    workspace.write(big)
    log = workspace.requests(lambda: workflows.plan(workspace.project(), None))
    assert kinds(log) == PLAN_READS + Counter({"GET content_types": 1})
    assert [r.query["skip"] for r in log if r.path.endswith("/content_types")] == ["0", "1000"]


# ---------------------------------------------------------------------------------------------
# writes of representative plans


def test_new_content_types_one_put_and_one_publish_each(workspace: Workspace) -> None:
    workspace.write(BASE)
    log = workspace.requests(lambda: workspace.apply(BASE))
    assert writes(log) == Counter({
        "PUT content_type": 3,
        "PUT content_type published": 3,
        "PUT content_type editor_interface": 1,  # only article declares controls
        "POST locales": 1,  # de-DE
    })
    # phases: locales, content_types, editor_interfaces
    assert reads(log) == reads_of_apply(phases=3)


def test_modify_one_field_is_one_put_and_one_publish(workspace: Workspace) -> None:
    workspace.apply(BASE)
    tightened = TITLE.model_copy(update={"validations": ({"size": {"max": 40}},)})
    target = model(content_type("article", tightened, SLUG, BODY, RATING), AUTHOR, TAG,
                   locales=(EN, DE), editors=(ARTICLE_EDITOR,))
    log = workspace.requests(lambda: workspace.apply(target))
    assert writes(log) == Counter({"PUT content_type": 1, "PUT content_type published": 1})
    # a tightened rule reads the content type's entries once (one page): would any become unpublishable?
    assert reads(log) == reads_of_apply(phases=1) + Counter({"GET entries": 1})


def test_remove_a_field_is_omit_then_remove(workspace: Workspace) -> None:
    workspace.apply(BASE)
    # rating has a custom control: the server drops it with the field, so no editor-interface PUT
    target = model(content_type("article", TITLE, SLUG, BODY), AUTHOR, TAG, locales=(EN, DE),
                   editors=(ARTICLE_EDITOR.model_copy(update={"controls": ARTICLE_EDITOR.controls[:1]}),))
    log = workspace.requests(lambda: workspace.apply(target))
    assert writes(log) == Counter({"PUT content_type": 2, "PUT content_type published": 2})
    bodies = [r.body for r in log if r.method == "PUT" and r.path.endswith("/content_types/article")]
    assert [f["id"] for f in bodies[0]["fields"] if f.get("omitted")] == ["rating"]
    assert [f["id"] for f in bodies[1]["fields"]] == ["title", "slug", "body"]
    # phases omit_fields and remove_fields; one entry list for the destroyed field's data
    assert reads(log) == reads_of_apply(phases=2, entry_lists=1)


def test_modify_and_remove_in_one_content_type_is_four_writes(workspace: Workspace) -> None:
    workspace.apply(BASE)
    renamed = TITLE.model_copy(update={"name": "Headline"})
    target = model(content_type("article", renamed, SLUG, BODY), AUTHOR, TAG, locales=(EN, DE),
                   editors=(ARTICLE_EDITOR.model_copy(update={"controls": ARTICLE_EDITOR.controls[:1]}),))
    log = workspace.requests(lambda: workspace.apply(target))
    assert writes(log) == Counter({"PUT content_type": 2, "PUT content_type published": 2})
    bodies = [r.body for r in log if r.method == "PUT" and r.path.endswith("/content_types/article")]
    # the update's PUT also omits the field the second PUT removes
    assert [f["name"] for f in bodies[0]["fields"] if f["id"] == "title"] == ["Headline"]
    assert [f["id"] for f in bodies[0]["fields"] if f.get("omitted")] == ["rating"]
    assert [f["id"] for f in bodies[1]["fields"]] == ["title", "slug", "body"]
    # phases content_types and remove_fields; one entry list for the destroyed field's data
    assert reads(log) == reads_of_apply(phases=2, entry_lists=1)


def test_editor_interface_only_change_is_one_put(workspace: Workspace) -> None:
    workspace.apply(BASE)
    editor = EditorInterface(content_type_id="author",
                             controls=(Control(field_id="bio", widget_id="markdown", widget_namespace="builtin"),))
    target = model(ARTICLE, AUTHOR, TAG, locales=(EN, DE), editors=(ARTICLE_EDITOR, editor))
    log = workspace.requests(lambda: workspace.apply(target))
    assert writes(log) == Counter({"PUT content_type editor_interface": 1})
    assert reads(log) == reads_of_apply(phases=1)


def test_delete_a_content_type_is_unpublish_and_delete(workspace: Workspace) -> None:
    workspace.apply(BASE)
    target = model(ARTICLE, AUTHOR, locales=(EN, DE), editors=(ARTICLE_EDITOR,))
    log = workspace.requests(lambda: workspace.apply(target))
    assert writes(log) == Counter({"DELETE content_type published": 1, "DELETE content_type": 1})
    assert reads(log) == reads_of_apply(phases=1, entry_lists=1)


def test_delete_a_content_type_with_entries_deletes_each_entry(workspace: Workspace) -> None:
    workspace.apply(BASE)
    backend = Backend(base_url=workspace.emulator.base_url, token=TOKEN, space_id="local", environment_id="master")
    for entry_id in ("t1", "t2"):
        created = backend.put_entry(entry_id, "tag", {"label": {"en-US": entry_id}}, None)
        backend.publish_entry(entry_id, created.version)
    target = model(ARTICLE, AUTHOR, locales=(EN, DE), editors=(ARTICLE_EDITOR,))
    log = workspace.requests(lambda: workspace.apply(target))
    assert writes(log) == Counter({
        "DELETE entrie published": 2, "DELETE entrie": 2,
        "DELETE content_type published": 1, "DELETE content_type": 1,
    })
    # the plan's entry list (counts and snapshot), and the executor's own before deleting
    assert reads(log) == reads_of_apply(phases=1, entry_lists=2)


def test_create_a_locale_is_one_post(workspace: Workspace) -> None:
    workspace.apply(model(ARTICLE, locales=(EN,), editors=(ARTICLE_EDITOR,)))
    log = workspace.requests(lambda: workspace.apply(model(ARTICLE, locales=(EN, DE), editors=(ARTICLE_EDITOR,))))
    assert writes(log) == Counter({"POST locales": 1})
    assert reads(log) == reads_of_apply(phases=1)


def test_delete_a_locale_is_one_delete(workspace: Workspace) -> None:
    workspace.apply(BASE)
    log = workspace.requests(lambda: workspace.apply(model(ARTICLE, AUTHOR, TAG, locales=(EN,),
                                                           editors=(ARTICLE_EDITOR,))))
    assert writes(log) == Counter({"DELETE locale": 1})
    # a deleted locale destroys the values of localized fields: one entry list per such content type
    assert reads(log) == reads_of_apply(phases=1, entry_lists=1)  # only article has a localized field


def test_empty_plan_makes_only_the_three_reads(workspace: Workspace) -> None:
    workspace.apply(BASE)
    log = workspace.requests(lambda: workflows.plan(workspace.project(), None))
    assert kinds(log) == PLAN_READS
    outcome = None

    def apply() -> None:
        nonlocal outcome
        outcome = workflows.apply(workspace.project(), None, confirm=approve)

    log = workspace.requests(apply)
    assert outcome is not None and outcome.plan.is_empty and not outcome.applied
    assert kinds(log) == PLAN_READS
    assert not writes(log)


def test_changed_content_types_cost_two_writes_each(workspace: Workspace) -> None:
    start = numbered(20)
    workspace.apply(start)
    cts = dict(start.content_types)
    changed = sorted(cts)[::5]  # 4 of 20
    for ct_id in changed:
        extra = Field(id="extra", name="Extra", type="Boolean")
        cts[ct_id] = cts[ct_id].model_copy(update={"fields": (*cts[ct_id].fields, extra)})
    log = workspace.requests(lambda: workspace.apply(start.model_copy(update={"content_types": cts})))
    assert writes(log) == Counter({"PUT content_type": 4, "PUT content_type published": 4})
    assert reads(log) == reads_of_apply(phases=1)


@pytest.mark.slow
def test_a_conversion_over_two_pages_of_entries_is_one_put_per_entry_and_paged_reads(workspace: Workspace) -> None:
    """Symbol -> Text over 1,001 entries (two pages): one PUT per entry holding a value, one publish only for
    the published ones; the entries are read a page (1000) at a time, only of the converted content type,
    four times: the plan's read, the pre-apply snapshot's, the write pass and its verification."""
    workspace.apply(BASE)
    backend = Backend(base_url=workspace.emulator.base_url, token=TOKEN, space_id="local", environment_id="master")
    for n in range(1001):
        created = backend.put_entry(f"t{n}", "tag", {"label": {"en-US": f"label {n}"}}, None)
        if n % 2 == 0:
            backend.publish_entry(f"t{n}", created.version)
    backend.put_entry("empty", "tag", {}, None)  # no value: not written
    text = content_type("tag", Field(id="label", name="Label", type="Text"))
    target = model(ARTICLE, AUTHOR, text, locales=(EN, DE), editors=(ARTICLE_EDITOR,))
    log = workspace.requests(lambda: workspace.apply(target))
    assert writes(log) == Counter({
        "PUT entrie": 1001, "PUT entrie published": 501,
        "PUT content_type": 3, "PUT content_type published": 3,  # temporary field; removal; rename
    })
    assert reads(log) == reads_of_apply(phases=3, entry_lists=8)
    assert {r.query["content_type"] for r in log if r.path.endswith("/entries")} == {"tag"}
    assert {r.query["limit"] for r in log if r.path.endswith("/entries")} == {"1000"}
