"""The local target's apply with its emulator (a child process) kept in memory: the baseline of the persisting one."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any


def apply_in_memory_local(workflows: Any, project: Any, confirm: Callable[[Any], bool]) -> Any:
    """``workflows.apply`` on the local target, its emulator keeping nothing on disk: the same work (the
    emulator in a child process of the tool) but the persistence. Run in a child process of the bench only."""
    import reconcile.targets
    from reconcile.local_emulator import LocalServer
    from reconcile.local_emulator import local_emulator as persisting

    def in_memory(data_dir: Path | None, space: str, token: str) -> AbstractContextManager[LocalServer]:
        return persisting(None, space, token)

    reconcile.targets.local_emulator = in_memory  # type: ignore[attr-defined,assignment]  # open_target calls it
    return workflows.apply(project, "local", confirm=confirm, allow_destroy=True)


@contextmanager
def emulator_child_peak() -> Iterator[dict[str, float]]:
    """Within the block, record in ``["mb"]`` the peak RSS (VmHWM) of the local target's emulator child, read
    just before it is stopped (``getrusage`` of the children would report the largest child and the step's
    own peak from before its ``exec``)."""
    import reconcile.local_emulator as module

    stop = module._stop
    peak = {"mb": 0.0}

    def recording(process: subprocess.Popen[bytes]) -> None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text(encoding="utf-8")
            kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
            peak["mb"] = max(peak["mb"], round(kb / 1024, 1))
        except (OSError, StopIteration):  # not Linux, or the child is gone
            pass
        stop(process)

    module._stop = recording
    try:
        yield peak
    finally:
        module._stop = stop
