"""Building many acyclic values at once without the cycle collector's passes (issue 16).

CPython's cycle collector runs a pass every 700 new container objects and, as the heap grows, passes over
the whole of it. Reading 1,000 model files of 50 fields creates millions of dicts, lists and pydantic
values, none in a reference cycle, and those passes cost about a third of ``reconcile validate``'s CPU
(measured on the synthetic 1,000 x 50 project: 2.4 s with them, 1.6 s without; docs/performance.md).
Reference counting frees these values as before.

Re-enabling the collector as it was would make its next pass walk everything the block made, since it is
all still young (0.1 to 0.2 s at 1,000 types): at the end of the block every tracked object is moved to
the oldest generation instead (``gc.freeze`` then ``gc.unfreeze``, which only relinks lists), where the
next full collection walks it as usual, and collects any cycle made inside the block. Within a frozen
heap (``interning.Interner``'s run) the block's objects are frozen with it, and thawed when it is.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cycle collection inside the block; what it made is then old (see the module's docstring)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        frozen_before = gc.get_freeze_count() > 0
        gc.freeze()
        if not frozen_before:
            gc.unfreeze()
        if was_enabled:
            gc.enable()
