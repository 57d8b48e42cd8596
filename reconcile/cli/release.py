"""The release commands: ``release`` (through an environment alias), ``release rollback``, ``history``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from reconcile import render as renderings
from reconcile import workflows
from reconcile.cli.base import (
    OK,
    AllowDestroyOpt,
    AutoApproveOpt,
    ConfigOpt,
    ModelsOpt,
    TargetOpt,
    app,
    err,
    guarded,
    open_project,
)
from reconcile.cli.terminal import TerminalProgress, confirmer, warn
from reconcile.errors import ReconcileError


class HistoryFormat(StrEnum):
    text = "text"
    json = "json"


release_app = typer.Typer(
    help="Release through an environment alias: clone, apply there, check, switch the alias, prune.",
    invoke_without_command=True,
)
app.add_typer(release_app, name="release")


@release_app.callback()
@guarded
def release_cmd(
    ctx: typer.Context,
    config: ConfigOpt = None,
    models: ModelsOpt = None,
    target: TargetOpt = None,
    auto_approve: AutoApproveOpt = False,
    allow_destroy: AllowDestroyOpt = False,
    keep_failed: Annotated[
        bool, typer.Option("--keep-failed", help="Keep the release environment when the release fails.")
    ] = False,
) -> None:
    """Apply the models to a fresh clone of the aliased environment, then point the alias at it."""
    if ctx.invoked_subcommand is not None:  # `release -t staging rollback` would roll back the default target
        given = [f"--{name.replace('_', '-')}" for name, value in ctx.params.items() if value not in (None, False)]
        if given:
            sub, them = ctx.invoked_subcommand, ", ".join(given)
            raise ReconcileError(f"{them} given before `{sub}` applies to `release` only",
                                 hint=f"put it after the subcommand: reconcile release {sub} {given[0]} ...")
        return
    with TerminalProgress() as progress:
        outcome = workflows.release(
            open_project(config, models), target, allow_destroy=allow_destroy, keep_failed=keep_failed,
            confirm=confirmer(auto_approve, "release"), progress=progress,
        )  # fmt: skip
    warn(outcome.warnings)
    if outcome.declined:
        raise ReconcileError("release cancelled; nothing was created", hint="answer y to release")
    if outcome.release_environment is None:
        err(f"Nothing to release: alias '{outcome.alias}' ({outcome.old_environment}) matches the models.")
        raise typer.Exit(OK)
    pruned = f"; pruned {', '.join(outcome.pruned)}" if outcome.pruned else ""
    err(f"Released: alias '{outcome.alias}' now points at {outcome.release_environment} "
        f"(was {outcome.old_environment}){pruned}.")
    if outcome.old_environment in outcome.pruned:  # keep = 0: the way back is gone
        err(f"No rollback: {outcome.old_environment} was pruned (keep = 0).")
    else:
        err(f"Roll back with: reconcile release rollback --target {outcome.plan.target}")
    raise typer.Exit(OK)


@release_app.command("rollback")
@guarded
def rollback_cmd(
    config: ConfigOpt = None,
    target: TargetOpt = None,
    to: Annotated[
        str | None, typer.Option("--to", help="The environment to point the alias at (default: the previous one).")
    ] = None,
) -> None:
    """Point the alias back at the previous release environment (or ENV): one write, verified."""
    with TerminalProgress() as progress:
        outcome = workflows.release_rollback(open_project(config, None), target, to=to, progress=progress)
    err(f"Rolled back: alias '{outcome.alias}' points at {outcome.to_environment} (was {outcome.from_environment}).")
    raise typer.Exit(OK)


@app.command("history")
@guarded
def history_cmd(
    config: ConfigOpt = None,
    target: TargetOpt = None,
    fmt: Annotated[HistoryFormat, typer.Option("--format", "-f", help="Output format.")] = HistoryFormat.text,
) -> None:
    """Runs of apply, revert and release with their outcome; success rate, rollbacks, time to recover."""
    summary = workflows.history(open_project(config, None), target)
    rendered = renderings.render_history_json if fmt is HistoryFormat.json else renderings.render_history_text
    typer.echo(rendered(summary), nl=False)
    raise typer.Exit(OK)
