"""The rules for the editor interface of a content type file: its controls and its editor layout name declared
fields."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from reconcile.errors import Problem
from reconcile.model import JsonObject, shown
from reconcile.sources import KeyPath
from reconcile.validate.subjects import ContentTypeLike, EditorLike


def editor_problems(
    ct: ContentTypeLike, ei: EditorLike | None, partial: bool, problem: Callable[[KeyPath, str, str], Problem]
) -> Iterator[Problem]:
    """The problems of ``ei``, the editor interface of ``ct`` (``partial``: some fields did not read, so the
    layout is not checked)."""
    if ei is None:
        return
    field_ids = {f.id for f in ct.fields}
    for control in ei.controls:
        if control.field_id not in field_ids:
            yield problem(
                ("editor_interface",),
                f"editor control for {shown(control.field_id)}, which is not a declared field",
                "declare the field, or remove its editor settings",
            )
    for index, group in enumerate(() if partial else ei.editor_layout or ()):
        for field_id in _layout_field_ids(group):
            if field_id not in field_ids:
                yield problem(
                    ("editor_interface", "editor_layout", index),
                    f"editor_layout places field {shown(field_id)}, which is not a declared field",
                    "use the id of a declared field",
                )


def _layout_field_ids(group: JsonObject) -> Iterator[str]:
    """Field ids placed anywhere in an editorLayout group (groups nest)."""
    for item in group.get("items", []) if isinstance(group.get("items"), list) else []:
        if isinstance(item, dict):
            if isinstance(item.get("fieldId"), str):
                yield item["fieldId"]
            yield from _layout_field_ids(item)
