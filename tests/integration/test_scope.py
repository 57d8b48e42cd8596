"""Ownership scope (issue 13, item 1): `[scope]` in reconcile.toml and `--content-type`, through the CLI.

The space holds `appSettings`, a content type an app keeps, with entries, created by a colleague through
the official SDK over HTTP. The project's `[scope]` ignores it: pull does not write it, plan after pull
is empty, apply and revert send no request that writes it, drift ignores web-app edits to it, and a
declared file for it is an offline error naming the pattern.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import contentful_management
import pytest
from syrupy.assertion import SnapshotAssertion
from typer.testing import CliRunner, Result

from reconcile.cli import BLOCKED, CHANGES, ERROR, OK, app
from reconcile.emulator import Emulator
from tests.support import target_section

from .conftest import REPO, TOKEN

APP = "appSettings"
SCOPE = f'[scope]\nignore = ["{APP}", "legacy*"]\n'


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def configure(root: Path, emu: Emulator, scope: str = SCOPE, target_extra: str = "") -> None:
    project = '[project]\ndefault_target = "test"\n'
    (root / "reconcile.toml").write_text(
        "\n".join([project, scope, target_section(emu.base_url) + target_extra]), encoding="utf-8"
    )


def sdk(emu: Emulator) -> Any:
    return contentful_management.Client(TOKEN, api_url=f"127.0.0.1:{emu.port}", https=False, max_rate_limit_retries=0)


def colleague_creates_app_settings(emu: Emulator) -> None:
    """What an app does in the space: its own content type, published, with two published entries."""
    client = sdk(emu)
    ct = client.content_types("local", "master").create(APP, {
        "name": "App settings", "displayField": "key",
        "fields": [{"id": "key", "name": "Key", "type": "Symbol", "required": True},
                   {"id": "value", "name": "Value", "type": "Text"}],
    })
    ct.publish()
    for n in (1, 2):
        entry = client.entries("local", "master").create(f"setting-{n}", {
            "content_type_id": APP, "fields": {"key": {"en-US": f"k{n}"}, "value": {"en-US": f"v{n}"}},
        })
        entry.publish()


def colleague_edits_app_settings(emu: Emulator) -> None:
    """A web-app edit of the app's content type: a field added, published."""
    ct = sdk(emu).content_types("local", "master").find(APP)
    ct.fields.append(contentful_management.content_type_field.ContentTypeField(
        {"id": "note", "name": "Note", "type": "Symbol"}))
    ct.save()
    ct.publish()


def writes_to_app(emu: Emulator, since: int) -> list[str]:
    """Every write request, after the ``since``-th logged request, to the app's content type or entries."""
    app_paths = re.compile(rf"/content_types/{APP}\b|/entries/setting-")
    return [f"{r.method} {r.path}" for r in emu.request_log[since:]
            if r.method in ("PUT", "POST", "DELETE") and app_paths.search(r.path)]


def app_versions(emu: Emulator) -> dict[str, int]:
    client = sdk(emu)
    versions = {APP: client.content_types("local", "master").find(APP).sys["version"]}
    for n in (1, 2):
        versions[f"setting-{n}"] = client.entries("local", "master").find(f"setting-{n}").sys["version"]
    return versions


@pytest.fixture
def space(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """A project on an emulator whose space holds the app's content type with entries; [scope] ignores it."""
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    with Emulator(token=TOKEN) as emu:
        configure(tmp_path, emu)
        colleague_creates_app_settings(emu)
        yield emu


def use_repo_models(root: Path) -> None:
    shutil.copytree(REPO / "models", root / "models", dirs_exist_ok=True)


def test_pull_leaves_out_of_scope_types_out_and_plan_after_pull_is_empty(space: Emulator, tmp_path: Path) -> None:
    use_repo_models(tmp_path)
    assert run("apply", "--auto-approve").exit_code == OK
    shutil.rmtree(tmp_path / "models")
    pulled = run("pull")
    assert pulled.exit_code == OK, pulled.output
    assert not (tmp_path / "models" / "content_types" / f"{APP}.toml").exists()
    assert (tmp_path / "models" / "content_types" / "blogPost.toml").exists()
    planned = run("plan")
    assert planned.exit_code == OK, planned.output
    assert APP not in planned.output


def test_apply_and_revert_never_write_the_out_of_scope_type(space: Emulator, tmp_path: Path) -> None:
    use_repo_models(tmp_path)
    before, sent = app_versions(space), len(space.request_log)
    applied = run("apply", "--auto-approve")  # without the scope: blocked, as it would delete appSettings
    assert applied.exit_code == OK, applied.output
    assert APP not in applied.output
    snapshots = list((tmp_path / "snapshots").rglob("*.json"))
    assert snapshots and not any(APP in path.read_text(encoding="utf-8") for path in snapshots)
    reverted = run("revert", "latest", "--auto-approve")
    assert reverted.exit_code == OK, reverted.output
    assert writes_to_app(space, sent) == []
    assert app_versions(space) == before


def test_revert_to_a_snapshot_taken_before_the_scope_leaves_the_type_as_it_is_now(
    space: Emulator, tmp_path: Path
) -> None:
    """A snapshot written before `[scope]` existed holds appSettings; reverting to it must not undo the
    colleague's later edit of it (nor delete or re-create it)."""
    configure(tmp_path, space, scope="")
    use_repo_models(tmp_path)
    assert run("pull", "--content-type", APP).exit_code == OK  # pre-scope: the team declared it
    applied = run("apply", "--auto-approve")
    assert applied.exit_code == OK, applied.output
    pre_apply = re.search(r"Pre-apply snapshot (\S+);", applied.stderr)
    assert pre_apply is not None, applied.stderr
    colleague_edits_app_settings(space)
    configure(tmp_path, space)
    (tmp_path / "models" / "content_types" / f"{APP}.toml").unlink()
    from_snapshot = run("plan", "--from-export", pre_apply.group(1), "--format", "json")
    assert from_snapshot.exit_code == CHANGES and APP not in from_snapshot.stdout, from_snapshot.output
    before, sent = app_versions(space), len(space.request_log)
    reverted = run("revert", "latest", "--auto-approve")
    assert reverted.exit_code == OK, reverted.output
    assert writes_to_app(space, sent) == []
    assert app_versions(space) == before
    assert "note" in [f.id for f in sdk(space).content_types("local", "master").find(APP).fields]


def test_drift_ignores_web_app_edits_to_the_out_of_scope_type(space: Emulator, tmp_path: Path) -> None:
    use_repo_models(tmp_path)
    assert run("apply", "--auto-approve").exit_code == OK
    colleague_edits_app_settings(space)
    result = run("drift", "--format", "json")
    assert result.exit_code == OK, result.output
    report = json.loads(result.stdout)
    assert not report["has_drift"] and APP not in result.stdout


def test_without_the_scope_the_same_space_is_blocked(space: Emulator, tmp_path: Path) -> None:
    """The user's report: any content type missing from models/ was planned for deletion (exit 3)."""
    configure(tmp_path, space, scope="")
    use_repo_models(tmp_path)
    result = run("plan")
    assert result.exit_code == BLOCKED and f"content_types.{APP}" in result.stdout


def test_locales_false_plans_no_locale_change_and_pull_keeps_locales_toml(space: Emulator, tmp_path: Path) -> None:
    configure(tmp_path, space, scope="[scope]\nlocales = false\n" + f'ignore = ["{APP}"]\n')
    use_repo_models(tmp_path)  # declares de-DE and de-CH, which the space lacks
    planned = run("plan", "--format", "json")
    assert planned.exit_code == CHANGES, planned.output
    plan = json.loads(planned.stdout)
    assert plan["changes"] and not [c for c in plan["changes"] if c["address"].startswith("locales.")]
    applied = run("apply", "--auto-approve")
    assert applied.exit_code == OK, applied.output
    sdk(space).locales("local", "master").create({"name": "French", "code": "fr-FR"})  # the web app's locale
    drift = run("drift")
    assert drift.exit_code == OK and "fr-FR" not in drift.output, drift.output
    sent = len(space.request_log)
    reverted = run("revert", "latest", "--auto-approve")
    assert reverted.exit_code == OK, reverted.output
    assert not [r for r in space.request_log[sent:] if r.method != "GET" and "/locales" in r.path]
    locales_toml = (tmp_path / "models" / "locales.toml").read_bytes()
    assert run("pull").exit_code == OK
    assert (tmp_path / "models" / "locales.toml").read_bytes() == locales_toml
    # adopting with locales = false: pull writes locales.toml only when it is missing (validation reads it)
    shutil.rmtree(tmp_path / "models")
    assert run("pull").exit_code == OK
    assert "de-DE" not in (tmp_path / "models" / "locales.toml").read_text(encoding="utf-8")
    assert run("plan").exit_code == OK


def test_a_declared_file_out_of_scope_is_an_offline_error_naming_the_pattern(space: Emulator, tmp_path: Path) -> None:
    use_repo_models(tmp_path)
    legacy = tmp_path / "models" / "content_types" / "legacyPage.toml"
    legacy.write_text('format = 1\nid = "legacyPage"\nname = "Legacy page"\n', encoding="utf-8")
    sent = len(space.request_log)
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"], ["drift"]):
        result = run(*command)
        assert result.exit_code == ERROR, (command, result.output)
        assert f"{legacy}:2: id: content type 'legacyPage' is out of scope: it matches the ignore pattern " \
               f"'legacy*' ([scope] in {tmp_path / 'reconcile.toml'})" in result.stderr, result.stderr
        assert "fix: delete the file if another owner manages 'legacyPage', or bring it into scope" in result.stderr
        assert "Traceback" not in result.output
    assert len(space.request_log) == sent


def test_a_link_to_an_out_of_scope_type_is_not_a_warning(space: Emulator, tmp_path: Path) -> None:
    """Out of scope, a link target needs no file; in scope, a link to a type no file declares is a warning."""
    use_repo_models(tmp_path)
    author = tmp_path / "models" / "content_types" / "author.toml"
    author.write_text(author.read_text(encoding="utf-8") + (
        '\n[[fields]]\nid = "settings"\nname = "Settings"\ntype = "Link"\nlink_type = "Entry"\n'
        f'validations = [{{ linkContentType = ["{APP}"] }}]\n'), encoding="utf-8")
    result = run("validate")
    assert result.exit_code == OK and "Warning" not in result.stderr, result.stderr
    configure(tmp_path, space, scope="")
    result = run("validate")
    assert result.exit_code == OK and f"Warning: {author}:" in result.stderr
    assert f"linkContentType names '{APP}'" in result.stderr


def test_content_type_narrows_plan_and_apply(space: Emulator, tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    use_repo_models(tmp_path)
    text = run("plan", "--content-type", "author", "--content-type", "category")
    assert text.exit_code == CHANGES, text.output
    header = [line for line in text.stdout.splitlines()[:3] if "sha256" not in line]
    markdown = run("plan", "--content-type", "author", "--content-type", "category", "--format", "markdown")
    assert (header, markdown.stdout.splitlines()[:6]) == snapshot
    saved = run("plan", "--content-type", "category", "--content-type", "author", "--out", "narrow.json")
    plan = json.loads((tmp_path / "narrow.json").read_text(encoding="utf-8"))
    assert saved.exit_code == CHANGES and plan["format_version"] == "1.5" and plan["narrowed"] == ["author", "category"]
    assert {c["address"].split(".")[1] for c in plan["changes"]} == {"author", "category"}
    assert run("apply", "narrow.json", "--content-type", "page").exit_code == ERROR
    sent = len(space.request_log)
    applied = run("apply", "narrow.json", "--auto-approve")
    assert applied.exit_code == OK, applied.output
    written = [r.path for r in space.request_log[sent:] if r.method in ("PUT", "POST", "DELETE")]
    assert written and all(re.search(r"/content_types/(author|category)(/|$)", path) for path in written), written
    again = run("apply", "--content-type", "page", "--auto-approve")
    assert again.exit_code == OK, again.output
    rest = run("plan", "--format", "json")
    # narrowed runs leave everything else alone, the locales included
    assert {c["address"].split(".")[1] for c in json.loads(rest.stdout)["changes"]} == {
        "blogPost", "project", "testimonial", "de-DE", "de-CH"}


def test_content_type_narrowing_leaves_the_tags_alone(space: Emulator, tmp_path: Path) -> None:
    # Found in the trial: `plan --content-type recipe` in a project with tags.toml also created (and would have
    # deleted) tags, though a narrowed run changes nothing but those content types.
    use_repo_models(tmp_path)
    (tmp_path / "models" / "tags.toml").write_text(
        'format = 1\ntags = [{ id = "featured", name = "Featured", visibility = "public" }]\n', encoding="utf-8")
    sdk(space).tags("local", "master").create("stale", {"name": "Stale", "sys": {"visibility": "private"}})
    narrowed = run("plan", "--content-type", "author", "--format", "json")
    assert narrowed.exit_code == CHANGES, narrowed.output
    assert {c["address"] for c in json.loads(narrowed.stdout)["changes"]} == {
        "content_types.author", "editor_interfaces.author"}
    sent = len(space.request_log)
    assert run("apply", "--content-type", "author", "--auto-approve").exit_code == OK
    assert [r.path for r in space.request_log[sent:] if "/tags" in r.path and r.method != "GET"] == []
    rest = {c["address"] for c in json.loads(run("plan", "--format", "json").stdout)["changes"]}
    assert {"tags.featured", "tags.stale"} <= rest  # planned by a run that is not narrowed


def test_content_type_errors(space: Emulator, tmp_path: Path) -> None:
    use_repo_models(tmp_path)
    sent = len(space.request_log)
    unknown = run("plan", "--content-type", "nope")
    assert unknown.exit_code == ERROR
    assert "Error: --content-type 'nope' is neither declared in the models nor live in the target" in unknown.stderr
    assert "fix: check the id" in unknown.stderr
    outside = run("plan", "--content-type", APP)
    assert outside.exit_code == ERROR
    assert f"Error: --content-type '{APP}' is out of scope: it matches the ignore pattern '{APP}'" in outside.stderr
    assert run("pull", "--content-type", APP).exit_code == ERROR
    saved = run("apply", "x.json", "--content-type", "author")
    assert saved.exit_code == ERROR and "--content-type cannot narrow a saved plan" in saved.stderr
    assert writes_to_app(space, sent) == []


def test_scope_config_errors_name_the_file_key_and_line(space: Emulator, tmp_path: Path) -> None:
    configure(tmp_path, space, scope='[scope]\ncontent_types = ["*"]\nignored = ["x"]\n',
              target_extra='[targets.test.scope]\nlocales = "no"\ncontent_types = [""]\n')
    result = run("validate")
    assert result.exit_code == ERROR
    config = tmp_path / "reconcile.toml"
    assert (f"{config}:6:1: scope.ignored: unknown key (fix: did you mean 'ignore'? allowed keys: content_types, "
            "ignore, locales)") in result.stderr
    assert re.search(rf"{re.escape(str(config))}:\d+:\d+: targets\.test\.scope\.locales: ", result.stderr)
    assert re.search(rf"{re.escape(str(config))}:\d+:\d+: targets\.test\.scope\.content_types\.0: ", result.stderr)


def test_rehearse_in_a_clone_leaves_the_out_of_scope_type_alone(space: Emulator, tmp_path: Path) -> None:
    """The sandbox is a clone of the environment, appSettings included: it stays invisible there too."""
    use_repo_models(tmp_path)
    sent = len(space.request_log)
    result = run("rehearse")
    assert result.exit_code == OK, result.output
    assert writes_to_app(space, sent) == []


def test_a_plan_saved_before_the_scope_that_changes_the_type_is_refused(space: Emulator, tmp_path: Path) -> None:
    configure(tmp_path, space, scope="")
    use_repo_models(tmp_path)
    saved = run("plan", "--allow-destroy", "--out", "old.json")  # deletes appSettings and its entries
    assert saved.exit_code == CHANGES and f"content_types.{APP}" in saved.stdout, saved.output
    configure(tmp_path, space)
    sent = len(space.request_log)
    result = run("apply", "old.json", "--allow-destroy", "--auto-approve")
    assert result.exit_code == ERROR, result.output
    assert f"Error: plan old.json changes content_types.{APP}, which is out of the scope of target 'test' (it " \
           f"matches the ignore pattern '{APP}'); nothing was applied" in result.stderr
    assert "fix: make the plan again: `reconcile plan --target test --out FILE`" in result.stderr
    assert [r for r in space.request_log[sent:] if r.method != "GET"] == []


def test_pull_removes_only_stale_files_in_scope(space: Emulator, tmp_path: Path) -> None:
    """A target whose scope is narrower (`[targets.test.scope]`) pulls its types and leaves the other files;
    a file of an in-scope type gone from the space is removed, also with locales = false."""
    use_repo_models(tmp_path)
    assert run("apply", "--auto-approve").exit_code == OK
    configure(tmp_path, space, target_extra='[targets.test.scope]\ncontent_types = ["author", "gone*"]\n'
                                            "locales = false\n")
    models = tmp_path / "models" / "content_types"
    (models / "goneType.toml").write_text('format = 1\nid = "goneType"\nname = "Gone"\n', encoding="utf-8")
    pulled = run("pull")
    assert pulled.exit_code == OK, pulled.output
    assert not (models / "goneType.toml").exists()
    assert pulled.stdout.split() == [str(models / "goneType.toml")]  # a removed file is listed, like a written one
    assert "Wrote 0 files, removed 1 file." in pulled.stderr
    assert {path.name for path in models.glob("*.toml")} == {
        "author.toml", "blogPost.toml", "category.toml", "page.toml", "project.toml", "testimonial.toml"}
