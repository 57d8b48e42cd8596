"""What many test folders share: a project whose target is an emulator, its `reconcile.toml`, the
approval every apply of a test gives, and the entry values a test compares before and after."""

from __future__ import annotations

import contextlib
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reconcile import workflows
from reconcile.backend import Backend
from reconcile.declared import write_models
from reconcile.emulator import Emulator
from reconcile.model import ContentModel


@dataclass
class Workspace:
    """A project folder (its reconcile.toml written by the fixture) and the emulator its target uses."""

    root: Path
    emulator: Emulator

    @property
    def models(self) -> Path:
        return self.root / "models"

    def project(self) -> workflows.Project:
        return workflows.load_project(None, None, self.root)

    def write(self, model: ContentModel) -> None:
        """Replace the model files with ``model``."""
        if self.models.exists():
            shutil.rmtree(self.models)
        write_models(model, self.models)


def approve(_: Any) -> bool:
    """The confirmation of an apply or revert: always yes."""
    return True


def entries_by_id(b: Backend) -> dict[str, dict[str, Any]]:
    """The fields of every entry of the environment, by entry id."""
    return {e.id: e.fields for e in b.fetch_entries()}


def target_section(base_url: str, *, name: str = "test", space: str = "local", token_env: str | None = None,
                   token_file: Path | None = None, **extra: float | str) -> str:
    """A `[targets.NAME]` of kind `contentful` at ``base_url``; ``extra`` holds further keys (rate_limit,
    timeout...). The token comes from ``token_env`` (default RECONCILE_TEST_TOKEN) and/or ``token_file``."""
    lines = [
        f"[targets.{name}]",
        'kind = "contentful"',
        f'space_id = "{space}"',
        'environment = "master"',
        f'base_url = "{base_url}"',
        f'token_env = "{token_env or "RECONCILE_TEST_TOKEN"}"',
    ]
    if token_file is not None:
        lines.append(f'token_file = "{token_file.as_posix()}"')
    lines += [f"{key} = {value!r}" if isinstance(value, str) else f"{key} = {value:g}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def write_config(root: Path, *sections: str, default_target: str = "test", models: str | None = None) -> None:
    """Write ``root/reconcile.toml`` with ``sections`` (from ``target_section``) and the default target."""
    project = f'[project]\ndefault_target = "{default_target}"\n' + (f'models = "{models}"\n' if models else "")
    (root / "reconcile.toml").write_text("\n".join([project, *sections]), encoding="utf-8")


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now (for a server started as a subprocess)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    """Wait until a server listens on 127.0.0.1:``port`` (a generous timeout: the machine may be busy)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout:g} s")
