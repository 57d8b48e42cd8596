"""``reconcile validate`` checks each content type file through views of its checked data, without building the
model's values (``declared.building.content_type_view``, ``validate.subjects``; issue 16): every problem, with its
file, path, message, hint, line and column, is exactly the whole-model check's (``read_models``, then ``validate``
on the model's values, then the scope), for every kind of problem a rule reports, alone and mixed with problems
of the files' shapes (then the rules check what read of a file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.declared import building, read_models
from reconcile.declared.incremental import check_models
from reconcile.errors import Problem
from reconcile.model import ContentModel
from reconcile.scope import Scope, scope_problems
from reconcile.sources import sort_problems
from reconcile.validate import validate

from .support import LOCALES, content_type, make_models


def _field(ident: str, kind: str, rest: str = "", name: str = "F") -> str:
    return f'[[fields]]\nid = "{ident}"\nname = "{name}"\ntype = "{kind}"\n{rest}'


_LINK = 'link_type = "Entry"\n'
_RESOURCE = 'allowed_resources = [{ type = "Contentful:Entry", source = "crn:s", contentTypes = ["a"] }]\n'

#: Content type files (name -> text; each also has ``target.toml``), each with problems of one or more kinds.
CASES: dict[str, dict[str, str]] = {
    "valid, every kind of value": {"a.toml": content_type("a", "".join([
        _field("title", "Symbol", 'validations = [{ size = { max = 80 }, message = "Short." }, { unique = true }]\n'
               'default_value = { "en-US" = "x" }\nlocalized = true\nrequired = true\n'
               'annotations = [{ id = "Contentful:GraphQLFieldResolver", parameters = { appFunctionId = "fn" } }]\n'
               'editor = { widget_id = "singleLine", widget_namespace = "builtin", settings = { helpText = "h" } }\n'),
        _field("body", "RichText", 'validations = [{ enabledMarks = ["bold"] },'
               ' { nodes = { entry-hyperlink = [{ linkContentType = ["target"] }] } }]\n'),
        _field("tags", "Array", 'items = { type = "Symbol", validations = [{ in = ["a", "b"] }] }\n'
               'default_value = { "en-US" = ["a"] }\n'),
        _field("refs", "Array", 'items = { type = "Link", link_type = "Entry", validations = '
               '[{ linkContentType = ["target", "a"] }] }\n'),
        _field("res", "ResourceLink", _RESOURCE),
        _field("many", "Array", 'items = { type = "ResourceLink" }\n' + _RESOURCE),
        _field("old", "Integer", 'renamed_from = "older"\nvalidations = [{ range = { min = 0 } }]\n'),
    ]), 'display_field = "title"\nannotations = ["Contentful:AggregateRoot"]\n'
        'taxonomy = [{ concept_scheme = "topics", required = true }, { concept = "news" }]\n'
        '[editor_interface]\neditor_layout = [{ groupId = "g", items = [{ fieldId = "title" }] }]\n'
        'sidebar = [{ widgetId = "x", widgetNamespace = "sidebar-builtin" }]\n')},
    "links, items and kinds": {"a.toml": content_type("a", "".join([
        _field("l", "Link"), _field("s", "Symbol", _LINK), _field("arr", "Array"),
        _field("t", "Text", 'items = { type = "Symbol" }\n'), _field("il", "Array", 'items = { type = "Link" }\n'),
        _field("is", "Array", 'items = { type = "Symbol", link_type = "Entry" }\n'),
        _field("asset", "Link", 'link_type = "Asset"\nvalidations = [{ linkContentType = ["target"] }]\n'),
    ]))},
    "validations": {"a.toml": content_type("a", "".join([
        _field("a1", "Text", "validations = [{ size = { max = 5 } }, { unique = true }]\n"),
        _field("a2", "Array", 'items = { type = "Symbol" }\nvalidations = [{ in = ["a"] }]\n'),
        _field("a3", "Symbol", "validations = [{ sise = 1 }, { size = 5 }, { unique = true, message = 3 }]\n"),
        _field("a4", "Symbol", 'validations = [{ size = { max = 1 }, in = ["a"] }, { in = ["a", 1] }]\n'),
        _field("a5", "Integer", "validations = [{ in = [1, 2.5] }, { range = { min = 3, max = 1 } }]\n"),
        _field("a6", "Array", 'items = { type = "Symbol", validations = [{ size = { max = -1 } }, '
               "{ in = [true] }] }\n"),
        _field("a7", "RichText", 'validations = [{ enabledMarks = ["bold", "blink"] }, '
               '{ enabledNodeTypes = ["heading-9"] }, { nodes = { bogus = [], entry-hyperlink = 3 } }]\n'),
        _field("a8", "Link", 'link_type = "Asset"\nvalidations = [{ linkMimetypeGroup = ["pictures"] }, '
               "{ assetImageDimensions = { width = { min = 900, max = 100 } } }, { assetFileSize = { min = -1 } }]\n"),
        _field("a9", "Date", 'validations = [{ dateRange = { after = "soon", min = "2020-01-01" } }]\n'),
        _field("b1", "Symbol", 'validations = [{ regexp = { pattern = "(" } }, { prohibitRegexp = { pattern = "a",'
               ' flags = "q" } }]\n'),
        _field("b2", "Symbol", 'validations = [{ size = { max = 80 } }, { size = { max = 80 } }]\n'),
        _field("b3", "Text", 'validations = [{ size = { max = 80 } }]\n'),
    ]))},
    "references": {"a.toml": content_type("a", "".join([
        _field("l", "Link", _LINK + 'validations = [{ linkContentType = ["target", "ghost", "Target"] }]\n'),
        _field("i", "Array", 'items = { type = "Link", link_type = "Entry", validations = '
               '[{ linkContentType = ["ghost"] }] }\n'),
        _field("r", "RichText", 'validations = [{ nodes = { entry-hyperlink = [{ linkContentType = ["gone"] }, '
               "{ size = { max = 3 } }], embedded-entry-block = { validations = [{ linkContentType = "
               '["ghost"] }] } } }]\n'),
        _field("d", "Symbol", 'default_value = { "fr-FR" = "x", "en-US" = 1 }\n'),
    ])), "b.toml": content_type("b", _field("l", "Link", _LINK + 'validations = [{ linkContentType = ["ghost"] }]\n'))},
    "defaults and resources": {"a.toml": content_type("a", "".join([
        _field("loc", "Location", 'default_value = { "en-US" = 1 }\n'),
        _field("int", "Integer", 'default_value = { "en-US" = "1" }\n'),
        _field("date", "Date", 'default_value = { "en-US" = "2023-02-30", "de-DE" = "yesterday" }\n'),
        _field("arr", "Array", 'items = { type = "Link", link_type = "Entry" }\ndefault_value = { "en-US" = [] }\n'),
        _field("sym", "Symbol", 'allowed_resources = [{ type = "Contentful:Entry" }]\n'),
        _field("r0", "ResourceLink"), _field("r1", "ResourceLink", "allowed_resources = []\n"),
        _field("r2", "ResourceLink", 'allowed_resources = [{ source = "s" }, { type = "B", source = "s" }]\n'),
    ]))},
    "too many resource links": {"a.toml": content_type("a", "".join(
        _field(f"r{i}", "ResourceLink", _RESOURCE) for i in range(4)))},
    "ids, names, renames": {"a.toml": content_type("a", "".join([
        _field("1st", "Symbol"), _field("f", "Symbol", name=" "), _field("f", "Text"),
        _field("g", "Symbol", 'renamed_from = "g"\n'), _field("h", "Symbol", 'renamed_from = "f"\n'),
        _field("i", "Symbol", 'renamed_from = "old"\n'), _field("j", "Symbol", 'renamed_from = "old"\n'),
    ]), 'display_field = "nope"\n'), "b.toml": content_type("b", _field("n", "Integer"), 'display_field = "n"\n')
        .replace('name = "b name"', 'name = "  "'), "x y.toml": content_type("x y")},
    "too many fields": {"a.toml": content_type("a", "".join(_field(f"f{i}", "Symbol") for i in range(51)))},
    "editor interface": {"a.toml": content_type("a", _field("f", "Symbol", 'editor = { widget_id = "x" }\n'),
                                                '[editor_interface]\neditor_layout = [{ groupId = "g", items = '
                                                '[{ fieldId = "nope" }, { groupId = "h", items = [{ fieldId = "f" },'
                                                ' { fieldId = "gone" }] }] }]\n')},
    "metadata": {"a.toml": content_type("a", "".join([
        _field("t", "Symbol", 'annotations = ["Contentful:AggregateRoot", " "]\n'),
        _field("u", "Symbol", 'annotations = [{ id = "App:x" }, { id = "App:x" }]\n'),
    ]), 'annotations = ["Contentful:AgregateRoot", "Contentful:GraphQLFieldResolver", "Contentful:AggregateRoot",'
        ' "Contentful:AggregateRoot"]\ntaxonomy = [{ concept = "a", concept_scheme = "b" }, { required = true }, '
        '{ concept = "a b" }, { concept = "c" }, { concept = "c", required = true }]\n')},
    "shape problems beside rule problems": {"a.toml": content_type("a", "".join([
        _field("bad", "Symbl"), _field("l", "Link"),
        _field("extra", "Symbol", 'colour = "red"\nvalidations = [{ linkContentType = ["ghost"] }]\n'),
        _field("ok", "Integer", 'validations = [{ range = { min = 3, max = 1 } }]\n'),
    ]), 'display_field = "nope"\n[editor_interface]\neditor_layout = [{ groupId = "g", items = '
        '[{ fieldId = "missing" }] }]\n'), "b.toml": content_type("b", _field("f", "Symbol"), "colour = 1\n"),
        "c.toml": content_type("c", _field("f", "Symbol", "localized = 1\n") + _field("g", "Link"),
                               "annotations = 3\n"),
        "d.toml": 'format = 1\nid = "d"\nname = "D"\ndate = 2024-01-01\n' + _field("f", "Link"),
        "e.toml": content_type("wrong", _field("f", "Link"))},
}


def _whole_model(models: Path, scope: Scope) -> list[Problem]:
    """The problems of the whole-model check, on the model's values (as ``validate_models`` finds them)."""
    declared, problems = read_models(models)
    rules = validate(declared, outside=lambda ct_id: not scope.manages(ct_id))
    return sort_problems([*problems, *rules, *scope_problems(declared, scope, "reconcile.toml")])


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("scope", [Scope(), Scope(ignore=("target",))], ids=["all", "target ignored"])
def test_the_views_find_what_the_values_find(tmp_path: Path, name: str, scope: Scope) -> None:
    target = content_type("target", _field("t", "Symbol"))
    models = make_models(tmp_path, {"target.toml": target, **CASES[name]}, LOCALES)
    expected = _whole_model(models, scope)
    checked = check_models(models, tmp_path / "cache", scope, "reconcile.toml")
    assert checked is not None
    assert checked.problems == expected
    if scope == Scope():  # each case but the first finds problems
        assert bool(expected) == (name != "valid, every kind of value")


def test_validate_checks_a_file_without_building_the_models_values(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules read views of the file's data: no ``ContentType`` or ``Field`` is built (issue 16)."""
    target = content_type("target", _field("t", "Symbol"))
    models = make_models(tmp_path, {"target.toml": target, **CASES["references"]})
    expected = _whole_model(models, Scope())

    def refused(*_: object) -> None:
        raise AssertionError("a model value was built")

    monkeypatch.setattr(building, "_checked", refused)
    checked = check_models(models, tmp_path / "cache", Scope(), "reconcile.toml")
    assert checked is not None and checked.problems == expected and expected


def test_validate_validates_no_whole_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model that holds a file's locales and tags is not validated: the first validation of a ``ContentModel`` in a
    process builds pydantic's validators of every model value (0.015 s), which the rules of a file never need."""
    models = make_models(tmp_path, {"target.toml": content_type("target", _field("t", "Symbol"))})

    def refused(*_: object, **__: object) -> None:
        raise AssertionError("a ContentModel was validated")

    monkeypatch.setattr(ContentModel, "__init__", refused)
    checked = check_models(models, tmp_path / "cache", Scope(), "reconcile.toml")
    assert checked is not None and checked.problems == [] and (checked.content_types, checked.locales) == (1, 2)


def test_a_view_is_read_only_and_has_the_models_defaults() -> None:
    ct, editor = building.content_type_view({"id": "a", "name": "A", "fields": [
        {"id": "f", "name": "F", "type": "Array", "items": {"type": "Symbol"}, "editor": {"widget_id": "x"}}]})
    field = ct.fields[0]
    assert (field.link_type, field.validations, field.default_value, field.renamed_from) == (None, (), None, None)
    assert field.items is not None and (field.items.type, field.items.validations) == ("Symbol", ())
    assert [control.field_id for control in editor.controls] == ["f"] and editor.editor_layout is None
    with pytest.raises(AttributeError):
        field.name = "G"  # type: ignore[misc]
