"""Declared model files (TOML) to and from a ``ContentModel``.

Layout of a models directory (documented for users in ``docs/model-format.md``)::

    models/
      locales.toml                 # [[locales]]
      content_types/<id>.toml      # one content type, its fields and its editor interface

Reading is strict: every problem of every file (malformed TOML, unknown keys, wrong value types,
unknown field types, ids that differ from their file names, stray files) is collected and raised at
once as one ``InputError``. Each problem names the file, the key path and, where it can be found, the
line. ``tomllib`` reports positions only for syntax errors, so lines of keys are found by a small
structural scan of the file text (``reconcile.tomlsource``).

Writing (``write_models``, used by ``reconcile pull``) is stable: fixed key order, only values that
differ from the defaults, tomli-w layout, byte-identical output for the same model.
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from datetime import date, time
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic import Field as Key
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from reconcile.errors import InputError, Problem, ReconcileError
from reconcile.fsio import atomic_write
from reconcile.model import (
    ID_PATTERN,
    ContentModel,
    ContentType,
    Control,
    EditorInterface,
    Field,
    FieldType,
    Items,
    ItemsType,
    JsonObject,
    LinkType,
    Locale,
    is_valid_id,
    shown,
)
from reconcile.sources import DeclaredModel, KeyPath, Position, Source, nearest, sort_problems
from reconcile.tomlsource import (
    InvalidToml,
    KeyPositions,
    NotUtf8,
    TomlReadError,
    TooDeep,
    TooLarge,
    Unreadable,
    read_toml,
)

FORMAT_VERSION = 1
CONTENT_TYPES_DIR = "content_types"
LOCALES_FILE = "locales.toml"
# Far above any real content type (50 fields with long help texts stay under 100 kB); a file larger
# than this is refused before parsing so a stray dump cannot exhaust memory.
MAX_FILE_BYTES = 2_000_000
# Deepest nesting of tables/arrays accepted; real files need about 8 (rich-text `nodes` validations).
MAX_NESTING = 32
# The API's rule for user-chosen ids; with ``is_valid_id`` also what keeps a content type id safe as a
# file name.
CONTENT_TYPE_ID_PATTERN = ID_PATTERN


# --------------------------------------------------------------------------------------------------
# File shapes. These pydantic models define exactly what a file may contain; the JSON Schemas in
# docs/schema/ are generated from them. Opaque Contentful JSON keeps the API's own key names.
# --------------------------------------------------------------------------------------------------


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ItemsDecl(_Shape):
    """``items`` of an ``Array`` field."""

    type: ItemsType = Key(description="Element type: Symbol, Link or ResourceLink.")
    link_type: LinkType | None = Key(None, description="Entry or Asset; required when type is Link.")
    validations: list[JsonObject] = Key(
        [], description="Validations of each element, as in the API (e.g. linkContentType, in, size)."
    )


class EditorDecl(_Shape):
    """The editor-interface control of one field."""

    widget_id: str | None = Key(None, description="Widget id, e.g. singleLine, markdown, dropdown.")
    widget_namespace: str | None = Key(None, description="builtin, extension, app, sidebar-builtin or editor-builtin.")
    settings: JsonObject | None = Key(
        None, description='Widget settings with the API\'s key names, e.g. { helpText = "..." }.'
    )


class FieldDecl(_Shape):
    """One ``[[fields]]`` entry."""

    id: str = Key(description="Field id: a letter, then letters, digits or _ (at most 64).")
    name: str = Key(description="Name shown to editors.")
    type: FieldType = Key(description="Contentful field type.")
    link_type: LinkType | None = Key(None, description="Entry or Asset; required (only) for type Link.")
    items: ItemsDecl | None = Key(None, description="Element type; required (only) for type Array.")
    localized: bool = Key(False, description="Has a value per locale.")
    required: bool = Key(False, description="Entries cannot be published without a value.")
    disabled: bool = Key(False, description="Hidden from editing in the web app.")
    omitted: bool = Key(False, description="Left out of delivery API responses (first step of deletion).")
    validations: list[JsonObject] = Key(
        [], description="Validation objects as in the API, each one kind plus an optional message."
    )
    default_value: JsonObject | None = Key(
        None, description='Default per locale code, e.g. { "en-US" = "draft" } (API defaultValue).'
    )
    allowed_resources: list[JsonObject] | None = Key(
        None, description="ResourceLink targets as in the API (allowedResources), 1 to 20 items."
    )
    renamed_from: str | None = Key(
        None, description="The id this field had before: planned as a rename (API newId), not delete+add."
    )
    editor: EditorDecl | None = Key(None, description="Editor-interface control (widget) of this field.")


class EditorInterfaceDecl(_Shape):
    """``[editor_interface]``: the parts of the editor interface besides field controls.

    An absent key means Contentful's default; an empty list is an explicit empty list."""

    sidebar: list[JsonObject] | None = Key(None, description="Sidebar widgets as in the API.")
    editors: list[JsonObject] | None = Key(None, description="Entry editors as in the API.")
    editor_layout: list[JsonObject] | None = Key(None, description="Field groups (API editorLayout).")
    group_controls: list[JsonObject] | None = Key(None, description="Widgets of the layout groups (API groupControls).")


def _check_format(value: int) -> int:
    if value != FORMAT_VERSION:
        raise ValueError(f"format must be {FORMAT_VERSION}")
    return value


class ContentTypeFile(_Shape):
    """A ``models/content_types/<id>.toml`` file."""

    format: int = Key(description="File format version; must be 1.", json_schema_extra={"const": 1})
    id: str = Key(description="Content type id; must equal the file name without .toml.")
    name: str = Key(description="Name shown to editors.")
    description: str | None = Key(None, description="Description shown to editors.")
    display_field: str | None = Key(None, description="Id of the Symbol or Text field used as entry title.")
    fields: list[FieldDecl] = Key([], description="The fields, in the order editors see them.")
    editor_interface: EditorInterfaceDecl | None = Key(
        None, description="Sidebar, editors and layout; absent means Contentful's defaults."
    )

    _format = field_validator("format")(_check_format)


class LocaleDecl(_Shape):
    """One ``[[locales]]`` entry."""

    code: str = Key(description="Locale code, e.g. en-US.")
    name: str = Key(description="Name shown to editors.")
    fallback_code: str | None = Key(None, description="Locale to fall back to; absent means no fallback.")
    optional: bool = Key(False, description="Required fields may stay empty in this locale.")
    default: bool = Key(False, description="The space's default locale (exactly one).")
    content_delivery_api: bool = Key(True, description="Included in delivery API responses.")
    content_management_api: bool = Key(True, description="Editable through the management API.")


class LocalesFile(_Shape):
    """The ``models/locales.toml`` file."""

    format: int = Key(description="File format version; must be 1.", json_schema_extra={"const": 1})
    locales: list[LocaleDecl] = Key([], description="The environment's locales.")

    _format = field_validator("format")(_check_format)


# --------------------------------------------------------------------------------------------------
# Public values
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------


def load_models(models_dir: Path) -> DeclaredModel:
    """Read ``models_dir`` into a ``DeclaredModel``; raise ``InputError`` listing every problem found.

    Hidden files (starting with ``.``) in ``content_types/`` are ignored. Any other non-``.toml`` file
    or subdirectory is an error: silently skipping a misnamed file would plan the deletion of its
    content type. ``locales.toml`` and ``content_types/`` are required (``reconcile pull`` writes both).
    """
    problems: list[Problem] = []
    if not models_dir.is_dir():
        what = "is not a directory" if models_dir.exists() else "does not exist"
        raise InputError(
            [
                Problem(
                    str(models_dir),
                    "",
                    f"models directory {what}",
                    "pass --models DIR, or run `reconcile pull` to create it from a live environment",
                )
            ]
        )
    content_types: dict[str, ContentType] = {}
    editor_interfaces: dict[str, EditorInterface] = {}
    sources: dict[str, Source] = {}
    positions: dict[Path, Mapping[KeyPath, Position]] = {}

    for path in _content_type_files(models_dir / CONTENT_TYPES_DIR, problems):
        loaded = _load_file(path, ContentTypeFile, problems)
        if loaded is None:
            continue
        decl, lines = loaded
        positions[path] = lines
        if not isinstance(decl, ContentTypeFile):
            raise TypeError(decl)  # _load_file returns the shape it was given
        if decl.id != _id_of(path):
            problems.append(
                Problem(
                    str(path),
                    "id",
                    f"id {shown(decl.id)} differs from the file name {shown(path.name)}",
                    f"rename the file to the id, or set id = {_id_of(path)!r}",
                    _line_at(lines, ("id",)),
                )
            )
            continue
        content_types[decl.id], editor_interfaces[decl.id] = _content_type_from_decl(decl)
        sources.update(_content_type_sources(decl, path, lines))

    locales: dict[str, Locale] = {}
    locales_path = models_dir / LOCALES_FILE
    if not locales_path.is_file():
        problems.append(
            Problem(
                str(locales_path),
                "",
                "locales file is missing",
                'create it with at least the default locale ([[locales]] code = "en-US" ... default = true),'
                " or run `reconcile pull` to write it from a live environment",
            )
        )
    else:
        loaded = _load_file(locales_path, LocalesFile, problems)
        if loaded is not None:
            decl_locales, lines = loaded
            positions[locales_path] = lines
            if not isinstance(decl_locales, LocalesFile):
                raise TypeError(decl_locales)
            for index, loc in enumerate(decl_locales.locales):
                if loc.code in locales:
                    problems.append(
                        Problem(
                            str(locales_path),
                            f"locales.{loc.code}",
                            f"locale code {loc.code!r} is declared twice",
                            "remove or rename one of the two [[locales]] entries",
                            _line_at(lines, ("locales", index)),
                        )
                    )
                    continue
                locales[loc.code] = Locale(**loc.model_dump())
                sources[f"locales.{loc.code}"] = Source(locales_path, lines, (("locales", index),))

    if problems:
        raise InputError(sort_problems(problems), f"{len(problems)} problem(s) in the model files")
    model = ContentModel(content_types=content_types, editor_interfaces=editor_interfaces, locales=locales)
    return DeclaredModel(model, sources, positions)


def _content_type_files(ct_dir: Path, problems: list[Problem]) -> list[Path]:
    if not ct_dir.exists():
        # No content types declared. git cannot hold an empty directory, so a fresh clone of a models
        # directory without content types has no content_types/ at all; the locales file is still required.
        return []
    if not ct_dir.is_dir():
        problems.append(
            Problem(
                str(ct_dir),
                "",
                "content_types is not a directory",
                "replace it with a directory of <id>.toml files (it may be empty)",
            )
        )
        return []
    files = []
    for entry in sorted(ct_dir.iterdir()):
        if entry.name.startswith(".") and not (entry.is_file() and _is_model_file(entry)):
            continue  # editor swap files, .DS_Store, ...
        if entry.is_dir():
            problems.append(
                Problem(
                    str(entry),
                    "",
                    "unexpected directory in content_types/",
                    "content_types/ holds only <id>.toml files; move or remove the directory",
                )
            )
        elif not _is_model_file(entry):
            problems.append(
                Problem(
                    str(entry),
                    "",
                    "unexpected file in content_types/ (not ending in .toml)",
                    "name content type files <id>.toml; move other files elsewhere"
                    " (a skipped file would plan the deletion of its content type)",
                )
            )
        else:
            files.append(entry)
    return files


def _is_model_file(path: Path) -> bool:
    """``<id>.toml`` with a non-empty id (an emacs lock ``.#x.toml`` is not one)."""
    return path.name.endswith(".toml") and len(path.name) > len(".toml") and not path.name.startswith(".#")


def _id_of(path: Path) -> str:
    """The content type id a file name declares: the name without ``.toml`` (``.x.toml`` is ``.x``)."""
    return path.name.removesuffix(".toml")


def _load_file(
    path: Path, shape: type[ContentTypeFile] | type[LocalesFile], problems: list[Problem]
) -> tuple[ContentTypeFile | LocalesFile, KeyPositions] | None:
    """Read, parse and check one file; append its problems and return None if it has any."""
    file = str(path)
    try:
        toml = read_toml(path, max_bytes=MAX_FILE_BYTES, max_depth=MAX_NESTING)
    except TomlReadError as exc:
        problems.append(_read_problem(file, exc))
        return None
    data, positions = toml.data, toml.positions
    found = [
        Problem(
            file,
            _display_path(key_path, data),
            f"TOML {type(value).__name__} value {value} is not allowed (Contentful values are JSON)",
            f'write it as a quoted string, e.g. "{value}"',
            _nearest_line(positions, key_path),
        )
        for key_path, value in _walk(data)
        if isinstance(value, date | time)
    ]
    if found:
        problems.extend(found)
        return None
    try:
        return shape.model_validate(data), positions
    except ValidationError as exc:
        problems.extend(_shape_problem(file, error, data, positions, shape) for error in exc.errors())
        return None


def _read_problem(file: str, exc: TomlReadError) -> Problem:
    """The problem of a file that could not be read as TOML."""
    nesting_hint = f"nest tables and arrays at most {MAX_NESTING} deep"
    match exc:
        case Unreadable(error=error):
            reason = "not a regular file" if error is None else error.strerror
            return Problem(file, "", f"cannot read file: {reason}", "check the path and permissions")
        case TooLarge(size=size, limit=limit):
            return Problem(
                file,
                "",
                f"file is too large ({size} bytes, limit {limit})",
                "a content type file is normally a few kB; check that this is the right file",
            )
        case NotUtf8(byte=byte):
            message = f"not valid UTF-8 (byte 0x{byte:02x})"
            return Problem(file, "", message, "save the file as UTF-8", exc.line, exc.column)
        case InvalidToml(message=message):
            return Problem(
                file,
                "",
                f"invalid TOML: {message}",
                "fix the syntax at this position (strings need quotes, tables use [name], arrays [a, b])",
                exc.line,
                exc.column,
            )
        case TooDeep(key_path=None):
            return Problem(file, "", "nested too deeply to parse", nesting_hint)
        case TooDeep(key_path=key_path, data=data):
            where = _display_path(key_path, data)
            return Problem(file, where, f"nested deeper than {MAX_NESTING} levels", nesting_hint)
    raise TypeError(exc)


def _walk(data: Any, key_path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every (key path, leaf value) of parsed TOML data, in document order."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _walk(v, (*key_path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk(v, (*key_path, i))
    else:
        yield key_path, data


def _line_at(positions: Mapping[KeyPath, Position], key_path: KeyPath) -> int | None:
    found = positions.get(key_path)
    return None if found is None else found.line


def _nearest_line(positions: Mapping[KeyPath, Position], key_path: KeyPath) -> int | None:
    found = nearest(positions, key_path)
    return None if found is None else found.line


def _display_path(key_path: KeyPath, data: Any) -> str:
    """A readable key path: ``fields.body.items.type``, ``locales.de-DE.name``, ``sidebar[2]``.

    Elements of ``fields`` and ``locales`` are named by their id/code when they have a string one.
    """
    text = ""
    node = data
    for part in key_path:
        child = _child(node, part)
        if isinstance(part, int):
            name_key = "id" if text.endswith("fields") else "code"
            ident = child.get(name_key) if isinstance(child, dict) else None
            named = text.endswith(("fields", "locales")) and isinstance(ident, str) and ident
            text += f".{ident}" if named else f"[{part}]"
        else:
            text += f".{part}" if text else part
        node = child
    return text


def _child(node: Any, part: str | int) -> Any:
    """``node[part]`` of parsed TOML data, or None when there is no such member."""
    if isinstance(node, dict):
        return node.get(str(part))
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


_TOML_TYPE_NAMES = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a float",
    list: "an array",
    dict: "a table",
}
_EXPECTED = {
    "string_type": "a string",
    "bool_type": "a boolean (true or false)",
    "int_type": "an integer",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
}


def _shape_problem(
    file: str, error: Any, data: Any, lines: Mapping[KeyPath, Position], shape: type[BaseModel]
) -> Problem:
    """Turn one pydantic error into a Problem a user can act on."""
    key_path: KeyPath = tuple(error["loc"])
    kind = error["type"]
    value = error["input"]
    where = _display_path(key_path, data)
    line = _nearest_line(lines, key_path)
    last = key_path[-1] if key_path else ""
    if kind == "extra_forbidden":
        parent_shape = _shape_at(shape, key_path[:-1])
        allowed = sorted(parent_shape.model_fields) if parent_shape is not None else []
        close = difflib.get_close_matches(str(last), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return Problem(file, where, f"unknown key {last!r}", hint + "allowed keys: " + ", ".join(allowed), line)
    if kind == "missing":
        parent = _display_path(key_path[:-1], data) or "the file"
        return Problem(file, where, f"required key {last!r} is missing in {parent}", f"add {last} = ...", line)
    if kind == "literal_error":
        options = list(error["ctx"]["expected"].replace("'", "").split(" or "))
        options = [o for part in options for o in part.split(", ")]
        close = difflib.get_close_matches(str(value), options, n=1)
        what = "field type" if last == "type" else "value"
        hint = (f"did you mean {close[0]!r}? " if close else "") + "use one of: " + ", ".join(options)
        return Problem(file, where, f"unknown {what} {value!r}", hint, line)
    if kind == "value_error" and last == "format":
        return Problem(file, "format", f"format is {value!r}; this version reads format = 1", "set format = 1", line)
    if kind in _EXPECTED:
        got = _TOML_TYPE_NAMES.get(type(value), type(value).__name__)
        as_json = json.dumps(value, default=str)
        as_json = as_json if len(as_json) <= 40 else as_json[:37] + "..."
        return Problem(file, where, f"expected {_EXPECTED[kind]}, got {got} {as_json}", _type_hint(kind), line)
    return Problem(file, where, error["msg"], "see docs/model-format.md", line)


def _type_hint(kind: str) -> str:
    return {
        "string_type": 'put the value in quotes: "..."',
        "bool_type": "write true or false, without quotes",
        "int_type": "write a whole number without quotes",
        "list_type": "write an array: [ ... ]",
        "dict_type": "write a table: { key = value }",
        "model_type": "write a table: { key = value } or a [section]",
    }[kind]


def _shape_at(shape: type[BaseModel], key_path: KeyPath) -> type[BaseModel] | None:
    """The file-shape class that describes the table at ``key_path`` (list indices skipped)."""
    current: type[BaseModel] = shape
    for part in key_path:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        nested = _shape_in(info.annotation) if info is not None else None
        if nested is None:
            return None
        current = nested
    return current


def _shape_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, _Shape):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _shape_in(arg)
        if found is not None:
            return found
    return None


def _content_type_from_decl(decl: ContentTypeFile) -> tuple[ContentType, EditorInterface]:
    fields = []
    controls = []
    for f in decl.fields:
        fields.append(
            Field(
                id=f.id,
                name=f.name,
                type=f.type,
                link_type=f.link_type,
                items=None if f.items is None else Items(**f.items.model_dump()),
                localized=f.localized,
                required=f.required,
                disabled=f.disabled,
                omitted=f.omitted,
                validations=tuple(f.validations),
                default_value=f.default_value,
                allowed_resources=None if f.allowed_resources is None else tuple(f.allowed_resources),
                renamed_from=f.renamed_from,
            )
        )
        if f.editor is not None:
            controls.append(Control(field_id=f.id, **f.editor.model_dump()))
    ct = ContentType(
        id=decl.id,
        name=decl.name,
        description=decl.description,
        display_field=decl.display_field,
        fields=tuple(fields),
    )
    parts = decl.editor_interface or EditorInterfaceDecl()
    ei = EditorInterface(
        content_type_id=decl.id,
        controls=tuple(controls),
        sidebar=_tuple_or_none(parts.sidebar),
        editors=_tuple_or_none(parts.editors),
        editor_layout=_tuple_or_none(parts.editor_layout),
        group_controls=_tuple_or_none(parts.group_controls),
    )
    return ct, ei


def _tuple_or_none(items: list[JsonObject] | None) -> tuple[JsonObject, ...] | None:
    return None if items is None else tuple(items)


def _content_type_sources(decl: ContentTypeFile, path: Path, lines: Mapping[KeyPath, Position]) -> dict[str, Source]:
    base = f"content_types.{decl.id}"
    found = {base: Source(path, lines, (("id",),))}
    for index, f in enumerate(decl.fields):
        found.setdefault(f"{base}.fields.{f.id}", Source(path, lines, (("fields", index),)))
    editor = (("editor_interface",), *(("fields", i, "editor") for i in range(len(decl.fields))))
    found[f"editor_interfaces.{decl.id}"] = Source(path, lines, editor)
    return found


# --------------------------------------------------------------------------------------------------
# Key lines: a small structural scan of TOML text (the text has already parsed with tomllib).
# --------------------------------------------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_\-]+")
_SCALAR_END = re.compile(r"[,\]\}\n#]")


class _KeyScanner:
    """Records the line where each key path (tables, keys, array elements) starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.lines: dict[KeyPath, int] = {}
        self.array_tables: dict[KeyPath, int] = {}

    def line(self) -> int:
        return bisect.bisect_right(self.line_starts, self.pos)

    def record(self, key_path: KeyPath) -> None:
        self.lines.setdefault(key_path, self.line())

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip(self, newlines: bool) -> None:
        """Skip spaces (and newlines and comments when ``newlines``)."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#" and newlines:
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def scan(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self.skip(newlines=True)
            if not self.peek():
                return self.lines
            if self.peek() == "[":
                table = self.header()
            else:
                key = self.dotted_key()
                self.record(table + key)
                self.value(table + key)

    def header(self) -> KeyPath:
        is_array = self.text.startswith("[[", self.pos)
        self.pos += 2 if is_array else 1
        parts = self.dotted_key()
        self.pos = self.text.index("]", self.pos) + (2 if is_array else 1)
        key_path: KeyPath = ()
        for number, part in enumerate(parts, 1):
            key_path += (part,)
            if key_path in self.array_tables and not (is_array and number == len(parts)):
                key_path += (self.array_tables[key_path] - 1,)
        if is_array:
            index = self.array_tables.get(key_path, 0)
            self.array_tables[key_path] = index + 1
            self.record(key_path)
            key_path += (index,)
        self.record(key_path)
        return key_path

    def dotted_key(self) -> tuple[str, ...]:
        parts = []
        while True:
            self.skip(newlines=False)
            if self.peek() in "\"'":
                start = self.pos
                self.string()
                parts.append(next(iter(tomllib.loads(self.text[start : self.pos] + " = 0"))))
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    raise ValueError("key expected")
                parts.append(match.group())
                self.pos = match.end()
            self.skip(newlines=False)
            if self.peek() != ".":
                break
            self.pos += 1
        if self.peek() == "=":
            self.pos += 1
        return tuple(parts)

    def value(self, key_path: KeyPath) -> None:
        self.skip(newlines=False)
        char = self.peek()
        if char == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip(newlines=True)
                if self.peek() == "]":
                    self.pos += 1
                    return
                self.record((*key_path, index))
                self.value((*key_path, index))
                self.skip(newlines=True)
                if self.peek() == ",":
                    self.pos += 1
                    index += 1
        elif char == "{":
            self.pos += 1
            while True:
                self.skip(newlines=False)
                if self.peek() == "}":
                    self.pos += 1
                    return
                if self.peek() == ",":
                    self.pos += 1
                    continue
                key = self.dotted_key()
                self.record(key_path + key)
                self.value(key_path + key)
        elif char in "\"'":
            self.string()
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self.pos = len(self.text) if match is None else match.start()

    def string(self) -> None:
        quote = self.text[self.pos]
        if self.text.startswith(quote * 3, self.pos):
            end = self.pos + 3
            while True:
                end = self.text.index(quote * 3, end)
                if quote == "'" or not _escaped(self.text, end):
                    break
                end += 1
            end += 3
            while self.text.startswith(quote, end):  # up to two quotes may close the content
                end += 1
            self.pos = end
            return
        end = self.pos + 1
        while True:
            end = self.text.index(quote, end)
            if quote == "'" or not _escaped(self.text, end):
                break
            end += 1
        self.pos = end + 1


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _scan_key_lines(text: str) -> dict[KeyPath, int]:
    """Line of every key path in ``text`` (already valid TOML); partial if the scan gets lost."""
    scanner = _KeyScanner(text)
    try:
        return scanner.scan()
    except (ValueError, IndexError):
        return scanner.lines


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


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
        for stale in sorted(ct_dir.glob("*.toml")):
            if _is_model_file(stale) and _id_of(stale) not in model.content_types:
                stale.unlink()
    return written


def content_type_path(models_dir: Path, content_type_id: str) -> Path:
    """Where the file of ``content_type_id`` lives under ``models_dir``."""
    return models_dir / CONTENT_TYPES_DIR / f"{content_type_id}.toml"


def write_locales(model: ContentModel, models_dir: Path) -> Path:
    """Write only ``locales.toml`` (for `drift --adopt` when only locales drifted)."""
    path = models_dir / LOCALES_FILE
    models_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(path, locales_toml(model.locales))
    return path


def content_type_toml(ct: ContentType, ei: EditorInterface) -> str:
    """The file text of one content type and its editor interface."""
    controls = {c.field_id: c for c in ei.controls}
    doc: dict[str, Any] = {"format": FORMAT_VERSION, "id": ct.id, "name": ct.name}
    _put(doc, "description", ct.description)
    _put(doc, "display_field", ct.display_field)
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
    where = f"fields.{f.id}"
    table = _non_default(f, exclude={"items", "validations", "default_value", "allowed_resources"})
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
    return table


def _non_default(value: BaseModel, exclude: set[str] | None = None) -> dict[str, Any]:
    """The model's keys whose values differ from their defaults, in declaration order."""
    return {
        name: getattr(value, name)
        for name, info in type(value).model_fields.items()
        if name not in (exclude or set()) and (info.is_required() or getattr(value, name) != info.default)
    }


def _put(table: dict[str, Any], key: str, value: Any) -> None:
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


# --------------------------------------------------------------------------------------------------
# JSON Schemas
# --------------------------------------------------------------------------------------------------

SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "content-type.schema.json": ContentTypeFile,
    "locales.schema.json": LocalesFile,
}


class _TomlJsonSchema(GenerateJsonSchema):
    """JSON Schema for TOML files: TOML has no null, so an optional key is simply not required."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        result = super().default_schema(schema)
        if result.get("default", ...) is None:
            del result["default"]
        return result


def json_schema(shape: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file shape."""
    schema = shape.model_json_schema(schema_generator=_TomlJsonSchema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text(shape: type[BaseModel]) -> str:
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


__all__ = [
    "CONTENT_TYPE_ID_PATTERN",
    "FORMAT_VERSION",
    "ContentTypeFile",
    "DeclaredModel",
    "LocalesFile",
    "Source",
    "content_type_toml",
    "json_schema",
    "load_models",
    "locales_toml",
    "sort_problems",
    "write_models",
    "write_schemas",
]
