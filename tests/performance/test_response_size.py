"""The API's 7 MB response limit (facts §1.1): exact requests when a page is too big.

The emulator refuses a read over its limit as the API does (emulator/limits.py); tests lower the limit so
that a few kilobytes stand for 7 MB. The tool asks 1,000 items a page; a refused page is asked again at
half the ``limit`` (1000, 500, 250, 125, 62, 31, 15, 7, 3, 1) and the following pages keep the size that
worked (backend/paging.py). The env-wide editor interface list has no paging: when it is refused, each
content type's interface is read on its own (backend/editor_interfaces.py). Normal reads are unchanged:
one request a list (test_request_counts.py)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import requests

from reconcile import workflows
from reconcile.backend import Backend
from reconcile.emulator import MAX_RESPONSE_BYTES, LoggedRequest
from reconcile.errors import ApiError
from reconcile.model import Control, EditorInterface, Field

from .conftest import TOKEN, Workspace, kinds
from .models import content_type, model, numbered

HALVING = [1000, 500, 250, 125, 62, 31, 15]  # every size above 7, refused when 7 items are the most that fit
POST = content_type("post", Field(id="body", name="Body", type="Text"))


def backend(workspace: Workspace) -> Backend:
    return Backend(base_url=workspace.emulator.base_url, token=TOKEN, space_id="local", environment_id="master")


def body_size(workspace: Workspace, path: str, **query: object) -> int:
    """The bytes of a read's body as the limit measures it: written compact, as the API sends it (limits.py)."""
    url = f"{workspace.emulator.base_url}/spaces/local/environments/master/{path}"
    response = requests.get(url, params=query, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    return len(json.dumps(response.json(), separators=(",", ":")).encode())


def asked(log: list[LoggedRequest], collection: str) -> list[tuple[int, int, int]]:
    """(skip, limit, status) of each GET of ``collection``."""
    return [(int(r.query["skip"]), int(r.query["limit"]), r.status) for r in log
            if r.method == "GET" and r.path.endswith(f"/{collection}")]  # fmt: skip


def seed_posts(workspace: Workspace, bodies: list[str]) -> None:
    workspace.apply(model(POST))
    b = backend(workspace)
    for number, body in enumerate(bodies):
        b.put_entry(f"post{number:02d}", "post", {"body": {"en-US": body}}, None)


def test_an_entry_page_too_big_is_read_again_at_half_the_size_and_the_rest_keeps_it(workspace: Workspace) -> None:
    seed_posts(workspace, ["x" * 2_000] * 10)
    order = "sys.createdAt,sys.id"
    limit = body_size(workspace, "entries", content_type="post", skip=0, limit=7, order=order)
    assert body_size(workspace, "entries", content_type="post", skip=0, limit=8, order=order) > limit
    log = workspace.requests(lambda: [p for p in backend(workspace).entry_pages("post")])
    assert asked(log, "entries") == [(0, 1000, 200)]  # within the limit: one request, as always
    workspace.emulator.set_max_response_bytes(limit)
    pages: list[list[str]] = []
    read = backend(workspace)
    log = workspace.requests(lambda: pages.extend([e.id for e in page] for page in read.entry_pages("post")))
    assert asked(log, "entries") == [(0, size, 400) for size in HALVING] + [(0, 7, 200), (7, 7, 200)]
    assert pages == [[f"post{n:02d}" for n in range(7)], [f"post{n:02d}" for n in range(7, 10)]]
    log = workspace.requests(lambda: read.fetch_entries("post"))
    assert asked(log, "entries") == [(0, 7, 200), (7, 7, 200)]  # the same Backend starts at the size that worked
    log = workspace.requests(lambda: backend(workspace).fetch_entries("post"))
    assert len(asked(log, "entries")) == 9  # a new one (the next command) finds it again


def test_an_entry_too_big_alone_is_one_clear_error(workspace: Workspace) -> None:
    seed_posts(workspace, ["small", "y" * 5_000, "small"])
    one = body_size(workspace, "entries", content_type="post", skip=0, limit=1, order="sys.createdAt,sys.id")
    workspace.emulator.set_max_response_bytes(one + 100)
    got: list[str] = []
    workspace.emulator.clear_log()
    with pytest.raises(ApiError) as raised:
        for page in backend(workspace).entry_pages("post"):
            got.extend(e.id for e in page)
    assert got == ["post00"]
    assert asked(workspace.emulator.request_log, "entries") == (
        [(0, size, 400) for size in [*HALVING, 7, 3]] + [(0, 1, 200), (1, 1, 400)])
    error = raised.value
    assert str(error) == (
        f"list entries of content type 'post' (the item at skip=1, alone) failed: HTTP 400 BadRequest: "
        f"Response size too big. Maximum allowed response size: {one + 100}B.\n"
        "  fix: the API sends at most 7 MB (7340032 bytes) in one answer and this one item alone is larger: make it "
        "smaller in the web app (for example move long rich text into linked entries), then run the command again"
    )


def test_a_plan_reads_content_types_and_editor_interfaces_over_the_limit(workspace: Workspace) -> None:
    workspace.apply(numbered(20))
    order = "sys.createdAt,sys.id"
    limit = body_size(workspace, "editor_interfaces") - 1  # the env-wide list is refused, one interface is not
    assert body_size(workspace, "content_types", skip=0, limit=15, order=order) > limit
    assert body_size(workspace, "content_types", skip=0, limit=7, order=order) <= limit
    assert body_size(workspace, "content_types/type0000/editor_interface") <= limit
    workspace.emulator.set_max_response_bytes(limit)
    log = workspace.requests(lambda: workflows.plan(workspace.project(), None))
    assert asked(log, "content_types") == (
        [(0, size, 400) for size in HALVING] + [(0, 7, 200), (7, 7, 200), (14, 7, 200)])
    assert Counter({k: v for k, v in kinds(log).items() if k != "GET content_types"}) == Counter(
        {"GET editor_interfaces": 1, "GET content_type editor_interface": 20, "GET locales": 1, "GET tags": 1})
    assert [r.status for r in log if r.path.endswith("/editor_interfaces")] == [400]
    assert workflows.plan(workspace.project(), None).plan.is_empty  # what was read is the whole space
    workspace.emulator.set_max_response_bytes(MAX_RESPONSE_BYTES)
    log = workspace.requests(lambda: workflows.plan(workspace.project(), None))
    assert kinds(log) == Counter({"GET content_types": 1, "GET editor_interfaces": 1, "GET locales": 1, "GET tags": 1})


def test_an_editor_interface_too_big_alone_is_one_clear_error(workspace: Workspace) -> None:
    """The env-wide list is refused and so is the one interface read on its own: nothing smaller to ask."""
    help_text = {"helpText": "h" * 3_000}
    editor = EditorInterface(content_type_id="post", controls=(
        Control(field_id="body", widget_id="markdown", widget_namespace="builtin", settings=help_text),))
    workspace.apply(model(POST, editors=(editor,)))
    limit = body_size(workspace, "content_types", skip=0, limit=1000, order="sys.createdAt,sys.id") + 100
    assert body_size(workspace, "content_types/post/editor_interface") > limit
    workspace.emulator.set_max_response_bytes(limit)
    with pytest.raises(ApiError) as raised:
        workspace.requests(lambda: workflows.plan(workspace.project(), None))
    assert [(r.path.rsplit("/", 2)[-1], r.status) for r in workspace.emulator.request_log] == [
        ("content_types", 200), ("editor_interfaces", 400), ("editor_interface", 400)]
    assert str(raised.value).splitlines() == [
        f"read editor interface of 'post' failed: HTTP 400 BadRequest: Response size too big. Maximum allowed "
        f"response size: {limit}B.",
        "  fix: the API sends at most 7 MB (7340032 bytes) in one answer and this one item alone is larger: make it "
        "smaller in the web app (for example move long rich text into linked entries), then run the command again",
    ]
