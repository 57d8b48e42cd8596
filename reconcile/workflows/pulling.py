"""A full pull's writing, content type by content type (issue 16): only the content types whose live JSON or
file changed since the last pull over the models folder are parsed, normalised, rendered and compared; the
others are known from the record (``declared.pulltypes``) to be declared by their files as they are.

The files, the list of files written and the live fingerprint are those of a pull of everything: a content
type is taken from the record only when its live JSON (editor interface included) and its file's bytes are
both exactly what the record holds, and the writer's verdict on a file is a function of those alone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reconcile.backend import RawEnvironment, content_type_json, parse_environment, without_content_types
from reconcile.config import TargetConfig
from reconcile.declared.cache import content_key
from reconcile.declared.layout import content_type_path
from reconcile.declared.pulled import FolderState
from reconcile.declared.pulltypes import Pulled, TypeRecord
from reconcile.interning import Interner
from reconcile.normalize import fingerprint_of_parts
from reconcile.workflows.project import Project
from reconcile.workflows.pullfast import fast_parts


def write_all(
    project: Project, target: TargetConfig, raw: RawEnvironment, state: FolderState | None = None,
    held: dict[Path, bytes] | None = None, found: dict[Path, bytes] | None = None,
) -> tuple[list[Path], str]:
    """Write every live content type and the locales (and tags); the files written and the live fingerprint.
    ``state``: the models folder's files as read by the caller (``declared.pulled``), so as not to read them
    again; ``held``, when given, receives the bytes each content type file the writer wrote or compared holds
    after it (``write_models``); ``found``: the bytes of the files ``state`` was read from, compared as read."""
    from reconcile.declared import write_models  # not on an equal pull: the writer loads tomlkit and the reader

    models_dir = project.models_dir
    record = TypeRecord.of_models(project.config.state_dir / "cache", models_dir)
    pieces = content_type_json(raw)
    live_keys = {ct_id: content_key(data) for ct_id, data in (pieces or {}).items()}
    old = record.load() if live_keys else {}
    known = _known(old, live_keys, models_dir, state)
    with Interner() as run:  # one normalisation for the files and the baseline's fingerprint (~0.4 s less)
        fast = fast_parts(raw, {ct_id: key for ct_id, key in live_keys.items() if ct_id not in known}, run)
        live = parse_environment(without_content_types(raw, {*known, *fast}) if known or fast else raw)
        model = run.normalize(live.model)
        fresh = {
            ct_id: Pulled(live_keys.get(ct_id, ""), "", run.document(ct), run.document(model.editor_interfaces[ct_id]))
            for ct_id, ct in model.content_types.items()
        }
        parts = {**known, **{ct_id: part.pulled for ct_id, part in fast.items()}, **fresh}
        live_fingerprint = fingerprint_of_parts(
            {ct_id: part.content_type for ct_id, part in parts.items()},
            {ct_id: part.editor_interface for ct_id, part in parts.items()},
            model.locales,
            model.tags,
            lambda value: value if isinstance(value, bytes) else run.document(value),
        )
    held = {} if held is None else held
    rendered = {ct_id: part.rendered for ct_id, part in fast.items()}
    written = write_models(model, models_dir, scope=target.scope, normalized=True, known=known.keys(), held=held,
                           rendered=rendered, found=found)  # fmt: skip
    entries = dict(known)
    for ct_id, part in {**fresh, **{ct_id: part.pulled for ct_id, part in fast.items()}}.items():
        data = held.get(content_type_path(models_dir, ct_id))
        if part.live and data is not None:
            entries[ct_id] = replace(part, file=content_key(data))
    if entries != old:
        record.save(entries)
    return written, live_fingerprint


def _known(
    old: dict[str, Pulled], live_keys: dict[str, str], models_dir: Path, state: FolderState | None
) -> dict[str, Pulled]:
    """The recorded content types whose live JSON and file are both as recorded."""
    known = {}
    for ct_id, digest in live_keys.items():
        entry = old.get(ct_id)
        if entry is None or entry.live != digest:
            continue
        path = content_type_path(models_dir, ct_id)
        found = state.get(path.relative_to(models_dir).as_posix()) if state is not None else _file_digest(path)
        if found == entry.file:
            known[ct_id] = entry
    return known


def _file_digest(path: Path) -> str | None:
    try:
        return content_key(path.read_bytes())
    except OSError:  # missing, a folder of that name: the writer decides (and says)
        return None
