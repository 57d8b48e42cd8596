"""Unit tests of the fixes the hostile corpus led to (the corpus tests them end to end)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from reconcile.declared import write_models
from reconcile.errors import ReconcileError
from reconcile.model import ContentModel, ContentType, is_valid_id, lone_surrogate_path, printable, shown
from reconcile.plan import Plan
from reconcile.planner import make_plan
from tests.core.builders import live_state
from tests.core.strategies import model_pairs


@pytest.mark.parametrize("value", ["note", "blog-post_2", "a.b", "a" * 64, "...a"])
def test_valid_ids(value: str) -> None:
    assert is_valid_id(value)


@pytest.mark.parametrize(
    "value", [".", "..", "...", "", "a" * 65, "../x", "a/b", "..%2fx", "x\x00", "n\u043ete", "a b", 5, None]
)
def test_ids_that_are_not_one_safe_url_segment(value: object) -> None:
    assert not is_valid_id(value)


def test_shown_makes_look_alikes_visible() -> None:
    assert shown("title") == "'title'"
    assert shown("t\u0456tle") == "'t\\u0456tle' (contains non-ASCII characters)"
    assert shown("blog\u200fPost") == "'blog\\u200fPost' (contains non-ASCII characters)"


@pytest.mark.parametrize("ct_id", [".", ".."])
def test_pull_never_writes_a_dot_file_name(tmp_path: Path, ct_id: str) -> None:
    model = ContentModel(content_types={ct_id: ContentType(id=ct_id, name="dots")})
    with pytest.raises(ReconcileError, match="cannot be written as a file name"):
        write_models(model, tmp_path / "models")
    assert not (tmp_path / "models" / "content_types").exists() or not any(
        (tmp_path / "models" / "content_types").iterdir()
    )


@pytest.mark.slow
@given(model_pairs())
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_plan_the_planner_makes_passes_the_saved_plan_checks(pair: tuple[ContentModel, ContentModel]) -> None:
    """The checks of a saved plan's steps (ids, bodies, described resources, desired fingerprint) refuse
    only hand-edited plans, never one the planner made."""
    current, desired = pair
    plan = make_plan(live_state(current), desired, allow_destroy=True)
    assert Plan.from_json(plan.to_json(), "plan.json") == plan


def test_a_lone_surrogate_is_found_with_its_key_path() -> None:
    text = '{"a": [{"b": "ok \\ud83d\\ude00"}, {"c": "x \\udfff"}]}'
    assert lone_surrogate_path(json.loads(text), text) == "a.1.c"
    paired = '{"a": "\\ud83d\\ude00"}'
    assert lone_surrogate_path(json.loads(paired), paired) is None
    assert lone_surrogate_path(json.loads(paired), paired.encode()) is None


def test_printable_escapes_terminal_controls_only() -> None:
    assert printable("note") == "note"
    assert printable("caf\u00e9 \u043e") == "caf\u00e9 \u043e"
    assert printable("\x1b[2J\x07\x00\ud800") == "\\x1b[2J\\x07\\x00\\ud800"
