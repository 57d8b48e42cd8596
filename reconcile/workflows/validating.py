"""``reconcile validate``: the model files checked offline, file by file: only the files whose name or bytes an
earlier run has not checked are read and checked, and the references across all files (``declared.incremental``)."""

from __future__ import annotations

from reconcile.collector import let_live, paused
from reconcile.declared.cache import ParseCache, cache_path
from reconcile.declared.incremental import check_models
from reconcile.errors import Problem, split_warnings
from reconcile.workflows.project import Project, config_file, models_error, rules_context, validate_models


def validate_project(project: Project, target_name: str | None = None) -> tuple[int, int, list[Problem]]:
    """The counts of content types and locales of the model files, which have no problem (``InputError`` lists
    every problem otherwise), and the warnings found (``Problem.warning``). A file checked by an earlier run with
    the same name, bytes and tool is only read and hashed (``declared.incremental``). Without a parse cache
    (``declared.cache``), the files checked fill one, for the commands that read the whole model (``plan``)."""
    cache_dir, models_dir = project.config.state_dir / "cache", project.models_dir
    parse_cache = None if cache_path(cache_dir, models_dir).exists() else ParseCache.of_models(cache_dir, models_dir)
    with paused():  # many acyclic values: reconcile/collector.py
        checked = check_models(models_dir, cache_dir, project.config.target(target_name).scope, config_file(project),
                               parse_cache)
    if checked is None:  # a fill names the project's code: the whole model is read and its fills imported
        declared = validate_models(project, target_name)
        let_live(declared)
        return len(declared.model.content_types), len(declared.model.locales), list(declared.warnings)
    errors, warnings = split_warnings(checked.problems)
    if errors:
        raise models_error(project, errors)
    if parse_cache is not None:  # the key of a clean run when it read every file (``ParseCache.run_key``)
        every = set(parse_cache.seen) == checked.keys and not warnings  # warnings are found again by each run
        parse_cache.save(clean_run=parse_cache.run_key(rules_context(project, target_name)) if every else None)
    return checked.content_types, checked.locales, warnings
