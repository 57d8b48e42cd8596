"""reconcile/resume.py: which conversions a plan resumes through the temporary field a died run left, and how."""

from __future__ import annotations

from reconcile.changes import RemoveField
from reconcile.model import ContentModel, ContentType, Field, LiveState
from reconcile.planner import diff_models, plan_changes
from reconcile.resume import LeftTemporary, planned_conversions, resumed_changes, resumed_desired, resumptions

NAME = Field(id="name", name="Name", type="Symbol")
TEXT = NAME.model_copy(update={"type": "Text"})
TEMPORARY = TEXT.model_copy(update={"id": "name_to_text"})
LEFT = LeftTemporary("author", "name", "name_to_text", "Text", "the apply of then (pre-apply snapshot s)")


def model(*fields: Field) -> ContentModel:
    return ContentModel(content_types={"author": ContentType(id="author", name="Author", fields=fields)})


def test_a_live_old_field_resumes_through_the_temporary_field_and_keeps_it() -> None:
    live, desired = model(NAME.model_copy(update={"omitted": True}), TEMPORARY), model(TEXT)
    resumed = resumptions(live, desired, [LEFT])
    assert resumed.temporaries == {"author": {"name": "name_to_text"}} and not resumed.renames
    assert resumed.notes == ("content_types.author.fields.name: resumes the conversion to Text left unfinished by "
                             "the apply of then (pre-apply snapshot s): through its temporary field name_to_text "
                             "(the tool's own), not a second one; name_to_text is renamed to name, not destroyed",)
    diffed = diff_models(LiveState(model=live), desired)
    assert any(isinstance(c, RemoveField) for c in diffed.changes)
    kept = resumed_changes(diffed.changes, resumed)
    assert not any(isinstance(c, RemoveField) for c in kept)


def test_a_deleted_old_field_gets_the_temporary_field_renamed_to_it() -> None:
    live, desired = model(TEMPORARY), model(TEXT)
    resumed = resumptions(live, desired, [LEFT])
    assert resumed.renames == {"author": {"name": "name_to_text"}} and not resumed.temporaries
    wanted = resumed_desired(desired, resumed)
    assert wanted.content_types["author"].fields[0].renamed_from == "name_to_text"
    plan = plan_changes(diff_models(LiveState(model=live), wanted))
    assert [c.kind for c in plan.changes] == ["RenameField"] and not plan.blocked


def test_nothing_resumes_when_the_models_no_longer_want_that_type_or_declare_the_temporary_field() -> None:
    live = model(NAME.model_copy(update={"omitted": True}), TEMPORARY)
    assert not resumptions(live, model(NAME), [LEFT])  # the user went back to Symbol
    assert not resumptions(live, model(TEXT, TEMPORARY.model_copy(update={"name": "Kept"})), [LEFT])
    assert not resumptions(live, model(TEXT), [])  # not journalled: not the tool's own


def test_the_conversions_a_plan_makes_name_their_temporary_fields() -> None:
    plan = plan_changes(diff_models(LiveState(model=model(NAME)), model(TEXT)))
    assert planned_conversions(plan) == [("author", "name", "name_to_text", "Text")]


def test_a_field_made_while_the_put_was_in_flight_must_be_the_tools_temporary_field_exactly() -> None:
    """The run did not journal its PUT as done (it died with it in flight): the live field is taken only when it
    is exactly the temporary field the tool makes."""
    unacknowledged = LeftTemporary("author", "name", "name_to_text", "Text", "then", acknowledged=False)
    made = TEMPORARY.model_copy(update={"omitted": False})
    live = model(NAME.model_copy(update={"omitted": True}), made)
    assert resumptions(live, model(TEXT), [unacknowledged]).temporaries == {"author": {"name": "name_to_text"}}
    other = model(NAME, TEMPORARY.model_copy(update={"name": "Theirs"}))
    assert not resumptions(other, model(TEXT), [unacknowledged])
    assert resumptions(other, model(TEXT), [LEFT])  # journalled as done: the PUT made it, whatever it holds now
