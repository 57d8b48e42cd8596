"""Load under a rate limit: 100 content types changed in one apply against an emulator that answers 429
beyond 10 requests/second, with the target's client-side ``rate_limit = 10``.

The apply must finish with no failed step and no 429 at all (the backend's throttle keeps under the
limit), and the write phase must sustain at least 9 requests/second: the executor writes independent
content types in parallel, so per-request latency does not slow the rate, and only the throttle's
spacing, (1 + 5%) / 10 s, bounds it (at most 9.52/s).

The rate is measured on the emulator's request log: the write requests (every non-GET) grouped by
phase (the verification reads of the executor separate the phases), and per phase the requests
logged from its first to its last write divided by the time between them. N requests span N - 1
gaps, so the rate is (N - 1) / (last - first): counting N over that span would overstate it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reconcile import workflows
from reconcile.declared import write_models
from reconcile.emulator import Emulator, LoggedRequest
from reconcile.model import ContentModel, ContentType
from tests.performance.models import numbered
from tests.support import target_section, write_config

from .conftest import FIGURES

# 200 writes held to 10 requests/s: ~25 s.
pytestmark = pytest.mark.slow

TOKEN = "rate-limit-test-token"
LIMIT = 10
MIN_SUSTAINED = 9.0
N_TYPES = 100


def changed(model: ContentModel) -> ContentModel:
    """One field of every content type renamed (its display name): one PUT and one publish each."""

    def rename(ct: ContentType) -> ContentType:
        fields = tuple(f.model_copy(update={"name": "Body text"}) if f.id == "body" else f for f in ct.fields)
        return ct.model_copy(update={"fields": fields})

    return model.model_copy(update={"content_types": {ct_id: rename(ct) for ct_id, ct in model.content_types.items()}})


def approve(_: Any) -> bool:
    return True


@dataclass
class Project:
    root: Path
    emulator: Emulator

    def configure(self, rate_limit: float | None) -> None:
        extra = {"rate_limit": rate_limit} if rate_limit is not None else {}
        write_config(self.root, target_section(self.emulator.base_url, token_env="RECONCILE_RATE_TOKEN", **extra))

    def apply(self, model: ContentModel) -> workflows.ApplyOutcome:
        models = self.root / "models"
        if models.exists():
            shutil.rmtree(models)
        write_models(model, models)
        return workflows.apply(workflows.load_project(None, None, self.root), None, confirm=approve)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    monkeypatch.setenv("RECONCILE_RATE_TOKEN", TOKEN)
    with Emulator(token=TOKEN, rate_limit=None) as emulator:
        yield Project(tmp_path, emulator)


@dataclass(frozen=True)
class PhaseRate:
    writes: int
    requests: int  # every request logged from the phase's first write to its last
    seconds: float

    @property
    def per_second(self) -> float:
        return (self.requests - 1) / self.seconds


def write_phases(log: list[LoggedRequest]) -> list[PhaseRate]:
    """The log's runs of consecutive writes (a GET between two writes ends a phase), each measured."""
    ordered = sorted(log, key=lambda r: r.time)
    runs: list[list[LoggedRequest]] = []
    current: list[LoggedRequest] = []
    for request in ordered:
        if request.method == "GET":
            if current:
                runs.append(current)
                current = []
        else:
            current.append(request)
    if current:
        runs.append(current)
    phases = []
    for run in runs:
        first, last = run[0].time, run[-1].time
        in_span = [r for r in ordered if first <= r.time <= last]
        phases.append(PhaseRate(len(run), len(in_span), last - first))
    return phases


def test_write_phase_of_100_changed_content_types_sustains_9_per_second_with_no_429(project: Project) -> None:
    start = numbered(N_TYPES)
    project.configure(rate_limit=None)  # the setup runs with no limit on either side
    first = project.apply(start)
    assert first.ok, first.report
    project.configure(rate_limit=LIMIT)
    project.emulator.set_rate_limit(LIMIT)
    project.emulator.clear_log()

    outcome = project.apply(changed(start))
    log = project.emulator.request_log

    assert outcome.report is not None and outcome.ok, outcome.report
    assert outcome.report.failed is None and not outcome.report.pending
    assert len(outcome.report.applied) == 2 * N_TYPES
    throttled = [r for r in log if r.status == 429]
    writes = [r for r in log if r.method != "GET"]
    assert len(writes) == 2 * N_TYPES  # 100 PUTs + 100 publishes, no retry
    assert all(200 <= r.status < 300 for r in log)

    phases = write_phases(log)
    ordered = sorted(log, key=lambda r: r.time)
    whole = (len(ordered) - 1) / (ordered[-1].time - ordered[0].time)
    for index, phase in enumerate(phases):
        FIGURES.append(
            f"rate limit {LIMIT}/s, write phase {index + 1}/{len(phases)}: {phase.writes} writes, "
            f"{phase.requests} requests in {phase.seconds:.2f} s = {phase.per_second:.2f} req/s; "
            f"429 answers: {len(throttled)}"
        )
    # The emulator counts requests in one-second windows: 11 requests within one second would meet a
    # 429. The tightest run of LIMIT + 1 consecutive requests shows how close the apply came to that.
    times = [r.time for r in ordered]
    tightest = min(times[i + LIMIT] - times[i] for i in range(len(times) - LIMIT))
    FIGURES.append(
        f"rate limit {LIMIT}/s, whole apply: {len(log)} requests in "
        f"{ordered[-1].time - ordered[0].time:.2f} s = {whole:.2f} req/s; "
        f"tightest {LIMIT + 1} consecutive requests span {tightest:.3f} s"
    )
    print("\n" + "\n".join(FIGURES[-len(phases) - 1 :]))

    assert not throttled
    assert sum(phase.writes for phase in phases) == 2 * N_TYPES
    # a phase of a few writes says nothing about a sustained rate; every phase here has 100 or more
    assert all(phase.writes >= N_TYPES for phase in phases), phases
    for phase in phases:
        assert phase.per_second >= MIN_SUSTAINED, phase
        assert phase.per_second <= LIMIT, phase
