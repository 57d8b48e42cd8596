"""What a revert or a rollback holds while it executes (issue 16): the snapshot's model is let go once a round has
planned to it, and a failed apply lets its plan's phases go before it rolls back (each phase holds a whole
expected model: about 90 MB at 1,000 content types of 50 fields). The result stays exactly the start."""

from __future__ import annotations

import gc

from reconcile import workflows
from reconcile.emulator import Fault
from reconcile.normalize import fingerprint
from reconcile.progress import PhaseStarted, Progress, ProgressEvent
from reconcile.workflows.converge import SnapshotModel
from tests.support import approve, entries_by_id

from .conftest import Workspace, backend, seed_start
from .scenarios import TARGET


def _snapshot_models_held(label: str, held: list[list[bool]]) -> Progress:
    """A progress callback noting, at each phase ``label`` starts, whether each snapshot model alive holds its model."""
    def progress(event: ProgressEvent) -> None:
        if isinstance(event, PhaseStarted) and event.label == label:
            held.append([m.model is not None for m in gc.get_objects() if isinstance(m, SnapshotModel)])
    return progress


def test_a_revert_lets_go_of_the_snapshot_model_while_it_executes(workspace: Workspace) -> None:
    start_fp, start_entries = seed_start(workspace)
    workspace.write(TARGET)
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    held: list[list[bool]] = []
    reverted = workflows.revert(workspace.project(), None, "latest", confirm=approve,
                                progress=_snapshot_models_held("revert", held))
    assert reverted.converged is not None and reverted.converged.complete
    assert held and all(phase == [False] for phase in held), held
    b = backend(workspace)
    assert fingerprint(b.read_live().model) == start_fp
    assert entries_by_id(b) == start_entries


def test_a_failed_apply_rolls_back_without_its_plans_models(workspace: Workspace) -> None:
    start_fp, start_entries = seed_start(workspace)
    workspace.write(TARGET)
    planned = workflows.plan(workspace.project(), None, allow_destroy=True).plan
    steps = sum(len(phase.steps) for phase in planned.phases)
    # The last phase with writes fails: every earlier phase was applied and verified.
    last = [phase for phase in planned.phases if phase.name != "delete_locales"][-1].steps[-1]
    workspace.emulator.faults.add(Fault(action="500", path=f"/{last.resource_id}"))
    held: list[list[bool]] = []
    outcome = workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True,
                              progress=_snapshot_models_held("rollback", held))
    workspace.emulator.faults.clear()
    assert not outcome.ok and outcome.rollback is not None and outcome.rollback.complete
    assert outcome.plan.phases == () and outcome.planned_steps == steps  # the count the failure message shows
    assert outcome.report is not None and outcome.report.final_raw is None
    assert held and all(phase == [False] for phase in held), held
    b = backend(workspace)
    assert fingerprint(b.read_live().model) == start_fp
    assert entries_by_id(b) == start_entries
