"""JSON Schemas (draft 2020-12) of the model files, generated from their shapes into docs/schema/."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from reconcile.declared.shapes import ContentTypeFile, LocalesFile, TagsFile
from reconcile.fsio import atomic_write

SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "content-type.schema.json": ContentTypeFile,
    "locales.schema.json": LocalesFile,
    "tags.schema.json": TagsFile,
}


class _TomlJsonSchema(GenerateJsonSchema):
    """JSON Schema for TOML files: TOML has no null, so an optional key is simply not required."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        if "default" not in schema and "default_factory" in schema:
            # An empty list or table made afresh for each file (no copy of a shared default): shown as its value.
            factory = cast(Callable[[], Any], schema["default_factory"])
            schema = {**schema, "default": factory()}
        result = super().default_schema(schema)
        if result.get("default", ...) is None:
            del result["default"]
        return result


def json_schema(shape: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file shape."""
    schema = shape.model_json_schema(schema_generator=_TomlJsonSchema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text(shape: type[BaseModel]) -> str:
    """The JSON Schema of ``shape`` as the text of its file (stable, indented)."""
    return json.dumps(json_schema(shape), indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """(Re)generate the JSON Schemas of the model files into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, shape in SCHEMA_FILES.items():
        path = directory / name
        atomic_write(path, schema_text(shape))
        written.append(path)
    return written
