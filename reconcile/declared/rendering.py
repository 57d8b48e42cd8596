"""The text of a new content type file straight from canonical content (issue 16), without its document.

``pull`` into an empty models folder, or over a copied one, renders every content type: the writer builds each
file's document (``writer.content_type_doc``: 0.18 s at 1,000 content types of 50 fields) and then its text
(``editor.document_text``: 0.22 s). :class:`Renderer` writes the same text from the canonical content of a
content type and its editor interface (``backend.canonical``, ``normalize.document_json``'s dicts), a field at
a time, and writes each distinct validation list and control settings once. ``tests/declared/test_rendering.py``
checks the text is byte for byte the writer's on generated models. Metadata, default values and allowed
resources are not rendered here (``backend.canonical`` leaves them to the parser).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconcile.declared.editor import assignment, value_text
from reconcile.declared.shapes import FORMAT_VERSION
from reconcile.declared.writer import json_for_toml
from reconcile.errors import ReconcileError
from reconcile.interning_keys import exact
from reconcile.model import JsonObject

_FLAGS = ("localized", "required", "disabled", "omitted")
_PARTS = ("sidebar", "editors", "editor_layout", "group_controls")
_CHOSEN = ("widget_id", "widget_namespace")


class Renderer:
    """Renders content type files for one run; remembers the text of each validation list and control settings
    it rendered, by their exact value (``interning_keys.exact``: 1, 1.0 and true, and key orders, told apart)."""

    def __init__(self) -> None:
        self._texts: dict[bytes, str] = {}

    def text(self, ct: JsonObject, ei: JsonObject) -> str | None:
        """The text of a new file declaring the content type of canonical content ``ct`` with the editor interface
        of content ``ei`` (no ``#:schema`` line): ``document_text(content_type_doc(...))``; None where the writer
        would refuse the values (an array holding null), so that it says so, and where ``ct`` holds what is not
        rendered here (metadata, default values, allowed resources: ``backend.canonical`` gives none)."""
        if "annotations" in ct or "taxonomy" in ct or any(map(_unrendered, ct["fields"])):
            return None
        head = [assignment("format", FORMAT_VERSION), assignment("id", ct["id"]), assignment("name", ct["name"])]
        head += [assignment(key, ct[key]) for key in ("description", "display_field") if ct[key] is not None]
        blocks = ["".join(head)]
        controls = {control["field_id"]: control for control in ei["controls"]}
        try:
            blocks += [self._field(field, controls.get(field["id"])) for field in ct["fields"]]
            parts = [assignment(key, [json_for_toml(item, "") for item in ei[key]]) for key in _PARTS
                     if ei[key] is not None]  # fmt: skip
        except ReconcileError:
            return None
        if parts:
            blocks.append("[editor_interface]\n" + "".join(parts))
        return "\n".join(blocks)

    def _field(self, field: JsonObject, control: JsonObject | None) -> str:
        """One ``[[fields]]`` table, as ``writer._field_table`` declares it (its type and link type are names of the
        model's closed lists: nothing to escape)."""
        text = f'[[fields]]\nid = {value_text(field["id"])}\nname = {value_text(field["name"])}\n'
        text += f'type = "{field["type"]}"\n'
        if field["link_type"] is not None:
            text += f'link_type = "{field["link_type"]}"\n'
        for flag in _FLAGS:
            if field[flag]:
                text += f"{flag} = true\n"
        if field["validations"]:
            text += self._remembered(field["validations"], _validations_line)
        items = field["items"]
        if items is not None:
            table = {"type": items["type"]}
            if items["link_type"] is not None:
                table["link_type"] = items["link_type"]
            if items["validations"]:
                table["validations"] = [json_for_toml(v, "") for v in items["validations"]]
            text += assignment("items", table)
        if control is None or (control["widget_id"] is None and control["widget_namespace"] is None
                               and control["settings"] is None):
            return text
        editor = [f"{key} = {value_text(control[key])}" for key in _CHOSEN if control[key] is not None]
        if control["settings"] is not None:
            editor.append("settings = " + self._remembered(control["settings"], _settings_text))
        return f"{text}editor = {{ {', '.join(editor)} }}\n"

    def _remembered(self, value: Any, render: Callable[[Any], str]) -> str:
        key = exact(value)
        if key is None:
            return render(value)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = render(value)
        return text


def _unrendered(field: JsonObject) -> bool:
    return "annotations" in field or field["default_value"] is not None or field["allowed_resources"] is not None


def _validations_line(validations: tuple[JsonObject, ...]) -> str:
    return assignment("validations", [json_for_toml(v, "") for v in validations])


def _settings_text(settings: JsonObject) -> str:
    return value_text(json_for_toml(settings, ""))
