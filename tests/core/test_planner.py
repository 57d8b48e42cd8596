"""Planner, plan JSON and renderers: scenario snapshots and explicit assertions on hand-built plans."""

from __future__ import annotations

import json

import pytest
from syrupy.assertion import SnapshotAssertion

from reconcile.errors import InputError, ReconcileError
from reconcile.normalize import fingerprint, normalize
from reconcile.plan import Plan
from reconcile.planner import destructive_addresses, make_plan
from reconcile.render import render_json, render_markdown, render_text
from reconcile.render.markdown import MAX_CHARS
from tests.core.builders import EN, content_type, field, live_state, model
from tests.core.scenarios import DE, SCENARIOS, plan_for
from tests.core.simulator import Server


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_renderings(name: str, scenario_snapshot: SnapshotAssertion) -> None:
    plan = plan_for(name)
    assert render_text(plan) == scenario_snapshot(name="text")
    assert render_markdown(plan) == scenario_snapshot(name="markdown")
    assert render_json(plan) == scenario_snapshot(name="json")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_steps_converge_under_the_server_rules(name: str) -> None:
    """Running every step on the independent simulator passes its rules and reaches each phase's expected."""
    live, desired, options = SCENARIOS[name]
    plan = plan_for(name)
    entry_counts = options.get("entry_counts", {})
    assert isinstance(entry_counts, dict)
    held = {a if a.startswith("tags.") else a.split(".")[1]: n for a, n in entry_counts.items() if a.count(".") == 1}
    server = Server.holding(live.model, held)
    for phase in plan.phases:
        for step in phase.steps:
            server.run(step)
        assert normalize(server.model()) == normalize(phase.expected), phase.name
    # Without declared tags (no tags.toml) the live tags are what is wanted.
    wanted = desired if desired.tags is not None else desired.model_copy(update={"tags": live.model.tags})
    assert fingerprint(server.model()) == plan.desired_fingerprint == fingerprint(wanted)


def test_no_changes_plan_is_empty() -> None:
    plan = plan_for("no_changes")
    assert plan.is_empty and not plan.is_blocked and not plan.has_destructive
    assert render_text(plan) == "No changes. The live environment matches the models.\n"
    bound = plan.bound("dev", "space1", "master")
    assert render_text(bound) == (
        "No changes. The live environment of target 'dev' (space space1, environment master) matches the models.\n"
    )


def test_field_edits_phases_and_bodies() -> None:
    plan = plan_for("field_edits")
    # the update's PUT also omits the doomed fields: no omit_fields phase of its own
    assert [p.name for p in plan.phases] == ["content_types", "remove_fields", "editor_interfaces"]
    first = plan.phases[0].steps[0]
    assert first.action == "put_content_type" and first.content_type is not None
    assert first.description == "update content type blogPost, omitting legacy, rating"
    # renamed field marked for newId; doomed fields kept as live at their live place, omitted
    assert [(f.id, f.renamed_from, f.omitted) for f in first.content_type.fields] == [
        ("headline", "title", False),
        ("body", None, False),
        ("legacy", None, True),
        ("slug", None, False),
        ("rating", None, True),
        ("author", None, False),
        ("tags", None, False),
    ]
    assert first.content_type.fields[4].type == "Integer"
    assert first.content_type.unmanaged == {"metadata": {"annotations": {}}}
    remove_steps = [s.description for s in plan.phases[1].steps]
    assert remove_steps == [
        "remove fields of blogPost: legacy, rating",
        "publish content type blogPost",
        "re-add fields of blogPost with their new types: rating",
        "publish content type blogPost",
    ]
    assert "content_types.blogPost: carries over unmanaged properties: metadata" in plan.notes
    assert set(plan.live_meta) == {"content_type:blogPost", "editor_interface:blogPost"}
    kinds = {(c.kind, c.address) for c in plan.changes}
    assert ("MoveField", "content_types.blogPost.fields.slug") in kinds
    assert not plan.is_blocked and plan.has_destructive


def test_delete_content_type_steps_and_entry_counts() -> None:
    plan = plan_for("delete_content_type_with_entries")
    delete = next(p for p in plan.phases if p.name == "delete_content_types")
    assert [s.action for s in delete.steps] == ["delete_entries", "unpublish_content_type", "delete_content_type"]
    assert plan.entry_counts == {"content_types.author": 12, "content_types.blogPost.fields.rating": 3}
    assert plan.blocked == ()


def test_locale_fallback_order() -> None:
    plan = plan_for("locale_fallback_chains")
    steps = [(s.action, s.resource_id) for p in plan.phases for s in p.steps]
    assert steps == [
        ("create_locale", "fr-FR"),
        ("create_locale", "it-IT"),
        ("delete_locale", "de-CH"),
        ("delete_locale", "de-DE"),
    ]


def test_blocked_plan_lists_destructive_addresses_not_allowed() -> None:
    plan = plan_for("blocked")
    assert plan.is_blocked
    assert plan.blocked == ("content_types.blogPost",)
    assert destructive_addresses(plan.changes) == ("content_types.blogPost", "locales.de-DE")
    assert "BLOCKED" in render_text(plan)


def test_default_locale_change_is_refused() -> None:
    desired = model(locales=(EN.model_copy(update={"default": False}), DE.model_copy(update={"default": True})))
    with pytest.raises(ReconcileError) as caught:
        make_plan(live_state(model(locales=(EN, DE))), desired)
    assert "permanent" in str(caught.value)


def test_plan_json_round_trip() -> None:
    for name in SCENARIOS:
        plan = plan_for(name)
        assert Plan.from_json(plan.to_json(), "plan.json") == plan


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda d: d.update(format_version="2.0"), "format_version"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d["phases"][0]["steps"][0].update(action="drop_table"), "phases.0.steps.0.action"),
        (lambda d: d["changes"][0].update(kind="Teleport"), "changes.0"),
        (lambda d: d.pop("live_fingerprint"), "live_fingerprint"),
    ],
)
def test_hand_edited_plan_is_an_input_error(edit: object, path: str) -> None:
    data = json.loads(plan_for("field_edits").to_json())
    assert callable(edit)
    edit(data)
    with pytest.raises(InputError) as caught:
        Plan.from_json(json.dumps(data), "saved/plan.json")
    problems = caught.value.problems
    assert problems and all(p.file == "saved/plan.json" for p in problems)
    assert any(p.path.startswith(path) for p in problems), [p.path for p in problems]


def test_broken_plan_json_names_line_and_column() -> None:
    with pytest.raises(InputError) as caught:
        Plan.from_json('{"format_version": "1.0",\n  oops}', "plan.json")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("plan.json", 2)


def test_markdown_is_capped_and_keeps_destructive_rows_first() -> None:
    many = tuple(content_type(f"type{i:03d}", *(field(f"field{j:02d}") for j in range(50))) for i in range(60))
    live = live_state(model(*many[:30]))
    plan = make_plan(live, model(*many[30:]), entry_counts={f"content_types.type{i:03d}": i for i in range(30)})
    text = render_markdown(plan)
    assert len(render_text(plan)) > MAX_CHARS  # the full detail does not fit
    assert len(text) <= MAX_CHARS
    assert "Phase detail left out" in text
    assert "Plan: 30 to add, 0 to change, 30 to destroy." in text
    table = [line for line in text.splitlines() if line.startswith("| `")]
    assert table[0].startswith("| `-` | delete content type")


def test_a_rename_the_plan_cannot_honour_is_noted() -> None:
    live = model(content_type("recipe", field("title"), field("servings", "Integer"), field("slug")))
    desired = model(content_type(
        "recipe",
        field("title"),
        field("portions", "Number", renamed_from="servings"),  # a type change: no rename possible
        field("slug"),
        field("handle", renamed_from="slug"),  # slug is still declared
    ))
    plan = make_plan(live_state(live), desired, allow_destroy=True)
    assert [n.split(":")[0] for n in plan.notes] == [
        "content_types.recipe.fields.portions", "content_types.recipe.fields.handle"]
    assert "the type changes (Integer → Number)" in plan.notes[0] and "'servings' is removed" in plan.notes[0]
    assert "'slug' is still declared" in plan.notes[1]
    # an honoured rename, and one already applied (the file keeps renamed_from), give no note
    renamed = model(content_type("recipe", field("heading", renamed_from="title"), field("servings", "Integer"),
                                 field("slug")))
    assert make_plan(live_state(live), renamed).notes == ()
    assert make_plan(live_state(normalize(renamed)), renamed).notes == ()
