"""The shapes of model files: pydantic models that define exactly what a file may contain.

The JSON Schemas in docs/schema/ are generated from them (``reconcile.declared.schema``). Opaque
Contentful JSON keeps the API's own key names.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, WithJsonSchema, field_validator
from pydantic import Field as Key

from reconcile.model import ID_PATTERN, FieldType, ItemsType, JsonObject, LinkType, TagVisibility
from reconcile.sources import KeyPath

FORMAT_VERSION = 1
# The API's rule for user-chosen ids; with ``is_valid_id`` also what keeps a content type id safe as a
# file name.
CONTENT_TYPE_ID_PATTERN = ID_PATTERN


class _Shape(BaseModel):
    """Every file shape: unknown keys refused, values of exactly the declared type."""

    # defer_build: a run that takes every file from the parse cache never builds the validators.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class ItemsDecl(_Shape):
    """``items`` of an ``Array`` field."""

    type: ItemsType = Key(description="Element type: Symbol, Link or ResourceLink.")
    link_type: LinkType | None = Key(None, description="Entry or Asset; required when type is Link.")
    validations: list[JsonObject] = Key(
        default_factory=list, description="Validations of each element, as in the API (e.g. linkContentType, in, size)."
    )


class EditorDecl(_Shape):
    """The editor-interface control of one field."""

    widget_id: str | None = Key(None, description="Widget id, e.g. singleLine, markdown, dropdown.")
    widget_namespace: str | None = Key(None, description="builtin, extension, app, sidebar-builtin or editor-builtin.")
    settings: JsonObject | None = Key(
        None, description='Widget settings with the API\'s key names, e.g. { helpText = "..." }.'
    )


class AnnotationDecl(_Shape):
    """An annotation with parameters (one without is written as its id alone)."""

    id: str = Key(description="Annotation id, e.g. Contentful:GraphQLFieldResolver.")
    parameters: JsonObject = Key(default_factory=dict, description="The annotation's parameters, as in the API.")


def _annotation_from_id(value: Any) -> Any:
    """An annotation written as its id alone is ``{ id = "..." }``."""
    return {"id": value} if isinstance(value, str) else value


#: One annotation: its id alone, or a table with its parameters (one shape to check, so a problem names the key).
Annotation = Annotated[
    AnnotationDecl,
    BeforeValidator(_annotation_from_id),
    WithJsonSchema({"anyOf": [
        {"type": "string", "description": "Annotation id, e.g. Contentful:AggregateRoot."},
        {"type": "object", "additionalProperties": False, "required": ["id"],
         "properties": {"id": {"type": "string"}, "parameters": {"type": "object"}}},
    ]}),
]

_ANNOTATIONS_HELP = (
    'Annotations (API metadata.annotations), e.g. ["Contentful:AggregateRoot"] or '
    '[{ id = "...", parameters = { ... } }].'
)


class TaxonomyDecl(_Shape):
    """One taxonomy link of a content type: a concept scheme or a concept (exactly one of the two)."""

    concept_scheme: str | None = Key(None, description="Id of a taxonomy concept scheme.")
    concept: str | None = Key(None, description="Id of a taxonomy concept.")
    required: bool = Key(False, description="Entries must be tagged with a concept of it before publishing.")


class FieldDecl(_Shape):
    """One ``[[fields]]`` entry."""

    id: str = Key(description="Field id: a letter, then letters, digits or _ (at most 64).")
    name: str = Key(description="Name shown to editors.")
    type: FieldType = Key(description="Contentful field type.")
    link_type: LinkType | None = Key(None, description="Entry or Asset; required (only) for type Link.")
    items: ItemsDecl | None = Key(None, description="Element type; required (only) for type Array.")
    localized: bool = Key(False, description="Has a value per locale.")
    required: bool = Key(False, description="Entries cannot be published without a value.")
    disabled: bool = Key(False, description="Hidden from editing in the web app.")
    omitted: bool = Key(False, description="Left out of delivery API responses (first step of deletion).")
    validations: list[JsonObject] = Key(
        default_factory=list, description="Validation objects as in the API, each one kind plus an optional message."
    )
    default_value: JsonObject | None = Key(
        None, description='Default per locale code, e.g. { "en-US" = "draft" } (API defaultValue).'
    )
    allowed_resources: list[JsonObject] | None = Key(
        None, description="ResourceLink targets as in the API (allowedResources), 1 to 20 items."
    )
    renamed_from: str | None = Key(
        None, description="The id this field had before: planned as a rename (API newId), not delete+add."
    )
    editor: EditorDecl | None = Key(None, description="Editor-interface control (widget) of this field.")
    fill: str | None = Key(
        None, description='A function computing the values when this field is added, retyped, renamed or its '
        'validations change: "transforms/people.py:first_name" (path from the project root; docs/transforms.md).'
    )
    annotations: list[Annotation] = Key(default_factory=list, description=_ANNOTATIONS_HELP)


class EditorInterfaceDecl(_Shape):
    """``[editor_interface]``: the parts of the editor interface besides field controls.

    An absent key means Contentful's default; an empty list is an explicit empty list."""

    sidebar: list[JsonObject] | None = Key(None, description="Sidebar widgets as in the API.")
    editors: list[JsonObject] | None = Key(None, description="Entry editors as in the API.")
    editor_layout: list[JsonObject] | None = Key(None, description="Field groups (API editorLayout).")
    group_controls: list[JsonObject] | None = Key(None, description="Widgets of the layout groups (API groupControls).")


def _check_format(value: int) -> int:
    """Refuse any ``format`` but this version's."""
    if value != FORMAT_VERSION:
        raise ValueError(f"format must be {FORMAT_VERSION}")
    return value


class ContentTypeFile(_Shape):
    """A ``models/content_types/<id>.toml`` file."""

    format: int = Key(description="File format version; must be 1.", json_schema_extra={"const": 1})
    id: str = Key(description="Content type id; must equal the file name without .toml.")
    name: str = Key(description="Name shown to editors.")
    description: str | None = Key(None, description="Description shown to editors.")
    display_field: str | None = Key(None, description="Id of the Symbol or Text field used as entry title.")
    annotations: list[Annotation] = Key(default_factory=list, description=_ANNOTATIONS_HELP)
    taxonomy: list[TaxonomyDecl] = Key(
        default_factory=list,
        description='Taxonomy links (API metadata.taxonomy), e.g. [{ concept_scheme = "ID", required = true }].',
    )
    fields: list[FieldDecl] = Key(default_factory=list, description="The fields, in the order editors see them.")
    editor_interface: EditorInterfaceDecl | None = Key(
        None, description="Sidebar, editors and layout; absent means Contentful's defaults."
    )

    _format = field_validator("format")(_check_format)


class LocaleDecl(_Shape):
    """One ``[[locales]]`` entry."""

    code: str = Key(description="Locale code, e.g. en-US.")
    name: str = Key(description="Name shown to editors.")
    fallback_code: str | None = Key(None, description="Locale to fall back to; absent means no fallback.")
    optional: bool = Key(False, description="Required fields may stay empty in this locale.")
    default: bool = Key(False, description="The space's default locale (exactly one).")
    content_delivery_api: bool = Key(True, description="Included in delivery API responses.")
    content_management_api: bool = Key(True, description="Editable through the management API.")


class LocalesFile(_Shape):
    """The ``models/locales.toml`` file."""

    format: int = Key(description="File format version; must be 1.", json_schema_extra={"const": 1})
    locales: list[LocaleDecl] = Key(default_factory=list, description="The environment's locales.")

    _format = field_validator("format")(_check_format)


class TagDecl(_Shape):
    """One ``[[tags]]`` entry."""

    id: str = Key(description="Tag id: 1-64 letters, digits, '-', '_' or '.'.")
    name: str = Key(description="Name shown to editors; unique in the environment.")
    visibility: TagVisibility = Key(
        "private", description="private (only in the web app and the management API) or public; fixed at creation."
    )


class TagsFile(_Shape):
    """The ``models/tags.toml`` file (optional: without it the environment's tags are not managed)."""

    format: int = Key(description="File format version; must be 1.", json_schema_extra={"const": 1})
    tags: list[TagDecl] = Key(
        default_factory=list, description="The environment's tags; a live tag not listed here is deleted."
    )

    _format = field_validator("format")(_check_format)


def shape_at(shape: type[BaseModel], key_path: KeyPath) -> type[BaseModel] | None:
    """The file-shape class that describes the table at ``key_path`` (list indices skipped)."""
    current: type[BaseModel] = shape
    for part in key_path:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        nested = _shape_in(info.annotation) if info is not None else None
        if nested is None:
            return None
        current = nested
    return current


def _shape_in(annotation: Any) -> type[BaseModel] | None:
    """The file shape inside a type annotation (``FieldDecl`` in ``list[FieldDecl]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, _Shape):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _shape_in(arg)
        if found is not None:
            return found
    return None
