"""The TOML reader shared by model files and reconcile.toml, and the atomic write shared by every writer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconcile.fsio import atomic_write
from reconcile.sources import Position
from reconcile.tomlsource import InvalidToml, NotUtf8, TooDeep, TooLarge, Unreadable, read_toml


def test_key_positions_are_line_and_column_of_each_key(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('a = 1\n[t]\n  "q\\u0065" = { x = [10, 20] }\n[[arr]]\nk = 1\n[[arr]]\n', encoding="utf-8")
    positions = read_toml(path).positions
    assert positions[("a",)] == Position(1, 1)
    assert positions[("t",)] == Position(2, 1)
    assert positions[("t", "qe")] == Position(3, 3)
    assert positions[("t", "qe", "x")] == Position(3, 17)
    assert positions[("t", "qe", "x", 1)] == Position(3, 26)
    assert positions[("arr", 0, "k")] == Position(5, 1) and positions[("arr", 1)] == Position(6, 1)


def test_each_failure_is_located(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_bytes(b'\xef\xbb\xbfa = 1\nb = "\xe4"\n')
    with pytest.raises(NotUtf8) as bad_byte:
        read_toml(path)
    assert (bad_byte.value.byte, bad_byte.value.line, bad_byte.value.column) == (0xE4, 2, 6)  # BOM counted
    path.write_text("a = 1\nb = ", encoding="utf-8")
    with pytest.raises(InvalidToml) as syntax:
        read_toml(path)
    assert (syntax.value.message, syntax.value.line, syntax.value.column) == ("Invalid value", 2, 5)
    path.write_text("a = [[[1]]]\n", encoding="utf-8")
    with pytest.raises(TooDeep) as deep:
        read_toml(path, max_depth=3)
    assert deep.value.key_path == ("a", 0, 0, 0)
    with pytest.raises(TooLarge):
        read_toml(path, max_bytes=5)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "a.toml"
    os.mkfifo(fifo)
    with pytest.raises(Unreadable) as info:
        read_toml(fifo)
    assert info.value.error is None


def test_atomic_write_replaces_or_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    atomic_write(path, "old\n")
    atomic_write(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    with pytest.raises(TypeError):
        atomic_write(path, 3)  # type: ignore[arg-type]
    (tmp_path / "sub").mkdir()
    with pytest.raises(OSError):
        atomic_write(tmp_path / "sub", "x")  # replacing a folder fails after the temp file is written
    assert path.read_bytes() == b"new\n" and sorted(p.name for p in tmp_path.iterdir()) == ["f.toml", "sub"]


def test_a_successful_atomic_write_removes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file is renamed over the file: no removal is tried (a failing system call per file,
    1,001 for a pull into an empty folder at 1,000 content types)."""
    removed: list[Path] = []
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: removed.append(self))
    atomic_write(tmp_path / "f.toml", "new\n")
    assert removed == [] and [p.name for p in tmp_path.iterdir()] == ["f.toml"]
