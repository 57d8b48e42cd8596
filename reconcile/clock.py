"""Time as the workflows and the executor see it: injected, so that tests can pass a fake and not wait."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Wall time (journal records), a monotonic timer (durations) and waiting."""

    def time(self) -> float: ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK: Clock = SystemClock()
