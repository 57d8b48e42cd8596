"""The pull command: write the live environment as model files (adopting an existing space)."""

from __future__ import annotations

from pathlib import Path

from reconcile.backend import parse_environment
from reconcile.declared import write_models
from reconcile.errors import ReconcileError
from reconcile.normalize import normalize
from reconcile.targets import open_target
from reconcile.workflows.baseline import record_pulled
from reconcile.workflows.project import Project


def pull(project: Project, target_name: str | None, *, content_type: str | None = None) -> list[Path]:
    """Write every live content type (or only ``content_type``) into the models folder, and record what was
    written as the drift baseline (``workflows.baseline``)."""
    target = project.config.target(target_name)
    if content_type is not None:
        target.scope.refuse_outside(content_type)
    with open_target(target) as opened:
        raw = opened.backend.read_raw()
        live = parse_environment(raw)
    if content_type is not None and content_type not in live.model.content_types:
        raise ReconcileError(
            f"content type {content_type!r} does not exist in target {target.name!r}",
            hint="`reconcile pull` without --content-type writes every content type",
        )
    written = write_models(normalize(live.model), project.models_dir, only=content_type, scope=target.scope)
    record_pulled(project, opened, raw, content_type)
    return written
