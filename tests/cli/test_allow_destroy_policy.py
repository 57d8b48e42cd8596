"""`[policy] allow_destroy` in reconcile.toml, through the CLI: a pattern allows the addresses it matches
whole, so `content_types.blog` lets `blog` go but keeps deleting `blogPost` blocked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile.cli import BLOCKED, OK, app

REPO = Path(__file__).resolve().parents[2]


def _type(ct_id: str) -> str:
    fields = '[[fields]]\nid = "title"\nname = "Title"\ntype = "Symbol"\n'
    return f'format = 1\nid = "{ct_id}"\nname = "{ct_id}"\n\n{fields}'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "models" / "content_types").mkdir(parents=True)
    shutil.copy(REPO / "models" / "locales.toml", tmp_path / "models" / "locales.toml")
    for ct_id in ("blog", "blogPost"):
        (tmp_path / "models" / "content_types" / f"{ct_id}.toml").write_text(_type(ct_id), encoding="utf-8")
    (tmp_path / "reconcile.toml").write_text(
        '[policy]\nallow_destroy = ["content_types.blog"]\n\n[targets.local]\nkind = "local"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_pattern_does_not_allow_a_longer_address(project: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    for ct_id in ("blog", "blogPost"):
        (project / "models" / "content_types" / f"{ct_id}.toml").unlink()
    planned = runner.invoke(app, ["plan", "--format", "json"])
    assert planned.exit_code == BLOCKED, planned.output
    assert json.loads(planned.stdout)["blocked"] == ["content_types.blogPost"]
    refused = runner.invoke(app, ["apply", "--auto-approve"])
    assert refused.exit_code == BLOCKED and "content_types.blogPost" in refused.stderr, refused.output
    # Only blogPost's file back: the remaining deletion (blog) is allowed by the pattern.
    (project / "models" / "content_types" / "blogPost.toml").write_text(_type("blogPost"), encoding="utf-8")
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    assert runner.invoke(app, ["plan"]).exit_code == OK
