"""A content type saved and never published (a draft made in the web app, or by a script, never activated) has no
editor interface: Contentful creates it on the first publish and answers 404 before (facts §1.3). Declaring the
content type with an editor interface plans its publish before the editor interface PUT; the saved plan reads
back and applies."""

from __future__ import annotations

from typing import Any

import contentful_management
import pytest
from typer.testing import CliRunner

from reconcile.cli import CHANGES, OK, app
from reconcile.model import Control
from tests.core.builders import content_type, field, interface, model

from .conftest import TOKEN, Workspace, backend


@pytest.fixture
def cli(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(workspace.root)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


@pytest.mark.parametrize("declared", [("title",), ("title", "body")], ids=["as saved", "with a new field"])
def test_a_never_published_content_type_gets_its_declared_editor_interface(
    workspace: Workspace, cli: Any, declared: tuple[str, ...]
) -> None:
    host = workspace.emulator.base_url.split("://", 1)[1]
    sdk = contentful_management.Client(TOKEN, api_url=host, https=False)
    sdk.content_types("local", "master").create("b", {"name": "B", "fields": [
        {"id": "title", "name": "Title", "type": "Symbol"}]})  # saved, never published
    live = backend(workspace).read_live()
    assert "editor_interface:b" not in live.meta and live.meta["content_type:b"].published_version is None
    controls = [Control(field_id=f, widget_id="singleLine", widget_namespace="builtin") for f in declared]
    ct = content_type("b", *map(field, declared), name="B")
    workspace.write(model(ct, editor_interfaces=(interface("b", *controls),)))

    assert cli("plan").exit_code == CHANGES
    saved = cli("plan", "--out", "plan.json")
    assert saved.exit_code == CHANGES, saved.output
    assert saved.stdout.index("publish content type b") < saved.stdout.index("update editor interface of b")
    applied = cli("apply", "plan.json", "--auto-approve")
    assert applied.exit_code == OK, applied.output
    assert cli("apply", "--auto-approve").exit_code == OK
    again = cli("plan")
    assert again.exit_code == OK, again.output
    controls = backend(workspace).read_live().model.editor_interfaces["b"].controls
    assert [(c.field_id, c.widget_id) for c in controls] == [(f, "singleLine") for f in declared]
