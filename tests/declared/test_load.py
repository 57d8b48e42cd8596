"""Loading model directories: the examples, located problems, all problems at once, stray files."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.declared import MAX_FILE_BYTES, DeclaredModel, load_models
from reconcile.errors import InputError, Problem
from reconcile.model import Control, Field, Items

from .support import EXAMPLES, LOCALES, content_type, make_models


def _problems(models: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_models(models)
    return caught.value.problems


@pytest.fixture(scope="module")
def examples() -> DeclaredModel:
    return load_models(EXAMPLES)


def test_examples_load_completely(examples: DeclaredModel) -> None:
    model = examples.model
    assert sorted(model.content_types) == ["author", "blogPost", "category", "page", "project", "testimonial"]
    assert sorted(model.editor_interfaces) == sorted(model.content_types)
    assert list(model.locales) == ["en-US", "de-DE", "de-CH"]
    assert model.locales["en-US"].default and model.locales["de-CH"].fallback_code == "de-DE"
    assert model.locales["de-CH"].optional and not model.locales["de-DE"].optional
    post = model.content_types["blogPost"]
    assert post.display_field == "title"
    categories = next(f for f in post.fields if f.id == "categories")
    assert categories.items == Items(type="Link", link_type="Entry", validations=({"linkContentType": ["category"]},))
    status = next(f for f in post.fields if f.id == "status")
    assert status.default_value == {"en-US": "draft"}
    ei = model.editor_interfaces["blogPost"]
    assert Control(field_id="status", widget_id="dropdown", widget_namespace="builtin") in ei.controls
    assert ei.editor_layout is not None and len(ei.editor_layout) == 3
    assert ei.group_controls is not None and ei.sidebar is None
    assert model.editor_interfaces["author"].sidebar is not None
    case_study = next(f for f in model.content_types["project"].fields if f.id == "caseStudy")
    assert case_study.allowed_resources is not None
    assert next(f for f in model.content_types["page"].fields if f.id == "legacyHeroText").omitted


def test_sources_name_file_and_line(examples: DeclaredModel) -> None:
    post = EXAMPLES / "content_types" / "blogPost.toml"
    lines = post.read_text().splitlines()
    body = examples.sources["content_types.blogPost.fields.body"]
    assert body.file == post and lines[body.line - 1] == "[[fields]]" and lines[body.line] == 'id = "body"'
    assert lines[examples.sources["content_types.blogPost"].line - 1] == 'id = "blogPost"'
    assert lines[examples.sources["editor_interfaces.blogPost"].line - 1] == "[editor_interface]"
    de_ch = examples.sources["locales.de-CH"]
    assert de_ch.file == EXAMPLES / "locales.toml"
    assert (EXAMPLES / "locales.toml").read_text().splitlines()[de_ch.line] == 'code = "de-CH"'
    nodes_line = examples.line_of(post, ("fields", 3, "validations", 2, "nodes"))
    assert nodes_line is not None and "nodes = {" in lines[nodes_line - 1]


def test_key_lines_survive_tricky_toml(tmp_path: Path) -> None:
    text = (
        'format = 1\nid = "a"\nname = """\nfields = "not a key"\n"""\n'  # lines 1-5
        "description = 'x = [' # comment [[fields]]\n"  # 6
        "[[fields]]\n"  # 7
        'id = "one"\nname = "One"\ntype = "Symbol"\n'  # 8-10
        "validations = [\n  { size = { max = 3 } },\n\n  { in = ['a', \"b]\"] },\n]\n"  # 11-15
        "[fields.editor]\n"  # 16
        'widget_id = "x"\n'  # 17
        "[[fields]]\n"  # 18
        'id = "two"\nname = "Two"\n"type" = "Text"\n'  # 19-21
    )
    declared = load_models(make_models(tmp_path, {"a.toml": text}))
    file = tmp_path / "models" / "content_types" / "a.toml"
    assert declared.line_of(file, ("fields", 0, "validations", 1, "in")) == 14
    assert declared.line_of(file, ("fields", 0, "validations", 0)) == 12
    assert declared.line_of(file, ("fields", 0, "editor", "widget_id")) == 17
    assert declared.line_of(file, ("fields", 1, "type")) == 21
    assert declared.line_of(file, ("description",)) == 6
    assert declared.sources["content_types.a.fields.two"].line == 18


def test_field_without_editor_has_no_control(examples: DeclaredModel) -> None:
    ei = examples.model.editor_interfaces["blogPost"]
    assert "body" not in {c.field_id for c in ei.controls}
    assert examples.model.editor_interfaces["testimonial"].sidebar is None


def test_missing_models_directory(tmp_path: Path) -> None:
    [problem] = _problems(tmp_path / "nope")
    assert problem.message == "models directory does not exist" and "reconcile pull" in problem.hint


def test_models_path_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    [problem] = _problems(tmp_path / "file")
    assert problem.message == "models directory is not a directory"


def test_missing_locales_file(tmp_path: Path) -> None:
    [problem] = _problems(make_models(tmp_path, {"a.toml": content_type("a")}, locales=None))
    assert problem.file.endswith("locales.toml") and problem.message == "locales file is missing"
    assert "reconcile pull" in problem.hint


def test_missing_content_types_directory_means_no_content_types(tmp_path: Path) -> None:
    # git keeps no empty directory: a clone of a models directory without content types has none
    models = tmp_path / "models"
    models.mkdir()
    (models / "locales.toml").write_text(LOCALES)
    declared = load_models(models)
    assert declared.model.content_types == {} and declared.model.editor_interfaces == {}
    assert set(declared.model.locales) == {"en-US", "de-DE"}


def test_content_types_that_is_a_file(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "locales.toml").write_text(LOCALES)
    (models / "content_types").write_text("")
    [problem] = _problems(models)
    assert problem.message == "content_types is not a directory"


def test_stray_files_and_directories_are_errors_hidden_files_ignored(tmp_path: Path) -> None:
    models = make_models(tmp_path, {"a.toml": content_type("a"), "b.TOML": "", "notes.md": "", ".a.toml.swp": "x"})
    (models / "content_types" / "sub").mkdir()
    problems = _problems(models)
    assert [(Path(p.file).name, p.message) for p in problems] == [
        ("b.TOML", "unexpected file in content_types/ (not ending in .toml)"),
        ("notes.md", "unexpected file in content_types/ (not ending in .toml)"),
        ("sub", "unexpected directory in content_types/"),
    ]


def test_empty_content_types_directory_is_a_valid_empty_model(tmp_path: Path) -> None:
    declared = load_models(make_models(tmp_path, {}))
    assert declared.model.content_types == {} and set(declared.model.locales) == {"en-US", "de-DE"}


def test_all_problems_of_all_files_at_once(tmp_path: Path) -> None:
    bad_field = '[[fields]]\nid = "t"\nname = "T"\ntype = "Strng"\nrequired = "yes"\n'
    models = make_models(
        tmp_path,
        {"a.toml": content_type("a", bad_field), "b.toml": "format = 1\nid = [", "c.toml": content_type("x")},
        locales='format = 1\n[[locales]]\ncode = "en-US"\n',
    )
    problems = _problems(models)
    summary = [(Path(p.file).name, p.path, p.line) for p in problems]
    assert summary == [
        ("a.toml", "fields.t.type", 8),
        ("a.toml", "fields.t.required", 9),
        ("b.toml", "", 2),
        ("c.toml", "id", 2),
        ("locales.toml", "locales.en-US.name", 2),
    ]
    syntax = problems[2]
    assert syntax.column == 7 and syntax.message.startswith("invalid TOML")


def test_non_utf8_names_line_and_column(tmp_path: Path) -> None:
    [problem] = _problems(make_models(tmp_path, {"a.toml": b'format = 1\nid = "a"\nname = "\xe9t\xe9"\n'}))
    assert (problem.line, problem.column) == (3, 9)
    assert problem.message == "not valid UTF-8 (byte 0xe9)"


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    declared = load_models(make_models(tmp_path, {"a.toml": "\ufeff" + content_type("a")}))
    assert "a" in declared.model.content_types


def test_unicode_names_are_kept_verbatim(tmp_path: Path) -> None:
    text = 'format = 1\nid = "a"\nname = "Caf\\u00e9 \U0001f600 \u202e"\n'
    declared = load_models(make_models(tmp_path, {"a.toml": text}))
    assert declared.model.content_types["a"].name == "Caf\u00e9 \U0001f600 \u202e"


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    huge = content_type("a") + "# " + "x" * MAX_FILE_BYTES + "\n"
    [problem] = _problems(make_models(tmp_path, {"a.toml": huge}))
    assert problem.message.startswith("file is too large")


def test_every_key_of_a_field_is_read(tmp_path: Path) -> None:
    text = content_type(
        "a",
        '[[fields]]\nid = "ref"\nname = "Ref"\ntype = "Array"\nlocalized = true\nrequired = true\n'
        'disabled = true\nomitted = true\nrenamed_from = "old"\nvalidations = [{ size = { max = 2 } }]\n'
        'default_value = { "en-US" = ["x"] }\nallowed_resources = [{ type = "Contentful:Entry" }]\n'
        'items = { type = "ResourceLink" }\n'
        'editor = { widget_id = "w", widget_namespace = "app", settings = {} }\n',
        'description = "d"\ndisplay_field = "ref"\n',
    )
    declared = load_models(make_models(tmp_path, {"a.toml": text}))
    ct = declared.model.content_types["a"]
    assert (ct.description, ct.display_field) == ("d", "ref")
    assert ct.fields == (
        Field(
            id="ref",
            name="Ref",
            type="Array",
            items=Items(type="ResourceLink"),
            localized=True,
            required=True,
            disabled=True,
            omitted=True,
            validations=({"size": {"max": 2}},),
            default_value={"en-US": ["x"]},
            allowed_resources=({"type": "Contentful:Entry"},),
            renamed_from="old",
        ),
    )
    assert declared.model.editor_interfaces["a"].controls == (
        Control(field_id="ref", widget_id="w", widget_namespace="app", settings={}),
    )


def test_key_lines_are_scanned_only_when_a_line_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """The line scan costs about as much as parsing: a valid model needs no line at all."""
    from reconcile import tomlsource
    from reconcile.validate import validate

    scanned: list[str] = []
    scan = tomlsource.scan_key_offsets
    monkeypatch.setattr(tomlsource, "scan_key_offsets", lambda text: scanned.append(text) or scan(text))
    model = load_models(EXAMPLES)
    assert validate(model) == [] and scanned == []
    post = EXAMPLES / "content_types" / "blogPost.toml"
    assert model.sources["content_types.blogPost"].line is not None and len(scanned) == 1
    assert model.sources["content_types.blogPost.fields.body"].line is not None and len(scanned) == 1
    assert model.line_of(post, ("fields", 1)) is not None and len(scanned) == 1
