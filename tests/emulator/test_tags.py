"""Tags in the emulator: the recorded shapes and rules, entry metadata.tags and the tag filter of entries."""

from __future__ import annotations

from typing import Any

from emu_support import Http


def tag_link(tag_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": "Tag", "id": tag_id}}


def make_entry(http: Http, entry_id: str, *tags: str) -> Any:
    body = {"fields": {"title": {"en-US": entry_id}}, "metadata": {"tags": [tag_link(t) for t in tags]}}
    return http.request("PUT", f"/entries/{entry_id}", body, headers={"X-Contentful-Content-Type": "note"})


def setup_note(http: Http) -> None:
    note = {"name": "Note", "fields": [{"id": "title", "name": "Title", "type": "Symbol"}]}
    assert http.request("PUT", "/content_types/note", note).status_code == 201
    assert http.request("PUT", "/content_types/note/published", version=1).status_code == 200


def test_no_tags_is_an_empty_collection(http: Http) -> None:
    answer = http.request("GET", "/tags")
    assert answer.status_code == 200
    assert answer.json() == {"sys": {"type": "Array"}, "total": 0, "skip": 0, "limit": 100, "items": []}


def test_create_rename_and_the_recorded_shape(http: Http) -> None:
    created = http.request("PUT", "/tags/icon", {"name": "icon", "sys": {"id": "icon", "visibility": "public"}})
    assert created.status_code == 201
    body = created.json()
    # Key order of the recorded GET [REC R/tag/destroy_referenced].
    assert list(body) == ["sys", "name"]
    assert list(body["sys"]) == ["type", "id", "space", "environment", "createdBy", "updatedBy", "createdAt",
                                 "updatedAt", "version", "visibility"]  # fmt: skip
    assert (body["sys"]["version"], body["sys"]["visibility"]) == (1, "public")
    assert http.request("PUT", "/tags/icon", {"name": "Icon"}).status_code == 409  # an update needs the version
    renamed = http.request("PUT", "/tags/icon", {"name": "Icon", "sys": {"visibility": "public"}}, version=1)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Icon" and renamed.json()["sys"]["version"] == 2
    assert http.request("GET", "/tags").json()["total"] == 1
    assert http.request("PUT", "/tags/plain", {"name": "plain"}).json()["sys"]["visibility"] == "private"


def test_visibility_is_fixed_and_names_are_unique(http: Http) -> None:
    http.request("PUT", "/tags/a", {"name": "A"})
    changed = http.request("PUT", "/tags/a", {"name": "A", "sys": {"visibility": "public"}}, version=1)
    assert changed.status_code == 422 and changed.json()["details"]["errors"][0]["path"] == ["sys", "visibility"]
    taken = http.request("PUT", "/tags/b", {"name": "A"})
    assert taken.status_code == 422 and taken.json()["details"]["errors"][0]["name"] == "taken"


def test_a_referenced_tag_cannot_be_deleted_until_untagged(http: Http) -> None:
    setup_note(http)
    http.request("PUT", "/tags/icon", {"name": "icon"})
    http.request("PUT", "/tags/other", {"name": "other"})
    assert make_entry(http, "e1", "icon").status_code == 201
    assert make_entry(http, "e2", "other").status_code == 201
    assert make_entry(http, "e3").status_code == 201
    filtered = http.request("GET", "/entries", params={"metadata.tags.sys.id[in]": "icon,nothing"}).json()
    assert [e["sys"]["id"] for e in filtered["items"]] == ["e1"]
    refused = http.request("DELETE", "/tags/icon", version=1)
    assert refused.status_code == 422
    assert refused.json()["sys"]["id"] == "ActionPreconditionsFailed"  # as recorded
    reference = {"name": "reference", "details": "Tag is referenced by another entity"}
    assert refused.json()["details"]["errors"] == [reference]
    untagged = http.request("PUT", "/entries/e1", {"fields": {}, "metadata": {"tags": []}}, version=1)
    assert untagged.status_code == 200
    assert http.request("DELETE", "/tags/icon", version=2).status_code == 409
    assert http.request("DELETE", "/tags/icon", version=1).status_code == 204
    assert http.request("DELETE", "/tags/other").status_code == 422  # no version needed [REC M21 #127]
    assert http.request("GET", "/tags/icon").status_code == 404


def test_an_entry_cannot_hold_an_unknown_tag(http: Http) -> None:
    setup_note(http)
    answer = make_entry(http, "e1", "ghost")
    assert answer.status_code == 422 and answer.json()["details"]["errors"][0]["name"] == "notResolvable"


def test_app_installations_and_extensions_are_seeded_over_http(http: Http) -> None:
    assert http.request("GET", "/app_installations").json()["items"] == []
    assert http.request("GET", "/extensions").json()["items"] == []
    assert http.request("PUT", "/app_installations/app1", {"parameters": {}}).status_code == 201
    created = http.request("POST", "/extensions", {"extension": {"name": "Color", "src": "https://x.example"}})
    assert created.status_code == 201
    ident = created.json()["sys"]["id"]
    listed = http.request("GET", "/app_installations").json()["items"]
    assert [a["sys"]["appDefinition"]["sys"]["id"] for a in listed] == ["app1"]
    assert [e["sys"]["id"] for e in http.request("GET", "/extensions").json()["items"]] == [ident]
    assert http.request("PUT", "/extensions/x", {"nothing": 1}).status_code == 422
