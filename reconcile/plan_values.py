"""The phases' expected models of a saved plan (format 1.5): each distinct value stored once, in ``expected_values``.

Every phase's ``expected`` model holds the whole environment, so at 1,000 content types of 50 fields a plan of
four phases written whole was 130 MB, and reading it built every value four times (about 9 s of CPU and 750 MB;
issue 16). Since 1.5 the plan holds, at its top level, ``expected_values``: per kind and resource id, the
distinct values that resource has across the phases' expected models; a phase's ``expected`` maps each
resource id to the position of its value there. Reading builds each stored value once and the phases share
them. ``docs/plan-format.md`` documents the layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import Field

from reconcile.errors import Problem
from reconcile.model import ContentModel, ContentType, EditorInterface, Locale, Tag, Value, printable

#: The parts of a ``ContentModel`` a phase's ``expected`` refers to, in their order in the model.
KINDS = ("content_types", "editor_interfaces", "locales", "tags")


class ExpectedValues(Value):
    """``expected_values``: per kind, resource id -> the distinct values of that resource in the expected models."""

    content_types: dict[str, tuple[ContentType, ...]] = Field(default_factory=dict)
    editor_interfaces: dict[str, tuple[EditorInterface, ...]] = Field(default_factory=dict)
    locales: dict[str, tuple[Locale, ...]] = Field(default_factory=dict)
    tags: dict[str, tuple[Tag, ...]] = Field(default_factory=dict)


def shares_values(version: str) -> bool:
    """Whether a plan of format ``version`` (a ``1.x`` the reader accepts) stores its expected values once."""
    minor = version.partition(".")[2]
    return not (minor.isdigit() and int(minor) < 5)


def phase_models(
    raw_phases: Any, table: ExpectedValues, source: str, hint: str
) -> tuple[list[ContentModel], list[Problem]]:
    """The expected model of each phase of ``raw_phases`` (the plan's JSON), and what is wrong with the references.

    Each phase's ``expected`` is replaced in ``raw_phases`` by an empty object, so that validating the plan builds
    no model; a phase without one, or ``phases`` not a list, is left for that validation to report.
    """
    models: list[ContentModel] = []
    problems: list[Problem] = []
    if not isinstance(raw_phases, list):
        return models, problems
    for index, phase in enumerate(raw_phases):
        if isinstance(phase, dict) and "expected" in phase:
            where = f"phases.{index}.expected"
            models.append(_model(phase["expected"], table, where, lambda path, message: problems.append(
                Problem(source, path, message, hint))))
            phase["expected"] = {}
        else:
            models.append(ContentModel())
    return models, problems


def _model(refs: Any, table: ExpectedValues, where: str, report: Callable[[str, str], None]) -> ContentModel:
    """The model ``refs`` (``{kind: {id: position}}``) refers to; what does not resolve is reported."""
    if not isinstance(refs, dict):
        report(where, "must be an object mapping content_types, editor_interfaces, locales, tags to references")
        return ContentModel()
    parts: dict[str, dict[str, Value]] = {}
    for kind, ids in refs.items():
        if kind not in KINDS:
            report(f"{where}.{short_key(kind)}", "Extra inputs are not permitted")
            continue
        if not isinstance(ids, dict):
            report(f"{where}.{kind}", "must be an object mapping ids to positions in expected_values")
            continue
        stored: dict[str, tuple[Value, ...]] = getattr(table, kind)
        resolved = parts[kind] = {}
        for key, position in ids.items():
            versions = stored.get(key, ())
            if type(position) is int and 0 <= position < len(versions):
                resolved[key] = versions[position]
            else:
                shown = printable(repr(position)[:40])
                report(f"{where}.{kind}.{short_key(key)}",
                       f"refers to expected_values.{kind}.{short_key(key)}[{shown}], which the plan does not hold")
    return ContentModel(**parts)  # the stored values are kept as they are (pydantic does not copy instances)


def short_key(key: str, limit: int = 80) -> str:
    """A key for a message: a hand-made 20 MB key is not echoed back whole, nor a terminal control."""
    return printable(key if len(key) <= limit else f"{key[: limit - 20]}…({len(key)} characters)")
