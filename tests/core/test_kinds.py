"""The one table of change kinds, and the closed union of steps."""

from __future__ import annotations

import types
from typing import Union, get_args, get_origin

import pytest

from reconcile.changes import Change
from reconcile.kinds import KINDS, PHASES
from reconcile.steps import Step

CHANGE_KINDS = get_args(get_args(Change)[0])
STEP_CLASSES = get_args(get_args(Step)[0])


def test_every_change_kind_of_the_union_has_a_row() -> None:
    assert CHANGE_KINDS, "the Change union has no members"
    missing = [kind.__name__ for kind in CHANGE_KINDS if kind not in KINDS]
    assert not missing, f"add these change kinds to reconcile.kinds.KINDS: {missing}"
    assert set(KINDS) == set(CHANGE_KINDS)


def test_every_row_names_a_phase() -> None:
    assert {kind.phase for kind in KINDS.values()} <= set(PHASES)


@pytest.mark.parametrize("step", STEP_CLASSES, ids=lambda cls: cls.__name__)
def test_a_step_has_each_body_or_none_never_an_optional_one(step: type) -> None:
    for name in ("content_type", "editor_interface", "locale"):
        annotation = step.model_fields[name].annotation
        assert get_origin(annotation) not in (Union, types.UnionType), f"{step.__name__}.{name}: {annotation}"


def test_step_actions_are_distinct() -> None:
    actions = [cls.model_fields["action"].default for cls in STEP_CLASSES]
    assert len(set(actions)) == len(actions) == 16
