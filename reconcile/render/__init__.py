"""Renderings: pure functions from a ``Plan``, a ``DriftReport`` or a ``History`` to ``str``.

The renderers are imported on first use (reconcile/lazy.py): ``reconcile --help`` needs none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconcile.lazy import lazy_names
from reconcile.wording import a, count

if TYPE_CHECKING:
    from reconcile.render.drift import render_drift_json, render_drift_markdown, render_drift_text
    from reconcile.render.history import render_history_json, render_history_text
    from reconcile.render.markdown import render_markdown
    from reconcile.render.plan_json import render_json, render_json_pieces
    from reconcile.render.text import render_text

__all__ = [
    "a",
    "count",
    "render_drift_json",
    "render_drift_markdown",
    "render_drift_text",
    "render_history_json",
    "render_history_text",
    "render_json",
    "render_json_pieces",
    "render_markdown",
    "render_text",
]

__getattr__ = lazy_names(
    __name__,
    {
        "render_drift_json": "reconcile.render.drift",
        "render_drift_markdown": "reconcile.render.drift",
        "render_drift_text": "reconcile.render.drift",
        "render_history_json": "reconcile.render.history",
        "render_history_text": "reconcile.render.history",
        "render_json": "reconcile.render.plan_json",
        "render_json_pieces": "reconcile.render.plan_json",
        "render_markdown": "reconcile.render.markdown",
        "render_text": "reconcile.render.text",
    },
)
