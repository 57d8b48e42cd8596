"""``reconcile release`` and ``reconcile release rollback``: releases through an environment alias.

release: (1) plan against the environment the alias points at — no changes, stop; (2) clone it into a
new release environment, polled until ready; (3) the full safe apply there (snapshot, phases,
verification) and an empty re-plan; (4) the old environment must not have changed since the clone;
(5) switch the alias with its version; (6) verify through the alias (else switch back); (7) prune
release environments beyond ``keep``. Each step is journalled (``releasing.ReleaseRun``). Before the
switch, a failure leaves the alias alone and deletes the release environment (``keep_failed`` keeps it;
a refused switch because the old environment changed keeps it for inspection). docs/releases.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reconcile.backend import AliasState, Backend, EnvironmentInfo, SpaceEnvironments
from reconcile.clock import SYSTEM_CLOCK, Clock
from reconcile.config import TargetConfig
from reconcile.errors import ApiError, ReconcileError
from reconcile.interrupts import RunSignals
from reconcile.journal import Journal, Record
from reconcile.model import ContentModel
from reconcile.plan import Plan
from reconcile.progress import Note, Progress, silent
from reconcile.targets import OpenTarget, open_target
from reconcile.wording import count
from reconcile.workflows.apply import ApplyOutcome, apply_planned
from reconcile.workflows.metadata import metadata
from reconcile.workflows.planning import plan_against, refuse_blocked
from reconcile.workflows.project import Project, locked, unfinished_warnings, validate_models
from reconcile.workflows.releasing import (
    Baseline,
    ReleaseRun,
    baseline,
    beyond_keep,
    changes_since,
    clone_timeout,
    is_quota_refusal,
    release_environments,
    release_journal_path,
    release_name,
    unfinished_release,
)
from reconcile.workflows.rollback_choice import previous_environment, refuse_an_alias, served


@dataclass
class ReleaseOutcome:
    plan: Plan
    alias: str
    old_environment: str
    release_environment: str | None = None
    pruned: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    declined: bool = False


@dataclass
class RollbackOutcome:
    alias: str
    from_environment: str
    to_environment: str


def alias_of(target: TargetConfig) -> str:
    if target.alias is None:
        raise ReconcileError(
            f"target '{target.name}' names no environment alias; releases go through one",
            hint=f'under [targets.{target.name}] in reconcile.toml, set alias = "master" instead of environment',
        )
    return target.alias


@dataclass
class _Release:
    """One release in progress: where it stands, so each step and the clean-up can read it."""

    project: Project
    target: TargetConfig
    opened: OpenTarget
    desired: ContentModel
    allow_destroy: bool
    run: ReleaseRun
    signals: RunSignals
    alias: AliasState
    before: Baseline
    keep_failed: bool = False
    env_id: str = ""

    @property
    def space(self) -> SpaceEnvironments:
        return SpaceEnvironments(self.opened.backend)

    def backend(self, env_id: str) -> Backend:
        return self.opened.backend.for_environment(env_id)


def release(
    project: Project,
    target_name: str | None,
    *,
    allow_destroy: bool = False,
    keep_failed: bool = False,
    confirm: Callable[[Plan], bool],
    progress: Progress = silent,
    clock: Clock = SYSTEM_CLOCK,
) -> ReleaseOutcome:
    """Release the models through the target's alias (the seven steps above)."""
    target = project.config.target(target_name)
    alias_id = alias_of(target)
    desired = validate_models(project).model
    warnings = unfinished_warnings(project, target)
    warnings += [w for w in [unfinished_release(project.store, target.name)] if w]
    with locked(project, target, "release") as signals, open_target(target) as opened:
        signals.stop_note = ("the release stops before switching the alias (the release environment is deleted "
                             "unless --keep-failed) or, if the switch is under way, once it is verified.")  # fmt: skip
        signals.stops_after_writes = True
        space = SpaceEnvironments(opened.backend)
        alias = space.alias(alias_id)
        planned = plan_against(opened.backend.for_environment(alias.environment), desired, target, allow_destroy)
        plan = planned.plan.bound(target.name, opened.space_id, alias.environment, alias_id)
        outcome = ReleaseOutcome(plan, alias_id, alias.environment, warnings=warnings)
        if not confirm(plan):
            outcome.declined = True
            return outcome
        refuse_blocked(plan)
        if plan.is_empty:
            return outcome
        before = baseline(space, opened.backend, alias.environment)
        run = ReleaseRun(project.store, target.name, "release", progress, clock)
        run.step("plan", "ok", alias.environment,
                 f"{count(len(plan.changes), 'change')} against {alias.environment} (alias '{alias_id}')")
        state = _Release(project, target, opened, desired, allow_destroy, run, signals, alias, before, keep_failed)
        _before_switch(state, len(planned.live.model.content_types))
        outcome.release_environment = state.env_id
        _switch(state)
        _verify_through_alias(state)
        outcome.pruned = _prune(state)  # a signal after the switch: no pruning
        run.finish("complete")
        if signals.interrupted:
            raise _interrupted(state, "after the switch")
        return outcome


def _before_switch(state: _Release, content_types: int) -> None:
    """Steps 2-4; on failure the alias is untouched and the release environment deleted (or kept)."""
    keep_for_inspection = False
    try:
        _clone(state, content_types)
        _apply_there(state)
        changed = changes_since(state.space, state.backend(state.alias.environment), state.alias.environment,
                                state.before)  # fmt: skip
        if changed:
            keep_for_inspection = True
            raise ReconcileError(
                f"environment {state.alias.environment} changed since it was cloned ({', '.join(changed)}); "
                f"the alias '{state.alias.alias}' was not switched",
                hint=f"release environment {state.env_id} is kept for inspection; run the release again to "
                "include the new changes (and delete it when done)",
            )
        state.run.step("check old", "ok", state.alias.environment, "unchanged since the clone")
        if state.signals.interrupted:  # a signal after the apply: no switch
            raise _interrupted(state, "before the switch")
    except (ReconcileError, KeyboardInterrupt) as caught:  # Ctrl-C while nothing is written yet: the same
        error = caught if isinstance(caught, ReconcileError) else _interrupted(state, "before the switch")
        with state.signals.shielded():  # the clean-up and the journal's finish are not cut by a second signal
            state.run.step("before switch", "refused" if keep_for_inspection else "failed", state.env_id or None,
                           error.message)  # fmt: skip
            _clean_up(state, state.keep_failed or keep_for_inspection)
            state.run.finish("failed")
        raise error from None


def _interrupted(state: _Release, when: str) -> ReconcileError:
    where = (
        f"alias '{state.alias.alias}' points at {state.env_id}, verified"
        if when == "after the switch"
        else f"alias '{state.alias.alias}' was not switched"
    )
    return ReconcileError(f"the release was interrupted ({state.signals.reason()}) {when}; {where}",
                          hint="nothing to undo; run the release again when ready")  # fmt: skip


def _clean_up(state: _Release, keep: bool) -> None:
    if not state.env_id:
        return
    if keep:
        state.run.step("clean up", "ok", state.env_id, f"release environment {state.env_id} kept")
        return
    try:
        state.space.delete_environment(state.env_id)
        state.run.step("clean up", "ok", state.env_id, f"release environment {state.env_id} deleted")
    except ApiError as error:
        state.run.step("clean up", "failed", state.env_id, f"could not delete {state.env_id}: {error.message}")


def _clone(state: _Release, content_types: int) -> None:
    """Step 2: clone the aliased environment; when the quota is full, delete the oldest release environment
    beyond ``keep`` and try once more, or say which one to delete."""
    envs = state.space.environments()
    state.env_id = release_name(state.target.release_prefix, state.run.clock, {e.id for e in envs})
    source, space = state.alias.environment, state.space
    try:
        space.clone_environment(state.env_id, source)
    except ApiError as error:
        if not is_quota_refusal(error):
            state.env_id = ""
            raise
        spare = beyond_keep(envs, state.target.release_prefix, state.target.keep, {source})
        if not spare:
            state.env_id = ""
            raise _quota_full(state, envs) from None
        space.delete_environment(spare[0].id)
        state.run.step("quota", "ok", spare[0].id, f"quota full: deleted {spare[0].id}, the oldest beyond keep")
        space.clone_environment(state.env_id, source)
    space.wait_until_ready(state.env_id, clone_timeout(state.before.entries, content_types), state.run.clock)
    state.run.step("clone", "ok", state.env_id, f"{source} cloned into {state.env_id}")


def _quota_full(state: _Release, envs: list[EnvironmentInfo]) -> ReconcileError:
    older = release_environments(envs, state.target.release_prefix, {state.alias.environment})
    name = f"the oldest release environment, {older[-1].id}" if older else "an environment you no longer need"
    return ReconcileError(
        f"the space's environment quota is full: cannot clone {state.alias.environment} into a release environment",
        hint=f"delete {name} (or lower keep under [targets.{state.target.name}]), then release again",
    )


def _apply_there(state: _Release) -> None:
    """Step 3: the full safe apply in the release environment, then an empty re-plan there."""
    backend = state.backend(state.env_id)
    planned = plan_against(backend, state.desired, state.target, state.allow_destroy)
    planned.plan = planned.plan.bound(state.target.name, state.opened.space_id, state.env_id)
    recorded = {**metadata(state.opened, planned.live, planned.plan, state.project),
                "environment": state.env_id, "release": state.run.run_id}  # fmt: skip
    applied = apply_planned(backend, state.project.store, state.target.name, planned, recorded,
                            ApplyOutcome(planned.plan), progress=state.run.progress, no_rollback=True,
                            clock=state.run.clock, signals=state.signals)  # fmt: skip
    report = applied.report
    if report is not None and report.interrupted:
        raise _interrupted(state, "before the switch")
    if report is not None and not report.ok:
        failed = report.failed
        why = f"{failed.step.description}: {failed.error}" if failed is not None else str(report.failure)
        raise ReconcileError(f"the apply in release environment {state.env_id} failed: {why}; alias "
                             f"'{state.alias.alias}' was not switched",
                             hint="correct what the error names (in the models, or the space; `reconcile plan` "
                             "shows the changes), then run the release again")  # fmt: skip
    if not plan_against(backend, state.desired, state.target, True).plan.is_empty:
        raise ReconcileError(f"release environment {state.env_id} does not match the models after the apply",
                             hint="run `reconcile plan` to see the difference; report it if it persists")  # fmt: skip
    state.run.step("apply", "ok", state.env_id, f"applied and verified in {state.env_id}; re-plan empty")


def _switch(state: _Release) -> None:
    """Step 5: point the alias at the release environment, at the version read at the start."""
    try:
        state.space.switch_alias(state.alias.alias, state.env_id, state.alias.version)
    except ApiError as error:
        moved = error.is_version_conflict
        detail = (f"alias '{state.alias.alias}' was moved by someone else since the release began"
                  if moved else error.message)  # fmt: skip
        state.run.step("switch", "refused" if moved else "failed", state.env_id, detail)
        _clean_up(state, state.keep_failed)
        state.run.finish("failed")
        raise ReconcileError(
            f"{detail}; the switch to {state.env_id} was refused" if moved else detail,
            hint="see where the alias points now (`reconcile plan`), then run the release again",
        ) from None
    state.run.step("switch", "ok", state.env_id, f"alias '{state.alias.alias}' now points at {state.env_id}",
                   previous=state.alias.environment)  # fmt: skip


def _verify_through_alias(state: _Release) -> None:
    """Step 6: through the alias, the models must plan empty; otherwise switch back (automatic rollback)."""
    try:
        now = state.space.alias(state.alias.alias)
    except ApiError as error:  # switched, but where it points now is unknown: say so, touch nothing
        unread = f"alias '{state.alias.alias}' was switched to {state.env_id} but could not be read back to verify it"
        state.run.step("verify", "failed", state.env_id, f"{unread}: {error.message}")
        state.run.finish("failed")
        raise ReconcileError(f"{unread} ({error.message})",
                             hint=f"check with `reconcile plan`; to undo: reconcile release rollback --target "
                             f"{state.target.name} --to {state.alias.environment}") from None  # fmt: skip
    try:
        empty = plan_against(state.opened.backend, state.desired, state.target, True).plan.is_empty
        problem = "" if empty else "the re-plan through the alias is not empty"
    except ReconcileError as error:
        problem = f"the re-plan through the alias failed: {error.message}"
    if now.environment != state.env_id:  # someone else moved it since the switch: theirs, not switched back
        moved = f"alias '{state.alias.alias}' was moved by someone else to {now.environment} after the switch"
        state.run.step("verify", "failed", state.env_id, moved)
        state.run.finish("failed")
        raise ReconcileError(f"{moved}; it was left there",
                             hint=f"ask who moved it; release environment {state.env_id} is kept")  # fmt: skip
    if not problem:
        state.run.step("verify", "ok", state.env_id, f"re-plan through alias '{state.alias.alias}' is empty")
        return
    state.run.step("verify", "failed", state.env_id, problem)
    try:
        state.space.switch_alias(state.alias.alias, state.alias.environment, now.version)
    except ApiError as error:
        state.run.step("rollback", "failed", state.alias.environment, error.message)
        state.run.finish("rollback_incomplete")
        raise ReconcileError(
            f"after the switch, the models do not plan empty through alias '{state.alias.alias}' ({problem}), "
            f"and the switch back failed; alias '{state.alias.alias}' still points at {now.environment} "
            f"({error.message})",
            hint=f"point it back: reconcile release rollback --target {state.target.name} "
            f"--to {state.alias.environment}",
        ) from None
    state.run.step("rollback", "ok", state.alias.environment, f"alias switched back to {state.alias.environment}",
                   previous=state.env_id)  # fmt: skip
    state.run.finish("rolled_back")
    raise ReconcileError(
        f"after the switch, the models do not plan empty through alias '{state.alias.alias}' ({problem}); "
        f"it was switched back to {state.alias.environment}",
        hint=f"release environment {state.env_id} is kept; inspect it, then run the release again",
    )


def _prune(state: _Release) -> list[str]:
    """Step 7: delete release environments older than the newest ``keep``; a failure is only reported."""
    try:
        envs = state.space.environments()
    except ApiError as error:  # the release is done: pruning is left to the next one
        state.run.step("prune", "failed", None, f"could not list the environments to prune: {error.message}")
        return []
    # the environment served before this release is the way back: with keep >= 1 it is the first kept, before
    # any newer one (a failed release kept for inspection never served)
    keep, protected = state.target.keep, {state.env_id}
    if keep and state.alias.environment in {e.id for e in release_environments(envs, state.target.release_prefix,
                                                                                protected)}:  # fmt: skip
        keep, protected = keep - 1, protected | {state.alias.environment}
    pruned = []
    for env in beyond_keep(envs, state.target.release_prefix, keep, protected):
        if state.signals.interrupted:  # a signal while pruning: no new delete starts
            break
        try:
            state.space.delete_environment(env.id)
        except ApiError as error:
            state.run.step("prune", "failed", env.id, f"could not delete {env.id}: {error.message}")
            continue
        pruned.append(env.id)
        state.run.step("prune", "ok", env.id, f"deleted {env.id} (beyond keep = {state.target.keep})")
    return pruned


def release_rollback(
    project: Project, target_name: str | None, *, to: str | None = None, progress: Progress = silent,
    clock: Clock = SYSTEM_CLOCK,
) -> RollbackOutcome:
    """Point the alias back at the previous release environment (or ``to``): one write, then verified."""
    target = project.config.target(target_name)
    alias_id = alias_of(target)
    with locked(project, target, "release rollback") as signals, open_target(target) as opened:
        space = SpaceEnvironments(opened.backend)
        alias = space.alias(alias_id)
        records = Journal.records(release_journal_path(project.store, target.name))
        envs = space.environments()
        dest = to if to is not None else _chosen(records, envs, alias, target, progress)
        refuse_an_alias(dest, alias, envs)
        if dest == alias.environment:
            raise ReconcileError(f"alias '{alias_id}' already points at {dest}; nothing to roll back",
                                 hint="name another environment with --to ENV")  # fmt: skip
        status = _status(space, dest)
        if status != "ready":
            raise ReconcileError(f"environment {dest} is not ready (status {status!r}); the alias was not moved",
                                 hint="wait until it is ready, or name another environment with --to ENV")  # fmt: skip
        try:
            with signals.shielded():  # Ctrl-C waits for the one write, its check and its journal record
                again = dest in served(records)
                return _switch_back(project, target, space, alias, (dest, again), progress, clock)
        except KeyboardInterrupt:
            raise ReconcileError(f"the rollback was interrupted ({signals.reason()}) after it finished: alias "
                                 f"'{alias_id}' points at {dest}, verified",
                                 hint="nothing to undo") from None  # fmt: skip


def _chosen(records: list[Record], envs: list[EnvironmentInfo], alias: AliasState, target: TargetConfig,
            progress: Progress) -> str:  # fmt: skip
    """Without ``--to``: the environment to roll back to, saying which and why."""
    choice = previous_environment(records, envs, alias, target.release_prefix)
    progress(Note(f"Rolling back to {choice.environment}: {choice.reason}."))
    return choice.environment


def _switch_back(project: Project, target: TargetConfig, space: SpaceEnvironments, alias: AliasState,
                 to: tuple[str, bool], progress: Progress, clock: Clock) -> RollbackOutcome:  # fmt: skip
    """The rollback's one write, its check through the alias and its journal; ``to``: the environment and
    whether the alias pointed at it before (then it points there "again")."""
    alias_id, (dest, again) = alias.alias, to
    run = ReleaseRun(project.store, target.name, "release rollback", progress, clock)
    try:
        space.switch_alias(alias_id, dest, alias.version)
    except ApiError as error:  # journalled, so that the run is not taken for one that died
        moved = error.is_version_conflict
        detail = (f"alias '{alias_id}' was moved by someone else since it was read; the rollback to {dest} was "
                  "refused") if moved else error.message  # fmt: skip
        run.step("rollback", "refused" if moved else "failed", dest, detail)
        run.finish("failed")
        raise ReconcileError(detail, hint="see where the alias points now (`reconcile plan`), then roll back again") \
            from None
    now = space.alias(alias_id)
    if now.environment != dest:
        run.step("rollback", "failed", dest, f"alias '{alias_id}' points at {now.environment}, not {dest}")
        run.finish("failed")
        raise ReconcileError(f"after the switch, alias '{alias_id}' points at {now.environment}, not {dest}",
                             hint="someone else moved it meanwhile; check and run the rollback again")  # fmt: skip
    run.step("rollback", "ok", dest, f"alias '{alias_id}' points at {dest}{' again' if again else ''}",
             previous=alias.environment)  # fmt: skip
    run.finish("complete")
    return RollbackOutcome(alias_id, alias.environment, dest)


def _status(space: SpaceEnvironments, env_id: str) -> str | None:
    try:
        return space.environment(env_id).status
    except ApiError as error:
        if error.status != 404:
            raise
        raise ReconcileError(f"environment {env_id} does not exist in the space; the alias was not moved",
                             hint="name an existing environment with --to ENV") from None  # fmt: skip
