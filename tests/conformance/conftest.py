"""Print the conformance match rate after the run (the test modules skip when the recordings are absent)."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from .results import REPLAYED, cassettes, rate

    if not REPLAYED:
        return
    summary = rate()
    complete = len(REPLAYED) == len(cassettes())
    line = summary.line() + ("" if complete else f" (partial run: {len(REPLAYED)}/{len(cassettes())} cassettes)")
    terminalreporter.write_line(line)
