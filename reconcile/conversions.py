"""Field type changes that keep the data: which pairs convert, and the conversion of one value.

A type change with a conversion is planned as an expand/contract (docs/transforms.md): a temporary
field of the new type, every entry's values converted into it (one PUT per entry that holds a value,
plus a publish where its state requires it), the old field omitted and deleted, and the temporary
field renamed to the old id. Any other type change stays a ``ReplaceField`` (delete and re-add, empty).

- lossless (no gate): Symbol -> Text; Integer -> Number; a value -> an Array of it (Symbol -> Array of
  Symbol, Link -> Array of Link of the same link type); Symbol/Text -> RichText (one paragraph);
- lossy (destructive: blocked unless allowed, the plan counts the entries that lose data): Text ->
  Symbol (values over 256 characters are cut to 256); Number -> Integer (a fraction is cut off);
  an Array -> one value (items after the first are dropped).

Pure: no I/O. The values are Contentful's JSON (field id -> locale -> value).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from reconcile.model import Entry, Field, JsonObject, first_free

Conversion = Literal["lossless", "lossy"]

#: The longest Symbol value Contentful accepts (facts §4.3).
SYMBOL_MAX = 256

# (value, is it lost in part) for one value
_Convert = Callable[[Any], tuple[Any, bool]]


def _shape(field: Field) -> str:
    """``Symbol``, ``Link:Entry``, ``Array:Symbol``, ``Array:Link:Asset``: a field's type as conversions see it."""
    if field.type == "Link":
        return f"Link:{field.link_type}"
    if field.type == "Array" and field.items is not None:
        inner = f"Link:{field.items.link_type}" if field.items.type == "Link" else field.items.type
        return f"Array:{inner}"
    return field.type


def _same(value: Any) -> tuple[Any, bool]:
    return value, False


def _wrapped(value: Any) -> tuple[Any, bool]:
    return [value], False


def _rich_text(value: Any) -> tuple[Any, bool]:
    text = {"nodeType": "text", "value": str(value), "marks": [], "data": {}}
    paragraph = {"nodeType": "paragraph", "data": {}, "content": [text]}
    return {"nodeType": "document", "data": {}, "content": [paragraph]}, False


def _symbol(value: Any) -> tuple[Any, bool]:
    text = str(value)
    return text[:SYMBOL_MAX], len(text) > SYMBOL_MAX


def _integer(value: Any) -> tuple[Any, bool]:
    if isinstance(value, int | float) and math.isfinite(value):
        return int(value), value != int(value)
    return value, False


def _first(value: Any) -> tuple[Any, bool]:
    if isinstance(value, list):
        return (value[0] if value else None), len(value) > 1
    return value, False


def _converter(before: Field, after: Field) -> tuple[_Convert, Conversion] | None:
    source, target = _shape(before), _shape(after)
    if (source, target) in (("Symbol", "Text"), ("Integer", "Number")):
        return _same, "lossless"
    if target == f"Array:{source}" and (source == "Symbol" or source.startswith("Link:")):
        return _wrapped, "lossless"
    if source in ("Symbol", "Text") and target == "RichText":
        return _rich_text, "lossless"
    if (source, target) == ("Text", "Symbol"):
        return _symbol, "lossy"
    if (source, target) == ("Number", "Integer"):
        return _integer, "lossy"
    if source == f"Array:{target}" and (target == "Symbol" or target.startswith("Link:")):
        return _first, "lossy"
    return None


def conversion(before: Field, after: Field) -> Conversion | None:
    """How the values of ``before`` convert to ``after``'s type: lossless, lossy, or not at all (None)."""
    found = _converter(before, after)
    return None if found is None else found[1]


_LOSSES: dict[_Convert, str] = {_symbol: f"values over {SYMBOL_MAX} characters are cut to {SYMBOL_MAX}",
           _integer: "fractions are cut off", _first: "items after the first are dropped"}


def loss(before: Field, after: Field) -> str:
    """What a conversion does to the values, in words: ``values kept``, or what a lossy one loses."""
    found = _converter(before, after)
    return "values kept" if found is None or found[1] == "lossless" else f"lossy: {_LOSSES[found[0]]}"


def temporary_id(field_id: str, new_type: str, taken: Iterable[str]) -> str:
    """The id of the temporary field a conversion of ``field_id`` fills: ``<id>_to_<new type>`` (cut to fit
    Contentful's 64 characters), with a number when that is taken. The type is in the name so that the
    way back (a rollback converting to the old type) never reuses the id of a temporary field a failed
    apply left in the published version, where the API would refuse it with another type."""
    return first_free(f"{field_id[:48]}_to_{new_type.lower()}", set(taken))


@dataclass(frozen=True)
class Converted:
    """The converted values of one entry's field (locale -> value), and whether any value lost data."""

    values: JsonObject
    lossy: bool


def convert_values(entry: Entry, before: Field, after: Field) -> Converted | None:
    """``entry``'s values of ``before`` converted to ``after``'s type; None when it holds none (or the pair
    does not convert)."""
    found = _converter(before, after)
    held = entry.fields.get(before.id)
    if found is None or not isinstance(held, dict) or not held:
        return None
    convert = found[0]
    values: dict[str, Any] = {}
    lossy = False
    for locale, value in held.items():
        new, lost = convert(value)
        lossy = lossy or lost
        if new is not None:
            values[locale] = new
    return Converted(values, lossy)


def lossy_count(entries: Iterable[Entry], before: Field, after: Field) -> int:
    """The number of entries whose values of ``before`` lose data when converted to ``after``'s type."""
    return sum(1 for entry in entries if (done := convert_values(entry, before, after)) is not None and done.lossy)
