"""How severe a modification of one field is for API consumers and editors (same field type on both sides).

:func:`field_impact` is ``breaking`` when the field is made required, localized differently, disabled or
omitted, when a validation is added or tightened, or when a resource link allows fewer resource types;
else ``safe``: widening a rule can invalidate no existing entry. A validation counts as loosened only
when that is known: removed; a bound (``size``, ``range``, ``assetFileSize``, each side of
``assetImageDimensions``, a ``dateRange`` of ISO dates) widened or dropped; a set (``in``,
``linkContentType``, ``enabledNodeTypes``, ``enabledMarks``, ``linkMimetypeGroup``) grown; rich-text
``nodes`` whose node rules are each loosened or dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from reconcile.changes import Impact
from reconcile.model import Field

_BOUNDED_KINDS = frozenset({"size", "range", "assetFileSize"})
_SET_KINDS = frozenset({"in", "linkContentType", "linkMimetypeGroup", "enabledNodeTypes", "enabledMarks"})


def field_impact(before: Field, after: Field) -> Impact:
    """``breaking`` when API consumers or entries may break, else ``safe`` (same field type)."""
    breaking = (
        (after.required and not before.required)
        or after.localized != before.localized
        or (after.disabled and not before.disabled)
        or (after.omitted and not before.omitted)
        or validations_tightened(before.validations, after.validations)
        or validations_tightened(
            before.items.validations if before.items else (), after.items.validations if after.items else ()
        )
        or _narrowed(before.allowed_resources or (), after.allowed_resources or ())
    )
    return "breaking" if breaking else "safe"


def _narrowed(before: tuple[Any, ...] | list[Any], after: tuple[Any, ...] | list[Any]) -> bool:
    """True when a resource type ``before`` allows is allowed no more (more content types are wider)."""
    wider = {repr(_resource_key(r)): r for r in after}
    for resource in before:
        new = wider.get(repr(_resource_key(resource)))
        if new is None:
            return True
        old_types, new_types = resource.get("contentTypes"), new.get("contentTypes")
        if new_types is not None and (old_types is None or not set(old_types) <= set(new_types)):
            return True
    return False


def _resource_key(resource: Any) -> Any:
    if not isinstance(resource, dict):
        return resource
    return {k: v for k, v in resource.items() if k != "contentTypes"}


def validation_kind(validation: dict[str, Any]) -> str:
    """The kind of a validation object: its one key besides ``message`` (``message`` when alone)."""
    return next((k for k in validation if k != "message"), "message")


def validations_tightened(before: tuple[dict[str, Any], ...], after: tuple[dict[str, Any], ...]) -> bool:
    """True when a validation is added, or changed in a way not known to only loosen it."""
    old_by_kind = {validation_kind(v): v for v in before}
    for validation in after:
        kind = validation_kind(validation)
        old = old_by_kind.get(kind)
        if old is None:
            return True
        if old.get(kind) != validation.get(kind) and not _loosened(kind, old.get(kind), validation.get(kind)):
            return True
    return False


def _loosened(kind: str, old: Any, new: Any) -> bool:
    if kind in _BOUNDED_KINDS and isinstance(old, dict) and isinstance(new, dict):
        return _bound_widened(old, new, _number)
    if kind == "assetImageDimensions" and isinstance(old, dict) and isinstance(new, dict):
        sides = set(old) | set(new)
        return all(side not in new or (side in old and _loosened("size", old[side], new[side])) for side in sides)
    if kind == "dateRange" and isinstance(old, dict) and isinstance(new, dict):
        return _bound_widened(old, new, _date, lows=("min", "after"), highs=("max", "before"))
    if kind in _SET_KINDS and isinstance(old, list) and isinstance(new, list):
        return set(map(repr, old)) <= set(map(repr, new))
    if kind == "nodes" and isinstance(old, dict) and isinstance(new, dict):
        return all(node in old and not _node_tightened(old[node], new[node]) for node in new)
    return False


def _bound_widened(
    old: dict[str, Any],
    new: dict[str, Any],
    value: Any,
    lows: tuple[str, ...] = ("min",),
    highs: tuple[str, ...] = ("max",),
) -> bool:
    """Every bound of ``new`` exists in ``old`` and is no tighter (``value`` makes bounds comparable)."""
    for key in new:
        if key not in lows and key not in highs:
            return False
        if key not in old:
            return False
        a, b = value(old[key]), value(new[key])
        if a is None or b is None or (b > a if key in lows else b < a):
            return False
    return True


def _number(bound: Any) -> float | None:
    return float(bound) if isinstance(bound, int | float) and not isinstance(bound, bool) else None


def _date(bound: Any) -> datetime | None:
    """An ISO date or date-time as a naive UTC date-time; ``None`` when it is not one."""
    if not isinstance(bound, str):
        return None
    try:
        parsed = datetime.fromisoformat(bound)
    except ValueError:
        return None
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _node_tightened(old: Any, new: Any) -> bool:
    """A rich-text node's rules: a list of validations, or ``{validations, allowedResources}``."""
    if isinstance(old, list) and isinstance(new, list):
        return validations_tightened(tuple(old), tuple(new))
    if isinstance(old, dict) and isinstance(new, dict):
        old_resources, new_resources = old.get("allowedResources"), new.get("allowedResources")
        return validations_tightened(tuple(old.get("validations", ())), tuple(new.get("validations", ()))) or (
            new_resources is not None and (old_resources is None or _narrowed(old_resources, new_resources))
        )
    return bool(old != new)
