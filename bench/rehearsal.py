"""The rehearsal of a change as bench steps: ``rehearse`` (a sandbox environment cloned from the target) and
``rehearse --offline`` (a throwaway emulator child seeded with the target's state), run with the models holding
the change and the space not. The offline step's child peak is the throwaway server's (issue 16's bound counts
the tool and the children it starts together)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

STEPS = (("rehearse 10% change", "rehearse"), ("rehearse --offline 10% change", "rehearse-offline"))
LABELS = tuple(label for label, _ in STEPS)


def rehearse_actions(workflows: Any, project: Any) -> dict[str, Callable[[], dict[str, Any]]]:
    """The bench's actions of the two rehearsals of ``project``'s default target."""
    return {
        "rehearse": lambda: _detail(workflows.rehearse(project, None, allow_destroy=True)),
        "rehearse-offline": lambda: _detail(workflows.rehearse(project, None, allow_destroy=True, offline=True)),
    }


def _detail(outcome: Any) -> dict[str, Any]:
    failed = next((stage for stage in outcome.stages if not stage.ok), None)
    return {
        "ok": outcome.ok,
        "stages_s": {stage.name: stage.seconds for stage in outcome.stages},
        "failed_step": f"{failed.name}: {failed.detail}" if failed is not None else None,
    }
