"""What every plan rendering shares: change symbols and labels (from :data:`reconcile.kinds.KINDS`), the
summary line and detail lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from reconcile.changes import (
    IMPACT_RANK,
    AddField,
    Change,
    ConvertField,
    ModifyField,
    MoveField,
    PublishContentType,
    RenameField,
)
from reconcile.conversions import loss
from reconcile.kinds import Symbol, kind_of
from reconcile.model import printable
from reconcile.plan import Plan
from reconcile.render.details import ABSENT, Detail
from reconcile.wording import count

NO_CHANGES = "No changes. The live environment matches the models."
#: Values longer than this are cut in text and moved to a collapsed block in Markdown.
VALUE_WIDTH = 70


def label(change: Change) -> str:
    """A short human name of the kind of change: ``"remove field"``."""
    return kind_of(change).label


def symbol(change: Change) -> Symbol:
    """``+`` create, ``~`` update in place, ``-`` destroy, ``-/+`` destroy and re-create."""
    return kind_of(change).symbol


def counts(plan: Plan) -> tuple[int, int, int]:
    """``(to add, to change, to destroy)``; a replacement counts as one add and one destroy."""
    add = change = destroy = 0
    for item in plan.changes:
        mark = symbol(item)
        add += mark in ("+", "-/+")
        destroy += mark in ("-", "-/+")
        change += mark == "~"
    return add, change, destroy


def summary_line(plan: Plan) -> str:
    """``Plan: 3 to add, 2 to change, 1 to destroy.`` or the no-changes sentence."""
    if plan.is_empty:
        return NO_CHANGES
    add, change, destroy = counts(plan)
    return f"Plan: {add} to add, {change} to change, {destroy} to destroy."


def narrowing_line(plan: Plan) -> str | None:
    """The header line of a plan narrowed with ``--content-type`` (None when it is not)."""
    if not plan.narrowed:
        return None
    ids = ", ".join(printable(ct_id) for ct_id in plan.narrowed)
    return f"Narrowed by --content-type to {ids}: changes to anything else are not planned."


def by_severity(plan: Plan) -> list[Change]:
    """The plan's changes, destructive first, then breaking, then safe (stable within each)."""
    return sorted(plan.changes, key=lambda c: -IMPACT_RANK[c.impact])


def impact_marker(plan: Plan, change: Change) -> str:
    """``[breaking]``, ``[destructive, 12 entries]``, ``[destructive, BLOCKED]`` or ``""`` when safe."""
    if change.impact == "safe":
        return ""
    parts: list[str] = [change.impact]
    if change.address in plan.entry_counts:
        n = plan.entry_counts[change.address]
        tag_use = count(n, "entry") + (" uses it" if n == 1 else " use it")
        parts.append(tag_use if change.address.startswith("tags.") else _entries(n, change))
    if change.address in plan.blocked:
        parts.append("BLOCKED")
    return "[" + ", ".join(parts) + "]"


def _entries(n: int, change: Change) -> str:
    if isinstance(change, ConvertField):  # a lossy conversion: the entries whose values do not fit the new type
        return f"{n} entry loses data" if n == 1 else f"{n} entries lose data"
    if isinstance(change, ModifyField | RenameField | AddField):  # a tightened rule: the entries left unpublishable
        return f"{n} entry could no longer be published" if n == 1 else f"{n} entries could no longer be published"
    return f"{n} entry holds data" if n == 1 else f"{n} entries hold data"


def headline_note(change: Change) -> str:
    """What the address alone does not say: the rename source, the move, the publish."""
    if isinstance(change, RenameField):
        return f"(renamed from {change.before.id})"
    if isinstance(change, ConvertField):
        return "(values from its fill)" if change.conversion == "fill" else f"({loss(change.before, change.after)})"
    if isinstance(change, MoveField):
        return f"(moved from position {change.position_before + 1} to {change.position_after + 1})"
    if isinstance(change, PublishContentType):
        return "(publish the live draft)"
    return ""


def value_json(value: Any) -> str:
    """A JSON value on one line, whole; ``(absent)`` for a missing member."""
    if value is ABSENT:
        return "(absent)"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class Shortened:
    """Formats values cut at :data:`VALUE_WIDTH` characters (for a terminal); remembers if any was cut."""

    def __init__(self) -> None:
        self.cut = False

    def __call__(self, value: Any) -> str:
        text = value_json(value)
        if len(text) <= VALUE_WIDTH:
            return text
        self.cut = True
        return f"{text[: VALUE_WIDTH - 1]}… (cut, {len(text)} characters)"


#: Said once under a text rendering that cut a value.
CUT_NOTE = "Values marked (cut) are shortened: `reconcile plan --format markdown` or `--format json` shows them whole."


def detail_text(detail: Detail, fmt: Callable[[Any], str]) -> str:
    """One detail line without indentation: its text, then its values by ``fmt``, joined by `` → ``."""
    return detail.text + " → ".join(map(fmt, detail.values))


Style = Callable[[str, str], str]
_ANSI = {"+": "32", "~": "33", "-": "31", "-/+": "31"}


def plain(mark: str, text: str) -> str:
    """No styling."""
    del mark
    return text


def ansi(mark: str, text: str) -> str:
    """Terminal colour by mark: add (``+``) green, change (``~``) yellow, destroy (``-``, ``-/+``) red."""
    code = _ANSI.get(mark)
    return f"\x1b[{code}m{text}\x1b[0m" if code else text
