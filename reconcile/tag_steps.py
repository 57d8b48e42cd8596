"""The steps of a plan's two tag phases.

``tags`` (first, so that entries and content types may reference a new tag at once): creates and renames, and
replacements (a visibility change: remove the tag from its entries, delete it, create it again, put it back on
those entries). ``delete_tags``
(last): remove the tag from its entries, then delete it (the API refuses to delete a tag still referenced).
"""

from __future__ import annotations

from collections.abc import Sequence

from reconcile import steps
from reconcile.changes import Change, CreateTag, DeleteTag, ReplaceTag, UpdateTag
from reconcile.kinds import Effects
from reconcile.model import Tag
from reconcile.steps import Step


def create_update_replace(changes: Sequence[Change], where: Effects) -> list[Step]:
    """The steps of the ``tags`` phase; ``where`` links each to its change (:func:`reconcile.kinds.effects`)."""
    made: list[Step] = []
    for change in changes:
        linked = where.get(("tags", change.resource_id), ())
        if isinstance(change, CreateTag):
            made.append(_create(change.after, linked))
        elif isinstance(change, UpdateTag):
            made.append(steps.UpdateTag(resource_id=change.tag_id, tag=change.after, changes=linked,
                                        description=f"rename tag {change.tag_id} to {change.after.name!r}"))
        elif isinstance(change, ReplaceTag):
            made += [*_remove(change.tag_id, linked), _create(change.after, linked), steps.TagEntries(
                resource_id=change.tag_id, changes=linked,
                description=f"put tag {change.tag_id} back on the entries it was removed from")]
    return made


def deletes(changes: Sequence[Change], where: Effects) -> list[Step]:
    """The steps of the ``delete_tags`` phase, linked to their changes by ``where``."""
    made: list[Step] = []
    for change in changes:
        if isinstance(change, DeleteTag):
            made += _remove(change.tag_id, where.get(("delete_tags", change.tag_id), ()))
    return made


def held_after(tags: dict[str, Tag] | None, made: Sequence[Step]) -> dict[str, Tag] | None:
    """The tags an environment holding ``tags`` holds after the steps ``made`` (None stays None without steps)."""
    if not made:
        return tags
    held = dict(tags or {})
    for step in made:
        if isinstance(step, steps.CreateTag | steps.UpdateTag):
            held[step.resource_id] = step.tag
        elif isinstance(step, steps.DeleteTag):
            del held[step.resource_id]
    return held


def _create(tag: Tag, linked: tuple[int, ...]) -> Step:
    return steps.CreateTag(resource_id=tag.id, tag=tag, changes=linked,
                           description=f"create tag {tag.id} ({tag.visibility})")


def _remove(tag_id: str, linked: tuple[int, ...]) -> list[Step]:
    return [
        steps.UntagEntries(resource_id=tag_id, description=f"remove tag {tag_id} from the entries holding it"),
        steps.DeleteTag(resource_id=tag_id, description=f"delete tag {tag_id}", changes=linked),
    ]
