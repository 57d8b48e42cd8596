"""The local target's apply with its emulator (a child process) kept in memory: the baseline of the persisting one."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any


def apply_in_memory_local(workflows: Any, project: Any, confirm: Callable[[Any], bool]) -> Any:
    """``workflows.apply`` on the local target, its emulator keeping nothing on disk: the same work (the
    emulator in a child process of the tool) but the persistence. Run in a child process of the bench only."""
    import reconcile.targets
    from reconcile.local_emulator import local_emulator as persisting

    def in_memory(data_dir: Path | None, space: str, token: str) -> AbstractContextManager[str]:
        return persisting(None, space, token)

    reconcile.targets.local_emulator = in_memory  # type: ignore[attr-defined,assignment]  # open_target calls it
    return workflows.apply(project, "local", confirm=confirm, allow_destroy=True)
