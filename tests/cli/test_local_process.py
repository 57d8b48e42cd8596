"""The local target's emulator runs in a child process (issue 16, item 3), checked with real processes:

- the child runs in its own session, with no token on its command line, and the tool's process does not
  hold the space;
- it dies with the tool however the tool ends (its exit, SIGINT, SIGTERM, SIGKILL), and the next command
  on the same data opens it;
- Ctrl-C during a local apply (sent to the tool's process group, as a terminal does) rolls back through
  the child, which the signal does not reach;
- a data directory served by `reconcile emulator serve` is one clear error.

No timing assertion: each wait is for a condition, with a generous timeout.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reconcile import local_emulator
from reconcile.cli import ERROR, app
from reconcile.config import LOCAL_TOKEN
from reconcile.declared import write_models
from tests.performance.models import numbered

RECONCILE = [sys.executable, "-m", "reconcile"]
CHILD_MODULE = "reconcile.emulator.child"


def emulators_in(root: Path) -> list[int]:
    """The live local-target emulators started from ``root`` (their working directory); a zombie, whose
    command line and working directory are gone, does not count."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if CHILD_MODULE.encode() in cmdline and cwd == root:
            found.append(int(entry.name))
    return found


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path.resolve() / "project"
    root.mkdir()
    yield root
    # Whatever a test did, no emulator of it outlives it.
    wait_for(lambda: not emulators_in(root), "the emulator processes to exit")


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RECONCILE, *args], cwd=root, capture_output=True, text=True, timeout=300)


@pytest.mark.slow  # real processes: several seconds each
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_the_emulator_child_dies_with_the_tool(project: Path, tmp_path: Path, signum: signal.Signals) -> None:
    """The tool waits at the confirmation prompt (a terminal on its stdin), its emulator running; then it
    gets ``signum`` (SIGINT to its whole process group, as a terminal's Ctrl-C)."""
    write_models(numbered(3), project / "models")
    controller, terminal = pty.openpty()
    err_path = tmp_path / "stderr.txt"
    with err_path.open("wb") as err:
        tool = subprocess.Popen([*RECONCILE, "apply"], cwd=project, stdin=terminal, stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True)
    os.close(terminal)
    try:
        wait_for(lambda: "Do you want to apply" in err_path.read_text(errors="replace") or tool.poll() is not None,
                 "the confirmation prompt")
        assert tool.poll() is None, err_path.read_text()
        [child] = emulators_in(project)
        assert os.getsid(child) != os.getsid(tool.pid)  # the terminal's Ctrl-C does not reach it
        assert LOCAL_TOKEN.encode() not in Path(f"/proc/{child}/cmdline").read_bytes()
        if signum == signal.SIGINT:
            os.killpg(tool.pid, signum)
        else:
            tool.send_signal(signum)
        tool.wait(timeout=120)
    finally:
        if tool.poll() is None:
            tool.kill()
            tool.wait()
        os.close(controller)
    wait_for(lambda: not emulators_in(project), f"the emulator to exit after the tool's {signum.name}")
    assert "Traceback" not in err_path.read_text(errors="replace")
    # The data directory is free again: the next command opens it.
    assert run(project, "plan").returncode == 2


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def journal_with_a_step(root: Path) -> Path | None:
    for journal in root.glob(".reconcile/**/journal.jsonl"):
        if any(r.get("event") == "step" for r in records(journal)):
            return journal
    for journal in root.glob("snapshots/**/journal.jsonl"):
        if any(r.get("event") == "step" for r in records(journal)):
            return journal
    return None


def apply_150_and(project: Path, err_path: Path, act: Callable[[subprocess.Popen[bytes]], None]) -> tuple[Path, int]:
    """Start `reconcile apply` of 150 content types; once a step is journalled, ``act`` on the running tool;
    wait for it to end. The journal and the tool's exit code."""
    write_models(numbered(150), project / "models")
    with err_path.open("wb") as err:
        tool = subprocess.Popen([*RECONCILE, "apply", "--auto-approve"], cwd=project, stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True)
    try:
        journal: Path = wait_for(lambda: journal_with_a_step(project) or tool.poll() is not None, "a journalled step")
        assert tool.poll() is None, "the apply ended before it could be interrupted"
        act(tool)
        tool.wait(timeout=300)
    finally:
        if tool.poll() is None:
            tool.kill()
            tool.wait()
    return journal, tool.returncode


@pytest.mark.slow
def test_ctrl_c_during_a_local_apply_rolls_back_and_exits(project: Path, tmp_path: Path) -> None:
    def ctrl_c(tool: subprocess.Popen[bytes]) -> None:
        assert emulators_in(project)  # the emulator is a child process
        os.killpg(tool.pid, signal.SIGINT)  # a terminal's Ctrl-C: the tool's whole process group

    err_path = tmp_path / "stderr.txt"
    journal, code = apply_150_and(project, err_path, ctrl_c)
    stderr = err_path.read_text(errors="replace")
    assert code == 1, stderr
    assert "Traceback" not in stderr and "rolling back" in stderr
    events = records(journal)
    assert [r["complete"] for r in events if r["event"] == "converged"] == [True]
    assert events[-1]["event"] == "finish" and events[-1]["outcome"] == "rolled_back"
    wait_for(lambda: not emulators_in(project), "the emulator to exit after the apply")
    assert run(project, "plan").returncode == 2  # the space is back at the start: all 150 types to create


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow
def test_a_local_target_served_by_emulator_serve_is_one_error(project: Path, tmp_path: Path) -> None:
    write_models(numbered(3), project / "models")
    data = project / ".reconcile" / "local" / "local"
    err_path = tmp_path / "serve.txt"
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": "another-token"}
    with err_path.open("wb") as err:
        server = subprocess.Popen([*RECONCILE, "emulator", "serve", "--port", str(free_port()), "--data", str(data)],
                                  cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        wait_for(lambda: "Serving" in err_path.read_text() or server.poll() is not None, "the server")
        assert server.poll() is None, err_path.read_text()
        result = run(project, "plan")
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert result.returncode == 1, result.stderr
    assert f"Error: the local target's data in {data} is in use by another process" in result.stderr
    assert "fix: stop that server" in result.stderr and "Traceback" not in result.stderr


def test_a_server_that_does_not_start_is_one_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_models(numbered(1), project / "models")
    monkeypatch.chdir(project)
    monkeypatch.setattr(local_emulator, "CHILD", [sys.executable, "-c", "import sys; sys.exit(3)"])
    result = CliRunner().invoke(app, ["plan"])
    assert result.exit_code == ERROR
    assert "Error: the local target's server did not start: it exited with code 3" in result.output
    assert "fix: run `reconcile emulator serve --data" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
