"""The replay harness itself, tested on the recordings (no emulator): loading, dating, selection, seed plans,
id mapping and the comparison — each able to fail when the harness would mis-judge an exchange."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from tests.shared import MISSING_REASON, RECORDINGS

if not RECORDINGS.is_dir():
    pytest.skip(MISSING_REASON, allow_module_level=True)

from .compare import Tolerance, diff, normalise, tolerances_for
from .recordings import (
    CASSETTE_EXCLUSIONS,
    PRE_RULE,
    SEED_HINTS,
    cassette_files,
    load_selected,
    target_of,
)
from .replay import SeedState, _ct_steps, plan_seeds


@pytest.fixture(scope="module")
def selected():
    return {cassette.name: cassette for cassette in load_selected()}


def test_every_listed_recording_loads_with_a_fate_and_reason(selected) -> None:
    assert len(selected) == len(cassette_files()) >= 120
    for cassette in selected.values():
        assert cassette.exchanges, cassette.name
        for exchange in cassette.exchanges:
            assert exchange.fate in ("compare", "replay", "skip")
            assert (exchange.fate == "compare") == (exchange.reason == ""), (cassette.name, exchange.label)


def test_exclusion_tables_name_existing_recordings(selected) -> None:
    for name in CASSETTE_EXCLUSIONS:
        assert name in selected, name
    for name, index in PRE_RULE:
        assert index < len(selected[name].exchanges), (name, index)
        assert selected[name].exchanges[index].fate == "replay"
    for name in SEED_HINTS:
        assert name in selected, name


def test_recording_dates_come_from_date_headers_not_cookie_expiry(selected) -> None:
    # py/content_type/create: Date header 2017-03-10, a cookie in the same file expires 2018-03-10.
    assert selected["py/content_type/create"].recorded_at == datetime(2017, 3, 10, 15, 36, 3, tzinfo=UTC)
    assert selected["migration/a0a71195.2021-04-19"].recorded_at.date().isoformat() == "2021-04-19"
    assert selected["rb/content_type/reload"].legacy and not selected["php/e2e_content_type_all"].legacy
    assert selected["java/curl-captures"].recorded_at is None


def test_selection_of_scope_and_eras(selected) -> None:
    fates = {(name, e.index): e.fate for name, c in selected.items() for e in c.exchanges}
    assert fates[("migration/a0a71195.2021-04-19", 0)] == "skip"  # GET /spaces/{id}
    assert fates[("migration/a0a71195.2021-04-19", 56)] == "compare"  # tags (served since issue 13)
    assert fates[("migration/a0a71195.2021-04-19", 5)] == "compare"  # PUT content type
    assert fates[("rb/content_type/reload", 0)] == "replay"  # 2014 resource body
    assert fates[("rb/content_type/reload", 1)] == "compare"  # 2014 409: error bodies are compared
    assert fates[("py/locale/create", 0)] == "replay"  # a locale created at version 0 (pre-2018-07 rule)
    assert fates[("php/e2e_content_type_get_collection", 1)] == "replay"  # partial page without order
    assert all(e.fate == "skip" for e in selected["java/curl-captures"].exchanges)


def test_targets_of_paths() -> None:
    env = "/spaces/s/environments/e"
    assert target_of(f"{env}/content_types/dog/published").key == ("ContentType", "e", "dog")
    assert target_of(f"{env}/content_types/dog/published").action == "published"
    assert target_of(f"{env}/content_types/dog/editor_interface").key == ("EditorInterface", "e", "dog")
    assert target_of(f"{env}/locales").key == ("Locale", "e", None)
    assert target_of(env).key == ("Environment", "e", "e")
    assert target_of("/spaces/s/environments").key == ("Environment", None, None)
    assert target_of("/spaces/s/locales").kind == "unscoped:locales"
    assert target_of(f"{env}/tags/x").key == ("Tag", "e", "x")
    assert target_of(f"{env}/app_installations").kind == "app_installations"


def test_seed_plan_reproduces_the_recorded_prior_state(selected) -> None:
    # py/content_type/update: PUT with version 8 answered version 9, publishedVersion 6.
    state = plan_seeds(selected["py/content_type/update"]).states[("ContentType", "master", "foo")]
    assert (state.version, state.published_version) == (8, 6)
    # php e2e_editor_interface_get_update: the interface existed at version 2 (GET #0).
    plan = plan_seeds(selected["php/e2e_editor_interface_get_update"])
    assert plan.states[("EditorInterface", "master", "bookmark")].version == 2
    # The M21 flow creates its own environment and content types: only the interface of `richTextTest`
    # (never created in the recording) and the cloned default locale are seeded, each before its first use.
    plan = plan_seeds(selected["migration/a0a71195.2021-04-19"])
    assert {k[0]: v.before for k, v in plan.states.items()} == {"Locale": 4, "EditorInterface": 109}
    assert not plan.problems and not plan.environments
    # Entries that existed before a recording are reported, not invented.
    plan = plan_seeds(selected["py/entry/all_content_type"])
    assert any(key[0] == "Entry" for key in plan.problems)


@pytest.mark.parametrize(
    ("version", "published", "counter", "ever"),
    [(9, 6, 3, True), (8, 6, None, True), (1, None, 0, False), (3, None, 1, True), (178, 177, 6, True)],
)
def test_content_type_seed_steps_land_on_the_recorded_versions(version, published, counter, ever) -> None:
    steps = _ct_steps(SeedState(("ContentType", "master", "x"), {}, version, published, counter, ever))
    current, published_version, publishes = 1, None, 0
    for step in steps:
        if step == "publish":
            published_version, publishes = current, publishes + 1
        elif step == "unpublish":
            assert published_version is not None
            published_version = None
        current += 1
    assert (current, published_version) == (version, published)
    assert publishes == max(counter or 0, 1 if ever else 0)


def test_unreachable_publish_history_is_a_seed_problem() -> None:
    from .replay import SeedError

    with pytest.raises(SeedError):
        _ct_steps(SeedState(("ContentType", "master", "x"), {}, 4, 3, 5, True))


# ------------------------------------------------------------------------------------------------ compare


def _entry(selected) -> dict:
    cassette = selected["rb/entry/update_with_concepts"]
    return cassette.exchanges[1].response_body


def test_a_body_matches_itself_after_normalisation(selected) -> None:
    for cassette in selected.values():
        for exchange in cassette.exchanges:
            body = exchange.response_body
            if isinstance(body, dict):
                assert diff(normalise(body), normalise(copy.deepcopy(body))) == [], exchange.label


def test_compare_detects_missing_extra_type_and_sys_value_differences(selected) -> None:
    recorded = _entry(selected)
    emulated = copy.deepcopy(recorded)
    del emulated["metadata"]["concepts"]
    emulated["sys"]["extra"] = 1
    emulated["sys"]["version"] = 99
    emulated["fields"] = []
    problems = diff(normalise(recorded), normalise(emulated))
    assert any(p.startswith("metadata.concepts: missing key") for p in problems)
    assert any(p.startswith("sys.extra: extra key") for p in problems)
    assert any(p.startswith("sys.version: 13 expected, got 99") for p in problems)
    assert any(p.startswith("fields: type object expected, got array") for p in problems)


def test_compare_normalises_ids_users_timestamps_request_ids() -> None:
    recorded = {
        "sys": {
            "type": "Locale",
            "id": "REC1",
            "createdAt": "2018-02-16T13:31:37Z",
            "createdBy": {"sys": {"type": "Link", "linkType": "User", "id": "u1"}},
        },
        "code": "de",
    }
    emulated = copy.deepcopy(recorded)
    emulated["sys"].update(id="EMU1", createdAt="2026-01-01T00:00:00Z")
    emulated["sys"]["createdBy"]["sys"]["id"] = "someone-else"
    emulated["code"] = "fr"  # content values: only the type is compared
    assert diff(normalise(recorded, {"REC1": "EMU1"}), normalise(emulated)) == []
    assert diff(normalise(recorded), normalise(emulated)) == ["sys.id: 'REC1' expected, got 'EMU1'"]
    emulated["sys"]["createdAt"] = "2026-01-01T00:00:00.123Z"  # milliseconds where the API has none
    assert diff(normalise(recorded, {"REC1": "EMU1"}), normalise(emulated)) == [
        "sys.createdAt: '<timestamp>' expected, got '<timestamp.ms>'"
    ]
    error = {
        "sys": {"type": "Error", "id": "NotFound"},
        "message": "The resource could not be found.",
        "requestId": "a",
    }
    other = {**error, "requestId": "b", "message": "Not found"}
    assert diff(normalise(error), normalise(other)) == [
        "message: 'The resource could not be found.' expected, got 'Not found'"
    ]


def test_collection_envelope_values_are_exact() -> None:
    recorded = {"sys": {"type": "Array"}, "total": 1, "skip": 0, "limit": 25, "items": []}
    emulated = {**recorded, "limit": 100}
    assert diff(recorded, emulated) == ["limit: 25 expected, got 100"]


def test_era_tolerances_apply_only_to_older_recordings() -> None:
    recorded = {"sys": {"type": "ContentType", "id": "x", "version": 1}}
    emulated = {"sys": {**recorded["sys"], "environment": {"sys": {"type": "Link", "linkType": "Environment"}}}}
    old = tolerances_for(datetime(2017, 3, 10, tzinfo=UTC))
    new = tolerances_for(datetime(2021, 4, 19, tzinfo=UTC))
    assert diff(recorded, emulated, old) == []
    assert diff(recorded, emulated, new) != []
    assert diff(emulated, recorded, old) != []  # a tolerance for an extra key never excuses a missing one
    only_entries = (Tolerance(r"sys\.environment", "extra", "test", "Entry"),)
    assert diff(recorded, emulated, only_entries) != []
