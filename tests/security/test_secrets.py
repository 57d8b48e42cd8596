"""The management token never leaves the process except in the Authorization header of a request.

A full workflow runs through the CLI as subprocesses (cwd = the project, the token only in the
environment variable the target's ``token_env`` names, or in a ``token_file`` outside the project)
against the emulator in this process: validate, plan in every format and ``--out``, show, apply of
the saved plan, an apply that fails mid-way (a 500 injected on a write) and rolls back, apply,
revert latest, drift in every format and ``--adopt``, pull, rehearse (sandbox and offline),
snapshots list/show/diff, and the error paths: a wrong token (401) and an unreachable ``base_url``.
Then the token, its base64 and url-encoded forms and ``Bearer <token>`` are searched for in every
command's stdout and stderr and in every file under the project directory; none may hold them.

The same search runs over ``str()``, ``repr()`` and the printed traceback of the errors the backend
raises for 401, 404, 409, 500, 503, a dropped connection, a timeout and a refused connection.

That no CLI option takes a token is asserted by ``tests/cli/test_cli.py::test_no_option_takes_a_token``.
"""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from reconcile.backend import Backend
from reconcile.declared import load_models, write_models
from reconcile.emulator import Emulator, Fault
from reconcile.emulator.faults import FaultAction
from reconcile.errors import ApiError
from reconcile.model import ContentModel
from reconcile.workflows.project import load_project
from tests.support import target_section, write_config

REPO = Path(__file__).resolve().parents[2]
TOKEN_ENV = "RECONCILE_SECRET_TEST_TOKEN"
UNSET_ENV = "RECONCILE_SECRET_TEST_UNSET"
# The CLI may take a while on a busy machine; a hanging command must still end the test.
COMMAND_TIMEOUT = 120


def sentinel(label: str) -> str:
    """A long random token, unique to this run, with characters base64 and url-encoding change."""
    return f"CFPAT-{label}-{secrets.token_urlsafe(24)}+/{secrets.token_hex(12)}="


def forms(token: str) -> dict[str, bytes]:
    """The spellings a leak could take."""
    raw = token.encode()
    return {
        "token": raw,
        "base64": base64.b64encode(raw),
        "base64 (url-safe)": base64.urlsafe_b64encode(raw),
        "url-encoded": quote(token, safe="").encode(),
        "Bearer header": f"Bearer {token}".encode(),
    }


def leaks(data: bytes | str, tokens: list[str]) -> list[str]:
    blob = data.encode() if isinstance(data, str) else data
    return [f"{name} of {token[:12]}…" for token in tokens for name, form in forms(token).items() if form in blob]


def test_the_search_finds_every_form() -> None:
    token = sentinel("probe")
    for form in forms(token).values():
        assert leaks(b"before " + form + b" after", [token])
    assert not leaks(token[:-1], [token])
    assert forms(token)["url-encoded"] != forms(token)["token"]  # the token has characters it encodes


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def changed(model: ContentModel, suffix: str, count: int = 3) -> ContentModel:
    """``model`` with the names of its first ``count`` content types changed: a PUT and a publish each."""
    cts = dict(model.content_types)
    for ct_id in sorted(cts)[:count]:
        cts[ct_id] = cts[ct_id].model_copy(update={"name": f"{cts[ct_id].name} {suffix}"})
    return model.model_copy(update={"content_types": cts})


@dataclass
class Ran:
    args: list[str]
    code: int
    stdout: str
    stderr: str


@dataclass
class Cli:
    root: Path
    env: dict[str, str]
    runs: list[Ran] = field(default_factory=list)
    watched: set[bytes] = field(default_factory=set)  # contents of watched files (the apply lock)

    def __call__(
        self,
        *args: str,
        expect: int | set[int] = 0,
        env: dict[str, str] | None = None,
        watch: Path | None = None,
    ) -> Ran:
        """Run ``reconcile ARGS``; with ``watch``, keep every content that file had while it ran."""
        # Output goes to files, not pipes: a full pipe would block the command while the file is watched.
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "reconcile", *args],
                cwd=self.root,
                env={**self.env, **(env or {})},
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
            )
            try:
                deadline = time.monotonic() + COMMAND_TIMEOUT
                while process.poll() is None and time.monotonic() < deadline:
                    if watch is not None:
                        with suppress(OSError):
                            self.watched.add(watch.read_bytes())
                    time.sleep(0.02)
                process.wait(timeout=1)
            finally:
                if process.poll() is None:
                    process.kill()
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(), err.read().decode()
        ran = Ran(list(args), process.returncode, stdout, stderr)
        self.runs.append(ran)
        allowed = {expect} if isinstance(expect, int) else expect
        assert ran.code in allowed, f"reconcile {' '.join(args)} exited {ran.code}:\n{ran.stdout}\n{ran.stderr}"
        assert "Traceback" not in ran.stderr, ran.stderr
        return ran


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "TOKEN" not in k.upper()}
    return {**env, "NO_COLOR": "1", "COLUMNS": "120"}


@dataclass
class Project:
    root: Path
    emulator: Emulator
    token: str
    cli: Cli
    token_file: Path | None  # None: the token is in the environment variable TOKEN_ENV

    def write(self, model: ContentModel) -> None:
        write_models(model, self.root / "models")

    @contextmanager
    def wrong_token(self, wrong: str) -> Iterator[dict[str, str]]:
        """The environment for commands that must present ``wrong`` (in the file, for the file variant)."""
        if self.token_file is None:
            yield {TOKEN_ENV: wrong}
            return
        self.token_file.write_text(wrong + "\n", encoding="utf-8")
        try:
            yield {}
        finally:
            self.token_file.write_text(self.token + "\n", encoding="utf-8")


def configure(root: Path, emulator: Emulator, dead_port: int, token_file: Path | None) -> None:
    # `test` reads the token from TOKEN_ENV, or (when given) only from `token_file`, outside the project.
    token_env = UNSET_ENV if token_file is not None else TOKEN_ENV
    write_config(
        root,
        target_section(emulator.base_url, token_env=token_env, token_file=token_file, timeout=10),
        target_section(f"http://127.0.0.1:{dead_port}", name="dead", token_env=token_env, token_file=token_file,
                       timeout=2),
    )


@pytest.fixture(params=["token_env", "token_file"])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    token = sentinel(request.param)
    root = tmp_path / "project"
    root.mkdir()
    env = base_env()
    token_file = None
    if request.param == "token_file":
        token_file = tmp_path / "secret" / "token"
        token_file.parent.mkdir()
        token_file.write_text(token + "\n", encoding="utf-8")
    else:
        env[TOKEN_ENV] = token
    with Emulator(token=token, spaces=["local"], rate_limit=None) as emulator:
        configure(root, emulator, closed_port(), token_file)
        write_models(load_models(REPO / "models").model, root / "models")
        yield Project(root, emulator, token, Cli(root, env), token_file)


def run_the_workflow(p: Project, wrong: str) -> None:
    cli, emu = p.cli, p.emulator
    v1 = load_models(p.root / "models").model
    v2 = changed(v1, "v2")

    cli("validate")
    for fmt in ("text", "markdown", "json"):
        cli("plan", "--format", fmt, expect=2)
    cli("plan", "--out", "plan.json", expect=2)
    cli("show", "plan.json", expect=2)
    cli("apply", "plan.json", "--auto-approve")

    # An apply that fails mid-way: the second content-type PUT gets a 500; the rollback restores v1.
    p.write(v2)
    emu.clear_log()
    emu.faults.add(Fault(action="500", method="PUT", path=r"/content_types/[^/]+$", nth=2))
    failed = cli("apply", "--auto-approve", expect=1)
    assert "Apply FAILED" in failed.stderr and "Rolled back" in failed.stderr, failed.stderr
    assert any(r.status == 500 for r in emu.request_log)
    cli("plan", expect=2)  # v2 is still pending: the rollback restored v1

    # The apply lock exists only while an apply runs: a slow write keeps it there long enough to read.
    emu.faults.add(Fault(action="delay", method="PUT", path=r"/content_types/[^/]+$", nth=1, delay=1.0))
    config = load_project(p.root / "reconcile.toml", None, p.root)
    cli("apply", "--auto-approve", watch=config.lock_path(config.config.target("test")))
    assert p.cli.watched, "the apply lock was never seen"
    cli("plan")
    cli("revert", "latest", "--auto-approve")

    # An out-of-band change, so drift reports both kinds, and --adopt writes a model file.
    backend = Backend(base_url=emu.base_url, token=p.token, space_id="local", environment_id="master")
    live = backend.read_live()
    ct_id = sorted(live.model.content_types)[-1]
    ct = live.model.content_types[ct_id]
    put = backend.put_content_type(
        ct.model_copy(update={"name": "Renamed elsewhere"}), live.meta[f"content_type:{ct_id}"].version
    )
    backend.publish_content_type(ct_id, put["sys"]["version"])
    for fmt in ("text", "markdown", "json"):
        cli("drift", "--format", fmt, expect=2)
    cli("drift", "--adopt", expect=2)

    cli("pull", "--models", "pulled")
    cli("rehearse")
    cli("rehearse", "--offline")

    listed = cli("snapshots", "list")
    ids = [line.split()[0] for line in listed.stdout.splitlines()[1:] if line.strip()]
    assert len(ids) >= 4, listed.stdout
    cli("snapshots", "show", ids[0])
    cli("snapshots", "diff", ids[0], ids[-1], expect={0, 2})
    cli("snapshots", "diff", ids[0], ids[-1], "--format", "json", expect={0, 2})

    # Error paths: a wrong token (401) and an unreachable base_url.
    with p.wrong_token(wrong) as env:
        for args in (["plan"], ["drift"], ["apply", "--auto-approve"], ["pull", "--models", "pulled-401"]):
            refused = cli(*args, expect=1, env=env)
            assert "401" in refused.stderr, refused.stderr
    for args in (["plan", "-t", "dead"], ["apply", "-t", "dead", "--auto-approve"], ["drift", "-t", "dead"]):
        unreachable = cli(*args, expect=1)
        assert "network error" in unreachable.stderr, unreachable.stderr


def project_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.mark.slow
def test_a_full_cli_workflow_never_shows_or_stores_the_token(project: Project) -> None:
    wrong = sentinel("wrong")
    run_the_workflow(project, wrong)
    tokens = [project.token, wrong]

    # The runs happened, with the right token: every kind of command, and requests the emulator accepted.
    ran = {" ".join(r.args[:2]) for r in project.cli.runs}
    assert {
        "validate",
        "plan --format",
        "apply plan.json",
        "apply --auto-approve",
        "revert latest",
        "drift --format",
        "pull --models",
        "rehearse",
        "rehearse --offline",
        "snapshots list",
        "snapshots show",
        "snapshots diff",
        "plan -t",
    } <= ran
    assert any(r.status == 401 for r in project.emulator.request_log)

    found = {}
    for r in project.cli.runs:
        for stream, text in (("stdout", r.stdout), ("stderr", r.stderr)):
            if hit := leaks(text, tokens):
                found[f"reconcile {' '.join(r.args)} ({stream})"] = hit
    files = project_files(project.root)
    names = {p.relative_to(project.root).parts[0] for p in files}
    assert {"snapshots", "models", "pulled", "plan.json", "reconcile.toml"} <= names, names
    assert any(p.name == "journal.jsonl" for p in files)
    for path in files:
        if hit := leaks(path.read_bytes(), tokens):
            found[str(path.relative_to(project.root))] = hit
    for index, content in enumerate(project.cli.watched):
        if hit := leaks(content, tokens):
            found[f"the apply lock (content {index})"] = hit
    assert not found, f"the token leaked into: {found}"
    if project.token_file is not None:  # the control: the search finds the token where it is meant to be
        assert leaks(project.token_file.read_bytes(), tokens)


# ---------------------------------------------------------------------------------------------
# the errors the backend raises


def error_texts(error: BaseException) -> list[str]:
    """``str``, ``repr`` and the printed traceback of ``error`` and of every exception chained to it."""
    texts = ["".join(traceback.format_exception(error))]
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen), repr(seen.args)]
        seen = seen.__cause__ or seen.__context__
    return texts


@pytest.fixture
def emulator_with_a_type() -> Iterator[tuple[Emulator, str]]:
    token = sentinel("backend")
    with Emulator(token=token, spaces=["local"], rate_limit=None) as emu:
        b = Backend(base_url=emu.base_url, token=token, space_id="local", environment_id="master")
        model = load_models(REPO / "models").model
        ct = model.content_types["author"]
        created = b.put_content_type(ct, None)
        b.publish_content_type("author", created["sys"]["version"])
        yield emu, token


def test_backend_errors_never_show_the_token(emulator_with_a_type: tuple[Emulator, str]) -> None:
    emu, token = emulator_with_a_type
    wrong = sentinel("wrong")

    def backend(tok: str = token, base_url: str = emu.base_url, timeout: float = 10.0) -> Backend:
        return Backend(base_url=base_url, token=tok, space_id="local", environment_id="master", timeout=timeout)

    b = backend()
    author = load_models(REPO / "models").model.content_types["author"]
    version = b.read_live().meta["content_type:author"].version
    put_path = r"/content_types/author$"

    def with_fault(action: FaultAction) -> Callable[[], Any]:
        def call() -> Any:
            emu.faults.add(Fault(action=action, method="PUT", path=put_path, nth=1))
            return b.put_content_type(author, version)

        return call

    def timing_out() -> Any:
        emu.faults.add(Fault(action="delay", method="PUT", path=put_path, nth=1, delay=1.5))
        return backend(timeout=0.3).put_content_type(author, version)

    cases: dict[str, tuple[Callable[[], Any], int | None]] = {
        "401 wrong token": (lambda: backend(wrong).read_raw(), 401),
        "404 unknown content type": (lambda: b.publish_content_type("noSuchType", 1), 404),
        "404 unknown environment": (lambda: b.for_environment("nope").read_raw(), 404),
        "409 version mismatch": (lambda: b.put_content_type(author, version + 7), 409),
        "409 injected": (with_fault("409"), 409),
        "500": (with_fault("500"), 500),
        "503": (with_fault("503"), 503),
        "dropped connection": (with_fault("drop"), None),
        "timeout": (timing_out, None),
        "connection refused": (lambda: backend(base_url=f"http://127.0.0.1:{closed_port()}").read_raw(), None),
    }
    found = {}
    for name, (call, status) in cases.items():
        with pytest.raises(ApiError) as caught:
            call()
        assert caught.value.status == status, (name, caught.value)
        for text in error_texts(caught.value):
            if hit := leaks(text, [token, wrong]):
                found[name] = (hit, text)
    assert not found, f"the token leaked into errors: {found}"
    # The Backend itself and its SDK client do not show it either.
    for obj in (b, b._client, backend(wrong)):
        assert not leaks(repr(obj), [token, wrong]) and not leaks(str(obj), [token, wrong])
