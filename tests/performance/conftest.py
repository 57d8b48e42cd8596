"""A project whose ``contentful`` target is an emulator on 127.0.0.1, and the emulator's request log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reconcile import workflows
from reconcile.emulator import Emulator, LoggedRequest
from reconcile.model import ContentModel
from tests import support
from tests.support import target_section, write_config

TOKEN = "performance-test-token"


def approve(_: Any) -> bool:
    return True


class Workspace(support.Workspace):
    def apply(self, model: ContentModel) -> workflows.ApplyOutcome:
        self.write(model)
        outcome = workflows.apply(self.project(), None, confirm=approve, allow_destroy=True)
        assert outcome.ok, outcome.report
        return outcome

    def requests(self, action: Callable[[], Any]) -> list[LoggedRequest]:
        """The requests the emulator received while ``action`` ran."""
        self.emulator.clear_log()
        action()
        return self.emulator.request_log


def configure(root: Path, emulator: Emulator, rate_limit: float | None = None) -> Workspace:
    extra = {"rate_limit": rate_limit} if rate_limit is not None else {}
    write_config(root, target_section(emulator.base_url, token_env="RECONCILE_PERF_TOKEN", **extra))
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
