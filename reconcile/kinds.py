"""The phases of a plan, and the one table of change kinds: where each takes effect, its label, its symbol.

Every member of the :data:`reconcile.changes.Change` union has a row in :data:`KINDS` (a test derives
the members from the union and fails when one is missing). The planner links each step to the changes
that take effect with it from this table (:func:`effects`); the renderers take labels and symbols from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from reconcile import changes
from reconcile.changes import Change

PhaseName = Literal[
    "tags",
    "locales",
    "content_types",
    "convert_entries",
    "omit_fields",
    "remove_fields",
    "editor_interfaces",
    "delete_content_types",
    "delete_locales",
    "delete_tags",
]

#: Phase names and titles, in execution order.
PHASES: Mapping[PhaseName, str] = {
    # Tags first: entries and content types may reference them; a replaced tag is re-created here too.
    "tags": "Create, update and replace tags",
    "locales": "Create and update locales",
    "content_types": "Create, update and publish content types",
    "convert_entries": "Write converted values into the entries",
    "omit_fields": "Omit fields that will be removed, and publish",
    "remove_fields": "Remove fields, and publish",
    "editor_interfaces": "Update editor interfaces",
    "delete_content_types": "Unpublish and delete content types",
    "delete_locales": "Delete locales",
    "delete_tags": "Remove tags from entries and delete them",
}

#: ``+`` create, ``~`` update in place, ``-`` destroy, ``-/+`` destroy and re-create.
Symbol = Literal["+", "~", "-", "-/+"]


@dataclass(frozen=True)
class Kind:
    """What one kind of change means in a plan."""

    #: The phase in which a change of this kind takes effect.
    phase: PhaseName
    #: A short human name: ``"remove field"``.
    label: str
    symbol: Symbol


KINDS: Mapping[type[Change], Kind] = {
    changes.CreateLocale: Kind("locales", "create locale", "+"),
    changes.UpdateLocale: Kind("locales", "update locale", "~"),
    changes.CreateContentType: Kind("content_types", "create content type", "+"),
    changes.UpdateContentType: Kind("content_types", "update content type", "~"),
    changes.PublishContentType: Kind("content_types", "publish live draft", "~"),
    changes.AddField: Kind("content_types", "add field", "+"),
    changes.ModifyField: Kind("content_types", "modify field", "~"),
    changes.RenameField: Kind("content_types", "rename field", "~"),
    changes.MoveField: Kind("content_types", "move field", "~"),
    changes.OmitField: Kind("content_types", "omit field", "~"),
    changes.RemoveField: Kind("remove_fields", "remove field", "-"),
    changes.ReplaceField: Kind("remove_fields", "replace field (type change)", "-/+"),
    changes.ConvertField: Kind("remove_fields", "convert field (type change)", "~"),
    changes.UpdateEditorInterface: Kind("editor_interfaces", "update editor interface", "~"),
    changes.DeleteContentType: Kind("delete_content_types", "delete content type", "-"),
    changes.DeleteLocale: Kind("delete_locales", "delete locale", "-"),
    changes.CreateTag: Kind("tags", "create tag", "+"),
    changes.UpdateTag: Kind("tags", "update tag", "~"),
    changes.ReplaceTag: Kind("tags", "replace tag (visibility change)", "-/+"),
    changes.DeleteTag: Kind("delete_tags", "delete tag", "-"),
}


def kind_of(change: Change) -> Kind:
    """The row of ``change``'s kind."""
    return KINDS[type(change)]


#: ``(phase, resource id)`` -> indices of the changes taking effect there (see :func:`effects`).
Effects = Mapping[tuple[PhaseName, str], tuple[int, ...]]


def effects(in_order: Iterable[Change]) -> Effects:
    """Where each change takes effect: its phase, and the content type or locale its steps act on.

    A step of that phase on that resource carries the change out; the indices are positions in ``in_order``.
    """
    found: dict[tuple[PhaseName, str], list[int]] = {}
    for index, change in enumerate(in_order):
        found.setdefault((kind_of(change).phase, change.resource_id), []).append(index)
    return {key: tuple(indices) for key, indices in found.items()}
