"""The local target's apply with its in-process emulator kept in memory: the baseline of the persisting one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def apply_in_memory_local(workflows: Any, project: Any, confirm: Callable[[Any], bool]) -> Any:
    """``workflows.apply`` on the local target, its emulator keeping nothing on disk: the same work (the
    emulator in the tool's process) but the persistence. Run in a child process of the bench only."""
    import reconcile.emulator

    class InMemory(reconcile.emulator.Emulator):
        def __init__(self, data_dir: Path | None = None, **kwargs: Any) -> None:
            super().__init__(None, **kwargs)

    reconcile.emulator.Emulator = InMemory  # type: ignore[misc]  # targets.open_target imports it when called
    return workflows.apply(project, "local", confirm=confirm, allow_destroy=True)
