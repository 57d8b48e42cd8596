"""The versioned JSON form of a plan (documented in ``docs/plan-format.md``)."""

from __future__ import annotations

from reconcile.plan import Plan


def render_json(plan: Plan) -> str:
    """The plan's JSON, exactly what ``--out`` saves and ``Plan.from_json`` reads."""
    return plan.to_json()
