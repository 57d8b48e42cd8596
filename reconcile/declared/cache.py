"""The parse cache of content type files (issue 16): what a file that read in full held, keyed by its bytes.

``<project>/.reconcile/cache/models-<hash of the models folder>.json`` holds, for each content type file
that read with no problem, its parsed data, keyed by the blake2b hash of the file's bytes. A later run
that finds the same bytes takes the data from here instead of parsing the file and checking its values
and shape again; the model values are built from it as from a parsed file (``declared.building``).
It also holds the key of the last run that found no problem (``run_key``: the names and bytes of every
model file, the tool's source, the scope): the offline rules, a pure function of exactly these, need
not run again on a run with the same key. (``reconcile validate`` keeps its own records, file by file:
``declared.records``.)

Safe by construction:

- keyed by the bytes of the file and by the reader: the cache format, the versions of the tool, rtoml,
  regress and Python, and a hash of the source of every module of the tool but the emulator
  (``reader_key``), so changed code never serves what the old code read or checked;
- the payload carries its blake2b digest: a cache damaged in any way (truncated, a changed byte, not
  JSON, another shape) is ignored whole, and rewritten by the next run that reads every file well;
- only files that read with no problem are cached, and the cache is written only by a run that found no
  problem at all (bad input writes nothing); a run that finds a problem reads every file afresh
  (``workflows.project.validate_models``), so each message and line is that of a full read;
- written atomically (``fsio.atomic_write``), only when it changed; any ``OSError`` (a read-only project,
  a full disk) leaves it as it was, silently: the cache only saves time;
- pruned: each file records its models folder (``models`` in its header), and each write of a parse cache
  deletes the parse caches and pull records of folders that no longer exist (``prune``).

The cache is as trusted as the project's own files (which may name code to run: ``fill``): the digest
detects damage, not an author.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, Self

import orjson
import rtoml

from reconcile import __version__
from reconcile.fsio import atomic_write_chunks

FORMAT = 1


class FolderRecord:
    """A cache file of one models folder, ``<kind>-<hash of the folder>.json`` (``cache_path``): a header line (the
    format, the reader's key, the blake2b digest of the rest, the models folder, for ``prune``), then a payload.
    The parse cache, validate's per-file records (``records.RecordCache``) and the pull's records
    (``pulled.PullRecord``, ``pulltypes.TypeRecord``) are kinds of it: each is read only by the reader that wrote
    it, ignored whole when damaged, and written atomically; any ``OSError`` leaves it as it was."""

    kind: ClassVar[str]

    def __init__(self, path: Path, models_dir: Path) -> None:
        self.path = path
        self._models = str(models_dir.resolve())  # recorded in the header, for ``prune``
        self._reader = reader_key()

    @classmethod
    def of_models(cls, cache_dir: Path, models_dir: Path) -> Self:
        """The record of ``models_dir`` in ``cache_dir`` (one per models folder: two never evict each other)."""
        return cls(cache_path(cache_dir, models_dir, cls.kind), models_dir)

    def _read(self) -> tuple[dict[str, Any], bytes] | None:
        """The header and payload of the file, when this reader wrote it and it is undamaged; None otherwise (or
        without a reader)."""
        if self._reader is None:
            return None
        try:
            head, _, payload = self.path.read_bytes().partition(b"\n")
            header = orjson.loads(head)
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("reader") != self._reader \
                or header.get("digest") != _digest(payload):
            return None
        return header, payload

    def _read_json(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The header and the payload's JSON object (``_read``); both empty when there is none."""
        found = self._read()
        try:
            payload = orjson.loads(found[1]) if found is not None else None
        except (ValueError, RecursionError):
            payload = None
        return (found[0], payload) if found is not None and isinstance(payload, dict) else ({}, {})

    def _write(self, payload: bytes, *, durable: bool = True, **header: Any) -> None:
        """Replace the file with ``payload`` under its header (with ``header``), and ``prune`` the cache folder;
        never raises ``OSError`` (a record only saves time)."""
        if self._reader is None:
            return
        head = {"format": FORMAT, "reader": self._reader, "digest": _digest(payload), **header, "models": self._models}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_chunks(self.path, [orjson.dumps(head) + b"\n", payload], durable=durable)
        except OSError:
            return
        prune(self.path.parent)


class ParseCache(FolderRecord):
    """The parse cache of one models folder: look files up by their bytes, add those that read well, save."""

    kind = "models"

    def __init__(self, path: Path, models_dir: Path) -> None:
        super().__init__(path, models_dir)
        header, self._old = self._read_json()
        clean_run = header.get("clean_run")
        self._clean_run = clean_run if isinstance(clean_run, str) else None
        self._kept: set[str] = set()  # hashes of the files of this run found in the cache
        self._added: dict[str, bytes] = {}  # hash -> data as JSON, of the files of this run read afresh
        self._seen: list[str] = []  # "name hash" of every model file this run read

    def note(self, name: str, raw: bytes, key: str | None = None) -> str:
        """Record that this run read the model file ``name`` (its path in the models folder) with these bytes;
        the key of the bytes, for ``get`` and ``put`` (``key``: that key, when the caller has it already)."""
        key = content_key(raw) if key is None else key
        self._seen.append(f"{name} {key}")
        return key

    def get(self, key: str) -> dict[str, Any] | None:
        """The data of a file with these bytes (``note``'s key) that read with no problem before, or None."""
        data = self._old.get(key)
        if isinstance(data, dict):
            self._kept.add(key)
            return data
        return None

    def put(self, key: str, data: dict[str, Any], encoded: bytes | None = None) -> None:
        """Add a file that read with no problem (its values are all JSON's: no TOML dates or times);
        ``encoded``: ``data`` as orjson's JSON, when the reader made it already."""
        with contextlib.suppress(orjson.JSONEncodeError):  # an integer beyond 64 bits (TOML has none)
            text = orjson.dumps(data) if encoded is None else encoded
            # orjson writes nan and inf as null, which TOML has not: a file whose JSON holds "null" anywhere
            # (a string may: it is only skipped) is not cached, as it might not read back the same.
            if b"null" not in text:
                self._added[key] = text

    def run_key(self, context: str) -> str | None:
        """What decides the offline rules' verdict on this run: every model file read (names and bytes), the
        tool's source (``reader_key``) and ``context`` (what else the rules read: the scope); None without
        a reader."""
        return None if self._reader is None else run_digest(self._reader, context, self._seen)

    def found_clean(self, run: str | None) -> bool:
        """Whether a run with this ``run_key`` found no problem before (its rules need not run again)."""
        return run is not None and run == self._clean_run

    @property
    def seen(self) -> list[str]:
        """"name hash" of every model file this run read (``note``)."""
        return self._seen

    def save(self, clean_run: str | None = None) -> None:
        """Write the files of this run (and only them) and the key of this run, which found no problem, if
        that changes the cache; never raises ``OSError``."""
        unchanged = not self._added and self._kept == self._old.keys() and clean_run == self._clean_run
        if self._reader is None or unchanged:
            return
        texts = {**{key: orjson.dumps(self._old[key]) for key in self._kept}, **self._added}
        payload = b"{" + b",".join(b'"%s":%s' % (key.encode(), text) for key, text in sorted(texts.items())) + b"}"
        self._write(payload, durable=False, clean_run=clean_run)  # after a power loss, a damaged cache is ignored


def cache_path(cache_dir: Path, models_dir: Path, kind: str = "models") -> Path:
    """Where the parse cache (or another ``kind`` of cache file) of ``models_dir`` is in ``cache_dir``."""
    name = hashlib.blake2b(str(models_dir.resolve()).encode(), digest_size=8).hexdigest()
    return cache_dir / f"{kind}-{name}.json"


#: At most this many files of the cache folder are looked at by one ``prune``.
PRUNE_LIMIT = 100


def prune(cache_dir: Path) -> None:
    """Delete the parse caches, per-file records (``checked``) and pull records (``pulled``, ``pulltypes``) in
    ``cache_dir`` whose models folder no longer exists, and the parse caches and records that name none (written
    by an older version: useless to this one). Bounded and cheap: the first line of at most ``PRUNE_LIMIT`` files
    of each kind is read; run after each write of a parse cache.
    Never raises ``OSError``: a file it cannot read or delete stays; other files are never looked at."""
    for pattern, nameless_stale in (("models-*.json", True), ("checked-*.json", True), ("pulled-*.json", False),
                                    ("pulltypes-*.json", False)):
        with contextlib.suppress(OSError):
            for path in itertools.islice(cache_dir.glob(pattern), PRUNE_LIMIT):
                if _stale(path, nameless_stale):
                    with contextlib.suppress(OSError):
                        path.unlink()


def _stale(path: Path, nameless_stale: bool) -> bool:
    """Whether the cache file at ``path`` is of a models folder that no longer exists (or names none, when
    ``nameless_stale``); not when it cannot be read now (a permission: it is left alone)."""
    try:
        with path.open("rb") as handle:
            header = orjson.loads(handle.readline())
    except OSError:
        return False
    except ValueError:
        return nameless_stale
    models = header.get("models") if isinstance(header, dict) else None
    return nameless_stale if not isinstance(models, str) else not Path(models).is_dir()


def reader_key() -> str | None:
    """What identifies the reader: the cache format, the tool's version, rtoml's, regress's and Python's, and
    the source of every module of the tool but the emulator (any change to the code is a new reader: a
    cached file and a clean run are only used by the code that read and checked them); None (no cache)
    when the source cannot be read."""
    versions = f"{FORMAT} {__version__} {rtoml.__version__} {_version_of('regress')} {_version_of('pydantic')} " \
        f"{sys.version}"
    source = _source_digest()
    return None if source is None else hashlib.blake2b(f"{versions}\n{source}".encode()).hexdigest()


@functools.cache
def _source_digest() -> str | None:
    """The digest of the source of every module of the tool but the emulator; None when it cannot be read. Worked
    out once per process (the code running does not change; each kind of cache file asks for it, issue 16)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b()
    try:
        for path in sorted(package.rglob("*.py")):
            if "emulator" not in path.relative_to(package).parts:
                digest.update(path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


@functools.cache
def _version_of(distribution: str) -> str:
    """The installed version of ``distribution`` (looked up once per process)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def content_key(raw: bytes) -> str:
    """The key of some bytes: a model file's, a content type's live JSON (``pulltypes``)."""
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


def run_digest(reader: str, context: str, seen: list[str]) -> str:
    """The key of a run of ``reader`` (``reader_key``) that read the model files ``seen`` ("name hash" each, in
    any order), with ``context`` (what else the rules read: the scope)."""
    digest = hashlib.blake2b(f"{reader}\n{context}\n".encode())
    digest.update("\n".join(sorted(seen)).encode())
    return digest.hexdigest()


def _digest(payload: bytes) -> str:
    return hashlib.blake2b(payload).hexdigest()
