"""Entries as Contentful treats them: validations at publish, value types at save, links, archiving.

Table-driven: for each rule one field, a value that publishes and one that does not, with the exact
422 body the emulator answers (docs/conformance.md, "Entry rules", names the source of each shape).
"""

from __future__ import annotations

from typing import Any

import pytest
from contentful_management.errors import BadRequestError, NotFoundError, UnprocessableEntityError
from emu_support import SPACE, Http

from reconcile.emulator import Emulator

Json = dict[str, Any]
CT = {"X-Contentful-Content-Type": "thing"}


def make_type(http: Http, *fields: Json, ct_id: str = "thing") -> None:
    assert http.request("PUT", f"/content_types/{ct_id}", {"name": ct_id, "fields": list(fields)}).status_code == 201
    assert http.request("PUT", f"/content_types/{ct_id}/published", version=1).status_code == 200


def field(field_id: str = "f", kind: str = "Symbol", **extra: Any) -> Json:
    return {"id": field_id, "name": field_id, "type": kind, **extra}


def save(http: Http, entry_id: str, fields: Json, ct_id: str = "thing") -> Json:
    response = http.request("PUT", f"/entries/{entry_id}", {"fields": fields},
                            headers={"X-Contentful-Content-Type": ct_id})  # fmt: skip
    assert response.status_code == 201, response.text
    return dict(response.json())


def publish(http: Http, entry_id: str, fields: Json, ct_id: str = "thing") -> tuple[int, Json]:
    """Save a new entry with ``fields`` and publish it: the publish status and body (no requestId)."""
    version = save(http, entry_id, fields, ct_id)["sys"]["version"]
    response = http.request("PUT", f"/entries/{entry_id}/published", version=version)
    body = response.json()
    body.pop("requestId", None)
    return response.status_code, body


def failed(*errors: Json, error_id: str = "ValidationFailed") -> Json:
    return {
        "sys": {"type": "Error", "id": error_id},
        "message": "Validation error",
        "details": {"errors": list(errors)},
    }


def at(value: Any, field_id: str = "f", code: str = "en-US", *more: Any) -> Json:
    return {"value": value, "path": ["fields", field_id, code, *more]}


# (case id, field, a value that publishes, a value that does not, the 422 item it answers)
RULES: list[tuple[str, Json, Any, Any, Json]] = [
    ("size of a Symbol", field(validations=[{"size": {"min": 2, "max": 4}}]), "abc", "abcdef",
     {"name": "size", "min": 2, "max": 4, **at("abcdef"), "details": "Size must be between 2 and 4"}),
    ("size counts UTF-16 units", field(validations=[{"size": {"max": 2}}]), "é", "😀a",
     {"name": "size", "max": 2, **at("😀a"), "details": "Size must be at most 2"}),
    ("size of an Array", field(kind="Array", items={"type": "Symbol"}, validations=[{"size": {"min": 2}}]),
     ["a", "b"], ["a"], {"name": "size", "min": 2, **at(["a"]), "details": "Size must be at least 2"}),
    ("Symbol at most 256", field(), "x" * 256, "x" * 257,
     {"name": "size", "max": 256, **at("x" * 257), "details": "Size must be at most 256"}),
    ("range of an Integer", field(kind="Integer", validations=[{"range": {"min": 1}}]), 1, 0,
     {"name": "range", "min": 1, **at(0), "details": "Value must be at least 1"}),
    ("range of a Number", field(kind="Number", validations=[{"range": {"min": 0, "max": 1}}]), 0.5, 1.5,
     {"name": "range", "min": 0, "max": 1, **at(1.5), "details": "Value must be between 0 and 1"}),
    ("regexp", field(validations=[{"regexp": {"pattern": "^[a-z]+$"}}]), "abc", "ABC",
     {"name": "regexp", "pattern": "^[a-z]+$", **at("ABC"), "details": "Does not match the required pattern"}),
    ("regexp with JavaScript flags", field(validations=[{"regexp": {"pattern": "^\\p{Lu}+$", "flags": "u"}}]),
     "ÉTÉ", "été", {"name": "regexp", "pattern": "^\\p{Lu}+$", **at("été"),
                    "details": "Does not match the required pattern"}),
    ("prohibitRegexp", field(validations=[{"prohibitRegexp": {"pattern": "bad", "flags": "i"}}]), "good", "so BAD",
     {"name": "prohibitRegexp", "pattern": "bad", **at("so BAD"), "details": "Matches a prohibited pattern"}),
    ("in", field(validations=[{"in": ["a", "b"]}]), "a", "c",
     {"name": "in", "expected": ["a", "b"], **at("c"), "details": "Value must be one of expected values"}),
    ("in on Array items", field(kind="Array", items={"type": "Symbol", "validations": [{"in": ["a", "b"]}]}),
     ["a", "b"], ["a", "z"],
     {"name": "in", "expected": ["a", "b"], **at("z", "f", "en-US", 1),
      "details": "Value must be one of expected values"}),
    ("dateRange", field(kind="Date", validations=[{"dateRange": {"min": "2020-01-01", "max": "2020-12-31T23:59"}}]),
     "2020-06-01T10:00+02:00", "2019-12-31",
     {"name": "dateRange", "min": "2020-01-01", "max": "2020-12-31T23:59", **at("2019-12-31"),
      "details": "Date is out of the allowed range"}),
    ("a validation's own message", field(validations=[{"in": ["a"], "message": "Pick a"}]), "a", "b",
     {"name": "in", "expected": ["a"], **at("b"), "details": "Pick a"}),
    ("Text at most 50000", field(kind="Text"), "x" * 50_000, "x" * 50_001,
     {"name": "size", "max": 50_000, **at("x" * 50_001), "details": "Size must be at most 50000"}),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "definition", "good", "bad", "item"), RULES, ids=[r[0] for r in RULES])
def test_validation_at_publish(http: Http, rule: str, definition: Json, good: Any, bad: Any, item: Json) -> None:
    make_type(http, definition)
    assert publish(http, "good", {"f": {"en-US": good}})[0] == 200
    # The draft holding the bad value saves (drafts may be invalid); publishing it is refused.
    assert publish(http, "bad", {"f": {"en-US": bad}}) == (422, failed(item))


def test_required_follows_the_locales(http: Http) -> None:
    http.request("POST", "/locales", {"name": "German", "code": "de-DE"})
    http.request("POST", "/locales", {"name": "French", "code": "fr-FR", "optional": True})
    make_type(http, field("title", required=True, localized=True), field("note", required=True))
    missing = {"name": "required", "path": ["fields", "note"], "details": 'The property "note" is required here'}
    assert publish(http, "none", {"title": {"en-US": "t", "de-DE": "t"}}) == (422, failed(missing))
    # A null value is no value; a non-localized field needs only the default locale.
    assert publish(http, "null", {"title": {"en-US": "t", "de-DE": "t"}, "note": {"en-US": None}})[0] == 422
    german = {
        "name": "required",
        "path": ["fields", "title", "de-DE"],
        "details": 'The property "de-DE" is required here',
    }
    assert publish(http, "no-de", {"title": {"en-US": "t"}, "note": {"en-US": "n"}}) == (422, failed(german))
    # fr-FR is optional: it may stay empty.
    assert publish(http, "ok", {"title": {"en-US": "t", "de-DE": "t"}, "note": {"en-US": "n"}})[0] == 200


def test_a_disabled_required_field_still_blocks_publishing(http: Http) -> None:
    make_type(http, field("hidden", required=True, disabled=True))
    item = {"name": "required", "path": ["fields", "hidden"], "details": 'The property "hidden" is required here'}
    assert publish(http, "e", {}) == (422, failed(item))


def test_unique_across_published_entries(http: Http) -> None:
    make_type(http, field(validations=[{"unique": True}]))
    save(http, "draft", {"f": {"en-US": "same"}})  # a draft holding the value does not count
    assert publish(http, "first", {"f": {"en-US": "same"}})[0] == 200
    status, body = publish(http, "second", {"f": {"en-US": "same"}})
    conflict = {"sys": {"type": "Link", "linkType": "Entry", "id": "first"}}
    item = {
        "name": "unique",
        "conflicting": [conflict],
        **at("same"),
        "details": "Same field value present in other entry",
    }
    assert (status, body) == (422, failed(item))
    assert publish(http, "third", {"f": {"en-US": "other"}})[0] == 200


# ----------------------------------------------------------------------------------- links


def entry_link(entry_id: str) -> Json:
    return {"sys": {"type": "Link", "linkType": "Entry", "id": entry_id}}


def test_links_to_nothing_answer_unresolved_links(http: Http, client: Any) -> None:
    make_type(http, field("one", "Link", linkType="Entry"),
              field("many", "Array", items={"type": "Link", "linkType": "Asset"}))  # fmt: skip
    save(http, "target", {})
    fields = {"one": {"en-US": entry_link("gone")},
              "many": {"en-US": [{"sys": {"type": "Link", "linkType": "Asset", "id": "nofile"}}]}}  # fmt: skip
    expected = failed(
        {"name": "notResolvable", "link": {"type": "Link", "linkType": "Entry", "id": "gone"},
         "path": ["fields", "one", "en-US"]},
        {"name": "notResolvable", "link": {"type": "Link", "linkType": "Asset", "id": "nofile"},
         "path": ["fields", "many", "en-US", 0]},
        error_id="UnresolvedLinks",
    )  # fmt: skip
    assert publish(http, "linking", fields) == (422, expected)
    # A draft target resolves; the SDK raises its 422 error for the unresolved one.
    assert publish(http, "fine", {"one": {"en-US": entry_link("target")}})[0] == 200
    entry = client.entries(SPACE, "master").find("linking")
    with pytest.raises(UnprocessableEntityError):
        entry.publish()


def test_link_content_type(http: Http) -> None:
    make_type(http, field("name"), ct_id="author")
    make_type(http, field("name"), ct_id="tag")
    make_type(http, field("by", "Link", linkType="Entry", validations=[{"linkContentType": ["author"]}]),
              field("refs", "Array", items={"type": "Link", "linkType": "Entry",
                                            "validations": [{"linkContentType": ["tag"]}]}))  # fmt: skip
    save(http, "ann", {}, "author")
    save(http, "red", {}, "tag")
    good = {"by": {"en-US": entry_link("ann")}, "refs": {"en-US": [entry_link("red")]}}
    assert publish(http, "ok", good)[0] == 200
    status, body = publish(http, "bad", {"by": {"en-US": entry_link("red")}, "refs": {"en-US": [entry_link("ann")]}})
    invalid = "Link to entry has invalid content type"
    assert (status, body) == (422, failed(
        {"name": "linkContentType", "contentTypeId": ["author"], **at(entry_link("red"), "by"), "details": invalid},
        {"name": "linkContentType", "contentTypeId": ["tag"], **at(entry_link("ann"), "refs", "en-US", 0),
         "details": invalid},
    ))  # fmt: skip


def test_link_mimetype_group(emu: Emulator, http: Http) -> None:
    env = emu.store.state["spaces"][SPACE]["environments"]["master"]
    with emu.store.lock:  # the emulator cannot create assets: seed two
        env["assets"] = {
            asset_id: {"sys": {"type": "Asset", "id": asset_id},
                       "fields": {"file": {"en-US": {"contentType": mime, "fileName": asset_id}}}}
            for asset_id, mime in (("photo", "image/png"), ("doc", "application/pdf"))
        }  # fmt: skip
    make_type(http, field("pic", "Link", linkType="Asset", validations=[{"linkMimetypeGroup": ["image"]}]))
    link = {"sys": {"type": "Link", "linkType": "Asset", "id": "doc"}}
    assert publish(http, "ok", {"pic": {"en-US": {"sys": {**link["sys"], "id": "photo"}}}})[0] == 200
    item = {"name": "linkMimetypeGroup", "mimetypeGroupName": ["image"], **at(link, "pic"),
            "details": "Link has invalid mimetype group"}  # fmt: skip
    assert publish(http, "bad", {"pic": {"en-US": link}}) == (422, failed(item))


# ------------------------------------------------------------------------------- rich text


def document(*content: Json) -> Json:
    return {"nodeType": "document", "data": {}, "content": list(content)}


def paragraph(text: str, *marks: str) -> Json:
    node = {"nodeType": "text", "value": text, "marks": [{"type": m} for m in marks], "data": {}}
    return {"nodeType": "paragraph", "data": {}, "content": [node]}


def test_rich_text_rules(http: Http) -> None:
    make_type(http, field("tag", "Symbol"), ct_id="tag")
    make_type(http, field("body", "RichText", validations=[
        {"enabledNodeTypes": ["heading-1", "embedded-entry-block"]},
        {"enabledMarks": ["bold"]},
        {"nodes": {"embedded-entry-block": [{"linkContentType": ["tag"]}, {"size": {"max": 1}}]}},
    ]))  # fmt: skip
    save(http, "red", {}, "tag")
    save(http, "self", {})
    embed = {"nodeType": "embedded-entry-block", "data": {"target": entry_link("red")}, "content": []}
    good = document({"nodeType": "heading-1", "data": {}, "content": []}, paragraph("hi", "bold"), embed)
    assert publish(http, "good", {"body": {"en-US": good}})[0] == 200
    wrong = {**embed, "data": {"target": entry_link("self")}}
    quote = {"nodeType": "blockquote", "data": {}, "content": [paragraph("q")]}
    bad = document(quote, paragraph("x", "italic"), embed, wrong)
    base = ["fields", "body", "en-US"]
    assert publish(http, "bad", {"body": {"en-US": bad}}) == (422, failed(
        {"name": "enabledNodeTypes", "nodeType": "blockquote", "expected": ["heading-1", "embedded-entry-block"],
         "path": [*base, "content", 0], "details": 'Node type "blockquote" is not enabled for this field'},
        {"name": "enabledMarks", "mark": "italic", "expected": ["bold"], "path": [*base, "content", 1, "content", 0,
         "marks", 0], "details": 'Mark "italic" is not enabled for this field'},
        {"name": "linkContentType", "contentTypeId": ["tag"], "value": entry_link("self"),
         "path": [*base, "content", 3, "data", "target"], "details": "Link to entry has invalid content type"},
        {"name": "size", "nodeType": "embedded-entry-block", "max": 1, "value": 2, "path": base,
         "details": 'The number of "embedded-entry-block" nodes is out of range'},
    ))  # fmt: skip


# ------------------------------------------------------------------------ value types at save

TYPES: list[tuple[Json, Any, Any, str]] = [
    (field(kind="Symbol"), "s", 1, "Symbol"),
    (field(kind="Text"), "t", ["t"], "Text"),
    (field(kind="Integer"), 3, 3.5, "Integer"),
    (field(kind="Number"), 3.5, "3.5", "Number"),
    (field(kind="Boolean"), False, "yes", "Boolean"),
    (field(kind="Date"), "2019-11-20T00:00+01:00", "20/11/2019", "Date"),
    (field(kind="Location"), {"lat": 1.5, "lon": 2}, {"lat": 1.5}, "Location"),
    (field(kind="Object"), {"any": ["json"]}, "text", "Object"),
    (field(kind="Link", linkType="Entry"), entry_link("x"), {"sys": {"type": "Link", "linkType": "Asset", "id": "x"}},
     "Link"),
    (field(kind="RichText"), document(paragraph("p")), {"nodeType": "paragraph", "content": []}, "RichText"),
]  # fmt: skip


@pytest.mark.parametrize(("definition", "good", "bad", "expected"), TYPES, ids=[t[3] for t in TYPES])
def test_value_types_are_checked_at_save(http: Http, definition: Json, good: Any, bad: Any, expected: str) -> None:
    make_type(http, definition)
    assert http.request("PUT", "/entries/good", {"fields": {"f": {"en-US": good}}}, headers=CT).status_code == 201
    refused = http.request("PUT", "/entries/bad", {"fields": {"f": {"en-US": bad}}}, headers=CT)
    assert refused.status_code == 422
    assert refused.json()["sys"]["id"] == "InvalidEntry"
    assert refused.json()["details"]["errors"] == [{
        "name": "type", "value": bad, "type": expected,
        "details": f'The type of "value" is incorrect, expected type: {expected}', "path": ["fields", "f", "en-US"],
    }]  # fmt: skip


def test_array_items_and_locale_maps_are_typed_at_save(http: Http) -> None:
    make_type(http, field(kind="Array", items={"type": "Symbol"}))
    items = http.request("PUT", "/entries/e", {"fields": {"f": {"en-US": ["a", 2]}}}, headers=CT)
    assert items.status_code == 422
    assert [(e["type"], e["path"]) for e in items.json()["details"]["errors"]] == [
        ("Symbol", ["fields", "f", "en-US", 1])
    ]
    not_a_map = http.request("PUT", "/entries/e", {"fields": {"f": ["a"]}}, headers=CT)  # [facts 3.3]
    assert not_a_map.json()["details"]["errors"] == [{
        "name": "type", "value": ["a"], "type": "Object",
        "details": 'The type of "value" is incorrect, expected type: Object', "path": ["fields", "f"],
    }]  # fmt: skip


# -------------------------------------------------------------------------------- archiving


def test_archive_lifecycle_through_the_sdk(http: Http, client: Any) -> None:
    make_type(http, field())
    entries = client.entries(SPACE, "master")
    entry = entries.create("e", {"content_type_id": "thing", "fields": {"f": {"en-US": "v"}}})
    entry.publish()
    with pytest.raises(BadRequestError, match="Cannot archive published"):
        entry.archive()
    entry.unpublish()
    version = entry.sys["version"]
    entry.archive()
    assert entry.is_archived and entry.sys["archived_version"] == version
    assert entry.sys["version"] == version + 1
    raw = http.request("GET", "/entries/e").json()["sys"]
    assert raw["archivedVersion"] == version and raw["archivedBy"]["sys"]["linkType"] == "User" and raw["archivedAt"]
    # No edit and no publish while archived; still listed; contentful-migration's filter leaves it out.
    edit = http.request("PUT", "/entries/e", {"fields": {"f": {"en-US": "w"}}}, version=version + 1)
    assert (edit.status_code, edit.json()["message"]) == (400, "Cannot edit archived")
    published = http.request("PUT", "/entries/e/published", version=version + 1)
    assert (published.status_code, published.json()["message"]) == (400, "Cannot publish archived")
    assert [e.id for e in entries.all()] == ["e"]
    live = http.request("GET", "/entries", params={"sys.archivedAt[exists]": "false"}).json()
    assert live["total"] == 0
    assert http.request("GET", "/entries", params={"sys.archivedAt[exists]": "true"}).json()["total"] == 1
    entry.unarchive()
    assert not entry.is_archived and "archivedAt" not in http.request("GET", "/entries/e").json()["sys"]
    with pytest.raises(BadRequestError, match="Not archived"):
        entry.unarchive()
    entry.publish()  # unarchived, it publishes again
    assert entry.is_published


def test_archive_checks_a_version_sent(http: Http) -> None:
    make_type(http, field())
    save(http, "e", {})
    assert http.request("PUT", "/entries/e/archived", version=7).status_code == 409
    assert http.request("PUT", "/entries/e/archived", version=1).status_code == 200
    again = http.request("PUT", "/entries/e/archived", version=2)
    assert again.status_code == 400
    assert http.request("DELETE", "/entries/e/archived").json()["sys"]["version"] == 3


def test_archive_without_a_version_header_as_the_js_sdk_sends_it(http: Http) -> None:
    """contentful-management.js ``entry.archive`` and ``unarchive`` send no X-Contentful-Version; its
    real-API test archives and unarchives so. Found with the JS SDK against the emulator (409 before)."""
    make_type(http, field())
    save(http, "e", {})
    archived = http.request("PUT", "/entries/e/archived")
    assert archived.status_code == 200
    assert (archived.json()["sys"]["version"], archived.json()["sys"]["archivedVersion"]) == (2, 1)
    assert http.request("DELETE", "/entries/e/archived").json()["sys"]["version"] == 3


# ------------------------------------------------------------------------- queries and assets


@pytest.mark.parametrize(
    ("path", "params", "bad_path"),
    [
        ("/entries", {"content_type": "thing", "fields.f": "x"}, ["fields", "f"]),
        ("/entries", {"metadata.tags.sys.id[all]": "a,b"}, ["metadata", "tags", "sys", "id"]),
        ("/entries", {"query": "text"}, ["query"]),
        ("/content_types", {"name": "Thing"}, ["name"]),
        ("/locales", {"code": "en-US"}, ["code"]),
        ("/assets", {"fields.title": "x"}, ["fields", "title"]),
    ],
)
def test_unsupported_filters_answer_400(http: Http, path: str, params: Json, bad_path: list[str]) -> None:
    make_type(http, field())
    response = http.request("GET", path, params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["sys"]["id"] == "InvalidQuery"
    joined = ".".join(bad_path)
    assert body["details"]["errors"] == [
        {"name": "unknown", "path": bad_path, "details": f'The path "{joined}" is not recognized'}
    ]


def test_supported_filters_still_work(http: Http, client: Any) -> None:
    make_type(http, field())
    save(http, "a", {"f": {"en-US": "1"}})
    query = {"content_type": "thing", "limit": 1, "skip": 0, "order": "sys.id", "select": "sys", "sys.id[in]": "a"}
    assert http.request("GET", "/entries", params=query).json()["total"] == 1
    by_type = {"sys.contentType.sys.id[in]": "thing,other"}
    assert http.request("GET", "/entries", params=by_type).json()["total"] == 1
    with pytest.raises(BadRequestError):
        client.entries(SPACE, "master").all({"fields.f": "1", "content_type": "thing"})


def test_assets_answer_an_empty_collection(client: Any, http: Http) -> None:
    assets = client.assets(SPACE, "master").all()
    assert (assets.total, assets.items) == (0, [])
    missing = http.request("GET", "/assets/nope")
    assert missing.status_code == 404
    assert missing.json()["details"] == {"type": "Asset", "id": "nope", "environment": "master", "space": SPACE}
    with pytest.raises(NotFoundError):
        client.assets(SPACE, "master").find("nope")
