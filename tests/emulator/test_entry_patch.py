"""``PATCH /entries/{id}`` (JSON Patch), as contentful-management.js ``entry.patch`` sends it (emulator/json_patch.py).

Found in a trial with the JS SDK: its real-API test patches ``/fields/title/en-US`` between an update and a
publish; the emulator answered 404 UnknownRoute. The requests below are the SDK's: ``Content-Type:
application/json-patch+json`` and ``X-Contentful-Version``.
"""

from __future__ import annotations

from typing import Any

from emu_support import Http
from test_entry_rules import field, make_type, save

PATCH = {"Content-Type": "application/json-patch+json"}


def patch(http: Http, operations: Any, version: int | None) -> Any:
    return http.request("PATCH", "/entries/e", operations, version=version, headers=PATCH)


def test_a_patch_replaces_adds_and_removes_values_and_bumps_the_version(http: Http) -> None:
    make_type(http, field("title"), field("tags", "Array", items={"type": "Symbol"}))
    save(http, "e", {"title": {"en-US": "this is the title"}, "tags": {"en-US": ["a", "b", "c"]}})
    patched = patch(http, [
        {"op": "replace", "path": "/fields/title/en-US", "value": "title was patched"},
        {"op": "remove", "path": "/fields/tags/en-US/1"},
        {"op": "add", "path": "/fields/tags/en-US/-", "value": "d"},
        {"op": "test", "path": "/fields/tags/en-US/0", "value": "a"},
    ], version=1)  # fmt: skip
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["fields"] == {"title": {"en-US": "title was patched"}, "tags": {"en-US": ["a", "c", "d"]}}
    assert body["sys"]["version"] == 2
    assert http.request("GET", "/entries/e").json()["fields"]["title"] == {"en-US": "title was patched"}
    published = http.request("PUT", "/entries/e/published", version=2)
    assert published.status_code == 200 and published.json()["sys"]["publishedVersion"] == 2


def test_a_patch_needs_the_current_version(http: Http) -> None:
    make_type(http, field("title"))
    save(http, "e", {"title": {"en-US": "t"}})
    replace = [{"op": "replace", "path": "/fields/title/en-US", "value": "u"}]
    missing = patch(http, replace, version=None)  # contentful-management.js#1461
    assert (missing.status_code, missing.json()["sys"]["id"]) == (409, "VersionMismatch")
    assert patch(http, replace, version=7).status_code == 409
    assert http.request("GET", "/entries/e").json()["sys"]["version"] == 1


def test_a_patch_that_does_not_apply_changes_nothing(http: Http) -> None:
    make_type(http, field("title"), field("tags", "Array", items={"type": "Symbol"}))
    save(http, "e", {"tags": {"en-US": ["a"]}})
    for operations in (
        [{"op": "remove", "path": "/fields/tags/en-US/5"}],  # "Value at 5 does not exist" (js#2020)
        [{"op": "replace", "path": "/sys/version", "value": 9}],
        [{"op": "test", "path": "/fields/tags/en-US/0", "value": "z"}],
        [{"op": "frobnicate", "path": "/fields/title"}],
        {"op": "add"},
    ):
        refused = patch(http, operations, version=1)
        assert refused.status_code == 422, (operations, refused.text)
    assert http.request("GET", "/entries/e").json()["sys"]["version"] == 1


def test_a_patched_entry_is_checked_as_a_saved_one(http: Http) -> None:
    make_type(http, field("count", "Integer"))
    save(http, "e", {})
    wrong = patch(http, [{"op": "add", "path": "/fields/count", "value": {"en-US": "many"}}], version=1)
    assert (wrong.status_code, wrong.json()["sys"]["id"]) == (422, "InvalidEntry")
    assert http.request("PUT", "/entries/e/archived", version=1).status_code == 200
    archived = patch(http, [{"op": "add", "path": "/fields/count", "value": {"en-US": 1}}], version=2)
    assert (archived.status_code, archived.json()["message"]) == (400, "Cannot edit archived")


def test_a_test_operation_tells_true_from_1_as_json_does(http: Http) -> None:
    """RFC 6902 4.6: numbers are equal by value (1 and 1.0), but true is a literal, never the number 1 (Python's
    ``True == 1`` let such a test pass)."""
    make_type(http, field("done", "Boolean"), field("count", "Integer"))
    save(http, "e", {"done": {"en-US": True}, "count": {"en-US": 1}})
    for path, value in (("/fields/done/en-US", 1), ("/fields/count/en-US", True), ("/fields/count", {"en-US": True})):
        refused = patch(http, [{"op": "test", "path": path, "value": value}], version=1)
        assert refused.status_code == 422, (path, value, refused.text)
    passed = patch(http, [{"op": "test", "path": "/fields/count/en-US", "value": 1.0}], version=1)
    assert passed.status_code == 200, passed.text
