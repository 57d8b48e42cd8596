"""The pull command: write the live environment as model files (adopting an existing space)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import orjson

from reconcile.backend import RawEnvironment, parse_environment
from reconcile.collector import let_live, paused
from reconcile.config import TargetConfig
from reconcile.declared.pulled import FolderState, PullRecord, folder_state, still_as_judged
from reconcile.errors import ReconcileError
from reconcile.interning import Interner
from reconcile.targets import open_target
from reconcile.workflows.baseline import record_pulled
from reconcile.workflows.project import Project


@paused()
def pull(project: Project, target_name: str | None, *, content_types: Sequence[str] = ()) -> list[Path]:
    """Write every live content type (or only ``content_types``) into the models folder, and record what was
    written as the drift baseline (``workflows.baseline``).

    A full pull first asks the pull record (``declared.pulled``): when the last pull of the same live state,
    scope and code found this models folder, byte for byte, equal to live, nothing is written and the
    fingerprint it recorded is the baseline's (0.6 s of CPU less at 1,000 content types)."""
    target = project.config.target(target_name)
    only = list(dict.fromkeys(content_types))
    for ct_id in only:
        target.scope.refuse_outside(ct_id)
    with open_target(target) as opened:
        raw = opened.backend.read_raw()
    let_live(raw)  # freed with the process (0.1 s of CPU to free it one value at a time)
    if only:
        written = _write_some(project, target, raw, only)
        record_pulled(project, opened, raw, only, None)
        return written
    record = PullRecord.of_models(project.config.state_dir / "cache", project.models_dir)
    read: dict[Path, bytes] = {}
    key, state = record.key(_live_bytes(raw, target)), folder_state(project.models_dir, read)
    live_fingerprint = record.fingerprint(key, state)
    if live_fingerprint is None:
        judged: dict[Path, bytes] = {}
        written, live_fingerprint = _write_all(project, target, raw, state, judged, read if state else None)
        if not written and state is not None and still_as_judged(project.models_dir, state, read, judged):
            record.save(key, state, live_fingerprint)  # the folder as judged: equal to live
    else:
        written = []
    record_pulled(project, opened, raw, only, live_fingerprint)
    return written


def _write_all(
    project: Project, target: TargetConfig, raw: RawEnvironment, state: FolderState | None, held: dict[Path, bytes],
    found: dict[Path, bytes] | None,
) -> tuple[list[Path], str]:
    """Write every live content type and the locales (and tags); the files written and the live fingerprint
    (``workflows.pulling``: only what changed since the last pull is rendered; ``state``: the folder as read,
    ``found`` its files' bytes; ``held`` receives the bytes each content type file holds after it)."""
    from reconcile.workflows.pulling import write_all

    return write_all(project, target, raw, state, held, found)


def _write_some(project: Project, target: TargetConfig, raw: RawEnvironment, only: list[str]) -> list[Path]:
    """Write the files of the content types ``only`` (``--content-type``)."""
    from reconcile.declared import write_models

    live = parse_environment(raw)
    for ct_id in only:
        if ct_id not in live.model.content_types:
            raise ReconcileError(
                f"content type {ct_id!r} does not exist in target {target.name!r}",
                hint="`reconcile pull` without --content-type writes every content type",
            )
    with Interner() as run:
        model = run.normalize(live.model)
    return [path for ct_id in only for path in write_models(model, project.models_dir, only=ct_id, normalized=True)]


def _live_bytes(raw: RawEnvironment, target: TargetConfig) -> bytes | None:
    """What a full pull's files are written from, as bytes: the live JSON as read and the scope; None when
    the JSON holds what orjson cannot write (an integer beyond 64 bits: no record then)."""
    try:
        return orjson.dumps([raw.content_types, raw.editor_interfaces, raw.locales, raw.tags,
                             target.scope.model_dump(mode="json")])
    except orjson.JSONEncodeError:
        return None
