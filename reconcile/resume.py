"""Resuming a field conversion that a run left unfinished (it died: SIGKILL, a lost network, a rollback cut
short), instead of starting a second one.

A conversion goes through a temporary field ``<id>_to_<new type>`` (docs/transforms.md): PUT with it (the old
field omitted) and publish, the entries' values converted into it, the old field deleted and published, the
temporary renamed to the old id and published. A run that dies on the way leaves the temporary field live.
Planned from scratch, the next run would convert again into a second temporary field and remove the first as
a field the models do not declare: destructive, blocked without ``--allow-destroy``, and, once the old field
is deleted, the only copy of the values.

A temporary field is the tool's own only when a run since the last completed one journalled that conversion
(the journal's ``conversion`` record), the field was not in that run's pre-apply snapshot, and the run
journalled a PUT of the content type as done, or else (it died with that PUT in flight) the field is exactly
the temporary field the tool makes (``reconcile.workflows.resuming`` reads the journal and the snapshot): a
field of the same name the models do not declare and that the tool did not create is planned as before (its
removal destroys data and is blocked by default). When it is, and the models still declare the converted
field with the temporary field's type:

- the old field is still live (omitted or not): the conversion resumes through the same temporary field (its
  PUT is skipped when it is live as planned, the entries are written again, idempotently, and the old field
  is removed and the temporary renamed as usual); the temporary field is not removed;
- the old field is gone (its deletion was published): the temporary field holds the only values, and is
  renamed to the old id (``newId``), keeping them.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from reconcile.changes import Change, ConvertField, RemoveField, field_address
from reconcile.conversion_steps import temporary_field
from reconcile.conversions import conversion
from reconcile.model import ContentModel, ContentType, Field
from reconcile.plan import Plan
from reconcile.steps import PutContentType, WriteEntries


@dataclass(frozen=True)
class LeftTemporary:
    """A temporary field a run journalled (``reconcile.journal.Conversion``) and created: ``field`` of
    ``content_type`` converting to ``to_type`` through ``temporary``; ``run``: that run, in words (``the apply
    of 2026-12-05 11:38:48 UTC (pre-apply snapshot 20261205T113848Z-631282)``)."""

    content_type: str
    field: str
    temporary: str
    to_type: str
    run: str
    #: The run journalled a PUT of the content type as done. When it did not (it died with that PUT in flight),
    #: the live field must be exactly the temporary field the tool makes, or it is not taken as the tool's.
    acknowledged: bool = True


@dataclass(frozen=True)
class Resumed:
    """What the plan resumes: per content type, the converted fields whose conversion goes on through the
    temporary field left live (field id -> temporary id), and those whose temporary field is renamed to the old
    id (the old field is gone); one note per field."""

    temporaries: dict[str, dict[str, str]] = field(default_factory=dict)
    renames: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.temporaries or self.renames)


NOTHING = Resumed()


def planned_conversions(plan: Plan) -> list[tuple[str, str, str, str]]:
    """The conversions ``plan`` makes, as (content type, field, temporary field, new type): the temporary field
    is the one its ``write_entries`` step writes, or the one its last PUT of the content type renames."""
    found: list[tuple[str, str, str, str]] = []
    for change in plan.changes:
        if not isinstance(change, ConvertField):
            continue
        temporary = _temporary_in(plan, change.content_type_id, change.before.id)
        if temporary is not None:
            found.append((change.content_type_id, change.before.id, temporary, change.after.type))
    return found


def _temporary_in(plan: Plan, ct_id: str, field_id: str) -> str | None:
    temporary = None
    for step in (s for phase in plan.phases for s in phase.steps if s.resource_id == ct_id):
        if isinstance(step, WriteEntries) and field_id in step.converted:
            return step.converted[field_id]
        if isinstance(step, PutContentType):
            renamed = next((f.renamed_from for f in step.content_type.fields if f.id == field_id), None)
            temporary = renamed or temporary
    return temporary


def _shape(f: Field) -> tuple[object, ...]:
    items = f.items
    return f.type, f.link_type, items.type if items else None, items.link_type if items else None


def resumptions(live: ContentModel, desired: ContentModel, left: Iterable[LeftTemporary]) -> Resumed:
    """The conversions of ``left`` the plan from ``live`` to ``desired`` resumes (see the module's docstring)."""
    temporaries: dict[str, dict[str, str]] = {}
    renames: dict[str, dict[str, str]] = {}
    notes: list[str] = []
    for t in left:
        live_ct, wanted_ct = live.content_types.get(t.content_type), desired.content_types.get(t.content_type)
        if live_ct is None or wanted_ct is None:
            continue
        found = _resumable(live_ct, wanted_ct, t)
        if found is None:
            continue
        address = field_address(t.content_type, t.field)
        told = f"{address}: resumes the conversion to {t.to_type} left unfinished by {t.run}"
        if found == "rename":
            renames.setdefault(t.content_type, {})[t.field] = t.temporary
            notes.append(f"{told}: the old field is deleted, its temporary field {t.temporary} (the tool's own) "
                         f"holds the converted values and is renamed to {t.field}")
        else:
            temporaries.setdefault(t.content_type, {})[t.field] = t.temporary
            notes.append(f"{told}: through its temporary field {t.temporary} (the tool's own), not a second one; "
                         f"{t.temporary} is renamed to {t.field}, not destroyed")
    return Resumed(temporaries, renames, tuple(notes))


def _resumable(live_ct: ContentType, wanted_ct: ContentType, t: LeftTemporary) -> str | None:
    """``convert`` (the old field is live and converts), ``rename`` (it is gone) or None (nothing to resume:
    the models no longer declare the field with the temporary field's type, or declare the temporary field)."""
    live_fields = {f.id: f for f in live_ct.fields}
    wanted = next((f for f in wanted_ct.fields if f.id == t.field), None)
    temporary = live_fields.get(t.temporary)
    if wanted is None or temporary is None or any(f.id == t.temporary for f in wanted_ct.fields):
        return None
    if _shape(temporary) != _shape(wanted) or wanted.type != t.to_type:
        return None
    if not t.acknowledged and temporary.model_copy(update={"omitted": False}) != temporary_field(wanted, t.temporary):
        return None
    old = live_fields.get(t.field)
    if old is None:
        return "rename" if wanted.renamed_from in (None, t.temporary) else None
    return "convert" if _shape(old) != _shape(wanted) and conversion(old, wanted) is not None else None


def resumed_desired(desired: ContentModel, resumed: Resumed) -> ContentModel:
    """``desired`` with each field whose temporary field is renamed back declared ``renamed_from`` it."""
    if not resumed.renames:
        return desired
    types = dict(desired.content_types)
    for ct_id, renames in resumed.renames.items():
        ct = types[ct_id]
        fields = tuple(f.model_copy(update={"renamed_from": renames[f.id]}) if f.id in renames else f
                       for f in ct.fields)
        types[ct_id] = ct.model_copy(update={"fields": fields})
    return desired.model_copy(update={"content_types": types})


def resumed_changes(changes: Sequence[Change], resumed: Resumed) -> tuple[Change, ...]:
    """``changes`` without the removal of the temporary fields a resumed conversion goes on through."""
    kept = {(ct_id, t) for ct_id, fields in resumed.temporaries.items() for t in fields.values()}
    return tuple(c for c in changes if not (isinstance(c, RemoveField) and (c.content_type_id, c.before.id) in kept))
