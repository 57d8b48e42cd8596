"""Ownership scope: which content types (and whether the locales) of a space this project manages.

A team's space holds content types other owners keep (an app's settings, another pipeline's types). The
``[scope]`` table of ``reconcile.toml`` (a target may override it: ``[targets.NAME.scope]``, each key given
there replaces the global key, a key not given keeps it) names them::

    [scope]
    content_types = ["*"]     # fnmatch patterns of the content type ids this project manages
    ignore = ["appSettings"]  # never planned, written, pulled, counted as drift or deleted
    locales = true            # false: locales are read (for validation) but never changed

A content type out of scope is invisible to every command: the backend drops it from what it reads
(``Backend.read_raw``), so it is never diffed, deleted, snapshotted, pulled or reported as drift; a snapshot
read back is filtered the same way. Validation may still name it as a link target. ``narrowed`` is the
``--content-type`` narrowing of one run (Terraform's ``-target``).

Pure: no I/O. Its place among the layers: docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, StrictBool, StringConstraints

from reconcile.addresses import parse_address
from reconcile.errors import Problem, ReconcileError
from reconcile.model import ContentModel, shown
from reconcile.sources import DeclaredModel

_Pattern = Annotated[str, StringConstraints(min_length=1)]
_Value = TypeVar("_Value")


class ScopeSettings(BaseModel):
    """The ``[scope]`` table as written: a key left out (None) is inherited (target) or defaulted (global)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    content_types: tuple[_Pattern, ...] | None = None
    ignore: tuple[_Pattern, ...] | None = None
    locales: StrictBool | None = None

    def resolve(self, override: ScopeSettings | None = None) -> Scope:
        """The scope with ``override``'s keys (a target's table) replacing these, key by key."""
        keys = {**self.model_dump(exclude_none=True), **(override.model_dump(exclude_none=True) if override else {})}
        return Scope(**keys)


class Scope(BaseModel):
    """The resolved scope of one target."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    content_types: tuple[str, ...] = ("*",)
    ignore: tuple[str, ...] = ()
    locales: bool = True

    def manages(self, ct_id: str) -> bool:
        """Whether content type ``ct_id`` is in scope: matched by ``content_types``, not by ``ignore``."""
        return self.excluded_by(ct_id) is None

    def excluded_by(self, ct_id: str) -> str | None:
        """Why ``ct_id`` is out of scope (the pattern, in words), or None when it is in scope."""
        ignored = next((p for p in self.ignore if fnmatchcase(ct_id, p)), None)
        if ignored is not None:
            return f"it matches the ignore pattern {shown(ignored)}"
        if not self.content_types:
            return "content_types is empty: no content type is in scope"
        if not any(fnmatchcase(ct_id, p) for p in self.content_types):
            return "it matches none of the content_types patterns " + ", ".join(map(shown, self.content_types))
        return None

    def refuse_outside(self, ct_id: str) -> None:
        """Refuse a ``--content-type`` out of scope: the project never reads nor writes it."""
        reason = self.excluded_by(ct_id)
        if reason is not None:
            raise ReconcileError(
                f"--content-type {shown(ct_id)} is out of scope: {reason}",
                hint="name a content type this project manages, or change [scope] in reconcile.toml",
            )

    def model(self, model: ContentModel) -> ContentModel:
        """``model`` without the content types out of scope and their editor interfaces."""
        if self.content_types == ("*",) and not self.ignore:
            return model
        return model.model_copy(update={
            "content_types": {i: ct for i, ct in model.content_types.items() if self.manages(i)},
            "editor_interfaces": {i: ei for i, ei in model.editor_interfaces.items() if self.manages(i)},
        })

    def desired(self, desired: ContentModel, live: ContentModel, narrowed: Iterable[str] = ()) -> ContentModel:
        """What to converge ``live`` to: ``desired`` within scope, with the live locales where the project
        does not manage them, and only the ``narrowed`` content types changed when there are any."""
        wanted = self.model(desired)
        if not self.locales:
            wanted = wanted.model_copy(update={"locales": live.locales})
        only = set(narrowed)
        if only:  # like Terraform's -target: nothing else changes, not even the locales or the tags
            wanted = _narrowed(wanted.model_copy(update={"locales": live.locales, "tags": live.tags}),
                               self.model(live), only)
        return wanted


#: The default scope: every content type, and the locales.
ALL = Scope()


def _narrowed(wanted: ContentModel, live: ContentModel, only: set[str]) -> ContentModel:
    """``live``'s content types, except those in ``only``, which are ``wanted``'s (absent: deleted)."""
    def pick(mine: dict[str, _Value], theirs: dict[str, _Value]) -> dict[str, _Value]:
        kept = {ident: value for ident, value in mine.items() if ident not in only}
        return kept | {ident: value for ident, value in theirs.items() if ident in only}

    return wanted.model_copy(update={"content_types": pick(live.content_types, wanted.content_types),
                                     "editor_interfaces": pick(live.editor_interfaces, wanted.editor_interfaces)})


def check_narrowing(scope: Scope, narrowed: Iterable[str], desired: ContentModel, live: ContentModel) -> None:
    """Refuse a ``--content-type`` that is out of scope, or neither declared nor live."""
    for ct_id in narrowed:
        scope.refuse_outside(ct_id)
        if ct_id not in desired.content_types and ct_id not in live.content_types:
            raise ReconcileError(
                f"--content-type {shown(ct_id)} is neither declared in the models nor live in the target",
                hint="check the id (ids are case-sensitive): `reconcile plan` without --content-type shows them all",
            )


def check_plan_in_scope(scope: Scope, addresses: Iterable[str], source: str, target: str) -> None:
    """Refuse a saved plan that changes something out of ``scope`` (made before the scope, or for another
    target's): applying it would touch what the project does not own."""
    for address in addresses:
        at = parse_address(address)
        reason = ("[scope] locales = false" if not scope.locales else None) if at.kind == "locale" \
            else scope.excluded_by(at.ident)
        if reason is not None:
            raise ReconcileError(
                f"plan {source} changes {address}, which is out of the scope of target '{target}' ({reason}); "
                "nothing was applied",
                hint=f"make the plan again: `reconcile plan --target {target} --out FILE`",
            )


def scope_problems(declared: DeclaredModel, scope: Scope, config_file: str) -> list[Problem]:
    """A problem for each declared content type out of ``scope``: a file the project would never apply."""
    problems = []
    for ct_id in sorted(declared.model.content_types):
        reason = scope.excluded_by(ct_id)
        if reason is None:
            continue
        source = declared.sources.get(f"content_types.{ct_id}")
        file = source.file if source is not None else Path(f"content_types/{ct_id}.toml")
        line = source.line if source is not None else None
        problems.append(out_of_scope_problem(ct_id, reason, file, config_file, line))
    return problems


def out_of_scope_problem(ct_id: str, reason: str, file: Path, config_file: str, line: int | None) -> Problem:
    """The problem of the file of content type ``ct_id``, left out of the scope for ``reason`` (``excluded_by``)."""
    return Problem(
        str(file), "id", f"content type {shown(ct_id)} is out of scope: {reason} ([scope] in {config_file})",
        f"delete the file if another owner manages {shown(ct_id)}, or bring it into scope in {config_file}", line,
    )
