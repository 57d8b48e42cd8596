"""Replaying one recorded cassette against a fresh emulator and comparing every selected exchange.

Steps, per cassette (see docs/conformance.md for the rationale):

1. **Seed plan** (from the recording only). A resource the cassette touches without having created it
   existed before the recording. Its state just before its first appearance is derived from the recorded
   bodies: a GET shows it as is; a successful update shows its content and (``X-Contentful-Version`` or the
   response version − 1) its prior version; a publish/unpublish response shows the publish history
   (``publishedCounter``, ``firstPublishedAt``). A list response seeds every listed item it has not seen.
   Anything that cannot be reproduced exactly is a *seed problem*: the exchanges touching that resource
   are excluded with the problem as reason — never compared against a state that differs from the recording.
2. **Seeding** through the emulator's public API only: environments (PUT, then wait until ready), locales
   (POST, the default locale is the emulator's own ``en-US``), content types (PUT create, then PUT/publish/
   unpublish steps that land exactly on the recorded ``version``/``publishedVersion``/``publishedCounter``),
   editor interfaces (PUTs up to the recorded version, the last one with the recorded body).
3. **Replay** in order: method, path, query and body as recorded, the kept headers, ids the server generated
   mapped recorded→emulated (learnt from POST responses, seeds and locale lists matched by code). A recorded
   ``X-Contentful-Version`` that equals the resource's current recorded version is sent as the emulator's
   current version (identical unless an earlier exchange already diverged, so one divergence does not cascade);
   a deliberately wrong version (``999``, ``-1``) is sent as is. nock recordings kept no request headers: the
   client's correct current version is sent for updates/publishes, and ``X-Contentful-Content-Type`` is taken
   from the created entry's ``sys.contentType``.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

from .compare import diff, normalise, tolerances_for
from .recordings import SEED_CONTENT_TYPES, Cassette, Exchange, Target, target_of

CONTENT_TYPE = "application/vnd.contentful.management.v1+json"
TOKEN = "conformance-token"
WRONG_TOKEN = "conformance-wrong-token"
TIMEOUT = 10.0
READY_WAIT = 10.0
CT_CONTENT_KEYS = ("name", "description", "displayField", "fields", "metadata")
LOCALE_KEYS = ("name", "code", "fallbackCode", "optional", "contentDeliveryApi", "contentManagementApi")
EI_CONTENT_KEYS = ("controls", "sidebar", "editors", "editor", "editorLayout", "groupControls")
LEGACY_FIELD_KEYS = ("uiid",)
# Field type for a content type synthesised from an editor interface's controls (facts §5 default widgets).
WIDGET_FIELD: dict[str, dict[str, Any]] = {
    "singleLine": {"type": "Symbol"},
    "urlEditor": {"type": "Symbol"},
    "slugEditor": {"type": "Symbol"},
    "dropdown": {"type": "Symbol"},
    "radio": {"type": "Symbol"},
    "markdown": {"type": "Text"},
    "multipleLine": {"type": "Text"},
    "richTextEditor": {"type": "RichText"},
    "numberEditor": {"type": "Number"},
    "rating": {"type": "Integer"},
    "boolean": {"type": "Boolean"},
    "datePicker": {"type": "Date"},
    "locationEditor": {"type": "Location"},
    "objectEditor": {"type": "Object"},
    "entryLinkEditor": {"type": "Link", "linkType": "Entry"},
    "entryCardEditor": {"type": "Link", "linkType": "Entry"},
    "assetLinkEditor": {"type": "Link", "linkType": "Asset"},
    "tagEditor": {"type": "Array", "items": {"type": "Symbol"}},
    "listInput": {"type": "Array", "items": {"type": "Symbol"}},
    "checkbox": {"type": "Array", "items": {"type": "Symbol"}},
    "entryLinksEditor": {"type": "Array", "items": {"type": "Link", "linkType": "Entry"}},
    "entryCardsEditor": {"type": "Array", "items": {"type": "Link", "linkType": "Entry"}},
    "assetLinksEditor": {"type": "Array", "items": {"type": "Link", "linkType": "Asset"}},
    "assetGalleryEditor": {"type": "Array", "items": {"type": "Link", "linkType": "Asset"}},
}

# What a successful DELETE proves existed, when nothing else about it is recorded.
MINIMAL_BODIES: dict[str, dict[str, Any]] = {
    "ContentType": {"name": "seeded", "fields": []},
    "Locale": {"name": "seeded", "code": "zu-ZA"},
}

Key = tuple[str, str | None, str | None]  # (kind, recorded env, recorded id); EI id = content type id


class SeedError(Exception):
    """The recorded prior state of a resource cannot be reproduced exactly."""


@dataclass
class Outcome:
    index: int
    label: str
    result: str  # match | mismatch | excluded
    reason: str = ""  # exclusion reason
    problems: list[str] = field(default_factory=list)  # mismatch details

    def describe(self) -> str:
        if self.result == "excluded":
            return f"{self.label}: excluded — {self.reason}"
        if self.result == "mismatch":
            return f"{self.label}: MISMATCH — " + "; ".join(self.problems[:8])
        return f"{self.label}: match"


@dataclass
class SeedState:
    key: Key
    body: dict[str, Any]  # the recorded body the state is taken from (content keys are used)
    version: int
    published_version: int | None = None
    published_counter: int | None = None
    ever_published: bool = False
    before: int = 0  # index of the exchange it is seeded just before (its first appearance)


def _sys(body: Any) -> dict[str, Any]:
    return body["sys"] if isinstance(body, dict) and isinstance(body.get("sys"), dict) else {}


def _ok(status: int | None) -> bool:
    return status is not None and 200 <= status < 300


def _key(target: Target) -> Key:
    """The resource a request is about (a published snapshot's is its content type's)."""
    return ("ContentType" if target.kind == "PublishedContentType" else target.kind, target.env, target.id)


def _item_key(item: dict[str, Any], env: str | None) -> Key | None:
    sys = _sys(item)
    kind = sys.get("type")
    if kind == "EditorInterface":
        ct = _sys(sys.get("contentType")).get("id")
        return ("EditorInterface", env, ct)
    if kind == "Environment":
        return ("Environment", sys.get("id"), sys.get("id"))
    if kind in ("ContentType", "Locale", "Entry", "Asset"):
        return (kind, env, sys.get("id"))
    return None


def _content(body: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: body[k] for k in keys if k in body}


# ------------------------------------------------------------------------------------------------ seed plan


@dataclass
class SeedPlan:
    states: dict[Key, SeedState] = field(default_factory=dict)
    environments: dict[str, int] = field(default_factory=dict)  # recorded id -> seeded before this exchange
    problems: dict[Key, str] = field(default_factory=dict)
    entry_hints: list[str] = field(default_factory=list)  # content type ids needing one entry
    env_versions: dict[str, int] = field(default_factory=dict)  # recorded version before the first touch
    content_type_hints: list[str] = field(default_factory=list)  # synthesised, published in master first


def _state_from_first_touch(exchange: Exchange, key: Key) -> SeedState:
    body, method, target = exchange.response_body, exchange.method, target_of(exchange.path)
    sys = _sys(body)
    version = sys.get("version")
    if method == "GET" and "version" not in sys and "revision" in sys:
        return _listed_state(key, body)
    if not isinstance(version, int):
        raise SeedError("the first recorded response for it has no sys.version")
    if method == "GET":
        return SeedState(
            key,
            body,
            version,
            sys.get("publishedVersion"),
            sys.get("publishedCounter"),
            "firstPublishedAt" in sys or "publishedVersion" in sys,
        )
    header = exchange.headers.get("x-contentful-version")
    before = int(header) if header is not None and exchange.headers_recorded else version - 1
    if target.action == "published" and method == "PUT":
        counter = sys.get("publishedCounter")
        if counter is not None:
            earlier = counter - 1
            pv = before - 1 if earlier >= 1 else None
            return SeedState(key, body, before, pv, earlier, earlier >= 1)
        republished = sys.get("firstPublishedAt") not in (None, sys.get("publishedAt"))
        return SeedState(key, body, before, before - 1 if republished else None, None, republished)
    if target.action == "published" and method == "DELETE":
        return SeedState(key, body, before, before - 1, sys.get("publishedCounter"), True)
    # A plain update: the content is replaced by the request anyway; the publish state is unchanged.
    return SeedState(
        key,
        body,
        before,
        sys.get("publishedVersion"),
        sys.get("publishedCounter"),
        "firstPublishedAt" in sys or "publishedVersion" in sys,
    )


def _listed_state(key: Key, item: dict[str, Any]) -> SeedState:
    """The state of an item of a list answer; a published snapshot (``/public/content_types``: ``revision``, no
    version) as published ``revision`` times, each after a change, with no draft change since (which its view
    cannot show)."""
    sys = _sys(item)
    if "version" not in sys and isinstance(sys.get("revision"), int):
        revision = sys["revision"]
        return SeedState(key, item, 2 * revision, 2 * revision - 1, revision, True)
    published = "firstPublishedAt" in sys or "publishedVersion" in sys
    return SeedState(key, item, sys["version"], sys.get("publishedVersion"), sys.get("publishedCounter"), published)


def plan_seeds(cassette: Cassette) -> SeedPlan:
    plan = SeedPlan(
        entry_hints=[arg for kind, arg in cassette.seed_hints if kind == "entry_of"],
        content_type_hints=[arg for kind, arg in cassette.seed_hints if kind == "published_content_type"],
    )
    known: set[Key] = set()  # created in the cassette, seeded, or recorded as absent
    created_envs: set[str] = {"master"}

    index = 0

    def seed_env(env: str | None) -> None:
        if env and env not in created_envs and env not in plan.environments:
            plan.environments[env] = index
            known.add(("Environment", env, env))

    def remember(key: Key, state_of: Callable[[], SeedState]) -> None:
        if key in known:
            return
        known.add(key)
        try:
            plan.states[key] = state_of()
            plan.states[key].before = index
        except SeedError as error:
            plan.problems[key] = str(error)

    for exchange in cassette.exchanges:
        if exchange.fate == "skip":
            continue
        index = exchange.index
        target = target_of(exchange.path)
        body = exchange.response_body
        if target.kind == "Environment" and target.id is None:  # environment collection
            if exchange.method == "POST" and _ok(exchange.status):
                known.add(("Environment", _sys(body).get("id"), _sys(body).get("id")))
                created_envs.add(_sys(body).get("id"))
            elif exchange.method == "GET" and isinstance(body, dict):
                for item in body.get("items", []):
                    env_id = _sys(item).get("id")
                    if _sys(item).get("aliases"):
                        plan.problems[("Environment", env_id, env_id)] = (
                            "environment aliases (`master` aliasing another environment) are not reproducible: "
                            "the emulator has no aliases (not in issue 2's scope)"
                        )
                    seed_env(env_id)
            continue
        source = exchange.headers.get("x-contentful-source-environment")
        if source:
            seed_env(source)
        if target.kind == "Environment":
            env = target.id
            if exchange.method == "PUT" and exchange.status == 201:
                known.add(("Environment", env, env))
                created_envs.add(env or "")
            elif exchange.status == 404:
                known.add(("Environment", env, env))
            elif env not in created_envs and ("Environment", env, env) not in known:
                seed_env(env)
                version = _sys(body).get("version")
                header = exchange.headers.get("x-contentful-version")
                if exchange.method == "GET" and isinstance(version, int):
                    plan.env_versions[env or ""] = version
                elif header is not None:
                    plan.env_versions[env or ""] = int(header)
            continue
        if target.env and target.env not in created_envs and ("Environment", target.env, target.env) not in known:
            seed_env(target.env)
        if target.id is None:  # a collection of an environment
            if exchange.method == "POST" and _ok(exchange.status):
                key = _item_key(body, target.env)
                if key:
                    known.add(key)
            elif exchange.method == "GET" and _ok(exchange.status) and isinstance(body, dict):
                for item in body.get("items", []):
                    key = _item_key(item, target.env)
                    if key is None:
                        continue
                    if key[0] == "Entry":
                        if key not in known:
                            known.add(key)
                            plan.problems[key] = "entries that existed before the recording are not reproduced"
                        continue
                    remember(key, lambda item=item, key=key: _listed_state(key, item))
            continue
        key = _key(target)
        publish = target.kind == "ContentType" and target.action == "published" and exchange.method == "PUT"
        if publish and _ok(exchange.status):
            known.add(("EditorInterface", target.env, target.id))  # created/bumped by the publish itself
        if target.kind == "EditorInterface":
            ct_key: Key = ("ContentType", target.env, target.id)
            if ct_key not in known and _ok(exchange.status):
                known.add(ct_key)  # synthesised from the interface's controls when seeding
        if key in known:
            continue
        absent_or_refused = exchange.status in (401, 404)  # absent, or refused before it mattered (bad token)
        if absent_or_refused or (exchange.method == "PUT" and exchange.status == 201) or exchange.method == "POST":
            known.add(key)
        elif target.kind == "Entry":
            known.add(key)
            plan.problems[key] = "entries that existed before the recording are not reproduced"
        elif exchange.method == "DELETE" and exchange.status == 204 and not target.action:
            known.add(key)
            minimal = MINIMAL_BODIES.get(target.kind, {"name": target.id})
            plan.states[key] = SeedState(key, minimal, 1, before=index)
        elif _ok(exchange.status) and _sys(body).get("type") not in (None, "Error", "Array"):
            remember(key, lambda exchange=exchange, key=key: _state_from_first_touch(exchange, key))
        else:
            later = next(
                (
                    e
                    for e in cassette.exchanges[exchange.index + 1 :]
                    if e.fate != "skip" and _key(target_of(e.path)) == key and e.method == "GET" and _ok(e.status)
                ),
                None,
            )
            known.add(key)
            if later is None:
                plan.problems[key] = (
                    f"its state before #{exchange.index} (recorded {exchange.status}) is not shown by the recording"
                )
            else:
                plan.states[key] = _state_from_first_touch(later, key)
                plan.states[key].before = index
    return plan


def _ct_steps(state: SeedState) -> list[str]:
    """Operations after the create (version 1) that end at the recorded version and publish history."""
    v, pv = state.version, state.published_version
    counter = state.published_counter
    ops = ["put"] * (v - 1)  # ops[i] moves version i+1 -> i+2
    if pv is not None:
        count = max(counter or 1, 1)
        publishes = [pv - 2 * k for k in range(count)]
        if pv >= v or publishes[-1] < 1:
            raise SeedError(f"version {v} with publishedVersion {pv} and publishedCounter {counter} is unreachable")
        for at in publishes:
            ops[at - 1] = "publish"
    elif state.ever_published:
        count = max(counter or 1, 1)
        publishes = [v - 2 - 2 * k for k in range(count)]
        if publishes[-1] < 1:
            raise SeedError(f"unpublished version {v} with publishedCounter {counter} is unreachable")
        ops[v - 2] = "unpublish"
        for at in publishes:
            ops[at - 1] = "publish"
    return ops


# ------------------------------------------------------------------------------------------------ replayer


class Replayer:
    def __init__(
        self,
        cassette: Cassette,
        base_url: str,
        set_rate_limit: Callable[[float | None], None],
    ) -> None:
        self.cassette = cassette
        self.base = base_url
        self.space = cassette.space_id
        self.set_rate_limit = set_rate_limit
        self.http = requests.Session()
        self.http.trust_env = False  # 127.0.0.1 only: never through a proxy from the environment
        self.idmap: dict[str, str] = {}
        self.rec_versions: dict[Key, int] = {}
        self.emu_versions: dict[Key, int] = {}
        self.tolerances = tolerances_for(cassette.recorded_at)
        self.plan = plan_seeds(cassette)
        self.created_envs: set[str] = set()
        self.seeding: set[Key] = set()

    # ----------------------------------------------------------------------------------------- http

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        query: list[tuple[str, str]] | None = None,
        token: str = TOKEN,
    ) -> requests.Response:
        all_headers = {"Authorization": f"Bearer {token}", "Content-Type": CONTENT_TYPE, **(headers or {})}
        data = None if body is None else json.dumps(body)
        return self.http.request(
            method, self.base + path, params=query or None, data=data, headers=all_headers, timeout=TIMEOUT
        )

    def seed_call(self, method: str, path: str, body: Any = None, version: int | None = None) -> dict[str, Any]:
        headers = {"X-Contentful-Version": str(version)} if version is not None else {}
        response = self.call(method, path, body, headers)
        if not response.ok:
            raise SeedError(f"seeding {method} {path} answered {response.status_code}: {response.text[:300]}")
        return response.json() if response.content else {}

    def env_path(self, env: str) -> str:
        return f"/spaces/{self.space}/environments/{self.idmap.get(env, env)}"

    def wait_ready(self, env: str) -> None:
        """Poll like the recording's client did; the version seen by then is the one the client sends next."""
        deadline = time.monotonic() + READY_WAIT
        while time.monotonic() < deadline:
            response = self.call("GET", self.env_path(env))
            if response.ok and _sys(_sys(response.json()).get("status")).get("id") == "ready":
                key: Key = ("Environment", env, env)
                if key in self.emu_versions:
                    self.emu_versions[key] = _sys(response.json())["version"]
                return
            time.sleep(0.05)
        raise SeedError(f"environment {env} did not become ready within {READY_WAIT}s")

    # ----------------------------------------------------------------------------------------- seeding

    def seed_before(self, index: int) -> None:
        """Create what the recording shows as already existing, just before its first appearance."""
        if index == 0:
            for ct in self.plan.content_type_hints:
                path = f"{self.env_path('master')}/content_types/{ct}"
                created = self.seed_call("PUT", path, SEED_CONTENT_TYPES[ct])
                self.seed_call("PUT", path + "/published", None, _sys(created)["version"])
        for env, before in self.plan.environments.items():
            key: Key = ("Environment", env, env)
            if before != index or key in self.plan.problems:
                continue
            try:
                self.seed_call("PUT", self.env_path(env), {"name": env})
                self.wait_ready(env)
                if env in self.plan.env_versions:
                    self.rec_versions[key] = self.plan.env_versions[env]
                    self.emu_versions[key] = _sys(self.seed_call("GET", self.env_path(env)))["version"]
            except SeedError as error:
                self.plan.problems[key] = str(error)
        for kind in ("Locale", "ContentType", "EditorInterface"):
            for key, state in list(self.plan.states.items()):
                if key[0] != kind or state.before != index or key in self.plan.problems:
                    continue
                try:
                    getattr(self, "seed_" + kind.lower())(state)
                except SeedError as error:
                    self.plan.problems[key] = str(error)
        for ct in list(self.plan.entry_hints):
            ct_key: Key = ("ContentType", "master", ct)
            if self.plan.states.get(ct_key) is None or self.plan.states[ct_key].before != index:
                continue
            self.plan.entry_hints.remove(ct)
            response = self.call(
                "POST", self.env_path("master") + "/entries", {"fields": {}}, {"X-Contentful-Content-Type": ct}
            )
            if not response.ok:
                self.plan.problems[ct_key] = (
                    f"could not seed an entry of {ct}: {response.status_code} {response.text[:200]}"
                )

    def seed_locale(self, state: SeedState) -> None:
        _, env, locale_id = state.key
        assert env is not None and locale_id is not None
        if locale_id in self.idmap or state.key in self.seeding:
            return
        self.seeding.add(state.key)
        base = self.env_path(env) + "/locales"
        body = _content(state.body, LOCALE_KEYS)
        # Locales created before 2018-03 started at version 0, today at 1 (facts §1.4): such a locale is seeded
        # at version 1; the exchanges that show version 0 are not compared (recordings.classify), and a
        # recorded `X-Contentful-Version: 0` for it is sent as the emulator's 1 (version mapping below).
        target_version = max(state.version, 1)
        if state.body.get("default"):
            listing = self.seed_call("GET", base + "?limit=1000")
            default = next(item for item in listing["items"] if item.get("default"))
            emu_id = _sys(default)["id"]
            if default["code"] != body.get("code"):
                raise SeedError(f"recorded default locale {body.get('code')!r}; the emulator's is {default['code']!r}")
            current = default
        else:
            # A fallback must exist first: seed the locale it falls back to before it.
            fallback = body.get("fallbackCode")
            for other_key, other in self.plan.states.items():
                same_env = other_key[0] == "Locale" and other_key[1] == env
                if same_env and other.body.get("code") == fallback and other_key not in self.plan.problems:
                    self.seed_locale(other)
            current = self.seed_call("POST", base, body)
            emu_id = _sys(current)["id"]
        self.idmap[locale_id] = emu_id
        put_body = {k: v for k, v in body.items() if k != "default"}
        while _sys(current)["version"] < target_version:
            current = self.seed_call("PUT", f"{base}/{emu_id}", put_body, _sys(current)["version"])
        if _sys(current)["version"] != target_version:
            raise SeedError(f"emulator locale at version {_sys(current)['version']}, recorded {state.version}")
        self.rec_versions[state.key] = state.version
        self.emu_versions[state.key] = target_version

    def seed_contenttype(self, state: SeedState) -> None:
        _, env, ct_id = state.key
        assert env is not None and ct_id is not None
        path = f"{self.env_path(env)}/content_types/{ct_id}"
        content = _content(state.body, CT_CONTENT_KEYS)
        content["fields"] = [
            {k: v for k, v in f.items() if k not in LEGACY_FIELD_KEYS} for f in content.get("fields", [])
        ]
        if self.cassette.legacy and content.get("displayField") not in [
            None,
            *(f.get("id") for f in content["fields"]),
        ]:
            # 2014 bodies can name an internal field id as displayField; today it must be a field id (422).
            # Only error responses are compared in legacy cassettes, and none depends on the display field.
            content["displayField"] = None
        steps = _ct_steps(state)
        current = self.seed_call("PUT", path, content)
        for step in steps:
            version = _sys(current)["version"]
            if step == "put":
                current = self.seed_call("PUT", path, content, version)
            elif step == "publish":
                current = self.seed_call("PUT", path + "/published", None, version)
            else:
                current = self.seed_call("DELETE", path + "/published", None, version)
        sys = _sys(current)
        got = (sys.get("version"), sys.get("publishedVersion"))
        if got != (state.version, state.published_version):
            wanted = (state.version, state.published_version)
            raise SeedError(f"seeded to version/publishedVersion {got}, recorded {wanted}")
        self.rec_versions[state.key] = state.version
        self.emu_versions[state.key] = state.version
        ei_key: Key = ("EditorInterface", env, ct_id)
        if state.published_counter or state.ever_published:
            ei = self.call("GET", path + "/editor_interface")
            if ei.ok:
                self.emu_versions[ei_key] = _sys(ei.json())["version"]

    def seed_editorinterface(self, state: SeedState) -> None:
        _, env, ct_id = state.key
        assert env is not None and ct_id is not None
        path = f"{self.env_path(env)}/content_types/{ct_id}"
        ct_key: Key = ("ContentType", env, ct_id)
        if ct_key in self.plan.problems:
            raise SeedError(f"its content type could not be seeded: {self.plan.problems[ct_key]}")
        if ct_key not in self.plan.states:
            # Not in the recording: synthesise one field per control (type from the default widget).
            fields = []
            for control in state.body.get("controls", []):
                spec = WIDGET_FIELD.get(control.get("widgetId", ""), {"type": "Symbol"})
                fields.append({"id": control["fieldId"], "name": control["fieldId"], **spec})
            self.seed_call("PUT", path, {"name": ct_id, "fields": fields})
            self.seed_call("PUT", path + "/published", None, 1)
        current = self.seed_call("GET", path + "/editor_interface")
        content = _content(state.body, EI_CONTENT_KEYS)
        if _sys(current)["version"] >= state.version:
            raise SeedError(
                f"recorded at version {state.version}, but seeding its content type already brought the "
                f"emulator's interface to version {_sys(current)['version']}"
            )
        while _sys(current)["version"] < state.version - 1:
            current = self.seed_call(
                "PUT", path + "/editor_interface", _content(current, EI_CONTENT_KEYS), _sys(current)["version"]
            )
        current = self.seed_call("PUT", path + "/editor_interface", content, _sys(current)["version"])
        self.rec_versions[state.key] = state.version
        self.emu_versions[state.key] = _sys(current)["version"]

    # ----------------------------------------------------------------------------------------- replay

    def map_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.map_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.map_value(v) for v in value]
        if isinstance(value, str):
            return self.idmap.get(value, value)
        return value

    def map_path(self, path: str) -> str:
        return "/".join(self.idmap.get(part, part) for part in path.split("/"))

    def resource_key(self, exchange: Exchange) -> Key | None:
        target = target_of(exchange.path)
        if target.id is None:
            return None
        return _key(target) if target.kind != "Environment" else ("Environment", target.id, target.id)

    def excluded_by_seed(self, exchange: Exchange) -> str | None:
        target = target_of(exchange.path)
        keys: list[Key] = []
        if target.env:
            keys.append(("Environment", target.env, target.env))
        own = self.resource_key(exchange)
        if own:
            keys.append(own)
            if own[0] == "EditorInterface":
                keys.append(("ContentType", own[1], own[2]))
        body = exchange.response_body
        if isinstance(body, dict):
            for item in body.get("items", []) if isinstance(body.get("items"), list) else []:
                item_key = _item_key(item, target.env)
                if item_key:
                    keys.append(item_key)
        for key in keys:
            if key in self.plan.problems:
                return f"seed: {key[0]} {key[2]}: {self.plan.problems[key]}"
        return None

    def version_header(self, exchange: Exchange, key: Key | None) -> str | None:
        if exchange.headers_recorded:
            header = exchange.headers.get("x-contentful-version")
            if header is None or key is None:
                return header
            if key in self.rec_versions and header == str(self.rec_versions[key]) and key in self.emu_versions:
                return str(self.emu_versions[key])
            return header
        # nock: the header was not kept. The tool sent the current version on every update/(un)publish.
        target = target_of(exchange.path)
        if key is None or exchange.status == 201 or exchange.method == "GET":
            return None
        if exchange.method == "DELETE" and not target.action:
            return None
        return str(self.emu_versions[key]) if key in self.emu_versions else None

    def request_for(self, exchange: Exchange) -> tuple[dict[str, str], Any, str]:
        key = self.resource_key(exchange)
        headers: dict[str, str] = {}
        version = self.version_header(exchange, key)
        if version is not None:
            headers["X-Contentful-Version"] = version
        content_type = exchange.headers.get("x-contentful-content-type")
        if content_type is None and not exchange.headers_recorded and exchange.method == "POST":
            content_type = _sys(_sys(exchange.response_body).get("contentType")).get("id")
        if content_type:
            headers["X-Contentful-Content-Type"] = self.idmap.get(content_type, content_type)
        source = exchange.headers.get("x-contentful-source-environment")
        if source:
            headers["X-Contentful-Source-Environment"] = self.idmap.get(source, source)
        body = exchange.response_body
        token = TOKEN
        if exchange.status == 401 and _sys(body).get("id") == "AccessTokenInvalid":
            token = WRONG_TOKEN  # the recording's client sent an invalid token (not kept in the recording)
        return headers, self.map_value(exchange.body), token

    def learn(self, exchange: Exchange, emulated: Any) -> None:
        recorded = exchange.response_body
        target = target_of(exchange.path)
        rec_sys, emu_sys = _sys(recorded), _sys(emulated)
        if exchange.method == "POST" and _ok(exchange.status) and rec_sys.get("id") and emu_sys.get("id"):
            self.idmap.setdefault(rec_sys["id"], emu_sys["id"])
        if target.kind == "Environment" and _ok(exchange.status) and rec_sys.get("type") == "Environment":
            self.created_envs.add(rec_sys["id"])
        if rec_sys.get("type") == "Array" and isinstance(emulated, dict):
            rec_items, emu_items = recorded.get("items", []), emulated.get("items", [])
            if target.kind == "Locale":
                by_code = {item.get("code"): item for item in emu_items}
                for item in rec_items:
                    twin = by_code.get(item.get("code"))
                    if twin:
                        self.idmap.setdefault(_sys(item)["id"], _sys(twin)["id"])
            reverse = {emulated_id: recorded_id for recorded_id, emulated_id in self.idmap.items()}
            emu_by_key: dict[Key, Any] = {}
            for item in emu_items:
                item_key = _item_key(item, target.env)
                if item_key:
                    emu_by_key[(item_key[0], item_key[1], reverse.get(item_key[2] or "", item_key[2]))] = item
            for item in rec_items:
                key = _item_key(item, target.env)
                if key and isinstance(_sys(item).get("version"), int):
                    self.rec_versions[key] = _sys(item)["version"]
                    twin = emu_by_key.get(key)
                    if twin and isinstance(_sys(twin).get("version"), int):
                        self.emu_versions[key] = _sys(twin)["version"]
            return
        key = self.resource_key(exchange)
        if key is None and rec_sys.get("type") in ("Locale", "Entry", "ContentType", "Environment", "Asset"):
            key = _item_key(recorded, target.env)
        if key is None:
            return
        if isinstance(rec_sys.get("version"), int) and rec_sys.get("type") != "Error":
            self.rec_versions[key] = rec_sys["version"]
        if isinstance(emu_sys.get("version"), int) and emu_sys.get("type") != "Error":
            self.emu_versions[key] = emu_sys["version"]
        if key[0] == "ContentType" and target.action == "published" and exchange.method == "PUT":
            ei_key: Key = ("EditorInterface", key[1], key[2])
            # Every publish creates (version 1) or bumps the interface (facts §10.1), on both sides.
            if _ok(exchange.status):
                self.rec_versions[ei_key] = self.rec_versions.get(ei_key, 0) + 1
            if isinstance(emulated, dict) and emu_sys.get("type") == "ContentType":
                self.emu_versions[ei_key] = self.emu_versions.get(ei_key, 0) + 1

    def provoke_rate_limit(self, path: str, query: list[tuple[str, str]]) -> None:
        """A recorded 429 depends on the traffic at the time: recreate the condition (1 request/second)."""
        self.set_rate_limit(1)
        self.call("GET", path.rsplit("/", 2)[0] if path.endswith("/published") else path, query=query)

    def run(self) -> Iterator[Outcome]:
        for exchange in self.cassette.exchanges:
            if exchange.fate == "skip":
                yield Outcome(exchange.index, exchange.label, "excluded", exchange.reason)
                continue
            self.seed_before(exchange.index)
            seed_reason = self.excluded_by_seed(exchange)
            if seed_reason:
                yield Outcome(exchange.index, exchange.label, "excluded", seed_reason)
                continue
            yield self.replay_one(exchange)

    def replay_one(self, exchange: Exchange) -> Outcome:
        target = target_of(exchange.path)
        path = self.map_path(exchange.path)
        headers, body, token = self.request_for(exchange)
        recorded = exchange.response_body
        env = target.env if target.kind != "Environment" else target.id
        if env and env in self.created_envs and exchange.method != "DELETE":
            recorded_status = _sys(_sys(recorded).get("status")).get("id")
            if target.kind != "Environment" or recorded_status == "ready":
                with contextlib.suppress(SeedError):
                    self.wait_ready(env)  # the recording's client polled until ready, too
        if target.kind == "Environment" and target.id is None and isinstance(recorded, dict):
            for item in recorded.get("items", []):
                item_id = _sys(item).get("id")
                if item_id in self.created_envs and _sys(_sys(item).get("status")).get("id") == "ready":
                    with contextlib.suppress(SeedError):
                        self.wait_ready(item_id)
        query = [(k, self.idmap.get(v, v)) for k, v in exchange.query]
        if exchange.status == 429:
            self.provoke_rate_limit(path, query)
        try:
            response = self.call(exchange.method, path, body, headers, query, token)
        finally:
            if exchange.status == 429:
                self.set_rate_limit(None)
        emulated: Any = None
        if response.content:
            try:
                emulated = response.json()
            except ValueError:
                emulated = response.text
        self.learn(exchange, emulated)
        if exchange.fate == "replay":
            return Outcome(exchange.index, exchange.label, "excluded", exchange.reason)
        problems = []
        if response.status_code != exchange.status:
            problems.append(f"status {exchange.status} expected, got {response.status_code}")
        if recorded in (None, "") and emulated not in (None, ""):
            problems.append(f"empty body expected, got {str(emulated)[:80]!r}")
        elif recorded not in (None, ""):
            expected, got = normalise(recorded, self.idmap), normalise(emulated)
            if "order" not in dict(exchange.query):
                expected, got = _by_id(expected), _by_id(got)
            problems += diff(expected, got, self.tolerances)
        if problems:
            return Outcome(exchange.index, exchange.label, "mismatch", problems=problems)
        return Outcome(exchange.index, exchange.label, "match")


def _by_id(body: Any) -> Any:
    """A list without `order` has no specified order in the real API: compare its items sorted by id."""
    if not (isinstance(body, dict) and _sys(body).get("type") == "Array" and isinstance(body.get("items"), list)):
        return body

    def sort_key(item: Any) -> str:
        sys = _sys(item)
        return str(sys.get("id") or _sys(sys.get("contentType")).get("id") or "")

    return {**body, "items": sorted(body["items"], key=sort_key)}


def replay_cassette(cassette: Cassette) -> list[Outcome]:
    """Replay one cassette against a fresh emulator serving the recording's space id."""
    if cassette.skip_reason:
        return [Outcome(e.index, e.label, "excluded", e.reason) for e in cassette.exchanges]
    from reconcile.emulator import Emulator

    with Emulator(spaces=(cassette.space_id,), token=TOKEN) as emu:
        return list(Replayer(cassette, emu.base_url, emu.set_rate_limit).run())
