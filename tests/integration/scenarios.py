"""Start/target model pairs for convergence tests, built as values and written with ``write_models``."""

from __future__ import annotations

from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Items, Locale

EN = Locale(code="en-US", name="English (United States)", default=True)
DE = Locale(code="de-DE", name="German", fallback_code="en-US", optional=True)
FR = Locale(code="fr-FR", name="French", fallback_code="en-US", optional=True)


def _model(*content_types: ContentType, locales: tuple[Locale, ...] = (EN,),
           editors: tuple[EditorInterface, ...] = ()) -> ContentModel:
    eis = {ei.content_type_id: ei for ei in editors}
    for ct in content_types:
        eis.setdefault(ct.id, EditorInterface(content_type_id=ct.id))
    return ContentModel(
        content_types={ct.id: ct for ct in content_types},
        editor_interfaces=eis,
        locales={loc.code: loc for loc in locales},
    )


AUTHOR = ContentType(
    id="author", name="Author", display_field="name",
    fields=(
        Field(id="name", name="Name", type="Symbol", required=True, validations=({"size": {"max": 80}},)),
        Field(id="bio", name="Bio", type="Text", localized=True),
        Field(id="age", name="Age", type="Integer", validations=({"range": {"min": 0, "max": 150}},)),
    ),
)
ARTICLE = ContentType(
    id="article", name="Article", display_field="title", description="A news article",
    fields=(
        Field(id="title", name="Title", type="Symbol", localized=True, required=True),
        Field(id="body", name="Body", type="Text", localized=True),
        Field(id="legacy", name="Legacy code", type="Symbol"),
        Field(id="rating", name="Rating", type="Integer"),
        Field(id="author", name="Author", type="Link", link_type="Entry",
              validations=({"linkContentType": ["author"]},)),
        Field(id="tags", name="Tags", type="Array", items=Items(type="Symbol", validations=({"size": {"max": 20}},))),
    ),
)
LEGACY = ContentType(
    id="legacyPage", name="Legacy page", display_field="slug",
    fields=(Field(id="slug", name="Slug", type="Symbol"),),
)

START = _model(AUTHOR, ARTICLE, LEGACY, locales=(EN, DE))

ARTICLE_NEXT = ContentType(
    id="article", name="News article", display_field="headline", description="A news article",
    fields=(
        # renamed title -> headline, keeps data
        Field(id="headline", name="Headline", type="Symbol", localized=True, required=True, renamed_from="title"),
        # moved author before body
        Field(id="author", name="Author", type="Link", link_type="Entry",
              validations=({"linkContentType": ["author"]},)),
        Field(id="body", name="Body", type="Text", localized=True, validations=({"size": {"max": 5000}},)),
        # type change Integer -> Number: replaced (destructive)
        Field(id="rating", name="Rating", type="Number"),
        Field(id="tags", name="Tags", type="Array", items=Items(type="Symbol", validations=({"size": {"max": 20}},))),
        Field(id="summary", name="Summary", type="Text"),
        # `legacy` removed (destructive)
    ),
)
EVENT = ContentType(
    id="event", name="Event", display_field="title",
    fields=(
        Field(id="title", name="Title", type="Symbol", required=True),
        Field(id="when", name="When", type="Date"),
        Field(id="where", name="Where", type="Location"),
        Field(id="speakers", name="Speakers", type="Array",
              items=Items(type="Link", link_type="Entry", validations=({"linkContentType": ["author"]},))),
    ),
)
VENUE = ContentType(
    id="venue", name="Venue", display_field="name",
    fields=(Field(id="name", name="Name", type="Symbol"), Field(id="capacity", name="Capacity", type="Integer")),
)
SPONSOR = ContentType(
    id="sponsor", name="Sponsor", display_field="name",
    fields=(
        Field(id="name", name="Name", type="Symbol"),
        Field(id="logo", name="Logo", type="Link", link_type="Asset"),
    ),
)

TALK = ContentType(
    id="talk", name="Talk", display_field="title",
    fields=(
        Field(id="title", name="Title", type="Symbol", localized=True),
        Field(id="event", name="Event", type="Link", link_type="Entry", validations=({"linkContentType": ["event"]},)),
    ),
)

TARGET = _model(
    AUTHOR, ARTICLE_NEXT, EVENT, VENUE, SPONSOR, TALK,
    locales=(EN, FR),  # legacyPage deleted, de-DE deleted, fr-FR created, four content types created
    editors=(EditorInterface(content_type_id="author", controls=(
        Control(field_id="name", widget_id="singleLine", widget_namespace="builtin",
                settings={"helpText": "Full name"}),
        Control(field_id="bio", widget_id="multipleLine", widget_namespace="builtin"),
    )),),
)

EMPTY = ContentModel(locales={"en-US": EN})

# Entries seeded in START (content type, id, fields) so destroyed data can be checked after revert.
START_ENTRIES: list[tuple[str, str, dict[str, dict[str, object]]]] = [
    ("author", "ada", {"name": {"en-US": "Ada"}, "bio": {"en-US": "Mathematician", "de-DE": "Mathematikerin"},
                       "age": {"en-US": 36}}),
    ("article", "a1", {"title": {"en-US": "Hello", "de-DE": "Hallo"}, "body": {"en-US": "Text"},
                       "legacy": {"en-US": "L-1"}, "rating": {"en-US": 4},
                       "author": {"en-US": {"sys": {"type": "Link", "linkType": "Entry", "id": "ada"}}}}),
    ("article", "a2", {"title": {"en-US": "Second"}, "legacy": {"en-US": "L-2"}}),
    ("legacyPage", "p1", {"slug": {"en-US": "old-home"}}),
]
