"""Progress events as the CLI prints them: the executor's typed events become the same stderr lines."""

from __future__ import annotations

import pytest

from reconcile.cli import TerminalProgress
from reconcile.progress import Note, PhaseStarted, PhaseVerified, StepDone, progress_text


def test_each_event_has_its_line() -> None:
    assert progress_text(PhaseStarted("apply", "locales", "Create and update locales")) == (
        "[apply] phase locales: Create and update locales"
    )
    assert progress_text(StepDone("apply", 3, 20, True, "create content type author", 32)) == (
        "[apply] 3/20 ok create content type author (32 ms)"
    )
    assert progress_text(StepDone("rollback", 4, 9, False, "delete locale de-DE", 5, "HTTP 500")) == (
        "[rollback] 4/9 FAILED delete locale de-DE: HTTP 500"
    )
    assert progress_text(PhaseVerified("revert", "content_types")) == "[revert] phase content_types verified"
    assert progress_text(Note("restored 2 entries")) == "restored 2 entries"


def test_without_a_terminal_every_event_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with TerminalProgress() as progress:
        progress(PhaseStarted("apply", "locales", "Create and update locales"))
        progress(StepDone("apply", 1, 1, True, "create locale de-DE", 7))
    assert capsys.readouterr().err.splitlines() == [
        "[apply] phase locales: Create and update locales",
        "[apply] 1/1 ok create locale de-DE (7 ms)",
    ]
