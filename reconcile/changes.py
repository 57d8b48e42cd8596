"""The closed set of change values a diff produces (``VerbNoun``), and the paths inside them.

Every change has an ``address`` (``content_types.blogPost``, ``content_types.blogPost.fields.body``,
``editor_interfaces.blogPost``, ``locales.de-DE``, ``tags.featured``), ``before`` and ``after`` values (``None`` for the
side that does not exist), ``paths``: the property paths that changed, and an ``impact``:

* ``safe``: nothing breaks for API consumers or editors;
* ``breaking``: API consumers or entries may break (a required field added, a validation added or
  tightened, a field omitted, disabled, renamed or its ``localized`` flag changed, a locale made
  mandatory or hidden from an API);
* ``destructive``: data is lost (a field removed or replaced, a content type or a locale deleted, a tag
  deleted or replaced: the entries holding it lose it).

The ``after`` of a change carries no ``renamed_from`` (:func:`without_renames`), except that of a
``RenameField``, which names the source. Paths address the :func:`document` of ``before``/``after``: the
value's JSON under the model's own (snake_case) names, without ``renamed_from`` and ``unmanaged``;
editor-interface controls are keyed by field id. Syntax: keys joined by ``.``, list positions as
``[i]``: ``validations[0].size.max``, ``controls.body.widget_id``. :func:`value_at` resolves one.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field as SchemaField

from reconcile.addresses import content_type_address as content_type_address
from reconcile.addresses import editor_interface_address as editor_interface_address
from reconcile.addresses import field_address as field_address
from reconcile.addresses import locale_address as locale_address
from reconcile.addresses import tag_address as tag_address
from reconcile.model import ContentType, EditorInterface, Field, Locale, Tag, Value

Impact = Literal["safe", "breaking", "destructive"]
IMPACT_RANK: dict[Impact, int] = {"safe": 0, "breaking": 1, "destructive": 2}


def worst(*impacts: Impact) -> Impact:
    """The most severe of ``impacts``."""
    return max(impacts, key=IMPACT_RANK.__getitem__)


class _Change(Value):
    address: str
    paths: tuple[str, ...] = ()
    impact: Impact


class _ContentTypeChange(_Change):
    content_type_id: str

    @property
    def resource_id(self) -> str:
        """The id of the resource the change's steps act on: the content type."""
        return self.content_type_id


class CreateContentType(_ContentTypeChange):
    kind: Literal["CreateContentType"] = "CreateContentType"
    before: None = None
    after: ContentType


class DeleteContentType(_ContentTypeChange):
    kind: Literal["DeleteContentType"] = "DeleteContentType"
    before: ContentType
    after: None = None


class UpdateContentType(_ContentTypeChange):
    """``name``, ``description``, ``display_field``, ``annotations`` or ``taxonomy`` changed (fields are separate
    changes)."""

    kind: Literal["UpdateContentType"] = "UpdateContentType"
    before: ContentType
    after: ContentType


class PublishContentType(_ContentTypeChange):
    """The live content type has unpublished draft changes; its content already matches."""

    kind: Literal["PublishContentType"] = "PublishContentType"
    before: ContentType
    after: ContentType


class _FieldChange(_ContentTypeChange):
    field_id: str


class AddField(_FieldChange):
    kind: Literal["AddField"] = "AddField"
    before: None = None
    after: Field


class ModifyField(_FieldChange):
    kind: Literal["ModifyField"] = "ModifyField"
    before: Field
    after: Field


class RenameField(_FieldChange):
    """``before.id`` becomes ``after.id`` (API ``newId``); ``paths`` include ``id`` and any other change."""

    kind: Literal["RenameField"] = "RenameField"
    before: Field
    after: Field


class MoveField(_FieldChange):
    """The field's place among the fields kept on both sides changed (0-based positions)."""

    kind: Literal["MoveField"] = "MoveField"
    before: Field
    after: Field
    position_before: int
    position_after: int


class OmitField(_FieldChange):
    """The field becomes ``omitted`` (hidden from the delivery APIs), possibly with other changes."""

    kind: Literal["OmitField"] = "OmitField"
    before: Field
    after: Field


class RemoveField(_FieldChange):
    kind: Literal["RemoveField"] = "RemoveField"
    before: Field
    after: None = None


class ReplaceField(_FieldChange):
    """``type``, ``link_type`` or ``items`` type changed: planned as omit, remove and re-add."""

    kind: Literal["ReplaceField"] = "ReplaceField"
    before: Field
    after: Field


class ConvertField(_FieldChange):
    """``type``, ``link_type`` or ``items`` type changed where the values convert
    (:mod:`reconcile.conversions`), or where a declared fill computes them (``fill``): planned as an
    expand/contract that keeps them."""

    kind: Literal["ConvertField"] = "ConvertField"
    before: Field
    after: Field
    conversion: Literal["lossless", "lossy", "fill"]


EditorInterfacePart = Literal["controls", "sidebar", "editors", "editorLayout", "groupControls"]


class UpdateEditorInterface(_ContentTypeChange):
    """``before`` is what the server will hold after the content-type publishes; ``parts`` changed."""

    kind: Literal["UpdateEditorInterface"] = "UpdateEditorInterface"
    before: EditorInterface
    after: EditorInterface
    parts: tuple[EditorInterfacePart, ...]


class _LocaleChange(_Change):
    code: str

    @property
    def resource_id(self) -> str:
        """The id of the resource the change's steps act on: the locale code."""
        return self.code


class CreateLocale(_LocaleChange):
    kind: Literal["CreateLocale"] = "CreateLocale"
    before: None = None
    after: Locale


class UpdateLocale(_LocaleChange):
    kind: Literal["UpdateLocale"] = "UpdateLocale"
    before: Locale
    after: Locale


class DeleteLocale(_LocaleChange):
    kind: Literal["DeleteLocale"] = "DeleteLocale"
    before: Locale
    after: None = None


class _TagChange(_Change):
    tag_id: str

    @property
    def resource_id(self) -> str:
        """The id of the resource the change's steps act on: the tag."""
        return self.tag_id


class CreateTag(_TagChange):
    kind: Literal["CreateTag"] = "CreateTag"
    before: None = None
    after: Tag


class UpdateTag(_TagChange):
    """The tag's ``name`` changed (the only property Contentful changes in place)."""

    kind: Literal["UpdateTag"] = "UpdateTag"
    before: Tag
    after: Tag


class ReplaceTag(_TagChange):
    """The tag's ``visibility`` changed, which Contentful fixes at creation: untag, delete, create again."""

    kind: Literal["ReplaceTag"] = "ReplaceTag"
    before: Tag
    after: Tag


class DeleteTag(_TagChange):
    kind: Literal["DeleteTag"] = "DeleteTag"
    before: Tag
    after: None = None


Change = Annotated[
    CreateContentType
    | DeleteContentType
    | UpdateContentType
    | PublishContentType
    | AddField
    | ModifyField
    | RenameField
    | MoveField
    | OmitField
    | RemoveField
    | ReplaceField
    | ConvertField
    | UpdateEditorInterface
    | CreateLocale
    | UpdateLocale
    | DeleteLocale
    | CreateTag
    | UpdateTag
    | ReplaceTag
    | DeleteTag,
    SchemaField(discriminator="kind"),
]


def without_rename(field: Field) -> Field:
    """``field`` without ``renamed_from`` (the field itself when it has none: no copy)."""
    return field if field.renamed_from is None else field.model_copy(update={"renamed_from": None})


def without_renames(content_type: ContentType) -> ContentType:
    """``content_type`` with no field's ``renamed_from`` (itself when none has one: canonical values
    stay canonical, so what is built from them is not normalised again)."""
    if all(f.renamed_from is None for f in content_type.fields):
        return content_type  # the common case: nothing to copy
    fields = tuple(map(without_rename, content_type.fields))
    return content_type.model_copy(update={"fields": fields})


def document(value: ContentType | Field | EditorInterface | Locale | Tag | None) -> Any:
    """The JSON document that change paths address (see the module docstring)."""
    if value is None:
        return None
    data: dict[str, Any] = value.model_dump(mode="json", exclude={"renamed_from", "unmanaged"})
    if isinstance(value, ContentType):
        data["fields"] = [f.model_dump(mode="json", exclude={"renamed_from"}) for f in value.fields]
    if isinstance(value, EditorInterface):
        data["controls"] = {c.pop("field_id"): c for c in data["controls"]}
    return data


_SEGMENT = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def value_at(doc: Any, path: str, default: Any = None) -> Any:
    """The value at ``path`` inside ``doc``; ``default`` when the path does not exist there."""
    current = doc
    for match in _SEGMENT.finditer(path):
        index, key = match.groups()
        if index is not None:
            position = int(index)
            if not isinstance(current, list) or position >= len(current):
                return default
            current = current[position]
        else:
            if not isinstance(current, dict) or key not in current:
                return default
            current = current[key]
    return current


def leaf_paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    """The paths of the leaves that differ between two JSON documents, in document order.

    A member present on one side only, or a list element beyond the other side's length, is
    reported as a whole.
    """
    if isinstance(before, dict) and isinstance(after, dict):
        members = [
            (f"{prefix}.{key}" if prefix else str(key), key in before and key in after, before.get(key), after.get(key))
            for key in [*before, *(k for k in after if k not in before)]
        ]
    elif isinstance(before, list) and isinstance(after, list):
        shorter = min(len(before), len(after))
        members = [
            (f"{prefix}[{i}]", i < shorter, before[i] if i < shorter else None, after[i] if i < shorter else None)
            for i in range(max(len(before), len(after)))
        ]
    else:
        return [] if before == after else [prefix]
    paths: list[str] = []
    for path, in_both, old, new in members:
        if not in_both:
            paths.append(path)
        elif old != new:
            # Recurse only into two containers of one kind (an interface's controls are thousands of leaves).
            if (isinstance(old, dict) and isinstance(new, dict)) or (isinstance(old, list) and isinstance(new, list)):
                paths.extend(leaf_paths(old, new, path))
            else:
                paths.append(path)
    return paths
