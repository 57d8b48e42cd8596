"""Progress reports of a run: what the workflows and the executor tell the user while they work."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def silent(_: str) -> None:
    """A ``Progress`` that reports nothing."""
    return None
