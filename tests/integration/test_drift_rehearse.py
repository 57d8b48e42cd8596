"""Drift (pending vs out-of-band changes, attribution, --adopt) and rehearsal (sandbox and offline)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from reconcile import workflows
from reconcile.cli import CHANGES, ERROR, OK, app
from reconcile.emulator import Fault
from reconcile.normalize import fingerprint
from tests.support import approve

from .conftest import Workspace, backend, seed_start
from .scenarios import START, TARGET


def file_bytes(models: Path) -> dict[str, bytes]:
    return {str(p.relative_to(models)): p.read_bytes() for p in sorted(models.rglob("*.toml"))}


def edit_out_of_band(ws: Workspace) -> None:
    """What someone does in the web app: rename a content type, tighten a field."""
    b = backend(ws)
    live = b.read_live()
    author = live.model.content_types["author"]
    fields = tuple(
        f.model_copy(update={"validations": ({"size": {"max": 40}},)}) if f.id == "name" else f for f in author.fields
    )
    changed = author.model_copy(update={"name": "Writer", "fields": fields})
    put = b.put_content_type(changed, live.meta["content_type:author"].version)
    b.publish_content_type("author", put["sys"]["version"])


def test_drift_reports_out_of_band_changes_with_attribution_and_adopts_them(workspace: Workspace) -> None:
    seed_start(workspace)
    clean = workflows.drift(workspace.project(), None)
    assert not clean.report.has_drift and clean.report.baseline is not None

    edit_out_of_band(workspace)
    before = file_bytes(workspace.models)
    found = workflows.drift(workspace.project(), None)
    assert found.report.has_drift
    addresses = {item.change.address for item in found.report.out_of_band}
    assert addresses == {"content_types.author", "content_types.author.fields.name"}
    assert all(item.updated_by and item.updated_at for item in found.report.out_of_band)
    assert {c.address for c in found.report.pending} == addresses  # the files still say otherwise

    adopted = workflows.drift(workspace.project(), None, adopt=True)
    assert [p.name for p in adopted.adopted] == ["author.toml"]
    after = file_bytes(workspace.models)
    assert {k for k in after if after[k] != before[k]} == {"content_types/author.toml"}
    assert workflows.plan(workspace.project(), None).plan.is_empty
    # adopting accepted the live state: it is the baseline now, so the drift is resolved
    assert adopted.baseline_snapshot is not None and adopted.baseline_snapshot.kind == "adopted"
    resolved = workflows.drift(workspace.project(), None)
    assert resolved.report.baseline == adopted.baseline_snapshot.id and not resolved.report.has_drift


def test_after_a_revert_drift_compares_with_the_reverted_state(workspace: Workspace) -> None:
    """A revert is the tool's own change: its post-revert snapshot becomes the drift baseline."""
    seed_start(workspace)
    workspace.write(TARGET)
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    reverted = workflows.revert(workspace.project(), None, "latest", confirm=approve)
    assert reverted.converged is not None and reverted.converged.complete
    post = reverted.post_snapshot
    assert post is not None and post.kind == "post-revert"
    assert post.metadata["reverted_to"] == reverted.snapshot.id
    assert post.metadata["fingerprint"] == fingerprint(backend(workspace).read_live().model)
    workspace.write(START)  # the files follow the revert
    found = workflows.drift(workspace.project(), None)
    assert found.report.baseline == post.id
    assert not found.report.has_drift, [i.change.address for i in found.report.out_of_band]
    edit_out_of_band(workspace)
    assert {i.change.address for i in workflows.drift(workspace.project(), None).report.out_of_band} == {
        "content_types.author", "content_types.author.fields.name"}


def test_drift_cli_exit_codes_and_json(workspace: Workspace, monkeypatch: Any) -> None:
    seed_start(workspace)
    monkeypatch.chdir(workspace.root)
    runner = CliRunner()
    assert runner.invoke(app, ["drift"]).exit_code == OK
    edit_out_of_band(workspace)
    result = runner.invoke(app, ["drift", "--format", "json"])
    assert result.exit_code == CHANGES, result.output
    document = json.loads(result.stdout)
    assert document["has_drift"] and document["out_of_band"][0]["updated_by"]
    markdown = runner.invoke(app, ["drift", "--format", "markdown"])
    assert markdown.exit_code == CHANGES and "Changed outside the tool" in markdown.stdout


def test_rehearse_in_a_cloned_sandbox_leaves_the_target_untouched(workspace: Workspace) -> None:
    start_fp, _ = seed_start(workspace)
    workspace.write(TARGET)
    workspace.emulator.clear_log()
    outcome = workflows.rehearse(workspace.project(), None, allow_destroy=True, ready_timeout=30)
    assert outcome.ok, outcome.stages
    assert [s.name for s in outcome.stages] == [
        "clone", "plan", "apply", "re-plan", "revert", "verify", "delete sandbox"
    ]
    master_writes = [r for r in workspace.emulator.request_log
                     if r.method != "GET" and "/environments/master/" in r.path]
    assert master_writes == []
    assert fingerprint(backend(workspace).read_live().model) == start_fp
    sandbox = f"/environments/{outcome.sandbox}"
    deleted = [r for r in workspace.emulator.request_log if r.method == "DELETE" and r.path.endswith(sandbox)]
    assert len(deleted) == 1


def test_rehearse_deletes_the_sandbox_even_when_a_stage_fails(workspace: Workspace) -> None:
    seed_start(workspace)
    workspace.write(TARGET)
    in_sandbox = r"/environments/reconcile-rehearsal-[^/]+/content_types/article$"
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path=in_sandbox))
    outcome = workflows.rehearse(workspace.project(), None, allow_destroy=True, ready_timeout=30)
    assert not outcome.ok
    assert outcome.stages[-1].name == "delete sandbox" and outcome.stages[-1].ok


def test_rehearse_with_a_refused_clone_deletes_nothing_and_says_how_to_fix(
    workspace: Workspace, monkeypatch: Any,
) -> None:
    # Found in the trial: with a wrong token the clone was refused, then a "delete sandbox" stage tried to delete the
    # environment that was never made (a second FAILED), and no `fix:` line said what to do.
    seed_start(workspace)
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", "not-the-token")
    monkeypatch.chdir(workspace.root)
    workspace.emulator.clear_log()
    result = CliRunner().invoke(app, ["rehearse"])
    assert result.exit_code == ERROR, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["clone", "fix:", "Rehearsal"], result.stdout
    assert "fix: the token is wrong or expired" in result.stdout and "not-the-token" not in result.output
    assert [r.method for r in workspace.emulator.request_log if "/environments/reconcile-rehearsal-" in r.path] == [
        "PUT"]


def test_offline_rehearsal_from_a_snapshot_sends_no_write(workspace: Workspace) -> None:
    seed_start(workspace)
    snapshot = workspace.project().store.latest("test", kind="post-apply")
    assert snapshot is not None
    workspace.write(TARGET)
    workspace.emulator.clear_log()
    outcome = workflows.rehearse(workspace.project(), None, allow_destroy=True, offline=True, source=snapshot.id)
    assert outcome.ok, outcome.stages
    assert workspace.emulator.request_log == []  # the target was never contacted


def test_offline_rehearsal_reads_the_target_but_never_writes(workspace: Workspace) -> None:
    workspace.write(START)
    assert workflows.apply(workspace.project(), None, confirm=approve).ok
    workspace.write(TARGET)
    workspace.emulator.clear_log()
    outcome = workflows.rehearse(workspace.project(), None, allow_destroy=True, offline=True)
    assert outcome.ok, outcome.stages
    assert {r.method for r in workspace.emulator.request_log} == {"GET"}
