"""Helpers for the documentation tests: find `reconcile ...` command lines in shell scripts and Markdown,
and check them against the real command tree of the typer app (the same parser the CLI uses)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer.main
import yaml

from reconcile.cli import app

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
EXAMPLES = DOCS / "examples"
GITHUB_WORKFLOWS = sorted((EXAMPLES / "github").glob("*.yml"))

# Shell operators that end a simple command; redirections are skipped with their target.
_COMMAND_END = {";", "&&", "||", "|", "&", "(", ")", ";;", "|&"}
_COMMAND_START = {"then", "do", "else", "elif", "if", "while", "until", "time", "!", "{"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_REDIRECT = re.compile(r"^[<>]+&?$|^&>>?$")


@dataclass(frozen=True)
class Invocation:
    """One `reconcile` command found in a script or a document."""

    where: str
    argv: tuple[str, ...]  # the arguments after `reconcile`

    @property
    def subcommand(self) -> str:
        words = [a for a in self.argv if not a.startswith("-")]
        if words[:2] == ["release", "rollback"]:  # `release` is a command and a group (docs/releases.md)
            return "release rollback"
        return " ".join(words[:2]) if words[:1] in (["snapshots"], ["emulator"]) else (words[0] if words else "")

    def __str__(self) -> str:
        return f"{self.where}: reconcile {shlex.join(self.argv)}"


def _logical_lines(script: str) -> Iterator[str]:
    """Lines of a shell script with backslash-newline continuations joined."""
    yield from script.replace("\\\n", " ").splitlines()


def _is_reconcile(token: str) -> bool:
    return token == "reconcile" or token.endswith("/reconcile")


def reconcile_argvs(line: str) -> list[list[str]]:
    """Every `reconcile ...` simple command on one shell line, as argument lists (without `reconcile`).

    Quotes are removed the way the shell does; `$VAR` stays as written; redirections (`> f`, `2> f`,
    `2>&1`) and what follows the command (`| ...`, `; ...`, `&& ...`) are not arguments.
    """
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:  # an unbalanced quote: not a shell command line (e.g. prose)
        return []
    found: list[list[str]] = []
    i = 0
    at_start = True
    while i < len(tokens):
        if at_start and _ASSIGNMENT.match(tokens[i]):  # `VAR=value reconcile ...`
            i += 1
            continue
        if at_start and _is_reconcile(tokens[i]):
            argv: list[str] = []
            i += 1
            while i < len(tokens) and tokens[i] not in _COMMAND_END:
                token = tokens[i]
                if _REDIRECT.match(token):
                    i += 2  # the operator and its target
                    continue
                if token.isdigit() and i + 1 < len(tokens) and _REDIRECT.match(tokens[i + 1]):
                    i += 3  # `2> file`: the fd, the operator and its target
                    continue
                argv.append(token)
                i += 1
            found.append(argv)
            at_start = True
        else:
            at_start = tokens[i] in _COMMAND_END or tokens[i] in _COMMAND_START
            i += 1
    return found


def script_invocations(script: str, where: str) -> list[Invocation]:
    return [Invocation(where, tuple(argv)) for line in _logical_lines(script) for argv in reconcile_argvs(line)]


def check_invocation(invocation: Invocation) -> None:
    """Parse the arguments with the app's own click commands; raise AssertionError naming the problem."""
    args = list(invocation.argv)
    command: Any = typer.main.get_command(app)
    path = ["reconcile"]
    while hasattr(command, "commands"):
        while args and args[0] == "--version":
            args.pop(0)
        if path != ["reconcile"] and getattr(command, "invoke_without_command", False) and (
                not args or args[0].startswith("-")):
            break  # a group that is also a command (`reconcile release -t prod`): parse its own options
        if not args:
            if path == ["reconcile"] and "--version" in invocation.argv:
                return
            raise AssertionError(f"{invocation}: no subcommand after {' '.join(path)}")
        name = args.pop(0)
        if name == "--help":
            return
        if name not in command.commands:
            raise AssertionError(
                f"{invocation}: {' '.join(path)} has no command {name!r} (commands: {', '.join(command.commands)})"
            )
        command = command.commands[name]
        path.append(name)
    if "--help" in args:
        return
    try:
        command.make_context(" ".join(path), args, resilient_parsing=False)
    except Exception as exc:  # click's UsageError family: unknown option, bad value, missing argument
        raise AssertionError(f"{invocation}: {type(exc).__name__}: {exc}") from None


def command_tree() -> dict[str, Any]:
    """Every leaf command by its path ("plan", "snapshots list"), as click commands."""
    leaves: dict[str, Any] = {}

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):
            if getattr(command, "invoke_without_command", False) and path:
                leaves[" ".join(path)] = command
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
        else:
            leaves[" ".join(path)] = command

    walk(typer.main.get_command(app), [])
    return leaves


# --- GitHub Actions workflows ---------------------------------------------------------------------


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The `on:` block (YAML 1.1 reads the bare key `on` as the boolean True)."""
    block = workflow.get("on", workflow.get(True))
    assert isinstance(block, dict), "workflow has no `on:` mapping"
    return block


@dataclass(frozen=True)
class RunStep:
    workflow: str
    job: str
    index: int
    step: dict[str, Any]
    env: dict[str, str]  # workflow env, then job env, then step env

    @property
    def where(self) -> str:
        return f"{self.workflow} job {self.job} step {self.index + 1} ({self.step.get('name', 'unnamed')})"

    @property
    def script(self) -> str:
        return str(self.step["run"])

    def invocations(self) -> list[Invocation]:
        return script_invocations(self.script, self.where)


def run_steps(path: Path) -> list[RunStep]:
    workflow = load_yaml(path)
    steps: list[RunStep] = []
    for job_name, job in workflow["jobs"].items():
        for index, step in enumerate(job.get("steps", [])):
            if "run" in step:
                env = {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}
                steps.append(RunStep(path.name, job_name, index, step, {k: str(v) for k, v in env.items()}))
    return steps


_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def expand(argv: tuple[str, ...], env: dict[str, str]) -> list[str]:
    """Expand `$VAR` / `${VAR}` as the shell would; an unknown variable is an error, not an empty string."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in env:
            raise AssertionError(f"variable ${name} is not set by the workflow or the test")
        return env[name]

    return [_VAR.sub(one, arg) for arg in argv]


# --- Markdown -------------------------------------------------------------------------------------

_FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)")
SHELL_LANGUAGES = {"sh", "bash", "shell", "console", "zsh"}


def markdown_shell_blocks(path: Path) -> Iterator[tuple[int, str, str]]:
    """(first line number, language, text) of every fenced code block in a shell language."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opened = _FENCE.match(lines[i])
        if not opened:
            i += 1
            continue
        fence, language = opened.group(1), opened.group(2).lower()
        body: list[str] = []
        start = i + 2
        i += 1
        while i < len(lines) and not lines[i].startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        if language in SHELL_LANGUAGES:
            if language == "console":  # only the `$ ` prompt lines are commands
                body = [line[2:] if line.startswith("$ ") else "" for line in body]
            yield start, language, "\n".join(body)


def markdown_invocations(path: Path) -> list[Invocation]:
    found: list[Invocation] = []
    for start, _, text in markdown_shell_blocks(path):
        for offset, line in enumerate(_logical_lines(text)):
            for argv in reconcile_argvs(line):
                found.append(Invocation(f"{path.relative_to(REPO)}:{start + offset}", tuple(argv)))
    return found


# --- error messages -------------------------------------------------------------------------------

_MESSAGE_CALLS = {
    "ReconcileError", "StalePlan", "LockHeld", "PolicyBlocked", "InputError", "Problem", "ValueError", "problem",
    "ApiError", "_err",
}
# What the CLI prints itself (with _err) and the documentation must explain: failures, not progress.
_CLI_FAILURE_WORDS = ("Error", "FAILED", "INCOMPLETE", "cancelled", "Interrupted", "Blocked")


@dataclass(frozen=True)
class Message:
    where: str  # file:line
    call: str
    text: str  # the message with every {expression} replaced by `…`
    fixed: str  # the longest literal part: what the documentation must quote


def _literal(node: Any) -> str | None:
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "…" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return (left or "…") + (right or "…") if left or right else None
    return None


def error_messages(paths: list[Path]) -> list[Message]:
    """Literal messages of the project's error constructors (and ``raise ValueError``) in ``paths``:
    the first argument of ReconcileError & co., Problem's ``message``, InputError's ``summary``."""
    import ast

    found: list[Message] = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name not in _MESSAGE_CALLS:
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            if name == "problem":  # validate.py's helpers: (..., message, hint)
                candidate = keywords.get("message", node.args[-2] if len(node.args) >= 2 else None)
            elif name == "Problem":
                candidate = keywords.get("message", node.args[2] if len(node.args) > 2 else None)
            elif name == "ApiError":  # (operation, resource, status, api_message)
                candidate = keywords.get("api_message", node.args[3] if len(node.args) > 3 else None)
            elif name == "InputError":
                candidate = keywords.get("summary", node.args[1] if len(node.args) > 1 else None)
            else:
                candidate = keywords.get("message", node.args[0] if node.args else None)
            text = _literal(candidate) if candidate is not None else None
            if text is None or (name == "_err" and not any(word in text for word in _CLI_FAILURE_WORDS)):
                continue
            parts = sorted((p.strip(" :,.;") for p in text.split("…")), key=len, reverse=True)
            fixed = parts[0] if parts else ""
            if len(fixed) >= 6:
                found.append(Message(f"{path.relative_to(REPO)}:{node.lineno}", name, text, fixed))
    return found


def source_files() -> list[Path]:
    """The tool's modules whose messages a user can see (the emulator's own messages reach the user only
    inside an API error, which troubleshooting covers by status)."""
    package = REPO / "reconcile"
    return sorted(p for p in package.rglob("*.py") if "emulator" not in p.relative_to(package).parts)
