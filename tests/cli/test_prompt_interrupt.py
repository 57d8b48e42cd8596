"""Ctrl-C at the confirmation prompt, typed on a real terminal (found in a newcomer trial: it printed click's
bare `Aborted.`): the tool's own one line on stderr, saying nothing was written, exit 1 as for any
interruption before the first write (docs/safety.md), and nothing written."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconcile.cli import ERROR
from reconcile.declared import write_models
from tests.performance.models import numbered


def read_until(fd: int, text: bytes, seen: bytearray, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in seen:
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {text!r}; seen: {bytes(seen)[-500:]!r}")
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal's other side closed: the tool ended
            pytest.fail(f"the tool ended before {text!r}; seen: {bytes(seen)[-500:]!r}")
        seen += chunk


@pytest.mark.parametrize("command", ["apply", "revert"])
def test_ctrl_c_at_the_prompt_says_nothing_was_written(tmp_path: Path, command: str) -> None:
    root = tmp_path.resolve()
    write_models(numbered(2), root / "models")
    (root / "reconcile.toml").write_text('[targets.local]\nkind = "local"\n', encoding="utf-8")
    if command == "revert":
        done = subprocess.run([sys.executable, "-m", "reconcile", "apply", "--auto-approve"], cwd=root,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    snapshots = sorted((root / "snapshots").rglob("metadata.json")) if command == "revert" else []
    pre_apply = [p.parent.name for p in snapshots if json.loads(p.read_text())["kind"] == "pre-apply"]
    args = [command, *pre_apply]
    controller, terminal = pty.openpty()
    tool = subprocess.Popen([sys.executable, "-m", "reconcile", *args], cwd=root, stdin=terminal,
                            stdout=terminal, stderr=terminal, start_new_session=True,
                            env={**os.environ, "NO_COLOR": "1"})
    os.close(terminal)
    seen = bytearray()
    try:
        read_until(controller, b"[y/N]: ", seen)
        # readline writes the prompt, then waits for input: a signal between the two is only seen at the next
        # keystroke (CPython's readline), a window no typed Ctrl-C hits; let the tool reach the wait
        time.sleep(0.5)
        os.killpg(tool.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to the tool's process group
        tool.wait(timeout=120)
        with_end = seen + drain(controller)
    finally:
        if tool.poll() is None:
            tool.kill()
            tool.wait()
        os.close(controller)
    after = bytes(with_end).split(b"[y/N]: ", 1)[1].decode()
    assert tool.returncode == ERROR, after
    assert "Aborted" not in after and "Traceback" not in after
    assert after.strip() == "Interrupted at the confirmation: nothing was written."
    assert sorted((root / "snapshots").rglob("metadata.json")) == snapshots  # no pre-run snapshot either
    assert not list((root / ".reconcile" / "locks").glob("*.lock"))


def drain(fd: int) -> bytes:
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return out
        if not chunk:
            return out
        out += chunk

