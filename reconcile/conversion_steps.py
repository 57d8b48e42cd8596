"""The steps of a conversion's ``convert_entries`` phase, and the temporary field it writes into.

Pure: the entries were read at plan time (whole: all locales, version, publish state), the values are
converted here (:mod:`reconcile.conversions`), and the plan carries them, so that apply writes exactly
what the plan showed; an entry changed since makes its PUT fail with a version conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from reconcile.addresses import parse_address
from reconcile.changes import Change, ConvertField
from reconcile.conversions import convert_values, lossy_count, temporary_id
from reconcile.model import ContentType, Entry, Field, JsonObject
from reconcile.plan import Plan
from reconcile.steps import PutEntry, Step

#: Appended to a field address in ``Plan.blocked`` when that field's fill failed: no policy unblocks it.
FILL_FAILED = "#fill-failed"


def temporary_field(after: Field, temporary_id: str) -> Field:
    """The temporary field of the new type: the desired field under ``temporary_id``, not required (entries
    without a value must stay publishable while both fields exist)."""
    return after.model_copy(update={"id": temporary_id, "required": False, "renamed_from": None, "omitted": False})


def temporary_ids(
    converted: Mapping[str, ConvertField], live: ContentType, desired: ContentType
) -> dict[str, str]:
    """The id of the temporary field of every converted field, clear of the live and the desired field ids."""
    taken = {f.id for f in live.fields} | {f.id for f in desired.fields}
    named: dict[str, str] = {}
    for field_id, change in converted.items():
        named[field_id] = temporary_id(field_id, change.after.type, taken)
        taken.add(named[field_id])
    return named


def renamed_from_temporary(content_type: ContentType, temporary: Mapping[str, str]) -> ContentType:
    """``content_type`` with each converted field renamed from its temporary field (an API ``newId``)."""
    if not temporary:
        return content_type
    fields = tuple(
        f.model_copy(update={"renamed_from": temporary[f.id]}) if f.id in temporary else f for f in content_type.fields
    )
    return content_type.model_copy(update={"fields": fields})


def filled_by_content_type(
    filled: Mapping[str, Mapping[str, JsonObject]],
) -> dict[str, dict[str, Mapping[str, JsonObject]]]:
    """Fill values by field address, regrouped per content type and field id."""
    grouped: dict[str, dict[str, Mapping[str, JsonObject]]] = {}
    for address, by_entry in filled.items():
        parsed = parse_address(address)
        if parsed.field_id is not None:
            grouped.setdefault(parsed.ident, {})[parsed.field_id] = by_entry
    return grouped


def convert_steps(
    entries: Iterable[Entry],
    converted: Mapping[str, ConvertField],
    temporary: Mapping[str, str],
    renamed: Mapping[str, str] = {},
    filled: Mapping[str, Mapping[str, JsonObject]] = {},
) -> list[PutEntry]:
    """One ``put_entry`` per entry whose values change: a converted field's values go into its temporary
    field (``converted``: live field id -> its change; ``temporary``: live id -> temporary id); a filled
    field's values (``filled``: field id -> entry id -> locale -> value, computed by its fill) replace the
    conversion, or the field's values when its type stays. The entries were read with the live field ids;
    the fields the plan renames (``renamed``: live id -> new id) have their new id by then (phase 2)."""
    made: list[PutEntry] = []
    for entry in entries:
        fields = {renamed.get(field_id, field_id): values for field_id, values in entry.fields.items()}
        written: list[str] = []
        for field_id, change in converted.items():
            done = None if field_id in filled else convert_values(entry, change.before, change.after)
            if done is not None and done.values:
                fields[temporary[field_id]] = done.values
                written.append(field_id)
        for field_id, by_entry in filled.items():
            values = by_entry.get(entry.id)
            slot = temporary.get(field_id, field_id)
            if values is None or (slot == field_id and values == fields.get(field_id, {})):
                continue
            if values:
                fields[slot] = values
            else:
                fields.pop(slot, None)
            written.append(field_id)
        if written:
            made.append(PutEntry(
                resource_id=entry.id,
                content_type_id=entry.content_type_id,
                version=entry.version,
                state=entry.state,
                fields=fields,
                tags=entry.tags,
                description=f"{'fill' if set(written) <= set(filled) else 'convert'} {', '.join(written)} "
                            f"of entry {entry.id} ({entry.state})",
            ))
    return made


def converted_content_types(changes: Iterable[Change]) -> list[str]:
    """The content types whose field values a plan converts (their entries are read whole)."""
    return sorted({c.content_type_id for c in changes if isinstance(c, ConvertField)})


def written_content_types(plan: Plan) -> list[str]:
    """The content types whose entries a plan writes (``put_entry`` steps) or whose values it converts."""
    steps = {s.content_type_id for phase in plan.phases for s in phase.steps if isinstance(s, PutEntry)}
    return sorted(steps | set(converted_content_types(plan.changes)))


def lossy_counts(changes: Iterable[Change], entries: Mapping[str, Sequence[Entry]]) -> dict[str, int]:
    """Per lossy conversion's address, the number of entries whose values lose data."""
    return {
        c.address: lossy_count(entries.get(c.content_type_id, ()), c.before, c.after)
        for c in changes
        if isinstance(c, ConvertField) and c.conversion == "lossy"
    }


def stale_entries(
    steps: Iterable[Step], changes: Sequence[Change], entries: Mapping[str, Sequence[Entry]]
) -> list[str]:
    """The ids of the entries a saved plan's conversions no longer fit: written since the plan was made
    (another version than its ``put_entry`` step's), gone, or now holding a value the plan does not convert."""
    planned = {s.resource_id: s.version for s in steps if isinstance(s, PutEntry)}
    converting = {c.before.id for c in changes if isinstance(c, ConvertField)}
    stale = []
    for entry in (e for ct_entries in entries.values() for e in ct_entries):
        version = planned.pop(entry.id, None)
        holds = any(entry.fields.get(field_id) for field_id in converting)
        if (version is not None and version != entry.version) or (version is None and holds):
            stale.append(entry.id)
    return sorted([*stale, *planned])
