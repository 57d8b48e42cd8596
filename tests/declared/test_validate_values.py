"""Validation values Contentful refuses (or that no entry can meet) are reported offline, not at apply.

Found driving the CLI: each of these passed `reconcile validate` and then failed halfway through an
apply (a 422 from the server, rolled back) or left a field no entry could ever satisfy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.declared import load_models
from reconcile.validate import validate
from reconcile.validate.patterns import pattern_problems

from .support import LOCALES, content_type, make_models

FIELD = '[[fields]]\nid = "f"\nname = "F"\n'  # line 5: [[fields]], 6 id, 7 name, 8 type


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        (FIELD + 'type = "RichText"\nvalidations = [{ enabledMarks = ["bold", "blink"] }]\n',
         "fields.f.validations[0].enabledMarks", "'blink', which Contentful does not know"),
        (FIELD + 'type = "RichText"\nvalidations = [{ enabledNodeTypes = ["heading-9"] }]\n',
         "fields.f.validations[0].enabledNodeTypes", "'heading-9', which Contentful does not know"),
        (FIELD + 'type = "RichText"\nvalidations = [{ nodes = { bogus = [] } }]\n',
         "fields.f.validations[0].nodes.bogus", "not a rich text node type"),
        (FIELD + 'type = "Link"\nlink_type = "Asset"\nvalidations = [{ linkMimetypeGroup = ["pictures"] }]\n',
         "fields.f.validations[0].linkMimetypeGroup", "'pictures', which Contentful does not know"),
        (FIELD + 'type = "Symbol"\nvalidations = [{ in = ["a", 1] }]\n',
         "fields.f.validations[0].in", "in lists 1, which a Symbol field can never hold"),
        (FIELD + 'type = "Integer"\nvalidations = [{ in = [1, 2.5] }]\n',
         "fields.f.validations[0].in", "in lists 2.5, which an Integer field can never hold"),
        (FIELD + 'type = "Array"\nitems = { type = "Symbol", validations = [{ in = [true] }] }\n',
         "fields.f.items.validations[0].in", "in lists True"),
        (FIELD + 'type = "Symbol"\nvalidations = [{ size = { min = 5, max = 2 } }]\n',
         "fields.f.validations[0].size", "min 5 above max 2"),
        (FIELD + 'type = "Number"\nvalidations = [{ range = { min = 1.5, max = 1 } }]\n',
         "fields.f.validations[0].range", "min 1.5 above max 1"),
        (FIELD + 'type = "Array"\nitems = { type = "Symbol", validations = [{ size = { max = -1 } }] }\n',
         "fields.f.items.validations[0].size", "negative bound -1"),
        (FIELD + 'type = "Link"\nlink_type = "Asset"\n'
         'validations = [{ assetImageDimensions = { width = { min = 900, max = 100 } } }]\n',
         "fields.f.validations[0].assetImageDimensions.width", "min 900 above max 100"),
        (FIELD + 'type = "Date"\nvalidations = [{ dateRange = { after = "soon" } }]\n',
         "fields.f.validations[0].dateRange.after", "'soon' is not an ISO 8601 date"),
        (FIELD + 'type = "Date"\ndefault_value = { "en-US" = "yesterday" }\n',
         "fields.f.default_value.en-US", "does not fit a Date field"),
        (FIELD + 'type = "Date"\ndefault_value = { "en-US" = "2023-02-30" }\n',
         "fields.f.default_value.en-US", "does not fit a Date field"),
        ('[[fields]]\nid = "f"\nname = " "\ntype = "Symbol"\n', "fields.f.name", "field 'f' has an empty name"),
    ],
)
def test_refused_values(tmp_path: Path, fields: str, path: str, message: str) -> None:
    problems = validate(load_models(make_models(tmp_path, {"a.toml": content_type("a", fields)})))
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert problem.path == path and message in problem.message, str(problem)
    assert problem.file.endswith("a.toml") and problem.line is not None and problem.hint


@pytest.mark.parametrize(
    "fields",
    [
        FIELD + 'type = "RichText"\nvalidations = [\n  { enabledMarks = ["bold", "italic", "code", "underline",'
        ' "superscript", "subscript", "strikethrough"] },\n  { enabledNodeTypes = ["heading-1", "table",'
        ' "embedded-resource-inline", "resource-hyperlink"] },\n'
        '  { nodes = { asset-hyperlink = [{ size = { max = 3 } }], embedded-resource-block = '
        '{ validations = [], allowedResources = [] } } },\n]\n',
        FIELD + 'type = "Link"\nlink_type = "Asset"\nvalidations = [{ linkMimetypeGroup = "image" },'
        ' { assetImageDimensions = { width = { min = 1 } } }]\n',
        FIELD + 'type = "Number"\nvalidations = [{ in = [1, 2.5] }, { range = { min = 1, max = 1 } }]\n',
        FIELD + 'type = "Date"\nvalidations = [{ dateRange = { min = "2020-01-01",'
        ' max = "2030-01-01T10:00:00.000Z" } }]\ndefault_value = { "en-US" = "2024-02-29T08:30:00+01:00" }\n',
    ],
)
def test_accepted_values(tmp_path: Path, fields: str) -> None:
    problems = validate(load_models(make_models(tmp_path, {"a.toml": content_type("a", fields)})))
    assert problems == [], [str(p) for p in problems]


def test_empty_content_type_and_locale_names(tmp_path: Path) -> None:
    locales = LOCALES.replace('name = "English (United States)"', 'name = ""')
    text = 'format = 1\nid = "a"\nname = ""\n'
    problems = validate(load_models(make_models(tmp_path, {"a.toml": text}, locales)))
    assert sorted((p.path, p.message) for p in problems) == [
        ("locales.en-US.name", "locale 'en-US' has an empty name"),
        ("name", "the content type name is empty"),
    ]


def test_a_pattern_the_engine_cannot_read_is_not_a_crash() -> None:
    # TOML cannot hold a lone surrogate, but the rule must not depend on that: JavaScript takes it.
    assert list(pattern_problems("regexp", {"pattern": "a\ud800"}, lambda *_: pytest.fail("no problem"))) == []


def test_a_validation_repeated_across_fields_and_files_is_judged_for_each_target_and_place(tmp_path: Path) -> None:
    """Each distinct validation is checked once per run for a target (issue 16): the same validation is still
    refused where its target does not take it, every bad copy is reported at its own place, and a clean
    copy's links are still checked against the model."""
    size = 'validations = [{ size = { max = 5 } }]\n'
    bad = 'validations = [{ size = { min = 5, max = 2 } }]\n'
    link = 'link_type = "Entry"\nvalidations = [{ linkContentType = ["b"] }]\n'
    a = content_type("a", "".join([
        '[[fields]]\nid = "s"\nname = "S"\ntype = "Symbol"\n' + size,
        '[[fields]]\nid = "n"\nname = "N"\ntype = "Boolean"\n' + size,
        '[[fields]]\nid = "x"\nname = "X"\ntype = "Symbol"\n' + bad,
        '[[fields]]\nid = "l"\nname = "L"\ntype = "Link"\n' + link,
    ]))
    b = content_type("b", '[[fields]]\nid = "y"\nname = "Y"\ntype = "Symbol"\n' + bad
                     + '[[fields]]\nid = "l"\nname = "L"\ntype = "Link"\n' + link.replace('"b"', '"gone"'))
    problems = validate(load_models(make_models(tmp_path, {"a.toml": a, "b.toml": b})))
    assert [(Path(p.file).name, p.path, p.message.split(";")[0]) for p in problems] == [
        ("a.toml", "fields.n.validations[0].size", "validation 'size' does not apply to Boolean values"),
        ("a.toml", "fields.x.validations[0].size", "size has min 5 above max 2"),
        ("b.toml", "fields.y.validations[0].size", "size has min 5 above max 2"),
        ("b.toml", "fields.l.validations[0].linkContentType",
         "linkContentType names 'gone', which is not a declared content type"),
    ]
    assert [p.warning for p in problems] == [False, False, False, True]
