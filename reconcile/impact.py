"""How severe a modification of one field is for API consumers and editors (same field type on both sides).

:func:`field_impact` is ``breaking`` when the field is made required, localized differently, disabled or
omitted, when a validation is added or tightened, or when a resource link allows fewer resource types;
else ``safe``. A validation counts as loosened only when that is known: a bound (``size``, ``range``,
``assetFileSize``) widened or a set (``in``, ``linkContentType``, ...) grown.
"""

from __future__ import annotations

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


def _narrowed(before: tuple[Any, ...], after: tuple[Any, ...]) -> bool:
    return bool(set(map(repr, before)) - set(map(repr, after)))


def _kind(validation: dict[str, Any]) -> str:
    return next((k for k in validation if k != "message"), "message")


def validations_tightened(before: tuple[dict[str, Any], ...], after: tuple[dict[str, Any], ...]) -> bool:
    """True when a validation is added, or changed in a way not known to only loosen it."""
    old_by_kind = {_kind(v): v for v in before}
    for validation in after:
        kind = _kind(validation)
        old = old_by_kind.get(kind)
        if old is None:
            return True
        if old.get(kind) != validation.get(kind) and not _loosened(kind, old.get(kind), validation.get(kind)):
            return True
    return False


def _loosened(kind: str, old: Any, new: Any) -> bool:
    if kind in _BOUNDED_KINDS and isinstance(old, dict) and isinstance(new, dict):
        min_ok = "min" not in new or ("min" in old and new["min"] <= old["min"])
        max_ok = "max" not in new or ("max" in old and new["max"] >= old["max"])
        return min_ok and max_ok
    if kind in _SET_KINDS and isinstance(old, list) and isinstance(new, list):
        return set(map(repr, old)) <= set(map(repr, new))
    return False
