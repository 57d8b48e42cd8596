"""Environment aliases and the environment quota (reconcile/emulator/aliases.py; docs/cma-facts-aliases.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emu_support import SPACE, Http

from reconcile.emulator import Emulator

ALIASES = f"/spaces/{SPACE}/environment_aliases"
ENVS = f"/spaces/{SPACE}/environments"


def target(env_id: str) -> dict[str, object]:
    return {"environment": {"sys": {"type": "Link", "linkType": "Environment", "id": env_id}}}


@pytest.fixture
def aliased() -> Iterator[Http]:
    with Emulator(env_ready_delay=0, master_alias="main", max_environments=3) as emulator:
        yield Http(emulator.base_url)


def clone(http: Http, env_id: str) -> int:
    return http.request("PUT", f"{ENVS}/{env_id}", {"name": env_id},
                        headers={"X-Contentful-Source-Environment": "master"}).status_code


def test_opted_in_space_lists_master_alias_and_aliased_environment(aliased: Http) -> None:
    aliases = aliased.request("GET", ALIASES).json()
    assert aliases["total"] == 1
    master = aliases["items"][0]
    assert master["sys"]["id"] == "master" and master["sys"]["type"] == "EnvironmentAlias"
    assert master["environment"]["sys"]["id"] == "main"
    envs = aliased.request("GET", ENVS).json()["items"]
    assert [e["sys"]["id"] for e in envs] == ["main"]  # the alias is not an environment [REC limit_100]
    assert envs[0]["sys"]["aliases"] == [{"sys": {"type": "Link", "linkType": "EnvironmentAlias", "id": "master"}}]


def test_environment_read_through_alias_names_the_alias_and_links_the_target(aliased: Http) -> None:
    env = aliased.request("GET", f"{ENVS}/master").json()
    assert env["sys"]["id"] == "master"
    assert env["sys"]["aliasedEnvironment"]["sys"]["id"] == "main"
    assert aliased.request("GET", f"{ENVS}/main").json()["sys"].get("aliasedEnvironment") is None


def test_requests_through_alias_reach_the_target(aliased: Http) -> None:
    body = {"name": "Post", "fields": []}
    assert aliased.request("PUT", f"{ENVS}/master/content_types/post", body).status_code == 201
    assert aliased.request("GET", f"{ENVS}/main/content_types/post").status_code == 200


def test_switch_needs_the_current_version(aliased: Http) -> None:
    assert clone(aliased, "release-1") == 201
    stale = aliased.request("PUT", f"{ALIASES}/master", target("release-1"), version=7)
    assert stale.status_code == 409 and stale.json()["sys"]["id"] == "VersionMismatch"
    moved = aliased.request("PUT", f"{ALIASES}/master", target("release-1"), version=1)
    assert moved.status_code == 200 and moved.json()["sys"]["version"] == 2
    assert aliased.request("GET", f"{ALIASES}/master").json()["environment"]["sys"]["id"] == "release-1"


def test_alias_must_target_an_existing_ready_environment() -> None:
    with Emulator(env_ready_delay=60, master_alias="main") as emulator:
        http = Http(emulator.base_url)
        assert http.request("PUT", f"{ALIASES}/master", target("nope"), version=1).status_code == 422
        assert clone(http, "slow") == 201
        assert http.request("PUT", f"{ALIASES}/master", target("slow"), version=1).status_code == 422


def test_master_alias_and_aliased_environment_cannot_be_deleted(aliased: Http) -> None:
    assert aliased.request("DELETE", f"{ALIASES}/master").status_code == 400
    assert aliased.request("DELETE", f"{ENVS}/main").status_code == 400
    assert aliased.request("GET", f"{ENVS}/main").status_code == 200


def test_environment_quota_refuses_one_more(aliased: Http) -> None:
    assert clone(aliased, "release-1") == 201
    assert clone(aliased, "release-2") == 201
    refused = aliased.request("PUT", f"{ENVS}/release-3", {"name": "release-3"})
    assert refused.status_code == 403
    assert refused.json()["sys"]["id"] == "AccessDenied" and refused.json()["details"]["reasons"]
    assert aliased.request("DELETE", f"{ENVS}/release-1").status_code == 204
    assert clone(aliased, "release-3") == 201


def test_space_without_aliases_answers_as_before(http: Http) -> None:
    assert http.request("GET", ALIASES).json()["total"] == 0
    assert "aliases" not in http.request("GET", f"{ENVS}/master").json()["sys"]


def test_custom_aliases_are_created_deleted_and_limited_to_two(aliased: Http) -> None:
    assert aliased.request("PUT", f"{ALIASES}/staging", target("main")).status_code == 201
    assert aliased.request("PUT", f"{ALIASES}/preview", target("main")).status_code == 201
    third = aliased.request("PUT", f"{ALIASES}/qa", target("main"))
    assert third.status_code == 403 and third.json()["details"]["reasons"]
    taken = aliased.request("PUT", f"{ALIASES}/main", target("main"))  # an environment's id
    assert taken.status_code == 422
    env = aliased.request("GET", f"{ENVS}/main").json()
    assert {a["sys"]["id"] for a in env["sys"]["aliases"]} == {"master", "staging", "preview"}
    assert aliased.request("DELETE", f"{ALIASES}/staging").status_code == 204
    assert aliased.request("GET", f"{ALIASES}/staging").status_code == 404


def test_a_space_that_did_not_opt_in_cannot_create_aliases(http: Http) -> None:
    refused = http.request("PUT", f"{ALIASES}/staging", target("master"))
    assert refused.status_code == 403
