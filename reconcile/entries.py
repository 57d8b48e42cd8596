"""Entry data at stake in a plan: which entries a destructive change touches, how many hold data,
capturing them for the pre-apply snapshot, deleting them with their content type, and restoring their
values after a rollback or revert. Entries are ``Entry`` values; their JSON stays in the backend."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconcile.addresses import Address, parse_address
from reconcile.backend import Backend
from reconcile.entry_journal import EntryWriteLog, Ownership
from reconcile.model import ContentModel, Entry, EntryState, JsonObject
from reconcile.progress import Note, Progress
from reconcile.steps import PutEntry
from reconcile.wording import count

EntriesByType = dict[str, list[Entry]]


def affected_content_types(addresses: Iterable[Address], live: ContentModel) -> list[str]:
    """The live content types whose entries hold the data the changes at ``addresses`` destroy."""
    affected: set[str] = set()
    for address in addresses:
        if address.kind != "locale":
            if address.ident in live.content_types:
                affected.add(address.ident)
        else:  # a deleted locale destroys the values of every localized field
            affected.update(
                ct.id for ct in live.content_types.values() if any(f.localized for f in ct.fields)
            )
    return sorted(affected)


def capture(
    backend: Backend, addresses: Iterable[str], live: ContentModel, renamed: Mapping[str, Iterable[str]] = {}
) -> EntriesByType:
    """The entries holding data the changes at ``addresses`` destroy, by content type, each with only the
    values at stake (see :func:`at_stake`); ``renamed`` (content type -> live field ids a rename keeps)
    adds those fields' values, so that a later revert can restore them."""
    parsed = [parse_address(text) for text in addresses]
    tag_ids = [a.ident for a in parsed if a.kind == "tag"]
    parsed = [a for a in parsed if a.kind != "tag"]
    parsed += [Address("content_type", ct_id, fid) for ct_id, fids in renamed.items() for fid in fids]
    fetched = fetch_by_type(backend, affected_content_types(parsed, live))
    captured = {ct_id: kept for ct_id, entries in fetched.items() if (kept := at_stake(entries, parsed, live))}
    if tag_ids:  # a deleted or replaced tag: the entries holding it (identity and tags only)
        have = {e.id for entries in captured.values() for e in entries}
        for entry in backend.fetch_entries(tagged=tag_ids):
            if entry.id not in have:
                captured.setdefault(entry.content_type_id, []).append(
                    entry.model_copy(update={"fields": {}, "source": None})
                )
    return captured


def at_stake(entries: Iterable[Entry], addresses: Sequence[Address], live: ContentModel) -> list[Entry]:
    """The entries that hold data at one of ``addresses``, each cut down to that data: whole when its
    content type is deleted; a removed or replaced field's values; a deleted locale's values of the
    localized fields. Identity, content type and versions stay (what re-creating or republishing needs);
    entry values may be personal data, so a snapshot keeps no other."""
    kept = []
    for entry in entries:
        mine = [a for a in addresses if a.kind == "locale" or a.ident == entry.content_type_id]
        if any(a.kind != "locale" and a.field_id is None for a in mine):
            kept.append(entry)
            continue
        values = _values_at(entry, mine, live)
        if values:
            kept.append(entry.model_copy(update={"fields": values, "source": None}))
    return kept


def _values_at(entry: Entry, addresses: Iterable[Address], live: ContentModel) -> dict[str, Any]:
    """The entry's values (field id -> locale -> value) the changes at ``addresses`` destroy."""
    content_type = live.content_types.get(entry.content_type_id)
    localized = [f.id for f in content_type.fields if f.localized] if content_type else []
    values: dict[str, Any] = {}
    for address in addresses:
        if address.kind == "locale":
            for fid in localized:
                by_locale = entry.fields.get(fid)
                if isinstance(by_locale, dict) and address.ident in by_locale:
                    values.setdefault(fid, {})[address.ident] = by_locale[address.ident]
        elif address.field_id is not None:
            by_field = entry.fields.get(address.field_id)
            if isinstance(by_field, dict) and by_field:
                    values[address.field_id] = {**values.get(address.field_id, {}), **by_field}
    return values


def fetch_by_type(backend: Backend, content_type_ids: Iterable[str]) -> EntriesByType:
    """The entries of each of the content types, in that order."""
    return {ct: backend.fetch_entries(ct) for ct in content_type_ids}


def by_type(entries: Iterable[Entry]) -> EntriesByType:
    """Entries grouped by the id of their content type."""
    grouped: EntriesByType = {}
    for entry in entries:
        grouped.setdefault(entry.content_type_id, []).append(entry)
    return grouped


def _holds_data(entry: Entry, address: Address) -> bool:
    """Whether the entry has a value the change at ``address`` destroys (every entry dies with its type, and
    loses a deleted or replaced tag it holds)."""
    if address.kind == "tag":
        return address.ident in entry.tags
    if address.kind == "locale":
        return any(isinstance(v, dict) and address.ident in v for v in entry.fields.values())
    return address.field_id is None or bool(entry.fields.get(address.field_id))


def entry_counts(addresses: Iterable[str], entries: EntriesByType) -> dict[str, int]:
    """Per destructive address, the number of entries holding data it would destroy."""
    counts: dict[str, int] = {}
    for text in addresses:
        address = parse_address(text)
        if address.kind in ("locale", "tag"):
            at_stake = [e for ct_entries in entries.values() for e in ct_entries]
        else:
            at_stake = entries.get(address.ident, [])
        counts[text] = sum(1 for e in at_stake if _holds_data(e, address))
    return counts


def delete_entries(backend: Backend, content_type_id: str) -> None:
    """Delete every entry of a content type (unpublishing the published ones first)."""
    for entry in backend.fetch_entries(content_type_id):
        if entry.published_version is not None:
            backend.unpublish_entry(entry.id, entry.version)
        backend.delete_entry(entry.id)


@dataclass
class RestoreReport:
    restored: int = 0
    skipped: list[str] = field(default_factory=list)
    #: Entries someone else wrote during the run being undone (or since): their values and state were kept.
    left_alone: list[str] = field(default_factory=list)
    #: ``stop`` was set (a signal): the entries after it were not restored.
    interrupted: bool = False


def restore_entries(
    backend: Backend, captured: Sequence[Entry], progress: Progress, *, owned: Ownership | None = None,
    log: EntryWriteLog | None = None, stop: threading.Event | None = None,
) -> RestoreReport:
    """Put back the captured entries (``reconcile.entry_journal``). An entry the run being undone wrote and
    nobody else wrote since (``owned.ours``) gets its captured values (exactly, when the run replaced them
    from a plan) and its captured publish state. One the run wrote but someone else wrote after it, or
    instead (``owned.theirs``), is left alone and named in the report. Any other entry was not written by
    the run: it keeps its publish state and every value it holds, and gets back only the captured values
    it lacks (the ones a removed or replaced field, a deleted locale or content type destroyed). Nobody's
    draft gets published. ``log`` journals the writes (a rollback of this restore reads them); once
    ``stop`` is set (a signal) no further entry is written."""
    result = RestoreReport()
    if not captured:
        return result
    live = backend.read_live().model
    for ct_id, entries in sorted(by_type(captured).items()):
        content_type = live.content_types.get(ct_id)
        if result.interrupted or content_type is None:
            result.skipped.extend(e.id for e in entries if content_type is None)
            continue
        restoring = _Restoring(backend, owned if owned is not None else Ownership(), log, result,
                               {f.id for f in content_type.fields}, set(live.locales), live.tags)
        current = {e.id: e for e in backend.fetch_entries(ct_id)}
        for entry in entries:
            result.interrupted = result.interrupted or (stop is not None and stop.is_set())
            if result.interrupted:
                break
            restoring.one(entry, current.get(entry.id))
    progress(Note(f"restored {count(result.restored, 'entry')}" + (" (stopped by a signal)" if result.interrupted
                                                                    else "")))
    if result.left_alone:
        progress(Note(f"left alone {count(len(result.left_alone), 'entry')} someone else wrote during the run or "
                      f"since, their values and publish state kept: {', '.join(result.left_alone[:10])}"
                      f"{', ...' if len(result.left_alone) > 10 else ''}; check them"))
    return result


@dataclass
class _Restoring:
    """Restoring the captured entries of one content type (:func:`restore_entries`)."""

    backend: Backend
    owned: Ownership
    log: EntryWriteLog | None
    result: RestoreReport
    field_ids: set[str]
    locales: set[str]
    live_tags: Mapping[str, Any] | None

    def one(self, entry: Entry, now: Entry | None) -> None:
        """Restore one captured entry (``now``: live, None when it is gone)."""
        ours = now is not None and self.owned.is_ours(entry.id, now)
        if now is not None and not ours and self.owned.written_by_others(entry, now):
            self.result.left_alone.append(entry.id)
            if entry.id in self.owned.theirs or entry.id in self.owned.ours:
                return  # the run wrote it, then someone else did: all theirs now
        exact = ours and entry.id in self.owned.whole
        wanted = _exact(entry, self.field_ids, self.locales) if exact else _merged(entry, now, self.field_ids,
                                                                                     self.locales)
        state = restored_state(entry, now, ours=ours)
        held = now.tags if now is not None else ()
        # Tags the entry lost with a deleted or replaced tag come back once the tag exists again.
        tags = (*held, *(t for t in entry.tags if t not in held and self.live_tags is not None and t in self.live_tags))
        if now is None:
            written = reach_state(self.backend, self.backend.put_entry(entry.id, entry.content_type_id, wanted, None,
                                                                       tags), state)
        elif wanted != now.fields or tags != held:
            # values=False: this journal's snapshot (a rollback's, a revert's pre-revert) may not hold it whole
            written = write_entry(self.backend, now, wanted, state, tags, log=self.log)
        elif state != now.state:
            written = reach_state(self.backend, now, state)
        else:
            return
        self.owned.rewritten[entry.id] = written.version  # a next round's restore finds it as this one left it
        self.result.restored += 1


def _exact(captured: Entry, field_ids: set[str], locales: set[str]) -> dict[str, Any]:
    """The captured values (the entry was captured whole) of the live fields and locales."""
    exact = {fid: {loc: v for loc, v in values.items() if loc in locales}
             for fid, values in captured.fields.items() if fid in field_ids and isinstance(values, dict)}
    return {fid: values for fid, values in exact.items() if values}


def _merged(captured: Entry, now: Entry | None, field_ids: set[str], locales: set[str]) -> dict[str, Any]:
    """The live values, plus the captured values of live fields and locales the live entry lacks."""
    wanted = {fid: dict(values) for fid, values in (now.fields if now is not None else {}).items()}
    for fid, values in captured.fields.items():
        if fid in field_ids and isinstance(values, dict):
            slot = wanted.setdefault(fid, {})
            for loc, value in values.items():
                if loc in locales:
                    slot.setdefault(loc, value)
    return wanted


def restored_state(captured: Entry, now: Entry | None, *, ours: bool) -> EntryState:
    """The publish state an entry is restored to (docs/safety.md, "Entries and their publish state").

    A re-created entry gets its captured state, except that an entry with pending changes comes back a
    draft: the CMA lists only an entry's latest draft, so its published content is not in the snapshot,
    and publishing the draft would put unpublished changes live. An existing entry the run being undone
    left as it is (``ours``, from the journal: ``reconcile.entry_journal``) gets its captured state back (a
    published entry whose republish the run did not get to is published again, an archived one it
    unarchived is archived again); any other keeps its live state (published with no pending draft:
    republished after the write; pending changes stay unpublished; a draft stays a draft; archived stays
    archived), so a colleague's draft or unarchive is never undone."""
    if now is None:
        return "draft" if captured.state == "changed" else captured.state
    return captured.state if ours else now.state


def write_entry(
    backend: Backend, now: Entry, fields: JsonObject, state: EntryState, tags: Sequence[str] | None = None, *,
    log: EntryWriteLog | None = None, values: bool = False,
) -> Entry:
    """Write ``fields`` on the live entry ``now`` and leave it in ``state``: one PUT, plus a publish only
    where the state requires it. An archived entry cannot be edited: it is unarchived first (and archived
    again when ``state`` says so). A PUT replaces the whole entry, so it carries ``tags`` (default: the
    tags ``now`` holds). ``log`` journals the write before its first request and after its last
    (``values``: the fields are a plan's, replacing the entry's: ``reconcile.entry_journal``)."""
    if log is not None:
        log.started(now, fields, state, values=values)
    version = now.version
    if now.state == "archived":
        version = backend.unarchive_entry(now.id, version).version
    kept = now.tags if tags is None else tags
    written = reach_state(backend, backend.put_entry(now.id, now.content_type_id, fields, version, kept), state)
    if log is not None:
        log.done(written, values=values)
    return written


def put_planned(backend: Backend, step: PutEntry, log: EntryWriteLog | None = None) -> Entry:
    """Carry out a plan's ``put_entry`` step: its values, at the version read at plan time, in its state."""
    archived = step.version if step.state == "archived" else None
    now = Entry(id=step.resource_id, content_type_id=step.content_type_id, version=step.version,
                archived_version=archived, tags=step.tags)
    return write_entry(backend, now, step.fields, step.state, log=log, values=True)


def entries_differing(backend: Backend, written: Sequence[PutEntry]) -> list[str]:
    """The ids of the entries whose live values or publish state differ from what ``written`` put there
    (re-read in pages, only the content types written): a phase's verification."""
    differing: list[str] = []
    for ct_id in sorted({step.content_type_id for step in written}):
        live = {e.id: e for e in backend.fetch_entries(ct_id)}
        for step in (s for s in written if s.content_type_id == ct_id):
            now = live.get(step.resource_id)
            if now is None or now.fields != step.fields or now.state != step.state:
                differing.append(step.resource_id)
    return differing


def reach_state(backend: Backend, entry: Entry, state: EntryState) -> Entry:
    """Publish or archive ``entry`` as ``state`` requires (a written entry is a draft or has pending
    changes; those states need no request)."""
    if state == "published" and entry.state != "published":
        return backend.publish_entry(entry.id, entry.version)
    if state == "archived" and entry.state != "archived":
        if entry.published_version is not None:  # "Cannot archive published" (facts §3.2)
            entry = backend.unpublish_entry(entry.id, entry.version)
        return backend.archive_entry(entry.id, entry.version)
    return entry


def untag_entries(backend: Backend, tag_id: str, log: EntryWriteLog | None = None) -> list[Entry]:
    """Remove the tag from every entry holding it, each left in its publish state (:func:`write_entry`);
    the entries as written (what :func:`tag_entries` needs to put the tag back)."""
    return [write_entry(backend, entry, entry.fields, entry.state, [t for t in entry.tags if t != tag_id], log=log)
            for entry in backend.fetch_entries(tagged=[tag_id])]


def tag_entries(
    backend: Backend, tag_id: str, untagged: Sequence[Entry], log: EntryWriteLog | None = None
) -> list[str]:
    """Put the tag back on the ``untagged`` entries (as :func:`untag_entries` left them, at the versions it
    wrote: a 409 means someone edited one since), each in its publish state; re-read, the ids of those that
    do not hold it in that state (empty: verified)."""
    for entry in untagged:
        write_entry(backend, entry, entry.fields, entry.state, [*entry.tags, tag_id], log=log)
    holding = {e.id: e.state for e in backend.fetch_entries(tagged=[tag_id])} if untagged else {}
    return [e.id for e in untagged if holding.get(e.id) != e.state]
