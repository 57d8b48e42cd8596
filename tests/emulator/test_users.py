"""The space's users endpoint, and writes stamped with the user of the token that made them
(`emulator serve --user TOKEN=NAME,EMAIL`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import contentful_management
import pytest
import requests
from emu_support import SPACE, TOKEN, Http

from reconcile.emulator import Emulator, TokenUser
from reconcile.emulator.common import USER_ID
from tests.support import free_port, wait_for_port

ADA = TokenUser("ada-token", "Ada", "Lovelace", "ada@example.com")
GRACE = TokenUser("grace-token", "Grace", "Brewster Hopper", "grace@example.com")


class As(Http):
    """Raw HTTP with another token."""

    def __init__(self, base_url: str, token: str) -> None:
        super().__init__(base_url)
        self.token = token

    def request(self, method: str, path: str, body: Any = None, version: int | None = None,
                headers: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        auth = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return super().request(method, path, body, version, auth, **kwargs)


def updated_by(response: requests.Response) -> str:
    assert response.status_code < 300, response.text
    return str(response.json()["sys"]["updatedBy"]["sys"]["id"])


def test_without_users_one_fixed_user_is_listed_and_stamps_every_write(http: Http) -> None:
    listed = http.request("GET", f"/spaces/{SPACE}/users")
    assert listed.status_code == 200
    body = listed.json()
    assert body["sys"] == {"type": "Array"} and body["total"] == 1 and body["skip"] == 0
    (user,) = body["items"]
    assert user["sys"]["type"] == "User" and user["sys"]["id"] == USER_ID
    assert {"firstName", "lastName", "email", "avatarUrl", "activated", "confirmed", "2faEnabled"} <= set(user)
    assert updated_by(http.request("PUT", "/content_types/a", {"name": "A", "fields": []})) == USER_ID


def test_each_token_stamps_its_own_user_on_every_family() -> None:
    with Emulator(users=[ADA, GRACE], env_ready_delay=0.05) as emu:
        ada, grace = As(emu.base_url, ADA.token), As(emu.base_url, GRACE.token)
        created = ada.request("PUT", "/content_types/a", {"name": "A", "fields": [{"id": "t", "name": "T",
                                                                                     "type": "Symbol"}]})
        assert updated_by(created) == ADA.user_id and created.json()["sys"]["createdBy"]["sys"]["id"] == ADA.user_id
        published = grace.request("PUT", "/content_types/a/published", version=1)
        assert updated_by(published) == GRACE.user_id
        assert published.json()["sys"]["publishedBy"]["sys"]["id"] == GRACE.user_id
        interface = ada.request("GET", "/content_types/a/editor_interface").json()
        assert updated_by(ada.request("PUT", "/content_types/a/editor_interface",
                                      {"controls": interface["controls"]}, version=interface["sys"]["version"])) \
            == ADA.user_id
        locale = grace.request("POST", "/locales", {"name": "German", "code": "de-DE"})
        assert updated_by(locale) == GRACE.user_id
        entry = ada.request("PUT", "/entries/e1", {"fields": {"t": {"en-US": "x"}}},
                            headers={"X-Contentful-Content-Type": "a"})
        assert updated_by(entry) == ADA.user_id
        environment = grace.request("PUT", f"/spaces/{SPACE}/environments/sandbox", {"name": "sandbox"})
        assert updated_by(environment) == GRACE.user_id
        # the main token still acts as the fixed user; an unknown token is refused
        assert updated_by(Http(emu.base_url).request("PUT", "/content_types/b", {"name": "B", "fields": []})) \
            == USER_ID
        assert As(emu.base_url, "nobody").request("GET", "/content_types").status_code == 401


def test_the_users_endpoint_lists_every_token_user_and_pages() -> None:
    with Emulator(users=[ADA, GRACE]) as emu:
        http = Http(emu.base_url)
        first = http.request("GET", f"/spaces/{SPACE}/users", params={"limit": 2}).json()
        second = http.request("GET", f"/spaces/{SPACE}/users", params={"limit": 2, "skip": 2}).json()
        assert first["total"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
        people = {u["sys"]["id"]: (u["firstName"], u["lastName"], u["email"])
                  for u in first["items"] + second["items"]}
        assert people[ADA.user_id] == ("Ada", "Lovelace", "ada@example.com")
        assert people[GRACE.user_id] == ("Grace", "Brewster Hopper", "grace@example.com")
        one = http.request("GET", f"/spaces/{SPACE}/users/{ADA.user_id}")
        assert one.status_code == 200 and one.json()["email"] == "ada@example.com"
        sdk = contentful_management.Client(GRACE.token, api_url=f"127.0.0.1:{emu.port}", https=False)
        assert sdk.users().me().email == "grace@example.com"  # GET /users/me: the token's own user
        assert sdk.spaces().find(SPACE).users().find(ADA.user_id).first_name == "Ada"
        missing = http.request("GET", f"/spaces/{SPACE}/users/nobody")
        assert missing.status_code == 404 and missing.json()["details"] == {"type": "User", "id": "nobody"}


def test_a_token_without_the_permission_is_refused_the_users() -> None:
    reader = TokenUser("no-users-token", "Ci", "Bot", "ci@example.com", read_users=False)
    with Emulator(users=[reader]) as emu:
        refused = As(emu.base_url, reader.token).request("GET", f"/spaces/{SPACE}/users")
        assert refused.status_code == 403 and refused.json()["sys"]["id"] == "AccessDenied"
        assert As(emu.base_url, reader.token).request("GET", "/content_types").status_code == 200
        assert Http(emu.base_url).request("GET", f"/spaces/{SPACE}/users").json()["total"] == 2


def test_a_token_user_id_is_stable_and_reveals_nothing_of_the_token() -> None:
    again = TokenUser.parse("ada-token=Someone Else,else@example.com")
    assert again.user_id == ADA.user_id and len(ADA.user_id) == 22 and "ada" not in ADA.user_id.lower()
    assert TokenUser("other", "A", "B", "c@d").user_id != ADA.user_id
    for bad in ("no-equals", "=Ada,ada@example.com", "tok=Ada", "tok=,ada@example.com", "tok=Ada,not-an-email"):
        with pytest.raises(ValueError):
            TokenUser.parse(bad)


@pytest.mark.slow
def test_emulator_serve_user_option(tmp_path: Path) -> None:
    """`reconcile emulator serve --user TOKEN=NAME,EMAIL`: the token is accepted and stamps its user; a
    malformed value is one error line that never quotes the token."""
    port = free_port()
    env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": TOKEN}
    base = [sys.executable, "-m", "reconcile", "emulator", "serve", "--port", str(port), "--data", str(tmp_path)]
    bad = subprocess.run([*base, "--user", "secret-token-value=Ada"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "Error: --user value 1 is not TOKEN=NAME,EMAIL" in bad.stderr and "secret-token-value" not in bad.stderr
    process = subprocess.Popen([*base, "--user", "ada-token=Ada Lovelace,ada@example.com"], env=env,
                               stderr=subprocess.DEVNULL)
    try:
        ada = As(f"http://127.0.0.1:{port}", ADA.token)
        wait_for_port(port)
        listed = ada.request("GET", f"/spaces/{SPACE}/users")
        assert {u["email"] for u in listed.json()["items"]} == {"ada@example.com", "emulator@example.com"}
        assert updated_by(ada.request("PUT", "/content_types/a", {"name": "A", "fields": []})) == ADA.user_id
    finally:
        process.kill()
        process.wait(timeout=10)
