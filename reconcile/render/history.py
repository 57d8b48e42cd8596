"""``reconcile history`` as text or JSON (pure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from reconcile.history import History, Run
from reconcile.wording import count


def _when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _run_line(run: Run) -> str:
    detail = f"  {run.detail}" if run.detail else ""
    return f"  {_when(run.started)}  {run.command:<16} {run.outcome:<19}{detail}".rstrip()  # no trailing spaces


def render_history_text(history: History) -> str:
    lines = [f"History of target '{history.target}': {count(len(history.runs), 'run')}"]
    lines += [_run_line(run) for run in history.runs]
    for command, outcomes in sorted(history.by_command.items()):
        lines.append(f"{command}: " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())))
    rate = "n/a" if history.success_rate is None else f"{history.success_rate:.0%}"
    lines += [
        f"Success rate: {rate}",
        f"Automatic rollbacks: {history.automatic_rollbacks}; manual reverts: {history.manual_reverts}; "
        f"release rollbacks: {history.release_rollbacks}",
        f"Time to recover: mean {_duration(history.mean_time_to_recover)}, worst "
        f"{_duration(history.worst_time_to_recover)} ({count(len(history.recoveries), 'failure')}, "
        f"{history.unrecovered} not recovered yet)",
    ]
    last = history.last_success
    lines.append("Last successful change: " + ("none" if last is None else
                                               f"{last.command} at {_when(last.ended)} {last.detail}".rstrip()))
    return "\n".join(lines) + "\n"


def _run_json(run: Run) -> dict[str, Any]:
    return {"command": run.command, "run_id": run.run_id, "started": _when(run.started), "ended": _when(run.ended),
            "outcome": run.outcome, "detail": run.detail}  # fmt: skip


def render_history_json(history: History) -> str:
    data = {
        "target": history.target,
        "runs": [_run_json(run) for run in history.runs],
        "by_command": history.by_command,
        "success_rate": history.success_rate,
        "automatic_rollbacks": history.automatic_rollbacks,
        "manual_reverts": history.manual_reverts,
        "release_rollbacks": history.release_rollbacks,
        "failures": len(history.recoveries),
        "unrecovered": history.unrecovered,
        "mean_time_to_recover_seconds": history.mean_time_to_recover,
        "worst_time_to_recover_seconds": history.worst_time_to_recover,
        "last_success": None if history.last_success is None else _run_json(history.last_success),
    }
    return json.dumps(data, indent=2) + "\n"
