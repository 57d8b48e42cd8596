"""Editing model files in place (``reconcile pull``, ``drift --adopt``), and the compact text of new ones.

An existing file is edited through tomlkit, which keeps what it does not touch byte for byte: comments,
the ``#:schema`` line, key order, blank lines, quoting. The edit is driven by two *declared documents*
(the dict a file declares, as ``reconcile.declared.writer`` builds it from a normalised model: only
non-default keys, canonical values): ``old``, what the file declares now, and ``new``, what it should
declare. Key by key, only where their canonical values differ, the file's value changes:

* a key only ``new`` has is added after its predecessor (a key the file spells out with its default
  value, ``localized = false``, is changed in place); a key only ``old`` has is removed;
* tables are edited key by key; an inline table that differs is replaced (it is one line);
* lists of tables with an identity (``id`` or ``code``: ``[[fields]]``, ``[[locales]]``) are matched by
  it: a new entry is inserted at its position, a removed one is removed with the comment block above it,
  a moved one moves with it;
* other lists (validations, sidebar, ...) keep their equal elements and change only the others.

Nothing here knows the file shapes: a key the shapes gain is handled like the others.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import tomli_w
import tomlkit
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.items import AoT, Array, Comment, Item, Null, Table, Whitespace

from reconcile.declared.same import same

Doc = Mapping[str, Any]
# Longest line an array is kept on; a longer one gets one element per line (the style of models/).
LINE_LENGTH = 120
_IDENTITIES = ("id", "code")
_MISSING: Any = object()


# ---- compact text ---------------------------------------------------------------------------------


def document_text(doc: Doc, schema_line: str | None = None) -> str:
    """The text of a new file declaring ``doc``, in the compact style of ``models/``: simple keys first,
    a table per mapping, ``[[key]]`` tables for lists of tables with an identity, everything else one
    line (a long array one element per line), nested tables inline."""
    head = [f"{schema_line}\n"] if schema_line else []
    simple = [assignment(k, v) for k, v in doc.items() if not _is_table_like(v)]
    blocks = ["".join(head + simple)] if head or simple else []
    for key, value in doc.items():
        if isinstance(value, Mapping):
            blocks.append(_table_text(f"[{_key_text(key)}]", value))
        elif _is_table_like(value):
            blocks.extend(_table_text(f"[[{_key_text(key)}]]", item) for item in value)
    return "\n".join(blocks)


def _is_table_like(value: Any) -> bool:
    """Written as ``[key]`` or ``[[key]]`` at the top level of a new file."""
    return isinstance(value, Mapping) or _identity(value) is not None


def _table_text(header: str, table: Doc) -> str:
    return header + "\n" + "".join([assignment(k, v) for k, v in table.items()])


def assignment(key: str, value: Any) -> str:
    """``key = value`` and a newline; an array too long for one line has one element per line."""
    line = f"{_key_text(key)} = {value_text(value)}\n"
    if isinstance(value, list) and len(value) > 1 and len(line) > LINE_LENGTH + 1:
        elements = "".join([f"    {value_text(v)},\n" for v in value])
        line = f"{_key_text(key)} = [\n{elements}]\n"
    return line


def value_text(value: Any) -> str:
    """One value as inline TOML (``{ a = 1 }``, ``[1, 2]``); scalars and their escapes are tomli-w's.

    Called for every value of every file (~380,000 calls for 1,000 content types): the JSON types are
    told apart by their exact type first (``isinstance`` against ``Mapping`` is several times slower), and
    strings with nothing to escape, ints and bools are written here as tomli-w writes them."""
    kind = type(value)
    if kind is str:
        plain = value.isprintable() and '"' not in value and "\\" not in value  # no control character either
        return f'"{value}"' if plain else _scalar_text(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is dict or (kind is not list and kind is not tuple and isinstance(value, Mapping)):
        inner = ", ".join([f"{_key_text(k)} = {value_text(v)}" for k, v in value.items()])
        return f"{{ {inner} }}" if inner else "{}"
    if kind is list or kind is tuple or isinstance(value, list | tuple):
        return "[" + ", ".join([value_text(v) for v in value]) + "]"
    return _scalar_text(value)


def _scalar_text(value: Any) -> str:
    return tomli_w.dumps({"v": value})[len("v = ") : -1]


@functools.cache
def _key_text(key: str) -> str:
    """A key, bare when it may be, else quoted (a file has few distinct keys: each is asked of tomli-w once)."""
    return tomli_w.dumps({key: 0})[: -len(" = 0\n")]


def _item(value: Any, *, inline: bool = False) -> Item:
    """``value`` as a tomlkit item in the compact style (``inline``: on one line, as an array element)."""
    text = f"v = {value_text(value)}\n" if inline else assignment("v", value)
    item: Item = tomlkit.parse(text)["v"]
    return item


# ---- editing --------------------------------------------------------------------------------------


def edit_text(text: str, old: Doc, new: Doc, *, exact_lists: bool = False) -> str:
    """``text`` (a file declaring ``old``) edited to declare ``new``. With ``exact_lists``, a list that
    differs is replaced whole (for lists whose order the element-wise edit cannot get right)."""
    doc = tomlkit.parse(text)
    _Editor(exact_lists).table(doc, old, new, top=True)
    result: str = doc.as_string().replace("\r\n", "\n")
    # The file ends as it did (a table removed from the end leaves no blank line behind), with the same
    # line ends (tomlkit keeps a line's own; the lines added get the file's).
    plain = text.replace("\r\n", "\n")
    result = result.rstrip("\n") + "\n" * (len(plain) - len(plain.rstrip("\n")))
    return result.replace("\n", "\r\n") if "\r\n" in text else result


class _Editor:
    def __init__(self, exact_lists: bool) -> None:
        self.exact_lists = exact_lists

    def table(self, raw: Container, old: Doc, new: Doc, *, top: bool = False) -> None:
        """Edit the keys of ``raw`` whose canonical values differ between ``old`` and ``new``."""
        keys = list(new)
        for position, (key, value) in enumerate(new.items()):
            if key not in raw:
                _insert(raw, key, _new_item(key, value, top), keys[position + 1 :])
            elif not self.value(raw, key, old.get(key, _MISSING), value, top):
                # A [table] or [[tables]] that becomes a plain value (or the reverse) moves: a plain value
                # where the table was could land in the table before it.
                del raw[key]
                _insert(raw, key, _new_item(key, value, top), keys[position + 1 :])
        for key in old:
            if key not in new and key in raw:
                current = raw[key]
                if isinstance(current, AoT) and current.body:
                    _KeyedTables(raw, key, current, "").remove()
                else:
                    del raw[key]

    def value(self, raw: Container | OutOfOrderTableProxy, key: str, old: Any, new: Any, top: bool) -> bool:
        """Edit the value of ``key`` (in ``raw``) in place; False when it must move instead."""
        if old is not _MISSING and same(old, new):
            return True
        current = raw[key]
        if isinstance(new, Mapping) and isinstance(current, Table):
            self.table(current.value, old if isinstance(old, Mapping) else {}, new)
        elif isinstance(new, Mapping) and isinstance(current, OutOfOrderTableProxy) and set(new) == set(current):
            # Dotted keys over several lines (`items.type = …`, `items.validations = …`): each line is edited
            # in place (replacing them by one inline table lost their comments and style).
            for sub, value in new.items():
                self.value(current, sub, old.get(sub, _MISSING) if isinstance(old, Mapping) else _MISSING, value, False)
        elif isinstance(new, list) and isinstance(current, AoT) and _identity(new) and isinstance(raw, Container):
            _KeyedTables(raw, key, current, _identity(new) or "").edit(self, old if isinstance(old, list) else [], new)
        elif isinstance(new, list) and isinstance(current, Array) and not self.exact_lists:
            _edit_array(current, new)
        else:
            spelled = current.unwrap() if isinstance(current, Item) else current  # tomlkit gives bools as bool
            item = _new_item(key, _ordered_like(new, spelled), top)
            if isinstance(current, Table | AoT) != isinstance(item, Table | AoT):
                return False
            raw[key] = item
        return True


def _new_item(key: str, value: Any, top: bool) -> Item:
    """A new value: at the top level of a file a table or ``[[key]]`` tables where it would be in a new file."""
    if top and _is_table_like(value):
        parsed: Item = tomlkit.parse(document_text({key: value}))[key]
        return parsed
    return _item(value)


def _insert(raw: Container, key: str, item: Item, later: list[str]) -> None:
    """Insert ``key`` before the first of ``later`` (the keys after it in the new document) that ``raw``
    has, else after the others. A plain value goes right after the plain value before that place (not
    below the comments above a table header, never into a table); a table only before a table."""
    keyed = [(i, k.key, isinstance(v, Table | AoT)) for i, (k, v) in enumerate(raw.body) if k is not None]
    is_table = isinstance(item, Table | AoT)
    end = len(raw.body)
    limit = next((i for i, k, table in keyed if k in later and (table or not is_table)), end)
    if isinstance(item, Table | AoT):
        _insert_table(raw, key, item, limit if limit < end else None)
        return
    limit = min([limit, *(i for i, _, table in keyed if table)])
    before = [k for i, k, table in keyed if i < limit and not table]
    if before:
        raw._insert_after(before[-1], key, item)
    elif keyed:
        raw._insert_at(keyed[0][0], key, item)
    else:
        raw.append(key, item)


def _insert_table(raw: Container, key: str, item: Table | AoT, at: int | None) -> None:
    """Insert a table (or ``[[key]]`` tables) at index ``at``, or at the end: separated by a blank line."""
    first, last = (item.body[0], item.body[-1]) if isinstance(item, AoT) else (item, item)
    if at is not None:
        _keep_lead_above(raw, at)
        _last_container(last).body.append((None, Whitespace("\n")))
        raw._insert_at(at, key, item)
        return
    text = raw.as_string()
    if text and not text.endswith("\n\n"):
        first.trivia.indent = "\n" + first.trivia.indent
    raw.append(key, item)


def _keep_lead_above(raw: Container, at: int) -> None:
    """Move the comment block right above the table at index ``at`` of ``raw`` into its header's indent,
    so that a table inserted before it does not come between the block and its header."""
    body = raw.body
    start, lead = _take_comment_block(raw, at)
    previous = body[start - 1][1] if start > 0 else None
    if not lead and isinstance(previous, Table | AoT):
        last = previous.body[-1] if isinstance(previous, AoT) else previous
        gap, lead = _take_trailer(last)
        _last_container(last).body.extend((None, item) for item in gap)
    table = body[at][1]
    header = table.body[0] if isinstance(table, AoT) else table
    header.trivia.indent = _text(lead) + header.trivia.indent


def _take_comment_block(raw: Container, at: int) -> tuple[int, list[Item]]:
    """Remove the comment block right above index ``at`` of ``raw`` (leaving ``Null`` in its place);
    return where the block started and its items."""
    body = raw.body
    lead: list[Item] = []
    while at > 0 and body[at - 1][0] is None and isinstance(body[at - 1][1], Comment | Null):
        at -= 1
        lead.insert(0, body[at][1])
        body[at] = (None, Null())
    return at, lead
def _ordered_like(new: Any, old: Any) -> Any:
    """``new`` with the keys of its tables in the order ``old`` (the value it replaces) spells them, the
    keys ``old`` lacks after them: a changed ``{ min = 3, max = 120 }`` stays ``{ min = 3, max = 150 }``."""
    if isinstance(new, Mapping) and isinstance(old, Mapping):
        keys = [k for k in old if k in new] + [k for k in new if k not in old]
        return {k: _ordered_like(new[k], old.get(k)) for k in keys}
    if isinstance(new, list) and isinstance(old, list):
        return [_ordered_like(v, old[i] if i < len(old) else None) for i, v in enumerate(new)]
    return new


def _identity(values: Any) -> str | None:
    """The key that identifies each table of a list of tables (``id``, ``code``), if every one has it."""
    if not values or not isinstance(values, list) or not all(isinstance(v, Mapping) for v in values):
        return None
    return next((k for k in _IDENTITIES if all(k in v for v in values)), None)


def _edit_array(array: Array, new: list[Any]) -> None:
    """Keep the elements of ``array`` that ``new`` still has, replace the others in place, remove or
    append the rest (see ``_array_edits``)."""
    raw = array.unwrap()
    edits, removed, appended = _array_edits(raw, new)
    for i, j in edits:
        array[i] = _item(_ordered_like(new[j], raw[i]), inline=True)
    for i in reversed(removed):
        del array[i]
    for j in appended:
        array.append(_item(new[j], inline=True))
    if not same(array.unwrap(), new):  # reordered: matched elements kept their old places, so write it anew
        del array[:]
        for value in new:
            array.append(_item(value, inline=True))


def _edited_list(raw: list[Any], new: list[Any]) -> list[Any]:
    """The elements ``_edit_array`` leaves in an array holding ``raw`` that is to hold ``new``, as spelled."""
    edits, removed, appended = _array_edits(raw, new)
    result = list(raw)
    for i, j in edits:
        result[i] = _ordered_like(new[j], raw[i])
    for i in reversed(removed):
        del result[i]
    result.extend(new[j] for j in appended)
    return result if same(result, new) else new


def _array_edits(raw: list[Any], new: list[Any]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """How an array holding ``raw`` comes to hold ``new``: the pairs ``(i, j)`` of an element ``raw[i]``
    replaced in place by ``new[j]``, the indexes of ``raw`` removed, those of ``new`` appended. Elements are
    matched by identity where they have one, else by value; equal ones are kept."""
    identity = _identity(new) if _identity(raw) == _identity(new) else None
    match: Callable[[Any, Any], bool] = (
        (lambda a, b: a[identity] == b[identity]) if identity is not None else same
    )
    unmatched_new = list(range(len(new)))
    unmatched_raw: list[int] = []
    edits: list[tuple[int, int]] = []
    for i, value in enumerate(raw):
        j = next((j for j in unmatched_new if match(value, new[j])), None)
        if j is None:
            unmatched_raw.append(i)
            continue
        unmatched_new.remove(j)
        if not same(value, new[j]):
            edits.append((i, j))
    edits.extend(zip(unmatched_raw, unmatched_new, strict=False))
    return edits, unmatched_raw[len(unmatched_new) :], unmatched_new[len(unmatched_raw) :]


class _KeyedTables:
    """``[[key]]`` tables matched by identity. Each table owns the comment block right above its header
    (parsed as the end of the table before it, or of the enclosing table for the first one): a removed
    table takes it along, a moved one carries it (rendered before its header). The blank lines after a
    table stay with it; whatever follows the last table stays at the end."""

    def __init__(self, raw: Container, key: str, aot: AoT, identity: str) -> None:
        self.raw, self.key, self.aot, self.identity = raw, key, aot, identity

    def edit(self, editor: _Editor, old: list[Any], new: list[Any]) -> None:
        tables: list[Table] = list(self.aot.body)
        ids = [t.get(self.identity) for t in tables]
        olds = {item[self.identity]: item for item in old}
        by_id = dict(zip(ids, tables, strict=True))
        for item in new:
            table = by_id.get(item[self.identity])
            if table is not None:
                editor.table(table.value, olds.get(item[self.identity], {}), item)
        wanted = [item[self.identity] for item in new]
        if wanted != ids:
            chosen = {item[self.identity]: by_id.get(item[self.identity]) or _new_table(self.key, item) for item in new}
            self._rebuild(tables, ids, [chosen[i] for i in wanted], wanted)

    def _rebuild(self, tables: list[Table], ids: list[Any], chosen: list[Table], wanted: list[Any]) -> None:
        """Put the ``chosen`` tables in order, each with its comment block and the blank lines after it."""
        leads: dict[Any, list[Item]] = {}
        gaps: dict[Any, list[Item]] = {}
        pending = self._take_lead_before()
        for table_id, table in zip(ids, tables, strict=True):
            leads[table_id] = pending
            own, pending = _take_trailer(table)
            comments = max((i + 1 for i, item in enumerate(own) if isinstance(item, Comment)), default=0)
            _last_container(table).body.extend((None, item) for item in own[:comments])  # its own comments
            gaps[table_id] = own[comments:]
        final_gap = gaps[ids[-1]]
        while len(self.aot):
            del self.aot[0]
        for position, (table_id, table) in enumerate(zip(wanted, chosen, strict=True)):
            table.trivia.indent = _text(leads.get(table_id, [])) + table.trivia.indent
            last = position == len(wanted) - 1
            # A table that was last (or is new) needs a blank line before the next one; others keep theirs.
            between = gaps[table_id] if table_id in gaps and table_id != ids[-1] else [Whitespace("\n")]
            after = [*final_gap, *pending] if last else between
            _last_container(table).body.extend((None, item) for item in after)
            self.aot.append(table)

    def _take_lead_before(self) -> list[Item]:
        """Remove the comment block right above the first header from the enclosing table; return it."""
        at = next(i for i, (k, _) in enumerate(self.raw.body) if k is not None and k.key == self.key)
        return _take_comment_block(self.raw, at)[1]

    def remove(self) -> None:
        """No table left: the key goes, with the comment block above each table; a comment block above
        what follows the tables stays."""
        self._take_lead_before()
        _, tail = _take_trailer(self.aot.body[-1])
        at = next(i for i, (k, _) in enumerate(self.raw.body) if k is not None and k.key == self.key)
        del self.raw[self.key]
        if tail:
            self.raw.body[at] = (None, Whitespace(_text(tail)))


def _text(items: list[Item]) -> str:
    return "".join(item.as_string() for item in items)


def _take_trailer(table: Table) -> tuple[list[Item], list[Item]]:
    """Remove the whitespace and comments that end ``table`` (or its last sub-table); return them split in
    the blank lines after it and the comment block after those (the block above the next header)."""
    body = _last_container(table).body
    trailer: list[Item] = []
    while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace | Comment | Null):
        trailer.insert(0, body.pop()[1])
    cut = max((i + 1 for i, item in enumerate(trailer) if isinstance(item, Whitespace)), default=0)
    return trailer[:cut], trailer[cut:]


def _last_container(table: Table) -> Container:
    """The container whose end is the end of ``table`` in the text (a trailing ``[a.b]`` sub-table's)."""
    container = table.value
    while container.body and isinstance(container.body[-1][1], Table):
        container = container.body[-1][1].value
    return container


def _new_table(key: str, value: Doc) -> Table:
    """One ``[[key]]`` table declaring ``value``, in the compact style."""
    table: Table = tomlkit.parse(_table_text(f"[[{_key_text(key)}]]", value))[key][0]
    return table
