"""Progress of a run, as events: the executor reports phases and steps (with their counts), the
workflows add notes (a snapshot written, a rollback starting...). The CLI prints each as its line
(``progress_text``) and drives its progress bar from ``StepDone``'s counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import assert_never


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


def progress_text(event: ProgressEvent) -> str:
    """The line the CLI prints for an event (``[apply] 3/20 ok create content type author (32 ms)``)."""
    match event:
        case PhaseStarted():
            return f"[{event.label}] phase {event.phase}: {event.title}"
        case StepDone(ok=True):
            return f"[{event.label}] {event.done}/{event.total} ok {event.description} ({event.duration_ms} ms)"
        case StepDone():
            return f"[{event.label}] {event.done}/{event.total} FAILED {event.description}: {event.error}"
        case PhaseVerified():
            return f"[{event.label}] phase {event.phase} verified"
        case Note():
            return event.text
        case _:
            assert_never(event)
