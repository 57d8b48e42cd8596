"""Writing model files (``reconcile pull``, ``drift --adopt``): a ``ContentModel`` as TOML text.

A file that exists is edited in place (``reconcile.declared.editor``): only the values that differ from
the model change; comments, order and layout stay. A new file is written in the compact style of
``models/``. Output is stable: fixed key order, only values that differ from the defaults, byte-identical
files for the same model.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rtoml
from pydantic import BaseModel, ValidationError

from reconcile.declared.as_written import edits_as_written
from reconcile.declared.editor import Doc, document_text, edit_text
from reconcile.declared.layout import (
    CONTENT_TYPES_DIR,
    LOCALES_FILE,
    TAGS_FILE,
    content_type_path,
    id_of,
    is_model_file,
)
from reconcile.declared.loader import content_type_of, locales_of, tags_of
from reconcile.declared.same import same
from reconcile.declared.shapes import FORMAT_VERSION
from reconcile.errors import ReconcileError
from reconcile.fsio import atomic_write
from reconcile.interning import Interner
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Locale, Tag, is_valid_id
from reconcile.normalize import normalize, normalize_locale
from reconcile.scope import ALL, Scope
from reconcile.wording import count

_SCALARS = frozenset({str, int, float, bool})
# The ``#:schema`` line of a new file in a folder (``_schema_line``, remembered within one call).
_Schema = Callable[[Path], str | None]


def write_models(
    model: ContentModel,
    models_dir: Path,
    only: str | None = None,
    scope: Scope = ALL,
    *,
    normalized: bool = False,
    known: Collection[str] = (),
    held: dict[Path, bytes] | None = None,
    rendered: Mapping[str, Rendered] | None = None,
    found: Mapping[Path, bytes] | None = None,
) -> list[Path]:
    """Write ``model`` as model files under ``models_dir``; return the files written (created, changed or
    removed: a file that already declares its part of the model is left as it is).

    With ``only`` set, write just that content type's file. Otherwise write every content type and
    ``locales.toml`` and remove ``content_types/*.toml`` files of content types not in the model.
    The files of content types out of ``scope`` are never removed; with ``locales = false`` an existing
    ``locales.toml`` is left as it is (one is written only when missing: offline validation reads it).
    Output is deterministic: writing the same model twice gives byte-identical files. Controls
    without widget or settings are not written (they equal the default a missing ``editor`` gets),
    nor are ``unmanaged`` keys; ``null`` members of opaque JSON objects are left out (TOML has no null).
    ``normalized``: ``model`` is canonical already (normalising 1,000 content types again costs ~0.3 s).
    ``known``: ids of content types not in ``model`` whose files are known to declare them (``pull``'s record,
    ``declared.pulltypes``): neither written nor removed. ``held``, when given, receives the bytes each content
    type file written or found declaring its content type holds after the write. ``rendered``: content types not
    in ``model``, each with the text of its new file (``pull``: ``declared.rendering``), written as the others.
    ``found``: the bytes of content type files the caller read already (``pull``'s folder state: ~0.03 s at 1,000
    files), compared as they were read.
    """
    rendered = rendered or {}
    ids = [only] if only is not None else sorted({*model.content_types, *rendered})
    _check_ids(ids, model, rendered)
    if not normalized:
        model = normalize(model)  # canonical values: what a file declares is compared in this form
    ct_dir = models_dir / CONTENT_TYPES_DIR
    schema: _Schema = functools.cache(_schema_line)  # the files are written after all are read: once a folder
    texts: dict[Path, str | None] = {}
    doc_of = functools.partial(_content_type_doc_of, run=Interner())  # the files share validations, settings
    for ct_id in ids:
        path = content_type_path(models_dir, ct_id)
        text = texts[path] = _file_text(path, _new_doc(model, ct_id, rendered), doc_of, schema, held, found)
        if held is not None and text is not None:
            held[path] = text.encode("utf-8")
    if only is None and (scope.locales or not (models_dir / LOCALES_FILE).exists()):
        path = models_dir / LOCALES_FILE
        texts[path] = _file_text(path, locales_doc(model.locales), _locales_doc_of, schema)
    if only is None and (model.tags or (models_dir / TAGS_FILE).exists()):  # no tags, no file: tags unmanaged
        path = models_dir / TAGS_FILE
        texts[path] = _file_text(path, tags_doc(model.tags or {}), _tags_doc_of, schema)
    try:  # a models folder that cannot be written (a file in the way, no permission) is one clear error
        ct_dir.mkdir(parents=True, exist_ok=True)
        written = [path for path, text in texts.items() if text is not None and _write_if_changed(path, text)]
        if only is None:
            written += _remove_stale(ct_dir, {*model.content_types, *known, *rendered}, scope)
    except OSError as exc:
        raise ReconcileError(
            f"cannot write the model files under {models_dir}: {exc.strerror or exc}: {exc.filename}",
            hint="pass --models a folder you may write (or fix its permissions), then run the command again",
        ) from None
    return written


def _check_ids(ids: Iterable[str], model: ContentModel, rendered: Mapping[str, Rendered]) -> None:
    """Refuse, before anything is written, an id the model does not hold or that cannot name a file."""
    for ct_id in ids:
        if ct_id not in model.content_types and ct_id not in rendered:
            raise ReconcileError(
                f"content type {ct_id!r} is not in the model", hint="check the id (ids are case-sensitive)"
            )
        if not is_valid_id(ct_id):
            raise ReconcileError(
                f"content type id {ct_id!r} cannot be written as a file name",
                hint="ids are 1-64 characters of letters, digits, '-', '_' and '.'",
            )


@dataclass(frozen=True)
class Rendered:
    """A content type's new-file text (no ``#:schema`` line) made without its document; ``doc`` makes the
    document, for a file that exists with another text (to compare or edit)."""

    text: str
    doc: Callable[[], Doc]


def _new_doc(model: ContentModel, ct_id: str, rendered: Mapping[str, Rendered]) -> Doc | Rendered:
    """What the file of ``ct_id`` is to declare: its ``rendered`` text, else its document."""
    if ct_id in rendered:
        return rendered[ct_id]
    ei = model.editor_interfaces.get(ct_id, EditorInterface(content_type_id=ct_id))
    return content_type_doc(model.content_types[ct_id], ei)


def _new_text(new: Doc | Rendered, schema_line: str | None) -> str:
    """The text of a new file declaring ``new``."""
    if isinstance(new, Rendered):
        return f"{schema_line}\n{new.text}" if schema_line else new.text
    return document_text(new, schema_line)


def _remove_stale(ct_dir: Path, live: set[str], scope: Scope) -> list[Path]:
    """Remove the content type files in ``ct_dir`` of content types not ``live`` that ``scope`` manages."""
    stale = [path for path in sorted(ct_dir.glob("*.toml"))
             if id_of(path) not in live and _is_model_file(path) and scope.manages(id_of(path))]  # fmt: skip
    for path in stale:
        path.unlink()
    return stale


def write_locales(model: ContentModel, models_dir: Path) -> Path:
    """Write only ``locales.toml`` (for `drift --adopt` when only locales drifted)."""
    path = models_dir / LOCALES_FILE
    text = _file_text(path, locales_doc(normalize(model).locales), _locales_doc_of, _schema_line)
    models_dir.mkdir(parents=True, exist_ok=True)
    if text is not None:
        _write_if_changed(path, text)
    return path


def content_type_doc(ct: ContentType, ei: EditorInterface) -> dict[str, Any]:
    """What the file of one content type and its editor interface declares (only non-default keys)."""
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
            parts[key] = [json_for_toml(item, f"editor_interface.{key}") for item in value]
    if parts:
        doc["editor_interface"] = parts
    return doc


def locales_doc(locales: Mapping[str, Locale]) -> dict[str, Any]:
    """What ``locales.toml`` declares: the default locale first, then by code."""
    ordered = sorted(locales.values(), key=lambda loc: (not loc.default, loc.code))
    return {"format": FORMAT_VERSION, "locales": [_non_default(loc) for loc in ordered]}


def _field_table(f: Field, control: Control | None) -> dict[str, Any]:
    """One ``[[fields]]`` table: the field's non-default values and its editor control."""
    where = f"fields.{f.id}"
    table = _non_default(f, exclude={"items", "validations", "default_value", "allowed_resources", "annotations"})
    if f.validations:
        table["validations"] = [json_for_toml(v, f"{where}.validations") for v in f.validations]
    _put(table, "default_value", None if f.default_value is None else json_for_toml(f.default_value, where))
    if f.allowed_resources is not None:
        table["allowed_resources"] = [json_for_toml(r, f"{where}.allowed_resources") for r in f.allowed_resources]
    if f.items is not None:
        items = _non_default(f.items, exclude={"validations"})
        if f.items.validations:
            items["validations"] = [json_for_toml(v, f"{where}.items.validations") for v in f.items.validations]
        table["items"] = items
    if control is not None and (control.widget_id, control.widget_namespace, control.settings) != (None,) * 3:
        editor = _non_default(control, exclude={"field_id", "settings"})
        _put(editor, "settings", None if control.settings is None else json_for_toml(control.settings, where))
        table["editor"] = editor
    _put_metadata(table, f.annotations, (), where)
    return table


def _put_metadata(table: dict[str, Any], annotations: Any, taxonomy: Any, where: str) -> None:
    """``annotations`` (an id alone when it has no parameters) and ``taxonomy`` links (``required`` only
    when true), when there are any."""
    if annotations:
        table["annotations"] = [
            json_for_toml(a, f"{where}.annotations") if a.get("parameters") else a["id"] for a in annotations
        ]
    if taxonomy:
        table["taxonomy"] = [{k: v for k, v in link.items() if k != "required" or v} for link in taxonomy]


def _non_default(value: BaseModel, exclude: set[str] | None = None) -> dict[str, Any]:
    """The model's keys whose values differ from their defaults, in declaration order (read from the model's
    ``__dict__``, where pydantic keeps them: ~35,000 models at 1,000 content types)."""
    values = value.__dict__
    return {
        name: values[name]
        for name, required, default in _fields_of(type(value))
        if (required or values[name] != default) and name not in (exclude or ())
    }


@functools.cache
def _fields_of(cls: type[BaseModel]) -> tuple[tuple[str, bool, Any], ...]:
    """Each field of ``cls``: its name, whether it is required, its default (asked of pydantic once)."""
    return tuple((name, info.is_required(), info.default) for name, info in cls.model_fields.items())


def _put(table: dict[str, Any], key: str, value: Any) -> None:
    """Set ``table[key]`` unless ``value`` is None (TOML has no null)."""
    if value is not None:
        table[key] = value


def json_for_toml(value: Any, where: str) -> Any:
    """Opaque JSON as TOML can hold it: members whose value is null are dropped."""
    kind = type(value)  # exact types first: ``isinstance`` against ``Mapping`` is several times slower
    if kind is dict or (kind is not list and kind is not tuple and isinstance(value, Mapping)):
        # a scalar member is kept as it is without a call (~40% of pull's writing)
        return {k: v if type(v) in _SCALARS else json_for_toml(v, where) for k, v in value.items() if v is not None}
    if kind is list or kind is tuple or isinstance(value, list | tuple):
        if None in value:
            raise ReconcileError(
                f"{where}: an array holds null, which TOML cannot express",
                hint="remove the null from the live value, then pull again",
            )
        return [item if type(item) in _SCALARS else json_for_toml(item, where) for item in value]
    return value


def _file_text(
    path: Path, new: Doc | Rendered, doc_of: Callable[[dict[str, Any]], Doc], schema: _Schema,
    held: dict[Path, bytes] | None = None, found: Mapping[Path, bytes] | None = None,
) -> str | None:
    """The text of ``path`` declaring ``new``: the file edited in place where it exists, else a new one;
    None when the file declares ``new`` already.

    The file is parsed only when its text is not the one a new file would have, and edited (tomlkit)
    only when its values are not ``new``'s canonical ones (rtoml parses, tomllib only where rtoml refuses
    a text). The edit is checked by reading it back: should the element-wise edit of a list not give the
    list's order (a sidebar reordered), that list is replaced whole. Should that still differ (a bug), the
    file is left alone and the error says so: a hand-written file is never silently rewritten. ``held``, when
    given, receives the bytes of a file that declares ``new`` already (``write_models``); ``found``: bytes of
    files read already (``write_models``), not read again."""
    data = None if found is None else found.get(path)
    if data is None and (not path.exists() or path.stat().st_size == 0):
        return _new_text(new, schema(path.parent))  # empty: it declares nothing (see _write_if_changed)
    if data == b"":
        return _new_text(new, schema(path.parent))
    try:
        data = path.read_bytes() if data is None else data
        whole = data.decode("utf-8")  # line ends as they are
    except UnicodeDecodeError:
        raise _unreadable(path, "not UTF-8") from None
    except OSError as exc:  # a folder of that name, no permission
        raise _unreadable(path, exc.strerror or str(exc)) from None
    edited = _edited(path, whole, new, doc_of)
    if edited is None and held is not None:
        held[path] = data
    return edited


def _edited(path: Path, whole: str, new: Doc | Rendered, doc_of: Callable[[dict[str, Any]], Doc]) -> str | None:
    """``_file_text`` of the existing file ``path`` whose text is ``whole``."""
    text = whole.removeprefix("\ufeff")
    own = _own_schema_line(text)
    new_text = _new_text(new, own)
    if text == new_text:
        return None  # as pull writes it (the common case): nothing to parse
    if isinstance(new, Rendered):
        new = new.doc()
    data = _data(text, path)
    if _same_values(data, new):
        return None  # the file spells the canonical values (its comments or layout are its own)
    try:
        old = doc_of(data)
    except ValidationError as exc:
        raise _unreadable(path, count(exc.error_count(), "problem")) from None
    if same(old, new):
        return None
    if edits_as_written(old, new) and text == document_text(old, own):
        return whole[: len(whole) - len(text)] + new_text  # nothing of a human's to keep: no tomlkit
    for exact_lists in (False, True):
        edited = edit_text(text, old, new, exact_lists=exact_lists)
        if _declares(edited, path, new, doc_of):
            return whole[: len(whole) - len(text)] + edited  # a byte-order mark stays
    raise ReconcileError(
        f"{path}: editing this model file in place did not give the live model",
        hint="this is a bug, please report it with the file; moving the file away and running the command"
        " again writes it anew (without its comments)",
    )


def _same_values(data: dict[str, Any], doc: Doc) -> bool:
    """Whether TOML ``data`` is ``doc`` itself (a date or time in it is not JSON: not the same)."""
    try:
        return same(data, doc)
    except (TypeError, ValueError):
        return False


def _declares(text: str, path: Path, doc: Doc, doc_of: Callable[[dict[str, Any]], Doc]) -> bool:
    try:
        return same(doc_of(_data(text, path)), doc)
    except (ValidationError, ReconcileError):
        return False


def _content_type_doc_of(data: dict[str, Any], run: Interner | None = None) -> Doc:
    """What a content type file's TOML ``data`` declares, canonical (as ``content_type_doc`` writes it); normalised
    by ``run`` where given (equal results, shared between the files of one ``write_models``)."""
    ct, ei = content_type_of(data)
    if run is not None:
        canonical_ct = run.content_type(ct)
        return content_type_doc(canonical_ct, run.editor_interface(ei, canonical_ct))
    canonical = normalize(ContentModel(content_types={ct.id: ct}, editor_interfaces={ct.id: ei}))
    return content_type_doc(canonical.content_types[ct.id], canonical.editor_interfaces[ct.id])


def _locales_doc_of(data: dict[str, Any]) -> Doc:
    """What the locales file's TOML ``data`` declares, canonical."""
    return locales_doc({code: normalize_locale(loc) for code, loc in locales_of(data).items()})


def tags_doc(tags: Mapping[str, Tag]) -> dict[str, Any]:
    """What ``tags.toml`` declares: the tags by id, visibility always (it is fixed at creation)."""
    rows = [{"id": t.id, "name": t.name, "visibility": t.visibility} for _, t in sorted(tags.items())]
    return {"format": FORMAT_VERSION, "tags": rows}


def _tags_doc_of(data: dict[str, Any]) -> Doc:
    """What the tags file's TOML ``data`` declares, canonical."""
    return tags_doc(tags_of(data))


def _data(text: str, path: Path) -> dict[str, Any]:
    """The TOML data of a file that is to be edited; one that does not read is an error (nothing is written).
    rtoml parses (about three times as fast); where it refuses a text, tomllib's verdict and message stand."""
    try:
        return dict(rtoml.loads(text))
    except (rtoml.TomlParsingError, ValueError, RecursionError):
        pass
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as exc:
        raise _unreadable(path, str(exc)) from None


def _unreadable(path: Path, why: str) -> ReconcileError:
    return ReconcileError(
        f"{path}: cannot edit this model file in place, it does not read ({why})",
        hint="fix it (`reconcile validate` lists its problems) or delete it, then run the command again",
    )


def _schema_line(folder: Path) -> str | None:
    """The ``#:schema`` line of a new file in ``folder``: the one its model files use, if they have one."""
    for sibling in sorted(folder.glob("*.toml")):
        if not _is_model_file(sibling):
            continue
        with sibling.open(encoding="utf-8-sig", errors="replace") as handle:
            first = handle.readline().rstrip("\r\n")
        if first.startswith("#:schema "):
            return first
    return None


def _own_schema_line(text: str) -> str | None:
    """The ``#:schema`` line ``text`` starts with, if it does."""
    first = text.partition("\n")[0].rstrip("\r")
    return first if first.startswith("#:schema ") else None


def _is_model_file(path: Path) -> bool:
    """A model file, not a directory named like one (`validate` reports that; pull stopped on it with a
    traceback)."""
    return is_model_file(path) and path.is_file()


def _write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file holds exactly it already (its time stamp stays); whether it wrote.

    Atomic (a temporary file renamed over the file) without fsyncs: a pull that dies leaves each file
    as it was or as pulled. After a power loss a file the pull created may be missing or empty; the
    next pull writes it anew, and the models folder is in git. An fsync per file cost about 0.5 s of
    CPU for 1,000 new files, and so did one fsync of their folder (ext4 then writes all their data)."""
    if path.exists() and path.read_bytes() == text.encode("utf-8"):
        return False
    atomic_write(path, text, durable=False)
    return True
