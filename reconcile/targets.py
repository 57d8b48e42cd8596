"""Opening a target: a ``Backend`` connected to a local emulator or to a Contentful space.

A ``local`` target starts the emulator in a child process (``reconcile.local_emulator``) on an ephemeral
127.0.0.1 port, persisting to ``.reconcile/local/<name>/``, so a new user runs the whole workflow with no
account. A ``contentful`` target talks to ``base_url`` (the real API, or a standalone ``reconcile emulator serve``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from reconcile.backend import Backend, SpaceEnvironments
from reconcile.config import LOCAL_TOKEN, TargetConfig
from reconcile.local_emulator import local_emulator

LOCAL_SPACE_ID = "local"
LOCAL_ENVIRONMENT_ID = "master"


@dataclass(frozen=True)
class OpenTarget:
    """A connected target: its configuration, where it lives, and the backend to talk to it."""

    config: TargetConfig
    backend: Backend
    space_id: str
    environment_id: str
    base_url: str
    # The alias the target reads through (the backend addresses it) when it names one; then
    # ``environment_id`` is the concrete environment the alias pointed at when the target was opened.
    alias: str | None = None


@contextmanager
def open_target(target: TargetConfig) -> Iterator[OpenTarget]:
    """Connect to ``target``; for a local target, run the emulator for the duration of the block."""
    if target.kind == "local":
        data_dir = target.local_data_dir
        assert data_dir is not None  # config sets it for every local target
        with local_emulator(data_dir, LOCAL_SPACE_ID, LOCAL_TOKEN) as server:
            backend = Backend(
                base_url=server.url,
                token=LOCAL_TOKEN,
                space_id=LOCAL_SPACE_ID,
                environment_id=LOCAL_ENVIRONMENT_ID,
                timeout=target.timeout,
                max_requests_per_second=target.rate_limit,
                scope=target.scope,
                unreachable=server.stopped,
            )
            yield OpenTarget(target, backend, LOCAL_SPACE_ID, LOCAL_ENVIRONMENT_ID, server.url)
        return
    assert target.base_url is not None  # config defaults it for contentful targets
    backend = Backend(
        base_url=target.base_url,
        token=target.token(),
        space_id=target.space_id,
        environment_id=target.environment,
        timeout=target.timeout,
        max_requests_per_second=target.rate_limit,
        scope=target.scope,
    )
    if target.alias is None:
        yield OpenTarget(target, backend, target.space_id, target.environment, target.base_url)
        return
    pointed = SpaceEnvironments(backend).alias(target.alias).environment
    yield OpenTarget(target, backend, target.space_id, pointed, target.base_url, alias=target.alias)
