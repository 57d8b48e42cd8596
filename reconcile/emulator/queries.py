"""Which query parameters each collection understands; any other one is refused with 400 InvalidQuery.

A filter the emulator silently ignored would answer "everything" where Contentful answers a subset
(``fields.title=…``, ``metadata.tags.sys.id[in]=…``), so a tool tested against it could pass while
being wrong. The body is the recorded InvalidQuery one for an unknown path [REC JAVA error_unknown_path];
Contentful itself accepts some of these (``fields.*`` with ``content_type``): the emulator does not
implement them and says so the same way. Parameters are keyed by the server's endpoint name.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconcile.emulator.errors import invalid_query

Json = dict[str, object]

PAGING = frozenset({"skip", "limit", "order"})
BY_ID = frozenset({"sys.id", "sys.id[in]"})
SUPPORTED: dict[str, frozenset[str]] = {
    # content_type (what the tool sends), the filters contentful-migration sends [REC M21 #135],
    # select (the tool's existence check) [facts 1.6].
    "entries": PAGING
    | BY_ID
    | {
        "content_type",
        "select",
        "sys.contentType.sys.id",
        "sys.contentType.sys.id[in]",
        "sys.archivedAt[exists]",
        "metadata.tags.sys.id[in]",  # emulator/tags.py
    },
    "content_types": PAGING | BY_ID,
    "public_content_types": PAGING | BY_ID,
    "locales": PAGING | BY_ID,
    "environments": PAGING | BY_ID,
    "assets": PAGING | BY_ID | {"sys.archivedAt[exists]", "metadata.tags.sys.id[in]", "mimetype_group"},  # assets.py
}
UNKNOWN_PATH_MESSAGE = (
    "The query you sent was invalid. Probably a filter or ordering specification is not applicable to "
    "the type of a field."
)


def check_query(endpoint: str, query: Mapping[str, str]) -> None:
    """Refuse the parameters of a collection GET that ``endpoint`` does not support."""
    supported = SUPPORTED.get(endpoint)
    if supported is None:
        return
    unknown = [name for name in query if name not in supported]
    if unknown:
        raise invalid_query(UNKNOWN_PATH_MESSAGE, [_unknown_item(name) for name in unknown])


def _unknown_item(name: str) -> dict[str, object]:
    path = name.split("[", 1)[0]
    return {"name": "unknown", "path": path.split("."), "details": f'The path "{path}" is not recognized'}


def check_entry_filters(query: Mapping[str, str]) -> None:
    """Refuse a ``sys.archivedAt[exists]`` filter other than ``true`` or ``false`` (whatever the entries)."""
    exists = query.get("sys.archivedAt[exists]")
    if exists is not None and exists not in ("true", "false"):  # wording modelled on the recorded value error (UNSURE)
        raise invalid_query(UNKNOWN_PATH_MESSAGE, [
            {"name": "value", "path": ["sys", "archivedAt"], "filter": "exists",
             "details": f"{exists} used on sys.archivedAt is not a valid value for exists."}])  # fmt: skip


def entry_matches(item: Json, query: Mapping[str, str]) -> bool:
    """``sys.contentType.sys.id[in]=a,b`` and ``sys.archivedAt[exists]=true|false`` on a stored entry (the
    query checked by ``check_entry_filters``)."""
    wanted = query.get("sys.contentType.sys.id[in]")
    if wanted is not None and _content_type_id(item) not in set(wanted.split(",")):
        return False
    exists = query.get("sys.archivedAt[exists]")
    return exists is None or ("archivedAt" in _sys(item)) == (exists == "true")


def _sys(item: Json) -> Mapping[str, object]:
    sys = item.get("sys")
    return sys if isinstance(sys, Mapping) else {}


def _content_type_id(item: Json) -> object:
    link = _sys(item).get("contentType")
    inner = link.get("sys") if isinstance(link, Mapping) else None
    return inner.get("id") if isinstance(inner, Mapping) else None
