"""End to end: the example GitHub Actions workflows, run step by step against a local target.

The workflows' own bash steps run (with `$GITHUB_OUTPUT`, `if:` conditions, env); every `reconcile`
they call is the installed `.venv/bin/reconcile`, through a wrapper that logs each call's arguments and
exit code, so the tests assert both the documented exit codes and what the workflow does with them.
The target named in the workflows is declared `kind = "local"` in a copy of docs/examples/reconcile.toml.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from docs_support import EXAMPLES, REPO, load_yaml
from workflow_runner import JobResult, Runner

# The documented CI workflows run end to end in real processes: ~25 s.
pytestmark = pytest.mark.slow

WORKFLOWS = EXAMPLES / "github"
PLAN_WF, APPLY_WF, DRIFT_WF, REVERT_WF = (
    WORKFLOWS / f"reconcile-{name}.yml" for name in ("plan", "apply", "drift", "revert")
)
REAL_RECONCILE = Path(sys.executable).parent / "reconcile"
PR_NUMBER = 42


def _target_name() -> str:
    names = {load_yaml(path)["env"]["RECONCILE_TARGET"] for path in (PLAN_WF, APPLY_WF, DRIFT_WF, REVERT_WF)}
    assert len(names) == 1, f"the workflows name different targets: {names}"
    return names.pop()


TARGET = _target_name()


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.dir = root / "repo"
        self.dir.mkdir()
        shutil.copytree(REPO / "models", self.dir / "models")
        config = tomllib.loads((EXAMPLES / "reconcile.toml").read_text())
        assert TARGET in config["targets"], f"docs/examples/reconcile.toml does not declare [targets.{TARGET}]"
        config["targets"][TARGET] = {"kind": "local"}  # the same name, served by the embedded emulator
        (self.dir / "reconcile.toml").write_text(tomli_w.dumps(config))
        self.log = root / "reconcile.log"
        self.bin = root / "bin"
        self.bin.mkdir()
        wrapper = self.bin / "reconcile"
        wrapper.write_text(
            "#!/usr/bin/env bash\n"
            f'"{REAL_RECONCILE}" "$@"\n'
            "code=$?\n"
            f'printf "%s\\t%s\\n" "$code" "$*" >> "{self.log}"\n'
            'exit "$code"\n'
        )
        wrapper.chmod(0o755)
        self.artifacts = root / "artifacts"
        self.runner = Runner(
            workdir=self.dir,
            bin_dir=self.bin,
            artifacts=self.artifacts,
            context={
                "github.repository": "acme/site",
                "github.sha": "5e1f" * 10,
                "github.token": "gh-token-unused-here",
                "github.event.pull_request.number": PR_NUMBER,
                "github.event.pull_request.head.sha": "ab12" * 10,
                "github.event.pull_request.head.repo.full_name": "acme/site",
                "secrets.CONTENTFUL_MANAGEMENT_TOKEN": "unused-by-a-local-target",
                "inputs.snapshot": "latest",
            },
            stand_ins={
                "Restore the snapshot history": self._restore_history,
                "Download the plan reviewed in the pull request": self._download_plan,
            },
        )

    def _restore_history(self, env: dict[str, str], workdir: Path) -> None:
        """The history stays in the working directory between runs: as if the artifact was restored."""

    def _download_plan(self, env: dict[str, str], workdir: Path) -> None:
        """What the step's `gh run download` does: fetch the plan artifact of the merged pull request."""
        script = str(self._step(APPLY_WF, "Download the plan reviewed in the pull request")["run"])
        name_template = re.search(r'name="([^"]+)"', script)
        directory = re.search(r"gh run download .* --dir (\S+)", script)
        assert name_template and directory, "the download step no longer names its artifact and directory"
        name = name_template.group(1).replace("$RECONCILE_TARGET", env["RECONCILE_TARGET"]).replace(
            "$pr", str(PR_NUMBER)
        )
        stored = self.artifacts / name
        assert stored.is_dir(), f"no artifact {name!r}; uploaded: {sorted(p.name for p in self.artifacts.iterdir())}"
        shutil.copytree(stored, workdir / directory.group(1), dirs_exist_ok=True)

    @staticmethod
    def _step(path: Path, name: str) -> dict[str, Any]:
        for job in load_yaml(path)["jobs"].values():
            for step in job["steps"]:
                if step.get("name") == name:
                    return step
        raise KeyError(name)

    def run(self, workflow: Path, event: str) -> tuple[JobResult, list[tuple[int, str]]]:
        self.log.write_text("")
        jobs = self.runner.run(workflow, event)
        assert len(jobs) == 1
        lines = self.log.read_text().splitlines()
        calls = [(int(code), args) for code, args in (line.split("\t", 1) for line in lines)]
        return jobs[0], calls

    def reconcile(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(REAL_RECONCILE), *args], cwd=self.dir, capture_output=True, text=True, timeout=240
        )


@pytest.fixture
def project(tmp_path: Path) -> Project:
    if shutil.which("bash") is None:
        pytest.skip("bash is needed to run the workflow steps")
    return Project(tmp_path)


def _comment_marker_in_script() -> str:
    script = str(Project._step(PLAN_WF, "Post or update the plan comment")["with"]["script"])
    found = re.search(r"`(<!-- reconcile-plan:\$\{process\.env\.(\w+)\} -->)`", script)
    assert found, "the comment script no longer finds its comment by the <!-- reconcile-plan:TARGET --> marker"
    return found.group(1).replace(f"${{process.env.{found.group(2)}}}", TARGET)


def test_pull_request_plan_then_merge_apply_then_drift_then_stale_and_revert(project: Project) -> None:
    t = TARGET
    # 1. Pull request: the plan has changes (exit 2); the job passes, the comment and the artifact are made.
    job, calls = project.run(PLAN_WF, "pull_request")
    assert calls == [(2, f"plan --target {t} --format markdown --out plan.json")]
    assert job.ok, [(s.name, s.status, s.stderr) for s in job.steps]
    assert job.step("Plan").outputs == {"exitcode": "2"}
    assert job.step("Fail on error or blocked plan").status == "skipped"
    comment = (project.dir / "comment.md").read_text()
    assert comment.splitlines()[0] == _comment_marker_in_script() == f"<!-- reconcile-plan:{t} -->"
    assert (project.dir / "plan.md").read_text().strip() in comment
    assert "changes, applied when this pull request is merged" in comment
    saved = project.artifacts / f"reconcile-plan-{t}-pr{PR_NUMBER}"
    assert sorted(p.name for p in saved.iterdir()) == ["plan.json", "plan.md"]

    # 2. Merge: the saved plan is applied (0), then main and the target agree (plan exit 0).
    job, calls = project.run(APPLY_WF, "push")
    assert calls == [(0, f"apply reconcile-plan/plan.json --target {t} --auto-approve"), (0, f"plan --target {t}")]
    assert job.ok, [(s.name, s.status, s.stderr) for s in job.steps]
    assert job.step("Re-plan from main (manual run)").status == "skipped"
    kept = [p for p in (project.artifacts / f"reconcile-snapshots-{t}" / t).iterdir() if p.is_dir()]
    assert len(kept) >= 2, kept  # the pre-apply and the post-apply snapshot

    # 3. Schedule: no drift right after the apply (exit 0); the issue is closed, the job passes.
    job, calls = project.run(DRIFT_WF, "schedule")
    assert calls == [(0, f"drift --target {t} --format markdown")]
    assert job.ok
    assert job.step("Drift").outputs == {"exitcode": "0"}
    assert job.step("Open or update the drift issue").status == "skipped"
    assert job.step("Close the drift issue").status == "recorded"
    assert job.step("Fail on drift or error").status == "skipped"

    # 4. The same saved plan again: the live environment changed since it was made -> stale, exit 1.
    job, calls = project.run(APPLY_WF, "push")
    assert calls == [(1, f"apply reconcile-plan/plan.json --target {t} --auto-approve")]
    assert not job.ok
    apply_step = job.step("Apply the saved plan")
    assert apply_step.status == "failure" and apply_step.returncode == 1
    assert "stale plan" in apply_step.stderr
    assert job.step("Check main and the target agree").status == "skipped"
    assert job.step("Keep the snapshots").status == "recorded"  # always(): kept even when the apply fails

    # 5. The documented way out: run the apply workflow manually, which re-plans from main.
    job, calls = project.run(APPLY_WF, "workflow_dispatch")
    assert calls == [
        (0, f"plan --target {t} --format markdown --out reconcile-plan/plan.json"),
        (0, f"apply reconcile-plan/plan.json --target {t} --auto-approve"),
        (0, f"plan --target {t}"),
    ]
    assert job.ok

    # 6. Manual revert to `latest` (undo the last apply), then the PR plan shows the changes again.
    job, calls = project.run(REVERT_WF, "workflow_dispatch")
    assert calls == [(0, f"revert latest --target {t} --auto-approve")]
    assert job.ok, [(s.name, s.status, s.stderr) for s in job.steps]
    _, calls = project.run(PLAN_WF, "pull_request")
    assert calls == [(2, f"plan --target {t} --format markdown --out plan.json")]


def test_drift_fails_the_job_and_reports(project: Project) -> None:
    # Nothing applied yet: every model change is pending -> drift (exit 2).
    job, calls = project.run(DRIFT_WF, "schedule")
    assert calls == [(2, f"drift --target {TARGET} --format markdown")]
    assert not job.ok
    assert job.step("Drift").outputs == {"exitcode": "2"}
    assert job.step("Open or update the drift issue").status == "recorded"
    assert job.step("Close the drift issue").status == "skipped"
    fail = job.step("Fail on drift or error")
    assert fail.status == "failure" and f"drift on {TARGET}" in fail.stdout


def test_blocked_plan_is_commented_and_fails_without_a_saved_plan(project: Project) -> None:
    applied = project.reconcile("apply", "--target", TARGET, "--auto-approve")
    assert applied.returncode == 0, applied.stderr
    author = project.dir / "models" / "content_types" / "author.toml"
    text = author.read_text()
    without_bio = re.sub(r'\[\[fields\]\]\nid = "bio"\n.*?(?=\n\[\[|\Z)', "", text, flags=re.S)
    assert without_bio != text, "the example author model no longer has a `bio` field to remove"
    author.write_text(without_bio)  # removing a field destroys its data: blocked by default
    job, calls = project.run(PLAN_WF, "pull_request")
    assert calls == [(3, f"plan --target {TARGET} --format markdown --out plan.json")]
    assert not job.ok
    assert "BLOCKED by the destroy policy" in (project.dir / "comment.md").read_text()
    assert job.step("Save the plan for the apply after merge").status == "skipped"
    assert not (project.artifacts / f"reconcile-plan-{TARGET}-pr{PR_NUMBER}").exists()
    assert job.step("Fail on error or blocked plan").status == "failure"


def test_plan_error_is_commented_and_fails(project: Project) -> None:
    (project.dir / "models" / "content_types" / "author.toml").write_text('format = 1\nid = "author\n')
    job, calls = project.run(PLAN_WF, "pull_request")
    assert calls == [(1, f"plan --target {TARGET} --format markdown --out plan.json")]
    assert not job.ok
    comment = (project.dir / "comment.md").read_text()
    assert "FAILED (exit 1)" in comment and "```text" in comment and "author.toml" in comment
    assert job.step("Fail on error or blocked plan").status == "failure"


def test_fork_pull_requests_are_not_planned(project: Project) -> None:
    project.runner.context["github.event.pull_request.head.repo.full_name"] = "someone/fork"
    job, calls = project.run(PLAN_WF, "pull_request")
    assert job.skipped and calls == []
