"""The runs of the tool on a target after a given snapshot's run: whose writes a revert of that run takes as the
tool's own (``workflows.converge``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconcile.snapshots import JOURNAL_FILE, SNAPSHOT_ID_RE, Snapshot, info_of, read_metadata


def later_journals(snapshot: Snapshot) -> list[Path]:
    """The journals of the runs (apply, revert) that started after ``snapshot``'s run on the same target, space
    and environment, oldest first: the writes the tool made since that run (each run's metadata read once)."""
    if snapshot.journal_path is None or not snapshot.path.is_dir():
        return []
    mine = info_of(snapshot.path.parent.name, snapshot.path, snapshot.metadata)
    where = _where(snapshot.metadata)
    later = []
    for path in snapshot.path.parent.iterdir():
        if path.is_dir() and SNAPSHOT_ID_RE.match(path.name) and (path / JOURNAL_FILE).is_file():
            metadata = read_metadata(path)
            if _where(metadata or {}) == where:
                later.append(info_of(mine.target, path, metadata))
    return [info.path / JOURNAL_FILE for info in sorted(later, key=lambda info: (info.created, info.id))
            if (info.created, info.id) > (mine.created, mine.id)]


def _where(metadata: dict[str, Any]) -> tuple[Any, Any]:
    return metadata.get("space"), metadata.get("environment")
