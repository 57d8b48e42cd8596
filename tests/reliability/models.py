"""Hypothesis strategies for valid content models (checked with ``reconcile.validate``) and the
entries seeded into them. Small on purpose: every example is applied over HTTP twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from reconcile.declared import load_models, write_models
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Items, Locale
from reconcile.validate import validate

EN = Locale(code="en-US", name="English (United States)", default=True)
CT_IDS = ("article", "author", "page")
FIELD_IDS = ("title", "body", "count", "score", "flag", "when", "hero", "tags", "related", "meta")
OTHER_LOCALES = ("de-DE", "fr-FR")

# (type, link_type, items) shapes and the validations and widgets that fit each.
SHAPES: list[tuple[str, str | None, Items | None]] = [
    ("Symbol", None, None),
    ("Text", None, None),
    ("Integer", None, None),
    ("Number", None, None),
    ("Boolean", None, None),
    ("Date", None, None),
    ("Location", None, None),
    ("Object", None, None),
    ("Link", "Asset", None),
    ("Link", "Entry", None),
    ("Array", None, Items(type="Symbol")),
    ("Array", None, Items(type="Symbol", validations=({"size": {"max": 20}},))),
    ("Array", None, Items(type="Link", link_type="Entry")),
]
VALIDATIONS: dict[str, list[dict[str, Any]]] = {
    "Symbol": [{"size": {"max": 80}}, {"unique": True}, {"in": ["a", "b", "c"]},
               {"regexp": {"pattern": "^[a-z]+$"}, "message": "lower case only"}],
    "Text": [{"size": {"min": 1, "max": 5000}}, {"prohibitRegexp": {"pattern": "<script"}}],
    "Integer": [{"range": {"min": 0, "max": 100}}, {"in": [1, 2, 3]}, {"unique": True}],
    "Number": [{"range": {"min": 0.5}}],
    "Date": [{"dateRange": {"min": "2020-01-01"}}],
    "Link:Asset": [{"linkMimetypeGroup": ["image"]}, {"assetFileSize": {"max": 5242880}}],
    "Link:Entry": [],  # linkContentType is added against the model's own content types
    "Array": [{"size": {"max": 5}}],
}
WIDGETS: dict[str, list[str]] = {
    "Symbol": ["singleLine", "slugEditor", "dropdown", "urlEditor"],
    "Text": ["multipleLine", "markdown", "singleLine"],
    "Integer": ["numberEditor", "rating", "dropdown"],
    "Number": ["numberEditor"],
    "Boolean": ["boolean"],
    "Date": ["datePicker"],
    "Location": ["locationEditor"],
    "Object": ["objectEditor"],
    "Link": ["entryLinkEditor", "entryCardEditor", "assetLinkEditor"],
    "Array": ["tagEditor", "listInput", "checkbox", "entryLinksEditor"],
}
SETTINGS: list[dict[str, Any] | None] = [None, {"helpText": "Help ünïcødé ✓"}, {"helpText": "x", "stars": 5}]


@st.composite
def fields(draw: st.DrawFn, field_id: str, ct_ids: list[str]) -> Field:
    type_, link_type, items = draw(st.sampled_from(SHAPES))
    key = f"Link:{link_type}" if type_ == "Link" else type_
    pool = list(VALIDATIONS.get(key, []))
    if key == "Link:Entry":
        pool.append({"linkContentType": sorted(draw(st.sets(st.sampled_from(ct_ids), min_size=1)))})
    if items is not None and items.type == "Link":
        targets = sorted(draw(st.sets(st.sampled_from(ct_ids), min_size=1)))
        items = items.model_copy(update={"validations": ({"linkContentType": targets},)})
    validations = tuple(draw(st.lists(st.sampled_from(pool), max_size=2, unique_by=repr))) if pool else ()
    return Field(
        id=field_id,
        name=draw(st.sampled_from([field_id.title(), f"{field_id} (ünïcødé)", field_id.upper()])),
        type=type_,  # type: ignore[arg-type]
        link_type=link_type,  # type: ignore[arg-type]
        items=items,
        localized=draw(st.booleans()),
        required=draw(st.booleans()),
        disabled=draw(st.sampled_from([False, False, True])),
        omitted=draw(st.sampled_from([False, False, True])),
        validations=validations,
    )


@st.composite
def content_types(draw: st.DrawFn, ct_id: str, ct_ids: list[str], before: ContentType | None) -> ContentType:
    """A content type; with ``before`` (its state in the other model) it often keeps some fields as
    they were, so a pair differs by a few changes rather than by everything."""
    ids = draw(st.lists(st.sampled_from(FIELD_IDS), min_size=1, max_size=5, unique=True))
    kept = {f.id: f for f in before.fields} if before is not None else {}
    chosen = []
    for field_id in ids:
        if field_id in kept and draw(st.booleans()):
            previous = kept[field_id]
            links = [v.get("linkContentType") for v in previous.validations] + (
                [v.get("linkContentType") for v in previous.items.validations] if previous.items else []
            )
            if all(t is None or set(t) <= set(ct_ids) for t in links):
                chosen.append(previous)
                continue
        chosen.append(draw(fields(field_id, ct_ids)))
    titles = [f.id for f in chosen if f.type in ("Symbol", "Text")]
    return ContentType(
        id=ct_id,
        name=draw(st.sampled_from([ct_id.title(), f"{ct_id.title()} ✓", ct_id])),
        description=draw(st.sampled_from([None, "", "Described ü"])),
        display_field=draw(st.sampled_from([None, *titles])) if titles else None,
        fields=tuple(chosen),
    )


@st.composite
def editor_interfaces(draw: st.DrawFn, ct: ContentType) -> EditorInterface:
    controls = []
    for f in ct.fields:
        if draw(st.booleans()):
            controls.append(Control(
                field_id=f.id,
                widget_id=draw(st.sampled_from(WIDGETS[f.type])),
                widget_namespace=draw(st.sampled_from([None, "builtin"])),
                settings=draw(st.sampled_from(SETTINGS)),
            ))
    return EditorInterface(
        content_type_id=ct.id,
        controls=tuple(controls),
        sidebar=draw(st.sampled_from(
            [None, (), ({"widgetId": "publication-widget", "widgetNamespace": "sidebar-builtin"},)]
        )),
    )


@st.composite
def models(draw: st.DrawFn, before: ContentModel | None = None) -> ContentModel:
    ct_ids = sorted(draw(st.sets(st.sampled_from(CT_IDS), min_size=1)))
    cts = [
        draw(content_types(ct_id, ct_ids, before.content_types.get(ct_id) if before else None)) for ct_id in ct_ids
    ]
    locales = [EN]
    for code in sorted(draw(st.sets(st.sampled_from(OTHER_LOCALES)))):
        locales.append(Locale(
            code=code,
            name=draw(st.sampled_from([code, f"Locale {code} ✓"])),
            fallback_code=draw(st.sampled_from([None, "en-US"])),
            optional=draw(st.booleans()),
        ))
    return ContentModel(
        content_types={ct.id: ct for ct in cts},
        editor_interfaces={ct.id: draw(editor_interfaces(ct)) for ct in cts},
        locales={loc.code: loc for loc in locales},
    )


@st.composite
def model_pairs(draw: st.DrawFn) -> tuple[ContentModel, ContentModel]:
    """(A, B): B is the start, A the models applied to it; A is drawn in B's light."""
    b = draw(models())
    return draw(models(b)), b


def write_valid(model: ContentModel, models_dir: Path) -> None:
    """Write ``model`` as files and require it to pass the offline rules and to load back unchanged."""
    write_models(model, models_dir)
    declared = load_models(models_dir)
    problems = validate(declared)
    assert not problems, "generated an invalid model: " + "; ".join(map(str, problems))


def entry_value(f: Field, seed: int) -> Any:
    """A value of the field's type (data only for the plain types; links are left empty)."""
    if f.type == "Symbol":
        return ["a", "b", "c"][seed % 3]
    if f.type == "Text":
        return f"Text {seed} ünïcødé ✓"
    if f.type == "Integer":
        return 1 + seed % 3
    if f.type == "Number":
        return 1.5 + seed
    if f.type == "Boolean":
        return seed % 2 == 0
    if f.type == "Date":
        return "2024-05-0" + str(1 + seed % 9)
    if f.type == "Object":
        return {"n": seed, "s": "ü"}
    if f.type == "Array" and f.items is not None and f.items.type == "Symbol":
        return [f"t{seed}", "x"]
    return None


def seeded_fields(ct: ContentType, locales: list[str], seed: int) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {}
    for index, f in enumerate(ct.fields):
        value = entry_value(f, seed + index)
        if value is None:
            continue
        codes = locales if f.localized else locales[:1]
        values[f.id] = {code: value for code in codes}
    return values
