"""Every way a run can be stopped rolls back (issue 12, item 2), through the CLI in real processes.

`reconcile apply` runs as a subprocess against the test's emulator (writes slowed by a delay fault, so
the signal lands mid-apply). Once its journal holds a step record it gets SIGTERM (CI cancellation,
`timeout`, `docker stop`), SIGHUP (a closed terminal) or SIGINT with its output going through a pipe
whose reader has died (Ctrl-C on `reconcile apply | tee log` kills tee too). Each run must end at the
start (fingerprint and entry values), exit 1, release its lock (the next apply works) and print no
traceback.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from reconcile.emulator import Fault
from reconcile.normalize import fingerprint
from tests.support import entries_by_id

from .conftest import TOKEN, Workspace, backend, seed_start
from .scenarios import TARGET

# Each test runs two applies in subprocesses with slowed writes: several seconds.
pytestmark = pytest.mark.slow

RECONCILE = [sys.executable, "-m", "reconcile"]
APPLY = [*RECONCILE, "apply", "--auto-approve", "--allow-destroy"]
# The reader of a pipe: copies what it reads to a file until it is killed.
READER = [sys.executable, "-c", "import os, sys\nout = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT)\n"
          "for chunk in iter(lambda: os.read(0, 65536), b''): os.write(out, chunk)"]


def env() -> dict[str, str]:
    return {**os.environ, "RECONCILE_TEST_TOKEN": TOKEN}


def journals(ws: Workspace) -> set[Path]:
    return set((ws.root / "snapshots").glob("*/*/journal.jsonl"))


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def wait_for(condition: Callable[[], Any], proc: subprocess.Popen[bytes], what: str, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        assert proc.poll() is None, f"the apply ended before {what}"
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def interrupt_apply(ws: Workspace, signum: signal.Signals, stdout: IO[bytes] | int, stderr: IO[bytes] | int,
                    before_signal: Callable[[], None] = lambda: None) -> tuple[subprocess.Popen[bytes], Path]:
    """Start the apply with slowed writes, wait for its first journalled step, run ``before_signal``,
    send ``signum``, then let the rollback run at full speed. Returns the process (ended) and its journal."""
    known = journals(ws)
    ws.emulator.faults.add(Fault(action="delay", method="PUT", path="/content_types/", times=10_000, delay=0.5))
    proc = subprocess.Popen(APPLY, cwd=ws.root, env=env(), stdout=stdout, stderr=stderr)
    try:
        journal = wait_for(lambda: next(iter(journals(ws) - known), None), proc, "the pre-apply snapshot")
        wait_for(lambda: any(r.get("event") == "step" for r in records(journal)), proc, "a journalled step")
        before_signal()
        proc.send_signal(signum)
        ws.emulator.faults.clear()
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        ws.emulator.faults.clear()
    return proc, journal


def assert_back_at_start(ws: Workspace, journal: Path, start: tuple[str, dict[str, Any]], signame: str) -> None:
    b = backend(ws)
    assert fingerprint(b.read_live().model) == start[0]
    assert entries_by_id(b) == start[1]
    assert not list((ws.root / ".reconcile" / "locks").glob("*.lock"))
    events = records(journal)
    interrupted = [r for r in events if r["event"] == "interrupted"]
    assert interrupted and interrupted[0]["signal"] == signame and interrupted[0]["label"] == "apply"
    assert [r["complete"] for r in events if r["event"] == "converged"] == [True]
    assert events[-1]["event"] == "finish" and events[-1]["outcome"] == "rolled_back"
    # the lock was released: the same apply now runs to the end
    again = subprocess.run(APPLY, cwd=ws.root, env=env(), capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signal_mid_apply_rolls_back_to_the_start(workspace: Workspace, tmp_path: Path, signum: signal.Signals) -> None:
    start = seed_start(workspace)
    workspace.write(TARGET)
    err_path = tmp_path / "stderr.txt"
    with err_path.open("wb") as err:
        proc, journal = interrupt_apply(workspace, signum, subprocess.DEVNULL, err)
    stderr = err_path.read_text(encoding="utf-8")
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert f"{signum.name} received: no new write starts" in stderr
    assert f"interrupted ({signum.name}); rolling back to snapshot" in stderr
    assert_back_at_start(workspace, journal, start, signum.name)


def test_ctrl_c_with_output_through_a_dead_pipe_rolls_back(workspace: Workspace, tmp_path: Path) -> None:
    """`reconcile apply 2>&1 | tee log` and Ctrl-C: tee dies first, every later write hits a closed pipe."""
    start = seed_start(workspace)
    workspace.write(TARGET)
    copied = tmp_path / "tee.log"
    reader = subprocess.Popen([*READER, str(copied)], stdin=subprocess.PIPE)
    assert reader.stdin is not None

    def kill_reader() -> None:
        reader.kill()
        reader.wait(timeout=30)

    try:
        proc, journal = interrupt_apply(workspace, signal.SIGINT, reader.stdin, reader.stdin, before_signal=kill_reader)
    finally:
        reader.stdin.close()
        if reader.poll() is None:
            reader.kill()
    assert proc.returncode == 1
    assert "[apply]" in copied.read_text(encoding="utf-8")  # the progress reached the pipe while it was open
    assert_back_at_start(workspace, journal, start, "SIGINT")


def test_closed_stdout_leaves_no_broken_pipe_report(workspace: Workspace, tmp_path: Path) -> None:
    """stdout's reader gone, stderr kept: the interrupted apply still rolls back and exits 1, and Python's
    flush of the broken stdout at exit reports nothing."""
    start = seed_start(workspace)
    workspace.write(TARGET)
    read_fd, write_fd = os.pipe()
    os.close(read_fd)  # nobody will ever read stdout
    err_path = tmp_path / "stderr.txt"
    try:
        with err_path.open("wb") as err:
            proc, journal = interrupt_apply(workspace, signal.SIGTERM, write_fd, err)
    finally:
        os.close(write_fd)
    stderr = err_path.read_text(encoding="utf-8")
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr and "BrokenPipe" not in stderr
    assert_back_at_start(workspace, journal, start, "SIGTERM")


def start_slow_apply(ws: Workspace, stderr: IO[bytes], delay: float) -> tuple[subprocess.Popen[bytes], Path]:
    known = journals(ws)
    ws.emulator.faults.add(Fault(action="delay", method="PUT", path="/content_types/", times=10_000, delay=delay))
    proc = subprocess.Popen(APPLY, cwd=ws.root, env=env(), stdout=subprocess.DEVNULL, stderr=stderr)
    journal = wait_for(lambda: next(iter(journals(ws) - known), None), proc, "the pre-apply snapshot")
    # a content type written (slowed), so the rollback has slowed writes to do too
    wait_for(lambda: any(r.get("phase") == "content_types" for r in records(journal)), proc, "a content type step")
    return proc, journal


def test_a_second_signal_during_the_rollback_is_acknowledged_not_obeyed(workspace: Workspace, tmp_path: Path) -> None:
    start = seed_start(workspace)
    workspace.write(TARGET)
    err_path = tmp_path / "stderr.txt"
    with err_path.open("wb") as err:
        proc, journal = start_slow_apply(workspace, err, delay=0.5)  # the rollback is slowed too
        try:
            proc.send_signal(signal.SIGTERM)
            wait_for(lambda: "rolling back to snapshot" in err_path.read_text(), proc, "the rollback")
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
            workspace.emulator.faults.clear()
    stderr = err_path.read_text(encoding="utf-8")
    assert proc.returncode == 1, stderr
    assert "SIGINT received: rollback in progress, signal ignored; send again to abort" in stderr
    assert "rollback complete: the environment is back at snapshot" in stderr
    assert "Traceback" not in stderr
    assert_back_at_start(workspace, journal, start, "SIGTERM")


def test_a_third_signal_aborts_the_rollback_and_names_the_revert_that_finishes_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    start = seed_start(workspace)
    workspace.write(TARGET)
    err_path = tmp_path / "stderr.txt"
    with err_path.open("wb") as err:
        proc, journal = start_slow_apply(workspace, err, delay=1.0)
        try:
            proc.send_signal(signal.SIGTERM)
            wait_for(lambda: "rolling back to snapshot" in err_path.read_text(), proc, "the rollback")
            proc.send_signal(signal.SIGTERM)
            wait_for(lambda: "signal ignored" in err_path.read_text(), proc, "the acknowledgement")
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
            workspace.emulator.faults.clear()
    stderr = err_path.read_text(encoding="utf-8")
    assert proc.returncode == 1, stderr
    assert "aborting the rollback" in stderr and "Traceback" not in stderr
    found = re.search(r"rollback aborted \(SIGTERM\): the space is part-way back; \d+ changes? left; "
                      r"finish it with: reconcile revert (\S+) --target test", stderr)
    assert found, stderr
    assert not list((workspace.root / ".reconcile" / "locks").glob("*.lock"))
    events = records(journal)
    assert [r["complete"] for r in events if r["event"] == "converged"] == [False]
    assert events[-1]["outcome"] == "rollback_incomplete"
    reverted = subprocess.run([*RECONCILE, "revert", found.group(1), "--target", "test", "--auto-approve"],
                              cwd=workspace.root, env=env(), capture_output=True, text=True, timeout=120)
    assert reverted.returncode == 0, reverted.stderr
    b = backend(workspace)
    assert fingerprint(b.read_live().model) == start[0]
    assert entries_by_id(b) == start[1]


def test_a_signal_mid_revert_rolls_the_revert_back(workspace: Workspace, tmp_path: Path) -> None:
    """A revert is stopped like an apply: back to the state before it (its pre-revert snapshot)."""
    seed_start(workspace)
    workspace.write(TARGET)
    applied = subprocess.run(APPLY, cwd=workspace.root, env=env(), capture_output=True, text=True, timeout=120)
    assert applied.returncode == 0, applied.stderr
    b = backend(workspace)
    before = fingerprint(b.read_live().model), entries_by_id(b)
    known = journals(workspace)
    workspace.emulator.faults.add(Fault(action="delay", method="PUT", path="/content_types/", times=10_000, delay=0.5))
    err_path = tmp_path / "stderr.txt"
    with err_path.open("wb") as err:
        proc = subprocess.Popen([*RECONCILE, "revert", "latest", "--auto-approve"], cwd=workspace.root, env=env(),
                                stdout=subprocess.DEVNULL, stderr=err)
        try:
            journal = wait_for(lambda: next(iter(journals(workspace) - known), None), proc, "the pre-revert snapshot")
            wait_for(lambda: any(r.get("event") == "step" for r in records(journal)), proc, "a journalled step")
            proc.send_signal(signal.SIGHUP)
            workspace.emulator.faults.clear()
            proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
            workspace.emulator.faults.clear()
    stderr = err_path.read_text(encoding="utf-8")
    assert proc.returncode == 1, stderr
    assert "Revert interrupted (SIGHUP): the environment is back at its state before the revert" in stderr
    assert (fingerprint(b.read_live().model), entries_by_id(b)) == before
    assert not list((workspace.root / ".reconcile" / "locks").glob("*.lock"))
    assert records(journal)[-1]["outcome"] == "rolled_back"


def test_plan_into_a_closed_pipe_says_so_once_with_no_traceback(workspace: Workspace) -> None:
    """`reconcile plan | head -0`: the plan cannot be written; one error line, exit 1, no BrokenPipe report."""
    workspace.write(TARGET)
    read_fd, write_fd = os.pipe()
    os.close(read_fd)
    try:
        done = subprocess.run([*RECONCILE, "plan"], cwd=workspace.root, env=env(), stdout=write_fd,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_fd)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: the output was closed before the command finished (Broken pipe)")
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_plan_onto_a_full_disk_says_so_once_with_no_traceback(workspace: Workspace) -> None:
    """`reconcile plan --format json > plan.json` on a full disk (/dev/full): one error line and its fix, exit 1,
    no traceback (it was an OSError traceback)."""
    workspace.write(TARGET)
    with open("/dev/full", "w") as full:
        done = subprocess.run([*RECONCILE, "plan", "--format", "json"], cwd=workspace.root, env=env(), stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        "Error: cannot write: No space left on device",
        "  fix: free disk space (or quota), then run the command again (an apply's journal records what it did)",
    ]
