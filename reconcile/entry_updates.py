"""What the ``convert_entries`` phase writes into one entry: the one computation plan and apply share.

The plan reads the entries of a content type page by page and computes, for each, the values its
conversions and fills give it; it keeps no values, only the number of entries that change and a digest of
what they become (:class:`Written`). Apply reads the entries page by page again, computes the same values
from the same entries (the plan's ``entries_read`` digest proves they are the same) and writes them; the
digest of what it wrote must equal the plan's, or the apply fails and rolls back. So apply writes exactly
what the plan computed, with memory bounded by one page (docs/transforms.md).

Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconcile.changes import ConvertField
from reconcile.conversions import convert_values
from reconcile.entry_digest import EntriesDigest
from reconcile.model import Entry, JsonObject


@dataclass(frozen=True)
class EntryChanges:
    """How the values of one content type's entries change: ``converted`` (live field id -> its change and the
    temporary field's id), ``renamed`` (live field id -> new id), ``filled`` (ids of the fields a fill computes;
    a converted one's values then come from its fill)."""

    converted: Mapping[str, tuple[ConvertField, str]] = field(default_factory=dict)
    renamed: Mapping[str, str] = field(default_factory=dict)
    filled: Sequence[str] = ()

    @property
    def temporary(self) -> dict[str, str]:
        return {field_id: temporary for field_id, (_, temporary) in self.converted.items()}

    def slots(self, written: Sequence[str]) -> list[str]:
        """The ids of the fields an entry's write fills (``written``: the field ids ``updated_fields`` names): a
        converted field's temporary field, else the field itself."""
        temporary = self.temporary
        return sorted({temporary.get(field_id, field_id) for field_id in written})


def updated_fields(
    entry: Entry, changes: EntryChanges, filled: Mapping[str, JsonObject | None]
) -> tuple[dict[str, Any], list[str]]:
    """The values ``entry`` (read with the live field ids) holds after the phase (with the new field ids), and
    the ids of the fields written (none: the entry is not written). A converted field's values go into its
    temporary field; a filled field's values (``filled``: field id -> locale -> value computed by its fill, None
    when it computed nothing for this entry) replace the conversion, or the field's values when its type stays."""
    fields = {changes.renamed.get(field_id, field_id): values for field_id, values in entry.fields.items()}
    temporary = changes.temporary
    written: list[str] = []
    for field_id, (change, slot) in changes.converted.items():
        done = None if field_id in changes.filled else convert_values(entry, change.before, change.after)
        if done is not None and done.values:
            fields[slot] = done.values
            written.append(field_id)
    for field_id in changes.filled:
        values = filled.get(field_id)
        slot = temporary.get(field_id, field_id)
        if values is None or (slot == field_id and values == fields.get(field_id, {})):
            continue
        if values:
            fields[slot] = values
        else:
            fields.pop(slot, None)
        written.append(field_id)
    return fields, written


def _key(entry_id: str, *parts: Any) -> str:
    return json.dumps([entry_id, *parts], sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass
class Written:
    """What a pass writes, summed up while the pages stream by: the entries written, a digest of what each
    becomes (id, version read, state, and the values of the fields the pass computes: see ``add``), and a
    digest of every entry as the phase leaves it (what the verification's re-read must find)."""

    entries: int = 0
    values: EntriesDigest = field(default_factory=EntriesDigest)
    after: EntriesDigest = field(default_factory=EntriesDigest)
    #: ``values`` over every field of each written entry: the digest plans of format 1.5 and before recorded.
    whole: EntriesDigest = field(default_factory=EntriesDigest)

    def add(self, entry: Entry, fields: Mapping[str, Any], slots: Sequence[str], state: str | None = None) -> None:
        """``entry`` as read, the values it holds after the phase, and the fields the pass computes in it
        (``EntryChanges.slots``; none: it is not written); ``state``: the one it is left in, when not its own
        (a died run's write of it to finish, ``EntryWriter``).

        The digest of what is written holds the computed fields only: the fields an entry carries unchanged
        are its own values at the version the plan read (``entries_read``), but their ids may differ between
        the plan's read and the apply's, which is made after the ``content_types`` phase published the
        content type: an unpublished draft renaming a field (one an apply that died between its PUT and
        its publish left) moves the entries' values to the new id only when it is published."""
        if slots:
            self.entries += 1
            self.values.add_key(_key(entry.id, entry.version, entry.state, {slot: fields.get(slot) for slot in slots}))
            self.whole.add_key(_key(entry.id, entry.version, entry.state, fields))
        self.after.add_key(_key(entry.id, state or entry.state, fields))

    def computed(self, digest: str) -> bool:
        """Whether ``digest`` (a plan's) is that of the values written (or, for an older plan, of the entries
        written whole)."""
        return digest in (self.values.text, self.whole.text)


def live_digest(entries: Sequence[Entry], digest: EntriesDigest) -> None:
    """Add the entries as re-read (id, state, values) to ``digest``: compared with ``Written.after``."""
    for entry in entries:
        digest.add_key(_key(entry.id, entry.state, entry.fields))


@dataclass(frozen=True)
class PlannedWrites:
    """What the plan's read found a content type's entry pass writes: the number of entries, the digest of
    their values (``Written.values``), and the fills that compute them (field id -> ``FILE.py:FUNCTION``)."""

    entries: int
    digest: str
    fills: Mapping[str, str] = field(default_factory=dict)
