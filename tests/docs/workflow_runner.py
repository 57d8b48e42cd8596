"""A small, strict runner for the example GitHub Actions workflows, enough to run them end to end locally.

It runs every `run:` step with bash exactly as GitHub does for `shell: bash`
(`bash --noprofile --norc -eo pipefail`), with the workflow / job / step `env:`, `$GITHUB_OUTPUT`,
`$GITHUB_STEP_SUMMARY` and the step `if:` conditions evaluated. What needs GitHub itself is replaced:
`actions/upload-artifact` stores files in a local artifact store; steps that call `gh` must be given a
stand-in by the test (an unknown one is an error); installing the tool is skipped (it is on PATH);
checkout, setup-python and github-script steps are recorded, not run. Expressions may use only the
context the test provides: an unknown name is an error, so a workflow change the test does not model
fails loudly instead of passing by accident.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docs_support import load_yaml

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))|(?P<num>\d+)|(?P<name>[A-Za-z_][\w.-]*(?:\(\))?))"
)


class ExpressionError(AssertionError):
    pass


def evaluate(expression: str, lookup: Callable[[str], Any], failed: bool) -> Any:
    """Evaluate a GitHub Actions expression of the forms the examples use (comparisons, !, &&, ||,
    always(), success(), failure(), context names). Missing step outputs read as ''."""
    text = expression.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    python: list[str] = []
    values: dict[str, Any] = {}
    pos = 0
    while pos < len(text.rstrip()):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ExpressionError(f"cannot read expression {expression!r} at {text[pos:]!r}")
        pos = match.end()
        if match.group("str") is not None:
            python.append(repr(match.group("str")[1:-1].replace("''", "'")))
        elif match.group("op") is not None:
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(match.group("op"), match.group("op")))
        elif match.group("num") is not None:
            python.append(repr(match.group("num")))  # outputs are strings; compare as strings
        else:
            name = match.group("name")
            functions = {"always()": True, "success()": not failed, "failure()": failed, "cancelled()": False}
            if name in functions:
                python.append(repr(functions[name]))
            elif name in ("true", "false"):
                python.append(repr(name == "true"))
            else:
                key = f"v{len(values)}"
                values[key] = lookup(name)
                python.append(key)
    return eval("".join(python), {"__builtins__": {}}, values)


_EMBEDDED = re.compile(r"\$\{\{(.*?)\}\}")


@dataclass
class StepResult:
    name: str
    status: str  # "success", "failure", "skipped", "recorded" (a `uses:` step not run)
    outputs: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None


@dataclass
class JobResult:
    name: str
    steps: list[StepResult]
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return not self.skipped and all(s.status != "failure" for s in self.steps)

    def step(self, name: str) -> StepResult:
        for result in self.steps:
            if result.name == name:
                return result
        raise KeyError(f"no step named {name!r}; steps: {[s.name for s in self.steps]}")


StandIn = Callable[[dict[str, str], Path], None]


@dataclass
class Runner:
    workdir: Path
    bin_dir: Path  # first on PATH: holds `reconcile`
    artifacts: Path  # the artifact store: <artifacts>/<name>/<files>
    context: dict[str, Any]  # github.*, secrets.*, inputs.*
    stand_ins: dict[str, StandIn] = field(default_factory=dict)  # step name -> replacement for a `gh` step

    def run(self, workflow_path: Path, event: str) -> list[JobResult]:
        workflow = load_yaml(workflow_path)
        self.context["github.event_name"] = event
        results = []
        for job_name, job in workflow["jobs"].items():
            env: dict[str, str] = {}
            for source in (workflow.get("env", {}), job.get("env", {})):
                env.update({k: self._expand(str(v), env, {}, False) for k, v in source.items()})
            if "if" in job and not evaluate(job["if"], self._lookup(env, {}), False):
                results.append(JobResult(job_name, [], skipped=True))
                continue
            results.append(self._run_job(job_name, job, env))
        return results

    def _lookup(self, env: dict[str, str], steps: dict[str, StepResult]) -> Callable[[str], Any]:
        def lookup(name: str) -> Any:
            if name.startswith("env."):
                if name[4:] not in env:
                    raise ExpressionError(f"{name} is not set")
                return env[name[4:]]
            if name.startswith("steps."):
                parts = name.split(".")
                result = steps.get(parts[1])
                if result is None:
                    return ""
                if parts[2] == "outputs":
                    return result.outputs.get(parts[3], "")
                if parts[2] in ("outcome", "conclusion"):
                    return "skipped" if result.status == "skipped" else result.status
                raise ExpressionError(f"unsupported step property {name}")
            if name not in self.context:
                raise ExpressionError(f"the test does not model {name!r}")
            return self.context[name]

        return lookup

    def _expand(self, text: str, env: dict[str, str], steps: dict[str, StepResult], failed: bool) -> str:
        lookup = self._lookup(env, steps)
        return _EMBEDDED.sub(lambda m: str(evaluate(m.group(1), lookup, failed)), text)

    def _run_job(self, job_name: str, job: dict[str, Any], job_env: dict[str, str]) -> JobResult:
        results: list[StepResult] = []
        by_id: dict[str, StepResult] = {}
        failed = False
        for index, step in enumerate(job["steps"]):
            name = step.get("name") or step.get("uses") or f"step {index + 1}"
            env = dict(job_env)
            condition = step.get("if", "success()")
            if not evaluate(str(condition), self._lookup(env, by_id), failed):
                result = StepResult(name, "skipped")
            else:
                env.update({k: self._expand(str(v), env, by_id, failed) for k, v in step.get("env", {}).items()})
                result = self._run_step(name, step, env, by_id, failed)
            results.append(result)
            if "id" in step:
                by_id[step["id"]] = result
            failed = failed or result.status == "failure"
        return JobResult(job_name, results)

    def _run_step(
        self, name: str, step: dict[str, Any], env: dict[str, str], steps: dict[str, StepResult], failed: bool
    ) -> StepResult:
        if "uses" in step:
            action = str(step["uses"]).split("@")[0]
            if action == "actions/upload-artifact":
                inputs = {k: self._expand(str(v), env, steps, failed) for k, v in step.get("with", {}).items()}
                self._upload(inputs)
            return StepResult(name, "recorded")
        script = str(step["run"])
        if re.search(r"(^|\s)gh\s", script):
            if name not in self.stand_ins:
                raise AssertionError(f"step {name!r} calls gh and the test gives no stand-in for it")
            self.stand_ins[name](env, self.workdir)
            return StepResult(name, "success")
        if re.search(r"\bpip install\b", script):
            return StepResult(name, "success")  # the tool under test is already on PATH
        assert step.get("shell") == "bash", f"step {name!r}: set `shell: bash` (the scripts rely on bash)"
        output = self.workdir / ".github_output"
        output.write_text("")
        # A real token in the outer environment never reaches a step that does not set it itself.
        outer = {k: v for k, v in os.environ.items() if k != "CONTENTFUL_MANAGEMENT_TOKEN"}
        process_env = {
            **outer,
            "PATH": f"{self.bin_dir}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(self.workdir / ".github_step_summary"),
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": str(self.context["github.repository"]),
            "GITHUB_RUN_ID": "4242",
            "GITHUB_SHA": str(self.context["github.sha"]),
            "GITHUB_EVENT_NAME": str(self.context["github.event_name"]),
            **env,
        }
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=self.workdir, env=process_env, capture_output=True, text=True, timeout=240,
        )
        outputs = dict(
            line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
        )
        return StepResult(
            name, "success" if done.returncode == 0 else "failure", outputs, done.stdout, done.stderr, done.returncode
        )

    def _upload(self, inputs: dict[str, str]) -> None:
        name = inputs["name"]
        target = self.artifacts / name
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for pattern in inputs["path"].split():
            source = self.workdir / pattern
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            elif source.is_file():
                shutil.copy2(source, target / source.name)
            elif inputs.get("if-no-files-found", "warn") == "error":
                raise AssertionError(f"artifact {name}: {pattern} does not exist")
