"""How each step grows with the model: the ratio of its figures at 10x the content types.

The issue 16 bound: from 100 to 1,000 content types no step grows more than 11x (a step that does
O(n) work grows about 10x; anything quadratic shows at once).
"""

from __future__ import annotations

from typing import Any

LIMIT = 11.0
METRICS = ("cpu_s", "wall_s", "cpu_beyond_help_s")


def step_growth(sizes: dict[str, dict[str, Any]], labels: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """``{"100->1000": {"<step> <metric>": ratio}}`` for every pair of sizes ten times apart."""
    numbers = sorted(int(n) for n in sizes)
    result: dict[str, dict[str, float]] = {}
    for small in numbers:
        if small * 10 not in numbers:
            continue
        ratios: dict[str, float] = {}
        for label in labels:
            before, after = sizes[str(small)].get(label) or {}, sizes[str(small * 10)].get(label) or {}
            for metric in METRICS:
                if before.get(metric) and after.get(metric) is not None:
                    ratios[f"{label} {metric}"] = round(after[metric] / before[metric], 2)
        result[f"{small}->{small * 10}"] = ratios
    return result


def local_apply_ratios(results: dict[str, Any]) -> list[str]:
    """Set the wall-time ratios of the persisting local apply to its baselines in ``results`` (one size)."""
    lines = []
    local = (results.get("apply from empty (local target)") or {}).get("wall_s")
    for key, label in (("local_apply_wall_ratio", "apply from empty"),
                       ("local_apply_wall_ratio_in_process", "apply from empty (local, in memory)")):  # fmt: skip
        baseline = (results.get(label) or {}).get("wall_s")
        if local and baseline:
            results[key] = round(local / baseline, 2)
            lines.append(f"apply from empty, local target (persisting) / {label}: {results[key]}x wall")
    local_cpu, baseline_cpu = (_all_cpu(results.get(label)) for label in ("apply from empty (local target)",
                                                                           "apply from empty"))  # fmt: skip
    if local_cpu and baseline_cpu:
        results["local_apply_cpu_ratio"] = round(local_cpu / baseline_cpu, 2)
        lines.append(f"apply from empty, local target (persisting) / apply from empty: "
                     f"{results['local_apply_cpu_ratio']}x CPU of tool and emulator "
                     f"({local_cpu:.2f} s / {baseline_cpu:.2f} s)")
    return lines


def _all_cpu(figures: dict[str, Any] | None) -> float | None:
    """The CPU of a step's tool, its children (the local target's emulator) and the emulator in another process."""
    if not figures or figures.get("cpu_s") is None:
        return None
    return float(figures["cpu_s"] + (figures.get("children_cpu_s") or 0) + (figures.get("emulator_cpu_s") or 0))


def scale_lines(results: dict[str, Any]) -> list[str]:
    """The table's lines on scale: local against in-memory apply, growth per step, the seed."""
    lines: list[str] = []
    for key, baseline in (("local_apply_wall_ratio", "the in-memory emulator in another process"),
                          ("local_apply_wall_ratio_in_process", "its emulator child in memory")):  # fmt: skip
        ratios = {n: f[key] for n, f in results["sizes"].items() if key in f}
        if ratios:
            lines += ["", f"apply from empty, local target (persisting) / {baseline}, wall: "
                      + ", ".join(f"{n} types {r}x" for n, r in ratios.items())]  # fmt: skip
    for pair, by_step in results.get("growth", {}).items():
        lines += ["", f"growth {pair} content types (limit {LIMIT:g}x):"]
        lines += [f"  {name:<45} {ratio}x{'  OVER' if ratio > LIMIT else ''}" for name, ratio in by_step.items()]
    seed = results.get("seed")
    if seed:
        latency = ", ".join(f"{k} types {v}" for k, v in seed.get("write_latency_ms", {}).items())
        lines += [
            "",
            f"seed of {seed.get('content_types')} x {seed.get('fields')} fields through the HTTP API of "
            f"`reconcile emulator serve --data DIR`: {seed.get('wall_s')} s; write latency (ms) at {latency}",
        ]
    return lines
