"""The pull record (``.reconcile/cache/pulled-*.json``, issue 16), through ``reconcile pull``: a pull that
finds the models folder equal to live records it, and the next pull of the same live state, scope and code
over the same folder writes nothing without comparing anything; a file edited, added or removed, a live
change, a damaged record or changed code each make the pull compare (and write) in full."""

from __future__ import annotations

import importlib
from pathlib import Path

import contentful_management
import pytest
from typer.testing import CliRunner

from reconcile.cli import OK, app
from reconcile.declared import cache

from .conftest import TOKEN, Workspace
from .pulls import applied as applied_workspace
from .pulls import counted, files, pull

pytestmark = pytest.mark.slow
# the module (``reconcile.workflows.pull`` is the function: the package imports its names lazily)
pull_module = importlib.import_module("reconcile.workflows.pull")


@pytest.fixture
def applied(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    return applied_workspace(workspace, monkeypatch)


@pytest.fixture
def full_pulls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the pulls that build, normalise and compare the whole live model."""
    return counted(monkeypatch, pull_module, "_write_all")


def recorded(full_pulls: list[str]) -> None:
    """Pull twice: the first compares in full and records, the second takes the record."""
    assert pull() == "Wrote 0 files."
    assert pull() == "Wrote 0 files."
    assert len(full_pulls) == 1


def record_of(ws: Workspace) -> Path:
    [path] = (ws.root / ".reconcile" / "cache").glob("pulled-*.json")
    return path


def test_an_equal_pull_records_and_the_next_compares_nothing(applied: Workspace, full_pulls: list[str]) -> None:
    before = files(applied.models)
    assert pull() == "Wrote 0 files."
    assert record_of(applied).is_file() and len(full_pulls) == 1
    assert pull() == "Wrote 0 files."
    assert len(full_pulls) == 1  # from the record
    assert files(applied.models) == before
    drift = CliRunner().invoke(app, ["drift"])
    assert drift.exit_code == OK, drift.output  # the baseline is recorded as by a full pull


def test_a_pull_that_writes_does_not_record(applied: Workspace, full_pulls: list[str]) -> None:
    path = applied.models / "content_types" / "author.toml"
    path.unlink()
    assert pull() == "Wrote 1 file."
    assert not list((applied.root / ".reconcile" / "cache").glob("pulled-*.json"))
    assert pull() == "Wrote 0 files."
    assert record_of(applied).is_file()


@pytest.mark.parametrize("change", ["edit", "remove", "add"])
def test_a_changed_models_folder_is_compared_in_full(applied: Workspace, full_pulls: list[str], change: str) -> None:
    recorded(full_pulls)
    pulled_files = files(applied.models)
    ct_dir = applied.models / "content_types"
    path = ct_dir / "author.toml"
    if change == "edit":
        path.write_text(path.read_text(encoding="utf-8").replace('name = "', 'name = "Renamed ', 1), encoding="utf-8")
    elif change == "remove":
        path.unlink()
    else:
        (ct_dir / "stale.toml").write_bytes((ct_dir / "author.toml").read_bytes().replace(b'"author"', b'"stale"'))
    assert pull() == ("Wrote 0 files, removed 1 file." if change == "add" else "Wrote 1 file.")
    assert len(full_pulls) == 2
    after = files(applied.models)
    assert after.keys() == pulled_files.keys()
    assert change == "remove" or after == pulled_files  # a removed file comes back in the compact style


def test_a_live_change_is_pulled(applied: Workspace, full_pulls: list[str]) -> None:
    recorded(full_pulls)
    sdk = contentful_management.Client(
        TOKEN, api_url=f"127.0.0.1:{applied.emulator.port}", https=False, max_rate_limit_retries=0
    )
    ct = sdk.content_types("local", "master").find("author")
    ct.description = "Changed in the web app."
    ct.save()
    ct.publish()
    assert pull() == "Wrote 1 file."
    assert len(full_pulls) == 2
    assert "Changed in the web app." in (applied.models / "content_types" / "author.toml").read_text(encoding="utf-8")


def test_a_damaged_record_is_ignored_and_written_anew(applied: Workspace, full_pulls: list[str]) -> None:
    recorded(full_pulls)
    record = record_of(applied)
    for damaged in (record.read_bytes()[:-10], record.read_bytes().replace(b'"fingerprint":"', b'"fingerprint":"x'),
                    b"not json"):
        record.write_bytes(damaged)
        assert pull() == "Wrote 0 files."
    assert len(full_pulls) == 4
    assert pull() == "Wrote 0 files."
    assert len(full_pulls) == 4  # the last full pull recorded again


def test_changed_code_does_not_use_the_record(
    applied: Workspace, full_pulls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded(full_pulls)
    monkeypatch.setattr(cache, "reader_key", lambda: "other code")
    assert pull() == "Wrote 0 files."
    assert len(full_pulls) == 2
    assert pull() == "Wrote 0 files."
    assert len(full_pulls) == 2  # recorded again, for the new code


def test_another_scope_does_not_use_the_record(applied: Workspace, full_pulls: list[str]) -> None:
    """A file of a content type not in the space, out of scope, is kept; once in scope, it is removed even though
    the live state and the folder are those recorded."""
    config = applied.root / "reconcile.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[scope]\nignore = ["stale"]\n', encoding="utf-8")
    stale = applied.models / "content_types" / "stale.toml"
    stale.write_bytes((applied.models / "content_types" / "author.toml").read_bytes().replace(b'"author"', b'"stale"'))
    recorded(full_pulls)
    config.write_text(config.read_text(encoding="utf-8").replace('ignore = ["stale"]', "ignore = []"), encoding="utf-8")
    assert pull() == "Wrote 0 files, removed 1 file."
    assert not stale.exists() and len(full_pulls) == 2


def test_an_equal_pull_reads_the_folder_once(applied: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files the writer compared are known from the bytes it compared: the folder is not read again to tell
    it did not change while the pull ran (issue 16: ~0.07 s at 1,000 content types)."""
    reads = counted(monkeypatch, pull_module, "folder_state")
    assert pull() == "Wrote 0 files."
    assert record_of(applied).is_file() and reads == ["folder_state"]


@pytest.mark.parametrize("entry", ["locales.toml", "content_types/stale.toml"])
def test_a_file_changed_while_the_pull_runs_is_not_recorded(
    applied: Workspace, monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    """A file edited after the folder was read (a comment added, then taken away: the pull finds the folder
    equal to live) must not be recorded as judged: restored, the comment is compared again."""
    config = applied.root / "reconcile.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[scope]\nignore = ["stale"]\n', encoding="utf-8")
    stale = applied.models / "content_types" / "stale.toml"
    stale.write_bytes((applied.models / "content_types" / "author.toml").read_bytes().replace(b'"author"', b'"stale"'))
    path = applied.models / entry
    pulled = path.read_bytes()
    commented = pulled + b"# a comment\n"
    path.write_bytes(commented)
    real = pull_module._write_all

    def edited_meanwhile(*args: object) -> object:
        path.write_bytes(pulled)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pull_module, "_write_all", edited_meanwhile)
    assert pull() == "Wrote 0 files."
    assert not list((applied.root / ".reconcile" / "cache").glob("pulled-*.json"))
    monkeypatch.setattr(pull_module, "_write_all", real)
    path.write_bytes(commented)
    full = counted(monkeypatch, pull_module, "_write_all")
    assert pull() == "Wrote 0 files."
    assert full == ["_write_all"] and record_of(applied).is_file()  # compared, then recorded


def test_the_files_are_compared_as_the_folder_was_read(applied: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer compares a content type file's bytes as the pull record's folder state read them (not read
    again: ~0.03 s at 1,000 files): what the record then says of the folder is what was compared. A file edited
    after that read is compared by the next pull, whose folder state differs."""
    path = applied.models / "content_types" / "author.toml"
    pulled = path.read_bytes()
    real = pull_module._write_all

    def edited_meanwhile(*args: object) -> object:
        path.write_bytes(pulled.replace(b'name = "', b'name = "Renamed ', 1))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pull_module, "_write_all", edited_meanwhile)
    assert pull() == "Wrote 0 files."  # the bytes read first declare live
    assert record_of(applied).is_file()
    monkeypatch.setattr(pull_module, "_write_all", real)
    full = counted(monkeypatch, pull_module, "_write_all")
    assert pull() == "Wrote 1 file."
    assert full == ["_write_all"] and path.read_bytes() == pulled
