"""What one model file declares and what its own rules found, checked once per content (issue 16).

``reconcile validate`` checks each model file alone (``check_file``: read, shape, build, the rules of that file)
and keeps what the other files' checks need of it (``FileRecord``: the content type ids it declares or may
declare, the locale codes of ``locales.toml``, the names it uses that other files must declare, whether it
declares fills), in a compact form. ``<project>/.reconcile/cache/checked-<hash of the models folder>.json`` keeps
the record of each file that had no problem of its own, keyed by its name in the models folder and the hash of
its bytes, under the reader's key (``cache.reader_key``: the tool's versions and source), so that a later run
checks only the files whose bytes changed and the references across all (``declared.incremental``).

Safe as the parse cache is (``declared.cache``): the payload carries its digest (a damaged file is ignored
whole), another reader's file is ignored, it is written atomically, only by a run that found no problem (bad
input writes nothing), only when it changed, and any ``OSError`` leaves it as it was (``cache.FolderRecord``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from reconcile.declared.cache import FolderRecord, ParseCache, content_key
from reconcile.declared.loader import FileKind, read_model_file
from reconcile.errors import Problem
from reconcile.validate.content_types import ContentTypeCheck
from reconcile.validate.locales import locale_problems
from reconcile.validate.references import Reference
from reconcile.validate.tags import tag_problems


@dataclass(frozen=True)
class FileRecord:
    """What the checks of the other files need of one model file, and the problems of its own."""

    content_types: tuple[str, ...]  # the content type ids it declares (that read)
    unread: tuple[str, ...]  # content type ids it may declare, which did not read
    locales: tuple[str, ...]  # the locale codes it declares (locales.toml)
    locales_unread: bool  # locales.toml did not read in full
    fills: bool  # it declares a fill (code of the project's, which the cache does not cover)
    links: tuple[str, ...]  # the content type ids it names (``linkContentType``), once each
    locale_names: tuple[str, ...]  # the locale codes it keys default values by, once each
    #: Each use of those names (``validate.references``): None for a record from the cache, whose file is
    #: checked again when one of them is not declared (only then is where it is used needed).
    references: tuple[Reference, ...] | None = None
    problems: tuple[Problem, ...] = ()  # its own problems; a file with any is never cached

    def encoded(self) -> list[Any]:
        """The record as JSON values (without problems: only a file without any is cached; without the places of
        its references)."""
        return [self.content_types, self.unread, self.locales, self.locales_unread, self.fills, self.links,
                self.locale_names]


def decoded(value: Any) -> FileRecord | None:
    """The record ``FileRecord.encoded`` made, or None when ``value`` is not one."""
    try:
        content_types, unread, locales, locales_unread, fills, links, locale_names = value
        return FileRecord(_names(content_types), _names(unread), _names(locales), locales_unread is True,
                          fills is True, _names(links), _names(locale_names))
    except (TypeError, ValueError):
        return None


def _names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValueError(value)
    return tuple(value)


def check_file(
    path: Path, kind: FileKind, clean: dict[tuple[bytes, str], str], raw: bytes | None = None,
    parse_cache: ParseCache | None = None, key: str | None = None,
) -> FileRecord:
    """One model file read and checked alone (its bytes ``raw``, when read already): what ``read_models`` and
    ``validate`` find in it, but for its references to other files, which are kept instead. ``clean``: the
    validations found clean so far (``ContentTypeCheck.clean``), shared by the files of one run. The file is
    noted in ``parse_cache`` (and added to it when it reads in full), as ``read_models`` does; ``key``: its
    ``record_key``, when known (its bytes are then not hashed again)."""
    content = None if key is None else key.rsplit(" ", 1)[1]
    declared, problems, views = read_model_file(path, kind, raw, parse_cache, content)
    model, references = declared.model, list[Reference]()
    if views is not None:
        ct, editor = views
        problems.extend(ContentTypeCheck(declared, ct, path, editor, clean=clean, references=references).problems())
    if kind == "locales":
        problems.extend(locale_problems(declared))
    elif kind == "tags":
        problems.extend(tag_problems(declared))
    links = tuple(sorted({r.name for r in references if r.kind == "content_type"}))
    locale_names = tuple(sorted({r.name for r in references if r.kind == "locale"}))
    return FileRecord(() if views is None else (views[0].id,), tuple(sorted(declared.unread.content_types)),
                      tuple(model.locales),
                      declared.unread.locales, bool(declared.fills), links, locale_names, tuple(references),
                      tuple(problems))


class RecordCache(FolderRecord):
    """The records of one models folder's files by ``key`` (name and bytes): look up, add, save."""

    kind = "checked"

    def __init__(self, path: Path, models_dir: Path) -> None:
        super().__init__(path, models_dir)
        self._old = self._read_json()[1]
        self._now: dict[str, Any] = {}  # key -> encoded record, of every file of this run without problems
        self._added = False  # a record not in the file was added

    def get(self, key: str) -> FileRecord | None:
        """The record of a file with this ``key`` (``record_key`` of its name and bytes), or None."""
        value = self._old.get(key)
        record = None if value is None else decoded(value)
        if record is not None:
            self._now[key] = value
        return record

    def put(self, key: str, record: FileRecord) -> None:
        """Keep ``record`` (when the file had no problem of its own)."""
        if not record.problems:
            self._now[key], self._added = record.encoded(), True

    def save(self) -> None:
        """Write the records of this run's files (only them), if that changes the file; never raises ``OSError``."""
        if self._reader is None or (not self._added and self._now.keys() == self._old.keys()):
            return
        self._write(orjson.dumps(self._now, option=orjson.OPT_SORT_KEYS), durable=False)  # damaged: ignored


def record_key(path: Path, raw: bytes) -> str:
    """The key of a model file: its name and folder's and its bytes', as the parse cache notes them
    (``ParseCache.note``, ``loader._load_file``)."""
    return f"{path.parent.name}/{path.name} {content_key(raw)}"
