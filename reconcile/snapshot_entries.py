"""The entries a plan writes, kept in its pre-apply snapshot a page at a time: ``entries.jsonl``.

``export.json`` is written whole, so the entries of the content types whose values an apply converts or
fills (all of them, each whole: every locale, version, publish and archived state; docs/transforms.md)
go beside it in ``entries.jsonl``, one raw API entry per line, written as the pages are read: memory holds
one page, whatever the number of entries. ``entries.jsonl.sha256`` holds the file's checksum and line count.
Both are written (temporary file, fsync, rename) and read back verified before the apply's first write;
loading the snapshot verifies them again and adds the entries to its export (``snapshots.Snapshot``), so
rollback, revert and rehearse see one export. A crash before they are complete leaves a snapshot without
them, and no entry written.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from reconcile.errors import ReconcileError
from reconcile.fsio import atomic_write, fsync_dir

ENTRIES_FILE = "entries.jsonl"
CHECKSUM_FILE = "entries.jsonl.sha256"


def write_entries(folder: Path, pages: Iterable[Sequence[dict[str, Any]]]) -> int:
    """Write the raw entries of ``pages`` into snapshot ``folder``, durably, and read them back verified;
    the number written."""
    staging = folder / f".{ENTRIES_FILE}.tmp"
    digest = hashlib.sha256()
    count = 0
    with staging.open("wb") as out:
        for page in pages:
            for item in page:
                line = (json.dumps(item, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n").encode()
                out.write(line)
                digest.update(line)
                count += 1
        out.flush()
        os.fsync(out.fileno())
    os.rename(staging, folder / ENTRIES_FILE)
    atomic_write(folder / CHECKSUM_FILE, f"{digest.hexdigest()} {count}\n".encode())
    fsync_dir(folder)
    _checked(folder, keep=False)
    return count


def read_entries(folder: Path) -> list[dict[str, Any]]:
    """The raw entries kept in snapshot ``folder`` beside its export (none when it has no ``entries.jsonl``),
    verified against their checksum."""
    if not (folder / ENTRIES_FILE).exists():
        return []
    return _checked(folder, keep=True)


def _checked(folder: Path, *, keep: bool) -> list[dict[str, Any]]:
    """Read ``entries.jsonl`` a line at a time, checking its checksum, line count and lines; the entries when
    ``keep`` (else none: a check that holds no entries)."""
    path = folder / ENTRIES_FILE
    try:
        recorded, _, count = (folder / CHECKSUM_FILE).read_text(encoding="utf-8").strip().partition(" ")
        digest = hashlib.sha256()
        kept: list[dict[str, Any]] = []
        lines = 0
        with path.open("rb") as source:
            for line in source:
                digest.update(line)
                lines += 1
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("sys"), dict):
                    raise ValueError(f"line {lines} is not an entry")
                if keep:
                    kept.append(item)
    except (OSError, ValueError) as exc:
        raise _damaged(path, str(exc)) from None
    if digest.hexdigest() != recorded or str(lines) != count:
        raise _damaged(path, f"checksum or line count differs from {CHECKSUM_FILE}")
    return kept


def _damaged(path: Path, why: str) -> ReconcileError:
    return ReconcileError(f"snapshot entries file {path} is damaged: {why}",
                          hint="do not revert to it; use another snapshot (`reconcile snapshots list`)")
