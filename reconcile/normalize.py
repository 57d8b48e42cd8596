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
  * ``annotations`` (content type and field) and ``taxonomy`` (content type) are order-free lists, sorted
    by canonical JSON. An annotation is ``{"id"}`` plus ``"parameters"`` when it has any (an empty map is
    the same as none); a taxonomy link is ``{"concept"}`` or ``{"concept_scheme"}`` plus ``"required"``
    (``false`` when absent). An empty list is the same as absent (see ``model.METADATA_KEYS``).

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

Tags
  * ``None`` (not managed) and an empty mapping are left out of dumps and fingerprints.

Mappings are ordered by id so that dumps are stable. ``unmanaged`` and ``renamed_from`` are kept
(the planner needs them) but never enter the :func:`fingerprint`.

The rules are plain functions of values: equal inputs give equal results, and nothing is remembered
between calls. The functions a normalisation is built of (:func:`normalize_field`,
:func:`normalize_control`, :func:`normalize_content_type`, :func:`normalize_editor_interface`,
:func:`canonical_model`, :func:`canonical_fingerprint`) take the normalisers of the parts as arguments,
so that :class:`reconcile.interning.Interner` (one per run: a plan, an apply's verifications, a drift
check) can supply remembering ones that share equal canonical values; with the defaults they compute
everything afresh. :func:`normalize` and :func:`fingerprint`, for callers with one model at hand, use
an ``Interner`` of their own for the one call.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
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
    Tag,
    drop_empty_metadata,
)
from reconcile.orjson_text import SORTED_OPTIONS, orjson_may_differ

#: Validation (and allowed-resource) keys whose list values carry no order.
UNORDERED_LIST_KEYS = frozenset(
    {"linkContentType", "linkMimetypeGroup", "enabledNodeTypes", "enabledMarks", "contentTypes"}
)

Validations = tuple[JsonObject, ...]
_J = TypeVar("_J")


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


def _kept_if_canonical(value: _J, result: _J) -> _J:
    """``value`` itself when its exact JSON (key order included) is that of ``result``, its canonical form:
    a value already canonical is kept, not copied."""
    try:
        same = json.dumps(value) == json.dumps(result)
    except (TypeError, ValueError):  # not plain JSON
        return result
    return value if same else result


def _validation(validation: JsonObject) -> JsonObject:
    """One validation object in canonical form: kind key(s) first, ``message`` last, nulls dropped."""
    body = _json_value(validation)
    return {key: body[key] for key in sorted(body, key=lambda k: (k == "message", k))}


def normalize_validations(validations: Validations) -> Validations:
    """A validation list in canonical form (each object canonical, the list sorted); ``validations``
    itself when it is already canonical. Like every value here, the result must never be mutated."""
    if not validations:
        return validations
    return _kept_if_canonical(validations, tuple(sorted(map(_validation, validations), key=canonical_json)))


def normalize_settings(settings: JsonObject) -> JsonObject | None:
    """Control settings in canonical form: ``null`` values dropped, an empty map ``None``; ``settings``
    itself when it is already canonical."""
    result: JsonObject | None = _json_value({k: v for k, v in settings.items() if v is not None}) or None
    return _kept_if_canonical(settings, result)


def _annotation(annotation: JsonObject) -> JsonObject:
    parameters = annotation.get("parameters")
    ident = annotation.get("id")
    return {"id": ident, "parameters": _json_value(parameters)} if parameters else {"id": ident}


def _taxonomy_link(link: JsonObject) -> JsonObject:
    return {**_json_value({k: v for k, v in link.items() if k != "required"}), "required": bool(link.get("required"))}


def normalize_annotations(annotations: Validations) -> Validations:
    """An annotation list in canonical form (see the module docstring); itself when canonical already."""
    if not annotations:
        return annotations
    return _kept_if_canonical(annotations, tuple(sorted(map(_annotation, annotations), key=canonical_json)))


def normalize_taxonomy(taxonomy: Validations) -> Validations:
    """A taxonomy link list in canonical form (see the module docstring); itself when canonical already."""
    if not taxonomy:
        return taxonomy
    return _kept_if_canonical(taxonomy, tuple(sorted(map(_taxonomy_link, taxonomy), key=canonical_json)))


def normalize_allowed_resources(resources: Validations | None) -> Validations | None:
    """A field's ``allowed_resources`` in canonical form (see the module docstring)."""
    if not resources:
        return None
    return tuple(sorted((_json_value(r) for r in resources), key=canonical_json))


def normalize_field(
    field: Field, validations: Callable[[Validations], Validations] = normalize_validations
) -> Field:
    """The canonical form of ``field`` (``field`` itself when it is canonical already); ``validations``
    normalises a validation list."""
    items = field.items
    if items is not None:
        item_validations = validations(items.validations)
        if item_validations is not items.validations:
            items = items.model_copy(update={"validations": item_validations})
    field_validations = validations(field.validations)
    default_value = field.default_value or None
    annotations = normalize_annotations(field.annotations)
    if (
        items is field.items
        and field_validations is field.validations
        and default_value is field.default_value
        and field.allowed_resources is None
        and annotations is field.annotations
    ):
        return field
    return field.model_copy(
        update={
            "items": items,
            "validations": field_validations,
            "default_value": default_value,
            "allowed_resources": normalize_allowed_resources(field.allowed_resources),
            "annotations": annotations,
        }
    )


def normalize_control(
    control: Control, settings: Callable[[JsonObject], JsonObject | None] = normalize_settings
) -> Control:
    """The canonical form of ``control`` (``control`` itself when it is canonical already)."""
    if control.settings is None:
        return control
    canonical = settings(control.settings)
    if canonical is control.settings:
        return control
    return control.model_copy(update={"settings": canonical})


def no_text(text: str | None) -> str | None:
    """A content type's ``description`` or ``display_field``: an empty string is the same as absent."""
    return text or None


def content_type_with(content_type: ContentType, fields: tuple[Field, ...]) -> ContentType:
    """``content_type`` in canonical form, given its ``fields`` in canonical form (itself when unchanged)."""
    description, display_field = no_text(content_type.description), no_text(content_type.display_field)
    annotations, taxonomy = normalize_annotations(content_type.annotations), normalize_taxonomy(content_type.taxonomy)
    if (
        description is content_type.description
        and display_field is content_type.display_field
        and annotations is content_type.annotations
        and taxonomy is content_type.taxonomy
        and all(a is b for a, b in zip(fields, content_type.fields, strict=True))
    ):
        return content_type
    return content_type.model_copy(
        update={
            "description": description, "display_field": display_field, "fields": fields,
            "annotations": annotations, "taxonomy": taxonomy,
        }
    )


def normalize_content_type(content_type: ContentType, field: Callable[[Field], Field] = normalize_field) -> ContentType:
    """A content type in canonical form (see the module docstring); ``field`` normalises one field."""
    return content_type_with(content_type, tuple(map(field, content_type.fields)))


def created_editor_interface(content_type: ContentType) -> EditorInterface:
    """The editor interface of a content type that has none yet, before its controls are filled in."""
    return EditorInterface(content_type_id=content_type.id)


def bare_control(field_id: str) -> Control:
    """The control the server creates for a field that has none: no widget chosen, no settings."""
    return Control(field_id=field_id)


def normalize_editor_interface(
    editor_interface: EditorInterface | None,
    content_type: ContentType,
    control: Callable[[Control], Control] = normalize_control,
    bare: Callable[[str], Control] = bare_control,
) -> EditorInterface:
    """The editor interface of ``content_type`` as the server holds it after a publish.

    ``None`` stands for "not created yet": the server creates one bare control per field.
    Controls of unknown fields are dropped, missing ones filled (``bare`` makes one for a field id),
    all put in field order; ``control`` normalises one control.
    """
    if editor_interface is None:
        editor_interface = created_editor_interface(content_type)
    by_field = {c.field_id: c for c in editor_interface.controls}
    controls = tuple(control(by_field[f.id]) if f.id in by_field else bare(f.id) for f in content_type.fields)
    return editor_interface.model_copy(update={"content_type_id": content_type.id, "controls": controls})


def normalize_locale(locale: Locale) -> Locale:
    """A locale in canonical form: no fallback is ``None``."""
    return locale.model_copy(update={"fallback_code": locale.fallback_code or None})


def canonical_model(
    model: ContentModel,
    content_type: Callable[[ContentType], ContentType] = normalize_content_type,
    editor_interface: Callable[[EditorInterface | None, ContentType], EditorInterface] = normalize_editor_interface,
) -> ContentModel:
    """The canonical form of ``model``, each content type and editor interface normalised by ``content_type``
    and ``editor_interface``: with the defaults, computed afresh (see :func:`normalize`)."""
    content_types = {ct_id: content_type(model.content_types[ct_id]) for ct_id in sorted(model.content_types)}
    editor_interfaces = {
        ct_id: editor_interface(model.editor_interfaces.get(ct_id), ct) for ct_id, ct in content_types.items()
    }
    locales = {code: normalize_locale(model.locales[code]) for code in sorted(model.locales)}
    tags = None if model.tags is None else {tag_id: model.tags[tag_id] for tag_id in sorted(model.tags)}
    return ContentModel(content_types=content_types, editor_interfaces=editor_interfaces, locales=locales, tags=tags)


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



Document = ContentType | EditorInterface | Locale | Tag


# orjson writes the same bytes as ``canonical_json`` (compact, keys sorted by code point; NaN and
# infinities as ``null``, as the JSON-mode dump does), about five times faster, except for some floats
# (``orjson_text``): output where they may differ is made again by ``json``.
def document_json(value: Document) -> bytes:
    """The canonical JSON (UTF-8) of one canonical value's content (as inside :func:`content_document`)."""
    # The attribute values themselves are faster than any dump, and give the same bytes as the
    # JSON-mode dump where they are plain JSON; where not (dates, objects) that dump renders them.
    data = content_json(_attributes_of(value))
    return canonical_json(_json_dump_of(value)).encode() if data is None else data


def content_json(content: dict[str, Any]) -> bytes | None:
    """:func:`document_json` of the value whose attribute values are ``content`` (``backend.canonical`` makes them
    from live JSON); None when they are not plain JSON (the JSON-mode dump of the value then renders them)."""
    try:
        data: bytes | None = orjson.dumps(content, option=SORTED_OPTIONS)
    except TypeError:  # integers beyond 64 bits, keys that are not strings, dates, other objects
        data = None
    if data is None or orjson_may_differ(data):
        try:
            data = canonical_json(content, allow_nan=False).encode()
        except (TypeError, ValueError):
            return None
    return data


def _json_dump_of(value: Document) -> dict[str, Any]:
    data: dict[str, Any] = value.model_dump(mode="json")
    if isinstance(value, ContentType | EditorInterface):
        data.pop("unmanaged")
    if isinstance(value, ContentType):
        for field in data["fields"]:
            field.pop("renamed_from")
    return data


def _attributes_of(value: Document) -> dict[str, Any]:
    """The content of ``value`` from its attribute values, much faster than the Python-mode dump and
    the same where they are plain JSON. A model value nested anywhere else than these (an attribute
    added later) is no JSON: the caller then falls back to the JSON-mode dump."""
    data = dict(value.__dict__)
    if isinstance(value, ContentType):
        del data["unmanaged"]
        drop_empty_metadata(data)
        fields = []
        for field in value.fields:
            attributes = dict(field.__dict__)
            del attributes["renamed_from"]
            drop_empty_metadata(attributes)
            if field.items is not None:
                attributes["items"] = field.items.__dict__
            fields.append(attributes)
        data["fields"] = fields
    elif isinstance(value, EditorInterface):
        del data["unmanaged"]
        data["controls"] = [control.__dict__ for control in value.controls]
    return data


def _hash_mapping(digest: Any, values: Mapping[str, Any], document: Callable[[Any], bytes]) -> None:
    """Feed ``digest`` the canonical JSON of ``values`` (id -> canonical value), piece by piece."""
    separator = b"{"
    for key in sorted(values):
        digest.update(separator + canonical_json(key).encode() + b":")
        digest.update(document(values[key]))
        separator = b","
    digest.update(b"}" if values else b"{}")


def canonical_fingerprint(canonical: ContentModel, document: Callable[[Document], bytes] = document_json) -> str:
    """The :func:`fingerprint` of a model already normalised; ``document`` gives one value's canonical JSON."""
    return fingerprint_of_parts(
        canonical.content_types, canonical.editor_interfaces, canonical.locales, canonical.tags, document
    )


def fingerprint_of_parts(
    content_types: Mapping[str, Any],
    editor_interfaces: Mapping[str, Any],
    locales: Mapping[str, Any],
    tags: Mapping[str, Any] | None,
    document: Callable[[Any], bytes],
) -> str:
    """:func:`canonical_fingerprint` of a canonical model given by its parts (id -> value), ``document`` giving
    each value's canonical JSON (``pull`` passes some values as that JSON already, remembered from its last run)."""
    digest = hashlib.sha256(b'{"content_types":')
    _hash_mapping(digest, content_types, document)
    digest.update(b',"editor_interfaces":')
    _hash_mapping(digest, editor_interfaces, document)
    digest.update(b',"locales":')
    _hash_mapping(digest, locales, document)
    if tags:  # none and unmanaged are left out, as in the dumps (``ContentModel``)
        digest.update(b',"tags":')
        _hash_mapping(digest, tags, document)
    digest.update(b"}")
    return f"sha256:{digest.hexdigest()}"


# A model's content types often hold equal values (validation lists, controls): even one model is
# normalised faster with those shared. These two functions are for callers that normalise one model;
# a run that normalises many makes one Interner and passes it around.


def normalize(model: ContentModel) -> ContentModel:
    """The canonical form of ``model``. Idempotent: ``normalize(normalize(m)) == normalize(m)``.

    Equal to :func:`canonical_model` with the defaults; computed by an :class:`~reconcile.interning.Interner`
    of its own, which shares equal values within the model.
    """
    from reconcile.interning import Interner  # built on the functions above: imported once they exist

    with Interner() as run:
        return run.normalize(model)


def fingerprint(model: ContentModel) -> str:
    """``"sha256:<hex>"`` of the canonical JSON of the normalised model's content.

    Only content counts: never versions or ``sys``, never ``unmanaged`` parts or ``renamed_from``.
    The digest is that of the same bytes as ``canonical_json(content_document(normalize(model)))``, fed
    piece by piece from the JSON of each content type, editor interface and locale (see
    :func:`canonical_fingerprint`); computed by an :class:`~reconcile.interning.Interner` of its own.
    """
    from reconcile.interning import Interner  # built on the functions above: imported once they exist

    with Interner() as run:
        return run.fingerprint(model)
