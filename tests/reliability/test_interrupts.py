"""Interrupts stop new writes (issue 12, item 7), in process: the executor with a stop flag, and the modes
of ``RunSignals`` (what the first, second and third signal do). The real signals, through the CLI, are in
tests/integration/test_signals.py."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconcile import workflows
from reconcile.backend import Backend
from reconcile.emulator import Emulator, Fault
from reconcile.executor import Executor
from reconcile.interrupts import RunSignals
from reconcile.journal import Interrupted, Journal, StepRecord
from reconcile.planner import make_plan
from reconcile.progress import PhaseVerified, ProgressEvent, StepDone
from tests.performance.models import numbered
from tests.support import Workspace, target_section, write_config

TOKEN = "interrupt-test-token"
WORKERS = 3


@pytest.fixture
def backend() -> Iterator[tuple[Emulator, Backend]]:
    with Emulator(token=TOKEN) as emu:
        yield emu, Backend(base_url=emu.base_url, token=TOKEN, space_id="local", environment_id="master")


def writes(emu: Emulator) -> int:
    return sum(1 for r in emu.request_log if r.method != "GET")


def test_after_the_stop_flag_no_queued_step_starts(backend: tuple[Emulator, Backend], tmp_path: Path) -> None:
    emu, b = backend
    plan = make_plan(b.read_live(), numbered(12))
    # Every write takes a while, so steps are in flight on every worker when the flag is set.
    emu.faults.add(Fault(action="delay", method="PUT", path="/content_types/", times=1000, delay=0.2))
    emu.clear_log()
    stop = threading.Event()
    started: list[str] = []

    def progress(event: ProgressEvent) -> None:
        if isinstance(event, StepDone):
            started.append(event.description)
            stop.set()  # "the signal": arrives as the first step finishes

    journal = Journal(tmp_path / "journal.jsonl")
    report = Executor(b, journal, "run", progress, workers=WORKERS, stop=stop, stop_reason=lambda: "SIGTERM").run(plan)

    assert report.interrupted and not report.ok
    assert str(report.failure) == "interrupted (SIGTERM)"
    # The step that finished first plus at most the ones in flight on the other workers; nothing after.
    assert 1 <= len(report.applied) <= WORKERS
    assert writes(emu) == len(report.applied)
    total = sum(len(phase.steps) for phase in plan.phases)
    assert len(report.applied) + len(report.pending) == total
    records = Journal.records(journal.path)
    steps = [r for r in records if isinstance(r, StepRecord)]
    assert len(steps) == len(report.applied)  # every step in flight finished and was journalled
    assert isinstance(records[-1], Interrupted)
    assert records[-1].after_step == len(steps) and records[-1].signal == "SIGTERM"


def test_ctrl_c_while_waiting_for_the_pool_cancels_the_queued_steps(
    backend: tuple[Emulator, Backend], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KeyboardInterrupt in the main thread (no handler installed: Ctrl-C as Python delivers it) while it
    waits for the worker threads: the queued steps of the phase are cancelled, not run before the rollback."""
    emu, b = backend
    plan = make_plan(b.read_live(), numbered(12))
    emu.faults.add(Fault(action="delay", method="PUT", path="/content_types/", times=1000, delay=0.2))
    emu.clear_log()
    monkeypatch.setattr(signal, "signal", signal.signal)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main = threading.main_thread().ident
    assert main is not None
    sent = threading.Event()

    def progress(event: ProgressEvent) -> None:
        if isinstance(event, StepDone) and not sent.is_set():
            sent.set()
            signal.pthread_kill(main, signal.SIGINT)

    report = Executor(b, Journal(tmp_path / "j.jsonl"), "run", progress, workers=WORKERS).run(plan)
    assert report.interrupted and str(report.failure) == "interrupted (Ctrl-C)"
    # The signal reaches the main thread a moment after it is sent: a worker may start one more step
    # meanwhile. Without the cancel, all 24 writes of the phase (12 PUTs, 12 publishes) ran.
    assert 1 <= len(report.applied) <= 2 * WORKERS
    assert writes(emu) == len(report.applied)


def test_a_stop_flag_set_before_the_run_writes_nothing(backend: tuple[Emulator, Backend], tmp_path: Path) -> None:
    emu, b = backend
    plan = make_plan(b.read_live(), numbered(3))
    emu.clear_log()
    stop = threading.Event()
    stop.set()
    report = Executor(b, Journal(tmp_path / "j.jsonl"), "run", lambda _: None, stop=stop).run(plan)
    assert report.interrupted and report.applied == [] and writes(emu) == 0
    assert len(report.pending) == sum(len(phase.steps) for phase in plan.phases)


def test_sequential_phases_stop_between_steps(backend: tuple[Emulator, Backend], tmp_path: Path) -> None:
    emu, b = backend
    plan = make_plan(b.read_live(), numbered(4))
    emu.clear_log()
    stop = threading.Event()

    def progress(event: ProgressEvent) -> None:
        if isinstance(event, StepDone):
            stop.set()

    report = Executor(b, Journal(tmp_path / "j.jsonl"), "run", progress, workers=1, stop=stop).run(plan)
    assert report.interrupted and len(report.applied) == 1 and writes(emu) == 1


def test_first_signal_while_writing_stops_the_run_then_one_is_ignored_then_the_rollback_aborts(
    capfd: pytest.CaptureFixture[str],
) -> None:
    signals = RunSignals()
    with pytest.raises(KeyboardInterrupt):  # nothing written yet: stops at once, as Ctrl-C always did
        signals.notice("SIGTERM")
    signals = RunSignals()
    signals.writing()
    signals.notice("SIGTERM")
    assert signals.interrupted and not signals.aborted and signals.reason() == "SIGTERM"
    signals.rolling_back()
    signals.notice("SIGINT")
    assert not signals.aborted
    assert "rollback in progress, signal ignored; send again to abort" in capfd.readouterr().err
    signals.notice("SIGHUP")
    assert signals.aborted
    assert "aborting the rollback" in capfd.readouterr().err
    signals.closing()
    signals.notice("SIGTERM")  # the run is over: ignored, silently
    assert capfd.readouterr().err == ""


def test_a_failure_rollback_ignores_the_first_signal_and_aborts_on_the_second() -> None:
    signals = RunSignals()
    signals.writing()
    signals.rolling_back()  # a step failed: no signal yet
    signals.notice("SIGTERM")
    assert not signals.aborted and not signals.interrupted
    signals.notice("SIGTERM")
    assert signals.aborted


def test_the_lock_is_taken_shielded_the_interrupt_comes_after() -> None:
    signals = RunSignals()
    with pytest.raises(KeyboardInterrupt), signals.shielded():
        signals.notice("SIGHUP")  # held back until the block ends
        reached = True
    assert reached


class _Killed(Exception):
    """What the test's own SIGTERM handler raises: a SIGTERM the run did not handle."""


def test_sigterm_before_the_first_write_stops_the_apply_releases_the_lock_and_restores_the_handlers(
    backend: tuple[Emulator, Backend], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emu, _ = backend
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", TOKEN)
    write_config(tmp_path, target_section(emu.base_url))
    ws = Workspace(tmp_path, emu)
    ws.write(numbered(2))

    def outside(signum: int, frame: Any) -> None:
        raise _Killed

    monkeypatch.setattr(signal, "signal", signal.signal)  # restores the handlers changed below after the test
    signal.signal(signal.SIGTERM, outside)
    emu.clear_log()

    def confirm(_: Any) -> bool:  # the prompt: SIGTERM arrives while the user reads the plan
        os.kill(os.getpid(), signal.SIGTERM)
        return True

    with pytest.raises(KeyboardInterrupt):
        workflows.apply(ws.project(), None, confirm=confirm)
    assert writes(emu) == 0
    assert not list((tmp_path / ".reconcile" / "locks").glob("*.lock"))
    assert signal.getsignal(signal.SIGTERM) is outside


def test_a_signal_once_every_write_is_verified_says_the_run_completes(capfd: pytest.CaptureFixture[str]) -> None:
    signals = RunSignals()
    signals.writing()
    assert signals.finishing("apply") is None  # no signal came: nothing to say
    signals.notice("SIGINT")
    assert not signals.interrupted  # nothing left to stop
    err = capfd.readouterr().err
    assert "every write is done and verified, nothing is rolled back" in err and "rolls back" not in err


def test_a_signal_after_the_last_verification_completes_the_apply_and_says_so(
    backend: tuple[Emulator, Backend], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """The first signal's notice says the run will roll back; when it lands after the last phase was
    verified, the apply completes (nothing was left to stop) and must say so, not leave the user waiting
    for a rollback that never comes."""
    emu, _ = backend
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", TOKEN)
    write_config(tmp_path, target_section(emu.base_url))
    ws = Workspace(tmp_path, emu)
    ws.write(numbered(2))
    monkeypatch.setattr(signal, "signal", signal.signal)  # restores the handlers after the test
    said: list[str] = []

    def progress(event: ProgressEvent) -> None:
        said.append(str(getattr(event, "text", "")))
        if isinstance(event, PhaseVerified) and event.phase == "content_types":  # the only phase of this plan
            os.kill(os.getpid(), signal.SIGINT)

    outcome = workflows.apply(ws.project(), None, confirm=lambda _: True, progress=progress)
    assert outcome.ok and outcome.post_snapshot is not None and outcome.rollback is None
    assert {step.phase for step in outcome.report.applied} == {"content_types"}  # type: ignore[union-attr]
    assert "SIGINT came after the last write was verified: nothing was left to stop, so the apply is complete and " \
        "not rolled back" in said
    assert "SIGINT received: no new write starts" in capfd.readouterr().err
