"""Ctrl-C and `kill -TERM` at each stage of a release and of a rollback, through the CLI.

The signal is sent to this process by the emulator (its request thread) while it answers the request of
the stage under test, so the handler the run installed gets it at that point, with no timing involved.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconcile.emulator import Emulator
from tests.emulator.emu_support import Http
from tests.release.conftest import ReleaseProject, make_project


def signal_on(obj: Any, name: str, signum: int, when: Callable[..., bool],
              pid: Callable[[], int] = os.getpid) -> list[int]:  # fmt: skip
    """Wrap ``obj.name`` (an emulator store method): the first call for which ``when(*args)`` holds sends
    ``signum`` to this process (or to ``pid()``) once the call has been carried out."""
    original, sent = getattr(obj, name), []

    def wrapped(*args: Any) -> Any:
        answer = original(*args)
        if not sent and when(*args):
            sent.append(signum)
            os.kill(pid(), signum)
        return answer

    setattr(obj, name, wrapped)
    return sent


def releases(proj: ReleaseProject) -> list[str]:
    return [env for env in proj.environments() if env.startswith("release-")]


def journal(proj: ReleaseProject) -> list[dict[str, Any]]:
    path = proj.root / "snapshots" / "prod" / "releases.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_ctrl_c_while_the_clone_is_polled_deletes_it_and_finishes_the_journal(proj: ReleaseProject) -> None:
    sent = signal_on(proj.emulator.store.environments, "get", signal.SIGINT,
                     lambda space, env_id: env_id.startswith("release-"))  # fmt: skip
    result = proj.run("release", "--auto-approve")
    assert sent and result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "Error: the release was interrupted (SIGINT) before the switch" in result.output
    assert proj.alias_target() == "main"
    assert not releases(proj)
    assert journal(proj)[-1]["event"] == "finish" and journal(proj)[-1]["outcome"] == "failed"
    assert "did not finish" not in proj.run("release", "--auto-approve").output


def test_ctrl_c_during_the_apply_in_the_release_environment_says_what_to_do(proj: ReleaseProject) -> None:
    """Found in a newcomer trial: a release interrupted while applying said `fix: fix that cause and run the
    release again`, as if something had failed that the user should repair."""
    sent = signal_on(proj.emulator.store.content_types, "put", signal.SIGINT,
                     lambda scope, *args: scope.env_id.startswith("release-"))  # fmt: skip
    result = proj.run("release", "--auto-approve")
    assert sent and result.exit_code == 1, result.output
    assert "Error: the release was interrupted (SIGINT) before the switch; alias 'master' was not switched" \
        in result.output
    assert "fix: nothing to undo; run the release again when ready" in result.output
    assert "fix that cause" not in result.output
    assert proj.alias_target() == "main"
    assert not releases(proj)


def test_sigterm_after_the_apply_stops_before_the_switch(proj: ReleaseProject) -> None:
    calls = []

    def second_read_of_main(space: str, env_id: str, *args: Any) -> bool:
        calls.append(env_id)
        return calls.count("main") == 2  # the check of the old environment, after the apply

    sent = signal_on(proj.emulator.store.entries, "collection", signal.SIGTERM,
                     lambda scope, *args: second_read_of_main(scope.space, scope.env_id))  # fmt: skip
    result = proj.run("release", "--auto-approve")
    assert sent and result.exit_code == 1, result.output
    assert "Error: the release was interrupted (SIGTERM) before the switch" in result.output
    assert proj.alias_target() == "main"
    assert not releases(proj)
    assert not [w for w in proj.writes() if "environment_aliases" in w]


def test_sigterm_during_the_switch_finishes_it_verified_then_exits_non_zero(proj: ReleaseProject) -> None:
    assert proj.run("release", "--auto-approve").exit_code == 0
    page = proj.root / "models" / "content_types" / "page.toml"
    page.write_text(page.read_text().replace('name = "Page"', 'name = "Web page"', 1))
    sent = signal_on(proj.emulator.store.aliases, "put", signal.SIGTERM, lambda *args: True)
    result = proj.run("release", "--auto-approve")
    assert sent and result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    new = journal(proj)[-1]
    assert new["event"] == "finish" and new["outcome"] == "complete"
    assert "interrupted (SIGTERM) after the switch" in result.output
    assert proj.alias_target() == max(releases(proj))
    assert len(releases(proj)) == 2  # nothing pruned after the signal (keep = 2 would keep both anyway)
    assert [r["step"] for r in journal(proj) if r.get("event") == "release_step"][-1] == "verify"


def test_ctrl_c_during_the_rollback_switch_is_journalled(proj: ReleaseProject) -> None:
    assert proj.run("release", "--auto-approve").exit_code == 0
    sent = signal_on(proj.emulator.store.aliases, "put", signal.SIGINT, lambda *args: True)
    result = proj.run("release", "rollback")
    assert sent and result.exit_code == 1, result.output
    assert proj.alias_target() == "main"
    last = journal(proj)[-2:]
    assert last[0]["step"] == "rollback" and last[0]["result"] == "ok"
    assert last[1]["event"] == "finish" and last[1]["outcome"] == "complete"


def test_a_signal_while_pruning_stops_the_pruning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Emulator(env_ready_delay=0.01, master_alias="main") as emu:
        proj = make_project(tmp_path, monkeypatch, emu, keep=0)
        http = Http(emu.base_url)
        for env_id in ("release-20200101-000000", "release-20200102-000000"):
            http.request("PUT", f"/spaces/local/environments/{env_id}", {"name": env_id},
                         headers={"X-Contentful-Source-Environment": "main"})  # fmt: skip
        sent = signal_on(emu.store.environments, "delete", signal.SIGTERM, lambda *args: True)
        result = proj.run("release", "--auto-approve")
        assert sent and result.exit_code == 1, result.output
        assert "interrupted (SIGTERM) after the switch" in result.output
        assert len(releases(proj)) == 2  # the one deleted when the signal came, no other: the new one and one old


@pytest.mark.slow
def test_kill_term_of_a_release_process_while_the_clone_is_polled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a CI runner cancels a job: `kill -TERM` of the process while the clone is still queued."""
    with Emulator(env_ready_delay=3600, master_alias="main") as emu:  # the clone is never ready
        proj = make_project(tmp_path, monkeypatch, emu)
        proc = subprocess.Popen([sys.executable, "-m", "reconcile", "release", "--auto-approve"], cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not [r for r in emu.request_log if r.method == "GET" and "/environments/release-" in r.path]:
                assert proc.poll() is None and time.monotonic() < deadline, "the clone was never polled"
                time.sleep(0.05)
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 1 and "Traceback" not in stderr, stderr
        assert "Error: the release was interrupted (SIGTERM) before the switch" in stderr
        assert proj.alias_target() == "main" and not releases(proj)
        assert journal(proj)[-1]["outcome"] == "failed"


@pytest.mark.slow
def test_a_release_process_told_to_stop_after_its_apply_does_not_promise_a_rollback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signal's one line must say what the release does (no switch), not that the space rolls back."""
    with Emulator(env_ready_delay=0.01, master_alias="main") as emu:
        proj, procs, reads = make_project(tmp_path, monkeypatch, emu), [], []

        def check_of_main(scope: Any, *args: Any) -> bool:  # the second read of main's entries: the check
            reads.append(scope.env_id)
            return reads.count("main") == 2

        sent = signal_on(emu.store.entries, "collection", signal.SIGTERM, check_of_main, lambda: procs[0].pid)
        procs.append(subprocess.Popen([sys.executable, "-m", "reconcile", "release", "--auto-approve"],
                                      cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        try:
            _, stderr = procs[0].communicate(timeout=300)
        finally:
            if procs[0].poll() is None:
                procs[0].kill()
        assert sent and procs[0].returncode == 1, stderr
        assert "rolls back" not in stderr and "returned to its snapshot" not in stderr
        assert "SIGTERM received: no new write starts; the release stops before switching the alias" in stderr
        assert proj.alias_target() == "main" and not releases(proj)
