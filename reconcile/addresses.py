"""Change addresses read back: ``content_types.X[.fields.F]``, ``editor_interfaces.X``, ``locales.L``, ``tags.T``.

``changes`` writes them; this is the one place that parses them (drift attributes a change to its live
resource, entry counting finds the content type and field a destructive change empties).
"""

from __future__ import annotations

from dataclasses import dataclass

from reconcile.model import ResourceKind


@dataclass(frozen=True)
class Address:
    """The live resource an address names, and the field within a content type (if it names one)."""

    kind: ResourceKind
    ident: str
    field_id: str | None = None


def parse_address(address: str) -> Address:
    """``content_types.x.fields.y`` -> content type x, field y; ``editor_interfaces.x`` -> editor
    interface x; ``locales.de-DE`` -> locale de-DE."""
    head, _, rest = address.partition(".")
    if head == "locales":
        return Address("locale", rest)
    if head == "tags":
        return Address("tag", rest)
    ident, _, field_id = rest.partition(".fields.")
    return Address("editor_interface" if head == "editor_interfaces" else "content_type", ident, field_id or None)
