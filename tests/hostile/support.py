"""The hostile corpus harness: a project whose ``contentful`` target is an emulator on 127.0.0.1, the CLI run
in-process, and the one assertion every case makes.

A case is one broken or hostile input file (or folder). It is put into a fresh project, the commands that
read that kind of file are run through ``reconcile.cli.app``, and each must:

- exit with code 1, without a traceback or an uncaught exception;
- print exactly one error (``Error: …`` on stderr, with a ``fix:`` line) that names the offending file and
  contains the case's expected text, and print nothing on stdout;
- stay short (a 20 MB input must not be echoed back) and free of terminal control characters;
- send the emulator no request at all (``reads`` allows GET requests, never a write).

Placeholders in case files, replaced when a case is placed into its project (so committed files stay valid
when the emulator's state or the fingerprint function changes): ``@BASE_URL@`` (the emulator),
``@LIVE_FINGERPRINT@`` (fingerprint of the emulator's state), ``@SHA256@`` in a snapshot's metadata.json
(the sha256 of the export.json next to it, so the case gets past the checksum to what it really tests).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner, Result

from reconcile.backend import Backend
from reconcile.cli import ERROR, app
from reconcile.emulator import Emulator
from reconcile.normalize import fingerprint

HERE = Path(__file__).parent
TOKEN = "hostile-corpus-token-0123456789"
TOKEN_ENV = "RECONCILE_HOSTILE_TOKEN"
# Terminal control characters (ESC, NUL, CR, ...): an error about a hostile file must not carry them to the
# terminal (an id with "\x1b[2J" would clear the screen); ids are shown with escapes.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Far above any real error message (a list of every problem of a damaged file), far below an echoed input.
MAX_OUTPUT = 20_000

CONFIG = f"""[project]
default_target = "test"

[targets.test]
kind = "contentful"
space_id = "local"
environment = "master"
base_url = "@BASE_URL@"
token_env = "{TOKEN_ENV}"
"""

# A small, valid model: one content type and the emulator's default locale.
LOCALES = """format = 1

[[locales]]
code = "en-US"
name = "English (United States)"
default = true
"""
NOTE = """format = 1
id = "note"
name = "Note"
display_field = "title"

[[fields]]
id = "title"
name = "Title"
type = "Symbol"
required = true

[[fields]]
id = "body"
name = "Body"
type = "Text"
"""


def header(raw: bytes, key: str) -> str | None:
    """The value of a ``# key: value`` comment line of a case file (None when absent)."""
    prefix = f"# {key}: ".encode()
    for line in raw.splitlines():
        if line.startswith(prefix):
            return line[len(prefix) :].decode("utf-8")
    return None


def expectations(text: str) -> list[str]:
    """``a | b`` -> ["a", "b"]: texts that must all appear in the error."""
    return [part.strip() for part in text.split("|") if part.strip()]


@dataclass
class Hostile:
    """One emulator shared by a test module, and the fingerprint of its (never changing) state."""

    emulator: Emulator
    live_fingerprint: str

    def substitute(self, data: bytes) -> bytes:
        return data.replace(b"@BASE_URL@", self.emulator.base_url.encode()).replace(
            b"@LIVE_FINGERPRINT@", self.live_fingerprint.encode()
        )

    def project(self, root: Path, models: Path | None = None) -> Path:
        """A project in ``root``: reconcile.toml pointing at the emulator, and the small valid model (or a
        copy of ``models``)."""
        (root / "reconcile.toml").write_bytes(self.substitute(CONFIG.encode()))
        if models is not None:
            shutil.copytree(models, root / "models")
        else:
            (root / "models" / "content_types").mkdir(parents=True)
            (root / "models" / "locales.toml").write_text(LOCALES, encoding="utf-8")
            (root / "models" / "content_types" / "note.toml").write_text(NOTE, encoding="utf-8")
        return root

    def place(self, source: Path, dest: Path) -> Path:
        """Copy a case file or folder to ``dest``, replacing the placeholders (``@SHA256@`` last)."""
        if source.is_dir():
            dest.mkdir(parents=True)
            for child in sorted(source.iterdir()):
                self.place(child, dest / child.name)
            meta = dest / "metadata.json"
            if meta.is_file() and (dest / "export.json").is_file():
                digest = hashlib.sha256((dest / "export.json").read_bytes()).hexdigest()
                meta.write_bytes(meta.read_bytes().replace(b"@SHA256@", digest.encode()))
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(self.substitute(source.read_bytes()))
        return dest

    def run(self, root: Path, args: Sequence[str]) -> tuple[Result, list[tuple[str, str]]]:
        """Run ``reconcile ARGS`` in ``root``; the result and the requests the emulator received."""
        self.emulator.clear_log()
        cwd = Path.cwd()
        os.chdir(root)
        try:
            result = CliRunner().invoke(app, list(args), env={TOKEN_ENV: TOKEN, "COLUMNS": "100"})
        finally:
            os.chdir(cwd)
        return result, [(r.method, r.path) for r in self.emulator.request_log]

    def assert_refused(
        self,
        root: Path,
        args: Sequence[str],
        *,
        names: str | Path,
        expect: Sequence[str],
        reads: bool = False,
        stage_output: bool = False,
    ) -> None:
        """Run the command and assert the one clear error described in the module docstring.

        ``stage_output``: ``rehearse`` reports a failed stage on stdout (its stage table), not as ``Error:``.
        """
        result, requests = self.run(root, args)
        command = "reconcile " + " ".join(str(a) for a in args)
        output = result.output
        context = f"{command}\n--- exit {result.exit_code}, output:\n{output[:4000]}"
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{context}\n--- uncaught {type(result.exception).__name__}: {result.exception}"
        )
        assert result.exit_code == ERROR, context
        assert "Traceback" not in output, context
        assert len(output) < MAX_OUTPUT, f"{command}: {len(output)} characters of output"
        assert not CONTROL.search(output), f"{context}\n--- control characters: {CONTROL.findall(output)}"
        if stage_output:
            message = result.stdout
            assert "Rehearsal FAILED." in message and message.count("FAILED") == 2, context
        else:
            message = result.stderr
            assert result.stdout == "", context
            assert message.count("Error:") == 1 and message.startswith("Error: "), context
        assert "fix:" in message, f"{context}\n--- no fix: line"
        assert str(names) in message, f"{context}\n--- does not name {names}"
        for text in expect:
            assert text in message, f"{context}\n--- expected {text!r}"
        writes = [r for r in requests if r[0] != "GET"]
        assert not writes, f"{command} sent writes: {writes}"
        if not reads:
            assert not requests, f"{command} sent requests before checking its input: {requests}"


def hostile_emulator() -> Iterator[Hostile]:
    """An emulator with the default state of a new space (only the en-US locale)."""
    with Emulator(token=TOKEN, spaces=["local"]) as emulator:
        backend = Backend(base_url=emulator.base_url, token=TOKEN, space_id="local", environment_id="master")
        yield Hostile(emulator, fingerprint(backend.read_live().model))
