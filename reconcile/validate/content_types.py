"""The rules for one content type file: ids, names, fields, validations, defaults, resource links and the
editor interface that goes with it."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from reconcile.errors import Problem
from reconcile.model import ContentModel, JsonObject, is_valid_id, shown
from reconcile.sources import DeclaredModel, KeyPath
from reconcile.validate.editor_interface import editor_problems
from reconcile.validate.metadata import metadata_problems
from reconcile.validate.patterns import pattern_problems
from reconcile.validate.references import Reference, ReferenceKind, reference_problem, unresolved
from reconcile.validate.subjects import ContentTypeLike, EditorLike, FieldLike, ItemsLike
from reconcile.validate.vocabulary import (
    DEFAULT_HINTS,
    DEFAULT_VALUE_TYPES,
    DISPLAY_FIELD_TYPES,
    FIELD_ID_PATTERN,
    MAX_ALLOWED_RESOURCES,
    MAX_FIELD_ID_LENGTH,
    MAX_FIELDS,
    MAX_RESOURCE_LINK_FIELDS,
    RICH_TEXT_NODE_TYPES,
    VALIDATION_SHAPES,
    VALIDATION_TARGETS,
    VOCABULARIES,
    fits_in,
    fits_type,
    is_date,
    strings,
)
from reconcile.wording import a


@dataclass
class ContentTypeCheck:
    """The rules for one content type file: its content type ``ct`` and editor interface ``editor`` (the model's
    values, or views of the file's data: ``validate.subjects``)."""

    declared: DeclaredModel
    ct: ContentTypeLike
    file: Path
    editor: EditorLike | None
    #: Content type ids out of the ownership scope: a link may name one, though no file declares it.
    outside: Callable[[str], bool] = lambda _: False
    #: The validations found clean for a target, with their kind, by their JSON and target (``validation_problems``):
    #: shared by the checks of one run, so that a validation repeated across fields and files is checked once.
    clean: dict[tuple[bytes, str], str] = field(default_factory=dict)
    #: When a list, the names this file uses that other files declare are added to it instead of being checked
    #: against the model (``validate.references``: resolved later against every file's names).
    references: list[Reference] | None = None

    @property
    def model(self) -> ContentModel:
        return self.declared.model

    @property
    def partial(self) -> bool:
        """Some fields or keys of the file did not read: rules that need every field are skipped."""
        return self.declared.unread.partial(self.ct.id)

    def problem(self, key_path: KeyPath, message: str, hint: str) -> Problem:
        line = self.declared.line_of(self.file, self.declared.in_file(self.ct.id, key_path))
        return Problem(str(self.file), self.display(key_path), message, hint, line)

    def display(self, key_path: KeyPath) -> str:
        """``("fields", 2, "items")`` shown as ``fields.body.items``."""
        text = ""
        for index, part in enumerate(key_path):
            if isinstance(part, int):
                after_fields = index == 1 and key_path[0] == "fields" and part < len(self.ct.fields)
                text += f".{self.ct.fields[part].id}" if after_fields else f"[{part}]"
            else:
                text += f".{part}" if text else part
        return text

    def problems(self) -> Iterator[Problem]:
        ct = self.ct
        if not is_valid_id(ct.id):
            yield self.problem(
                ("id",),
                f"content type id {shown(ct.id)} is not valid",
                "use 1-64 characters of letters, digits, '-', '_' and '.', not only dots"
                " (and rename the file to match)",
            )
        if not ct.name.strip():
            yield self.problem(("name",), "the content type name is empty", 'write a name, e.g. name = "Blog post"')
        if len(ct.fields) > MAX_FIELDS:
            yield self.problem(
                ("fields",),
                f"{len(ct.fields)} fields; Contentful allows at most {MAX_FIELDS} per content type",
                "split the content type, or group values in an Object field",
            )
        resource_links = [_is_resource_link(f) for f in ct.fields]
        if sum(resource_links) > MAX_RESOURCE_LINK_FIELDS:
            yield self.problem(
                ("fields",),
                f"{sum(resource_links)} ResourceLink fields; at most {MAX_RESOURCE_LINK_FIELDS} are allowed",
                "remove ResourceLink fields",
            )
        yield from self.field_id_problems()
        for index, f in enumerate(ct.fields):
            if not f.name.strip():
                yield self.problem(("fields", index, "name"), f"field {shown(f.id)} has an empty name",
                                   'write the name editors see, e.g. name = "Title"')
        yield from self.display_field_problems()
        yield from self.rename_problems()
        for index, f in enumerate(ct.fields):
            found = self.field_problems(index, f, resource_links[index])
            if found:
                yield from found
        yield from editor_problems(ct, self.editor, self.partial, self.problem)
        yield from metadata_problems(ct, self.problem)

    def field_id_problems(self) -> Iterator[Problem]:
        seen: set[str] = set()
        for index, f in enumerate(self.ct.fields):
            if not _is_field_id(f.id):
                yield self.problem(
                    ("fields", index, "id"),
                    f"field id {shown(f.id)} is not valid",
                    f"start with a letter, then letters, digits or '_' (at most {MAX_FIELD_ID_LENGTH})",
                )
            if f.id in seen:
                yield self.problem(
                    ("fields", index, "id"),
                    f"field id {shown(f.id)} is declared twice",
                    "give each field its own id, or remove the duplicate [[fields]] entry",
                )
            seen.add(f.id)

    def display_field_problems(self) -> Iterator[Problem]:
        display = self.ct.display_field
        if display is None:
            return
        target = next((f for f in self.ct.fields if f.id == display), None)
        if target is None and not self.partial:
            yield self.problem(
                ("display_field",),
                f"display_field {shown(display)} is not a field of this content type",
                "set it to the id of a Symbol or Text field, or remove it",
            )
        elif target is not None and target.type not in DISPLAY_FIELD_TYPES:
            yield self.problem(
                ("display_field",),
                f"display_field {shown(display)} is {a(target.type)} field; it must be Symbol or Text",
                "choose a Symbol or Text field as the entry title",
            )

    def rename_problems(self) -> Iterator[Problem]:
        sources = Counter(f.renamed_from for f in self.ct.fields if f.renamed_from is not None)
        if not sources:
            return
        ids = {f.id for f in self.ct.fields}
        for index, f in enumerate(self.ct.fields):
            old = f.renamed_from
            if old is None:
                continue
            where = ("fields", index, "renamed_from")
            if old == f.id:
                yield self.problem(where, f"field {shown(f.id)} is renamed from itself", "remove renamed_from")
            elif old in ids:
                yield self.problem(
                    where,
                    f"renamed_from {shown(old)} is the id of another declared field",
                    "a rename source must be an id that no longer exists in the files; remove renamed_from",
                )
            if sources[old] > 1:
                yield self.problem(
                    where,
                    f"renamed_from {shown(old)} is used by {sources[old]} fields",
                    "only one field can take over an old id; remove renamed_from from the others",
                )

    def field_problems(self, index: int, f: FieldLike, resource_link: bool) -> list[Problem]:
        """The problems of one field; ``resource_link``: it is a ResourceLink or an Array of them. A list, not a
        generator: most fields have none, and 50,000 generators cost ``reconcile validate`` (issue 16)."""
        found: list[Problem] = []
        at: KeyPath = ("fields", index)
        field_type, link_type, items = f.type, f.link_type, f.items
        if field_type == "Link":
            if link_type is None:
                found.append(self.problem(at, "a Link field needs link_type", 'add link_type = "Entry" or "Asset"'))
        elif link_type is not None:
            found.append(self.problem(
                (*at, "link_type"),
                f"link_type is only allowed on Link fields (this is {field_type})",
                "remove link_type (for arrays of links put it in items)",
            ))
        if field_type == "Array":
            if items is None:
                found.append(self.problem(
                    at, "an Array field needs items", 'add items = { type = "Symbol" } (or Link with link_type)'
                ))
        elif items is not None:
            found.append(self.problem(
                (*at, "items"), f"items is only allowed on Array fields (this is {field_type})", "remove items"
            ))
        if f.validations:
            target = f"Link:{link_type}" if field_type == "Link" and link_type else field_type
            self.validation_problems((*at, "validations"), f.validations, target, found)
        if items is not None:
            self.items_problems((*at, "items"), items, found)
        if f.default_value is not None:
            found.extend(self.default_value_problems(at, f))
        if f.allowed_resources is not None or resource_link:
            found.extend(self.allowed_resources_problems(at, f))
        return found

    def items_problems(self, at: KeyPath, items: ItemsLike, found: list[Problem]) -> None:
        """The problems of an Array field's ``items`` (at ``at``), added to ``found``."""
        if items.type == "Link" and items.link_type is None:
            found.append(self.problem(at, "items of type Link need link_type", 'add link_type = "Entry" or "Asset"'))
        if items.type != "Link" and items.link_type is not None:
            found.append(self.problem(
                (*at, "link_type"),
                f"link_type is only allowed on Link items (these are {items.type})",
                "remove link_type",
            ))
        if items.validations:
            target = f"Link:{items.link_type}" if items.type == "Link" and items.link_type else items.type
            self.validation_problems((*at, "validations"), items.validations, target, found)

    def validation_problems(
        self, at: KeyPath, validations: Sequence[JsonObject], target: str, found: list[Problem]
    ) -> None:
        """The problems of a list of validations of ``target`` values (at ``at``), added to ``found``."""
        clean = self.clean
        for index, validation in enumerate(validations):
            # The key of its verdict: its JSON (orjson tells 1 from 1.0 and from true, and keeps the key order) and
            # the target; none when JSON cannot tell it apart (null: nan, inf and None alike).
            try:
                encoded = orjson.dumps(validation)
            except orjson.JSONEncodeError:
                encoded = b"null"
            key = None if b"null" in encoded else (encoded, target)
            kind = None if key is None else clean.get(key)
            if kind is None:
                problems: list[Problem] = []
                kind = self.checked_validation((*at, index), validation, target, problems)
                if key is not None and kind is not None and not problems:
                    clean[key] = kind
                found.extend(problems)
            if kind == "linkContentType":
                found.extend(self.link_target_problems((*at, index, kind), validation[kind]))
            elif kind == "nodes":
                found.extend(self.node_problems((*at, index, kind), validation[kind]))

    def checked_validation(
        self, where: KeyPath, validation: JsonObject, target: str, problems: list[Problem]
    ) -> str | None:
        """The problems of one validation that depend on it and its target alone (added to ``problems``); its
        kind when it is well shaped (its links are then checked against the model), else None."""
        kinds = [k for k in validation if k != "message"]
        message = validation.get("message")
        if message is not None and not isinstance(message, str):
            problems.append(self.problem((*where, "message"), "message must be a string", 'write message = "..."'))
        if len(kinds) != 1:
            problems.append(self.problem(
                where,
                f"a validation has exactly one kind besides message; found {len(kinds)}: {', '.join(kinds)}",
                "split it into one { kind = ... } object per validation",
            ))
            return None
        kind = kinds[0]
        if kind not in VALIDATION_TARGETS:
            problems.append(self.problem(
                (*where, kind), f"unknown validation kind {kind!r}", "use one of: " + ", ".join(VALIDATION_TARGETS)
            ))
            return None
        if target not in VALIDATION_TARGETS[kind]:
            fits = ", ".join(sorted(VALIDATION_TARGETS[kind]))
            problems.append(self.problem(
                (*where, kind),
                f"validation {kind!r} does not apply to {target.replace(':', ' ')} values",
                f"{kind} applies to: {fits}"
                + ("; for arrays put it in items.validations" if target == "Array" else ""),
            ))
            return None
        check, example = VALIDATION_SHAPES[kind]
        if not check(validation[kind]):
            problems.append(self.problem((*where, kind), f"{kind} has the wrong shape", f"write it like {example}"))
            return None
        problems.extend(self.value_problems((*where, kind), kind, validation[kind], target))
        return kind

    def value_problems(self, at: KeyPath, kind: str, value: Any, target: str) -> Iterator[Problem]:
        """Values of a well-shaped validation that Contentful refuses, or that no entry can meet."""
        if kind in VOCABULARIES:
            allowed = VOCABULARIES[kind]
            for item in [value] if isinstance(value, str) else value:
                if item not in allowed:
                    yield self.problem(
                        at, f"{kind} names {shown(item)}, which Contentful does not know",
                        "use some of: " + ", ".join(sorted(allowed)),
                    )
        elif kind == "in":
            wrong = [v for v in value if not fits_in(v, target)]
            if wrong:
                yield self.problem(
                    at, f"in lists {', '.join(repr(v) for v in wrong)}, which {a(target)} field can never hold",
                    "list " + ("whole numbers" if target == "Integer" else "numbers" if target == "Number"
                               else "strings, e.g. in = [\"draft\", \"published\"]"),
                )
        elif kind in ("size", "range", "assetFileSize"):
            yield from self.bounds_problems(at, kind, value)
        elif kind in ("regexp", "prohibitRegexp"):
            yield from pattern_problems(kind, value, lambda key, message, hint: self.problem((*at, key), message, hint))
        elif kind == "assetImageDimensions":
            for side, bounds in value.items():
                yield from self.bounds_problems((*at, side), f"{kind}.{side}", bounds)
        elif kind == "dateRange":
            for key, date in value.items():
                if date is not None and not is_date(date):
                    yield self.problem(
                        (*at, key), f"dateRange.{key} {shown(date)} is not an ISO 8601 date",
                        'write a date like "2024-01-31" or "2024-01-31T12:00:00Z"',
                    )

    def bounds_problems(self, at: KeyPath, name: str, bounds: dict[str, Any]) -> Iterator[Problem]:
        low, high = bounds.get("min"), bounds.get("max")
        if low is not None and high is not None and low > high:
            yield self.problem(at, f"{name} has min {low} above max {high}; no value can meet it",
                               "swap min and max, or fix one of them")
        if name in ("size", "assetFileSize") or name.startswith("assetImageDimensions"):
            negative = [v for v in (low, high) if v is not None and v < 0]
            if negative:
                yield self.problem(at, f"{name} has a negative bound {negative[0]}", "use bounds of 0 or more")

    def link_target_problems(self, at: KeyPath, targets: list[str]) -> Iterator[Problem]:
        for target in targets:
            yield from self.reference("content_type", target, at)

    def reference(self, kind: ReferenceKind, name: str, at: KeyPath) -> Iterator[Problem]:
        """The problem when the model lacks ``name`` (``validate.references``), or none: the reference is kept
        in ``references`` when the check collects them."""
        if self.references is None and not unresolved(
                kind, name, self.model.content_types, self.model.locales, self.declared.unread, self.outside):
            return
        reference = Reference(kind, name, self.declared.in_file(self.ct.id, at), self.display(at))
        if self.references is not None:
            self.references.append(reference)
        else:
            yield reference_problem(reference, self.file, self.declared.line_of(self.file, reference.key_path))

    def node_problems(self, at: KeyPath, nodes: dict[str, Any]) -> Iterator[Problem]:
        for node_type, rules in nodes.items():
            node_at = (*at, node_type)
            if node_type not in RICH_TEXT_NODE_TYPES:
                yield self.problem(
                    node_at, f"nodes names {shown(node_type)}, which is not a rich text node type",
                    "use a node type such as entry-hyperlink, embedded-entry-block or asset-hyperlink",
                )
                continue
            if isinstance(rules, dict):  # resource nodes: {validations = [...], allowedResources = [...]}
                rules = rules.get("validations", [])
            if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
                yield self.problem(
                    node_at, "node validations must be a list of tables", "write [{ size = { max = 3 } }]"
                )
                continue
            for index, rule in enumerate(rules):
                targets = rule.get("linkContentType")
                if targets is not None and strings(targets):
                    yield from self.link_target_problems((*node_at, index), targets)

    def default_value_problems(self, at: KeyPath, f: FieldLike) -> Iterator[Problem]:
        if f.default_value is None:  # the caller skips such fields already; this narrows the type
            return
        where = (*at, "default_value")
        if f.type not in DEFAULT_VALUE_TYPES or (f.type == "Array" and (f.items is None or f.items.type != "Symbol")):
            yield self.problem(
                where,
                f"default_value is not allowed on {f.type} fields",
                "defaults exist for Symbol, Text, Integer, Number, Boolean, Date and Array of Symbol; remove it",
            )
            return
        for code, value in f.default_value.items():
            yield from self.reference("locale", code, (*where, code))
            if not fits_type(value, f.type) or (f.type == "Date" and not is_date(value)):
                yield self.problem(
                    (*where, code),
                    f"default value {value!r} does not fit {a(f.type)} field",
                    DEFAULT_HINTS[f.type],
                )

    def allowed_resources_problems(self, at: KeyPath, f: FieldLike) -> Iterator[Problem]:
        resources = f.allowed_resources
        where = (*at, "allowed_resources")
        if not _is_resource_link(f):
            if resources is not None:
                yield self.problem(
                    where, "allowed_resources is only allowed on ResourceLink fields", "remove allowed_resources"
                )
            return
        if resources is None or not 1 <= len(resources) <= MAX_ALLOWED_RESOURCES:
            yield self.problem(
                where if resources is not None else at,
                f"a ResourceLink field needs 1 to {MAX_ALLOWED_RESOURCES} allowed_resources",
                'add allowed_resources = [{ type = "Contentful:Entry", source = "crn:...", contentTypes = ["x"] }]',
            )
            return
        seen: list[Any] = []
        for index, resource in enumerate(resources):
            if not isinstance(resource.get("type"), str):
                yield self.problem((*where, index), "an allowed resource needs a type", 'add type = "Contentful:Entry"')
            source = resource.get("source")
            if source is not None and source in seen:
                yield self.problem(
                    (*where, index, "source"),
                    f"source {resource['source']!r} is listed more than once",
                    "merge the entries into one (list all contentTypes there)",
                )
            seen.append(source)


@functools.lru_cache(maxsize=4096)
def _is_field_id(value: str) -> bool:
    """A valid field id (asked once per distinct id: most files share theirs, issue 16)."""
    return FIELD_ID_PATTERN.fullmatch(value) is not None and len(value) <= MAX_FIELD_ID_LENGTH


def _is_resource_link(f: FieldLike) -> bool:
    """A ResourceLink field, or an Array of them."""
    return f.type == "ResourceLink" or (f.items is not None and f.items.type == "ResourceLink")
