"""Hostile model files, end to end: ``validate``, ``plan`` and ``apply`` each refuse them with one clear
error naming the file, before sending any request.

Cases: every file of ``tests/declared/corpus/`` (also checked at the ``load_models`` level there), the files
of ``tests/hostile/models/`` (same headers: ``# as:`` where the file goes, ``# expect: a | b`` texts the
error must contain, optionally ``# line: N``), and ``GENERATED`` (files too large to commit).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .support import HERE, Hostile, expectations, header

REPO = HERE.parents[1]
CORPUS = sorted((REPO / "tests" / "declared" / "corpus").glob("*.toml")) + sorted((HERE / "models").glob("*.toml"))
COMMANDS = [["validate"], ["plan"], ["apply", "--auto-approve"]]


def _huge_field_list() -> bytes:
    field = b'[[fields]]\nid = "f"\nname = "%s"\ntype = "Symbol"\n\n' % (b"x" * 1000)
    return b'format = 1\nid = "blogPost"\nname = "Blog post"\n\n' + field * 20_000  # about 21 MB


def _deep_arrays() -> bytes:
    return b'format = 1\nid = "blogPost"\nname = "x"\nvalidations = ' + b"[" * 200_000 + b"]" * 200_000 + b"\n"


def _deep_inline_tables() -> bytes:
    return b'format = 1\nid = "blogPost"\nname = "x"\nx = ' + b"{a = " * 5_000 + b"1" + b"}" * 5_000 + b"\n"


# name -> (placed as, content, expected texts)
GENERATED: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "huge_20mb_content_type": ("blogPost.toml", _huge_field_list, "file is too large | bytes, limit"),
    "deep_200k_arrays": ("blogPost.toml", _deep_arrays, "nested too deeply to parse"),
    "deep_5k_inline_tables": ("blogPost.toml", _deep_inline_tables, "nested too deeply to parse"),
    "huge_locales": ("locales.toml", lambda: b"format = 1\n" + b"#" * 3_000_000 + b"\n", "file is too large"),
}


def _models(root: Path, placed_as: str, content: bytes) -> Path:
    models = root / "models"
    shutil.copytree(REPO / "models", models)
    path = models / placed_as if placed_as == "locales.toml" else models / "content_types" / placed_as
    path.write_bytes(content)
    return path


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) + len(GENERATED) >= 45


@pytest.mark.parametrize("case", CORPUS, ids=[f"{c.parent.name}/{c.stem}" for c in CORPUS])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_model_file_is_refused(hostile: Hostile, tmp_path: Path, case: Path, command: list[str]) -> None:
    raw = case.read_bytes()
    placed_as, expected = header(raw, "as"), header(raw, "expect")
    assert placed_as and expected, f"{case.name} lacks its '# as:' or '# expect:' header"
    hostile.project(tmp_path, models=None)
    shutil.rmtree(tmp_path / "models")
    path = _models(tmp_path.resolve(), placed_as, raw)
    line = header(raw, "line")
    hostile.assert_refused(
        tmp_path, command, names=f"{path}:{line}" if line else path, expect=expectations(expected)
    )


@pytest.mark.parametrize("name", sorted(GENERATED))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_generated_model_file_is_refused(hostile: Hostile, tmp_path: Path, name: str, command: list[str]) -> None:
    placed_as, make, expected = GENERATED[name]
    hostile.project(tmp_path)
    shutil.rmtree(tmp_path / "models")
    path = _models(tmp_path.resolve(), placed_as, make())
    hostile.assert_refused(tmp_path, command, names=path, expect=expectations(expected))
