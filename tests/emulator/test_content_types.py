"""Content-type and editor-interface rules, driven through the real SDK and raw HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from contentful_management.errors import (
    BadRequestError,
    NotFoundError,
    UnprocessableEntityError,
    VersionMismatchError,
)
from emu_support import Http

CT_PATH = "spaces/local/environments/master/content_types"


def field(field_id: str, field_type: str = "Symbol", **extra: Any) -> dict[str, Any]:
    return {"id": field_id, "name": field_id.title(), "type": field_type, **extra}


def put_ct(client, ct_id: str, fields: list[dict[str, Any]], version: int | None = None, **extra: Any):
    headers = {} if version is None else {"x-contentful-version": str(version)}
    return client._put(f"{CT_PATH}/{ct_id}", {"name": ct_id, "fields": fields, **extra}, headers=headers)


def publish(client, ct_id: str, version: int):
    return client._put(f"{CT_PATH}/{ct_id}/published", {}, headers={"x-contentful-version": str(version)})


def test_create_fills_server_defaults_in_modern_order(client) -> None:
    ct = put_ct(client, "post", [field("tags", "Array", items={"linkType": "Entry", "type": "Link"})])
    assert ct.raw["displayField"] is None and ct.raw["description"] is None
    assert list(ct.raw) == ["sys", "displayField", "name", "description", "fields"]
    assert ct.raw["fields"] == [
        {"id": "tags", "name": "Tags", "type": "Array", "localized": False, "required": False, "validations": [],
         "disabled": False, "omitted": False, "items": {"type": "Link", "linkType": "Entry"}}
    ]  # fmt: skip
    assert ct.raw["sys"]["version"] == 1 and ct.raw["sys"]["publishedCounter"] == 0


def test_post_creates_with_a_random_id(client) -> None:
    ct = client.content_types("local", "master").create(None, {"name": "Auto", "fields": []})
    assert len(ct.id) == 22
    assert client.content_types("local", "master").find(ct.id).name == "Auto"


def test_versions_and_status_codes(http: Http) -> None:
    created = http.request("PUT", "/content_types/post", {"name": "Post", "fields": [field("title")]})
    assert created.status_code == 201 and "X-Contentful-Version" not in created.request.headers
    missing = http.request("PUT", "/content_types/post", {"name": "Post", "fields": []})
    assert missing.status_code == 409
    assert missing.json()["message"] == 'Please pass sys.version as HTTP header "X-Contentful-Version"'
    wrong = http.request("PUT", "/content_types/post", {"name": "Post", "fields": []}, version=7)
    assert wrong.status_code == 409 and "message" not in wrong.json()
    updated = http.request("PUT", "/content_types/post", {"name": "Post 2", "fields": [field("title")]}, version=1)
    assert updated.status_code == 200 and updated.json()["sys"]["version"] == 2
    published = http.request("PUT", "/content_types/post/published", version=2).json()["sys"]
    assert (published["version"], published["publishedVersion"], published["publishedCounter"]) == (3, 2, 1)
    assert published["firstPublishedAt"] == published["publishedAt"]
    assert http.request("DELETE", "/content_types/post").json()["message"] == "Cannot delete published"
    assert http.request("DELETE", "/content_types/post/published", version=9).status_code == 409
    unpublished = http.request("DELETE", "/content_types/post/published").json()["sys"]
    assert unpublished["version"] == 4 and "publishedVersion" not in unpublished and "publishedAt" not in unpublished
    assert unpublished["firstPublishedAt"] == published["firstPublishedAt"] and unpublished["publishedCounter"] == 1
    assert http.request("DELETE", "/content_types/post/published").json()["message"] == "Not published"
    assert http.request("DELETE", "/content_types/post").status_code == 204
    gone = http.request("GET", "/content_types/post")
    assert gone.status_code == 404
    assert gone.json()["details"] == {"type": "ContentType", "id": "post", "environment": "master", "space": "local"}


def test_field_must_be_omitted_and_published_before_removal(client) -> None:
    put_ct(client, "post", [field("title"), field("body", "Text")])
    publish(client, "post", 1)
    with pytest.raises(BadRequestError, match="You need to omit a field before deleting it"):
        put_ct(client, "post", [field("title")], version=2)
    with pytest.raises(BadRequestError, match="You need to omit a field before deleting it"):
        put_ct(client, "post", [field("title"), field("body", "Text", omitted=True, deleted=True)], version=2)
    put_ct(client, "post", [field("title"), field("body", "Text", omitted=True)], version=2)
    with pytest.raises(BadRequestError):  # omitted only in the draft: still refused
        put_ct(client, "post", [field("title")], version=3)
    publish(client, "post", 3)
    ct = put_ct(client, "post", [field("title"), field("body", "Text", omitted=True, deleted=True)], version=4)
    assert [f["id"] for f in ct.raw["fields"]] == ["title"]


def test_never_published_field_can_simply_be_dropped(client) -> None:
    put_ct(client, "post", [field("title")])
    publish(client, "post", 1)
    put_ct(client, "post", [field("title"), field("draft_only")], version=2)
    assert [f["id"] for f in put_ct(client, "post", [field("title")], version=3).raw["fields"]] == ["title"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (field("x"), field("x", "Text")),
        (field("x", "Link", linkType="Entry"), field("x", "Link", linkType="Asset")),
        (
            field("x", "Array", items={"type": "Symbol"}),
            field("x", "Array", items={"type": "Link", "linkType": "Entry"}),
        ),
    ],
)
def test_published_field_shape_cannot_change(client, before, after) -> None:
    put_ct(client, "post", [before])
    publish(client, "post", 1)
    with pytest.raises(BadRequestError, match="Previously published fields are invalid"):
        put_ct(client, "post", [after], version=2)
    # Allowed again once a deletion of that id is published.
    put_ct(client, "post", [{**before, "omitted": True}], version=2)
    publish(client, "post", 3)
    put_ct(client, "post", [], version=4)
    publish(client, "post", 5)
    assert put_ct(client, "post", [after], version=6).raw["fields"][0]["type"] == after["type"]


def test_rename_moves_values_control_and_display_field(client, http: Http) -> None:
    put_ct(client, "post", [field("title"), field("slug")], displayField="title")
    publish(client, "post", 1)
    ei = http.request("GET", "/content_types/post/editor_interface").json()
    controls = [{"fieldId": "title", "widgetId": "singleLine", "widgetNamespace": "builtin"}, {"fieldId": "slug"}]
    http.request("PUT", "/content_types/post/editor_interface", {"controls": controls}, version=ei["sys"]["version"])
    http.request(
        "PUT", "/entries/e1", {"fields": {"title": {"en-US": "Hi"}}}, headers={"X-Contentful-Content-Type": "post"}
    )
    ct = put_ct(client, "post", [field("title", newId="headline"), field("slug")], version=2, displayField="title")
    assert [f["id"] for f in ct.raw["fields"]] == ["headline", "slug"]
    assert "newId" not in ct.raw["fields"][0] and ct.raw["displayField"] == "headline"
    # Entries follow the published version: the value moves only on publish.
    assert http.request("GET", "/entries/e1").json()["fields"] == {"title": {"en-US": "Hi"}}
    publish(client, "post", 3)
    assert http.request("GET", "/entries/e1").json()["fields"] == {"headline": {"en-US": "Hi"}}
    ei = http.request("GET", "/content_types/post/editor_interface").json()
    assert ei["controls"][0] == {"fieldId": "headline", "widgetId": "singleLine", "widgetNamespace": "builtin"}
    assert ei["sys"]["version"] == 3  # created by the first publish, PUT 2, publish 3


def test_validation_errors_are_422_with_details_errors(client, http: Http) -> None:
    bad = http.request("PUT", "/content_types/bad", {"name": "Bad", "fields": [field("a", "null")]})
    assert bad.status_code == 422
    error = bad.json()["details"]["errors"][0]
    assert (error["name"], error["path"], error["value"]) == ("in", ["fields", 0, "type"], "null")
    unexpected = http.request("PUT", "/content_types/bad", {"name": "B", "fields": [field("a", color="red")]})
    assert unexpected.json()["details"]["errors"] == [
        {"name": "unexpected", "path": ["fields", 0, "color"], "value": "red"}
    ]
    null_default = http.request("PUT", "/content_types/bad", {"name": "B", "fields": [field("a", defaultValue=None)]})
    assert null_default.json()["details"]["errors"] == [
        {"name": "type", "path": ["fields", 0, "defaultValue"], "value": None}
    ]
    too_many = http.request("PUT", "/content_types/bad", {"name": "B", "fields": [field(f"f{i}") for i in range(51)]})
    assert too_many.status_code == 422 and too_many.json()["details"]["errors"][0]["name"] == "size"
    with pytest.raises(UnprocessableEntityError):
        put_ct(client, "bad", [field("a")], displayField="nope")
    assert http.request("GET", "/content_types/bad").status_code == 404


def test_unpublish_refused_while_entries_exist(http: Http) -> None:
    http.request("PUT", "/content_types/post", {"name": "Post", "fields": [field("title")]})
    http.request("PUT", "/content_types/post/published", version=1)
    http.request("PUT", "/entries/e1", {"fields": {}}, headers={"X-Contentful-Content-Type": "post"})
    refused = http.request("DELETE", "/content_types/post/published", version=2)
    assert (refused.status_code, refused.json()["message"]) == (400, "Content Type has entries")
    assert http.request("DELETE", "/entries/e1").status_code == 204
    assert http.request("DELETE", "/content_types/post/published", version=2).status_code == 200


def test_list_paging_order_and_limits(http: Http) -> None:
    for ct_id in ("c", "a", "b"):
        http.request("PUT", f"/content_types/{ct_id}", {"name": ct_id, "fields": []})
    listing = http.request("GET", "/content_types", params={"order": "sys.id", "skip": 1, "limit": 1}).json()
    assert (listing["total"], listing["skip"], listing["limit"]) == (3, 1, 1)
    assert [i["sys"]["id"] for i in listing["items"]] == ["b"]
    by_created = http.request("GET", "/content_types", params={"order": "sys.createdAt,sys.id"}).json()
    assert [i["sys"]["id"] for i in by_created["items"]] == ["c", "a", "b"] and by_created["limit"] == 100
    assert http.request("GET", "/content_types", params={"order": "-sys.id"}).json()["items"][0]["sys"]["id"] == "c"
    assert http.request("GET", "/content_types", params={"skip": 10}).json()["items"] == []
    assert http.request("GET", "/content_types", params={"limit": 1000}).status_code == 200
    too_big = http.request("GET", "/content_types", params={"limit": 1001})
    assert too_big.status_code == 400 and too_big.json()["sys"]["id"] == "InvalidQuery"
    not_number = http.request("GET", "/content_types", params={"limit": "ten"})
    assert (
        not_number.json()["message"] == 'The value provided for "limit" is invalid. Please provide a valid number value'
    )
    assert http.request("GET", "/content_types", params={"skip": "x"}).json()["sys"]["id"] == "BadRequest"


def test_editor_interface_lifecycle(client, http: Http) -> None:
    put_ct(client, "post", [field("title"), field("body", "Text")])
    with pytest.raises(NotFoundError, match="ContentType"):
        client.editor_interfaces("local", "master", "post").find()
    publish(client, "post", 1)
    ei = client.editor_interfaces("local", "master", "post").find()
    assert ei.raw["controls"] == [{"fieldId": "title"}, {"fieldId": "body"}]
    assert ei.raw["sys"]["version"] == 1 and ei.raw["sys"]["contentType"]["sys"]["id"] == "post"
    sidebar = [{"widgetId": "publication-widget", "widgetNamespace": "sidebar-builtin", "settings": {}}]
    body = {"controls": [{"fieldId": "title", "widgetId": "slugEditor"}, {"fieldId": "body"}], "sidebar": sidebar}
    with pytest.raises(VersionMismatchError):
        client._put(f"{CT_PATH}/post/editor_interface", body, headers={"x-contentful-version": "5"})
    saved = client._put(f"{CT_PATH}/post/editor_interface", body, headers={"x-contentful-version": "1"})
    assert saved.raw["sys"]["version"] == 2 and saved.raw["sidebar"] == body["sidebar"]
    bad = http.request("PUT", "/content_types/post/editor_interface", {"controls": [{"fieldId": "nope"}]}, version=2)
    assert bad.status_code == 422
    assert bad.json()["details"]["errors"] == [
        {"details": "The control's \"fieldId\" must map to a content types field id",
         "path": ["controls", 0, "fieldId"], "value": "nope"}
    ]  # fmt: skip
    # Every publish bumps the version; deleted fields lose their control, new ones are appended.
    put_ct(client, "post", [field("title"), field("body", "Text", omitted=True), field("new")], version=2)
    publish(client, "post", 3)
    ei = http.request("GET", "/content_types/post/editor_interface").json()
    assert ei["sys"]["version"] == 3 and ei["sidebar"] == body["sidebar"]
    assert ei["controls"] == [{"fieldId": "title", "widgetId": "slugEditor"}, {"fieldId": "body"}, {"fieldId": "new"}]
    put_ct(client, "post", [field("title"), field("new")], version=4)
    publish(client, "post", 5)
    ei = http.request("GET", "/content_types/post/editor_interface").json()
    assert ei["sys"]["version"] == 4 and [c["fieldId"] for c in ei["controls"]] == ["title", "new"]


def test_environment_wide_editor_interfaces(client, http: Http) -> None:
    for ct_id in ("a", "b"):
        put_ct(client, ct_id, [field("title")])
        publish(client, ct_id, 1)
    put_ct(client, "draft", [field("title")])
    listing = http.request("GET", "/editor_interfaces").json()
    assert list(listing) == ["sys", "total", "items"] and listing["total"] == 2
    assert all("id" not in item["sys"] for item in listing["items"])
    assert [i["sys"]["contentType"]["sys"]["id"] for i in listing["items"]] == ["a", "b"]


def test_a_draft_dropping_an_omitted_field_is_checked_against_the_published_version(http: Http) -> None:
    """Until the deletion is published, the published version (``GET /public/content_types/{id}``, REC PHP
    e2e_content_type_get_published_one: sys has ``revision``) still holds the omitted field: the draft may bring
    it back, but not under its id with another type."""
    body = {"name": "Post", "fields": [field("title"), field("body", "Text")]}
    http.request("PUT", "/content_types/post", body)
    http.request("PUT", "/content_types/post/published", version=1)
    assert http.request("GET", "/public/content_types/other").status_code == 404
    omitted = {**body, "fields": [field("title"), field("body", "Text", omitted=True)]}
    http.request("PUT", "/content_types/post", omitted, version=2)
    http.request("PUT", "/content_types/post/published", version=3)
    dropped = http.request("PUT", "/content_types/post", {**body, "fields": [field("title")]}, version=4)
    assert [f["id"] for f in dropped.json()["fields"]] == ["title"]
    published = http.request("GET", "/public/content_types/post").json()
    assert [(f["id"], f["omitted"]) for f in published["fields"]] == [("title", False), ("body", True)]
    assert published["sys"]["revision"] == 2 and "version" not in published["sys"]
    retyped = {**body, "fields": [field("title"), field("body", "Symbol")]}
    refused = http.request("PUT", "/content_types/post", retyped, version=5)
    assert refused.status_code == 400 and refused.json()["message"] == "Previously published fields are invalid"
    assert http.request("PUT", "/content_types/post", omitted, version=5).status_code == 200


def test_the_published_collection_lists_published_versions_only(http: Http) -> None:
    """``GET /public/content_types`` [REC PHP e2e_content_type_get_published_collection, Py all_published]: every
    published content type as its published version (a draft ahead shows its published fields), none never
    published, in the collection envelope with ``skip`` and ``limit``."""
    for ct_id in ("a", "b", "c"):
        http.request("PUT", f"/content_types/{ct_id}", {"name": ct_id.upper(), "fields": [field("title")]})
    http.request("PUT", "/content_types/a/published", version=1)
    http.request("PUT", "/content_types/b/published", version=1)
    http.request("PUT", "/content_types/b", {"name": "B", "fields": [field("title"), field("draftOnly")]}, version=2)
    listing = http.request("GET", "/public/content_types?order=sys.id").json()
    assert {key: listing[key] for key in ("sys", "total", "skip", "limit")} == {
        "sys": {"type": "Array"}, "total": 2, "skip": 0, "limit": 100}
    assert [item["sys"]["id"] for item in listing["items"]] == ["a", "b"]
    assert [f["id"] for f in listing["items"][1]["fields"]] == ["title"]
    assert all(item["sys"]["revision"] == 1 and "version" not in item["sys"] for item in listing["items"])
    assert listing["items"][1] == http.request("GET", "/public/content_types/b").json()
    page = http.request("GET", "/public/content_types?order=sys.id&skip=1&limit=1").json()
    assert (page["total"], page["skip"], page["limit"], [i["sys"]["id"] for i in page["items"]]) == (2, 1, 1, ["b"])



def test_the_published_collection_filters_by_id_and_refuses_a_filter_it_does_not_apply(http: Http) -> None:
    """As ``GET /content_types`` does (emulator/queries.py): ``sys.id`` and ``sys.id[in]`` select, and any other
    parameter is a 400 InvalidQuery, never silently ignored (an ignored filter answered every content type)."""
    for ct_id in ("a", "b", "c"):
        http.request("PUT", f"/content_types/{ct_id}", {"name": ct_id.upper(), "fields": [field("title")]})
        http.request("PUT", f"/content_types/{ct_id}/published", version=1)
    one = http.request("GET", "/public/content_types?sys.id=b").json()
    assert (one["total"], [i["sys"]["id"] for i in one["items"]]) == (1, ["b"])
    two = http.request("GET", "/public/content_types?sys.id[in]=a,c&order=sys.id").json()
    assert [i["sys"]["id"] for i in two["items"]] == ["a", "c"]
    unknown = http.request("GET", "/public/content_types?fields.title=x")
    assert (unknown.status_code, unknown.json()["sys"]["id"]) == (400, "InvalidQuery")

@pytest.mark.parametrize("bad", ["1st", "a-b", "_x", "x" * 65, "ünï"])
def test_a_field_id_or_new_id_outside_the_pattern_is_refused(http: Http, bad: str) -> None:
    """A field id, and a rename's ``newId``, is a letter then letters, digits or '_', at most 64 characters
    (facts 4.4, contentful-migration): anything else is a 422 naming the field, and nothing is saved."""
    refused = http.request("PUT", "/content_types/post", {"name": "Post", "fields": [field("title"), field(bad)]})
    assert refused.status_code == 422
    assert [(e["name"], e["path"], e["value"]) for e in refused.json()["details"]["errors"]] == [
        ("regexp", ["fields", 1, "id"], bad)]
    assert http.request("GET", "/content_types/post").status_code == 404
    http.request("PUT", "/content_types/post", {"name": "Post", "fields": [field("title"), field("x" * 64)]})
    renamed = {"name": "Post", "fields": [{**field("title"), "newId": bad}, field("x" * 64)]}
    refused = http.request("PUT", "/content_types/post", renamed, version=1)
    assert refused.status_code == 422 and refused.json()["details"]["errors"][0]["path"] == ["fields", 0, "newId"]
