"""``reconcile validate`` file by file (``declared.incremental``, issue 16): after a clean run, a run checks only
the files whose name or bytes changed, and the references across all files; whatever the change, it reports
exactly what a run without any cache reports (stdout, stderr, exit code, every message with its file and line)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reconcile.cli import ERROR, OK, app
from reconcile.declared import incremental
from reconcile.errors import InputError
from reconcile.workflows import load_project, validate_models

from .support import content_type, edit


def _validate(*args: str) -> Any:
    result = CliRunner().invoke(app, ["validate", *args])
    assert "Traceback" not in result.output
    return result


def _uncached(project: Path, *args: str) -> Any:
    """``validate`` with no cache at all and through the whole-model check (``read_models``, ``validate``, the
    scope), as before it checked file by file: the reference for every message."""
    shutil.rmtree(project / ".reconcile" / "cache", ignore_errors=True)
    with pytest.MonkeyPatch.context() as patched:
        for module in ("validating", "project"):
            patched.setattr(f"reconcile.workflows.{module}.check_models", lambda *_, **__: None)
        result = _validate(*args)
    shutil.rmtree(project / ".reconcile" / "cache", ignore_errors=True)
    return result


def _checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files checked (read and checked alone, not taken from the records)."""
    names: list[str] = []
    real = incremental.check_file

    def counting(path: Path, *args: Any, **kwargs: Any) -> Any:
        names.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(incremental, "check_file", counting)
    return names


def _records(project: Path) -> Path:
    [records] = (project / ".reconcile" / "cache").glob("checked-*.json")
    return records


def _content_type(project: Path, name: str) -> Path:
    return project / "models" / "content_types" / f"{name}.toml"


def _same_as_uncached(project: Path, *args: str) -> Any:
    """Run ``validate`` twice with the cache as the earlier runs left it, then without: all three the same."""
    result, again = _validate(*args), _validate(*args)
    reference = _uncached(project, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (reference.exit_code, reference.stdout,
                                                                reference.stderr)
    assert (again.exit_code, again.output) == (reference.exit_code, reference.output)
    return result


def test_a_repeat_checks_no_file_and_an_edit_only_that_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _validate()
    assert first.exit_code == OK, first.output
    assert "6 content types and 3 locales are valid" in first.output
    checked = _checked(monkeypatch)
    assert _validate().output == first.output and checked == []
    edit(_content_type(project, "author"), 'name = "', 'name = "Renamed ')
    assert _validate().output == first.output and checked == ["author.toml"]
    checked.clear()
    assert _validate().output == first.output and checked == []


def test_a_run_of_another_tool_checks_every_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _validate().exit_code == OK
    monkeypatch.setattr("reconcile.declared.cache.__version__", "another version")
    checked = _checked(monkeypatch)
    assert _validate().exit_code == OK
    assert sorted(checked) == sorted([p.name for p in (project / "models" / "content_types").iterdir()]
                                     + ["locales.toml"])


def _linked_type_removed(project: Path) -> None:
    """Remove a content type that another one links to (the problem is in a file that did not change)."""
    assert '"author"' in _content_type(project, "blogPost").read_text(encoding="utf-8")
    _content_type(project, "author").unlink()


def _renamed(project: Path, old: str, new: str) -> None:
    path = _content_type(project, old)
    edit(path, f'id = "{old}"', f'id = "{new}"')
    path.rename(_content_type(project, new))


def _locale_removed(project: Path) -> None:
    """``page`` keys a default value by en-US: drop en-US (the default) from locales.toml."""
    locales = project / "models" / "locales.toml"
    text = locales.read_text(encoding="utf-8")
    locales.write_text(text.replace('code = "en-US"', 'code = "en-GB"').replace('"en-US"', '"en-GB"'),
                       encoding="utf-8")


def _scope(text: str) -> Callable[[Path], Any]:
    return lambda p: (p / "reconcile.toml").write_text(f'{text}\n[targets.local]\nkind = "local"\n', encoding="utf-8")


CHANGES: dict[str, Callable[[Path], Any]] = {
    "a name (still valid)": lambda p: edit(_content_type(p, "author"), 'name = "', 'name = "Renamed '),
    "a file's value (an error)": lambda p: edit(_content_type(p, "author"), 'type = "Symbol"', 'type = "Symbl"'),
    "a rule broken in one file": lambda p: edit(_content_type(p, "page"), 'type = "Boolean"', 'type = "Object"'),
    "an unknown key": lambda p: edit(_content_type(p, "page"), 'name = "', 'color = "red"\nname = "'),
    "invalid TOML": lambda p: edit(_content_type(p, "page"), 'name = "', 'name = = "'),
    "a link to a removed type": _linked_type_removed,
    "a new file": lambda p: _content_type(p, "extra").write_text(content_type("extra", ""), encoding="utf-8"),
    "a new file linking nowhere": lambda p: _content_type(p, "extra").write_text(content_type(
        "extra", '[[fields]]\nid = "x"\nname = "X"\ntype = "Link"\nlink_type = "Entry"\n'
                 'validations = [{ linkContentType = ["nowhere"] }]\n'), encoding="utf-8"),
    "an unlinked file deleted": lambda p: (edit(_content_type(p, "blogPost"), '"category"', '"page"'),
                                           edit(_content_type(p, "page"), '"category"', '"page"'),
                                           _content_type(p, "category").unlink()),
    "a file renamed with its id": lambda p: _renamed(p, "author", "writer"),
    "a file renamed alone (id unlike its file)": lambda p: _content_type(p, "page").rename(_content_type(p, "pages")),
    "a stray file": lambda p: (p / "models" / "content_types" / "notes.txt").write_text("x", encoding="utf-8"),
    "a folder": lambda p: (p / "models" / "content_types" / "drafts").mkdir(),
    "a second default locale": lambda p: edit(p / "models" / "locales.toml", "optional = true", "default = true"),
    "a locale a default value uses removed": _locale_removed,
    "no locales file": lambda p: (p / "models" / "locales.toml").unlink(),
    "a bad tags file": lambda p: (p / "models" / "tags.toml").write_text("format = 1\n[[tags]]\n", encoding="utf-8"),
    "a good tags file": lambda p: (p / "models" / "tags.toml").write_text(
        'format = 1\n[[tags]]\nid = "news"\nname = "News"\n', encoding="utf-8"),
    "a scope leaving out a type (reconcile.toml)": _scope('[scope]\ncontent_types = ["blog*"]\n'),
    "a scope leaving out a linked type": _scope('[scope]\nignore = ["author"]\n'),
    "the records damaged": lambda p: _records(p).write_bytes(_records(p).read_bytes()[:-30]),
}


#: The changes above that leave the model valid.
STILL_VALID = ("a name (still valid)", "a new file", "a good tags file", "the records damaged",
               "an unlinked file deleted")
#: The changes above that leave the model valid with a warning: a link to a content type no file declares.
WARNED = ("a link to a removed type", "a new file linking nowhere", "a file renamed with its id")


@pytest.mark.parametrize("name", CHANGES)
def test_any_change_after_a_clean_run_reads_as_without_cache(project: Path, name: str) -> None:
    assert _validate().exit_code == OK
    CHANGES[name](project)
    result = _same_as_uncached(project)
    assert result.exit_code == (OK if name in STILL_VALID + WARNED else ERROR)
    assert ("Warning: " in result.stderr) == (name in WARNED), result.output


@pytest.mark.parametrize("name", [name for name in CHANGES if name not in STILL_VALID])
def test_fixing_a_problem_reads_as_without_cache(project: Path, tmp_path_factory: pytest.TempPathFactory,
                                                  name: str) -> None:
    """A change that brings a problem, then the files as they were: the fixed run is clean and says so."""
    saved = tmp_path_factory.mktemp("saved") / "project"
    shutil.copytree(project, saved, ignore=shutil.ignore_patterns(".reconcile"))
    first = _validate()
    CHANGES[name](project)
    assert _validate().exit_code == (OK if name in WARNED else ERROR)
    for part in ("models", "reconcile.toml"):
        shutil.rmtree(project / part) if (project / part).is_dir() else (project / part).unlink()
        (shutil.copytree if (saved / part).is_dir() else shutil.copy)(saved / part, project / part)
    fixed = _same_as_uncached(project)
    assert fixed.exit_code == OK and fixed.output == first.output


def test_problems_name_the_models_folder_as_given(project: Path) -> None:
    assert _validate("--models", "models").exit_code == OK
    _linked_type_removed(project)
    result = _same_as_uncached(project, "--models", str(project / "models"))
    assert f"{project / 'models' / 'content_types' / 'blogPost.toml'}:" in result.output


def test_problems_are_per_target_scope(project: Path) -> None:
    (project / "reconcile.toml").write_text(
        '[targets.local]\nkind = "local"\n\n[targets.blog]\nkind = "local"\n[targets.blog.scope]\n'
        'content_types = ["blog*"]\n', encoding="utf-8")
    assert _validate().exit_code == OK
    result = _validate("--target", "blog")
    assert result.exit_code == ERROR and "is out of scope" in result.output
    assert result.output == _uncached(project, "--target", "blog").output
    assert _validate().exit_code == OK


def test_a_model_with_fills_imports_them_on_every_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fill names the project's code, which the records do not cover: it is imported on every run."""
    (project / "transforms").mkdir()
    fill = project / "transforms" / "names.py"
    fill.write_text("def slug(fields, locale):\n    return None\n", encoding="utf-8")
    edit(_content_type(project, "author"), 'id = "slug"\n', 'id = "slug"\nfill = "transforms/names.py:slug"\n')
    assert _validate().exit_code == OK
    checked = _checked(monkeypatch)
    assert _validate().exit_code == OK
    assert checked == []  # the files' records are kept; the fills are read with the whole model
    fill.write_text("def other(fields, locale):\n    return None\n", encoding="utf-8")
    result = _validate()
    assert result.exit_code == ERROR and "fill file transforms/names.py has no function slug" in result.output


def _damaged_record(data: bytes) -> bytes:
    """One record of another shape, under a digest that matches (a cache written by something else)."""
    from reconcile.declared.cache import _digest

    head, _, payload = data.partition(b"\n")
    records = json.loads(payload)
    key = next(iter(records))
    records[key] = ["not", "a", "record"]
    payload = json.dumps(records).encode()
    header = {**json.loads(head), "digest": _digest(payload)}
    return json.dumps(header).encode() + b"\n" + payload


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],  # truncated
    lambda data: data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],  # a bit of the payload changed
    lambda data: b"not json\n{}",
    _damaged_record,
])
def test_damaged_records_are_ignored(project: Path, monkeypatch: pytest.MonkeyPatch,
                                     damage: Callable[[bytes], bytes]) -> None:
    first = _validate()
    records = _records(project)
    good = records.read_bytes()
    records.write_bytes(damage(good))
    checked = _checked(monkeypatch)
    assert _validate().output == first.output
    assert checked  # what the damaged file held was checked again
    assert records.read_bytes() == good  # and written again


def test_bad_input_writes_no_records(project: Path) -> None:
    edit(_content_type(project, "author"), 'type = "Symbol"', 'type = "Symbl"')
    assert _validate().exit_code == ERROR
    assert not list((project / ".reconcile" / "cache").glob("checked-*.json"))


def test_plan_takes_the_rules_from_the_records(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``validate_models`` (plan) after ``validate`` checked an edit: the references only, no rule runs again."""
    assert _validate().exit_code == OK
    loaded = load_project(None, None, project)
    validate_models(loaded)
    edit(_content_type(project, "author"), 'name = "', 'name = "Renamed ')
    assert _validate().exit_code == OK
    monkeypatch.setattr("reconcile.workflows.project.validate", lambda *_, **__: pytest.fail("rules ran"))
    assert validate_models(loaded).model.content_types["author"].name.startswith("Renamed ")
    _locale_removed(project)  # a problem in a file that did not change: read again in full, as without cache
    monkeypatch.undo()
    with pytest.raises(InputError) as with_records:
        validate_models(loaded)
    shutil.rmtree(project / ".reconcile")
    with pytest.raises(InputError) as without:
        validate_models(loaded)
    assert str(with_records.value) == str(without.value)


def test_plan_after_an_edit_checks_only_that_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``validate_models`` (plan) after an edit that ``validate`` has not seen: that file alone is checked (and its
    record kept), not the whole model; with no records of most files, the rules run on the whole model."""
    loaded = load_project(None, None, project)
    assert _validate().exit_code == OK
    validate_models(loaded)
    edit(_content_type(project, "author"), 'name = "', 'name = "Renamed ')
    checked = _checked(monkeypatch)
    with monkeypatch.context() as patched:
        patched.setattr("reconcile.workflows.project.validate", lambda *_, **__: pytest.fail("rules ran"))
        validate_models(loaded)
    assert checked == ["author.toml"]
    checked.clear()
    assert _validate().exit_code == OK and checked == []
    shutil.rmtree(project / ".reconcile")
    validate_models(loaded)
    assert checked == []


def test_plan_warns_of_a_link_to_a_removed_type_on_every_run(project: Path) -> None:
    """``validate_models`` (plan) keeps the warning of a link no file declares the target of: a repeat run, from
    the records and the parse cache, warns as the first and as a run without cache."""
    loaded = load_project(None, None, project)
    assert _validate().exit_code == OK and validate_models(loaded).warnings == ()
    _linked_type_removed(project)
    first, again = validate_models(loaded).warnings, validate_models(loaded).warnings
    assert len(first) == 1 and first[0].warning and "linkContentType names 'author'" in first[0].message
    assert again == first
    assert _validate().exit_code == OK and validate_models(loaded).warnings == first
    shutil.rmtree(project / ".reconcile")  # validate first fills the parse cache, which plan then reads
    assert _validate().exit_code == OK and validate_models(loaded).warnings == first
    shutil.rmtree(project / ".reconcile")
    assert validate_models(loaded).warnings == first
