"""Where a snapshot's models came from: the git commit (and whether the work tree was dirty) of the
repository holding the models folder, recorded in every snapshot's metadata."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

#: git is asked with a time limit: a snapshot never waits long for provenance.
GIT_TIMEOUT_SECONDS = 5.0


def git_info(models_dir: object) -> dict[str, Any]:
    """``git_commit`` (and ``git_dirty``) of the repository holding ``models_dir``; empty when there is
    none, git is missing or slow."""
    if not isinstance(models_dir, str | Path) or not Path(models_dir).is_dir():
        return {}

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(models_dir), *args],
                capture_output=True,
                text=True,
                timeout=GIT_TIMEOUT_SECONDS,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if not commit:
        return {}
    status = git("status", "--porcelain", "--", ".")
    return {"git_commit": commit, "git_dirty": bool(status)} if status is not None else {"git_commit": commit}
