"""``backend.forms``: a PUT body takes the forms of the JSON read where they mean the same, and only there."""

from __future__ import annotations

from typing import Any

from reconcile.backend.forms import Forms, content_type_like, editor_interface_like

# The recorded shapes (contentful-migration 2021-04-19 #37; contentful-management.php 2019 and 2020).
READ: dict[str, Any] = {
    "sys": {"id": "food"}, "name": "Food", "description": "", "displayField": None,
    "fields": [
        {"id": "name", "name": "Name", "type": "Symbol", "validations": [
            {"unique": True}, {"prohibitRegexp": {"pattern": "foo", "flags": None}, "message": "asdf"}]},
        {"id": "photos", "name": "Photos", "type": "Array", "validations": [], "items": {
            "type": "Link", "validations": [{"linkMimetypeGroup": ["image"]}, {"assetFileSize": {"max": 10}}],
            "linkType": "Asset"}},
        {"id": "tags", "name": "Tags", "type": "Array", "items": {"type": "Symbol"}},
        {"id": "more", "name": "More", "type": "ResourceLink", "allowedResources": [
            {"type": "Contentful:Entry", "source": "crn:x", "contentTypes": ["foo", "bar"]}]},
    ],
}


def canonical(**changes: Any) -> dict[str, Any]:
    """What ``content_type_to_api`` sends for READ (canonical forms), with ``changes`` to its fields by id."""
    fields = [
        {"id": "name", "name": "Name", "type": "Symbol", "validations": [
            {"prohibitRegexp": {"pattern": "foo"}, "message": "asdf"}, {"unique": True}]},
        {"id": "photos", "name": "Photos", "type": "Array", "validations": [], "items": {
            "type": "Link", "validations": [{"assetFileSize": {"max": 10}}, {"linkMimetypeGroup": ["image"]}],
            "linkType": "Asset"}},
        {"id": "tags", "name": "Tags", "type": "Array", "items": {"type": "Symbol", "validations": []}},
        {"id": "more", "name": "More", "type": "ResourceLink", "allowedResources": [
            {"contentTypes": ["bar", "foo"], "source": "crn:x", "type": "Contentful:Entry"}]},
    ]
    return {"name": "Food", "description": None, "displayField": None,
            "fields": [{**f, **changes.get(f["id"], {})} for f in fields]}


def test_what_means_the_same_is_sent_as_it_was_read() -> None:
    assert content_type_like(canonical(), READ) == {k: v for k, v in READ.items() if k != "sys"}


def test_a_field_renamed_in_the_display_keeps_its_validations_as_read() -> None:
    sent = content_type_like(canonical(name={"name": "Title"}), READ)
    assert sent["fields"][0] == {**READ["fields"][0], "name": "Title"}


def test_what_changed_is_sent_as_the_model_says() -> None:
    changed = canonical(name={"validations": [{"unique": True}]}, tags={"items": {"type": "Symbol", "validations": [
        {"in": ["a"]}]}}, more={"allowedResources": [{"contentTypes": ["foo"], "source": "crn:x",
                                                      "type": "Contentful:Entry"}]})
    sent = content_type_like({**changed, "description": "Now described"}, READ)
    assert sent["description"] == "Now described"
    assert sent["fields"][0]["validations"] == [{"unique": True}]
    assert sent["fields"][2]["items"] == {"type": "Symbol", "validations": [{"in": ["a"]}]}
    assert sent["fields"][3]["allowedResources"][0]["contentTypes"] == ["foo"]


def test_a_renamed_field_takes_the_forms_of_the_field_it_becomes_or_was_and_nothing_without_json() -> None:
    body = canonical()
    body["fields"][0] = {**body["fields"][0], "id": "old", "newId": "name"}
    assert content_type_like(body, READ)["fields"][0]["validations"] == READ["fields"][0]["validations"]
    body["fields"][0] = {**body["fields"][0], "id": "name", "newId": "title"}  # a rename applied: the live field
    assert content_type_like(body, READ)["fields"][0]["validations"] == READ["fields"][0]["validations"]
    assert content_type_like(canonical(), None) == canonical()


def test_controls_as_read_when_all_mean_the_same_else_one_by_one() -> None:
    read = {"controls": [{"fieldId": "b", "widgetId": "rating", "settings": {"stars": 5, "x": None}}]}
    sent = {"controls": [{"fieldId": "a"}, {"fieldId": "b", "widgetId": "rating", "settings": {"stars": 5}}]}
    assert editor_interface_like(sent, read) == read  # the bare control of `a` was missing: still missing
    changed = {"controls": [{"fieldId": "a", "widgetId": "singleLine"}, *sent["controls"][1:]]}
    assert editor_interface_like(changed, read)["controls"] == [changed["controls"][0], read["controls"][0]]
    other = {"controls": [{"fieldId": "b", "widgetId": "rating", "settings": {"stars": 3}}]}
    assert editor_interface_like(other, read) == other
    assert editor_interface_like(sent, None) == sent


def test_forms_hold_only_the_ids_asked_for() -> None:
    interface = {"sys": {"contentType": {"sys": {"id": "food"}}}, "controls": []}
    other = {"sys": {"contentType": {"sys": {"id": "other"}}}, "controls": []}
    forms = Forms.of([READ, {"sys": {"id": "other"}}], [interface, other], {"food"})
    assert forms == Forms({"food": READ}, {"food": interface})
