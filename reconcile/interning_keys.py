"""The interning keys of :class:`reconcile.interning.Interner`: bytes equal for two values exactly when
they are the same Python value (see below)."""

from __future__ import annotations

import marshal
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from reconcile.model import ContentType, Control, EditorInterface, Field, Value

# Interning keys are equal for two values exactly when they are the same Python value: scalar
# attributes (str, bool, None) enter as they are, the JSON-like ones (validations, settings, default
# values, items, sidebars, unmanaged parts) as one ``marshal`` dump (format 0: no references, no
# interning flags, floats as 17-digit text), which exists only for the built-in types (str, int,
# float, bool, None, dict, list, tuple...) and tells apart every two of them that differ, and more
# (a tuple from a list, 1 from 1.0 and from True, key order). Other values (dates, objects) have no
# key and are not shared, nor is NaN (unequal to itself; strings that merely contain "nan" only lose
# the sharing). The children of a content type (fields) and of an editor interface (controls) are
# canonical values already shared, so they enter by identity: the value stored under the key holds
# them, so their ids stay theirs.


def exact(value: Any) -> bytes | None:
    """Bytes equal for two plain values exactly when they are the same value (see above), or ``None``."""
    try:
        data = marshal.dumps(value, 0)
    except ValueError:  # not only built-in types
        return None
    return None if b"nan" in data else data


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) == 1:
        (name,) = names

        def one(value: Any) -> tuple[Any, ...]:
            return (getattr(value, name),)

        return one
    return attrgetter(*names)


def _others(model: type[Value], scalars: tuple[str, ...], children: str | None = None) -> tuple[str, ...]:
    """Every attribute of ``model`` but ``scalars`` and ``children`` (so also any added later)."""
    return tuple(name for name in model.model_fields if name not in scalars and name != children)


_FIELD_SCALARS = ("id", "name", "type", "link_type", "localized", "required", "disabled", "omitted", "renamed_from")
_CONTROL_SCALARS = ("field_id", "widget_id", "widget_namespace")
_EDITOR_INTERFACE_SCALARS = ("content_type_id",)
# ``items`` (a model value) is keyed by its attribute values, apart from the other attributes.
_field_scalars, _field_others = _getter(_FIELD_SCALARS), _getter(_others(Field, (*_FIELD_SCALARS, "items")))
_control_scalars, _control_others = _getter(_CONTROL_SCALARS), _getter(_others(Control, _CONTROL_SCALARS))
# A content type's scalars (id, name, description, display_field) enter its key as they will be once
# canonical (see ``Interner.content_type``).
content_type_others = _getter(_others(ContentType, ("id", "name", "description", "display_field"), "fields"))
editor_interface_scalars = _getter(_EDITOR_INTERFACE_SCALARS)
editor_interface_others = _getter(_others(EditorInterface, _EDITOR_INTERFACE_SCALARS, "controls"))
attribute_dict, ident = attrgetter("__dict__"), attrgetter("id")


def field_key(field: Field) -> Any:
    """The interning key of ``field``, or ``None`` when it has none."""
    items = field.items
    data = exact((_field_others(field), None if items is None else tuple(items.__dict__.values())))
    return None if data is None else (_field_scalars(field), data)


def control_key(control: Control) -> Any:
    """The interning key of ``control``, or ``None`` when it has none."""
    data = exact(_control_others(control))
    return None if data is None else (_control_scalars(control), data)


def raw_content_type(content_type: ContentType) -> dict[str, Any]:
    """The attributes of ``content_type`` and of its fields as plain values (for :func:`exact`)."""
    fields = [f.__dict__ if f.items is None else {**f.__dict__, "items": f.items.__dict__} for f in content_type.fields]
    return {**content_type.__dict__, "fields": fields}


def parent_key(scalars: tuple[Any, ...], others: tuple[Any, ...], children: tuple[Value, ...]) -> Any:
    data = exact(others)
    return None if data is None else (scalars, data, tuple(map(id, children)))
