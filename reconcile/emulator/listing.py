"""Collection answers assembled from each item's JSON text, one item parsed at a time (issue 16).

A listing of 1,000 content types of 50 fields parsed every stored record (a draft and a published body
each), deep-copied the page and dumped it whole: about 110 MB at its peak in the local target's emulator
child for an 8 MB answer. Here each item is parsed alone (to filter and to sort it) and let go; of it only
its sort keys and its text are kept: a ``Text``, the span that holds the item in a stored row's text, kept
packed as the store holds it (``stored_items``: a persisted row, no copy), else the item dumped. The body
is those texts between the envelope's head and tail, unpacked, encoded and sent a piece at a time
(``Listing.pieces``): the same bytes as ``json.dumps`` of the whole answer, since ``json.dumps`` writes a
list's items and an object's values exactly as it writes each alone (same separators, ``ensure_ascii``).
An answer refused as too big (limits.py) is measured without being built.

The texts are those of ``json.dumps`` with its default separators (``", "``, ``": "``): what the emulator
has always sent, and what ``persist.py`` stores. ``compact_length`` measures the same JSON without the
spaces after ``,`` and ``:``, which is what the API sends today (limits.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reconcile.emulator.packed import Family, unpack

Json = dict[str, Any]

_DECODER = json.JSONDecoder()
# A JSON string as json.dumps writes it (ensure_ascii: every quote inside is escaped); what lies between
# two strings holds the structural separators and nothing else with a space.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')


def compact_length(text: str) -> int:
    """The length of ``text`` (JSON as ``json.dumps`` writes it) written compact: without the space after
    each ``,`` and ``:`` outside strings."""
    spaces = sum(part.count(", ") + part.count(": ") for part in _STRING.split(text))
    return len(text) - spaces


@dataclass(frozen=True, slots=True)
class Text:
    """An item's JSON text: ``source[start:end]``, where ``source`` is a text or the packed text of a stored
    row (``packed.pack``, unpacked each time the item is written out); ASCII (its length is its size)."""

    source: str | bytes
    start: int
    end: int

    @classmethod
    def whole(cls, text: str) -> Text:
        return cls(text, 0, len(text))

    @property
    def size(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        text = self.source if isinstance(self.source, str) else unpack(self.source)
        return text if self.start == 0 and self.end == len(text) else text[self.start : self.end]


@dataclass(frozen=True)
class Listing:
    """The body of a collection: ``envelope`` (its keys before ``items``) and each item's JSON text."""

    envelope: Json
    items: list[Text]

    def _head(self, separators: tuple[str, str] | None = None) -> str:
        return json.dumps({**self.envelope, "items": []}, separators=separators)[:-2]  # up to "["

    def pieces(self) -> Iterator[bytes]:
        """The body a piece at a time: ``json.dumps({**envelope, "items": items})``, byte for byte."""
        yield self._head().encode()
        for index, item in enumerate(self.items):
            if index:
                yield b", "
            yield str(item).encode()
        yield b"]}"

    def size(self) -> int:
        return len(self._head()) + sum(item.size for item in self.items) + 2 * max(len(self.items) - 1, 0) + 2

    def compact_size(self) -> int:
        """The size of the same body written compact (limits.py)."""
        head = len(self._head((",", ":")))
        return head + sum(compact_length(str(item)) for item in self.items) + max(len(self.items) - 1, 0) + 2


def stored_values(family: Mapping[str, Any]) -> Iterator[Any]:
    """Each resource of ``family``, one at a time: from a persisted family parsed afresh without the family
    keeping it, in memory the stored value itself (the caller changes none)."""
    for key in list(family):
        if isinstance(family, Family) and key not in family.parsed:
            yield json.loads(family.text(key))
        else:
            yield family[key]


def stored_items(family: Mapping[str, Any], part: str | None = None) -> Iterator[tuple[Any, Text]]:
    """Each resource of ``family`` (its key ``part`` when given: a content type record's ``"draft"``), one at
    a time, parsed and as its JSON text. From a persisted family (``packed.Family``) the value is parsed
    afresh from the stored text without the family keeping it, and the text is the span of the stored text
    that holds it; in memory the value is the stored one itself: the caller changes none."""
    for key in list(family):
        if isinstance(family, Family) and key not in family.parsed:
            yield _from_text(family.packed(key), part)
            continue
        value = family[key] if part is None else family[key][part]
        yield value, Text.whole(json.dumps(value))


def _from_text(packed: bytes, part: str | None) -> tuple[Any, Text]:
    text = unpack(packed)
    prefix = "" if part is None else f"{{{json.dumps(part)}: "
    if text.isascii() and text.startswith(prefix):  # as json.dumps wrote it: its value's text is json.dumps of it
        value, end = _DECODER.raw_decode(text, len(prefix))
        return value, Text(packed, len(prefix), end)
    value = json.loads(text)
    value = value if part is None else value[part]
    return value, Text.whole(json.dumps(value))


def dumped(items: Iterable[Any]) -> Iterator[tuple[Any, Text]]:
    """Values that are no stored resources (built for the answer), each with its JSON text."""
    return ((value, Text.whole(json.dumps(value))) for value in items)


def text_page(
    items: Iterable[tuple[Json, Text]],
    skip: int,
    limit: int,
    descending: list[bool],
    probe: Callable[[Json], tuple[Any, ...]],
    keep: Callable[[Json], bool],
) -> Listing:
    """The page ``skip``, ``limit`` of the ``items`` that ``keep`` accepts, in the order of their ``probe``
    (a sort key per order key, most significant first, each descending or not): the collection envelope
    ``{sys, total, skip, limit, items}`` [facts 1.1]. Of each item only its sort keys and text are held."""
    rows = [(probe(value), text) for value, text in items if keep(value)]
    for index in reversed(range(len(descending))):  # stable sorts, least significant key first
        rows.sort(key=_nth_key(index), reverse=descending[index])
    envelope = {"sys": {"type": "Array"}, "total": len(rows), "skip": skip, "limit": limit}
    return Listing(envelope, [text for _, text in rows[skip : skip + limit]])


def _nth_key(index: int) -> Callable[[tuple[tuple[Any, ...], Text]], Any]:
    return lambda row: row[0][index]
