"""The clock is injected: a rollback's settle wait and the pause between its rounds, the executor's
journal times and durations, all run on a fake clock here, so the test waits for none of them."""

from __future__ import annotations

import json
import time

from reconcile import workflows
from reconcile.emulator import Fault
from reconcile.journal import journal_of
from reconcile.normalize import fingerprint
from tests.support import approve, entries_by_id

from .conftest import Workspace, backend, seed_start
from .scenarios import TARGET

SETTLE = 300.0


class FakeClock:
    """Time that passes only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return 1_700_000_000.0 + self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_rollback_waits_and_retries_on_the_injected_clock(workspace: Workspace) -> None:
    start_fp, start_entries = seed_start(workspace)
    workspace.write(TARGET)
    applied = workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True)
    assert applied.ok and applied.snapshot is not None
    snapshot = applied.snapshot
    # the first write of the first round fails: the second round comes after a pause
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path=r"/content_types/"))
    clock = FakeClock()
    started = time.monotonic()
    converged = workflows.converge(backend(workspace), snapshot, journal_of(snapshot), "fake-clock",
                                   lambda _: None, label="rollback", settle=SETTLE, clock=clock)
    assert time.monotonic() - started < SETTLE / 10  # no real wait: the settle alone would take 300 s
    assert converged.complete, converged.error
    assert clock.slept == [SETTLE, SETTLE]  # the settle wait, then the pause before round 2
    b = backend(workspace)
    assert fingerprint(b.read_live().model) == start_fp and entries_by_id(b) == start_entries
    assert snapshot.journal_path is not None
    records = [json.loads(line) for line in snapshot.journal_path.read_text().splitlines()]
    steps = [r for r in records if r.get("run_id") == "fake-clock" and r.get("event") == "step"]
    # journal times are the fake clock's: after the settle (round 1) and after the pause (round 2)
    assert {r["time"] for r in steps} == {1_700_000_000.0 + 1_000.0 + SETTLE, 1_700_000_000.0 + 1_000.0 + 2 * SETTLE}
    assert all(r["duration_ms"] == 0 for r in steps)
