"""``reconcile --help`` and the CLI's import load only what they need: the SDK, pydantic, rich and the
tool's core are imported when a command runs (issue 16: --help within 0.25 s of CPU; timings in bench/)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("contentful_management", "pydantic", "requests", "reconcile.model", "reconcile.plan", "reconcile.backend",
         "reconcile.declared", "reconcile.emulator")  # fmt: skip


def _imported(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules), file=sys.stderr)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    return {
        name
        for name in result.stderr.splitlines()
        if name.split(".")[0] in ("contentful_management", "pydantic", "requests", "rich", "reconcile")
    }


def test_importing_the_cli_loads_no_heavy_module() -> None:
    loaded = _imported("import reconcile.cli")
    assert "reconcile.cli" in loaded
    assert not {name for name in loaded if name.startswith((*HEAVY, "rich"))}


def test_help_loads_neither_the_sdk_nor_the_model() -> None:
    code = "from reconcile.cli import app\ntry:\n    app(['--help'])\nexcept SystemExit:\n    pass"
    loaded = _imported(code)
    assert not {name for name in loaded if name.startswith(HEAVY)}


def test_the_workflow_names_still_resolve() -> None:
    from reconcile import render, workflows

    assert callable(workflows.plan) and callable(workflows.apply) and callable(workflows.pull)
    assert workflows.Plan.__name__ == "Plan" and callable(render.render_text)


def test_the_values_a_command_built_are_frozen_before_the_process_ends() -> None:
    """``main`` freezes the heap when the command returns (``gc.freeze``), so that the interpreter's last
    collection at exit does not walk every value the command built; atexit handlers run after it."""
    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, file=sys.stderr))\n"
             "sys.argv = ['reconcile', '--version']\n"
             "from reconcile.cli import main\n"
             "main()")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("reconcile ")
    assert "frozen True" in result.stderr
