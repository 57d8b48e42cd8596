"""The steps of a plan's two locale phases, in the order Contentful accepts them.

``locales`` (first): creates, a locale after the new locale it falls back to, then updates (including
locales whose fallback pointed at a locale deleted in the last phase). ``delete_locales`` (last): a
locale only after every deleted locale that falls back to it. Fallback cycles keep code order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from reconcile import steps
from reconcile.changes import Change, CreateLocale, DeleteLocale, UpdateLocale
from reconcile.kinds import Effects
from reconcile.model import Locale


def create_and_update(changes: Sequence[Change], where: Effects) -> list[steps.CreateLocale | steps.UpdateLocale]:
    """The steps of the ``locales`` phase; ``where`` links each to its change (:func:`reconcile.kinds.effects`)."""
    created = {c.code: c.after for c in changes if isinstance(c, CreateLocale)}
    made: list[steps.CreateLocale | steps.UpdateLocale] = [
        steps.CreateLocale(
            resource_id=locale.code,
            locale=locale,
            description=f"create locale {locale.code} ({locale.name})",
            changes=where.get(("locales", locale.code), ()),
        )
        for locale in _dependency_order(created, lambda loc, pending: loc.fallback_code in pending)
    ]
    made += [
        steps.UpdateLocale(
            resource_id=change.code,
            locale=change.after,
            description=f"update locale {change.code} ({', '.join(change.paths)})",
            changes=where.get(("locales", change.code), ()),
        )
        for change in changes
        if isinstance(change, UpdateLocale)
    ]
    return made


def deletes(changes: Sequence[Change], where: Effects) -> list[steps.DeleteLocale]:
    """The steps of the ``delete_locales`` phase, linked to their changes by ``where``."""
    deleted = {c.code: c.before for c in changes if isinstance(c, DeleteLocale)}

    def has_dependents(locale: Locale, pending: set[str]) -> bool:  # a locale goes after those falling back to it
        return any(deleted[code].fallback_code == locale.code for code in pending)

    ordered = _dependency_order(deleted, has_dependents)
    return [
        steps.DeleteLocale(
            resource_id=locale.code,
            description=f"delete locale {locale.code}",
            changes=where.get(("delete_locales", locale.code), ()),
        )
        for locale in ordered
    ]


def _dependency_order(locales: Mapping[str, Locale], waits: Callable[[Locale, set[str]], bool]) -> list[Locale]:
    """Locales in code order, each held back while ``waits(locale, other pending codes)`` (cycles: code order)."""
    pending = sorted(locales)
    ordered: list[Locale] = []
    while pending:
        ready = next(
            (code for code in pending if not waits(locales[code], set(pending) - {code})),
            pending[0],
        )
        pending.remove(ready)
        ordered.append(locales[ready])
    return ordered
