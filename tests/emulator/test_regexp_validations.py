"""The emulator refuses a content type whose regexp/prohibitRegexp validation JavaScript cannot compile, as
Contentful does (it evaluates them as ECMAScript regular expressions), with a 422 on the validation."""

from __future__ import annotations

from typing import Any

import pytest
from emu_support import Http


def _put(http: Http, validations: list[dict[str, Any]], items: bool = False) -> Any:
    field: dict[str, Any] = {"id": "slug", "name": "Slug", "type": "Symbol", "validations": validations}
    if items:
        field = {"id": "slug", "name": "Slug", "type": "Array", "items": {"type": "Symbol", "validations": validations}}
    return http.request("PUT", "/content_types/post", {"name": "Post", "fields": [field]})


@pytest.mark.parametrize(
    "rule",
    [
        {"regexp": {"pattern": "^(?<year>\\d{4})$"}},
        {"regexp": {"pattern": "^\\p{L}+$", "flags": "u"}},
        {"prohibitRegexp": {"pattern": "foo", "flags": None}},
        {"regexp": {"pattern": "^[a-z]+$", "flags": "gi"}},
    ],
)
def test_javascript_patterns_are_accepted(http: Http, rule: dict[str, Any]) -> None:
    assert _put(http, [rule]).status_code == 201


@pytest.mark.parametrize("items", [False, True], ids=["field", "items"])
@pytest.mark.parametrize(
    ("rule", "kind"),
    [
        ({"regexp": {"pattern": "([a-z"}}, "regexp"),
        ({"prohibitRegexp": {"pattern": "(?P<x>a)"}}, "prohibitRegexp"),
        ({"regexp": {"pattern": "\\p{Nope}", "flags": "u"}}, "regexp"),
        ({"regexp": {"pattern": "a", "flags": "x"}}, "regexp"),
    ],
)
def test_invalid_patterns_are_422_on_the_validation(http: Http, rule: dict[str, Any], kind: str, items: bool) -> None:
    refused = _put(http, [{"unique": True}, rule], items)
    assert refused.status_code == 422
    error = refused.json()["details"]["errors"][0]
    base = ["fields", 0, "items"] if items else ["fields", 0]
    assert error["path"] == [*base, "validations", 1, kind] and error["value"] == rule[kind]
    assert error["details"].startswith("Invalid regular expression")
    assert http.request("GET", "/content_types/post").status_code == 404


def test_a_lone_surrogate_in_a_pattern_is_not_a_server_error(http: Http) -> None:
    response = _put(http, [{"regexp": {"pattern": "a\ud800"}}])  # sent as the JSON escape \ud800
    assert response.status_code == 201, response.text
