"""The emulator's state on disk: SQLite (WAL), one row per resource, a transaction per write request.

The working set stays the plain JSON ``Store.state``; this module persists what a request changed.
It knows the levels of the state, not the resource families, so a new family needs no code here:

- anything ``state`` holds beside ``"spaces"``: the record row ("", "");
- ``state["spaces"][space]``: a *record* row (space, ""), the space without its families;
- ``state["spaces"][space]["environments"][env]``: a record row (space, env), without its families;
- ``state["spaces"][space][family][id]`` and ``...["environments"][env][family][id]``: a *resource*
  row (space, env or "", family, id) holding the JSON body.

A family is any dict-valued key of a space or an environment other than ``sys`` (and a space's
``environments``); its record keeps an empty ``{}`` in its place, so the key order survives a restart.

Change tracking: every family dict is replaced by a :class:`Family`, a dict that notes the ids a
request looked up, set or deleted (anything it reads may be changed in place, e.g. an entry whose
values move when a locale is renamed), or that it read whole (``values()``, ``items()``). At commit
only those ids are serialised and compared with the digest of their row, so a write costs O(what the
request touched), not O(size of the space). A family dict that is not the registered ``Family`` (a new
environment's clone, a family created or replaced by a request) is rewritten whole. Records are few
and small: they are compared at every commit.

Every changed row is also appended to ``versions`` (the history, one row per resource version; a
deleted resource gets a row with a NULL body). ``resources`` holds the latest version.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

DB_FILE = "store.sqlite3"
LEGACY_FILE = "state.json"
MIGRATED_SUFFIX = ".migrated"
FORMAT = "1"

Json = dict[str, Any]
RecordKey = tuple[str, str]  # (space, env); env "" for the space itself
FamilyKey = tuple[str, str, str]  # (space, env or "", family)
ROOT: RecordKey = ("", "")  # the record of whatever the state holds beside "spaces" (nothing, so far)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    space TEXT NOT NULL, env TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (space, env));
CREATE TABLE IF NOT EXISTS resources (
    space TEXT NOT NULL, env TEXT NOT NULL, family TEXT NOT NULL, id TEXT NOT NULL,
    seq INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (space, env, family, id));
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, space TEXT NOT NULL, env TEXT NOT NULL, family TEXT NOT NULL,
    id TEXT NOT NULL, body TEXT);
"""


class Family(dict[str, Any]):
    """A family's resources by id, noting which ids the current request may have changed."""

    __slots__ = ("everything", "removed", "touched")

    def __init__(self, items: Iterable[tuple[str, Any]] = ()) -> None:
        dict.__init__(self, items)
        self.touched: set[str] = set()
        self.removed: set[str] = set()  # deleted since the last commit (a re-added id moves to the end)
        self.everything = False

    def forget(self) -> None:
        self.touched.clear()
        self.removed.clear()
        self.everything = False

    def __getitem__(self, key: str) -> Any:
        self.touched.add(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        self.touched.add(key)
        return dict.get(self, key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        self.touched.add(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        self.touched.add(key)
        self.removed.add(key)
        dict.__delitem__(self, key)

    def pop(self, key: str, *default: Any) -> Any:
        self.touched.add(key)
        self.removed.add(key)
        return dict.pop(self, key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self.touched.add(key)
        return dict.setdefault(self, key, default)

    def __iter__(self) -> Iterator[str]:
        # Overriding __iter__ makes dict(family) and {**family} go through keys() and __getitem__
        # (CPython's fast merge copies the values without noting them otherwise).
        return dict.__iter__(self)

    def values(self) -> Any:
        self.everything = True
        return dict.values(self)

    def items(self) -> Any:
        self.everything = True
        return dict.items(self)

    def popitem(self) -> tuple[str, Any]:
        self.everything = True
        return dict.popitem(self)

    def clear(self) -> None:
        self.everything = True
        dict.clear(self)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.everything = True
        dict.update(self, *args, **kwargs)

    def __ior__(self, other: Any) -> Family:  # type: ignore[override,misc]
        self.update(other)
        return self

    def copy(self) -> dict[str, Any]:
        return dict(self.items())

    def __copy__(self) -> dict[str, Any]:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        import copy

        return {key: copy.deepcopy(value, memo) for key, value in self.items()}


def _families(record: Json, skip: str | None) -> list[str]:
    return [key for key, value in record.items() if isinstance(value, dict) and key not in ("sys", skip)]


def _record_text(record: Json, skip: str | None) -> str:
    families = set(_families(record, skip))
    if skip is not None:
        families.add(skip)
    return json.dumps({key: ({} if key in families else value) for key, value in record.items()})


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class Persistence:
    """The SQLite file under ``data_dir`` and what is known to be in it."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.db = sqlite3.connect(data_dir / DB_FILE, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL, SQLite's setting for WAL: a commit is in the WAL (written, not fsynced) before the
        # response is sent, so an acknowledged write survives a SIGKILL of the server; the WAL is fsynced
        # at checkpoints, so a power loss may lose the last writes but never corrupts the file. FULL
        # (an fsync per write) cost about 1 ms of CPU and an fsync's wait per write here.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._forget_all()

    def _forget_all(self) -> None:
        """Know nothing of the file's rows: the next commit rewrites everything."""
        self.rewrite_all = True
        self.record_digests: dict[RecordKey, bytes] = {}
        self.families: dict[FamilyKey, Family] = {}
        self.row_digests: dict[FamilyKey, dict[str, bytes]] = {}
        self.seq = 0

    # ---------------------------------------------------------------------------------- loading

    def load(self) -> Json | None:
        """The stored state (from the database, or migrated from a ``state.json``); None if none."""
        legacy = self.data_dir / LEGACY_FILE
        if self.db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() is None:
            if not legacy.exists():
                return None
            state: Json = json.loads(legacy.read_text(encoding="utf-8"))
            self.commit(state)  # every family is new: all of it is written, with the format mark
            legacy.replace(legacy.with_name(LEGACY_FILE + MIGRATED_SUFFIX))
            return state
        if legacy.exists():  # migrated, but stopped before the rename
            legacy.replace(legacy.with_name(LEGACY_FILE + MIGRATED_SUFFIX))
        return self._read()

    def _read(self) -> Json:
        state: Json = {"spaces": {}}
        owners: dict[RecordKey, Json] = {}
        self.seq = 0
        rows = self.db.execute("SELECT space, env, seq, body FROM records ORDER BY env != '', seq").fetchall()
        for space, env, seq, body in rows:
            record = json.loads(body)
            self.record_digests[(space, env)] = _digest(body)
            self.seq = max(self.seq, seq)
            if (space, env) == ROOT:
                state.update(record)
                continue
            owners[(space, env)] = record
            if env:
                state["spaces"][space]["environments"][env] = record
            else:
                state["spaces"][space] = record
        for space, env, family, resource_id, seq, body in self.db.execute(
            "SELECT space, env, family, id, seq, body FROM resources ORDER BY seq"
        ):
            owners[(space, env)].setdefault(family, {})[resource_id] = json.loads(body)
            self.row_digests.setdefault((space, env, family), {})[resource_id] = _digest(body)
            self.seq = max(self.seq, seq)
        for (space, env), record in owners.items():
            for family in _families(record, None if env else "environments"):
                record[family] = self.families[(space, env, family)] = Family(dict.items(record[family]))
                self.row_digests.setdefault((space, env, family), {})
        self.rewrite_all = False
        return state

    # ---------------------------------------------------------------------------------- commit

    def commit(self, state: Json) -> None:
        """Write what changed since the last commit, in one transaction.

        The bookkeeping is updated as the changes are found; if anything fails, all of it is
        forgotten (the file still holds the previous commit) and the next commit rewrites everything.
        """
        try:
            rows: list[tuple[Any, ...]] = []
            records: list[tuple[Any, ...]] = []
            seen_records: set[RecordKey] = {ROOT}
            seen_families: dict[FamilyKey, Family] = {}
            self._diff_record(records, ROOT, json.dumps({k: v for k, v in state.items() if k != "spaces"}))
            for space_id, space in state["spaces"].items():
                owners = [((space_id, ""), space)]
                owners += [((space_id, env_id), env) for env_id, env in space["environments"].items()]
                for key, record in owners:
                    seen_records.add(key)
                    self._diff_record(records, key, _record_text(record, None if key[1] else "environments"))
                    for name in _families(record, None if key[1] else "environments"):
                        seen_families[(*key, name)] = self._diff_family(rows, (*key, name), record)
            for key in self.record_digests.keys() - seen_records:
                del self.record_digests[key]
                records.append((*key, None, None))
            for family_key in self.families.keys() - seen_families.keys():
                self.row_digests.pop(family_key, None)
                rows.append((*family_key, None, None, None))
            self.families = seen_families
            self._write(records, rows)
        except BaseException:
            self._forget_all()
            raise
        self.rewrite_all = False
        for family in seen_families.values():
            family.forget()

    def _diff_record(self, records: list[tuple[Any, ...]], key: RecordKey, text: str) -> None:
        digest = _digest(text)
        if self.record_digests.get(key) != digest:
            self.record_digests[key] = digest
            self.seq += 1
            records.append((*key, self.seq, text))

    def _diff_family(self, rows: list[tuple[Any, ...]], key: FamilyKey, record: Json) -> Family:
        """Rows of the family ``key`` that changed; a family seen for the first time is rewritten whole."""
        current = record[key[2]]
        family = self.families.get(key)
        if family is None or family is not current:
            family = record[key[2]] = Family(dict.items(current))
            rows.append((*key, None, None, None))  # delete all its rows
            self.row_digests[key] = {}
            ids: Iterable[str] = list(dict.keys(family))
        else:
            ids = family.touched
            if family.everything:
                ids = set(dict.keys(family)) | self.row_digests[key].keys()
        stored = self.row_digests[key]
        placed: list[str] = []  # new or re-added: they take the next places, in the family's order
        for resource_id in ids:
            if not dict.__contains__(family, resource_id):
                if stored.pop(resource_id, None) is not None:
                    rows.append((*key, resource_id, None, None))
            elif resource_id in family.removed or resource_id not in stored:
                placed.append(resource_id)
            else:
                self._upsert(rows, key, resource_id, dict.__getitem__(family, resource_id), place=False)
        if len(placed) > 1:
            wanted = set(placed)
            placed = [resource_id for resource_id in dict.keys(family) if resource_id in wanted]
        for resource_id in placed:
            self._upsert(rows, key, resource_id, dict.__getitem__(family, resource_id), place=True)
        return family

    def _upsert(self, rows: list[tuple[Any, ...]], key: FamilyKey, resource_id: str, body: Any, *, place: bool) -> None:
        """The row of a resource, if its body changed; ``place`` gives it the next place in its family."""
        text = json.dumps(body)
        digest = _digest(text)
        stored = self.row_digests[key]
        if place or stored.get(resource_id) != digest:
            stored[resource_id] = digest
            if place:
                self.seq += 1
            rows.append((*key, resource_id, self.seq if place else None, text))

    def _write(self, records: list[tuple[Any, ...]], rows: list[tuple[Any, ...]]) -> None:
        """One transaction. A row (space, env, family, id, seq, body): id None deletes the family,
        body None deletes the resource, seq None keeps its place; a record with body None is deleted."""
        if not records and not rows and not self.rewrite_all:
            return
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            if self.rewrite_all:
                db.execute("DELETE FROM records")
                db.execute("DELETE FROM resources")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,))
            for space, env, seq, text in records:
                if text is None:
                    db.execute("DELETE FROM records WHERE space = ? AND env = ?", (space, env))
                    db.execute("DELETE FROM resources WHERE space = ? AND env = ?", (space, env))
                else:
                    db.execute("INSERT INTO records VALUES (?, ?, ?, ?) ON CONFLICT (space, env) "
                               "DO UPDATE SET body = excluded.body", (space, env, seq, text))  # fmt: skip
            for space, env, family, resource_id, seq, text in rows:
                self._write_row(space, env, family, resource_id, seq, text)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _write_row(
        self, space: str, env: str, family: str, resource_id: str | None, seq: int | None, text: str | None
    ) -> None:
        db = self.db
        if resource_id is None:
            db.execute("DELETE FROM resources WHERE space = ? AND env = ? AND family = ?", (space, env, family))
            return
        key = (space, env, family, resource_id)
        if text is None:
            db.execute("DELETE FROM resources WHERE space = ? AND env = ? AND family = ? AND id = ?", key)
        elif seq is None:
            db.execute("UPDATE resources SET body = ? WHERE space = ? AND env = ? AND family = ? AND id = ?",
                       (text, *key))  # fmt: skip
        else:
            db.execute("INSERT OR REPLACE INTO resources VALUES (?, ?, ?, ?, ?, ?)", (*key, seq, text))
        db.execute("INSERT INTO versions (space, env, family, id, body) VALUES (?, ?, ?, ?, ?)", (*key, text))
