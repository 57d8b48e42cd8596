"""Progress events as the lines the CLI prints on stderr (``[apply] 3/20 ok create content type …``)."""

from __future__ import annotations

from typing import assert_never

from reconcile.progress import Note, PhaseStarted, PhaseVerified, ProgressEvent, StepDone


def progress_text(event: ProgressEvent) -> str:
    """The line for one progress event."""
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
