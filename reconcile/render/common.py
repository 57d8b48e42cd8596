"""What every plan rendering shares: change symbols and labels (from :data:`reconcile.kinds.KINDS`), the
summary line and detail lines."""

from __future__ import annotations

import json
from typing import Any

from reconcile.changes import (
    IMPACT_RANK,
    AddField,
    Change,
    CreateContentType,
    CreateLocale,
    MoveField,
    PublishContentType,
    RenameField,
    document,
    leaf_paths,
    value_at,
)
from reconcile.kinds import Symbol, kind_of
from reconcile.model import Field, Locale
from reconcile.plan import Plan

NO_CHANGES = "No changes. The live environment matches the models."
_VALUE_WIDTH = 70
#: Field properties that :func:`field_summary` already shows.
_SUMMARISED = frozenset({"link_type", "required", "localized", "disabled", "omitted"})


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


def by_severity(plan: Plan) -> list[Change]:
    """The plan's changes, destructive first, then breaking, then safe (stable within each)."""
    return sorted(plan.changes, key=lambda c: -IMPACT_RANK[c.impact])


def impact_marker(plan: Plan, change: Change) -> str:
    """``[breaking]``, ``[destructive, 12 entries]``, ``[destructive, BLOCKED]`` or ``""`` when safe."""
    if change.impact == "safe":
        return ""
    parts: list[str] = [change.impact]
    if change.address in plan.entry_counts:
        parts.append(_entries(plan.entry_counts[change.address]))
    if change.address in plan.blocked:
        parts.append("BLOCKED")
    return "[" + ", ".join(parts) + "]"


def _entries(n: int) -> str:
    return f"{n} entry holds data" if n == 1 else f"{n} entries hold data"


def headline_note(change: Change) -> str:
    """What the address alone does not say: the rename source, the move, the publish."""
    if isinstance(change, RenameField):
        return f"(renamed from {change.before.id})"
    if isinstance(change, MoveField):
        return f"(moved from position {change.position_before + 1} to {change.position_after + 1})"
    if isinstance(change, PublishContentType):
        return "(publish the live draft)"
    return ""


class _Absent:
    """Marks a path that does not exist on one side of a change."""


ABSENT = _Absent()


def format_value(value: Any) -> str:
    """A JSON value on one line, cut at a fixed width; ``(absent)`` for a missing member."""
    if value is ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


def field_summary(field: Field) -> str:
    """``Array<Link<Entry>>, required, localized, 2 validations``."""
    kind: str = field.type
    if field.link_type:
        kind = f"Link<{field.link_type}>"
    if field.items is not None:
        inner = f"Link<{field.items.link_type}>" if field.items.link_type else field.items.type
        kind = f"Array<{inner}>"
    flags = [name for name in ("required", "localized", "disabled", "omitted") if getattr(field, name)]
    validations = len(field.validations) + (len(field.items.validations) if field.items else 0)
    if validations:
        flags.append(f"{validations} validation" + ("s" if validations > 1 else ""))
    return ", ".join([kind, *flags])


def detail_lines(change: Change) -> list[str]:
    """Per-property detail of one change: ``path: before → after`` lines, or the created value."""
    if isinstance(change, CreateContentType):
        ct = change.after
        lines = [
            f"{key}: {format_value(getattr(ct, key))}"
            for key in ("name", "description", "display_field")
            if getattr(ct, key) is not None
        ]
        lines += [f"+ field {f.id}: {field_summary(f)}" for f in ct.fields]
        return lines
    if isinstance(change, AddField):
        created = change.after
        defaults = document(Field(id=created.id, name=created.name, type=created.type))
        return [field_summary(created)] + [
            f"{path}: {format_value(value_at(document(created), path))}"
            for path in leaf_paths(defaults, document(created))
            if path not in _SUMMARISED
        ]
    if isinstance(change, CreateLocale):
        created_locale = change.after
        defaults = document(Locale(code=created_locale.code, name=created_locale.name))
        return [f"name: {format_value(created_locale.name)}"] + [
            f"{path}: {format_value(value_at(document(created_locale), path))}"
            for path in leaf_paths(defaults, document(created_locale))
        ]
    if isinstance(change, MoveField | PublishContentType) or change.after is None:
        return []
    before, after = document(change.before), document(change.after)
    return [
        f"{path}: {format_value(value_at(before, path, ABSENT))} → {format_value(value_at(after, path, ABSENT))}"
        for path in change.paths
    ]
