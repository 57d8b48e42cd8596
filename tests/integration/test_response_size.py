"""The API's 7 MB response limit, end to end through the CLI: a space whose entries (or content types) are too
big to read 1,000 a page. The emulator's limit is lowered (``Emulator.set_max_response_bytes``, what
``reconcile emulator serve --max-response-bytes`` sets) so that a few kilobytes stand for 7 MB; the tool
reads such lists in smaller pages (backend/paging.py) and every command works as with small content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from reconcile.cli import CHANGES, OK, app
from reconcile.emulator import LoggedRequest

from .conftest import TOKEN, Workspace, backend

LOCALES = 'format = 1\nlocales = [{ code = "en-US", name = "English (United States)", default = true }]\n'
POST = """format = 1
id = "post"
name = "Post"
display_field = "title"

[[fields]]
id = "title"
name = "Title"
type = "Symbol"

[[fields]]
id = "body"
name = "Body"
type = "Text"
"""
SUMMARY = """
[[fields]]
id = "summary"
name = "Summary"
type = "Symbol"
fill = "transforms/posts.py:summary"
"""
FILL = "def summary(fields, locale):\n    return fields['body'][locale][:20]\n"
ORDER = "sys.createdAt,sys.id"
HALVING = [1000, 500, 250, 125, 62, 31, 15]


def cli(workspace: Workspace, *args: str) -> tuple[int, str, str]:
    command, *rest = args
    config = ["--config", str(workspace.root / "reconcile.toml")]
    result = CliRunner().invoke(app, [command, *config, *rest], env={"NO_COLOR": "1", "COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def write_models(workspace: Workspace, post: str) -> None:
    (workspace.models / "content_types").mkdir(parents=True, exist_ok=True)
    for old in workspace.models.rglob("*.toml"):
        old.unlink()
    (workspace.models / "locales.toml").write_text(LOCALES)
    (workspace.models / "content_types" / "post.toml").write_text(post)


def body_size(workspace: Workspace, path: str, **query: object) -> int:
    """The size of the answer as the limit measures it: written compact, as the API sends it (limits.py)."""
    url = f"{workspace.emulator.base_url}/spaces/local/environments/master/{path}"
    response = requests.get(url, params=query, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    return len(json.dumps(response.json(), separators=(",", ":")).encode())


def entry_reads(log: list[LoggedRequest]) -> list[tuple[int, int, int]]:
    return [(int(r.query["skip"]), int(r.query["limit"]), r.status) for r in log
            if r.method == "GET" and r.path.endswith("/entries") and "skip" in r.query]  # fmt: skip


def seed_big_posts(workspace: Workspace, count: int, fit: int = 7) -> int:
    """``count`` published posts of 3,000 characters; lower the limit so that ``fit`` fit in one answer, one
    more not."""
    write_models(workspace, POST)
    assert cli(workspace, "apply", "--auto-approve")[0] == OK
    b = backend(workspace)
    for number in range(count):
        fields = {"title": {"en-US": f"Post {number}"}, "body": {"en-US": f"{number:03d} " + "x" * 3_000}}
        b.publish_entry(f"post{number:02d}", b.put_entry(f"post{number:02d}", "post", fields, None).version)
    limit = body_size(workspace, "entries", content_type="post", skip=0, limit=fit, order=ORDER)
    assert body_size(workspace, "entries", content_type="post", skip=0, limit=fit + 1, order=ORDER) > limit
    workspace.emulator.set_max_response_bytes(limit)
    return limit


@pytest.mark.slow
def test_a_fill_over_big_entries_plans_applies_snapshots_and_reverts(workspace: Workspace) -> None:
    seed_big_posts(workspace, 12)
    write_models(workspace, POST + SUMMARY)
    (workspace.root / "transforms").mkdir()
    (workspace.root / "transforms" / "posts.py").write_text(FILL)
    workspace.emulator.clear_log()
    code, out, err = cli(workspace, "plan")
    assert code == CHANGES, out + err
    assert "fill transforms/posts.py:summary: 12 entries changed, 0 unchanged, 0 failures" in out
    # the plan reads the entries once: 1,000 down to 7 refused, then two pages of 7 (the size that worked)
    assert entry_reads(workspace.emulator.request_log) == (
        [(0, size, 400) for size in HALVING] + [(0, 7, 200), (7, 7, 200)])

    workspace.emulator.clear_log()
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == OK, out + err
    assert "Traceback" not in err
    # four reads of the entries (as with small entries: planning, the snapshot, the writes, the verification),
    # the first finding the size that fits, the others starting at it; the filled entries are bigger: 3
    assert entry_reads(workspace.emulator.request_log) == (
        [(0, size, 400) for size in HALVING] + [(0, 7, 200), (7, 7, 200)] + [(0, 7, 200), (7, 7, 200)] * 2
        + [(0, 7, 400), (0, 3, 200), (3, 3, 200), (6, 3, 200), (9, 3, 200)])
    after = {e.id: e for e in backend(workspace).fetch_entries("post")}
    assert {e.fields["summary"]["en-US"] for e in after.values()} == {f"{n:03d} " + "x" * 16 for n in range(12)}
    assert {e.state for e in after.values()} == {"published"}

    written = [p for p in (workspace.root / "snapshots" / "test").rglob("entries.jsonl") if p.stat().st_size]
    assert len(written) == 1  # this apply's pre-apply snapshot (the first apply wrote no entries)
    saved = [json.loads(line) for line in written[0].read_text().splitlines()]
    assert sorted(item["sys"]["id"] for item in saved) == [f"post{n:02d}" for n in range(12)]
    assert all("summary" not in item["fields"] for item in saved)

    code, out, err = cli(workspace, "revert", "latest", "--auto-approve")
    assert code == OK, out + err
    reverted = backend(workspace).fetch_entries("post")
    assert all("summary" not in e.fields for e in reverted) and len(reverted) == 12
    assert {e.fields["body"]["en-US"][:3] for e in reverted} == {f"{n:03d}" for n in range(12)}
    write_models(workspace, POST)
    assert cli(workspace, "plan")[0] == OK


def test_an_entry_too_big_alone_fails_the_plan_with_one_clear_error(workspace: Workspace) -> None:
    limit = seed_big_posts(workspace, 3, fit=2)
    b = backend(workspace)
    post = next(e for e in b.fetch_entries("post") if e.id == "post01")
    b.put_entry("post01", "post", {**post.fields, "body": {"en-US": "y" * (limit + 1)}}, post.version)
    write_models(workspace, POST + SUMMARY)
    (workspace.root / "transforms").mkdir()
    (workspace.root / "transforms" / "posts.py").write_text(FILL)
    code, out, err = cli(workspace, "plan")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"Error: list entries of content type 'post' (the item at skip=1, alone) failed: HTTP 400 BadRequest: "
        f"Response size too big. Maximum allowed response size: {limit}B.",
        "  fix: the API sends at most 7 MB (7340032 bytes) in one answer and this one item alone is larger: make it "
        "smaller in the web app (for example move long rich text into linked entries), then run the command again",
    ]


def test_pull_and_plan_read_content_types_over_the_limit(workspace: Workspace, tmp_path: Path) -> None:
    fields = "".join(f'\n[[fields]]\nid = "f{n:02d}"\nname = "Field {n}"\ntype = "Symbol"\n' for n in range(20))
    write_models(workspace, POST)
    for number in range(12):
        (workspace.models / "content_types" / f"type{number:02d}.toml").write_text(
            f'format = 1\nid = "type{number:02d}"\nname = "Type {number}"\n{fields}')
    assert cli(workspace, "apply", "--auto-approve")[0] == OK
    limit = body_size(workspace, "content_types", skip=0, limit=7, order=ORDER)
    assert body_size(workspace, "content_types", skip=0, limit=8, order=ORDER) > limit
    workspace.emulator.set_max_response_bytes(limit)
    workspace.emulator.clear_log()
    assert cli(workspace, "plan")[0] == OK
    log = workspace.emulator.request_log
    assert [(int(r.query["skip"]), int(r.query["limit"]), r.status) for r in log
            if r.path.endswith("/content_types")] == [(0, s, 400) for s in HALVING] + [(0, 7, 200), (7, 7, 200)]
    for old in workspace.models.rglob("*.toml"):
        old.unlink()
    code, out, err = cli(workspace, "pull")
    assert code == OK, out + err
    assert sorted(p.stem for p in (workspace.models / "content_types").glob("*.toml")) == ["post", *(
        f"type{n:02d}" for n in range(12))]
    assert cli(workspace, "plan")[0] == OK
