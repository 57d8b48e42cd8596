"""Which entries a run wrote, from its journal, and whose they are now (docs/safety.md, "Entries written
during a run").

Every entry write of a run (a plan's ``put_entry`` step, a tag step's untag or re-tag, a rollback's or
revert's restore) journals an ``EntryWrite`` ``start`` record before its first request and a ``done``
record after its last. A rollback or revert reads those records and, before it changes anything, the
live entries they name, and decides for each one whether the live entry is still the run's doing
(``ours``: restored to its captured values and state) or someone else's (``theirs``: their values and
publish state are kept, and the entry is named in the report). An entry the journal does not name was
not written by the run: it keeps its live publish state and values; only values it lacks are put back.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast, get_args

from reconcile.journal import EntryWrite, Journal, Record
from reconcile.model import Entry, EntryState, JsonObject


def digest(fields: JsonObject) -> str:
    """A digest of an entry's values (the journal holds no values: they may be personal data)."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def requests_of(now: Entry, state: EntryState) -> tuple[int, int]:
    """The requests ``entries.write_entry`` sends to write ``now`` and leave it in ``state``: how many, and
    which of them (1-based) is the PUT. An archived entry is unarchived first; after the PUT the entry is a
    draft or has pending changes, so ``published`` takes a publish, ``archived`` an unpublish (when it is
    published) and an archive."""
    unarchive = now.state == "archived"
    published = now.published_version is not None and not unarchive
    after = {"published": 1, "archived": 2 if published else 1}.get(state, 0)
    return int(unarchive) + 1 + after, int(unarchive) + 1


class EntryWriteLog:
    """Journals the entry writes of one run (thread-safe: the executor writes entries on several workers)."""

    def __init__(self, journal: Journal, run_id: str, lock: threading.RLock | None = None) -> None:
        """``lock`` is the one every writer of ``journal`` in this process holds (the executor's): appends
        must not interleave, since each checks the journal's tail for a line cut off by a crash."""
        self.journal, self.run_id = journal, run_id
        self._lock = lock if lock is not None else threading.RLock()
        #: Entry id -> the version this run's last finished write of it left.
        self.written: dict[str, int] = {}

    def started(self, now: Entry, fields: JsonObject, state: EntryState, *, values: bool) -> None:
        """Before the first request of a write of ``now``: ``values`` says the PUT replaces its values with
        ones a plan computed (the pre-apply snapshot holds the entry whole), not only its tags."""
        requests, put_at = requests_of(now, state)
        self._append(EntryWrite(run_id=self.run_id, at="start", entry=now.id, content_type=now.content_type_id,
                                version=now.version, state=state, requests=requests, put_at=put_at,
                                digest=digest(fields), values=values))

    def done(self, entry: Entry, *, values: bool) -> None:
        """After the last request of a write: the version it left the entry at."""
        self._append(EntryWrite(run_id=self.run_id, at="done", entry=entry.id, content_type=entry.content_type_id,
                                version=entry.version, values=values))
        with self._lock:
            self.written[entry.id] = entry.version

    def _append(self, record: EntryWrite) -> None:
        with self._lock:
            self.journal.append(record)


def last_writes(records: Iterable[Record]) -> dict[str, EntryWrite]:
    """Per entry, the last ``EntryWrite`` record of the journal (a later run's write follows an earlier's)."""
    return {r.entry: r for r in records if isinstance(r, EntryWrite) and r.entry is not None}


def landed(start: EntryWrite, now: Entry) -> bool:
    """Whether the live entry ``now`` is where the write ``start`` (no ``done`` followed) left it: the run's
    own doing, with no other write since.

    Decided from versions, as the CMA counts them (cma-facts §2): every successful PUT, publish,
    unpublish, archive and unarchive adds exactly 1 to ``sys.version``, and each request carries the
    version it expects (``X-Contentful-Version``), so a request succeeds only on the version it was
    computed for. The write's requests run in order from ``start.version`` (V). Live at V + k:
    - k = 0: none of its requests landed, and nobody wrote the entry: it is as captured.
    - 0 < k <= the write's request count: either its first k requests landed, or someone else wrote the
      entry k times and the write's next request was refused (409). The two are told apart by the values:
      once the PUT is among the first k, the live values are exactly what the PUT sent (the digest);
      before it, the write only unarchived (a colleague's unarchive would have made that request a 409,
      and their edit would need a second write, so k would be 1 only through ours). The one case left, a
      colleague who wrote exactly the values the run sent, is treated as the run's: undoing it puts back
      what the entry held before the run, which is what undoing the run means.
    - any other k (more writes than the run sends, or fewer than none): someone else wrote it.
    """
    if start.version is None or start.requests is None or start.put_at is None:
        return False
    k = now.version - start.version
    if k == 0:
        return True
    if not 0 < k <= start.requests:
        return False
    return k < start.put_at or digest(now.fields) == start.digest


def finishing_state(start: EntryWrite, now: Entry) -> EntryState | None:
    """The state the write ``start`` (a run's that died before its ``done``) was leading ``now`` to, when part
    of its requests landed (its PUT, not its publish) and nobody wrote the entry since (:func:`landed`), and
    ``now`` is not in it: the state an uninterrupted run would have left it in, which the next write of the
    entry completes (docs/transforms.md, "An apply that died during a conversion"). None otherwise."""
    state = start.state
    if state not in get_args(EntryState) or start.version is None or now.version <= start.version:
        return None
    return cast(EntryState, state) if state != now.state and landed(start, now) else None


@dataclass
class Ownership:
    """Whose the entries a run wrote are, as read when a rollback or revert began."""

    #: Entry id -> its live version then: still as the run left it.
    ours: dict[str, int] = field(default_factory=dict)
    #: Entries the run wrote (or started to) that someone else wrote after it, or instead of it.
    theirs: set[str] = field(default_factory=set)
    #: Entries whose values the run replaced from a plan (captured whole): restored exactly when ours.
    whole: set[str] = field(default_factory=set)
    #: Entry id -> the version the undo's own writes left it at (a tag step, a restore of an earlier round).
    rewritten: dict[str, int] = field(default_factory=dict)

    def is_ours(self, entry_id: str, now: Entry) -> bool:
        """Whether the live entry is still as the undone run (and this undo) left it."""
        return entry_id in self.ours and now.version == self.rewritten.get(entry_id, self.ours[entry_id])

    def written_by_others(self, captured: Entry, now: Entry) -> bool:
        """Whether someone else wrote the live entry: the run wrote it and someone after it (or instead),
        or the run did not write it and its version moved (not by this undo's own writes)."""
        if captured.id in self.ours or captured.id in self.theirs:
            return not self.is_ours(captured.id, now)
        expected = self.rewritten.get(captured.id, captured.version)
        return captured.version > 0 and now.version != expected


def ownership(writes: Mapping[str, EntryWrite], live: Mapping[str, Entry]) -> Ownership:
    """Classify the entries of ``writes`` (:func:`last_writes`) by their live state ``live`` (entry id ->
    entry; a missing entry was deleted, by someone else)."""
    owned = Ownership()
    for entry_id, last in writes.items():
        now = live.get(entry_id)
        if now is None:
            continue
        mine = now.version == last.version if last.at == "done" else landed(last, now)
        if mine:
            owned.ours[entry_id] = now.version
        else:
            owned.theirs.add(entry_id)
    owned.whole = {entry_id for entry_id in owned.ours if writes[entry_id].values}
    return owned
