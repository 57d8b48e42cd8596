"""The emulator's state on disk: SQLite (WAL), one row per resource, a transaction per write request.

The working set is ``Store.state``, the same JSON shape as without a data directory, but each
family holds its resources as their JSON text (the rows' bodies), compressed (``pack``: zlib at its
fastest level, a ninth of the text: a published content type's draft and published bodies are nearly
the same), and parsed when a request looks one up: the memory of a space is about a fiftieth of its
parsed values, and every request lets go of what it parsed when it ends (``commit`` after a write,
``let_go`` after a read).
This module persists what a request changed.
It knows the levels of the state, not the resource families, so a new family needs no code here:

- anything ``state`` holds beside ``"spaces"``: the record row ("", "");
- ``state["spaces"][space]``: a *record* row (space, ""), the space without its families;
- ``state["spaces"][space]["environments"][env]``: a record row (space, env), without its families;
- ``state["spaces"][space][family][id]`` and ``...["environments"][env][family][id]``: a *resource*
  row (space, env or "", family, id) holding the JSON body.

A family is any dict-valued key of a space or an environment other than ``sys`` (and a space's
``environments``); its record keeps an empty ``{}`` in its place, so the key order survives a restart.

Change tracking: every family dict is replaced by a :class:`Family`, a dict of texts whose lookups
parse into ``Family.parsed``: the values a request looked up, set or read whole (``values()``,
``items()``), any of which it may have changed in place (e.g. an entry whose values move when a locale
is renamed). At commit only those are serialised and compared with their text, so a write costs O(what
the request touched), not O(size of the space); then they are dropped. A read (GET) changes no
resource in place (each answers copies), so ``let_go`` drops what it parsed without comparing. A
family dict that is not the registered ``Family`` (a new environment's clone, a family created or
replaced by a request) is rewritten whole. Records are few and small: they stay parsed and are
compared at every commit.

Every changed row is also appended to ``versions`` (the history, one row per resource version; a
deleted resource gets a row with a NULL body). ``resources`` holds the latest version.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from reconcile.emulator.memory import give_back, tune_allocator
from reconcile.emulator.packed import Family, pack, unpack

DB_FILE = "store.sqlite3"
LEGACY_FILE = "state.json"
MIGRATED_SUFFIX = ".migrated"
FORMAT = "1"
GIVE_BACK_AFTER = 100  # resources parsed by one request, beyond which freed memory goes back (memory.py)

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


def _families(record: Json, skip: str | None) -> list[str]:
    return [key for key, value in record.items() if isinstance(value, dict) and key not in ("sys", skip)]


def _record_text(record: Json, skip: str | None) -> str:
    families = set(_families(record, skip))
    if skip is not None:
        families.add(skip)
    return json.dumps({key: ({} if key in families else value) for key, value in record.items()})


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _private(db: Path) -> None:
    """Create the database file readable by its owner only, as ``state.json`` was (its entries may be
    personal data): SQLite creates its ``-wal`` and ``-shm`` files with the database's mode. Those files
    created readable by all (before this) are made private."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError:  # absent, or not ours to change
            pass


class Persistence:
    """The SQLite file under ``data_dir`` and what is known to be in it."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        tune_allocator()
        _private(data_dir / DB_FILE)
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
        texts: dict[FamilyKey, list[tuple[str, bytes]]] = {}
        for space, env, family, resource_id, seq, body in self.db.execute(
            "SELECT space, env, family, id, seq, body FROM resources ORDER BY seq"
        ):  # packed row by row: the texts of the space are never all held
            texts.setdefault((space, env, family), []).append((resource_id, pack(body)))
            self.seq = max(self.seq, seq)
        for space, env, family in texts:
            owners[(space, env)].setdefault(family, {})
        for (space, env), record in owners.items():
            for family in _families(record, None if env else "environments"):
                key = (space, env, family)
                record[family] = self.families[key] = Family(texts.get(key, ()))
        self.rewrite_all = False
        return state

    # ---------------------------------------------------------------------------------- commit

    def commit(self, state: Json) -> None:
        """Write what changed since the last commit, in one transaction, then let go of parsed values.

        The record digests are updated as the changes are found; if anything fails, all of it is
        forgotten (the file still holds the previous commit; the families keep their parsed values)
        and the next commit rewrites everything.
        """
        try:
            rows: list[tuple[Any, ...]] = []
            records: list[tuple[Any, ...]] = []
            texts: list[tuple[Family, str, str]] = []  # a resource's new text, held once written
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
                        seen_families[(*key, name)] = self._diff_family(rows, texts, (*key, name), record)
            for key in self.record_digests.keys() - seen_records:
                del self.record_digests[key]
                records.append((*key, None, None))
            for family_key in self.families.keys() - seen_families.keys():
                rows.append((*family_key, None, None, None))
            self._write(records, rows)
        except BaseException:
            self._forget_all()
            raise
        for family, resource_id, text in texts:
            dict.__setitem__(family, resource_id, pack(text))
        self.families = seen_families
        self.rewrite_all = False
        parsed = 0
        for family in seen_families.values():
            parsed += len(family.parsed)
            family.parsed.clear()
            family.removed.clear()
        if parsed >= GIVE_BACK_AFTER:
            give_back()

    def let_go(self) -> None:
        """Forget the stored resources parsed since the last commit, after a read: no read changes a
        resource in place (each answers copies), so they need no comparison."""
        parsed = 0
        for family in self.families.values():
            if family.parsed:
                parsed += len(family.parsed)
                family.parsed = {rid: value for rid, value in family.parsed.items()
                                 if dict.__getitem__(family, rid) is None}  # fmt: skip
        if parsed >= GIVE_BACK_AFTER:
            give_back()

    def _diff_record(self, records: list[tuple[Any, ...]], key: RecordKey, text: str) -> None:
        digest = _digest(text)
        if self.record_digests.get(key) != digest:
            self.record_digests[key] = digest
            self.seq += 1
            records.append((*key, self.seq, text))

    def _diff_family(
        self, rows: list[tuple[Any, ...]], texts: list[tuple[Family, str, str]], key: FamilyKey, record: Json
    ) -> Family:
        """Rows of the family ``key`` that changed; a family seen for the first time is rewritten whole."""
        family = record[key[2]]
        if not isinstance(family, Family) or self.families.get(key) is not family:
            return self._rewrite_family(rows, key, record)
        rows += [(*key, resource_id, None, None) for resource_id in family.removed
                 if not dict.__contains__(family, resource_id)]  # fmt: skip
        placed: list[str] = []  # new or re-added: they take the next places, in the family's order
        for resource_id, value in family.parsed.items():
            stored = dict.__getitem__(family, resource_id)
            if stored is None:
                placed.append(resource_id)
                continue
            text = json.dumps(value)
            if text != unpack(stored):
                texts.append((family, resource_id, text))
                rows.append((*key, resource_id, None, text))
        if len(placed) > 1:
            wanted = set(placed)
            placed = [resource_id for resource_id in dict.keys(family) if resource_id in wanted]
        for resource_id in placed:
            text = json.dumps(family.parsed[resource_id])
            self.seq += 1
            texts.append((family, resource_id, text))
            rows.append((*key, resource_id, self.seq, text))
        return family

    def _rewrite_family(self, rows: list[tuple[Any, ...]], key: FamilyKey, record: Json) -> Family:
        """All rows of the family ``key`` anew; it becomes a :class:`Family` holding their texts."""
        current = record[key[2]]
        if isinstance(current, Family):
            texts = [(resource_id, current.text(resource_id)) for resource_id in current]
        else:
            texts = [(resource_id, json.dumps(value)) for resource_id, value in current.items()]
        family = record[key[2]] = Family(texts)
        rows.append((*key, None, None, None))  # delete all its rows
        for resource_id, text in texts:
            self.seq += 1
            rows.append((*key, resource_id, self.seq, text))
        return family

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
