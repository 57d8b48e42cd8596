"""The ``reconcile`` command line: parse, call one ``workflows`` function, render, exit with a named code.

Data goes to stdout; progress and diagnostics to stderr. Expected failures print one clear message and
exit 1 (3 when blocked by policy), never a traceback. The management token is never taken as an argument:
it comes from the environment variable (or file) that ``reconcile.toml`` names.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from reconcile import __version__, workflows
from reconcile.errors import ApiError, PolicyBlocked, ReconcileError
from reconcile.render import render_json, render_markdown, render_text
from reconcile.render.drift import render_drift_json, render_drift_markdown, render_drift_text
from reconcile.workflows import Plan, ProgressEvent, StepDone, progress_text

OK, ERROR, CHANGES, BLOCKED = 0, 1, 2, 3

app = typer.Typer(
    name="reconcile",
    help="Declarative reconciliation of Contentful content models: plan, apply, revert, drift, pull.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
snapshots_app = typer.Typer(help="List, inspect and compare snapshots.", no_args_is_help=True)
emulator_app = typer.Typer(help="The local Contentful-compatible server.", no_args_is_help=True)
app.add_typer(snapshots_app, name="snapshots")
app.add_typer(emulator_app, name="emulator")


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Project config (default ./reconcile.toml).")]
ModelsOpt = Annotated[Path | None, typer.Option("--models", help="Models directory (default from config).")]
TargetOpt = Annotated[str | None, typer.Option("--target", "-t", help="Target name from reconcile.toml.")]
AllowDestroyOpt = Annotated[
    bool, typer.Option("--allow-destroy", help="Allow data-destroying changes (field, type, locale deletes).")
]
AutoApproveOpt = Annotated[bool, typer.Option("--auto-approve", help="Do not ask for confirmation (CI).")]


def _err(message: str) -> None:
    typer.echo(message, err=True)


F = TypeVar("F", bound=Callable[..., Any])


def _guarded(func: F) -> F:
    """Turn expected failures into one message on stderr and a named exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PolicyBlocked as exc:
            _err(f"Blocked: {exc}")
            raise typer.Exit(BLOCKED) from None
        except ReconcileError as exc:
            _err(f"Error: {exc}")
            if isinstance(exc, ApiError) and not exc.hint:
                _err(f"  fix: {_api_hint(exc)}")
            raise typer.Exit(ERROR) from None
        except KeyboardInterrupt:
            _err("Interrupted.")
            raise typer.Exit(ERROR) from None

    return wrapper  # type: ignore[return-value]


# What to do about an API refusal, by status (the message above it says what the API said).
_API_HINTS = {
    400: "the API refused the request (see its message); run `reconcile validate`, then `reconcile plan`",
    401: "the token is wrong or expired: put a valid CMA token in the target's token_env (or token_file)",
    403: "the token may not do this in this space or environment, or the API forbids the change (see its message)",
    404: "check space_id and environment of the target in reconcile.toml",
    409: "someone changed the resource since it was read: run `reconcile plan` again and review it",
    422: "the API refused the content of the request (see its message); fix the model and run `reconcile plan`",
    429: "the rate limit was hit for too long: set a lower rate_limit on the target, or try again later",
}


def _api_hint(exc: ApiError) -> str:
    if exc.status is None:
        return "check the target's base_url and the network, then try again (`reconcile plan` shows the state)"
    if exc.status >= 500:
        return "the API failed on its side: try again later (`reconcile plan` shows the state)"
    return _API_HINTS.get(exc.status, "see the API's message above")


def _project(config: Path | None, models: Path | None) -> workflows.Project:
    return workflows.load_project(config, models, Path.cwd())


def _render(plan: Plan, fmt: Format) -> str:
    if fmt is Format.markdown:
        return render_markdown(plan)
    if fmt is Format.json:
        return render_json(plan)
    return render_text(plan)


class _TerminalProgress:
    """Progress on stderr: a bar (rich) when stderr is a terminal, otherwise one line per event.

    Events come from the executor and the workflows; a ``StepDone``'s counts drive the bar, and every
    event is also printed above it as its line (``[apply] 3/20 ok create content type …``), so nothing
    is lost from the log.
    """

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._terminal = False

    def __enter__(self) -> _TerminalProgress:
        self._terminal = sys.stderr.isatty()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, event: ProgressEvent) -> None:
        message = progress_text(event)
        step = event if isinstance(event, StepDone) else None
        if self._terminal and step is not None and self._bar is None:
            # Started at the first step, after any confirmation prompt has been answered.
            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )
            self._bar.start()
        if self._bar is None:
            _err(message)
            return
        self._bar.console.print(message, markup=False, highlight=False)
        if step is None:
            return
        if self._task is None or step.done == 1:
            if self._task is not None:
                self._bar.remove_task(self._task)
            self._task = self._bar.add_task(step.label, total=step.total)
        self._bar.update(self._task, completed=step.done, description=step.label)


def _confirmer(auto_approve: bool, verb: str) -> Callable[[Plan], bool]:
    def confirm(plan: Plan) -> bool:
        typer.echo(render_text(plan))
        if plan.is_empty or plan.is_blocked:
            return True
        if auto_approve:
            return True
        if not sys.stdin.isatty():
            raise ReconcileError(
                f"refusing to {verb} without confirmation: standard input is not a terminal",
                hint="review the plan above and pass --auto-approve",
            )
        return typer.confirm(f"Do you want to {verb} these changes?", default=False, err=True)

    return confirm


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        _err(f"Warning: {warning}")


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"reconcile {__version__}")
        raise typer.Exit(OK)


@app.command("validate")
@_guarded
def validate_cmd(config: ConfigOpt = None, models: ModelsOpt = None) -> None:
    """Check the model files offline (no request is sent)."""
    declared = workflows.validate_models(_project(config, models))
    count = len(declared.model.content_types)
    _err(f"OK: {count} content type(s), {len(declared.model.locales)} locale(s) are valid.")


@app.command("plan")
@_guarded
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
) -> None:
    """Show what apply would change. Exit 0 = no changes, 2 = changes, 3 = blocked by policy."""
    outcome = workflows.plan(_project(config, models), target, allow_destroy=allow_destroy, from_export=from_export)
    _warn(outcome.warnings)
    typer.echo(_render(outcome.plan, fmt))
    if out is not None:
        workflows.save_plan(outcome.plan, out)
        _err(f"Plan saved to {out}. Apply it with: reconcile apply {out}")
    if outcome.plan.is_blocked:
        raise typer.Exit(BLOCKED)
    raise typer.Exit(OK if outcome.plan.is_empty else CHANGES)


def _report_execution(outcome: workflows.ApplyOutcome) -> int:
    report = outcome.report
    if report is None:
        return OK
    if report.ok:
        snap = outcome.snapshot.id if outcome.snapshot else "?"
        post = outcome.post_snapshot.id if outcome.post_snapshot else "?"
        _err(f"Apply complete: {len(report.applied)} step(s). Pre-apply snapshot {snap}; post-apply {post}.")
        _err(f"Undo with: reconcile revert {snap}")
        return OK
    _err(f"Apply FAILED after {len(report.applied)} applied step(s).")
    if report.failed is not None:
        _err(f"  failed step: {report.failed.step.description}: {report.failed.error}")
    if report.failure is not None:
        _err(f"  failure: {report.failure}")
    if report.pending:
        _err(f"  not run: {len(report.pending)} step(s)")
    rollback = outcome.rollback
    if rollback is None:
        snap = outcome.snapshot.id if outcome.snapshot else "?"
        _err(f"No rollback (--no-rollback). Restore the start with: reconcile revert {snap}")
    elif rollback.complete:
        _err(
            f"Rolled back to the pre-apply snapshot: the environment is at its starting state "
            f"({rollback.restore.restored} entr(ies) restored)."
        )
    else:
        snap = outcome.snapshot.id if outcome.snapshot else "?"
        _err(f"Rollback INCOMPLETE{': ' + rollback.error if rollback.error else ''}.")
        if rollback.remaining is not None:
            _err("What remains to reach the starting state:")
            _err(render_text(rollback.remaining))
        _err(f"Restore the start with: reconcile revert {snap}")
    return ERROR


@app.command("apply")
@_guarded
def apply_cmd(
    plan_file: Annotated[Path | None, typer.Argument(help="A plan saved with `plan --out`.")] = None,
    config: ConfigOpt = None,
    models: ModelsOpt = None,
    target: TargetOpt = None,
    auto_approve: AutoApproveOpt = False,
    allow_destroy: AllowDestroyOpt = False,
    no_rollback: Annotated[bool, typer.Option("--no-rollback", help="On failure, stop in place.")] = False,
) -> None:
    """Converge the target to the models, safely: snapshot, phased execution, verification, rollback."""
    with _TerminalProgress() as progress:
        outcome = workflows.apply(
            _project(config, models),
            target,
            plan_file=plan_file,
            allow_destroy=allow_destroy,
            confirm=_confirmer(auto_approve, "apply"),
            no_rollback=no_rollback,
            progress=progress,
        )
    _warn(outcome.warnings)
    if outcome.declined:
        _err("Apply cancelled.")
        raise typer.Exit(ERROR)
    if outcome.plan.is_empty:
        _err("Nothing to apply.")
    raise typer.Exit(_report_execution(outcome))


@app.command("revert")
@_guarded
def revert_cmd(
    snapshot: Annotated[str, typer.Argument(help="Snapshot id, path, or `latest` (undo the last apply).")],
    config: ConfigOpt = None,
    models: ModelsOpt = None,
    target: TargetOpt = None,
    auto_approve: AutoApproveOpt = False,
) -> None:
    """Converge the target back to a snapshot, restoring captured entry values."""
    with _TerminalProgress() as progress:
        outcome = workflows.revert(
            _project(config, models), target, snapshot, confirm=_confirmer(auto_approve, "revert"), progress=progress
        )
    if outcome.declined:
        _err("Revert cancelled.")
        raise typer.Exit(ERROR)
    converged = outcome.converged
    if converged is None:
        raise typer.Exit(OK)
    if converged.complete:
        _err(
            f"Revert complete: the environment matches snapshot {outcome.snapshot.id} "
            f"({converged.restore.restored} entr(ies) restored)."
        )
        if outcome.pre_snapshot is not None:
            _err(f"Undo the revert with: reconcile revert {outcome.pre_snapshot.id}")
        raise typer.Exit(OK)
    _err(f"Revert INCOMPLETE (pre-revert snapshot {outcome.pre_snapshot.id if outcome.pre_snapshot else '?'}).")
    if converged.error:
        _err(f"  error: {converged.error}")
    if converged.report.failed is not None:
        _err(f"  failed step: {converged.report.failed.step.description}: {converged.report.failed.error}")
    if converged.remaining is not None:
        _err(render_text(converged.remaining))
    raise typer.Exit(ERROR)


@app.command("drift")
@_guarded
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
    project = _project(config, models)
    outcome = workflows.drift(project, target, adopt=adopt)
    _warn(outcome.warnings)
    name = project.config.target(target).name
    renderers = {
        Format.text: render_drift_text,
        Format.markdown: render_drift_markdown,
        Format.json: render_drift_json,
    }
    typer.echo(renderers[fmt](outcome.report, name), nl=False)
    for path in outcome.adopted:
        _err(f"adopted: {path}")
    if outcome.baseline_snapshot is not None:
        _err(f"the adopted live state is the new drift baseline: snapshot {outcome.baseline_snapshot.id}")
    raise typer.Exit(CHANGES if outcome.report.has_drift else OK)


@app.command("rehearse")
@_guarded
def rehearse_cmd(
    config: ConfigOpt = None,
    models: ModelsOpt = None,
    target: TargetOpt = None,
    allow_destroy: AllowDestroyOpt = False,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the sandbox environment afterwards.")] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Rehearse on a throwaway local server, not in the space.")
    ] = False,
    source: Annotated[
        str | None, typer.Option("--from", help="With --offline: a snapshot id/path or an export file.")
    ] = None,
) -> None:
    """Apply the plan in a sandbox, require an empty re-plan, revert, require the original fingerprint."""
    if source is not None and not offline:
        raise ReconcileError("--from works only with --offline", hint="add --offline")
    with _TerminalProgress() as progress:
        outcome = workflows.rehearse(
            _project(config, models), target, allow_destroy=allow_destroy, keep=keep, offline=offline,
            source=source, progress=progress,
        )
    for stage in outcome.stages:
        typer.echo(f"{stage.name:<22} {'ok' if stage.ok else 'FAILED':<7} {stage.seconds:8.2f} s  {stage.detail}")
    typer.echo("Rehearsal passed." if outcome.ok else "Rehearsal FAILED.")
    raise typer.Exit(OK if outcome.ok else ERROR)


@app.command("show")
@_guarded
def show_cmd(
    plan_file: Annotated[Path, typer.Argument(help="A plan saved with `plan --out`.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
) -> None:
    """Show a saved plan (no request is sent). Exit 0 = no changes, 2 = changes, 3 = blocked."""
    plan = workflows.load_plan_file(plan_file)
    typer.echo(_render(plan, fmt))
    if plan.is_blocked:
        raise typer.Exit(BLOCKED)
    raise typer.Exit(OK if plan.is_empty else CHANGES)


@app.command("pull")
@_guarded
def pull_cmd(
    config: ConfigOpt = None,
    models: ModelsOpt = None,
    target: TargetOpt = None,
    content_type: Annotated[str | None, typer.Option("--content-type", help="Pull only this content type.")] = None,
) -> None:
    """Write the live environment as model files (adopt an existing space)."""
    written = workflows.pull(_project(config, models), target, content_type=content_type)
    for path in written:
        typer.echo(str(path))
    _err(f"Wrote {len(written)} file(s).")


@app.command("unlock")
@_guarded
def unlock_cmd(config: ConfigOpt = None, target: TargetOpt = None) -> None:
    """Break the apply lock of a target (only when the process holding it is gone)."""
    path = workflows.unlock(_project(config, None), target)
    _err(f"Removed lock {path}.")


@app.command("schema")
@_guarded
def schema_cmd(
    out: Annotated[Path, typer.Option("--out", help="Directory for the JSON Schemas.")] = Path("docs/schema"),
) -> None:
    """Write the JSON Schemas of the model files (for editor completion and checking)."""
    for path in workflows.write_schemas(out):
        typer.echo(str(path))


@snapshots_app.command("list")
@_guarded
def snapshots_list_cmd(config: ConfigOpt = None, target: TargetOpt = None) -> None:
    """List snapshots (all targets unless --target)."""
    infos = workflows.snapshots_list(_project(config, None), target)
    if not infos:
        _err("No snapshots.")
        return
    typer.echo(f"{'ID':<25} {'TARGET':<16} {'KIND':<11} CREATED (UTC)")
    for info in infos:
        created = info.created.strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(f"{info.id:<25} {info.target:<16} {info.kind or '(unreadable)':<11} {created}")


@snapshots_app.command("show")
@_guarded
def snapshots_show_cmd(snapshot_id: str, config: ConfigOpt = None) -> None:
    """Show a snapshot's metadata and contents summary (JSON)."""
    typer.echo(json.dumps(workflows.snapshot_show(_project(config, None), snapshot_id), indent=2, sort_keys=True))


@snapshots_app.command("diff")
@_guarded
def snapshots_diff_cmd(
    a: str,
    b: str,
    config: ConfigOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.text,
) -> None:
    """What changed from snapshot A to snapshot B (as a plan from A to B)."""
    plan = workflows.snapshots_diff(_project(config, None), a, b)
    if plan.is_empty and fmt is Format.text:
        typer.echo(f"No differences: snapshots {a} and {b} hold the same content model.")
    else:
        typer.echo(_render(plan, fmt))
    raise typer.Exit(OK if plan.is_empty else CHANGES)


@emulator_app.command("serve")
def emulator_serve_cmd(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8765,
    data: Annotated[Path, typer.Option("--data", help="Data directory (persisted state).")] = Path(
        ".reconcile/emulator"
    ),
    space: Annotated[list[str] | None, typer.Option("--space", help="Space id to serve (repeatable).")] = None,
    rate_limit: Annotated[
        float | None,
        typer.Option("--rate-limit", min=1, help="Answer 429 beyond this many requests per second (default: none)."),
    ] = None,
) -> None:
    """Run the local Contentful-compatible server; the token is read from CONTENTFUL_MANAGEMENT_TOKEN."""
    token = os.environ.get("CONTENTFUL_MANAGEMENT_TOKEN")
    if not token:
        _err("Error: set CONTENTFUL_MANAGEMENT_TOKEN to the token clients must send.")
        raise typer.Exit(ERROR)
    spaces = space or ["local"]
    limit = f", at most {rate_limit:g} requests/second" if rate_limit is not None else ""
    _err(f"Serving spaces {', '.join(spaces)} on http://127.0.0.1:{port}{limit} (data in {data}). Ctrl-C stops.")
    try:
        workflows.serve_emulator(port, data, spaces, token, rate_limit)
    except KeyboardInterrupt:
        raise typer.Exit(OK) from None


def main() -> None:
    app()
