"""Counts and articles in messages: one helper, no "entr(ies)", "1 entries" or "a Integer"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconcile.wording import a, count

PACKAGE = Path(__file__).resolve().parents[2] / "reconcile"


@pytest.mark.parametrize(
    ("n", "noun", "text"),
    [(0, "entry", "0 entries"), (1, "entry", "1 entry"), (2, "entry", "2 entries"), (1, "step", "1 step"),
     (40, "step", "40 steps"), (3, "content type", "3 content types"), (2, "day", "2 days"),
     (2, "pass", "2 passes"), (1, "later run", "1 later run"), (2, "index", "2 indexes")],
)
def test_count(n: int, noun: str, text: str) -> None:
    assert count(n, noun) == text


def test_count_with_an_irregular_plural() -> None:
    assert count(2, "child", "children") == "2 children" and count(1, "child", "children") == "1 child"


@pytest.mark.parametrize(
    ("word", "text"),
    [("Integer", "an Integer"), ("Array", "an Array"), ("Object", "an Object"), ("Symbol", "a Symbol"),
     ("Link", "a Link"), ("RichText", "a RichText"), ("Location", "a Location")],
)
def test_article(word: str, text: str) -> None:
    assert a(word) == text


def test_no_message_hedges_a_known_count() -> None:
    """A count in an f-string takes ``count``; a word chosen at run time takes ``a`` for its article."""
    hedged = re.compile(r"\{[^}]*\}[^\"'{}]*?\b(?!http\()\w+\((s|es|ies)\)")
    article = re.compile(r"\b[Aa]n? \{")
    found = [f"{path.relative_to(PACKAGE)}: {line.strip()}" for path in sorted(PACKAGE.rglob("*.py"))
             for line in path.read_text(encoding="utf-8").splitlines()
             if hedged.search(line) or article.search(line) or "before it run" in line]
    assert not found, "\n".join(found)
