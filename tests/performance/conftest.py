"""A project whose ``contentful`` target is an emulator on 127.0.0.1, and the emulator's request log."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reconcile import api
from reconcile.declared import write_models
from reconcile.emulator import Emulator, LoggedRequest
from reconcile.model import ContentModel

TOKEN = "performance-test-token"


def approve(_: Any) -> bool:
    return True


@dataclass
class Workspace:
    root: Path
    emulator: Emulator

    @property
    def models(self) -> Path:
        return self.root / "models"

    def project(self) -> api.Project:
        return api.load_project(None, None, self.root)

    def write(self, model: ContentModel) -> None:
        if self.models.exists():
            shutil.rmtree(self.models)
        write_models(model, self.models)

    def apply(self, model: ContentModel) -> api.ApplyOutcome:
        self.write(model)
        outcome = api.apply(self.project(), None, confirm=approve, allow_destroy=True)
        assert outcome.ok, outcome.report
        return outcome

    def requests(self, action: Callable[[], Any]) -> list[LoggedRequest]:
        """The requests the emulator received while ``action`` ran."""
        self.emulator.clear_log()
        action()
        return self.emulator.request_log


def configure(root: Path, emulator: Emulator, rate_limit: float | None = None) -> Workspace:
    (root / "reconcile.toml").write_text(
        "[project]\n"
        'default_target = "test"\n\n'
        "[targets.test]\n"
        'kind = "contentful"\n'
        'space_id = "local"\n'
        'environment = "master"\n'
        f'base_url = "{emulator.base_url}"\n'
        'token_env = "RECONCILE_PERF_TOKEN"\n'
        + (f"rate_limit = {rate_limit}\n" if rate_limit is not None else ""),
        encoding="utf-8",
    )
    return Workspace(root, emulator)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    monkeypatch.setenv("RECONCILE_PERF_TOKEN", TOKEN)
    with Emulator(token=TOKEN) as emulator:
        yield configure(tmp_path, emulator)


def kinds(log: list[LoggedRequest]) -> Counter[str]:
    """Requests by kind: ``GET content_types``, ``PUT content_type``, ``PUT published``, ``DELETE locale``..."""
    counter: Counter[str] = Counter()
    for request in log:
        parts = request.path.strip("/").split("/")
        tail = parts[4:]  # after spaces/<s>/environments/<e>
        if not tail:
            counter[f"{request.method} ?{request.path}"] += 1
        elif len(tail) == 1:
            counter[f"{request.method} {tail[0]}"] += 1
        elif tail[-1] in ("published", "editor_interface"):
            counter[f"{request.method} {tail[0].rstrip('s')} {tail[-1]}"] += 1
        else:
            counter[f"{request.method} {tail[0].rstrip('s')}"] += 1
    return counter


def writes(log: list[LoggedRequest]) -> Counter[str]:
    return Counter({k: v for k, v in kinds(log).items() if not k.startswith("GET ")})
