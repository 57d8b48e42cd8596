"""Signals during a run that writes (apply, revert): SIGINT, SIGTERM and SIGHUP all mean "stop and roll back".

The one place that handles signals. ``RunSignals`` is installed by ``workflows.project.locked`` for the
duration of an apply or revert (main thread only; the previous handlers come back after), and moves
through modes the workflow sets:

- ``guard`` (planning, confirming, the pre-apply snapshot: nothing written yet): a signal raises
  ``KeyboardInterrupt`` at once, as Ctrl-C always did; the run stops with nothing written. Inside
  ``shielded()`` (taking or releasing the lock) the interrupt waits for the end of the block.
- ``writing`` (from the journal's start record): the first signal sets ``stop_run`` and never raises.
  The executor checks it before every step, so no new write starts; writes in flight finish and are
  journalled; the run then rolls back.
- ``rollback``: the way back runs to the end. The next signal (the second, or the first when a failure
  started the rollback) is acknowledged and ignored; the one after sets ``stop_rollback``: the rollback
  starts no new write and reports what remains and the ``reconcile revert`` that finishes it.
- ``finishing`` (every write done and verified; the post-run snapshot and the journal's end are being
  written): a signal changes nothing and says so, as there is nothing left to stop or roll back.
- ``closing`` (the run is over, only its record is being written): signals are ignored.

A handler never prints through Python's buffered streams (it may run in the middle of a write to
them): it writes its one line straight to file descriptor 2, and drops it if stderr is closed.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any, Literal

Mode = Literal["guard", "writing", "rollback", "finishing", "closing"]
#: The signals that stop a run: Ctrl-C, the polite kill (CI cancellation, `timeout`, `docker stop`), a
#: closed terminal.
STOP_SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


class RunSignals:
    """The stop flags of one run, set by signal handlers (see the module docstring for the modes)."""

    def __init__(self) -> None:
        self.mode: Mode = "guard"
        #: Set by the first signal while writing: no new write of the run starts.
        self.stop_run = threading.Event()
        #: Set when the rollback is aborted (a signal after an ignored one): no new write of it starts.
        self.stop_rollback = threading.Event()
        #: The name of the first signal that stopped the run (``SIGTERM``...), or None.
        self.received: str | None = None
        self.ignored = 0
        #: What the first signal while writing leads to, after "no new write starts; " (a release says its own).
        self.stop_note = ("the writes in flight finish, then the run rolls back. Wait for it: the space is being "
                          "returned to its snapshot.")  # fmt: skip
        #: Whether a signal after the run's writes still stops something (a release: its alias switch).
        self.stops_after_writes = False
        self._shielding = 0
        self._pending = False
        self._previous: dict[int, Any] = {}

    # -- the modes the workflow moves through -------------------------------------------------------

    def writing(self) -> None:
        """The run's first write is next (set just before the journal's start record)."""
        self.mode = "writing"

    def rolling_back(self) -> None:
        self.mode = "rollback"

    def finishing(self, what: str) -> str | None:
        """Every write of the run (an ``apply``, a ``revert``) is done and verified: a signal no longer stops or
        rolls back anything (unless ``stops_after_writes``: then nothing changes). Returns what to tell the user
        when a signal came too late to stop a write (its notice said the run would roll back), else None."""
        if self.stops_after_writes:
            return None
        self.mode = "finishing"
        if not self.stop_run.is_set():
            return None
        return (f"{self.reason()} came after the last write was verified: nothing was left to stop, so the {what} "
                "is complete and not rolled back")

    def closing(self) -> None:
        self.mode = "closing"

    @property
    def interrupted(self) -> bool:
        return self.stop_run.is_set()

    @property
    def aborted(self) -> bool:
        return self.stop_rollback.is_set()

    def reason(self) -> str:
        """How the run was stopped, for messages and the journal: the signal's name (``SIGTERM``)."""
        return self.received or "Ctrl-C"

    # -- installing ---------------------------------------------------------------------------------

    @contextmanager
    def installed(self) -> Iterator[RunSignals]:
        """Handle the stop signals for the block (only in the main thread: elsewhere the flags stay
        usable but nothing sets them), then put the previous handlers back."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        for signum in STOP_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        try:
            yield self
        finally:
            for signum, previous in self._previous.items():
                signal.signal(signum, previous)
            self._previous.clear()

    @contextmanager
    def shielded(self) -> Iterator[None]:
        """Hold back a ``guard`` mode interrupt until the end of the block (taking or releasing the lock
        is never cut in the middle); then raise it."""
        self._shielding += 1
        try:
            yield
        finally:
            self._shielding -= 1
        if not self._shielding and self._pending and self.mode == "guard":
            self._pending = False
            raise KeyboardInterrupt

    # -- the handler --------------------------------------------------------------------------------

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.notice(signal.Signals(signum).name)

    def notice(self, name: str) -> None:
        """What a signal called ``name`` does in the current mode (the handler; tests call it directly)."""
        if self.mode == "guard":
            self.received = self.received or name
            if self._shielding:
                self._pending = True
                return
            raise KeyboardInterrupt
        if self.mode == "closing":
            return
        if self.mode == "finishing":
            say(f"{name} received: every write is done and verified, nothing is rolled back; the run is writing its "
                "record and ends in a moment.")
            return
        if self.mode == "writing" and not self.stop_run.is_set():
            self.received = name
            self.stop_run.set()
            say(f"{name} received: no new write starts; {self.stop_note}")
            return
        if self.stop_rollback.is_set():
            say(f"{name} received: already aborting the rollback; waiting for the writes in flight.")
            return
        self.ignored += 1
        if self.ignored == 1:
            say(f"{name} received: rollback in progress, signal ignored; send again to abort "
                "(the space would be left part-way)")
            return
        self.stop_rollback.set()
        say(f"{name} received: aborting the rollback: no new write starts; what remains and the revert "
            "that finishes it follow.")


def say(line: str) -> None:
    """Write one line to stderr from a signal handler: unbuffered, and dropped if stderr is closed."""
    with suppress(OSError):
        os.write(2, f"{line}\n".encode())
