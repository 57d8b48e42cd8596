"""Changes to ordered phases of API steps, in the order Contentful requires; destructive-change policy.

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

Each phase records the normalised model the environment holds after it. Every content-type body
carries the live ``unmanaged`` properties, and the plan notes it. Data-destroying changes that are
not allowed (``allow_destroy`` or a matching ``allowed`` pattern) are listed in ``Plan.blocked``; the
plan still holds all their steps, and a blocked plan must not be applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import TypeVar

from reconcile.changes import (
    AddField,
    Change,
    CreateContentType,
    CreateLocale,
    DeleteContentType,
    DeleteLocale,
    ModifyField,
    MoveField,
    OmitField,
    PublishContentType,
    RemoveField,
    RenameField,
    ReplaceField,
    UpdateContentType,
    UpdateEditorInterface,
    UpdateLocale,
    content_type_address,
    editor_interface_address,
    field_address,
)
from reconcile.diff import carried_fields, diff, field_sources, is_replacement, without_rename, without_renames
from reconcile.errors import ReconcileError
from reconcile.interning import Interner
from reconcile.model import (
    ContentModel,
    ContentType,
    EditorInterface,
    Field,
    LiveState,
    Locale,
    ResourceKind,
    ResourceMeta,
    resource_key,
)
from reconcile.plan import Phase, Plan, Step

#: Phase names and titles, in execution order.
PHASES: tuple[tuple[str, str], ...] = (
    ("locales", "Create and update locales"),
    ("content_types", "Create, update and publish content types"),
    ("omit_fields", "Omit fields that will be removed, and publish"),
    ("remove_fields", "Remove fields, and publish"),
    ("editor_interfaces", "Update editor interfaces"),
    ("delete_content_types", "Unpublish and delete content types"),
    ("delete_locales", "Delete locales"),
)
_TITLES = dict(PHASES)
_Resource = TypeVar("_Resource", ContentType, EditorInterface)

_PHASE_OF_KIND: dict[str, str] = {
    CreateLocale.__name__: "locales",
    UpdateLocale.__name__: "locales",
    CreateContentType.__name__: "content_types",
    UpdateContentType.__name__: "content_types",
    PublishContentType.__name__: "content_types",
    AddField.__name__: "content_types",
    ModifyField.__name__: "content_types",
    RenameField.__name__: "content_types",
    MoveField.__name__: "content_types",
    OmitField.__name__: "content_types",
    RemoveField.__name__: "remove_fields",
    ReplaceField.__name__: "remove_fields",
    UpdateEditorInterface.__name__: "editor_interfaces",
    DeleteContentType.__name__: "delete_content_types",
    DeleteLocale.__name__: "delete_locales",
}


def _without_unmanaged(editor_interface: EditorInterface) -> EditorInterface:
    return editor_interface.model_copy(update={"unmanaged": {}})


def _with_fields(content_type: ContentType, fields: tuple[Field, ...]) -> ContentType:
    """``content_type`` with ``fields`` (itself when they are its fields already)."""
    return content_type if fields is content_type.fields else content_type.model_copy(update={"fields": fields})


def _omitting(fields: Sequence[Field], doomed: Sequence[str]) -> tuple[tuple[Field, ...], list[str]]:
    """``fields`` with the doomed ones not yet omitted marked ``omitted``, and the ids so marked."""
    to_omit = [f.id for f in fields if f.id in doomed and not f.omitted]
    if not to_omit:
        return tuple(fields), to_omit
    return tuple(f.model_copy(update={"omitted": True}) if f.id in to_omit else f for f in fields), to_omit


def phase_of(change: Change) -> str:
    """The name of the phase in which ``change`` takes effect."""
    return _PHASE_OF_KIND[change.kind]


def destructive_addresses(changes: Iterable[Change]) -> tuple[str, ...]:
    """Addresses of the data-destroying changes, sorted: what to count entries for before planning."""
    return tuple(sorted({change.address for change in changes if change.impact == "destructive"}))


def make_plan(
    live: LiveState,
    desired: ContentModel,
    *,
    allow_destroy: bool = False,
    allowed: Sequence[str] = (),
    entry_counts: Mapping[str, int] = {},
    run: Interner | None = None,
) -> Plan:
    """Plan the steps that converge ``live`` to ``desired``.

    ``allowed`` holds fnmatch patterns over change addresses whose destruction is allowed;
    ``entry_counts`` maps destructive change addresses to the number of entries holding data there;
    ``run`` normalises (the caller's, when it has normalised the same models already; else one for this plan).
    Raises ``ReconcileError`` when the default locale would change (Contentful: permanent).
    """
    run = Interner() if run is None else run
    with run:  # the normalisations of this plan, equal values shared
        current, target = run.normalize(live.model), run.normalize(desired)
        _check_default_locale(current, target)
        changes = diff(current, target, run)
        builder = _Builder(live, current, target, changes, entry_counts, run)
        phases = builder.build()
        all_changes = (*changes, *builder.publish_changes)
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
        return Plan(
            live_fingerprint=run.fingerprint(current),
            desired_fingerprint=run.fingerprint(target),
            changes=all_changes,
            phases=phases,
            blocked=blocked,
            entry_counts={address: n for address, n in sorted(entry_counts.items()) if address in destructive},
            live_meta=builder.touched_meta(),
            notes=tuple(dict.fromkeys([*_ignored_renames(current, target), *builder.notes])),
        )


def _ignored_renames(current: ContentModel, target: ContentModel) -> list[str]:
    """Notes for ``renamed_from`` declarations the plan cannot honour, so that nobody is surprised by the
    add + remove (and the data loss) planned instead."""
    notes: list[str] = []
    for ct_id, desired in target.content_types.items():
        live_ct = current.content_types.get(ct_id)
        if live_ct is None or not any(f.renamed_from for f in desired.fields):
            continue
        live_fields = {f.id: f for f in live_ct.fields}
        carried = carried_fields(live_ct, desired)
        for field in desired.fields:
            source = live_fields.get(field.renamed_from or "")
            if source is None or field.id in live_fields or field.id in carried:
                continue
            if is_replacement(source, field):
                why = (f"the type changes ({source.type} → {field.type}), which Contentful refuses in place; "
                       f"the field is created empty and {source.id!r} is removed with its values")
            else:
                why = (f"{source.id!r} is still declared, or another field is renamed from it; "
                       "the field is created empty")
            notes.append(f"{field_address(ct_id, field.id)}: renamed_from = {source.id!r} is not a rename: {why}")
    return notes


def _default_locale(model: ContentModel) -> str | None:
    return next((code for code, locale in model.locales.items() if locale.default), None)


def _check_default_locale(current: ContentModel, target: ContentModel) -> None:
    live_default, desired_default = _default_locale(current), _default_locale(target)
    if live_default is not None and desired_default != live_default:
        raise ReconcileError(
            f"the models make {desired_default or 'no locale'} the default locale, but the live default "
            f"is {live_default}",
            hint=f"Contentful's default locale is permanent: declare {live_default} with default = true",
        )


class _Builder:
    """Walks the phases in order, keeping the model the environment holds after each step."""

    def __init__(
        self,
        live: LiveState,
        current: ContentModel,
        target: ContentModel,
        changes: list[Change],
        entry_counts: Mapping[str, int],
        run: Interner,
    ) -> None:
        self.live = live
        self.run = run
        self.current = current
        self.target = target
        self.changes = changes
        self.entry_counts = entry_counts
        self.content_types = dict(current.content_types)
        self.editor_interfaces = dict(current.editor_interfaces)
        self.locales = dict(current.locales)
        self.publish_changes: list[Change] = []
        self.notes: list[str] = []
        self._touched: list[tuple[ResourceKind, str]] = []
        self._put: set[str] = set()  # content types this plan has already put and published
        self._doomed = self._doomed_fields()

    # -- bookkeeping -------------------------------------------------------------------------

    def _doomed_fields(self) -> dict[str, list[str]]:
        """Content-type id -> ids of live fields removed or replaced (in live order)."""
        doomed: dict[str, set[str]] = {}
        for change in self.changes:
            if isinstance(change, RemoveField | ReplaceField):
                doomed.setdefault(change.content_type_id, set()).add(change.before.id)
        return {
            ct_id: [f.id for f in self.current.content_types[ct_id].fields if f.id in ids]
            for ct_id, ids in sorted(doomed.items())
        }

    def _replaced(self, ct_id: str) -> list[str]:
        return [c.field_id for c in self.changes if isinstance(c, ReplaceField) and c.content_type_id == ct_id]

    def _touch(self, kind: ResourceKind, ident: str) -> None:
        self._touched.append((kind, ident))

    def touched_meta(self) -> dict[str, ResourceMeta]:
        meta: dict[str, ResourceMeta] = {}
        for kind, ident in self._touched:
            found = self.live.meta_for(kind, ident)
            if found is not None:
                meta[resource_key(kind, ident)] = found
        return dict(sorted(meta.items()))

    def _expected(self) -> ContentModel:
        return self.run.normalize(
            ContentModel(
                content_types=self.content_types,
                editor_interfaces=self.editor_interfaces,
                locales=self.locales,
            )
        )

    def build(self) -> tuple[Phase, ...]:
        phases: list[Phase] = []
        # Each phase's steps are built only after the previous phase's, so that ``expected`` is the
        # model held after that phase (not after the whole plan).
        for name, build_steps in (
            ("locales", self._locale_steps),
            ("content_types", self._content_type_steps),
            ("omit_fields", self._omit_steps),
            ("remove_fields", self._remove_steps),
            ("editor_interfaces", self._editor_interface_steps),
            ("delete_content_types", self._delete_content_type_steps),
            ("delete_locales", self._delete_locale_steps),
        ):
            steps = build_steps()
            if steps:
                phases.append(Phase(name=name, title=_TITLES[name], steps=tuple(steps), expected=self._expected()))
        return tuple(phases)

    def _carrying_unmanaged(self, body: _Resource, live: _Resource | None, address: str) -> _Resource:
        """``body`` with the live resource's unmanaged properties (the server keeps them), noted; ``body``
        itself when it has them already (canonical values stay canonical)."""
        unmanaged = live.unmanaged if live is not None else {}
        if body.unmanaged != unmanaged:
            body = body.model_copy(update={"unmanaged": unmanaged})
        if unmanaged:
            self.notes.append(f"{address}: carries over unmanaged properties: " + ", ".join(sorted(unmanaged)))
        return body

    # -- content types -----------------------------------------------------------------------

    def _put_and_publish(self, body: ContentType, description: str) -> list[Step]:
        """PUT ``body`` and publish it; track what the server then holds (content type and interface)."""
        body = self._carrying_unmanaged(body, self.current.content_types.get(body.id), content_type_address(body.id))
        self._touch("content_type", body.id)
        self._touch("editor_interface", body.id)
        renames = {f.renamed_from: f.id for f in body.fields if f.renamed_from}
        interface = self.editor_interfaces.get(body.id)
        if body.id not in self._put:
            # First publish of this content type in the plan: the server still holds the live interface's
            # controls, including those of fields a never-published draft removed (which the normalized
            # current model drops), and keeps them for fields the publish brings back.
            interface = self.live.model.editor_interfaces.get(body.id, interface)
            self._put.add(body.id)
        if interface is not None and renames:
            controls = tuple(
                c.model_copy(update={"field_id": renames.get(c.field_id, c.field_id)}) for c in interface.controls
            )
            interface = interface.model_copy(update={"controls": controls})
        held = without_renames(body)
        self.content_types[body.id] = held
        self.editor_interfaces[body.id] = self.run.editor_interface(interface, held)
        return [
            Step(action="put_content_type", resource_id=body.id, content_type=body, description=description),
            Step(action="publish_content_type", resource_id=body.id, description=f"publish content type {body.id}"),
        ]

    def _content_type_steps(self) -> list[Step]:
        steps: list[Step] = []
        for ct_id, desired in self.target.content_types.items():
            live_ct = self.current.content_types.get(ct_id)
            if live_ct is None:
                body = without_renames(desired)
                steps.extend(self._put_and_publish(body, f"create content type {ct_id}"))
                continue
            if _same_content(live_ct, desired):  # fast path: the body would equal the live content type
                steps.extend(self._publish_draft(live_ct))
                continue
            body = self._first_body(live_ct, desired)
            if body != live_ct:
                # This PUT and publish happen anyway: they also omit the fields that phase 4 removes, so
                # the content type needs no omit step of its own (4 writes instead of 6).
                fields, to_omit = _omitting(body.fields, self._doomed.get(ct_id, []))
                description = f"update content type {ct_id}" + (f", omitting {', '.join(to_omit)}" if to_omit else "")
                steps.extend(self._put_and_publish(_with_fields(body, fields), description))
            else:
                steps.extend(self._publish_draft(live_ct))
        return steps

    def _first_body(self, live_ct: ContentType, desired: ContentType) -> ContentType:
        """Desired fields (renames marked), with doomed fields kept as live at their live place."""
        live_by_id = {f.id: f for f in live_ct.fields}
        carried = carried_fields(live_ct, desired)
        sources = field_sources(live_ct, desired)
        fields: list[Field] = []
        for field in desired.fields:
            if field.id in carried:
                source = carried[field.id] if carried[field.id] != field.id else None
                same = field.renamed_from == source
                fields.append(field if same else field.model_copy(update={"renamed_from": source}))
            elif sources.get(field.id) == field.id:  # replaced: stays as live until phase 4
                fields.append(live_by_id[field.id])
            else:
                fields.append(without_rename(field))
        new_id = {old: new for new, old in carried.items()}
        present = [f.id for f in fields]
        for index, old in enumerate(live_ct.fields):
            if old.id in carried.values() or sources.get(old.id) == old.id:
                continue
            anchor = next(
                (new_id.get(p.id, p.id) for p in reversed(live_ct.fields[:index]) if new_id.get(p.id, p.id) in present),
                None,
            )
            position = present.index(anchor) + 1 if anchor is not None else 0
            fields.insert(position, old)
            present.insert(position, old.id)
        return desired.model_copy(update={"fields": tuple(fields), "unmanaged": live_ct.unmanaged})

    def _publish_draft(self, live_ct: ContentType) -> list[Step]:
        meta = self.live.meta_for("content_type", live_ct.id)
        if meta is None or not meta.has_unpublished_changes:
            return []
        self._touch("content_type", live_ct.id)
        self._touch("editor_interface", live_ct.id)
        self.publish_changes.append(
            PublishContentType(
                address=content_type_address(live_ct.id),
                content_type_id=live_ct.id,
                before=live_ct,
                after=live_ct,
                impact="safe",
            )
        )
        return [
            Step(
                action="publish_content_type",
                resource_id=live_ct.id,
                description=f"publish content type {live_ct.id} (live draft)",
            )
        ]

    def _omit_steps(self) -> list[Step]:
        steps: list[Step] = []
        for ct_id, doomed in self._doomed.items():
            held = self.content_types[ct_id]
            fields, to_omit = _omitting(held.fields, doomed)
            if not to_omit:
                continue
            body = held.model_copy(update={"fields": fields})
            steps.extend(self._put_and_publish(body, f"omit fields of {ct_id}: {', '.join(to_omit)}"))
        return steps

    def _remove_steps(self) -> list[Step]:
        steps: list[Step] = []
        for ct_id, doomed in self._doomed.items():
            held = self.content_types[ct_id]
            fields = tuple(f for f in held.fields if f.id not in doomed)
            display = held.display_field if held.display_field in {f.id for f in fields} else None
            body = held.model_copy(update={"fields": fields, "display_field": display})
            steps.extend(self._put_and_publish(body, f"remove fields of {ct_id}: {', '.join(doomed)}"))
            replaced = self._replaced(ct_id)
            if replaced:
                final = self.target.content_types[ct_id]
                body = without_renames(final)
                steps.extend(
                    self._put_and_publish(body, f"re-add fields of {ct_id} with their new types: {', '.join(replaced)}")
                )
        return steps

    # -- editor interfaces -------------------------------------------------------------------

    def _editor_interface_steps(self) -> list[Step]:
        steps: list[Step] = []
        for ct_id, desired in self.target.editor_interfaces.items():
            held = self.editor_interfaces[ct_id]
            if held is desired or _without_unmanaged(held) == _without_unmanaged(desired):
                continue
            live_ei = self.current.editor_interfaces.get(ct_id)
            body = self._carrying_unmanaged(desired, live_ei, editor_interface_address(ct_id))
            self._touch("editor_interface", ct_id)
            self.editor_interfaces[ct_id] = body
            steps.append(
                Step(
                    action="put_editor_interface",
                    resource_id=ct_id,
                    editor_interface=body,
                    description=f"update editor interface of {ct_id}",
                )
            )
        return steps

    def _delete_content_type_steps(self) -> list[Step]:
        steps: list[Step] = []
        for change in self.changes:
            if not isinstance(change, DeleteContentType):
                continue
            ct_id = change.content_type_id
            self._touch("content_type", ct_id)
            entries = self.entry_counts.get(change.address, 0)
            if entries > 0:
                steps.append(
                    Step(
                        action="delete_entries",
                        resource_id=ct_id,
                        description=f"delete the {entries} entries of {ct_id}",
                    )
                )
            meta = self.live.meta_for("content_type", ct_id)
            if meta is not None and meta.is_published:
                steps.append(
                    Step(
                        action="unpublish_content_type",
                        resource_id=ct_id,
                        description=f"unpublish content type {ct_id}",
                    )
                )
            steps.append(
                Step(action="delete_content_type", resource_id=ct_id, description=f"delete content type {ct_id}")
            )
            del self.content_types[ct_id]
            del self.editor_interfaces[ct_id]
        return steps

    # -- locales -----------------------------------------------------------------------------

    def _locale_steps(self) -> list[Step]:
        created = {c.code: c.after for c in self.changes if isinstance(c, CreateLocale)}
        steps: list[Step] = []
        for locale in _dependency_order(created, lambda loc, pending: loc.fallback_code in pending):
            steps.append(
                Step(
                    action="create_locale",
                    resource_id=locale.code,
                    locale=locale,
                    description=f"create locale {locale.code} ({locale.name})",
                )
            )
            self._touch("locale", locale.code)
            self.locales[locale.code] = locale
        for change in self.changes:
            if isinstance(change, UpdateLocale):
                steps.append(
                    Step(
                        action="update_locale",
                        resource_id=change.code,
                        locale=change.after,
                        description=f"update locale {change.code} ({', '.join(change.paths)})",
                    )
                )
                self._touch("locale", change.code)
                self.locales[change.code] = change.after
        return steps

    def _delete_locale_steps(self) -> list[Step]:
        deleted = {c.code: c.before for c in self.changes if isinstance(c, DeleteLocale)}
        steps: list[Step] = []
        # A locale goes only after every pending locale that falls back to it.
        for locale in _dependency_order(
            deleted, lambda loc, pending: any(deleted[p].fallback_code == loc.code for p in pending)
        ):
            steps.append(
                Step(action="delete_locale", resource_id=locale.code, description=f"delete locale {locale.code}")
            )
            self._touch("locale", locale.code)
            del self.locales[locale.code]
        return steps


def _same_content(live_ct: ContentType, desired: ContentType) -> bool:
    """Equal fields (no renames) and properties: then ``_first_body`` would return ``live_ct`` itself."""
    return (
        live_ct.fields == desired.fields
        and live_ct.name == desired.name
        and live_ct.description == desired.description
        and live_ct.display_field == desired.display_field
    )


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
