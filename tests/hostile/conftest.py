from __future__ import annotations

from collections.abc import Iterator

import pytest

from .support import Hostile, hostile_emulator


@pytest.fixture(scope="module")
def hostile() -> Iterator[Hostile]:
    """One emulator per test module; no case may change its state."""
    yield from hostile_emulator()
