"""The ``Plan`` value: what an apply will do, in which order, against which live state.

A plan is made by :func:`reconcile.planner.make_plan`, rendered by :mod:`reconcile.render`, saved as
versioned JSON (``--out``) and executed phase by phase by the executor. After every phase the executor
re-reads the environment and compares its fingerprint with that phase's ``expected`` model. Its steps are
the values of :mod:`reconcile.steps`; each lists the changes it carries out. The JSON layout is
documented in ``docs/plan-format.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeVar, assert_never

from pydantic import Field as SchemaField
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from reconcile import steps
from reconcile.changes import Change
from reconcile.errors import InputError, Problem
from reconcile.kinds import PhaseName, effects
from reconcile.model import (
    ContentModel,
    OmitsEmpty,
    ResourceMeta,
    Value,
    is_valid_id,
    lone_surrogate_path,
    printable,
    resource_key,
    shown,
)
from reconcile.normalize import fingerprint
from reconcile.plan_text import json_pieces
from reconcile.plan_values import ExpectedValues, phase_models, shares_values, short_key
from reconcile.steps import Step
from reconcile.wording import count

#: Version of the plan JSON layout. The major part changes when an older reader could misread a plan, the
#: minor part when keys are added (1.1: ``changes`` on every step; 1.2: ``target``, ``space_id``,
#: ``environment_id``; 1.3: ``narrowed``, ``alias``, ``warnings``, the ``put_entry`` step and the
#: ``ConvertField`` change, tag changes and steps, ``tags`` in expected models; 1.4: ``entries_read``, the
#: ``write_entries`` step; 1.5: ``expected_values``, each distinct value of the phases' expected models once,
#: :mod:`reconcile.plan_values`). Every 1.x plan is read.
FORMAT_VERSION = "1.5"
#: The first version: its steps have no ``changes``, reading such a plan links them (see ``_linked``).
_FIRST_VERSION = "1.0"


class Phase(Value):
    """Steps that run together, and the model the environment must hold after them."""

    name: PhaseName
    title: str
    steps: tuple[Step, ...]
    expected: ContentModel


class Plan(OmitsEmpty):
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
    #: The target, space and environment the plan was made against (since 1.2; None in older plans and in
    #: plans not made for a target, e.g. a rollback's). ``apply PLAN_FILE`` refuses any other.
    target: str | None = None
    space_id: str | None = None
    environment_id: str | None = None
    #: The content type ids a narrowed plan (``--content-type``) is limited to (since 1.3); empty: not narrowed.
    narrowed: tuple[str, ...] = ()
    #: The environment alias the plan was made through (since 1.3): ``environment_id`` is then the
    #: environment it pointed at, and ``apply PLAN_FILE`` refuses the plan once the alias has moved.
    alias: str | None = None
    #: What the reviewer should know that the plan does not change (since 1.3; e.g. an app widget whose app is
    #: not installed, a link to a content type no file declares). Left out of the JSON when there is none.
    warnings: tuple[str, ...] = ()
    #: Per content type whose entries the plan's fills or conversions read, the digest over (entry id,
    #: version) of every entry read (since 1.4; :mod:`reconcile.entry_digest`): apply refuses the plan as
    #: stale when it differs. Left out of the JSON when there is none.
    entries_read: dict[str, str] = SchemaField(default_factory=dict)

    OMIT_WHEN_EMPTY: ClassVar[tuple[str, ...]] = ("warnings", "entries_read")

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.phases

    @property
    def has_destructive(self) -> bool:
        return any(change.impact == "destructive" for change in self.changes)

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocked)

    @property
    def where(self) -> str | None:
        """``target 'dev' (space S, environment E)``, or None for a plan that records no target."""
        if self.target is None:
            return None
        space, environment = printable(self.space_id or "?"), printable(self.environment_id or "?")
        via = f" through alias {printable(self.alias)}" if self.alias else ""
        return f"target '{printable(self.target)}' (space {space}, environment {environment}{via})"

    def bound(self, target: str, space_id: str | None, environment_id: str | None, alias: str | None = None) -> Plan:
        """This plan, recording the target, space and environment (and alias) it is made against."""
        return self.model_copy(update={"target": target, "space_id": space_id, "environment_id": environment_id,
                                       "alias": alias})

    def changes_in(self, phase: Phase) -> list[Change]:
        """The changes that take effect with ``phase``'s steps, in plan order."""
        return [self.changes[i] for i in sorted({i for step in phase.steps for i in step.changes})]

    def to_json(self) -> str:
        """The versioned JSON form (stable: same plan, same bytes): pydantic's ``model_dump_json(indent=2)`` and a
        newline, each distinct value of the phases' expected models stored once in ``expected_values`` (format 1.5,
        :mod:`reconcile.plan_values`; :mod:`reconcile.plan_text` writes it, ``json_pieces`` a piece at a time)."""
        return "".join(json_pieces(self))

    @classmethod
    def from_json(cls, text: str, source: str, fingerprint_of: Callable[[ContentModel], str] = fingerprint) -> Plan:
        """Read a saved plan; a broken or hand-edited one raises ``InputError`` naming ``source`` and the path.

        Besides the layout, the steps are checked against the plan itself before anything is sent: every id
        that becomes part of a request URL is a valid id, every body matches its step, every step acts on a
        resource the plan describes (recorded in ``live_meta``, or created by an earlier step) and links to
        changes of the plan. The steps of a 1.0 plan are linked to their changes as the planner links them.
        The expected models of a 1.5 plan are built from ``expected_values``, each stored value once and shared.
        ``fingerprint_of``: ``normalize.fingerprint``, or a caller's run's (``Interner.fingerprint``) to share its
        normalisations with what the caller fingerprints next (the live state a saved plan is applied to).
        """
        raw = _json_object(text, source)
        surrogate = lone_surrogate_path(raw, text)
        if surrogate is not None:
            problem = Problem(source, surrogate, "holds a lone UTF-16 surrogate (\\ud800-\\udfff), not text", _REPLAN)
            raise InputError([problem], summary=f"{source} is not a valid plan")
        models = _shared_models(raw, source) if shares_values(raw["format_version"]) else None
        plan = _validated(cls, raw, source, "")
        if models is not None:
            shared = zip(plan.phases, models, strict=True)
            phases = tuple(phase.model_copy(update={"expected": model}) for phase, model in shared)
            plan = plan.model_copy(update={"phases": phases})
        problems = list(_step_problems(plan, source, fingerprint_of))
        if problems:
            raise InputError(problems, summary=f"{source} is not a valid plan")
        return _linked(plan) if plan.format_version == _FIRST_VERSION else plan


_V = TypeVar("_V", bound=Value)
_REPLAN = "do not edit saved plans; make the plan again"
_DAMAGED = "the file is damaged or not written by `reconcile plan --out FILE`; make the plan again"


def _json_object(text: str, source: str) -> dict[str, Any]:
    """The JSON object of a saved plan whose major format version this tool reads."""
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
            message = f"format_version must be a string such as {_FIRST_VERSION!r}, not {_json_type(version)}"
        else:
            message = f"unsupported plan format version {version!r} (this tool reads {FORMAT_VERSION})"
        hint = "make the plan again with this version of the tool"
        raise InputError([Problem(source, "format_version", message, hint=hint)], summary=unreadable)
    return raw


def _validated(cls: type[_V], raw: Any, source: str, prefix: str) -> _V:
    """``raw`` as a ``cls``; a value of the wrong layout raises ``InputError`` naming ``source`` and the key path."""
    try:
        return cls.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path, message = _located(error)
            problems.append(Problem(source, prefix + path if path else prefix.rstrip("."), message, hint=_REPLAN))
        raise InputError(problems, summary=f"{source} is not a valid plan") from None


def _shared_models(raw: dict[str, Any], source: str) -> list[ContentModel]:
    """The expected models of a 1.5 plan's phases (``plan_values``), each stored value built once; ``raw`` is left
    with the references taken out, for validating the rest."""
    table = _validated(ExpectedValues, raw.pop("expected_values", {}), source, "expected_values.")
    models, problems = phase_models(raw.get("phases"), table, source, _REPLAN)
    if problems:
        raise InputError(problems, summary=f"{source} is not a valid plan")
    return models


def _located(error: ErrorDetails) -> tuple[str, str]:
    """The key path and message of a validation error; an unknown or missing ``action``/``kind`` is reported
    at that key."""
    path = [short_key(str(part)) for part in error["loc"]]
    message = error["msg"]
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        context = error.get("ctx", {})
        path.append(str(context.get("discriminator", "")).strip("'"))
        tags = context.get("expected_tags")
        message = f"Input should be one of {tags}" if tags is not None else "Field required"
    return ".".join(path), message


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _linked(plan: Plan) -> Plan:
    """``plan`` with every step linked to the changes taking effect with it (for plans that predate links)."""
    where = effects(plan.changes)
    phases = tuple(
        phase.model_copy(
            update={
                "steps": tuple(
                    step.model_copy(update={"changes": where.get((phase.name, step.resource_id), ())})
                    for step in phase.steps
                )
            }
        )
        for phase in plan.phases
    )
    return plan.model_copy(update={"phases": phases})


def _step_problems(plan: Plan, source: str, fingerprint_of: Callable[[ContentModel], str]) -> Iterator[Problem]:
    """What the executor could not carry out as reviewed: a desired fingerprint the last phase does not reach
    (the apply would be rolled back after all its writes), ids unfit for a request URL, bodies that do not
    match their step, resources the plan does not describe (the executor would fail at that step, after
    the steps before it were written), and links to changes the plan does not have."""
    if plan.phases and fingerprint_of(plan.phases[-1].expected) != plan.desired_fingerprint:
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
            problem = _step_problem(step, known)
            if problem is not None:
                yield Problem(source, where, f"{step.action} {shown(step.resource_id)}: {problem}", _REPLAN)
            unknown = [index for index in step.changes if index >= len(plan.changes)]
            if unknown:
                message = f"links to changes {unknown}, but the plan has {count(len(plan.changes), 'change')}"
                yield Problem(source, f"{where}.changes", message, _REPLAN)
            known.update(_created(step))


def _created(step: Step) -> list[str]:
    """The resources ``step`` creates, which later steps may act on."""
    if isinstance(step, steps.PutContentType):
        return [resource_key("content_type", step.resource_id)]
    if isinstance(step, steps.PublishContentType):  # the first publish creates the editor interface
        return [resource_key("editor_interface", step.resource_id)]
    if isinstance(step, steps.CreateLocale):
        return [resource_key("locale", step.resource_id)]
    if isinstance(step, steps.CreateTag):
        return [resource_key("tag", step.resource_id)]
    return []


def _step_problem(step: Step, known: set[str]) -> str | None:
    match step:
        case steps.CreateLocale() | steps.UpdateLocale() if step.locale.code != step.resource_id:
            return "needs the locale with this code as locale"
        case steps.CreateLocale():
            return None
        case steps.UpdateLocale() | steps.DeleteLocale():
            required = resource_key("locale", step.resource_id)
        case _ if not is_valid_id(step.resource_id):  # every other step puts a content-type or tag id in its URL
            return "not a valid content type id (1-64 letters, digits, '-', '_', '.', not only dots)"
        case steps.PutEntry() if not is_valid_id(step.content_type_id):
            return "not a valid content type id in content_type_id"
        case steps.PutEntry():
            required = resource_key("content_type", step.content_type_id)
        case steps.PutContentType() if step.content_type.id != step.resource_id:
            return "needs the content type with this id as content_type"
        case steps.PutContentType():
            return None
        case steps.PutEditorInterface():
            if step.editor_interface.content_type_id != step.resource_id:
                return "needs the editor interface of this content type as editor_interface"
            required = resource_key("editor_interface", step.resource_id)
        case (
            steps.PublishContentType()
            | steps.UnpublishContentType()
            | steps.DeleteContentType()
            | steps.DeleteEntries()
            | steps.WriteEntries()
        ):
            required = resource_key("content_type", step.resource_id)
        case steps.CreateTag() | steps.UpdateTag() if step.tag.id != step.resource_id:
            return "needs the tag with this id as tag"
        case steps.CreateTag() | steps.UntagEntries():
            return None
        case steps.UpdateTag() | steps.DeleteTag() | steps.TagEntries():
            required = resource_key("tag", step.resource_id)
        case _:
            assert_never(step)
    if required not in known:
        return f"the plan does not describe {required} (not in live_meta, not created by an earlier step)"
    return None
