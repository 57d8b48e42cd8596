"""The phases of a plan, and the one table of change kinds: where each takes effect, its label, its symbol.

Every member of the :data:`reconcile.changes.Change` union has a row in :data:`KINDS` (a test derives
the members from the union and fails when one is missing). The planner links each step to the changes
that take effect with it from this table (:func:`effects`); the renderers take labels and symbols from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from reconcile.changes import (
    AddField,
    Change,
    CreateContentType,
    CreateLocale,
    DeleteContentType,
    DeleteLocale,
    ModifyField,
    MoveField,
    OmitField,
    PublishContentType,
    RemoveField,
    RenameField,
    ReplaceField,
    UpdateContentType,
    UpdateEditorInterface,
    UpdateLocale,
)

PhaseName = Literal[
    "locales",
    "content_types",
    "omit_fields",
    "remove_fields",
    "editor_interfaces",
    "delete_content_types",
    "delete_locales",
]

#: Phase names and titles, in execution order.
PHASES: Mapping[PhaseName, str] = {
    "locales": "Create and update locales",
    "content_types": "Create, update and publish content types",
    "omit_fields": "Omit fields that will be removed, and publish",
    "remove_fields": "Remove fields, and publish",
    "editor_interfaces": "Update editor interfaces",
    "delete_content_types": "Unpublish and delete content types",
    "delete_locales": "Delete locales",
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
    CreateLocale: Kind("locales", "create locale", "+"),
    UpdateLocale: Kind("locales", "update locale", "~"),
    CreateContentType: Kind("content_types", "create content type", "+"),
    UpdateContentType: Kind("content_types", "update content type", "~"),
    PublishContentType: Kind("content_types", "publish live draft", "~"),
    AddField: Kind("content_types", "add field", "+"),
    ModifyField: Kind("content_types", "modify field", "~"),
    RenameField: Kind("content_types", "rename field", "~"),
    MoveField: Kind("content_types", "move field", "~"),
    OmitField: Kind("content_types", "omit field", "~"),
    RemoveField: Kind("remove_fields", "remove field", "-"),
    ReplaceField: Kind("remove_fields", "replace field (type change)", "-/+"),
    UpdateEditorInterface: Kind("editor_interfaces", "update editor interface", "~"),
    DeleteContentType: Kind("delete_content_types", "delete content type", "-"),
    DeleteLocale: Kind("delete_locales", "delete locale", "-"),
}


def kind_of(change: Change) -> Kind:
    """The row of ``change``'s kind."""
    return KINDS[type(change)]


#: ``(phase, resource id)`` -> indices of the changes taking effect there (see :func:`effects`).
Effects = Mapping[tuple[PhaseName, str], tuple[int, ...]]


def effects(changes: Iterable[Change]) -> Effects:
    """Where each change takes effect: its phase, and the content type or locale its steps act on.

    A step of that phase on that resource carries the change out; the indices are positions in ``changes``.
    """
    found: dict[tuple[PhaseName, str], list[int]] = {}
    for index, change in enumerate(changes):
        found.setdefault((kind_of(change).phase, change.resource_id), []).append(index)
    return {key: tuple(indices) for key, indices in found.items()}
