"""Memory of the writing commands at scale (issue 16): the snapshot's export and a plan's hash are never
held as one whole text, nor the export twice. Measured with tracemalloc (allocations, not time), each in a
fresh interpreter: tracemalloc counts every thread's allocations, and a server thread another test left
finishing a delayed request would count as this measure's (it did, once, in a full run)."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.live import live_state
from bench.synthetic import changed_model, synthetic_model
from reconcile.planner import make_plan
from reconcile.snapshots import SnapshotStore
from reconcile.workflows.metadata import fingerprint_plan

META = {"space": "local", "environment": "master", "plan_hash": None, "fingerprint": "fp"}


def peak_of(action: Callable[[], Any]) -> tuple[Any, int]:
    """What ``action`` returns and the peak of the memory it allocated on top of what existed, in bytes."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = action()
        return result, tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def in_child(function: str, *args: str, module: str = "tests.store.test_memory") -> Any:
    """What ``function`` of ``module`` (this one) returns (JSON), called in a fresh interpreter with ``args``."""
    code = (f"import json, sys; from {module} import {function}; "
            f"print(json.dumps({function}(*sys.argv[1:])))")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def big_export(n: int) -> dict[str, Any]:
    fields = [{"id": f"field{f:02d}", "name": f"Field {f}", "type": "Symbol", "localized": False,
               "required": False, "validations": [{"size": {"max": 80 + f}}], "disabled": False, "omitted": False}
              for f in range(50)]
    return {
        "contentTypes": [{"sys": {"id": f"type{i:04d}", "version": 2}, "name": f"Type {i}", "fields": fields}
                         for i in range(n)],
        "editorInterfaces": [],
        "entries": [],
        "locales": [{"sys": {"id": "loc"}, "code": "en-US", "default": True}],
    }


def snapshot_peak(folder: str) -> tuple[int, int]:
    """The peak allocated while a snapshot of a 200-type export is written into ``folder``, and its text size."""
    export = big_export(200)
    text_size = len(json.dumps(export, indent=2).encode())  # about 3 MB
    _, peak = peak_of(lambda: SnapshotStore(Path(folder)).create("local", "pre-apply", export, META))
    return peak, text_size


def plan_hash_peak() -> tuple[int, int]:
    """The peak allocated while a plan of 100 types (10% changed) is hashed, and its JSON's size."""
    model = synthetic_model(100)
    plan = make_plan(live_state(model), changed_model(model), allow_destroy=True)
    _, peak = peak_of(lambda: fingerprint_plan(plan))
    return peak, len(plan.to_json().encode())


def test_a_snapshot_is_written_and_verified_without_a_second_copy_of_its_export(tmp_path: Path) -> None:
    peak, text_size = in_child("snapshot_peak", str(tmp_path))
    export = big_export(200)
    snapshot = SnapshotStore(tmp_path).latest("local")
    assert snapshot is not None
    # Before: the whole text, the text read back and the export parsed again (several times the text).
    assert peak < text_size / 2, f"peak {peak} bytes for an export of {text_size} bytes"
    # The file is the one older code reads: the same bytes as one json.dumps of the export.
    written = (snapshot.path / "export.json").read_text(encoding="utf-8")
    assert written == json.dumps(export, indent=2, ensure_ascii=False) + "\n"
    assert snapshot.export == export  # read again (verified) when asked for


def test_a_plan_is_hashed_without_its_whole_json() -> None:
    peak, text_size = in_child("plan_hash_peak")
    model = synthetic_model(100)
    plan = make_plan(live_state(model), changed_model(model), allow_destroy=True)
    digest = fingerprint_plan(plan)
    assert peak < text_size / 4, f"peak {peak} bytes for a plan of {text_size} bytes"
    assert digest == fingerprint_plan(plan) and digest.startswith("sha256:")
    other = make_plan(live_state(model), changed_model(changed_model(model)), allow_destroy=True)
    assert fingerprint_plan(other) != digest
