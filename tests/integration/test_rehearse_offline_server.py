"""The offline rehearsal's throwaway server persists in a temporary folder, removed however the rehearsal ends
(issue 16: the persisting emulator keeps compressed texts, a fourth of the memory of the parsed values)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from reconcile import workflows
from tests.support import approve

from .conftest import Workspace
from .scenarios import START, TARGET

REHEARSE = importlib.import_module("reconcile.workflows.rehearse")


@pytest.fixture
def data_dirs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path | None, bool]]:
    """Each throwaway server's data folder, and whether its store was there while the server ran."""
    seen: list[tuple[Path | None, bool]] = []
    real = REHEARSE.local_emulator

    @contextmanager
    def recording(data_dir: Path | None, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with real(data_dir, *args, **kwargs) as server:
            try:
                yield server
            finally:
                seen.append((data_dir, data_dir is not None and (data_dir / "store.sqlite3").is_file()))

    monkeypatch.setattr(REHEARSE, "local_emulator", recording)
    return seen


def rehearse_start_to_target(workspace: Workspace, *, allow_destroy: bool = True,
                             offline: bool = True) -> workflows.RehearsalOutcome:
    """START applied, then the rehearsal of TARGET (``tests/integration/scenarios.py``)."""
    workspace.write(START)
    assert workflows.apply(workspace.project(), None, confirm=approve).ok
    workspace.write(TARGET)
    return workflows.rehearse(workspace.project(), None, allow_destroy=allow_destroy, offline=offline)


@pytest.mark.slow
def test_the_throwaway_server_persists_in_a_temporary_folder_removed_at_the_end(
    workspace: Workspace, data_dirs: list[tuple[Path | None, bool]]
) -> None:
    outcome = rehearse_start_to_target(workspace, allow_destroy=True)
    assert outcome.ok, outcome.stages
    [(data_dir, persisted)] = data_dirs
    assert data_dir is not None and persisted
    assert not data_dir.exists() and not data_dir.parent.exists()


@pytest.mark.slow
def test_the_temporary_folder_is_removed_after_a_failed_rehearsal(
    workspace: Workspace, data_dirs: list[tuple[Path | None, bool]]
) -> None:
    outcome = rehearse_start_to_target(workspace, allow_destroy=False)  # the plan destroys data: the plan stage fails
    assert not outcome.ok and outcome.stages[-1].name == "plan"
    [(data_dir, persisted)] = data_dirs
    assert data_dir is not None and persisted
    assert not data_dir.parent.exists()
