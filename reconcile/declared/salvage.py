"""What of a model file that failed its shape can still be checked: the file without its broken parts.

A file with shape problems is not thrown away whole: its broken parts are left out (the loader reports
each problem) and the rest is read, so the offline rules check it in the same run. The units left out:

- an element of the file's list (a ``[[fields]]`` or ``[[locales]]`` entry), whole, when anything inside it
  is broken: dropping only the bad key could make a rule misread the rest (``lnk_type`` misspelt would
  bring "a Link field needs link_type");
- a top-level key (an unknown one, ``description`` of the wrong type, the whole list when it is not an
  array); a required ``name`` is replaced by a placeholder that no rule flags;
- the whole file when ``format`` (another version may mean other things) or ``id`` (nothing to name it
  by) is broken, or when what is left still does not fit the shape.

What is left out is recorded by the loader (``reconcile.sources.Unread``) so that no rule relies on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reconcile.sources import KeyPath


@dataclass(frozen=True)
class Salvaged:
    """The data of a file without its broken parts."""

    data: dict[str, Any]
    kept: tuple[int, ...]  # the index in the file's list of each element kept
    partial: bool  # something was left out


def salvage(
    data: dict[str, Any],
    broken: Iterable[KeyPath],
    list_key: str,
    fatal: frozenset[str],
    placeholders: Mapping[str, Any],
) -> Salvaged | None:
    """``data`` without the units that hold a ``broken`` key path; None when the whole file must go."""
    dropped_items: set[int] = set()
    dropped_keys: set[str] = set()
    for key_path in broken:
        if not key_path or key_path[0] in fatal:
            return None
        if key_path[0] == list_key and len(key_path) > 1 and isinstance(key_path[1], int):
            dropped_items.add(key_path[1])
        else:
            dropped_keys.add(str(key_path[0]))
    cleaned = {k: v for k, v in data.items() if k not in dropped_keys}
    cleaned.update({k: v for k, v in placeholders.items() if k in dropped_keys})
    items = cleaned.get(list_key)
    kept: tuple[int, ...] = ()
    if isinstance(items, list):
        kept = tuple(i for i in range(len(items)) if i not in dropped_items)
        cleaned[list_key] = [items[i] for i in kept]
    return Salvaged(cleaned, kept, partial=bool(dropped_items or dropped_keys))
