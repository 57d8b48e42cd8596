"""What a command built is kept until its process ends, and never freed one value at a time (issue 16: freeing a
plan's values at 1,000 content types cost about 0.15 s of CPU): only when the process asks for it, as the
command line does (``reconcile.collector.keep_until_exit``). No timing here: what is checked is which values live."""

from __future__ import annotations

import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from reconcile import collector, workflows
from reconcile.collector import keep_until_exit, let_live

from .conftest import Workspace
from .models import numbered

ROOT = Path(__file__).resolve().parents[2]


class Value:
    """A value that can be referenced weakly."""


def test_values_are_freed_as_usual_unless_the_process_keeps_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collector, "_kept", None)  # restored after the test: the test process keeps nothing
    value = Value()
    freed = weakref.ref(value)
    let_live(value)
    del value
    assert freed() is None
    keep_until_exit()
    value = Value()
    kept = weakref.ref(value)
    let_live(value)
    del value
    assert kept() is not None


def test_a_plan_keeps_what_it_built_when_the_process_keeps_values(workspace: Workspace,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    workspace.apply(numbered(3))
    monkeypatch.setattr(collector, "_kept", None)
    keep_until_exit()
    outcome = workflows.plan(workspace.project(), None)
    assert outcome.plan.is_empty
    kept = [value for values in collector._kept or () if isinstance(values, tuple) for value in values]
    assert outcome.plan in kept  # with the declared model and the planning read
    assert len(kept) == 3


def test_the_command_line_never_frees_the_kept_values_at_exit() -> None:
    """The CLI's ``main`` asks for it; the values outlive the interpreter's clean-up (their ``__del__`` never runs)."""
    code = (
        "import sys\n"
        "from reconcile import collector\n"
        "from reconcile.cli import main\n"
        "class Noisy:\n"
        "    def __del__(self): print('freed', flush=True)\n"
        "sys.argv = ['reconcile', '--version']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "collector.let_live(Noisy())\n"
        "print('done', flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "done"
    assert "freed" not in done.stdout
