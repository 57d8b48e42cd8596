"""Locales, environments and entries, through the real SDK and raw HTTP."""

from __future__ import annotations

import time

import pytest
from contentful_management.errors import AccessDeniedError, UnprocessableEntityError
from emu_support import Http

from reconcile.emulator import Emulator

ENTRY_CT = {"X-Contentful-Content-Type": "post"}


def make_post_type(http: Http, *field_ids: str) -> None:
    fields = [{"id": f, "name": f, "type": "Symbol", "localized": True} for f in field_ids]
    http.request("PUT", "/content_types/post", {"name": "Post", "fields": fields})
    http.request("PUT", "/content_types/post/published", version=1)


# --------------------------------------------------------------------------------- locales


def test_default_locale_and_create(client, http: Http) -> None:
    locales = client.locales("local", "master")
    [default] = locales.all().items
    assert (default.code, default.name, default.raw["default"]) == ("en-US", "English (United States)", True)
    created = http.request("POST", "/locales", {"name": "German", "code": "de-DE"})
    assert created.status_code == 201
    body = created.json()
    assert body["sys"]["id"] != "de-DE" and body["sys"]["version"] == 1
    assert body["fallbackCode"] == "en-US" and body["internal_code"] == "de-DE" and body["default"] is False
    assert created.headers["Location"].endswith(f"/spaces/local/environments/master/locales/{body['sys']['id']}")
    assert list(body) == ["name", "internal_code", "code", "fallbackCode", "default", "contentManagementApi",
                          "contentDeliveryApi", "optional", "sys"]  # fmt: skip
    sdk_created = locales.create({"name": "French", "code": "fr-FR", "fallbackCode": None})
    assert sdk_created.fallback_code is None
    assert locales.find(sdk_created.id).code == "fr-FR"
    assert http.request("GET", "/locales", params={"skip": 1, "limit": 1}).json()["items"][0]["code"] == "de-DE"


def test_locale_errors(client, http: Http) -> None:
    taken = http.request("POST", "/locales", {"name": "US", "code": "en-US"})
    assert taken.status_code == 422
    assert taken.json()["details"]["errors"] == [{"name": "taken", "path": "code", "value": "en-US"}]
    unknown = http.request("POST", "/locales", {"name": "X", "code": "x-X", "fooBar": 1})
    assert unknown.status_code == 400 and unknown.json()["sys"]["id"] == "UnknownKey"
    assert unknown.json()["details"] == {"keys": ["foo_bar"]}
    empty = http.request("POST", "/locales", {})
    assert empty.status_code == 400 and empty.json()["details"] == {"key": "resource"}
    no_code = http.request("POST", "/locales", {"name": "X"})
    assert no_code.status_code == 422 and no_code.json()["details"]["errors"][0]["path"] == "code"
    missing_fallback = http.request("POST", "/locales", {"name": "X", "code": "x-X", "fallbackCode": "zz"})
    assert missing_fallback.status_code == 422
    [default] = client.locales("local", "master").all().items
    with pytest.raises(AccessDeniedError):
        client.locales("local", "master").delete(default.id)
    moved = http.request("PUT", f"/locales/{default.id}", {"name": "E", "code": "en-US", "default": False}, version=1)
    assert moved.status_code == 422
    not_found = http.request("GET", "/locales/nope")
    assert not_found.status_code == 404 and "details" not in not_found.json()


def test_fallback_rules(http: Http) -> None:
    de = http.request("POST", "/locales", {"name": "German", "code": "de-DE", "fallbackCode": "en-US"}).json()
    at = http.request("POST", "/locales", {"name": "Austrian", "code": "de-AT", "fallbackCode": "de-DE"}).json()
    delete = http.request("DELETE", f"/locales/{de['sys']['id']}")
    assert (delete.status_code, delete.json()["sys"]["id"]) == (403, "FallbackLocaleNotDeletable")
    rename = http.request("PUT", f"/locales/{de['sys']['id']}", {"name": "German", "code": "de"}, version=1)
    assert (rename.status_code, rename.json()["sys"]["id"]) == (403, "FallbackLocaleNotRenameable")
    cycle = http.request("PUT", f"/locales/{de['sys']['id']}", {"name": "G", "code": "de-DE", "fallbackCode": "de-AT"},
                         version=1)  # fmt: skip
    assert cycle.status_code == 422
    assert cycle.json()["details"]["errors"][0]["name"] == "fallback locale creates a loop"
    renamed = http.request("PUT", f"/locales/{at['sys']['id']}", {"name": "AT", "code": "de-AT", "fallbackCode": None},
                           version=1)  # fmt: skip
    assert renamed.status_code == 200 and renamed.json()["sys"]["version"] == 2
    assert renamed.json()["fallbackCode"] is None
    assert http.request("DELETE", f"/locales/{de['sys']['id']}").status_code == 204


def test_deleting_a_locale_removes_its_values(http: Http) -> None:
    de = http.request("POST", "/locales", {"name": "German", "code": "de-DE"}).json()
    make_post_type(http, "title")
    http.request("PUT", "/entries/e1", {"fields": {"title": {"en-US": "Hi", "de-DE": "Hallo"}}}, headers=ENTRY_CT)
    assert http.request("DELETE", f"/locales/{de['sys']['id']}").status_code == 204
    assert http.request("GET", "/entries/e1").json()["fields"] == {"title": {"en-US": "Hi"}}


# ---------------------------------------------------------------------------- environments


def test_environment_clone_queued_then_ready(client, http: Http) -> None:
    make_post_type(http, "title")
    http.request("PUT", "/entries/e1", {"fields": {"title": {"en-US": "Hi"}}}, headers=ENTRY_CT)
    env = client.environments("local").create("staging", {"name": "staging"})
    assert env.raw["sys"]["status"]["sys"]["id"] == "queued" and env.raw["sys"]["version"] == 1
    time.sleep(0.1)
    ready = client.environments("local").find("staging")
    assert ready.raw["sys"]["status"]["sys"]["id"] == "ready" and ready.raw["sys"]["version"] == 3
    staging = Http(http.base_url, "staging")
    ct = staging.request("GET", "/content_types/post").json()
    assert ct["sys"]["publishedVersion"] == 1 and ct["sys"]["environment"]["sys"]["id"] == "staging"
    assert staging.request("GET", "/content_types/post/editor_interface").status_code == 200
    assert staging.request("GET", "/entries/e1").json()["fields"] == {"title": {"en-US": "Hi"}}
    assert staging.request("GET", "/locales").json()["total"] == 1
    # The clone is independent of its source.
    staging.request("PUT", "/content_types/post", {"name": "Changed", "fields": ct["fields"]}, version=2)
    assert http.request("GET", "/content_types/post").json()["name"] == "Post"
    listing = http.request("GET", "/spaces/local/environments").json()
    assert listing["limit"] == 25 and [e["sys"]["id"] for e in listing["items"]] == ["master", "staging"]
    assert http.request("DELETE", "/spaces/local/environments/staging").status_code == 204
    assert http.request("GET", "/spaces/local/environments/staging").status_code == 404
    assert http.request("DELETE", "/spaces/local/environments/master").status_code == 400


def test_clone_from_another_source(http: Http) -> None:
    http.request("PUT", "/spaces/local/environments/a", {"name": "a"})
    Http(http.base_url, "a").request("PUT", "/content_types/only_in_a", {"name": "A", "fields": []})
    cloned = http.request("PUT", "/spaces/local/environments/b", {"name": "b"},
                          headers={"X-Contentful-Source-Environment": "a"})  # fmt: skip
    assert cloned.status_code == 201
    assert Http(http.base_url, "b").request("GET", "/content_types/only_in_a").status_code == 200
    assert http.request("GET", "/content_types/only_in_a").status_code == 404


# --------------------------------------------------------------------------------- entries


def test_entry_lifecycle(client, http: Http) -> None:
    http.request(
        "PUT", "/content_types/post", {"name": "Post", "fields": [{"id": "title", "name": "T", "type": "Symbol"}]}
    )
    refused = http.request("PUT", "/entries/e1", {"fields": {}}, headers=ENTRY_CT)
    assert refused.json()["message"] == "The content type you sent could not be found or was not activated."
    draft_only = http.request("GET", "/entries", params={"content_type": "post"})
    assert draft_only.status_code == 400 and draft_only.json()["details"]["errors"][0]["name"] == "unknownContentType"
    http.request("PUT", "/content_types/post/published", version=1)
    entry = client.entries("local", "master").create(
        "e1", {"content_type_id": "post", "fields": {"title": {"en-US": "Hi"}}}
    )
    assert entry.raw["sys"]["contentType"]["sys"]["id"] == "post" and entry.raw["sys"]["version"] == 1
    posted = http.request("POST", "/entries", {"fields": {"title": {"en-US": "Two"}}}, headers=ENTRY_CT)
    assert posted.status_code == 201
    updated = http.request("PUT", "/entries/e1", {"fields": {"title": {"en-US": "Hey"}}}, version=1)
    assert updated.json()["sys"]["version"] == 2
    published = http.request("PUT", "/entries/e1/published", version=2).json()["sys"]
    assert (published["version"], published["publishedVersion"]) == (3, 2)
    assert published["fieldStatus"] == {"*": {"en-US": "published"}}
    assert http.request("DELETE", "/entries/e1").status_code == 400
    assert http.request("DELETE", "/entries/e1/published", version=3).json()["sys"]["version"] == 4
    unknown = http.request("PUT", "/entries/e3", {"fields": {"nope": {"en-US": 1}}}, headers=ENTRY_CT)
    assert unknown.status_code == 422 and unknown.json()["sys"]["id"] == "InvalidEntry"
    with pytest.raises(UnprocessableEntityError):
        client._put("spaces/local/environments/master/entries/e4", {"fields": {"title": {"xx": "?"}}},
                    headers={"x-contentful-content-type": "post"})  # fmt: skip


def test_entry_listing_select_order_and_count(client, http: Http) -> None:
    make_post_type(http, "title", "rank")
    for entry_id, rank in (("b", 2), ("a", 1), ("c", 3)):
        fields = {"title": {"en-US": entry_id}, "rank": {"en-US": str(rank)}}
        http.request("PUT", f"/entries/{entry_id}", {"fields": fields}, headers=ENTRY_CT)
    count = client.entries("local", "master").all({"content_type": "post", "limit": 1, "select": "sys.id"})
    assert count.total == 3 and len(count.items) == 1
    selected = http.request("GET", "/entries", params={"content_type": "post", "select": "fields.title,sys",
                                                       "order": "-fields.rank"}).json()  # fmt: skip
    assert [i["fields"] for i in selected["items"]] == [{"title": {"en-US": x}} for x in "cba"]
    assert list(selected["items"][0]) == ["sys", "fields"]
    only_sys = http.request("GET", "/entries", params={"select": "sys", "skip": 2}).json()
    assert only_sys["total"] == 3 and list(only_sys["items"][0]) == ["sys"]


def test_field_deletion_drops_entry_values(http: Http) -> None:
    make_post_type(http, "title", "body")
    http.request("PUT", "/entries/e1", {"fields": {"title": {"en-US": "T"}, "body": {"en-US": "B"}}}, headers=ENTRY_CT)
    fields = http.request("GET", "/content_types/post").json()["fields"]
    http.request("PUT", "/content_types/post", {"name": "Post", "fields": [fields[0], {**fields[1], "omitted": True}]},
                 version=2)  # fmt: skip
    http.request("PUT", "/content_types/post/published", version=3)
    assert "body" in http.request("GET", "/entries/e1").json()["fields"]  # omitted keeps values
    http.request("PUT", "/content_types/post", {"name": "Post", "fields": [fields[0]]}, version=4)
    assert "body" in http.request("GET", "/entries/e1").json()["fields"]  # draft only
    http.request("PUT", "/content_types/post/published", version=5)
    assert http.request("GET", "/entries/e1").json()["fields"] == {"title": {"en-US": "T"}}
    assert http.request("PUT", "/entries/e1", {"fields": {"body": {"en-US": "B"}}}, version=1).status_code == 422


def test_spaces_are_separate() -> None:
    with Emulator(spaces=["one", "two"]) as emu:
        one, two = Http(emu.base_url), Http(emu.base_url)
        one.env_path, two.env_path = "/spaces/one/environments/master", "/spaces/two/environments/master"
        one.request("PUT", "/content_types/x", {"name": "X", "fields": []})
        assert two.request("GET", "/content_types").json()["total"] == 0
        assert one.request("GET", "/content_types").json()["total"] == 1
        assert one.request("GET", "/spaces/three/environments").status_code == 404
