"""Progress of a run, as events: the executor reports phases and steps (with their counts), the
workflows add notes (a snapshot written, a rollback starting...). The CLI renders them
(``render.progress``) and drives its progress bar from ``StepDone``'s counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PhaseStarted:
    """The executor starts a phase of the plan (``label``: apply, rollback, revert, load)."""

    label: str
    phase: str
    title: str


@dataclass(frozen=True)
class StepDone:
    """Step ``done`` of ``total`` of the run has been carried out (``ok``) or has failed (``error``)."""

    label: str
    done: int
    total: int
    ok: bool
    description: str
    duration_ms: int
    error: str | None = None


@dataclass(frozen=True)
class PhaseVerified:
    """The re-read after a phase matches the phase's expected state."""

    label: str
    phase: str


@dataclass(frozen=True)
class Note:
    """A line about the run from a workflow: a snapshot written, a rollback starting, a stage's result."""

    text: str


ProgressEvent = PhaseStarted | StepDone | PhaseVerified | Note
Progress = Callable[[ProgressEvent], None]


def silent(_: ProgressEvent) -> None:
    """A ``Progress`` that reports nothing."""
    return None
