"""A signal during a revert's entry restore (issue 14 trial): no new entry write starts, the revert is
rolled back to its pre-revert snapshot, values and publish state included, and exits 1. It used to
carry on restoring every entry, then report the revert complete (exit 0) despite the Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import pytest

from reconcile.cli import OK
from reconcile.emulator import Fault

from .conftest import TOKEN, Workspace, backend
from .test_transforms import cli, entries, seed

pytestmark = pytest.mark.slow


def test_a_signal_during_the_reverts_entry_restore_rolls_the_revert_back(workspace: Workspace) -> None:
    seed(workspace, "symbol-to-text")
    assert cli(workspace, "apply", "--auto-approve")[0] == OK
    applied = entries(workspace)
    text_type = backend(workspace).read_live().model
    writing = threading.Event()
    # every entry PUT of the revert's restore takes a second: time to be interrupted between entries
    workspace.emulator.faults.add(Fault(action="delay", method="PUT", path=r"/entries/[^/]+$", times=10_000,
                                        delay=1.0, before=writing.set))
    env = {**os.environ, "RECONCILE_TEST_TOKEN": TOKEN, "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "reconcile", "revert", "latest", "--auto-approve", "--config",
                             str(workspace.root / "reconcile.toml")], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert writing.wait(timeout=120), "the revert never wrote an entry"
        proc.send_signal(signal.SIGTERM)
        workspace.emulator.faults.clear()
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        workspace.emulator.faults.clear()
    assert proc.returncode == 1, out + err
    assert "Revert interrupted (SIGTERM)" in err, err
    assert "restored 1 entry (stopped by a signal)" in err, err
    after = entries(workspace)
    assert {e: (a.fields, a.state) for e, a in after.items()} == {e: (a.fields, a.state) for e, a in applied.items()}
    assert backend(workspace).read_live().model.content_types["author"] == text_type.content_types["author"]
