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
class DeclaredModel:
    """A model read from files, with where each part was declared.

    ``sources`` is keyed by address: ``content_types.blogPost``, ``content_types.blogPost.fields.body``,
    ``editor_interfaces.blogPost``, ``locales.de-DE``. ``positions`` maps each file to the position
    of every key path found in it (``("fields", 2, "validations", 0)``); use ``line_of``.
    """

    model: ContentModel
    sources: dict[str, Source]
    positions: dict[Path, Mapping[KeyPath, Position]] = field(default_factory=dict)

    def line_of(self, file: Path, key_path: KeyPath) -> int | None:
        """The line of ``key_path`` in ``file``, or of its nearest enclosing key that has one."""
        return nearest_line(self.positions.get(file, {}), key_path)


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
