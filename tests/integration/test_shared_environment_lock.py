"""Two targets of one project on the same environment share one apply lock (found in a newcomer trial:
targets `prod` and `prod-copy` with the same base_url, space and environment each had their own lock,
so two applies could write one Contentful environment at once)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from reconcile.cli import ERROR, app
from reconcile.workflows.project import locked
from tests.support import target_section, write_config

from .conftest import Workspace
from .scenarios import START


def test_a_second_target_on_the_same_environment_is_refused_while_the_first_applies(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace.root)
    base_url = workspace.emulator.base_url
    write_config(workspace.root, target_section(base_url), target_section(base_url, name="copy"))
    workspace.write(START)
    project = workspace.project()
    with locked(project, project.config.target("test"), "apply"):
        result = CliRunner().invoke(app, ["apply", "--target", "copy", "--auto-approve"], env={"NO_COLOR": "1"})
    assert result.exit_code == ERROR
    assert "locked by apply (pid " in result.stderr and "target 'test'" in result.stderr
    assert "fix: " in result.stderr
    assert not [r for r in workspace.emulator.request_log if r.method in ("PUT", "POST", "DELETE")]
    other = target_section(base_url.replace("127.0.0.1", "localhost"), name="other", space="other")
    write_config(workspace.root, target_section(base_url), other)
    project = workspace.project()  # another space on the same server has a lock of its own
    assert project.lock_path(project.config.target("test")) != project.lock_path(project.config.target("other"))
