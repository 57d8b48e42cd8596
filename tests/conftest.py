"""What every test folder shares: plan snapshots stored one file per scenario (``scenario_snapshot``)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.amber import AmberSnapshotExtension
from syrupy.location import PyTestLocation
from syrupy.types import SnapshotIndex


class PerScenarioAmberExtension(AmberSnapshotExtension):
    """Amber snapshots of a test parametrised by scenario, one file per scenario:
    ``__snapshots__/<test module>/<scenario>.ambr``, where the scenario is the test's parameter id.

    The entries (names and contents) are those the default extension writes; only the file they are in differs,
    so a change to one scenario's plan shows as a change to that scenario's file."""

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(Path(super().dirname(test_location=test_location)) / test_location.basename)

    @classmethod
    def get_file_basename(cls, *, test_location: PyTestLocation, index: SnapshotIndex) -> str:
        return cast(pytest.Function, test_location.item).callspec.id

    @classmethod
    def matches_test_location(cls, *, test_location: PyTestLocation, snapshot_location: str) -> bool:
        return snapshot_location == cls.get_location(test_location=test_location, index=0)


@pytest.fixture
def scenario_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """``snapshot``, stored by ``PerScenarioAmberExtension`` (for tests parametrised by one scenario id)."""
    return snapshot.use_extension(PerScenarioAmberExtension)
