"""Fixtures of the declared-model tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import project_of_examples


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of the example models, the working directory of the test."""
    monkeypatch.chdir(tmp_path)
    return project_of_examples(tmp_path)
