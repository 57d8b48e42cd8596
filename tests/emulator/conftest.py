"""Fixtures: an emulator on an ephemeral 127.0.0.1 port, the real SDK and raw ``requests`` on it."""

from __future__ import annotations

from collections.abc import Iterator

import contentful_management
import pytest
from emu_support import TOKEN, Http

from reconcile.emulator import Emulator


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(env_ready_delay=0.05) as emulator:
        yield emulator


@pytest.fixture
def client(emu: Emulator) -> contentful_management.Client:
    return contentful_management.Client(TOKEN, api_url=f"127.0.0.1:{emu.port}", https=False, max_rate_limit_retries=0)


@pytest.fixture
def http(emu: Emulator) -> Http:
    return Http(emu.base_url)
