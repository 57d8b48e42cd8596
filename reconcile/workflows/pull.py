"""The pull command: write the live environment as model files (adopting an existing space)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reconcile.backend import parse_environment
from reconcile.collector import paused
from reconcile.declared import write_models
from reconcile.errors import ReconcileError
from reconcile.interning import Interner
from reconcile.targets import open_target
from reconcile.workflows.baseline import record_pulled
from reconcile.workflows.project import Project


@paused()
def pull(project: Project, target_name: str | None, *, content_types: Sequence[str] = ()) -> list[Path]:
    """Write every live content type (or only ``content_types``) into the models folder, and record what was
    written as the drift baseline (``workflows.baseline``)."""
    target = project.config.target(target_name)
    only = list(dict.fromkeys(content_types))
    for ct_id in only:
        target.scope.refuse_outside(ct_id)
    with open_target(target) as opened:
        raw = opened.backend.read_raw()
        live = parse_environment(raw)
    for ct_id in only:
        if ct_id not in live.model.content_types:
            raise ReconcileError(
                f"content type {ct_id!r} does not exist in target {target.name!r}",
                hint="`reconcile pull` without --content-type writes every content type",
            )
    with Interner() as run:  # one normalisation for the files and the baseline's fingerprint (~0.4 s less)
        model = run.normalize(live.model)
        live_fingerprint = None if only else run.fingerprint(model)
    if only:
        written = [
            path for ct_id in only for path in write_models(model, project.models_dir, only=ct_id, normalized=True)
        ]
    else:
        written = write_models(model, project.models_dir, scope=target.scope, normalized=True)
    record_pulled(project, opened, raw, only, live_fingerprint)
    return written
