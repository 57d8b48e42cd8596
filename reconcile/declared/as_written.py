"""Whether pull may write a compact model file anew instead of editing it through tomlkit (issue 16: 12 ms a
file): only where :func:`reconcile.declared.editor.edit_text` would write those very bytes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconcile.declared.editor import (
    _MISSING,
    Doc,
    _edited_list,
    _identity,
    _is_table_like,
    _ordered_like,
    assignment,
)
from reconcile.declared.same import same


def edits_as_written(old: Doc, new: Doc) -> bool:
    """Whether ``edit_text(document_text(old), old, new)`` is ``document_text(new)``, the schema line either
    way (tests/declared/test_fast_write.py checks it on generated models): the two have the same ``[table]``
    and ``[[tables]]`` keys, and every array the editor would edit element by element (one on its own line
    at the top, in a ``[table]`` or in a ``[[tables]]`` entry present in both) is equal in both or fits on
    one line in both; and every value the editor keeps or re-spells (an inline table in its old key order)
    has its keys in the new order. Then a file in the compact style is written anew instead (tomlkit took
    12 ms a file).
    Otherwise the editor's layout is not the new file's: ``locales = []`` that gains a locale stays one
    line, an ``[editor_interface]`` after the last ``[[fields]]`` went keeps a second blank line, an array
    edited element by element keeps its line however long it grows."""
    if _table_keys(old) != _table_keys(new):
        return False
    tables: list[tuple[Doc, Doc]] = [(old, new)]
    for key, value in new.items():
        if isinstance(value, Mapping):
            tables.append((old[key], value))
        elif _is_table_like(value):
            identity = _identity(value) or ""
            was = {entry.get(identity): entry for entry in old[key]}
            tables.extend((was[entry[identity]], entry) for entry in value if entry.get(identity) in was)
    plain = [(old, {k: v for k, v in new.items() if not _is_table_like(v)}), *tables[1:]]  # within tables: inline
    return all(_arrays_as_written(was, now) for was, now in tables) and all(
        _ordered_as(_spelled(was.get(key, _MISSING), value), value) for was, now in plain for key, value in now.items())


def _spelled(old: Any, new: Any) -> Any:
    """The value the editor leaves in the file for a plain value ``old`` (``_MISSING``: none) that is to
    be ``new``, as spelled: kept where equal, an array edited element by element (``_edit_array``), an
    inline table re-spelled in ``old``'s key order (``_ordered_like``)."""
    if old is _MISSING:
        return new
    if same(old, new):
        return old
    if type(new) is list and type(old) is list:
        return _edited_list(old, new)
    return _ordered_like(new, old)


def _ordered_as(spelled: Any, value: Any) -> bool:
    """Whether ``spelled`` (equal to ``value``) has the keys of its tables in ``value``'s order, at every
    level: the editor keeps an inline table's keys where they were and appends new ones (``{ "" = [] }``
    gaining ``0`` is ``{ "" = [], 0 = false }``, where a new file writes ``{ 0 = false, "" = [] }``)."""
    if isinstance(value, Mapping):
        return list(spelled) == list(value) and all(_ordered_as(spelled[k], v) for k, v in value.items())
    if type(value) is list:
        return all(_ordered_as(a, b) for a, b in zip(spelled, value, strict=True))
    return True


def _arrays_as_written(old: Doc, new: Doc) -> bool:
    """Each array of table ``new`` that differs from ``old``'s is on one line in both; an array ``old`` has
    not is on one line in ``new`` (the editor adds it on one line, however long)."""
    for key, value in new.items():
        before = old.get(key)
        if type(value) is not list or _is_table_like(value) or (before is not None and type(before) is not list):
            continue
        if before is None:
            if "\n" in assignment(key, value)[:-1]:
                return False
        elif not same(before, value) and (
                "\n" in assignment(key, value)[:-1] or "\n" in assignment(key, before)[:-1]):
            return False
    return True


def _table_keys(doc: Doc) -> set[str]:
    return {key for key, value in doc.items() if _is_table_like(value)}
