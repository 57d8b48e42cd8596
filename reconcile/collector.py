"""The cyclic garbage collector paused while a command builds its values (issue 16).

A plan at 1,000 content types reads about 8 MB of JSON and builds a few hundred thousand values from it
and from the model files: dicts, tuples and model values, none of them in a reference cycle (reference
counting frees them). Each allocation still counts towards the collector's next pass, and its passes
over the older generations walk every tracked object: in a fresh ``reconcile plan`` of 1,000 x 50 that
cost 2.5 s of 5.5 s of CPU, as much as the work itself (``reconcile validate``: 2.4 s with the passes,
1.6 s without; ``reconcile pull``: 1.3 s of 3.8 s). :func:`paused` turns the collector off for such a
block and back on after it (unless it was off already).

Re-enabling the collector as it was would make its next pass walk everything the block made, since it is
all still young (0.1 to 0.2 s at 1,000 types): at the end of the outermost block every tracked object is
moved to the oldest generation instead (``gc.freeze`` then ``gc.unfreeze``, which only relinks lists),
where the next full collection walks it as usual and collects any cycle made inside the block. Within a
frozen heap (``interning.Interner``'s run) the block's objects stay frozen with it, and are thawed when it is.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The block runs with the cyclic garbage collector disabled (nesting is fine: the outermost block
    that disabled it ages what it made and enables it again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _age_everything()
            gc.enable()


def _age_everything() -> None:
    """Move every tracked object to the oldest generation, leaving a heap frozen by someone else frozen."""
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    if not frozen_before:
        gc.unfreeze()


#: What the command of this process built and keeps until the process ends (None: values are freed as usual).
#: It holds itself, so that clearing this module as the interpreter exits does not free it either.
_kept: list[object] | None = None


def keep_until_exit() -> None:
    """From now on, :func:`let_live` keeps what it is given until the process ends, and the interpreter never
    frees it: the command line calls this, since its process ends with the command. Freeing what a plan of
    1,000 content types built (the API's JSON, both models, the plan: a few hundred thousand values) took
    about 0.15 s of CPU, one ``free`` at a time, where the operating system takes the whole heap back at once.
    The CLI freezes the heap at its end (``gc.freeze``), so that the interpreter's last collection does not
    walk (nor collect) it."""
    global _kept
    if _kept is None:
        _kept = []
        _kept.append(_kept)


def let_live(*values: object) -> None:
    """Keep ``values`` until the process ends when the process asked for it (:func:`keep_until_exit`); else
    nothing: they are freed as usual (tests and the benchmark run many commands in one process)."""
    if _kept is not None:
        _kept.append(values)
