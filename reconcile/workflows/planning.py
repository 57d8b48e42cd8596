"""Planning against a live environment: read it, count the entry data at stake, make the plan."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from reconcile.backend import Backend, RawEnvironment, parse_environment
from reconcile.backend.known import parse_like
from reconcile.changes import DeleteContentType, DeleteLocale, DeleteTag, RemoveField, ReplaceField
from reconcile.collector import paused
from reconcile.config import TargetConfig
from reconcile.conversion_steps import (
    FILL_FAILED,
    stale_entries,
)
from reconcile.entries import EntriesByType, capture, entry_counts, fetch_by_type
from reconcile.entry_digest import EntriesDigest, read_count
from reconcile.errors import PolicyBlocked, ReconcileError, StalePlan
from reconcile.fills import Fill, LoadedFill
from reconcile.interning import Interner
from reconcile.model import ContentModel, LiveState, printable
from reconcile.normalize import fingerprint
from reconcile.plan import Plan
from reconcile.planner import default_locale, destructive_addresses, diff_models, plan_changes
from reconcile.publishability import marked_unpublishable
from reconcile.resume import NOTHING, LeftTemporary, resumed_changes, resumed_desired, resumptions
from reconcile.scope import check_narrowing, check_plan_in_scope
from reconcile.steps import PutEntry, Step
from reconcile.widgets import missing_widget_warnings, used_widgets
from reconcile.wording import count
from reconcile.workflows.entry_scan import Pages, losing_nothing, scan
from reconcile.workflows.filling import retyped
from reconcile.workflows.resuming import NO_WORK, LeftWork, cut_short_notes


@dataclass
class Planned:
    """A plan with what it was made from: the raw and parsed live state and the entries at stake."""

    plan: Plan
    raw: RawEnvironment
    live: LiveState
    entries: EntriesByType
    #: The fills its ``write_entries`` steps run again (``FILE.py:FUNCTION`` -> the function).
    fills: dict[str, Fill] = field(default_factory=dict)

    def let_go(self) -> None:
        """Drop what was read for planning (raw and parsed live state, entries) once the pre-apply snapshot
        holds it: the apply that follows needs only the plan, and at 1,000 content types of 50 fields the
        two reads are over 100 MB (issue 16). ``raw``, ``live`` and ``entries`` are empty afterwards."""
        self.raw, self.live, self.entries = RawEnvironment([], [], []), LiveState(model=ContentModel()), {}


def plan_with_entries(
    live: LiveState,
    desired: ContentModel,
    target: TargetConfig,
    allow_destroy: bool,
    entries_at: Callable[[tuple[str, ...]], EntriesByType],
    pages_of: Pages = lambda _: (),
    fills: Mapping[str, LoadedFill] = {},
    narrowed: tuple[str, ...] = (),
    run: Interner | None = None,
    left: Sequence[LeftTemporary] = (),
) -> tuple[Plan, EntriesByType]:
    """The plan from ``live`` to ``desired`` under the target's policy and scope (and only for the
    ``narrowed`` content types, when given), diffing once: ``entries_at`` gets the addresses of the
    destructive changes and returns the entries there, whose data the plan counts; ``pages_of`` gets a
    content type whose values convert or fill or whose rules tighten and returns its entries, a page at a
    time (read once, never held whole: :mod:`reconcile.workflows.entry_scan`); ``run``: the normalisations of the
    caller, when it has made some (``diff_models``); ``left``: the temporary fields of conversions died runs left,
    whose conversions the plan resumes (:mod:`reconcile.resume`). Returns the plan and the entries its pre-apply
    snapshot keeps."""
    check_narrowing(target.scope, narrowed, desired, live.model)
    wanted = target.scope.desired(desired, live.model, narrowed)
    resumed = resumptions(live.model, wanted, left) if left else NOTHING
    diffed = diff_models(live, resumed_desired(wanted, resumed), run)
    if resumed:
        diffed = replace(diffed, changes=resumed_changes(diffed.changes, resumed), resumed=resumed.temporaries)
    locale = default_locale(live.model) or "en-US"
    found = scan(retyped(diffed.changes, fills), fills, pages_of, diffed.current, diffed.target, locale,
                 diffed.resumed)
    hits = {address: hit for address, hit in found.unpublishable.items() if address not in found.repaired}
    changes, unpublishable, notes = marked_unpublishable(retyped(diffed.changes, fills), hits)
    diffed = replace(diffed, changes=losing_nothing(changes, found.lossy))
    addresses = diffed.destructive_addresses
    entries = entries_at(addresses)
    counts = {**entry_counts(addresses, entries), **found.lossy, **unpublishable}
    plan = plan_changes(diffed, allow_destroy=allow_destroy, allowed=target.allowed_destroy, entry_counts=counts,
                        writes=found.writes)
    extra = {"notes": (*resumed.notes, *plan.notes, *found.notes, *notes), "blocked": (*plan.blocked, *found.failed),
             "narrowed": tuple(sorted(set(narrowed))),
             "entries_read": {ct_id: found.read[ct_id] for ct_id in sorted(found.writes)}}
    return plan.model_copy(update=extra), entries


def plan_against(
    backend: Backend, desired: ContentModel, target: TargetConfig, allow_destroy: bool,
    fills: Mapping[str, LoadedFill] = {}, narrowed: tuple[str, ...] = (), left: LeftWork = NO_WORK,
) -> Planned:
    """Read the live environment, capture the entries the destructive changes touch, run the fills the
    changes trigger, and plan (only for the ``narrowed`` content types, when given; resuming the work ``left``
    by runs that died, ``workflows.resuming``); with the garbage collector paused (``reconcile.collector``:
    apply, rehearse and release plan here too)."""
    run = Interner()  # the declared model normalised first: the live values equal to its own are taken as they are
    with paused(), run:
        raw = backend.read_raw()
        live = parse_like(raw, run.normalize(desired))
        plan, entries = plan_with_entries(
            live, desired, target, allow_destroy, lambda addresses: capture(backend, addresses, live.model),
            backend.entry_pages, fills, narrowed, run, left.temporaries,
        )
        if left.cut_short and (notes := cut_short_notes(backend, left.cut_short, plan)):
            plan = plan.model_copy(update={"notes": (*plan.notes, *notes)})
        return Planned(plan, raw, live, entries, {loaded.spec: loaded.function for loaded in fills.values()})


def uninstalled_widgets(backend: Backend, desired: ContentModel) -> list[str]:
    """Warnings for the app and extension widgets of ``desired`` the environment does not have installed (read
    only when the models use such widgets)."""
    used = used_widgets(desired)
    return missing_widget_warnings(used, *backend.installed_widgets()) if used else []


def replanned(backend: Backend, saved: Plan, source: str, target: str, run: Interner | None = None) -> Planned:
    """A saved plan with the live state it runs against on ``target``; the plan must be in the target's
    scope and not be stale. ``run``: the normalisations that read the plan (``load_plan_file``): the live values
    equal to those of its first phase's expected model are then taken as they are (``backend.known``)."""
    check_plan_in_scope(backend.scope, (change.address for change in saved.changes), source, target)
    raw = backend.read_raw()
    if run is None or not saved.phases:
        live = parse_environment(raw)
        check_not_stale(saved, live, source, target)
    else:
        with paused(), run:
            live = parse_like(raw, saved.phases[0].expected)
            check_not_stale(saved, live, source, target, run.fingerprint)
    # A 1.3 plan's ``put_entry`` steps carry the values: their entries are checked (and kept for the
    # snapshot) here; a 1.4 plan's entries are read, checked and kept by the pre-apply snapshot.
    whole = fetch_by_type(backend, sorted({s.content_type_id for s in _steps(saved) if isinstance(s, PutEntry)}))
    check_entries_not_stale(saved, whole, source, target)
    read = {ct_id: EntriesDigest().add(e for page in backend.entry_pages(ct_id) for e in page).text
            for ct_id in saved.entries_read}
    check_entries_read(saved, read, source, target)
    at_stake = destructive_addresses(saved.changes)
    captured = capture(backend, at_stake, live.model)
    check_data_at_stake(saved, entry_counts(at_stake, captured), source, target)
    return Planned(saved, raw, live, {**captured, **whole})


def _steps(plan: Plan) -> list[Step]:
    return [step for phase in plan.phases for step in phase.steps]


def check_entries_not_stale(saved: Plan, whole: EntriesByType, source: str, target: str) -> None:
    """Refuse a saved plan whose converted entries changed since it was made (its values were computed
    from the entries as they were then)."""
    stale = stale_entries((s for phase in saved.phases for s in phase.steps), saved.changes, whole)
    if stale:
        shown = ", ".join(stale[:5]) + (", ..." if len(stale) > 5 else "")
        raise StalePlan(
            f"stale plan {source}: {count(len(stale), 'entry')} changed since the plan was made ({shown})",
            hint=f"run `reconcile plan --target {target} --out FILE` again and review the new plan",
        )


def check_entries_read(saved: Plan, read: Mapping[str, str], source: str, target: str) -> None:
    """Refuse a plan when an entry its fills or conversions read changed since, even one they left unchanged:
    their result for it may now differ (``read``: content type -> the digest of its entries now, see
    :mod:`reconcile.entry_digest`)."""
    for ct_id, recorded in sorted(saved.entries_read.items()):
        now = read.get(ct_id, EntriesDigest().text)
        if now != recorded:
            raise StalePlan(
                f"stale plan {source}: the entries of content type '{ct_id}' changed since the plan was made "
                f"(it read {read_count(recorded)} entries, {read_count(now)} now; an entry was edited, "
                f"published, archived, added or deleted), so its fills or conversions may now compute other values",
                hint=f"run `reconcile plan --target {target} --out FILE` again and review the new plan",
            )


# The deletions whose plan counts the entries holding data there (a lossy conversion counts those losing data, a
# tightened rule those left unpublishable; the entries a conversion reads are checked by ``check_entries_read``).
_DELETING = (DeleteContentType, RemoveField, ReplaceField, DeleteLocale, DeleteTag)


def check_data_at_stake(saved: Plan, now: Mapping[str, int], source: str, target: str) -> None:
    """Refuse a saved plan when more entries hold data one of its deletions destroys than it counted (``now``:
    address -> the entries holding data there now): the reviewed plan said how many lose data, and a field
    that held none when it was planned may hold some now; the content model, and so the fingerprint, is the same."""
    for change in saved.changes:
        counted, found = saved.entry_counts.get(change.address, 0), now.get(change.address, 0)
        if isinstance(change, _DELETING) and found > counted:
            raise StalePlan(
                f"stale plan {source}: {change.address} destroys the data of {count(found, 'entry')} now, "
                f"the plan counted {counted}",
                hint=f"run `reconcile plan --target {target} --out FILE` again and review the new plan",
            )


def check_not_stale(
    saved: Plan, live: LiveState, source: str, target: str, fingerprint_of: Callable[[ContentModel], str] = fingerprint
) -> None:
    """Refuse a saved plan made against another state than the live one (fingerprint and versions)."""
    replan = f"run `reconcile plan --target {target} --out FILE` again and review the new plan"
    actual = fingerprint_of(live.model)
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


def refuse_failed_fills(plan: Plan) -> None:
    """Refuse a plan in which a declared fill failed (whatever the destroy policy says)."""
    failed = [b.removesuffix(FILL_FAILED) for b in plan.blocked if b.endswith(FILL_FAILED)]
    if failed:
        raise PolicyBlocked(
            "a declared fill failed on some entries: " + ", ".join(failed),
            hint="the plan's notes name the entries and why; fix the fill (or those entries) and plan again",
        )


def refuse_blocked(plan: Plan) -> None:
    refuse_failed_fills(plan)
    if plan.is_blocked:
        raise PolicyBlocked(
            "the plan destroys data that is not allowed: " + ", ".join(plan.blocked),
            hint="review the plan; pass --allow-destroy, or list the addresses under "
            "[policy] allow_destroy in reconcile.toml",
        )
