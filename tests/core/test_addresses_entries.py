"""Change addresses are parsed in one place; entry counting reads typed ``Entry`` values through it."""

from __future__ import annotations

import pytest

from reconcile.addresses import Address, parse_address
from reconcile.drift import resource_of
from reconcile.entries import at_stake, by_type, entry_counts
from reconcile.model import ContentModel, ContentType, Entry, Field


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("content_types.blogPost", Address("content_type", "blogPost")),
        ("content_types.blogPost.fields.body", Address("content_type", "blogPost", "body")),
        ("editor_interfaces.blogPost", Address("editor_interface", "blogPost")),
        ("locales.de-DE", Address("locale", "de-DE")),
    ],
)
def test_parse_address(text: str, address: Address) -> None:
    assert parse_address(text) == address
    assert resource_of(text) == (address.kind, address.ident)


def entry(entry_id: str, ct_id: str, fields: dict[str, object]) -> Entry:
    return Entry(id=entry_id, content_type_id=ct_id, version=1, fields=fields)


def test_entry_counts_per_destructive_address() -> None:
    entries = by_type([
        entry("a1", "article", {"title": {"en-US": "A"}, "legacy": {"en-US": "L", "de-DE": "L"}}),
        entry("a2", "article", {"title": {"en-US": "B"}}),
        entry("p1", "page", {"body": {"de-DE": "Seite"}}),
    ])
    counts = entry_counts(
        ["content_types.article.fields.legacy", "content_types.page", "locales.de-DE", "locales.fr-FR"], entries
    )
    assert counts == {
        "content_types.article.fields.legacy": 1,
        "content_types.page": 1,
        "locales.de-DE": 2,
        "locales.fr-FR": 0,
    }


def test_at_stake_keeps_only_the_values_destroyed_merging_addresses() -> None:
    article = ContentType(id="article", name="Article", fields=(
        Field(id="title", name="Title", type="Symbol", localized=True),
        Field(id="legacy", name="Legacy", type="Symbol"),
        Field(id="body", name="Body", type="Text", localized=True),
    ))
    live = ContentModel(content_types={"article": article})
    a1_fields = {"title": {"en-US": "A", "de-DE": "Ä"}, "legacy": {"en-US": "L"}, "body": {"en-US": "personal"}}
    a1 = entry("a1", "article", a1_fields).model_copy(update={"source": {"sys": {"id": "a1"}, "fields": a1_fields}})
    a2 = entry("a2", "article", {"title": {"en-US": "B"}, "body": {"en-US": "x"}})
    addresses = [parse_address("locales.de-DE"), parse_address("content_types.article.fields.legacy")]
    (kept,) = at_stake([a1, a2], addresses, live)
    assert kept.fields == {"title": {"de-DE": "Ä"}, "legacy": {"en-US": "L"}}
    assert (kept.id, kept.content_type_id, kept.version, kept.source) == ("a1", "article", 1, None)
    assert a1.fields["title"] == {"en-US": "A", "de-DE": "Ä"}  # the entry read is not changed
    assert at_stake([a1, a2], [parse_address("content_types.article")], live) == [a1, a2]
