"""Markdown for a pull-request comment: summary, a table (destructive first), collapsible detail.

GitHub refuses comments over 65,535 characters; the result is kept under :data:`MAX_CHARS` by
summarising: first the phase detail is left out, then table rows (safe ones go first, since
destructive changes are listed first) are replaced by a count. No value is cut: one longer than
:data:`~reconcile.render.common.VALUE_WIDTH` is named in the phase detail and shown whole in a
collapsed block after it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from reconcile.changes import Change
from reconcile.conversion_steps import FILL_FAILED
from reconcile.model import printable
from reconcile.plan import Plan
from reconcile.render.common import (
    VALUE_WIDTH,
    by_severity,
    headline_note,
    label,
    narrowing_line,
    summary_line,
    symbol,
    value_json,
)
from reconcile.render.text import phase_lines
from reconcile.wording import count

MAX_CHARS = 60_000
_TABLE_HEAD = ["| | change | address | impact | entries |", "|---|---|---|---|---|"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row(plan: Plan, change: Change) -> str:
    impact = f"**{change.impact}**" if change.impact != "safe" else "safe"
    if change.address in plan.blocked:
        impact += ", **blocked**"
    entries = str(plan.entry_counts[change.address]) if change.address in plan.entry_counts else ""
    what = " ".join(part for part in (label(change), headline_note(change)) if part)
    return f"| `{symbol(change)}` | {_cell(what)} | `{_cell(change.address)}` | {impact} | {entries} |"


def _where(plan: Plan) -> str:
    """The header line naming the target, space and environment the plan was made against."""
    names = (plan.target, plan.space_id or "?", plan.environment_id or "?")
    target, space, environment = (_cell(printable(name or "?")).replace("`", "'") for name in names)
    return f"Target `{target}` · space `{space}` · environment `{environment}`"


class _LongValues:
    """Formats values whole, except that one too long for a line is named there and kept for a block."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        text = value_json(value)
        if len(text) <= VALUE_WIDTH:
            return text
        self.values.append(value)
        return f"(long value {len(self.values)}, {len(text)} characters: shown whole below)"

    def blocks(self) -> list[str]:
        """One collapsed block per long value, its text whole in a fence no backtick run inside can close."""
        lines: list[str] = []
        for number, value in enumerate(self.values, start=1):
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
            fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
            lines += [
                f"<details><summary>Long value {number} ({len(value_json(value))} characters)</summary>",
                "",
                f"{fence}{'text' if isinstance(value, str) else 'json'}",
                text,
                fence,
                "",
                "</details>",
                "",
            ]
        return lines


def render_markdown(plan: Plan) -> str:
    """The plan as GitHub-flavoured Markdown, under :data:`MAX_CHARS` characters."""
    head = ["## Contentful plan", "", *([_where(plan), ""] if plan.target is not None else [])]
    if (narrowed := narrowing_line(plan)) is not None:
        head += [f"> {narrowed}", ""]
    if plan.is_empty:
        return "\n".join([*head, summary_line(plan), ""])
    head += [f"**{summary_line(plan)}**", ""]
    failed_fills = [b.removesuffix(FILL_FAILED) for b in plan.blocked if b.endswith(FILL_FAILED)]
    if len(failed_fills) < len(plan.blocked):
        head += [
            f"> **Blocked:** {count(len(plan.blocked) - len(failed_fills), 'data-destroying change')} not allowed "
            "by policy. Pass `--allow-destroy` or allow them in `reconcile.toml`.",
            "",
        ]
    if failed_fills:
        head += [f"> **Blocked:** the fill of {', '.join(f'`{a}`' for a in failed_fills)} failed on some entries "
                 "(see the notes).", ""]
    rows = [_row(plan, change) for change in by_severity(plan)]
    long_values = _LongValues()
    phases = phase_lines(plan, long_values)[1:]
    details = [
        "<details><summary>Phases and steps</summary>",
        "",
        "```text",
        *phases,
        "```",
        "",
        *long_values.blocks(),
        "</details>",
        "",
    ]
    notes = ["**Notes**", "", *(f"- {_cell(note)}" for note in plan.notes), ""] if plan.notes else []
    if plan.warnings:
        notes += ["**Warnings**", "", *(f"- {_cell(warning)}" for warning in plan.warnings), ""]
    footer = [f"<sub>live `{plan.live_fingerprint}` · plan format {plan.format_version}</sub>", ""]
    text = "\n".join([*head, *_TABLE_HEAD, *rows, "", *details, *notes, *footer])
    if len(text) <= MAX_CHARS:
        return text
    omitted_details = ["_Phase detail left out to fit a comment; run `reconcile plan` for the full text._", ""]
    shown = len(rows)
    while True:
        cut = [] if shown == len(rows) else [f"| | … and {count(len(rows) - shown, 'more change')} | | | |"]
        text = "\n".join([*head, *_TABLE_HEAD, *rows[:shown], *cut, "", *omitted_details, *notes, *footer])
        if len(text) <= MAX_CHARS or shown == 0:
            return text
        shown = max(0, shown - max(1, (len(text) - MAX_CHARS) // 80 + 1))
