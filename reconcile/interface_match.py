"""Whether an input editor interface normalises to a known canonical one, checked without normalising it.

The declared side of a plan mostly holds the editor interfaces that the live side holds already, often
with fewer controls (a missing control is a bare one). :func:`normalizes_to` tells, for an input, the
fields of its content type and a canonical editor interface whose controls follow those fields, whether
:func:`reconcile.normalize.normalize_editor_interface` of the input is that canonical value exactly (the
same Python values, as :func:`reconcile.interning_keys.exact` tells them apart), in one walk over the fields
instead of a key per control. :class:`reconcile.interning.Interner` then returns the known value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconcile.model import Control, EditorInterface, Field, JsonObject

#: The attributes of a control this check knows; should ``Control`` gain one, nothing matches (only slower).
_CONTROL_ATTRIBUTES = ("field_id", "widget_id", "widget_namespace", "settings")
_KNOWN_SHAPE = tuple(Control.model_fields) == _CONTROL_ATTRIBUTES
_OWN = ("content_type_id", "controls")


def _others(editor_interface: EditorInterface) -> dict[str, Any]:
    return {name: value for name, value in editor_interface.__dict__.items() if name not in _OWN}


def normalizes_to(
    editor_interface: EditorInterface,
    fields: tuple[Field, ...],
    canonical: EditorInterface,
    settings: Callable[[JsonObject], JsonObject | None],
    exact: Callable[[Any], bytes | None],
) -> bool:
    """Whether ``editor_interface``, normalised for a content type with ``fields``, is ``canonical`` exactly.

    ``canonical`` must be of that content type, its controls following ``fields`` (the caller checks it);
    ``settings`` normalises control settings, ``exact`` gives the bytes that tell two plain values apart
    (``None``: no key, no match).
    """
    if not _KNOWN_SHAPE:
        return False
    by_field = {control.field_id: control for control in editor_interface.controls}
    given: list[JsonObject] = []  # the input's settings where both have some, not normalised yet
    held: list[JsonObject | None] = [_others(canonical)]
    for field, known in zip(fields, canonical.controls, strict=True):
        control = by_field.get(field.id)
        if control is None:  # a bare control: no widget, no settings
            if known.widget_id is not None or known.widget_namespace is not None or known.settings is not None:
                return False
        elif control.widget_id != known.widget_id or control.widget_namespace != known.widget_namespace:
            return False
        elif control.settings is None:
            if known.settings is not None:
                return False
        elif known.settings is None:
            if settings(control.settings) is not None:
                return False
        else:
            given.append(control.settings)
            held.append(known.settings)
    target = exact(held)
    if target is None:
        return False
    # Settings already canonical (the usual case) are their canonical form exactly: one dump answers, and
    # only otherwise is each normalised (normalising is idempotent, so an exact match is a match).
    others = _others(editor_interface)
    return exact([others, *given]) == target or exact([others, *map(settings, given)]) == target
