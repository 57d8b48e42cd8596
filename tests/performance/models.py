"""Small models for exact request counts."""

from __future__ import annotations

from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Locale

EN = Locale(code="en-US", name="English (United States)", default=True)
DE = Locale(code="de-DE", name="German", fallback_code="en-US", optional=True)


def content_type(ct_id: str, *fields: Field, name: str | None = None) -> ContentType:
    return ContentType(id=ct_id, name=name or ct_id.title(), display_field=fields[0].id if fields else None,
                       fields=fields)


def model(*content_types: ContentType, locales: tuple[Locale, ...] = (EN,),
          editors: tuple[EditorInterface, ...] = ()) -> ContentModel:
    eis = {ei.content_type_id: ei for ei in editors}
    for ct in content_types:
        eis.setdefault(ct.id, EditorInterface(content_type_id=ct.id))
    return ContentModel(content_types={ct.id: ct for ct in content_types}, editor_interfaces=eis,
                        locales={loc.code: loc for loc in locales})


def numbered(n: int, locales: tuple[Locale, ...] = (EN,)) -> ContentModel:
    """``n`` content types of three fields (one localized, one with a validation)."""
    return model(
        *(
            content_type(
                f"type{i:04d}",
                Field(id="title", name="Title", type="Symbol", localized=True),
                Field(id="count", name="Count", type="Integer", validations=({"range": {"min": 0}},)),
                Field(id="body", name="Body", type="Text"),
            )
            for i in range(n)
        ),
        locales=locales,
    )


TITLE = Field(id="title", name="Title", type="Symbol", required=True, validations=({"size": {"max": 80}},))
SLUG = Field(id="slug", name="Slug", type="Symbol", validations=({"unique": True},))
BODY = Field(id="body", name="Body", type="Text", localized=True)
RATING = Field(id="rating", name="Rating", type="Integer")

ARTICLE = content_type("article", TITLE, SLUG, BODY, RATING)
AUTHOR = content_type("author", Field(id="name", name="Name", type="Symbol"), Field(id="bio", name="Bio", type="Text"))
TAG = content_type("tag", Field(id="label", name="Label", type="Symbol"))

ARTICLE_EDITOR = EditorInterface(
    content_type_id="article",
    controls=(
        Control(field_id="slug", widget_id="slugEditor", widget_namespace="builtin"),
        Control(field_id="rating", widget_id="rating", widget_namespace="builtin", settings={"stars": 5}),
    ),
)

#: Three content types (one with a custom editor interface), two locales.
BASE = model(ARTICLE, AUTHOR, TAG, locales=(EN, DE), editors=(ARTICLE_EDITOR,))
