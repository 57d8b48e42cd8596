"""Live JSON straight into canonical parts (issue 16): a content type and its editor interface as the JSON
content of their canonical values, without building model values.

A pull with no record of an earlier one (a fresh clone of the models, an empty folder) parses every content type
into pydantic values (about 0.2 s at 1,000 content types of 50 fields), normalises them (0.2 s), and dumps them
again for the fingerprint. :func:`canonical_parts` makes, from a content type's JSON and its editor interface's,
the dicts that :func:`reconcile.normalize.document_json` dumps of the values ``parse_environment`` and
``Interner.normalize`` would give (``normalize.attributes_of``): the same mapping of keys (``translate``'s
``field_attributes``) and the same rules (the run's ``validations`` and ``settings``), in plain dicts.

Only the common shapes are taken so; anything else gives None and is parsed as usual: ``metadata`` (annotations,
taxonomy), a default value, allowed resources, and every value of a type the model would refuse or convert (the
checks here accept exactly the Python types that pydantic keeps as they are: a ``str`` where the model has a
``str``, a ``dict`` where it has a JSON object, a name of the closed lists of types). ``tests/backend/
test_canonical.py`` checks on generated and mangled JSON that every result is the parsed value's content.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconcile.backend.translate import content_type_link, field_attributes
from reconcile.model import FIELD_TYPES, ITEMS_TYPES, LINK_TYPES, JsonObject
from reconcile.normalize import no_text

if TYPE_CHECKING:
    from reconcile.interning import Interner

_LINKS, _TYPES, _ITEMS = frozenset(LINK_TYPES), frozenset(FIELD_TYPES), frozenset(ITEMS_TYPES)
_PARTS = (("sidebar", "sidebar"), ("editors", "editors"), ("editor_layout", "editorLayout"),
          ("group_controls", "groupControls"))  # fmt: skip
_TEXT = (str, type(None))


def canonical_parts(ct: JsonObject, ei: JsonObject | None, run: Interner) -> tuple[JsonObject, JsonObject] | None:
    """The content of the canonical content type of ``ct`` (its JSON as read) and of its canonical editor
    interface (``ei``, its JSON; None when it has none), as ``normalize`` dumps them; None when either is not of
    the shapes taken here (see the module docstring)."""
    ct_id = (ct.get("sys") or {}).get("id")
    name, description, display = ct.get("name"), ct.get("description"), ct.get("displayField")
    if "metadata" in ct or type(ct_id) is not str or type(name) is not str:
        return None
    if type(description) not in _TEXT or type(display) not in _TEXT:
        return None
    fields, found = [], ct.get("fields") or []
    if type(found) is not list:
        return None
    for d in found:
        field = _field(d, run) if type(d) is dict else None
        if field is None:
            return None
        fields.append(field)
    controls = _controls(ei, run)
    if controls is None:
        return None
    interface: JsonObject = {"content_type_id": ct_id, "controls": [
        controls.get(f["id"]) or _bare(f["id"]) for f in fields]}  # fmt: skip
    for key, api_key in _PARTS:
        value = None if ei is None else ei.get(api_key)
        if value is not None:
            if type(value) is not list or any(type(item) is not dict for item in value):
                return None
            value = tuple(value)
        interface[key] = value
    content = {"id": ct_id, "name": name, "description": no_text(description), "display_field": no_text(display),
               "fields": fields}  # fmt: skip
    return content, interface


def _field(d: JsonObject, run: Interner) -> JsonObject | None:
    """A field's canonical content, or None."""
    try:
        values = field_attributes(d, ())
    except (AttributeError, TypeError):  # ``items`` not an object, validations not a list: the parser's to say
        return None
    items, validations = values["items"], values["validations"]
    if (
        type(values["id"]) is not str
        or type(values["name"]) is not str
        or type(values["type"]) is not str
        or values["type"] not in _TYPES
        or (values["link_type"] is not None and (type(values["link_type"]) is not str
                                                 or values["link_type"] not in _LINKS))
        or values["default_value"] is not None
        or values["allowed_resources"] is not None
    ):
        return None
    if validations:
        if not all(type(value) is dict for value in validations):
            return None
        values["validations"] = run.validations(validations)
    if items is not None:
        if not _items(items):
            return None
        if items["validations"]:
            items["validations"] = run.validations(items["validations"])
    del values["annotations"]  # empty: left out of the content, as ``drop_empty_metadata`` does
    return values


def _items(items: JsonObject) -> bool:
    """Whether the attributes of a field's ``items`` are of the shapes taken here."""
    kind, link = items["type"], items["link_type"]
    return (
        type(kind) is str and kind in _ITEMS and (link is None or (type(link) is str and link in _LINKS))
        and all(type(value) is dict for value in items["validations"])
    )


def _controls(ei: JsonObject | None, run: Interner) -> dict[str, JsonObject] | None:
    """Field id -> the canonical content of its control (the last one of that field, as normalising keeps);
    None when a control is not of the shapes taken here."""
    controls: dict[str, JsonObject] = {}
    if ei is None:
        return controls
    found = ei.get("controls") or []
    if type(content_type_link(ei)) is not str or type(found) is not list:
        return None
    for d in found:
        if type(d) is not dict:
            return None
        field_id, widget, namespace, settings = d.get("fieldId"), d.get("widgetId"), d.get("widgetNamespace"), \
            d.get("settings")  # fmt: skip
        if type(field_id) is not str or type(widget) not in _TEXT or type(namespace) not in _TEXT:
            return None
        if settings is not None:
            if type(settings) is not dict:
                return None
            settings = run.settings(settings)
        controls[field_id] = {"field_id": field_id, "widget_id": widget, "widget_namespace": namespace,
                              "settings": settings}  # fmt: skip
    return controls


def _bare(field_id: str) -> JsonObject:
    return {"field_id": field_id, "widget_id": None, "widget_namespace": None, "settings": None}
