"""Durable file writes: the one place that writes a file atomically and fsyncs a folder.

``atomic_write`` leaves either the old content or the new one at ``path``, never a mix or a truncated
file: the data goes to a temporary file beside it, is flushed and fsynced, then renamed over ``path``.
Callers that need the rename itself to survive a crash call ``fsync_dir`` on the folder afterwards
(snapshots do; model files and plan files do not). Errors are raised as they come (``OSError``):
callers word them for their users.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path


def atomic_write(path: Path, data: bytes | str, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` (``str`` is written as UTF-8, newlines untouched) in one step.

    The temporary file ``.<name>.<random>.tmp`` is created exclusively in the same folder (so the
    rename stays on one file system) and removed again when anything fails. ``durable=False`` skips
    the fsync of the data: a process that dies still leaves the old content or the new one, but after
    a power loss a file that did not exist before may be empty (for files that can be written again:
    ``reconcile pull``'s model files).
    """
    atomic_write_chunks(path, [data.encode("utf-8") if isinstance(data, str) else data], durable=durable)


def atomic_write_chunks(path: Path, chunks: Iterable[bytes], *, durable: bool = True) -> None:
    """``atomic_write`` of the concatenated ``chunks``, written as they come (a large file is never held whole)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:  # renamed, it is gone: no unlink (a failing system call a file, 1,001 for a pull)
        tmp.unlink(missing_ok=True)
        raise


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (files created, renamed or removed in it) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
