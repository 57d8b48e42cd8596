"""Canonical form of a content model: the one place that knows Contentful's server defaults.

Both sides of every comparison (declared files, live environment, snapshots, a phase's expected
state) go through :func:`normalize`, so two models that Contentful treats as the same normalise to
equal values and fingerprint to the same string. The choices, each made once and only here:

Content types
  * ``description`` and ``display_field``: an empty string is the same as absent (``None``); old
    API responses return ``""`` where new ones return ``null``.
  * Field defaults (``localized``, ``required``, ``disabled``, ``omitted``, ``validations``) are
    the Python defaults in :mod:`reconcile.model`, which equal the server's.
  * ``default_value``: an empty per-locale map is the same as absent (``None``).
  * ``allowed_resources``: an empty list is the same as absent (``None``); the list is order-free
    (sorted by canonical JSON) and each item's ``contentTypes`` is sorted.
  * Field order is significant (editors see it): moving a field is a change.

Validations (``field.validations`` and ``items.validations``)
  * ``message: null`` is dropped, and so is any other ``null`` inside a validation object
    (the server keeps ``"max": null``, which means "no bound").
  * Keys are put in canonical order: the validation's kind first, ``message`` last, nested objects
    sorted by key.
  * Order-free lists are sorted: ``linkContentType``, ``linkMimetypeGroup`` (a legacy bare string
    becomes a one-element list), ``enabledNodeTypes``, ``enabledMarks`` and ``contentTypes`` (inside
    ``allowedResources`` of rich-text resource nodes). ``in`` lists keep their order (editors see it).
  * The validation list itself is order-free: validation objects are sorted by canonical JSON.

Editor interfaces
  * Every content type has one. A missing one equals what the server creates on first publish:
    one bare control ``{fieldId}`` per field.
  * Controls of fields the content type does not have are dropped, missing ones are filled with
    bare controls, and controls follow the field order (the server appends controls for new fields
    at the end; their order carries no meaning).
  * Control ``settings``: ``null`` values are dropped, and an empty map is the same as absent (``None``).
  * ``sidebar``, ``editors``, ``editor_layout``, ``group_controls``: ``None`` (absent: Contentful's
    defaults) stays distinct from an empty list (explicitly nothing).
  * Editor interfaces of content types that do not exist are dropped.

Locales
  * ``fallback_code``: an empty string is the same as no fallback (``None``).

Mappings are ordered by id so that dumps are stable. ``unmanaged`` and ``renamed_from`` are kept
(the planner needs them) but never enter the :func:`fingerprint`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from reconcile.model import (
    ContentModel,
    ContentType,
    Control,
    EditorInterface,
    Field,
    JsonObject,
    Locale,
)

#: Validation (and allowed-resource) keys whose list values carry no order.
UNORDERED_LIST_KEYS = frozenset(
    {"linkContentType", "linkMimetypeGroup", "enabledNodeTypes", "enabledMarks", "contentTypes"}
)


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys: the byte form that fingerprints and sort keys are made of."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _json_value(value: Any) -> Any:
    """Recursively: drop ``None`` members of objects, sort object keys and order-free lists."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key in sorted(value):
            member = value[key]
            if member is None:
                continue
            if key in UNORDERED_LIST_KEYS:
                items = member if isinstance(member, list | tuple) else [member]
                out[key] = sorted((_json_value(i) for i in items), key=canonical_json)
            else:
                out[key] = _json_value(member)
        return out
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def _validation(validation: JsonObject) -> JsonObject:
    """One validation object in canonical form: kind key(s) first, ``message`` last, nulls dropped."""
    body = _json_value(validation)
    return {key: body[key] for key in sorted(body, key=lambda k: (k == "message", k))}


def normalize_validations(validations: tuple[JsonObject, ...]) -> tuple[JsonObject, ...]:
    """A validation list in canonical form (each object canonical, the list sorted)."""
    return tuple(sorted((_validation(v) for v in validations), key=canonical_json))


def _allowed_resources(resources: tuple[JsonObject, ...] | None) -> tuple[JsonObject, ...] | None:
    if not resources:
        return None
    return tuple(sorted((_json_value(r) for r in resources), key=canonical_json))


def _field(field: Field) -> Field:
    items = field.items
    if items is not None:
        items = items.model_copy(update={"validations": normalize_validations(items.validations)})
    return field.model_copy(
        update={
            "items": items,
            "validations": normalize_validations(field.validations),
            "default_value": field.default_value or None,
            "allowed_resources": _allowed_resources(field.allowed_resources),
        }
    )


def normalize_content_type(content_type: ContentType) -> ContentType:
    """A content type in canonical form (see the module docstring)."""
    return content_type.model_copy(
        update={
            "description": content_type.description or None,
            "display_field": content_type.display_field or None,
            "fields": tuple(_field(f) for f in content_type.fields),
        }
    )


def _control(control: Control) -> Control:
    settings = {k: v for k, v in (control.settings or {}).items() if v is not None}
    return control.model_copy(update={"settings": _json_value(settings) or None})


def normalize_editor_interface(editor_interface: EditorInterface | None, content_type: ContentType) -> EditorInterface:
    """The editor interface of ``content_type`` as the server holds it after a publish.

    ``None`` stands for "not created yet": the server creates one bare control per field.
    Controls of unknown fields are dropped, missing ones filled, all put in field order.
    """
    if editor_interface is None:
        editor_interface = EditorInterface(content_type_id=content_type.id)
    by_field = {c.field_id: c for c in editor_interface.controls}
    controls = tuple(_control(by_field.get(f.id, Control(field_id=f.id))) for f in content_type.fields)
    return editor_interface.model_copy(update={"content_type_id": content_type.id, "controls": controls})


def _locale(locale: Locale) -> Locale:
    return locale.model_copy(update={"fallback_code": locale.fallback_code or None})


def normalize(model: ContentModel) -> ContentModel:
    """The canonical form of ``model``. Idempotent: ``normalize(normalize(m)) == normalize(m)``."""
    content_types = {ct_id: normalize_content_type(model.content_types[ct_id]) for ct_id in sorted(model.content_types)}
    editor_interfaces = {
        ct_id: normalize_editor_interface(model.editor_interfaces.get(ct_id), ct) for ct_id, ct in content_types.items()
    }
    locales = {code: _locale(model.locales[code]) for code in sorted(model.locales)}
    return ContentModel(content_types=content_types, editor_interfaces=editor_interfaces, locales=locales)


def content_document(model: ContentModel) -> dict[str, Any]:
    """The JSON content of a normalised model: no ``unmanaged`` parts, no ``renamed_from``."""
    data: dict[str, Any] = model.model_dump(mode="json")
    for content_type in data["content_types"].values():
        content_type.pop("unmanaged")
        for field in content_type["fields"]:
            field.pop("renamed_from")
    for editor_interface in data["editor_interfaces"].values():
        editor_interface.pop("unmanaged")
    return data


def fingerprint(model: ContentModel) -> str:
    """``"sha256:<hex>"`` of the canonical JSON of the normalised model's content.

    Only content counts: never versions or ``sys``, never ``unmanaged`` parts or ``renamed_from``.
    """
    digest = hashlib.sha256(canonical_json(content_document(normalize(model))).encode()).hexdigest()
    return f"sha256:{digest}"
