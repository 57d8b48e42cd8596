"""``backend.known.parse_like``: a live resource that is exactly the PUT body of a known value is that value, and
the live state is always exactly what ``parse_environment`` makes of the same JSON."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.backend import RawEnvironment, content_type_to_api, editor_interface_to_api, parse_environment
from reconcile.backend.known import parse_like
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Items, LiveState
from reconcile.normalize import normalize
from tests.core.strategies import models


def _sys(kind: str, ct_id: str) -> dict[str, Any]:
    if kind == "ContentType":
        return {"sys": {"id": ct_id, "type": "ContentType", "version": 3, "publishedVersion": 2}}
    link = {"sys": {"type": "Link", "linkType": "ContentType", "id": ct_id}}
    return {"sys": {"type": "EditorInterface", "version": 2, "contentType": link}}


def _raw(model: ContentModel) -> RawEnvironment:
    """The JSON a server holding ``model`` answers (the PUT bodies with their ``sys``), parsed afresh."""
    raw = RawEnvironment(
        [_sys("ContentType", ct.id) | content_type_to_api(ct) for ct in model.content_types.values()],
        [_sys("EditorInterface", ei.content_type_id) | editor_interface_to_api(ei)
         for ei in model.editor_interfaces.values()],
        [],
        [],
    )
    return RawEnvironment(**json.loads(json.dumps(raw.__dict__)))


def _exactly(a: LiveState, b: LiveState) -> bool:
    """Equal to the last type and key order (``==`` says 1 == 1.0 == True and ignores key order)."""
    return a.model_dump_json() == b.model_dump_json() and a == b


def _field(**values: Any) -> Field:
    return Field(**{"id": "title", "name": "Title", "type": "Symbol", **values})


def _known(*fields: Field, **values: Any) -> ContentModel:
    ct = ContentType(id="post", name="Post", fields=fields, **values)
    ei = EditorInterface(content_type_id="post", controls=tuple(Control(field_id=f.id) for f in fields))
    return normalize(ContentModel(content_types={"post": ct}, editor_interfaces={"post": ei}))


@settings(max_examples=150, deadline=None)
@given(models())
def test_a_live_environment_holding_the_known_values_is_those_values_themselves(model: ContentModel) -> None:
    known = normalize(model)
    raw = _raw(known)

    live = parse_like(raw, known)

    assert _exactly(live, parse_environment(raw))
    for ct_id, ct in live.model.content_types.items():
        mine = known.content_types[ct_id]
        assert (ct is mine) == (not mine.unmanaged and all(f.renamed_from is None for f in mine.fields))
    for ct_id, ei in live.model.editor_interfaces.items():
        assert ei is known.editor_interfaces[ct_id]


@settings(max_examples=150, deadline=None)
@given(models(), models())
def test_whatever_the_known_model_the_live_state_is_what_parsing_makes_of_it(live: ContentModel,
                                                                            other: ContentModel) -> None:
    raw = _raw(live)

    assert _exactly(parse_like(raw, normalize(other)), parse_environment(raw))


def _parsed_alike(raw: RawEnvironment, known: ContentModel) -> LiveState:
    live = parse_like(raw, known)
    assert _exactly(live, parse_environment(raw))
    return live


def test_a_number_of_another_type_is_not_the_known_value() -> None:
    known = _known(_field(type="Integer", validations=({"range": {"max": 1}},)))
    for changed in (1.0, True):
        raw = _raw(known)
        raw.content_types[0]["fields"][0]["validations"][0]["range"]["max"] = changed
        assert raw.content_types[0]["fields"][0] == content_type_to_api(known.content_types["post"])["fields"][0]

        live = _parsed_alike(raw, known)

        assert live.model.content_types["post"] is not known.content_types["post"]


def test_keys_in_another_order_inside_a_value_are_not_the_known_value() -> None:
    known = _known(_field(validations=({"size": {"max": 80, "min": 1}, "message": "Short."},)))
    raw = _raw(known)
    raw.content_types[0]["fields"][0]["validations"][0] = {"message": "Short.", "size": {"min": 1, "max": 80}}

    live = _parsed_alike(raw, known)

    assert live.model.content_types["post"] is not known.content_types["post"]
    assert live.model.editor_interfaces["post"] is known.editor_interfaces["post"]


def test_the_order_of_a_resources_own_keys_does_not_matter() -> None:
    known = _known(_field())
    raw = _raw(known)
    raw.content_types[0] = dict(reversed(list(raw.content_types[0].items())))

    assert _parsed_alike(raw, known).model.content_types["post"] is known.content_types["post"]


def test_nan_is_never_the_known_value() -> None:
    known = _known(_field(type="Number", validations=({"range": {"min": float("nan")}},)))
    for live_min in (float("nan"), None):
        raw = _raw(known)
        raw.content_types[0]["fields"][0]["validations"][0]["range"]["min"] = live_min

        assert parse_like(raw, known).model.content_types["post"] is not known.content_types["post"]


def test_extra_keys_renames_metadata_and_unmanaged_keys_are_parsed() -> None:
    plain = _known(_field())
    extra = _raw(plain)
    extra.content_types[0]["fields"][0]["apiName"] = "title"
    extra.editor_interfaces[0]["sidebar"] = []
    cases = [
        (extra, plain),
        (_raw(_known(_field(renamed_from="headline"))), _known(_field(renamed_from="headline"))),
        (_raw(_known(_field(annotations=({"id": "Contentful:GraphQLFieldResolver"},)))),
         _known(_field(annotations=({"id": "Contentful:GraphQLFieldResolver"},)))),
        (_raw(_known(_field(), taxonomy=({"concept": "c1", "required": True},))),
         _known(_field(), taxonomy=({"concept": "c1", "required": True},))),
        (_raw(_known(_field(), unmanaged={"x": 1})), _known(_field(), unmanaged={"x": 1})),
    ]
    for raw, known in cases:
        live = _parsed_alike(raw, known)

        assert live.model.content_types["post"] is not known.content_types["post"]
    assert _parsed_alike(extra, plain).model.editor_interfaces["post"] is not plain.editor_interfaces["post"]


def test_every_attribute_of_the_values_taken_so_is_one_the_reasoning_covers() -> None:
    """``backend.known`` relies on the PUT body carrying every attribute (see its docstring): an attribute
    added to these values must be sent and read back, or be guarded there, before this list is updated."""
    assert list(ContentType.model_fields) == [
        "id", "name", "description", "display_field", "fields", "annotations", "taxonomy", "unmanaged"]
    assert list(Field.model_fields) == [
        "id", "name", "type", "link_type", "items", "localized", "required", "disabled", "omitted", "validations",
        "default_value", "allowed_resources", "renamed_from", "annotations"]
    assert list(Items.model_fields) == ["type", "link_type", "validations"]
    assert list(EditorInterface.model_fields) == [
        "content_type_id", "controls", "sidebar", "editors", "editor_layout", "group_controls", "unmanaged"]
    assert list(Control.model_fields) == ["field_id", "widget_id", "widget_namespace", "settings"]


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["max", "min"]), st.one_of(st.integers(-3, 3), st.floats(allow_nan=True),
                                                                  st.booleans(), st.none())))
def test_any_size_validation_parses_alike(size: dict[str, Any]) -> None:
    known = _known(_field(validations=({"size": {"max": 3}},)))
    raw = _raw(known)
    raw.content_types[0]["fields"][0]["validations"] = [{"size": size}]

    _parsed_alike(raw, known)
