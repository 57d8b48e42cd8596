"""Builds a plan's phases from the diff's changes (the phases are described in :mod:`reconcile.planner`).

:class:`PhaseBuilder` walks the phases in order and keeps the model the environment holds after each
step, so that every phase records the model the executor must find after it. It takes from the changes
what each phase does: which fields are renamed (``RenameField``), removed (``RemoveField``) or replaced
(``ReplaceField``): :mod:`reconcile.field_fates`, with the content type bodies that follow from it; which
content types and locales are created, updated or deleted; and links every step to the changes taking
effect with it (:func:`reconcile.kinds.effects`). Every body carries the live ``unmanaged`` properties,
with a note.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from reconcile import locale_steps, steps, tag_steps
from reconcile.changes import (
    Change,
    CreateContentType,
    DeleteContentType,
    PublishContentType,
    content_type_address,
    editor_interface_address,
    without_renames,
)
from reconcile.conversion_steps import renamed_from_temporary, temporary_ids
from reconcile.entry_updates import PlannedWrites
from reconcile.field_fates import FieldFates, field_fates, first_body, omitting, same_content, with_fields
from reconcile.interning import Interner
from reconcile.kinds import PHASES, PhaseName, effects
from reconcile.model import (
    ContentModel,
    ContentType,
    EditorInterface,
    LiveState,
    ResourceKind,
    ResourceMeta,
    resource_key,
)
from reconcile.plan import Phase
from reconcile.steps import Step
from reconcile.wording import count

_Resource = TypeVar("_Resource", ContentType, EditorInterface)


class PhaseBuilder:
    """Walks the phases in order, keeping the model the environment holds after each step."""

    def __init__(
        self,
        live: LiveState,
        current: ContentModel,
        target: ContentModel,
        changes: Sequence[Change],
        entry_counts: Mapping[str, int],
        run: Interner,
        writes: Mapping[str, PlannedWrites] = {},
        resumed: Mapping[str, Mapping[str, str]] = {},
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
        self.tags = None if current.tags is None else dict(current.tags)
        #: Live drafts to publish, found while building: they follow ``changes`` in the plan.
        self.publish_changes: list[Change] = []
        self.notes: list[str] = []
        self._where = effects(changes)
        self._fates = field_fates(changes)
        for ct_id, fate in self._fates.items():
            fate.temporary = temporary_ids(fate.converted, current.content_types[ct_id], target.content_types[ct_id],
                                           resumed.get(ct_id, {}))
        #: Per content type whose field values convert or fill: what its entry pass writes (``convert_entries``).
        self.writes = writes
        self._touched: list[tuple[ResourceKind, str]] = []
        self._put: set[str] = set()  # content types this plan has already put and published
        # Content-type id -> ids of the live fields removed or replaced, in live order.
        self._doomed = {
            ct_id: [f.id for f in current.content_types[ct_id].fields if fates.dooms(f.id)]
            for ct_id, fates in sorted(self._fates.items())
            if fates.removed or fates.replaced or fates.converted
        }

    def build(self) -> tuple[Phase, ...]:
        """The phases that have steps, each with the model the environment holds after it."""
        builders: dict[PhaseName, Callable[[], list[Step]]] = {
            "tags": self._tag_steps,
            "locales": self._locale_steps,
            "content_types": self._content_type_steps,
            "convert_entries": self._convert_steps,
            "omit_fields": self._omit_steps,
            "remove_fields": self._remove_steps,
            "editor_interfaces": self._editor_interface_steps,
            "delete_content_types": self._delete_content_type_steps,
            "delete_locales": self._delete_locale_steps,
            "delete_tags": self._delete_tag_steps,
        }
        phases: list[Phase] = []
        # Each phase's steps are built only after the previous phase's, so that ``expected`` is the
        # model held after that phase (not after the whole plan).
        for name, title in PHASES.items():
            made = builders[name]()
            if made:
                phases.append(Phase(name=name, title=title, steps=tuple(made), expected=self._expected()))
        return tuple(phases)

    def touched_meta(self) -> dict[str, ResourceMeta]:
        """The live meta of every resource the steps write, by ``resource_key``."""
        meta: dict[str, ResourceMeta] = {}
        for kind, ident in self._touched:
            found = self.live.meta_for(kind, ident)
            if found is not None:
                meta[resource_key(kind, ident)] = found
        return dict(sorted(meta.items()))

    # -- bookkeeping -------------------------------------------------------------------------

    def _links(self, phase: PhaseName, ident: str) -> tuple[int, ...]:
        """The changes taking effect with a step of ``phase`` on the resource ``ident``."""
        return self._where.get((phase, ident), ())

    def _touch(self, kind: ResourceKind, ident: str) -> None:
        self._touched.append((kind, ident))

    def _expected(self) -> ContentModel:
        return self.run.normalize(
            ContentModel(
                content_types=self.content_types,
                editor_interfaces=self.editor_interfaces,
                locales=self.locales,
                tags=self.tags,
            )
        )

    def _carrying_unmanaged(self, body: _Resource, live: _Resource | None, address: str) -> _Resource:
        """``body`` with the live resource's unmanaged properties (the server keeps them), noted; ``body``
        itself when it has them already (canonical values stay canonical)."""
        unmanaged = live.unmanaged if live is not None else {}
        if body.unmanaged != unmanaged:
            body = body.model_copy(update={"unmanaged": unmanaged})
        if unmanaged:
            self.notes.append(f"{address}: carries over unmanaged properties: " + ", ".join(sorted(unmanaged)))
        return body

    # -- tags ----------------------------------------------------------------------------------

    def _tag_steps(self) -> list[Step]:
        return self._tags_held(tag_steps.create_update_replace(self.changes, self._where))

    def _delete_tag_steps(self) -> list[Step]:
        return self._tags_held(tag_steps.deletes(self.changes, self._where))

    def _tags_held(self, made: list[Step]) -> list[Step]:
        """Track the tags the environment holds after ``made``; touch what they write."""
        self._touched += [("tag", step.resource_id) for step in made]
        self.tags = tag_steps.held_after(self.tags, made)
        return made

    # -- content types -----------------------------------------------------------------------

    def _put_and_publish(self, phase: PhaseName, body: ContentType, description: str) -> list[Step]:
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
        links = self._links(phase, body.id)
        return [
            steps.PutContentType(resource_id=body.id, content_type=body, description=description, changes=links),
            steps.PublishContentType(
                resource_id=body.id, description=f"publish content type {body.id}", changes=links
            ),
        ]

    def _content_type_steps(self) -> list[Step]:
        made: list[Step] = []
        created = {c.content_type_id: c.after for c in self.changes if isinstance(c, CreateContentType)}
        for ct_id, desired in self.target.content_types.items():
            live_ct = self.current.content_types.get(ct_id)
            if live_ct is None:
                made += self._put_and_publish("content_types", created[ct_id], f"create content type {ct_id}")
                continue
            if same_content(live_ct, desired):  # fast path: the body would equal the live content type
                made += self._publish_draft(live_ct)
                continue
            body = first_body(live_ct, desired, self._fates.get(ct_id, FieldFates()))
            if body != live_ct:
                # This PUT and publish happen anyway: they also omit the fields that phase 4 removes, so
                # the content type needs no omit step of its own (4 writes instead of 6).
                fields, to_omit = omitting(body.fields, self._doomed.get(ct_id, []))
                description = f"update content type {ct_id}" + (f", omitting {', '.join(to_omit)}" if to_omit else "")
                made += self._put_and_publish("content_types", with_fields(body, fields), description)
            else:
                made += self._publish_draft(live_ct)
        return made

    def _publish_draft(self, live_ct: ContentType) -> list[Step]:
        meta = self.live.meta_for("content_type", live_ct.id)
        if meta is None or not meta.has_unpublished_changes:
            return []
        self._touch("content_type", live_ct.id)
        self._touch("editor_interface", live_ct.id)
        index = len(self.changes) + len(self.publish_changes)
        self.publish_changes.append(
            PublishContentType(
                address=content_type_address(live_ct.id),
                content_type_id=live_ct.id,
                before=live_ct,
                after=live_ct,
                impact="safe",
            )
        )
        description = f"publish content type {live_ct.id} (live draft)"
        publish = steps.PublishContentType(resource_id=live_ct.id, description=description, changes=(index,))
        if not (meta.is_published and any(f.omitted for f in live_ct.fields)):
            return [publish]
        # A published content type's draft may drop omitted fields: the live model holds them back until the
        # deletion is published (backend/pending.py). Publishing that draft as it is would make the deletion
        # final, which the model does not hold: the draft is put back to the model first.
        body = self._carrying_unmanaged(live_ct, live_ct, content_type_address(live_ct.id))
        put = f"update content type {live_ct.id} to its live model (its draft is ahead of the published version)"
        return [steps.PutContentType(resource_id=live_ct.id, content_type=body, description=put, changes=(index,)),
                publish]

    def _omit_steps(self) -> list[Step]:
        made: list[Step] = []
        for ct_id, doomed in self._doomed.items():
            held = self.content_types[ct_id]
            fields, to_omit = omitting(held.fields, doomed)
            if to_omit:
                body = held.model_copy(update={"fields": fields})
                made += self._put_and_publish("omit_fields", body, f"omit fields of {ct_id}: {', '.join(to_omit)}")
        return made

    def _remove_steps(self) -> list[Step]:
        made: list[Step] = []
        for ct_id, doomed in self._doomed.items():
            held = self.content_types[ct_id]
            fields = tuple(f for f in held.fields if f.id not in doomed)
            display = held.display_field if held.display_field in {f.id for f in fields} else None
            body = held.model_copy(update={"fields": fields, "display_field": display})
            made += self._put_and_publish("remove_fields", body, f"remove fields of {ct_id}: {', '.join(doomed)}")
            fates = self._fates[ct_id]
            if fates.replaced or fates.converted:
                body = renamed_from_temporary(without_renames(self.target.content_types[ct_id]), fates.temporary)
                readded = [*fates.replaced, *(f"{fates.temporary[f]} -> {f}" for f in fates.converted)]
                description = f"re-add fields of {ct_id} with their new types: {', '.join(readded)}"
                made += self._put_and_publish("remove_fields", body, description)
        return made

    def _convert_steps(self) -> list[Step]:
        """One ``write_entries`` per content type with entries to write: its converted fields' values go into
        their temporary fields, its filled fields get their fill's values; the content type holds both fields
        since phase 2. The values are computed again at apply, page by page (:mod:`reconcile.entry_writes`)."""
        made: list[Step] = []
        for ct_id, planned in sorted(self.writes.items()):
            if not planned.entries:
                continue
            fates = self._fates.get(ct_id, FieldFates())
            what = ", ".join([*(f for f in fates.converted if f not in planned.fills), *planned.fills])
            verb = "fill" if set(fates.converted) <= set(planned.fills) else "convert"
            made.append(steps.WriteEntries(
                resource_id=ct_id, converted=dict(fates.temporary), fills=dict(planned.fills),
                renamed={live: desired for desired, live in fates.renamed.items()}, entries=planned.entries,
                digest=planned.digest,
                description=f"{verb} {what} of {count(planned.entries, 'entry')} of {ct_id} (one PUT each, "
                            "a publish where the entry was published)",
            ))
        return made

    # -- editor interfaces and deletes ---------------------------------------------------------

    def _editor_interface_steps(self) -> list[Step]:
        made: list[Step] = []
        for ct_id, desired in self.target.editor_interfaces.items():
            held = self.editor_interfaces[ct_id]
            if held is desired or _without_unmanaged(held) == _without_unmanaged(desired):
                continue
            live_ei = self.current.editor_interfaces.get(ct_id)
            body = self._carrying_unmanaged(desired, live_ei, editor_interface_address(ct_id))
            self._touch("editor_interface", ct_id)
            self.editor_interfaces[ct_id] = body
            made.append(
                steps.PutEditorInterface(
                    resource_id=ct_id,
                    editor_interface=body,
                    description=f"update editor interface of {ct_id}",
                    changes=self._links("editor_interfaces", ct_id),
                )
            )
        return made

    def _delete_content_type_steps(self) -> list[Step]:
        made: list[Step] = []
        for change in self.changes:
            if isinstance(change, DeleteContentType):
                made += self._delete_content_type(change.content_type_id, change.address)
        return made

    def _delete_content_type(self, ct_id: str, address: str) -> list[Step]:
        """Delete the entries (when there are any), unpublish (when published), delete."""
        self._touch("content_type", ct_id)
        links = self._links("delete_content_types", ct_id)
        made: list[Step] = []
        entries = self.entry_counts.get(address, 0)
        if entries > 0:
            description = f"delete the {count(entries, 'entry')} of {ct_id}"
            made.append(steps.DeleteEntries(resource_id=ct_id, description=description, changes=links))
        meta = self.live.meta_for("content_type", ct_id)
        if meta is not None and meta.is_published:
            description = f"unpublish content type {ct_id}"
            made.append(steps.UnpublishContentType(resource_id=ct_id, description=description, changes=links))
        description = f"delete content type {ct_id}"
        made.append(steps.DeleteContentType(resource_id=ct_id, description=description, changes=links))
        del self.content_types[ct_id]
        del self.editor_interfaces[ct_id]
        return made

    # -- locales -----------------------------------------------------------------------------

    def _locale_steps(self) -> list[Step]:
        made = locale_steps.create_and_update(self.changes, self._where)
        for step in made:
            self._touch("locale", step.resource_id)
            self.locales[step.resource_id] = step.locale
        return list(made)

    def _delete_locale_steps(self) -> list[Step]:
        made = locale_steps.deletes(self.changes, self._where)
        for step in made:
            self._touch("locale", step.resource_id)
            del self.locales[step.resource_id]
        return list(made)


def _without_unmanaged(editor_interface: EditorInterface) -> EditorInterface:
    return editor_interface.model_copy(update={"unmanaged": {}})
