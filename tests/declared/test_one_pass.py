"""Every problem of every file in one run: shape problems (unknown keys, wrong value types) no longer hide
the rule problems of the rest of the model, and no rule runs on a part that failed its shape (no
follow-on problem that fixing the shape problem would make disappear)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile.cli import ERROR, app
from reconcile.declared import read_models
from reconcile.errors import Problem
from reconcile.validate import validate

from .support import LOCALES, content_type, edit, make_models

REPO = Path(__file__).resolve().parents[2]
CORPUS = sorted((REPO / "tests" / "declared" / "corpus").glob("*.toml")) + sorted(
    (REPO / "tests" / "hostile" / "models").glob("*.toml")
)

# (file, old text, new text, line of the problem, what the problem says)
EDITS = [
    # shape: an unknown key in the title field (display_field names it: no follow-on problem)
    ("content_types/blogPost.toml", "required = true", "requird = true", 12, "unknown key 'requird'"),
    # rule, same file
    ("content_types/blogPost.toml", '"^[a-z0-9]+(?:-[a-z0-9]+)*$"', '"([a-z"', 24, "not a valid JavaScript regular"),
    # shape: a wrong value type
    ("content_types/author.toml", "localized = true", 'localized = "yes"', 27,
     'expected a boolean (true or false), got a string "yes"'),
    # rule, same file
    ("content_types/author.toml", '"^[a-z0-9-]+$"', '"^[a-z0-9-+$"', 20, "Unbalanced bracket"),
    # rules in other files
    ("content_types/category.toml", 'display_field = "name"', 'display_field = "title"', 6,
     "display_field 'title' is not a field"),
    ("content_types/category.toml", "size = { max = 60 }", "size = { min = 61, max = 60 }", 14,
     "size has min 61 above max 60"),
    ("content_types/page.toml", '["blogPost", "project", "testimonial"]', '"blogPost"', 38,
     "linkContentType has the wrong shape"),
    ("locales.toml", 'fallback_code = "de-DE"', 'fallback_code = "de-AT"', 14,
     "fallback_code 'de-AT' is not a declared locale"),
]


@pytest.mark.parametrize("command", [["validate"], ["plan"], ["apply", "--auto-approve"]], ids=lambda c: c[0])
def test_two_shape_and_six_rule_problems_in_one_run(project: Path, command: list[str]) -> None:
    models = project / "models"
    for name, old, new, _, _ in EDITS:
        edit(models / name, old, new)
    result = CliRunner().invoke(app, command)
    assert result.exit_code == ERROR, result.output
    assert "Traceback" not in result.output
    assert f"8 problems in the models under {models}" in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert len(lines) == 8, result.output
    for name, _, _, line, message in EDITS:
        assert any(f"{models / name}:{line}: " in text and message in text for text in lines), (message, result.output)
    places = [re.match(r"  - (.+?):(\d+): ", text) for text in lines]
    keys = [(m.group(1), int(m.group(2))) for m in places if m is not None]
    assert len(keys) == 8 and keys == sorted(keys), "sorted by file and line"


def _problems(models: Path) -> list[Problem]:
    declared, problems = read_models(models)
    return [*problems, *validate(declared)]


def _texts(problems: list[Problem]) -> list[str]:
    return sorted(f"{Path(p.file).name}:{p.line}: {p.path}: {p.message}" for p in problems)


def _header(raw: bytes, key: str) -> str:
    prefix = f"# {key}: ".encode()
    return next(line[len(prefix):].decode() for line in raw.splitlines() if line.startswith(prefix))


@pytest.mark.parametrize("case", CORPUS, ids=[f"{c.parent.name}/{c.stem}" for c in CORPUS])
def test_a_broken_file_brings_no_problem_elsewhere(tmp_path: Path, case: Path) -> None:
    """Each corpus file breaks one file of the valid example models (which link to each other): every
    problem reported is in that file."""
    raw = case.read_bytes()
    placed_as = _header(raw, "as")
    models = tmp_path / "models"
    shutil.copytree(REPO / "models", models)
    path = models / placed_as if placed_as == "locales.toml" else models / "content_types" / placed_as
    path.write_bytes(raw)
    problems = _problems(models)
    assert problems and all(p.file == str(path) for p in problems), _texts(problems)


FIELD = '[[fields]]\nid = "{id}"\nname = "{id}"\ntype = "{type}"\n'


def test_a_broken_field_keeps_the_rules_of_the_others_and_their_lines(tmp_path: Path) -> None:
    fields = (
        FIELD.format(id="link", type="Link") + 'lnk_type = "Entry"\n\n'  # line 12: an unknown key
        + FIELD.format(id="when", type="Date") + "default_value = { en-US = 2024-01-31 }\n\n"  # 18: a TOML date
        + FIELD.format(id="count", type="Integer") + "validations = [{ range = { min = 3, max = 1 } }]\n"  # 24
    )
    text = content_type("a", fields, 'display_field = "link"\n[editor_interface]\n'
                        'editor_layout = [{ groupId = "g", name = "G", items = [{ fieldId = "link" }] }]\n')
    problems = _problems(make_models(tmp_path, {"a.toml": text}))
    assert _texts(problems) == [
        "a.toml:12: fields.link.lnk_type: unknown key 'lnk_type'",
        "a.toml:18: fields.when.default_value.en-US: TOML date value 2024-01-31 is not allowed"
        " (Contentful values are JSON)",
        "a.toml:24: fields.count.validations[0].range: range has min 3 above max 1; no value can meet it",
    ]  # not "a Link field needs link_type", nor display_field/editor_layout naming a field that did not read


def test_a_broken_name_keeps_the_rules_of_the_fields(tmp_path: Path) -> None:
    text = 'format = 1\nid = "a"\nname = 5\n' + FIELD.format(id="a b", type="Symbol")
    assert _texts(_problems(make_models(tmp_path, {"a.toml": text}))) == [
        "a.toml:3: name: expected a string, got an integer 5",
        "a.toml:5: fields.a b.id: field id 'a b' is not valid",
    ]


def test_a_broken_locale_entry_keeps_the_rules_of_the_others(tmp_path: Path) -> None:
    locales = LOCALES.replace("default = true", "defualt = true") + '\n[[locales]]\ncode = "fr"\nname = " "\n'
    fields = FIELD.format(id="s", type="Symbol") + 'default_value = { en-US = "x", xx = "y" }\n'
    problems = _problems(make_models(tmp_path, {"a.toml": content_type("a", fields)}, locales))
    assert _texts(problems) == [
        "locales.toml:13: locales.fr.name: locale 'fr' has an empty name",
        "locales.toml:6: locales.en-US.defualt: unknown key 'defualt'",
    ]  # not "exactly one locale must be the default", nor de-DE's fallback, nor the default_value locales
