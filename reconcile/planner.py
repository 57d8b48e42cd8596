"""Changes to ordered phases of API steps, in the order Contentful requires; destructive-change policy.

A plan is made in two steps, so that the models are diffed once: :func:`diff_models` normalises both
models, checks the default locale and diffs them (its ``destructive_addresses`` say what to count
entries for); :func:`plan_changes` builds the phases from those changes (:mod:`reconcile.builder`) and
applies the policy. :func:`make_plan` does both.

Phases (each left out when it has no steps):

1. ``locales``: creates (a locale after the new locale it falls back to), then updates (including
   locales whose fallback pointed at a locale deleted in phase 7).
2. ``content_types``: one full-body PUT per created or changed content type, then its publish. The
   body holds the desired fields (renames carry ``renamed_from``, sent as ``newId``) and, unchanged
   at their live place, the fields that later phases remove or replace. Live drafts whose content
   already matches are published (``PublishContentType``).
3. ``omit_fields``: PUT with the doomed fields ``omitted: true``, publish (fields already omitted in
   the live state need no omit, nor do those of a content type that phase 2 puts anyway: its body
   already omits them).
4. ``remove_fields``: PUT without them, publish; for a ``ReplaceField`` one more PUT re-adding the
   field with its new type, publish.
5. ``editor_interfaces``: PUT only where the desired interface differs from what the server holds
   after the publishes (it appends bare controls for new fields, drops those of deleted fields and
   moves those of renamed fields).
6. ``delete_content_types``: ``delete_entries`` when entries exist, unpublish when published, delete.
7. ``delete_locales``: dependents before the locales they fall back to.

Each phase records the normalised model the environment holds after it, and each step the changes that
take effect with it (their phase is in :data:`reconcile.kinds.KINDS`). Every content-type body
carries the live ``unmanaged`` properties, and the plan notes it. Data-destroying changes that are
not allowed (``allow_destroy`` or a matching ``allowed`` pattern) are listed in ``Plan.blocked``; the
plan still holds all their steps, and a blocked plan must not be applied.

The planner's place among the layers: docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from reconcile.builder import PhaseBuilder
from reconcile.changes import Change, ReplaceTag
from reconcile.diff import diff, ignored_renames
from reconcile.entry_updates import PlannedWrites
from reconcile.errors import ReconcileError
from reconcile.interning import Interner
from reconcile.model import ContentModel, LiveState
from reconcile.plan import Plan


@dataclass(frozen=True)
class ModelDiff:
    """What a plan is made from: the live state, both models normalised, and the changes between them."""

    live: LiveState
    current: ContentModel
    target: ContentModel
    changes: tuple[Change, ...]
    #: The normalisations of this plan (shared by the diff and the phases' expected models).
    run: Interner
    #: Content type -> converted field -> the temporary field a died run left, reused (``reconcile.resume``).
    resumed: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def destructive_addresses(self) -> tuple[str, ...]:
        """What to count entries for before planning (see :func:`destructive_addresses`)."""
        return destructive_addresses(self.changes)


def destructive_addresses(changes: Iterable[Change]) -> tuple[str, ...]:
    """Addresses of the data-destroying changes, and of the tag replacements (they re-write the entries holding the
    tag), sorted: what to count entries for before planning and capture in the pre-apply snapshot."""
    return tuple(sorted({c.address for c in changes if c.impact == "destructive" or isinstance(c, ReplaceTag)}))


def diff_models(live: LiveState, desired: ContentModel, run: Interner | None = None) -> ModelDiff:
    """Normalise ``live``'s model and ``desired`` and diff them, in ``run`` (one of its own when None).

    Raises ``ReconcileError`` when the default locale would change (Contentful: permanent). Without declared
    tags (``desired.tags`` None) the live tags are kept as they are.
    """
    run = Interner() if run is None else run
    with run:
        current, target = run.normalize(live.model), run.normalize(desired)
        if desired.tags is None:  # tags not managed (no tags.toml): the live ones are what is wanted
            target = run.with_tags(target, current.tags)
        _check_default_locale(current, target)
        return ModelDiff(live, current, target, tuple(diff(current, target, run)), run)


def plan_changes(
    diffed: ModelDiff,
    *,
    allow_destroy: bool = False,
    allowed: Sequence[str] = (),
    entry_counts: Mapping[str, int] = {},
    writes: Mapping[str, PlannedWrites] = {},
) -> Plan:
    """Plan the steps that make ``diffed``'s changes.

    ``allowed`` holds fnmatch patterns over change addresses whose destruction is allowed;
    ``entry_counts`` maps destructive change addresses to the number of entries holding data there;
    ``writes``: per content type whose field values convert or fill, what its entry pass writes (without it a
    conversion writes no entry: a rollback or revert restores values from its snapshot).
    """
    builder = PhaseBuilder(diffed.live, diffed.current, diffed.target, diffed.changes, entry_counts, diffed.run,
                           writes, diffed.resumed)
    with diffed.run:
        phases = builder.build()
    all_changes = (*diffed.changes, *builder.publish_changes)
    blocked = tuple(
        dict.fromkeys(
            change.address
            for change in all_changes
            if change.impact == "destructive"
            and not allow_destroy
            and not any(fnmatchcase(change.address, pattern) for pattern in allowed)
        )
    )
    destructive = set(destructive_addresses(all_changes))
    notes = [*ignored_renames(diffed.current, diffed.target), *builder.notes]
    return Plan(
        live_fingerprint=diffed.run.fingerprint(diffed.current),
        desired_fingerprint=diffed.run.fingerprint(diffed.target),
        changes=all_changes,
        phases=phases,
        blocked=blocked,
        entry_counts={address: n for address, n in sorted(entry_counts.items()) if address in destructive},
        live_meta=builder.touched_meta(),
        notes=tuple(dict.fromkeys(notes)),
    )


def make_plan(
    live: LiveState,
    desired: ContentModel,
    *,
    allow_destroy: bool = False,
    allowed: Sequence[str] = (),
    entry_counts: Mapping[str, int] = {},
    run: Interner | None = None,
) -> Plan:
    """Plan the steps that converge ``live`` to ``desired``: :func:`diff_models`, then :func:`plan_changes`
    (``run``: the caller's normalisations, when it has normalised the same models already)."""
    return plan_changes(
        diff_models(live, desired, run), allow_destroy=allow_destroy, allowed=allowed, entry_counts=entry_counts
    )


def default_locale(model: ContentModel) -> str | None:
    return next((code for code, locale in model.locales.items() if locale.default), None)


def _check_default_locale(current: ContentModel, target: ContentModel) -> None:
    live_default, desired_default = default_locale(current), default_locale(target)
    if live_default is not None and desired_default != live_default:
        raise ReconcileError(
            f"the models make {desired_default or 'no locale'} the default locale, but the live default "
            f"is {live_default}",
            hint=f"Contentful's default locale is permanent: declare {live_default} with default = true",
        )
