"""The performance shortcuts of normalisation change no result.

Within one run (an ``Interner``) canonical fields, controls, content types and editor interfaces are
shared between equal inputs (interned), and fingerprints are assembled from remembered JSON. Two inputs
must share a canonical value only when they are equal Python values, every fingerprint must be the
digest of ``canonical_json(content_document(normalize(model)))``, and nothing is shared between runs.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import weakref

import pytest
from hypothesis import given, settings

from reconcile.interning import Interner
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Items
from reconcile.normalize import (
    canonical_json,
    canonical_model,
    content_document,
    fingerprint,
    normalize,
    normalize_control,
    normalize_editor_interface,
    normalize_field,
)
from tests.core.builders import EN
from tests.core.strategies import models

# Values that equal each other in JSON, in Python, or in neither; and values that have no key (NaN).
# (Dates cannot be in validations: the model files refuse them, and normalize never could order them.)
EDGE_VALIDATIONS: list[tuple[dict[str, object], ...]] = [
    ({"size": {"max": 1}},),
    ({"size": {"max": 1.0}},),
    ({"size": {"max": True}},),
    ({"size": {"max": -0.0}},),
    ({"size": {"max": 0.0}},),
    ({"size": {"max": float("nan")}},),
    ({"size": {"max": float("inf")}},),
    ({"in": ["a", "b"]},),
    ({"in": ("a", "b")},),
    ({"in": ["b", "a"]},),
    ({"dateRange": {"min": "2020-01-01"}},),
    ({"size": {"max": 1, "min": 0}},),
    ({"size": {"min": 0, "max": 1}},),
    ({"size": {"max": 1}, "message": None},),
    ({"regexp": {"pattern": "banana"}},),  # "nan" inside a string: not shared, still right
    ({"size": {"max": 1}}, {"unique": True}),
    ({"unique": True}, {"size": {"max": 1}}),
]

# Values whose JSON orjson (the fast path of the fingerprint) writes otherwise than ``json`` does, or
# refuses: small and large floats, integers beyond 64 bits, and strings that look like those numbers.
JSON_EDGE_VALIDATIONS: list[tuple[dict[str, object], ...]] = [
    ({"range": {"min": 1e-05}},),
    ({"range": {"min": -1.5e-05, "max": 9.99e-05}},),
    ({"range": {"min": 1e-07}},),
    ({"range": {"max": 1e16}},),
    ({"range": {"max": 1.7976931348623157e308}},),
    ({"range": {"min": 5e-324}},),
    ({"range": {"min": 0.0001, "max": 123456789.125}},),
    ({"range": {"max": 2**64}},),
    ({"range": {"min": -(2**63) - 1}},),
    ({"range": {"max": 2**63 - 1}},),
    ({"in": ["1e-05", "0.00001", "2e16", "h264e"]},),
    ({"in": ["\x00\x1f\x7f", "\u2028\u2029", "é😀", '"\\', "\ud7ff\ue000\uffff"]},),
]


def _fields() -> list[Field]:
    fields = [Field(id="f", name="F", type="Symbol", validations=v) for v in EDGE_VALIDATIONS]
    fields += [
        Field(id="a", name="A", type="Array", items=Items(type="Symbol", validations=v)) for v in EDGE_VALIDATIONS[:10]
    ]
    fields += [
        Field(id="f", name="F", type="Symbol", default_value={"en-US": "x"}),
        Field(id="f", name="F", type="Symbol", default_value={"en-US": ("x",)}),
        Field(id="f", name="F", type="Symbol", default_value={}),
        Field(id="f", name="F", type="Symbol", renamed_from="g"),
        Field(id="f", name="F", type="Symbol", omitted=True),
    ]
    return fields


def test_fields_share_a_canonical_value_only_when_equal() -> None:
    fields = _fields()
    run = Interner()
    shared = [run.field(f) for f in fields]
    for f, s in zip(fields, shared, strict=True):
        assert s == normalize_field(f)
    for (i, a), (j, b) in itertools.combinations(enumerate(fields), 2):
        if shared[i] is shared[j]:
            assert normalize_field(a) == normalize_field(b), (a, b)
    # inputs with the same canonical form (keys in canonical order) share it; equal JSON is not enough
    by_validations = {repr(f.validations): s for f, s in zip(fields, shared, strict=True) if f.type == "Symbol"}
    assert by_validations[repr(({"in": ["a", "b"]},))] is not by_validations[repr(({"in": ("a", "b")},))]
    assert (
        by_validations[repr(({"size": {"max": 1, "min": 0}},))]
        is by_validations[repr(({"size": {"min": 0, "max": 1}},))]
    )
    assert by_validations[repr(({"size": {"max": 1}},))] is not by_validations[repr(({"size": {"max": 1.0}},))]


def test_controls_share_a_canonical_value_only_when_equal() -> None:
    settings_values: list[dict[str, object] | None] = [
        None,
        {},
        {"helpText": "h"},
        {"helpText": "h", "x": None},
        {"n": 1},
        {"n": 1.0},
        {"n": True},
        {"n": float("nan")},
        {"l": [1]},
        {"l": (1,)},
    ]
    controls = [Control(field_id="f", widget_id="w", settings=s) for s in settings_values]
    run = Interner()
    shared = [run.control(c) for c in controls]
    for c, s in zip(controls, shared, strict=True):
        assert s == normalize_control(c)
    for (i, a), (j, b) in itertools.combinations(enumerate(controls), 2):
        if shared[i] is shared[j]:
            assert normalize_control(a) == normalize_control(b), (a, b)


def test_content_types_and_interfaces_differing_anywhere_are_not_shared() -> None:
    base = ContentType(id="a", name="A", fields=(Field(id="f", name="F", type="Symbol"),))
    variants = [
        base,
        base.model_copy(update={"name": "B"}),
        base.model_copy(update={"description": "d"}),
        base.model_copy(update={"display_field": "f"}),
        base.model_copy(update={"unmanaged": {"metadata": {"x": 1}}}),
        base.model_copy(update={"unmanaged": {"metadata": {"x": 1.0}}}),
        base.model_copy(update={"fields": (Field(id="f", name="F", type="Text"),)}),
    ]
    run = Interner()
    canonical = [run.content_type(v) for v in variants]
    for a, b in itertools.combinations(canonical, 2):
        assert a is not b
    assert run.content_type(base.model_copy()) is canonical[0]
    ei = EditorInterface(content_type_id="a", controls=(Control(field_id="f", widget_id="w"),))
    interfaces = [
        run.editor_interface(ei, base),
        run.editor_interface(ei.model_copy(update={"sidebar": ()}), base),
        run.editor_interface(ei.model_copy(update={"sidebar": None, "editors": ()}), base),
        run.editor_interface(ei.model_copy(update={"unmanaged": {"k": 1}}), base),
        run.editor_interface(None, base),
    ]
    for a, b in itertools.combinations(interfaces, 2):
        assert a is not b and a != b


def _reference(m: ContentModel) -> str:
    """The fingerprint from the plain rules: nothing shared, nothing remembered, no fast JSON."""
    text = canonical_json(content_document(canonical_model(m)))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("validations", EDGE_VALIDATIONS + JSON_EDGE_VALIDATIONS)
def test_fingerprint_is_the_digest_of_the_canonical_document(validations: tuple[dict[str, object], ...]) -> None:
    ct = ContentType(id="a", name="A", fields=(Field(id="f", name="F", type="Symbol", validations=validations),))
    m = ContentModel(content_types={"a": ct}, locales={"en-US": EN})
    assert fingerprint(m) == _reference(m)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(models())
def test_fingerprint_equals_the_digest_of_the_canonical_document_for_generated_models(m: ContentModel) -> None:
    assert fingerprint(m) == _reference(m)
    # and within one run, from the model and from a copy: shared values, remembered JSON
    run = Interner()
    assert run.fingerprint(m) == _reference(m)
    assert run.fingerprint(m.model_copy(deep=True)) == _reference(m)
    assert run.normalize(m) == normalize(m) == canonical_model(m)


def test_an_editor_interface_is_normalised_for_each_content_type_it_is_paired_with() -> None:
    """The remembered result is keyed by the interface and the content type's id and field ids."""
    ei = EditorInterface(content_type_id="a", controls=(Control(field_id="g", widget_id="w"), Control(field_id="f")))
    f, g, h = (Field(id=i, name=i.upper(), type="Symbol") for i in "fgh")
    pairs = [
        ContentType(id="a", name="A", fields=(f, g)),
        ContentType(id="a", name="A", fields=(g, f)),
        ContentType(id="a", name="A", fields=(f, g, h)),
        ContentType(id="b", name="B", fields=(f, g)),
    ]
    run = Interner()
    results = [run.editor_interface(ei, ct) for ct in pairs]
    assert [[c.field_id for c in r.controls] for r in results] == [["f", "g"], ["g", "f"], ["f", "g", "h"], ["f", "g"]]
    assert [r.content_type_id for r in results] == ["a", "a", "a", "b"]
    assert results == [normalize_editor_interface(ei, ct) for ct in pairs]
    assert run.editor_interface(ei.model_copy(), pairs[1]) is results[1]


def test_sharing_lasts_one_run_and_keeps_nothing_alive_after_it() -> None:
    """Two runs share nothing; once a run and its results are dropped, reference counting frees them
    (no table outlives the run, no reference cycle waits for the garbage collector)."""
    enabled = gc.isenabled()
    gc.disable()  # so that only reference counting frees what the test drops
    try:
        _check_nothing_kept()
    finally:
        if enabled:
            gc.enable()


def _check_nothing_kept() -> None:
    field = Field(id="f", name="F", type="Symbol", validations=({"unique": True}, {"size": {"max": 1}}))
    model = ContentModel(content_types={"a": ContentType(id="a", name="A", fields=(field,))}, locales={"en-US": EN})
    first, second = Interner(), Interner()
    a, b = first.normalize(model), second.normalize(model.model_copy(deep=True))
    assert a == b and a.content_types["a"] is not b.content_types["a"]
    assert first.normalize(a) is a and first.normalize(model.model_copy(deep=True)).content_types["a"] is (
        a.content_types["a"]
    )
    canonical_field = weakref.ref(a.content_types["a"].fields[0])
    assert canonical_field() is not field  # a copy: its validations were out of order
    del first, second, a, b
    assert canonical_field() is None
    plain = normalize(model)
    canonical_field = weakref.ref(plain.content_types["a"].fields[0])
    fingerprint(model)
    del plain
    assert canonical_field() is None


def test_a_run_spares_the_collector_the_heap_it_started_with_and_pauses_nothing() -> None:
    """``with Interner()`` freezes the objects tracked when it starts, for its lifetime only; the collector
    stays enabled (other threads' garbage is collected), and an enclosing freeze is left alone."""
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with Interner() as outer:
        assert gc.isenabled() and gc.get_freeze_count() > 0
        # Neither frozen again (the count would grow) nor thawed; a frozen object freed by reference counting
        # leaves the permanent generation, so the count may shrink.
        frozen = gc.get_freeze_count()
        with Interner() as inner:
            assert 0 < gc.get_freeze_count() <= frozen
            inner.normalize(ContentModel(locales={"en-US": EN}))
        assert 0 < gc.get_freeze_count() <= frozen
        with outer:  # entered again (a caller's run passed on): frozen until the outer ``with`` ends
            outer.normalize(ContentModel(locales={"en-US": EN}))
        assert 0 < gc.get_freeze_count() <= frozen
    assert gc.isenabled() and gc.get_freeze_count() == 0
