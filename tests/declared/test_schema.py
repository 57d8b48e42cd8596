"""The committed JSON Schemas equal freshly generated ones and describe every file key."""

from __future__ import annotations

import json
from pathlib import Path

from reconcile.declared import SCHEMA_FILES, schema_text, write_schemas

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "docs" / "schema"


def test_committed_schemas_are_fresh() -> None:
    for name, shape in SCHEMA_FILES.items():
        committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == schema_text(shape), f"{name} is stale: regenerate it with write_schemas(docs/schema)"


def test_write_schemas_writes_every_file(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "schema")
    assert [p.name for p in written] == ["content-type.schema.json", "locales.schema.json", "tags.schema.json"]
    content_type = json.loads(written[0].read_text())
    assert content_type["required"] == ["format", "id", "name"]
    assert content_type["additionalProperties"] is False
    field = content_type["$defs"]["FieldDecl"]
    assert field["required"] == ["id", "name", "type"]
    assert "Symbol" in field["properties"]["type"]["enum"]
    assert "renamed_from" in field["properties"] and "default" not in field["properties"]["link_type"]
    assert "null" not in json.dumps(content_type), "TOML has no null: optional keys are simply not required"
    locales = json.loads(written[1].read_text())
    assert locales["$defs"]["LocaleDecl"]["required"] == ["code", "name"]
