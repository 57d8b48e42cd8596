"""Paging that fits the API's response size limit.

The CMA refuses an answer over 7 MB (7,340,032 bytes) with 400 BadRequest ``Response size too big. Maximum
allowed response size: 7340032B.`` (facts §1.1, docs/troubleshooting.md). The tool asks for 1,000 items a page, so a
page of 1,000 large entries (long rich text) or of 1,000 content types of many fields can be refused. On
that answer the same page is asked again with half the ``limit`` (1000, 500, 250, … down to 1), and the
following pages keep the size that worked, as do later reads of the same list by the same ``Backend``
(``PageSizes``): a list costs a few more requests, once per command. Contentful's own tools
leave this to the user (contentful-export's ``--max-allowed-limit``, contentful-cli#46/#176); its
bulk-exporter app halves the same way (contentful/apps#11283, #11287: floor 1, size carried forward).

An item that is over the limit alone (``limit=1``) cannot be read at all: that is one ``ApiError`` naming
the list and the position, with what to do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from reconcile.errors import ApiError
from reconcile.model import JsonObject

# What the API's message starts with (since 2019; until 2018 "Response size too big, was: …b.").
TOO_BIG = "response size too big"
TOO_BIG_HINT = (
    "the API sends at most 7 MB (7340032 bytes) in one answer and this one item alone is larger: make it "
    "smaller in the web app (for example move long rich text into linked entries), then run the command again"
)


def is_too_big(error: ApiError) -> bool:
    """Whether the API refused to send an answer because of its size (400 BadRequest, its message)."""
    return error.status == 400 and error.api_message.lower().startswith(TOO_BIG)


def with_hint(error: ApiError) -> ApiError:
    """``error`` with the hint of an answer too big, when it is one."""
    if is_too_big(error):
        error.hint = TOO_BIG_HINT
    return error


class PageSizes:
    """The page size that worked for each list, kept for the life of one ``Backend`` (one command): a list
    read again (the verification after each phase of an apply, say) starts at that size instead of finding
    it again from 1,000. A smaller size is found again the same way when items grew since."""

    def __init__(self) -> None:
        self._sizes: dict[str, int] = {}

    def pages(self, key: str, fetch: Callable[[int, int], JsonObject], limit: int) -> Iterator[list[JsonObject]]:
        """The items of the list ``key`` a page at a time: ``fetch(skip, limit)`` answers one page; ``skip``
        advances by the items returned until ``skip >= total`` (the server may apply a lower ``limit`` than
        asked). A page refused for its size is asked again at half the ``limit``, which the following pages
        keep."""
        skip, size = 0, self._sizes.get(key, limit)
        while True:
            page, size = _fitting_page(fetch, skip, size)
            if size < limit:
                self._sizes[key] = size
            batch = page.get("items") or []
            if batch:
                yield batch
            skip += len(batch)
            if not batch or skip >= page.get("total", 0):
                return


def _fitting_page(fetch: Callable[[int, int], JsonObject], skip: int, size: int) -> tuple[JsonObject, int]:
    """The page at ``skip`` with at most ``size`` items, halving ``size`` while the answer is too big."""
    while True:
        try:
            return fetch(skip, size), size
        except ApiError as error:
            if not is_too_big(error):
                raise
            if size == 1:
                alone = dataclasses.replace(error, resource=f"{error.resource} (the item at skip={skip}, alone)")
                raise with_hint(alone) from None
            size = max(1, size // 2)
