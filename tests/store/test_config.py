"""Tests of reconcile.toml loading, target resolution and token lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.config import DEFAULT_TOKEN_ENV, LOCAL_TOKEN, load_config
from reconcile.errors import InputError, ReconcileError

FULL = """\
[project]
models = "content/models"
snapshots = "backups"
default_target = "prod"

[policy]
allow_destroy = ["content_types.legacyType", "content_types.blogPost.fields.oldBody"]

[targets.local]
kind = "local"

[targets.staging]
kind = "contentful"
space_id = "abc123"
environment = "staging"
base_url = "http://127.0.0.1:8765"
token_env = "STAGING_TOKEN"
token_file = "secrets/token"
rate_limit = 7
timeout = 12

[targets.prod]
kind = "contentful"
space_id = "abc123"
[targets.prod.policy]
allow_destroy = []
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reconcile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(None, tmp_path)
    assert config.file is None
    assert config.models_dir == tmp_path.resolve() / "models"
    assert config.snapshots_dir == tmp_path.resolve() / "snapshots"
    assert config.state_dir == tmp_path.resolve() / ".reconcile"
    target = config.target(None)
    assert target.name == "local" and target.is_local
    assert target.local_data_dir == tmp_path.resolve() / ".reconcile" / "local" / "local"
    assert target.token() == LOCAL_TOKEN
    assert target.allowed_destroy == ()


def test_full_file_resolves_paths_policy_and_defaults(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    path = write(project, FULL)
    # Loaded from another working directory: paths are relative to the file, not the caller.
    config = load_config(path, tmp_path)
    base = project.resolve()
    assert config.models_dir == base / "content" / "models"
    assert config.snapshots_dir == base / "backups"
    assert config.state_dir == base / ".reconcile"

    prod = config.target(None)
    assert prod.name == "prod" and prod.kind == "contentful"
    assert prod.environment == "master"
    assert prod.base_url == "https://api.contentful.com"
    assert prod.token_env == DEFAULT_TOKEN_ENV
    assert prod.timeout == 30 and prod.rate_limit is None
    assert prod.allowed_destroy == ()  # the target's own empty list overrides the global one
    assert prod.local_data_dir is None

    staging = config.target("staging")
    assert staging.environment == "staging"
    assert staging.base_url == "http://127.0.0.1:8765"
    assert staging.token_file == base / "secrets" / "token"
    assert staging.rate_limit == 7 and staging.timeout == 12
    assert staging.allowed_destroy == (
        "content_types.legacyType",
        "content_types.blogPost.fields.oldBody",
    )
    local = config.target("local")
    assert local.local_data_dir == base / ".reconcile" / "local" / "local"
    assert local.allowed_destroy == staging.allowed_destroy


def test_implicit_local_and_unknown_target(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[targets.prod]\nkind = "contentful"\nspace_id = "s"\n'), tmp_path)
    assert config.target(None).is_local
    assert config.target("local").is_local
    with pytest.raises(ReconcileError) as info:
        config.target("qa")
    assert "unknown target 'qa'" in str(info.value)
    assert "local, prod" in str(info.value)


def test_explicit_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_config(tmp_path / "nope.toml", tmp_path)
    assert "nope.toml" in str(info.value) and "not found" in str(info.value)


def test_malformed_toml_reports_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[project]\nmodels = "m"\nsnapshots = = "s"\n')
    with pytest.raises(InputError) as info:
        load_config(path, tmp_path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert (problem.line, problem.column) == (3, 13)
    assert "not valid TOML" in problem.message


def test_every_schema_problem_is_reported_with_its_location(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[project]\n"  # 1
        'modles = "m"\n'  # 2 typo
        "[targets.bad]\n"  # 3
        'kind = "contentful"\n'  # 4
        'timeout = "soon"\n'  # 5
        "[targets.odd]\n"  # 6
        'kind = "remote"\n',  # 7
    )
    with pytest.raises(InputError) as info:
        load_config(path, tmp_path)
    found = {p.path: p for p in info.value.problems}
    assert set(found) == {"project.modles", "targets.bad.space_id", "targets.bad.timeout", "targets.odd.kind"}
    assert (found["project.modles"].line, found["project.modles"].column) == (2, 1)
    assert found["project.modles"].message == "unknown key"
    assert found["targets.bad.space_id"].line == 3  # missing: points at its table
    assert "space_id" in found["targets.bad.space_id"].hint
    assert found["targets.bad.timeout"].line == 5
    assert found["targets.odd.kind"].line == 7
    assert "contentful" in found["targets.odd.kind"].hint
    assert all(p.file == str(path) for p in found.values())
    assert f"{path}:2:1" in str(info.value)


def test_keys_are_located_inside_inline_tables_quoted_keys_and_at_the_end(tmp_path: Path) -> None:
    """The same key scan as the model files: inline tables, escaped quoted keys, end-of-document errors."""
    inline = 'x = { kind = "contentful", space_id = "s", timeout = "a" }\n'
    path = write(tmp_path, '[project]\n"mod\\u0065ls" = 1\n[targets]\n' + inline)
    with pytest.raises(InputError) as info:
        load_config(path, tmp_path)
    found = {p.path: (p.line, p.column) for p in info.value.problems}
    assert found == {"project.models": (2, 1), "targets.x.timeout": (4, 44)}
    with pytest.raises(InputError) as info:
        load_config(write(tmp_path, '[project]\nmodels = "m'), tmp_path)
    (problem,) = info.value.problems
    assert "Unterminated string" in problem.message and (problem.line, problem.column) == (2, 12)


def test_a_byte_order_mark_is_accepted_and_bad_bytes_are_named(tmp_path: Path) -> None:
    path = tmp_path / "reconcile.toml"
    path.write_bytes(b'\xef\xbb\xbf[project]\nmodels = "m"\n')
    assert load_config(path, tmp_path).models_dir == tmp_path.resolve() / "m"
    path.write_bytes(b'[project]\nmodels = "\xe4"\n')
    with pytest.raises(InputError) as info:
        load_config(path, tmp_path)
    assert "cannot read the configuration" in str(info.value) and "can't decode byte 0xe4" in str(info.value)


def test_wrong_type_and_insecure_base_url(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[policy]\nallow_destroy = "content_types.x"\n'
        '[targets.prod]\nkind = "contentful"\nspace_id = "s"\nbase_url = "http://api.example.com"\n',
    )
    with pytest.raises(InputError) as info:
        load_config(path, tmp_path)
    found = {p.path: p for p in info.value.problems}
    assert set(found) == {"policy.allow_destroy", "targets.prod.base_url"}
    assert found["targets.prod.base_url"].line == 6
    assert "https" in found["targets.prod.base_url"].message


def test_undeclared_default_target(tmp_path: Path) -> None:
    path = write(tmp_path, '[project]\ndefault_target = "prod"\n')
    with pytest.raises(InputError) as info:
        load_config(path, tmp_path)
    (problem,) = info.value.problems
    assert problem.path == "project.default_target" and problem.line == 2


SECRET = "CFPAT-very-secret-token-value"


def contentful_target(tmp_path: Path, extra: str = ""):  # type: ignore[no-untyped-def]
    text = f'[targets.prod]\nkind = "contentful"\nspace_id = "s"\ntoken_env = "RECONCILE_TEST_TOKEN"\n{extra}'
    return load_config(write(tmp_path, text), tmp_path).target("prod")


def test_token_from_env_wins_over_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tok").write_text("from-file\n")
    target = contentful_target(tmp_path, 'token_file = "tok"\n')
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", SECRET)
    assert target.token() == SECRET
    monkeypatch.delenv("RECONCILE_TEST_TOKEN")
    assert target.token() == "from-file"


def test_token_file_with_home_expansion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("RECONCILE_TEST_TOKEN", raising=False)
    (tmp_path / ".tok").write_text(SECRET)
    assert contentful_target(tmp_path, 'token_file = "~/.tok"\n').token() == SECRET


def test_missing_token_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RECONCILE_TEST_TOKEN", raising=False)
    with pytest.raises(ReconcileError) as info:
        contentful_target(tmp_path).token()
    assert "RECONCILE_TEST_TOKEN" in str(info.value)


def test_unreadable_or_empty_token_file_never_shows_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RECONCILE_TEST_TOKEN", raising=False)
    target = contentful_target(tmp_path, 'token_file = "missing"\n')
    with pytest.raises(ReconcileError) as info:
        target.token()
    assert "RECONCILE_TEST_TOKEN" in str(info.value) and "missing" in str(info.value)
    (tmp_path / "empty").write_text("  \n")
    with pytest.raises(ReconcileError) as info:
        contentful_target(tmp_path, 'token_file = "empty"\n').token()
    assert "empty" in str(info.value)


def test_undecodable_token_file_is_not_quoted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RECONCILE_TEST_TOKEN", raising=False)
    (tmp_path / "tok").write_bytes(SECRET.encode() + b"\xff\xfe")
    with pytest.raises(ReconcileError) as info:
        contentful_target(tmp_path, 'token_file = "tok"\n').token()
    assert "not UTF-8" in str(info.value)
    assert SECRET not in str(info.value) and SECRET not in repr(info.value.args)


def test_a_target_scope_replaces_the_global_keys_it_names(tmp_path: Path) -> None:
    """`[targets.NAME.scope]` replaces each key it gives, whole; the keys it leaves out are the global ones."""
    path = write(tmp_path, """
[scope]
content_types = ["blog*", "author"]
ignore = ["appSettings"]
locales = false

[targets.narrow]
kind = "local"
scope = { content_types = ["page"] }

[targets.plain]
kind = "local"
""")
    config = load_config(path, tmp_path)
    narrow, plain = config.target("narrow").scope, config.target("plain").scope
    assert (narrow.content_types, narrow.ignore, narrow.locales) == (("page",), ("appSettings",), False)
    assert (plain.content_types, plain.ignore, plain.locales) == (("blog*", "author"), ("appSettings",), False)
    assert config.target("local").scope == plain  # the implicit local target gets the global scope
    assert plain.manages("blogPost") and not plain.manages("page") and not narrow.manages("blogPost")
    assert load_config(None, tmp_path / "elsewhere").target(None).scope.manages("anything")


def test_why_a_content_type_is_out_of_scope() -> None:
    from reconcile.scope import Scope

    assert Scope(ignore=("legacy*",)).excluded_by("legacyPage") == "it matches the ignore pattern 'legacy*'"
    assert Scope(content_types=("blog*", "author")).excluded_by("page") == (
        "it matches none of the content_types patterns 'blog*', 'author'")
    assert Scope(content_types=()).excluded_by("page") == "content_types is empty: no content type is in scope"
    assert Scope(content_types=("blog*",), ignore=("blogDraft",)).excluded_by("blogPost") is None
    assert not Scope().excluded_by("Page") and not Scope(content_types=("page",)).manages("Page")  # case-sensitive


@pytest.mark.parametrize("port", ["abc", "99999"])
def test_a_base_url_with_a_port_that_is_no_port_is_a_config_problem(tmp_path: Path, port: str) -> None:
    """Every request, and the name of the apply lock (``lock.lock_name``), reads the port: a port that cannot be
    one is named in the configuration, not met later as a traceback."""
    path = write(tmp_path, f'[targets.prod]\nkind = "contentful"\nspace_id = "s"\nbase_url = "https://h:{port}"\n')
    with pytest.raises(InputError) as info:
        load_config(path, tmp_path)
    (problem,) = info.value.problems
    assert problem.path == "targets.prod.base_url" and "port" in problem.message
