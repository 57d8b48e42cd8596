"""A ``LiveState`` for an in-memory model, as the backend would parse it from the API's JSON."""

from __future__ import annotations

from reconcile.backend import (
    RawEnvironment,
    content_type_to_api,
    editor_interface_to_api,
    locale_to_api,
    parse_environment,
)
from reconcile.model import ContentModel, ContentType, EditorInterface, LiveState
from reconcile.normalize import bare_control


def raw_environment(model: ContentModel) -> RawEnvironment:
    """The API JSON of ``model`` as published resources (content types at version 2, published at 1); a content
    type without an editor interface has the one its first publish created (``created_by_publish``)."""
    content_types, editor_interfaces, locales = [], [], []
    for ct in model.content_types.values():
        body = content_type_to_api(ct)
        body["sys"] = {"id": ct.id, "type": "ContentType", "version": 2, "publishedVersion": 1}
        content_types.append(body)
        ei_body = editor_interface_to_api(model.editor_interfaces.get(ct.id) or created_by_publish(ct))
        ei_body["sys"] = {"id": "default", "type": "EditorInterface", "version": 2,
                          "contentType": {"sys": {"id": ct.id, "type": "Link", "linkType": "ContentType"}}}
        editor_interfaces.append(ei_body)
    for n, loc in enumerate(model.locales.values()):
        loc_body = locale_to_api(loc)
        loc_body["default"] = loc.default
        loc_body["sys"] = {"id": f"locale{n}", "type": "Locale", "version": 1}
        locales.append(loc_body)
    return RawEnvironment(content_types, editor_interfaces, locales)


def created_by_publish(ct: ContentType) -> EditorInterface:
    """The editor interface Contentful creates on a content type's first publish, a bare control per field: a
    published content type always has one, with no way to delete it (facts §1.3)."""
    return EditorInterface(content_type_id=ct.id, controls=tuple(bare_control(f.id) for f in ct.fields))


def live_state(model: ContentModel) -> LiveState:
    return parse_environment(raw_environment(model))
