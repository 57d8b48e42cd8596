"""The layout of a models directory: which files it holds, what they are named, how large they may be::

    models/
      locales.toml                 # [[locales]]
      tags.toml                    # [[tags]], optional: without it the environment's tags are not managed
      content_types/<id>.toml      # one content type, its fields and its editor interface
"""

from __future__ import annotations

from pathlib import Path

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
