"""An editor interface matched against the one a run made for its content type (``reconcile.interface_match``)
is shared only when normalising it gives exactly that value: the same Python values, not merely equal ones."""

from __future__ import annotations

import itertools

from reconcile.interface_match import normalizes_to
from reconcile.interning import Interner
from reconcile.interning_keys import exact
from reconcile.model import ContentType, Control, EditorInterface, Field
from reconcile.normalize import normalize_editor_interface

CONTENT_TYPE = ContentType(id="a", name="A", fields=tuple(Field(id=i, name=i, type="Symbol") for i in "fgh"))

SETTINGS: list[dict[str, object] | None] = [
    None, {}, {"x": None}, {"n": 1}, {"n": 1.0}, {"n": True}, {"n": float("nan")}, {"l": [1]}, {"l": (1,)},
    {"a": 1, "b": 2}, {"b": 2, "a": 1},
]


def _variants() -> list[EditorInterface | None]:
    def interface(*controls: Control, **others: object) -> EditorInterface:
        return EditorInterface(content_type_id="a", controls=controls, **others)  # type: ignore[arg-type]

    variants: list[EditorInterface | None] = [None, interface(), interface(sidebar=()), interface(unmanaged={"k": 1})]
    variants += [interface(Control(field_id="g", widget_id="w", settings=s)) for s in SETTINGS]
    variants += [
        interface(Control(field_id="g")),
        interface(Control(field_id="g", widget_namespace="builtin")),
        interface(Control(field_id="h", widget_id="w"), Control(field_id="g", widget_id="w")),
        interface(Control(field_id="g", widget_id="w"), Control(field_id="g", widget_id="v")),  # the last one counts
        interface(Control(field_id="z", widget_id="w")),  # not a field: dropped
        interface(*(Control(field_id=i) for i in "fgh")),
    ]
    return variants


def _plain(editor_interface: EditorInterface | None) -> str:
    """The plain normalisation, with the Python types of every value (``repr``: 1, 1.0 and True differ)."""
    return repr(normalize_editor_interface(editor_interface, CONTENT_TYPE))


def test_an_interface_is_shared_with_the_one_made_before_only_when_its_normalisation_is_exactly_that() -> None:
    for first, second in itertools.permutations(_variants(), 2):
        run = Interner()
        a, b = run.editor_interface(first, CONTENT_TYPE), run.editor_interface(second, CONTENT_TYPE)
        assert repr(a) == _plain(first) and repr(b) == _plain(second), (first, second)
        assert (a is b) == (_plain(first) == _plain(second) and "nan" not in _plain(first)), (first, second)


def test_canonical_settings_are_matched_without_normalising_each() -> None:
    """Issue 16: the declared side mostly holds the live settings exactly; one dump answers, none is normalised."""
    run = Interner()
    controls = tuple(Control(field_id=i, widget_id="w", settings={"helpText": i}) for i in "fgh")
    known = run.editor_interface(EditorInterface(content_type_id="a", controls=controls), CONTENT_TYPE)
    normalised: list[object] = []

    def counting(settings: dict[str, object]) -> dict[str, object] | None:
        normalised.append(settings)
        return run.settings(settings)

    same = EditorInterface(content_type_id="a", controls=tuple(c.model_copy() for c in controls))
    assert normalizes_to(same, CONTENT_TYPE.fields, known, counting, exact)
    assert normalised == []
    # settings equal only once normalised (keys in another order, a null) are normalised, and match
    reordered = tuple(Control(field_id=i, widget_id="w", settings={"x": None, "helpText": i}) for i in "fgh")
    assert normalizes_to(EditorInterface(content_type_id="a", controls=reordered), CONTENT_TYPE.fields, known,
                         counting, exact)
    assert len(normalised) == 3
    other = tuple(Control(field_id=i, widget_id="w", settings={"helpText": i + "!"}) for i in "fgh")
    assert not normalizes_to(EditorInterface(content_type_id="a", controls=other), CONTENT_TYPE.fields, known,
                             counting, exact)
