"""Pure domain values for a Contentful content model.

Everything here is a frozen pydantic value with no I/O. Python names are snake_case; the mapping to
and from the Content Management API's camelCase JSON lives only in ``backend`` (and, for TOML, in
``declared``). JSON sub-documents that Contentful treats as opaque to the model (validation objects,
widget settings, sidebar items, editor layout groups) are kept as plain JSON values with the API's
own key names, because that is exactly how they are written in the model files too.

A ``ContentModel`` is what both sides of a diff look like: the declared files and the live
environment are each read into one. ``LiveState`` adds what only the live side has: the ``sys``
metadata (versions, publish state, who changed what) needed to write and to report drift.

The pure core these values belong to: docs/architecture.md.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer
from pydantic import Field as PydanticField

FieldType = Literal[
    "Symbol",
    "Text",
    "RichText",
    "Integer",
    "Number",
    "Date",
    "Boolean",
    "Location",
    "Object",
    "Link",
    "Array",
    "ResourceLink",
]
ItemsType = Literal["Symbol", "Link", "ResourceLink"]
LinkType = Literal["Entry", "Asset"]

JsonObject = dict[str, Any]

#: Contentful's rule for ids users choose (content types, entries, environments; locale sys ids fit it too):
#: 1 to 64 letters, digits, '-', '_' and '.'. Every such id becomes a segment of a request URL.
ID_PATTERN = re.compile(r"[a-zA-Z0-9\-_.]{1,64}")


def is_valid_id(value: object) -> bool:
    """Whether ``value`` is an id that is safe as one URL path segment: ``ID_PATTERN``, and not only dots
    (``.`` and ``..`` are path segments that address another resource)."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None and value.strip(".") != ""


def first_free(base: str, taken: Collection[str], separator: str = "") -> str:
    """``base``, or when ``taken`` holds it the first of ``base<separator>2``, ``base<separator>3``, ... that
    it does not: a new id beside existing ones."""
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{separator}{number}"
    return candidate


def shown(text: str) -> str:
    """A quoted id for messages; look-alike characters (homoglyphs, invisible marks) are made visible as
    escapes, so ``'t\\u0456tle'`` is not mistaken for ``'title'``."""
    return repr(text) if text.isascii() else f"{text!a} (contains non-ASCII characters)"


def printable(text: str) -> str:
    """``text`` with every character that is not printable (terminal controls such as ESC or BEL, NUL, lone
    surrogates) written as its escape, so a key of a hostile file cannot act on the terminal it is shown in."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


_SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON escape of a UTF-16 surrogate: the only way a lone surrogate gets into text parsed from UTF-8.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def lone_surrogate_path(value: Any, source: str | bytes) -> str | None:
    """The key path (``a.b.0``) of the first string or key of ``value``, JSON parsed from ``source``, that
    holds a lone UTF-16 surrogate (an escape such as ``\\ud800``, not text: it cannot be written as UTF-8,
    printed, or sent); None when there is none. Only a ``source`` with surrogate escapes is walked."""
    escaped = _SURROGATE_ESCAPE_BYTES.search(source) if isinstance(source, bytes) else _SURROGATE_ESCAPE.search(source)
    if escaped is None:
        return None
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str) and _SURROGATE.search(node):
            return path or "(top level)"
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            name = printable(str(key) if len(str(key)) <= 80 else f"{str(key)[:60]}…({len(str(key))} characters)")
            child_path = f"{path}.{name}" if path else name
            if isinstance(key, str) and _SURROGATE.search(key):
                return child_path
            stack.append((child_path, child))
    return None


FIELD_TYPES: tuple[str, ...] = get_args(FieldType)
ITEMS_TYPES: tuple[str, ...] = get_args(ItemsType)
LINK_TYPES: tuple[str, ...] = get_args(LinkType)


class Value(BaseModel):
    """Base of every domain value: immutable, unknown keys refused."""

    # defer_build: validators built on first use (a validate served by the parse cache builds none; issue 16)
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class OmitsEmpty(Value):
    """A value whose attributes ``OMIT_WHEN_EMPTY`` are left out of every dump while empty (or None): documents,
    fingerprints and plan files stay as they were for values that do not use them."""

    OMIT_WHEN_EMPTY: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _without_empty(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for key in self.OMIT_WHEN_EMPTY:
                if key in data and not data[key]:
                    del data[key]
        return data


#: The metadata lists of content types and fields; each item is a plain JSON object in the model files' own
#: form. An annotation: ``{"id": "Contentful:AggregateRoot"}`` plus ``"parameters"`` when it has any. A
#: taxonomy link: ``{"concept": id}`` or ``{"concept_scheme": id}``, plus ``"required"`` (see ``normalize``).
METADATA_KEYS = ("annotations", "taxonomy")


def drop_empty_metadata(attributes: dict[str, Any]) -> None:
    """Leave out empty metadata lists (``METADATA_KEYS``), as the dumps do."""
    for key in METADATA_KEYS:
        if key in attributes and not attributes[key]:
            del attributes[key]


class _WithMetadata(OmitsEmpty):
    """A value with optional metadata lists (annotations, taxonomy): an empty list is the same as absent."""

    OMIT_WHEN_EMPTY: ClassVar[tuple[str, ...]] = METADATA_KEYS


class Items(Value):
    """The element type of an ``Array`` field."""

    type: ItemsType
    link_type: LinkType | None = None
    validations: tuple[JsonObject, ...] = ()


class Field(_WithMetadata):
    """One field of a content type, with Contentful's server defaults as Python defaults."""

    id: str
    name: str
    type: FieldType
    link_type: LinkType | None = None
    items: Items | None = None
    localized: bool = False
    required: bool = False
    disabled: bool = False
    omitted: bool = False
    validations: tuple[JsonObject, ...] = ()
    # Per-locale map, e.g. {"en-US": "draft"}; None means absent (the API refuses an explicit null).
    default_value: JsonObject | None = None
    # ResourceLink / Array-of-ResourceLink only.
    allowed_resources: tuple[JsonObject, ...] | None = None
    # Declared only: the live id this field had before; planned as an API ``newId`` rename.
    renamed_from: str | None = None
    # API ``metadata.annotations.ContentTypeField[<field id>]``: they move with a rename, go with a delete.
    annotations: tuple[JsonObject, ...] = ()


class ContentType(_WithMetadata):
    id: str
    name: str
    description: str | None = None
    display_field: str | None = None
    fields: tuple[Field, ...] = ()
    # API ``metadata.annotations.ContentType`` and ``metadata.taxonomy`` (see ``METADATA_KEYS``).
    annotations: tuple[JsonObject, ...] = ()
    taxonomy: tuple[JsonObject, ...] = ()
    # Top-level keys of the live resource that the model does not manage (e.g. ``metadata``).
    # Never compared; carried over into every full-body PUT so a write never drops them.
    unmanaged: JsonObject = {}


class Control(Value):
    """The editor-interface control of one field: which widget edits it, with which settings."""

    field_id: str
    widget_id: str | None = None
    widget_namespace: str | None = None
    settings: JsonObject | None = None


class EditorInterface(Value):
    """The editor interface of one content type. ``None`` parts mean "absent: Contentful's defaults"."""

    content_type_id: str
    controls: tuple[Control, ...] = ()
    sidebar: tuple[JsonObject, ...] | None = None
    editors: tuple[JsonObject, ...] | None = None
    editor_layout: tuple[JsonObject, ...] | None = None
    group_controls: tuple[JsonObject, ...] | None = None
    unmanaged: JsonObject = {}


class Locale(Value):
    code: str
    name: str
    fallback_code: str | None = None
    optional: bool = False
    default: bool = False
    content_delivery_api: bool = True
    content_management_api: bool = True


TagVisibility = Literal["private", "public"]


class Tag(Value):
    """An environment-level tag. Its visibility is fixed at creation (a change is a replacement)."""

    id: str
    name: str
    # UNSURE: the API's default when none is sent is not recorded; "private" is what the web app offers first.
    visibility: TagVisibility = "private"


class ContentModel(OmitsEmpty):
    """A whole environment's content model, keyed by id (locales by code).

    ``tags`` None means "tags are not managed": a models directory without ``tags.toml``, a snapshot made
    before tags were read. A live environment always has a mapping (maybe empty). None and an empty mapping
    are left out of dumps and fingerprints alike.
    """

    content_types: dict[str, ContentType] = {}
    editor_interfaces: dict[str, EditorInterface] = {}
    locales: dict[str, Locale] = {}
    tags: dict[str, Tag] | None = None

    OMIT_WHEN_EMPTY: ClassVar[tuple[str, ...]] = ("tags",)


ResourceKind = Literal["content_type", "editor_interface", "locale", "tag"]


def resource_key(kind: ResourceKind, ident: str) -> str:
    """The key of a live resource in ``LiveState.meta``: ``"content_type:blogPost"``, ``"locale:de-DE"``."""
    return f"{kind}:{ident}"


class ResourceMeta(Value):
    """What the live ``sys`` of one resource says, beyond its content."""

    sys_id: str
    version: int
    published_version: int | None = None
    updated_at: str | None = None
    updated_by: str | None = None

    @property
    def is_published(self) -> bool:
        return self.published_version is not None

    @property
    def has_unpublished_changes(self) -> bool:
        """Draft-only, or published with later draft changes (Contentful's SDK convention)."""
        return self.published_version is None or self.version >= self.published_version + 2


class LiveState(Value):
    """A live environment as read: the model plus each resource's ``sys`` metadata."""

    model: ContentModel
    meta: dict[str, ResourceMeta] = {}

    def meta_for(self, kind: ResourceKind, ident: str) -> ResourceMeta | None:
        return self.meta.get(resource_key(kind, ident))


EntryState = Literal["archived", "draft", "changed", "published"]


class Entry(Value):
    """One entry as the tool needs it: identity, versions, and its values (field id -> locale -> value).

    ``source`` is the API's JSON the entry was read from, kept only so that a snapshot stores it as read;
    the backend alone looks inside it.
    """

    id: str
    content_type_id: str
    version: int
    published_version: int | None = None
    #: ``sys.archivedVersion``: set while the entry is archived (facts §2).
    archived_version: int | None = None
    fields: JsonObject = {}
    #: Ids of the tags the entry holds (API ``metadata.tags``).
    tags: tuple[str, ...] = ()
    source: JsonObject | None = PydanticField(default=None, repr=False)

    @property
    def state(self) -> EntryState:
        """Its publish state: archived, draft (never published or unpublished), changed (published with
        pending changes) or published (the published version is the latest)."""
        if self.archived_version is not None:
            return "archived"
        if self.published_version is None:
            return "draft"
        return "published" if self.version == self.published_version + 1 else "changed"


class User(Value):
    """A member of the space, as the space's users endpoint describes them: who a ``sys.updatedBy`` id is."""

    id: str
    name: str = ""
    email: str = ""
