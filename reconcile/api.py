"""One workflow per command. The CLI parses arguments, calls one function here, renders, exits.

Data flow (architecture.md): models ─declared─► desired; live ─backend─► current; diff ─ planner ─► Plan;
apply = verified pre-apply snapshot ─► executor ─► verify ─► (rollback = converge to the snapshot through
the same planner and executor). Revert is the same convergence with its own pre-revert snapshot.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconcile import __version__
from reconcile.backend import Backend, RawEnvironment, parse_environment, raw_from_export
from reconcile.changes import RenameField
from reconcile.config import LOCAL_TOKEN, Config, TargetConfig, load_config
from reconcile.declared import DeclaredModel, content_type_path, load_models, write_locales, write_models
from reconcile.diff import diff
from reconcile.drift import DriftReport, drift_report, drifted_resources
from reconcile.errors import InputError, PolicyBlocked, ReconcileError, StalePlan
from reconcile.executor import ExecutionReport, Executor
from reconcile.interning import Interner
from reconcile.journal import Journal, find_unfinished
from reconcile.lock import ApplyLock, break_lock
from reconcile.model import ContentModel, LiveState
from reconcile.normalize import fingerprint, normalize
from reconcile.plan import Plan
from reconcile.planner import destructive_addresses, make_plan
from reconcile.snapshots import Snapshot, SnapshotStore, summary
from reconcile.targets import LOCAL_ENVIRONMENT_ID, LOCAL_SPACE_ID, OpenTarget, open_target
from reconcile.validate import validate

Progress = Callable[[str], None]
Confirm = Callable[[Plan], bool]


def _silent(_: str) -> None:
    return None


@dataclass(frozen=True)
class Project:
    """A project directory: its configuration and where its model files are."""

    config: Config
    models_dir: Path

    @property
    def store(self) -> SnapshotStore:
        return SnapshotStore(self.config.snapshots_dir)

    def lock_path(self, target: TargetConfig) -> Path:
        return self.config.state_dir / "locks" / f"{target.name}.lock"


def load_project(config_path: Path | None, models_path: Path | None, cwd: Path) -> Project:
    config = load_config(config_path, cwd)
    return Project(config=config, models_dir=models_path or config.models_dir)


def validate_models(project: Project) -> DeclaredModel:
    """Read and check the model files offline; every problem at once, before any request."""
    declared = load_models(project.models_dir)
    problems = validate(declared)
    if problems:
        raise InputError(problems, summary=f"{len(problems)} problem(s) in the models under {project.models_dir}")
    return declared


# ---------------------------------------------------------------------------------------------
# Entry data: counts for destructive changes, and capture for the rollback target.


def _parse_address(address: str) -> tuple[str, str, str | None]:
    """``content_types.X[.fields.F]`` / ``locales.L`` -> (kind, id, field id)."""
    head, _, rest = address.partition(".")
    if head == "locales":
        return "locale", rest, None
    ct_id, _, field_part = rest.partition(".fields.")
    return "content_type", ct_id, field_part or None


def _destructive_addresses(current: ContentModel, desired: ContentModel, run: Interner) -> list[str]:
    with run:
        return list(destructive_addresses(diff(current, desired, run)))


def _affected_content_types(addresses: list[str], live: ContentModel) -> list[str]:
    affected: set[str] = set()
    for address in addresses:
        kind, ident, _ = _parse_address(address)
        if kind == "content_type":
            if ident in live.content_types:
                affected.add(ident)
        else:  # a deleted locale destroys the values of every localized field
            affected.update(
                ct.id for ct in live.content_types.values() if any(f.localized for f in ct.fields)
            )
    return sorted(affected)


def _holds_data(entry: dict[str, Any], field_id: str | None, locale: str | None) -> bool:
    fields: dict[str, Any] = entry.get("fields") or {}
    values = [fields.get(field_id)] if field_id is not None else list(fields.values())
    if locale is None:
        return any(v for v in values)
    return any(isinstance(v, dict) and locale in v for v in values)


def _entry_counts(addresses: list[str], entries: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for address in addresses:
        kind, ident, field_id = _parse_address(address)
        if kind == "locale":
            counts[address] = sum(
                1 for ct_entries in entries.values() for e in ct_entries if _holds_data(e, None, ident)
            )
        elif field_id is None:
            counts[address] = len(entries.get(ident, []))
        else:
            counts[address] = sum(1 for e in entries.get(ident, []) if _holds_data(e, field_id, None))
    return counts


@dataclass
class _Planned:
    plan: Plan
    raw: RawEnvironment
    live: LiveState
    entries: dict[str, list[dict[str, Any]]]


def _plan_against(
    backend: Backend, desired: ContentModel, target: TargetConfig, allow_destroy: bool
) -> _Planned:
    raw = backend.read_raw()
    live = parse_environment(raw)
    run = Interner()  # the diff and the plan share their normalisations
    addresses = _destructive_addresses(live.model, desired, run)
    entries = {ct: backend.fetch_entries(ct) for ct in _affected_content_types(addresses, live.model)}
    plan = make_plan(
        live,
        desired,
        allow_destroy=allow_destroy,
        allowed=target.allowed_destroy,
        entry_counts=_entry_counts(addresses, entries),
        run=run,
    )
    return _Planned(plan, raw, live, entries)


# ---------------------------------------------------------------------------------------------
# plan


@dataclass
class PlanOutcome:
    plan: Plan
    warnings: list[str] = field(default_factory=list)


def unfinished_warnings(project: Project, target: TargetConfig) -> list[str]:
    """Warn about applies that died mid-way, naming the revert that restores their start."""
    return [
        f"an apply on target {target.name!r} did not finish (snapshot {snap.id}); "
        f"to restore the state before it run: reconcile revert {snap.id} --target {target.name}"
        for snap in find_unfinished(project.store, target.name)
    ]


def plan(
    project: Project,
    target_name: str | None,
    *,
    allow_destroy: bool = False,
    from_export: Path | None = None,
) -> PlanOutcome:
    declared = validate_models(project)
    target = project.config.target(target_name)
    warnings = unfinished_warnings(project, target)
    if from_export is not None:
        snapshot = project.store.load(str(from_export), target.name)
        live = snapshot_state(snapshot)
        entries = _entries_by_type(snapshot.export.get("entries") or [])
        run = Interner()  # the diff and the plan share their normalisations
        addresses = _destructive_addresses(live.model, declared.model, run)
        result = make_plan(
            live,
            declared.model,
            allow_destroy=allow_destroy,
            allowed=target.allowed_destroy,
            entry_counts=_entry_counts(addresses, entries),
            run=run,
        )
        return PlanOutcome(result, warnings)
    with open_target(target) as opened:
        planned = _plan_against(opened.backend, declared.model, target, allow_destroy)
    return PlanOutcome(planned.plan, warnings)


def _entries_by_type(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        ct_id = entry.get("sys", {}).get("contentType", {}).get("sys", {}).get("id")
        if isinstance(ct_id, str):
            grouped.setdefault(ct_id, []).append(entry)
    return grouped


# ---------------------------------------------------------------------------------------------
# apply, rollback, revert


@dataclass
class RestoreReport:
    restored: int = 0
    skipped: list[str] = field(default_factory=list)


@dataclass
class ConvergeOutcome:
    """The result of converging the live environment to a snapshot (rollback or revert)."""

    plan: Plan | None
    report: ExecutionReport
    restore: RestoreReport
    complete: bool
    remaining: Plan | None
    error: str | None = None
    #: The environment as last read (raw JSON), when it could be read.
    final_raw: RawEnvironment | None = None


@dataclass
class ApplyOutcome:
    plan: Plan
    applied: bool = False
    snapshot: Snapshot | None = None
    post_snapshot: Snapshot | None = None
    report: ExecutionReport | None = None
    rollback: ConvergeOutcome | None = None
    warnings: list[str] = field(default_factory=list)
    declined: bool = False

    @property
    def ok(self) -> bool:
        return self.report is None or self.report.ok


def _export(raw: RawEnvironment, entries: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "contentTypes": raw.content_types,
        "editorInterfaces": raw.editor_interfaces,
        "entries": [e for ct_entries in entries.values() for e in ct_entries],
        "locales": raw.locales,
    }


def _metadata(opened: OpenTarget, live: LiveState, plan: Plan | None, project: Project) -> dict[str, Any]:
    return {
        "target": opened.config.name,
        "space": opened.space_id,
        "environment": opened.environment_id,
        "plan_hash": fingerprint_plan(plan) if plan is not None else None,
        "fingerprint": fingerprint(live.model),
        "renames": _renames(plan) if plan is not None else {},
        "tool_version": __version__,
        "models_dir": str(project.models_dir),
    }


def _renames(plan: Plan) -> dict[str, dict[str, str]]:
    """Content type id -> {new field id: old field id}: the field renames ``plan`` makes. Recorded in the
    pre-apply snapshot, so that converging back to it renames them back instead of re-creating them."""
    renames: dict[str, dict[str, str]] = {}
    for change in plan.changes:
        if isinstance(change, RenameField):
            renames.setdefault(change.content_type_id, {})[change.after.id] = change.before.id
    return renames


def _renamed_back(wanted: ContentModel, live: ContentModel, recorded: object) -> ContentModel:
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


def fingerprint_plan(plan: Plan) -> str:
    return "sha256:" + hashlib.sha256(plan.to_json().encode()).hexdigest()


def _check_not_stale(saved: Plan, live: LiveState, source: str) -> None:
    actual = fingerprint(live.model)
    if actual != saved.live_fingerprint:
        raise StalePlan(
            f"stale plan {source}: the live environment changed since the plan was made "
            f"(planned against {saved.live_fingerprint[:19]}…, live is {actual[:19]}…)",
            hint="run `reconcile plan --out FILE` again and review the new plan",
        )
    for key, meta in saved.live_meta.items():
        now = live.meta.get(key)
        if now is None or now.version != meta.version:
            raise StalePlan(
                f"stale plan {source}: {key} is at version {now.version if now else 'none'}, "
                f"the plan expected {meta.version}",
                hint="run `reconcile plan --out FILE` again and review the new plan",
            )


@contextmanager
def _locked(project: Project, target: TargetConfig, command: str) -> Iterator[None]:
    with ApplyLock(project.lock_path(target), target.name, command):
        yield


def apply(
    project: Project,
    target_name: str | None,
    *,
    plan_file: Path | None = None,
    allow_destroy: bool = False,
    confirm: Confirm,
    no_rollback: bool = False,
    progress: Progress = _silent,
) -> ApplyOutcome:
    target = project.config.target(target_name)
    saved = load_plan_file(plan_file) if plan_file is not None else None
    desired = None if saved is not None else validate_models(project).model
    warnings = unfinished_warnings(project, target)
    with _locked(project, target, "apply"), open_target(target) as opened:
        backend = opened.backend
        if saved is not None:
            raw = backend.read_raw()
            live = parse_environment(raw)
            _check_not_stale(saved, live, str(plan_file))
            addresses = list(destructive_addresses(saved.changes))
            entries = {ct: backend.fetch_entries(ct) for ct in _affected_content_types(addresses, live.model)}
            planned = _Planned(saved, raw, live, entries)
        else:
            assert desired is not None
            planned = _plan_against(backend, desired, target, allow_destroy)
        the_plan = planned.plan
        outcome = ApplyOutcome(the_plan, warnings=warnings)
        # `confirm` shows the plan; it asks only when there is something allowed to apply.
        if not confirm(the_plan):
            outcome.declined = True
            return outcome
        if not (saved is not None and allow_destroy):  # --allow-destroy given with a saved plan unblocks it
            _refuse_blocked(the_plan)
        if the_plan.is_empty:
            return outcome
        return _apply_planned(
            backend, project.store, target.name, planned, _metadata(opened, planned.live, the_plan, project),
            outcome, progress=progress, no_rollback=no_rollback,
        )


def _apply_planned(
    backend: Backend,
    store: SnapshotStore,
    target_name: str,
    planned: _Planned,
    metadata: dict[str, Any],
    outcome: ApplyOutcome,
    *,
    progress: Progress,
    no_rollback: bool,
) -> ApplyOutcome:
    """Snapshot (verified) before the first write, execute, verify, post-snapshot or roll back."""
    the_plan = planned.plan
    for ct_id in sorted(_renames(the_plan)):
        # renaming keeps the values; capture them anyway, so any later revert can restore them
        if ct_id not in planned.entries and ct_id in planned.live.model.content_types:
            planned.entries[ct_id] = backend.fetch_entries(ct_id)
    snapshot = store.create(target_name, "pre-apply", _export(planned.raw, planned.entries), metadata)
    outcome.snapshot = snapshot
    progress(f"pre-apply snapshot {snapshot.id} written and verified")
    run_id = secrets.token_hex(6)
    journal = _journal_of(snapshot)
    journal.append({"event": "start", "run_id": run_id, "command": "apply", "target": target_name,
                    "snapshot": snapshot.id, "plan_hash": metadata.get("plan_hash")})
    report = Executor(backend, journal, run_id, progress).run(the_plan)
    outcome.report = report
    outcome.applied = True
    if report.ok:
        # The last phase's verification read is the final state; a plan without steps has none.
        final_raw = report.final_raw if report.final_raw is not None else backend.read_raw()
        final = parse_environment(final_raw)
        if fingerprint(final.model) == the_plan.desired_fingerprint:
            outcome.post_snapshot = store.create(
                target_name, "post-apply", _export(final_raw, {}),
                {**metadata, "fingerprint": the_plan.desired_fingerprint, "pre_apply": snapshot.id},
            )
            journal.append({"event": "finish", "run_id": run_id, "outcome": "complete",
                            "post_snapshot": outcome.post_snapshot.id})
            return outcome
        report.failure = ReconcileError("the apply finished but the re-read environment does not match the models")
    if no_rollback:
        journal.append({"event": "finish", "run_id": run_id, "outcome": "failed", "rollback": False})
        return outcome
    progress(f"apply failed; rolling back to snapshot {snapshot.id}")
    # A step that timed out may still be carried out by the server: give it the same time again first.
    settle = backend.timeout if report.failed is not None and report.failed.outcome_unknown else 0.0
    outcome.rollback = converge(backend, snapshot, journal, run_id, progress, label="rollback", settle=settle)
    journal.append({"event": "finish", "run_id": run_id,
                    "outcome": "rolled_back" if outcome.rollback.complete else "rollback_incomplete"})
    return outcome


def save_plan(plan: Plan, path: Path) -> None:
    """Write a plan for a later `apply PLAN_FILE` (atomically: temporary file, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(plan.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReconcileError(f"cannot write plan file {path}: {exc.strerror}",
                             hint="choose a writable path for --out") from None


def _journal_of(snapshot: Snapshot) -> Journal:
    path = snapshot.journal_path
    assert path is not None  # only plain export files have none, and the tool never writes those
    return Journal(path)


def _refuse_blocked(plan: Plan) -> None:
    if plan.is_blocked:
        raise PolicyBlocked(
            "the plan destroys data that is not allowed: " + ", ".join(plan.blocked),
            hint="review the plan; pass --allow-destroy, or list the addresses under "
            "[policy] allow_destroy in reconcile.toml",
        )


def snapshot_state(snapshot: Snapshot) -> LiveState:
    """The environment state a snapshot holds; one the model cannot represent is an error naming the file."""
    try:
        return parse_environment(raw_from_export(snapshot.export))
    except InputError:
        raise
    except ReconcileError as exc:
        raise ReconcileError(
            f"snapshot {snapshot.path}: {exc.message.replace('the live ', 'the ', 1)}",
            hint="the file is damaged, or was written by a tool that writes another shape: use another snapshot",
        ) from None


def load_plan_file(path: Path) -> Plan:
    if path.exists() and not path.is_file():  # reading /dev/zero never ends, a named pipe may never answer
        raise ReconcileError(f"cannot read plan file {path}: not a regular file (a device, pipe or folder)",
                             hint="pass a file written by `reconcile plan --out FILE`")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReconcileError(f"cannot read plan file {path}: {exc}",
                             hint="pass a file written by `reconcile plan --out FILE`") from None
    return Plan.from_json(text, str(path))


#: Rounds of plan + execute + verify a rollback or revert tries before it reports what remains. A round
#: that meets a version conflict or a late write (one that timed out, then landed) re-reads and re-plans.
CONVERGE_ROUNDS = 3


def converge(
    backend: Backend,
    snapshot: Snapshot,
    journal: Journal,
    run_id: str,
    progress: Progress,
    *,
    label: str,
    settle: float = 0.0,
) -> ConvergeOutcome:
    """Bring the live environment back to ``snapshot``: plan, execute, restore captured entry values.

    ``settle`` seconds pass before the first read, so that a write whose outcome is unknown (it timed
    out) has landed or been dropped by then. Up to ``CONVERGE_ROUNDS`` rounds each re-read the
    environment, so a resource changed under the rollback is planned again from what it now holds.
    Never raises for an API or network failure: the outcome says whether the environment reached the
    snapshot, and if not, what remains (when the environment can still be read) and why.
    """
    wanted = snapshot_state(snapshot).model
    outcome = ConvergeOutcome(plan=None, report=ExecutionReport(), restore=RestoreReport(), complete=False,
                              remaining=None)
    if settle > 0:
        progress(f"[{label}] waiting {settle:g} s for a write whose outcome is unknown to land or be dropped")
        time.sleep(settle)
    for round_number in range(1, CONVERGE_ROUNDS + 1):
        outcome.error = None
        try:
            live = backend.read_live()
            outcome.plan = make_plan(live, _renamed_back(wanted, live.model, snapshot.metadata.get("renames")),
                                     allow_destroy=True)
            outcome.report = Executor(backend, journal, run_id, progress).run(outcome.plan, label=label)
            if outcome.report.ok:
                outcome.restore = restore_entries(backend, snapshot.export.get("entries") or [], progress)
            outcome.final_raw = backend.read_raw()
            final = parse_environment(outcome.final_raw)
            outcome.complete = outcome.report.ok and fingerprint(final.model) == fingerprint(wanted)
            outcome.remaining = None if outcome.complete else make_plan(final, wanted, allow_destroy=True)
        except ReconcileError as exc:
            outcome.error = str(exc)
            progress(f"[{label}] stopped: {exc}")
        if outcome.complete or round_number == CONVERGE_ROUNDS:
            break
        progress(f"[{label}] round {round_number} did not reach the snapshot; re-reading and planning again")
        time.sleep(max(settle, 1.0))
    journal.append({"event": "converged", "run_id": run_id, "label": label, "complete": outcome.complete,
                    "entries_restored": outcome.restore.restored, "skipped": outcome.restore.skipped,
                    "error": outcome.error})
    return outcome


def restore_entries(backend: Backend, captured: list[dict[str, Any]], progress: Progress) -> RestoreReport:
    """Put back the captured entry values the live entries lack (the ones the apply destroyed: a removed
    or replaced field, a deleted locale or content type), keeping every value the live entry holds, so
    edits made since are not overwritten. A re-created entry is published when it was; an existing one
    is republished only when it was published with no pending draft, so nobody's draft gets published."""
    result = RestoreReport()
    if not captured:
        return result
    live = backend.read_live().model
    locales = set(live.locales)
    for ct_id, entries in sorted(_entries_by_type(captured).items()):
        content_type = live.content_types.get(ct_id)
        if content_type is None:
            result.skipped.extend(e["sys"]["id"] for e in entries)
            continue
        field_ids = {f.id for f in content_type.fields}
        current = {e["sys"]["id"]: e for e in backend.fetch_entries(ct_id)}
        for entry in entries:
            entry_id = entry["sys"]["id"]
            now = current.get(entry_id)
            live_fields: dict[str, Any] = (now.get("fields") or {}) if now is not None else {}
            wanted = {fid: dict(values) for fid, values in live_fields.items()}
            for fid, values in (entry.get("fields") or {}).items():
                if fid in field_ids and isinstance(values, dict):
                    slot = wanted.setdefault(fid, {})
                    for loc, value in values.items():
                        if loc in locales:
                            slot.setdefault(loc, value)
            if now is not None and wanted == live_fields:
                continue
            if now is None:
                version, publish = None, entry["sys"].get("publishedVersion") is not None
            else:
                sys = now["sys"]
                version = int(sys["version"])
                publish = sys.get("publishedVersion") is not None and version == int(sys["publishedVersion"]) + 1
            response = backend.put_entry(entry_id, ct_id, wanted, version)
            if publish:
                backend.publish_entry(entry_id, int(response["sys"]["version"]))
            result.restored += 1
    progress(f"restored {result.restored} entr{'y' if result.restored == 1 else 'ies'}")
    return result


@dataclass
class RevertOutcome:
    snapshot: Snapshot
    plan: Plan
    pre_snapshot: Snapshot | None = None
    post_snapshot: Snapshot | None = None
    converged: ConvergeOutcome | None = None
    declined: bool = False


def resolve_snapshot(project: Project, target: TargetConfig, ref: str) -> Snapshot:
    if ref == "latest":
        latest = project.store.latest(target.name, kind="pre-apply")
        if latest is None:
            raise ReconcileError(
                f"no pre-apply snapshot for target {target.name!r}: nothing to revert",
                hint="`reconcile snapshots list` shows the snapshots there are",
            )
        return latest
    return project.store.load(ref, target.name)


def revert(
    project: Project,
    target_name: str | None,
    ref: str,
    *,
    confirm: Confirm,
    progress: Progress = _silent,
) -> RevertOutcome:
    target = project.config.target(target_name)
    snapshot = resolve_snapshot(project, target, ref)
    wanted = snapshot_state(snapshot).model
    with _locked(project, target, "revert"), open_target(target) as opened:
        backend = opened.backend
        raw = backend.read_raw()
        live = parse_environment(raw)
        back = make_plan(live, _renamed_back(wanted, live.model, snapshot.metadata.get("renames")),
                         allow_destroy=True)
        outcome = RevertOutcome(snapshot, back)
        if not confirm(back):
            outcome.declined = True
            return outcome
        addresses = list(destructive_addresses(back.changes))
        entries = {ct: backend.fetch_entries(ct) for ct in _affected_content_types(addresses, live.model)}
        pre = project.store.create(
            target.name, "pre-revert", _export(raw, entries),
            {**_metadata(opened, live, back, project), "reverting_to": snapshot.id},
        )
        outcome.pre_snapshot = pre
        progress(f"pre-revert snapshot {pre.id} written and verified")
        run_id = secrets.token_hex(6)
        journal = _journal_of(pre)
        journal.append({"event": "start", "run_id": run_id, "command": "revert", "target": target.name,
                        "snapshot": pre.id, "reverting_to": snapshot.id})
        outcome.converged = converge(backend, snapshot, journal, run_id, progress, label="revert")
        finish: dict[str, Any] = {"event": "finish", "run_id": run_id,
                                  "outcome": "complete" if outcome.converged.complete else "failed"}
        if outcome.converged.complete and outcome.converged.final_raw is not None:
            # What the tool left the environment at: the baseline `drift` compares with from now on.
            outcome.post_snapshot = project.store.create(
                target.name, "post-revert", _export(outcome.converged.final_raw, {}),
                {**_metadata(opened, live, back, project), "fingerprint": fingerprint(wanted),
                 "pre_revert": pre.id, "reverted_to": snapshot.id},
            )
            finish["post_snapshot"] = outcome.post_snapshot.id
        journal.append(finish)
        unfinished = {s.id for s in find_unfinished(project.store, target.name)}
        if outcome.converged.complete and snapshot.id in unfinished:
            # The run that started from this snapshot died; this revert is how it ended.
            _journal_of(snapshot).append({"event": "finish", "run_id": run_id, "outcome": "reverted",
                                          "reverted_by": pre.id})
        return outcome


# ---------------------------------------------------------------------------------------------
# pull, snapshots, unlock


def pull(project: Project, target_name: str | None, *, content_type: str | None = None) -> list[Path]:
    target = project.config.target(target_name)
    with open_target(target) as opened:
        live = opened.backend.read_live()
    if content_type is not None and content_type not in live.model.content_types:
        raise ReconcileError(
            f"content type {content_type!r} does not exist in target {target.name!r}",
            hint="`reconcile pull` without --content-type writes every content type",
        )
    return write_models(normalize(live.model), project.models_dir, only=content_type)


def snapshots_list(project: Project, target_name: str | None) -> list[Any]:
    target = None if target_name is None else project.config.target(target_name).name
    return project.store.list(target)


def snapshot_show(project: Project, ref: str) -> dict[str, Any]:
    return summary(project.store.load(ref, None))


def snapshots_diff(project: Project, ref_a: str, ref_b: str) -> Plan:
    """The plan that would take snapshot A's state to snapshot B's."""
    a = snapshot_state(project.store.load(ref_a, None))
    b = snapshot_state(project.store.load(ref_b, None))
    return make_plan(a, b.model, allow_destroy=True)


def unlock(project: Project, target_name: str | None) -> Path:
    target = project.config.target(target_name)
    path = project.lock_path(target)
    break_lock(path)
    return path


# ---------------------------------------------------------------------------------------------
# rehearse: apply and revert in a throwaway environment, then delete it


@dataclass
class Stage:
    name: str
    ok: bool
    seconds: float
    detail: str = ""


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

    def __init__(self, outcome: RehearsalOutcome, progress: Progress) -> None:
        self.outcome = outcome
        self.progress = progress

    def run(self, name: str, action: Callable[[], str]) -> bool:
        started = time.monotonic()
        try:
            detail, ok = action(), True
        except ReconcileError as exc:
            detail, ok = str(exc), False
        stage = Stage(name, ok, round(time.monotonic() - started, 3), detail)
        self.outcome.stages.append(stage)
        self.progress(f"[rehearse] {name}: {'ok' if ok else 'FAILED'} ({stage.seconds:.2f} s) {detail}")
        return ok


def _rehearse_in(
    sandbox: Backend, desired: ContentModel, target: TargetConfig, allow_destroy: bool,
    stages: _Stages, progress: Progress,
) -> None:
    """plan → apply (with snapshot) → empty re-plan → revert → fingerprint equals the original."""
    with tempfile.TemporaryDirectory(prefix="reconcile-rehearsal-") as tmp:
        store = SnapshotStore(Path(tmp))
        state: dict[str, Any] = {}

        def plan_stage() -> str:
            state["planned"] = planned = _plan_against(sandbox, desired, target, allow_destroy)
            state["start"] = fingerprint(planned.live.model)
            _refuse_blocked(planned.plan)
            return f"{len(planned.plan.changes)} change(s)"

        def apply_stage() -> str:
            planned: _Planned = state["planned"]
            meta = {"target": target.name, "rehearsal": True, "fingerprint": state["start"]}
            outcome = _apply_planned(sandbox, store, target.name, planned, meta, ApplyOutcome(planned.plan),
                                     progress=progress, no_rollback=True)
            state["snapshot"] = outcome.snapshot
            if not outcome.ok:
                failure = outcome.report.failed.error if outcome.report and outcome.report.failed else None
                raise ReconcileError(f"apply failed in the sandbox: {failure or outcome.report}")
            return f"{len(outcome.report.applied) if outcome.report else 0} step(s)"

        def replan_stage() -> str:
            again = make_plan(sandbox.read_live(), desired, allow_destroy=True)
            if not again.is_empty:
                raise ReconcileError(f"re-plan after apply is not empty: {len(again.changes)} change(s) remain")
            return "no changes"

        def revert_stage() -> str:
            snapshot = state["snapshot"]
            converged = converge(sandbox, snapshot, _journal_of(snapshot), secrets.token_hex(6), progress,
                                 label="revert")
            if not converged.complete:
                raise ReconcileError("revert did not reach the pre-apply snapshot")
            return f"{converged.restore.restored} entr(ies) restored"

        def verify_stage() -> str:
            now = fingerprint(sandbox.read_live().model)
            if now != state["start"]:
                raise ReconcileError(f"fingerprint after revert {now[:19]}… differs from the start")
            return state["start"][:19] + "…"

        for name, action in (("plan", plan_stage), ("apply", apply_stage), ("re-plan", replan_stage),
                             ("revert", revert_stage), ("verify", verify_stage)):
            if not stages.run(name, action):
                return


def rehearse(
    project: Project,
    target_name: str | None,
    *,
    allow_destroy: bool = False,
    keep: bool = False,
    offline: bool = False,
    source: str | None = None,
    ready_timeout: float = 300.0,
    progress: Progress = _silent,
) -> RehearsalOutcome:
    """Try the plan and its rollback somewhere safe: a cloned sandbox environment, or offline a
    throwaway local server loaded with the target's state (or a snapshot / export file)."""
    desired = validate_models(project).model
    target = project.config.target(target_name)
    outcome = RehearsalOutcome()
    stages = _Stages(outcome, progress)
    if offline:
        _rehearse_offline(project, target, desired, source, allow_destroy, stages, progress)
        return outcome
    sandbox_id = f"reconcile-rehearsal-{secrets.token_hex(3)}"
    with open_target(target) as opened:
        backend = opened.backend
        outcome.sandbox = sandbox_id

        def clone_stage() -> str:
            backend.clone_environment(sandbox_id, opened.environment_id)
            backend.wait_until_ready(sandbox_id, timeout=ready_timeout)
            return f"environment {sandbox_id} cloned from {opened.environment_id}"

        try:
            if stages.run("clone", clone_stage):
                _rehearse_in(backend.for_environment(sandbox_id), desired, target, allow_destroy, stages, progress)
        finally:
            if keep:
                outcome.kept = True
                progress(f"[rehearse] kept sandbox environment {sandbox_id}")
            else:
                stages.run("delete sandbox", lambda: _delete_environment(backend, sandbox_id))
    return outcome


def _delete_environment(backend: Backend, env_id: str) -> str:
    backend.delete_environment(env_id)
    return f"environment {env_id} deleted"


def _rehearse_offline(
    project: Project, target: TargetConfig, desired: ContentModel, source: str | None,
    allow_destroy: bool, stages: _Stages, progress: Progress,
) -> None:
    from reconcile.emulator import Emulator

    state: dict[str, Any] = {}

    def load_stage() -> str:
        if source is not None:
            export = project.store.load(source, target.name).export
            state["what"] = f"snapshot/export {source}"
        else:  # read the target (GET requests only) and load its state
            with open_target(target) as opened:
                raw = opened.backend.read_raw()
                live = parse_environment(raw)
                ct_ids = sorted(live.model.content_types)
                entries = {ct: opened.backend.fetch_entries(ct) for ct in ct_ids
                           if live.meta_for("content_type", ct) and live.meta[f"content_type:{ct}"].is_published}
            export = _export(raw, entries)
            state["what"] = f"target {target.name}"
        state["export"] = export
        return f"state of {state['what']}"

    if not stages.run("load state", load_stage):
        return
    with tempfile.TemporaryDirectory(prefix="reconcile-offline-") as tmp, \
            Emulator(token=LOCAL_TOKEN) as emulator:
        local = Backend(base_url=emulator.base_url, token=LOCAL_TOKEN, space_id=LOCAL_SPACE_ID,
                        environment_id=LOCAL_ENVIRONMENT_ID)
        seed_store = SnapshotStore(Path(tmp))

        def seed_stage() -> str:
            seed = seed_store.create("offline", "seed", state["export"], {"target": "offline"})
            converged = converge(local, seed, _journal_of(seed), secrets.token_hex(6), progress, label="load")
            if not converged.complete:
                raise ReconcileError("could not load the state into the throwaway server")
            return f"throwaway server at {emulator.base_url}"

        if stages.run("seed throwaway server", seed_stage):
            _rehearse_in(local, desired, target, allow_destroy, stages, progress)


# ---------------------------------------------------------------------------------------------
# drift


@dataclass
class DriftOutcome:
    report: DriftReport
    adopted: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: With --adopt: the snapshot of the adopted live state, the next drift's baseline.
    baseline_snapshot: Snapshot | None = None


#: Snapshots of the state the tool left the environment at, or adopted into the files: drift's baselines.
BASELINE_KINDS = ("post-apply", "post-revert", "adopted")


def drift(project: Project, target_name: str | None, *, adopt: bool = False) -> DriftOutcome:
    """Pending changes (files vs live) and out-of-band changes (vs the newest baseline snapshot, one of
    ``BASELINE_KINDS``: the state the tool last left, or adopted into the files)."""
    declared = validate_models(project).model
    target = project.config.target(target_name)
    baseline = project.store.latest(target.name, kind=BASELINE_KINDS)
    baseline_model = snapshot_state(baseline).model if baseline else None
    with open_target(target) as opened:
        raw = opened.backend.read_raw()
        live = parse_environment(raw)
        metadata = _metadata(opened, live, None, project) if adopt else {}
    report = drift_report(live, declared, baseline_model, baseline.id if baseline else None)
    outcome = DriftOutcome(report, warnings=unfinished_warnings(project, target))
    if baseline is None:
        outcome.warnings.append(
            f"no post-apply or post-revert snapshot for target {target.name!r}: only pending changes are reported"
        )
    if adopt:
        outcome.adopted = _adopt(project, live, report)
        if report.out_of_band:
            # The files now accept the live state: it is the baseline the next drift compares with.
            outcome.baseline_snapshot = project.store.create(target.name, "adopted", _export(raw, {}), metadata)
    return outcome


def _adopt(project: Project, live: LiveState, report: DriftReport) -> list[Path]:
    """Write the out-of-band changes into the model files, touching only the drifted files."""
    current = normalize(live.model)
    written: list[Path] = []
    for kind, ident in drifted_resources(report):
        if kind == "locale":
            written.append(write_locales(current, project.models_dir))
        elif ident in current.content_types:
            written.extend(write_models(current, project.models_dir, only=ident))
        else:
            gone = content_type_path(project.models_dir, ident)
            gone.unlink(missing_ok=True)
            written.append(gone)
    return sorted(set(written))
