"""Drift: how the live environment differs from the files, and what changed outside the tool.

Pure: given the live state, the declared model and the baseline (the model of the last post-apply, pulled
or adopted snapshot), it says which changes are pending (files vs live), which were made out of band
(baseline vs live) and which content types hold an unpublished draft, attributing each to
``sys.updatedBy`` / ``sys.updatedAt`` of the live resource (resolved to a name and email when the space's
users could be read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reconcile.addresses import parse_address
from reconcile.changes import Change, PublishContentType, content_type_address
from reconcile.diff import diff
from reconcile.interning import Interner
from reconcile.model import ContentModel, LiveState, ResourceKind, ResourceMeta, User, resource_key


@dataclass(frozen=True)
class DriftItem:
    """One change made outside the tool, with who and when (when known)."""

    change: Change
    updated_by: str | None
    updated_at: str | None
    #: The change is in the content type's unpublished draft (saved in the web app, not published).
    draft: bool = False


@dataclass(frozen=True)
class DriftReport:
    baseline: str | None  # id of the baseline snapshot compared with, None when there is none
    pending: tuple[Change, ...]  # what `plan` would change (files vs live)
    out_of_band: tuple[DriftItem, ...]  # what changed in the live space since the baseline
    #: Content types whose live draft is not published (changed and saved, not published; or never published):
    #: `plan` would publish them. Each a ``PublishContentType`` with who saved the draft and when.
    drafts: tuple[DriftItem, ...] = ()
    #: The live ``sys`` of each resource (``LiveState.meta``): who last changed what a pending change touches.
    meta: Mapping[str, ResourceMeta] = field(default_factory=dict)
    #: The space's users by id, when the token may read them; else ids are shown as they are.
    users: Mapping[str, User] = field(default_factory=dict)

    @property
    def has_drift(self) -> bool:
        return bool(self.pending or self.out_of_band or self.drafts)

    def last_change(self, change: Change) -> ResourceMeta | None:
        """The live ``sys`` of the resource ``change`` touches; None when it is not live (a pending create)."""
        return self.meta.get(resource_key(*resource_of(change.address)))

    def who(self, user_id: str | None) -> str:
        """``Ada Lovelace <ada@example.com>`` when the user is known, else the id (or "unknown user")."""
        if user_id is None:
            return "unknown user"
        user = self.users.get(user_id)
        if user is None or not (user.name or user.email):
            return user_id
        return f"{user.name} <{user.email}>" if user.name and user.email else user.name or user.email

    def user_ids(self) -> set[str]:
        """The user ids the report names (to resolve them in one read of the space's users)."""
        ids = {item.updated_by for item in (*self.out_of_band, *self.drafts)}
        ids |= {meta.updated_by for change in self.pending if (meta := self.last_change(change)) is not None}
        return {user_id for user_id in ids if user_id is not None}


def resource_of(address: str) -> tuple[ResourceKind, str]:
    """The live resource a change address belongs to: ``content_types.x.fields.y`` -> content type x."""
    parsed = parse_address(address)
    return parsed.kind, parsed.ident


def _meta(live: LiveState, address: str) -> ResourceMeta | None:
    kind, ident = resource_of(address)
    return live.meta_for(kind, ident)


def _draft_meta(live: LiveState, ct_id: str) -> ResourceMeta | None:
    """The live ``sys`` of content type ``ct_id`` when its draft is not its published version, else None."""
    meta = live.meta_for("content_type", ct_id)
    return meta if meta is not None and meta.has_unpublished_changes else None


def _is_draft(live: LiveState, address: str) -> bool:
    kind, ident = resource_of(address)
    return kind == "content_type" and _draft_meta(live, ident) is not None


def _drafts(live: LiveState) -> tuple[DriftItem, ...]:
    """Every content type whose live draft is not its published version: the publish `plan` would make."""
    found = []
    for ct_id, ct in live.model.content_types.items():
        if (meta := _draft_meta(live, ct_id)) is not None:
            publish = PublishContentType(address=content_type_address(ct_id), content_type_id=ct_id, before=ct,
                                         after=ct, impact="safe")
            found.append(DriftItem(publish, meta.updated_by, meta.updated_at, draft=True))
    return tuple(found)


def drift_report(
    live: LiveState, declared: ContentModel, baseline: ContentModel | None, baseline_id: str | None
) -> DriftReport:
    with Interner() as run:  # both diffs normalise the live model: once
        pending = tuple(diff(live.model, declared, run))
        items: list[DriftItem] = []
        if baseline is not None:
            for change in diff(baseline, live.model, run):
                meta = _meta(live, change.address)
                items.append(DriftItem(change, meta.updated_by if meta else None, meta.updated_at if meta else None,
                                       draft=_is_draft(live, change.address)))
    return DriftReport(baseline_id, pending, tuple(items), _drafts(live), live.meta)


def drifted_resources(report: DriftReport) -> list[tuple[ResourceKind, str]]:
    """The resources touched out of band, each once, editor interfaces folded into their content type."""
    seen: dict[tuple[ResourceKind, str], None] = {}
    for item in report.out_of_band:
        kind, ident = resource_of(item.change.address)
        seen[("locale", ident) if kind == "locale" else ("content_type", ident)] = None
    return list(seen)
