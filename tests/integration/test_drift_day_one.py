"""Drift from day one (issue 13 item 3), through the CLI against the emulator: a space adopted with `pull`
(or met by an `apply` with nothing to do) has a baseline, so a colleague's web-app edit right after is
attributed by name, email and time; without any baseline the live `sys.updatedBy`/`updatedAt` still name
who last changed each differing resource; an unpublished content-type draft is drift."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import contentful_management
import pytest
from typer.testing import CliRunner, Result

from reconcile.backend import Backend
from reconcile.cli import CHANGES, ERROR, OK, app
from reconcile.emulator import Emulator, TokenUser
from reconcile.model import ContentType
from tests.support import free_port, target_section, wait_for_port, write_config

from .conftest import REPO, TOKEN, Workspace, backend, seed_start

COLLEAGUE = TokenUser("colleague-token", "Ada", "Lovelace", "ada@example.com")
# A token that may not read the space's users (the emulator answers it 403 there).
RESTRICTED = TokenUser("restricted-token", "Ci", "Bot", "ci@example.com", read_users=False)
ADA = "Ada Lovelace <ada@example.com>"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """The conftest's emulator, also accepting a colleague's token that acts as Ada."""
    with Emulator(token=TOKEN, users=[COLLEAGUE, RESTRICTED]) as emu:
        yield emu


@pytest.fixture
def cli(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(workspace.root)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def colleague(ws: Workspace) -> Backend:
    """The web app, as Ada uses it: the SDK with her own token."""
    return Backend(base_url=ws.emulator.base_url, token=COLLEAGUE.token, space_id="local", environment_id="master")


def team_space(ws: Workspace) -> None:
    """A space the tool never managed here: content types and entries, no snapshots, no model files."""
    seed_start(ws)
    shutil.rmtree(ws.root / "snapshots")
    shutil.rmtree(ws.models)


def web_app_edit(ws: Workspace, ct_id: str, *, publish: bool = True, **field_updates: Any) -> str:
    """Ada changes the first field of ``ct_id`` (or saves it unchanged) in the web app; returns updatedAt."""
    b = colleague(ws)
    live = b.read_live()
    ct = live.model.content_types[ct_id]
    first = ct.fields[0].model_copy(update=field_updates)
    put = b.put_content_type(ContentType(**{**dict(ct), "fields": (first, *ct.fields[1:])}),
                             live.meta[f"content_type:{ct_id}"].version)
    if publish:
        put = b.publish_content_type(ct_id, put["sys"]["version"])
    return str(put["sys"]["updatedAt"])


def backend_at(base_url: str, ct_id: str) -> str | None:
    """When the live content type ``ct_id`` was last changed."""
    meta = Backend(base_url=base_url, token=TOKEN, space_id="local", environment_id="master").read_live().meta
    return meta[f"content_type:{ct_id}"].updated_at


def users_requests(ws: Workspace) -> int:
    return sum(1 for r in ws.emulator.request_log if r.path == "/spaces/local/users")


def test_pull_records_the_baseline_and_drift_names_the_field_the_user_and_the_time(
    workspace: Workspace, cli: Any
) -> None:
    team_space(workspace)
    assert cli("pull").exit_code == OK
    assert cli("pull").exit_code == OK  # pulled again, unchanged: no second baseline
    assert len(list((workspace.root / "snapshots" / "test").iterdir())) == 1
    assert cli("drift").exit_code == OK  # adopted: nothing differs

    when = web_app_edit(workspace, "author", name="Full name")
    workspace.emulator.clear_log()
    result: Result = cli("drift")
    assert result.exit_code == CHANGES, result.output
    out_of_band = result.stdout.split("Changed in the live space outside the tool since the baseline (1):")[1]
    line = out_of_band.splitlines()[1]
    assert "content_types.author.fields.name" in line and "[name]" in line
    assert f"by {ADA} at {when}" in line
    assert users_requests(workspace) == 1


def test_a_pull_over_a_damaged_baseline_records_a_new_one(workspace: Workspace, cli: Any) -> None:
    """pull compares the live fingerprint with the newest baseline's metadata without loading its export,
    but only while the export's checksum holds: one damaged after it was written is replaced."""
    team_space(workspace)
    assert cli("pull").exit_code == OK
    (first,) = (workspace.root / "snapshots" / "test").iterdir()
    export = first / "export.json"
    export.write_bytes(export.read_bytes().replace(b'"author"', b'"writer"', 1))
    assert cli("pull").exit_code == OK
    assert len(list((workspace.root / "snapshots" / "test").iterdir())) == 2
    assert cli("drift").exit_code == OK  # the new baseline is read, not the damaged one


def test_without_a_baseline_drift_attributes_each_differing_resource_in_one_users_read(
    workspace: Workspace, cli: Any
) -> None:
    team_space(workspace)
    assert cli("pull").exit_code == OK
    shutil.rmtree(workspace.root / "snapshots")  # e.g. snapshots not kept in CI
    author_at = web_app_edit(workspace, "author", name="Full name")
    article_at = web_app_edit(workspace, "article", name="Headline")
    workspace.emulator.clear_log()

    result = cli("drift", "--format", "json")
    assert result.exit_code == CHANGES, result.output
    assert "no baseline snapshot for target 'test'" in result.stderr
    pending = {item["address"]: item for item in json.loads(result.stdout)["pending"]}
    assert set(pending) == {"content_types.author.fields.name", "content_types.article.fields.title"}
    author, article = pending["content_types.author.fields.name"], pending["content_types.article.fields.title"]
    assert (author["updated_by_name"], author["updated_at"]) == (ADA, author_at)
    assert (article["updated_by_name"], article["updated_at"]) == (ADA, article_at)
    assert author["updated_by"] == COLLEAGUE.user_id
    assert users_requests(workspace) == 1  # one read for every resource

    text = cli("drift")
    assert f"live last changed by {ADA} at {author_at}" in text.stdout


def test_adopt_without_a_baseline_says_it_wrote_nothing_and_names_pull(workspace: Workspace, cli: Any) -> None:
    team_space(workspace)
    assert cli("pull").exit_code == OK
    shutil.rmtree(workspace.root / "snapshots")  # e.g. a fresh clone: snapshots are not committed
    before = {p: p.read_bytes() for p in workspace.models.rglob("*.toml")}
    web_app_edit(workspace, "author", name="Full name")

    result = cli("drift", "--adopt")
    assert result.exit_code == CHANGES, result.output
    assert {p: p.read_bytes() for p in workspace.models.rglob("*.toml")} == before
    assert "Warning: --adopt wrote nothing: without a baseline" in result.stderr
    assert "`reconcile pull --target test` writes the live state into the files" in result.stderr


def test_a_user_missing_from_the_space_is_shown_by_id(workspace: Workspace, cli: Any) -> None:
    team_space(workspace)
    assert cli("pull").exit_code == OK
    web_app_edit(workspace, "author", name="Full name")
    with workspace.emulator.store.lock:  # Ada left the team: her id stays on what she changed
        del workspace.emulator.store.state["spaces"]["local"]["users"][COLLEAGUE.user_id]
    result = cli("drift")
    assert result.exit_code == CHANGES, result.output
    assert f"by {COLLEAGUE.user_id} at " in result.stdout and "Ada" not in result.stdout


def test_a_token_that_may_not_read_users_sees_ids_with_a_warning(
    workspace: Workspace, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    team_space(workspace)
    assert cli("pull").exit_code == OK
    when = web_app_edit(workspace, "author", name="Full name")
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", RESTRICTED.token)
    result = cli("drift")
    assert result.exit_code == CHANGES, result.output
    assert f"by {COLLEAGUE.user_id} at {when}" in result.stdout and "Ada" not in result.stdout
    assert "the token of target 'test' may not read the space's users: user ids are shown" in result.stderr
    assert RESTRICTED.token not in result.output


def test_a_draft_only_content_type_edit_is_drift(workspace: Workspace, cli: Any) -> None:
    """Saved in the web app, not published: `plan` would publish it, so `drift` reports it."""
    seed_start(workspace)
    assert cli("drift").exit_code == OK
    when = web_app_edit(workspace, "legacyPage", publish=False)  # saved as it was: only the draft is new
    result = cli("drift")
    assert result.exit_code == CHANGES, result.output
    assert f"content_types.legacyPage  draft saved, not published  by {ADA} at {when}" in result.stdout
    assert "1 unpublished draft" in result.stdout
    assert cli("plan").exit_code == CHANGES  # what plan would do about it: publish the draft

    web_app_edit(workspace, "author", publish=False, name="Full name")  # a draft that changes a field
    document = json.loads(cli("drift", "--format", "json").stdout)
    changed = [i for i in document["out_of_band"] if i["address"] == "content_types.author.fields.name"]
    assert changed and changed[0]["draft"] and changed[0]["updated_by_name"] == ADA
    drafts = {i["address"] for i in document["unpublished_drafts"]}
    assert drafts == {"content_types.legacyPage", "content_types.author"}


def test_an_apply_with_nothing_to_do_records_a_baseline_once(workspace: Workspace, cli: Any) -> None:
    team_space(workspace)
    assert cli("pull").exit_code == OK
    shutil.rmtree(workspace.root / "snapshots")
    first = cli("apply", "--auto-approve")
    assert first.exit_code == OK, first.output
    assert "Nothing to apply. Recorded the live state as the drift baseline: snapshot " in first.stderr
    second = cli("apply", "--auto-approve")
    assert second.exit_code == OK and "Recorded" not in second.stderr  # the newest baseline holds this state
    assert len(list((workspace.root / "snapshots" / "test").iterdir())) == 1

    when = web_app_edit(workspace, "author", name="Full name")
    result = cli("drift")
    assert result.exit_code == CHANGES
    assert f"content_types.author.fields.name  modify field [name]  by {ADA} at {when}" in result.stdout


def test_a_baseline_that_cannot_be_written_is_a_warning_of_an_apply_with_nothing_to_do(
    workspace: Workspace, cli: Any
) -> None:
    team_space(workspace)
    assert cli("pull").exit_code == OK
    shutil.rmtree(workspace.root / "snapshots")
    (workspace.root / "snapshots").write_text("not a folder")
    result = cli("apply", "--auto-approve")
    assert result.exit_code == OK, result.output
    assert "Warning: the live state was not recorded as the drift baseline: could not write a verified" \
        in result.stderr
    assert "Nothing to apply." in result.stderr and "Traceback" not in result.output


def test_pulling_one_content_type_updates_only_it_in_the_baseline(workspace: Workspace, cli: Any) -> None:
    team_space(workspace)
    assert cli("pull", "--content-type", "author").exit_code == OK
    assert not (workspace.root / "snapshots").exists()  # no baseline to update: none recorded
    assert cli("pull").exit_code == OK
    web_app_edit(workspace, "author", name="Full name")
    web_app_edit(workspace, "article", name="Headline")
    assert cli("pull", "--content-type", "author").exit_code == OK
    document = json.loads(cli("drift", "--format", "json").stdout)
    assert [i["address"] for i in document["out_of_band"]] == ["content_types.article.fields.title"]


def test_pull_content_type_is_repeatable_like_plans(workspace: Workspace, cli: Any) -> None:
    team_space(workspace)
    assert cli("pull").exit_code == OK
    web_app_edit(workspace, "author", name="Full name")
    web_app_edit(workspace, "article", name="Headline")
    result = cli("pull", "--content-type", "author", "--content-type", "article")
    assert result.exit_code == OK, result.output
    assert sorted(result.stdout.split()) == sorted(
        str(workspace.models / "content_types" / f"{ct_id}.toml") for ct_id in ("author", "article")
    )  # both pulled: the first was dropped silently
    assert json.loads(cli("drift", "--format", "json").stdout)["out_of_band"] == []  # both in the baseline


def test_pull_into_a_models_path_that_is_a_file_is_one_error(workspace: Workspace, cli: Any) -> None:
    team_space(workspace)
    (workspace.root / "models.txt").write_text("not a folder\n", encoding="utf-8")
    result = cli("pull", "--models", "models.txt")
    assert result.exit_code == ERROR and result.stdout == "" and "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "Error: cannot write the model files under models.txt: Not a directory: models.txt/content_types",
        "  fix: pass --models a folder you may write (or fix its permissions), then run the command again",
    ]


def test_the_backend_reads_every_page_of_users(workspace: Workspace) -> None:
    many = [TokenUser(f"token-{n}", f"User{n}", "Test", f"u{n}@example.com") for n in range(150)]
    with Emulator(token=TOKEN, users=many) as emu:
        b = Backend(base_url=emu.base_url, token=TOKEN, space_id="local", environment_id="master")
        users = b.read_users()
        assert users is not None and len(users) == 151  # the fixed emulator user too
        assert b.request_count == 2  # 100 a page
        assert {u.id: u.email for u in users}[many[7].user_id] == "u7@example.com"
    assert backend(workspace).read_users() is not None


@pytest.mark.slow
def test_a_standalone_emulator_with_users_end_to_end(tmp_path: Path) -> None:
    """As a user runs it: `reconcile emulator serve --user`, the SDK as the colleague's web app (its own
    objects: save without publish), and the CLI in another process."""
    port = free_port()
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": TOKEN, "RECONCILE_TEST_TOKEN": TOKEN}
    serve = [sys.executable, "-m", "reconcile", "emulator", "serve", "--port", str(port), "--data",
             str(tmp_path / "emulator"), "--user", f"{COLLEAGUE.token}=Ada Lovelace,ada@example.com"]
    server = subprocess.Popen(serve, env=env, stderr=subprocess.DEVNULL)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for_port(port)
        project = tmp_path / "project"
        project.mkdir()
        write_config(project, target_section(base_url))
        shutil.copytree(REPO / "models", project / "models")

        def reconcile(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([sys.executable, "-m", "reconcile", *args], cwd=project, env=env,
                                  capture_output=True, text=True, timeout=300)

        assert reconcile("apply", "--auto-approve").returncode == OK
        shutil.rmtree(project / "snapshots")
        shutil.rmtree(project / "models")
        assert reconcile("pull").returncode == OK
        web_app = contentful_management.Client(COLLEAGUE.token, api_url=f"127.0.0.1:{port}", https=False)
        author = web_app.content_types("local", "master").find("author")
        author.name = "Writer"
        author.save()  # saved, not published
        drift = reconcile("drift")
        assert drift.returncode == CHANGES, drift.stderr
        when = backend_at(base_url, "author")
        assert "content_types.author  update content type (in an unpublished draft) [name]  by " \
            f"{ADA} at {when}" in drift.stdout
        assert f"content_types.author  draft saved, not published  by {ADA} at {when}" in drift.stdout
        assert TOKEN not in drift.stdout + drift.stderr
    finally:
        server.kill()
        server.wait(timeout=10)
