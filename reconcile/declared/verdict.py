"""``reconcile validate`` on model files found clean before: list, read and hash them, nothing else (issue 16).

A run that reads the models with no problem records in the parse cache's header (``declared.cache``) its key
(``run_digest``: the tool's source and versions, the scope, the name and bytes of every model file it read)
and what ``validate`` reports: the counts of content types and locales. Its verdict is a pure function of
that key (the rules, the scope check and the shape checks read nothing else), so a later run whose files
give the same key has the same verdict: ``known_counts`` recomputes the key from the files as they are now,
the way the loader notes them (``loader._load_file``: ``<folder>/<name>`` and the hash of the bytes), and
returns the counts when they match. Anything else, such as a folder or a stray file in ``content_types/`` (a
problem the key would not show), a file that cannot be read or a missing ``locales.toml``, is left to
the full read, which reports it. A model that declares fills gets no verdict (``validate_models``): a fill
names the project's code, which the key does not cover, and is imported by every run.
"""

from __future__ import annotations

from pathlib import Path

from reconcile.declared.cache import cache_path, file_key, reader_key, run_digest, verdict
from reconcile.declared.layout import CONTENT_TYPES_DIR, LOCALES_FILE, MAX_FILE_BYTES, TAGS_FILE, content_type_entries
from reconcile.tomlsource import TomlReadError, read_bytes


def known_counts(cache_dir: Path, models_dir: Path, context: str) -> tuple[int, int] | None:
    """The counts of content types and locales of a run that found no problem in exactly these model files with
    this ``context`` (``ParseCache.run_key``) and this tool; None when there was none, or when the files are not
    plain (then only the full read says what is wrong). The files are read only when there is a verdict."""
    recorded = verdict(cache_path(cache_dir, models_dir))
    if recorded is None:
        return None
    seen, reader = _model_files_seen(models_dir), reader_key()
    if seen is None or reader is None or run_digest(reader, context, seen) != recorded[0]:
        return None
    return recorded[1:]


def _model_files_seen(models_dir: Path) -> list[str] | None:
    """"name hash" of each model file under ``models_dir``, as the loader notes them; None when the folder holds
    anything that is not a readable model file where reading looks (a problem), or lacks ``locales.toml``."""
    ct_dir, tags = models_dir / CONTENT_TYPES_DIR, models_dir / TAGS_FILE
    try:
        entries = content_type_entries(ct_dir) if ct_dir.exists() else []
        paths = [path for path, kind in entries if kind == "file"]
        if len(paths) != len(entries):
            return None
        paths += [models_dir / LOCALES_FILE, *([tags] if tags.exists() else [])]
        return [f"{path.parent.name}/{path.name} {file_key(read_bytes(path, MAX_FILE_BYTES))}" for path in paths]
    except (OSError, TomlReadError):
        return None
