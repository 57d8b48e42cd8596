"""The commands people run, as real processes: ``python -m reconcile <command>`` in a fresh process.

Each command runs ``repeat`` times; the figures are the medians of its user + system CPU time and wall
time, and the largest peak memory (``os.wait4``'s resource usage of that child alone). ``cpu beyond
--help`` subtracts the median CPU of ``reconcile --help`` (the interpreter's start and the CLI's
imports), as issue 16 states its targets.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

COMMANDS = {
    "cli --help": ["--help"],
    "cli validate": ["validate"],
    "cli plan": ["plan"],
    "cli pull": ["pull", "--models", "cli-pulled"],
}
CLI_LABELS = tuple(COMMANDS)


def _once(args: list[str], root: Path, env: dict[str, str]) -> dict[str, Any]:
    shutil.rmtree(root / "cli-pulled", ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "reconcile", *args], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    stderr = process.stderr.read() if process.stderr else b""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "wall_s": time.perf_counter() - started,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "exit": process.returncode,
        "stderr": stderr.decode(errors="replace")[-300:],
    }


def run_cli_steps(root: Path, token_env: str, token: str, repeat: int = 3) -> dict[str, dict[str, Any]]:
    """Every command of ``COMMANDS`` ``repeat`` times, alternating, on the project at ``root``."""
    env = {**os.environ, token_env: token}
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label in COMMANDS}
    for _ in range(max(1, repeat)):
        for label, args in COMMANDS.items():
            runs[label].append(_once(args, root, env))
    results: dict[str, dict[str, Any]] = {}
    for label, figures in runs.items():
        bad = [f for f in figures if f["exit"] not in (0, 2)]  # plan exits 2 when there are changes
        results[label] = {
            "cpu_s": round(statistics.median(f["cpu_s"] for f in figures), 3),
            "wall_s": round(statistics.median(f["wall_s"] for f in figures), 3),
            "peak_rss_mb": round(max(f["peak_rss_mb"] for f in figures), 1),
            "cpu_s_runs": [round(f["cpu_s"], 3) for f in figures],
            "error": f"exit {bad[0]['exit']}: {bad[0]['stderr']}" if bad else None,
        }
    help_cpu = results["cli --help"]["cpu_s"]
    for label, figures in results.items():
        if label != "cli --help":
            figures["cpu_beyond_help_s"] = round(figures["cpu_s"] - help_cpu, 3)
    return results
