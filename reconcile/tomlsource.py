"""Reading the tool's TOML inputs (model files, ``reconcile.toml``) and locating keys in their text.

``read_toml`` reads one file with the checks every input gets: a regular file, an optional size limit
(checked before reading), strict UTF-8 (a leading byte-order mark is dropped; no lone surrogate gets
through: not as bytes, and tomllib refuses their escapes), TOML syntax, and an
optional nesting limit (the parser's own recursion limit is caught too). Each failure is raised as a
``TomlReadError`` subclass carrying its position; callers word it for their users.

``tomllib`` reports positions only for syntax errors, so the position of each key path is found by a
small structural scan of the text (``scan_key_offsets``), done on first use: only error messages
ask for positions, and the scan costs about as much as parsing.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import stat
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rtoml

from reconcile.sources import KeyPath, Position
from reconcile.tomldepth import json_within, shallow_json, too_deep


@dataclass(eq=False, kw_only=True)
class TomlReadError(Exception):
    """Why a file could not be read as TOML; ``line`` and ``column`` (1-based) say where, when known."""

    line: int | None = None
    column: int | None = None


@dataclass(eq=False, kw_only=True)
class Unreadable(TomlReadError):
    """The file could not be opened or read (``error``), or is not a regular file (``error`` None)."""

    error: OSError | None


@dataclass(eq=False, kw_only=True)
class TooLarge(TomlReadError):
    """The file is larger than the caller's limit; it was not read."""

    size: int
    limit: int


@dataclass(eq=False, kw_only=True)
class NotUtf8(TomlReadError):
    """The file is not UTF-8: ``byte`` is the first offending byte, at ``line``/``column``."""

    error: UnicodeDecodeError
    byte: int


@dataclass(eq=False, kw_only=True)
class InvalidToml(TomlReadError):
    """A syntax error: ``message`` is tomllib's, without its position."""

    message: str


@dataclass(eq=False, kw_only=True)
class TooDeep(TomlReadError):
    """Nested deeper than the caller's limit at ``key_path`` of ``data``; ``key_path`` None when too deep
    for the parser itself (then there is no data)."""

    key_path: KeyPath | None
    data: Any = None


@dataclass(frozen=True)
class TomlFile:
    """One TOML file read: the parsed data and the (lazily found) position of each key path.

    ``json_values``: every value is a string, integer, float or boolean (no TOML date or time), so a
    caller that refuses dates need not look for them. ``json``: the data as JSON (orjson's), when the quick
    check made it (a caller that keeps the data as JSON need not encode it again)."""

    data: dict[str, Any]
    positions: KeyPositions
    json_values: bool = False
    json: bytes | None = None


def read_toml(path: Path, *, max_bytes: int | None = None, max_depth: int | None = None) -> TomlFile:
    """Read and parse ``path``; raise a ``TomlReadError`` subclass on the first check it fails."""
    return parse_toml(read_bytes(path, max_bytes), max_depth=max_depth)


def known_toml(raw: bytes, data: dict[str, Any]) -> TomlFile:
    """A file whose ``data`` is already known (it passed ``parse_toml`` and the caller's checks before: the
    parse cache of model files), with the positions of its keys found in ``raw`` as for any file."""
    return TomlFile(data, KeyPositions(_decode(raw)), json_values=True)


def parse_toml(raw: bytes, *, max_depth: int | None = None) -> TomlFile:
    """Parse the bytes of a file; raise a ``TomlReadError`` subclass on the first check it fails."""
    text = _decode(raw)
    data = _parse(text)
    limit = 2**31 if max_depth is None else max_depth
    json = json_within(data, limit)
    if json is not None:
        return TomlFile(data, KeyPositions(text), json_values=True, json=json)
    json_values = shallow_json(data, limit)
    deep = None if json_values or max_depth is None else too_deep(data, max_depth)
    if deep is not None:
        raise TooDeep(key_path=deep, data=data)
    return TomlFile(data, KeyPositions(text), json_values)


def read_bytes(path: Path, max_bytes: int | None) -> bytes:
    """The bytes of ``path``, a regular file of at most ``max_bytes`` (checked before reading)."""
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block or never end
            raise Unreadable(error=None)
        if max_bytes is not None and status.st_size > max_bytes:
            raise TooLarge(size=status.st_size, limit=max_bytes)
        return _read_to_end(path, status.st_size)
    except OSError as exc:
        raise Unreadable(error=exc) from None


def _read_to_end(path: Path, size: int) -> bytes:
    """Every byte of the file at ``path`` (``size`` expected): as ``Path.read_bytes``, without its file objects (half
    the time of reading 1,000 model files, issue 16)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        chunks = [os.read(descriptor, size + 1)]
        while chunks[-1]:  # until the end, should the file have grown
            chunks.append(os.read(descriptor, 1 << 16))
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _decode(raw: bytes) -> str:
    """UTF-8 text without a leading byte-order mark; the first bad byte located otherwise."""
    start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        line_start = raw.rfind(b"\n", 0, offset) + 1
        line, column = raw.count(b"\n", 0, offset) + 1, offset - line_start + 1
        raise NotUtf8(error=exc, byte=raw[offset], line=line, column=column) from None


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")


def _parse(text: str) -> dict[str, Any]:
    """The TOML ``text`` parsed, with tomllib's errors raised as ``InvalidToml`` or ``TooDeep``.

    rtoml (Rust) parses first: about twice as fast, and the same values in the same key order. When it
    refuses a text, tomllib parses it: its verdict stands (rtoml is stricter in places, e.g. a float
    that overflows to inf) and its messages and positions are the ones users see.
    """
    try:
        return dict(rtoml.loads(text))
    except (rtoml.TomlParsingError, ValueError, RecursionError):
        pass
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise TooDeep(key_path=None) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        if match is None:
            raise InvalidToml(message=message) from None
        if match.group(1):
            line, column = int(match.group(1)), int(match.group(2))
        else:
            line, column = text.count("\n") + 1, len(text) - (text.rfind("\n") + 1) + 1
        raise InvalidToml(message=message[: match.start()], line=line, column=column) from None


class KeyPositions(Mapping[KeyPath, Position]):
    """The position of every key path in one file's text, scanned on first use (the scan records
    character offsets; a position is worked out when asked for)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offsets: dict[KeyPath, int] | None = None
        self._line_starts: list[int] = []

    def _scanned(self) -> dict[KeyPath, int]:
        if self._offsets is None:
            self._offsets = scan_key_offsets(self._text)
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
            self._text = ""
        return self._offsets

    def __getitem__(self, key_path: KeyPath) -> Position:
        offset = self._scanned()[key_path]
        line = bisect.bisect_right(self._line_starts, offset)
        return Position(line, offset - self._line_starts[line - 1] + 1)

    def __contains__(self, key_path: object) -> bool:
        return key_path in self._scanned()

    def __iter__(self) -> Iterator[KeyPath]:
        return iter(self._scanned())

    def __len__(self) -> int:
        return len(self._scanned())


def scan_key_offsets(text: str) -> dict[KeyPath, int]:
    """Where (character offset) every key path of ``text`` (already valid TOML) starts; partial if the
    scan gets lost."""
    scanner = _KeyScanner(text)
    try:
        return scanner.scan()
    except (ValueError, IndexError):
        return scanner.offsets


_BARE_KEY = re.compile(r"[A-Za-z0-9_\-]+")
_SCALAR_END = re.compile(r"[,\]\}\n#]")


class _KeyScanner:
    """Records the offset where each key path (tables, keys, array elements) starts: a structural scan, not a
    parser."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.offsets: dict[KeyPath, int] = {}
        self.array_tables: dict[KeyPath, int] = {}

    def record(self, key_path: KeyPath, start: int) -> None:
        self.offsets.setdefault(key_path, start)

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
                return self.offsets
            if self.peek() == "[":
                table = self.header()
            else:
                self.key_value(table)

    def key_value(self, table: KeyPath) -> None:
        start = self.pos
        key = table + self.dotted_key()
        self.record(key, start)
        self.value(key)

    def header(self) -> KeyPath:
        start = self.pos
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
            self.record(key_path, start)
            key_path += (index,)
        self.record(key_path, start)
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
            self.array(key_path)
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
                self.key_value(key_path)
        elif char in "\"'":
            self.string()
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self.pos = len(self.text) if match is None else match.start()

    def array(self, key_path: KeyPath) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip(newlines=True)
            if self.peek() == "]":
                self.pos += 1
                return
            self.record((*key_path, index), self.pos)
            self.value((*key_path, index))
            self.skip(newlines=True)
            if self.peek() == ",":
                self.pos += 1
                index += 1

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
    """Whether the quote at ``index`` is escaped (preceded by an odd number of backslashes)."""
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
