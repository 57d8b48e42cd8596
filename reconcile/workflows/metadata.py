"""What a snapshot records besides the state: where it came from, the plan, and the renames it makes."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from reconcile import __version__
from reconcile.backend import RawEnvironment, to_export
from reconcile.changes import RenameField
from reconcile.model import ContentModel, LiveState
from reconcile.normalize import fingerprint
from reconcile.targets import OpenTarget
from reconcile.workflows.project import Project

if TYPE_CHECKING:  # types only: pull loads neither (issue 16)
    from reconcile.entries import EntriesByType
    from reconcile.plan import Plan


def export(raw: RawEnvironment, entries: EntriesByType) -> dict[str, Any]:
    """The snapshot export of an environment read and the entries captured from it."""
    return to_export(raw, [entry for ct_entries in entries.values() for entry in ct_entries])


def metadata(opened: OpenTarget, live: LiveState, plan: Plan | None, project: Project) -> dict[str, Any]:
    """A snapshot's metadata: the target, the live fingerprint, and the plan about to run (if any)."""
    # the plan's live fingerprint is this state's (normalising 1,000 content types again costs ~1 s)
    live_fingerprint = plan.live_fingerprint if plan is not None else fingerprint(live.model)
    return with_fingerprint(opened, live_fingerprint, plan, project)


def with_fingerprint(opened: OpenTarget, live_fingerprint: str, plan: Plan | None, project: Project) -> dict[str, Any]:
    """``metadata`` where the caller has the live state's fingerprint already (pull computes it with the
    normalisation it writes the files from)."""
    return {
        "target": opened.config.name,
        "space": opened.space_id,
        "environment": opened.environment_id,
        **({"alias": opened.alias} if opened.alias is not None else {}),
        "plan_hash": fingerprint_plan(plan) if plan is not None else None,
        "fingerprint": live_fingerprint,
        "renames": renames(plan) if plan is not None else {},
        "tool_version": __version__,
        "models_dir": str(project.models_dir),
    }


def fingerprint_plan(plan: Plan) -> str:
    """The plan's identity (``plan_hash`` in snapshots and the journal): a SHA-256 over its JSON, piece by piece.

    Each phase's expected model holds the whole environment; its content types and editor interfaces are
    hashed one at a time, each distinct value once (the phases share most of them). The plan's whole text
    is never built: at 1,000 content types of 50 fields it took about 600 MB (issue 16)."""
    digest = hashlib.sha256(plan.model_dump_json(exclude={"phases"}).encode())
    seen: dict[int, bytes] = {}  # id of a value the plan holds -> the digest of its JSON
    for phase in plan.phases:
        digest.update(b"\0phase\0" + phase.model_dump_json(exclude={"expected"}).encode())
        expected = phase.expected
        digest.update(b"\0model\0" + expected.model_dump_json(exclude={"content_types", "editor_interfaces"}).encode())
        for part in (expected.content_types, expected.editor_interfaces):
            digest.update(b"\0part\0")
            for key, value in part.items():
                known = seen.get(id(value))
                if known is None:
                    known = seen[id(value)] = hashlib.sha256(value.model_dump_json().encode()).digest()
                digest.update(key.encode() + b"\0" + known)
    return "sha256:" + digest.hexdigest()


def renames(plan: Plan) -> dict[str, dict[str, str]]:
    """Content type id -> {new field id: old field id}: the field renames ``plan`` makes. Recorded in the
    pre-apply snapshot, so that converging back to it renames them back instead of re-creating them."""
    found: dict[str, dict[str, str]] = {}
    for change in plan.changes:
        if isinstance(change, RenameField):
            found.setdefault(change.content_type_id, {})[change.after.id] = change.before.id
    return found


def renamed_back(wanted: ContentModel, live: ContentModel, recorded: object) -> ContentModel:
    """``wanted`` with ``renamed_from`` set where the live field is a rename (``recorded``: a snapshot's
    ``renames``) of a field ``wanted`` has: the plan then renames it back, keeping its data."""
    if not isinstance(recorded, dict):
        return wanted
    content_types = dict(wanted.content_types)
    for ct_id, pairs in recorded.items():
        ct, now = content_types.get(ct_id), live.content_types.get(ct_id)
        if ct is None or now is None or not isinstance(pairs, dict):
            continue
        live_ids, wanted_ids = {f.id for f in now.fields}, {f.id for f in ct.fields}
        back = {
            old: new for new, old in pairs.items()
            if isinstance(new, str) and isinstance(old, str)
            and new in live_ids and new not in wanted_ids and old in wanted_ids and old not in live_ids
        }
        if back:
            fields = tuple(f.model_copy(update={"renamed_from": back[f.id]}) if f.id in back else f for f in ct.fields)
            content_types[ct_id] = ct.model_copy(update={"fields": fields})
    return wanted.model_copy(update={"content_types": content_types})
