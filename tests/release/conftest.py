"""A project whose `prod` target releases through the `master` alias of an emulator that opted in."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reconcile.cli import app
from reconcile.emulator import Emulator

REPO = Path(__file__).resolve().parents[2]
TOKEN_ENV = "RECONCILE_TEST_TOKEN"


@dataclass
class ReleaseProject:
    root: Path
    emulator: Emulator
    runner: CliRunner

    def run(self, *args: str) -> Result:
        return self.runner.invoke(app, list(args))

    def alias_target(self) -> str:
        alias = self.emulator.store.aliases.get("local", "master")
        return str(alias["environment"]["sys"]["id"])

    def environments(self) -> list[str]:
        return list(self.emulator.store.state["spaces"]["local"]["environments"])

    def writes(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.emulator.request_log if r.method in ("PUT", "POST", "DELETE")]


def config(base_url: str, keep: int = 2, extra: str = "") -> str:
    return (
        '[project]\ndefault_target = "prod"\n\n[targets.prod]\nkind = "contentful"\nspace_id = "local"\n'
        f'alias = "master"\nrelease_prefix = "release"\nkeep = {keep}\nbase_url = "{base_url}"\n'
        f'token_env = "{TOKEN_ENV}"\n{extra}'
    )


def make_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: Emulator, keep: int = 2) -> ReleaseProject:
    shutil.copytree(REPO / "models", tmp_path / "models")
    (tmp_path / "reconcile.toml").write_text(config(emulator.base_url, keep), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(TOKEN_ENV, "local-token")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    return ReleaseProject(tmp_path, emulator, CliRunner())


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(env_ready_delay=0.05, master_alias="main", max_environments=5) as emu:
        yield emu


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: Emulator) -> ReleaseProject:
    return make_project(tmp_path, monkeypatch, emulator)
