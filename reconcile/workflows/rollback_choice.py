"""Checks of where ``reconcile release rollback`` is to point the alias (pure: it reads the environments
listed, and writes nothing)."""

from __future__ import annotations

from reconcile.backend.environments import AliasState, EnvironmentInfo
from reconcile.errors import ReconcileError


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
