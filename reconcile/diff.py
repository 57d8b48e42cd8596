"""``diff(current, desired)``: the typed changes that turn one content model into another.

Both models are normalised first. Resources are matched by identity (content types and editor
interfaces by content-type id, locales by code, tags by id, fields by id or by ``Field.renamed_from``), never
by position. Child lists get two loops: removes and modifications over the current list, adds over the
desired one. The order of the result is deterministic: tags (by id), locales (by code), then per content type (by
id) its own change, its field changes (current order, then adds in desired order, then moves) and
its editor-interface change.

The planner takes what it needs from the changes themselves; besides :func:`diff`, only
:func:`ignored_renames` is public: the ``renamed_from`` declarations the diff does not treat as renames.

The pure core and how to add a change kind: docs/architecture.md.
"""

from __future__ import annotations

from reconcile.changes import (
    AddField,
    Change,
    ConvertField,
    CreateContentType,
    CreateLocale,
    DeleteContentType,
    DeleteLocale,
    EditorInterfacePart,
    Impact,
    ModifyField,
    MoveField,
    OmitField,
    RemoveField,
    RenameField,
    ReplaceField,
    UpdateContentType,
    UpdateEditorInterface,
    UpdateLocale,
    content_type_address,
    document,
    editor_interface_address,
    field_address,
    leaf_paths,
    locale_address,
    without_rename,
    without_renames,
    worst,
)
from reconcile.conversions import Conversion, conversion
from reconcile.impact import field_impact
from reconcile.interning import Interner
from reconcile.model import ContentModel, ContentType, EditorInterface, Field, Locale
from reconcile.tag_diff import tag_changes

_CONTENT_TYPE_PROPERTIES = ("name", "description", "display_field", "annotations", "taxonomy")
_EDITOR_INTERFACE_PARTS: tuple[tuple[str, EditorInterfacePart], ...] = (
    ("controls", "controls"),
    ("sidebar", "sidebar"),
    ("editors", "editors"),
    ("editor_layout", "editorLayout"),
    ("group_controls", "groupControls"),
)


def diff(current: ContentModel, desired: ContentModel, run: Interner | None = None) -> list[Change]:
    """Every change that turns ``current`` into ``desired``, in a deterministic order.

    ``run`` normalises both (the caller's, when it has normalised them already; else one for this diff).
    """
    if run is None:
        with Interner() as own:
            return diff(current, desired, own)
    cur, des = run.normalize(current), run.normalize(desired)
    changes: list[Change] = []
    if des.tags is not None:  # None: the tags are not managed (no tags.toml)
        changes.extend(tag_changes(cur.tags or {}, des.tags))
    changes.extend(_locale_changes(cur.locales, des.locales))
    for ct_id in sorted(cur.content_types.keys() | des.content_types.keys()):
        before, after = cur.content_types.get(ct_id), des.content_types.get(ct_id)
        if after is None:
            assert before is not None
            address = content_type_address(ct_id)
            changes.append(
                DeleteContentType(address=address, content_type_id=ct_id, before=before, impact="destructive")
            )
            continue
        if before == after:  # unchanged (the common case): only the editor interface can differ
            changes.extend(_editor_interface_changes(cur.editor_interfaces[ct_id], des.editor_interfaces[ct_id]))
            continue
        if before is None:
            created = without_renames(after)
            changes.append(
                CreateContentType(
                    address=content_type_address(ct_id), content_type_id=ct_id, after=created, impact="safe"
                )
            )
            server_ei = run.editor_interface(None, created)
        else:
            changes.extend(_content_type_changes(before, after))
            carried = _carried_fields(before, after)
            server_ei = _projected_editor_interface(cur.editor_interfaces[ct_id], after, carried, run)
        changes.extend(_editor_interface_changes(server_ei, des.editor_interfaces[ct_id]))
    return changes


# ---------------------------------------------------------------------------------------------
# fields


def _field_sources(current: ContentType, desired: ContentType) -> dict[str, str]:
    """Desired field id -> the current field id it continues (the same id, or a valid rename source).

    A rename is valid when its source exists in ``current``, its target does not, and no desired
    field keeps the source id; otherwise the desired field is an add.
    """
    current_ids = {f.id for f in current.fields}
    desired_ids = {f.id for f in desired.fields}
    sources: dict[str, str] = {}
    for field in desired.fields:
        if field.id in current_ids:
            sources[field.id] = field.id
        elif (
            field.renamed_from in current_ids
            and field.renamed_from not in desired_ids
            and field.renamed_from not in sources.values()
        ):
            assert field.renamed_from is not None
            sources[field.id] = field.renamed_from
    return sources


def _is_replacement(before: Field, after: Field) -> bool:
    """A change of type, link type or items type: the API refuses it in place."""
    return (before.type, before.link_type, _items_kind(before)) != (
        after.type,
        after.link_type,
        _items_kind(after),
    )


def _items_kind(field: Field) -> tuple[str, str | None] | None:
    return None if field.items is None else (field.items.type, field.items.link_type)


def _carried_fields(current: ContentType, desired: ContentType) -> dict[str, str]:
    """Desired field id -> current field id, for fields that keep their data (not replaced)."""
    by_id = {f.id: f for f in current.fields}
    desired_by_id = {f.id: f for f in desired.fields}
    return {
        new_id: old_id
        for new_id, old_id in _field_sources(current, desired).items()
        if not _is_replacement(by_id[old_id], desired_by_id[new_id])
    }


def ignored_renames(current: ContentModel, desired: ContentModel) -> list[str]:
    """Notes for the ``renamed_from`` declarations of normalised ``desired`` that the diff does not treat as
    renames (the rules of :func:`_field_sources`), so that nobody is surprised by the add + remove (and the
    data loss) in their place."""
    notes: list[str] = []
    for ct_id, wanted in desired.content_types.items():
        live_ct = current.content_types.get(ct_id)
        # The live content type itself (unchanged, shared by the run's interning): every field id is live.
        if live_ct is None or live_ct is wanted or not any(f.renamed_from for f in wanted.fields):
            continue
        live_fields = {f.id: f for f in live_ct.fields}
        carried = _carried_fields(live_ct, wanted)
        for field in wanted.fields:
            source = live_fields.get(field.renamed_from or "")
            if source is None or field.id in live_fields or field.id in carried:
                continue
            if _is_replacement(source, field):
                why = (f"the type changes ({source.type} → {field.type}), which Contentful refuses in place; "
                       f"the field is created empty and {source.id!r} is removed with its values")
            else:
                why = (f"{source.id!r} is still declared, or another field is renamed from it; "
                       "the field is created empty")
            notes.append(f"{field_address(ct_id, field.id)}: renamed_from = {source.id!r} is not a rename: {why}")
    return notes


def _property_changes(before: ContentType, after: ContentType) -> list[Change]:
    """An ``UpdateContentType`` when a property other than the fields changed."""
    paths = tuple(p for p in _CONTENT_TYPE_PROPERTIES if getattr(before, p) != getattr(after, p))
    if not paths:
        return []
    address = content_type_address(after.id)
    return [
        UpdateContentType(
            address=address, content_type_id=after.id, before=before, after=without_renames(after), paths=paths,
            impact="safe",
        )
    ]


def _content_type_changes(before: ContentType, after: ContentType) -> list[Change]:
    ct_id = after.id
    changes = _property_changes(before, after)
    carried = _carried_fields(before, after)
    target_of = {old: new for new, old in carried.items()}
    desired_by_id = {f.id: f for f in after.fields}
    sources = _field_sources(before, after)
    # Loop 1 over the current fields: removes, replacements and modifications.
    for old in before.fields:
        new_id = target_of.get(old.id)
        if new_id is None:
            replaced = sources.get(old.id) == old.id
            if replaced:
                new = without_rename(desired_by_id[old.id])
                converts = conversion(old, new)
                if converts is None:
                    changes.append(_field_change(ReplaceField, ct_id, old, new, "destructive"))
                else:
                    changes.append(_convert_change(ct_id, old, new, converts))
            else:
                changes.append(
                    RemoveField(
                        address=field_address(ct_id, old.id),
                        content_type_id=ct_id,
                        field_id=old.id,
                        before=old,
                        impact="destructive",
                    )
                )
            continue
        new = desired_by_id[new_id]
        if new_id != old.id:
            renamed = new.model_copy(update={"renamed_from": old.id})
            changes.append(_field_change(RenameField, ct_id, old, renamed, worst("breaking", field_impact(old, new))))
        elif without_rename(old) != without_rename(new):
            kind = OmitField if new.omitted and not old.omitted else ModifyField
            changes.append(_field_change(kind, ct_id, old, without_rename(new), field_impact(old, new)))
    # Loop 2 over the desired fields: adds (including the new side of a rename that cannot be one).
    for new in after.fields:
        if new.id not in sources or (new.id not in carried and sources[new.id] != new.id):
            added = without_rename(new)
            changes.append(
                AddField(
                    address=field_address(ct_id, new.id),
                    content_type_id=ct_id,
                    field_id=new.id,
                    after=added,
                    impact="breaking" if added.required and not added.omitted else "safe",
                )
            )
    changes.extend(_moves(before, after, carried))
    return changes


def _convert_change(ct_id: str, before: Field, after: Field, converts: Conversion) -> ConvertField:
    """A type change whose values convert: lossy ones destroy data; lossless ones keep every value, and
    break readers only where the value's JSON shape changes (not Symbol -> Text, Integer -> Number)."""
    same_json = before.type in ("Symbol", "Text") and after.type in ("Symbol", "Text")
    same_json = same_json or (before.type in ("Integer", "Number") and after.type in ("Integer", "Number"))
    impact: Impact = "destructive" if converts == "lossy" else ("safe" if same_json else "breaking")
    replaced = _field_change(ReplaceField, ct_id, before, after, impact)
    return ConvertField(**{key: getattr(replaced, key) for key in _FIELD_CHANGE_KEYS}, conversion=converts)


_FIELD_CHANGE_KEYS = ("address", "content_type_id", "field_id", "before", "after", "paths", "impact")


def _field_change(
    kind: type[ReplaceField] | type[RenameField] | type[OmitField] | type[ModifyField],
    ct_id: str,
    before: Field,
    after: Field,
    impact: Impact,
) -> Change:
    return kind(
        address=field_address(ct_id, after.id),
        content_type_id=ct_id,
        field_id=after.id,
        before=before,
        after=after,
        paths=tuple(leaf_paths(document(before), document(after))),
        impact=impact,
    )


def _moves(before: ContentType, after: ContentType, carried: dict[str, str]) -> list[Change]:
    """Fields whose place among the carried fields changed: those outside a longest common subsequence."""
    target_of = {old: new for new, old in carried.items()}
    current_order = [target_of[f.id] for f in before.fields if f.id in target_of]
    desired_order = [f.id for f in after.fields if f.id in carried]
    if current_order == desired_order:
        return []
    stay = set(_longest_common_subsequence(current_order, desired_order))
    position_before = {target_of[f.id]: i for i, f in enumerate(before.fields) if f.id in target_of}
    old_by_new = {target_of[f.id]: f for f in before.fields if f.id in target_of}
    moves: list[Change] = []
    for position, field in enumerate(after.fields):
        if field.id in carried and field.id not in stay:
            moves.append(
                MoveField(
                    address=field_address(after.id, field.id),
                    content_type_id=after.id,
                    field_id=field.id,
                    before=old_by_new[field.id],
                    after=without_rename(field),
                    position_before=position_before[field.id],
                    position_after=position,
                    paths=("position",),
                    impact="safe",
                )
            )
    return moves


def _longest_common_subsequence(a: list[str], b: list[str]) -> list[str]:
    lengths = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            lengths[i][j] = lengths[i + 1][j + 1] + 1 if a[i] == b[j] else max(lengths[i + 1][j], lengths[i][j + 1])
    out: list[str] = []
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            out.append(a[i])
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return out


# ---------------------------------------------------------------------------------------------
# editor interfaces


def _projected_editor_interface(
    current: EditorInterface, desired: ContentType, carried: dict[str, str], run: Interner
) -> EditorInterface:
    """What the server holds after ``desired`` is published over a content type with ``current``.

    Controls of carried fields survive (moved to the new id on a rename); deleted and replaced
    fields lose theirs; new fields get bare controls.
    """
    by_field = {c.field_id: c for c in current.controls}
    controls = tuple(
        by_field[old] if new == old else by_field[old].model_copy(update={"field_id": new})
        for new, old in carried.items()
        if old in by_field
    )
    return run.editor_interface(current.model_copy(update={"controls": controls}), desired)


def _editor_interface_changes(server: EditorInterface, desired: EditorInterface) -> list[Change]:
    if server == desired:  # equal values have equal documents
        return []
    before, after = document(server), document(desired)
    if before == after:
        return []
    parts = tuple(api for name, api in _EDITOR_INTERFACE_PARTS if before[name] != after[name])
    ct_id = desired.content_type_id
    return [
        UpdateEditorInterface(
            address=editor_interface_address(ct_id),
            content_type_id=ct_id,
            before=server,
            after=desired,
            parts=parts,
            paths=tuple(leaf_paths(before, after)),
            impact="safe",
        )
    ]


# ---------------------------------------------------------------------------------------------
# locales


def _locale_changes(current: dict[str, Locale], desired: dict[str, Locale]) -> list[Change]:
    changes: list[Change] = []
    for code in sorted(current.keys() | desired.keys()):
        before, after = current.get(code), desired.get(code)
        address = locale_address(code)
        if before is None:
            assert after is not None
            changes.append(CreateLocale(address=address, code=code, after=after, impact="safe"))
        elif after is None:
            changes.append(DeleteLocale(address=address, code=code, before=before, impact="destructive"))
        elif before != after:
            breaking = (
                (before.optional and not after.optional)
                or (before.content_delivery_api and not after.content_delivery_api)
                or (before.content_management_api and not after.content_management_api)
            )
            changes.append(
                UpdateLocale(
                    address=address,
                    code=code,
                    before=before,
                    after=after,
                    paths=tuple(leaf_paths(document(before), document(after))),
                    impact="breaking" if breaking else "safe",
                )
            )
    return changes
