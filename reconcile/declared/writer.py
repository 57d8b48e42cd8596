"""Writing model files (``reconcile pull``, ``drift --adopt``): a ``ContentModel`` as TOML text.

Output is stable: fixed key order, only values that differ from the defaults, tomli-w layout,
byte-identical files for the same model.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel

from reconcile.declared.layout import (
    CONTENT_TYPES_DIR,
    LOCALES_FILE,
    TAGS_FILE,
    content_type_path,
    id_of,
    is_model_file,
)
from reconcile.declared.shapes import FORMAT_VERSION
from reconcile.errors import ReconcileError
from reconcile.fsio import atomic_write
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Locale, Tag, is_valid_id


def write_models(model: ContentModel, models_dir: Path, only: str | None = None) -> list[Path]:
    """Write ``model`` as model files under ``models_dir``; return the files written.

    With ``only`` set, write just that content type's file. Otherwise write every content type and
    ``locales.toml`` and remove ``content_types/*.toml`` files of content types not in the model.
    Output is deterministic: writing the same model twice gives byte-identical files. Controls
    without widget or settings are not written (they equal the default a missing ``editor`` gets),
    nor are ``unmanaged`` keys; ``null`` members of opaque JSON objects are left out (TOML has no null).
    """
    ids = [only] if only is not None else sorted(model.content_types)
    for ct_id in ids:
        if ct_id not in model.content_types:
            raise ReconcileError(
                f"content type {ct_id!r} is not in the model", hint="check the id (ids are case-sensitive)"
            )
        if not is_valid_id(ct_id):
            raise ReconcileError(
                f"content type id {ct_id!r} cannot be written as a file name",
                hint="ids are 1-64 characters of letters, digits, '-', '_' and '.'",
            )
    ct_dir = models_dir / CONTENT_TYPES_DIR
    ct_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for ct_id in ids:
        ct = model.content_types[ct_id]
        ei = model.editor_interfaces.get(ct_id, EditorInterface(content_type_id=ct_id))
        path = content_type_path(models_dir, ct_id)
        atomic_write(path, content_type_toml(ct, ei))
        written.append(path)
    if only is None:
        written.append(write_locales(model, models_dir))
        if model.tags or (models_dir / TAGS_FILE).exists():  # no tags and no file: tags stay unmanaged
            written.append(write_tags(model.tags or {}, models_dir))
        for stale in sorted(ct_dir.glob("*.toml")):
            if is_model_file(stale) and id_of(stale) not in model.content_types:
                stale.unlink()
    return written


def write_locales(model: ContentModel, models_dir: Path) -> Path:
    """Write only ``locales.toml`` (for `drift --adopt` when only locales drifted)."""
    path = models_dir / LOCALES_FILE
    models_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(path, locales_toml(model.locales))
    return path


def write_tags(tags: Mapping[str, Tag], models_dir: Path) -> Path:
    """Write ``tags.toml``: the tags by id, visibility always (it is fixed at creation)."""
    path = models_dir / TAGS_FILE
    rows = [{"id": t.id, "name": t.name, "visibility": t.visibility} for _, t in sorted(tags.items())]
    atomic_write(path, tomli_w.dumps({"format": FORMAT_VERSION, "tags": rows}))
    return path


def content_type_toml(ct: ContentType, ei: EditorInterface) -> str:
    """The file text of one content type and its editor interface."""
    controls = {c.field_id: c for c in ei.controls}
    doc: dict[str, Any] = {"format": FORMAT_VERSION, "id": ct.id, "name": ct.name}
    _put(doc, "description", ct.description)
    _put(doc, "display_field", ct.display_field)
    _put_metadata(doc, ct.annotations, ct.taxonomy, ct.id)
    fields = [_field_table(f, controls.get(f.id)) for f in ct.fields]
    if fields:
        doc["fields"] = fields
    parts: dict[str, Any] = {}
    for key in ("sidebar", "editors", "editor_layout", "group_controls"):
        value = getattr(ei, key)
        if value is not None:
            parts[key] = [_json_for_toml(item, f"editor_interface.{key}") for item in value]
    if parts:
        doc["editor_interface"] = parts
    return tomli_w.dumps(doc)


def locales_toml(locales: Mapping[str, Locale]) -> str:
    """The text of ``locales.toml``: the default locale first, then by code."""
    ordered = sorted(locales.values(), key=lambda loc: (not loc.default, loc.code))
    return tomli_w.dumps({"format": FORMAT_VERSION, "locales": [_non_default(loc) for loc in ordered]})


def _field_table(f: Field, control: Control | None) -> dict[str, Any]:
    """One ``[[fields]]`` table: the field's non-default values and its editor control."""
    where = f"fields.{f.id}"
    table = _non_default(f, exclude={"items", "validations", "default_value", "allowed_resources", "annotations"})
    if f.validations:
        table["validations"] = [_json_for_toml(v, f"{where}.validations") for v in f.validations]
    _put(table, "default_value", None if f.default_value is None else _json_for_toml(f.default_value, where))
    if f.allowed_resources is not None:
        table["allowed_resources"] = [_json_for_toml(r, f"{where}.allowed_resources") for r in f.allowed_resources]
    if f.items is not None:
        items = _non_default(f.items, exclude={"validations"})
        if f.items.validations:
            items["validations"] = [_json_for_toml(v, f"{where}.items.validations") for v in f.items.validations]
        table["items"] = items
    if control is not None and (control.widget_id, control.widget_namespace, control.settings) != (None,) * 3:
        editor = _non_default(control, exclude={"field_id", "settings"})
        _put(editor, "settings", None if control.settings is None else _json_for_toml(control.settings, where))
        table["editor"] = editor
    _put_metadata(table, f.annotations, (), where)
    return table


def _put_metadata(table: dict[str, Any], annotations: Any, taxonomy: Any, where: str) -> None:
    """``annotations`` (an id alone when it has no parameters) and ``taxonomy`` links (``required`` only
    when true), when there are any."""
    if annotations:
        table["annotations"] = [
            _json_for_toml(a, f"{where}.annotations") if a.get("parameters") else a["id"] for a in annotations
        ]
    if taxonomy:
        table["taxonomy"] = [{k: v for k, v in link.items() if k != "required" or v} for link in taxonomy]


def _non_default(value: BaseModel, exclude: set[str] | None = None) -> dict[str, Any]:
    """The model's keys whose values differ from their defaults, in declaration order."""
    return {
        name: getattr(value, name)
        for name, info in type(value).model_fields.items()
        if name not in (exclude or set()) and (info.is_required() or getattr(value, name) != info.default)
    }


def _put(table: dict[str, Any], key: str, value: Any) -> None:
    """Set ``table[key]`` unless ``value`` is None (TOML has no null)."""
    if value is not None:
        table[key] = value


def _json_for_toml(value: Any, where: str) -> Any:
    """Opaque JSON as TOML can hold it: members whose value is null are dropped."""
    if isinstance(value, Mapping):
        return {k: _json_for_toml(v, where) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        if any(item is None for item in value):
            raise ReconcileError(
                f"{where}: an array holds null, which TOML cannot express",
                hint="remove the null from the live value, then pull again",
            )
        return [_json_for_toml(item, where) for item in value]
    return value
