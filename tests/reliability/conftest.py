"""Print the figures the reliability tests measured (the rate-limited load's request rate) after the run."""

from __future__ import annotations

import pytest

#: Lines a test appends; shown in the terminal summary, whether or not output is captured.
FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.write_sep("-", "reliability figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
