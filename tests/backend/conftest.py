"""Fixtures for the backend tests: small servers on 127.0.0.1 (see ``servers.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .servers import ReplayServer, SilentServer


@pytest.fixture(scope="session")
def _replay_server() -> Iterator[ReplayServer]:
    server = ReplayServer().start()
    yield server
    server.stop()


@pytest.fixture
def replay(_replay_server: ReplayServer) -> ReplayServer:
    """The replay server with no routes and an empty request log."""
    _replay_server.routes.clear()
    _replay_server.seen.clear()
    return _replay_server


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()
