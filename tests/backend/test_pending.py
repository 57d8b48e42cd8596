"""The omitted published fields a draft dropped are held back in the live model (reconcile/backend/pending.py)."""

from __future__ import annotations

from typing import Any

from reconcile.backend.pending import dropped_fields_restored, is_ahead, with_pending_deletions


def ct(*fields: dict[str, Any], version: int = 5, published: int | None = 3) -> dict[str, Any]:
    sys: dict[str, Any] = {"id": "post", "version": version}
    if published is not None:
        sys["publishedVersion"] = published
    return {"sys": sys, "name": "Post", "fields": list(fields)}


def f(field_id: str, omitted: bool = False) -> dict[str, Any]:
    return {"id": field_id, "type": "Symbol", "omitted": omitted}


def test_omitted_published_fields_come_back_at_their_published_place() -> None:
    draft = ct(f("a"), f("c"), f("new"))
    published = ct(f("x", True), f("a"), f("b", True), f("c"))
    assert [x["id"] for x in dropped_fields_restored(draft, published)["fields"]] == ["x", "a", "b", "c", "new"]


def test_a_published_field_not_omitted_was_renamed_not_dropped() -> None:
    draft = ct(f("headline"))
    assert dropped_fields_restored(draft, ct(f("title"))) is draft


def test_only_drafts_ahead_are_read_again() -> None:
    read: list[str] = []

    def read_published(ct_id: str) -> dict[str, Any] | None:
        read.append(ct_id)
        return ct(f("a"), f("gone", True))

    clean, draft_only, ahead = ct(f("a"), version=4), ct(f("a"), published=None), ct(f("a"))
    assert not is_ahead(clean) and not is_ahead(draft_only) and is_ahead(ahead)
    merged = with_pending_deletions([clean, draft_only, ahead], read_published)
    assert merged[:2] == [clean, draft_only] and read == ["post"]
    assert [x["id"] for x in merged[2]["fields"]] == ["a", "gone"]
    assert with_pending_deletions([ahead], lambda _: None) == [ahead]  # no published version (404): as read
