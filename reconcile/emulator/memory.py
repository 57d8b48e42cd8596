"""The emulator's process memory: the cycle collector paused through a request, freed heap returned.

A request of the persisting emulator may parse a whole family (1,000 content types of 50 fields are
about a million JSON values, see persist.py) and answer copies of it: all acyclic, yet each burst of
allocations makes the cycle collector walk the heap, which took more CPU than the parsing itself.
Once such a request lets go of its values, their memory goes back to the allocator; ``give_back``
asks glibc to return its free pages to the system (no-op elsewhere), or the server's resident size
would stay at the peak of its largest read.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection inside the block; enabled again after it if it was before (the local
    target runs the emulator in the tool's process, whose own pauses may overlap this one). The tool's
    ``reconcile.collector.paused`` does the same and more; the emulator imports nothing of the tool
    (docs/architecture.md), and what a request leaves is too little to age."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


M_ARENA_MAX = -8  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024  # glibc's initial value, kept fixed


def _libc_function(name: str) -> Callable[..., int] | None:
    path = ctypes.util.find_library("c")
    try:
        function: Callable[..., int] | None = getattr(ctypes.CDLL(path), name, None) if path else None
    except OSError:
        return None
    return function


_TRIM = _libc_function("malloc_trim")
_MALLOPT = _libc_function("mallopt")


def tune_allocator() -> None:
    """For a long-running server holding large texts (glibc; no-op elsewhere): blocks of 128 KB and
    more (a whole family's answer) are mapped and unmapped on their own, rather than glibc raising that
    bound as they are freed and leaving them as holes in its heap; and two arenas, not eight per core,
    for the server's thread per request. Measured on ``serve --data`` at 1,000 x 50, resident size after
    a plan, a 10% apply and its revert: 87, 113, 142 MB with glibc's defaults; 70, 82, 95 MB with a fixed
    threshold; 87, 94, 108 MB with two arenas; 71, 84, 98 MB with both (noise of a loaded machine)."""
    if _MALLOPT is not None:
        _MALLOPT(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        _MALLOPT(M_ARENA_MAX, 2)


def give_back() -> None:
    """Return the allocator's free memory to the system, where the C library can (glibc)."""
    if _TRIM is not None:
        _TRIM(0)
