"""Content-type metadata in the emulator: taxonomy links (the recorded shape) and annotations, with their rules."""

from __future__ import annotations

from typing import Any

from emu_support import Http

TAXONOMY = [
    {"required": False, "sys": {"type": "Link", "linkType": "TaxonomyConcept", "id": "5KHXWlmxvntrrB09szapUp"}},
    {"required": True, "sys": {"type": "Link", "linkType": "TaxonomyConceptScheme", "id": "2hNivoHTKM4MbTM4519T5E"}},
]


def annotation(ident: str, **parameters: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"sys": {"id": ident, "type": "Link", "linkType": "Annotation"}}
    return {**item, "parameters": parameters} if parameters else item


def put(http: Http, metadata: Any, fields: list[dict[str, Any]] | None = None) -> Any:
    fields = [{"id": "name", "name": "Name", "type": "Symbol"}] if fields is None else fields
    return http.request("PUT", "/content_types/author", {"name": "Author", "fields": fields, "metadata": metadata})


def test_taxonomy_is_kept_in_the_recorded_shape(http: Http) -> None:
    answer = put(http, {"taxonomy": TAXONOMY})
    assert answer.status_code == 201
    assert list(answer.json()["metadata"]["taxonomy"][0]) == ["sys", "required"]
    # The recorded response puts sys first and its id first [REC P/content_type/add_taxonomies_to_content_type].
    assert answer.json()["metadata"] == {"taxonomy": [
        {"sys": {"id": "5KHXWlmxvntrrB09szapUp", "type": "Link", "linkType": "TaxonomyConcept"}, "required": False},
        {"sys": {"id": "2hNivoHTKM4MbTM4519T5E", "type": "Link", "linkType": "TaxonomyConceptScheme"},
         "required": True},
    ]}  # fmt: skip
    assert http.request("GET", "/content_types/author").json()["metadata"] == answer.json()["metadata"]
    urn = "crn:contentful:::content:spaces/local/environments/master/content_types/author"
    assert answer.json()["sys"]["urn"] == urn  # [REC P/content_type/add_taxonomies_to_content_type]


def test_a_taxonomy_link_without_required_is_answered_with_required_false(http: Http) -> None:
    # [REC rb/content_type/update_with_metadata #1]
    answer = put(http, {"taxonomy": [{"sys": TAXONOMY[0]["sys"]}]})
    assert answer.json()["metadata"]["taxonomy"][0]["required"] is False


def test_annotations_of_the_content_type_and_its_fields_are_kept(http: Http) -> None:
    metadata = {"annotations": {
        "ContentType": [annotation("Contentful:AggregateRoot")],
        "ContentTypeField": {"name": [annotation("Contentful:GraphQLFieldResolver", appFunctionId="f")]},
    }}  # fmt: skip
    answer = put(http, metadata)
    assert answer.status_code == 201 and answer.json()["metadata"] == metadata


def test_bad_metadata_is_refused_with_every_problem(http: Http) -> None:
    metadata = {
        "taxonomy": [{"sys": {"type": "Link", "linkType": "Concept", "id": "x"}}, TAXONOMY[0], TAXONOMY[0]],
        "annotations": {"ContentTypeField": {"missing": [annotation("Contentful:AggregateRoot")]},
                        "Other": []},
        "unknownKey": 1,
    }
    answer = put(http, metadata)
    assert answer.status_code == 422 and answer.json()["sys"]["id"] == "ValidationFailed"
    paths = [error["path"] for error in answer.json()["details"]["errors"]]
    assert paths == [
        ["metadata", "taxonomy", 0, "sys", "linkType"],
        ["metadata", "taxonomy", 2],
        ["metadata", "annotations", "Other"],
        ["metadata", "annotations", "ContentTypeField", "missing"],
        ["metadata", "unknownKey"],
    ]
    assert http.request("GET", "/content_types/author").status_code == 404  # nothing written


def test_field_annotations_follow_a_rename_in_the_same_put(http: Http) -> None:
    assert put(http, {}).status_code == 201
    renamed = [{"id": "name", "newId": "fullName", "name": "Name", "type": "Symbol"}]
    metadata = {"annotations": {"ContentTypeField": {"fullName": [annotation("Contentful:GraphQLFieldResolver")]}}}
    answer = http.request("PUT", "/content_types/author", {"name": "Author", "fields": renamed, "metadata": metadata},
                          version=1)
    assert answer.status_code == 200 and answer.json()["metadata"] == metadata
