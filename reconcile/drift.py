"""Drift: how the live environment differs from the files, and what changed outside the tool.

Pure: given the live state, the declared model and the baseline (the model of the last post-apply
snapshot), it says which changes are pending (files vs live) and which were made out of band (baseline
vs live), attributing each out-of-band change to ``sys.updatedBy`` / ``sys.updatedAt`` of the resource.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconcile.addresses import parse_address
from reconcile.changes import Change
from reconcile.diff import diff
from reconcile.interning import Interner
from reconcile.model import ContentModel, LiveState, ResourceKind, ResourceMeta


@dataclass(frozen=True)
class DriftItem:
    """One change made outside the tool since the baseline, with who and when (when known)."""

    change: Change
    updated_by: str | None
    updated_at: str | None


@dataclass(frozen=True)
class DriftReport:
    baseline: str | None  # id of the post-apply/post-revert snapshot compared with, None when there is none
    pending: tuple[Change, ...]  # what `plan` would change (files vs live)
    out_of_band: tuple[DriftItem, ...]  # what changed in the live space since the baseline

    @property
    def has_drift(self) -> bool:
        return bool(self.pending or self.out_of_band)


def resource_of(address: str) -> tuple[ResourceKind, str]:
    """The live resource a change address belongs to: ``content_types.x.fields.y`` -> content type x."""
    parsed = parse_address(address)
    return parsed.kind, parsed.ident


def _meta(live: LiveState, address: str) -> ResourceMeta | None:
    kind, ident = resource_of(address)
    return live.meta_for(kind, ident)


def drift_report(
    live: LiveState, declared: ContentModel, baseline: ContentModel | None, baseline_id: str | None
) -> DriftReport:
    with Interner() as run:  # both diffs normalise the live model: once
        pending = tuple(diff(live.model, declared, run))
        items: list[DriftItem] = []
        if baseline is not None:
            for change in diff(baseline, live.model, run):
                meta = _meta(live, change.address)
                items.append(
                    DriftItem(change, meta.updated_by if meta else None, meta.updated_at if meta else None)
                )
    return DriftReport(baseline_id, pending, tuple(items))


def drifted_resources(report: DriftReport) -> list[tuple[ResourceKind, str]]:
    """The resources touched out of band, each once, editor interfaces folded into their content type."""
    seen: dict[tuple[ResourceKind, str], None] = {}
    for item in report.out_of_band:
        kind, ident = resource_of(item.change.address)
        seen[("locale", ident) if kind == "locale" else ("content_type", ident)] = None
    return list(seen)
