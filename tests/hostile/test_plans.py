"""Hand-edited, damaged and hostile saved plans, end to end: ``show PLAN_FILE`` and ``apply PLAN_FILE
--auto-approve`` each refuse them with one clear error naming the file, and never send a write.

Every file of ``plans/`` except ``valid_base.json`` is a case; ``CASES`` says what it is and which texts
the error must contain. ``valid_base.json`` is the plan ``reconcile plan --out`` wrote for the project's
model (create the content type ``note``) against a new space, in format 1.0 (still read: its steps are
linked to their changes on reading); the cases are edits of it. Its live fingerprint is the placeholder
``@LIVE_FINGERPRINT@`` (see support.py), so the cases that must get past the stale-plan check do.
``GENERATED`` cases are made at test time (20 MB, 100,000 levels deep).

A case refused while reading the file sends no request at all; a stale plan (``reads``) is found by
reading the live environment: GET requests only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconcile.cli import CHANGES, OK

from .support import HERE, Hostile, hostile_emulator

PLANS = HERE / "plans"
BASE = PLANS / "valid_base.json"


@dataclass(frozen=True)
class Case:
    what: str
    expect: tuple[str, ...]
    reads: bool = False  # found only by reading the live environment (stale plan): GET requests


READABLE = "is not a readable plan"
INVALID = "is not a valid plan"
CASES: dict[str, Case] = {
    "not_json.json": Case("the text rendering saved instead of the JSON", (READABLE, "not valid JSON")),
    "empty.json": Case("an empty file", (READABLE, "not valid JSON: Expecting value")),
    "truncated.json": Case("the first half of a plan (disk full, interrupted copy)", (READABLE, "not valid JSON")),
    "bom.json": Case("saved by an editor that adds a UTF-8 BOM", (READABLE, "Unexpected UTF-8 BOM")),
    "not_utf8.json": Case("re-saved as Latin-1", ("cannot read plan file", "can't decode byte 0xe9")),
    "json_array.json": Case("the plan wrapped in a list", (READABLE, "not a JSON object but a list")),
    "format_version_2.json": Case("a newer major format", (READABLE, "unsupported plan format version '2.0'")),
    "format_version_number.json": Case(
        "format_version 1.0 as a number", (READABLE, "format_version must be a string such as '1.0', not a number")
    ),
    "format_version_missing.json": Case("format_version removed", (READABLE, "format_version is missing")),
    "live_fingerprint_missing.json": Case("live_fingerprint removed", (INVALID, "live_fingerprint: Field required")),
    "phases_not_a_list.json": Case('phases = "all"', (INVALID, "phases: Input should be a valid tuple")),
    "extra_key.json": Case("a key added by hand", (INVALID, "approved_by: Extra inputs are not permitted")),
    "blocked_a_string.json": Case("blocked as a string", (INVALID, "blocked: Input should be a valid tuple")),
    "step_action_unknown.json": Case(
        "an action the executor does not know", (INVALID, "phases.0.steps.0.action: Input should be")
    ),
    "live_meta_version_a_string.json": Case(
        'a version "two"', (INVALID, "live_meta.locale:en-US.version: Input should be a valid integer")
    ),
    "integer_5000_digits.json": Case("a 5,000-digit integer", (READABLE, "not valid JSON: Exceeds the limit")),
    "lone_surrogate.json": Case(
        'a name with the escape "\\ud800"',
        (INVALID, "phases.0.steps.0.content_type.name: holds a lone UTF-16 surrogate"),
    ),
    "step_unknown_resource.json": Case(
        "publishes a content type the plan knows nothing about",
        (INVALID, "phases.0.steps.1: publish_content_type 'ghost': the plan does not describe content_type:ghost"),
    ),
    "step_change_link_missing.json": Case(
        "a step links to a change the plan does not have",
        (INVALID, "phases.0.steps.1.changes: links to changes [3], but the plan has 1 change"),
    ),
    "put_without_body.json": Case(
        "content_type body removed",
        (INVALID, "phases.0.steps.0.put_content_type.content_type: Input should be a valid dictionary"),
    ),
    "body_id_mismatch.json": Case(
        "the body puts another content type", (INVALID, "put_content_type 'note': needs the content type with this id")
    ),
    "resource_id_traversal.json": Case(
        "an id that climbs out of the environment's URL",
        (INVALID, "put_content_type '../../../../../spaces/other", "not a valid content type id"),
    ),
    "resource_id_percent_encoded.json": Case(
        "an id with %2f", (INVALID, "publish_content_type '..%2f..%2f..%2fnote': not a valid content type id")
    ),
    "resource_id_nul.json": Case("an id ending in NUL", (INVALID, "'note\\x00': not a valid content type id")),
    "resource_id_homoglyph.json": Case(
        "an id with a Cyrillic o",
        (INVALID, "'n\\u043ete' (contains non-ASCII characters): not a valid content type id"),
    ),
    "sys_id_traversal.json": Case(
        "a locale sys_id that points a DELETE at a content type",
        (INVALID, "live_meta.locale:en-US.sys_id: sys_id '../content_types/note' is not a valid id"),
    ),
    "desired_fingerprint_altered.json": Case(
        "desired fingerprint edited", (INVALID, "desired_fingerprint: differs from the fingerprint")
    ),
    "ansi_escape_in_key.json": Case(
        "a key that would clear the terminal",
        (INVALID, "entry_counts.\\x1b[2J\\x1b]0;pwned\\x07: Input should be a valid integer"),
    ),
    "live_fingerprint_altered.json": Case(
        "live fingerprint edited", ("stale plan", "the live environment changed since the plan was made"), reads=True
    ),
    "live_meta_version_altered.json": Case(
        "a recorded version edited", ("stale plan", "locale:en-US is at version 1, the plan expected 99"), reads=True
    ),
}


def _huge_truncated() -> bytes:
    plan = json.loads(BASE.read_text(encoding="utf-8"))
    plan["notes"] = ["x" * 1000] * 20_000
    text = json.dumps(plan, indent=2).encode()
    return text[: len(text) - 100]


def _huge_with_bad_key() -> bytes:
    plan = json.loads(BASE.read_text(encoding="utf-8"))
    plan["entry_counts"] = {"content_types.note" + "x" * 20_000_000: "many"}
    return json.dumps(plan).encode()


def _deep() -> bytes:
    plan = BASE.read_text(encoding="utf-8").replace('"notes": []', '"notes": ' + "[" * 100_000 + "]" * 100_000)
    return plan.encode()


GENERATED: dict[str, tuple[Callable[[], bytes], tuple[str, ...]]] = {
    "huge_20mb_truncated.json": (_huge_truncated, (READABLE, "not valid JSON")),
    "huge_20mb_key.json": (_huge_with_bad_key, (INVALID, "Input should be a valid integer")),
    "deep_100k_lists.json": (_deep, (READABLE, "not valid JSON: nested too deeply")),
}
COMMANDS = {"show": ["show"], "apply": ["apply", "--auto-approve"]}


def _files() -> list[str]:
    return sorted(p.name for p in PLANS.glob("*.json") if p != BASE)


def test_every_plan_file_is_a_listed_case() -> None:
    assert _files() == sorted(CASES)
    assert len(CASES) + len(GENERATED) >= 10


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_plan_file_is_refused(hostile: Hostile, tmp_path: Path, name: str, command: str) -> None:
    case = CASES[name]
    root = hostile.project(tmp_path)
    hostile.place(PLANS / name, root / name)
    reads = case.reads and command == "apply"  # show never sends a request
    if case.reads and command == "show":
        # A stale plan is well formed: show renders it; only apply, against the live state, refuses it.
        result, requests = hostile.run(root, ["show", name])
        assert result.exit_code == CHANGES and not requests, result.output
        return
    hostile.assert_refused(root, [*COMMANDS[command], name], names=name, expect=case.expect, reads=reads)


@pytest.mark.parametrize("name", sorted(GENERATED))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_generated_plan_file_is_refused(hostile: Hostile, tmp_path: Path, name: str, command: str) -> None:
    make, expect = GENERATED[name]
    root = hostile.project(tmp_path)
    (root / name).write_bytes(hostile.substitute(make()))
    hostile.assert_refused(root, [*COMMANDS[command], name], names=name, expect=expect)


def test_the_valid_base_plan_is_shown_and_applied(tmp_path: Path) -> None:
    """The control: unedited, the base plan passes every check and is applied (writes), so each case is
    refused for its edit alone. Its own emulator, as this one changes."""
    for hostile in hostile_emulator():
        root = hostile.project(tmp_path)
        hostile.place(BASE, root / "plan.json")
        shown, requests = hostile.run(root, ["show", "plan.json"])
        assert shown.exit_code == CHANGES and not requests, shown.output
        applied, requests = hostile.run(root, ["apply", "plan.json", "--auto-approve"])
        assert applied.exit_code == OK, applied.output
        assert ("PUT", "/spaces/local/environments/master/content_types/note") in requests
