"""Fixtures for end-to-end tests: a real emulator on 127.0.0.1 and a project pointing at it.

The project uses a ``contentful`` target whose ``base_url`` is the emulator, so tests can inject faults
and read the emulator's request log, while the tool talks to it exactly as to Contentful.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconcile import api
from reconcile.emulator import Emulator

REPO = Path(__file__).resolve().parents[2]
TOKEN = "integration-test-token"


@dataclass
class Workspace:
    root: Path
    emulator: Emulator

    @property
    def models(self) -> Path:
        return self.root / "models"

    def project(self) -> api.Project:
        return api.load_project(None, None, self.root)

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
    (tmp_path / "reconcile.toml").write_text(
        "[project]\n"
        'default_target = "test"\n\n'
        "[targets.test]\n"
        'kind = "contentful"\n'
        'space_id = "local"\n'
        'environment = "master"\n'
        f'base_url = "{emulator.base_url}"\n'
        'token_env = "RECONCILE_TEST_TOKEN"\n',
        encoding="utf-8",
    )
    ws = Workspace(tmp_path, emulator)
    ws.use_models(REPO / "models")
    return ws
