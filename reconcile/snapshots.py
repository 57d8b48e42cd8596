"""Snapshots of a target's live state: the only module that writes snapshot files.

Layout under the store root (``snapshots/`` by default)::

    <target>/<YYYYMMDDTHHMMSSZ>-<6 hex>/
        export.json     raw API JSON under the `contentful space export` keys, in its order:
                        contentTypes, editorInterfaces, entries, locales
        metadata.json   kind, target, space, environment, plan hash, model fingerprint, git commit,
                        tool version, created time, sha256 of export.json (+ what the caller adds)
        journal.jsonl   written later by ``journal.Journal`` during the apply that follows

A snapshot is built in a hidden staging directory beside its final place (each file written to a
temporary file, flushed, fsynced and renamed, the directory fsynced), read back and verified (checksum,
JSON, shape), then renamed into place in one step and the parent directory fsynced. A failure at any
point removes the staging directory: a snapshot directory either exists complete and verified or not
at all. Loading verifies again, so a tampered, truncated or hand-edited snapshot is refused with the
file named, never used as a rollback target.

``load`` also reads a real ``contentful space export`` file (kind ``export``, no metadata), so a
backup taken with Contentful's own tool can be planned against or reverted to.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .collector import paused
from .errors import InputError, Problem, ReconcileError
from .export_shape import EXPORT_KEYS, OPTIONAL_EXPORT_KEYS, export_problems
from .fsio import atomic_write, atomic_write_chunks, fsync_dir
from .gitinfo import git_info
from .model import lone_surrogate_path
from .snapshot_entries import read_entries
from .snapshot_json import json_bytes, json_chunks

EXPORT_FILE = "export.json"
METADATA_FILE = "metadata.json"
JOURNAL_FILE = "journal.jsonl"
# The kind given to a plain `contentful space export` file, which carries no metadata.
EXPORT_KIND = "export"
TIME_FORMAT = "%Y%m%dT%H%M%SZ"
SNAPSHOT_ID_RE = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")
# A bare ref is an id or a prefix of one: only these characters, so it can never name another path.
_ID_PREFIX_RE = re.compile(r"^[0-9TZa-f-]+$")
TARGET_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_STAGING_PREFIX = ".staging-"
_REMOVING_PREFIX = ".removing-"
#: Snapshots of the state the tool left the environment at, or adopted or pulled into the files: drift's baselines.
BASELINE_KINDS = ("post-apply", "post-revert", "adopted", "pulled")

# Called with a stage name ("files-written", "verified") during ``create``; tests use it to inject a
# failure (or tamper with the staged files) between writing and the final rename.
FaultHook = Callable[[str, Path], None]


@dataclass(frozen=True)
class SnapshotInfo:
    """One snapshot as listed: enough to choose one without loading its export."""

    id: str
    target: str
    # None when metadata.json cannot be read (the snapshot will fail to load and says why).
    kind: str | None
    created: datetime
    path: Path


@dataclass(frozen=True)
class Snapshot:
    """A loaded, verified snapshot (or a plain export file, then ``kind == "export"``).

    ``export`` is the one the snapshot was loaded with; without one (a snapshot just written by
    ``SnapshotStore.create``, or ``replace(snapshot, loaded=None)``) it is read again from ``path``, verified,
    at each use, and not kept: an apply whose pre-apply snapshot is never needed does not hold the
    environment a second time (issue 16).
    """

    id: str
    path: Path
    metadata: dict[str, Any]
    loaded: dict[str, list[dict[str, Any]]] | None = field(default=None, repr=False, compare=False)

    @property
    def export(self) -> dict[str, list[dict[str, Any]]]:
        if self.loaded is not None:
            return self.loaded
        export = _load_path(self.path).loaded  # not kept: each use reads it again
        assert export is not None
        return export

    @property
    def kind(self) -> str:
        return str(self.metadata.get("kind", EXPORT_KIND))

    @property
    def target(self) -> str | None:
        target = self.metadata.get("target")
        return target if isinstance(target, str) else None

    @property
    def journal_path(self) -> Path | None:
        """The ``journal.jsonl`` of the run that started from this snapshot; None for a plain export
        file, which is only ever read."""
        return None if self.kind == EXPORT_KIND else self.path / JOURNAL_FILE


class SnapshotStore:
    """Snapshots under ``root``, one folder per target."""

    def __init__(self, root: Path, *, fault_hook: FaultHook | None = None) -> None:
        self.root = root
        self._fault_hook = fault_hook

    # --- writing -----------------------------------------------------------------------------------

    @paused()  # a burst of acyclic values: reconcile/collector.py
    def create(
        self,
        target: str,
        kind: str,
        export: dict[str, Any],
        metadata: dict[str, Any],
        *,
        now: datetime | None = None,
    ) -> Snapshot:
        """Write, read back and verify a new snapshot; return it loaded.

        ``export`` must hold the four ``EXPORT_KEYS``, each a list of raw API objects with a ``sys.id``.
        ``metadata`` is the caller's (space, environment, plan_hash, fingerprint, ...); when it names a
        ``models_dir`` inside a git repository, its ``git_commit`` (and whether the work tree is dirty)
        is recorded. ``kind``, ``target``, ``created``, ``tool_version`` and ``export_sha256`` are set
        here. Raises ``ReconcileError`` on any failure, leaving no snapshot directory behind.
        """
        _check_target_name(target)
        problems = export_problems(export, "export", required=EXPORT_KEYS)
        if problems:
            raise InputError(problems, summary="refusing to write an invalid snapshot")
        created = (now or datetime.now(UTC)).astimezone(UTC)
        snapshot_id = f"{created.strftime(TIME_FORMAT)}-{secrets.token_hex(3)}"
        parent = self.root / target
        final = parent / snapshot_id
        staging = parent / f"{_STAGING_PREFIX}{snapshot_id}"
        ordered = {key: export[key] for key in (*EXPORT_KEYS, *OPTIONAL_EXPORT_KEYS) if key in export}
        new_parent = not parent.exists()
        try:
            meta = {
                **metadata,
                "kind": kind,
                "target": target,
                "created": created.isoformat().replace("+00:00", "Z"),
                "tool_version": __version__,
            }
            written = self._write_verified(staging, ordered, meta)
            os.rename(staging, final)
            fsync_dir(parent)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if new_parent and isinstance(exc, TypeError | ValueError):  # a value JSON cannot hold: nothing is left
                with contextlib.suppress(OSError):
                    parent.rmdir()
            failure = _write_failure(exc, f"could not write a verified {kind} snapshot for target {target!r}", parent)
            if failure is None:
                raise
            raise failure from exc
        return Snapshot(id=snapshot_id, path=final, metadata=written)

    def _write_verified(self, staging: Path, ordered: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
        """Write ``export.json`` and ``metadata.json`` (plus the git commit and the export's checksum) into a
        new ``staging`` directory, durably, and read them back verified; return the metadata read back.

        The export is written as it is encoded, a batch at a time, its checksum computed on the way; reading
        it back checks the file's checksum in blocks. The bytes being the ones encoded from ``ordered``, the
        file holds ``ordered``, and neither its whole text nor a second copy of it is ever in memory."""
        staging.mkdir(parents=True)
        digest = hashlib.sha256()
        atomic_write_chunks(staging / EXPORT_FILE, json_chunks(ordered, digest))
        meta = {**meta, **git_info(meta.get("models_dir")), "export_sha256": digest.hexdigest()}
        atomic_write(staging / METADATA_FILE, json_bytes(meta))
        fsync_dir(staging)
        self._fault("files-written", staging)
        written = _checked_metadata(staging / METADATA_FILE)
        with open(staging / EXPORT_FILE, "rb") as handle:
            _check_checksum(staging / EXPORT_FILE, hashlib.file_digest(handle, "sha256").hexdigest(), written)
        self._fault("verified", staging)
        return written

    def _fault(self, stage: str, staging: Path) -> None:
        if self._fault_hook is not None:
            self._fault_hook(stage, staging)

    def remove(self, info: SnapshotInfo) -> None:
        """Remove a snapshot: renamed aside to a hidden name (which ``list`` and ``load`` never match) in one
        step, then deleted; a crash in between leaves only a hidden folder, removed by the next call."""
        parent = info.path.parent
        aside = parent / f"{_REMOVING_PREFIX}{info.id}"
        try:
            os.rename(info.path, aside)
            fsync_dir(parent)
            for leftover in parent.glob(f"{_REMOVING_PREFIX}*"):
                if leftover.is_symlink():
                    leftover.unlink()
                else:
                    shutil.rmtree(leftover)
        except OSError as exc:
            raise ReconcileError(
                f"could not remove snapshot {info.target}/{info.id}: {exc.strerror or exc}",
                hint="check the permissions of the snapshots folder; a folder named .removing-* left behind "
                "is no snapshot and can be deleted by hand",
            ) from None

    # --- reading -----------------------------------------------------------------------------------

    def list(self, target: str | None = None) -> list[SnapshotInfo]:
        """Snapshots of ``target`` (all targets when None), oldest first."""
        if target is not None:
            _check_target_name(target)
            parents = [self.root / target]
        else:
            parents = sorted(p for p in self.root.glob("*") if p.is_dir() and TARGET_NAME_RE.match(p.name))
        infos = []
        for parent in parents:
            if not parent.is_dir():
                continue
            for path in parent.iterdir():
                if path.is_dir() and SNAPSHOT_ID_RE.match(path.name):
                    infos.append(_info(parent.name, path))
        return sorted(infos, key=lambda info: (info.created, info.id))

    def latest(self, target: str, kind: str | tuple[str, ...] = "pre-apply") -> Snapshot | None:
        """The most recent snapshot of ``kind`` (or of any of the kinds) for ``target``, loaded and
        verified; None if there is none.

        A corrupt newest snapshot raises rather than silently falling back to an older one; so does a newer
        snapshot whose metadata cannot be read (it may be the one of that kind).
        """
        kinds = (kind,) if isinstance(kind, str) else kind
        for info in reversed(self.list(target)):
            if info.kind is None:
                self.load(info.id, target)  # raises, naming what is wrong with its metadata
            if info.kind in kinds:
                return self.load(info.id, target)
        return None

    def load(self, ref: str, target: str | None) -> Snapshot:
        """Load and verify a snapshot by reference.

        ``ref`` is a snapshot id, a unique prefix of one (within ``target``, or across all targets when
        None), a path to a snapshot folder or to its ``export.json``, or a path to a plain
        ``contentful space export`` file. A bare ref (no path separator, not ending in ``.json``) is
        only ever matched against ids, so it cannot reach outside the store.
        """
        if os.sep in ref or "/" in ref or ref.endswith(".json"):
            return _load_path(Path(ref).expanduser())
        if not _ID_PREFIX_RE.match(ref):
            raise InputError(
                [Problem(ref, "", "not a snapshot id", "give an id from `reconcile snapshots list` or a path")],
                summary=f"invalid snapshot reference {ref!r}",
            )
        matches = [info for info in self.list(target) if info.id.startswith(ref)]
        scope = f"target {target!r}" if target else "any target"
        if not matches:
            raise ReconcileError(
                f"no snapshot {ref!r} for {scope} under {self.root}",
                hint="`reconcile snapshots list` shows the snapshots there are",
            )
        if len(matches) > 1:
            names = ", ".join(f"{m.target}/{m.id}" for m in matches)
            raise ReconcileError(
                f"snapshot reference {ref!r} is ambiguous for {scope}: {names}",
                hint="give more characters of the id",
            )
        (info,) = matches
        if not info.path.resolve().is_relative_to(self.root.resolve()):
            raise ReconcileError(
                f"snapshot {info.id} resolves outside {self.root}; refusing to read it",
                hint="replace the symbolic link with the snapshot folder itself, or give the folder's path",
            )
        return _read_snapshot_dir(info.path, info.id)


# --- helpers ---------------------------------------------------------------------------------------


def _check_target_name(target: str) -> None:
    if not TARGET_NAME_RE.match(target):
        raise ReconcileError(
            f"invalid target name {target!r} for a snapshot folder",
            hint="target names are letters, digits, '-' and '_' (starting with a letter or digit)",
        )


def _write_failure(exc: BaseException, what: str, parent: Path) -> ReconcileError | None:
    """The error a failed snapshot write is reported as (``what`` could not be done); None for an exception
    that is not a write failure (an interrupt, a bug), which is raised as it is."""
    if isinstance(exc, ReconcileError):
        return ReconcileError(
            f"{what}: {exc.message}",
            hint="nothing was changed; fix the cause (disk space, permissions) and run again",
        )
    if isinstance(exc, OSError | TypeError | ValueError):
        return ReconcileError(
            f"{what} under {parent}: {exc}",
            hint="nothing was changed; check disk space and permissions of the snapshots folder",
        )
    return None


def read_metadata(path: Path) -> dict[str, Any] | None:
    """The metadata of snapshot folder ``path`` alone (no export); None when it cannot be read."""
    try:
        metadata = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return metadata if isinstance(metadata, dict) else None


def _info(target: str, path: Path) -> SnapshotInfo:
    """List entry of a snapshot folder. ``created`` comes from metadata (microseconds, so snapshots
    taken within one second keep their order), else from the folder name; ``kind`` None when the
    metadata cannot be read."""
    return info_of(target, path, read_metadata(path))


def info_of(target: str, path: Path, metadata: dict[str, Any] | None) -> SnapshotInfo:
    """The list entry of snapshot folder ``path`` of ``target``, from its ``metadata`` read already."""
    created = datetime.strptime(path.name[:16], TIME_FORMAT).replace(tzinfo=UTC)
    if metadata is None:
        return SnapshotInfo(id=path.name, target=target, kind=None, created=created, path=path)
    kind = metadata.get("kind")
    with contextlib.suppress(ValueError):  # else keep the folder name's time
        created = datetime.fromisoformat(str(metadata.get("created"))).astimezone(UTC)
    return SnapshotInfo(
        id=path.name, target=target, kind=kind if isinstance(kind, str) else None, created=created, path=path
    )


def _read_json(path: Path) -> tuple[bytes, Any]:
    if path.exists() and not path.is_file():  # reading /dev/zero never ends, a named pipe may never answer
        raise _bad(path, "not a regular file (a device, pipe or folder)", "give a snapshot folder or an export file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _bad(path, f"cannot read: {exc.strerror or exc}", "check that the file exists and is readable") from None
    try:
        value = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise _bad(
            path,
            f"not valid JSON ({reason}); the file is truncated or corrupt",
            "restore it from a copy, or use another snapshot",
        ) from None
    surrogate = lone_surrogate_path(value, data)
    if surrogate is not None:
        raise _bad(
            path,
            "holds a lone UTF-16 surrogate (\\ud800-\\udfff), not text",
            "the file was edited or damaged; use another snapshot",
            surrogate,
        )
    return data, value


def _bad(path: Path, message: str, hint: str, key: str = "") -> InputError:
    return InputError([Problem(str(path), key, message, hint)], summary=f"unusable snapshot file {path}")


def _checked_metadata(meta_path: Path) -> dict[str, Any]:
    """A snapshot's ``metadata.json``, with the keys every snapshot records."""
    _, metadata = _read_json(meta_path)
    if not isinstance(metadata, dict):
        raise _bad(meta_path, "must be a JSON object", "use another snapshot")
    for key in ("kind", "target", "created", "export_sha256"):
        if not isinstance(metadata.get(key), str):
            raise _bad(meta_path, "missing or not a string", "use another snapshot", key)
    return metadata


def _check_checksum(export_path: Path, actual: str, metadata: dict[str, Any]) -> None:
    if actual != metadata["export_sha256"]:
        raise _bad(
            export_path,
            f"checksum mismatch: sha256 is {actual}, metadata.json records {metadata['export_sha256']}; "
            "the file was changed or damaged after it was written",
            "do not revert to it; use another snapshot (`reconcile snapshots list`)",
        )


def _read_snapshot_dir(path: Path, snapshot_id: str) -> Snapshot:
    """Read and verify a snapshot folder: metadata shape, export checksum, export shape."""
    metadata = _checked_metadata(path / METADATA_FILE)
    export_path = path / EXPORT_FILE
    raw, export = _read_json(export_path)
    _check_checksum(export_path, hashlib.sha256(raw).hexdigest(), metadata)
    del raw  # the text, once checked: only the parsed export stays
    problems = export_problems(export, str(export_path), required=EXPORT_KEYS)
    if problems:
        raise InputError(problems, summary=f"unusable snapshot file {export_path}")
    if kept := read_entries(path):  # the entries an apply writes, kept beside the export (issue 14)
        export["entries"] = [*export["entries"], *kept]
    return Snapshot(id=snapshot_id, path=path, metadata=metadata, loaded=export)


def _load_path(path: Path) -> Snapshot:
    if path.is_dir():
        if not (path / METADATA_FILE).is_file():
            raise _bad(path, f"not a snapshot folder (no {METADATA_FILE})", "give a snapshot or an export file")
        return _read_snapshot_dir(path, path.name)
    if path.name == EXPORT_FILE and (path.parent / METADATA_FILE).is_file():
        return _read_snapshot_dir(path.parent, path.parent.name)
    return _read_export_file(path)


def _read_export_file(path: Path) -> Snapshot:
    """A plain ``contentful space export`` file: the parts it lacks (e.g. ``--skip-content``) are empty."""
    _, data = _read_json(path)
    if not isinstance(data, dict) or "contentTypes" not in data:
        raise _bad(
            path,
            "not a `contentful space export` file (no top-level contentTypes)",
            "give a file written by `contentful space export` or a reconcile snapshot",
        )
    problems = export_problems(data, str(path), required=("contentTypes",))
    if problems:
        raise InputError(problems, summary=f"unusable export file {path}")
    export = {key: data.get(key, []) for key in EXPORT_KEYS}
    export.update({key: data[key] for key in OPTIONAL_EXPORT_KEYS if key in data})
    metadata = {"kind": EXPORT_KIND, "source": str(path)}
    return Snapshot(id=path.name, path=path, metadata=metadata, loaded=export)
