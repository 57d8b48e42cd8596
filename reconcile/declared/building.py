"""The model values one content type file declares, built once from its checked data (issue 16).

The loader checks a file's data against its shape (``shapes.ContentTypeFile``, strict: every key known,
every value of exactly its type); the values here are then built straight from that data, without a
second validation: ``_checked`` sets them as ``model_construct`` would, which itself costs more than a
validation (measured per ``Field``: validation 2.7 µs, ``model_construct`` 6.1 µs, ``_checked`` 1.3 µs).
The same builder serves data read from the parse cache (``declared.cache``), which holds only data that
passed these checks. ``tests/declared/test_building.py`` pins that the values equal validated ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from reconcile.model import ContentType, Control, EditorInterface, Field, Items, JsonObject, Value

_V = TypeVar("_V", bound=Value)
# Every field of ``Field`` with its default, in order (each default immutable: None, False, ()).
_FIELD_DEFAULTS = {name: info.default for name, info in Field.model_fields.items()}
_EDITOR_PARTS = ("sidebar", "editors", "editor_layout", "group_controls")


def content_type_from_data(data: Mapping[str, Any]) -> tuple[ContentType, EditorInterface]:
    """The content type and editor interface of one file's data, which fits ``ContentTypeFile``."""
    ct_id = data["id"]
    fields = []
    controls = []
    for f in data.get("fields", ()):
        fields.append(_field(f))
        editor = f.get("editor")
        if editor is not None:
            controls.append(_checked(Control, {
                "field_id": f["id"], "widget_id": editor.get("widget_id"),
                "widget_namespace": editor.get("widget_namespace"), "settings": editor.get("settings"),
            }))
    ct = _checked(ContentType, {
        "id": ct_id, "name": data["name"], "description": data.get("description"),
        "display_field": data.get("display_field"), "fields": tuple(fields),
        "annotations": _annotations(data.get("annotations", ())),
        "taxonomy": tuple(_taxonomy_link(link) for link in data.get("taxonomy", ())), "unmanaged": {},
    })
    parts = data.get("editor_interface") or {}
    ei = _checked(EditorInterface, {
        "content_type_id": ct_id, "controls": tuple(controls),
        **{part: _tuple_or_none(parts.get(part)) for part in _EDITOR_PARTS}, "unmanaged": {},
    })
    return ct, ei


def _field(f: Mapping[str, Any]) -> Field:
    """One ``[[fields]]`` entry as a model ``Field``: the file's keys are the model's, but for ``editor`` and
    ``fill`` (not the field's) and the lists (tuples in the model)."""
    values = {**_FIELD_DEFAULTS, **f}
    values.pop("editor", None)
    values.pop("fill", None)
    if "validations" in f:
        values["validations"] = tuple(f["validations"])
    if "items" in f:
        items = f["items"]
        values["items"] = _checked(Items, {"type": items["type"], "link_type": items.get("link_type"),
                                           "validations": tuple(items.get("validations", ()))})
    if "allowed_resources" in f:
        values["allowed_resources"] = tuple(f["allowed_resources"])
    if "annotations" in f:
        values["annotations"] = _annotations(f["annotations"])
    return _checked(Field, values)


def _annotations(declared: Any) -> tuple[JsonObject, ...]:
    """Annotations in the model's form: ``{"id"}`` plus ``"parameters"`` when there are any; each declared as
    its id alone or as a table (``shapes.Annotation``)."""
    found = []
    for item in declared:
        if isinstance(item, str):
            found.append({"id": item})
        else:
            parameters = item.get("parameters")
            found.append({"id": item["id"], **({"parameters": parameters} if parameters else {})})
    return tuple(found)


def _taxonomy_link(link: Mapping[str, Any]) -> JsonObject:
    """A taxonomy link in the model's form (both or neither target kept as declared: a rule reports it)."""
    targets = {key: link[key] for key in ("concept_scheme", "concept") if link.get(key) is not None}
    return {**targets, "required": link.get("required", False)}


def _tuple_or_none(items: list[JsonObject] | None) -> tuple[JsonObject, ...] | None:
    """``items`` as a tuple (the model is immutable), None kept."""
    return None if items is None else tuple(items)


def _checked(cls: type[_V], values: dict[str, Any]) -> _V:
    """A ``cls`` holding ``values``: every one of its fields, each already of its type (the file's shape was
    checked). What ``model_construct`` does, without its per-field defaults and aliases."""
    value = cls.__new__(cls)
    object.__setattr__(value, "__dict__", values)
    object.__setattr__(value, "__pydantic_fields_set__", set(values))
    object.__setattr__(value, "__pydantic_extra__", None)
    object.__setattr__(value, "__pydantic_private__", None)
    return value


# Views: the rules of ``reconcile validate`` read one file's checked data in place (issue 16).


class _View:
    """A read-only view of one table of a file's checked data: its keys are the attributes (the table itself is
    the view's ``__dict__``: nothing is copied), the class holds the model's defaults of the keys left out."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        object.__setattr__(self, "__dict__", table)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")


class ItemsView(_View):
    """``items`` of an Array field, as ``Items`` has it (``validations`` a list)."""

    type: str
    link_type: str | None
    validations: Sequence[JsonObject]


class FieldView(_View):
    """One ``[[fields]]`` table, as ``Field`` has it (its ``editor`` and ``fill`` are there too, unread)."""

    id: str
    name: str
    type: str
    link_type: str | None
    items: ItemsView | None
    validations: Sequence[JsonObject]
    default_value: JsonObject | None
    allowed_resources: Sequence[JsonObject] | None
    renamed_from: str | None
    annotations: Sequence[JsonObject]


class ControlView(_View):
    field_id: str


class ContentTypeView(_View):
    id: str
    name: str
    display_field: str | None
    fields: tuple[FieldView, ...]
    annotations: tuple[JsonObject, ...]
    taxonomy: tuple[JsonObject, ...]


class EditorView(_View):
    controls: tuple[ControlView, ...]
    editor_layout: Sequence[JsonObject] | None


for _view, _value in ((FieldView, Field), (ItemsView, Items)):  # the defaults are the model's own
    for _name, _info in _value.model_fields.items():
        if not _info.is_required():
            setattr(_view, _name, _info.default)


def content_type_view(data: Mapping[str, Any]) -> tuple[ContentTypeView, EditorView]:
    """What ``content_type_from_data`` builds of one file's data (which fits ``ContentTypeFile``), as views: the
    same attribute values (lists where the model has tuples), for the rules alone (``validate.subjects``)."""
    fields = tuple(map(_field_view, data.get("fields", ())))
    ct = ContentTypeView({
        "id": data["id"], "name": data["name"], "display_field": data.get("display_field"), "fields": fields,
        "annotations": _annotations(data.get("annotations", ())),
        "taxonomy": tuple(_taxonomy_link(link) for link in data.get("taxonomy", ())),
    })
    controls = tuple(ControlView({"field_id": f["id"]}) for f in data.get("fields", ()) if "editor" in f)
    parts = data.get("editor_interface") or {}
    return ct, EditorView({"controls": controls, "editor_layout": parts.get("editor_layout")})


def _field_view(f: Mapping[str, Any]) -> FieldView:
    """One field's view; its table is copied only when ``items`` or ``annotations`` need a form of their own."""
    if "items" in f or "annotations" in f:
        f = dict(f)
        if "items" in f:
            f["items"] = ItemsView(f["items"])
        if "annotations" in f:
            f["annotations"] = _annotations(f["annotations"])
    return FieldView(f)
