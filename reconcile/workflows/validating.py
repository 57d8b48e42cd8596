"""``reconcile validate``: the model files checked offline, or the verdict of a run that checked the same files."""

from __future__ import annotations

from reconcile.declared.verdict import known_counts
from reconcile.workflows.project import Project, rules_context, validate_models


def validate_project(project: Project, target_name: str | None = None) -> tuple[int, int]:
    """The counts of content types and locales of the model files, which have no problem (``InputError`` lists
    every problem otherwise). Files whose bytes, scope and tool are those of a run that found no problem are
    only listed, read and hashed (``declared.verdict``); any change reads and checks every file again."""
    cache_dir = project.config.state_dir / "cache"
    known = known_counts(cache_dir, project.models_dir, rules_context(project, target_name))
    if known is not None:
        return known
    model = validate_models(project, target_name).model
    return len(model.content_types), len(model.locales)
