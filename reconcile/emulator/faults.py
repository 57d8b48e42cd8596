"""Fault injection: make the nth request matching a method and a path regex fail.

Actions: ``"500"`` and ``"503"`` (server errors), ``"409"`` (VersionMismatch), ``"drop"`` (the
connection is closed without any response) and ``"delay"`` (sleep ``delay`` seconds, then answer
normally). Except for ``delay``, a faulted request never reaches the store, so it changes nothing.
``before`` (tests only) is called when the fault fires, before its action: what someone else does at that
moment, e.g. a colleague editing an entry through the API while an apply runs (``action="delay"`` with no
delay then lets the request itself through).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

FaultAction = Literal["500", "503", "409", "drop", "delay"]


@dataclass
class Fault:
    """The ``nth`` matching request (1-based) and the ``times - 1`` after it fail with ``action``.

    ``method`` None matches every method; ``path`` is searched (``re.search``) in the URL path.
    """

    action: FaultAction
    method: str | None = None
    path: str = ""
    nth: int = 1
    times: int = 1
    delay: float = 0.0
    before: Callable[[], None] | None = None
    seen: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.action not in ("500", "503", "409", "drop", "delay"):
            raise ValueError(f"unknown fault action {self.action!r}")
        if self.nth < 1 or self.times < 1:
            raise ValueError("nth and times must be at least 1")
        self._pattern = re.compile(self.path)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method.upper()) and bool(self._pattern.search(path))


class Faults:
    """The thread-safe set of active faults of one emulator."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """Count this request against every matching fault; return the first one that fires."""
        fired: Fault | None = None
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                fault.seen += 1
                if fired is None and fault.nth <= fault.seen < fault.nth + fault.times:
                    fired = fault
        return fired
