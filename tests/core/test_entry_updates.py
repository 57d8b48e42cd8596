"""The digest of what a ``write_entries`` pass writes (``reconcile.entry_updates.Written``): the plan computes it
from the entries it reads, the apply from the entries it reads after its ``content_types`` phase."""

from __future__ import annotations

from typing import Any

from reconcile.changes import ConvertField
from reconcile.entry_updates import EntryChanges, Written, updated_fields
from reconcile.model import Entry, Field

RATING = ConvertField(address="content_types.article.fields.rating", impact="breaking", content_type_id="article",
                      field_id="rating", before=Field(id="rating", name="R", type="Integer"),
                      after=Field(id="rating", name="R", type="Number"), conversion="lossless")
CHANGES = EntryChanges({"rating": (RATING, "rating_to_number")})


def written(fields: dict[str, Any]) -> Written:
    entry = Entry(id="a1", content_type_id="article", version=3, published_version=2, fields=fields)
    values, changed = updated_fields(entry, CHANGES, {})
    done = Written()
    done.add(entry, values, CHANGES.slots(changed))
    return done


def test_the_values_written_do_not_depend_on_the_ids_of_the_fields_carried_unchanged() -> None:
    """An unpublished draft renaming ``title`` to ``headline`` (an apply died before publishing it): the plan
    reads the entry's values under ``title``, the apply, after publishing the draft, under ``headline``."""
    planned = written({"title": {"en-US": "Hello"}, "rating": {"en-US": 4}})
    applied = written({"headline": {"en-US": "Hello"}, "rating": {"en-US": 4}})
    assert applied.entries == planned.entries == 1
    assert applied.values.text == planned.values.text
    assert applied.computed(planned.values.text)
    assert applied.after.text != planned.after.text  # what the re-read must find is the apply's own


def test_a_computed_value_that_differs_is_not_the_plan_s() -> None:
    planned = written({"title": {"en-US": "Hello"}, "rating": {"en-US": 4}})
    applied = written({"title": {"en-US": "Hello"}, "rating": {"en-US": 5}})
    assert not applied.computed(planned.values.text)


def test_the_digest_of_an_older_plan_over_whole_entries_is_still_accepted() -> None:
    """Plans of format 1.5 and before recorded the digest over every field of each entry written."""
    older = written({"title": {"en-US": "Hello"}, "rating": {"en-US": 4}})
    assert older.whole.text != older.values.text
    assert older.computed(older.whole.text)
    assert not written({"headline": {"en-US": "Hello"}, "rating": {"en-US": 4}}).computed(older.whole.text)


def test_an_entry_the_pass_leaves_unchanged_is_not_counted() -> None:
    done = written({"title": {"en-US": "Hello"}})
    assert (done.entries, done.values.text) == (0, Written().values.text)
    assert done.after.text != Written().after.text
