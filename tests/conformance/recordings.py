"""Loading, dating and selecting the recorded real CMA exchanges in ``../shared/cma-recordings``.

A *cassette* is one recorded sequence of exchanges (one JSON list). Every exchange of every cassette that
is loaded gets exactly one of three fates, decided here from the recording alone (never from the emulator):

* ``compare``  — replayed against the emulator and compared (status + body shape, see ``compare.py``);
* ``replay``   — replayed (it builds state the later exchanges need) but not compared, with a reason;
* ``skip``     — not sent at all, with a reason (out of scope, or the recording cannot be replayed).

Whether a compared exchange matches is decided later by the replay; exclusions are decided only here, and
every exclusion carries its reason so ``docs/conformance.md`` can list the categories honestly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.shared import RECORDINGS

# Recordings made before environments existed (2018): URIs were rewritten to /environments/master later and
# the bodies lack the `sys.environment` link every current resource carries [recordings README, caveats].
ENVIRONMENTS_INTRODUCED = datetime(2018, 1, 1, tzinfo=UTC)
# 2014–2016: legacy resource bodies (fields with `uiid`, no `localized/required/validations/disabled/omitted`
# defaults, locales with `publish`) and behaviour that predates today's rules (fields dropped without omit).
LEGACY_BEFORE = datetime(2017, 1, 1, tzinfo=UTC)

# The request headers a replay keeps (everything else in a recording is transport noise).
KEPT_REQUEST_HEADERS = ("x-contentful-version", "x-contentful-content-type", "x-contentful-source-environment")

# An HTTP date in a `Date` header or a VCR `recorded_at` (not cookie `expires=` dates, which lie in the future).
_DATE = re.compile(
    r"(?:Date|recorded_at)\W{0,20}((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT)"
)


# --------------------------------------------------------------------------------------------- cassettes


@dataclass
class Exchange:
    index: int
    method: str
    path: str  # e.g. /spaces/s/environments/master/content_types/dog (percent-decoded)
    query: list[tuple[str, str]]
    headers: dict[str, str]  # only KEPT_REQUEST_HEADERS, lower-cased names
    headers_recorded: bool  # False for nock recordings (request headers were not kept)
    body: Any
    status: int | None
    response_headers: dict[str, str]
    response_body: Any
    fate: str = "compare"  # compare | replay | skip
    reason: str = ""

    @property
    def label(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        return f"#{self.index} {self.method} {self.path}{'?' + query if query else ''}"

    def exclude(self, fate: str, reason: str) -> None:
        """Record the first exclusion only: the earliest rule that applies names the real reason."""
        if self.fate == "compare":
            self.fate, self.reason = fate, reason


@dataclass
class Cassette:
    name: str  # pytest id, e.g. "rb/content_type/reload"
    file: Path
    space_id: str
    recorded_at: datetime | None
    exchanges: list[Exchange]
    skip_reason: str = ""  # set when the whole cassette is not replayed
    seed_hints: list[tuple[str, str]] = field(default_factory=list)

    @property
    def legacy(self) -> bool:
        return self.recorded_at is not None and self.recorded_at < LEGACY_BEFORE

    @property
    def pre_environments(self) -> bool:
        return self.recorded_at is not None and self.recorded_at < ENVIRONMENTS_INTRODUCED


def _original_of(decoded: Path) -> Path | None:
    """The original cassette (yaml/yml) a ``decoded/…json`` file was converted from."""
    relative = decoded.relative_to(RECORDINGS / "decoded").with_suffix("")
    for suffix in (".yaml", ".yml"):
        candidate = RECORDINGS / relative.with_suffix(suffix)
        if candidate.exists():
            return candidate
    return None


def recording_date(text: str) -> datetime | None:
    """The latest HTTP date (``Date`` header / VCR ``recorded_at``) in a cassette's original text."""
    dates = [parsedate_to_datetime(match) for match in _DATE.findall(text)]
    return max(dates) if dates else None


def _split_uri(uri: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(uri)
    return unquote(parts.path).rstrip("/") or "/", parse_qsl(parts.query, keep_blank_values=True)


def _space_of(exchanges: list[dict[str, Any]]) -> str:
    for exchange in exchanges:
        match = re.match(r"/spaces/([^/]+)", _split_uri(exchange["request"]["uri"])[0])
        if match:
            return match.group(1)
    return "local"


def load_cassette(file: Path, name: str) -> Cassette:
    raw = json.loads(file.read_text(encoding="utf-8"))
    nock = "contentful-migration" in file.parts
    if file.is_relative_to(RECORDINGS / "decoded"):
        original = _original_of(file)
        recorded_at = recording_date(original.read_text(encoding="utf-8")) if original else None
    else:
        recorded_at = recording_date(file.read_text(encoding="utf-8"))
    exchanges = []
    for index, item in enumerate(raw):
        request, response = item.get("request") or {}, item.get("response") or {}
        path, query = _split_uri(request.get("uri", ""))
        headers = {k.lower(): str(v) for k, v in (request.get("headers") or {}).items()}
        exchanges.append(
            Exchange(
                index=index,
                method=request.get("method", ""),
                path=path,
                query=query,
                headers={k: v for k, v in headers.items() if k in KEPT_REQUEST_HEADERS},
                headers_recorded=not nock,
                body=request.get("body"),
                status=response.get("status"),
                response_headers={k.lower(): str(v) for k, v in (response.get("headers") or {}).items()},
                response_body=response.get("body"),
            )
        )
    return Cassette(name, file, _space_of(raw), recorded_at, exchanges)


def cassette_files() -> dict[str, Path]:
    """Every recorded exchange list in the material, by pytest id (short, stable, readable)."""
    files: dict[str, Path] = {}
    decoded = RECORDINGS / "decoded"
    for path in sorted(decoded.rglob("*.json")):
        relative = path.relative_to(decoded).as_posix()
        relative = relative.replace("contentful-management.py/fixtures/", "py/")
        relative = relative.replace("contentful-management.rb/spec/fixtures/vcr_cassettes/", "rb/")
        files[relative.removesuffix(".json")] = path
    for path in sorted((RECORDINGS / "contentful-management.php").rglob("*.json")):
        files["php/" + path.stem] = path
    for path in sorted((RECORDINGS / "contentful-migration").rglob("*.json")):
        files["migration/" + path.stem.removeprefix("contentful-migration-integration.")] = path
    java = RECORDINGS / "contentful-management.java/src/test/curl-captures.json"
    if java.exists():
        files["java/curl-captures"] = java
    return files


# --------------------------------------------------------------------------------------------- resources


@dataclass(frozen=True)
class Target:
    """What a request path addresses. ``kind`` is the resource family; ids are the recorded ones."""

    kind: str  # ContentType | EditorInterface | EditorInterfaces | Locale | Entry | Environment | Space | other
    env: str | None = None
    id: str | None = None  # None for collection paths
    action: str = ""  # "" | "published"

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.kind, self.env, self.id)


_ENV_PATH = re.compile(r"^/spaces/[^/]+/environments/([^/]+)(?:/(.*))?$")


def target_of(path: str) -> Target:
    if re.fullmatch(r"/spaces(/[^/]+)?", path):
        return Target("Space")
    if re.fullmatch(r"/spaces/[^/]+/environments", path):
        return Target("Environment")
    match = _ENV_PATH.match(path)
    if not match:
        # Pre-environment path (/spaces/s/locales…): only in the Java captures and one 2014 Ruby cassette.
        legacy = re.match(r"^/spaces/[^/]+/(.*)$", path)
        return Target("unscoped:" + (legacy.group(1).split("/")[0] if legacy else path))
    env, rest = match.group(1), match.group(2)
    if rest is None:
        return Target("Environment", env, env)
    parts = rest.split("/")
    family = parts[0]
    if family == "content_types":
        if len(parts) == 1:
            return Target("ContentType", env)
        if len(parts) == 2:
            return Target("ContentType", env, parts[1])
        if parts[2:] == ["published"]:
            return Target("ContentType", env, parts[1], "published")
        if parts[2:] == ["editor_interface"]:
            return Target("EditorInterface", env, parts[1])
        return Target("content_types/" + parts[2], env, parts[1])  # snapshots
    if family == "public" and parts[1:2] == ["content_types"] and len(parts) <= 3:
        return Target("PublishedContentType", env, parts[2] if len(parts) == 3 else None)
    if family == "editor_interfaces" and len(parts) == 1:
        return Target("EditorInterfaces", env)
    if family == "locales" and len(parts) <= 2:
        return Target("Locale", env, parts[1] if len(parts) == 2 else None)
    if family == "tags" and len(parts) <= 2:
        return Target("Tag", env, parts[1] if len(parts) == 2 else None)
    if family == "assets" and len(parts) <= 3:
        action = parts[2] if len(parts) == 3 else ""
        return Target("Asset", env, parts[1] if len(parts) >= 2 else None, action)
    if family == "entries" and len(parts) <= 3:
        action = parts[2] if len(parts) == 3 else ""
        return Target("Entry", env, parts[1] if len(parts) >= 2 else None, action)
    return Target(family, env, parts[1] if len(parts) > 1 else None)


# In scope for issue 2 item 5: content types, editor interfaces, locales, environments, entries (listing, and
# the entry writes the recorded flows need), errors, and since issue 16 the published view of content types and
# assets. Everything else is out of the emulator's scope.
IN_SCOPE = {
    "ContentType", "PublishedContentType", "EditorInterface", "EditorInterfaces", "Locale", "Environment", "Entry",
    "Tag", "Asset",
}


# --------------------------------------------------------------------------------------------- selection

# Whole cassettes that are not replayed, with the reason (checked by a test: every key must exist).
CASSETTE_EXCLUSIONS: dict[str, str] = {
    "java/curl-captures": (
        "curl captures of contentful-management.java: response status not captured (null), ids replaced by "
        "<space_id>/<user_id> placeholders upstream and some versions hand-edited (recordings README) — "
        "usable for body shapes only, not as a replayable sequence"
    ),
    "py/snapshot/content_type_all": "content-type snapshots endpoint: not in the emulator's scope",
    "py/snapshot/content_type_find": "content-type snapshots endpoint: not in the emulator's scope",
    "rb/space/create_when_limit_has_been_reached": "space creation (organisation plan limits): out of scope",
    "php/e2e_space_create_delete_non_english_locale": "space creation/deletion: out of scope",
    "rb/tag/destroy_referenced": (
        "the tag and the entry referencing it existed before the recording and are not seeded (its 422 body is "
        "checked by tests/emulator/test_tags.py)"
    ),
}

# Exchanges that show behaviour that predates today's rules: replayed (state) but not compared.
PRE_RULE: dict[tuple[str, int], str] = {
    ("rb/content_type/fields/destroy", 1): (
        "2014: a published field dropped by a plain PUT — predates the omit-then-delete rule (facts §4.4)"
    ),
    ("rb/content_type/update_remove_field", 1): (
        "2014: a field removed by a plain PUT — predates the omit-then-delete rule (facts §4.4)"
    ),
    ("rb/content_type/update_change_field_name", 1): (
        "2014: field id changed in place — predates renaming through `newId` (facts §4.4)"
    ),
    ("rb/locale/update_code", 1): (
        "2016: the default locale's code changed — the default locale is permanent today (facts §1.4)"
    ),
    ("rb/entry/too_many_requests", 5): (
        "2014 429 body: the 'rate limit of the Organization this Space belongs to' wording and "
        "`details.errors[]`; the current body (2022, facts §6) has the 'of this Space' wording and no details"
    ),
    ("rb/entry/too_many_requests_retry", 5): (
        "2014 429 body: the 'rate limit of the Organization this Space belongs to' wording and "
        "`details.errors[]`; the current body (2022, facts §6) has the 'of this Space' wording and no details"
    ),
}

# State a recording implies but does not show, seeded before the replay: (kind, argument).
SEED_HINTS: dict[str, list[tuple[str, str]]] = {
    # The recorded 400 "Content Type has entries" proves entries of the type existed; none is in the cassette.
    "rb/content_type/deactivate_with_entries": [("entry_of", "5DSpuKrl04eMAGQoQckeIq")],
    # The recorded entry of `testCt` (#2, 201) proves a published `testCt` existed in master before the clone.
    "php/e2e_environment_clone": [("published_content_type", "testCt")],
}
# Content types only implied by a recording, synthesised from what it shows (the entry's one Symbol field).
SEED_CONTENT_TYPES: dict[str, dict[str, Any]] = {
    "testCt": {"name": "testCt", "fields": [{"id": "name", "name": "name", "type": "Symbol"}]},
}

# Query parameters of list requests that are not part of the emulator's contract in issue 2 (it lists content
# types with skip/limit/order and entries by content_type with skip/limit/select). A recorded request using one
# is still compared — a deviation is then a real mismatch, listed in KNOWN_MISMATCHES with that reason.
CONTRACT_QUERY = {"skip", "limit", "order", "content_type", "select"}

OUT_OF_SCOPE = {
    "content_types/snapshots": "content-type snapshots: not in the emulator's scope",
}


def _response_is_resource(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("sys"), dict)


def classify(cassette: Cassette) -> None:
    """Decide the fate of every exchange (see the module docstring)."""
    reason = CASSETTE_EXCLUSIONS.get(cassette.name)
    if reason:
        cassette.skip_reason = reason
        for exchange in cassette.exchanges:
            exchange.exclude("skip", reason)
        return
    cassette.seed_hints = list(SEED_HINTS.get(cassette.name, []))
    for exchange in cassette.exchanges:
        target = target_of(exchange.path)
        if exchange.status is None:
            exchange.exclude("skip", "status not recorded")
        elif target.kind == "Space":
            exchange.exclude("skip", "space endpoints (GET/POST /spaces…): out of scope, the SDK's loading step")
        elif target.kind.startswith("unscoped:"):
            exchange.exclude(
                "skip",
                "pre-environment path without /environments/{env} (2014): the emulator serves environment-scoped "
                "paths only, as the current API documents",
            )
        elif target.kind not in IN_SCOPE:
            exchange.exclude("skip", OUT_OF_SCOPE.get(target.kind, f"{target.kind}: not served by the emulator"))
        shown = exchange.response_body if isinstance(exchange.response_body, dict) else {}
        shown_items = shown.get("items") if isinstance(shown.get("items"), list) else [shown]
        if any(
            _response_is_resource(item) and item["sys"].get("type") == "Locale" and item["sys"].get("version") == 0
            for item in shown_items
        ) or (target.kind == "Locale" and exchange.headers.get("x-contentful-version") == "0"):
            exchange.exclude(
                "replay",
                "locale at version 0: new locales started at version 0 until 2018-03 and at 1 since "
                "(facts §1.4); the emulator follows the current rule",
            )
        body = exchange.response_body
        if (
            exchange.method == "GET"
            and isinstance(body, dict)
            and isinstance(body.get("items"), list)
            and isinstance(body.get("total"), int)
            and body["total"] > len(body["items"])
            and "order" not in dict(exchange.query)
        ):
            exchange.exclude(
                "replay",
                "a partial page without `order`: which items it holds is unspecified in the real API (the same "
                "space listed different first items with and without limit=1, php/e2e_content_type_get_collection)"
                " and the items outside the page are not all in the recording",
            )
        if (cassette.name, exchange.index) in PRE_RULE:
            exchange.exclude("replay", PRE_RULE[(cassette.name, exchange.index)])
        elif (
            cassette.legacy
            and exchange.fate == "compare"
            and _response_is_resource(exchange.response_body)
            and exchange.response_body["sys"].get("type") != "Error"
        ):
            exchange.exclude(
                "replay",
                "2014–2016 resource body: legacy shape (fields with `uiid`, without the "
                "localized/required/validations/disabled/omitted defaults; locales with `publish`) — "
                "replayed for state, not compared; its error responses are compared",
            )
    # An exchange that repeats the previous one verbatim (the tool polling) is compared like any other.


def load_selected(names: list[str] | None = None) -> list[Cassette]:
    files = cassette_files()
    selected = []
    for name, file in files.items():
        if names is not None and name not in names:
            continue
        cassette = load_cassette(file, name)
        classify(cassette)
        selected.append(cassette)
    return selected
