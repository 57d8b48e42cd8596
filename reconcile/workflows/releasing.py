"""The pieces of a release (``workflows/release.py``): its journal, the release environment's name, the
clone and its polling, the old environment's fingerprint, and which release environments to prune.

A release journal is ``<snapshots>/<target>/releases.jsonl``: releases and rollbacks change which
environment the alias serves, not an environment's content, so their records live beside the target's
snapshots rather than beside one of them. ``reconcile history`` reads it with the snapshot journals.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from reconcile.backend import Backend, EntryStats, EnvironmentInfo, SpaceEnvironments
from reconcile.clock import Clock
from reconcile.errors import ApiError, ReconcileError
from reconcile.journal import Finish, Journal, ReleaseStep, Start, of_run
from reconcile.model import first_free
from reconcile.normalize import fingerprint
from reconcile.progress import Note, Progress
from reconcile.scope import Scope
from reconcile.snapshots import BASELINE_KINDS, Snapshot, SnapshotStore

RELEASE_JOURNAL = "releases.jsonl"
# How long a clone may stay queued/inProgress: a floor, plus time per entry and per content type (cloning
# takes time proportional to the data, facts §1.5). 10,000 entries: 120 + 500 + ... seconds.
CLONE_TIMEOUT_FLOOR = 120.0
CLONE_SECONDS_PER_ENTRY = 0.05
CLONE_SECONDS_PER_CONTENT_TYPE = 1.0


def release_journal_path(store: SnapshotStore, target: str) -> Path:
    return store.root / target / RELEASE_JOURNAL


class ReleaseRun:
    """One release or rollback run: its journal records (each step with its time) and progress notes."""

    def __init__(self, store: SnapshotStore, target: str, command: str, progress: Progress, clock: Clock) -> None:
        path = release_journal_path(store, target)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.journal = Journal(path)
        self.run_id = secrets.token_hex(6)
        self.progress = progress
        self.clock = clock
        self.journal.append(Start(run_id=self.run_id, command=command, target=target, time=clock.time()))

    def step(
        self, step: str, result: Literal["ok", "failed", "refused"], environment: str | None, detail: str,
        previous: str | None = None,
    ) -> None:
        given = {"environment": environment, "previous": previous}
        self.journal.append(ReleaseStep(run_id=self.run_id, step=step, result=result, detail=detail,
                                        time=self.clock.time(), **{k: v for k, v in given.items() if v}))
        self.progress(Note(f"[{step}] {'ok' if result == 'ok' else result.upper()}: {detail}"))

    def finish(self, outcome: str) -> None:
        self.journal.append(Finish(run_id=self.run_id, outcome=outcome, time=self.clock.time()))


def release_name(prefix: str, clock: Clock, taken: set[str]) -> str:
    """``<prefix>-<UTC time>`` (``release-20250131-142501``), with ``-2``, ``-3``… if that id is taken."""
    return first_free(f"{prefix}-{datetime.fromtimestamp(clock.time(), UTC).strftime('%Y%m%d-%H%M%S')}", taken, "-")


def clone_timeout(stats: EntryStats, content_types: int) -> float:
    return CLONE_TIMEOUT_FLOOR + stats.count * CLONE_SECONDS_PER_ENTRY + content_types * CLONE_SECONDS_PER_CONTENT_TYPE


def is_quota_refusal(error: ApiError) -> bool:
    """The API refuses one environment more than the plan allows with a 403 (docs/cma-facts-aliases.md)."""
    return error.status == 403


def release_environments(envs: list[EnvironmentInfo], prefix: str, protected: set[str]) -> list[EnvironmentInfo]:
    """The release environments no alias points at and not ``protected``, newest first. A release environment
    is named as ``release_name`` names it (``<prefix>-20250131-142501``, maybe ``-2``): a colleague's
    ``release-notes`` merely starts with the prefix and is never taken for one (nor pruned)."""
    named = re.compile(rf"{re.escape(prefix)}-\d{{8}}-\d{{6}}(-\d+)?")
    found = [e for e in envs if named.fullmatch(e.id) and not e.aliases and e.id not in protected]
    return sorted(found, key=lambda e: (e.created_at, e.id), reverse=True)


def beyond_keep(envs: list[EnvironmentInfo], prefix: str, keep: int, protected: set[str]) -> list[EnvironmentInfo]:
    """The release environments older than the newest ``keep`` of them, oldest first: what pruning deletes.
    Never one an alias points at, never one in ``protected``, never one without the prefix."""
    return list(reversed(release_environments(envs, prefix, protected)[keep:]))


@dataclass(frozen=True)
class Baseline:
    """What must not change in the old environment between the clone and the switch."""

    fingerprint: str
    entries: EntryStats


def baseline(space: SpaceEnvironments, backend: Backend, env_id: str) -> Baseline:
    """``env_id``'s whole content model, out of the target's scope too: the switch swaps the whole environment,
    so another team's edit there would be lost just the same."""
    whole = backend.for_environment(env_id)
    whole.scope = Scope()
    return Baseline(fingerprint(whole.read_live().model), space.entry_stats(env_id))


def changes_since(space: SpaceEnvironments, backend: Backend, env_id: str, before: Baseline) -> list[str]:
    """What changed in ``env_id`` since ``before``: the content model, the entry count, the newest update."""
    now = baseline(space, backend, env_id)
    changed = []
    if now.fingerprint != before.fingerprint:
        changed.append("the content model")
    if now.entries.count != before.entries.count:
        changed.append(f"the entry count ({before.entries.count} -> {now.entries.count})")
    if now.entries.newest_update != before.entries.newest_update:
        changed.append(f"the newest entry update ({before.entries.newest_update} -> {now.entries.newest_update})")
    return changed


def check_alias_unmoved(snapshot_id: str, recorded: dict[str, object], target: str, alias: str | None,
                        environment: str) -> None:
    """Refuse to revert through an alias that has moved since the snapshot was taken: the snapshot belongs
    to the environment the alias pointed at then, which is no longer the one the target reaches."""
    then = recorded.get("environment")
    if alias is None or not isinstance(then, str) or then == environment:
        return
    raise ReconcileError(
        f"snapshot {snapshot_id} belongs to environment {then}, but alias '{alias}' of target '{target}' now "
        f"points at {environment}; nothing was reverted",
        hint=f"to serve {then} again: reconcile release rollback --target {target} --to {then}",
    )


def baseline_of(store: SnapshotStore, target: str, environment: str) -> Snapshot | None:
    """The newest baseline snapshot (``BASELINE_KINDS``) of ``target`` taken of ``environment``: through an
    alias, drift compares the environment served now with the state the tool left *there*, not with the
    newest baseline of another environment the alias pointed at before a release or rollback."""
    for info in reversed(store.list(target)):
        if info.kind in BASELINE_KINDS:
            snapshot = store.load(info.id, target)
            if snapshot.metadata.get("environment") == environment:
                return snapshot
    return None


def unfinished_release(store: SnapshotStore, target: str) -> str | None:
    """A warning when the last release of ``target`` died without finishing (killed, machine lost): the
    release environment it cloned may be left over, taking a place of the quota."""
    records = Journal.records(release_journal_path(store, target))
    starts = [r for r in records if isinstance(r, Start) and r.command == "release"]  # a rollback since: still
    if not starts:
        return None
    mine = of_run(records, starts[-1].run_id)
    if any(isinstance(r, Finish) for r in mine):
        return None
    cloned = [r.environment for r in mine if isinstance(r, ReleaseStep) and r.step == "clone" and r.environment]
    left = f"; its release environment {cloned[-1]} may be left over (delete it if no alias points at it)" \
        if cloned else ""
    return f"the last release on target {target!r} (run {starts[-1].run_id}) did not finish{left}"
