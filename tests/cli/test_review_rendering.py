"""Plans a reviewer can read, through the CLI: one `+` line for a list member added; colour in the plan
text on a terminal only, never with NO_COLOR (https://no-color.org), never piped."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconcile.cli import CHANGES, OK, app
from reconcile.cli.base import colour

REPO = Path(__file__).resolve().parents[2]
GREEN = b"\x1b[32m"


def _plan_output(project: Path, *, tty: bool, no_color: str | None) -> bytes:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color is not None:
        env["NO_COLOR"] = no_color
    if not tty:
        run = subprocess.run(
            [sys.executable, "-m", "reconcile", "plan"],
            cwd=project,
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 2, run.stderr
        return run.stdout
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "reconcile", "plan"], cwd=project, env=env, stdout=follower, stderr=subprocess.DEVNULL
    ) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=120) == 2
    os.close(leader)
    return b"".join(chunks)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "models", tmp_path / "models")
    (tmp_path / "reconcile.toml").write_text('[targets.local]\nkind = "local"\n', encoding="utf-8")
    return tmp_path


@pytest.mark.slow
def test_plan_is_coloured_on_a_terminal_only(project: Path) -> None:
    assert GREEN in _plan_output(project, tty=True, no_color=None)
    assert b"\x1b[" not in _plan_output(project, tty=True, no_color="1")
    assert b"\x1b[" not in _plan_output(project, tty=False, no_color=None)


class _Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "no_color", "expected"),
    [(True, None, True), (True, "1", False), (True, "", True), (False, None, False), (False, "1", False)],
)
def test_colour_decision(monkeypatch: pytest.MonkeyPatch, tty: bool, no_color: str | None, expected: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert colour(_Stream(tty)) is expected  # type: ignore[arg-type]


def test_plan_shows_one_member_added_as_one_plus_line(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the CLI: `author` may link one more content type; text and Markdown show one `+` line."""
    monkeypatch.chdir(project)
    runner = CliRunner()
    assert runner.invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    blog = project / "models" / "content_types" / "blogPost.toml"
    text = blog.read_text(encoding="utf-8")
    blog.write_text(text.replace('[{ linkContentType = ["author"] }]', '[{ linkContentType = ["author", "page"] }]'))
    for fmt in ("text", "markdown"):
        result = runner.invoke(app, ["plan", "--format", fmt])
        assert result.exit_code == CHANGES, result.output
        lines = [line.strip() for line in result.stdout.splitlines()]
        start = lines.index("validations[0].linkContentType:")
        assert lines[start + 1] == '+ "page"'
        assert not lines[start + 2].startswith(("+", "-", "validations")), lines[start : start + 3]
        assert sum(line.startswith('+ "') for line in lines) == 1
