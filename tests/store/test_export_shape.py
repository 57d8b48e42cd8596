"""The shape check of a snapshot's export (``export_shape``): a field whose values are of exactly the types it
asks for is told plain without its generator (issue 16); the problems found are those of the full check, for any
mix of values and types."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile import export_shape
from reconcile.export_shape import export_problems

_VALUES = st.none() | st.text(max_size=3) | st.integers() | st.lists(st.integers(), max_size=2) | st.booleans() \
    | st.dictionaries(st.sampled_from(["validations", "type"]), st.none() | st.lists(st.none(), max_size=1)
                      | st.text(max_size=2), max_size=2)  # fmt: skip
_FIELDS = st.dictionaries(
    st.sampled_from(["id", "name", "type", "validations", "allowedResources", "items", "other"]), _VALUES, max_size=7
)


class _Subclass(str):
    pass


@given(fields=st.lists(_FIELDS, max_size=5))
@settings(max_examples=400)
def test_the_problems_are_those_of_the_full_check(fields: list[dict[str, Any]]) -> None:
    export = {"contentTypes": [{"sys": {"id": "a"}, "name": "A", "fields": fields}], "editorInterfaces": [],
              "entries": [], "locales": []}  # fmt: skip
    found = export_problems(export, "export.json", required=())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export_shape, "_plain_field", lambda field: False)
        full = export_problems(export, "export.json", required=())
    assert found == full


def test_a_plain_field_is_told_without_its_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Any] = []
    real = export_shape._field_problems
    monkeypatch.setattr(export_shape, "_field_problems", lambda field: asked.append(field) or real(field))
    fields = [{"id": "a", "name": "A", "type": "Array", "validations": [], "items": {"type": "Symbol"}},
              {"id": _Subclass("b"), "name": "B", "type": "Symbol"}]  # fmt: skip
    export = {"contentTypes": [{"sys": {"id": "a"}, "name": "A", "fields": fields}]}
    assert export_problems(export, "export.json", required=()) == []
    assert asked == [fields[1]]  # a str subclass: asked of the full check (which takes it)
