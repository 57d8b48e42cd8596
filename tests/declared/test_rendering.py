"""``declared.rendering.Renderer``: the text of a new content type file from canonical content is, byte for
byte, the writer's (``document_text(content_type_doc(...))``) for the same canonical values."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.declared.editor import document_text
from reconcile.declared.rendering import Renderer
from reconcile.declared.writer import content_type_doc
from reconcile.errors import ReconcileError
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Items
from reconcile.normalize import normalize
from tests.core.strategies import models
from tests.reliability.models import models as valid_models

normalizing = importlib.import_module("reconcile.normalize")


def _writer_text(ct: ContentType, ei: EditorInterface) -> str | None:
    try:
        return document_text(content_type_doc(ct, ei))
    except ReconcileError:  # an array holding null
        return None


def _rendered(model: ContentModel, renderer: Renderer) -> dict[str, str | None]:
    canonical = normalize(model)
    content = normalizing._attributes_of
    return {ct_id: renderer.text(content(ct), content(canonical.editor_interfaces[ct_id]))
            for ct_id, ct in canonical.content_types.items()}


def _plain(ct: ContentType) -> bool:
    """Nothing the renderer leaves to the writer (metadata, default values, allowed resources)."""
    return not (ct.annotations or ct.taxonomy) and all(
        f.default_value is None and f.allowed_resources is None and not f.annotations for f in ct.fields)


def _check(model: ContentModel) -> None:
    canonical = normalize(model)
    renderer = Renderer()
    for _ in range(2):  # the second time from what the renderer remembers
        for ct_id, text in _rendered(model, renderer).items():
            ct = canonical.content_types[ct_id]
            if _plain(ct):
                assert text == _writer_text(ct, canonical.editor_interfaces[ct_id])
            else:
                assert text is None


@settings(max_examples=200, deadline=None)
@given(models())
def test_the_text_is_the_writers_on_generated_models(model: ContentModel) -> None:
    _check(model)


@settings(max_examples=100, deadline=None)
@given(valid_models())
def test_the_text_is_the_writers_on_generated_valid_models(model: ContentModel) -> None:
    _check(model)


ODD_VALUES = [
    {"in": ["a\nb", 'quote "x"', "back\\slash", "tab\t", "ünï ✓", ""]},
    {"range": {"min": 1e-05, "max": 1e16}},
    {"range": {"min": float("nan")}},
    {"size": {"max": 2**40}, "message": "x" * 150},
    {"in": [1, 2.5, True, "x" * 130]},
    {"weird key": {"with.dot": [{"a": [1, [2, None]]}]}},
    {"in": [None, 1]},
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ODD_VALUES), max_size=3, unique_by=repr), st.sampled_from(ODD_VALUES),
       st.booleans(), st.sampled_from([None, "", "About", "x" * 200]))
def test_escapes_floats_long_lines_and_nulls_are_the_writers(
    validations: list[dict[str, object]], settings_value: dict[str, object], array: bool, description: str | None
) -> None:
    fields = [Field(id="odd", name='Odd "name"\n', type="Symbol", validations=tuple(validations)),
              Field(id="list", name="List", type="Array",
                    items=Items(type="Symbol", validations=tuple(validations)) if array else Items(type="Symbol"))]
    ct = ContentType(id="odd-type", name="Odd type", description=description, display_field="odd", fields=tuple(fields))
    ei = EditorInterface(content_type_id="odd-type", controls=(Control(field_id="odd", settings=settings_value),),
                         sidebar=tuple(validations), editor_layout=() if array else None)
    _check(ContentModel(content_types={ct.id: ct}, editor_interfaces={ct.id: ei}))


def test_metadata_default_values_and_allowed_resources_are_left_to_the_writer() -> None:
    cases = [
        ContentType(id="a", name="A", fields=(Field(id="f", name="F", type="Symbol", default_value={"en-US": "x"}),)),
        ContentType(id="a", name="A", annotations=({"id": "Contentful:AggregateRoot"},)),
        ContentType(id="a", name="A", fields=(
            Field(id="f", name="F", type="ResourceLink", allowed_resources=({"type": "Contentful:Entry"},)),)),
    ]
    for ct in cases:
        assert list(_rendered(ContentModel(content_types={"a": ct}), Renderer()).values()) == [None]


@pytest.mark.parametrize("settings_value", [{"helpText": "h"}, {"helpText": "h", "nested": {"b": 1, "a": [1, 2]}}])
def test_a_remembered_settings_text_is_reused_only_for_the_same_exact_value(settings_value: dict[str, object]) -> None:
    fields = tuple(Field(id=f"f{i}", name=f"F{i}", type="Integer", validations=({"range": {"min": v}},))
                   for i, v in enumerate((1, 1.0, True, 1)))
    controls = tuple(Control(field_id=f.id, widget_id="numberEditor", settings=settings_value) for f in fields)
    ct = ContentType(id="n", name="N", fields=fields)
    _check(ContentModel(content_types={"n": ct}, editor_interfaces={"n": EditorInterface(content_type_id="n",
                                                                                         controls=controls)}))
