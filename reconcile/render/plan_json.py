"""The versioned JSON form of a plan (documented in ``docs/plan-format.md``)."""

from __future__ import annotations

from collections.abc import Iterator

from reconcile.plan import Plan
from reconcile.plan_text import json_pieces


def render_json(plan: Plan) -> str:
    """The plan's JSON, exactly what ``--out`` saves and ``Plan.from_json`` reads."""
    return plan.to_json()


def render_json_pieces(plan: Plan) -> Iterator[str]:
    """``render_json(plan)`` a piece at a time: at 1,000 content types a plan's JSON is over 100 MB (issue 16)."""
    return json_pieces(plan)
