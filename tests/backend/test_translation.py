"""The pure CMA JSON <-> model translation: what is sent, what is tolerated, what is refused."""

from __future__ import annotations

import pytest

from reconcile.backend import (
    RawEnvironment,
    content_type_from_api,
    content_type_to_api,
    editor_interface_from_api,
    editor_interface_to_api,
    locale_from_api,
    locale_to_api,
    parse_environment,
)
from reconcile.errors import ReconcileError
from reconcile.model import ContentType, EditorInterface, Field, Locale


def link(link_type: str, ident: str) -> dict[str, object]:
    return {"sys": {"type": "Link", "linkType": link_type, "id": ident}}


def test_a_plain_field_sends_exactly_the_api_keys_and_never_a_null_default() -> None:
    ct = ContentType(id="post", name="Post", fields=(Field(id="title", name="Title", type="Symbol"),))

    assert content_type_to_api(ct) == {
        "name": "Post",
        "description": None,
        "displayField": None,
        "fields": [
            {
                "id": "title",
                "name": "Title",
                "type": "Symbol",
                "localized": False,
                "required": False,
                "validations": [],
                "disabled": False,
                "omitted": False,
            }
        ],
    }


def test_a_rename_sends_the_old_id_and_new_id() -> None:
    field = Field(id="headline", name="Headline", type="Symbol", renamed_from="title")
    sent = content_type_to_api(ContentType(id="post", name="Post", fields=(field,)))["fields"][0]
    assert (sent["id"], sent["newId"]) == ("title", "headline")


def test_unmanaged_keys_are_carried_but_never_sys_nor_over_managed_ones() -> None:
    ct = ContentType(id="post", name="Post", unmanaged={"metadata": {"annotations": {}}, "sys": {}, "name": "x"})
    body = content_type_to_api(ct)
    assert body["metadata"] == {"annotations": {}} and body["name"] == "Post" and "sys" not in body


def test_editor_interface_leaves_absent_parts_out() -> None:
    assert editor_interface_to_api(EditorInterface(content_type_id="post")) == {"controls": []}


def test_locale_never_sends_default_and_always_sends_the_fallback() -> None:
    body = locale_to_api(Locale(code="en-US", name="English", default=True))
    assert "default" not in body and body["fallbackCode"] is None


def test_old_and_unknown_field_keys_are_ignored_and_missing_defaults_filled() -> None:
    raw = {
        "sys": {"id": "cat", "type": "ContentType", "version": 3},
        "name": "Cat",
        "fields": [
            {"id": "ngca", "apiName": "name", "name": "Name", "type": "Text", "uiid": "x", "futureKey": 1},
            {"id": "gone", "name": "Gone", "type": "Symbol", "omitted": True, "deleted": True},
        ],
        "metadata": {"taxonomy": []},
    }
    ct = content_type_from_api(raw)
    assert ct.fields[0] == Field(id="ngca", name="Name", type="Text")
    assert ct.fields[1].omitted and ct.unmanaged == {} and ct.taxonomy == ()  # metadata.taxonomy is managed
    assert ct.description is None and ct.display_field is None


def test_a_field_the_model_cannot_represent_is_a_clear_error() -> None:
    raw = {"sys": {"id": "cat"}, "name": "Cat", "fields": [{"id": "x", "name": "X", "type": "Hologram"}]}
    with pytest.raises(ReconcileError, match="live field 'x' of content type 'cat' cannot be represented"):
        content_type_from_api(raw)


def test_items_and_controls_the_model_cannot_represent_are_clear_errors() -> None:
    """A content type or editor interface is validated in one call; when that fails, the error still names
    the field or the control (the per-value path words it)."""
    raw = {"sys": {"id": "cat"}, "name": "Cat", "fields": [
        {"id": "ok", "name": "Ok", "type": "Symbol"},
        {"id": "tags", "name": "Tags", "type": "Array", "items": {"type": "Hologram"}},
    ]}
    with pytest.raises(ReconcileError, match=r"live field 'tags' of content type 'cat' cannot be represented by the "
                                             r"model: type: Input should be"):
        content_type_from_api(raw)
    link = {"sys": {"type": "Link", "linkType": "ContentType", "id": "cat"}}
    with pytest.raises(ReconcileError, match="live editor interface control of 'cat' cannot be represented by the "
                                             "model: settings: Input should be a valid dictionary"):
        editor_interface_from_api({"sys": {"contentType": link}, "controls": [
            {"fieldId": "ok", "widgetId": "singleLine"}, {"fieldId": "tags", "settings": ["not", "an", "object"]}]})
    with pytest.raises(ReconcileError, match="live editor interface of 'cat' cannot be represented by the model: "
                                             r"sidebar\.0: Input should be a valid dictionary"):
        editor_interface_from_api({"sys": {"contentType": link}, "controls": [], "sidebar": ["widget"]})


def test_editor_interface_needs_its_content_type_link() -> None:
    with pytest.raises(ReconcileError, match=r"no sys\.contentType"):
        editor_interface_from_api({"sys": {"id": "default"}, "controls": []})


def test_old_locale_keys() -> None:
    raw = {"code": "es", "name": "Spanish", "fallback_code": "en-US", "publish": True, "internal_code": "es"}
    assert locale_from_api(raw) == Locale(code="es", name="Spanish", fallback_code="en-US")


def test_parse_environment_keeps_sys_metadata_per_resource() -> None:
    raw = RawEnvironment(
        content_types=[
            {
                "sys": {
                    "id": "post",
                    "version": 4,
                    "publishedVersion": 3,
                    "updatedAt": "2024-01-01T00:00:00.000Z",
                    "updatedBy": link("User", "u1"),
                },
                "name": "Post",
                "fields": [],
            }
        ],
        editor_interfaces=[{"sys": {"version": 2, "contentType": link("ContentType", "post")}, "controls": []}],
        locales=[{"sys": {"id": "abc", "version": 1}, "code": "en-US", "name": "English", "default": True}],
    )
    live = parse_environment(raw)
    ct_meta = live.meta_for("content_type", "post")
    assert ct_meta is not None
    assert (ct_meta.version, ct_meta.published_version, ct_meta.updated_by) == (4, 3, "u1")
    ei_meta = live.meta_for("editor_interface", "post")
    assert ei_meta is not None and (ei_meta.sys_id, ei_meta.version) == ("default", 2)
    locale_meta = live.meta_for("locale", "en-US")
    assert locale_meta is not None and locale_meta.sys_id == "abc"
