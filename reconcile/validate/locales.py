"""The rules for locales.toml: exactly one default locale, names, and fallback chains that end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from reconcile.errors import Problem
from reconcile.model import shown
from reconcile.sources import DeclaredModel


def locale_problems(declared: DeclaredModel) -> Iterator[Problem]:
    """The problems of the locales; when some did not read, only those that hold whatever the others are."""
    locales = declared.model.locales
    every_locale = not declared.unread.locales
    sources = (declared.sources.get(f"locales.{code}") for code in locales)  # not a walk of every source
    locales_file = next((str(s.file) for s in sources if s is not None), "locales.toml")

    def problem(code: str | None, key: str, message: str, hint: str) -> Problem:
        source = declared.sources.get(f"locales.{code}") if code is not None else None
        file = str(source.file) if source is not None else locales_file
        line = source.line if source is not None else None
        path = f"locales.{code}.{key}" if code is not None else "locales"
        return Problem(file, path, message, hint, line)

    defaults = [loc.code for loc in locales.values() if loc.default]
    if len(defaults) > 1 or (not defaults and every_locale):
        yield problem(
            None,
            "default",
            f"exactly one locale must be the default; found {len(defaults)}"
            + (f" ({', '.join(defaults)})" if defaults else ""),
            "set default = true on exactly one [[locales]] entry",
        )
    for loc in locales.values():
        if not loc.name.strip():
            yield problem(loc.code, "name", f"locale {shown(loc.code)} has an empty name",
                          'write the name editors see, e.g. name = "German (Germany)"')
        if loc.fallback_code is None:
            continue
        if loc.fallback_code not in locales:
            if not every_locale:
                continue
            yield problem(
                loc.code,
                "fallback_code",
                f"fallback_code {shown(loc.fallback_code)} is not a declared locale",
                "use the code of a declared locale, or remove fallback_code for no fallback",
            )
        elif _fallback_cycle(locales, loc.code):
            yield problem(
                loc.code,
                "fallback_code",
                "fallback chain loops: " + " -> ".join(_fallback_cycle(locales, loc.code)),
                "end the chain at a locale without fallback_code (usually the default locale)",
            )


def _fallback_cycle(locales: dict[str, Any], start: str) -> list[str]:
    """The chain from ``start`` if following fallbacks returns to ``start``, else an empty list."""
    chain = [start]
    current = locales[start].fallback_code
    while current is not None and current in locales and current not in chain:
        chain.append(current)
        current = locales[current].fallback_code
    return [*chain, start] if current == start else []
