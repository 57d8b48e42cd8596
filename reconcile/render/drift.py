"""Rendering of a drift report as text, Markdown and JSON (pure functions returning ``str``)."""

from __future__ import annotations

import json
from typing import Any

from reconcile.changes import Change, PublishContentType
from reconcile.drift import DriftItem, DriftReport
from reconcile.render.common import label, symbol
from reconcile.wording import count

# 1.1: `unpublished_drafts`, `draft` on each out-of-band change, `updated_by`/`updated_at` (the live
# resource's last change) and `updated_by_name` on changes; reading 1.0 documents is unaffected (keys added).
DRIFT_FORMAT_VERSION = "1.1"
DRAFT_LABEL = "draft saved, not published"


def _paths(change: Change) -> str:
    return f" [{', '.join(change.paths)}]" if change.paths else ""


def _label(item: DriftItem) -> str:
    if isinstance(item.change, PublishContentType):
        return DRAFT_LABEL
    return label(item.change) + (" (in an unpublished draft)" if item.draft else "")


def _who(report: DriftReport, by: str | None, at: str | None) -> str:
    return f"by {report.who(by)} at {at or 'unknown time'}"


def _last_changed(report: DriftReport, change: Change) -> str:
    meta = report.last_change(change)
    return f"  live last changed {_who(report, meta.updated_by, meta.updated_at)}" if meta is not None else ""


def _headline(report: DriftReport) -> str:
    if not report.has_drift:
        return "No drift: the live environment matches the models and the baseline."
    parts = [f"{count(len(report.out_of_band), 'change')} made outside the tool"] if report.baseline else []
    parts += [count(len(report.drafts), "unpublished draft")] if report.drafts else []
    return f"Drift: {', '.join([*parts, count(len(report.pending), 'pending change') + ' in the files'])}."


def _item_lines(report: DriftReport, items: tuple[DriftItem, ...]) -> list[str]:
    return [
        f"  {symbol(i.change):>3} {i.change.address}  {_label(i)}{_paths(i.change)}  "
        f"{_who(report, i.updated_by, i.updated_at)}"
        for i in items
    ]


def render_drift_text(report: DriftReport, target: str) -> str:
    baseline = f"snapshot {report.baseline}" if report.baseline else "none (no apply, revert, pull or adopt yet)"
    lines = [f"Drift on target {target} (baseline: {baseline})", ""]
    if report.out_of_band:
        lines.append(f"Changed in the live space outside the tool since the baseline ({len(report.out_of_band)}):")
        lines += [*_item_lines(report, report.out_of_band), ""]
    if report.drafts:
        lines.append(f"Unpublished drafts in the live space ({len(report.drafts)}):")
        lines += [*_item_lines(report, report.drafts), ""]
    if report.pending:
        lines.append(f"Pending in the files, not applied ({len(report.pending)}):")
        lines.extend(f"  {symbol(c):>3} {c.address}  {label(c)}{_paths(c)}{_last_changed(report, c)}"
                     for c in report.pending)
        lines.append("")
    lines.append(_headline(report))
    return "\n".join(lines) + "\n"


def _table(report: DriftReport, title: str, items: tuple[DriftItem, ...]) -> list[str]:
    lines = [f"### {title}", "", "| change | address | paths | who | when |", "| --- | --- | --- | --- | --- |"]
    lines += [
        f"| `{symbol(i.change)}` {_label(i)} | `{i.change.address}` | {', '.join(i.change.paths)} "
        f"| {report.who(i.updated_by)} | {i.updated_at or 'unknown'} |"
        for i in items
    ]
    return [*lines, ""]


def render_drift_markdown(report: DriftReport, target: str) -> str:
    lines = [f"## Drift on `{target}`", "", f"**{_headline(report)}**", ""]
    if report.out_of_band:
        lines += _table(report, "Changed outside the tool", report.out_of_band)
    if report.drafts:
        lines += _table(report, "Unpublished drafts", report.drafts)
    if report.pending:
        lines += ["### Pending in the files", "", "| change | address | impact | live last changed by | when |",
                  "| --- | --- | --- | --- | --- |"]
        for c in report.pending:
            meta = report.last_change(c)
            who, when = (report.who(meta.updated_by), meta.updated_at or "unknown") if meta else ("", "")
            lines.append(f"| `{symbol(c)}` {label(c)} | `{c.address}` | {c.impact} | {who} | {when} |")
        lines.append("")
    return "\n".join(lines)


def _change_json(change: Change) -> dict[str, Any]:
    return {"kind": change.kind, "address": change.address, "impact": change.impact, "paths": list(change.paths)}


def _by_json(report: DriftReport, by: str | None, at: str | None) -> dict[str, Any]:
    return {"updated_by": by, "updated_by_name": report.who(by) if by in report.users else None, "updated_at": at}


def _item_json(report: DriftReport, item: DriftItem) -> dict[str, Any]:
    return {**_change_json(item.change), **_by_json(report, item.updated_by, item.updated_at), "draft": item.draft}


def _pending_json(report: DriftReport, change: Change) -> dict[str, Any]:
    meta = report.last_change(change)
    return {**_change_json(change), **_by_json(report, meta.updated_by if meta else None,
                                               meta.updated_at if meta else None)}


def render_drift_json(report: DriftReport, target: str) -> str:
    document = {
        "format_version": DRIFT_FORMAT_VERSION,
        "target": target,
        "baseline": report.baseline,
        "has_drift": report.has_drift,
        "out_of_band": [_item_json(report, i) for i in report.out_of_band],
        "unpublished_drafts": [_item_json(report, i) for i in report.drafts],
        "pending": [_pending_json(report, c) for c in report.pending],
    }
    return json.dumps(document, indent=2) + "\n"
