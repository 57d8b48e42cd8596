"""The cyclic garbage collector paused while a command builds its values (issue 16).

A plan at 1,000 content types reads about 8 MB of JSON and builds a few hundred thousand values from it
and from the model files: dicts, tuples and model values, none of them in a reference cycle (reference
counting frees them). Each allocation still counts towards the collector's next pass, and its passes
over the older generations walk every tracked object: in a fresh ``reconcile plan`` of 1,000 x 50 that
cost 2.5 s of 5.5 s of CPU, as much as the work itself. :func:`paused` turns the collector off for such
a block and back on after it (unless it was off already); anything cyclic the block leaves behind is
collected by the next pass after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The block runs with the cyclic garbage collector disabled (nesting is fine: the outermost block
    that disabled it enables it again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
