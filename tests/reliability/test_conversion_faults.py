"""Property (issue 14): a 500 injected at entry write k of a 3-phase conversion apply (add the temporary
field, convert the entries, remove and rename) ends exactly at the start: the model, every entry's values
and every entry's publish state. Entries and k are generated; one emulator serves the test, each example
gets a fresh space and project directory."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reconcile import workflows
from reconcile.backend import Backend
from reconcile.emulator import Emulator, Fault
from reconcile.normalize import fingerprint
from reconcile.steps import WriteEntries
from tests.support import approve, target_section, write_config

pytestmark = pytest.mark.slow

TOKEN = "conversion-faults-token"
SCENARIO = Path(__file__).resolve().parents[1] / "transforms" / "scenarios" / "symbol-to-text"
SPACES = tuple(f"conv{i}" for i in range(60))


@dataclass
class Run:
    emulator: Emulator
    root: Path
    spaces: Iterator[int]


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    with Emulator(token=TOKEN, spaces=SPACES) as emu, tempfile.TemporaryDirectory(prefix="conversion-") as tmp:
        yield Run(emu, Path(tmp), itertools.count())


def project(run: Run, space: str, models: str) -> workflows.Project:
    root = run.root / space
    if (root / "models").exists():
        shutil.rmtree(root / "models")
    shutil.copytree(SCENARIO / models, root / "models")
    write_config(root, target_section(run.emulator.base_url, space=space))
    return workflows.load_project(None, None, root)


AUTHORS = st.lists(
    st.tuples(
        st.sampled_from(["draft", "published", "changed"]),
        st.one_of(st.none(), st.text(alphabet="abcdefgh ", min_size=1, max_size=12)),
    ),
    min_size=1,
    max_size=5,
).filter(lambda authors: any(name is not None for _, name in authors))  # at least one value to convert


def seed(backend: Backend, authors: list[tuple[str, str | None]]) -> None:
    for index, (state, name) in enumerate(authors):
        fields: dict[str, Any] = {"age": {"en-US": index}}
        if name is not None:
            fields["name"] = {"en-US": name}
        written = backend.put_entry(f"e{index}", "author", fields, None)
        if state != "draft":
            written = backend.publish_entry(f"e{index}", written.version)
        if state == "changed":
            backend.put_entry(f"e{index}", "author", fields, written.version)


def entry_writes(authors: list[tuple[str, str | None]], space: str) -> list[tuple[str, str]]:
    """The entry writes the conversion sends (method, path): a PUT per entry with a name, a publish for the
    published ones."""
    base = f"/spaces/{space}/environments/master/entries"
    writes = []
    for index, (state, name) in enumerate(authors):
        if name is not None:
            writes.append(("PUT", f"{base}/e{index}"))
            if state == "published":
                writes.append(("PUT", f"{base}/e{index}/published"))
    return writes


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(authors=AUTHORS, pick=st.integers(min_value=0, max_value=20))
def test_a_500_at_any_entry_write_rolls_back_values_and_publish_state(
    run: Run, monkeypatch: pytest.MonkeyPatch, authors: list[tuple[str, str | None]], pick: int
) -> None:
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", TOKEN)
    space = SPACES[next(run.spaces)]
    backend = Backend(base_url=run.emulator.base_url, token=TOKEN, space_id=space, environment_id="master")
    assert workflows.apply(project(run, space, "before"), None, confirm=approve, allow_destroy=True).ok
    seed(backend, authors)
    start_model = fingerprint(backend.read_live().model)
    start = {e.id: (e.fields, e.state) for e in backend.fetch_entries()}

    after = project(run, space, "after")
    planned = workflows.plan(after, None).plan
    assert [phase.name for phase in planned.phases] == ["content_types", "convert_entries", "remove_fields"]
    steps = [s for phase in planned.phases for s in phase.steps if isinstance(s, WriteEntries)]
    assert [s.entries for s in steps] == [sum(1 for _, name in authors if name is not None)]
    writes = entry_writes(authors, space)
    method, path = writes[pick % len(writes)]
    run.emulator.faults.add(Fault(action="500", method=method, path=f"^{path}$", nth=1))
    try:
        outcome = workflows.apply(after, None, confirm=approve)
    finally:
        run.emulator.faults.clear()
    assert not outcome.ok and outcome.rollback is not None and outcome.rollback.complete, outcome.rollback
    assert fingerprint(backend.read_live().model) == start_model
    assert {e.id: (e.fields, e.state) for e in backend.fetch_entries()} == start
