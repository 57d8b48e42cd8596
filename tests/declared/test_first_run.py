"""``reconcile validate`` on a first run (no ``.reconcile/cache``: a fresh clone in CI; issue 16): each model file
is read and hashed once, the tool's source is read once per process for the caches' reader key, and the caches it
writes (the parse cache, the per-file records) are not fsynced: they only save time, and a damaged one is
ignored whole (its digest). What it reports is the same as without any cache (``test_incremental``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reconcile.cli import OK, app
from reconcile.declared import cache, records


def _validate() -> Any:
    result = CliRunner().invoke(app, ["validate"])
    assert "Traceback" not in result.output
    return result


def _model_files(project: Path) -> list[Path]:
    return [*(project / "models" / "content_types").glob("*.toml"), project / "models" / "locales.toml"]


def test_a_first_run_hashes_each_model_file_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[bytes] = []
    real = cache.content_key

    def counting(raw: bytes) -> str:
        hashed.append(raw)
        return real(raw)

    for module in (cache, records):
        monkeypatch.setattr(module, "content_key", counting)
    assert _validate().exit_code == OK
    files = sorted(path.read_bytes() for path in _model_files(project))
    assert sorted(hashed) == files
    assert list((project / ".reconcile" / "cache").glob("models-*.json"))  # the parse cache was written


def test_the_tools_source_is_read_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    cache._source_digest.cache_clear()
    read: list[Path] = []
    real = Path.read_bytes

    def counting(path: Path) -> bytes:
        read.append(path)
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", counting)
    first = cache.reader_key()
    assert first is not None and read and all(path.suffix == ".py" for path in read)
    sources = len(read)
    assert cache.reader_key() == first and len(read) == sources
    monkeypatch.setattr(cache, "__version__", "another version")  # another tool is still another reader
    assert cache.reader_key() not in (None, first) and len(read) == sources


def test_the_caches_of_a_first_run_are_written_without_fsync(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(_: int) -> None:
        raise OSError("fsync refused")

    monkeypatch.setattr(os, "fsync", refused)
    first = _validate()
    assert first.exit_code == OK, first.output
    written = sorted(path.name.split("-")[0] for path in (project / ".reconcile" / "cache").iterdir())
    assert written == ["checked", "models"]
    assert _validate().output == first.output
