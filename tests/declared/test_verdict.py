"""The verdict of a clean run (``declared.verdict``, issue 16), through ``reconcile validate``: a repeat on the
same files, scope and tool only lists, reads and hashes the files; any change, in one file or across files,
is read and checked in full and reported exactly as a run without any cache reports it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reconcile.cli import ERROR, OK, app

from .support import edit


def _validate(*args: str) -> Any:
    result = CliRunner().invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    return result


def _uncached(project: Path, *args: str) -> Any:
    """``validate`` with no cache at all (a full read): the reference for every message."""
    shutil.rmtree(project / ".reconcile" / "cache", ignore_errors=True)
    return _validate(*args)


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any read of the model files (the loader) fail the test."""
    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("the model files were read and checked again")

    monkeypatch.setattr("reconcile.workflows.project.read_models", refuse)


def _content_type(project: Path, name: str) -> Path:
    return project / "models" / "content_types" / f"{name}.toml"


def test_a_repeat_of_a_clean_run_reads_and_checks_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _validate()
    assert first.exit_code == OK, first.output
    assert "6 content types and 3 locales are valid" in first.output
    with monkeypatch.context() as patched:
        _no_reading(patched)
        second = _validate()
    assert second.exit_code == OK and second.output == first.output


def test_a_run_of_another_tool_reads_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _validate().exit_code == OK
    monkeypatch.setattr("reconcile.declared.cache.__version__", "another version")
    _no_reading(monkeypatch)
    with pytest.raises(AssertionError, match="read and checked again"):
        CliRunner().invoke(app, ["validate"], catch_exceptions=False)


def _linked_type_removed(project: Path) -> None:
    """Remove a content type that another one links to (the problem is in the file that did not change)."""
    text = _content_type(project, "blogPost").read_text(encoding="utf-8")
    assert '"author"' in text
    _content_type(project, "author").unlink()


CHANGES: dict[str, Callable[[Path], Any]] = {
    "a file's value": lambda p: edit(_content_type(p, "author"), 'type = "Symbol"', 'type = "Symbl"'),
    "an unknown key": lambda p: edit(_content_type(p, "page"), 'name = "', 'color = "red"\nname = "'),
    "a link to a removed type": _linked_type_removed,
    "a stray file": lambda p: (p / "models" / "content_types" / "notes.txt").write_text("x", encoding="utf-8"),
    "a folder": lambda p: (p / "models" / "content_types" / "drafts").mkdir(),
    "a second default locale": lambda p: edit(p / "models" / "locales.toml", "optional = true", "default = true"),
    "no locales file": lambda p: (p / "models" / "locales.toml").unlink(),
    "a bad tags file": lambda p: (p / "models" / "tags.toml").write_text("format = 1\n[[tags]]\n", encoding="utf-8"),
    "an id unlike its file": lambda p: _content_type(p, "page").rename(_content_type(p, "pages")),
    "a scope leaving out a type": lambda p: (p / "reconcile.toml").write_text(
        '[scope]\ncontent_types = ["blog*"]\n\n[targets.local]\nkind = "local"\n', encoding="utf-8"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_after_a_clean_run_is_checked_in_full(project: Path, change: Callable[[Path], Any]) -> None:
    assert _validate().exit_code == OK
    change(project)
    result = _validate()
    assert result.exit_code == ERROR, result.output
    assert result.output == _uncached(project).output


def test_a_verdict_is_per_target_scope(project: Path) -> None:
    (project / "reconcile.toml").write_text(
        '[targets.local]\nkind = "local"\n\n[targets.blog]\nkind = "local"\n[targets.blog.scope]\n'
        'content_types = ["blog*"]\n', encoding="utf-8")
    assert _validate().exit_code == OK
    result = _validate("--target", "blog")
    assert result.exit_code == ERROR and "is out of scope" in result.output
    assert result.output == _uncached(project, "--target", "blog").output


def test_a_model_with_fills_imports_them_on_every_run(project: Path) -> None:
    """A fill names the project's code, which the verdict's key does not cover: no verdict is kept for it."""
    (project / "transforms").mkdir()
    fill = project / "transforms" / "names.py"
    fill.write_text("def slug(fields, locale):\n    return None\n", encoding="utf-8")
    edit(_content_type(project, "author"), 'id = "slug"\n', 'id = "slug"\nfill = "transforms/names.py:slug"\n')
    assert _validate().exit_code == OK
    assert _validate().exit_code == OK
    fill.write_text("def other(fields, locale):\n    return None\n", encoding="utf-8")
    result = _validate()
    assert result.exit_code == ERROR and "fill file transforms/names.py has no function slug" in result.output


@pytest.mark.parametrize("damage", [
    lambda head: head.replace(b'"verdict":{"run":"', b'"verdict":{"run":"0', 1),  # another run's
    lambda head: head.replace(b'"content_types":', b'"content_types":"', 1),  # not JSON
    lambda head: head.replace(b'"locales":3', b'"locales":"3"', 1),  # not a count
])
def test_a_damaged_verdict_reads_again(project: Path, monkeypatch: pytest.MonkeyPatch,
                                       damage: Callable[[bytes], bytes]) -> None:
    first = _validate()
    assert first.exit_code == OK
    [cache] = (project / ".reconcile" / "cache").glob("models-*.json")
    head, _, payload = cache.read_bytes().partition(b"\n")
    assert damage(head) != head
    cache.write_bytes(damage(head) + b"\n" + payload)
    _no_reading(monkeypatch)
    with pytest.raises(AssertionError, match="read and checked again"):
        CliRunner().invoke(app, ["validate"], catch_exceptions=False)
