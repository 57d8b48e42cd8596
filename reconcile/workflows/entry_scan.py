"""The plan's one read of the entries whose values it converts, fills or checks, one page at a time.

For each content type whose field values convert, whose fields a fill computes, or whose rules tighten,
the entries are read in pages (``Backend.entry_pages``: 1000 a request) and each page is used, then
dropped: the fills run on it (read-only), the lossy conversions and the newly unpublishable entries are
counted, the digest of the entries read grows (``Plan.entries_read``), and the values the phase would
write are computed and summed up (:class:`reconcile.entry_updates.Written`). Memory holds one page, never
the content type's entries (docs/transforms.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from reconcile.changes import Change, ConvertField, RenameField
from reconcile.conversion_steps import FILL_FAILED, temporary_ids
from reconcile.conversions import lossy_count
from reconcile.entry_digest import EntriesDigest
from reconcile.entry_updates import EntryChanges, PlannedWrites, Written, updated_fields
from reconcile.fills import SHOWN, FillRun, LoadedFill, fill_values, report
from reconcile.model import ContentModel, Entry
from reconcile.publishability import newly_unpublishable, tightened
from reconcile.wording import count
from reconcile.workflows.filling import triggered

Pages = Callable[[str], Iterable[Sequence[Entry]]]


def entry_changes(changes: Sequence[Change], ct_id: str, current: ContentModel, target: ContentModel,
                  filled: Sequence[str], resumed: Mapping[str, str] = {}) -> EntryChanges:
    """How the values of ``ct_id``'s entries change (the builder names the temporary fields the same way)."""
    converted = {c.before.id: c for c in changes if isinstance(c, ConvertField) and c.content_type_id == ct_id}
    temporary = temporary_ids(converted, current.content_types[ct_id], target.content_types[ct_id], resumed) \
        if converted else {}
    renamed = {c.before.id: c.after.id for c in changes if isinstance(c, RenameField) and c.content_type_id == ct_id}
    return EntryChanges({fid: (c, temporary[fid]) for fid, c in converted.items()}, renamed, tuple(filled))


@dataclass
class Scanned:
    """What the plan's read of the entries found."""

    notes: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    #: Field address -> entries losing data (lossy conversions) or left unpublishable (tightened rules).
    lossy: dict[str, int] = field(default_factory=dict)
    unpublishable: dict[str, tuple[int, list[tuple[str, str]]]] = field(default_factory=dict)
    #: Addresses of the fields whose fill ran without a failure.
    repaired: set[str] = field(default_factory=set)
    read: dict[str, str] = field(default_factory=dict)
    writes: dict[str, PlannedWrites] = field(default_factory=dict)


def _merge(total: FillRun, page: FillRun) -> None:
    total.changed += page.changed
    total.unchanged += page.unchanged
    total.failures.extend(page.failures)  # (entry id, why): only the failing entries, and any blocks the plan


def scan(
    changes: Sequence[Change], fills: Mapping[str, LoadedFill], pages_of: Pages, current: ContentModel,
    target: ContentModel, default_locale: str, resumed: Mapping[str, Mapping[str, str]] = {},
) -> Scanned:
    """Read the entries the changes need, page by page; see the module's docstring."""
    found = Scanned()
    fill_changes = {c.address: c for c in triggered(changes, fills)}
    checks = tightened(changes)
    converting = {c.content_type_id for c in changes if isinstance(c, ConvertField)}
    content_types = sorted({c.content_type_id for c in (*fill_changes.values(), *checks)} | converting)
    totals = {address: FillRun() for address in fill_changes}
    found.lossy = {c.address: 0 for c in changes if isinstance(c, ConvertField) and c.conversion == "lossy"}
    for ct_id in content_types:
        runs = {a: c for a, c in fill_changes.items() if c.content_type_id == ct_id}
        how = entry_changes(changes, ct_id, current, target, [c.after.id for c in runs.values()],
                            resumed.get(ct_id, {}))
        read, written, republished = EntriesDigest(), Written(), []
        for page in pages_of(ct_id):
            read.add(page)
            done = fill_values(page, runs, fills, sorted(current.locales), default_locale)
            for address, run in done.items():
                _merge(totals[address], run)
            refused = _count(found, page, changes, ct_id, default_locale, set(runs))
            for entry in page:
                values = {runs[a].after.id: run.values.get(entry.id) for a, run in done.items()}
                fields, changed = updated_fields(entry, how, values)
                slots = how.slots(changed)
                written.add(entry, fields, slots)
                if slots and entry.state == "published" and entry.id in refused:
                    republished.append(entry.id)
        found.read[ct_id] = read.text
        if republished:
            found.notes.append(_refused_note(ct_id, republished))
        if ct_id in converting or runs:
            found.writes[ct_id] = PlannedWrites(written.entries, written.values.text,
                                                {c.after.id: fills[a].spec for a, c in runs.items()})
    for address, run in totals.items():
        found.notes.append(report(address, fills[address].spec, run))
        if run.failures:
            found.failed.append(address + FILL_FAILED)
        else:
            found.repaired.add(address)
    return found


def _count(
    found: Scanned, page: Sequence[Entry], changes: Sequence[Change], ct_id: str, locale: str, filled: set[str]
) -> set[str]:
    """Add one page's lossy values and newly unpublishable entries to ``found``; returns the ids of the entries
    left unpublishable by a field no fill computes (``filled``: the addresses of the fields a fill computes)."""
    refused: set[str] = set()
    for c in changes:
        if isinstance(c, ConvertField) and c.conversion == "lossy" and c.content_type_id == ct_id:
            found.lossy[c.address] = found.lossy.get(c.address, 0) + lossy_count(page, c.before, c.after)
    for c in tightened(changes):
        if c.content_type_id == ct_id:
            hits = newly_unpublishable(page, c.before, c.after, locale)
            total, first = found.unpublishable.get(c.address, (0, []))
            found.unpublishable[c.address] = (total + len(hits), [*first, *hits][:SHOWN])
            refused.update(entry_id for entry_id, _ in hits if c.address not in filled)
    return refused


def _refused_note(ct_id: str, republished: Sequence[str]) -> str:
    """The note of a plan whose entry writes republish entries its new rules refuse (the apply cannot pass)."""
    shown = ", ".join(republished[:SHOWN]) + (f" and {len(republished) - SHOWN} more" if len(republished) > SHOWN
                                              else "")
    return (f"content_types.{ct_id}: the apply republishes {count(len(republished), 'published entry')} it converts "
            f"or fills that the new rules refuse ({shown}): Contentful would refuse "
            f"{'that publish' if len(republished) == 1 else 'those publishes'}, and the apply would fail there and "
            "roll back; apply the type change or fill first, then the new rule")



def losing_nothing(changes: Sequence[Change], lossy: Mapping[str, int]) -> tuple[Change, ...]:
    """``changes`` with each lossy conversion by which no entry read loses data (``lossy``: address -> the entries
    that do) made ``breaking``: it destroys nothing, as a tightened rule that leaves no entry unpublishable."""
    return tuple(
        c.model_copy(update={"impact": "breaking"}) if isinstance(c, ConvertField) and lossy.get(c.address) == 0 else c
        for c in changes
    )
