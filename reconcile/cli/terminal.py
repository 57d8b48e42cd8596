"""The terminal side of a run: the progress bar (or lines), the confirmation prompt, warnings on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

import typer

from reconcile import render as renderings
from reconcile import workflows
from reconcile.cli.base import colour, err, out, silence
from reconcile.errors import ReconcileError

if TYPE_CHECKING:  # rich and the workflows load when a command runs, not for --help
    from rich.progress import Progress, TaskID

    from reconcile.workflows import Plan, ProgressEvent


class TerminalProgress:
    """Progress on stderr: a bar (rich) when stderr is a terminal, otherwise one line per event.

    Events come from the executor and the workflows; a ``StepDone``'s counts drive the bar, and every
    event is also printed above it as its line (``[apply] 3/20 ok create content type …``), so nothing
    is lost from the log.
    """

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._terminal = False

    def __enter__(self) -> TerminalProgress:
        self._terminal = sys.stderr.isatty()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            try:
                self._bar.stop()
            except OSError:
                silence(sys.stderr)

    def __call__(self, event: ProgressEvent) -> None:
        """Show ``event``; if the terminal is gone (closed window, SIGHUP) the bar stops and lines are dropped."""
        try:
            self._show(event)
        except OSError:
            silence(sys.stderr)  # from now on the bar's writes go nowhere: stop it, then print plain lines
            bar, self._bar, self._terminal = self._bar, None, False
            if bar is not None:
                with suppress(OSError):
                    bar.stop()

    def _show(self, event: ProgressEvent) -> None:
        message = workflows.progress_text(event)
        step = event if isinstance(event, workflows.StepDone) else None
        if self._terminal and step is not None and self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            # Started at the first step, after any confirmation prompt has been answered.
            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )
            self._bar.start()
        if self._bar is None:
            err(message)
            return
        self._bar.console.print(message, markup=False, highlight=False)
        if step is None:
            return
        if self._task is None or step.done == 1:
            if self._task is not None:
                self._bar.remove_task(self._task)
            self._task = self._bar.add_task(step.label, total=step.total)
        self._bar.update(self._task, completed=step.done, description=step.label)


def confirmer(auto_approve: bool, verb: str) -> Callable[[Plan], bool]:
    def confirm(plan: Plan) -> bool:
        out(renderings.render_text(plan, color=colour(sys.stdout)), nl=False)
        if plan.is_empty or plan.is_blocked:
            return True
        if auto_approve:
            return True
        if not sys.stdin.isatty():
            raise ReconcileError(
                f"refusing to {verb} without confirmation: standard input is not a terminal",
                hint="review the plan above and pass --auto-approve",
            )
        where = f" to {plan.where}" if plan.where else ""
        try:
            return typer.confirm(f"Do you want to {verb} these changes{where}?", default=False, err=True)
        except typer.Abort:  # click's answer to Ctrl-C (or end of input) at the prompt
            raise KeyboardInterrupt("Interrupted at the confirmation: nothing was written.") from None

    return confirm


def warn(warnings: list[str]) -> None:
    for warning in warnings:
        err(f"Warning: {warning}")


