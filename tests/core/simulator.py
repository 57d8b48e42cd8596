"""An independent model of the server's rules, to run plan steps in tests without the emulator.

It enforces the rules the planner must respect (cma-facts §0, §4.4, §4.5, §1.4) and applies the
server's editor-interface behaviour on publish, written separately from ``reconcile.normalize``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reconcile import steps
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Locale, Tag
from reconcile.steps import Step


class RuleBroken(AssertionError):
    """The step would be refused by Contentful."""


@dataclass
class Server:
    content_types: dict[str, ContentType]
    editor_interfaces: dict[str, EditorInterface]
    locales: dict[str, Locale]
    published: dict[str, ContentType]
    entries: dict[str, int]
    pending_renames: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, Tag] | None = None
    #: Per tag, the entries its untag_entries step took it from (what tag_entries puts it back on).
    untagged: dict[str, int] = field(default_factory=dict)

    @classmethod
    def holding(cls, model: ContentModel, entries: dict[str, int]) -> Server:
        return cls(
            content_types=dict(model.content_types),
            editor_interfaces=dict(model.editor_interfaces),
            locales=dict(model.locales),
            published=dict(model.content_types),
            entries=dict(entries),
            tags=None if model.tags is None else dict(model.tags),
        )

    def model(self) -> ContentModel:
        return ContentModel(
            content_types=self.content_types, editor_interfaces=self.editor_interfaces, locales=self.locales,
            tags=self.tags,
        )

    def run(self, step: Step) -> None:
        getattr(self, step.action)(step)

    # content types ---------------------------------------------------------------------------

    def put_content_type(self, step: steps.PutContentType) -> None:
        body = step.content_type
        renames = {f.renamed_from: f.id for f in body.fields if f.renamed_from}
        published = self.published.get(body.id)
        if published is not None:
            sent = {renames.get(f.id, f.id) for f in body.fields} | set(renames)
            for old in published.fields:
                if old.id not in sent and not old.omitted:
                    raise RuleBroken(f"You need to omit a field before deleting it: {body.id}.{old.id}")
            by_id = {f.id: f for f in body.fields}
            for old in published.fields:
                new = by_id.get(old.id)
                if new is not None and (new.type, new.link_type, new.items and new.items.type) != (
                    old.type,
                    old.link_type,
                    old.items and old.items.type,
                ):
                    raise RuleBroken(f"Previously published fields are invalid: {body.id}.{old.id}")
        ids = [f.id for f in body.fields]
        if len(set(ids)) != len(ids):
            raise RuleBroken(f"duplicate field ids in {body.id}")
        if body.display_field is not None and body.display_field not in ids:
            raise RuleBroken(f"displayField {body.display_field} is not a field of {body.id}")
        self.pending_renames.setdefault(body.id, {}).update({old: new for old, new in renames.items() if old})
        fields = tuple(f.model_copy(update={"renamed_from": None}) for f in body.fields)
        self.content_types[body.id] = body.model_copy(update={"fields": fields})

    def publish_content_type(self, step: steps.PublishContentType) -> None:
        ct = self.content_types[step.resource_id]
        self.published[ct.id] = ct
        renames = self.pending_renames.pop(ct.id, {})
        interface = self.editor_interfaces.get(ct.id)
        field_ids = [f.id for f in ct.fields]
        if interface is None:
            controls = tuple(Control(field_id=f) for f in field_ids)
            self.editor_interfaces[ct.id] = EditorInterface(content_type_id=ct.id, controls=controls)
            return
        kept = [
            c.model_copy(update={"field_id": renames.get(c.field_id, c.field_id)})
            for c in interface.controls
            if renames.get(c.field_id, c.field_id) in field_ids
        ]
        present = {c.field_id for c in kept}
        kept += [Control(field_id=f) for f in field_ids if f not in present]
        self.editor_interfaces[ct.id] = interface.model_copy(update={"controls": tuple(kept)})

    def delete_entries(self, step: steps.DeleteEntries) -> None:
        self.entries[step.resource_id] = 0

    def unpublish_content_type(self, step: steps.UnpublishContentType) -> None:
        if self.entries.get(step.resource_id, 0):
            raise RuleBroken(f"Content Type has entries: {step.resource_id}")
        if step.resource_id not in self.published:
            raise RuleBroken(f"Not published: {step.resource_id}")
        del self.published[step.resource_id]

    def delete_content_type(self, step: steps.DeleteContentType) -> None:
        if step.resource_id in self.published:
            raise RuleBroken(f"Cannot delete published: {step.resource_id}")
        del self.content_types[step.resource_id]
        self.editor_interfaces.pop(step.resource_id, None)

    def put_editor_interface(self, step: steps.PutEditorInterface) -> None:
        interface = step.editor_interface
        if interface.content_type_id not in self.published:
            raise RuleBroken(f"editor interface of an unpublished content type: {step.resource_id}")
        field_ids = {f.id for f in self.content_types[interface.content_type_id].fields}
        for control in interface.controls:
            if control.field_id not in field_ids:
                raise RuleBroken(f"The control's fieldId must map to a content types field id: {control.field_id}")
        self.editor_interfaces[interface.content_type_id] = interface

    # locales ---------------------------------------------------------------------------------

    def _check_fallback(self, locale: Locale) -> None:
        if locale.fallback_code is not None and locale.fallback_code not in self.locales:
            raise RuleBroken(f"fallback {locale.fallback_code} of {locale.code} does not exist")

    def create_locale(self, step: steps.CreateLocale) -> None:
        if step.locale.code in self.locales:
            raise RuleBroken(f"taken: {step.locale.code}")
        self._check_fallback(step.locale)
        self.locales[step.locale.code] = step.locale

    def update_locale(self, step: steps.UpdateLocale) -> None:
        if self.locales[step.locale.code].default != step.locale.default:
            raise RuleBroken("the default locale is permanent")
        self._check_fallback(step.locale)
        self.locales[step.locale.code] = step.locale

    def delete_locale(self, step: steps.DeleteLocale) -> None:
        code = step.resource_id
        if self.locales[code].default:
            raise RuleBroken("DefaultLocaleNotDeletable")
        if any(loc.fallback_code == code for loc in self.locales.values() if loc.code != code):
            raise RuleBroken(f"FallbackLocaleNotDeletable: {code}")
        del self.locales[code]

    # tags ------------------------------------------------------------------------------------

    def create_tag(self, step: steps.CreateTag) -> None:
        if self.tags is not None and step.tag.id in self.tags:
            raise RuleBroken(f"taken: tag {step.tag.id}")
        self.tags = {**(self.tags or {}), step.tag.id: step.tag}

    def update_tag(self, step: steps.UpdateTag) -> None:
        assert self.tags is not None
        if self.tags[step.tag.id].visibility != step.tag.visibility:
            raise RuleBroken(f"the visibility of tag {step.tag.id} cannot change")
        self.tags[step.tag.id] = step.tag

    def untag_entries(self, step: steps.UntagEntries) -> None:
        self.untagged[step.resource_id] = self.entries.pop(f"tags.{step.resource_id}", 0)

    def tag_entries(self, step: steps.TagEntries) -> None:
        if self.tags is None or step.resource_id not in self.tags:
            raise RuleBroken(f"Unknown tag {step.resource_id}")
        self.entries[f"tags.{step.resource_id}"] = self.untagged.pop(step.resource_id, 0)

    def delete_tag(self, step: steps.DeleteTag) -> None:
        assert self.tags is not None and step.resource_id in self.tags
        if self.entries.get(f"tags.{step.resource_id}"):
            raise RuleBroken(f"ActionPreconditionsFailed: tag {step.resource_id} is referenced")
        del self.tags[step.resource_id]
