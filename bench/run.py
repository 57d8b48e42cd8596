"""``python -m bench [--sizes 10,100,500,1000] [--rate-limited-types 30] [--out FILE]``.

For every size: synthetic models written with ``write_models``, then, each step in a fresh process
(so that CPU time and peak memory are the tool's own, and caches start cold) against an emulator in
another process: validate, plan against the empty space, apply from empty, plan with no change,
pull, plan of a 10% change, its rehearsal (online and ``--offline``), apply of it, revert of it.
Requests are read from the emulator's log.
Then the pure plan computation (normalize + diff + make_plan on in-memory models, no I/O), and an
apply against an emulator limited to 10 requests/second with the target's ``rate_limit = 10``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.cli_steps import CLI_LABELS, run_cli_steps
from bench.emulator_process import TOKEN, EmulatorProcess, Request
from bench.growth import local_apply_ratios, scale_lines, step_growth
from bench.local_target import apply_in_memory_local, emulator_child_peak
from bench.rehearsal import LABELS as REHEARSAL_LABELS
from bench.rehearsal import STEPS as REHEARSAL_STEPS
from bench.rehearsal import rehearse_actions
from bench.seed import seed
from bench.synthetic import changed_model, synthetic_model

DEFAULT_SIZES = (10, 100, 500, 1000)
RESULTS = Path(__file__).resolve().parent / "results"
TOKEN_ENV = "RECONCILE_BENCH_TOKEN"


# ---------------------------------------------------------------------------------------------
# one measured step, in a child process


def _config(root: Path, base_url: str, rate_limit: float | None) -> None:
    lines = [
        "[project]",
        'default_target = "bench"',
        "",
        "[targets.bench]",
        'kind = "contentful"',
        'space_id = "local"',
        'environment = "master"',
        f'base_url = "{base_url}"',
        f'token_env = "{TOKEN_ENV}"',
        "timeout = 300",
    ]
    if rate_limit is not None:
        lines.append(f"rate_limit = {rate_limit}")
    (root / "reconcile.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _yes(_: Any) -> bool:
    return True


def _run_step(step: str, root: str, conn: Any) -> None:
    """Child process: run ``step`` of the tool's workflows on the project at ``root``; send the figures."""
    os.environ[TOKEN_ENV] = TOKEN
    from reconcile import workflows

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    project = workflows.load_project(None, None, Path(root))
    actions: dict[str, Callable[[], dict[str, Any]]] = {
        "validate": lambda: {"content_types": len(workflows.validate_models(project).model.content_types)},
        "plan": lambda: _plan_detail(workflows.plan(project, None, allow_destroy=True).plan),
        "apply": lambda: _apply_detail(workflows.apply(project, None, confirm=_yes, allow_destroy=True)),
        # the local target: the emulator in a child process, persisting under .reconcile/local/local
        "apply-local": lambda: _apply_detail(workflows.apply(project, "local", confirm=_yes, allow_destroy=True)),
        "apply-local-memory": lambda: _apply_detail(apply_in_memory_local(workflows, project, _yes)),
        "pull": lambda: {
            "files": len(workflows.pull(workflows.load_project(None, Path(root) / "pulled", Path(root)), None))
        },
        "revert": lambda: _revert_detail(workflows.revert(project, None, "latest", confirm=_yes)),
        **rehearse_actions(workflows, project),
    }
    wall, cpu = time.perf_counter(), time.process_time()
    with emulator_child_peak() as child_peak:
        try:
            detail = actions[step]()
            error = None
        except Exception as exc:  # reported, not hidden: the table shows the step failed
            detail, error = {}, f"{type(exc).__name__}: {exc}"
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the local target's emulator (ended by now)
    conn.send({
        "wall_s": round(time.perf_counter() - wall, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "base_rss_mb": round(base_rss / 1024, 1),
        "children_cpu_s": round(children.ru_utime + children.ru_stime, 3),
        "children_peak_rss_mb": child_peak["mb"],  # the local target's emulator child
        "error": error,
        **detail,
    })


def _plan_detail(plan: Any) -> dict[str, Any]:
    return {"changes": len(plan.changes), "steps": sum(len(p.steps) for p in plan.phases)}


def _apply_detail(outcome: Any) -> dict[str, Any]:
    report = outcome.report
    return {
        "ok": outcome.ok,
        "steps": len(report.applied) if report else 0,
        "failed_step": report.failed.step.description if report and report.failed else None,
        "changes": len(outcome.plan.changes),
    }


def _revert_detail(outcome: Any) -> dict[str, Any]:
    converged = outcome.converged
    return {"ok": bool(converged and converged.complete),
            "steps": len(converged.report.applied) if converged else 0, "changes": len(outcome.plan.changes)}


def _in_child(target: Callable[..., None], *args: Any, timeout: float = 3600) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=target, args=(*args, child))
    process.start()
    if not parent.poll(timeout):
        process.terminate()
        process.join(5)
        return {"error": f"no result within {timeout} s"}
    result: dict[str, Any] = parent.recv()
    process.join(30)
    return result


def _requests(log: list[Request]) -> dict[str, Any]:
    methods = Counter(r.method for r in log)
    span = (log[-1].time - log[0].time) if len(log) > 1 else 0.0
    return {
        "requests": len(log),
        "reads": methods.get("GET", 0),
        "writes": len(log) - methods.get("GET", 0),
        "by_method": dict(sorted(methods.items())),
        "status_429": sum(1 for r in log if r.status == 429),
        "failed": sum(1 for r in log if (r.status >= 400 and r.status != 429) or r.status == 0),
        "requests_per_s": round((len(log) - 1) / span, 2) if span > 0 else None,
    }


def measure(emulator: EmulatorProcess, step: str, root: Path) -> dict[str, Any]:
    emulator.clear()
    cpu = emulator.cpu()
    figures = _in_child(_run_step, step, str(root))
    figures["emulator_cpu_s"] = round(emulator.cpu() - cpu, 3)  # the emulator in another process
    figures.update(_requests(emulator.log()))
    return figures


# ---------------------------------------------------------------------------------------------
# scenarios


LOCAL_STEPS = ("apply from empty", "apply from empty (local, in memory)", "apply from empty (local target)")


def run_size(n: int, progress: Callable[[str], None], local_only: bool = False) -> dict[str, Any]:
    from reconcile.declared import write_models

    model = synthetic_model(n)
    changed = changed_model(model)
    results: dict[str, Any] = {
        "content_types": n,
        "fields": sum(len(ct.fields) for ct in model.content_types.values()),
    }
    with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp, EmulatorProcess() as emulator:
        root = Path(tmp)
        _config(root, emulator.base_url, None)
        write_models(model, root / "models")
        steps = [
            ("validate", "validate", None),
            ("plan (empty space)", "plan", None),
            ("apply from empty", "apply", None),
            ("apply from empty (local, in memory)", "apply-local-memory", None),
            ("apply from empty (local target)", "apply-local", None),
            ("plan (no change)", "plan", None),
            ("pull", "pull", None),
            ("plan (10% change)", "plan", changed),
            *((label, step, None) for label, step in REHEARSAL_STEPS),
            ("apply 10% change", "apply", None),
            ("revert", "revert", None),
        ]
        for label, step, new_model in [s for s in steps if s[0] in LOCAL_STEPS] if local_only else steps:
            if new_model is not None:
                write_models(new_model, root / "models")
            figures = measure(emulator, step, root)
            results[label] = figures
            progress(f"  {n:>5} types  {label:<20} {_line(figures)}")
            if label == "pull":  # the space matches the models: the commands as a user runs them
                for cli_label, cli_figures in run_cli_steps(root, TOKEN_ENV, TOKEN).items():
                    results[cli_label] = cli_figures
                    progress(f"  {n:>5} types  {cli_label:<20} {_line(cli_figures)}")
    for line in local_apply_ratios(results):
        progress(f"  {n:>5} types  {line}")
    return results


def _plan_cpu_child(n: int, variant: str, conn: Any) -> None:
    import gc

    from bench.live import live_state
    from reconcile.model import ContentModel
    from reconcile.planner import make_plan

    model = synthetic_model(n, all_max=True)
    live = live_state(ContentModel(locales=model.locales) if variant == "from empty" else model)
    desired = changed_model(model) if variant == "10% change" else model
    gc.collect()
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.process_time()
    plan = make_plan(live, desired, allow_destroy=True)
    conn.send({
        "cpu_s": round(time.process_time() - cpu, 3),
        "changes": len(plan.changes),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "base_rss_mb": round(base_rss / 1024, 1),
    })


def run_plan_cpu(sizes: list[int], progress: Callable[[str], None], repeat: int = 3) -> dict[str, Any]:
    """Cold make_plan (fresh process) over n x 50 fields: 10% change, no change, from empty.

    Each figure is the least CPU time of ``repeat`` fresh processes (all of them in ``cpu_s_runs``): on a
    shared machine other processes slow a run down (shared caches), never speed it up.
    """
    results: dict[str, Any] = {}
    for n in sizes:
        results[str(n)] = {}
        for variant in ("10% change", "no change", "from empty"):
            runs = [_in_child(_plan_cpu_child, n, variant) for _ in range(max(1, repeat))]
            good = [r for r in runs if r.get("cpu_s") is not None]
            figures = dict(min(good, key=lambda r: r["cpu_s"]) if good else runs[0])
            figures["cpu_s_runs"] = [r.get("cpu_s") for r in runs]
            results[str(n)][variant] = figures
            progress(f"  plan CPU {n:>5} x 50 fields  {variant:<11} {figures.get('cpu_s')} s "
                     f"(least of {figures['cpu_s_runs']})")
    growth: dict[str, dict[str, float]] = {}
    for variant in ("10% change", "no change", "from empty"):
        by_size = {int(k): v[variant].get("cpu_s") for k, v in results.items()}
        growth[variant] = {
            f"{small}->{small * 10}": round(by_size[small * 10] / by_size[small], 2)
            for small in sorted(by_size)
            if small * 10 in by_size and by_size[small] and by_size[small * 10]
        }
    return {"by_size": results, "growth_10x": growth}


def run_rate_limited(n: int, progress: Callable[[str], None]) -> dict[str, Any]:
    """Apply ``n`` new content types against an emulator limited to 10 requests/second."""
    from reconcile.declared import write_models

    with tempfile.TemporaryDirectory(prefix="bench-rate-") as tmp, EmulatorProcess(rate_limit=10) as emulator:
        root = Path(tmp)
        _config(root, emulator.base_url, 10)
        write_models(synthetic_model(n), root / "models")
        figures = measure(emulator, "apply", root)
        log = emulator.log()
    writes = [r for r in log if r.method != "GET"]
    if len(writes) > 1:
        figures["write_requests_per_s"] = round((len(writes) - 1) / (writes[-1].time - writes[0].time), 2)
    figures["content_types"] = n
    figures["limit_per_s"] = 10
    figures["sustains_9_per_s"] = bool(figures.get("requests_per_s") and figures["requests_per_s"] >= 9)
    progress(f"  rate-limited apply of {n} types: {_line(figures)}")
    return figures


# ---------------------------------------------------------------------------------------------
# output


def _line(f: dict[str, Any]) -> str:
    if f.get("error"):
        return f"ERROR {f['error']}"
    # The user runs one command: the tool and its emulator child together (issue 16's memory bound).
    together = round((f.get("peak_rss_mb") or 0) + (f.get("children_peak_rss_mb") or 0), 1)
    child = (f"  children (local emulator): cpu {f['children_cpu_s']} s  peak {f.get('children_peak_rss_mb')} MB"
             f" (tool + child {together} MB)" if (f.get("children_cpu_s") or 0) >= 0.05 else "")
    return (f"wall {f.get('wall_s')} s  cpu {f.get('cpu_s')} s  peak {f.get('peak_rss_mb')} MB  "
            f"requests {f.get('requests')} ({f.get('reads')} GET, {f.get('writes')} writes)  "
            f"429s {f.get('status_429')}{child}")


STEP_LABELS = ("validate", "plan (empty space)", "apply from empty", "apply from empty (local, in memory)",
               "apply from empty (local target)",
               "plan (no change)", "pull",
               "plan (10% change)", *REHEARSAL_LABELS, "apply 10% change", "revert", *CLI_LABELS)


def errors(results: dict[str, Any]) -> list[str]:
    """Every step that raised or did not converge, as ``"<types> <step>: <error>"``."""
    found = []
    for n, by_step in results["sizes"].items():
        for label in STEP_LABELS:
            f = by_step.get(label) or {}
            if f.get("error") or f.get("ok") is False:
                reason = f.get("error") or f"not ok (failed step: {f.get('failed_step')})"
                found.append(f"{n} {label}: {reason}")
    for n, variants in (results.get("plan_cpu") or {}).get("by_size", {}).items():
        for variant, f in variants.items():
            if f.get("error"):
                found.append(f"plan CPU {n} {variant}: {f['error']}")
    rate = results.get("rate_limited")
    if rate and (rate.get("error") or rate.get("ok") is False):
        found.append(f"rate-limited apply: {rate.get('error') or 'not ok'}")
    return found


def table(results: dict[str, Any]) -> str:
    rows = [("types", "step", "wall s", "cpu s", "peak MB", "requests", "GET", "writes", "429", "failed", "req/s",
             "ok")]
    for n, by_step in results["sizes"].items():
        for label in STEP_LABELS:
            f = by_step.get(label)
            if f is None:
                continue
            ok = "ERROR" if f.get("error") or f.get("ok") is False else "yes"
            rows.append((n, label, *(str(f.get(k, "")) for k in (
                "wall_s", "cpu_s", "peak_rss_mb", "requests", "reads", "writes", "status_429", "failed",
                "requests_per_s")), ok))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(cell).rjust(w) if i != 1 else str(cell).ljust(w) for i, (cell, w) in
                       enumerate(zip(row, widths, strict=True))) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines += scale_lines(results)
    plan_cpu = results.get("plan_cpu")
    if plan_cpu:
        lines += ["", "pure plan computation (make_plan, cold process, least of --repeat runs), n x 50 fields, CPU s:"]
        for n, variants in plan_cpu["by_size"].items():
            lines.append(f"  {n:>5}: " + ", ".join(f"{v} {f.get('cpu_s')} s" for v, f in variants.items()))
        for variant, growth in plan_cpu["growth_10x"].items():
            ratios = ", ".join(f"{k}: {v}x" for k, v in growth.items())
            lines.append(f"  growth for 10x the model ({variant}): {ratios}")
    rate = results.get("rate_limited")
    if rate:
        lines += ["", f"apply of {rate['content_types']} types against a 10 requests/s limit (rate_limit = 10): "
                      f"{rate.get('requests')} requests in {rate.get('wall_s')} s, {rate.get('requests_per_s')} req/s "
                      f"(writes {rate.get('write_requests_per_s')} req/s), 429s {rate.get('status_429')}, "
                      f"failed {rate.get('failed')}, ok {rate.get('ok')}; sustains >= 9 req/s: "
                      f"{'yes' if rate.get('sustains_9_per_s') else 'NO'}"]
    return "\n".join(lines)


def _uncommitted() -> list[str] | None:
    """Files of the package that differ from the commit (the figures are of the working tree)."""
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--", "reconcile", "bench"], capture_output=True,
                             text=True, cwd=Path(__file__).resolve().parent.parent, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return [line[3:] for line in out.splitlines() if line.strip()]


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated numbers of content types (default: %(default)s)")
    parser.add_argument("--rate-limited-types", type=int, default=30,
                        help="content types applied against the 10 requests/s emulator (0 skips it)")
    parser.add_argument("--no-plan-cpu", action="store_true", help="skip the pure plan computation")
    parser.add_argument("--plan-cpu-only", action="store_true",
                        help="only the pure plan computation (no emulator, no steps, no rate-limited apply)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="fresh processes per pure plan figure; the least CPU time counts (default: 3)")
    parser.add_argument("--seed-types", type=int, default=None,
                        help="content types seeded through `emulator serve` (default: the largest size; 0 skips)")
    parser.add_argument("--local-only", action="store_true",
                        help="only the applies from empty: against the emulator in another process and the local "
                             "target, in memory and persisting (no other step, seed, plan CPU or rate-limited apply)")
    parser.add_argument("--out", type=Path, help="result JSON (default: bench/results/<date>-<sizes>.json)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": _commit(),
        "uncommitted": _uncommitted(),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]},  # the machine may be shared
        "sizes": {},
    }
    for n in [] if args.plan_cpu_only else sizes:
        progress(f"size {n}")
        results["sizes"][str(n)] = run_size(n, progress, args.local_only)
    results["growth"] = step_growth(results["sizes"], STEP_LABELS)
    seed_types = 0 if args.local_only else max(sizes) if args.seed_types is None else args.seed_types
    if seed_types > 0 and not args.plan_cpu_only:
        progress("seed through the HTTP API of a persisting emulator")
        results["seed"] = seed(seed_types, sorted({c for c in (10, 100, 1000) if c < seed_types} | {seed_types}),
                               progress)
    if not (args.no_plan_cpu or args.local_only):
        progress("pure plan computation")
        results["plan_cpu"] = run_plan_cpu(sizes, progress, args.repeat)
    if args.rate_limited_types > 0 and not (args.plan_cpu_only or args.local_only):
        progress("rate-limited apply")
        results["rate_limited"] = run_rate_limited(args.rate_limited_types, progress)
    results["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(table(results))
    failures = errors(results)
    results["errors"] = failures
    RESULTS.mkdir(exist_ok=True)
    out = args.out or RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{'-'.join(map(str, sizes))}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults written to {out}")
    if failures:
        print("\nFAILED steps (their figures are not valid):\n  " + "\n  ".join(failures))
        return 1
    return 0
