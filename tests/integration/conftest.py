"""Fixtures for end-to-end tests: a real emulator on 127.0.0.1 and a project pointing at it.

The project uses a ``contentful`` target whose ``base_url`` is the emulator, so tests can inject faults
and read the emulator's request log, while the tool talks to it exactly as to Contentful.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconcile.emulator import Emulator
from tests import support
from tests.support import target_section, write_config

REPO = Path(__file__).resolve().parents[2]
TOKEN = "integration-test-token"


class Workspace(support.Workspace):
    def use_models(self, source: Path) -> None:
        if self.models.exists():
            shutil.rmtree(self.models)
        shutil.copytree(source, self.models)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(token=TOKEN) as emu:
        yield emu


@pytest.fixture
def workspace(tmp_path: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", TOKEN)
    write_config(tmp_path, target_section(emulator.base_url))
    ws = Workspace(tmp_path, emulator)
    ws.use_models(REPO / "models")
    return ws
