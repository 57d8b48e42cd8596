"""A project directory (its configuration and model files) and what every command first does with it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reconcile.collector import paused
from reconcile.config import CONFIG_FILE_NAME, Config, TargetConfig, load_config
from reconcile.declared import DeclaredModel, ParseCache, read_models, sort_problems
from reconcile.declared.incremental import check_models
from reconcile.errors import InputError, Problem, split_warnings
from reconcile.scope import scope_problems
from reconcile.snapshots import SnapshotStore
from reconcile.validate import validate
from reconcile.wording import count

if TYPE_CHECKING:
    from reconcile.interrupts import RunSignals
    from reconcile.lock import LockInfo

# The fills (and the changes they name), the journal, the lock and the signal handling are imported where they are
# used: ``reconcile validate`` needs none of them, and their pydantic classes cost its start-up (issue 16).


@dataclass(frozen=True)
class Project:
    """A project directory: its configuration and where its model files are."""

    config: Config
    models_dir: Path

    @property
    def store(self) -> SnapshotStore:
        return SnapshotStore(self.config.snapshots_dir)

    @property
    def root(self) -> Path:
        """The project directory (of ``reconcile.toml``): declared fills' paths start there."""
        return self.config.project_dir

    def lock_path(self, target: TargetConfig) -> Path:
        """The apply lock of the environment the target writes: targets on one environment share it."""
        from reconcile.lock import lock_name

        written = str(target.local_data_dir.resolve()) if target.local_data_dir else target.base_url or ""
        return self.config.state_dir / "locks" / lock_name(written, target.space_id, target.environment)


def load_project(config_path: Path | None, models_path: Path | None, cwd: Path) -> Project:
    config = load_config(config_path, cwd)
    return Project(config=config, models_dir=models_path or config.models_dir)


def validate_models(project: Project, target_name: str | None = None) -> DeclaredModel:
    """Read and check the model files offline; every problem at once, before any request: the rules check
    whatever did read even when other parts did not, so one run shows the shape and the rule problems.
    A content type out of the target's scope (default target: its own) is a problem; one it links to is not.
    The warnings found are kept in the model returned (``DeclaredModel.warnings``)."""
    with paused():  # millions of acyclic values: reconcile/collector.py
        cache = ParseCache.of_models(project.config.state_dir / "cache", project.models_dir)
        declared, problems, run = _checked_models(project, target_name, cache)
        errors, warnings = split_warnings(problems)
        if errors:  # every file read afresh, so that each message is exactly that of a full read
            declared, problems, _ = _checked_models(project, target_name, None)
            errors = split_warnings(problems)[0]
        else:  # bad input writes nothing; a run with warnings is not clean: the next checks again, to warn again
            cache.save(clean_run=None if warnings else run)
    if errors:
        raise models_error(project, errors)
    return replace(declared, warnings=tuple(warnings)) if warnings else declared


def models_error(project: Project, problems: list[Problem]) -> InputError:
    """The error of the ``problems`` of the project's model files."""
    return InputError(problems, summary=f"{count(len(problems), 'problem')} in the models under {project.models_dir}")


def _checked_models(
    project: Project, target_name: str | None, cache: ParseCache | None
) -> tuple[DeclaredModel, list[Problem], str | None]:
    """The model files read (through the parse cache, if any), every problem found, and the cache's key of
    this run. The offline rules are pure: they do not run again on the files and scope of a run that the
    cache says found no problem (``ParseCache.run_key``: the files' bytes, the tool's source, the scope)."""
    from reconcile.fills import read_fills

    declared, read_problems = read_models(project.models_dir, cache)
    run = None if cache is None or read_problems else cache.run_key(rules_context(project, target_name))
    checks = [] if cache is not None and cache.found_clean(run) else _checks(project, target_name, declared, cache)
    return declared, sort_problems([*read_problems, *checks, *read_fills(declared, project.root)[1]]), run


def _checks(
    project: Project, target_name: str | None, declared: DeclaredModel, cache: ParseCache | None
) -> list[Problem]:
    """The problems of the offline rules and the scope. A run with a ``cache`` that found no reading problem takes
    them from the records of the files ``reconcile validate`` checked (``declared.incremental``) when they are
    the files just read (same names and bytes) and it has the records of most of them: only the files it has
    not seen are checked again (read and checked alone, about four times the rules' cost per file), then the
    references across all files."""
    scope = project.config.target(target_name).scope
    if cache is not None:
        checked = check_models(project.models_dir, project.config.state_dir / "cache", scope, config_file(project),
                               unseen_at_most=0.25, known=cache.seen)
        if checked is not None and checked.keys == set(cache.seen):
            return checked.problems
    rules = validate(declared, outside=lambda ct_id: not scope.manages(ct_id))
    return [*rules, *scope_problems(declared, scope, config_file(project))]


def config_file(project: Project) -> str:
    """The configuration file as problems name it."""
    return str(project.config.file or CONFIG_FILE_NAME)


def rules_context(project: Project, target_name: str | None) -> str:
    """What the offline rules read besides the model files: the target's scope (part of a run's cache key)."""
    return project.config.target(target_name).scope.model_dump_json()


def unfinished_warnings(project: Project, target: TargetConfig) -> list[str]:
    """Warn about runs on the target that died mid-way since its last completed run (an apply or revert
    that completes ends the warning), naming the revert that restores the state before the first of them:
    the last state a run left whole. A died revert also gets the command that finishes it."""
    from reconcile.journal import find_unfinished
    from reconcile.lock import running_since

    # a run holding the lock now (another command still applying) has not died
    died = find_unfinished(project.store, target.name, running_since(project.lock_path(target)))
    if not died:
        return []
    first, flag = died[0], f"--target {target.name}"
    later = f"; {count(len(died) - 1, 'later run')} did not finish either" if len(died) > 1 else ""
    restore = f"to restore the state before it ran: reconcile revert {first.id} {flag}"
    reverting_to = first.metadata.get("reverting_to") if first.kind == "pre-revert" else None
    if reverting_to is None:
        return [f"an apply on target {target.name!r} did not finish (pre-apply snapshot {first.id}){later}; {restore}"]
    return [
        f"a revert on target {target.name!r} to snapshot {reverting_to} did not finish (pre-revert snapshot "
        f"{first.id}){later}; to finish it: reconcile revert {reverting_to} {flag}; or, {restore}"
    ]


@contextmanager
def locked(project: Project, target: TargetConfig, command: str) -> Iterator[RunSignals]:
    """Hold the target's apply lock for the block: two runs that write never interleave.

    SIGINT, SIGTERM and SIGHUP are handled for the block (``reconcile.interrupts``: the run sets the
    mode, a signal stops it and it rolls back); the lock is taken and released shielded from them, so
    it is released however the run ends, short of SIGKILL.
    """
    from reconcile.interrupts import RunSignals
    from reconcile.lock import ApplyLock

    signals = RunSignals()
    with signals.installed():
        lock, acquired = ApplyLock(project.lock_path(target), target.name, command), False
        try:
            with signals.shielded():
                acquired = bool(lock.__enter__())
            yield signals
        finally:
            signals.closing()  # from here on a signal is ignored: the lock is released, the run ends
            if acquired:
                lock.__exit__(None, None, None)


def unlock(project: Project, target_name: str | None) -> tuple[str, Path, LockInfo | None]:
    """Break the apply lock of a target (``reconcile unlock``); returns the target's name, the lock file's
    path and what the lock said of its holder (None when the target was not locked)."""
    from reconcile.lock import break_lock

    target = project.config.target(target_name)
    path = project.lock_path(target)
    return target.name, path, break_lock(path)
