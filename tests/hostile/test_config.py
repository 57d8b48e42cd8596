"""Broken and hostile ``reconcile.toml`` files, end to end: every command that reads the configuration
refuses them with one clear error naming the file (or, for a token, the variable), before any request.

Each file of ``config/`` is a case with comment headers: ``# expect: a | b`` (texts the error contains),
``# commands: validate plan apply`` (the commands to drive; ``validate`` reads the configuration but not
the target), optionally ``# names:`` (what the error must name instead of the file) and ``# line: N``.
``@BASE_URL@`` is the emulator (support.py). The hostile ones try to steer requests or files elsewhere:
ids with ``../`` in the URL, a target name that becomes a lock file path, userinfo and look-alike hosts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import HERE, Hostile, expectations, header

CASES = sorted((HERE / "config").glob("*.toml"))
COMMANDS = {"validate": ["validate"], "plan": ["plan"], "apply": ["apply", "--auto-approve"]}


def _runs() -> list[tuple[Path, str]]:
    runs = []
    for case in CASES:
        commands = header(case.read_bytes(), "commands")
        assert commands, f"{case.name} lacks its '# commands:' header"
        runs.extend((case, command) for command in commands.split())
    return runs


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize(("case", "command"), _runs(), ids=lambda v: v.stem if isinstance(v, Path) else v)
def test_config_file_is_refused(hostile: Hostile, tmp_path: Path, case: Path, command: str) -> None:
    raw = case.read_bytes()
    expected = header(raw, "expect")
    assert expected, f"{case.name} lacks its '# expect:' header"
    root = hostile.project(tmp_path.resolve())
    config = hostile.place(case, root / "reconcile.toml")
    line = header(raw, "line")
    names = header(raw, "names") or (f"{config}:{line}" if line else str(config))
    hostile.assert_refused(root, COMMANDS[command], names=names, expect=expectations(expected))
    assert not (tmp_path.parent / "escape.lock").exists() and not list(tmp_path.parent.glob("**/escape*"))
