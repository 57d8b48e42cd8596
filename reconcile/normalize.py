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
content types and editor interfaces are remembered the same way. Canonical fields, controls, content
types and editor interfaces are also shared between inputs that are the same value (interned, see
``_exact``): the live and the declared side of a plan then hold the same objects wherever they
agree, so comparing them is mostly an identity check and the JSON of an unchanged content type is
made once for both fingerprints. The planner's own copies of canonical fields are known by identity.
An editor interface's result is also remembered by its exact input value (with the content type's
id and field ids), and the canonical JSON of the fingerprints is written by orjson where that gives
the same bytes as :func:`canonical_json` (see ``_ORJSON_OPTIONS``).
"""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from typing import Any, TypeVar

import orjson

from reconcile.model import (
    ContentModel,
    ContentType,
    Control,
    EditorInterface,
    Field,
    JsonObject,
    Locale,
    Value,
)

#: Validation (and allowed-resource) keys whose list values carry no order.
UNORDERED_LIST_KEYS = frozenset(
    {"linkContentType", "linkMimetypeGroup", "enabledNodeTypes", "enabledMarks", "contentTypes"}
)


_V = TypeVar("_V")
#: id -> value known to be canonical. The strong reference keeps the id from being reused.
_CANONICAL: dict[int, Any] = {}
#: id -> (canonical value, canonical JSON of its content document, UTF-8).
_DOCUMENTS: dict[int, tuple[Any, bytes]] = {}

#: id -> (input model, its canonical form): the same input is often normalised more than once. Only
#: the last few: each entry keeps a whole input model alive (an apply reads the environment again
#: after every phase).
_NORMALIZED_FROM: dict[int, tuple[ContentModel, ContentModel]] = {}
_NORMALIZED_FROM_LIMIT = 8
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


def canonical_json(value: Any, *, allow_nan: bool = True) -> str:
    """Compact JSON with sorted keys: the byte form that fingerprints and sort keys are made of."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=allow_nan)


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


def _memo_json(memo: dict[Any, tuple[Any, bool]], value: Any, compute: Any) -> Any:
    """``compute(value)``, remembered by the exact value (see :func:`_exact`, by its exact JSON where
    that has no key); ``value`` itself when its exact JSON is already that of its canonical form, key
    order included (so callers can skip copying)."""
    key: Any = _exact(value)
    text = None
    if key is None:
        try:
            key = text = json.dumps(value)
        except (TypeError, ValueError):  # not plain JSON: no memo
            return compute(value)
    known = memo.get(key)
    if known is None:
        if text is None:
            try:
                text = json.dumps(value)
            except (TypeError, ValueError):  # not plain JSON: no memo
                return compute(value)
        result = compute(value)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        known = memo[key] = (result, json.dumps(result) == text)
    return value if known[1] else known[0]


#: Exact value (or JSON) of a validation list / control settings -> (canonical form, already canonical).
_VALIDATIONS: dict[Any, tuple[Any, bool]] = {}
_SETTINGS: dict[Any, tuple[Any, bool]] = {}


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


# Interning. Keys are equal for two values exactly when they are the same Python value: scalar
# attributes (str, bool, None) enter as they are, the JSON-like ones (validations, settings, default
# values, items, sidebars, unmanaged parts) as one ``marshal`` dump (format 0: no references, no
# interning flags, floats as 17-digit text), which exists only for the built-in types (str, int,
# float, bool, None, dict, list, tuple...) and tells apart every two of them that differ, and more
# (a tuple from a list, 1 from 1.0 and from True, key order). Other values (dates, objects) have no
# key and are not shared, nor is NaN (unequal to itself; strings that merely contain "nan" only lose
# the sharing). The children of a content type (fields) and of an editor interface (controls) are
# canonical values already shared, so they enter by identity: the value stored under the key holds
# them, so their ids stay theirs.


def _exact(value: Any) -> bytes | None:
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
_CONTENT_TYPE_SCALARS = ("id", "name", "description", "display_field")
_EDITOR_INTERFACE_SCALARS = ("content_type_id",)
# ``items`` (a model value) is keyed by its attribute values, apart from the other attributes.
_field_scalars, _field_others = _getter(_FIELD_SCALARS), _getter(_others(Field, (*_FIELD_SCALARS, "items")))
_control_scalars, _control_others = _getter(_CONTROL_SCALARS), _getter(_others(Control, _CONTROL_SCALARS))
_content_type_others = _getter(_others(ContentType, _CONTENT_TYPE_SCALARS, "fields"))
_editor_interface_scalars = _getter(_EDITOR_INTERFACE_SCALARS)
_editor_interface_others = _getter(_others(EditorInterface, _EDITOR_INTERFACE_SCALARS, "controls"))
_attribute_dict, _id = attrgetter("__dict__"), attrgetter("id")


def _field_key(field: Field) -> Any:
    items = field.items
    data = _exact((_field_others(field), None if items is None else tuple(items.__dict__.values())))
    return None if data is None else (_field_scalars(field), data)


def _control_key(control: Control) -> Any:
    data = _exact(_control_others(control))
    return None if data is None else (_control_scalars(control), data)


def _parent_key(scalars: tuple[Any, ...], others: tuple[Any, ...], children: tuple[Value, ...]) -> Any:
    data = _exact(others)
    return None if data is None else (scalars, data, tuple(map(id, children)))


#: Interning key -> the canonical value, shared between equal inputs.
_FIELDS: dict[Any, Field] = {}
_CONTROLS: dict[Any, Control] = {}
_CONTENT_TYPES: dict[Any, ContentType] = {}
_EDITOR_INTERFACES: dict[Any, EditorInterface] = {}
_INTERN_LIMIT = 250_000

_I = TypeVar("_I", Field, Control)


#: id -> a canonical field or control, by identity (the planner builds new content types from them).
_CANONICAL_PARTS: dict[int, object] = {}


def _store(table: dict[Any, _I], key: Any, value: _I, result: _I, key_of: Callable[[_I], Any]) -> _I:
    """Remember ``result``, the canonical form of ``value``, under ``key`` and under its own key."""
    if len(table) >= _INTERN_LIMIT:
        table.clear()
    own = key if result is value else key_of(result)
    if own is not None:
        result = table.setdefault(own, result)
    if key is not None:
        table[key] = result
    if len(_CANONICAL_PARTS) >= 2 * _INTERN_LIMIT:
        _CANONICAL_PARTS.clear()
    _CANONICAL_PARTS[id(result)] = result  # the strong reference keeps the id from being reused
    return result


def _field(field: Field) -> Field:
    """The canonical form of ``field``; equal inputs give the same object (``_field_key``, inlined)."""
    if _CANONICAL_PARTS.get(id(field)) is field:
        return field
    items = field.items
    try:
        data = marshal.dumps((_field_others(field), None if items is None else tuple(items.__dict__.values())), 0)
    except ValueError:
        data = b"nan"
    key = None
    if b"nan" not in data:
        key = (_field_scalars(field), data)
        known = _FIELDS.get(key)
        if known is not None:
            return known
    return _store(_FIELDS, key, field, _canonical_field(field), _field_key)


def _canonical_field(field: Field) -> Field:
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
    fields = tuple(map(_field, content_type.fields))
    description, display_field = content_type.description or None, content_type.display_field or None
    # The key of the canonical value: its scalars as they will be (_CONTENT_TYPE_SCALARS), its fields.
    scalars = (content_type.id, content_type.name, description, display_field)
    key = _parent_key(scalars, _content_type_others(content_type), fields)
    if key is not None:
        known = _CONTENT_TYPES.get(key)
        if known is not None:
            return _canonical(known)
    if (
        description is content_type.description
        and display_field is content_type.display_field
        and all(a is b for a, b in zip(fields, content_type.fields, strict=True))
    ):
        result = content_type
    else:
        result = content_type.model_copy(
            update={"description": description, "display_field": display_field, "fields": fields}
        )
    if key is not None:
        if len(_CONTENT_TYPES) >= _INTERN_LIMIT:
            _CONTENT_TYPES.clear()
        _CONTENT_TYPES[key] = result
    return _canonical(result)


def _settings(settings: JsonObject) -> JsonObject | None:
    return _json_value({k: v for k, v in settings.items() if v is not None}) or None


def _canonical_control(control: Control) -> Control:
    if control.settings is None:
        return control  # already canonical
    settings = _memo_json(_SETTINGS, control.settings, _settings)
    if settings is control.settings:
        return control
    return control.model_copy(update={"settings": settings})


def _control(control: Control) -> Control:
    """The canonical form of ``control``; equal inputs give the same object."""
    if _CANONICAL_PARTS.get(id(control)) is control:
        return control
    key = _control_key(control)
    if key is not None:
        known = _CONTROLS.get(key)
        if known is not None:
            return known
    return _store(_CONTROLS, key, control, _canonical_control(control), _control_key)


_BARE_CONTROLS: dict[str, Control] = {}


def _bare_control(field_id: str) -> Control:
    """``Control(field_id=field_id)``, shared (values are immutable) with equal controls read elsewhere."""
    control = _BARE_CONTROLS.get(field_id)
    if control is None:
        if len(_BARE_CONTROLS) >= _MEMO_LIMIT:
            _BARE_CONTROLS.clear()
        control = _BARE_CONTROLS[field_id] = _control(Control(field_id=field_id))
    return control


def normalize_editor_interface(editor_interface: EditorInterface | None, content_type: ContentType) -> EditorInterface:
    """The editor interface of ``content_type`` as the server holds it after a publish.

    ``None`` stands for "not created yet": the server creates one bare control per field.
    Controls of unknown fields are dropped, missing ones filled, all put in field order.
    """
    fields = content_type.fields
    if editor_interface is None:
        editor_interface = EditorInterface(content_type_id=content_type.id)
    elif _is_canonical(editor_interface) and editor_interface.content_type_id == content_type.id:
        known = _FITS.get(id(editor_interface))
        if known is not None and known[0] is editor_interface and known[1] is fields:
            return editor_interface  # checked before against this very tuple of fields
        if len(editor_interface.controls) == len(fields) and all(
            c.field_id == f.id for c, f in zip(editor_interface.controls, fields, strict=True)
        ):
            _remember_fit(editor_interface, fields)
            return editor_interface
    # The result depends only on the input's exact value, the content type's id and its field ids.
    raw = _exact(
        (
            {**editor_interface.__dict__, "controls": tuple(map(_attribute_dict, editor_interface.controls))},
            content_type.id,
            tuple(map(_id, fields)),
        )
    )
    known_result = None if raw is None else _RAW_EDITOR_INTERFACES.get(raw)
    if known_result is not None:
        _remember_fit(known_result, fields)
        return known_result
    by_field = {c.field_id: c for c in editor_interface.controls}
    controls = tuple(_control(by_field[f.id]) if f.id in by_field else _bare_control(f.id) for f in fields)
    result = editor_interface.model_copy(update={"content_type_id": content_type.id, "controls": controls})
    key = _parent_key(_editor_interface_scalars(result), _editor_interface_others(result), controls)
    if key is not None:
        if len(_EDITOR_INTERFACES) >= _INTERN_LIMIT:
            _EDITOR_INTERFACES.clear()
        result = _EDITOR_INTERFACES.setdefault(key, result)
    if raw is not None:
        if len(_RAW_EDITOR_INTERFACES) >= _INTERN_LIMIT:
            _RAW_EDITOR_INTERFACES.clear()
        _RAW_EDITOR_INTERFACES[raw] = result
    _remember_fit(result, fields)
    return _canonical(result)


#: Exact value of an input editor interface, with its content type's id and field ids -> the result:
#: one dump instead of one per control (the declared and the live side often hold the same values).
_RAW_EDITOR_INTERFACES: dict[bytes, EditorInterface] = {}


#: id -> (canonical editor interface, a tuple of fields whose ids its controls follow, in order).
_FITS: dict[int, tuple[EditorInterface, tuple[Field, ...]]] = {}


def _remember_fit(editor_interface: EditorInterface, fields: tuple[Field, ...]) -> None:
    if len(_FITS) >= _MEMO_LIMIT:
        _FITS.clear()
    _FITS[id(editor_interface)] = (editor_interface, fields)


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
    while len(_NORMALIZED_FROM) >= _NORMALIZED_FROM_LIMIT:
        del _NORMALIZED_FROM[next(iter(_NORMALIZED_FROM))]
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


# orjson writes the same bytes as ``canonical_json`` (compact, keys sorted by code point, non-ASCII
# unescaped, the same string escapes; NaN and infinities as ``null``, as the JSON-mode dump does),
# about five times faster, except for some floats: ``1e-05`` is ``0.00001`` there. Output that has a
# number in exponent form (a digit, then ``e``) or with ``0.0000`` in it (or a string that looks like
# that) is made again by ``json``; mapping every digit to ``0`` first makes that check two fast
# substring searches instead of a regular expression (which cost more than the dump).
# Dates, subclasses and dataclasses are refused (as ``json`` refuses them), not rendered.
_ORJSON_OPTIONS = (
    orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")


def _orjson_may_differ(data: bytes) -> bool:
    return b"0.0000" in data or b"0e" in data.translate(_DIGITS_TO_ZERO)


def _document_json(value: ContentType | EditorInterface | Locale) -> bytes:
    """The canonical JSON (UTF-8) of one canonical value's content (as inside :func:`content_document`)."""
    known = _DOCUMENTS.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    # The attribute values themselves are faster than any dump, and give the same bytes as the
    # JSON-mode dump where they are plain JSON; where not (dates, objects) that dump renders them.
    content = _content_of(value, "python")
    try:
        data: bytes | None = orjson.dumps(content, option=_ORJSON_OPTIONS)
    except TypeError:  # integers beyond 64 bits, keys that are not strings, dates, other objects
        data = None
    if data is None or _orjson_may_differ(data):
        try:
            data = canonical_json(content, allow_nan=False).encode()
        except (TypeError, ValueError):  # exactly as the JSON-mode dump renders them
            data = canonical_json(_content_of(value, "json")).encode()
    if _is_canonical(value):
        if len(_DOCUMENTS) >= _MEMO_LIMIT:
            _DOCUMENTS.clear()
        _DOCUMENTS[id(value)] = (value, data)
    return data


def _content_of(value: ContentType | EditorInterface | Locale, mode: str) -> dict[str, Any]:
    if mode == "python":
        return _attributes_of(value)
    data: dict[str, Any] = value.model_dump(mode=mode)
    if isinstance(value, ContentType | EditorInterface):
        data.pop("unmanaged")
    if isinstance(value, ContentType):
        for field in data["fields"]:
            field.pop("renamed_from")
    return data


def _attributes_of(value: ContentType | EditorInterface | Locale) -> dict[str, Any]:
    """The content of ``value`` from its attribute values, much faster than the Python-mode dump and
    the same where they are plain JSON. A model value nested anywhere else than these (an attribute
    added later) is no JSON: the caller then falls back to the JSON-mode dump."""
    data = dict(value.__dict__)
    if isinstance(value, ContentType):
        del data["unmanaged"]
        fields = []
        for field in value.fields:
            attributes = dict(field.__dict__)
            del attributes["renamed_from"]
            if field.items is not None:
                attributes["items"] = field.items.__dict__
            fields.append(attributes)
        data["fields"] = fields
    elif isinstance(value, EditorInterface):
        del data["unmanaged"]
        data["controls"] = [control.__dict__ for control in value.controls]
    return data


def _hash_mapping(digest: Any, values: dict[str, Any]) -> None:
    """Feed ``digest`` the canonical JSON of ``values`` (id -> canonical value), piece by piece."""
    separator = b"{"
    for key in sorted(values):
        digest.update(separator + canonical_json(key).encode() + b":")
        digest.update(_document_json(values[key]))
        separator = b","
    digest.update(b"}" if values else b"{}")


@gc_paused()
def fingerprint(model: ContentModel) -> str:
    """``"sha256:<hex>"`` of the canonical JSON of the normalised model's content.

    Only content counts: never versions or ``sys``, never ``unmanaged`` parts or ``renamed_from``.
    The digest is that of the same bytes as ``canonical_json(content_document(normalize(model)))``, fed
    piece by piece from the remembered JSON of each content type, editor interface and locale.
    """
    canonical = normalize(model)
    digest = hashlib.sha256(b'{"content_types":')
    _hash_mapping(digest, canonical.content_types)
    digest.update(b',"editor_interfaces":')
    _hash_mapping(digest, canonical.editor_interfaces)
    digest.update(b',"locales":')
    _hash_mapping(digest, canonical.locales)
    digest.update(b"}")
    return f"sha256:{digest.hexdigest()}"
