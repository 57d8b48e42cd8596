"""The CI recipes under docs/examples/ and the pre-commit hook: they parse, they call only commands and
options the CLI has, the token comes only from the environment, and the workflows agree with each other
(artifact names, directories, the comment marker, the concurrency group)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from docs_support import (
    EXAMPLES,
    GITHUB_WORKFLOWS,
    REPO,
    Invocation,
    check_invocation,
    load_yaml,
    run_steps,
    script_invocations,
    triggers,
)

YAML_FILES = sorted(
    [p for p in EXAMPLES.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file()]
    + [REPO / ".pre-commit-hooks.yaml"]
)
# Commands that read or write the target, so they need the token in their environment.
TALKS_TO_TARGET = {"plan", "apply", "revert", "drift", "pull", "rehearse"}


def _workflow(name: str) -> dict[str, Any]:
    return load_yaml(EXAMPLES / "github" / name)


def _all_invocations() -> list[Invocation]:
    found = [inv for path in GITHUB_WORKFLOWS for step in run_steps(path) for inv in step.invocations()]
    gitlab = EXAMPLES / "gitlab" / "gitlab-ci.yml"
    if gitlab.exists():
        for job_name, job in load_yaml(gitlab).items():
            if isinstance(job, dict) and "script" in job:
                for line in job["script"]:
                    found += script_invocations(str(line), f"gitlab-ci.yml job {job_name}")
    return found


def test_the_expected_workflows_exist() -> None:
    assert [p.name for p in GITHUB_WORKFLOWS] == [
        "reconcile-apply.yml", "reconcile-drift.yml", "reconcile-plan.yml", "reconcile-revert.yml",
    ]


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_yaml_file_parses(path: Path) -> None:
    data = load_yaml(path)
    assert isinstance(data, dict | list) and data, f"{path} is empty"


@pytest.mark.parametrize("path", GITHUB_WORKFLOWS, ids=lambda p: p.name)
def test_workflow_shape(path: Path) -> None:
    workflow = load_yaml(path)
    assert workflow.get("name")
    assert triggers(workflow)
    assert isinstance(workflow.get("permissions"), dict), "declare least-privilege permissions"
    for job_name, job in workflow["jobs"].items():
        assert job.get("runs-on"), job_name
        assert job.get("timeout-minutes"), f"{job_name}: a hung apply must not hold the runner for 6 hours"
        for step in job["steps"]:
            assert ("run" in step) != ("uses" in step), f"{job_name}: {step}"
            if "run" in step:
                assert step.get("shell") == "bash", f"{step.get('name')}: scripts rely on bash -eo pipefail"
                # Expressions pasted into a script are a script-injection risk: pass values via env.
                assert "${{" not in str(step["run"]), f"{step.get('name')}: use env: instead of ${{{{ }}}}"
            else:
                assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), f"pin a major version: {step['uses']}"


def test_every_workflow_calls_reconcile() -> None:
    for path in GITHUB_WORKFLOWS:
        assert any(step.invocations() for step in run_steps(path)), f"{path.name} runs no reconcile command"


@pytest.mark.parametrize("invocation", _all_invocations(), ids=str)
def test_reconcile_command_exists(invocation: Invocation) -> None:
    check_invocation(invocation)


def test_command_checker_rejects_what_the_cli_rejects() -> None:
    """The checker above must be able to fail: unknown commands, options and values are caught."""
    for argv in (
        ("plan", "--fromat", "markdown"),
        ("plan", "--format", "md"),
        ("apply", "--yes"),
        ("revert",),
        ("snapshots", "rm", "x"),
        ("validate", "--out", "x.json"),  # validate takes --target (its scope) but writes nothing
        ("emulator", "serve", "--port", "P"),
    ):
        with pytest.raises(AssertionError):
            check_invocation(Invocation("test", argv))
    check_invocation(Invocation("test", ("plan", "-t", "prod", "-f", "json", "--out", "p.json", "--allow-destroy")))


def _example_token_env(target: str) -> str:
    config = tomllib.loads((EXAMPLES / "reconcile.toml").read_text())
    return str(config["targets"][target].get("token_env", "CONTENTFUL_MANAGEMENT_TOKEN"))


@pytest.mark.parametrize("path", GITHUB_WORKFLOWS, ids=lambda p: p.name)
def test_token_comes_from_a_secret_in_the_env_var_reconcile_toml_names(path: Path) -> None:
    target = load_yaml(path)["env"]["RECONCILE_TARGET"]
    token_env = _example_token_env(target)
    text = path.read_text()
    for step in run_steps(path):
        for invocation in step.invocations():
            joined = " ".join(invocation.argv)
            assert "secrets" not in joined and token_env not in joined, f"{invocation}: the token is not an argument"
            if invocation.subcommand in TALKS_TO_TARGET:
                value = step.env.get(token_env, "")
                assert re.fullmatch(r"\$\{\{ secrets\.\w+ \}\}", value), f"{step.where}: set {token_env} from a secret"
    # The secret is given only to the steps that need it, never to the whole workflow or job.
    workflow = load_yaml(path)
    assert token_env not in workflow.get("env", {})
    assert all(token_env not in job.get("env", {}) for job in workflow["jobs"].values())
    assert "--token" not in text


def test_plan_workflow_posts_one_updated_comment_and_saves_the_plan() -> None:
    workflow = _workflow("reconcile-plan.yml")
    assert "pull_request" in triggers(workflow)
    assert workflow["permissions"].get("pull-requests") == "write"
    steps = workflow["jobs"]["plan"]["steps"]
    plan_runs = [inv for s in run_steps(EXAMPLES / "github" / "reconcile-plan.yml") for inv in s.invocations()]
    assert [inv.subcommand for inv in plan_runs] == ["plan"]
    argv = plan_runs[0].argv
    assert argv[argv.index("--format") + 1] == "markdown"
    out = argv[argv.index("--out") + 1]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert out in str(upload["with"]["path"]).split()
    assert "'2'" in upload["if"] and "'0'" in upload["if"] and "'3'" not in upload["if"]
    script = next(s for s in steps if str(s.get("uses", "")).startswith("actions/github-script"))["with"]["script"]
    assert "<!-- reconcile-plan:" in script
    for call in ("listComments", "updateComment", "createComment", "paginate"):
        assert call in script, call


def test_plan_artifact_name_matches_what_the_apply_workflow_downloads() -> None:
    plan_steps = _workflow("reconcile-plan.yml")["jobs"]["plan"]["steps"]
    upload = next(s for s in plan_steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    uploaded = upload["with"]["name"].replace("${{ env.RECONCILE_TARGET }}", "$RECONCILE_TARGET").replace(
        "${{ github.event.pull_request.number }}", "$pr"
    )
    apply_path = EXAMPLES / "github" / "reconcile-apply.yml"
    download = next(s for s in run_steps(apply_path) if "gh run download" in s.script and "pulls" in s.script)
    assert f'name="{uploaded}"' in download.script
    directory = re.search(r"gh run download .* --dir (\S+)", download.script)
    assert directory
    applies = [inv for s in run_steps(apply_path) for inv in s.invocations() if inv.subcommand == "apply"]
    assert applies and all(inv.argv[1] == f"{directory.group(1)}/plan.json" for inv in applies)


def test_apply_workflow_applies_the_saved_plan_serialised() -> None:
    workflow = _workflow("reconcile-apply.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    concurrency = workflow["concurrency"]
    assert concurrency["cancel-in-progress"] is False
    assert concurrency["group"] == _workflow("reconcile-revert.yml")["concurrency"]["group"]
    applies = [
        inv for s in run_steps(EXAMPLES / "github" / "reconcile-apply.yml") for inv in s.invocations()
        if inv.subcommand == "apply"
    ]
    assert len(applies) == 1
    assert "--auto-approve" in applies[0].argv and applies[0].argv[1].endswith(".json")
    assert "--allow-destroy" not in applies[0].argv  # destroys are allowed only by the reviewed allow list


def test_drift_workflow_runs_on_a_schedule_and_fails_on_drift() -> None:
    workflow = _workflow("reconcile-drift.yml")
    assert triggers(workflow)["schedule"][0]["cron"]
    assert workflow["permissions"].get("issues") == "write"
    runs = [inv for s in run_steps(EXAMPLES / "github" / "reconcile-drift.yml") for inv in s.invocations()]
    assert [inv.subcommand for inv in runs] == ["drift"]
    fail = next(s for s in workflow["jobs"]["drift"]["steps"] if s.get("name") == "Fail on drift or error")
    assert "exit 1" in fail["run"]


def test_snapshot_history_artifact_is_one_name_everywhere() -> None:
    uploaded = set()
    for name in ("reconcile-apply.yml", "reconcile-revert.yml"):
        for job in _workflow(name)["jobs"].values():
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/upload-artifact"):
                    assert step["if"].startswith("always()"), f"{name}: keep snapshots after a failure too"
                    uploaded.add((step["with"]["name"], step["with"]["path"]))
    assert len(uploaded) == 1
    (name, path), = uploaded
    config = tomllib.loads((EXAMPLES / "reconcile.toml").read_text())
    assert path.rstrip("/") == config["project"]["snapshots"]
    shell_name = 'name="' + name.replace("${{ env.RECONCILE_TARGET }}", "$RECONCILE_TARGET") + '"'
    for path_ in GITHUB_WORKFLOWS:
        restores = [s for s in run_steps(path_) if s.step.get("name") == "Restore the snapshot history"]
        if path_.name != "reconcile-plan.yml":
            assert restores and all(shell_name in s.script for s in restores), path_.name
            assert all(f"--dir {config['project']['snapshots']}" in s.script for s in restores), path_.name


# --- pre-commit -------------------------------------------------------------------------------------

MODEL_PATHS = ["models/content_types/blogPost.toml", "models/locales.toml", "reconcile.toml"]
OTHER_PATHS = ["README.md", "docs/models/x.toml", "src/reconcile.toml.bak"]


def _check_hook(hook: dict[str, Any], where: str) -> None:
    assert hook["id"] == "reconcile-validate"
    assert hook["pass_filenames"] is False  # validate reads the whole models directory
    check_invocation(script_invocations(hook["entry"], where)[0])
    assert script_invocations(hook["entry"], where)[0].subcommand == "validate"
    pattern = re.compile(hook["files"])
    assert all(pattern.search(p) for p in MODEL_PATHS)
    assert not any(pattern.search(p) for p in OTHER_PATHS)


def test_pre_commit_hook_definition() -> None:
    hooks = load_yaml(REPO / ".pre-commit-hooks.yaml")
    assert isinstance(hooks, list) and len(hooks) == 1
    hook = hooks[0]
    assert hook["language"] == "python"  # pre-commit installs this repository's package
    assert hook["name"] and hook["description"]
    _check_hook(hook, ".pre-commit-hooks.yaml")


def test_pre_commit_config_example() -> None:
    config = load_yaml(EXAMPLES / ".pre-commit-config.yaml")
    (repo,) = config["repos"]
    (hook,) = repo["hooks"]
    _check_hook(hook, "docs/examples/.pre-commit-config.yaml")
    if repo["repo"] == "local":
        assert any(dep.startswith("contentful-reconcile") for dep in hook["additional_dependencies"])
