"""The wording of counts and articles in messages, in one place (pure): ``count(1, "entry")`` is
"1 entry", ``count(3, "entry")`` "3 entries"; ``a("Integer")`` is "an Integer". Messages never write
"entr(ies)" or "step(s)" when the count is known."""

from __future__ import annotations


def plural(noun: str) -> str:
    """The plural of an English noun (its last word): entry -> entries, change -> changes."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def count(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and ``noun`` agreeing with it ("1 step", "0 steps", "2 steps"); ``many`` for an irregular plural."""
    return f"{n} {noun if n == 1 else many or plural(noun)}"


def a(word: str) -> str:
    """``word`` with its indefinite article, by its first letter: "a Symbol", "an Integer", "an Array"."""
    return f"{'an' if word[:1].lower() in ('a', 'e', 'i', 'o', 'u') else 'a'} {word}"
