"""Fixtures for end-to-end tests: a real emulator on 127.0.0.1 and a project pointing at it, and the
helpers the end-to-end tests share (a backend on that emulator, the seeded start, the writes logged).

The project uses a ``contentful`` target whose ``base_url`` is the emulator, so tests can inject faults
and read the emulator's request log, while the tool talks to it exactly as to Contentful.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconcile import workflows
from reconcile.backend import Backend
from reconcile.emulator import Emulator
from reconcile.normalize import fingerprint
from tests import support
from tests.support import approve, entries_by_id, target_section, write_config

from .scenarios import START, START_ENTRIES

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


def backend(ws: Workspace) -> Backend:
    """A backend on the workspace's emulator, for reading and editing the space behind the tool's back."""
    return Backend(base_url=ws.emulator.base_url, token=TOKEN, space_id="local", environment_id="master")


def seed_start(ws: Workspace) -> tuple[str, dict[str, dict[str, Any]]]:
    """Apply START with its entries; return the start's fingerprint and entry values."""
    ws.write(START)
    outcome = workflows.apply(ws.project(), None, confirm=approve, allow_destroy=True)
    assert outcome.ok, outcome.report
    b = backend(ws)
    for ct_id, entry_id, fields in START_ENTRIES:
        created = b.put_entry(entry_id, ct_id, fields, None)
        b.publish_entry(entry_id, created.version)
    return fingerprint(b.read_live().model), entries_by_id(b)


def write_requests(ws: Workspace) -> list[tuple[str, str]]:
    """The writes in the emulator's log as (method, path pattern). Locale ids are random and change
    when a revert re-creates a locale, so the id segment is generalised (locale steps run in order)."""
    return [
        (r.method, re.sub(r"/locales/[^/]+", "/locales/[^/]+", re.escape(r.path).replace(r"\-", "-")))
        for r in ws.emulator.request_log
        if r.method in ("PUT", "POST", "DELETE")
    ]
