"""A conversion's temporary field, the content types whose entries a plan writes, and a saved 1.3 plan's
stale entries (its ``put_entry`` steps carried the values; since 1.4 ``write_entries`` steps compute them
again at apply, :mod:`reconcile.entry_updates`).

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from reconcile.changes import Change, ConvertField
from reconcile.conversions import temporary_id
from reconcile.model import ContentType, Entry, Field
from reconcile.plan import Plan
from reconcile.steps import PutEntry, Step, WriteEntries

#: Appended to a field address in ``Plan.blocked`` when that field's fill failed: no policy unblocks it.
FILL_FAILED = "#fill-failed"


def temporary_field(after: Field, temporary_id: str) -> Field:
    """The temporary field of the new type: the desired field under ``temporary_id``, not required (entries
    without a value must stay publishable while both fields exist)."""
    return after.model_copy(update={"id": temporary_id, "required": False, "renamed_from": None, "omitted": False})


def temporary_ids(
    converted: Mapping[str, ConvertField], live: ContentType, desired: ContentType,
    resumed: Mapping[str, str] = {},
) -> dict[str, str]:
    """The id of the temporary field of every converted field, clear of the live and the desired field ids;
    ``resumed``: the temporary fields a died run left, through which their conversions go on
    (:mod:`reconcile.resume`)."""
    taken = {f.id for f in live.fields} | {f.id for f in desired.fields}
    named: dict[str, str] = {}
    for field_id, change in converted.items():
        named[field_id] = resumed.get(field_id) or temporary_id(field_id, change.after.type, taken)
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


def converted_content_types(changes: Iterable[Change]) -> list[str]:
    """The content types whose field values a plan converts (their entries are read whole)."""
    return sorted({c.content_type_id for c in changes if isinstance(c, ConvertField)})


def written_content_types(plan: Plan) -> list[str]:
    """The content types whose entries a plan writes (``write_entries``, ``put_entry`` steps) or whose values it
    converts."""
    steps = {s.content_type_id if isinstance(s, PutEntry) else s.resource_id
             for phase in plan.phases for s in phase.steps if isinstance(s, PutEntry | WriteEntries)}
    return sorted(steps | set(converted_content_types(plan.changes)))


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
