"""What a pre-apply snapshot holds of the entries, through the CLI: only the entries holding data the plan
destroys, and only those values (entry values may be personal data); revert still restores them all."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner, Result

from reconcile import workflows
from reconcile.cli import OK, app
from reconcile.model import ContentType, Field
from tests.support import approve, entries_by_id

from .conftest import Workspace, backend
from .scenarios import DE, EN, _model

NOTE = ContentType(
    id="note", name="Note", display_field="title",
    fields=(
        Field(id="title", name="Title", type="Symbol", localized=True),
        Field(id="body", name="Body", type="Text"),
        Field(id="secret", name="Secret", type="Symbol"),
    ),
)
WITH_DE = _model(NOTE, locales=(EN, DE))


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def seed_ten(workspace: Workspace) -> dict[str, dict[str, Any]]:
    """Ten published notes; only n3 has a German title, only n5 and n7 a secret."""
    workspace.write(WITH_DE)
    assert workflows.apply(workspace.project(), None, confirm=approve).ok
    b = backend(workspace)
    for i in range(10):
        fields: dict[str, Any] = {"title": {"en-US": f"Note {i}"}, "body": {"en-US": f"Personal text {i}"}}
        if i == 3:
            fields["title"]["de-DE"] = "Notiz 3"
        if i in (5, 7):
            fields["secret"] = {"en-US": f"s{i}"}
        created = b.put_entry(f"n{i}", "note", fields, None)
        b.publish_entry(f"n{i}", created.version)
    return entries_by_id(b)


def pre_apply_entries(workspace: Workspace) -> list[dict[str, Any]]:
    snapshot = workspace.project().store.latest("test", kind="pre-apply")
    assert snapshot is not None
    return snapshot.export["entries"]


@pytest.fixture
def ten(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    monkeypatch.chdir(workspace.root)
    return seed_ten(workspace)


def apply_and_revert(workspace: Workspace, start: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    applied = run("apply", "--auto-approve", "--allow-destroy")
    assert applied.exit_code == OK, applied.output
    captured = pre_apply_entries(workspace)
    reverted = run("revert", "latest", "--auto-approve")
    assert reverted.exit_code == OK, reverted.output
    assert entries_by_id(backend(workspace)) == start
    return captured


def test_deleting_a_locale_captures_only_the_entry_with_data_there(
    workspace: Workspace, ten: dict[str, dict[str, Any]]
) -> None:
    workspace.write(_model(NOTE, locales=(EN,)))
    (entry,) = apply_and_revert(workspace, ten)
    assert entry["fields"] == {"title": {"de-DE": "Notiz 3"}}
    sys = entry["sys"]
    assert sys["id"] == "n3" and sys["contentType"]["sys"]["id"] == "note"
    assert isinstance(sys["version"], int) and isinstance(sys["publishedVersion"], int)


def test_removing_a_field_captures_only_that_fields_values(
    workspace: Workspace, ten: dict[str, dict[str, Any]]
) -> None:
    workspace.write(_model(NOTE.model_copy(update={"fields": NOTE.fields[:2]}), locales=(EN, DE)))
    captured = apply_and_revert(workspace, ten)
    assert {e["sys"]["id"]: e["fields"] for e in captured} == {
        "n5": {"secret": {"en-US": "s5"}}, "n7": {"secret": {"en-US": "s7"}}
    }


def test_deleting_a_content_type_captures_its_entries_whole(
    workspace: Workspace, ten: dict[str, dict[str, Any]]
) -> None:
    workspace.write(_model(locales=(EN, DE)))
    captured = apply_and_revert(workspace, ten)
    assert {e["sys"]["id"]: e["fields"] for e in captured} == ten


def test_renaming_a_field_captures_only_the_renamed_values(
    workspace: Workspace, ten: dict[str, dict[str, Any]]
) -> None:
    renamed = Field(id="hidden", name="Secret", type="Symbol", renamed_from="secret")
    workspace.write(_model(NOTE.model_copy(update={"fields": (*NOTE.fields[:2], renamed)}), locales=(EN, DE)))
    captured = apply_and_revert(workspace, ten)
    assert {e["sys"]["id"]: e["fields"] for e in captured} == {
        "n5": {"secret": {"en-US": "s5"}}, "n7": {"secret": {"en-US": "s7"}}
    }
