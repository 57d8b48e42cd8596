"""The changes between two environments' tags (``models/tags.toml``): created, renamed, replaced, deleted.

A tag's visibility is fixed at creation (CMA), so a visibility change is a ``ReplaceTag``: the tag is removed
from its entries, deleted, created again and put back on them. Deleting a tag is ``destructive`` (the entries
holding it lose it); replacing one is ``breaking`` (no entry loses it, but the delivery API's view of it changes
and its entries are re-written); the plan counts the entries of both. Renaming is ``safe``.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconcile.changes import Change, CreateTag, DeleteTag, ReplaceTag, UpdateTag, document, leaf_paths, tag_address
from reconcile.model import Tag


def tag_changes(current: Mapping[str, Tag], desired: Mapping[str, Tag]) -> list[Change]:
    """Every change that turns the tags ``current`` into ``desired``, by tag id."""
    changes: list[Change] = []
    for tag_id in sorted(current.keys() | desired.keys()):
        before, after = current.get(tag_id), desired.get(tag_id)
        address = tag_address(tag_id)
        if before is None:
            assert after is not None
            changes.append(CreateTag(address=address, tag_id=tag_id, after=after, impact="safe"))
        elif after is None:
            changes.append(DeleteTag(address=address, tag_id=tag_id, before=before, impact="destructive"))
        elif before != after:
            paths = tuple(leaf_paths(document(before), document(after)))
            if before.visibility != after.visibility:
                changes.append(
                    ReplaceTag(address=address, tag_id=tag_id, before=before, after=after, paths=paths,
                               impact="breaking")
                )
            else:
                changes.append(
                    UpdateTag(address=address, tag_id=tag_id, before=before, after=after, paths=paths, impact="safe")
                )
    return changes
