"""The ``reconcile`` application: its sub-apps, shared options, exit codes and the error boundary that turns
expected failures into one message and a named exit code."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from reconcile import render as renderings
from reconcile import workflows
from reconcile.errors import ApiError, PolicyBlocked, ReconcileError

if TYPE_CHECKING:
    from reconcile.workflows import Plan

OK, ERROR, CHANGES, BLOCKED = 0, 1, 2, 3

# The class of every usage error (unknown option or command, missing or bad argument): the base of
# typer.BadParameter, whether typer vendors click or imports it.
UsageError: type[Exception] = typer.BadParameter.__mro__[1]
assert UsageError.__name__ == "UsageError"


class HelpOnStderrGroup(TyperGroup):
    """A group called without its command shows its help on stderr (exit 1, set by ``ReconcileGroup``): that is
    a usage error, and stdout is for data. (typer's rich help would print to stdout while click builds the
    error.)"""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args or not self.no_args_is_help:
            return super().parse_args(ctx, args)
        with contextlib.redirect_stdout(sys.stderr):
            return super().parse_args(ctx, args)


class ReconcileGroup(HelpOnStderrGroup):
    """The root command. A usage error anywhere in the tree exits ``ERROR`` (1) with the usage message on
    stderr, not click's 2: 2 means "changes" or "drift" here, and CI must not read a typo as either.

    Subcommands are parsed inside the root's ``invoke``, so catching here covers every command, whether
    run as the ``reconcile`` script or through typer's ``CliRunner``.
    """

    def make_context(self, info_name: str | None, args: list[str], *rest: Any, **extra: Any) -> Any:
        argv = list(args)
        try:
            ctx = super().make_context(info_name, args, *rest, **extra)
        except UsageError as exc:
            raise _exits_1(exc) from None
        ctx.meta[_ARGV] = argv
        return ctx

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            if getattr(exc, "ctx", None) is None:  # click leaves it out of "requires an argument"
                exc.ctx = _command_context(ctx, ctx.meta.get(_ARGV, []))  # type: ignore[attr-defined]
            raise _exits_1(exc) from None


_ARGV = "reconcile.argv"


def _exits_1(exc: Exception) -> Exception:
    exc.exit_code = ERROR  # type: ignore[attr-defined]
    return exc


def _command_context(root: Any, argv: list[str]) -> Any:
    """A context of the command ``argv`` names (``snapshots diff``), for its usage line. Groups here take
    no option but --help/--version, so the command path is the leading words."""
    ctx = root
    for word in [a for a in argv if not a.startswith("-")]:
        command = ctx.command.get_command(ctx, word) if isinstance(ctx.command, TyperGroup) else None
        if command is None:
            break
        ctx = command.context_class(command, info_name=word, parent=ctx)
    return ctx


app = typer.Typer(
    name="reconcile",
    cls=ReconcileGroup,
    help="Declarative reconciliation of Contentful content models: plan, apply, revert, drift, pull.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
snapshots_app = typer.Typer(
    cls=HelpOnStderrGroup, help="List, inspect, compare and prune snapshots.", no_args_is_help=True
)
emulator_app = typer.Typer(cls=HelpOnStderrGroup, help="The local Contentful-compatible server.", no_args_is_help=True)
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


def err(message: str) -> None:
    """A progress or diagnostic line on stderr; dropped when stderr is closed (see ``out``)."""
    out(message, err=True)


def out(message: str, *, err: bool = False, nl: bool = True) -> None:
    """Write to stdout (or stderr). When the stream is gone (``| tee`` killed with the run: EPIPE; a
    closed terminal: EIO) the line is dropped and the stream silenced, so the run carries on rolling
    back and journalling: the journal is the record."""
    try:
        typer.echo(message, err=err, nl=nl)
    except OSError:
        silence(sys.stderr if err else sys.stdout)


def silence(stream: IO[str]) -> None:
    """Point a closed stream's file descriptor at /dev/null: later writes, and Python's flush at exit,
    succeed instead of failing (no "Exception ignored ... BrokenPipeError")."""
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):
        return
    os.dup2(devnull, fd)
    os.close(devnull)


def _flush_or_silence() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            silence(stream)


F = TypeVar("F", bound=Callable[..., Any])


def guarded(func: F) -> F:
    """Turn expected failures into one message on stderr and a named exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PolicyBlocked as exc:
            err(f"Blocked: {exc}")
            raise typer.Exit(BLOCKED) from None
        except ReconcileError as exc:
            err(f"Error: {exc}")
            if isinstance(exc, ApiError) and not exc.hint:
                err(f"  fix: {api_hint(exc)}")
            raise typer.Exit(ERROR) from None
        except KeyboardInterrupt as exc:  # a signal's carries no text; the prompt's says where it came
            err(str(exc) or "Interrupted.")
            raise typer.Exit(ERROR) from None
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):  # a full disk (or quota): stdout to a file, a snapshot
                where = f" to {exc.filename}" if exc.filename else ""
                err(f"Error: cannot write{where}: {exc.strerror}")
                err("  fix: free disk space (or quota), then run the command again (an apply's journal records "
                    "what it did)")
                silence(sys.stdout)
                raise typer.Exit(ERROR) from None
            if exc.errno not in (errno.EPIPE, errno.EIO):
                raise
            # the reader of the output went away (`| head`) or the terminal closed: say so if stderr still can
            err(f"Error: the output was closed before the command finished ({exc.strerror})")
            err("  fix: keep the reader of the output open until the command ends (the journal records an apply)")
            silence(sys.stdout)
            raise typer.Exit(ERROR) from None
        finally:
            _flush_or_silence()

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


def api_hint(exc: ApiError) -> str:
    if exc.status is None:
        return "check the target's base_url and the network, then try again (`reconcile plan` shows the state)"
    if exc.status >= 500:
        return "the API failed on its side: try again later (`reconcile plan` shows the state)"
    return _API_HINTS.get(exc.status, "see the API's message above")


def open_project(config: Path | None, models: Path | None) -> workflows.Project:
    return workflows.load_project(config, models, Path.cwd())


def colour(stream: IO[str]) -> bool:
    """Colour the text written to ``stream``: only on a terminal, and never with ``NO_COLOR`` set to
    anything but the empty string (https://no-color.org)."""
    if os.environ.get("NO_COLOR", ""):
        return False
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False


def render_pieces(plan: Plan, fmt: Format) -> Iterable[str]:
    """``render(plan, fmt)`` in pieces: the JSON of a large plan is never held whole (issue 16)."""
    return renderings.render_json_pieces(plan) if fmt is Format.json else (render(plan, fmt),)


def render(plan: Plan, fmt: Format) -> str:
    if fmt is Format.markdown:
        return renderings.render_markdown(plan)
    if fmt is Format.json:
        return renderings.render_json(plan)
    return renderings.render_text(plan, color=colour(sys.stdout))


