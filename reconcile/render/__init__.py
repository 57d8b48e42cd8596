"""Renderings of a plan: pure functions from a ``Plan`` to ``str``."""

from reconcile.render.markdown import render_markdown
from reconcile.render.plan_json import render_json
from reconcile.render.text import render_text
from reconcile.wording import a, count

__all__ = ["a", "count", "render_json", "render_markdown", "render_text"]
