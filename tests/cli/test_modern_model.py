"""The modern model through the command line against the local emulator: annotations and taxonomy links (and
tags) are applied, re-planned empty, pulled back into files, and restored exactly by revert."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile.cli import CHANGES, OK, app

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "modern-model"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SCENARIO / "before", tmp_path / "models")
    (tmp_path / "reconcile.toml").write_text('[targets.local]\nkind = "local"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def use(project: Path, side: str) -> None:
    shutil.rmtree(project / "models")
    shutil.copytree(SCENARIO / side, project / "models")


@pytest.mark.slow
def test_metadata_converges_pulls_and_reverts(project: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    assert runner.invoke(app, ["plan"]).exit_code == OK
    use(project, "after")
    planned = runner.invoke(app, ["plan", "--allow-destroy"])
    assert planned.exit_code == CHANGES, planned.output
    assert "+ {\"id\": \"Contentful:AggregateComponent\"}" in planned.stdout
    applied = runner.invoke(app, ["apply", "--auto-approve", "--allow-destroy"])
    assert applied.exit_code == OK, applied.output
    assert runner.invoke(app, ["plan"]).exit_code == OK

    pulled = runner.invoke(app, ["pull", "--models", "pulled"])
    assert pulled.exit_code == OK, pulled.output
    article = (project / "pulled" / "content_types" / "article.toml").read_text(encoding="utf-8")
    assert '"Contentful:AggregateComponent"' in article and '{ concept = "sports", required = true }' in article
    assert 'appFunctionId = "fn1"' in article  # the layout is the writer's (tomli_w or tomlkit)
    assert runner.invoke(app, ["plan", "--models", "pulled"]).exit_code == OK

    reverted = runner.invoke(app, ["revert", "latest", "--auto-approve"])
    assert reverted.exit_code == OK, reverted.output
    use(project, "before")
    again = runner.invoke(app, ["plan"])
    assert again.exit_code == OK, again.output
