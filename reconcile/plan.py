"""The ``Plan`` value: what an apply will do, in which order, against which live state.

A plan is made by :func:`reconcile.planner.make_plan`, rendered by :mod:`reconcile.render`, saved as
versioned JSON (``--out``) and executed phase by phase by the executor. After every phase the executor
re-reads the environment and compares its fingerprint with that phase's ``expected`` model. The JSON
layout is documented in ``docs/plan-format.md``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field as SchemaField
from pydantic import ValidationError

from reconcile.changes import Change
from reconcile.errors import InputError, Problem
from reconcile.model import (
    ContentModel,
    ContentType,
    EditorInterface,
    Locale,
    ResourceMeta,
    Value,
    is_valid_id,
    lone_surrogate_path,
    printable,
    resource_key,
    shown,
)
from reconcile.normalize import fingerprint

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
        """Read a saved plan; a broken or hand-edited one raises ``InputError`` naming ``source`` and the path.

        Besides the layout, the steps are checked against the plan itself before anything is sent: every id
        that becomes part of a request URL is a valid id, every body matches its step, and every step acts
        on a resource the plan describes (recorded in ``live_meta``, or created by an earlier step).
        """
        unreadable = f"{source} is not a readable plan"
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            problem = Problem(source, "", f"not valid JSON: {exc.msg}", _DAMAGED, exc.lineno, exc.colno)
            raise InputError([problem], summary=unreadable) from None
        except (ValueError, RecursionError) as exc:  # an integer of thousands of digits; nesting too deep
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            raise InputError([Problem(source, "", f"not valid JSON: {reason}", _DAMAGED)], summary=unreadable) from None
        if not isinstance(raw, dict):
            problem = Problem(source, "", f"not a JSON object but {_json_type(raw)}", _REPLAN)
            raise InputError([problem], summary=unreadable)
        version = raw.get("format_version")
        if not isinstance(version, str) or version.split(".")[0] != FORMAT_VERSION.split(".")[0]:
            if "format_version" not in raw:
                message = "format_version is missing"
            elif not isinstance(version, str):
                message = f"format_version must be a string such as {FORMAT_VERSION!r}, not {_json_type(version)}"
            else:
                message = f"unsupported plan format version {version!r} (this tool reads {FORMAT_VERSION})"
            hint = "make the plan again with this version of the tool"
            problem = Problem(source, "format_version", message, hint=hint)
            raise InputError([problem], summary=unreadable)
        surrogate = lone_surrogate_path(raw, text)
        if surrogate is not None:
            problem = Problem(source, surrogate, "holds a lone UTF-16 surrogate (\\ud800-\\udfff), not text", _REPLAN)
            raise InputError([problem], summary=f"{source} is not a valid plan")
        try:
            plan = cls.model_validate(raw)
        except ValidationError as exc:
            problems = [
                Problem(source, ".".join(_short(str(part)) for part in error["loc"]), error["msg"], hint=_REPLAN)
                for error in exc.errors()
            ]
            raise InputError(problems, summary=f"{source} is not a valid plan") from None
        problems = list(_step_problems(plan, source))
        if problems:
            raise InputError(problems, summary=f"{source} is not a valid plan")
        return plan


_REPLAN = "do not edit saved plans; make the plan again"
_DAMAGED = "the file is damaged or not written by `reconcile plan --out FILE`; make the plan again"
# Actions on a content type (resource_id is its id) and what each needs the plan to know already.
_CONTENT_TYPE_ACTIONS = {
    "put_content_type",
    "publish_content_type",
    "unpublish_content_type",
    "delete_content_type",
    "delete_entries",
    "put_editor_interface",
}


def _short(key: str, limit: int = 80) -> str:
    """A key for a message: a hand-made 20 MB key is not echoed back whole, nor a terminal control."""
    return printable(key if len(key) <= limit else f"{key[: limit - 20]}…({len(key)} characters)")


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _step_problems(plan: Plan, source: str) -> Iterator[Problem]:
    """What the executor could not carry out as reviewed: a desired fingerprint the last phase does not reach
    (the apply would be rolled back after all its writes), ids unfit for a request URL, bodies that do not
    match their step, and resources the plan does not describe (the executor would fail at that step, after
    the steps before it were written)."""
    if plan.phases and fingerprint(plan.phases[-1].expected) != plan.desired_fingerprint:
        yield Problem(
            source, "desired_fingerprint", "differs from the fingerprint of the model the last phase reaches", _REPLAN
        )
    for key, meta in plan.live_meta.items():
        if not is_valid_id(meta.sys_id):
            yield Problem(source, f"live_meta.{key}.sys_id", f"sys_id {shown(meta.sys_id)} is not a valid id", _REPLAN)
    known = set(plan.live_meta)
    for p, phase in enumerate(plan.phases):
        for s, step in enumerate(phase.steps):
            where = f"phases.{p}.steps.{s}"
            ident = step.resource_id
            problem = _step_problem(step, known)
            if problem is not None:
                yield Problem(source, where, f"{step.action} {shown(ident)}: {problem}", _REPLAN)
            if step.action == "put_content_type":
                known.add(resource_key("content_type", ident))
            elif step.action == "publish_content_type":  # the first publish creates the editor interface
                known.add(resource_key("editor_interface", ident))
            elif step.action == "create_locale":
                known.add(resource_key("locale", ident))


def _step_problem(step: Step, known: set[str]) -> str | None:
    ident, action = step.resource_id, step.action
    if action in _CONTENT_TYPE_ACTIONS:
        if not is_valid_id(ident):
            return "not a valid content type id (1-64 letters, digits, '-', '_', '.', not only dots)"
        if action == "put_content_type":
            if step.content_type is None or step.content_type.id != ident:
                return "needs the content type with this id as content_type"
            return None
        if action == "put_editor_interface":
            if step.editor_interface is None or step.editor_interface.content_type_id != ident:
                return "needs the editor interface of this content type as editor_interface"
            key = resource_key("editor_interface", ident)
        else:
            key = resource_key("content_type", ident)
    else:
        if action in ("create_locale", "update_locale") and (step.locale is None or step.locale.code != ident):
            return "needs the locale with this code as locale"
        if action == "create_locale":
            return None
        key = resource_key("locale", ident)
    if key not in known:
        return f"the plan does not describe {key} (not in live_meta, not created by an earlier step)"
    return None
