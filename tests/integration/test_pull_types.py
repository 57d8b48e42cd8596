"""The pull's record of each content type file (``.reconcile/cache/pulltypes-*.json``, issue 16), through
``reconcile pull``: after a pull, the next one renders and compares only the content types whose live JSON or
file changed; a damaged record, changed code, an edited file, a live change, a deleted or new content type
and a locale change each give exactly what a pull of everything gives."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import contentful_management
import pytest

from reconcile import workflows
from reconcile.declared import cache

from .conftest import TOKEN, Workspace
from .pulls import applied as applied_workspace
from .pulls import counted, files, pull

pytestmark = pytest.mark.slow
writer = importlib.import_module("reconcile.declared.writer")


@pytest.fixture
def applied(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The repository's models applied and pulled once (the record holds every content type)."""
    applied_workspace(workspace, monkeypatch)
    (workspace.models / "content_types" / "author.toml").unlink()  # a pull that writes: the record is used next
    assert pull() == "Wrote 1 file."
    return workspace


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the content types whose file text a pull renders (and compares with the file)."""
    return counted(monkeypatch, writer, "_file_text", content_types=True)


def sdk(ws: Workspace) -> Any:
    client = contentful_management.Client(
        TOKEN, api_url=f"127.0.0.1:{ws.emulator.port}", https=False, max_rate_limit_retries=0
    )
    return client.content_types("local", "master")


def change_live(ws: Workspace, ct_id: str = "author", description: str = "Changed in the web app.") -> None:
    ct = sdk(ws).find(ct_id)
    ct.description = description
    ct.save()
    ct.publish()


def full_pull_of(ws: Workspace) -> tuple[str, dict[str, bytes]]:
    """What a pull of everything (no record) gives over the same folder: its last line and the files."""
    for record in (ws.root / ".reconcile" / "cache").glob("pulltypes-*.json"):
        record.unlink()
    return pull(), files(ws.models)


def record_of(ws: Workspace) -> Path:
    [path] = (ws.root / ".reconcile" / "cache").glob("pulltypes-*.json")
    return path


def test_a_live_change_renders_only_that_content_type(applied: Workspace, rendered: list[str]) -> None:
    change_live(applied)
    assert pull() == "Wrote 1 file."
    assert rendered == ["author"]
    assert "Changed in the web app." in (applied.models / "content_types" / "author.toml").read_text(encoding="utf-8")
    change_live(applied, description="Changed again.")
    assert pull() == "Wrote 1 file."
    assert rendered == ["author", "author"]
    assert "Changed again." in (applied.models / "content_types" / "author.toml").read_text(encoding="utf-8")


def test_an_edited_file_is_compared_and_a_users_comment_kept(applied: Workspace, rendered: list[str]) -> None:
    path = applied.models / "content_types" / "author.toml"
    path.write_text("# kept\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    change_live(applied, "blogPost")
    assert pull() == "Wrote 1 file."  # blogPost's: author's file declares author already
    assert sorted(rendered) == ["author", "blogPost"]
    assert path.read_text(encoding="utf-8").startswith("# kept\n")
    path.write_text(path.read_text(encoding="utf-8").replace('name = "', 'name = "Renamed ', 1), encoding="utf-8")
    change_live(applied, "blogPost", "Again.")
    assert pull() == "Wrote 2 files."
    assert "Renamed" not in path.read_text(encoding="utf-8") and path.read_text(encoding="utf-8").startswith("# kept")


def test_a_removed_file_is_written_anew(applied: Workspace, rendered: list[str]) -> None:
    path = applied.models / "content_types" / "page.toml"
    path.unlink()
    assert pull() == "Wrote 1 file."
    assert rendered == ["page"]
    pulled = files(applied.models)
    path.unlink()
    assert full_pull_of(applied) == ("Wrote 1 file.", pulled)


def test_a_deleted_and_a_new_content_type(applied: Workspace, rendered: list[str]) -> None:
    types = sdk(applied)
    testimonial = types.find("testimonial")
    testimonial.unpublish()
    testimonial.delete()
    new = types.create("brandNew", {"name": "Brand new", "fields": [{"id": "title", "name": "Title",
                                                                      "type": "Symbol"}]})
    new.publish()
    assert pull() == "Wrote 1 file, removed 1 file."
    assert rendered == ["brandNew"]
    pulled = files(applied.models)
    assert "content_types/testimonial.toml" not in pulled and "content_types/brandNew.toml" in pulled
    assert full_pull_of(applied) == ("Wrote 0 files.", pulled)


def test_a_locale_change_renders_no_content_type(applied: Workspace, rendered: list[str]) -> None:
    locales = contentful_management.Client(
        TOKEN, api_url=f"127.0.0.1:{applied.emulator.port}", https=False, max_rate_limit_retries=0
    ).locales("local", "master")
    locales.create(attributes={"code": "fr-FR", "name": "French"})
    assert pull() == "Wrote 1 file."
    assert rendered == []
    assert "fr-FR" in (applied.models / "locales.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", ["truncated", "changed byte", "not json", "empty"])
def test_a_damaged_record_is_ignored_and_written_anew(applied: Workspace, rendered: list[str], damage: str) -> None:
    record = record_of(applied)
    data = record.read_bytes()
    damaged = {"truncated": data[:-10], "changed byte": data.replace(b'"description"', b'"descriptioN"', 1),
               "not json": b"not json", "empty": b""}[damage]
    assert damaged != data
    record.write_bytes(damaged)
    change_live(applied)
    before = files(applied.models)
    assert pull() == "Wrote 1 file."
    assert len(rendered) == 6  # every content type, in full
    after = files(applied.models)
    assert {k for k in after if after[k] != before[k]} == {"content_types/author.toml"}
    assert record.read_bytes() != damaged
    change_live(applied, description="Again.")
    assert pull() == "Wrote 1 file."
    assert len(rendered) == 7  # recorded anew: only author's


def test_changed_code_does_not_use_the_record(
    applied: Workspace, rendered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "reader_key", lambda: "other code")
    change_live(applied)
    assert pull() == "Wrote 1 file."
    assert len(rendered) == 6


def test_the_baseline_is_the_one_a_full_pull_records(applied: Workspace, rendered: list[str]) -> None:
    change_live(applied)
    assert pull() == "Wrote 1 file."
    assert rendered == ["author"]
    newest = applied.project().store.latest("test", kind=("pulled",))
    assert newest is not None
    live = workflows.plan(applied.project(), None).plan
    assert live.is_empty and newest.metadata["fingerprint"] == live.live_fingerprint
