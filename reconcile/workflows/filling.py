"""Planning with declared fills: which fills a plan runs, running them read-only, what the plan shows.

A fill runs only in a plan that adds, retypes, renames or changes the validations of its field, so it
runs once per change. It is called for every entry of the content type and every locale the field holds
(:mod:`reconcile.workflows.entry_scan`); its values are written by a ``write_entries`` step
(docs/transforms.md). A type change with no conversion but a fill becomes a ``ConvertField`` whose values
come from the fill.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reconcile.changes import AddField, Change, ConvertField, ModifyField, RenameField, ReplaceField
from reconcile.fills import FieldChange, LoadedFill


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


def retyped(changes: Sequence[Change], fills: Mapping[str, LoadedFill]) -> tuple[Change, ...]:
    """``changes`` with each type change without a conversion whose field has a fill made a conversion whose
    values the fill computes (:mod:`reconcile.workflows.entry_scan` runs the fills)."""
    runs = {c.address for c in triggered(changes, fills)}
    return tuple(_retyped(c) if c.address in runs else c for c in changes)
