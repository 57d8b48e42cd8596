"""Terraform-like text, grouped by phase: no terminal-width dependence; colour only when asked
(``color=True``: the CLI asks on a terminal without ``NO_COLOR``). Long values are cut, and a note says
how to see them whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconcile.conversion_steps import FILL_FAILED
from reconcile.plan import Plan
from reconcile.render.common import (
    CUT_NOTE,
    Shortened,
    Style,
    ansi,
    detail_text,
    headline_note,
    impact_marker,
    label,
    narrowing_line,
    plain,
    summary_line,
    symbol,
)
from reconcile.render.details import change_details

_LEGEND = "Symbols: + create   ~ update in place   - destroy   -/+ destroy and re-create"


def render_text(plan: Plan, *, color: bool = False) -> str:
    """The plan as text: a header, each phase with its changes and steps, policy, notes, summary.
    ``color``: ANSI colours by kind of change (add green, change yellow, destroy red)."""
    narrowed = [line] if (line := narrowing_line(plan)) else []
    if plan.is_empty:
        return "\n".join([*narrowed, (f"No changes. The live environment of {plan.where} matches the models."
                                      if plan.where else summary_line(plan))]) + "\n"
    lines = [
        f"Plan (format {plan.format_version})" + (f" for {plan.where}" if plan.where else ""),
        *(f"  {line}" for line in narrowed),
        f"  live:    {plan.live_fingerprint}",
        f"  desired: {plan.desired_fingerprint}",
        _LEGEND,
    ]
    values = Shortened()
    lines.extend(phase_lines(plan, values, ansi if color else plain))
    if values.cut:
        lines += ["", CUT_NOTE]
    failed_fills = [b for b in plan.blocked if b.endswith(FILL_FAILED)]
    if len(failed_fills) < len(plan.blocked):
        lines += ["", "Blocked by policy (data-destroying changes not allowed):"]
        lines += [f"  - {address}" for address in plan.blocked if address not in failed_fills]
        lines.append("  fix: pass --allow-destroy, or allow these addresses in reconcile.toml")
    if failed_fills:
        lines += ["", "Blocked: a declared fill failed (see the notes):"]
        lines += [f"  - {address.removesuffix(FILL_FAILED)}" for address in failed_fills]
        lines.append("  fix: fix the fill or the entries it failed on, and plan again")
    if plan.notes:
        lines += ["", "Notes:"]
        lines += [f"  - {note}" for note in plan.notes]
    if plan.warnings:
        lines += ["", "Warnings:"]
        lines += [f"  - {warning}" for warning in plan.warnings]
    lines += ["", summary_line(plan)]
    return "\n".join(lines) + "\n"


def phase_lines(plan: Plan, values: Callable[[Any], str], style: Style = plain) -> list[str]:
    """Each phase: a title, the changes taking effect in it with their detail (values formatted by
    ``values``, lines styled by ``style``), then its steps."""
    lines: list[str] = []
    for number, phase in enumerate(plan.phases, start=1):
        lines += ["", f"Phase {number}/{len(plan.phases)} {phase.name}: {phase.title}"]
        for change in plan.changes_in(phase):
            mark = symbol(change)
            head = style(mark, f"  {mark:>3} {change.address}  {label(change)}")
            extras = " ".join(part for part in (headline_note(change), impact_marker(plan, change)) if part)
            lines.append(f"{head}  {extras}" if extras else head)
            lines += [
                "        " + "  " * detail.depth + style(detail.mark, detail_text(detail, values))
                for detail in change_details(change)
            ]
        lines.append("      steps:")
        lines += [f"        {i}. {step.description}" for i, step in enumerate(phase.steps, start=1)]
    return lines
