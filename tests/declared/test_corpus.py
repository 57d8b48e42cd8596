"""Broken and hostile model files: each one gives an InputError with a clear, located message.

Each corpus file starts with comment lines: ``# as: <name>`` (where it is placed: a content type
file name, or ``locales.toml``), ``# expect: <text> | <text>`` (each text must appear in one of the
problems) and optionally ``# line: N`` (the line of the first matching problem).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.declared import load_models
from reconcile.errors import InputError

from .support import make_models

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(CORPUS.glob("*.toml"))


def _header(raw: bytes, key: str) -> str | None:
    prefix = f"# {key}: ".encode()
    for line in raw.splitlines():
        if line.startswith(prefix):
            return line[len(prefix) :].decode("utf-8")
    return None


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_corpus_file_gives_a_located_input_error(case: Path, tmp_path: Path) -> None:
    raw = case.read_bytes()
    placed_as = _header(raw, "as")
    expected = _header(raw, "expect")
    assert placed_as and expected, f"{case.name} lacks its '# as:' or '# expect:' header"
    if placed_as == "locales.toml":
        models = make_models(tmp_path, {}, locales=raw)
    else:
        models = make_models(tmp_path, {placed_as: raw})
    with pytest.raises(InputError) as caught:
        load_models(models)
    problems = caught.value.problems
    texts = [str(p) for p in problems]
    for part in (p.strip() for p in expected.split("|")):
        assert any(part in text for text in texts), f"{part!r} not in {texts}"
    first = next(p for p in problems if expected.split("|")[0].strip() in str(p))
    assert first.file.endswith(placed_as)
    assert first.hint, "every problem says how to fix it"
    line = _header(raw, "line")
    if line is not None:
        assert first.line == int(line), texts
    assert "Traceback" not in str(caught.value)
