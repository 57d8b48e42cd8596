"""The layout of a models directory: which files it holds, what they are named, how large they may be::

    models/
      locales.toml                 # [[locales]]
      tags.toml                    # [[tags]], optional: without it the environment's tags are not managed
      content_types/<id>.toml      # one content type, its fields and its editor interface
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

CONTENT_TYPES_DIR = "content_types"
LOCALES_FILE = "locales.toml"
TAGS_FILE = "tags.toml"
# Far above any real content type (50 fields with long help texts stay under 100 kB); a file larger
# than this is refused before parsing so a stray dump cannot exhaust memory.
MAX_FILE_BYTES = 2_000_000
# Deepest nesting of tables/arrays accepted; real files need about 8 (rich-text `nodes` validations).
MAX_NESTING = 32


def content_type_path(models_dir: Path, content_type_id: str) -> Path:
    """Where the file of ``content_type_id`` lives under ``models_dir``."""
    return models_dir / CONTENT_TYPES_DIR / f"{content_type_id}.toml"


def is_model_file(path: Path) -> bool:
    """``<id>.toml`` with a non-empty id (an emacs lock ``.#x.toml`` is not one)."""
    return path.name.endswith(".toml") and len(path.name) > len(".toml") and not path.name.startswith(".#")


def id_of(path: Path) -> str:
    """The content type id a file name declares: the name without ``.toml`` (``.x.toml`` is ``.x``)."""
    return path.name.removesuffix(".toml")


#: What an entry of ``content_types/`` is to the reader: a content type file, a folder or another file (both
#: problems).
EntryKind = Literal["file", "folder", "stray"]


def content_type_entries(ct_dir: Path) -> list[tuple[Path, EntryKind]]:
    """Every entry of the folder ``ct_dir`` that reading looks at, sorted, with its kind; hidden entries (editor
    swap files, ``.DS_Store``) are left out, but for a hidden ``<id>.toml`` file."""
    entries: list[tuple[Path, EntryKind]] = []
    for entry in sorted(ct_dir.iterdir()):
        if entry.name.startswith(".") and not (entry.is_file() and is_model_file(entry)):
            continue  # editor swap files, .DS_Store, ...
        entries.append((entry, "folder" if entry.is_dir() else "file" if is_model_file(entry) else "stray"))
    return entries
