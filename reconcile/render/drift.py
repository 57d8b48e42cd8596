"""Rendering of a drift report as text, Markdown and JSON (pure functions returning ``str``)."""

from __future__ import annotations

import json
from typing import Any

from reconcile.changes import Change
from reconcile.drift import DriftItem, DriftReport
from reconcile.render.common import label, symbol
from reconcile.wording import count

DRIFT_FORMAT_VERSION = "1.0"


def _paths(change: Change) -> str:
    return f" [{', '.join(change.paths)}]" if change.paths else ""


def _who(item: DriftItem) -> str:
    by = item.updated_by or "unknown user"
    at = item.updated_at or "unknown time"
    return f"by {by} at {at}"


def _headline(report: DriftReport) -> str:
    if not report.has_drift:
        return "No drift: the live environment matches the models and the last apply."
    return (
        f"Drift: {count(len(report.out_of_band), 'change')} made outside the tool, "
        f"{count(len(report.pending), 'pending change')} in the files."
    )


def render_drift_text(report: DriftReport, target: str) -> str:
    baseline = f"snapshot {report.baseline}" if report.baseline else "none (never applied or reverted)"
    lines = [f"Drift on target {target} (baseline: {baseline})", ""]
    if report.out_of_band:
        lines.append(f"Changed in the live space outside the tool since the last apply ({len(report.out_of_band)}):")
        for item in report.out_of_band:
            change = item.change
            lines.append(
                f"  {symbol(change):>3} {change.address}  {label(change)}{_paths(change)}  {_who(item)}"
            )
        lines.append("")
    if report.pending:
        lines.append(f"Pending in the files, not applied ({len(report.pending)}):")
        lines.extend(f"  {symbol(c):>3} {c.address}  {label(c)}{_paths(c)}" for c in report.pending)
        lines.append("")
    lines.append(_headline(report))
    return "\n".join(lines) + "\n"


def render_drift_markdown(report: DriftReport, target: str) -> str:
    lines = [f"## Drift on `{target}`", "", f"**{_headline(report)}**", ""]
    if report.out_of_band:
        lines += ["### Changed outside the tool", "", "| change | address | paths | who | when |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [
            f"| `{symbol(i.change)}` {label(i.change)} | `{i.change.address}` | {', '.join(i.change.paths)} "
            f"| {i.updated_by or 'unknown'} | {i.updated_at or 'unknown'} |"
            for i in report.out_of_band
        ]
        lines.append("")
    if report.pending:
        lines += ["### Pending in the files", "", "| change | address | impact |", "| --- | --- | --- |"]
        lines += [f"| `{symbol(c)}` {label(c)} | `{c.address}` | {c.impact} |" for c in report.pending]
        lines.append("")
    return "\n".join(lines)


def _change_json(change: Change) -> dict[str, Any]:
    return {"kind": change.kind, "address": change.address, "impact": change.impact, "paths": list(change.paths)}


def render_drift_json(report: DriftReport, target: str) -> str:
    document = {
        "format_version": DRIFT_FORMAT_VERSION,
        "target": target,
        "baseline": report.baseline,
        "has_drift": report.has_drift,
        "out_of_band": [
            {**_change_json(i.change), "updated_by": i.updated_by, "updated_at": i.updated_at}
            for i in report.out_of_band
        ],
        "pending": [_change_json(c) for c in report.pending],
    }
    return json.dumps(document, indent=2) + "\n"
