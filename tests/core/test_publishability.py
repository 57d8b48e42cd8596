"""The tool's own check of entry values (reconcile.publishability) and of conversions (reconcile.conversions)."""

from __future__ import annotations

from typing import Any

import pytest

from reconcile.conversions import conversion, convert_values, lossy_count
from reconcile.model import Entry, Field, Items
from reconcile.publishability import entry_problem, newly_unpublishable

SYMBOL = Field(id="s", name="S", type="Symbol")


@pytest.mark.parametrize(
    ("field", "values", "problem"),
    [
        (SYMBOL.model_copy(update={"required": True}), {}, "required, and no value in en-US"),
        (SYMBOL.model_copy(update={"required": True}), {"de-DE": "x"}, "required, and no value in en-US"),
        (SYMBOL, {"en-US": 3}, "en-US: 3 is not a Symbol value"),
        (SYMBOL.model_copy(update={"validations": ({"in": ["a", "b"]},)}), {"en-US": "c"}, "en-US: 'c' is not one of"),
        (SYMBOL.model_copy(update={"validations": ({"regexp": {"pattern": "^[a-z]+$"}},)}), {"en-US": "A1"},
         "en-US: 'A1' does not match regexp"),
        (SYMBOL.model_copy(update={"validations": ({"prohibitRegexp": {"pattern": "x"}},)}), {"en-US": "xy"},
         "en-US: 'xy' matches prohibitRegexp"),
        (Field(id="n", name="N", type="Integer", validations=({"range": {"min": 1}},)), {"en-US": 0},
         "en-US: 0 outside the range 1.."),
        (Field(id="l", name="L", type="Array", items=Items(type="Symbol", validations=({"in": ["a"]},))),
         {"en-US": ["a", "b"]}, "en-US: 'b' is not one of"),
        (Field(id="l", name="L", type="Array", validations=({"size": {"max": 1}},)), {"en-US": ["a", "b"]},
         "en-US: size 2 outside ..1"),
        (SYMBOL.model_copy(update={"validations": ({"size": {"max": 3}},)}), {"en-US": "abc"}, None),
    ],
)
def test_entry_problem(field: Field, values: dict[str, Any], problem: str | None) -> None:
    found = entry_problem(field, values, "en-US")
    assert (found is None) if problem is None else (found is not None and found.startswith(problem))


def test_only_entries_the_change_invalidates_are_counted() -> None:
    before = SYMBOL.model_copy(update={"validations": ({"size": {"max": 3}},)})
    after = SYMBOL.model_copy(update={"validations": ({"size": {"max": 1}},)})
    entries = [Entry(id=i, content_type_id="t", version=1, fields={"s": {"en-US": v}})
               for i, v in (("ok", "a"), ("newly", "abc"), ("already", "abcdef"))]
    assert [entry_id for entry_id, _ in newly_unpublishable(entries, before, after, "en-US")] == ["newly"]


TEXT = Field(id="s", name="S", type="Text")
LINK = Field(id="s", name="S", type="Link", link_type="Entry")
LINKS = Field(id="s", name="S", type="Array", items=Items(type="Link", link_type="Entry"))


@pytest.mark.parametrize(
    ("before", "after", "kind", "value", "converted", "lost"),
    [
        (SYMBOL, TEXT, "lossless", "hi", "hi", False),
        (SYMBOL, Field(id="s", name="S", type="Array", items=Items(type="Symbol")), "lossless", "hi", ["hi"], False),
        (LINK, LINKS, "lossless", {"sys": {"id": "x"}}, [{"sys": {"id": "x"}}], False),
        (TEXT, SYMBOL, "lossy", "x" * 300, "x" * 256, True),
        (TEXT, SYMBOL, "lossy", "short", "short", False),
        (Field(id="s", name="S", type="Number"), Field(id="s", name="S", type="Integer"), "lossy", 3.7, 3, True),
        (LINKS, LINK, "lossy", [{"a": 1}, {"b": 2}], {"a": 1}, True),
        (TEXT, Field(id="s", name="S", type="RichText"), "lossless", "hi",
         {"nodeType": "document", "data": {}, "content": [{"nodeType": "paragraph", "data": {}, "content": [
             {"nodeType": "text", "value": "hi", "marks": [], "data": {}}]}]}, False),
    ],
)
def test_conversions(before: Field, after: Field, kind: str, value: Any, converted: Any, lost: bool) -> None:
    assert conversion(before, after) == kind
    entry = Entry(id="e", content_type_id="t", version=1, fields={"s": {"en-US": value}})
    done = convert_values(entry, before, after)
    assert done is not None and done.values == {"en-US": converted} and done.lossy is lost
    assert lossy_count([entry], before, after) == int(lost)


def test_links_of_another_type_and_other_pairs_do_not_convert() -> None:
    assert conversion(LINK, Field(id="s", name="S", type="Array", items=Items(type="Link", link_type="Asset"))) is None
    assert conversion(SYMBOL, Field(id="s", name="S", type="Boolean")) is None
