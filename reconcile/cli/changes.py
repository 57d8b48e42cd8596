"""The commands that read or change a target's content model: validate, plan, apply, revert, drift."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from reconcile import __version__, workflows
from reconcile import render as renderings
from reconcile.cli.base import (
    BLOCKED,
    CHANGES,
    ERROR,
    OK,
    AllowDestroyOpt,
    AutoApproveOpt,
    ConfigOpt,
    Format,
    ModelsOpt,
    TargetOpt,
    app,
    colour,
    err,
    guarded,
    open_project,
    render_pieces,
)
from reconcile.cli.terminal import TerminalProgress, confirmer, warn
from reconcile.render import count

ContentTypeOpt = Annotated[
    list[str] | None,
    typer.Option("--content-type", metavar="<id>",
                 help="Only this content type (repeatable), like Terraform's -target."),
]


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"reconcile {__version__}")
        raise typer.Exit(OK)


@app.command("validate")
@guarded
def validate_cmd(config: ConfigOpt = None, models: ModelsOpt = None, target: TargetOpt = None) -> None:
    """Check the model files offline (no request is sent)."""
    content_types, locales, warnings = workflows.validate_project(open_project(config, models), target)
    warn([str(warning) for warning in warnings])
    err(f"OK: {count(content_types, 'content type')} and {count(locales, 'locale')} are valid.")


@app.command("plan")
@guarded
def plan_cmd(
    config: ConfigOpt = None,
    models: ModelsOpt = None,
    target: TargetOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    out: Annotated[Path | None, typer.Option("--out", help="Save the plan (JSON) for `apply`.")] = None,
    allow_destroy: AllowDestroyOpt = False,
    from_export: Annotated[
        Path | None,
        typer.Option("--from-export", help="Use a snapshot or a `contentful space export` file as the live state."),
    ] = None,
    content_type: ContentTypeOpt = None,
) -> None:
    """Show what apply would change. Exit 0 = no changes, 2 = changes, 3 = blocked by policy."""
    outcome = workflows.plan(open_project(config, models), target, allow_destroy=allow_destroy, from_export=from_export,
                             content_types=tuple(content_type or ()))
    warn(outcome.warnings)
    for piece in render_pieces(outcome.plan, fmt):
        typer.echo(piece, nl=False)
    if out is not None:
        workflows.save_plan(outcome.plan, out)
        needs = " --allow-destroy" if outcome.plan.is_blocked else ""
        err(f"Plan saved to {out} for {outcome.plan.where}. "
            f"Apply it with: reconcile apply {out} --target {outcome.plan.target}{needs}")
    if outcome.plan.is_blocked:
        raise typer.Exit(BLOCKED)
    raise typer.Exit(OK if outcome.plan.is_empty else CHANGES)


def _report_execution(outcome: workflows.ApplyOutcome) -> int:
    report = outcome.report
    if report is None:
        return OK
    snap = outcome.snapshot.id if outcome.snapshot else "?"
    revert = f"reconcile revert {snap} --target {outcome.plan.target}"
    if report.ok:
        post = outcome.post_snapshot.id if outcome.post_snapshot else "?"
        err(f"Apply complete on {outcome.plan.where}: {count(len(report.applied), 'step')}. "
            f"Pre-apply snapshot {snap}; post-apply {post}.")
        err(f"Undo with: {revert}")
        return OK
    total = outcome.planned_steps
    err(f"Apply FAILED after {len(report.applied)} of {count(total, 'step')} applied.")
    _report_failed_steps(report)
    if report.failure is not None:
        err(f"  failure: {report.failure}")
    if report.pending:
        err(f"  not run: {count(len(report.pending), 'step')}")
    _report_rollback(outcome.rollback, snap, revert)
    return ERROR


def _report_failed_steps(report: workflows.ExecutionReport) -> None:
    """Every step of the run that failed (parallel steps may fail together), each with the API's message."""
    for failed in [o for o in report.outcomes if not o.ok] or ([report.failed] if report.failed else []):
        err(f"  failed step: {failed.step.description}: {failed.error}")


def _except_left_alone(left_alone: list[str]) -> str:
    """What a complete rollback or revert did not put back: the entries someone else wrote meanwhile."""
    if not left_alone:
        return ""
    shown = ", ".join(left_alone[:10]) + (", ..." if len(left_alone) > 10 else "")
    return f", except {count(len(left_alone), 'entry')} someone else wrote meanwhile, left as they wrote it ({shown})"


def _report_rollback(rollback: workflows.ConvergeOutcome | None, snap: str, revert: str) -> None:
    if rollback is None:
        err(f"No rollback (--no-rollback). Restore the start with: {revert}")
        return
    ran = f"the rollback then ran {count(rollback.steps_applied, 'step')}"
    if rollback.complete:
        err(
            f"Rolled back to the pre-apply snapshot {snap}: {ran} and restored "
            f"{count(rollback.restore.restored, 'entry')}; the environment is at its starting state"
            f"{_except_left_alone(rollback.restore.left_alone)}."
        )
        return
    err(f"Rollback INCOMPLETE: {ran}{', then stopped: ' + rollback.error if rollback.error else ''}.")
    _report_failed_steps(rollback.report)
    if rollback.remaining is not None:
        err("What remains to reach the starting state:")
        err(renderings.render_text(rollback.remaining, color=colour(sys.stderr)))
    err(f"  fix: correct what the errors above name, then restore the start with: {revert}")


@app.command("apply")
@guarded
def apply_cmd(
    plan_file: Annotated[Path | None, typer.Argument(help="A plan saved with `plan --out`.")] = None,
    config: ConfigOpt = None,
    models: ModelsOpt = None,
    target: TargetOpt = None,
    auto_approve: AutoApproveOpt = False,
    allow_destroy: AllowDestroyOpt = False,
    no_rollback: Annotated[bool, typer.Option("--no-rollback", help="On failure, stop in place.")] = False,
    content_type: ContentTypeOpt = None,
) -> None:
    """Converge the target to the models, safely: snapshot, phased execution, verification, rollback."""
    with TerminalProgress() as progress:
        outcome = workflows.apply(
            open_project(config, models),
            target,
            plan_file=plan_file,
            allow_destroy=allow_destroy,
            confirm=confirmer(auto_approve, "apply"),
            no_rollback=no_rollback,
            progress=progress,
            content_types=tuple(content_type or ()),
        )
    warn(outcome.warnings)
    if outcome.declined:
        err("Apply cancelled.")
        raise typer.Exit(ERROR)
    if outcome.plan.is_empty:
        baseline = f" Recorded the live state as the drift baseline: snapshot {outcome.post_snapshot.id}." \
            if outcome.post_snapshot else ""
        err(f"Nothing to apply.{baseline}")
    raise typer.Exit(_report_execution(outcome))


@app.command("revert")
@guarded
def revert_cmd(
    snapshot: Annotated[str, typer.Argument(help="Snapshot id, path, or `latest` (undo the last apply).")],
    config: ConfigOpt = None,
    models: ModelsOpt = None,
    target: TargetOpt = None,
    auto_approve: AutoApproveOpt = False,
) -> None:
    """Converge the target back to a snapshot, restoring captured entry values."""
    with TerminalProgress() as progress:
        outcome = workflows.revert(
            open_project(config, models), target, snapshot, confirm=confirmer(auto_approve, "revert"), progress=progress
        )
    if outcome.declined:
        err("Revert cancelled.")
        raise typer.Exit(ERROR)
    converged = outcome.converged
    if converged is None:
        raise typer.Exit(OK)
    if converged.complete:
        err(
            f"Revert complete: the environment matches snapshot {outcome.snapshot.id} "
            f"({count(converged.restore.restored, 'entry')} restored"
            f"{_except_left_alone(converged.restore.left_alone)})."
        )
        if outcome.pre_snapshot is not None:
            err(f"Undo the revert with: reconcile revert {outcome.pre_snapshot.id} --target {outcome.plan.target}")
        raise typer.Exit(OK)
    if outcome.rollback is not None:  # a signal stopped it: it rolled back to the pre-revert snapshot
        pre = outcome.pre_snapshot.id if outcome.pre_snapshot else "?"
        back = "back at its state before the revert" if outcome.rollback.complete else "part-way (rollback INCOMPLETE)"
        err(f"Revert {converged.error}: the environment is {back}, pre-revert snapshot {pre}.")
        raise typer.Exit(ERROR)
    err(f"Revert INCOMPLETE (pre-revert snapshot {outcome.pre_snapshot.id if outcome.pre_snapshot else '?'}).")
    if converged.error:
        err(f"  error: {converged.error}")
    _report_failed_steps(converged.report)
    if converged.remaining is not None:
        err(renderings.render_text(converged.remaining, color=colour(sys.stderr)))
    err(f"  fix: correct what the errors above name, then run the revert again: reconcile revert "
        f"{outcome.snapshot.id} --target {outcome.plan.target}")
    raise typer.Exit(ERROR)


@app.command("drift")
@guarded
def drift_cmd(
    config: ConfigOpt = None,
    models: ModelsOpt = None,
    target: TargetOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    adopt: Annotated[
        bool, typer.Option("--adopt", help="Write the out-of-band changes into the model files.")
    ] = False,
) -> None:
    """Report what differs from the files and what changed outside the tool. Exit 0 none, 2 drift."""
    project = open_project(config, models)
    outcome = workflows.drift(project, target, adopt=adopt)
    warn(outcome.warnings)
    name = project.config.target(target).name
    renderers = {
        Format.text: renderings.render_drift_text,
        Format.markdown: renderings.render_drift_markdown,
        Format.json: renderings.render_drift_json,
    }
    typer.echo(renderers[fmt](outcome.report, name), nl=False)
    for path in outcome.adopted:
        err(f"adopted: {path}")
    if outcome.baseline_snapshot is not None:
        err(f"the adopted live state is the new drift baseline: snapshot {outcome.baseline_snapshot.id}")
    raise typer.Exit(CHANGES if outcome.report.has_drift else OK)
