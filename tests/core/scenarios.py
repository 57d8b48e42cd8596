"""The planner scenarios shared by the planner's snapshot tests and the plan-link tests: live state, desired
model and planning options by name."""

from __future__ import annotations

from reconcile.model import ContentModel, Control, Items, LiveState, Locale, Tag
from reconcile.plan import Plan
from reconcile.planner import make_plan
from tests.core.builders import EN, content_type, field, interface, live_state, model

DE = Locale(code="de-DE", name="German", fallback_code="en-US")
CH = Locale(code="de-CH", name="Swiss German", fallback_code="de-DE")
FR = Locale(code="fr-FR", name="French", fallback_code="en-US", optional=True)


AUTHOR = content_type("author", field("name", required=True), display_field="name")
BLOG = content_type(
    "blogPost",
    field("title", required=True, validations=({"size": {"max": 120}},)),
    field("slug", validations=({"unique": True},)),
    field("body", "RichText", validations=({"enabledMarks": ["bold", "italic"]},)),
    field("legacy", "Text"),
    field("rating", "Integer"),
    field("author", "Link", link_type="Entry", validations=({"linkContentType": ["author"]},)),
    display_field="title",
    unmanaged={"metadata": {"annotations": {}}},
)
BLOG_EI = interface(
    "blogPost",
    Control(field_id="title", widget_id="singleLine", widget_namespace="builtin"),
    Control(field_id="slug", widget_id="slugEditor", widget_namespace="builtin"),
    Control(field_id="rating", widget_id="rating", widget_namespace="builtin", settings={"stars": 5}),
)
BASE = model(AUTHOR, BLOG, editor_interfaces=(BLOG_EI,), locales=(EN, DE))

FIELD_EDITS = model(
    AUTHOR,
    content_type(
        "blogPost",
        field("headline", name="Title", required=True, validations=({"size": {"max": 80}},), renamed_from="title"),
        field("body", "RichText", validations=({"enabledMarks": ["bold", "italic", "code"]},)),
        field("slug", validations=({"unique": True},)),
        field("rating", "Boolean"),
        field("author", "Link", link_type="Entry", validations=({"linkContentType": ["author"]},)),
        field("tags", "Array", items=Items(type="Symbol"), localized=True),
        display_field="headline",
    ),
    editor_interfaces=(
        interface(
            "blogPost",
            Control(field_id="headline", widget_id="singleLine", widget_namespace="builtin"),
            Control(field_id="slug", widget_id="slugEditor", widget_namespace="builtin"),
            Control(field_id="tags", widget_id="tagEditor", widget_namespace="builtin"),
        ),
    ),
    locales=(EN, DE),
)

TAGS = {"news": Tag(id="news", name="News", visibility="public"), "draft": Tag(id="draft", name="Draft"),
        "old": Tag(id="old", name="Old")}
MODERN = model(
    AUTHOR.model_copy(update={"annotations": ({"id": "Contentful:AggregateComponent"},)}),
    BLOG.model_copy(update={
        "annotations": ({"id": "Contentful:AggregateRoot"},),
        "taxonomy": ({"concept_scheme": "topics", "required": True}, {"concept": "sports"}),
        "fields": (BLOG.fields[0].model_copy(update={"annotations": (
            {"id": "Contentful:GraphQLFieldResolver", "parameters": {"appFunctionId": "fn"}},)}), *BLOG.fields[1:]),
    }),
    editor_interfaces=(BLOG_EI,), locales=(EN, DE),
).model_copy(update={"tags": {
    "news": Tag(id="news", name="Top news", visibility="public"),
    "draft": Tag(id="draft", name="Draft", visibility="public"),
    "promo": Tag(id="promo", name="Promo"),
}})

SCENARIOS: dict[str, tuple[LiveState, ContentModel, dict[str, object]]] = {
    "no_changes": (live_state(BASE), BASE, {}),
    "new_space": (live_state(model()), BASE, {}),
    "field_edits": (
        live_state(BASE),
        FIELD_EDITS,
        {"allow_destroy": True, "entry_counts": {"content_types.blogPost.fields.legacy": 7}},
    ),
    "delete_content_type_with_entries": (
        live_state(BASE),
        model(BLOG.model_copy(update={"fields": BLOG.fields[:4] + BLOG.fields[5:]}), locales=(EN, DE)),
        {
            "allowed": ["content_types.author", "content_types.blogPost.*"],
            "entry_counts": {"content_types.author": 12, "content_types.blogPost.fields.rating": 3},
        },
    ),
    "locale_fallback_chains": (
        live_state(model(locales=(EN, DE, CH))),
        model(locales=(EN, FR, Locale(code="it-IT", name="Italian", fallback_code="fr-FR"))),
        {"allow_destroy": True},
    ),
    "blocked": (
        live_state(BASE),
        model(AUTHOR, locales=(EN,)),
        {"entry_counts": {"content_types.blogPost": 40, "locales.de-DE": 5}, "allowed": ["locales.*"]},
    ),
    "publish_live_draft": (live_state(BASE, draft=("author",)), BASE, {}),
    "modern_model": (
        live_state(BASE.model_copy(update={"tags": TAGS})),
        MODERN,
        {"entry_counts": {"tags.old": 4, "tags.draft": 1}, "allowed": ["tags.draft"]},
    ),
    "tags_unmanaged": (live_state(BASE.model_copy(update={"tags": TAGS})), BASE, {}),
}


def plan_for(name: str) -> Plan:
    live, desired, options = SCENARIOS[name]
    return make_plan(live, desired, **options)  # type: ignore[arg-type]
