"""``reconcile validate`` file by file: each model file checked once per content, the references across all
on every run (issue 16).

Every problem the whole-model read and rules find (``read_models``, ``validate``, ``scope_problems``) is either
one file's own (its syntax, shape and rules: ``records.check_file``) or a name one file uses that another must
declare (``validate.references``), or a content type out of the scope. ``check_models`` takes the record of each
file whose name and bytes it has seen before from the record cache (``records.RecordCache``), checks the others,
and resolves every file's references against the names of all files, then the scope: the same problems, each
with the same file, line and message, as the whole-model check (``tests/declared/test_incremental.py`` compares
them after every kind of edit). Files that declare fills are left to the whole-model check: a fill names the
project's code, which the cache does not cover.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reconcile.declared.cache import ParseCache
from reconcile.declared.layout import CONTENT_TYPES_DIR, LOCALES_FILE, MAX_FILE_BYTES, TAGS_FILE
from reconcile.declared.loader import FileKind, check_models_dir, list_content_type_files
from reconcile.declared.records import FileRecord, RecordCache, check_file, record_key
from reconcile.errors import Problem, split_warnings
from reconcile.scope import Scope, out_of_scope_problem
from reconcile.sources import KeyPath, Position, Unread, nearest_line, sort_problems
from reconcile.tomlsource import TomlReadError, known_toml, read_bytes
from reconcile.validate.references import ReferenceKind, reference_problem, unresolved


@dataclass(frozen=True)
class Checked:
    """What the model files declare (counts of content types and locales), every problem found (warnings too:
    ``Problem.warning``), sorted, and the key of each file read (``records.record_key``; the same as
    ``ParseCache.seen``'s)."""

    content_types: int
    locales: int
    problems: list[Problem]
    keys: frozenset[str]


@dataclass
class _Files:
    """The records of this run's model files, by path, the bytes of those read whole (for lines) and their keys;
    ``parse_cache``: where the files checked are noted and added (``read_models``'s)."""

    parse_cache: ParseCache | None
    known: Mapping[str, str]  # the key of each file read already, by ``<folder>/<name>`` (``ParseCache.seen``)
    records: dict[Path, FileRecord] = field(default_factory=dict)
    raw: dict[Path, bytes] = field(default_factory=dict)
    keys: dict[Path, str] = field(default_factory=dict)  # ``records.record_key``
    clean: dict[tuple[bytes, str], str] = field(default_factory=dict)  # ``ContentTypeCheck.clean``

    def from_cache(self, path: Path, kind: FileKind, cache: RecordCache) -> bool:
        """Whether ``cache`` has the record of the model file at ``path`` (which is then read and hashed, and its
        record taken); not when it is missing or cannot be read (``check`` says why)."""
        key = self.known.get(f"{path.parent.name}/{path.name}")
        if key is None:
            if (kind == "locales" and not path.is_file()) or self.read(path) is None:
                return False
            key = record_key(path, self.raw[path])
        self.keys[path] = key
        record = cache.get(key)
        if record is not None:
            self.records[path] = record
        return record is not None

    def check(self, path: Path, kind: FileKind, cache: RecordCache) -> None:
        """Check the model file at ``path`` (with the bytes ``from_cache`` read, if any) and add its record to
        ``cache`` when it has no problem of its own."""
        raw = None if kind == "locales" and not path.is_file() else self.read(path)
        key = None if raw is None else self.keys.get(path) or record_key(path, raw)
        hashed = key if f"{path.parent.name}/{path.name}" not in self.known else None  # of these bytes
        record = check_file(path, kind, self.clean, raw, self.parse_cache, hashed)
        self.records[path] = record
        if key is not None:
            self.keys[path] = key
            cache.put(key, record)

    def read(self, path: Path) -> bytes | None:
        """The bytes of the model file at ``path`` (read once), None when it cannot be read."""
        if path not in self.raw:
            try:
                self.raw[path] = read_bytes(path, MAX_FILE_BYTES)
            except TomlReadError:
                return None
        return self.raw[path]

    def line(self, path: Path, key_path: KeyPath) -> int | None:
        """The line of ``key_path`` in the file at ``path`` (found as ``read_models`` finds it)."""
        raw = self.read(path)
        positions: Mapping[KeyPath, Position] = {} if raw is None else known_toml(raw, {}).positions
        return nearest_line(positions, key_path)


def check_models(
    models_dir: Path, cache_dir: Path, scope: Scope, config_file: str, parse_cache: ParseCache | None = None,
    *, unseen_at_most: float = 1.0, known: Iterable[str] = (),
) -> Checked | None:
    """Every problem of the model files under ``models_dir`` with ``scope`` (``config_file`` names it), checking
    only the files the record cache in ``cache_dir`` has not seen (noted in ``parse_cache`` and added to it, as
    ``read_models`` does); None when a file declares fills (then only the whole-model check can tell), or when
    more than the share ``unseen_at_most`` of the files are to be checked. ``known``: the key of each file read
    already (``ParseCache.seen``), which is not read again. Only a missing models folder is raised."""
    check_models_dir(models_dir)
    cache = RecordCache.of_models(cache_dir, models_dir)
    ct_files, problems, listed = list_content_type_files(models_dir / CONTENT_TYPES_DIR)
    kinds: list[tuple[Path, FileKind]] = [(path, "content_type") for path in ct_files]
    kinds.append((models_dir / LOCALES_FILE, "locales"))
    if (models_dir / TAGS_FILE).exists():
        kinds.append((models_dir / TAGS_FILE, "tags"))
    files = _Files(parse_cache, {key.rsplit(" ", 1)[0]: key for key in known})
    unseen = [(path, kind) for path, kind in kinds if not files.from_cache(path, kind, cache)]
    if len(unseen) > unseen_at_most * len(kinds):
        return None
    for path, kind in unseen:
        files.check(path, kind, cache)
    records = [files.records[path] for path, _ in kinds]
    problems.extend(problem for record in records for problem in record.problems)
    if any(record.fills for record in records):  # kept for the next run, which then checks no file either
        if not problems:
            cache.save()
        return None
    locales = files.records[models_dir / LOCALES_FILE]
    owner = {ct_id: path for path, _ in kinds for ct_id in files.records[path].content_types}
    unread = Unread(content_types=listed.content_types.union(*(record.unread for record in records)),
                    locales=locales.locales_unread, every_content_type=listed.every_content_type)
    problems.extend(_reference_problems(files, owner, locales.locales, unread, lambda ct: not scope.manages(ct)))
    for ct_id in sorted(owner):
        reason = scope.excluded_by(ct_id)
        if reason is not None:
            problems.append(out_of_scope_problem(ct_id, reason, owner[ct_id], config_file,
                                                 files.line(owner[ct_id], ("id",))))
    if not split_warnings(problems)[0]:  # the warnings are found again from the records
        cache.save()
    return Checked(len(owner), len(locales.locales), sort_problems(problems), frozenset(files.keys.values()))


def _reference_problems(
    files: _Files, content_types: Mapping[str, Path], locales: tuple[str, ...], unread: Unread,
    outside: Callable[[str], bool],
) -> list[Problem]:
    """The problems of the names files use that no other file declares (``validate.references``); a file from the
    cache that uses one is checked again, for where it uses it."""
    codes = frozenset(locales)
    problems: list[Problem] = []
    for path, record in files.records.items():
        uses: list[tuple[ReferenceKind, str]] = [*(("content_type", name) for name in record.links),
                                                 *(("locale", name) for name in record.locale_names)]
        missing = {(kind, name) for kind, name in uses if unresolved(kind, name, content_types, codes, unread, outside)}
        if not missing:
            continue
        references = record.references
        if references is None:  # only content type files name others
            references = check_file(path, "content_type", {}, files.read(path)).references or ()
        problems.extend(reference_problem(reference, path, files.line(path, reference.key_path))
                        for reference in references if (reference.kind, reference.name) in missing)
    return problems
