"""The emulator as a child process of the tool (the local target): ``python -m reconcile.emulator.child``.

Imports only the emulator, so that the child starts quickly. The protocol, over the child's standard
streams (never its command line, which other users can read):

- stdin, first line: JSON ``{"data": DIR or null, "spaces": [...], "token": TOKEN}``; ``data`` null keeps
  the space in memory;
- stdout, first ``{"waiting": true}`` if another server holds the data directory (the child then waits
  for it up to ``lock_wait`` seconds), then one line once the 127.0.0.1 port is bound: ``{"port": N}``, or
  ``{"error": KIND, "detail": ...}``
  when the server cannot start (KIND ``in_use``: another server holds the data directory's lock;
  ``unreadable``: the store cannot be read; ``failed``: anything else), and the child exits;
- then the child serves until stdin reaches its end: the parent closed it, or died (even by SIGKILL), so
  the child never outlives the tool. A write the child acknowledged is committed (a transaction per request).

``hold_data_dir`` is also the lock of ``reconcile emulator serve``: one server per data directory.
"""

from __future__ import annotations

import fcntl
import gc
import itertools
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LOCK_FILE = "serve.lock"


class DataDirInUse(Exception):
    """Another server holds the lock of the data directory."""


@contextmanager
def hold_data_dir(data_dir: Path, wait: float = 0.0, waiting: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold an exclusive lock on ``data_dir`` while serving: two servers on one data directory each kept
    their own state in memory and overwrote each other's rows. The lock goes with the process (even on
    SIGKILL). ``wait``: seconds to wait for a server that is exiting (``waiting()`` is called once, when
    the wait begins); then raise ``DataDirInUse``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    with open(data_dir / LOCK_FILE, "a+b") as handle:
        for attempt in itertools.count():
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DataDirInUse(str(data_dir)) from None
                if attempt == 0:
                    waiting()
                time.sleep(0.05)
        yield


def _report(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _serve_until_eof(data_dir: Path | None, spaces: list[str], token: str) -> None:
    from reconcile.emulator import Emulator

    # The store loads the whole space (as text when persisting, persist.py; parsed objects in memory):
    # the collector's passes over what loading makes would be wasted: load with it off, then move it out
    # of the collector's sight. No request log: nobody can ask a child for it, and it would grow with
    # every request the command makes.
    gc.disable()
    try:
        emulator = Emulator(data_dir=data_dir, spaces=spaces, token=token, keep_log=False)
    except (sqlite3.DatabaseError, ValueError) as exc:  # a damaged store.sqlite3, or a state.json to migrate
        _report({"error": "unreadable", "detail": str(exc)})
        return
    finally:
        gc.freeze()
        gc.enable()
    with emulator:
        _report({"port": emulator.port})
        # Nothing more goes to stdout: the parent may be gone, and a write would then fail.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        stdin = sys.stdin.buffer
        while stdin.read(65536):  # the parent writes nothing more: this returns at its end
            pass


def main() -> None:
    config = json.loads(sys.stdin.buffer.readline() or b"{}")
    data = config.get("data")
    spaces, token = list(config.get("spaces") or ["local"]), str(config.get("token") or "")
    try:
        if data is None:
            _serve_until_eof(None, spaces, token)
            return
        # A server of a command that just ended may still be closing: wait for it a little.
        with hold_data_dir(Path(data), wait=float(config.get("lock_wait", 5.0)),
                           waiting=lambda: _report({"waiting": True})):
            _serve_until_eof(Path(data), spaces, token)
    except DataDirInUse:
        _report({"error": "in_use", "detail": str(data)})
    except OSError as exc:
        _report({"error": "unreadable", "detail": f"{exc.strerror or exc}"})
    except Exception as exc:  # reported to the parent, which says so in one line (no traceback)
        _report({"error": "failed", "detail": f"{type(exc).__name__}: {exc}"})


if __name__ == "__main__":
    main()
