"""Where declared things come from: a model read from files, with the file and line of each part.

I/O-free: the loader (``reconcile.declared``) builds these values, the offline rules
(``reconcile.validate``) read them to point each problem at its line, without depending on how files
are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from reconcile.errors import Problem
from reconcile.model import ContentModel

# A key path inside one parsed file: table keys and array indices, ``("fields", 2, "validations", 0)``.
KeyPath = tuple[str | int, ...]


class Position(NamedTuple):
    """A place in a file's text: line and column, both 1-based."""

    line: int
    column: int


@dataclass(frozen=True)
class Source:
    """Where a declared resource comes from: its file, and its line, that of the first of ``key_paths``
    found in ``positions`` (looked up when asked for)."""

    file: Path
    positions: Mapping[KeyPath, Position] = field(repr=False, compare=False)
    key_paths: tuple[KeyPath, ...]

    @property
    def line(self) -> int | None:
        return next((self.positions[k].line for k in self.key_paths if k in self.positions), None)


@dataclass(frozen=True)
class Unread:
    """What the files declare but the model lacks, because it failed its shape (the loader reports why).

    The offline rules skip every check that would need a missing part, so a shape problem never brings a
    bogus follow-on problem ("not a declared content type" for a file that did not read, "found 0
    default locales" for a locale entry with a misspelt key), and no rule sees a value that failed.
    """

    # Content type ids with no content type in the model: files that did not read, ids that differ from
    # their file names, files misnamed in content_types/. Links to them are not reported.
    content_types: frozenset[str] = frozenset()
    # Content types in the model without some of their fields or top-level keys (``partial``), each with
    # the index in its file's ``fields`` array of each field the model holds.
    kept_fields: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # locales.toml did not read in full: rules that need every locale (one default, declared fallbacks
    # and default_value locale codes) are skipped.
    locales: bool = False
    # content_types/ itself did not read (not a directory): no link target is known to be missing.
    every_content_type: bool = False

    def partial(self, ct_id: str) -> bool:
        """Whether content type ``ct_id`` lacks parts: rules that need every field are skipped."""
        return ct_id in self.kept_fields

    def knows_content_type(self, ct_id: str) -> bool:
        """Whether ``ct_id`` may be declared by a file the model lacks."""
        return self.every_content_type or ct_id in self.content_types


@dataclass(frozen=True)
class FillDecl:
    """A field's declared ``fill``: ``spec`` as written (``path.py:function``), where it was declared."""

    spec: str
    file: Path
    key_path: KeyPath


@dataclass(frozen=True)
class DeclaredModel:
    """A model read from files, with where each part was declared.

    ``sources`` is keyed by address: ``content_types.blogPost``, ``content_types.blogPost.fields.body``,
    ``editor_interfaces.blogPost``, ``locales.de-DE``. ``positions`` maps each file to the position
    of every key path found in it (``("fields", 2, "validations", 0)``); use ``line_of``. ``unread`` is
    what the files declare that the model lacks (empty when every file read in full).
    """

    model: ContentModel
    sources: dict[str, Source]
    positions: dict[Path, Mapping[KeyPath, Position]] = field(default_factory=dict)
    unread: Unread = field(default_factory=Unread)
    #: The declared fills, by field address (``content_types.person.fields.firstName``).
    fills: dict[str, FillDecl] = field(default_factory=dict)
    #: What the offline rules warn of (``Problem.warning``), once checked (``workflows.project.validate_models``).
    warnings: tuple[Problem, ...] = ()

    def line_of(self, file: Path, key_path: KeyPath) -> int | None:
        """The line of ``key_path`` in ``file``, or of its nearest enclosing key that has one."""
        return nearest_line(self.positions.get(file, {}), key_path)

    def in_file(self, ct_id: str, key_path: KeyPath) -> KeyPath:
        """``key_path`` of content type ``ct_id`` (``("fields", i, ...)`` with ``i`` the field's index in
        the model) as a key path of its file: the two differ when fields that did not read were left out."""
        kept = self.unread.kept_fields.get(ct_id)
        if kept is None or len(key_path) < 2 or key_path[0] != "fields" or not isinstance(key_path[1], int):
            return key_path
        index = key_path[1]
        return ("fields", kept[index], *key_path[2:]) if index < len(kept) else key_path


def nearest(positions: Mapping[KeyPath, Position], key_path: KeyPath) -> Position | None:
    """The position of ``key_path``, or of its closest enclosing key path that has one."""
    for end in range(len(key_path), 0, -1):
        if key_path[:end] in positions:
            return positions[key_path[:end]]
    return None


def nearest_line(positions: Mapping[KeyPath, Position], key_path: KeyPath) -> int | None:
    """The line of ``key_path``, or of its closest enclosing key path that has one."""
    found = nearest(positions, key_path)
    return None if found is None else found.line


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in reading order: by file, then line (unknown lines first), then key path."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.path, p.message))
