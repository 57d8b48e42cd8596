"""The apply process killed with SIGKILL at many points: the next plan names the unfinished run and
the revert that restores the start; that revert restores the starting fingerprint and entry values."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from reconcile import workflows
from reconcile.emulator import Fault
from reconcile.normalize import fingerprint
from tests.support import approve, entries_by_id

from .conftest import TOKEN, Workspace, backend, seed_start, write_requests
from .scenarios import TARGET

# SIGKILLs an apply at 20 points, each followed by plan, unlock and revert in real processes: minutes.
pytestmark = pytest.mark.slow

RECONCILE = [sys.executable, "-m", "reconcile"]
KILL_POINTS = 20


def run_cli(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RECONCILE_TEST_TOKEN": TOKEN}
    return subprocess.run([*RECONCILE, *args], cwd=ws.root, env=env, capture_output=True, text=True, timeout=120)


def kill_apply_at(ws: Workspace, method: str, path: str, occurrence: int) -> None:
    """Start `reconcile apply` and SIGKILL it while the chosen write is in flight."""
    ws.emulator.faults.add(Fault(action="delay", method=method, path=f"^{path}$", nth=occurrence, delay=3))
    ws.emulator.clear_log()
    env = {**os.environ, "RECONCILE_TEST_TOKEN": TOKEN}
    proc = subprocess.Popen([*RECONCILE, "apply", "--auto-approve", "--allow-destroy"], cwd=ws.root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            hits = [r for r in ws.emulator.request_log if r.method == method and re.fullmatch(path, r.path)]
            if len(hits) >= occurrence:
                break
            assert proc.poll() is None, "apply finished before reaching the kill point"
            time.sleep(0.01)
        else:
            pytest.fail("the kill point was never reached")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        ws.emulator.faults.clear()
    time.sleep(3.2)  # let the delayed request finish on the server, as a real in-flight request would


# 20 rounds of five processes: about 160 s on an idle 2-core machine, over the suite's 300 s default when the
# cores are shared (a CI run under load timed out in the middle of it, every round passing).
@pytest.mark.timeout(KILL_POINTS * 40)
def test_sigkill_during_apply_then_revert_restores_start(workspace: Workspace) -> None:
    start_fp, start_entries = seed_start(workspace)
    workspace.write(TARGET)
    workspace.emulator.clear_log()
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    writes = write_requests(workspace)
    assert len(writes) >= KILL_POINTS
    assert workflows.revert(workspace.project(), None, "latest", confirm=approve).converged.complete  # type: ignore[union-attr]
    b = backend(workspace)
    step = len(writes) / KILL_POINTS
    points = sorted({int(i * step) for i in range(KILL_POINTS)})
    assert len(points) == KILL_POINTS
    for k in points:
        method, path = writes[k]
        occurrence = writes[: k + 1].count((method, path))
        kill_apply_at(workspace, method, path, occurrence)
        planned = run_cli(workspace, "plan", "--allow-destroy")
        found = re.search(r"reconcile revert (\S+)", planned.stderr)
        assert found, f"kill at write {k + 1}: plan did not name the revert:\n{planned.stderr}"
        # the lock of the killed process is stale: break it explicitly, as the message says
        run_cli(workspace, "unlock")
        reverted = run_cli(workspace, "revert", found.group(1), "--auto-approve")
        assert reverted.returncode == 0, f"kill at write {k + 1}: {reverted.stderr}"
        assert fingerprint(b.read_live().model) == start_fp, f"kill at write {k + 1}"
        assert entries_by_id(b) == start_entries, f"kill at write {k + 1}"

