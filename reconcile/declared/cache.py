"""The parse cache of content type files (issue 16): what a file that read in full held, keyed by its bytes.

``<project>/.reconcile/cache/models-<hash of the models folder>.json`` holds, for each content type file
that read with no problem, its parsed data, keyed by the blake2b hash of the file's bytes. A later run
that finds the same bytes takes the data from here instead of parsing the file and checking its values
and shape again; the model values are built from it as from a parsed file (``declared.building``).

Safe by construction:

- keyed by the bytes of the file and by the reader: the cache format, the tool's version, rtoml's and
  Python's versions and a hash of the source of the modules that parse and check a file (``_READER``),
  so a changed reader never serves what the old one read;
- the payload carries its blake2b digest: a cache damaged in any way (truncated, a changed byte, not
  JSON, another shape) is ignored whole, and rewritten by the next run that reads every file well;
- only files that read with no problem are cached, and the cache is written only by a run that found no
  problem at all (bad input writes nothing); a run that finds a problem reads every file afresh
  (``workflows.project.validate_models``), so each message and line is that of a full read;
- written atomically (``fsio.atomic_write``), only when it changed; any ``OSError`` (a read-only project,
  a full disk) leaves it as it was, silently: the cache only saves time.

The cache is as trusted as the project's own files (which may name code to run: ``fill``): the digest
detects damage, not an author.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from pathlib import Path
from typing import Any

import orjson
import rtoml

from reconcile import __version__
from reconcile.fsio import atomic_write

FORMAT = 1
# The modules whose code decides what a file's bytes read as (relative to the package): a change to any
# of them is a new reader.
_READER = ("tomlsource.py", "model.py", "declared/shapes.py", "declared/layout.py", "declared/problems.py",
           "declared/loader.py", "declared/salvage.py", "declared/cache.py")


class ParseCache:
    """The parse cache of one models folder: look files up by their bytes, add those that read well, save."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._reader = _reader_key()
        self._old: dict[str, Any] = {} if self._reader is None else _load(path, self._reader)
        self._kept: set[str] = set()  # hashes of the files of this run found in the cache
        self._added: dict[str, bytes] = {}  # hash -> data as JSON, of the files of this run read afresh

    @classmethod
    def of_models(cls, cache_dir: Path, models_dir: Path) -> ParseCache:
        """The cache of ``models_dir`` in ``cache_dir`` (one per models folder: two never evict each other)."""
        name = hashlib.blake2b(str(models_dir.resolve()).encode(), digest_size=8).hexdigest()
        return cls(cache_dir / f"models-{name}.json")

    def get(self, raw: bytes) -> dict[str, Any] | None:
        """The data of a file with these bytes that read with no problem before, or None."""
        key = _file_key(raw)
        data = self._old.get(key)
        if isinstance(data, dict):
            self._kept.add(key)
            return data
        return None

    def put(self, raw: bytes, data: dict[str, Any]) -> None:
        """Add a file that read with no problem (its values are all JSON's: no TOML dates or times)."""
        with contextlib.suppress(orjson.JSONEncodeError):  # an integer beyond 64 bits (TOML has none)
            text = orjson.dumps(data)
            # orjson writes nan and inf as null, which TOML has not: a file whose JSON holds "null" anywhere
            # (a string may: it is only skipped) is not cached, as it might not read back the same.
            if b"null" not in text:
                self._added[_file_key(raw)] = text

    def save(self) -> None:
        """Write the files of this run (and only them) if that changes the cache; never raises ``OSError``."""
        if self._reader is None or (not self._added and self._kept == self._old.keys()):
            return
        texts = {**{key: orjson.dumps(self._old[key]) for key in self._kept}, **self._added}
        payload = b"{" + b",".join(b'"%s":%s' % (key.encode(), text) for key, text in sorted(texts.items())) + b"}"
        header = orjson.dumps({"format": FORMAT, "reader": self._reader, "digest": _digest(payload)})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, header + b"\n" + payload)
        except OSError:
            pass


def _load(path: Path, reader: str) -> dict[str, Any]:
    """The entries of the cache at ``path``; none when it is missing, unreadable, damaged or of another reader."""
    try:
        head, _, payload = path.read_bytes().partition(b"\n")
        header = orjson.loads(head)
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("reader") != reader \
                or header.get("digest") != _digest(payload):
            return {}
        entries = orjson.loads(payload)
    except (OSError, ValueError, RecursionError):
        return {}
    return entries if isinstance(entries, dict) else {}


def _reader_key() -> str | None:
    """What identifies the reader; None (no cache) when its source cannot be read."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(f"{FORMAT} {__version__} {rtoml.__version__} {sys.version}".encode())
    try:
        for name in _READER:
            digest.update((package / name).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _file_key(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


def _digest(payload: bytes) -> str:
    return hashlib.blake2b(payload).hexdigest()
