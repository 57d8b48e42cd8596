"""`reconcile validate` through the CLI: every problem of every file in one run, and regular expressions
checked as JavaScript reads them (the syntax Contentful uses), not as Python's ``re`` does."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile.cli import ERROR, OK, app

from .support import edit

SLUG = 'pattern = "^[a-z0-9]+(?:-[a-z0-9]+)*$"'


def _edit(project: Path, old: str, new: str) -> Path:
    return edit(project / "models" / "content_types" / "blogPost.toml", old, new)


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize(
    "regexp",
    [
        "pattern = '^(?<year>\\d{4})-(?<month>\\d{2})$'",
        'pattern = "^\\\\p{L}+$", flags = "u"',
        'pattern = "^[a-z]+$", flags = "gimsyd"',
        'pattern = "^[\\\\p{L}--[a-z]]$", flags = "v"',
        'pattern = "^x$", flags = ""',
    ],
)
def test_javascript_patterns_pass(project: Path, regexp: str) -> None:
    _edit(project, SLUG, regexp)
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == OK, result.output


@pytest.mark.parametrize(
    ("regexp", "key", "message"),
    [
        ('pattern = "([a-z"', "pattern", "regexp pattern '([a-z' is not a valid JavaScript regular expression: "),
        ('pattern = "a**"', "pattern", "is not a valid JavaScript regular expression"),
        ('pattern = "\\\\p{Nope}", flags = "u"', "pattern", "Invalid property name"),
        ("pattern = '(?P<year>\\d{4})'", "pattern", "is not a valid JavaScript regular expression"),
        ('pattern = "^x$", flags = "x"', "flags", "regexp flags 'x': not JavaScript flags: 'x'"),
        ('pattern = "^x$", flags = "ii"', "flags", "given more than once: 'i'"),
        ('pattern = "^x$", flags = "uv"', "flags", "u and v cannot be used together"),
    ],
)
def test_invalid_patterns_fail_with_file_path_line_and_hint(project: Path, regexp: str, key: str, message: str) -> None:
    path = _edit(project, SLUG, regexp)
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == ERROR, result.output
    where = f"{path}:{_line_of(path, regexp)}: fields.slug.validations[1].regexp.{key}: "
    assert where in result.output and message in result.output, result.output
    assert "fix: " in result.output and "Traceback" not in result.output


def test_invalid_prohibit_regexp_fails_plan_too(project: Path) -> None:
    bad = '{ unique = true }, { prohibitRegexp = { pattern = "[" } },'
    path = _edit(project, "{ unique = true },", bad)
    for command in (["validate"], ["plan"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == ERROR, result.output
        assert f"{path}:" in result.output and "prohibitRegexp pattern '[' is not a valid" in result.output
