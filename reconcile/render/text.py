"""Terraform-like plain text: no colour, no terminal-width dependence, grouped by phase."""

from __future__ import annotations

from reconcile.plan import Plan
from reconcile.render.common import (
    detail_lines,
    headline_note,
    impact_marker,
    label,
    summary_line,
    symbol,
)

_LEGEND = "Symbols: + create   ~ update in place   - destroy   -/+ destroy and re-create"


def render_text(plan: Plan) -> str:
    """The plan as text: a header, each phase with its changes and steps, policy, notes, summary."""
    if plan.is_empty:
        return summary_line(plan) + "\n"
    lines = [
        f"Plan (format {plan.format_version})" + (f" for {plan.where}" if plan.where else ""),
        f"  live:    {plan.live_fingerprint}",
        f"  desired: {plan.desired_fingerprint}",
        _LEGEND,
    ]
    lines.extend(phase_lines(plan))
    if plan.blocked:
        lines += ["", "Blocked by policy (data-destroying changes not allowed):"]
        lines += [f"  - {address}" for address in plan.blocked]
        lines.append("  fix: pass --allow-destroy, or allow these addresses in reconcile.toml")
    if plan.notes:
        lines += ["", "Notes:"]
        lines += [f"  - {note}" for note in plan.notes]
    lines += ["", summary_line(plan)]
    return "\n".join(lines) + "\n"


def phase_lines(plan: Plan) -> list[str]:
    """Each phase: a title, the changes taking effect in it with their detail, then its steps."""
    lines: list[str] = []
    for number, phase in enumerate(plan.phases, start=1):
        lines += ["", f"Phase {number}/{len(plan.phases)} {phase.name}: {phase.title}"]
        for change in plan.changes_in(phase):
            head = f"  {symbol(change):>3} {change.address}  {label(change)}"
            extras = " ".join(part for part in (headline_note(change), impact_marker(plan, change)) if part)
            lines.append(f"{head}  {extras}" if extras else head)
            lines += [f"        {detail}" for detail in detail_lines(change)]
        lines.append("      steps:")
        lines += [f"        {i}. {step.description}" for i, step in enumerate(phase.steps, start=1)]
    return lines
