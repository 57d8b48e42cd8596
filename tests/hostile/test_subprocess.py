"""A few cases of each kind run as real processes (``python -m reconcile``), not in-process: the same single
error on a real stderr, whose encoding CliRunner does not reproduce (a lone surrogate or a look-alike in a
message must not become a UnicodeEncodeError traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .support import CONTROL, HERE, TOKEN, TOKEN_ENV, Hostile

REPO = HERE.parents[1]
# (kind, case, where it goes in the project, arguments; {path} is where it was placed)
RUNS = [
    ("model", "models/homoglyph_field_id.toml", "models/content_types/blogPost.toml", ["plan"]),
    ("plan", "plans/lone_surrogate.json", "plan.json", ["apply", "{path}", "--auto-approve"]),
    ("plan", "plans/resource_id_homoglyph.json", "plan.json", ["show", "{path}"]),
    ("snapshot", "exports/lone_surrogate_in_key.json", "backup.json", ["revert", "{path}", "--auto-approve"]),
    ("snapshot", "snapshots/export_content_type_id_homoglyph", "snapshots/test/20250101T120000Z-abc123",
     ["plan", "--from-export", "{path}"]),
    ("config", "config/ansi_escape_key.toml", "reconcile.toml", ["plan"]),
]


@pytest.mark.parametrize(("kind", "case", "place", "args"), RUNS, ids=[f"{r[0]}-{Path(r[1]).stem}" for r in RUNS])
def test_refused_in_a_real_process(
    hostile: Hostile, tmp_path: Path, kind: str, case: str, place: str, args: list[str]
) -> None:
    root = hostile.project(tmp_path.resolve(), models=REPO / "models" if kind == "model" else None)
    path = hostile.place(HERE / case, root / place) if not (root / place).is_file() else None
    if path is None:  # replaces a file of the project
        (root / place).unlink()
        path = hostile.place(HERE / case, root / place)
    hostile.emulator.clear_log()
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | {TOKEN_ENV: TOKEN}
    done = subprocess.run(
        [sys.executable, "-m", "reconcile", *(a.format(path=path) for a in args)],
        cwd=root, env=env, capture_output=True, timeout=60, check=False,
    )
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 1, stderr
    assert "Traceback" not in stderr and stderr.count("Error:") == 1 and "fix:" in stderr, stderr
    assert not CONTROL.search(stderr) and done.stdout == b"", stderr
    assert not hostile.emulator.request_log
