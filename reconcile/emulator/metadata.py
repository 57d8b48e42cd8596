"""The rules for a content type's ``metadata``: taxonomy links and annotations [facts 1.2].

Taxonomy [REC P/content_type/add_taxonomies_to_content_type, 2025]: ``metadata.taxonomy`` is a list of
``{"sys": {"type": "Link", "linkType": "TaxonomyConcept" | "TaxonomyConceptScheme", "id"}, "required": bool}``,
answered as ``{"sys": {"id", "type", "linkType"}, "required"}``. Whether the concepts exist (they live in the
organization) is not checked: UNSURE what the API does with an unknown id.

Annotations (UNSURE: no recording; shape of contentful-management.js ``AnnotationAssignment``):
``metadata.annotations = {"ContentType": [assignment], "ContentTypeField": {<field id>: [assignment]}}`` with
``assignment = {"sys": {"type": "Link", "linkType": "Annotation", "id"}, "parameters"?: {...}}``. Field keys must be
ids of the fields the PUT leaves (after ``newId`` renames). The facts do not list the annotation ids the API
knows, so none is refused here. Error item shapes follow the other 422 items of facts 3.3 (UNSURE).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reconcile.emulator.errors import validation_failed

Json = dict[str, Any]

METADATA_KEYS = ("taxonomy", "annotations")
TAXONOMY_LINK_TYPES = ("TaxonomyConcept", "TaxonomyConceptScheme")
ANNOTATION_KEYS = ("ContentType", "ContentTypeField")


def _link_errors(value: Any, path: list[Any], link_types: Sequence[str]) -> list[Json]:
    sys = value.get("sys") if isinstance(value, dict) else None
    if not isinstance(sys, dict):
        return [{"name": "required", "path": [*path, "sys"], "value": value}]
    errors: list[Json] = []
    if sys.get("type") != "Link":
        errors.append({"name": "in", "path": [*path, "sys", "type"], "value": sys.get("type"), "expected": ["Link"]})
    if sys.get("linkType") not in link_types:
        errors.append({"name": "in", "path": [*path, "sys", "linkType"], "value": sys.get("linkType"),
                       "expected": list(link_types)})  # fmt: skip
    if not isinstance(sys.get("id"), str) or not sys["id"]:
        errors.append({"name": "required", "path": [*path, "sys", "id"], "value": sys.get("id")})
    return errors


def _link_body(value: Json) -> Json:
    sys = value["sys"]
    return {"sys": {"id": sys["id"], "type": "Link", "linkType": sys["linkType"]}}


def _taxonomy(items: Any, errors: list[Json]) -> list[Json]:
    path: list[Any] = ["metadata", "taxonomy"]
    if not isinstance(items, list):
        errors.append({"name": "type", "path": path, "value": items, "type": "Array"})
        return []
    out: list[Json] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(items):
        found = _link_errors(item, [*path, index], TAXONOMY_LINK_TYPES)
        if not found and not isinstance(item.get("required", False), bool):
            found.append({"name": "type", "path": [*path, index, "required"], "value": item["required"],
                          "type": "Boolean"})  # fmt: skip
        if not found:
            key = (item["sys"]["linkType"], item["sys"]["id"])
            if key in seen:
                found.append({"name": "taken", "path": [*path, index], "value": item["sys"]["id"]})
            seen.add(key)
        for key in item if isinstance(item, dict) else ():
            if key not in ("sys", "required"):
                found.append({"name": "unexpected", "path": [*path, index, key], "value": item[key]})
        errors.extend(found)
        if not found:
            out.append({**_link_body(item), "required": item.get("required", False)})
    return out


def _assignments(items: Any, path: list[Any], errors: list[Json]) -> list[Json]:
    if not isinstance(items, list):
        errors.append({"name": "type", "path": path, "value": items, "type": "Array"})
        return []
    out: list[Json] = []
    for index, item in enumerate(items):
        found = _link_errors(item, [*path, index], ("Annotation",))
        parameters = item.get("parameters") if isinstance(item, dict) else None
        if parameters is not None and not isinstance(parameters, dict):
            found.append({"name": "type", "path": [*path, index, "parameters"], "value": parameters, "type": "Object"})
        errors.extend(found)
        if not found:
            out.append({**_link_body(item), **({"parameters": parameters} if parameters is not None else {})})
    return out


def _annotations(value: Any, field_ids: Sequence[str], errors: list[Json]) -> Json:
    path: list[Any] = ["metadata", "annotations"]
    if not isinstance(value, dict):
        errors.append({"name": "type", "path": path, "value": value, "type": "Object"})
        return {}
    out: Json = {}
    for key in value:
        if key not in ANNOTATION_KEYS:
            errors.append({"name": "unexpected", "path": [*path, key], "value": value[key]})
    if "ContentType" in value:
        out["ContentType"] = _assignments(value["ContentType"], [*path, "ContentType"], errors)
    by_field = value.get("ContentTypeField")
    if by_field is None:
        return out
    if not isinstance(by_field, dict):
        errors.append({"name": "type", "path": [*path, "ContentTypeField"], "value": by_field, "type": "Object"})
        return out
    out["ContentTypeField"] = {}
    for field_id, items in by_field.items():
        at = [*path, "ContentTypeField", field_id]
        if field_id not in field_ids:
            errors.append({"name": "unknown", "path": at, "value": field_id,
                           "details": "annotations must name a field of the content type"})  # fmt: skip
        out["ContentTypeField"][field_id] = _assignments(items, at, errors)
    return out


def checked_metadata(metadata: Any, field_ids: Sequence[str]) -> Json:
    """The ``metadata`` of a content-type PUT as the server keeps it; 422 with every problem found."""
    errors: list[Json] = []
    if not isinstance(metadata, dict):
        raise validation_failed([{"name": "type", "path": ["metadata"], "value": metadata, "type": "Object"}])
    out: Json = {}
    for key, value in metadata.items():
        if key == "taxonomy":
            out["taxonomy"] = _taxonomy(value, errors)
        elif key == "annotations":
            out["annotations"] = _annotations(value, field_ids, errors)
        else:
            errors.append({"name": "unexpected", "path": ["metadata", key], "value": value})
    if errors:
        raise validation_failed(errors)
    return out
