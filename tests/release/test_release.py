"""`reconcile release` end to end through the CLI against the emulator (docs/releases.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconcile import workflows
from reconcile.emulator import Emulator, Fault
from reconcile.errors import ReconcileError
from tests.emulator.emu_support import Http
from tests.integration.test_clock import FakeClock
from tests.release.conftest import ReleaseProject, make_project


def model_state(proj: ReleaseProject, env: str) -> str:
    env_state = proj.emulator.store.state["spaces"]["local"]["environments"][env]
    return json.dumps({k: env_state[k] for k in ("content_types", "editor_interfaces", "locales", "entries")},
                      sort_keys=True)


def test_full_release_moves_the_alias_and_leaves_the_old_environment_whole(proj: ReleaseProject) -> None:
    before = model_state(proj, "main")
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 0, result.output
    new = proj.alias_target()
    assert new.startswith("release-") and new != "main"
    assert model_state(proj, "main") == before
    assert "main" in proj.environments()
    replan = proj.run("plan")
    assert replan.exit_code == 0, replan.output
    again = proj.run("release", "--auto-approve")
    assert again.exit_code == 0 and "Nothing to release" in again.output
    assert proj.alias_target() == new


def test_rollback_is_exactly_one_write(proj: ReleaseProject) -> None:
    assert proj.run("release", "--auto-approve").exit_code == 0
    proj.emulator.clear_log()
    result = proj.run("release", "rollback")
    assert result.exit_code == 0, result.output
    assert proj.alias_target() == "main"
    assert proj.writes() == ["PUT /spaces/local/environment_aliases/master"]


# A failure at each step before the switch: the alias and the old environment are left as they were, and
# the release environment is deleted (kept with --keep-failed).
FAILURES = {
    "clone": Fault("500", "PUT", r"/environments/release-", times=5),
    "poll": Fault("500", "GET", r"/environments/release-[0-9-]+$", times=5),
    "apply": Fault("500", "PUT", r"/environments/release-[0-9-]+/content_types/author$", times=5),
    "re-plan": Fault("500", "GET", r"/environments/release-[0-9-]+/content_types$", nth=5, times=50),
    "check old": Fault("500", "GET", r"/environments/main/entries", nth=2, times=20),
}


@pytest.mark.parametrize("step", FAILURES)
def test_failure_before_the_switch_leaves_alias_and_old_environment(proj: ReleaseProject, step: str) -> None:
    before = model_state(proj, "main")
    proj.emulator.faults.add(FAILURES[step])
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "Error:" in result.output and "Traceback" not in result.output
    assert proj.alias_target() == "main"
    assert model_state(proj, "main") == before
    assert not [env for env in proj.environments() if env.startswith("release-")]
    assert "fix:" in result.output


def test_keep_failed_keeps_the_release_environment(proj: ReleaseProject) -> None:
    proj.emulator.faults.add(FAILURES["apply"])
    result = proj.run("release", "--auto-approve", "--keep-failed")
    assert result.exit_code == 1
    assert "failed: create content type author: " in result.output  # the step that failed, and why
    assert proj.alias_target() == "main"
    assert [env for env in proj.environments() if env.startswith("release-")]


def test_edit_to_the_old_environment_after_the_clone_refuses_the_switch(proj: ReleaseProject) -> None:
    store = proj.emulator.store
    original = store.environments.put

    def put_then_edit(space: str, env_id: str, *args: Any) -> Any:
        answer = original(space, env_id, *args)
        if env_id.startswith("release-"):  # someone edits the old environment right after the clone
            scope = store.environments.scope(space, "main")
            store.content_types.put(scope, "sneaky", {"name": "Sneaky", "fields": []}, None)
        return answer

    store.environments.put = put_then_edit  # type: ignore[method-assign]
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 1
    assert "changed since it was cloned (the content model)" in result.output
    assert proj.alias_target() == "main"
    assert [env for env in proj.environments() if env.startswith("release-")]  # kept for inspection


def test_concurrent_alias_move_is_refused(proj: ReleaseProject) -> None:
    proj.emulator.faults.add(Fault("409", "PUT", r"/environment_aliases/master"))
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 1
    assert "was moved by someone else" in result.output
    assert proj.alias_target() == "main"
    assert not [env for env in proj.environments() if env.startswith("release-")]


def test_quota_full_prunes_the_oldest_beyond_keep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Emulator(env_ready_delay=0.01, master_alias="main", max_environments=3) as emu:
        proj = make_project(tmp_path, monkeypatch, emu, keep=1)
        http = Http(emu.base_url)
        for env_id in ("release-20200101-000000", "release-20200102-000000"):
            http.request("PUT", f"/spaces/local/environments/{env_id}", {"name": env_id},
                         headers={"X-Contentful-Source-Environment": "main"})
        result = proj.run("release", "--auto-approve")
        assert result.exit_code == 0, result.output
        assert "release-20200101-000000" not in proj.environments()
        assert proj.alias_target().startswith("release-")
        assert proj.alias_target() not in ("release-20200101-000000", "release-20200102-000000")
        assert "quota full: deleted release-20200101-000000" in result.output


def test_quota_full_without_spare_refuses_naming_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Emulator(env_ready_delay=0.01, master_alias="main", max_environments=2) as emu:
        proj = make_project(tmp_path, monkeypatch, emu, keep=1)
        Http(emu.base_url).request("PUT", "/spaces/local/environments/release-20200101-000000",
                                   {"name": "x"}, headers={"X-Contentful-Source-Environment": "main"})
        result = proj.run("release", "--auto-approve")
        assert result.exit_code == 1
        assert "environment quota is full" in result.output and "release-20200101-000000" in result.output
        assert proj.alias_target() == "main"


def test_revert_after_the_alias_moved_is_refused(proj: ReleaseProject) -> None:
    assert proj.run("apply", "--auto-approve").exit_code == 0  # through the alias, into main
    first = sorted(p.name for p in (proj.root / "snapshots" / "prod").iterdir() if p.is_dir())[0]
    page = proj.root / "models" / "content_types" / "page.toml"
    page.write_text(page.read_text().replace('name = "Page"', 'name = "Web page"', 1))
    assert proj.run("release", "--auto-approve").exit_code == 0
    result = proj.run("revert", first, "--auto-approve")
    assert result.exit_code == 1
    assert "belongs to environment main" in result.output


def test_failed_verification_through_the_alias_switches_back(proj: ReleaseProject) -> None:
    before = model_state(proj, "main")
    proj.emulator.faults.add(Fault("500", "GET", r"/environments/master/content_types$", times=50))
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 1
    assert "it was switched back to main" in result.output
    assert proj.alias_target() == "main" and model_state(proj, "main") == before
    history = json.loads(proj.run("history", "--format", "json").stdout)
    assert history["automatic_rollbacks"] == 1 and history["by_command"] == {"release": {"rolled_back": 1}}


def test_prune_keeps_the_newest_and_never_an_unprefixed_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Emulator(env_ready_delay=0.01, master_alias="main") as emu:
        proj = make_project(tmp_path, monkeypatch, emu, keep=1)
        http = Http(emu.base_url)
        for env_id in ("release-20200101-000000", "release-20200102-000000", "staging"):
            http.request("PUT", f"/spaces/local/environments/{env_id}", {"name": env_id},
                         headers={"X-Contentful-Source-Environment": "main"})
        result = proj.run("release", "--auto-approve")
        assert result.exit_code == 0, result.output
        envs = proj.environments()
        assert "release-20200101-000000" not in envs
        assert {"release-20200102-000000", "staging", "main", proj.alias_target()} <= set(envs)


def test_a_clone_that_never_gets_ready_times_out_on_the_injected_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Emulator(env_ready_delay=3600, master_alias="main") as emu:
        proj = make_project(tmp_path, monkeypatch, emu)
        clock = FakeClock()
        with pytest.raises(ReconcileError, match=r"is not ready after 120s \(status 'queued'\)"):
            workflows.release(workflows.load_project(None, None, proj.root), None, confirm=lambda _: True,
                              clock=clock)
        assert sum(clock.slept) <= 120 and len(clock.slept) > 3
        assert proj.alias_target() == "main"
        assert not [env for env in proj.environments() if env.startswith("release-")]


def test_alias_and_environment_together_are_refused(proj: ReleaseProject) -> None:
    config = proj.root / "reconcile.toml"
    config.write_text(config.read_text() + 'environment = "main"\n')
    result = proj.run("plan")
    assert result.exit_code == 1
    assert "give either environment or alias, not both" in result.output


def test_plan_and_snapshots_record_the_alias_and_its_environment(proj: ReleaseProject) -> None:
    planned = proj.run("plan", "--format", "json")
    data = json.loads(planned.stdout)
    assert (data["alias"], data["environment_id"], data["format_version"]) == ("master", "main", "1.5")
    assert proj.run("apply", "--auto-approve").exit_code == 0
    folder = sorted(p for p in (proj.root / "snapshots" / "prod").iterdir() if p.is_dir())[0]
    metadata = json.loads((folder / "metadata.json").read_text())
    assert (metadata["alias"], metadata["environment"]) == ("master", "main")
    assert proj.run("drift").exit_code == 0
    assert proj.run("pull").exit_code == 0


def test_drift_after_a_rollback_compares_with_the_baseline_of_the_environment_served(proj: ReleaseProject) -> None:
    assert proj.run("apply", "--auto-approve").exit_code == 0  # baseline of main
    page = proj.root / "models" / "content_types" / "page.toml"
    page.write_text(page.read_text().replace('name = "Page"', 'name = "Web page"', 1))
    assert proj.run("release", "--auto-approve").exit_code == 0  # baseline of the release environment
    assert proj.run("drift").exit_code == 0
    assert proj.run("release", "rollback").exit_code == 0
    page.write_text(page.read_text().replace('name = "Web page"', 'name = "Page"', 1))
    drift = proj.run("drift", "--format", "json")
    assert drift.exit_code == 0, drift.output  # main is as the tool left it: no out-of-band change


def test_a_space_without_the_alias_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Emulator(env_ready_delay=0.01) as emu:  # not opted in to aliases
        proj = make_project(tmp_path, monkeypatch, emu)
        for args in (["plan"], ["release", "--auto-approve"], ["release", "rollback"]):
            result = proj.run(*args)
            assert result.exit_code == 1, args
            assert "Error: the space has no environment alias 'master'" in result.output
            assert "fix:" in result.output and "Traceback" not in result.output


def test_a_saved_plan_is_refused_once_the_alias_moved(proj: ReleaseProject) -> None:
    assert proj.run("plan", "--out", "plan.json").exit_code == 2
    assert proj.run("release", "--auto-approve").exit_code == 0
    result = proj.run("apply", "plan.json", "--auto-approve")
    assert result.exit_code == 1
    assert "environment main through alias master" in result.output


def test_a_local_target_takes_no_alias(proj: ReleaseProject) -> None:
    (proj.root / "reconcile.toml").write_text('[targets.local]\nkind = "local"\nalias = "master"\n')
    result = proj.run("plan", "-t", "local")
    assert result.exit_code == 1
    assert "targets.local.alias" in result.output and 'kind = "contentful"' in result.output


def test_a_release_blocked_by_policy_exits_3_and_creates_nothing(proj: ReleaseProject) -> None:
    assert proj.run("apply", "--auto-approve").exit_code == 0
    category = proj.root / "models" / "content_types" / "category.toml"
    text = category.read_text()
    start = text.index('[[fields]]\nid = "color"')
    end = text.find("[[fields]]", start + 1)
    category.write_text(text[:start] + (text[end:] if end != -1 else ""))
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 3, result.output
    assert proj.alias_target() == "main"
    assert not [env for env in proj.environments() if env.startswith("release-")]


def test_a_release_that_died_is_named_by_the_next_one(proj: ReleaseProject) -> None:
    journal = proj.root / "snapshots" / "prod" / "releases.jsonl"
    journal.parent.mkdir(parents=True)
    journal.write_text(
        '{"event": "start", "run_id": "dead", "command": "release", "target": "prod", "time": 1}\n'
        '{"event": "release_step", "run_id": "dead", "step": "clone", "result": "ok", '
        '"environment": "release-20200101-000000", "time": 2}\n')
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 0
    assert "Warning: the last release on target 'prod' (run dead) did not finish; its release environment " \
           "release-20200101-000000 may be left over" in result.output
    history = json.loads(proj.run("history", "--format", "json").stdout)
    assert history["by_command"]["release"] == {"unfinished": 1, "complete": 1}


def test_rollback_goes_to_the_environment_before_the_last_release(proj: ReleaseProject) -> None:
    assert proj.run("release", "--auto-approve").exit_code == 0
    first = proj.alias_target()
    page = proj.root / "models" / "content_types" / "page.toml"
    page.write_text(page.read_text().replace('name = "Page"', 'name = "Web page"', 1))
    assert proj.run("release", "--auto-approve").exit_code == 0
    assert proj.alias_target() != first
    assert proj.run("release", "rollback").exit_code == 0
    assert proj.alias_target() == first
    to_main = proj.run("release", "rollback", "--to", "main")
    assert to_main.exit_code == 0 and proj.alias_target() == "main"
    missing = proj.run("release", "rollback", "--to", "nope")
    assert missing.exit_code == 1 and proj.alias_target() == "main"
    assert "Error: environment nope does not exist in the space; the alias was not moved" in missing.output


def test_prune_leaves_a_colleagues_environment_that_merely_starts_with_the_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Emulator(env_ready_delay=0.01, master_alias="main") as emu:
        proj = make_project(tmp_path, monkeypatch, emu, keep=1)
        assert proj.run("release", "--auto-approve").exit_code == 0
        first = proj.alias_target()
        Http(emu.base_url).request("PUT", "/spaces/local/environments/release-notes", {"name": "notes"},
                                   headers={"X-Contentful-Source-Environment": "main"})  # fmt: skip
        page = proj.root / "models" / "content_types" / "page.toml"
        page.write_text(page.read_text().replace('name = "Page"', 'name = "Web page"', 1))
        result = proj.run("release", "--auto-approve")
        assert result.exit_code == 0, result.output
        assert {"release-notes", first, "main"} <= set(proj.environments())  # keep = 1: the previous release


def test_a_failed_switch_back_after_a_failed_verification_is_journalled_and_explained(proj: ReleaseProject) -> None:
    proj.emulator.faults.add(Fault("500", "GET", r"/environments/master/content_types$", times=50))
    proj.emulator.faults.add(Fault("500", "PUT", r"/environment_aliases/master$", nth=2, times=20))
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 1 and "Traceback" not in result.output
    released = proj.alias_target()
    assert released.startswith("release-")  # the switch back failed: the alias stays on the release
    assert f"the switch back failed; alias 'master' still points at {released}" in result.output
    assert "reconcile release rollback --target prod --to main" in result.output
    records = (proj.root / "snapshots" / "prod" / "releases.jsonl").read_text().splitlines()
    assert json.loads(records[-1]) | {"time": 0, "run_id": ""} == {
        "event": "finish", "outcome": "rollback_incomplete", "time": 0, "run_id": ""}


def test_with_keep_0_the_release_does_not_offer_a_rollback_it_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Emulator(env_ready_delay=0.01, master_alias="main") as emu:
        proj = make_project(tmp_path, monkeypatch, emu, keep=0)
        first = proj.run("release", "--auto-approve")
        assert "Roll back with: reconcile release rollback --target prod" in first.output  # main is never pruned
        previous = proj.alias_target()
        page = proj.root / "models" / "content_types" / "page.toml"
        page.write_text(page.read_text().replace('name = "Page"', 'name = "Web page"', 1))
        second = proj.run("release", "--auto-approve")
        assert second.exit_code == 0 and previous not in proj.environments()
        assert "Roll back with" not in second.output
        assert f"No rollback: {previous} was pruned (keep = 0)." in second.output


def test_an_edit_out_of_the_targets_scope_in_the_old_environment_also_refuses_the_switch(
    proj: ReleaseProject,
) -> None:
    """The switch swaps the whole environment: another team's content type edited in the old environment
    after the clone would be lost, even though this target does not manage it."""
    config = proj.root / "reconcile.toml"
    config.write_text(config.read_text() + '\n[targets.prod.scope]\nignore = ["legacy*"]\n')
    store = proj.emulator.store
    original = store.environments.put

    def put_then_edit(space: str, env_id: str, *args: Any) -> Any:
        answer = original(space, env_id, *args)
        if env_id.startswith("release-"):  # the other team adds a content type to the old environment
            scope = store.environments.scope(space, "main")
            store.content_types.put(scope, "legacyThing", {"name": "Legacy", "fields": []}, None)
        return answer

    store.environments.put = put_then_edit  # type: ignore[method-assign]
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "changed since it was cloned (the content model)" in result.output
    assert proj.alias_target() == "main"


def test_options_before_the_rollback_subcommand_are_refused_not_ignored(proj: ReleaseProject) -> None:
    """`reconcile release --target staging rollback` must not roll back the default target."""
    assert proj.run("release", "--auto-approve").exit_code == 0
    released = proj.alias_target()
    result = proj.run("release", "--target", "nope", "rollback")
    assert result.exit_code == 1, result.output
    assert "Error: --target given before `rollback` applies to `release` only" in result.output
    assert "fix: put it after the subcommand: reconcile release rollback --target ..." in result.output
    assert proj.alias_target() == released


def test_an_alias_moved_by_someone_else_right_after_the_switch_is_left_where_they_put_it(
    proj: ReleaseProject,
) -> None:
    Http(proj.emulator.base_url).request("PUT", "/spaces/local/environments/staging", {"name": "staging"},
                                         headers={"X-Contentful-Source-Environment": "main"})  # fmt: skip
    aliases = proj.emulator.store.aliases
    original = aliases.put

    def switch_then_colleague_moves(space: str, alias_id: str, body: Any, version: str | None) -> Any:
        answer = original(space, alias_id, body, version)
        if body["environment"]["sys"]["id"].startswith("release-"):  # a colleague serves staging right after
            link = {"sys": {"type": "Link", "linkType": "Environment", "id": "staging"}}
            original(space, alias_id, {"environment": link}, str(answer[1]["sys"]["version"]))
        return answer

    aliases.put = switch_then_colleague_moves  # type: ignore[method-assign]
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert proj.alias_target() == "staging"  # not switched back over the colleague's move
    assert "was moved by someone else to staging after the switch; it was left there" in result.output


def test_a_release_that_died_is_still_named_after_a_rollback(proj: ReleaseProject) -> None:
    journal = proj.root / "snapshots" / "prod" / "releases.jsonl"
    journal.parent.mkdir(parents=True)
    journal.write_text(
        '{"event": "start", "run_id": "dead", "command": "release", "target": "prod", "time": 1}\n'
        '{"event": "release_step", "run_id": "dead", "step": "clone", "result": "ok", '
        '"environment": "release-20200101-000000", "time": 2}\n'
        '{"event": "start", "run_id": "back", "command": "release rollback", "target": "prod", "time": 3}\n'
        '{"event": "finish", "run_id": "back", "outcome": "complete", "time": 4}\n')
    result = proj.run("release", "--auto-approve")
    assert "the last release on target 'prod' (run dead) did not finish" in result.output


def test_a_refused_rollback_write_is_journalled_and_explained(proj: ReleaseProject) -> None:
    assert proj.run("release", "--auto-approve").exit_code == 0
    released = proj.alias_target()
    proj.emulator.faults.add(Fault("409", "PUT", r"/environment_aliases/master"))
    result = proj.run("release", "rollback")
    assert result.exit_code == 1 and proj.alias_target() == released
    assert "alias 'master' was moved by someone else since it was read; the rollback to main was refused" \
        in result.output
    history = json.loads(proj.run("history", "--format", "json").stdout)
    assert history["by_command"]["release rollback"] == {"failed": 1}


def test_a_failure_to_list_environments_for_pruning_does_not_unfinish_a_done_release(proj: ReleaseProject) -> None:
    proj.emulator.faults.add(Fault("500", "GET", r"/spaces/local/environments$", nth=2, times=50))
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert proj.alias_target().startswith("release-")
    assert "[prune] FAILED: could not list the environments to prune" in result.output
    history = json.loads(proj.run("history", "--format", "json").stdout)
    assert history["by_command"] == {"release": {"complete": 1}}


def test_an_alias_that_cannot_be_read_back_after_the_switch_is_journalled_and_explained(
    proj: ReleaseProject,
) -> None:
    aliases, faults = proj.emulator.store.aliases, proj.emulator.faults
    original = aliases.put

    def switch_then_unreadable(*args: Any) -> Any:
        answer = original(*args)
        faults.add(Fault("500", "GET", r"/environment_aliases/master$", times=50))  # from the switch on
        return answer

    aliases.put = switch_then_unreadable  # type: ignore[method-assign]
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 1 and "Traceback" not in result.output
    faults.clear()
    released = proj.alias_target()
    assert f"alias 'master' was switched to {released} but could not be read back to verify it" in result.output
    assert "reconcile release rollback --target prod --to main" in result.output
    history = json.loads(proj.run("history", "--format", "json").stdout)
    assert history["by_command"] == {"release": {"failed": 1}}


def _released_then_one_failed_kept_then_released(proj: ReleaseProject, emu: Emulator) -> tuple[str, str]:
    """A release, then one that fails and is kept (--keep-failed), then one that succeeds: the environment
    the first release served, and the failed one (newer, never served)."""
    assert proj.run("release", "--auto-approve").exit_code == 0
    served = proj.alias_target()
    page = proj.root / "models" / "content_types" / "page.toml"
    page.write_text(page.read_text().replace('name = "Page"', 'name = "Web page"', 1))
    emu.faults.add(Fault("500", "PUT", r"/environments/release-[0-9-]+/content_types/page$", times=5))
    assert proj.run("release", "--auto-approve", "--keep-failed").exit_code == 1
    emu.faults.clear()
    failed = [e for e in proj.environments() if e not in ("main", served)]
    assert len(failed) == 1
    assert proj.run("release", "--auto-approve").exit_code == 0
    return served, failed[0]


def test_prune_keeps_the_environment_served_before_over_a_failed_one_kept_for_inspection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Emulator(env_ready_delay=0.01, master_alias="main") as emu:
        proj = make_project(tmp_path, monkeypatch, emu, keep=1)
        served, _ = _released_then_one_failed_kept_then_released(proj, emu)
        assert served in proj.environments()  # the way back, not the failed one that never served
        assert proj.run("release", "rollback").exit_code == 0 and proj.alias_target() == served


def test_a_release_prefix_ending_in_a_separator_is_refused_naming_file_key_and_line(proj: ReleaseProject) -> None:
    config = proj.root / "reconcile.toml"
    config.write_text(config.read_text().replace('release_prefix = "release"', 'release_prefix = "release-"'))
    before = proj.writes()
    result = proj.run("release", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "reconcile.toml" in result.output and "targets.prod.release_prefix" in result.output
    assert "reconcile.toml:8:" in result.output  # the line of the key
    assert "'release-' ends with '-'; reconcile adds '-' between the prefix and the time" in result.output
    assert 'fix: write release_prefix = "release"' in result.output
    assert proj.writes() == before and proj.environments() == ["main"]


def test_rollback_to_the_alias_own_name_is_one_clear_error_naming_the_environments(proj: ReleaseProject) -> None:
    assert proj.run("release", "--auto-approve").exit_code == 0
    released = proj.alias_target()
    proj.emulator.clear_log()
    result = proj.run("release", "rollback", "--to", "master")
    assert result.exit_code == 1, result.output
    assert "Error: 'master' is the alias itself, not an environment: alias 'master' can only point at an " \
           "environment; the alias was not moved" in result.output
    assert "fix: name an environment to roll back to: --to main (the environments: main)" in result.output
    assert "422" not in result.output and "Traceback" not in result.output
    assert proj.writes() == [] and proj.alias_target() == released


def test_rollback_to_an_environment_never_served_does_not_say_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Emulator(env_ready_delay=0.0, master_alias="main") as emu:  # release-notes is ready at once
        proj = make_project(tmp_path, monkeypatch, emu)
        assert proj.run("release", "--auto-approve").exit_code == 0
        Http(emu.base_url).request("PUT", "/spaces/local/environments/release-notes", {"name": "notes"},
                                   headers={"X-Contentful-Source-Environment": "main"})  # fmt: skip
        notes = proj.run("release", "rollback", "--to", "release-notes")
        assert notes.exit_code == 0, notes.output
        assert "alias 'master' points at release-notes" in notes.output
        assert "release-notes again" not in notes.output
        main = proj.run("release", "rollback", "--to", "main")
        assert main.exit_code == 0 and "alias 'master' points at main again" in main.output


def test_rollback_without_a_journal_record_of_the_way_back_never_picks_a_failed_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Emulator(env_ready_delay=0.01, master_alias="main") as emu:
        proj = make_project(tmp_path, monkeypatch, emu, keep=2)
        first, failed = _released_then_one_failed_kept_then_released(proj, emu)
        Http(emu.base_url).request("DELETE", f"/spaces/local/environments/{first}")  # the way back, deleted by hand
        result = proj.run("release", "rollback")
        assert result.exit_code == 0, result.output
        assert proj.alias_target() == "main" != failed
        assert "Rolling back to main: alias 'master' pointed at it most recently before" in result.output
