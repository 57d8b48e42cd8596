"""The modern model through the command line against the local emulator: annotations and taxonomy links (and
tags) are applied, re-planned empty, pulled back into files, and restored exactly by revert."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from reconcile.cli import BLOCKED, CHANGES, OK, app
from reconcile.emulator import Emulator

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


class Local:
    """Raw HTTP on the local target's emulator state (as the web app would edit the space), between commands."""

    def __init__(self, project: Path) -> None:
        self.data_dir = project / ".reconcile" / "local" / "local"

    def __call__(self, method: str, path: str, body: object = None, **headers: str) -> dict[str, object]:
        with Emulator(data_dir=self.data_dir, spaces=("local",), token="local-token") as emu:
            answer = requests.request(
                method, f"{emu.base_url}/spaces/local/environments/master{path}",
                data=None if body is None else json.dumps(body), timeout=30,
                headers={"Authorization": "Bearer local-token", **headers,
                         "Content-Type": "application/vnd.contentful.management.v1+json"},
            )
        assert answer.status_code < 300, answer.text
        return answer.json() if answer.content else {}


def tag_ids(entry: dict[str, object]) -> list[str]:
    metadata = entry["metadata"]
    assert isinstance(metadata, dict)
    return sorted(t["sys"]["id"] for t in metadata["tags"])


@pytest.mark.slow
def test_deleting_a_tag_entries_use_is_destructive_with_counts_and_revert_retags(project: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    local = Local(project)
    links = [{"sys": {"type": "Link", "linkType": "Tag", "id": t}} for t in ("legacy", "draft", "featured")]
    created = local("PUT", "/entries/promo", {"fields": {"label": {"en-US": "Promo"}}, "metadata": {"tags": links}},
                    **{"X-Contentful-Content-Type": "teaser"})
    local("PUT", "/entries/promo/published", **{"X-Contentful-Version": str(created["sys"]["version"])})

    use(project, "after")
    blocked = runner.invoke(app, ["plan"])
    assert blocked.exit_code == BLOCKED, blocked.output
    assert "- tags.legacy  delete tag  [destructive, 1 entry uses it, BLOCKED]" in blocked.stdout
    assert "-/+ tags.draft  replace tag (visibility change)  [breaking, 1 entry uses it]" in blocked.stdout
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == BLOCKED
    applied = runner.invoke(app, ["apply", "--auto-approve", "--allow-destroy"])
    assert applied.exit_code == OK, applied.output
    entry = local("GET", "/entries/promo")
    assert tag_ids(entry) == ["draft", "featured"]  # the deleted tag is gone from it, the replaced one is back
    assert entry["sys"]["publishedVersion"] == entry["sys"]["version"] - 1  # still published, no draft left
    assert local("GET", "/tags/draft")["sys"]["visibility"] == "public"
    assert runner.invoke(app, ["plan"]).exit_code == OK

    reverted = runner.invoke(app, ["revert", "latest", "--auto-approve"])
    assert reverted.exit_code == OK, reverted.output
    assert tag_ids(local("GET", "/entries/promo")) == ["draft", "featured", "legacy"]
    assert local("GET", "/tags/draft")["sys"]["visibility"] == "private"
    use(project, "before")
    assert runner.invoke(app, ["plan"]).exit_code == OK


@pytest.mark.slow
def test_without_tags_toml_live_tags_are_left_alone(project: Path) -> None:
    runner = CliRunner()
    (project / "models" / "tags.toml").unlink()
    Local(project)("PUT", "/tags/webapp", {"name": "Made in the web app", "sys": {"visibility": "public"}})
    planned = runner.invoke(app, ["plan"])
    assert planned.exit_code == CHANGES and "tags." not in planned.stdout
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    assert runner.invoke(app, ["plan"]).exit_code == OK
    assert Local(project)("GET", "/tags/webapp")["name"] == "Made in the web app"


@pytest.mark.slow
def test_plan_warns_about_app_and_extension_widgets_that_are_not_installed(project: Path) -> None:
    runner = CliRunner()
    teaser = project / "models" / "content_types" / "teaser.toml"
    teaser.write_text(teaser.read_text(encoding="utf-8") + (
        'editor = { widget_id = "colorPickerApp", widget_namespace = "app" }\n'
        '\n[editor_interface]\nsidebar = [{ widgetId = "seoExt", widgetNamespace = "extension" }]\n'
    ), encoding="utf-8")
    planned = runner.invoke(app, ["plan", "--format", "json"])
    assert planned.exit_code == CHANGES, planned.output
    warnings = json.loads(planned.stdout)["warnings"]
    assert warnings == [
        "editor_interfaces.teaser.controls.label: widget 'colorPickerApp' is an app that is not installed in this "
        "environment; editors will see a broken widget (install the app, or choose another widget)",
        "editor_interfaces.teaser.sidebar: widget 'seoExt' is a UI extension that is not installed in this "
        "environment; editors will see a broken widget (install the UI extension, or choose another widget)",
    ]
    assert "Warning: editor_interfaces.teaser.controls.label: widget 'colorPickerApp'" in planned.stderr
    local = Local(project)
    local("PUT", "/app_installations/colorPickerApp", {"parameters": {}})
    local("PUT", "/extensions/seoExt", {"extension": {"name": "SEO", "src": "https://seo.example"}})
    again = runner.invoke(app, ["plan"])
    assert again.exit_code == CHANGES and "Warning" not in again.stderr and "Warnings:" not in again.stdout
