"""A content type's ``metadata`` (annotations and taxonomy links) to and from CMA JSON: pure translation.

The API shapes (facts §1.2; ``REC P/content_type/add_taxonomies_to_content_type`` for taxonomy):

* ``metadata.taxonomy``: ``[{"sys": {"type": "Link", "linkType": "TaxonomyConcept" | "TaxonomyConceptScheme",
  "id": …}, "required": bool}]``; the model holds ``{"concept": id, "required": …}`` or
  ``{"concept_scheme": id, "required": …}``.
* ``metadata.annotations``: ``{"ContentType": [assignment], "ContentTypeField": {<field id>: [assignment]}}``,
  an assignment being ``{"sys": {"type": "Link", "linkType": "Annotation", "id": …}, "parameters"?: {…}}``.
  UNSURE: no recording shows annotations; the shape is that of contentful-management.js
  (``entities/content-type.ts``, ``AnnotationAssignment``) and Contentful.net (``ContentTypeMetadata``). The
  model holds ``{"id": …}`` plus ``"parameters"`` on the content type and on each field (so they move with a
  field rename and go with a field delete). Field annotations are keyed by the field's id after the write
  (its ``newId`` on a rename; UNSURE whether the API wants the old id in that one PUT).

Any other key of ``metadata`` is carried over untouched (``unmanaged["metadata"]``). A payload the model
cannot represent (an unknown link type) is a clear error rather than a silent loss on the next PUT.
"""

from __future__ import annotations

from typing import Any

from reconcile.errors import ReconcileError
from reconcile.model import ContentType, JsonObject

_TAXONOMY_KEYS = {"TaxonomyConcept": "concept", "TaxonomyConceptScheme": "concept_scheme"}
_TAXONOMY_LINK_TYPES = {key: link_type for link_type, key in _TAXONOMY_KEYS.items()}
MANAGED_KEYS = ("annotations", "taxonomy")


def _unsupported(content_type_id: str, what: str) -> ReconcileError:
    return ReconcileError(
        f"the live content type '{content_type_id}' has metadata the model cannot represent: {what}",
        hint="this payload shape is not supported yet; please report it with the resource's JSON",
    )


def _link(value: Any, link_types: tuple[str, ...], content_type_id: str) -> tuple[str, str]:
    sys = value.get("sys") if isinstance(value, dict) else None
    if not isinstance(sys, dict) or sys.get("linkType") not in link_types or not isinstance(sys.get("id"), str):
        raise _unsupported(content_type_id, f"{value!r} is not a link to {' or '.join(link_types)}")
    return sys["linkType"], sys["id"]


def _assignments_from_api(items: Any, content_type_id: str) -> tuple[JsonObject, ...]:
    found: list[JsonObject] = []
    for item in items or ():
        _, ident = _link(item, ("Annotation",), content_type_id)
        parameters = item.get("parameters")
        found.append({"id": ident, "parameters": parameters} if parameters else {"id": ident})
    return tuple(found)


def _taxonomy_from_api(items: Any, content_type_id: str) -> tuple[JsonObject, ...]:
    found: list[JsonObject] = []
    for item in items or ():
        link_type, ident = _link(item, tuple(_TAXONOMY_KEYS), content_type_id)
        found.append({_TAXONOMY_KEYS[link_type]: ident, "required": bool(item.get("required", False))})
    return tuple(found)


def metadata_from_api(d: JsonObject) -> tuple[JsonObject, JsonObject | None]:
    """From a content type's JSON: the model's metadata values (``annotations``, ``taxonomy`` and
    ``field_annotations``: field id -> annotations), and what else ``metadata`` holds (None when nothing)."""
    content_type_id = str(d.get("sys", {}).get("id"))
    metadata = d.get("metadata")
    if not isinstance(metadata, dict):
        return {"annotations": (), "taxonomy": (), "field_annotations": {}}, None
    annotations = metadata.get("annotations") or {}
    if not isinstance(annotations, dict):
        raise _unsupported(content_type_id, "metadata.annotations is not an object")
    by_field = annotations.get("ContentTypeField") or {}
    values: JsonObject = {
        "annotations": _assignments_from_api(annotations.get("ContentType"), content_type_id),
        "taxonomy": _taxonomy_from_api(metadata.get("taxonomy"), content_type_id),
        "field_annotations": {k: _assignments_from_api(v, content_type_id) for k, v in by_field.items()},
    }
    rest = {k: v for k, v in metadata.items() if k not in MANAGED_KEYS}
    return values, rest or None


def _assignments_to_api(annotations: tuple[JsonObject, ...]) -> list[JsonObject]:
    out: list[JsonObject] = []
    for annotation in annotations:
        item: JsonObject = {"sys": {"id": annotation["id"], "type": "Link", "linkType": "Annotation"}}
        if annotation.get("parameters"):
            item["parameters"] = annotation["parameters"]
        out.append(item)
    return out


def metadata_to_api(ct: ContentType) -> JsonObject | None:
    """The ``metadata`` of a PUT body: the model's annotations and taxonomy and the live keys it does not
    manage; None when there is nothing to send (a PUT replaces the whole resource, so leaving it out clears it)."""
    body: JsonObject = dict(ct.unmanaged.get("metadata") or {})
    annotations: JsonObject = {}
    if ct.annotations:
        annotations["ContentType"] = _assignments_to_api(ct.annotations)
    by_field = {f.id: _assignments_to_api(f.annotations) for f in ct.fields if f.annotations}
    if by_field:
        annotations["ContentTypeField"] = by_field
    if annotations:
        body["annotations"] = annotations
    if ct.taxonomy:
        body["taxonomy"] = [
            {"sys": {"id": link[key], "type": "Link", "linkType": _TAXONOMY_LINK_TYPES[key]},
             "required": bool(link.get("required", False))}
            for link in ct.taxonomy
            for key in _TAXONOMY_LINK_TYPES
            if key in link
        ]
    return body or None
