"""Memory of the verification reads (issue 16): a read parsed into a run's canonical values as it is read shares
the values the run holds already (a phase's expected model), instead of building a second whole model first.
The peak is measured with tracemalloc in a fresh interpreter, as in tests/store/test_memory.py."""

from __future__ import annotations

import tracemalloc

from bench.live import raw_environment
from bench.synthetic import changed_model, synthetic_model
from reconcile.backend import parse_environment
from reconcile.interning import Interner
from reconcile.normalize import fingerprint
from reconcile.planner import make_plan
from tests.store.test_memory import in_child


def verification_memory() -> tuple[int, int]:
    """What a verification read of 100 types (equal to the plan's last expected model) keeps allocated: parsed
    into the run's canonical values as read, and parsed whole first (as before issue 16), in bytes."""
    model = synthetic_model(100)
    plan = make_plan(parse_environment(raw_environment(model)), changed_model(model), allow_destroy=True)
    expected = plan.phases[-1].expected
    raw = raw_environment(changed_model(model))
    kept = []
    for canonical in (True, False):
        run = Interner()
        run.fingerprint(expected)  # the executor fingerprints the expected model first
        tracemalloc.start()
        try:
            live = parse_environment(raw, run) if canonical else parse_environment(raw)
            assert run.fingerprint(live.model) == run.fingerprint(expected)
            run.forget(live.model)
            kept.append(tracemalloc.get_traced_memory()[0])
        finally:
            tracemalloc.stop()
        del live, run
    return kept[0], kept[1]


def test_a_verification_read_normalised_as_read_keeps_no_second_model() -> None:
    canonical, whole = in_child("verification_memory", module="tests.store.test_verify_memory")
    # Before: the read's own values (a whole model) stayed besides the run's; now the read is the run's values (what
    # stays is the run's keys of the values it read: the same either way).
    assert canonical < whole / 2, f"kept {canonical} bytes normalised as read, {whole} bytes parsed whole"


def test_a_read_normalised_as_read_is_the_same_model() -> None:
    model = synthetic_model(30)
    changed = changed_model(model)
    raw = raw_environment(changed)
    plain = parse_environment(raw)
    run = Interner()
    expected = run.normalize(changed)
    live = parse_environment(raw, run)
    assert live.meta == plain.meta
    assert run.fingerprint(live.model) == fingerprint(plain.model) == fingerprint(changed)
    assert run.normalize(live.model) == run.normalize(plain.model)
    # The values equal to the ones the run made are those very objects: nothing is held twice.
    assert all(live.model.content_types[ct_id] is ct for ct_id, ct in expected.content_types.items())
    assert all(live.model.editor_interfaces[ct_id] is ei for ct_id, ei in expected.editor_interfaces.items()
               if ct_id in live.model.editor_interfaces)
