"""Whether a started entry write landed, from versions and the digest of its PUT (reconcile.entry_journal)."""

from __future__ import annotations

import pytest

from reconcile.entry_journal import digest, landed, requests_of
from reconcile.journal import EntryWrite
from reconcile.model import Entry

OURS = {"name": {"en-US": "Ada"}}
THEIRS = {"name": {"en-US": "Ada (colleague)"}}


def entry(version: int, published: int | None = None, archived: int | None = None,
          fields: dict[str, dict[str, str]] | None = None) -> Entry:
    return Entry(id="ada", content_type_id="author", version=version, published_version=published,
                 archived_version=archived, fields=fields if fields is not None else {})


@pytest.mark.parametrize(
    ("before", "state", "requests"),
    [
        (entry(3, published=2), "published", (2, 1)),  # PUT, publish
        (entry(5, published=2), "changed", (1, 1)),  # PUT only: pending changes stay unpublished
        (entry(2), "draft", (1, 1)),
        (entry(2, archived=1), "archived", (3, 2)),  # unarchive, PUT, archive
        (entry(3, published=2), "archived", (3, 1)),  # PUT, unpublish, archive
    ],
)
def test_requests_of_a_write(before: Entry, state: str, requests: tuple[int, int]) -> None:
    assert requests_of(before, state) == requests  # type: ignore[arg-type]


def started(before: Entry, state: str) -> EntryWrite:
    count, put_at = requests_of(before, state)  # type: ignore[arg-type]
    return EntryWrite(at="start", entry="ada", version=before.version, state=state, requests=count, put_at=put_at,
                      digest=digest(OURS), values=True)


@pytest.mark.parametrize(
    ("before", "state", "now", "ours"),
    [
        (entry(3, published=2), "published", entry(3, published=2), True),  # nothing landed
        (entry(3, published=2), "published", entry(4, published=2, fields=OURS), True),  # PUT landed, not the publish
        (entry(3, published=2), "published", entry(4, published=2, fields=THEIRS), False),  # a colleague's edit
        (entry(3, published=2), "published", entry(5, published=4, fields=OURS), True),  # published, answer lost
        (entry(3, published=2), "published", entry(6, published=2, fields=OURS), False),  # one write more
        (entry(2, archived=1), "archived", entry(3), True),  # unarchived only
        (entry(2, archived=1), "archived", entry(4, fields=OURS), True),  # unarchived and written
        (entry(2, archived=1), "archived", entry(4, fields=THEIRS), False),
        (entry(2), "draft", entry(1), False),  # fewer than none: not this write's entry any more
    ],
)
def test_a_started_write_landed(before: Entry, state: str, now: Entry, ours: bool) -> None:
    assert landed(started(before, state), now) is ours
