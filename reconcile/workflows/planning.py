"""Planning against a live environment: read it, count the entry data at stake, make the plan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reconcile.backend import Backend, RawEnvironment, parse_environment
from reconcile.config import TargetConfig
from reconcile.entries import EntriesByType, capture, entry_counts
from reconcile.errors import PolicyBlocked, ReconcileError, StalePlan
from reconcile.model import ContentModel, LiveState, printable
from reconcile.normalize import fingerprint
from reconcile.plan import Plan
from reconcile.planner import destructive_addresses, diff_models, plan_changes
from reconcile.widgets import missing_widget_warnings, used_widgets


@dataclass
class Planned:
    """A plan with what it was made from: the raw and parsed live state and the entries at stake."""

    plan: Plan
    raw: RawEnvironment
    live: LiveState
    entries: EntriesByType


def plan_with_entries(
    live: LiveState,
    desired: ContentModel,
    target: TargetConfig,
    allow_destroy: bool,
    entries_at: Callable[[tuple[str, ...]], EntriesByType],
) -> tuple[Plan, EntriesByType]:
    """The plan from ``live`` to ``desired`` under the target's policy, diffing once: ``entries_at`` gets the
    addresses of the destructive changes and returns the entries there, whose data the plan counts."""
    diffed = diff_models(live, desired)
    addresses = diffed.destructive_addresses
    entries = entries_at(addresses)
    counts = entry_counts(addresses, entries)
    plan = plan_changes(diffed, allow_destroy=allow_destroy, allowed=target.allowed_destroy, entry_counts=counts)
    return plan, entries


def plan_against(backend: Backend, desired: ContentModel, target: TargetConfig, allow_destroy: bool) -> Planned:
    """Read the live environment, capture the entries the destructive changes touch, and plan."""
    raw = backend.read_raw()
    live = parse_environment(raw)
    plan, entries = plan_with_entries(
        live, desired, target, allow_destroy, lambda addresses: capture(backend, addresses, live.model)
    )
    return Planned(plan, raw, live, entries)


def uninstalled_widgets(backend: Backend, desired: ContentModel) -> list[str]:
    """Warnings for the app and extension widgets of ``desired`` the environment does not have installed (read
    only when the models use such widgets)."""
    used = used_widgets(desired)
    return missing_widget_warnings(used, *backend.installed_widgets()) if used else []


def replanned(backend: Backend, saved: Plan, source: str, target: str) -> Planned:
    """A saved plan with the live state it runs against on ``target``; the plan must not be stale."""
    raw = backend.read_raw()
    live = parse_environment(raw)
    check_not_stale(saved, live, source, target)
    return Planned(saved, raw, live, capture(backend, destructive_addresses(saved.changes), live.model))


def check_not_stale(saved: Plan, live: LiveState, source: str, target: str) -> None:
    """Refuse a saved plan made against another state than the live one (fingerprint and versions)."""
    replan = f"run `reconcile plan --target {target} --out FILE` again and review the new plan"
    actual = fingerprint(live.model)
    if actual != saved.live_fingerprint:
        raise StalePlan(
            f"stale plan {source}: the live environment changed since the plan was made "
            f"(planned against {saved.live_fingerprint[:19]}…, live is {actual[:19]}…)",
            hint=replan,
        )
    for key, meta in saved.live_meta.items():
        now = live.meta.get(key)
        if now is None or now.version != meta.version:
            raise StalePlan(
                f"stale plan {source}: {key} is at version {now.version if now else 'none'}, "
                f"the plan expected {meta.version}",
                hint=replan,
            )


def check_target(saved: Plan, source: str, target: str) -> str | None:
    """Refuse a saved plan made for another target (before any request); a plan that records no target
    (format 1.0, 1.1) is accepted: the returned warning names what could not be checked."""
    if saved.target is None:
        return (f"plan {source} records no target (plan format {saved.format_version}): it could not be checked "
                f"that it was made for target '{target}'; make plans again with this version to have it checked")
    if saved.target != target:
        _refuse(saved, source, f"target '{target}'", target)
    return None


def check_environment(saved: Plan, source: str, target: str, space_id: str, environment_id: str) -> None:
    """Refuse a saved plan made against another space or environment than the opened target's."""
    if (saved.space_id is not None and saved.space_id != space_id) or (
        saved.environment_id is not None and saved.environment_id != environment_id
    ):
        _refuse(saved, source, f"target '{target}' (space {space_id}, environment {environment_id})", target)


def _refuse(saved: Plan, source: str, here: str, target: str) -> None:
    made = printable(saved.where or "no target")
    replan = f"reconcile plan --target {target} --out FILE"
    other = f"reconcile apply {source} --target {printable(saved.target)}" if saved.target else None
    raise ReconcileError(
        f"plan {source} was made for {made}, not for {here}; nothing was applied",
        hint=f"make the plan again for this target: `{replan}`" + (f"; or apply it where it was made: `{other}`"
                                                                     if other else ""),
    )


def refuse_blocked(plan: Plan) -> None:
    if plan.is_blocked:
        raise PolicyBlocked(
            "the plan destroys data that is not allowed: " + ", ".join(plan.blocked),
            hint="review the plan; pass --allow-destroy, or list the addresses under "
            "[policy] allow_destroy in reconcile.toml",
        )
