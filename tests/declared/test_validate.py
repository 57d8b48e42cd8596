"""Offline validation: each rule reports file, key path, line, what is wrong and how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.declared import load_models
from reconcile.errors import Problem
from reconcile.validate import validate

from .support import EXAMPLES, LOCALES, content_type, make_models

TARGET = 'format = 1\nid = "target"\nname = "Target"\n'


def _validate(tmp_path: Path, files: dict[str, str], locales: str = LOCALES) -> list[Problem]:
    return validate(load_models(make_models(tmp_path, {"target.toml": TARGET, **files}, locales)))


def _one(tmp_path: Path, fields: str, extra: str = "") -> Problem:
    """The single problem of content type ``a`` with ``fields`` (fields start on line 5)."""
    problems = _validate(tmp_path, {"a.toml": content_type("a", fields, extra)})
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].file.endswith("a.toml") and problems[0].hint
    return problems[0]


def test_examples_are_valid() -> None:
    assert validate(load_models(EXAMPLES)) == []


FIELD = '[[fields]]\nid = "f"\nname = "F"\n'  # line 5: [[fields]], 6 id, 7 name, 8 type


@pytest.mark.parametrize(
    ("fields", "path", "line", "message"),
    [
        (FIELD + 'type = "Link"\n', "fields.f", 5, "a Link field needs link_type"),
        (FIELD + 'type = "Symbol"\nlink_type = "Entry"\n', "fields.f.link_type", 9, "only allowed on Link fields"),
        (FIELD + 'type = "Array"\n', "fields.f", 5, "an Array field needs items"),
        (FIELD + 'type = "Text"\nitems = { type = "Symbol" }\n', "fields.f.items", 9, "only allowed on Array"),
        (
            FIELD + 'type = "Array"\nitems = { type = "Link" }\n',
            "fields.f.items",
            9,
            "items of type Link need link_type",
        ),
        (
            FIELD + 'type = "Array"\nitems = { type = "Symbol", link_type = "Entry" }\n',
            "fields.f.items.link_type",
            9,
            "only allowed on Link items",
        ),
        (
            FIELD + 'type = "Text"\nvalidations = [\n  { size = { max = 5 } },\n  { unique = true },\n]\n',
            "fields.f.validations[1].unique",
            11,
            "validation 'unique' does not apply to Text values",
        ),
        (
            FIELD + 'type = "Array"\nitems = { type = "Symbol" }\nvalidations = [{ in = ["a"] }]\n',
            "fields.f.validations[0].in",
            10,
            "does not apply to Array values",
        ),
        (
            FIELD + 'type = "Link"\nlink_type = "Asset"\nvalidations = [{ linkContentType = ["target"] }]\n',
            "fields.f.validations[0].linkContentType",
            10,
            "does not apply to Link Asset values",
        ),
        (FIELD + 'type = "Symbol"\nvalidations = [{ sise = 1 }]\n', "fields.f.validations[0].sise", 9, "unknown"),
        (
            FIELD + 'type = "Symbol"\nvalidations = [{ size = { max = 1 }, in = ["a"] }]\n',
            "fields.f.validations[0]",
            9,
            "exactly one kind besides message; found 2",
        ),
        (FIELD + 'type = "Symbol"\nvalidations = [{ size = 5 }]\n', "fields.f.validations[0].size", 9, "wrong shape"),
        (
            FIELD + 'type = "Symbol"\nvalidations = [{ unique = true, message = 3 }]\n',
            "fields.f.validations[0].message",
            9,
            "message must be a string",
        ),
        (
            FIELD + 'type = "Link"\nlink_type = "Entry"\nvalidations = [{ linkContentType = ["target", "ghost"] }]\n',
            "fields.f.validations[0].linkContentType",
            10,
            "'ghost', which is not a declared content type",
        ),
        (
            FIELD + 'type = "Array"\nitems = { type = "Link", link_type = "Entry", validations = [\n'
            '  { linkContentType = ["Target"] },\n] }\n',
            "fields.f.items.validations[0].linkContentType",
            10,
            "'Target', which is not a declared content type",
        ),
        (
            FIELD + 'type = "RichText"\nvalidations = [\n  { enabledMarks = ["bold"] },\n'
            '  { nodes = { entry-hyperlink = [{ linkContentType = ["ghost"] }] } },\n]\n',
            "fields.f.validations[1].nodes.entry-hyperlink[0]",
            11,
            "'ghost', which is not a declared content type",
        ),
        (
            FIELD + 'type = "Location"\ndefault_value = { "en-US" = 1 }\n',
            "fields.f.default_value",
            9,
            "default_value is not allowed on Location fields",
        ),
        (
            FIELD + 'type = "Symbol"\ndefault_value = { "fr-FR" = "x" }\n',
            "fields.f.default_value.fr-FR",
            9,
            "locale 'fr-FR', which is not declared",
        ),
        (
            FIELD + 'type = "Integer"\ndefault_value = { "en-US" = "1" }\n',
            "fields.f.default_value.en-US",
            9,
            "default value '1' does not fit an Integer field",
        ),
        (
            FIELD + 'type = "Symbol"\nallowed_resources = [{ type = "Contentful:Entry" }]\n',
            "fields.f.allowed_resources",
            9,
            "only allowed on ResourceLink fields",
        ),
        (FIELD + 'type = "ResourceLink"\n', "fields.f", 5, "needs 1 to 20 allowed_resources"),
        (
            FIELD + 'type = "ResourceLink"\nallowed_resources = []\n',
            "fields.f.allowed_resources",
            9,
            "needs 1 to 20 allowed_resources",
        ),
        (
            FIELD + 'type = "ResourceLink"\nallowed_resources = [\n  { type = "A", source = "s" },\n'
            '  { type = "B", source = "s" },\n]\n',
            "fields.f.allowed_resources[1].source",
            11,
            "source 's' is listed more than once",
        ),
        (
            '[[fields]]\nid = "1st"\nname = "F"\ntype = "Symbol"\n',
            "fields.1st.id",
            6,
            "field id '1st' is not valid",
        ),
        (
            FIELD + 'type = "Symbol"\n[[fields]]\nid = "f"\nname = "Again"\ntype = "Text"\n',
            "fields.f.id",
            10,
            "field id 'f' is declared twice",
        ),
        (FIELD + 'type = "Symbol"\nrenamed_from = "f"\n', "fields.f.renamed_from", 9, "renamed from itself"),
        (
            FIELD + 'type = "Symbol"\n[[fields]]\nid = "g"\nname = "G"\ntype = "Symbol"\nrenamed_from = "f"\n',
            "fields.g.renamed_from",
            13,
            "'f' is the id of another declared field",
        ),
        (
            '[editor_interface]\neditor_layout = [{ groupId = "g", items = [{ fieldId = "nope" }] }]\n',
            "editor_interface.editor_layout[0]",
            6,
            "places field 'nope', which is not a declared field",
        ),
    ],
)
def test_field_rules(tmp_path: Path, fields: str, path: str, line: int, message: str) -> None:
    problem = _one(tmp_path, fields)
    assert (problem.path, problem.line) == (path, line), str(problem)
    assert message in problem.message
    # Contentful accepts a link to a content type it does not have: a warning; the rest fail validation
    assert problem.warning == ("not a declared content type" in message), str(problem)


def test_rename_source_used_twice(tmp_path: Path) -> None:
    fields = "".join(f'[[fields]]\nid = "{i}"\nname = "N"\ntype = "Symbol"\nrenamed_from = "old"\n' for i in "ab")
    problems = _validate(tmp_path, {"a.toml": content_type("a", fields)})
    assert [(p.path, p.line) for p in problems] == [("fields.a.renamed_from", 9), ("fields.b.renamed_from", 14)]
    assert all("'old' is used by 2 fields" in p.message for p in problems)


def test_display_field_must_exist_and_be_symbol_or_text(tmp_path: Path) -> None:
    missing = _one(tmp_path / "1", "", 'display_field = "title"')
    assert (missing.path, missing.line) == ("display_field", 4) and "not a field" in missing.message
    wrong = _one(tmp_path / "2", FIELD + 'type = "Integer"\n', 'display_field = "f"')
    assert "is an Integer field; it must be Symbol or Text" in wrong.message


def test_field_count_limit(tmp_path: Path) -> None:
    fields = "".join(f'[[fields]]\nid = "f{i}"\nname = "F"\ntype = "Symbol"\n' for i in range(51))
    problem = _one(tmp_path, fields)
    assert problem.path == "fields" and "51 fields" in problem.message and "at most 50" in problem.message


def test_content_type_id_format(tmp_path: Path) -> None:
    name = "x" * 65 + ".toml"
    problems = validate(load_models(make_models(tmp_path, {name: content_type("x" * 65)})))
    assert [(p.path, p.line) for p in problems] == [("id", 2)] and "not valid" in problems[0].message


@pytest.mark.parametrize(
    ("locales", "path", "message"),
    [
        ('format = 1\n[[locales]]\ncode = "en-US"\nname = "E"\n', "locales", "found 0"),
        (LOCALES.replace('name = "German"', 'name = "German"\ndefault = true'), "locales", "found 2 (en-US, de-DE)"),
        (
            LOCALES.replace('fallback_code = "en-US"', 'fallback_code = "fr-FR"'),
            "locales.de-DE.fallback_code",
            "'fr-FR' is not a declared",
        ),
        (
            LOCALES.replace('name = "English (United States)"', 'name = "E"\nfallback_code = "de-DE"'),
            "locales.de-DE.fallback_code",
            "fallback chain loops: de-DE -> en-US -> de-DE",
        ),
    ],
)
def test_locale_rules(tmp_path: Path, locales: str, path: str, message: str) -> None:
    problems = validate(load_models(make_models(tmp_path, {}, locales)))
    matching = [p for p in problems if p.path == path and message in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].file.endswith("locales.toml") and matching[0].hint


def test_all_problems_at_once_sorted_by_file_and_line(tmp_path: Path) -> None:
    a = content_type(
        "a", FIELD + 'type = "Link"\n[[fields]]\nid = "9"\nname = "N"\ntype = "Text"\n', 'display_field = "x"'
    )
    b = content_type("b", FIELD + 'type = "Text"\nvalidations = [{ unique = true }]\n')
    problems = _validate(tmp_path, {"a.toml": a, "b.toml": b}, LOCALES.replace("default = true", ""))
    assert [(Path(p.file).name, p.line) for p in problems] == [
        ("a.toml", 4),
        ("a.toml", 5),
        ("a.toml", 10),
        ("b.toml", 9),
        ("locales.toml", None),
    ]
