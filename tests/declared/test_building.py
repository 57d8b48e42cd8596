"""The model values of a content type file are built once, from its checked data (``declared.building``,
issue 16): they equal the values pydantic validation makes, in every part a file can declare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from reconcile.declared import read_models
from reconcile.declared.building import content_type_from_data
from reconcile.declared.loader import content_type_of
from reconcile.tomlsource import read_toml

from .support import EXAMPLES

EVERY_PART = """format = 1
id = "everything"
name = "Every part"
description = "A file with every key a content type file may hold"
display_field = "title"
annotations = ["Contentful:AggregateRoot", { id = "Contentful:Other", parameters = { depth = 2 } }]
taxonomy = [{ concept_scheme = "scheme1", required = true }, { concept = "concept1" }]

[[fields]]
id = "title"
name = "Title"
type = "Symbol"
localized = true
required = true
validations = [{ size = { max = 80 }, message = "Short." }, { unique = true }]
default_value = { "en-US" = "draft" }
annotations = [{ id = "Contentful:GraphQLFieldResolver", parameters = { appDefinitionId = "x" } }, "Contentful:Bare"]
editor = { widget_id = "singleLine", widget_namespace = "builtin", settings = { helpText = "Help" } }

[[fields]]
id = "tags"
name = "Tags"
type = "Array"
disabled = true
omitted = true
items = { type = "Link", link_type = "Entry", validations = [{ linkContentType = ["everything"] }] }
renamed_from = "oldTags"
fill = "transforms/tags.py:fill"

[[fields]]
id = "ref"
name = "Reference"
type = "ResourceLink"
allowed_resources = [{ type = "Contentful:Entry", source = "crn:contentful:::content:spaces/s", contentTypes = ["x"] }]
editor = { widget_id = "resourceLinkEditor" }

[[fields]]
id = "plain"
name = "Plain"
type = "Number"
items = { type = "Symbol" }

[editor_interface]
sidebar = [{ widgetId = "publication-widget", widgetNamespace = "sidebar-builtin" }]
editors = []
editor_layout = [{ groupId = "g", name = "G", items = [{ fieldId = "title" }] }]
group_controls = [{ groupId = "g", widgetId = "topLevelTab", widgetNamespace = "builtin" }]
"""


def _every_value(value: Any) -> list[BaseModel]:
    """``value`` and every model value inside it."""
    found: list[BaseModel] = []
    if isinstance(value, BaseModel):
        found.append(value)
        value = tuple(value.__dict__.values())
    if isinstance(value, tuple | list):
        for item in value:
            found.extend(_every_value(item))
    return found


def _assert_like_validated(value: BaseModel) -> None:
    validated = type(value).model_validate(value.model_dump())
    assert value == validated
    assert value.model_dump_json() == validated.model_dump_json()
    for part in _every_value(value):
        assert list(part.__dict__) == list(type(part).model_fields), type(part)  # every field, in order
        assert part.__pydantic_extra__ is None and part.__pydantic_private__ is None
        with pytest.raises(Exception, match="frozen"):
            part.__setattr__(next(iter(type(part).model_fields)), None)


def test_every_part_a_file_declares_builds_as_validation_would(tmp_path: Path) -> None:
    path = tmp_path / "everything.toml"
    path.write_text(EVERY_PART, encoding="utf-8")
    ct, ei = content_type_of(read_toml(path).data)
    for value in (ct, ei):
        _assert_like_validated(value)
    assert ct.annotations == (
        {"id": "Contentful:AggregateRoot"}, {"id": "Contentful:Other", "parameters": {"depth": 2}})
    assert ct.fields[0].annotations == (
        {"id": "Contentful:GraphQLFieldResolver", "parameters": {"appDefinitionId": "x"}}, {"id": "Contentful:Bare"})
    assert ct.taxonomy == ({"concept_scheme": "scheme1", "required": True}, {"concept": "concept1", "required": False})
    assert ct.fields[1].items is not None and ct.fields[1].items.validations == ({"linkContentType": ["everything"]},)
    assert ct.fields[2].allowed_resources is not None and ei.editors == () and ei.sidebar is not None
    assert [c.field_id for c in ei.controls] == ["title", "ref"]
    assert ei.controls[1].widget_namespace is None and ei.controls[1].settings is None


def test_the_example_models_build_as_validation_would() -> None:
    declared, problems = read_models(EXAMPLES)
    assert not problems
    for ct_id, ct in declared.model.content_types.items():
        _assert_like_validated(ct)
        _assert_like_validated(declared.model.editor_interfaces[ct_id])


def test_a_file_without_optional_keys_gets_the_model_defaults() -> None:
    bare = {"id": "bare", "name": "Bare", "fields": [{"id": "a", "name": "A", "type": "Text"}]}
    ct, ei = content_type_from_data(bare)
    _assert_like_validated(ct)
    _assert_like_validated(ei)
    assert ct.fields[0].validations == () and ct.fields[0].items is None and ei.sidebar is None
