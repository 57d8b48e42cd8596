"""The cyclic garbage collector is paused while a plan builds its values (``reconcile.collector``): its
passes over a heap of hundreds of thousands of acyclic values cost as much CPU as the plan itself at
1,000 content types (issue 16; figures in docs/performance.md). No timing here: what is checked is that no
collection runs during a plan, and that the collector is as it was after it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from reconcile import workflows
from reconcile.collector import paused

from .conftest import Workspace
from .models import numbered


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected while the test runs, with a threshold that makes every few allocations
    trigger a collection (so one would certainly run were the collector on)."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    threshold, enabled = gc.get_threshold(), gc.isenabled()
    gc.enable()
    gc.set_threshold(10, 1, 1)
    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*threshold)
        if not enabled:
            gc.disable()


def test_a_plan_runs_no_collection_and_leaves_the_collector_on(workspace: Workspace, collections: list[int]) -> None:
    workspace.apply(numbered(5))
    project = workspace.project()
    collections.clear()
    outcome = workflows.plan(project, None)
    assert outcome.plan.is_empty
    assert collections == []
    assert gc.isenabled()
    gc.collect()
    assert collections  # the collector itself still works: the callback sees it


def test_paused_nests_and_restores_on_error(collections: list[int]) -> None:
    with pytest.raises(RuntimeError), paused():
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block did not turn it on again
        raise RuntimeError("ends the block")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()
