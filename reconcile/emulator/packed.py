"""A family's resources held as their JSON text, compressed, and parsed when a request looks one up
(``Family``); the persisting store (persist.py) replaces each family dict of the state by one."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from typing import Any


def pack(text: str) -> bytes:
    """A resource's JSON text as a family holds it: compressed (a ninth of its size for the texts of 1,000
    content types of 50 fields, 2 MB instead of 19; 0.2 s to compress them all when a store is loaded)."""
    return zlib.compress(text.encode(), 1)


def unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode()


class Family(dict[str, Any]):
    """A family's resources by id, each held as its compact JSON text and parsed when accessed.

    The dict itself maps each id to the text of its stored row, packed (None for an id set since the last
    commit), in the family's order; ``parsed`` holds the values the current request looked up, set or
    read whole (``values()``, ``items()``), which it may change in place (e.g. an entry whose values
    move when a locale is renamed). At commit only those are serialised and compared with their text,
    so a write costs O(what the request touched), not O(size of the space), and the memory of the
    space is that of its JSON text. ``values()`` and ``items()`` answer lists (a snapshot, not a live
    view: no caller keeps one across a change). Every read goes through the overrides below (``__iter__`` too:
    CPython's fast paths of ``dict(family)`` and ``{**family}`` would copy the texts otherwise).
    """

    __slots__ = ("parsed", "removed")

    def __init__(self, texts: Iterable[tuple[str, str | bytes | None]] = ()) -> None:
        """``texts``: each id with its text (``str``), its packed text (``bytes``), or None."""
        dict.__init__(self, ((key, pack(text) if isinstance(text, str) else text) for key, text in texts))
        self.parsed: dict[str, Any] = {}
        self.removed: set[str] = set()  # stored ids deleted since the last commit (a re-added id moves to the end)

    def __getitem__(self, key: str) -> Any:
        try:
            return self.parsed[key]
        except KeyError:
            packed = dict.__getitem__(self, key)
        value = self.parsed[key] = json.loads(unpack(packed))
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if dict.__contains__(self, key) else default

    def __setitem__(self, key: str, value: Any) -> None:
        if not dict.__contains__(self, key):
            dict.__setitem__(self, key, None)
        self.parsed[key] = value

    def __delitem__(self, key: str) -> None:
        if dict.pop(self, key) is not None:
            self.removed.add(key)
        self.parsed.pop(key, None)

    def pop(self, key: str, *default: Any) -> Any:
        if not dict.__contains__(self, key):
            if default:
                return default[0]
            raise KeyError(key)
        value = self[key]
        del self[key]
        return value

    def setdefault(self, key: str, default: Any = None) -> Any:
        if not dict.__contains__(self, key):
            self[key] = default
        return self[key]

    def __iter__(self) -> Iterator[str]:
        return dict.__iter__(self)

    def values(self) -> Any:
        return [self[key] for key in list(dict.keys(self))]

    def items(self) -> Any:
        return [(key, self[key]) for key in list(dict.keys(self))]

    def popitem(self) -> tuple[str, Any]:
        key = next(reversed(dict.keys(self)))
        return key, self.pop(key)

    def clear(self) -> None:
        for key in list(dict.keys(self)):
            del self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> Family:  # type: ignore[override]
        self.update(other)
        return self

    def __or__(self, other: Any) -> dict[str, Any]:  # type: ignore[override]
        return {**self.copy(), **other}

    def __ror__(self, other: Any) -> dict[str, Any]:  # type: ignore[override]
        return {**other, **self.copy()}

    def __eq__(self, other: object) -> bool:
        return self.copy() == (other.copy() if isinstance(other, Family) else other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __repr__(self) -> str:
        return repr(self.copy())

    def copy(self) -> dict[str, Any]:
        return dict(self.items())

    def __copy__(self) -> dict[str, Any]:
        return self.copy()

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        """A plain dict of fresh values: parsed from their text unless the request holds them."""
        import copy

        return {key: copy.deepcopy(self.parsed[key], memo) if key in self.parsed else json.loads(unpack(packed))
                for key, packed in dict.items(self)}  # fmt: skip

    def text(self, key: str) -> str:
        """The JSON text of ``key`` as it is now."""
        return json.dumps(self.parsed[key]) if key in self.parsed else unpack(dict.__getitem__(self, key))

    def packed(self, key: str) -> bytes:
        """The packed text of the stored row of ``key`` (not set nor parsed since the last commit)."""
        packed: bytes = dict.__getitem__(self, key)
        return packed
