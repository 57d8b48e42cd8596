"""Helpers for the declared-model tests: build a models directory in a temporary path."""

from __future__ import annotations

import shutil
from pathlib import Path

LOCALES = """format = 1

[[locales]]
code = "en-US"
name = "English (United States)"
default = true

[[locales]]
code = "de-DE"
name = "German"
fallback_code = "en-US"
"""

EXAMPLES = Path(__file__).resolve().parents[2] / "models"


def make_models(root: Path, content_types: dict[str, str | bytes], locales: str | bytes | None = LOCALES) -> Path:
    """A models directory under ``root`` with the given content type files (name -> text)."""
    models = root / "models"
    (models / "content_types").mkdir(parents=True)
    for name, text in content_types.items():
        path = models / "content_types" / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    if locales is not None:
        path = models / "locales.toml"
        if isinstance(locales, bytes):
            path.write_bytes(locales)
        else:
            path.write_text(locales, encoding="utf-8")
    return models


def content_type(ct_id: str, fields: str = "", extra: str = "") -> str:
    """A content type file text with ``fields`` appended verbatim."""
    return f'format = 1\nid = "{ct_id}"\nname = "{ct_id} name"\n{extra}\n{fields}'


def project_of_examples(root: Path) -> Path:
    """A project under ``root`` (the working directory of the test) with a copy of the example models and a
    ``local`` target, for commands run through the CLI."""
    shutil.copytree(EXAMPLES, root / "models")
    (root / "reconcile.toml").write_text('[targets.local]\nkind = "local"\n', encoding="utf-8")
    return root


def edit(path: Path, old: str, new: str) -> Path:
    """Replace the first ``old`` in the file at ``path`` by ``new`` (``old`` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path
