"""What the tests of the pull's records share (test_pull_record.py, test_pull_types.py): a project applied,
a pull through the CLI, the bytes of a models folder, a counted function."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from typer.testing import CliRunner

from reconcile import workflows
from reconcile.cli import OK, app
from tests.support import approve

from .conftest import Workspace


def applied(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The repository's models applied (the live space matches the files), the working folder the project's."""
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    monkeypatch.chdir(workspace.root)
    return workspace


def pull() -> str:
    """``reconcile pull`` in the working folder; its last line (after the files written, one a line)."""
    result = CliRunner().invoke(app, ["pull"])
    assert result.exit_code == OK, result.output
    assert "Traceback" not in result.output
    return result.output.strip().splitlines()[-1]


def files(models: Path) -> dict[str, bytes]:
    return {str(p.relative_to(models)): p.read_bytes() for p in sorted(models.rglob("*.toml"))}


def counted(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, *,
            content_types: bool = False) -> list[str]:
    """Count the calls of ``module.name``: one ``name`` each, or where ``content_types``, the stem of the path
    each call is given, for the files of a ``content_types`` folder only."""
    calls: list[str] = []
    real = getattr(module, name)

    def counting(*args: Any) -> Any:
        if not content_types:
            calls.append(name)
        elif args[0].parent.name == "content_types":
            calls.append(args[0].stem)
        return real(*args)

    monkeypatch.setattr(module, name, counting)
    return calls
