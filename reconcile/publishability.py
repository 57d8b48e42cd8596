"""Whether an entry's values of a field could be published under that field's rules: the tool's own check
of values, used to count the entries a tightened rule leaves unpublishable (issue 14 item 3) and to
check the values a fill computes.

It covers what a value alone decides: the value's type, ``required`` (a value in the default locale),
``size`` (characters of a text, items of an array), ``range``, ``in`` and ``regexp`` /
``prohibitRegexp`` (read as ECMAScript, as Contentful does: :mod:`reconcile.validate.patterns`), also on
an array's items. Rules that need other entries or assets (``unique``, ``linkContentType``, link
resolution, mimetype groups) are Contentful's to check at publish; they are not counted here.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import regress

from reconcile.changes import AddField, Change, ModifyField, RenameField
from reconcile.model import Entry, Field, JsonObject
from reconcile.validate.vocabulary import fits_type
from reconcile.wording import a, count

_SIMPLE = ("Symbol", "Text", "Date", "Integer", "Number", "Boolean")


def _shape_problem(field: Field, value: Any) -> str | None:
    if field.type in _SIMPLE:
        return None if fits_type(value, field.type) else f"{value!r} is not {a(field.type)} value"
    if field.type == "Array":
        if not isinstance(value, list):
            return f"{value!r} is not an array"
        return None if field.items is None or field.items.type != "Symbol" or fits_type(value, "Array") else (
            "an item is not a Symbol")
    if field.type in ("Link", "RichText", "Object", "Location", "ResourceLink"):
        return None if isinstance(value, dict) else f"{value!r} is not {field.type} JSON"
    return None


def _rule_problem(rule: JsonObject, value: Any) -> str | None:
    """What one validation rule refuses about ``value`` (None when it passes or is not checked here)."""
    if "size" in rule and isinstance(value, str | list):
        low, high = rule["size"].get("min"), rule["size"].get("max")
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            return f"size {len(value)} outside {low if low is not None else ''}..{high if high is not None else ''}"
    if "range" in rule and isinstance(value, int | float) and not isinstance(value, bool):
        low, high = rule["range"].get("min"), rule["range"].get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            return f"{value} outside the range {low if low is not None else ''}..{high if high is not None else ''}"
    if "in" in rule and not isinstance(value, list) and value not in rule["in"]:
        return f"{value!r} is not one of {rule['in']}"
    for kind, wanted in (("regexp", True), ("prohibitRegexp", False)):
        if kind in rule and isinstance(value, str):
            spec = rule[kind]
            found = regress.Regex(spec.get("pattern", ""), spec.get("flags") or "").find(value) is not None
            if found != wanted:
                return f"{value!r} {'does not match' if wanted else 'matches'} {kind} {spec.get('pattern')!r}"
    return None


def value_problem(field: Field, value: Any) -> str | None:
    """Why ``value`` (one locale's) could not be published in ``field``; None when it could."""
    problem = _shape_problem(field, value)
    if problem is not None:
        return problem
    rules: list[tuple[JsonObject, Any]] = [(rule, value) for rule in field.validations]
    if field.items is not None and isinstance(value, list):
        rules += [(rule, item) for rule in field.items.validations for item in value]
    return next((p for rule, item in rules if (p := _rule_problem(rule, item)) is not None), None)


def entry_problem(field: Field, values: Any, default_locale: str) -> str | None:
    """Why an entry holding ``values`` (locale -> value, or None) in ``field`` could not be published."""
    held = values if isinstance(values, dict) else {}
    if field.required and held.get(default_locale) in (None, "", []):
        return f"required, and no value in {default_locale}"
    for locale, value in held.items():
        if value is not None and (problem := value_problem(field, value)) is not None:
            return f"{locale}: {problem}"
    return None


def newly_unpublishable(
    entries: Iterable[Entry], before: Field | None, after: Field, default_locale: str
) -> list[tuple[str, str]]:
    """The entries publishable under ``before`` (None: a field being added, which no entry holds yet) that
    ``after`` refuses: (entry id, why), in entry order."""
    found = []
    for entry in entries:
        values = entry.fields.get((before or after).id)
        if before is None or entry_problem(before, values, default_locale) is None:
            problem = entry_problem(after, values, default_locale)
            if problem is not None:
                found.append((entry.id, problem))
    return found


#: The field changes whose rules :func:`tightened` looks at.
Tightened = ModifyField | RenameField | AddField


def tightened(changes: Iterable[Change]) -> list[Tightened]:
    """The field changes that may leave entries unpublishable: a rule added or narrowed on a kept or renamed
    field (any change of ``validations`` or ``required`` that is not known to widen, :mod:`reconcile.impact`),
    and a required field added (the entries there hold no value of it)."""
    return [
        c for c in changes
        if (isinstance(c, AddField) and c.after.required)
        or (isinstance(c, ModifyField | RenameField) and c.impact != "safe"
            and any(p.startswith(("validations", "required", "items.validations")) for p in c.paths))
    ]


#: Entries named per field in the plan's note.
SHOWN = 5


def marked_unpublishable(
    changes: Sequence[Change], hits: Mapping[str, tuple[int, Sequence[tuple[str, str]]]]
) -> tuple[tuple[Change, ...], dict[str, int], list[str]]:
    """``changes`` with the tightened fields in ``hits`` (address -> the number of entries left unpublishable
    and the first of them, (entry id, why)) made destructive, the counts, and a note per field."""
    hits = {address: hit for address, hit in hits.items() if hit[0]}
    notes = [
        f"{address}: {count(total, 'entry')} could no longer be published: "
        + "; ".join(f"{entry_id} ({why})" for entry_id, why in found[:SHOWN])
        + (f"; and {total - SHOWN} more" if total > SHOWN else "")
        for address, (total, found) in hits.items()
    ]
    updated = tuple(
        c.model_copy(update={"impact": "destructive"}) if isinstance(c, Tightened) and c.address in hits else c
        for c in changes
    )
    return updated, {address: total for address, (total, _) in hits.items()}, notes
