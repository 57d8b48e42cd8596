"""The rules for a content type's metadata: annotations (of the content type and of its fields) and taxonomy links.

Known annotations (the CMA facts record no annotation; the ids and what each applies to are contentful-migration's
``availableAnnotations``, which it checks before sending anything): ``Contentful:AggregateRoot``,
``Contentful:ManagedByEnvironmentTemplate`` and ``Contentful:ExperienceType`` mark a content type,
``Contentful:AggregateComponent`` and ``Contentful:GraphQLFieldResolver`` mark a field. contentful-migration also
limits the field types (a Link to Entry or an Array of them; a Symbol, an Array of Symbol or an Object): whether the
API does is UNSURE, so the types are not checked. Another id in the ``Contentful:`` namespace is most likely a
typo and is refused; ids of other namespaces (apps) pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from reconcile.errors import Problem
from reconcile.model import JsonObject, is_valid_id, shown
from reconcile.sources import KeyPath
from reconcile.validate.subjects import ContentTypeLike

#: Known ``Contentful:`` annotation id -> what it may annotate.
KNOWN_ANNOTATIONS = {
    "Contentful:AggregateRoot": "content type",
    "Contentful:ManagedByEnvironmentTemplate": "content type",
    "Contentful:ExperienceType": "content type",
    "Contentful:AggregateComponent": "field",
    "Contentful:GraphQLFieldResolver": "field",
}
_TAXONOMY_TARGETS = ("concept_scheme", "concept")

Report = Callable[[KeyPath, str, str], Problem]


def metadata_problems(ct: ContentTypeLike, report: Report) -> Iterator[Problem]:
    """Every problem of the annotations and taxonomy links of ``ct``; ``report`` makes one problem."""
    yield from _annotation_problems(ct.annotations, ("annotations",), "content type", report)
    for index, field in enumerate(ct.fields):
        if field.annotations:  # most have none: no generator for them
            yield from _annotation_problems(field.annotations, ("fields", index, "annotations"), "field", report)
    yield from _taxonomy_problems(ct.taxonomy, report)


def _annotation_problems(
    annotations: Sequence[JsonObject], at: KeyPath, target: str, report: Report
) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, annotation in enumerate(annotations):
        ident = str(annotation.get("id"))
        where = (*at, index)
        if not ident.strip() or any(c.isspace() for c in ident):
            yield report(where, f"annotation id {shown(ident)} is not valid",
                         'write the annotation id, e.g. "Contentful:AggregateRoot"')
        elif ident.startswith("Contentful:") and ident not in KNOWN_ANNOTATIONS:
            yield report(where, f"unknown Contentful annotation {shown(ident)}",
                         "use one of " + ", ".join(sorted(KNOWN_ANNOTATIONS)) + " (check the spelling)")
        elif KNOWN_ANNOTATIONS.get(ident, target) != target:
            allowed = KNOWN_ANNOTATIONS[ident]
            yield report(where, f"annotation {shown(ident)} is for {allowed}s only, not for {target}s",
                         f"move it to the {allowed}, or remove it")
        if ident in seen:
            yield report(where, f"annotation {shown(ident)} is declared twice", "remove the duplicate")
        seen.add(ident)


def _taxonomy_problems(taxonomy: Sequence[JsonObject], report: Report) -> Iterator[Problem]:
    seen: set[tuple[str, str]] = set()
    for index, link in enumerate(taxonomy):
        where: KeyPath = ("taxonomy", index)
        targets = [key for key in _TAXONOMY_TARGETS if key in link]
        if len(targets) != 1:
            yield report(where, "a taxonomy link names " + ("both a concept scheme and a concept" if targets
                                                            else "neither a concept scheme nor a concept"),
                         'write exactly one of concept_scheme = "ID" or concept = "ID"')
            continue
        key = targets[0]
        ident = link[key]
        if not is_valid_id(ident):
            yield report((*where, key), f"taxonomy {key.replace('_', ' ')} id {shown(str(ident))} is not valid",
                         "use the id of the concept or concept scheme (1-64 letters, digits, '-', '_', '.')")
        if (key, ident) in seen:
            yield report(where, f"taxonomy {key.replace('_', ' ')} {shown(str(ident))} is linked twice",
                         "remove the duplicate")
        seen.add((key, ident))
