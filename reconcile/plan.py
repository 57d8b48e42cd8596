"""The ``Plan`` value: what an apply will do, in which order, against which live state.

A plan is made by :func:`reconcile.planner.make_plan`, rendered by :mod:`reconcile.render`, saved as
versioned JSON (``--out``) and executed phase by phase by the executor. After every phase the executor
re-reads the environment and compares its fingerprint with that phase's ``expected`` model. The JSON
layout is documented in ``docs/plan-format.md``.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import Field as SchemaField
from pydantic import ValidationError

from reconcile.changes import Change
from reconcile.errors import InputError, Problem
from reconcile.model import ContentModel, ContentType, EditorInterface, Locale, ResourceMeta, Value

#: Version of the plan JSON layout. The major part changes when an older reader could misread a plan.
FORMAT_VERSION = "1.0"

StepAction = Literal[
    "create_locale",
    "update_locale",
    "delete_locale",
    "put_content_type",
    "publish_content_type",
    "delete_entries",
    "unpublish_content_type",
    "delete_content_type",
    "put_editor_interface",
]


class Step(Value):
    """One API operation. ``resource_id`` is a content-type id or a locale code.

    ``put_content_type`` carries the full body (``content_type``; a field with ``renamed_from`` is
    sent as an API ``newId`` rename), ``put_editor_interface`` the full ``editor_interface``,
    ``create_locale``/``update_locale`` the ``locale``. The other actions need only the id.
    """

    action: StepAction
    resource_id: str
    content_type: ContentType | None = None
    editor_interface: EditorInterface | None = None
    locale: Locale | None = None
    description: str


class Phase(Value):
    """Steps that run together, and the model the environment must hold after them."""

    name: str
    title: str
    steps: tuple[Step, ...]
    expected: ContentModel


class Plan(Value):
    """Changes, the phases that make them, and what the plan was made against."""

    format_version: str = FORMAT_VERSION
    live_fingerprint: str
    desired_fingerprint: str
    changes: tuple[Change, ...] = ()
    phases: tuple[Phase, ...] = ()
    #: Addresses of data-destroying changes not allowed by policy; a blocked plan must not be applied.
    blocked: tuple[str, ...] = ()
    #: Change address -> number of entries holding data there (destructive changes only).
    entry_counts: dict[str, int] = SchemaField(default_factory=dict)
    #: ``resource_key`` -> live meta of every resource the plan writes (versions, sys ids).
    live_meta: dict[str, ResourceMeta] = SchemaField(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.phases

    @property
    def has_destructive(self) -> bool:
        return any(change.impact == "destructive" for change in self.changes)

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocked)

    def to_json(self) -> str:
        """The versioned JSON form (stable: same plan, same bytes)."""
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str) -> Plan:
        """Read a saved plan; a broken or hand-edited one raises ``InputError`` naming ``source`` and the path."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            problem = Problem(source, "", f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)
            raise InputError([problem], summary=f"{source} is not a readable plan") from None
        version = raw.get("format_version") if isinstance(raw, dict) else None
        if not isinstance(version, str) or version.split(".")[0] != FORMAT_VERSION.split(".")[0]:
            problem = Problem(
                source,
                "format_version",
                f"unsupported plan format version {version!r} (this tool reads {FORMAT_VERSION})",
                hint="make the plan again with this version of the tool",
            )
            raise InputError([problem], summary=f"{source} is not a readable plan")
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            problems = [
                Problem(
                    source,
                    ".".join(str(part) for part in error["loc"]),
                    error["msg"],
                    hint="do not edit saved plans; make the plan again",
                )
                for error in exc.errors()
            ]
            raise InputError(problems, summary=f"{source} is not a valid plan") from None
