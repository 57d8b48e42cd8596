"""The ``reconcile`` command line: parse, call one ``workflows`` function, render, exit with a named code.

Data goes to stdout; progress and diagnostics to stderr. Expected failures print one clear message and
exit 1 (3 when blocked by policy), never a traceback. The management token is never taken as an argument:
it comes from the environment variable (or file) that ``reconcile.toml`` names.

The package: ``base`` (the app, options, exit codes, the error boundary), ``terminal`` (progress, prompts),
``changes`` (validate, plan, apply, revert, drift), ``others`` (rehearse, show, pull, unlock, schema,
snapshots, emulator serve). Importing the package registers every command on ``app``.

The rules the CLI keeps (what it may import): docs/architecture.md.
"""

from __future__ import annotations

import gc
import os

from reconcile import workflows
from reconcile.cli import changes, others, release
from reconcile.cli.base import BLOCKED, CHANGES, ERROR, OK, app
from reconcile.cli.terminal import TerminalProgress

__all__ = ["BLOCKED", "CHANGES", "ERROR", "OK", "TerminalProgress", "app", "changes", "main", "others", "release"]


def main() -> None:
    # pydantic looks for plugins in every installed distribution's entry points on its first validation (0.026 s
    # of CPU per command, issue 16); the tool uses none. Set to "" to have pydantic look again.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    workflows.keep_until_exit()
    try:
        app()
    finally:
        # The process ends here: the interpreter's last garbage collection (at exit) would walk every value
        # the command built (0.15 s after a plan at 1,000 content types, issue 16); frozen, they are skipped.
        gc.freeze()
