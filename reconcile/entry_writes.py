"""Carrying out a ``write_entries`` step: the entries of one content type, read and written page by page.

The values are computed again from the entries, as the plan computed them (the same function,
:func:`reconcile.entry_updates.updated_fields`, and the same fills): the plan's ``entries_read`` digest,
checked before the first write, proves the entries are the ones the plan read, and the digest of what this
pass writes must equal the step's, or the phase fails and the apply rolls back. Each changed entry gets one
PUT, plus a publish only where its state requires it (:func:`reconcile.entries.write_entry`), journalled
before its first request and after its last (the executor's ``EntryWriteLog``, ``values``: the entry is
captured whole in the pre-apply snapshot), so that a rollback decides whose each entry is as it does for a
``put_entry`` step (:mod:`reconcile.entry_journal`). An entry is written only at the version the pre-apply
snapshot captured (or the one this run's own earlier write left): one someone else wrote since, or created
since, is not written, and the phase fails; the rollback then leaves it alone. The phase is
verified by re-reading the pages: the digest of every entry as re-read (values and publish state) must
equal the digest of what the pass left. Memory holds one page (docs/transforms.md).

The entries are read after the ``content_types`` phase, so the fields the plan renames already have their
new ids; the fills and conversions are given the live ids they had at plan time. (That a content type's
rename does not change its entries' versions is what the emulator does; UNSURE for Contentful: were it to,
the digest would differ and the apply would roll back, never write other values.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from reconcile.backend import Backend
from reconcile.changes import Change, ConvertField
from reconcile.entries import write_entry
from reconcile.entry_digest import EntriesDigest
from reconcile.entry_journal import EntryWriteLog, finishing_state
from reconcile.entry_updates import EntryChanges, Written, live_digest, updated_fields
from reconcile.errors import ReconcileError
from reconcile.fills import FieldChange, Fill, LoadedFill, fill_values
from reconcile.journal import EntryWrite
from reconcile.model import ContentModel, Entry, EntryState
from reconcile.plan import Plan
from reconcile.steps import WriteEntries

#: Entries written at once: enough to keep a 7–10 requests/second limit busy despite per-request latency
#: (as the executor's workers do for the model's steps).
WORKERS = 4
#: Called once per entry written, with what was done (the executor journals it and counts it on the bar).
Tick = Callable[[str], None]


class EntryValuesDiffer(ReconcileError):
    """The values computed at apply, or the entries re-read, are not those the plan computed."""


class EntryWriter:
    """Writes the ``write_entries`` steps of one plan (``changes``) against ``live`` (the model read before
    the apply: its locales), with the fills ``fills`` (``FILE.py:FUNCTION`` -> the function); ``captured``:
    entry id -> its version in the pre-apply snapshot (``entries.jsonl``), the entries it may write."""

    def __init__(self, backend: Backend, changes: Sequence[Change], live: ContentModel,
                 fills: Mapping[str, Fill], default_locale: str, captured: Mapping[str, int],
                 cut_short: Mapping[str, EntryWrite] = {}) -> None:
        self.backend = backend
        #: Entry id -> the start of a write a died run left unfinished (``workflows.resuming.cut_short_writes``).
        self.cut_short = cut_short
        self.captured = captured
        self.changes = changes
        self.locales = sorted(live.locales)
        self.fills = fills
        self.default_locale = default_locale

    def _runs(self, step: WriteEntries) -> tuple[dict[str, FieldChange], dict[str, LoadedFill]]:
        """The filled fields' changes and their fills, by field address."""
        runs: dict[str, FieldChange] = {}
        loaded: dict[str, LoadedFill] = {}
        for field_id, spec in step.fills.items():
            change = next((c for c in self.changes if isinstance(c, FieldChange)
                           and c.content_type_id == step.resource_id and c.after.id == field_id), None)
            if change is None:
                raise ReconcileError(f"the plan fills {step.resource_id}.{field_id} but has no change of that field",
                                     hint="do not edit saved plans; make the plan again")
            if spec not in self.fills:
                raise ReconcileError(f"the fill {spec} of {change.address} was not loaded for this apply",
                                     hint="run `reconcile plan` again")
            runs[change.address] = change
            loaded[change.address] = LoadedFill(spec, self.fills[spec])
        return runs, loaded

    def _entry_changes(self, step: WriteEntries, runs: Mapping[str, FieldChange]) -> EntryChanges:
        converted = {c.before.id: (c, step.converted[c.before.id]) for c in self.changes
                     if isinstance(c, ConvertField) and c.content_type_id == step.resource_id
                     and c.before.id in step.converted}
        return EntryChanges(converted, dict(step.renamed), tuple(c.after.id for c in runs.values()))

    def __call__(self, step: WriteEntries, tick: Tick, log: EntryWriteLog) -> None:
        """Compute and write every changed entry of the step's content type, each write journalled in ``log``;
        check and verify (see above)."""
        runs, loaded = self._runs(step)
        how = self._entry_changes(step, runs)
        back = {new: old for old, new in step.renamed.items()}
        written = Written()
        for page in self.backend.entry_pages(step.resource_id):
            as_planned = [_with_ids(entry, back) for entry in page]
            done = fill_values(as_planned, runs, loaded, self.locales, self.default_locale)
            for address, run in done.items():
                if run.failures:
                    entry_id, why = run.failures[0]
                    raise EntryValuesDiffer(f"the fill of {address} failed at apply on entry {entry_id} ({why}), "
                                            "though it did not at plan time", hint="run `reconcile plan` again")
            todo: list[tuple[Entry, dict[str, Any], EntryState, str]] = []
            for entry, now in zip(as_planned, page, strict=True):
                values = {runs[a].after.id: run.values.get(entry.id) for a, run in done.items()}
                fields, changed = updated_fields(entry, how, values)
                state = self._state(now) if changed else now.state
                written.add(entry, fields, how.slots(changed), state)
                if changed:
                    todo.append((now, fields, state, f"{'fill' if set(changed) <= set(step.fills) else 'convert'} "
                                                     f"{', '.join(changed)} of entry {now.id} ({state})"))
            self._write_page(todo, tick, log)
        self._check(step, written)

    def _state(self, now: Entry) -> EntryState:
        """The state the write of ``now`` leaves it in: its own, or the one a died run's write of it that landed
        in part was leading it to (``entry_journal.finishing_state``)."""
        start = self.cut_short.get(now.id)
        return (start is not None and finishing_state(start, now)) or now.state

    def _write_page(self, todo: Sequence[tuple[Entry, dict[str, Any], EntryState, str]], tick: Tick,
                    log: EntryWriteLog) -> None:
        """Write one page's changed entries on ``WORKERS`` threads (the backend's throttle keeps the rate);
        after the first failure (or a stop ``tick`` raises) no further write starts, and it is raised."""
        failed = threading.Event()

        def write(now: Entry, fields: dict[str, Any], state: EntryState, text: str) -> None:
            if failed.is_set():
                return
            try:
                self._check_captured(now, log)
                write_entry(self.backend, now, fields, state, log=log, values=True)
                tick(text)
            except BaseException:
                failed.set()
                raise

        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="reconcile-entries") as pool:
            futures = [pool.submit(write, *item) for item in todo]
        errors = [error for future in futures if (error := future.exception()) is not None]
        if errors:
            raise errors[0]

    def _check_captured(self, now: Entry, log: EntryWriteLog) -> None:
        """``now`` is as the pre-apply snapshot captured it (or as this run's own write left it): its values
        can be restored exactly. Else someone else wrote or created it during the apply: it is not written."""
        expected = log.written.get(now.id, self.captured.get(now.id))
        if expected != now.version:
            detail = ("created after the pre-apply snapshot" if expected is None
                      else f"version {expected} in the pre-apply snapshot, {now.version} now")
            raise EntryValuesDiffer(f"entry {now.id} of {now.content_type_id} changed during the apply ({detail})",
                                    hint="someone else wrote it: the apply rolls back and leaves it as they "
                                         "wrote it; run `reconcile plan` again")

    def _check(self, step: WriteEntries, written: Written) -> None:
        """What was written is what the plan computed, and the re-read entries hold it in their states."""
        if written.entries != step.entries or not written.computed(step.digest):
            raise EntryValuesDiffer(
                f"the values written to the entries of {step.resource_id} differ from those the plan computed "
                f"({written.entries} entries written, the plan showed {step.entries}): an entry or a fill changed "
                "since the plan was made", hint="the apply rolls back; run `reconcile plan` again")
        now = EntriesDigest()
        for page in self.backend.entry_pages(step.resource_id):
            live_digest(page, now)
        if now.text != written.after.text:
            raise EntryValuesDiffer(
                f"after writing, the entries of {step.resource_id} do not hold the values or publish state "
                "written", hint="someone may have edited entries during the apply; run `reconcile plan`")


def _with_ids(entry: Entry, back: Mapping[str, str]) -> Entry:
    """``entry`` with its renamed fields under their live ids again (what the plan's fills saw)."""
    if not back:
        return entry
    return entry.model_copy(update={"fields": {back.get(fid, fid): v for fid, v in entry.fields.items()}})


def fill_specs(plan: Plan) -> list[str]:
    """The fills a plan's ``write_entries`` steps run, once each."""
    return sorted({spec for phase in plan.phases for step in phase.steps if isinstance(step, WriteEntries)
                   for spec in step.fills.values()})
