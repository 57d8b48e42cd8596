"""Change addresses, written and read back: ``content_types.X[.fields.F]``, ``editor_interfaces.X``, ``locales.L``,
``tags.T``.

The writers are here (``changes`` re-exports them), so that the model loader names a field's fill without
importing the changes and their pydantic classes (``reconcile validate`` needs none; issue 16). ``parse_address`` is
the one place that reads them back (drift attributes a change to its live resource, entry counting finds the
content type and field a destructive change empties).
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


def content_type_address(content_type_id: str) -> str:
    return f"content_types.{content_type_id}"


def field_address(content_type_id: str, field_id: str) -> str:
    return f"content_types.{content_type_id}.fields.{field_id}"


def editor_interface_address(content_type_id: str) -> str:
    return f"editor_interfaces.{content_type_id}"


def locale_address(code: str) -> str:
    return f"locales.{code}"


def tag_address(tag_id: str) -> str:
    return f"tags.{tag_id}"


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
