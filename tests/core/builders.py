"""Small hand-built model values shared by the core tests, and the live state a model is read as."""

from __future__ import annotations

from typing import Any

from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, LiveState, Locale, ResourceMeta

EN = Locale(code="en-US", name="English (United States)", default=True)


def field(field_id: str, type_: Any = "Symbol", **kwargs: Any) -> Field:
    return Field(id=field_id, name=kwargs.pop("name", field_id.title()), type=type_, **kwargs)


def content_type(ct_id: str, *fields: Field, **kwargs: Any) -> ContentType:
    return ContentType(id=ct_id, name=kwargs.pop("name", ct_id.title()), fields=fields, **kwargs)


def model(
    *content_types: ContentType,
    editor_interfaces: tuple[EditorInterface, ...] = (),
    locales: tuple[Locale, ...] = (EN,),
) -> ContentModel:
    return ContentModel(
        content_types={ct.id: ct for ct in content_types},
        editor_interfaces={ei.content_type_id: ei for ei in editor_interfaces},
        locales={loc.code: loc for loc in locales},
    )


def interface(ct_id: str, *controls: Control, **kwargs: Any) -> EditorInterface:
    return EditorInterface(content_type_id=ct_id, controls=controls, **kwargs)


def live_state(m: ContentModel, *, draft: tuple[str, ...] = ()) -> LiveState:
    """Every content type published at version 2 (or a draft with later changes), every locale at 1."""
    meta: dict[str, ResourceMeta] = {}
    for ct_id in m.content_types:
        version = 3 if ct_id in draft else 2
        meta[f"content_type:{ct_id}"] = ResourceMeta(sys_id=ct_id, version=version, published_version=1)
        meta[f"editor_interface:{ct_id}"] = ResourceMeta(sys_id="default", version=1)
    for code in m.locales:
        meta[f"locale:{code}"] = ResourceMeta(sys_id=f"id-{code}", version=1)
    for tag_id in m.tags or {}:
        meta[f"tag:{tag_id}"] = ResourceMeta(sys_id=tag_id, version=1)
    return LiveState(model=m, meta=meta)
