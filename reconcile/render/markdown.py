"""Markdown for a pull-request comment: summary, a table (destructive first), collapsible detail.

GitHub refuses comments over 65,535 characters; the result is kept under :data:`MAX_CHARS` by
summarising: first the phase detail is left out, then table rows (safe ones go first, since
destructive changes are listed first) are replaced by a count.
"""

from __future__ import annotations

from reconcile.changes import Change
from reconcile.model import printable
from reconcile.plan import Plan
from reconcile.render.common import by_severity, headline_note, label, summary_line, symbol
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


def render_markdown(plan: Plan) -> str:
    """The plan as GitHub-flavoured Markdown, under :data:`MAX_CHARS` characters."""
    head = ["## Contentful plan", "", *([_where(plan), ""] if plan.target is not None else [])]
    if plan.is_empty:
        return "\n".join([*head, summary_line(plan), ""])
    head += [f"**{summary_line(plan)}**", ""]
    if plan.blocked:
        head += [
            f"> **Blocked:** {count(len(plan.blocked), 'data-destroying change')} not allowed by policy. "
            "Pass `--allow-destroy` or allow them in `reconcile.toml`.",
            "",
        ]
    rows = [_row(plan, change) for change in by_severity(plan)]
    details = [
        "<details><summary>Phases and steps</summary>",
        "",
        "```text",
        *phase_lines(plan)[1:],
        "```",
        "",
        "</details>",
        "",
    ]
    notes = ["**Notes**", "", *(f"- {_cell(note)}" for note in plan.notes), ""] if plan.notes else []
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
