"""Planning with declared fills: which fills a plan runs, running them read-only, what the plan shows.

A fill runs only in a plan that adds, retypes, renames or changes the validations of its field, so it
runs once per change. It is called for every entry of the content type and every locale the field holds;
its values become ``put_entry`` steps (docs/transforms.md). A type change with no conversion but a fill
becomes a ``ConvertField`` whose values come from the fill.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconcile.changes import AddField, Change, ConvertField, ModifyField, RenameField, ReplaceField
from reconcile.conversion_steps import FILL_FAILED
from reconcile.fills import LoadedFill, locales_of, report, run_fill
from reconcile.model import ContentModel, Entry

FieldChange = AddField | ReplaceField | ConvertField | RenameField | ModifyField


def triggers(change: Change) -> bool:
    """Whether ``change`` runs its field's fill: added, retyped, renamed, or its validations changed."""
    if isinstance(change, AddField | ReplaceField | ConvertField | RenameField):
        return True
    return isinstance(change, ModifyField) and any(p.startswith(("validations", "required", "items")) for p in
                                                   change.paths)


def triggered(changes: Sequence[Change], fills: Mapping[str, LoadedFill]) -> list[FieldChange]:
    """The changes whose field has a fill that this plan runs."""
    return [c for c in changes if isinstance(c, FieldChange) and c.address in fills and triggers(c)]


def _retyped(change: Change) -> Change:
    """A type change without a conversion whose values a fill computes: kept data, not a replacement."""
    if not isinstance(change, ReplaceField):
        return change
    return ConvertField(**change.model_dump(exclude={"kind", "impact"}, round_trip=True), impact="breaking",
                        conversion="fill")


@dataclass
class Filled:
    """What the fills of a plan computed: the changes (with retyped fields), values per field address
    (entry id -> locale -> value), a note per fill, and the addresses of the fills that failed."""

    changes: tuple[Change, ...]
    values: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run_fills(
    changes: Sequence[Change],
    fills: Mapping[str, LoadedFill],
    entries: Mapping[str, Sequence[Entry]],
    live: ContentModel,
    default_locale: str,
) -> Filled:
    """Run the fills the changes trigger over the entries (whole, by content type), read-only."""
    runs = {c.address: c for c in triggered(changes, fills)}
    filled = Filled(tuple(_retyped(c) if c.address in runs else c for c in changes))
    for address, change in runs.items():
        old_id = change.before.id if change.before is not None else change.after.id
        run = run_fill(fills[address].function, entries.get(change.content_type_id, ()), change.after, old_id,
                       locales_of(change.after, live.locales, default_locale), default_locale)
        filled.values[address] = run.values
        filled.notes.append(report(address, fills[address].spec, run))
        if run.failures:
            filled.failed.append(address + FILL_FAILED)
    return filled
