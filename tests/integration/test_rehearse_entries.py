"""`reconcile rehearse` of a plan that writes entries (issue 14): a declared fill and a Symbol -> Text
conversion over entries in all four publish states, in a cloned sandbox and offline. The rehearsal
plans with the fills (as `plan` does), applies the entry writes in the sandbox, re-plans empty, reverts,
and compares the fingerprint and the entries (values and publish state) with the start."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from reconcile import workflows
from reconcile.entries import RestoreReport
from reconcile.model import Entry

from .conftest import Workspace, backend
from .test_transforms import entries, seed, states, values

SANDBOX = "/environments/reconcile-rehearsal-"


def seeded(workspace: Workspace) -> dict[str, Entry]:
    before = seed(workspace, "rehearse-fill-convert")
    assert states(before) == {"ada": "published", "grace": "changed", "alan": "draft", "hedy": "archived"}
    return before


def sandbox_entry_puts(workspace: Workspace) -> dict[str, list[Any]]:
    """The bodies of the entry PUTs sent to the rehearsal's sandbox, by entry id."""
    puts: dict[str, list[Any]] = {}
    for r in workspace.emulator.request_log:
        if r.method == "PUT" and SANDBOX in r.path and "/entries/" in r.path:
            tail = r.path.rsplit("/entries/", 1)[1]
            if "/" not in tail:
                puts.setdefault(tail, []).append(r.body)
    return puts


def test_rehearse_runs_the_fill_and_the_conversion_over_entries_in_every_state(workspace: Workspace) -> None:
    before = seeded(workspace)
    workspace.emulator.clear_log()
    outcome = workflows.rehearse(workspace.project(), None, ready_timeout=30)
    assert outcome.ok, outcome.stages
    puts = sandbox_entry_puts(workspace)
    # the apply wrote every entry with its converted name and its filled first name, in the sandbox
    assert set(puts) >= {"ada", "grace", "alan", "hedy"}
    first = {entry_id: bodies[0]["fields"].get("firstName") for entry_id, bodies in puts.items()}
    assert first == {"ada": {"en-US": "Ada"}, "grace": {"en-US": "Grace"}, "alan": {"en-US": "Alan"},
                     "hedy": {"en-US": "Hedy"}}
    stages = {s.name: s for s in outcome.stages}
    assert "4 entries" in stages["verify"].detail, stages["verify"]
    # the target itself was only read
    assert [r for r in workspace.emulator.request_log
            if r.method != "GET" and "/environments/master/" in r.path] == []
    assert entries(workspace) == before


def test_offline_rehearsal_runs_the_fill_too(workspace: Workspace) -> None:
    seeded(workspace)
    outcome = workflows.rehearse(workspace.project(), None, offline=True)
    assert outcome.ok, outcome.stages
    stages = {s.name: s for s in outcome.stages}
    assert "apply" in stages and stages["apply"].ok
    assert "entries" in stages["verify"].detail


def test_a_rehearsal_whose_fill_fails_on_one_entry_fails_at_plan_naming_it(workspace: Workspace) -> None:
    seeded(workspace)
    b = backend(workspace)
    alan = next(e for e in b.fetch_entries("author") if e.id == "alan")
    b.put_entry("alan", "author", {"name": {"en-US": "!Alan"}}, alan.version)
    outcome = workflows.rehearse(workspace.project(), None, ready_timeout=30)
    assert not outcome.ok
    failed = next(s for s in outcome.stages if not s.ok)
    assert failed.name == "plan"
    assert "firstName" in failed.detail and "alan" in failed.detail, failed.detail
    assert outcome.stages[-1].name == "delete sandbox" and outcome.stages[-1].ok


def test_a_revert_that_does_not_bring_the_entries_back_fails_the_rehearsal(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model comes back either way (the fingerprint is equal); only the entries tell."""
    before = seeded(workspace)
    converging = importlib.import_module("reconcile.workflows.converge")  # the package's name is the function
    monkeypatch.setattr(converging, "restore_entries", lambda *_, **__: RestoreReport())
    outcome = workflows.rehearse(workspace.project(), None, ready_timeout=30)
    assert not outcome.ok
    failed = next(s for s in outcome.stages if not s.ok)
    assert failed.name == "verify", outcome.stages
    assert "entries" in failed.detail and "ada" in failed.detail, failed.detail
    assert values(entries(workspace), "name") == values(before, "name")  # the target is untouched
