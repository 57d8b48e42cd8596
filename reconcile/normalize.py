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

Performance: a plan normalises the same values many times (both sides, the diff, every phase's
expected model, the fingerprints). Every value this module returns is remembered, by identity, as
canonical (values are frozen), so normalising it again returns it at once; fingerprints of canonical
content types and editor interfaces are remembered the same way.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

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


_V = TypeVar("_V")
#: id -> value known to be canonical. The strong reference keeps the id from being reused.
_CANONICAL: dict[int, Any] = {}
#: id -> (canonical value, canonical JSON of its content document).
_DOCUMENTS: dict[int, tuple[Any, str]] = {}
#: id -> (input model, its canonical form): the same input is often normalised more than once.
_NORMALIZED_FROM: dict[int, tuple[ContentModel, ContentModel]] = {}
_MEMO_LIMIT = 100_000


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a pure computation over model values.

    These values hold no reference cycles (reference counting frees them), and with a large model in
    memory every full collection walks millions of objects: for 1,000 content types it cost more than
    the computation itself. Nested uses keep it paused until the outermost one ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _is_canonical(value: Any) -> bool:
    return _CANONICAL.get(id(value)) is value


def _canonical(value: _V) -> _V:
    """Remember ``value`` as canonical and return it."""
    if len(_CANONICAL) >= _MEMO_LIMIT:
        _CANONICAL.clear()
    _CANONICAL[id(value)] = value
    return value


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


def _normalize_validations(validations: tuple[JsonObject, ...]) -> tuple[JsonObject, ...]:
    return tuple(sorted((_validation(v) for v in validations), key=canonical_json))


def _memo_json(memo: dict[str, tuple[Any, bool]], value: Any, compute: Any) -> Any:
    """``compute(value)``, remembered by the exact JSON of ``value``; ``value`` itself when that is
    already its canonical form, key order included (so callers can skip copying)."""
    try:
        key = json.dumps(value)
    except (TypeError, ValueError):  # not plain JSON: no memo
        return compute(value)
    known = memo.get(key)
    if known is None:
        result = compute(value)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        known = memo[key] = (result, json.dumps(result) == key)
    return value if known[1] else known[0]


#: Exact JSON of a validation list / control settings -> (canonical form, already canonical).
_VALIDATIONS: dict[str, tuple[Any, bool]] = {}
_SETTINGS: dict[str, tuple[Any, bool]] = {}


def normalize_validations(validations: tuple[JsonObject, ...]) -> tuple[JsonObject, ...]:
    """A validation list in canonical form (each object canonical, the list sorted).

    Returns ``validations`` itself when it is already canonical. Results are shared between equal
    inputs: like every value here they must never be mutated.
    """
    if not validations:
        return validations
    result: tuple[JsonObject, ...] = _memo_json(_VALIDATIONS, validations, _normalize_validations)
    return result


def _allowed_resources(resources: tuple[JsonObject, ...] | None) -> tuple[JsonObject, ...] | None:
    if not resources:
        return None
    return tuple(sorted((_json_value(r) for r in resources), key=canonical_json))


def _field(field: Field) -> Field:
    items = field.items
    if items is not None:
        item_validations = normalize_validations(items.validations)
        if item_validations is not items.validations:
            items = items.model_copy(update={"validations": item_validations})
    validations = normalize_validations(field.validations)
    default_value = field.default_value or None
    if (
        items is field.items
        and validations is field.validations
        and default_value is field.default_value
        and field.allowed_resources is None
    ):
        return field  # already canonical
    return field.model_copy(
        update={
            "items": items,
            "validations": validations,
            "default_value": default_value,
            "allowed_resources": _allowed_resources(field.allowed_resources),
        }
    )


def normalize_content_type(content_type: ContentType) -> ContentType:
    """A content type in canonical form (see the module docstring)."""
    if _is_canonical(content_type):
        return content_type
    return _canonical(
        content_type.model_copy(
            update={
                "description": content_type.description or None,
                "display_field": content_type.display_field or None,
                "fields": tuple(_field(f) for f in content_type.fields),
            }
        )
    )


def _settings(settings: JsonObject) -> JsonObject | None:
    return _json_value({k: v for k, v in settings.items() if v is not None}) or None


def _control(control: Control) -> Control:
    if control.settings is None:
        return control  # already canonical
    settings = _memo_json(_SETTINGS, control.settings, _settings)
    if settings is control.settings:
        return control
    return control.model_copy(update={"settings": settings})


_BARE_CONTROLS: dict[str, Control] = {}


def _bare_control(field_id: str) -> Control:
    """``Control(field_id=field_id)``, shared (values are immutable)."""
    control = _BARE_CONTROLS.get(field_id)
    if control is None:
        if len(_BARE_CONTROLS) >= _MEMO_LIMIT:
            _BARE_CONTROLS.clear()
        control = _BARE_CONTROLS[field_id] = Control(field_id=field_id)
    return control


def normalize_editor_interface(editor_interface: EditorInterface | None, content_type: ContentType) -> EditorInterface:
    """The editor interface of ``content_type`` as the server holds it after a publish.

    ``None`` stands for "not created yet": the server creates one bare control per field.
    Controls of unknown fields are dropped, missing ones filled, all put in field order.
    """
    if editor_interface is None:
        editor_interface = EditorInterface(content_type_id=content_type.id)
    elif (
        _is_canonical(editor_interface)
        and editor_interface.content_type_id == content_type.id
        and len(editor_interface.controls) == len(content_type.fields)
        and all(c.field_id == f.id for c, f in zip(editor_interface.controls, content_type.fields, strict=True))
    ):
        return editor_interface
    by_field = {c.field_id: c for c in editor_interface.controls}
    controls = tuple(_control(by_field[f.id]) if f.id in by_field else _bare_control(f.id) for f in content_type.fields)
    return _canonical(editor_interface.model_copy(update={"content_type_id": content_type.id, "controls": controls}))


def _locale(locale: Locale) -> Locale:
    return locale.model_copy(update={"fallback_code": locale.fallback_code or None})


@gc_paused()
def normalize(model: ContentModel) -> ContentModel:
    """The canonical form of ``model``. Idempotent: ``normalize(normalize(m)) == normalize(m)``."""
    if _is_canonical(model):
        return model
    known = _NORMALIZED_FROM.get(id(model))
    if known is not None and known[0] is model:
        return known[1]
    content_types = {ct_id: normalize_content_type(model.content_types[ct_id]) for ct_id in sorted(model.content_types)}
    editor_interfaces = {
        ct_id: normalize_editor_interface(model.editor_interfaces.get(ct_id), ct) for ct_id, ct in content_types.items()
    }
    locales = {code: _locale(model.locales[code]) for code in sorted(model.locales)}
    result = _canonical(ContentModel(content_types=content_types, editor_interfaces=editor_interfaces, locales=locales))
    if len(_NORMALIZED_FROM) >= _MEMO_LIMIT:
        _NORMALIZED_FROM.clear()
    _NORMALIZED_FROM[id(model)] = (model, result)
    return result


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


def _document_json(value: ContentType | EditorInterface | Locale) -> str:
    """The canonical JSON of one canonical value's content (as inside :func:`content_document`)."""
    known = _DOCUMENTS.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    try:  # the Python dump is faster; plain JSON values give the same bytes as the JSON-mode dump
        text = json.dumps(
            _content_of(value, "python"), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError):  # dates, infinities: exactly as the JSON-mode dump renders them
        text = canonical_json(_content_of(value, "json"))
    if _is_canonical(value):
        if len(_DOCUMENTS) >= _MEMO_LIMIT:
            _DOCUMENTS.clear()
        _DOCUMENTS[id(value)] = (value, text)
    return text


def _content_of(value: ContentType | EditorInterface | Locale, mode: str) -> dict[str, Any]:
    data: dict[str, Any] = value.model_dump(mode=mode)
    if isinstance(value, ContentType | EditorInterface):
        data.pop("unmanaged")
    if isinstance(value, ContentType):
        for field in data["fields"]:
            field.pop("renamed_from")
    return data


def _mapping_json(values: dict[str, Any]) -> str:
    return "{" + ",".join(f"{canonical_json(key)}:{_document_json(values[key])}" for key in sorted(values)) + "}"


@gc_paused()
def fingerprint(model: ContentModel) -> str:
    """``"sha256:<hex>"`` of the canonical JSON of the normalised model's content.

    Only content counts: never versions or ``sys``, never ``unmanaged`` parts or ``renamed_from``.
    The JSON is the same bytes as ``canonical_json(content_document(normalize(model)))``, assembled
    from the remembered JSON of each content type, editor interface and locale.
    """
    canonical = normalize(model)
    text = (
        f'{{"content_types":{_mapping_json(canonical.content_types)},'
        f'"editor_interfaces":{_mapping_json(canonical.editor_interfaces)},'
        f'"locales":{_mapping_json(canonical.locales)}}}'
    )
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"sha256:{digest}"
