"""The other commands: rehearse, show, pull, unlock, schema, snapshots, emulator serve."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from reconcile import workflows
from reconcile.cli.base import (
    BLOCKED,
    CHANGES,
    ERROR,
    OK,
    AllowDestroyOpt,
    ConfigOpt,
    Format,
    ModelsOpt,
    TargetOpt,
    api_hint,
    app,
    emulator_app,
    err,
    guarded,
    open_project,
    render,
    snapshots_app,
)
from reconcile.cli.terminal import TerminalProgress
from reconcile.errors import ApiError, ReconcileError
from reconcile.render import count


@app.command("rehearse")
@guarded
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
    with TerminalProgress() as progress:
        outcome = workflows.rehearse(
            open_project(config, models), target, allow_destroy=allow_destroy, keep=keep, offline=offline,
            source=source, progress=progress,
        )
    for stage in outcome.stages:
        typer.echo(f"{stage.name:<22} {'ok' if stage.ok else 'FAILED':<7} {stage.seconds:8.2f} s  {stage.detail}")
        if isinstance(stage.error, ApiError) and not stage.error.hint:  # as a hint in the detail shows
            typer.echo(f"  fix: {api_hint(stage.error)}")
    typer.echo("Rehearsal passed." if outcome.ok else "Rehearsal FAILED.")
    raise typer.Exit(OK if outcome.ok else ERROR)


@app.command("show")
@guarded
def show_cmd(
    plan_file: Annotated[Path, typer.Argument(help="A plan saved with `plan --out`.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
) -> None:
    """Show a saved plan (no request is sent). Exit 0 = no changes, 2 = changes, 3 = blocked."""
    plan = workflows.load_plan_file(plan_file)
    typer.echo(render(plan, fmt), nl=False)
    if plan.is_blocked:
        raise typer.Exit(BLOCKED)
    raise typer.Exit(OK if plan.is_empty else CHANGES)


@app.command("pull")
@guarded
def pull_cmd(
    config: ConfigOpt = None,
    models: ModelsOpt = None,
    target: TargetOpt = None,
    content_type: Annotated[
        list[str] | None, typer.Option("--content-type", help="Pull only this content type (repeatable).")
    ] = None,
) -> None:
    """Write the live environment as model files (adopt an existing space)."""
    written = workflows.pull(open_project(config, models), target, content_types=content_type or [])
    for path in written:
        typer.echo(str(path))
    removed = sum(not path.exists() for path in written)  # the file of a content type gone from the space
    err(f"Wrote {count(len(written) - removed, 'file')}" + (f", removed {count(removed, 'file')}." if removed else "."))


@app.command("unlock")
@guarded
def unlock_cmd(config: ConfigOpt = None, target: TargetOpt = None) -> None:
    """Break the apply lock of a target (only when the process holding it is gone)."""
    name, path, holder = workflows.unlock(open_project(config, None), target)
    if holder is None:
        err(f"Target {name!r} is not locked: nothing to remove.")
    elif holder.pid is None:
        err(f"Removed lock {path} (it named no holder).")
    else:
        who = f"{holder.command}, pid {holder.pid} on {holder.hostname} since {holder.time}"
        err(f"Removed lock {path} (held by {who}).")


@app.command("schema")
@guarded
def schema_cmd(
    out: Annotated[Path, typer.Option("--out", help="Directory for the JSON Schemas.")] = Path("docs/schema"),
) -> None:
    """Write the JSON Schemas of the model files (for editor completion and checking)."""
    for path in workflows.write_schemas(out):
        typer.echo(str(path))


@snapshots_app.command("list")
@guarded
def snapshots_list_cmd(config: ConfigOpt = None, target: TargetOpt = None) -> None:
    """List snapshots (all targets unless --target)."""
    infos = workflows.snapshots_list(open_project(config, None), target)
    if not infos:
        err("No snapshots.")
        return
    typer.echo(f"{'ID':<25} {'TARGET':<16} {'KIND':<11} CREATED (UTC)")
    for info in infos:
        created = info.created.strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(f"{info.id:<25} {info.target:<16} {info.kind or '(unreadable)':<11} {created}")


@snapshots_app.command("show")
@guarded
def snapshots_show_cmd(snapshot_id: str, config: ConfigOpt = None) -> None:
    """Show a snapshot's metadata and contents summary (JSON)."""
    typer.echo(json.dumps(workflows.snapshot_show(open_project(config, None), snapshot_id), indent=2, sort_keys=True))


@snapshots_app.command("diff")
@guarded
def snapshots_diff_cmd(
    a: str,
    b: str,
    config: ConfigOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.text,
) -> None:
    """What changed from snapshot A to snapshot B (as a plan from A to B)."""
    plan = workflows.snapshots_diff(open_project(config, None), a, b)
    if plan.is_empty and fmt is Format.text:
        typer.echo(f"No differences: snapshots {a} and {b} hold the same content model.")
    else:
        typer.echo(render(plan, fmt), nl=False)
    raise typer.Exit(OK if plan.is_empty else CHANGES)


@snapshots_app.command("prune")
@guarded
def snapshots_prune_cmd(
    keep: Annotated[int, typer.Option("--keep", min=0, help="Keep the newest N snapshots of each target.")],
    older_than: Annotated[
        float | None, typer.Option("--older-than", min=0, help="Remove only snapshots older than DAYS days.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be removed; remove nothing.")] = False,
    config: ConfigOpt = None,
    target: TargetOpt = None,
) -> None:
    """Remove old snapshots (all targets unless --target), never one still needed; says why each stays."""
    outcome = workflows.snapshots_prune(
        open_project(config, None), target, keep=keep, older_than_days=older_than, dry_run=dry_run
    )
    removed = "would remove" if dry_run else "removed"
    for decision in outcome.decisions:
        info = decision.info
        what = f"{info.target}/{info.id} {info.kind or '(unreadable)'} {info.created.strftime('%Y-%m-%d %H:%M:%S')}"
        typer.echo(f"{removed} {what}" if decision.removed else f"kept {what}: {decision.reason}")
    gone = sum(1 for d in outcome.decisions if d.removed)
    verb = "Would remove" if dry_run else "Removed"
    err(f"{verb} {count(gone, 'snapshot')}, kept {len(outcome.decisions) - gone}.")


@emulator_app.command("serve")
@guarded
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
    user: Annotated[
        list[str] | None,
        typer.Option("--user", help="TOKEN=NAME,EMAIL: accept TOKEN too, stamping its writes with that user "
                     "(repeatable)."),
    ] = None,
    max_environments: Annotated[
        int | None,
        typer.Option("--max-environments", min=1, help="Environment quota of each space (default: none)."),
    ] = None,
    master_alias: Annotated[
        str | None,
        typer.Option("--master-alias", help="Opt new spaces in to environment aliases: master becomes this "
                     "environment, with a master alias pointing at it."),
    ] = None,
    max_response_bytes: Annotated[
        int | None,
        typer.Option("--max-response-bytes", min=1, help="Answer a read whose body exceeds this many bytes with 400 "
                     "\"Response size too big\", as the API does (default: the API's 7340032)."),
    ] = None,
    tls_cert: Annotated[
        Path | None, typer.Option("--tls-cert", help="Serve https with this PEM certificate (with --tls-key).")
    ] = None,
    tls_key: Annotated[Path | None, typer.Option("--tls-key", help="The PEM private key of --tls-cert.")] = None,
) -> None:
    """Run the local Contentful-compatible server; the token is read from CONTENTFUL_MANAGEMENT_TOKEN."""
    token = os.environ.get("CONTENTFUL_MANAGEMENT_TOKEN")
    if not token:
        raise ReconcileError(
            "set CONTENTFUL_MANAGEMENT_TOKEN to the token clients must send.",
            hint="CONTENTFUL_MANAGEMENT_TOKEN=local-token reconcile emulator serve (clients then send that token)",
        )
    if (tls_cert is None) != (tls_key is None):
        raise ReconcileError("--tls-cert and --tls-key go together", hint="give both to serve https, or neither")
    spaces = space or ["local"]
    limit = f", at most {rate_limit:g} requests/second" if rate_limit is not None else ""
    scheme = "http" if tls_cert is None else "https"
    serving = (f"Serving spaces {', '.join(spaces)} on {scheme}://127.0.0.1:{port}{limit} (data in {data}). "
               "Ctrl-C stops.")
    try:
        workflows.serve_emulator(port, data, spaces, token, rate_limit, user or [], max_environments=max_environments,
                                 master_alias=master_alias, ready=lambda: err(serving),
                                 max_response_bytes=max_response_bytes,
                                 tls=None if tls_cert is None or tls_key is None else (tls_cert, tls_key))  # fmt: skip
    except KeyboardInterrupt:
        raise typer.Exit(OK) from None
