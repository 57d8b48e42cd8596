"""The forms a PUT keeps: a body made from the model is canonical (validations sorted, ``null`` members and
``message: null`` left out, ``contentTypes`` sorted, ``items`` with ``validations: []``, ``description: null``
for ``""``, every control in field order), which Contentful treats as the same content but stores as sent.

Where a value of the body means the same as the value in ``like`` (the resource's JSON as the apply's plan read
it, or as the snapshot a revert or rollback goes back to holds it), the body carries ``like``'s own form: an apply
changes only what it changes, and a revert gives the content types and editor interfaces back exactly as they were
(content models another tool made: ``tests/integration/test_foreign_models.py``). "The same" is the tool's own
rule (``reconcile.normalize``), so the fingerprints the executor verifies are those of the canonical bodies.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from reconcile.backend.translate import content_type_link, sys_id
from reconcile.model import JsonObject
from reconcile.normalize import no_text, normalize_allowed_resources, normalize_settings, normalize_validations


@dataclass(frozen=True)
class Forms:
    """The JSON a PUT of each content type (by id) and editor interface (by content type id) takes forms from."""

    content_types: Mapping[str, JsonObject] = field(default_factory=dict)
    editor_interfaces: Mapping[str, JsonObject] = field(default_factory=dict)

    @classmethod
    def of(cls, content_types: Collection[JsonObject], editor_interfaces: Collection[JsonObject],
           ids: Collection[str]) -> Forms:
        """The forms of the content types and editor interfaces of ``ids`` among those given (raw JSON)."""
        interfaces = {content_type_link(ei): ei for ei in editor_interfaces}
        return cls({sys_id(ct): ct for ct in content_types if sys_id(ct) in ids},
                   {ct_id: ei for ct_id, ei in interfaces.items() if ct_id is not None and ct_id in ids})


def content_type_like(body: JsonObject, like: JsonObject | None) -> JsonObject:
    """``body`` (a content type's PUT body) with the forms of ``like`` (that content type's JSON) where the
    meaning is the same: ``description``, ``displayField``, and per field (by the id it ends with, else by the id it
    has: a rename reverted, a rename applied) its ``validations``, ``items`` and ``allowedResources``."""
    if like is None:
        return body
    kept = dict(body)
    for key in ("description", "displayField"):
        if key in like and no_text(body.get(key)) == no_text(like[key]):
            kept[key] = like[key]
    earlier = {f.get("id"): f for f in like.get("fields") or () if isinstance(f, dict)}
    kept["fields"] = [_field_like(f, earlier.get(f.get("newId")) or earlier.get(f.get("id")))
                      for f in body.get("fields", ())]
    return kept


def _field_like(body: JsonObject, like: JsonObject | None) -> JsonObject:
    if like is None:
        return body
    kept = dict(body)
    for key, same in (("validations", _same_validations), ("items", _same_items),
                      ("allowedResources", _same_resources)):  # fmt: skip
        if key in body and key in like and _safely(same, body[key], like[key]):
            kept[key] = like[key]
    return kept


def _safely(same: Any, ours: Any, theirs: Any) -> bool:
    """``same(ours, theirs)``; False for a shape the normalisers do not take (``like`` is whatever was read)."""
    try:
        return bool(same(ours, theirs))
    except (AttributeError, TypeError, ValueError):
        return False


def _same_validations(ours: Any, theirs: Any) -> bool:
    return isinstance(theirs, list) and normalize_validations(tuple(ours)) == normalize_validations(tuple(theirs))


def _same_items(ours: JsonObject, theirs: Any) -> bool:
    return (
        isinstance(theirs, dict)
        and (ours.get("type"), ours.get("linkType")) == (theirs.get("type"), theirs.get("linkType"))
        and _same_validations(ours.get("validations") or [], theirs.get("validations") or [])
    )


def _same_resources(ours: Any, theirs: Any) -> bool:
    return isinstance(theirs, list) and normalize_allowed_resources(tuple(ours)) == \
        normalize_allowed_resources(tuple(theirs))  # fmt: skip


def editor_interface_like(body: JsonObject, like: JsonObject | None) -> JsonObject:
    """``body`` (an editor interface's PUT body) with the controls of ``like`` (that interface's JSON) where they
    mean the same: ``like``'s whole list (its order, its missing bare controls) when every control does, else each
    control that does."""
    theirs = like.get("controls") if like is not None else None
    if not isinstance(theirs, list) or not all(isinstance(c, dict) for c in theirs):
        return body
    by_field = {c.get("fieldId"): c for c in theirs}
    ours = body.get("controls") or []
    matched = [by_field[c["fieldId"]] if _same_control(c, by_field.get(c["fieldId"])) else c for c in ours]
    mentioned = {c["fieldId"] for c in ours}
    whole = set(by_field) <= mentioned and all(
        m is by_field.get(c["fieldId"]) or (c["fieldId"] not in by_field and len(c) == 1)
        for c, m in zip(ours, matched, strict=True)
    )
    return {**body, "controls": theirs if whole else matched}


def _same_control(ours: JsonObject, theirs: JsonObject | None) -> bool:
    if theirs is None:
        return False
    keys = ("widgetId", "widgetNamespace")
    return all(ours.get(k) == theirs.get(k) for k in keys) and _safely(
        lambda a, b: normalize_settings(a or {}) == normalize_settings(b or {}), ours.get("settings"),
        theirs.get("settings"),
    )
