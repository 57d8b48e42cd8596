"""Hypothesis strategies of generated content models, and of (live, desired) pairs where the desired
model may rename live fields; shared by the core properties and the hostile corpus's regressions."""

from __future__ import annotations

from hypothesis import strategies as st

from bench.live import created_by_publish
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Items, Locale
from tests.core.builders import EN

FIELD_IDS = ["title", "body", "count", "hero", "tags", "extra"]
VALIDATIONS: dict[str, list[dict[str, object]]] = {
    "Symbol": [{"size": {"max": 10}}, {"unique": True}, {"in": ["a", "b"]}, {"size": {"min": 1, "max": None}}],
    "Text": [{"size": {"max": 500}, "message": None}],
    "Integer": [{"range": {"min": 0}}, {"in": [1, 2]}],
    "Link": [{"linkContentType": ["b", "a"]}],
    "Array": [{"size": {"max": 3}}],
}


@st.composite
def fields(draw: st.DrawFn, field_id: str) -> Field:
    kind = draw(st.sampled_from(["Symbol", "Text", "Integer", "Link", "Array"]))
    extra: dict[str, object] = {}
    if kind == "Link":
        extra["link_type"] = draw(st.sampled_from(["Entry", "Asset"]))
    if kind == "Array":
        extra["items"] = draw(
            st.sampled_from(
                [
                    Items(type="Symbol"),
                    Items(type="Link", link_type="Entry", validations=({"linkContentType": ["x", "a"]},)),
                ]
            )
        )
    return Field(
        id=field_id,
        name=draw(st.sampled_from([field_id.title(), field_id.upper()])),
        type=kind,
        required=draw(st.booleans()),
        localized=draw(st.booleans()),
        omitted=draw(st.booleans()),
        disabled=draw(st.booleans()),
        validations=tuple(draw(st.lists(st.sampled_from(VALIDATIONS[kind]), max_size=2, unique_by=repr))),
        **extra,
    )


@st.composite
def content_types(draw: st.DrawFn, ct_id: str, previous: ContentType | None) -> ContentType:
    ids = draw(st.lists(st.sampled_from(FIELD_IDS), unique=True, max_size=5))
    chosen = [draw(fields(field_id)) for field_id in ids]
    if previous is not None and previous.fields and draw(st.booleans()):
        # rename one live field (same definition, new id) when the new id is free
        source = draw(st.sampled_from(previous.fields))
        target = f"{source.id}2"
        if source.id not in ids and target not in ids:
            chosen.insert(
                draw(st.integers(0, len(chosen))), source.model_copy(update={"id": target, "renamed_from": source.id})
            )
    symbols = [f.id for f in chosen if f.type == "Symbol"]
    display = draw(st.sampled_from([None, *symbols])) if symbols else None
    return ContentType(
        id=ct_id,
        name=draw(st.sampled_from([ct_id, ct_id.upper()])),
        description=draw(st.sampled_from([None, "", "About it"])),
        display_field=display,
        fields=tuple(chosen),
        unmanaged=draw(st.sampled_from([{}, {"metadata": {"taxonomy": []}}])),
    )


@st.composite
def editor_interfaces(draw: st.DrawFn, ct: ContentType) -> EditorInterface:
    controls = [
        Control(
            field_id=f.id,
            widget_id=draw(st.sampled_from([None, "singleLine", "markdown"])),
            settings=draw(st.sampled_from([None, {}, {"helpText": "h"}])),
        )
        for f in ct.fields
        if draw(st.booleans())
    ]
    return EditorInterface(
        content_type_id=ct.id,
        controls=tuple(draw(st.permutations(controls))),
        sidebar=draw(
            st.sampled_from([None, (), ({"widgetId": "publication-widget", "widgetNamespace": "sidebar-builtin"},)])
        ),
    )


@st.composite
def models(draw: st.DrawFn, previous: ContentModel | None = None) -> ContentModel:
    cts = []
    for ct_id in draw(st.lists(st.sampled_from(["a", "b", "c"]), unique=True, max_size=3)):
        before = previous.content_types.get(ct_id) if previous else None
        cts.append(draw(content_types(ct_id, before)))
    eis = [draw(editor_interfaces(ct)) for ct in cts if draw(st.booleans())]
    locales = [EN]
    for code in draw(st.lists(st.sampled_from(["de-DE", "fr-FR", "it-IT"]), unique=True, max_size=3)):
        fallback = draw(st.sampled_from([None, *(loc.code for loc in locales)]))
        locales.append(Locale(code=code, name=code, fallback_code=fallback, optional=draw(st.booleans())))
    return ContentModel(
        content_types={ct.id: ct for ct in cts},
        editor_interfaces={ei.content_type_id: ei for ei in eis},
        locales={loc.code: loc for loc in locales},
    )


@st.composite
def model_pairs(draw: st.DrawFn) -> tuple[ContentModel, ContentModel]:
    current = draw(models())
    live = ContentModel(
        content_types={
            ct_id: ct.model_copy(
                update={"fields": tuple(f.model_copy(update={"renamed_from": None}) for f in ct.fields)}
            )
            for ct_id, ct in current.content_types.items()
        },
        # Every live content type here is published (``live_state`` reads them so), and Contentful creates the
        # editor interface of a content type on its first publish, with no way to delete it (facts §1.3): a
        # published content type without one cannot be read from a space. (A never-published draft has none:
        # tests/integration/test_draft_editor_interface.py.)
        editor_interfaces={
            ct_id: current.editor_interfaces.get(ct_id) or created_by_publish(ct)
            for ct_id, ct in current.content_types.items()
        },
        locales=current.locales,
    )
    return live, draw(models(live))
