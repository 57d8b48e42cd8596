"""Property (issue 3): for generated models M, applying M to an empty space and planning M again gives no
changes, and `pull` reproduces M: the pulled files load as the same normalised model, and planning
from them is empty too. Real SDK over HTTP, one emulator, a fresh space per example."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from reconcile import workflows
from reconcile.declared import load_models
from reconcile.emulator import Emulator
from reconcile.model import ContentModel
from reconcile.normalize import normalize
from tests.reliability.models import models, write_valid
from tests.support import target_section, write_config

from .conftest import TOKEN

# 100 generated models applied, planned and pulled against the emulator: ~45 s.
pytestmark = pytest.mark.slow

EXAMPLES = 100
SPACES = [f"round{i}" for i in range(EXAMPLES * 3)]


def approve(_: Any) -> bool:
    return True


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Emulator, Path, Iterator[str]]]:
    with Emulator(token=TOKEN, spaces=SPACES) as emu, tempfile.TemporaryDirectory(prefix="roundtrip-") as tmp:
        yield emu, Path(tmp), iter(SPACES)


def project_in(root: Path, emu: Emulator, space: str, models_dir: str = "models") -> workflows.Project:
    root.mkdir(exist_ok=True)
    write_config(root, target_section(emu.base_url, space=space), models=models_dir)
    return workflows.load_project(None, None, root)


@pytest.mark.timeout(EXAMPLES * 10)
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(m=models())
def test_apply_then_plan_is_empty_and_pull_reproduces_the_model(
    server: tuple[Emulator, Path, Iterator[str]], m: ContentModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", TOKEN)
    emu, tmp, spaces = server
    space = next(spaces)
    project = project_in(tmp / space, emu, space)
    write_valid(m, project.models_dir)

    first = workflows.plan(project, None, allow_destroy=True).plan
    assert not first.is_empty
    assert workflows.apply(project, None, confirm=approve, allow_destroy=True).ok
    assert workflows.plan(project, None).plan.is_empty, "apply then plan is not empty"

    pulled = project_in(tmp / space, emu, space, models_dir="pulled")
    workflows.pull(pulled, None)
    assert normalize(load_models(pulled.models_dir).model) == normalize(m), "pull does not reproduce M"
    assert workflows.plan(pulled, None).plan.is_empty, "pull then plan is not empty"
    # pulling twice is byte-identical
    before = {p: p.read_bytes() for p in sorted(pulled.models_dir.rglob("*.toml"))}
    workflows.pull(pulled, None)
    assert {p: p.read_bytes() for p in sorted(pulled.models_dir.rglob("*.toml"))} == before
