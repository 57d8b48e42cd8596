"""`[policy] allow_destroy` patterns match whole change addresses (fnmatch), never prefixes: allowing
`content_types.blog` must not allow deleting `content_types.blogPost` or a field of `blog`."""

from __future__ import annotations

from reconcile.planner import make_plan
from tests.core.builders import content_type, field, live_state, model

LIVE = model(
    content_type("blog", field("title"), field("body", "Text")),
    content_type("blogPost", field("title")),
)


def _blocked(desired_types: tuple[str, ...], allowed: list[str]) -> tuple[str, ...]:
    desired = model(*[ct for ct_id, ct in LIVE.content_types.items() if ct_id in desired_types])
    return make_plan(live_state(LIVE), desired, allowed=allowed).blocked


def test_a_pattern_allows_only_the_address_it_names() -> None:
    # Both types deleted; only `blog` is allowed, so `blogPost` stays blocked.
    assert _blocked((), ["content_types.blog"]) == ("content_types.blogPost",)
    assert _blocked((), ["content_types.blogPost"]) == ("content_types.blog",)


def test_a_content_type_pattern_does_not_allow_its_fields() -> None:
    desired = model(content_type("blog", field("title")), content_type("blogPost", field("title")))
    plan = make_plan(live_state(LIVE), desired, allowed=["content_types.blog"])
    assert plan.blocked == ("content_types.blog.fields.body",)


def test_wildcards_are_explicit() -> None:
    assert _blocked((), ["content_types.blog*"]) == ()
    assert _blocked((), ["content_types.blog.*"]) == ("content_types.blog", "content_types.blogPost")
    assert _blocked((), ["content_types.*"]) == ()
