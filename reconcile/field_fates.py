"""What a plan does to the live fields of each content type (renamed, removed, replaced, converted), from the diff's
field changes, and the content type bodies the builder's phases put because of it (:mod:`reconcile.builder`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reconcile.changes import Change, ConvertField, RemoveField, RenameField, ReplaceField
from reconcile.conversion_steps import temporary_field
from reconcile.model import ContentType, Field


@dataclass
class FieldFates:
    """What a plan does to the live fields of one content type, as its field changes say."""

    #: Desired field id -> the live field id it renames.
    renamed: dict[str, str] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    #: Ids of fields whose type changes (removed, then re-added), in change order.
    replaced: list[str] = field(default_factory=list)
    #: Ids of fields whose type changes keeping the values -> their change (see ``conversions``).
    converted: dict[str, ConvertField] = field(default_factory=dict)
    #: Converted field id -> the id of the temporary field of its new type.
    temporary: dict[str, str] = field(default_factory=dict)

    def dooms(self, field_id: str) -> bool:
        """Whether the live field ``field_id`` is removed or replaced (converted ones are replaced too)."""
        return field_id in self.removed or field_id in self.replaced or field_id in self.converted


def field_fates(changes: Sequence[Change]) -> dict[str, FieldFates]:
    fates: dict[str, FieldFates] = {}
    for change in changes:
        if isinstance(change, RenameField):
            fates.setdefault(change.content_type_id, FieldFates()).renamed[change.after.id] = change.before.id
        elif isinstance(change, RemoveField):
            fates.setdefault(change.content_type_id, FieldFates()).removed.add(change.before.id)
        elif isinstance(change, ReplaceField):
            fates.setdefault(change.content_type_id, FieldFates()).replaced.append(change.before.id)
        elif isinstance(change, ConvertField):
            fates.setdefault(change.content_type_id, FieldFates()).converted[change.before.id] = change
    return fates


def first_body(live_ct: ContentType, desired: ContentType, fates: FieldFates) -> ContentType:
    """Desired fields (renames marked), with the fields later phases remove or replace kept as live at their
    live place."""
    live_by_id = {f.id: f for f in live_ct.fields}
    fields = [
        live_by_id[f.id] if f.id in fates.replaced or f.id in fates.converted else _renamed(f, fates.renamed.get(f.id))
        for f in desired.fields
    ]
    for field_id in fates.converted:  # the temporary field of the new type, after the live one
        fields.insert(fields.index(live_by_id[field_id]) + 1, temporary_field(fates.converted[field_id].after,
                                                                              fates.temporary[field_id]))
    new_id = {old: new for new, old in fates.renamed.items()}
    present = [f.id for f in fields]
    for index, old in enumerate(live_ct.fields):
        if old.id not in fates.removed:
            continue
        anchor = next(
            (new_id.get(p.id, p.id) for p in reversed(live_ct.fields[:index]) if new_id.get(p.id, p.id) in present),
            None,
        )
        position = present.index(anchor) + 1 if anchor is not None else 0
        fields.insert(position, old)
        present.insert(position, old.id)
    return desired.model_copy(update={"fields": tuple(fields), "unmanaged": live_ct.unmanaged})


def _renamed(field: Field, source: str | None) -> Field:
    """``field`` with ``renamed_from`` = ``source`` (itself when it has that already)."""
    return field if field.renamed_from == source else field.model_copy(update={"renamed_from": source})


def same_content(live_ct: ContentType, desired: ContentType) -> bool:
    """Equal fields (no renames) and properties: then ``first_body`` would return ``live_ct`` itself."""
    return (
        live_ct.fields == desired.fields
        and live_ct.name == desired.name
        and live_ct.description == desired.description
        and live_ct.display_field == desired.display_field
        and live_ct.annotations == desired.annotations
        and live_ct.taxonomy == desired.taxonomy
    )


def with_fields(content_type: ContentType, fields: tuple[Field, ...]) -> ContentType:
    """``content_type`` with ``fields`` (itself when they are its fields already)."""
    return content_type if fields is content_type.fields else content_type.model_copy(update={"fields": fields})


def omitting(fields: Sequence[Field], doomed: Sequence[str]) -> tuple[tuple[Field, ...], list[str]]:
    """``fields`` with the doomed ones not yet omitted marked ``omitted``, and the ids so marked."""
    to_omit = [f.id for f in fields if f.id in doomed and not f.omitted]
    if not to_omit:
        return tuple(fields), to_omit
    return tuple(f.model_copy(update={"omitted": True}) if f.id in to_omit else f for f in fields), to_omit
