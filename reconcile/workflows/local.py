"""Commands that need no target: the JSON Schemas of the model files, and the local emulator server."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reconcile import declared


def write_schemas(directory: Path) -> list[Path]:
    """Write the JSON Schemas of the model files into ``directory`` (``reconcile schema``)."""
    return declared.write_schemas(directory)


def serve_emulator(
    port: int, data_dir: Path, spaces: Sequence[str], token: str, rate_limit: float | None,
    *, max_environments: int | None = None, master_alias: str | None = None,
) -> None:
    """Run the Contentful-compatible server on 127.0.0.1 until interrupted (``reconcile emulator serve``)."""
    from reconcile.emulator import serve  # loaded only for this command

    serve(port, data_dir, spaces, token, rate_limit, max_environments=max_environments, master_alias=master_alias)
