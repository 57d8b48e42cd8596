"""The regular expressions of ``regexp`` and ``prohibitRegexp`` validations, read as Contentful reads them.

Contentful evaluates these patterns as JavaScript (ECMAScript) regular expressions (``new RegExp(pattern,
flags)`` in the web app and on the server), not as Python's ``re`` does: named groups ``(?<year>...)``
and ``\\p{L}`` with flag ``u`` are valid there and refused by ``re``, while ``(?P<name>...)`` is the
reverse. So the syntax is checked with ``regress``, an ECMAScript regular expression engine.

What is confirmed and what is assumed about flags (CMA facts 4.2 and 1.2): the value is
``{pattern, flags?}``, and ``flags`` may be absent or null (the server keeps ``"flags": null``). Which
flag letters the server accepts is not recorded there; this check is tolerant: it refuses only what
JavaScript itself refuses (``new RegExp`` throws a SyntaxError): a letter that is not a JavaScript flag
(``d g i m s u v y``), a flag given twice, and ``u`` with ``v``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import regress

from reconcile.errors import Problem

JS_FLAGS = "dgimsuvy"

# Makes the problem of one key of the value (``pattern`` or ``flags``): (key, message, hint).
ProblemAt = Callable[[str, str, str], Problem]


def pattern_problems(kind: str, value: dict[str, object], problem: ProblemAt) -> Iterator[Problem]:
    """The problems of one well-shaped ``regexp``/``prohibitRegexp`` value (a pattern string, flags a
    string or None); none when JavaScript accepts it."""
    pattern, flags = value["pattern"], value.get("flags") or ""
    assert isinstance(pattern, str) and isinstance(flags, str), "checked by the validation's shape"
    wrong_flags = _flag_problem(flags)
    if wrong_flags is not None:
        yield problem(
            "flags",
            f"{kind} flags {flags!r}: {wrong_flags}",
            'use JavaScript flags, each at most once: d g i m s u v y (u and v not together), e.g. flags = "i"',
        )
        return
    try:
        regress.Regex(pattern, flags)
    except UnicodeEncodeError:
        return  # a lone surrogate (TOML cannot hold one): valid in JavaScript, not checkable here
    except regress.RegressError as exc:
        yield problem(
            "pattern",
            f"{kind} pattern {pattern!r} is not a valid JavaScript regular expression: {exc}",
            "Contentful reads patterns as JavaScript regular expressions: close every ( [ { or escape a"
            " literal one with a backslash; check it with new RegExp(pattern, flags) in a browser console",
        )


def _flag_problem(flags: str) -> str | None:
    """Why JavaScript refuses ``flags``, or None."""
    unknown = sorted({f for f in flags if f not in JS_FLAGS})
    if unknown:
        return "not JavaScript flags: " + ", ".join(repr(f) for f in unknown)
    twice = sorted(f for f, n in Counter(flags).items() if n > 1)
    if twice:
        return "given more than once: " + ", ".join(repr(f) for f in twice)
    if "u" in flags and "v" in flags:
        return "u and v cannot be used together"
    return None
