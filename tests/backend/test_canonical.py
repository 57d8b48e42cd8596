"""``backend.canonical.canonical_parts``: live JSON taken straight into canonical content is, byte for byte, the
canonical JSON of what parsing and normalising make of it, and its file's text the writer's; JSON of a shape it
does not take (or that the parser refuses) is left to the parser."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.backend import RawEnvironment, content_type_to_api, editor_interface_to_api, parse_environment
from reconcile.backend.canonical import canonical_parts
from reconcile.declared.editor import document_text
from reconcile.declared.rendering import Renderer
from reconcile.declared.writer import content_type_doc
from reconcile.errors import ReconcileError
from reconcile.interning import Interner
from reconcile.model import ContentModel, JsonObject
from reconcile.normalize import content_json, document_json, normalize
from tests.core.strategies import models

Mangle = tuple[str, int]
# Shapes the parser normalises, all taken straight.
TAKEN = ["none", "reverse validations", "reorder keys", "null members", "empty description", "drop booleans",
         "floats", "api name", "reverse controls", "unknown control", "twice a control", "no interface",
         "empty settings", "null settings member", "no controls"]  # fmt: skip
# Shapes left to the parser (or that it refuses).
LEFT = ["default value", "empty default value", "allowed resources", "metadata", "bad type", "name not text",
        "validations not a list", "validation not an object", "control without field", "settings a list",
        "sidebar an object", "items not an object", "fields an object", "bad link type"]  # fmt: skip


def _link(ct_id: str) -> JsonObject:
    return {"sys": {"type": "Link", "linkType": "ContentType", "id": ct_id}}


def _mangle(ct: JsonObject, ei: JsonObject | None, how: str, at: int) -> JsonObject | None:
    """Apply ``how`` to the ``at``-th field (or control) of ``ct`` / ``ei`` in place; the editor interface."""
    fields, controls = ct["fields"], (ei or {}).get("controls", [])
    field = fields[at % len(fields)] if fields and isinstance(fields, list) else {}
    validations = field.get("validations") or [{}]
    if not isinstance(validations, list) or not all(isinstance(v, dict) for v in validations):
        validations = [{}]
    if how == "reverse validations":
        field["validations"] = list(reversed(field.get("validations", [])))
    elif how == "reorder keys":
        validations[0].update(dict(reversed(list(validations[0].items()))) if validations[0] else {"unique": True})
        field["validations"] = [dict(reversed(list(v.items()))) for v in validations]
    elif how == "null members":
        validations[0]["message"] = None
        field["validations"] = validations
    elif how == "empty description":
        ct["description"] = ""
    elif how == "drop booleans":
        for key in ("localized", "required", "disabled", "omitted"):
            field.pop(key, None)
    elif how == "floats":
        field["validations"] = [{"range": {"min": 0.0, "max": 1}}, {"in": [1, 1.0, True]}]
    elif how == "api name":
        field["apiName"] = field.get("id")
    elif how == "reverse controls" and ei is not None:
        ei["controls"] = list(reversed(controls))
    elif how == "unknown control" and ei is not None:
        ei["controls"] = [*controls, {"fieldId": "gone", "widgetId": "x"}]
    elif how == "twice a control" and ei is not None and controls:
        ei["controls"] = [*controls, {**controls[0], "widgetId": "second"}]
    elif how == "no interface":
        return None
    elif how in ("empty settings", "null settings member") and controls:
        controls[at % len(controls)]["settings"] = {} if how == "empty settings" else {"helpText": None, "b": {"a": 1}}
    elif how == "no controls" and ei is not None:
        ei.pop("controls", None)
    elif how in ("default value", "empty default value"):
        field["defaultValue"] = {"en-US": "x"} if how == "default value" else {}
    elif how == "allowed resources":
        field["allowedResources"] = []
    elif how == "metadata":
        ct["metadata"] = {"taxonomy": []}
    elif how == "bad type":
        field["type"] = "Nope"
    elif how == "name not text":
        field["name"] = 5
    elif how == "validations not a list":
        field["validations"] = "unique"
    elif how == "validation not an object":
        field["validations"] = ["unique"]
    elif how == "control without field" and controls:
        controls[0]["fieldId"] = None
    elif how == "settings a list" and controls:
        controls[0]["settings"] = ["x"]
    elif how == "sidebar an object" and ei is not None:
        ei["sidebar"] = {"a": 1}
    elif how == "items not an object":
        field["items"] = ["Symbol"]
    elif how == "fields an object":
        ct["fields"] = {"a": 1}
    elif how == "bad link type":
        field["linkType"] = ["Entry"]
    return ei


def _slow(ct: JsonObject, ei: JsonObject | None) -> tuple[bytes, bytes, str | None] | None:
    """The canonical JSON of the parsed and normalised content type and editor interface, and the writer's text
    (None where it refuses the values); None where the parser refuses them."""
    try:
        live = parse_environment(RawEnvironment([ct], [] if ei is None else [ei], []))
    except (ReconcileError, AttributeError, TypeError):
        return None
    model = normalize(live.model)
    [(ct_id, canonical)] = model.content_types.items()
    try:
        text: str | None = document_text(content_type_doc(canonical, model.editor_interfaces[ct_id]))
    except ReconcileError:
        text = None
    return document_json(canonical), document_json(model.editor_interfaces[ct_id]), text


@settings(max_examples=300, deadline=None)
@given(models(), st.lists(st.tuples(st.sampled_from(TAKEN + LEFT), st.integers(0, 9)), max_size=3))
def test_live_json_taken_straight_is_what_parsing_and_normalising_make_of_it(
    model: ContentModel, mangles: list[Mangle]
) -> None:
    run, renderer = Interner(), Renderer()
    for ct_id, value in model.content_types.items():
        ct: JsonObject = {"sys": {"id": ct_id, "type": "ContentType", "version": 1}, **content_type_to_api(value)}
        ei = model.editor_interfaces.get(ct_id)
        ei_json: JsonObject | None = None if ei is None else {
            "sys": {"type": "EditorInterface", "contentType": _link(ct_id)}, **editor_interface_to_api(ei)}
        ct, ei_json = json.loads(json.dumps(ct)), json.loads(json.dumps(ei_json))  # as read: lists, fresh
        for how, at in mangles:
            ei_json = _mangle(ct, ei_json, how, at)
        before = copy.deepcopy((ct, ei_json))

        parts = canonical_parts(ct, ei_json, run)

        assert (ct, ei_json) == before  # the JSON as read is left as it is
        slow = _slow(ct, ei_json)
        if parts is None:
            plain = "metadata" not in ct and not any(how in LEFT for how, _ in mangles)
            assert slow is None or not plain, "a plain content type was left to the parser"
            continue
        assert slow is not None, "taken straight, but the parser refuses it"
        assert (content_json(parts[0]), content_json(parts[1]), renderer.text(*parts)) == slow


def test_an_editor_interface_without_its_content_type_link_is_left_to_the_parser() -> None:
    ct = {"sys": {"id": "a"}, "name": "A", "fields": []}
    assert canonical_parts(ct, {"sys": {"contentType": {"sys": {}}}, "controls": []}, Interner()) is None
    assert canonical_parts(ct, {"sys": {"contentType": _link("a")}, "controls": []}, Interner()) is not None
