"""The parse cache of content type files (``.reconcile/cache/``, issue 16), through ``validate_models`` (how
``plan`` and the other commands read the whole model): a second run takes unchanged files from it, an edited
file is read afresh, a damaged or unwritable cache is ignored, bad input writes nothing, and a problem's message
is exactly that of a full read. (``reconcile validate`` checks file by file: tests/declared/test_incremental.py.)"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reconcile.cli import ERROR, OK
from reconcile.declared import loader
from reconcile.errors import InputError
from reconcile.workflows import load_project, validate_models

from .support import content_type, edit, make_models


def _cache_files(project: Path) -> list[Path]:
    return sorted((project / ".reconcile" / "cache").glob("models-*.json"))


def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the files the loader parses (each parse a file not taken from the cache)."""
    calls: list[int] = []
    real = loader.parse_toml

    def counting(raw: bytes, **kwargs: Any) -> Any:
        calls.append(1)
        return real(raw, **kwargs)

    monkeypatch.setattr(loader, "parse_toml", counting)
    return calls


def _header(data: bytes, **changes: Any) -> bytes:
    return json.dumps({**json.loads(data.partition(b"\n")[0]), **changes}).encode()


@dataclass(frozen=True)
class _Result:
    exit_code: int
    output: str


def _validate(models: Path | None = None) -> _Result:
    """The model files read and checked as ``plan`` reads them: the counts and the warnings, or every problem."""
    try:
        declared = validate_models(load_project(None, models, Path.cwd()))
    except InputError as exc:
        return _Result(ERROR, str(exc))
    counts = f"{len(declared.model.content_types)} content types, {len(declared.model.locales)} locales"
    return _Result(OK, counts + "".join(f"\nWarning: {warning}" for warning in declared.warnings))


def _content_type_files(project: Path) -> list[Path]:
    return sorted((project / "models" / "content_types").glob("*.toml"))


def test_a_second_run_reads_unchanged_files_from_the_cache(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _validate()
    assert first.exit_code == OK, first.output
    assert len(_cache_files(project)) == 1
    parsed = _parsed(monkeypatch)
    second = _validate()
    assert second.exit_code == OK and second.output == first.output
    assert parsed == [1]  # locales.toml only: every content type file came from the cache


def test_the_model_from_the_cache_is_the_model_of_a_full_read(project: Path) -> None:
    from reconcile.declared import ParseCache, read_models

    models = project / "models"
    full, problems = read_models(models)
    cache = ParseCache.of_models(project / ".reconcile" / "cache", models)
    assert read_models(models, cache)[0].model == full.model and not problems
    cache.save()
    cached, _ = read_models(models, ParseCache.of_models(project / ".reconcile" / "cache", models))
    assert cached.model == full.model and cached.fills == full.fills
    assert cached.sources.keys() == full.sources.keys()
    assert [(s.file, s.line) for s in cached.sources.values()] == [(s.file, s.line) for s in full.sources.values()]


def test_an_edited_file_is_read_afresh(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _validate().exit_code == OK
    path = _content_type_files(project)[0]
    edit(path, 'name = "', 'name = "Renamed ')
    parsed = _parsed(monkeypatch)
    assert _validate().exit_code == OK
    assert len(parsed) == 2  # the edited file and locales.toml
    from reconcile.declared import ParseCache, read_models

    models = project / "models"
    model = read_models(models, ParseCache.of_models(project / ".reconcile" / "cache", models))[0].model
    assert model.content_types[path.stem].name.startswith("Renamed ")
    parsed.clear()
    assert _validate().exit_code == OK and parsed == [1]  # the new version is cached in turn


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],  # one bit of the payload changed
        lambda data: b"not json at all\n{}",
        lambda data: b"",
        lambda data: _header(data, format=99) + b"\n" + data.partition(b"\n")[2],  # another format
    ],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(project: Path, monkeypatch: pytest.MonkeyPatch, damage: Any) -> None:
    first = _validate()
    [cache] = _cache_files(project)
    good = cache.read_bytes()
    cache.write_bytes(damage(good))
    parsed = _parsed(monkeypatch)
    second = _validate()
    assert second.exit_code == OK and second.output == first.output
    assert len(parsed) == len(_content_type_files(project)) + 1  # nothing taken from the damaged cache
    assert cache.read_bytes() == good  # rewritten whole


def test_a_cache_of_another_reader_is_not_used(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _validate().exit_code == OK
    monkeypatch.setattr("reconcile.declared.cache.__version__", "another version")
    parsed = _parsed(monkeypatch)
    assert _validate().exit_code == OK
    assert len(parsed) == len(_content_type_files(project)) + 1


def test_an_unwritable_cache_folder_changes_nothing(project: Path) -> None:
    (project / ".reconcile").mkdir(exist_ok=True)
    (project / ".reconcile" / "cache").write_text("a file where the folder would go", encoding="utf-8")
    first = _validate()
    assert first.exit_code == OK, first.output
    assert _validate().output == first.output
    assert (project / ".reconcile" / "cache").read_text(encoding="utf-8") == "a file where the folder would go"


def test_bad_input_writes_no_cache(project: Path) -> None:
    path = _content_type_files(project)[0]
    edit(path, 'name = "', 'name = "   "\nname_x = "')
    result = _validate()
    assert result.exit_code == ERROR, result.output
    assert _cache_files(project) == []


def test_a_problem_in_a_cached_file_reads_as_in_a_full_read(project: Path) -> None:
    """A link to a content type whose file is then removed: the problem is in a file that is in the cache."""
    files = {p.stem: p for p in _content_type_files(project)}
    linking = next(p for p in files.values() if "linkContentType" in p.read_text(encoding="utf-8"))
    assert _validate().exit_code == OK
    text = linking.read_text(encoding="utf-8")
    target = next(ct for ct in files if ct != linking.stem and f'"{ct}"' in text)
    files[target].unlink()
    with_cache = _validate()
    for cache in _cache_files(project):
        cache.unlink()
    without = _validate()
    assert with_cache.exit_code == OK and with_cache.output == without.output  # a warning (Contentful accepts it)
    assert f"Warning: {linking}:" in with_cache.output and f"linkContentType names '{target}'" in with_cache.output


def _counted_rules(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the runs of the offline rules."""
    from reconcile.workflows import project as workflow

    calls: list[int] = []
    real = workflow.validate

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(workflow, "validate", counting)
    return calls


def test_the_rules_do_not_run_again_on_what_a_clean_run_checked(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _counted_rules(monkeypatch)
    first = _validate()
    assert first.exit_code == OK and rules == [1]
    assert _validate().output == first.output and rules == [1]  # same files, same scope, same tool
    edit(_content_type_files(project)[0], 'name = "', 'name = "Renamed ')
    assert _validate().exit_code == OK and rules == [1, 1]
    edit(project / "models" / "locales.toml", 'name = "', 'name = "Renamed ')
    assert _validate().exit_code == OK and rules == [1, 1, 1]  # locales.toml counts too
    assert _validate().exit_code == OK and rules == [1, 1, 1]


def test_a_changed_scope_runs_the_rules_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A link to an undeclared content type is fine while that type is out of scope, and a warning once it is in."""
    monkeypatch.chdir(tmp_path)
    link = '[[fields]]\nid = "other"\nname = "Other"\ntype = "Link"\nlink_type = "Entry"\n' \
           'validations = [{ linkContentType = ["external"] }]\n'
    make_models(tmp_path, {"article.toml": content_type("article", link)})
    config = tmp_path / "reconcile.toml"
    config.write_text('[scope]\ncontent_types = ["art*"]\n\n[targets.local]\nkind = "local"\n', encoding="utf-8")
    assert _validate().exit_code == OK
    config.write_text('[targets.local]\nkind = "local"\n', encoding="utf-8")
    result = _validate()
    assert result.exit_code == OK
    assert "Warning: " in result.output
    assert "linkContentType names 'external', which is not a declared content type" in result.output


def test_the_cache_files_of_a_models_folder_that_is_gone_are_deleted(project: Path) -> None:
    """Each cache file names its models folder; each write of a parse cache deletes the parse caches and pull
    records of folders that no longer exist, and the parse caches that name none (older versions')."""
    other = project / "other"
    shutil.copytree(project / "models", other)
    assert _validate(other).exit_code == OK
    assert _validate().exit_code == OK
    assert len(_cache_files(project)) == 2
    cache_dir = project / ".reconcile" / "cache"
    for name, models in [("pulled-gone.json", str(other)), ("pulled-here.json", str(project / "models"))]:
        (cache_dir / name).write_bytes(json.dumps({"format": 1, "digest": "x", "models": models}).encode() + b"\n{}")
    (cache_dir / "pulled-old.json").write_bytes(b'{"format": 1, "digest": "x"}\n{}')  # names none: kept
    (cache_dir / "models-old.json").write_bytes(b'{"format": 1, "digest": "x"}\n{}')
    (cache_dir / "other.json").write_bytes(b"{}\n{}")  # not a cache file of the models: never looked at
    shutil.rmtree(other)
    edit(_content_type_files(project)[0], 'name = "', 'name = "Renamed ')  # so that the cache is written again
    assert _validate().exit_code == OK
    [kept] = _cache_files(project)
    assert json.loads(kept.read_bytes().partition(b"\n")[0])["models"] == str((project / "models").resolve())
    assert sorted(p.name for p in cache_dir.iterdir()) == sorted([kept.name, "pulled-here.json", "pulled-old.json",
                                                                  "other.json"])


def test_the_entry_of_a_removed_model_file_is_dropped(project: Path) -> None:
    extra = project / "models" / "content_types" / "extra.toml"
    extra.write_text(content_type("extra", ""), encoding="utf-8")
    assert _validate().exit_code == OK
    [cache] = _cache_files(project)
    entries = len(json.loads(cache.read_bytes().partition(b"\n")[2]))
    extra.unlink()
    assert _validate().exit_code == OK
    assert len(json.loads(cache.read_bytes().partition(b"\n")[2])) == entries - 1
