"""Reading a models directory into a ``DeclaredModel`` (the model plus where each part was declared).

Reading is strict: every problem of every file (malformed TOML, unknown keys, wrong value types,
unknown field types, ids that differ from their file names, stray files) is collected, all at once. Each
problem names the file, the key path and, where it can be found, the line (``reconcile.tomlsource``
finds it, on first use). ``read_models`` returns them with the model read from the parts that did
read (``reconcile.declared.salvage``), and what it lacks (``Unread``), so that the offline rules can
check the rest in the same run; ``load_models`` raises them as one ``InputError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import ValidationError

from reconcile.addresses import field_address
from reconcile.declared.building import ContentTypeView, EditorView, content_type_from_data, content_type_view
from reconcile.declared.cache import ParseCache
from reconcile.declared.fits import fits
from reconcile.declared.layout import (
    CONTENT_TYPES_DIR,
    LOCALES_FILE,
    MAX_FILE_BYTES,
    MAX_NESTING,
    TAGS_FILE,
    content_type_entries,
    id_of,
)
from reconcile.declared.problems import date_problems, read_problem, shape_problem
from reconcile.declared.salvage import salvage
from reconcile.declared.shapes import ContentTypeFile, LocalesFile, TagsFile
from reconcile.errors import InputError, Problem
from reconcile.model import ContentModel, ContentType, EditorInterface, Locale, Tag, shown
from reconcile.sources import DeclaredModel, FillDecl, KeyPath, Position, Source, Unread, sort_problems
from reconcile.tomlsource import TomlFile, TomlReadError, known_toml, parse_toml, read_bytes
from reconcile.wording import count

_File = TypeVar("_File", ContentTypeFile, LocalesFile, TagsFile)


@dataclass
class _Found:
    """What reading a models directory found so far: its problems, and where each part was declared."""

    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    positions: dict[Path, Mapping[KeyPath, Position]] = field(default_factory=dict)
    unread_content_types: set[str] = field(default_factory=set)
    partial: dict[str, tuple[int, ...]] = field(default_factory=dict)  # content type id -> fields kept
    every_content_type: bool = False
    locales_unread: bool = False
    fills: dict[str, FillDecl] = field(default_factory=dict)
    given: dict[Path, bytes] = field(default_factory=dict)  # the bytes of files read already, by path
    hashes: dict[Path, str] = field(default_factory=dict)  # their ``cache.content_key``, when known already
    field_sources: bool = True  # whether to record where each field is declared (a file's own rules need not)

    def unread(self) -> Unread:
        return Unread(
            content_types=frozenset(self.unread_content_types),
            kept_fields=dict(self.partial),
            locales=self.locales_unread,
            every_content_type=self.every_content_type,
        )


@dataclass(frozen=True)
class _Read(Generic[_File]):
    """One file read: its declarations and the data they were read from (the file's, or what of it was kept),
    and, when parts of it did not read, the index in the file of each list element kept (``kept``, None
    when the file read in full)."""

    decl: _File | None  # None for content type files that fit for sure or came from the parse cache
    data: dict[str, Any]
    kept: tuple[int, ...] | None = None


# Per file shape: the key of its list of elements, and the top-level keys without which it cannot be read.
_UNITS: dict[type[Any], tuple[str, frozenset[str]]] = {
    ContentTypeFile: ("fields", frozenset({"format", "id"})),
    LocalesFile: ("locales", frozenset({"format"})),
    TagsFile: ("tags", frozenset({"format"})),
}


def load_models(models_dir: Path) -> DeclaredModel:
    """Read ``models_dir`` into a ``DeclaredModel``; raise ``InputError`` listing every problem found."""
    declared, problems = read_models(models_dir)
    if problems:
        raise InputError(problems, f"{count(len(problems), 'problem')} in the model files")
    return declared


def read_models(models_dir: Path, cache: ParseCache | None = None) -> tuple[DeclaredModel, list[Problem]]:
    """Read ``models_dir``: the model of every part that read (with what it lacks, ``Unread``) and the
    problems found, sorted (none when every file read in full). Only a missing directory is raised.
    With a ``cache`` (``declared.cache``), content type files whose bytes read well before are taken from it,
    and those that read well now are added to it (the caller saves it when it found no problem).

    Hidden files (starting with ``.``) in ``content_types/`` are ignored. Any other non-``.toml`` file
    or subdirectory is an error: silently skipping a misnamed file would plan the deletion of its
    content type. ``locales.toml`` and ``content_types/`` are required (``reconcile pull`` writes both).
    """
    check_models_dir(models_dir)
    found = _Found()
    content_types, editor_interfaces = _load_content_types(models_dir / CONTENT_TYPES_DIR, found, cache)
    locales = _load_locales(models_dir / LOCALES_FILE, found, cache)
    tags = _load_tags(models_dir / TAGS_FILE, found, cache)
    model = ContentModel(content_types=content_types, editor_interfaces=editor_interfaces, locales=locales, tags=tags)
    declared = DeclaredModel(model, found.sources, found.positions, found.unread(), found.fills)
    return declared, sort_problems(found.problems)


def check_models_dir(models_dir: Path) -> None:
    """Raise ``InputError`` unless ``models_dir`` is a directory."""
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


def _load_content_types(
    ct_dir: Path, found: _Found, cache: ParseCache | None
) -> tuple[dict[str, ContentType], dict[str, EditorInterface]]:
    """The content types (and their editor interfaces) of the files of ``content_types/``."""
    content_types: dict[str, ContentType] = {}
    editor_interfaces: dict[str, EditorInterface] = {}
    for path in _content_type_files(ct_dir, found):
        data = _load_content_type(path, found, cache)
        if data is not None:
            content_types[data["id"]], editor_interfaces[data["id"]] = content_type_from_data(data)
    return content_types, editor_interfaces


def _load_content_type(path: Path, found: _Found, cache: ParseCache | None) -> dict[str, Any] | None:
    """The checked data of the content type (and editor interface) of one file, which then fits its shape
    (where each part is declared, what did not read and its fills noted in ``found``); None when none read."""
    read = _load_file(path, ContentTypeFile, found, {"name": "(name did not read)"}, cache)
    if read is None:
        found.unread_content_types.add(id_of(path))
        return None
    ct_id, fields = read.data["id"], read.data.get("fields", [])
    if ct_id != id_of(path):
        found.unread_content_types.update((ct_id, id_of(path)))
        found.problems.append(
            Problem(
                str(path),
                "id",
                f"id {shown(ct_id)} differs from the file name {shown(path.name)}",
                f"rename the file to the id, or set id = {id_of(path)!r}",
                _line_at(found.positions[path], ("id",)),
            )
        )
        return None
    kept = tuple(range(len(fields))) if read.kept is None else read.kept
    if read.kept is not None:
        found.partial[ct_id] = kept
    found.sources.update(_content_type_sources(ct_id, fields, path, found.positions[path], kept, found.field_sources))
    found.fills.update({
        field_address(ct_id, f["id"]): FillDecl(f["fill"], path, ("fields", index, "fill"))
        for index, f in zip(kept, fields, strict=True) if "fill" in f
    })
    return read.data


#: What one model file is to ``read_model_file``: a content type file, ``locales.toml`` or ``tags.toml``.
FileKind = Literal["content_type", "locales", "tags"]


def read_model_file(
    path: Path, kind: FileKind, raw: bytes | None = None, cache: ParseCache | None = None, content: str | None = None
) -> tuple[DeclaredModel, list[Problem], tuple[ContentTypeView, EditorView] | None]:
    """One model file read alone (its bytes ``raw``, when read already, and their ``cache.content_key``
    ``content``, when known), as ``read_models`` reads it among the
    others (with its ``cache``): what it declares and its reading problems, unsorted; of its sources, only the
    content type's (the rules need no other). A content type is not built into the model (left empty): it comes
    as views of its checked data (``building.content_type_view``), which is all its rules read (issue 16)."""
    found = _Found(given={} if raw is None else {path: raw}, field_sources=False,
                   hashes={} if raw is None or content is None else {path: content})
    locales: dict[str, Locale] = {}
    tags, views = None, None
    if kind == "content_type":
        data = _load_content_type(path, found, cache)
        views = None if data is None else content_type_view(data)
    elif kind == "locales":
        locales = _load_locales(path, found, cache)
    else:
        tags = _load_tags(path, found, cache)
    # not validated: the first validation of a model in a process builds pydantic's validators of all its values
    # (0.015 s), which a file's own rules never need (issue 16); the values are of their types already
    model = ContentModel.model_construct(content_types={}, editor_interfaces={}, locales=locales, tags=tags)
    return DeclaredModel(model, found.sources, found.positions, found.unread(), found.fills), found.problems, views


def _load_locales(path: Path, found: _Found, cache: ParseCache | None) -> dict[str, Locale]:
    """The locales of ``locales.toml``."""
    if not path.is_file():
        found.locales_unread = True
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
    read = _load_file(path, LocalesFile, found, {}, cache)
    found.locales_unread = read is None or read.kept is not None
    decls = [] if read is None or read.decl is None else read.decl.locales
    kept = range(len(decls)) if read is None or read.kept is None else read.kept
    locales: dict[str, Locale] = {}
    for index, loc in zip(kept, decls, strict=True):
        if loc.code in locales:
            found.locales_unread |= loc.default  # the default flag left out: the count of defaults is unknown
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


def _load_tags(path: Path, found: _Found, cache: ParseCache | None) -> dict[str, Tag] | None:
    """The tags of ``tags.toml``; None when there is no such file (the tags are then not managed)."""
    if not path.exists():
        return None
    read = _load_file(path, TagsFile, found, {}, cache)
    tags: dict[str, Tag] = {}
    decls = [] if read is None or read.decl is None else read.decl.tags
    kept = range(len(decls)) if read is None or read.kept is None else read.kept
    for index, decl in zip(kept, decls, strict=True):
        if decl.id in tags:
            found.problems.append(
                Problem(str(path), f"tags.{decl.id}", f"tag id {decl.id!r} is declared twice",
                        "remove one of the two [[tags]] entries", _line_at(found.positions[path], ("tags", index)))
            )
            continue
        tags[decl.id] = Tag(**decl.model_dump())
        found.sources[f"tags.{decl.id}"] = Source(path, found.positions[path], (("tags", index),))
    return tags


def _load_file(
    path: Path, shape: type[_File], found: _Found, placeholders: dict[str, Any], cache: ParseCache | None = None
) -> _Read[_File] | None:
    """Read, parse and check one file; its problems are added to ``found``, with the positions of its keys.
    What read of it (``salvage``: the file without its broken parts), or None when nothing could be. Every
    file is noted in ``cache``; a content type file found there is neither parsed nor checked again, and one
    that reads with no problem is added to it."""
    file = str(path)
    try:
        raw = found.given[path] if path in found.given else read_bytes(path, MAX_FILE_BYTES)
        key = None if cache is None else cache.note(f"{path.parent.name}/{path.name}", raw, found.hashes.get(path))
        known = None if key is None or cache is None or shape is not ContentTypeFile else cache.get(key)
        toml = parse_toml(raw, max_depth=MAX_NESTING) if known is None else known_toml(raw, known)
    except TomlReadError as exc:
        found.problems.append(read_problem(file, exc))
        return None
    found.positions[path] = toml.positions
    if known is not None:
        return _Read(None, known)
    read = _checked(file, toml, shape, found, placeholders)
    if cache is not None and key is not None and shape is ContentTypeFile and read is not None and read.kept is None:
        cache.put(key, read.data, toml.json)
    return read


def _checked(
    file: str, toml: TomlFile, shape: type[_File], found: _Found, placeholders: dict[str, Any]
) -> _Read[_File] | None:
    """One parsed file checked: its dates and shape (problems added to ``found``); what of it read."""
    dates: dict[KeyPath, Problem] = {} if toml.json_values else date_problems(file, toml.data, toml.positions)
    found.problems.extend(dates.values())
    errors: list[Any] = []
    if shape is ContentTypeFile and not dates and fits(shape, toml.data):
        return _Read(None, toml.data)  # its objects are never used (``declared.fits``)
    try:
        decl = shape.model_validate(toml.data)
        if not dates:
            return _Read(decl, toml.data)
    except ValidationError as exc:
        errors = [e for e in exc.errors() if tuple(e["loc"]) not in dates]  # a date is reported once
        found.problems.extend(shape_problem(file, e, toml.data, toml.positions, shape) for e in errors)
    list_key, fatal = _UNITS[shape]
    broken: list[KeyPath] = [*dates.keys(), *(tuple(e["loc"]) for e in errors)]
    salvaged = salvage(toml.data, broken, list_key, fatal, placeholders)
    if salvaged is None:
        return None
    try:
        return _Read(shape.model_validate(salvaged.data), salvaged.data, salvaged.kept)
    except ValidationError:
        return None  # what is left still does not fit: its problems are reported already


def _line_at(positions: Mapping[KeyPath, Position], key_path: KeyPath) -> int | None:
    """The line of exactly ``key_path``, if the scan found it."""
    found = positions.get(key_path)
    return None if found is None else found.line


def list_content_type_files(ct_dir: Path) -> tuple[list[Path], list[Problem], Unread]:
    """The content type files of ``ct_dir``, sorted, as ``read_models`` finds them: with the problems of its
    stray files and folders, and the content type ids those leave unread."""
    found = _Found()
    files = _content_type_files(ct_dir, found)
    return files, found.problems, found.unread()


def _content_type_files(ct_dir: Path, found: _Found) -> list[Path]:
    """The content type files of ``ct_dir``, sorted; stray files and folders are problems."""
    problems = found.problems
    if not ct_dir.exists():
        # No content types declared. git cannot hold an empty directory, so a fresh clone of a models
        # directory without content types has no content_types/ at all; the locales file is still required.
        return []
    if not ct_dir.is_dir():
        found.every_content_type = True
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
    for entry, kind in content_type_entries(ct_dir):
        if kind == "folder":
            problems.append(
                Problem(
                    str(entry),
                    "",
                    "unexpected directory in content_types/",
                    "content_types/ holds only <id>.toml files; move or remove the directory",
                )
            )
        elif kind == "stray":
            found.unread_content_types.add(entry.name.split(".")[0])  # author.TOML may declare author
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


def _content_type_sources(
    ct_id: str, fields: list[dict[str, Any]], path: Path, positions: Mapping[KeyPath, Position],
    kept: tuple[int, ...], parts: bool = True,
) -> dict[str, Source]:
    """Where the content type, each field and the editor interface (unless not ``parts``) of one file are
    declared; ``kept`` is the index in the file of each of ``fields``."""
    base = f"content_types.{ct_id}"
    found = {base: Source(path, positions, (("id",),))}
    if not parts:
        return found
    for index, f in zip(kept, fields, strict=True):
        found.setdefault(f"{base}.fields.{f['id']}", Source(path, positions, (("fields", index),)))
    editor = (("editor_interface",), *(("fields", i, "editor") for i in kept))
    found[f"editor_interfaces.{ct_id}"] = Source(path, positions, editor)
    return found


def content_type_of(data: Mapping[str, Any]) -> tuple[ContentType, EditorInterface]:
    """The content type and editor interface of one file's TOML data (``ValidationError`` when it does not fit)."""
    ContentTypeFile.model_validate(data)
    return content_type_from_data(data)


def locales_of(data: Mapping[str, Any]) -> dict[str, Locale]:
    """The locales of the TOML data of ``locales.toml`` (``ValidationError`` when it does not fit)."""
    return {loc.code: Locale(**loc.model_dump()) for loc in LocalesFile.model_validate(data).locales}


def tags_of(data: Mapping[str, Any]) -> dict[str, Tag]:
    """The tags of the TOML data of ``tags.toml`` (``ValidationError`` when it does not fit)."""
    return {tag.id: Tag(**tag.model_dump()) for tag in TagsFile.model_validate(data).tags}
