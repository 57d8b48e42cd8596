"""Table-driven tests of normalize and diff with hand-built models."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.changes import leaf_paths, value_at
from reconcile.diff import diff
from reconcile.model import ContentModel, Control, Items, Locale
from reconcile.normalize import fingerprint, normalize
from tests.core.builders import EN, content_type, field, interface, model

BLOG = content_type("blog", field("title"), field("body", "Text"), display_field="title")

# Each case: the same model written with and without a value that normalisation fills or orders.
NO_CHANGE_CASES: list[tuple[str, ContentModel, ContentModel]] = [
    (
        "empty description",
        model(content_type("a", description="")),
        model(content_type("a")),
    ),
    (
        "empty display field",
        model(content_type("a", field("t"), display_field="")),
        model(content_type("a", field("t"))),
    ),
    (
        "empty default value map",
        model(content_type("a", field("t", default_value={}))),
        model(content_type("a", field("t"))),
    ),
    (
        "empty allowed resources",
        model(content_type("a", field("r", "ResourceLink", allowed_resources=()))),
        model(content_type("a", field("r", "ResourceLink"))),
    ),
    (
        "validation message null",
        model(content_type("a", field("t", validations=({"size": {"max": 5}, "message": None},)))),
        model(content_type("a", field("t", validations=({"size": {"max": 5}},)))),
    ),
    (
        "null bound inside a validation",
        model(content_type("a", field("t", validations=({"size": {"min": 1, "max": None}},)))),
        model(content_type("a", field("t", validations=({"size": {"min": 1}},)))),
    ),
    (
        "validation key order",
        model(content_type("a", field("t", validations=({"message": "m", "regexp": {"flags": "i", "pattern": "x"}},)))),
        model(content_type("a", field("t", validations=({"regexp": {"pattern": "x", "flags": "i"}, "message": "m"},)))),
    ),
    (
        "linkContentType order",
        model(content_type("a", field("l", "Link", link_type="Entry", validations=({"linkContentType": ["b", "a"]},)))),
        model(content_type("a", field("l", "Link", link_type="Entry", validations=({"linkContentType": ["a", "b"]},)))),
    ),
    (
        "linkMimetypeGroup bare string",
        model(content_type("a", field("l", "Link", link_type="Asset", validations=({"linkMimetypeGroup": "image"},)))),
        model(
            content_type("a", field("l", "Link", link_type="Asset", validations=({"linkMimetypeGroup": ["image"]},)))
        ),
    ),
    (
        "enabledMarks and enabledNodeTypes order",
        model(
            content_type(
                "a",
                field(
                    "r",
                    "RichText",
                    validations=({"enabledMarks": ["italic", "bold"]}, {"enabledNodeTypes": ["hr", "heading-1"]}),
                ),
            )
        ),
        model(
            content_type(
                "a",
                field(
                    "r",
                    "RichText",
                    validations=({"enabledNodeTypes": ["heading-1", "hr"]}, {"enabledMarks": ["bold", "italic"]}),
                ),
            )
        ),
    ),
    (
        "items validations order-free lists",
        model(
            content_type(
                "a",
                field(
                    "l",
                    "Array",
                    items=Items(type="Link", link_type="Entry", validations=({"linkContentType": ["z", "y"]},)),
                ),
            )
        ),
        model(
            content_type(
                "a",
                field(
                    "l",
                    "Array",
                    items=Items(type="Link", link_type="Entry", validations=({"linkContentType": ["y", "z"]},)),
                ),
            )
        ),
    ),
    (
        "allowedResources order and contentTypes order",
        model(
            content_type(
                "a",
                field(
                    "r",
                    "ResourceLink",
                    allowed_resources=(
                        {"type": "Contentful:Entry", "source": "crn:b", "contentTypes": ["y", "x"]},
                        {"type": "Contentful:Entry", "source": "crn:a", "contentTypes": ["x"]},
                    ),
                ),
            )
        ),
        model(
            content_type(
                "a",
                field(
                    "r",
                    "ResourceLink",
                    allowed_resources=(
                        {"type": "Contentful:Entry", "source": "crn:a", "contentTypes": ["x"]},
                        {"type": "Contentful:Entry", "source": "crn:b", "contentTypes": ["x", "y"]},
                    ),
                ),
            )
        ),
    ),
    (
        "missing editor interface is the server's bare one",
        model(BLOG),
        model(BLOG, editor_interfaces=(interface("blog", Control(field_id="title"), Control(field_id="body")),)),
    ),
    (
        "control order carries no meaning",
        model(BLOG, editor_interfaces=(interface("blog", Control(field_id="body"), Control(field_id="title")),)),
        model(BLOG, editor_interfaces=(interface("blog", Control(field_id="title"), Control(field_id="body")),)),
    ),
    (
        "control of an unknown field is dropped",
        model(BLOG, editor_interfaces=(interface("blog", Control(field_id="gone", widget_id="singleLine")),)),
        model(BLOG),
    ),
    (
        "empty control settings and null settings values",
        model(BLOG, editor_interfaces=(interface("blog", Control(field_id="title", settings={"helpText": None})),)),
        model(BLOG, editor_interfaces=(interface("blog", Control(field_id="title", settings={})),)),
    ),
    (
        "editor interface of a missing content type",
        model(BLOG, editor_interfaces=(interface("ghost", Control(field_id="x")),)),
        model(BLOG),
    ),
    (
        "empty fallback code",
        model(locales=(EN, Locale(code="de-DE", name="German", fallback_code=""))),
        model(locales=(EN, Locale(code="de-DE", name="German"))),
    ),
    (
        "unmanaged properties never compare",
        model(content_type("a", unmanaged={"metadata": {"taxonomy": []}})),
        model(content_type("a")),
    ),
    (
        "renamed_from of an already renamed field",
        model(content_type("a", field("new"))),
        model(content_type("a", field("new", renamed_from="old"))),
    ),
]


@pytest.mark.parametrize(("current", "desired"), [c[1:] for c in NO_CHANGE_CASES], ids=[c[0] for c in NO_CHANGE_CASES])
def test_no_change_for_each_default_normalize_fills(current: ContentModel, desired: ContentModel) -> None:
    assert current.model_dump_json() != desired.model_dump_json()  # the case really differs as written
    assert diff(current, desired) == []
    assert diff(desired, current) == []
    assert fingerprint(current) == fingerprint(desired)


# Each case: (name, current, desired, expected [(kind, address, paths, impact)]).
Expected = list[tuple[str, str, tuple[str, ...], str]]
A = "content_types.a"
F = "content_types.a.fields."
CHANGE_CASES: list[tuple[str, ContentModel, ContentModel, Expected]] = [
    ("create content type", model(), model(content_type("a")), [("CreateContentType", A, (), "safe")]),
    ("delete content type", model(content_type("a")), model(), [("DeleteContentType", A, (), "destructive")]),
    (
        "update name and display field",
        model(content_type("a", field("t"), field("u"), display_field="t")),
        model(content_type("a", field("t"), field("u"), name="Other", display_field="u")),
        [("UpdateContentType", A, ("name", "display_field"), "safe")],
    ),
    (
        "add optional field",
        model(content_type("a", field("t"))),
        model(content_type("a", field("t"), field("u"))),
        [("AddField", F + "u", (), "safe")],
    ),
    (
        "add required field",
        model(content_type("a")),
        model(content_type("a", field("u", required=True))),
        [("AddField", F + "u", (), "breaking")],
    ),
    (
        "rename only the label",
        model(content_type("a", field("t"))),
        model(content_type("a", field("t", name="Title"))),
        [("ModifyField", F + "t", ("name",), "safe")],
    ),
    (
        "make required",
        model(content_type("a", field("t"))),
        model(content_type("a", field("t", required=True))),
        [("ModifyField", F + "t", ("required",), "breaking")],
    ),
    (
        "drop required",
        model(content_type("a", field("t", required=True))),
        model(content_type("a", field("t"))),
        [("ModifyField", F + "t", ("required",), "safe")],
    ),
    (
        "localized changed",
        model(content_type("a", field("t", localized=True))),
        model(content_type("a", field("t"))),
        [("ModifyField", F + "t", ("localized",), "breaking")],
    ),
    (
        "disable",
        model(content_type("a", field("t"))),
        model(content_type("a", field("t", disabled=True))),
        [("ModifyField", F + "t", ("disabled",), "breaking")],
    ),
    (
        "validation added",
        model(content_type("a", field("t"))),
        model(content_type("a", field("t", validations=({"unique": True},)))),
        [("ModifyField", F + "t", ("validations[0]",), "breaking")],
    ),
    (
        "validation removed",
        model(content_type("a", field("t", validations=({"unique": True},)))),
        model(content_type("a", field("t"))),
        [("ModifyField", F + "t", ("validations[0]",), "safe")],
    ),
    (
        "size max raised (loosened)",
        model(content_type("a", field("t", validations=({"size": {"max": 5}},)))),
        model(content_type("a", field("t", validations=({"size": {"max": 9}},)))),
        [("ModifyField", F + "t", ("validations[0].size.max",), "safe")],
    ),
    (
        "size max lowered (tightened)",
        model(content_type("a", field("t", validations=({"size": {"max": 9}},)))),
        model(content_type("a", field("t", validations=({"size": {"max": 5}},)))),
        [("ModifyField", F + "t", ("validations[0].size.max",), "breaking")],
    ),
    (
        "min bound added (tightened)",
        model(content_type("a", field("n", "Integer", validations=({"range": {"max": 9}},)))),
        model(content_type("a", field("n", "Integer", validations=({"range": {"min": 1, "max": 9}},)))),
        [("ModifyField", F + "n", ("validations[0].range.min",), "breaking")],
    ),
    (
        "in list extended",
        model(content_type("a", field("t", validations=({"in": ["x"]},)))),
        model(content_type("a", field("t", validations=({"in": ["x", "y"]},)))),
        [("ModifyField", F + "t", ("validations[0].in[1]",), "safe")],
    ),
    (
        "in list shrunk",
        model(content_type("a", field("t", validations=({"in": ["x", "y"]},)))),
        model(content_type("a", field("t", validations=({"in": ["x"]},)))),
        [("ModifyField", F + "t", ("validations[0].in[1]",), "breaking")],
    ),
    (
        "in list reordered (order is kept)",
        model(content_type("a", field("t", validations=({"in": ["x", "y"]},)))),
        model(content_type("a", field("t", validations=({"in": ["y", "x"]},)))),
        [("ModifyField", F + "t", ("validations[0].in[0]", "validations[0].in[1]"), "safe")],
    ),
    (
        "only the message changed",
        model(content_type("a", field("t", validations=({"unique": True, "message": "a"},)))),
        model(content_type("a", field("t", validations=({"unique": True, "message": "b"},)))),
        [("ModifyField", F + "t", ("validations[0].message",), "safe")],
    ),
    (
        "items validation tightened",
        model(content_type("a", field("l", "Array", items=Items(type="Symbol")))),
        model(content_type("a", field("l", "Array", items=Items(type="Symbol", validations=({"size": {"max": 3}},))))),
        [("ModifyField", F + "l", ("items.validations[0]",), "breaking")],
    ),
    (
        "omit",
        model(content_type("a", field("t"))),
        model(content_type("a", field("t", omitted=True))),
        [("OmitField", F + "t", ("omitted",), "breaking")],
    ),
    (
        "already omitted",
        model(content_type("a", field("t", omitted=True))),
        model(content_type("a", field("t", omitted=True))),
        [],
    ),
    (
        "remove",
        model(content_type("a", field("t"), field("u"))),
        model(content_type("a", field("t"))),
        [("RemoveField", F + "u", (), "destructive")],
    ),
    (
        "type change is a replacement",
        model(content_type("a", field("n", "Integer"))),
        model(content_type("a", field("n", "Boolean"))),
        [("ReplaceField", F + "n", ("type",), "destructive")],
    ),
    (
        "a lossless type change with the same JSON keeps the values",
        model(content_type("a", field("n", "Integer"))),
        model(content_type("a", field("n", "Number"))),
        [("ConvertField", F + "n", ("type",), "safe")],
    ),
    (
        "a lossless type change to an array breaks readers",
        model(content_type("a", field("s", "Symbol"))),
        model(content_type("a", field("s", "Array", items=Items(type="Symbol")))),
        [("ConvertField", F + "s", ("type", "items"), "breaking")],
    ),
    (
        "a lossy type change destroys data",
        model(content_type("a", field("t", "Text"))),
        model(content_type("a", field("t", "Symbol"))),
        [("ConvertField", F + "t", ("type",), "destructive")],
    ),
    (
        "items type change is a replacement",
        model(content_type("a", field("l", "Array", items=Items(type="Symbol")))),
        model(content_type("a", field("l", "Array", items=Items(type="Link", link_type="Entry")))),
        [("ReplaceField", F + "l", ("items.type", "items.link_type"), "destructive")],
    ),
    (
        "rename",
        model(content_type("a", field("old"), field("u"))),
        model(content_type("a", field("new", name="Old", renamed_from="old"), field("u"))),
        [("RenameField", F + "new", ("id",), "breaking")],
    ),
    (
        "rename from a missing source is an add",
        model(content_type("a", field("u"))),
        model(content_type("a", field("u"), field("new", renamed_from="nope"))),
        [("AddField", F + "new", (), "safe")],
    ),
    (
        "rename whose source is still declared is an add",
        model(content_type("a", field("old"))),
        model(content_type("a", field("old"), field("new", renamed_from="old"))),
        [("AddField", F + "new", (), "safe")],
    ),
    (
        "rename with a type change removes and adds",
        model(content_type("a", field("old", "Integer"))),
        model(content_type("a", field("new", "Number", renamed_from="old"))),
        [("RemoveField", F + "old", (), "destructive"), ("AddField", F + "new", (), "safe")],
    ),
    (
        "swap two fields is one move",
        model(content_type("a", field("x"), field("y"), field("z"))),
        model(content_type("a", field("y"), field("x"), field("z"))),
        [("MoveField", F + "x", ("position",), "safe")],
    ),
    (
        "insert in the middle moves nothing",
        model(content_type("a", field("x"), field("z"))),
        model(content_type("a", field("x"), field("y"), field("z"))),
        [("AddField", F + "y", (), "safe")],
    ),
    (
        "widget change",
        model(BLOG),
        model(BLOG, editor_interfaces=(interface("blog", Control(field_id="body", widget_id="markdown")),)),
        [("UpdateEditorInterface", "editor_interfaces.blog", ("controls.body.widget_id",), "safe")],
    ),
    (
        "sidebar set",
        model(BLOG),
        model(BLOG, editor_interfaces=(interface("blog", sidebar=()),)),
        [("UpdateEditorInterface", "editor_interfaces.blog", ("sidebar",), "safe")],
    ),
    (
        "renamed field keeps its control (the server moves it)",
        model(
            content_type("a", field("old")),
            editor_interfaces=(interface("a", Control(field_id="old", widget_id="slugEditor")),),
        ),
        model(
            content_type("a", field("new", name="Old", renamed_from="old")),
            editor_interfaces=(interface("a", Control(field_id="new", widget_id="slugEditor")),),
        ),
        [("RenameField", F + "new", ("id",), "breaking")],
    ),
    (
        "converted field loses its control, then gets it back",
        model(
            content_type("a", field("n", "Integer")),
            editor_interfaces=(interface("a", Control(field_id="n", widget_id="rating")),),
        ),
        model(
            content_type("a", field("n", "Number")),
            editor_interfaces=(interface("a", Control(field_id="n", widget_id="rating")),),
        ),
        [
            ("ConvertField", F + "n", ("type",), "safe"),
            ("UpdateEditorInterface", "editor_interfaces.a", ("controls.n.widget_id",), "safe"),
        ],
    ),
    (
        "locale created",
        model(),
        model(locales=(EN, Locale(code="de-DE", name="German", fallback_code="en-US"))),
        [("CreateLocale", "locales.de-DE", (), "safe")],
    ),
    (
        "locale made mandatory",
        model(locales=(EN, Locale(code="de-DE", name="German", optional=True))),
        model(locales=(EN, Locale(code="de-DE", name="German"))),
        [("UpdateLocale", "locales.de-DE", ("optional",), "breaking")],
    ),
    (
        "locale fallback changed",
        model(locales=(EN, Locale(code="de-DE", name="German"))),
        model(locales=(EN, Locale(code="de-DE", name="German", fallback_code="en-US"))),
        [("UpdateLocale", "locales.de-DE", ("fallback_code",), "safe")],
    ),
    (
        "locale deleted",
        model(locales=(EN, Locale(code="de-DE", name="German"))),
        model(),
        [("DeleteLocale", "locales.de-DE", (), "destructive")],
    ),
]


@pytest.mark.parametrize(
    ("current", "desired", "expected"), [c[1:] for c in CHANGE_CASES], ids=[c[0] for c in CHANGE_CASES]
)
def test_diff_cases(current: ContentModel, desired: ContentModel, expected: Expected) -> None:
    got = [(c.kind, c.address, c.paths, c.impact) for c in diff(current, desired)]
    assert got == expected


def test_rename_change_carries_source_and_move_positions() -> None:
    current = model(content_type("a", field("x"), field("y"), field("old")))
    desired = model(content_type("a", field("new", renamed_from="old"), field("x"), field("y")))
    changes = diff(current, desired)
    rename = next(c for c in changes if c.kind == "RenameField")
    assert (rename.before.id, rename.after.id, rename.after.renamed_from) == ("old", "new", "old")
    move = next(c for c in changes if c.kind == "MoveField")
    assert (move.field_id, move.position_before, move.position_after) == ("new", 2, 0)


def test_diff_is_deterministic_and_ordered() -> None:
    current = model(content_type("b", field("t")), content_type("a", field("t")))
    desired = model(content_type("a"), content_type("c"), locales=(EN, Locale(code="fr", name="French")))
    addresses = [c.address for c in diff(current, desired)]
    assert addresses == [
        "locales.fr",
        "content_types.a.fields.t",
        "content_types.b",
        "content_types.c",
    ]
    assert addresses == [c.address for c in diff(current, desired)]


def test_normalize_orders_controls_by_field_and_fills_missing() -> None:
    m = model(BLOG, editor_interfaces=(interface("blog", Control(field_id="body", widget_id="markdown")),))
    controls = normalize(m).editor_interfaces["blog"].controls
    assert controls == (Control(field_id="title"), Control(field_id="body", widget_id="markdown"))


def test_fingerprint_ignores_unmanaged_and_renames_but_not_content() -> None:
    base = model(content_type("a", field("t")))
    assert fingerprint(base) == fingerprint(model(content_type("a", field("t", renamed_from="x"), unmanaged={"m": 1})))
    assert fingerprint(base) != fingerprint(model(content_type("a", field("t", required=True))))
    assert fingerprint(base).startswith("sha256:") and len(fingerprint(base)) == 71


def test_leaf_paths_and_value_at() -> None:
    before = {"a": [1, {"b": 2}], "c": 1}
    after = {"a": [1, {"b": 3}, 4], "d": 2}
    paths = leaf_paths(before, after)
    assert paths == ["a[1].b", "a[2]", "c", "d"]
    assert value_at(after, "a[1].b") == 3
    assert value_at(before, "a[2]", "missing") == "missing"
    assert value_at(before, "c.x") is None


def _reference_leaf_paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    """The definition, written plainly (the first implementation): recurse into every differing member."""
    if isinstance(before, dict) and isinstance(after, dict):
        paths: list[str] = []
        for key in [*before, *(k for k in after if k not in before)]:
            sub = f"{prefix}.{key}" if prefix else str(key)
            if key not in before or key not in after:
                paths.append(sub)
            elif before[key] != after[key]:
                paths.extend(_reference_leaf_paths(before[key], after[key], sub))
        return paths
    if isinstance(before, list) and isinstance(after, list):
        paths = []
        for i in range(max(len(before), len(after))):
            sub = f"{prefix}[{i}]"
            if i >= len(before) or i >= len(after):
                paths.append(sub)
            elif before[i] != after[i]:
                paths.extend(_reference_leaf_paths(before[i], after[i], sub))
        return paths
    return [] if before == after else [prefix]


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["x", "y"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
    max_leaves=12,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(_json, _json)
def test_leaf_paths_equal_the_plain_definition(before: Any, after: Any) -> None:
    assert leaf_paths(before, after) == _reference_leaf_paths(before, after)
    assert leaf_paths(before, before) == []
