"""Property: applying generated models A over generated models B, with a generated fault at a
generated write request, ends with the live environment exactly at A (the apply absorbed the fault)
or exactly at B (automatic rollback); the seeded entry values are intact; and the pre-apply snapshot
was written, verified and in place before the first write.

One emulator serves the whole test; each example gets a fresh space (and a fresh project directory),
so examples never see each other's state.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reconcile import workflows
from reconcile.backend import Backend, parse_environment, raw_from_export
from reconcile.emulator import Emulator, Fault
from reconcile.model import ContentModel
from reconcile.normalize import fingerprint
from reconcile.plan import Plan
from reconcile.steps import Step
from tests.support import approve, entries_by_id, target_section, write_config

from .models import model_pairs, seeded_fields, write_valid

# Hundreds of generated applies with injected faults: ~7 min.
pytestmark = pytest.mark.slow

TOKEN = "apply-property-test-token"
EXAMPLES = 200
SPACES = [f"prop{i}" for i in range(EXAMPLES * 3)]
BACKEND_TIMEOUT = 2.0
# "timeout" (the request is answered after the backend gave up on it) has its own test below.
FAULTS = ("500", "503", "409", "drop", "429-storm", "none")
STORM_RATE = 4  # requests/second the emulator allows during a 429 storm


@dataclass
class Run:
    emulator: Emulator
    root: Path
    spaces: itertools.count  # type: ignore[type-arg]
    stats: Counter[str]


@pytest.fixture(scope="module")
def run() -> Any:
    started = time.monotonic()
    stats: Counter[str] = Counter()
    with Emulator(token=TOKEN, spaces=SPACES) as emu, tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        yield Run(emu, Path(tmp), itertools.count(), stats)
    elapsed = time.monotonic() - started
    print(f"\napply property: {sum(v for k, v in stats.items() if k.startswith('fault:'))} examples in "
          f"{elapsed:.1f} s; {dict(sorted(stats.items()))}")


def project_for(run: Run, space: str) -> workflows.Project:
    root = run.root / space
    root.mkdir()
    write_config(root, target_section(run.emulator.base_url, space=space, timeout=BACKEND_TIMEOUT))
    return workflows.load_project(None, None, root)


def request_of(step: Step, plan: Plan, space: str) -> tuple[str, str]:
    """The (method, path regex) of the first write request ``step`` sends."""
    env = f"/spaces/{space}/environments/master"
    ct = f"{env}/content_types/{re.escape(step.resource_id)}"
    by_action = {
        "put_content_type": ("PUT", ct),
        "publish_content_type": ("PUT", f"{ct}/published"),
        "unpublish_content_type": ("DELETE", f"{ct}/published"),
        "delete_content_type": ("DELETE", ct),
        "put_editor_interface": ("PUT", f"{ct}/editor_interface"),
        "delete_entries": ("DELETE", f"{env}/entries/[^/]+(/published)?"),
        "create_locale": ("POST", f"{env}/locales"),
    }
    if step.action in by_action:
        method, path = by_action[step.action]
    else:
        sys_id = plan.live_meta[f"locale:{step.resource_id}"].sys_id
        path = f"{env}/locales/{re.escape(sys_id)}"
        method = "PUT" if step.action == "update_locale" else "DELETE"
    return method, f"^{path}$"


def entries(b: Backend) -> dict[str, dict[str, Any]]:
    return entries_by_id(b)


def seed_entries(b: Backend, model: ContentModel, publish_every: int) -> None:
    locales = [code for code, loc in sorted(model.locales.items(), key=lambda kv: not kv[1].default)]
    for n, ct in enumerate(model.content_types.values()):
        for k in range(2):
            entry_id = f"{ct.id}-{k}"
            created = b.put_entry(entry_id, ct.id, seeded_fields(ct, locales, n + k), None)
            if (n + k) % publish_every == 0:
                with contextlib.suppress(Exception):  # a draft that does not meet the validations stays a draft
                    b.publish_entry(entry_id, created.version)


def describe(outcome: workflows.ApplyOutcome) -> str:
    """What an apply did, in a few lines (for assertion messages)."""
    lines = []
    report = outcome.report
    if report is not None:
        lines.append(f"applied {len(report.applied)} step(s); failed: "
                     f"{report.failed.step.description + ': ' + str(report.failed.error) if report.failed else None}; "
                     f"failure: {report.failure}")
    rollback = outcome.rollback
    if rollback is not None:
        lines.append(f"rollback complete={rollback.complete}; planned "
                     f"{[s.description for p in rollback.plan.phases for s in p.steps]}")
        if rollback.report.failed or rollback.report.failure:
            failed = rollback.report.failed
            lines.append(f"rollback failed: {failed.step.description if failed else ''} "
                         f"{failed.error if failed else rollback.report.failure}")
        if rollback.remaining is not None:
            lines.append(f"remaining: {[c.address for c in rollback.remaining.changes]}")
    return "\n".join(lines)


def first_write(emu: Emulator, space: str) -> Any:
    return next(
        (r for r in emu.request_log if r.method in ("PUT", "POST", "DELETE") and f"/spaces/{space}/" in r.path),
        None,
    )


@st.composite
def scenarios(draw: st.DrawFn, faults: tuple[str, ...]) -> tuple[ContentModel, ContentModel, str, int, int]:
    a, b = draw(model_pairs())
    fault = draw(st.sampled_from(faults))
    step_pick = draw(st.integers(0, 10_000))
    publish_every = draw(st.integers(1, 3))
    return a, b, fault, step_pick, publish_every


SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}


# The examples all run inside one test call (about 2 s each on a 2-core machine): allow for it.
@pytest.mark.timeout(EXAMPLES * 6)
@settings(max_examples=EXAMPLES, **SETTINGS)  # type: ignore[arg-type]
@given(scenario=scenarios(FAULTS))
def test_apply_with_a_fault_ends_at_a_or_at_b(run: Run, scenario: tuple[Any, ...],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", TOKEN)
    check_apply(run, *scenario)


@settings(max_examples=40, phases=[Phase.explicit, Phase.generate], **SETTINGS)  # type: ignore[arg-type]
@given(scenario=scenarios(("timeout",)))
def test_apply_with_a_timed_out_write_ends_at_a_or_at_b(run: Run, scenario: tuple[Any, ...],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", TOKEN)
    check_apply(run, *scenario)


def check_apply(run: Run, a: ContentModel, b: ContentModel, fault: str, step_pick: int, publish_every: int) -> None:
    emu = run.emulator
    space = SPACES[next(run.spaces)]
    project = project_for(run, space)
    backend = Backend(base_url=emu.base_url, token=TOKEN, space_id=space, environment_id="master")

    # start: B, with entries
    write_valid(b, project.models_dir)
    assert workflows.apply(project, None, confirm=approve, allow_destroy=True).ok
    b_fp = fingerprint(backend.read_live().model)
    seed_entries(backend, b, publish_every)
    start_entries = entries(backend)

    # the models A, and the fault at one of the plan's write requests
    write_valid(a, project.models_dir)
    planned = workflows.plan(project, None, allow_destroy=True).plan
    steps = [step for phase in planned.phases for step in phase.steps]
    run.stats[f"fault:{fault}"] += 1
    run.stats["steps"] += len(steps)
    delay_until = 0.0
    if steps and fault not in ("none", "429-storm"):
        index = step_pick % len(steps)
        method, path = request_of(steps[index], planned, space)
        nth = 1 + sum(request_of(s, planned, space) == (method, path) for s in steps[:index])
        action = "delay" if fault == "timeout" else fault
        emu.faults.add(Fault(action=action, method=method, path=path, nth=nth,  # type: ignore[arg-type]
                             delay=BACKEND_TIMEOUT + 0.5))
        if fault == "timeout":
            delay_until = -1.0
    log_start = len(emu.request_log)
    if fault == "429-storm":
        emu.set_rate_limit(STORM_RATE)
    started = time.time()
    try:
        outcome = workflows.apply(project, None, confirm=approve, allow_destroy=True)
    finally:
        emu.set_rate_limit(None)
        emu.faults.clear()
    if delay_until:
        # a timed-out request is still served after the delay, as a slow real request would be
        time.sleep(max(0.0, started + BACKEND_TIMEOUT + 1.0 - time.time()))
    run.last = outcome  # type: ignore[attr-defined]
    log = emu.request_log[log_start:]
    if fault == "429-storm":
        run.stats["429s"] += sum(r.status == 429 for r in log)

    live = backend.read_live().model
    live_fp = fingerprint(live)
    a_fp = fingerprint(a)
    assert live_fp in (a_fp, b_fp), f"live is neither A nor B after fault {fault}: {describe(outcome)}"
    if outcome.ok:
        assert live_fp == a_fp, "the apply reported success but the environment is not at A"
        run.stats["ended:A"] += 1
    else:
        assert outcome.rollback is not None and outcome.rollback.complete, "the rollback is incomplete"
        assert live_fp == b_fp
        run.stats["ended:B(rolled back)"] += 1
    after = entries(backend)
    if live_fp == b_fp:
        assert after == start_entries, "entry values differ after the rollback"
    else:
        for entry_id, fields in start_entries.items():
            ct_id = entry_id.rsplit("-", 1)[0]
            if ct_id not in a.content_types:
                continue
            for field in a.content_types[ct_id].fields:
                old = next((f for f in b.content_types[ct_id].fields if f.id == field.id), None)
                same = old is not None and (old.type, old.items, old.localized) == (field.type, field.items,
                                                                                     field.localized)
                if same and field.id in fields:
                    kept = {code: v for code, v in fields[field.id].items() if code in a.locales}
                    assert after[entry_id].get(field.id, {}) == kept, f"{entry_id}.{field.id} lost its value"

    # the pre-apply snapshot existed, complete and verified, before the first write
    if steps:
        assert outcome.snapshot is not None
        snap_dir = outcome.snapshot.path
        first = next((r for r in log if r.method in ("PUT", "POST", "DELETE")), None)
        assert first is not None
        assert snap_dir.stat().st_ctime <= first.time
        assert (snap_dir / "metadata.json").stat().st_mtime <= first.time
        metadata = json.loads((snap_dir / "metadata.json").read_text())
        assert metadata["fingerprint"] == b_fp
        loaded = project.store.load(outcome.snapshot.id, "test")
        assert fingerprint(parse_environment(raw_from_export(loaded.export)).model) == b_fp
        records = [json.loads(line) for line in (snap_dir / "journal.jsonl").read_text().splitlines()]
        assert records[0]["event"] == "start"
        step_times = [r["time"] for r in records if r.get("event") == "step"]
        assert all(t >= snap_dir.stat().st_ctime for t in step_times)
    else:
        assert outcome.snapshot is None
