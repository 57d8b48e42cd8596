"""Collection answers: paging (``skip``, ``limit``), ``order`` and the ``sys.id`` filters of a list request."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from reconcile.emulator.errors import bad_request, invalid_query
from reconcile.emulator.listing import Listing, Text, dumped, text_page

Json = dict[str, Any]

MAX_LIMIT = 1000


def _int_param(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        if name == "skip":  # [facts 1.1, ISS contentful-export#658]
            raise bad_request('The value provided for "skip" is invalid. Please provide a valid number value') from None
        raise invalid_query(  # [REC JAVA error_wrong_type_for_limit]
            f'The value provided for "{name}" is invalid. Please provide a valid number value'
        ) from None
    if value < 0 or (name == "limit" and value > MAX_LIMIT):
        # Exact real wording UNSURE; this is the 3P fake's text [facts 1.1].
        raise invalid_query(
            f'The value provided for "{name}" is invalid. Please provide a value between 0 and {MAX_LIMIT}'
        )
    return value


def _path_value(item: Json, path: str) -> Any:
    value: Any = item
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _sort_key(value: Any) -> tuple[int, Any]:
    # None sorts last; mixed types are compared by their JSON text.
    if value is None:
        return (2, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value)
    return (1, value if isinstance(value, str) else json.dumps(value, sort_keys=True))


SYS_ORDER_PATHS = frozenset(
    {"id", "createdAt", "updatedAt", "version", "publishedAt", "firstPublishedAt",
     "publishedVersion", "publishedCounter", "type", "contentType.sys.id"}
)  # fmt: skip


def order_keys(order: str | None) -> list[str]:
    """The keys of a comma list of paths, ``-`` for descending (``sys.createdAt,sys.id``), checked."""
    keys = [part.strip() for part in (order or "").split(",") if part.strip()]
    for key in keys:
        path = key.lstrip("-")
        if path.startswith("sys.") and path[4:] not in SYS_ORDER_PATHS:
            raise invalid_query(  # [REC JAVA error_unknown_path]
                "The query you sent was invalid. Probably a filter or ordering specification "
                "is not applicable to the type of a field.",
                [{"name": "unknown", "path": path.split("."),
                  "details": f'The path "{path}" is not recognized'}],
            )  # fmt: skip
    return keys


def sys_id_matches(item: Json, query: Mapping[str, str]) -> bool:
    """``sys.id=…`` and ``sys.id[in]=a,b`` filters (used by contentful-migration, REC M21 #3)."""
    if "sys.id" in query and item["sys"]["id"] != query["sys.id"]:
        return False
    return "sys.id[in]" not in query or item["sys"]["id"] in query["sys.id[in]"].split(",")


def filter_sys_id(items: list[Json], query: Mapping[str, str]) -> list[Json]:
    return [item for item in items if sys_id_matches(item, query)]


def page(items: list[Json], query: Mapping[str, str], default_limit: int = 100) -> Listing:
    """The collection envelope ``{sys, total, skip, limit, items}`` of values built for the answer."""
    return stored_page(dumped(items), query, default_limit)


def stored_page(
    items: Iterable[tuple[Json, Text]], query: Mapping[str, str], default_limit: int = 100,
    keep: Callable[[Json], bool] = lambda _: True,
) -> Listing:
    """The collection envelope ``{sys, total, skip, limit, items}`` [facts 1.1] of ``items`` (each value with
    its JSON text, listing.py) that ``keep`` accepts, parsed one at a time."""
    skip = _int_param(query, "skip", 0)
    limit = _int_param(query, "limit", default_limit)
    keys = order_keys(query.get("order"))
    paths = [key.lstrip("-") for key in keys]

    def probe(item: Json) -> tuple[Any, ...]:
        return tuple(_sort_key(_path_value(item, path)) for path in paths)

    return text_page(items, skip, limit, [key.startswith("-") for key in keys], probe, keep)
