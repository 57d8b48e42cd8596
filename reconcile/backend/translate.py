"""CMA JSON to and from the domain model: pure translation, no I/O.

Tolerant of every real payload shape from 2014 to 2025 (``*_from_api``), complete bodies for writes
(``*_to_api``, carrying the live ``unmanaged`` properties), the whole environment (``parse_environment``),
``contentful space export`` files (``raw_from_export``). Entries, and a snapshot's export, are in
``backend/entry_json.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from reconcile.backend.metadata import metadata_from_api, metadata_to_api
from reconcile.backend.tags import tag_from_api
from reconcile.errors import ReconcileError

if TYPE_CHECKING:
    from reconcile.interning import Interner
from reconcile.model import (
    ContentModel,
    ContentType,
    Control,
    EditorInterface,
    Field,
    Items,
    JsonObject,
    LiveState,
    Locale,
    ResourceKind,
    ResourceMeta,
    resource_key,
)

_CONTENT_TYPE_KEYS = frozenset({"sys", "name", "description", "displayField", "fields", "metadata"})
_EDITOR_INTERFACE_KEYS = frozenset({"sys", "controls", "sidebar", "editors", "editorLayout", "groupControls"})


@dataclass(frozen=True)
class RawEnvironment:
    """The unparsed JSON of an environment's content model, exactly as the API (or an export) gave it."""

    content_types: list[dict[str, Any]]
    editor_interfaces: list[dict[str, Any]]
    locales: list[dict[str, Any]]
    #: None when not read (an export or snapshot without tags): the tags are then not managed.
    tags: list[dict[str, Any]] | None = None


def scoped(raw: RawEnvironment, manages: Callable[[str], bool]) -> RawEnvironment:
    """``raw`` without the content types out of the ownership scope (``manages`` refuses their id) and
    their editor interfaces (``reconcile.scope``). A payload without an id is kept: the parser reports it."""

    def kept(ident: Any) -> bool:
        return not isinstance(ident, str) or manages(ident)

    return RawEnvironment(
        [d for d in raw.content_types if kept(sys_id(d))],
        [d for d in raw.editor_interfaces if kept(content_type_link(d))],
        raw.locales,
        raw.tags,
    )


def sys_id(d: JsonObject) -> Any:
    """A resource's ``sys.id`` as the payload has it (None when absent)."""
    return (d.get("sys") or {}).get("id")


def content_type_link(d: JsonObject) -> str | None:
    """The content type an editor interface or an entry belongs to (its ``sys.contentType`` link), or None."""
    return link_id((d.get("sys") or {}).get("contentType"))


def link_id(value: Any) -> str | None:
    """The id of a ``{"sys": {"type": "Link", "id": ...}}`` value, or None."""
    if isinstance(value, dict):
        sys = value.get("sys")
        ident = sys.get("id") if isinstance(sys, dict) else None
        if isinstance(ident, str):
            return ident
    return None


_Value = TypeVar("_Value", bound=BaseModel)


def _build(cls: type[_Value], what: str, **values: Any) -> _Value:
    """Build a model value from live JSON; a payload the model cannot represent is a clear error."""
    try:
        return cls(**values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in error.errors()
        )
        raise ReconcileError(
            f"the live {what} cannot be represented by the model: {problems}",
            hint="this payload shape is not supported yet; please report it with the resource's JSON",
        ) from None


def _optional_tuple(value: Any) -> tuple[Any, ...] | None:
    return None if value is None else tuple(value)


def _items_from_api(d: JsonObject, what: str) -> Items:
    return _build(Items, what, **_items_values(d))


def _items_values(d: JsonObject) -> JsonObject:
    return {"type": d.get("type"), "link_type": d.get("linkType"), "validations": tuple(d.get("validations") or ())}


def _field_values(d: JsonObject, annotations: tuple[JsonObject, ...], items: Any) -> JsonObject:
    """The attributes of a field from its JSON, ``items`` already made (a value, or its attributes)."""
    # Only the keys the model manages are read. Read-only or legacy keys (``apiName`` of web-app content
    # types, ``deleted`` of a deletion step, ``uiid`` of 2014, ``newId``) and any future key are ignored.
    # Missing booleans and validations take the server's defaults (older payloads omit them).
    return {
        "id": d.get("id"),
        "name": d.get("name"),
        "type": d.get("type"),
        "link_type": d.get("linkType"),
        "items": items,
        "localized": bool(d.get("localized", False)),
        "required": bool(d.get("required", False)),
        "disabled": bool(d.get("disabled", False)),
        "omitted": bool(d.get("omitted", False)),
        "validations": tuple(d.get("validations") or ()),
        "default_value": d.get("defaultValue"),
        "allowed_resources": _optional_tuple(d.get("allowedResources")),
        "annotations": annotations,
    }


def _field_from_api(d: JsonObject, content_type_id: str, annotations: tuple[JsonObject, ...] = ()) -> Field:
    what = f"field '{d.get('id')}' of content type '{content_type_id}'"
    items = d.get("items")
    return _build(Field, what, **_field_values(d, annotations, None if items is None else _items_from_api(items, what)))


def field_attributes(d: JsonObject, annotations: tuple[JsonObject, ...]) -> JsonObject:
    items = d.get("items")
    return _field_values(d, annotations, None if items is None else _items_values(items))


def content_type_from_api(d: JsonObject) -> ContentType:
    """A content type from its CMA JSON. Top-level keys the model does not manage go into ``unmanaged``, and so
    do the keys of ``metadata`` other than annotations and taxonomy (``backend.metadata``).

    Validated in one call, fields included (a third faster than a call per field: issue 16); when that
    fails, field by field, so that the error names the field."""
    content_type_id = d["sys"]["id"]
    metadata, other_metadata = metadata_from_api(d)
    by_field = metadata["field_annotations"]
    unmanaged = {k: v for k, v in d.items() if k not in _CONTENT_TYPE_KEYS}
    if other_metadata is not None:
        unmanaged["metadata"] = other_metadata
    values = {
        "id": content_type_id, "name": d.get("name"), "description": d.get("description"),
        "display_field": d.get("displayField"), "annotations": metadata["annotations"],
        "taxonomy": metadata["taxonomy"], "unmanaged": unmanaged,
    }  # fmt: skip
    fields = d.get("fields") or ()
    try:
        return ContentType.model_validate(
            {**values, "fields": [field_attributes(f, by_field.get(f.get("id"), ())) for f in fields]}
        )
    except ValidationError:
        pass
    return _build(
        ContentType,
        f"content type '{content_type_id}'",
        **values,
        fields=tuple(_field_from_api(f, content_type_id, by_field.get(f.get("id"), ())) for f in fields),
    )


def _items_to_api(items: Items) -> JsonObject:
    body: JsonObject = {"type": items.type, "validations": list(items.validations)}
    if items.link_type is not None:
        body["linkType"] = items.link_type
    return body


def _field_to_api(field: Field) -> JsonObject:
    # A rename is sent as the current (old) id plus ``newId`` (facts §4.4).
    body: JsonObject = {"id": field.renamed_from or field.id}
    if field.renamed_from is not None:
        body["newId"] = field.id
    body.update(
        name=field.name,
        type=field.type,
        localized=field.localized,
        required=field.required,
        validations=list(field.validations),
    )
    # The API refuses ``defaultValue: null`` with 422 (facts §3.3): absent means no default.
    if field.default_value is not None:
        body["defaultValue"] = field.default_value
    body.update(disabled=field.disabled, omitted=field.omitted)
    if field.link_type is not None:
        body["linkType"] = field.link_type
    if field.items is not None:
        body["items"] = _items_to_api(field.items)
    if field.allowed_resources is not None:
        body["allowedResources"] = list(field.allowed_resources)
    return body


def _with_unmanaged(body: JsonObject, unmanaged: JsonObject) -> JsonObject:
    """``body`` plus every unmanaged key (never ``sys``) so a full-body PUT never drops them."""
    for key, value in unmanaged.items():
        if key != "sys":
            body.setdefault(key, value)
    return body


def content_type_to_api(ct: ContentType) -> JsonObject:
    """The complete PUT body of a content type: every field property and every unmanaged key."""
    body: JsonObject = {
        "name": ct.name,
        "description": ct.description,
        "displayField": ct.display_field,
        "fields": [_field_to_api(f) for f in ct.fields],
    }
    metadata = metadata_to_api(ct)
    if metadata is not None:
        body["metadata"] = metadata
    return _with_unmanaged(body, ct.unmanaged)


def _control_values(d: JsonObject) -> JsonObject:
    # Controls before ~2018 have no ``widgetNamespace``; auto-created ones since late 2019 only ``fieldId``.
    return {"field_id": d.get("fieldId"), "widget_id": d.get("widgetId"), "widget_namespace": d.get("widgetNamespace"),
            "settings": d.get("settings")}  # fmt: skip


def editor_interface_from_api(d: JsonObject) -> EditorInterface:
    """An editor interface from its CMA JSON, keyed by ``sys.contentType`` (items of the env-wide list have
    no ``sys.id``). ``sidebar`` etc. stay None when absent (Contentful's defaults apply). Validated in one
    call, controls included; when that fails, control by control (as ``content_type_from_api``)."""
    content_type_id = link_id(d.get("sys", {}).get("contentType"))
    if content_type_id is None:
        raise ReconcileError(
            "a live editor interface has no sys.contentType link",
            hint="this payload shape is not supported; please report it with the resource's JSON",
        )
    values = {
        "content_type_id": content_type_id,
        "sidebar": _optional_tuple(d.get("sidebar")),
        "editors": _optional_tuple(d.get("editors")),
        "editor_layout": _optional_tuple(d.get("editorLayout")),
        "group_controls": _optional_tuple(d.get("groupControls")),
        "unmanaged": {k: v for k, v in d.items() if k not in _EDITOR_INTERFACE_KEYS},
    }
    controls = d.get("controls") or ()
    try:
        return EditorInterface.model_validate({**values, "controls": [_control_values(c) for c in controls]})
    except ValidationError:
        pass
    what = f"editor interface control of '{content_type_id}'"
    return _build(
        EditorInterface,
        f"editor interface of '{content_type_id}'",
        **values,
        controls=tuple(_build(Control, what, **_control_values(c)) for c in controls),
    )


def _control_to_api(control: Control) -> JsonObject:
    body: JsonObject = {"fieldId": control.field_id}
    for key, value in (
        ("widgetId", control.widget_id),
        ("widgetNamespace", control.widget_namespace),
        ("settings", control.settings),
    ):
        if value is not None:
            body[key] = value
    return body


def editor_interface_to_api(ei: EditorInterface) -> JsonObject:
    """The complete PUT body of an editor interface. Absent parts are left out, so the API's defaults apply
    (a PUT replaces the whole resource)."""
    body: JsonObject = {"controls": [_control_to_api(c) for c in ei.controls]}
    for key, value in (
        ("sidebar", ei.sidebar),
        ("editors", ei.editors),
        ("editorLayout", ei.editor_layout),
        ("groupControls", ei.group_controls),
    ):
        if value is not None:
            body[key] = list(value)
    return _with_unmanaged(body, ei.unmanaged)


def locale_from_api(d: JsonObject) -> Locale:
    """A locale from its CMA JSON. Ignores ``internal_code`` (server-managed) and the 2014 ``publish`` key;
    2016 payloads spell the fallback ``fallback_code``."""
    code = d.get("code")
    fallback = d["fallbackCode"] if "fallbackCode" in d else d.get("fallback_code")
    return _build(
        Locale,
        f"locale '{code}'",
        code=code,
        name=d.get("name"),
        fallback_code=fallback,
        optional=bool(d.get("optional", False)),
        default=bool(d.get("default", False)),
        content_delivery_api=bool(d.get("contentDeliveryApi", True)),
        content_management_api=bool(d.get("contentManagementApi", True)),
    )


def locale_to_api(loc: Locale) -> JsonObject:
    """The body of a locale create/update. Never sends ``default`` (the default locale is permanent; the JS
    SDK strips it too); sends ``fallbackCode`` explicitly, ``null`` meaning "no fallback" (facts §1.4)."""
    return {
        "code": loc.code,
        "name": loc.name,
        "fallbackCode": loc.fallback_code,
        "optional": loc.optional,
        "contentDeliveryApi": loc.content_delivery_api,
        "contentManagementApi": loc.content_management_api,
    }


def meta_from_api(d: JsonObject, default_sys_id: str | None = None) -> ResourceMeta:
    """The ``sys`` metadata of a resource's JSON (as read, or as a write answered)."""
    sys = d.get("sys", {})
    return ResourceMeta(
        sys_id=sys.get("id", default_sys_id),
        # Every CMA resource has sys.version; 0 only keeps a hand-trimmed export file parseable.
        version=sys.get("version", 0),
        published_version=sys.get("publishedVersion"),
        updated_at=sys.get("updatedAt"),
        updated_by=link_id(sys.get("updatedBy")),
    )


def parse_environment(
    raw: RawEnvironment,
    canonical: Interner | None = None,
    *,
    content_type: Callable[[JsonObject], ContentType] = content_type_from_api,
    editor_interface: Callable[[JsonObject], EditorInterface] = editor_interface_from_api,
) -> LiveState:
    """The live state of an environment from its raw JSON: the model plus each resource's ``sys`` metadata
    (``content_type`` and ``editor_interface`` parse one: ``backend.known`` passes its own).

    With ``canonical`` (a run's normalisations), each content type and editor interface is put in its canonical
    form as it is read, so that the values as read are let go one at a time: a verification read at 1,000
    content types then holds the canonical model, mostly the run's values already, not a second whole model
    (issue 16). The model is the same to ``canonical.normalize`` and to every fingerprint."""
    meta: dict[str, ResourceMeta] = {}

    def keep(kind: ResourceKind, ident: str, d: JsonObject, default_sys_id: str | None = None) -> None:
        meta[resource_key(kind, ident)] = meta_from_api(d, default_sys_id)

    content_types = {}
    for d in raw.content_types:
        ct = content_type(d)
        content_types[ct.id] = ct if canonical is None else canonical.content_type(ct)
        keep("content_type", ct.id, d)
    editor_interfaces = {}
    for d in raw.editor_interfaces:
        ei = editor_interface(d)
        if canonical is not None and ei.content_type_id in content_types:
            ei = canonical.editor_interface(ei, content_types[ei.content_type_id])
        editor_interfaces[ei.content_type_id] = ei
        # The editor interface is a singleton with sys.id "default"; the env-wide list omits the id.
        keep("editor_interface", ei.content_type_id, d, default_sys_id="default")
    locales = {}
    for d in raw.locales:
        loc = locale_from_api(d)
        locales[loc.code] = loc
        keep("locale", loc.code, d)
    tags = None
    if raw.tags is not None:
        tags = {}
        for d in raw.tags:
            tag = tag_from_api(d)
            tags[tag.id] = tag
            keep("tag", tag.id, d)
    model = ContentModel(content_types=content_types, editor_interfaces=editor_interfaces, locales=locales, tags=tags)
    return LiveState(model=model, meta=meta)


def raw_from_export(data: JsonObject) -> RawEnvironment:
    """The content-model part of a ``contentful space export`` JSON file (skipped parts are simply absent)."""
    return RawEnvironment(
        content_types=list(data.get("contentTypes") or ()),
        editor_interfaces=list(data.get("editorInterfaces") or ()),
        locales=list(data.get("locales") or ()),
        tags=None if data.get("tags") is None else list(data["tags"]),
    )
