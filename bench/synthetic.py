"""Deterministic synthetic content models for the benchmarks and the performance tests.

``synthetic_model(n)`` builds ``n`` content types of up to ``max_fields`` fields each (every field
type, validations on most of them, links between content types, editor-interface controls with
widgets and settings, a sidebar on some), with three locales. ``changed_model`` changes 10% of the
content types of such a model: a quarter of them lose a field, a quarter gain one, a quarter get a
tightened validation and a quarter only an editor-interface change.
"""

from __future__ import annotations

from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Items, Locale

LOCALES = (
    Locale(code="en-US", name="English (United States)", default=True),
    Locale(code="de-DE", name="German", fallback_code="en-US", optional=True),
    Locale(code="fr-FR", name="French", fallback_code="en-US", optional=True),
)


def type_id(index: int) -> str:
    return f"type{index:04d}"


def _field(ct_index: int, f: int, n_types: int) -> tuple[Field, Control | None]:
    """Field ``f`` of content type ``ct_index``: the kind cycles through 12 shapes."""
    fid = f"field{f:02d}"
    name = f"Field {f} of type {ct_index}"
    target = type_id((ct_index + f) % n_types)
    kind = f % 12
    if kind == 0:
        field = Field(id=fid, name=name, type="Symbol", required=True, localized=True,
                      validations=({"size": {"max": 80 + f}, "message": "Keep it short."},))
        return field, Control(field_id=fid, widget_id="singleLine", widget_namespace="builtin",
                              settings={"helpText": f"Help for {fid}"})
    if kind == 1:
        return Field(id=fid, name=name, type="Text", localized=True,
                     validations=({"size": {"min": 1, "max": 5000}},)), \
            Control(field_id=fid, widget_id="multipleLine", widget_namespace="builtin")
    if kind == 2:
        return Field(id=fid, name=name, type="Integer",
                     validations=({"range": {"min": 0, "max": 1000 + f}},)), None
    if kind == 3:
        return Field(id=fid, name=name, type="Number", validations=({"range": {"min": 0.5}},)), None
    if kind == 4:
        return Field(id=fid, name=name, type="Boolean"), \
            Control(field_id=fid, widget_id="boolean", widget_namespace="builtin",
                    settings={"trueLabel": "yes", "falseLabel": "no"})
    if kind == 5:
        return Field(id=fid, name=name, type="Date",
                     validations=({"dateRange": {"min": "2020-01-01"}},)), None
    if kind == 6:
        return Field(id=fid, name=name, type="Link", link_type="Entry",
                     validations=({"linkContentType": [target]},)), \
            Control(field_id=fid, widget_id="entryLinkEditor", widget_namespace="builtin")
    if kind == 7:
        return Field(id=fid, name=name, type="Link", link_type="Asset",
                     validations=({"linkMimetypeGroup": ["image"]}, {"assetFileSize": {"max": 5242880}})), None
    if kind == 8:
        return Field(id=fid, name=name, type="Array", validations=({"size": {"max": 10}},),
                     items=Items(type="Symbol", validations=({"in": ["a", "b", "c", f"v{f}"]},))), \
            Control(field_id=fid, widget_id="tagEditor", widget_namespace="builtin")
    if kind == 9:
        return Field(id=fid, name=name, type="Array",
                     items=Items(type="Link", link_type="Entry", validations=({"linkContentType": [target]},))), None
    if kind == 10:
        return Field(id=fid, name=name, type="RichText", localized=True,
                     validations=({"enabledMarks": ["bold", "italic"]},
                                  {"enabledNodeTypes": ["heading-2", "hyperlink"]})), None
    return Field(id=fid, name=name, type="Symbol", validations=({"unique": True},
                                                                {"regexp": {"pattern": "^[a-z0-9-]+$"}})), None


def fields_of(index: int, max_fields: int) -> int:
    """Every fifth content type has ``max_fields`` fields; the others between 10 and ``max_fields``."""
    if index % 5 == 0:
        return max_fields
    return min(max_fields, 10 + (index * 7) % (max_fields - 9)) if max_fields > 10 else max_fields


def synthetic_model(n_types: int, max_fields: int = 50, *, all_max: bool = False) -> ContentModel:
    """``n_types`` content types; with ``all_max`` every one has exactly ``max_fields`` fields."""
    content_types: dict[str, ContentType] = {}
    editor_interfaces: dict[str, EditorInterface] = {}
    for i in range(n_types):
        ct_id = type_id(i)
        count = max_fields if all_max else fields_of(i, max_fields)
        pairs = [_field(i, f, n_types) for f in range(count)]
        content_types[ct_id] = ContentType(
            id=ct_id, name=f"Type {i}", description=f"Synthetic content type {i}", display_field="field00",
            fields=tuple(field for field, _ in pairs),
        )
        editor_interfaces[ct_id] = EditorInterface(
            content_type_id=ct_id,
            controls=tuple(control for _, control in pairs if control is not None),
            sidebar=({"widgetId": "publication-widget", "widgetNamespace": "sidebar-builtin"},) if i % 3 == 0 else None,
        )
    return ContentModel(content_types=content_types, editor_interfaces=editor_interfaces,
                        locales={loc.code: loc for loc in LOCALES})


def changed_ids(model: ContentModel, fraction: float = 0.1) -> list[str]:
    """The content types ``changed_model`` changes: every ``1/fraction``-th one (at least one)."""
    ids = sorted(model.content_types)
    step = max(1, round(1 / fraction))
    return ids[min(1, len(ids) - 1) :: step]


def changed_model(model: ContentModel, fraction: float = 0.1) -> ContentModel:
    """``model`` with ``fraction`` of its content types changed (see the module docstring)."""
    content_types = dict(model.content_types)
    editor_interfaces = dict(model.editor_interfaces)
    for n, ct_id in enumerate(changed_ids(model, fraction)):
        ct = content_types[ct_id]
        kind = n % 4
        if kind == 0:  # lose the last field (destructive: omit, then remove)
            content_types[ct_id] = ct.model_copy(update={"fields": ct.fields[:-1]})
            ei = editor_interfaces[ct_id]
            last = ct.fields[-1].id
            editor_interfaces[ct_id] = ei.model_copy(
                update={"controls": tuple(c for c in ei.controls if c.field_id != last)})
        elif kind == 1:  # gain a field (or, at the 50-field limit, rename the last field's label)
            if len(ct.fields) < 50:
                extra = Field(id="added", name="Added field", type="Symbol", validations=({"size": {"max": 40}},))
                content_types[ct_id] = ct.model_copy(update={"fields": (*ct.fields, extra)})
            else:
                last = ct.fields[-1].model_copy(update={"name": "Renamed label"})
                content_types[ct_id] = ct.model_copy(update={"fields": (*ct.fields[:-1], last)})
        elif kind == 2:  # tighten a validation of the first field
            first = ct.fields[0]
            tightened = first.model_copy(update={"validations": ({"size": {"max": 40}, "message": "Shorter."},)})
            content_types[ct_id] = ct.model_copy(update={"fields": (tightened, *ct.fields[1:])})
        else:  # editor interface only: a help text on the first control
            ei = editor_interfaces[ct_id]
            control = Control(field_id=ct.fields[0].id, widget_id="singleLine", widget_namespace="builtin",
                              settings={"helpText": "Changed help text"})
            rest = tuple(c for c in ei.controls if c.field_id != ct.fields[0].id)
            editor_interfaces[ct_id] = ei.model_copy(update={"controls": (control, *rest)})
    return ContentModel(content_types=content_types, editor_interfaces=editor_interfaces, locales=dict(model.locales))
