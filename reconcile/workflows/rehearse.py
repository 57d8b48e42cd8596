"""The rehearse command: apply and revert in a throwaway environment, then delete it.

Online the sandbox is a clone of the target's environment; offline it is a local server seeded with
the target's state (or a snapshot / export file). In the sandbox: plan (running the declared fills, as
`plan` does), apply (with its snapshot, entry writes included), re-plan (must be empty), revert, and the
fingerprint must equal the one before the apply, and so must the entries the plan touches (their values
and publish state: docs/transforms.md).
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconcile.backend import Backend, SpaceEnvironments, meta_from_api
from reconcile.backend.known import parse_like
from reconcile.clock import SYSTEM_CLOCK, Clock
from reconcile.collector import paused
from reconcile.config import LOCAL_TOKEN, TargetConfig
from reconcile.conversion_steps import FILL_FAILED, written_content_types
from reconcile.entries import fetch_by_type
from reconcile.entry_journal import digest
from reconcile.errors import ApiError, PolicyBlocked, ReconcileError
from reconcile.fills import LoadedFill, load_fills
from reconcile.interning import Interner
from reconcile.journal import journal_of
from reconcile.local_emulator import local_emulator
from reconcile.model import ContentModel
from reconcile.normalize import fingerprint
from reconcile.plan import Plan
from reconcile.planner import make_plan
from reconcile.progress import Note, Progress, silent
from reconcile.snapshots import Snapshot, SnapshotStore
from reconcile.targets import LOCAL_ENVIRONMENT_ID, LOCAL_SPACE_ID, open_target
from reconcile.wording import count
from reconcile.workflows.apply import ApplyOutcome, apply_planned
from reconcile.workflows.converge import converge
from reconcile.workflows.metadata import export
from reconcile.workflows.planning import Planned, plan_against, refuse_blocked
from reconcile.workflows.project import Project, validate_models
from reconcile.workflows.resuming import NO_WORK, LeftWork, left_work

SERVER_DIR = "server"  # the throwaway server's data, in the offline rehearsal's temporary folder


@dataclass
class Stage:
    name: str
    ok: bool
    seconds: float
    detail: str = ""
    #: The failure of a failed stage (the CLI says how to fix an API refusal that carries no hint).
    error: ReconcileError | None = field(default=None, repr=False)


@dataclass
class RehearsalOutcome:
    stages: list[Stage] = field(default_factory=list)
    sandbox: str | None = None
    kept: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.stages) and all(stage.ok for stage in self.stages)


class _Stages:
    """Runs named stages, timing each; the first failure stops the rehearsal."""

    def __init__(self, outcome: RehearsalOutcome, progress: Progress, clock: Clock) -> None:
        self.outcome = outcome
        self.progress = progress
        self.clock = clock

    def run(self, name: str, action: Callable[[], str]) -> bool:
        started = self.clock.monotonic()
        error: ReconcileError | None = None
        try:
            detail = action()
        except ReconcileError as exc:
            detail, error = str(exc), exc
        stage = Stage(name, error is None, round(self.clock.monotonic() - started, 3), detail, error)
        self.outcome.stages.append(stage)
        self.progress(Note(f"[rehearse] {name}: {'ok' if stage.ok else 'FAILED'} ({stage.seconds:.2f} s) {detail}"))
        return stage.ok


def rehearse(
    project: Project,
    target_name: str | None,
    *,
    allow_destroy: bool = False,
    keep: bool = False,
    offline: bool = False,
    source: str | None = None,
    ready_timeout: float = 300.0,
    progress: Progress = silent,
    clock: Clock = SYSTEM_CLOCK,
) -> RehearsalOutcome:
    """Try the plan and its rollback somewhere safe: a cloned sandbox environment, or offline a
    throwaway local server loaded with the target's state (or a snapshot / export file)."""
    declared = validate_models(project, target_name)
    target = project.config.target(target_name)
    wanted = _Wanted(project, target_name, load_fills(declared, project.root), declared.model,
                     left_work(project.store, target.name))
    del declared  # where each part was declared: not needed from here on (issue 16)
    outcome = RehearsalOutcome()
    stages = _Stages(outcome, progress, clock)
    if offline:
        wanted.let_go()  # read again for the plan stage: not held while the state is loaded and seeded
        _rehearse_offline(project, target, wanted, source, allow_destroy, stages)
        return outcome
    sandbox_id = f"reconcile-rehearsal-{secrets.token_hex(3)}"
    with open_target(target) as opened:
        backend, space = opened.backend, SpaceEnvironments(opened.backend)
        outcome.sandbox = sandbox_id

        def clone_stage() -> str:
            try:
                space.clone_environment(sandbox_id, opened.environment_id)
            except ApiError as exc:
                if not exc.outcome_unknown:  # refused (a wrong token, the quota): no sandbox to keep or delete
                    outcome.sandbox = None
                raise
            space.wait_until_ready(sandbox_id, timeout=ready_timeout)
            return f"environment {sandbox_id} cloned from {opened.environment_id}"

        try:
            if stages.run("clone", clone_stage):
                _rehearse_in(backend.for_environment(sandbox_id), wanted, target, allow_destroy, stages)
        finally:
            _end_sandbox(outcome, space, stages, keep)
    return outcome


def _end_sandbox(outcome: RehearsalOutcome, space: SpaceEnvironments, stages: _Stages, keep: bool) -> None:
    """Keep the sandbox (``--keep``) or delete it; nothing when the clone request was refused."""
    env_id = outcome.sandbox
    if env_id is None:
        return
    if keep:
        outcome.kept = True
        stages.progress(Note(f"[rehearse] kept sandbox environment {env_id}"))
    else:
        stages.run("delete sandbox", lambda: _delete_environment(space, env_id))


def _delete_environment(space: SpaceEnvironments, env_id: str) -> str:
    space.delete_environment(env_id)
    return f"environment {env_id} deleted"


@dataclass
class _Wanted:
    """What the rehearsal converges the sandbox to: the models and their declared fills, and the work runs that died
    on the target left (the apply's plan resumes their conversions: ``workflows.resuming``; the sandbox holds the
    same temporary fields). The model (about 100 MB at 1,000 content types of 50 fields) is held only while a
    stage needs it: let go, it is read again (from the parse cache) when asked for (issue 16)."""

    project: Project
    target_name: str | None
    fills: dict[str, LoadedFill]
    read: ContentModel | None
    left: LeftWork = NO_WORK

    def model(self) -> ContentModel:
        if self.read is None:
            self.read = validate_models(self.project, self.target_name).model
        return self.read

    def let_go(self) -> None:
        self.read = None


def _rehearse_in(
    sandbox: Backend, desired: _Wanted, target: TargetConfig, allow_destroy: bool, stages: _Stages
) -> None:
    """Run the rehearsal's stages in ``sandbox``, with its snapshots in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="reconcile-rehearsal-") as tmp:
        rehearsal = _Rehearsal(sandbox, desired, target, allow_destroy, SnapshotStore(Path(tmp)), stages)
        for name, action in (("plan", rehearsal.plan), ("apply", rehearsal.apply), ("re-plan", rehearsal.replan),
                             ("revert", rehearsal.revert), ("verify", rehearsal.verify)):
            if not stages.run(name, action):
                return


class _Rehearsal:
    """plan → apply (with snapshot) → empty re-plan → revert → fingerprint and entries equal the original."""

    def __init__(
        self, sandbox: Backend, desired: _Wanted, target: TargetConfig, allow_destroy: bool,
        store: SnapshotStore, stages: _Stages,
    ) -> None:
        self.sandbox, self.wanted, self.target, self.allow_destroy = sandbox, desired, target, allow_destroy
        self.store, self.progress, self.clock = store, stages.progress, stages.clock
        self.planned: Planned | None = None
        self.snapshot: Snapshot | None = None
        self.start = ""
        #: The content types whose entries the plan writes or whose entry data it destroys.
        self.touched: list[str] = []
        #: Their entries before the apply: id -> a digest of the values and publish state (no values kept).
        self.entries: dict[str, str] = {}

    def plan(self) -> str:
        self.planned = planned = plan_against(self.sandbox, self.wanted.model(), self.target, self.allow_destroy,
                                              self.wanted.fills, left=self.wanted.left)
        self.start = fingerprint(planned.live.model)
        self.touched = _touched(planned)
        self.entries = _entry_digests(self.sandbox, self.touched)
        try:
            refuse_blocked(planned.plan)
        except PolicyBlocked as exc:  # the notes of what blocks it name the entries (a fill's failures)
            blocked = {address.removesuffix(FILL_FAILED) for address in planned.plan.blocked}
            notes = "; ".join(n for n in planned.plan.notes if n.split(": ", 1)[0] in blocked)
            raise PolicyBlocked(f"{exc.message}{' (' + notes + ')' if notes else ''}", hint=exc.hint) from None
        return count(len(planned.plan.changes), "change")

    def apply(self) -> str:
        planned, self.planned = self.planned, None  # the plan (it holds the declared model) ends with the apply
        assert planned is not None
        meta = {"target": self.target.name, "rehearsal": True, "fingerprint": self.start}
        outcome = apply_planned(self.sandbox, self.store, self.target.name, planned, meta,
                                ApplyOutcome(planned.plan), progress=self.progress, no_rollback=True,
                                clock=self.clock)
        self.snapshot = outcome.snapshot
        if not outcome.ok:
            failure = outcome.report.failed.error if outcome.report and outcome.report.failed else None
            raise ReconcileError(f"apply failed in the sandbox: {failure or outcome.report}")
        return count(len(outcome.report.applied) if outcome.report else 0, "step")

    def replan(self) -> str:
        again = _replan(self.sandbox, self.wanted.model(), self.target)
        self.wanted.let_go()  # the revert and the verification do not need it
        if not again.is_empty:
            raise ReconcileError(f"re-plan after apply is not empty: {count(len(again.changes), 'change')} remain")
        return "no changes"

    def revert(self) -> str:
        snapshot = self.snapshot
        assert snapshot is not None
        converged = converge(self.sandbox, snapshot, journal_of(snapshot), secrets.token_hex(6), self.progress,
                             label="revert", clock=self.clock)
        if not converged.complete:
            raise ReconcileError("revert did not reach the pre-apply snapshot")
        return f"{count(converged.restore.restored, 'entry')} restored"

    def verify(self) -> str:
        now = fingerprint(self.sandbox.read_live().model)
        if now != self.start:
            raise ReconcileError(f"fingerprint after revert {now[:19]}… differs from the start")
        after = _entry_digests(self.sandbox, self.touched)
        differing = sorted(entry_id for entry_id, before in self.entries.items() if after.get(entry_id) != before)
        if differing:
            shown = ", ".join(differing[:5]) + (", ..." if len(differing) > 5 else "")
            raise ReconcileError(f"after revert the values or publish state of {count(len(differing), 'entry')} "
                                 f"differ from the start ({shown})")
        return f"{self.start[:19]}…, {count(len(self.entries), 'entry')} as at the start"


@paused()  # a burst of acyclic values: reconcile/collector.py
def _replan(sandbox: Backend, desired: ContentModel, target: TargetConfig) -> Plan:
    """The plan from the sandbox to ``desired`` after the apply. The live values that are exactly the declared
    ones, as sent, are those values (``parse_like``, as the plan stage reads): not a second model of 1,000
    content types beside the declared one (issue 16)."""
    with Interner() as run:
        live = parse_like(sandbox.read_raw(), run.normalize(desired))
        return make_plan(live, target.scope.desired(desired, live.model), allow_destroy=True, run=run)


def _touched(planned: Planned) -> list[str]:
    """The content types whose entries the plan writes or whose entry data it destroys."""
    return sorted({*planned.entries, *written_content_types(planned.plan)})


def _entry_digests(backend: Backend, content_type_ids: list[str]) -> dict[str, str]:
    """The entries of the content types, read a page at a time (as apply reads them): entry id -> a digest
    of its values and publish state, so that memory holds one page of entries whatever their number."""
    return {entry.id: digest({"fields": entry.fields, "state": entry.state})
            for ct_id in content_type_ids for page in backend.entry_pages(ct_id) for entry in page}


def _target_export(target: TargetConfig) -> dict[str, Any]:
    """The target's state (GET requests only), with the entries of its published content types."""
    with open_target(target) as opened:
        raw = opened.backend.read_raw()
        # from the content types' sys alone: parsing the whole model for it took 70 MB more at 1,000 x 50
        published = sorted(d["sys"]["id"] for d in raw.content_types if meta_from_api(d).is_published)
        return export(raw, fetch_by_type(opened.backend, published))


def _rehearse_offline(
    project: Project, target: TargetConfig, desired: _Wanted, source: str | None,
    allow_destroy: bool, stages: _Stages,
) -> None:
    state: dict[str, Any] = {}

    def load_stage() -> str:
        if source is not None:
            state["export"] = project.store.load(source, target.name).export
            return f"state of snapshot/export {source}"
        state["export"] = _target_export(target)
        return f"state of target {target.name}"

    if not stages.run("load state", load_stage):
        return
    # The throwaway server is an emulator child process, as the local target's (local_emulator.py): the tool's
    # process does not hold the space twice. It persists in the temporary folder, removed however the command
    # ends (the child stops first): the persisting emulator keeps its resources as compressed texts, a
    # fourth of the memory of the parsed values it would hold otherwise (issue 16).
    with tempfile.TemporaryDirectory(prefix="reconcile-offline-") as tmp, \
            local_emulator(Path(tmp) / SERVER_DIR, LOCAL_SPACE_ID, LOCAL_TOKEN,
                           name="the rehearsal's throwaway server") as server:
        local = Backend(base_url=server.url, token=LOCAL_TOKEN, space_id=LOCAL_SPACE_ID,
                        environment_id=LOCAL_ENVIRONMENT_ID, scope=target.scope, unreachable=server.stopped)
        seed_store = SnapshotStore(Path(tmp))

        def seed_stage() -> str:
            # popped: the export is let go once written; the seed snapshot reads it back from its file
            seed = seed_store.create("offline", "seed", state.pop("export"), {"target": "offline"})
            converged = converge(local, seed, journal_of(seed), secrets.token_hex(6), stages.progress,
                                 label="load", clock=stages.clock)
            if not converged.complete:
                raise ReconcileError("could not load the state into the throwaway server")
            return f"throwaway server at {server.url}"

        if stages.run("seed throwaway server", seed_stage):
            _rehearse_in(local, desired, target, allow_destroy, stages)
