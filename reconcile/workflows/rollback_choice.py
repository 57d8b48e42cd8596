"""Where ``reconcile release rollback`` points the alias when no ``--to`` is given, and why (pure: it reads
the release journal's records and the environments listed, and writes nothing).

In order of preference: (1) the environment the alias pointed at before the switch that put it where it is
now; (2) the environment the journal shows the alias pointed at most recently, other than the current one;
(3) without any such record (a journal that was not kept), the newest release environment older than the
current one. Never an environment the journal shows was cloned by a release but never served (a failed
release kept with ``--keep-failed``).
"""

from __future__ import annotations

from dataclasses import dataclass

from reconcile.backend.environments import AliasState, EnvironmentInfo
from reconcile.errors import ReconcileError
from reconcile.journal import Record, ReleaseStep
from reconcile.workflows.releasing import release_environments


@dataclass(frozen=True)
class Choice:
    environment: str
    reason: str


def served(records: list[Record]) -> list[str]:
    """The environments the journal shows the alias pointed at, the most recent last: where a release
    started (its plan step), what a switch or rollback moved it from and to."""
    found: list[str] = []
    for record in records:
        if not isinstance(record, ReleaseStep) or record.result != "ok":
            continue
        if record.step == "plan":
            found += [record.environment] if record.environment else []
        elif record.step in ("switch", "rollback"):
            found += [e for e in (record.previous, record.environment) if e]
    return found


def never_served(records: list[Record]) -> set[str]:
    """Release environments the journal shows were cloned but that the alias never pointed at."""
    cloned = {r.environment for r in records if isinstance(r, ReleaseStep) and r.step == "clone" and r.environment}
    return cloned - set(served(records))


def previous_environment(records: list[Record], envs: list[EnvironmentInfo], alias: AliasState,
                         prefix: str) -> Choice:  # fmt: skip
    existing, current = {e.id for e in envs}, alias.environment
    for record in reversed(records):
        if isinstance(record, ReleaseStep) and record.step == "switch" and record.result == "ok" \
                and record.environment == current and record.previous in existing:
            return Choice(str(record.previous), f"alias '{alias.alias}' pointed at it before the release that "
                                                f"switched it to {current} (release journal)")  # fmt: skip
    for env in reversed(served(records)):
        if env != current and env in existing:
            return Choice(env, f"alias '{alias.alias}' pointed at it most recently before {current} (release journal)")
    failed = never_served(records)
    now = [e for e in envs if e.id == current]
    older = [e for e in release_environments(envs, prefix, {current} | failed)
             if not now or (e.created_at, e.id) < (now[0].created_at, now[0].id)]  # fmt: skip
    if not older:
        raise ReconcileError(f"no previous release environment to roll alias '{alias.alias}' back to",
                             hint="name the environment with --to ENV")  # fmt: skip
    return Choice(older[0].id, f"the newest release environment older than {current}: no release journal record "
                               "shows where the alias pointed before (name another with --to ENV)")  # fmt: skip


def refuse_an_alias(dest: str, alias: AliasState, envs: list[EnvironmentInfo]) -> None:
    """``--to master``: through the alias it would look like a ready environment, and the write would fail
    with a 422; an alias targets an environment, never an alias (its own name least of all)."""
    aliases = {a for e in envs for a in e.aliases} | {alias.alias}
    if dest not in aliases or dest in {e.id for e in envs}:  # the collection lists real environments only
        return
    what = "the alias itself" if dest == alias.alias else "an environment alias"
    others = [e.id for e in envs if e.id != alias.environment and e.status == "ready" and e.id not in aliases]
    hint = (f"name an environment to roll back to: --to {others[0]} (the environments: {', '.join(others)})"
            if others else f"the space has no environment other than {alias.environment} to roll back to")
    raise ReconcileError(f"'{dest}' is {what}, not an environment: alias '{alias.alias}' can only point at an "
                         "environment; the alias was not moved", hint=hint)  # fmt: skip
