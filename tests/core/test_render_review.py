"""Plans a reviewer can read (issue 12, item 5): member lists as members added and removed, the
validations of new fields, long values whole in Markdown, colour only when asked."""

from __future__ import annotations

import re
from typing import Any

import pytest

from reconcile.model import ContentModel, Field, Items
from reconcile.plan import Plan
from reconcile.planner import make_plan
from reconcile.render import render_markdown, render_text
from tests.core.builders import content_type, field, interface, live_state, model

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _plan(before: ContentModel, after: ContentModel) -> Plan:
    return make_plan(live_state(before), after)


def _link(*types: str) -> Field:
    return field("author", "Link", link_type="Entry", validations=({"linkContentType": list(types)},))


def _detail(text: str, address: str) -> list[str]:
    """The detail lines under the change at ``address`` in a text rendering (up to its phase's steps)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[1:2] == [address])
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("        "))
    return [line.strip() for line in lines[start + 1 : end]]


ADDRESS = "content_types.post.fields.author"


@pytest.mark.parametrize("render", [render_text, render_markdown], ids=["text", "markdown"])
def test_one_member_added_to_an_order_free_list_is_one_plus_line(render: Any) -> None:
    before, after = (
        model(content_type("post", _link("author", "page"))),
        model(content_type("post", _link("author", "page", "event"))),
    )
    plan = _plan(before, after)
    assert _detail(render(plan), ADDRESS) == ["validations[0].linkContentType:", '+ "event"']


@pytest.mark.parametrize(
    ("key", "before", "after", "expected"),
    [
        ("enabledNodeTypes", ["hr"], ["heading-1", "hr"], ['+ "heading-1"']),
        ("enabledMarks", ["bold", "italic"], ["italic"], ['- "bold"']),
        ("enabledMarks", ["bold"], ["code", "italic"], ['- "bold"', '+ "code"', '+ "italic"']),
    ],
)
def test_rich_text_sets_show_members(key: str, before: list[str], after: list[str], expected: list[str]) -> None:
    def body(values: list[str]) -> ContentModel:
        return model(content_type("post", field("body", "RichText", validations=({key: values},))))

    lines = _detail(render_text(_plan(body(before), body(after))), "content_types.post.fields.body")
    assert lines == [f"validations[0].{key}:", *expected]


def test_in_keeps_its_order_visible() -> None:
    def status(values: list[str]) -> ContentModel:
        return model(content_type("post", field("status", validations=({"in": values},))))

    address = "content_types.post.fields.status"
    appended = _detail(render_text(_plan(status(["a", "b"]), status(["a", "b", "c"]))), address)
    assert appended == ["validations[0].in:", '+ "c"']
    inserted = _detail(render_text(_plan(status(["a", "b"]), status(["a", "c", "b"]))), address)
    assert inserted == ["validations[0].in:", '+ "c"', 'order: ["a", "b"] → ["a", "c", "b"]']


def test_an_added_validation_is_one_member_whatever_its_sorted_place() -> None:
    before = model(content_type("post", field("slug", validations=({"unique": True},))))
    after = model(
        content_type("post", field("slug", validations=({"regexp": {"pattern": "^[a-z]+$"}}, {"unique": True})))
    )
    lines = _detail(render_text(_plan(before, after)), "content_types.post.fields.slug")
    assert lines == ["validations:", '+ {"regexp": {"pattern": "^[a-z]+$"}}']


def test_a_field_moved_between_layout_groups_is_one_minus_and_one_plus() -> None:
    def layout(content: list[str], meta: list[str]) -> ContentModel:
        groups = (
            {"groupId": "content", "name": "Content", "items": [{"fieldId": f} for f in content]},
            {"groupId": "meta", "name": "Meta", "items": [{"fieldId": f} for f in meta]},
        )
        ct = content_type("post", field("title"), field("slug"), field("body"))
        return model(ct, editor_interfaces=(interface("post", editor_layout=groups),))

    lines = _detail(
        render_text(_plan(layout(["title", "slug", "body"], []), layout(["title", "body"], ["slug"]))),
        "editor_interfaces.post",
    )
    assert lines == [
        "editor_layout[0].items:",
        '- {"fieldId": "slug"}',
        "editor_layout[1].items:",
        '+ {"fieldId": "slug"}',
    ]


def test_a_new_field_lists_its_validations() -> None:
    tags = field(
        "tags",
        "Array",
        validations=({"size": {"max": 5}, "message": "Five at most."},),
        items=Items(type="Symbol", validations=({"in": ["a", "b"]},)),
    )
    plan = _plan(model(content_type("post")), model(content_type("post", tags)))
    text = render_text(plan)
    assert "validation" not in " ".join(_detail(text, "content_types.post.fields.tags")[:1])
    assert _detail(text, "content_types.post.fields.tags") == [
        "Array<Symbol>",
        "validations:",
        'size: {"max": 5}',
        'message: "Five at most."',
        "items.validations:",
        'in: ["a", "b"]',
    ]
    created = render_text(_plan(model(), model(content_type("post", tags))))
    assert "1 validation" not in created
    assert '    size: {"max": 5}' in created and 'in: ["a", "b"]' in created


LONG = "x" * 300


def test_a_long_value_is_whole_in_markdown_inside_details() -> None:
    plan = _plan(model(content_type("post")), model(content_type("post", description=LONG)))
    markdown = render_markdown(plan)
    assert f'"{LONG}' not in markdown.split("```text")[1].split("```")[0]  # not in the phase line
    block = markdown.split("<details><summary>Long value 1")[1].split("</details>")[0]
    assert LONG in block
    text = render_text(plan)
    assert LONG not in text and "(cut, 302 characters)" in text and "--format json" in text


def test_colour_only_when_asked() -> None:
    before = model(content_type("a"), content_type("b", field("t")))
    after = model(content_type("b", field("t", name="Title")), content_type("c"))
    plan = make_plan(live_state(before), after, allow_destroy=True)
    plain = render_text(plan)
    coloured = render_text(plan, color=True)
    assert not ANSI.search(plain)
    assert "\x1b[32m" in coloured and "\x1b[33m" in coloured and "\x1b[31m" in coloured
    assert ANSI.sub("", coloured) == plain
    assert not ANSI.search(render_markdown(plan))


def test_a_reordered_layout_group_says_its_new_order() -> None:
    def layout(items: list[str]) -> ContentModel:
        groups = (
            {"groupId": "content", "name": "Content", "items": [{"fieldId": f} for f in items]},
            {"groupId": "meta", "name": "Meta", "items": []},
        )
        ct = content_type("post", field("title"), field("slug"))
        return model(ct, editor_interfaces=(interface("post", editor_layout=groups),))

    lines = _detail(render_text(_plan(layout(["title", "slug"]), layout(["slug", "title"]))), "editor_interfaces.post")
    assert lines == ["editor_layout[0].items:", 'order: ["title", "slug"] → ["slug", "title"]']
