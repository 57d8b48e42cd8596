"""Reading a models directory into a ``DeclaredModel`` (the model plus where each part was declared).

Reading is strict: every problem of every file (malformed TOML, unknown keys, wrong value types,
unknown field types, ids that differ from their file names, stray files) is collected and raised at
once as one ``InputError``. Each problem names the file, the key path and, where it can be found, the
line (``reconcile.tomlsource`` finds it, on first use).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from reconcile.declared.layout import (
    CONTENT_TYPES_DIR,
    LOCALES_FILE,
    MAX_FILE_BYTES,
    MAX_NESTING,
    id_of,
    is_model_file,
)
from reconcile.declared.problems import date_problems, read_problem, shape_problem
from reconcile.declared.shapes import ContentTypeFile, EditorInterfaceDecl, LocalesFile
from reconcile.errors import InputError, Problem
from reconcile.model import (
    ContentModel,
    ContentType,
    Control,
    EditorInterface,
    Field,
    Items,
    JsonObject,
    Locale,
    shown,
)
from reconcile.sources import DeclaredModel, KeyPath, Position, Source, sort_problems
from reconcile.tomlsource import TomlReadError, read_toml
from reconcile.wording import count

_File = TypeVar("_File", ContentTypeFile, LocalesFile)


@dataclass
class _Found:
    """What reading a models directory found so far: its problems, and where each part was declared."""

    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    positions: dict[Path, Mapping[KeyPath, Position]] = field(default_factory=dict)


def load_models(models_dir: Path) -> DeclaredModel:
    """Read ``models_dir`` into a ``DeclaredModel``; raise ``InputError`` listing every problem found.

    Hidden files (starting with ``.``) in ``content_types/`` are ignored. Any other non-``.toml`` file
    or subdirectory is an error: silently skipping a misnamed file would plan the deletion of its
    content type. ``locales.toml`` and ``content_types/`` are required (``reconcile pull`` writes both).
    """
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
    found = _Found()
    content_types, editor_interfaces = _load_content_types(models_dir / CONTENT_TYPES_DIR, found)
    locales = _load_locales(models_dir / LOCALES_FILE, found)
    if found.problems:
        raise InputError(sort_problems(found.problems), f"{count(len(found.problems), 'problem')} in the model files")
    model = ContentModel(content_types=content_types, editor_interfaces=editor_interfaces, locales=locales)
    return DeclaredModel(model, found.sources, found.positions)


def _load_content_types(
    ct_dir: Path, found: _Found
) -> tuple[dict[str, ContentType], dict[str, EditorInterface]]:
    """The content types (and their editor interfaces) of the files of ``content_types/``."""
    content_types: dict[str, ContentType] = {}
    editor_interfaces: dict[str, EditorInterface] = {}
    for path in _content_type_files(ct_dir, found.problems):
        decl = _load_file(path, ContentTypeFile, found)
        if decl is None:
            continue
        if decl.id != id_of(path):
            found.problems.append(
                Problem(
                    str(path),
                    "id",
                    f"id {shown(decl.id)} differs from the file name {shown(path.name)}",
                    f"rename the file to the id, or set id = {id_of(path)!r}",
                    _line_at(found.positions[path], ("id",)),
                )
            )
            continue
        content_types[decl.id], editor_interfaces[decl.id] = _content_type_from_decl(decl)
        found.sources.update(_content_type_sources(decl, path, found.positions[path]))
    return content_types, editor_interfaces


def _load_locales(path: Path, found: _Found) -> dict[str, Locale]:
    """The locales of ``locales.toml``."""
    if not path.is_file():
        found.problems.append(
            Problem(
                str(path),
                "",
                "locales file is missing",
                'create it with at least the default locale ([[locales]] code = "en-US" ... default = true),'
                " or run `reconcile pull` to write it from a live environment",
            )
        )
        return {}
    decl = _load_file(path, LocalesFile, found)
    locales: dict[str, Locale] = {}
    for index, loc in enumerate(decl.locales if decl is not None else []):
        if loc.code in locales:
            found.problems.append(
                Problem(
                    str(path),
                    f"locales.{loc.code}",
                    f"locale code {loc.code!r} is declared twice",
                    "remove or rename one of the two [[locales]] entries",
                    _line_at(found.positions[path], ("locales", index)),
                )
            )
            continue
        locales[loc.code] = Locale(**loc.model_dump())
        found.sources[f"locales.{loc.code}"] = Source(path, found.positions[path], (("locales", index),))
    return locales


def _load_file(path: Path, shape: type[_File], found: _Found) -> _File | None:
    """Read, parse and check one file: its declarations, or None when it has problems (added to ``found``).
    The positions of its keys are recorded when it has none."""
    file = str(path)
    try:
        toml = read_toml(path, max_bytes=MAX_FILE_BYTES, max_depth=MAX_NESTING)
    except TomlReadError as exc:
        found.problems.append(read_problem(file, exc))
        return None
    dates = date_problems(file, toml.data, toml.positions)
    if dates:
        found.problems.extend(dates)
        return None
    try:
        decl = shape.model_validate(toml.data)
    except ValidationError as exc:
        found.problems.extend(shape_problem(file, e, toml.data, toml.positions, shape) for e in exc.errors())
        return None
    found.positions[path] = toml.positions
    return decl


def _line_at(positions: Mapping[KeyPath, Position], key_path: KeyPath) -> int | None:
    """The line of exactly ``key_path``, if the scan found it."""
    found = positions.get(key_path)
    return None if found is None else found.line


def _content_type_files(ct_dir: Path, problems: list[Problem]) -> list[Path]:
    """The content type files of ``ct_dir``, sorted; stray files and folders are problems."""
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
        if entry.name.startswith(".") and not (entry.is_file() and is_model_file(entry)):
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
        elif not is_model_file(entry):
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


def _content_type_from_decl(decl: ContentTypeFile) -> tuple[ContentType, EditorInterface]:
    """The content type and editor interface one file declares."""
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
    """``items`` as a tuple (the model is immutable), None kept."""
    return None if items is None else tuple(items)


def _content_type_sources(
    decl: ContentTypeFile, path: Path, positions: Mapping[KeyPath, Position]
) -> dict[str, Source]:
    """Where the content type, each field and the editor interface of one file are declared."""
    base = f"content_types.{decl.id}"
    found = {base: Source(path, positions, (("id",),))}
    for index, f in enumerate(decl.fields):
        found.setdefault(f"{base}.fields.{f.id}", Source(path, positions, (("fields", index),)))
    editor = (("editor_interface",), *(("fields", i, "editor") for i in range(len(decl.fields))))
    found[f"editor_interfaces.{decl.id}"] = Source(path, positions, editor)
    return found
