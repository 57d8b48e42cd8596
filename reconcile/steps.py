"""The closed set of API steps a plan runs, one class per ``action`` (like :mod:`reconcile.changes`).

Every step names the resource it acts on (``resource_id``: a content-type id or a locale code), says
what it does in plain words (``description``) and lists the changes it carries out (``changes``:
indices into ``Plan.changes``; a step that only prepares a later one, such as omitting a field before
its removal, carries out none). A step that sends a body has it, required: ``PutContentType`` the full
content type (a field with ``renamed_from`` is sent as an API ``newId`` rename), ``PutEditorInterface``
the full editor interface, ``CreateLocale``/``UpdateLocale`` the locale. The bodies a step does not send
are ``None`` (``null`` in the JSON, ``docs/plan-format.md``).

How to add a step: docs/architecture.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field as SchemaField
from pydantic import NonNegativeInt, PositiveInt

from reconcile.model import ContentType, EditorInterface, EntryState, JsonObject, Locale, Tag, Value


class _Step(Value):
    """The keys of every step, in their JSON order. Each step class narrows ``action`` and the three bodies
    (to the body it sends, or to ``None``), so that no step has an optional body."""

    action: str
    resource_id: str
    content_type: ContentType | None
    editor_interface: EditorInterface | None
    locale: Locale | None
    description: str
    #: Indices into ``Plan.changes`` of the changes that take effect with this step.
    changes: tuple[NonNegativeInt, ...] = ()


class _Bodiless(_Step):
    content_type: None = None
    editor_interface: None = None
    locale: None = None


class PutContentType(_Step):
    action: Literal["put_content_type"] = "put_content_type"
    content_type: ContentType
    editor_interface: None = None
    locale: None = None


class PublishContentType(_Bodiless):
    action: Literal["publish_content_type"] = "publish_content_type"


class UnpublishContentType(_Bodiless):
    action: Literal["unpublish_content_type"] = "unpublish_content_type"


class DeleteContentType(_Bodiless):
    action: Literal["delete_content_type"] = "delete_content_type"


class DeleteEntries(_Bodiless):
    """Unpublish and delete every entry of the content type (the pre-apply snapshot holds their data)."""

    action: Literal["delete_entries"] = "delete_entries"


class PutEditorInterface(_Step):
    action: Literal["put_editor_interface"] = "put_editor_interface"
    content_type: None = None
    editor_interface: EditorInterface
    locale: None = None


class _LocaleStep(_Step):
    content_type: None = None
    editor_interface: None = None
    locale: Locale


class CreateLocale(_LocaleStep):
    action: Literal["create_locale"] = "create_locale"


class UpdateLocale(_LocaleStep):
    action: Literal["update_locale"] = "update_locale"


class DeleteLocale(_Bodiless):
    action: Literal["delete_locale"] = "delete_locale"


# --- entries (issue 14: type changes that keep data) ----------------------------------------------------


class PutEntry(_Bodiless):
    """Write one entry's values computed at plan time (``fields``: all its values, the new ones included)
    at the ``version`` read then, and leave it in its publish ``state`` (docs/safety.md): one PUT, plus a
    publish only when it was published with no pending draft; an archived one is unarchived and archived
    again. A 409 means the entry changed since the plan was made."""

    action: Literal["put_entry"] = "put_entry"
    content_type_id: str
    version: PositiveInt
    state: EntryState
    fields: JsonObject
    #: The tags the entry held at plan time: a PUT replaces the whole entry, so it sends them back.
    tags: tuple[str, ...] = ()


class WriteEntries(_Bodiless):
    """Write the converted and filled values of the entries of one content type (``resource_id``), read and
    written page by page (since plan format 1.4; :mod:`reconcile.entry_writes`): one PUT per entry whose values
    change, plus a publish only where its state requires it. The values are computed again from the entries,
    which must be the ones the plan read (``Plan.entries_read``), and must match ``digest``: the plan carries
    no entry values."""

    action: Literal["write_entries"] = "write_entries"
    #: Live id of each converted field -> the id of the temporary field of its new type.
    converted: dict[str, str] = SchemaField(default_factory=dict)
    #: Id of each filled field (as the entries hold it during the phase) -> its fill (``FILE.py:FUNCTION``).
    fills: dict[str, str] = SchemaField(default_factory=dict)
    #: Live field id -> its new id, for the fields the plan renames (they have it during the phase).
    renamed: dict[str, str] = SchemaField(default_factory=dict)
    #: The number of entries written.
    entries: NonNegativeInt
    #: The digest of what is written: see :mod:`reconcile.entry_updates`.
    digest: str


class _TagStep(_Bodiless):
    """A tag step; ``resource_id`` is the tag id. Creates and updates send ``tag`` (their fourth body)."""


class CreateTag(_TagStep):
    action: Literal["create_tag"] = "create_tag"
    tag: Tag


class UpdateTag(_TagStep):
    action: Literal["update_tag"] = "update_tag"
    tag: Tag


class UntagEntries(_TagStep):
    """Remove the tag from every entry holding it (the API refuses to delete a tag still referenced); the
    pre-apply snapshot records which entries held it."""

    action: Literal["untag_entries"] = "untag_entries"


class TagEntries(_TagStep):
    """Put a replaced tag back on the entries its ``untag_entries`` step (same run, same tag) removed it from,
    once the new tag exists, each left in its publish state (since plan format 1.3)."""

    action: Literal["tag_entries"] = "tag_entries"


class DeleteTag(_TagStep):
    action: Literal["delete_tag"] = "delete_tag"


Step = Annotated[
    CreateLocale
    | UpdateLocale
    | DeleteLocale
    | PutContentType
    | PublishContentType
    | DeleteEntries
    | UnpublishContentType
    | DeleteContentType
    | PutEditorInterface
    | PutEntry
    | WriteEntries
    | CreateTag
    | UpdateTag
    | UntagEntries
    | TagEntries
    | DeleteTag,
    SchemaField(discriminator="action"),
]
