"""The Content Management API, through the official ``contentful-management`` SDK.

This is the only module that imports the SDK and the only one that knows CMA JSON. It has two halves:

* pure translation between CMA JSON and the domain model (``*_from_api``, ``*_to_api``,
  ``parse_environment``, ``raw_from_export``), tolerant of every real payload shape from 2014 to 2025;
* ``Backend``: the HTTP operations the tool needs against one space environment.

How the SDK is used. The SDK's resource objects are lossy when they serialise (``ContentType.save()`` drops
``allowedResources``, ``EditorInterface.save()`` sends only ``controls``: facts §8.5) and they refuse to build
payloads they do not know. So every request goes through the SDK's raw layer (``client._get/_put/_post/
_delete``) in ``raw_mode``: the SDK builds the URL, the headers (token, user agent, content type) and the JSON
body; this module builds complete bodies itself and reads the plain JSON answers.

The SDK sets no timeout and retries 429s on its own. ``_SdkClient`` is a thin subclass overriding the single
method every request of the SDK passes through (``_http_request``) to add the timeout, count requests, apply
the client-side rate limit and retry 429s. Nothing is patched globally: other ``Client`` instances are
untouched.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

import requests
from contentful_management import Client
from contentful_management.errors import RateLimitExceededError
from pydantic import BaseModel, ValidationError

from reconcile.errors import ApiError, ReconcileError
from reconcile.model import (
    ContentModel,
    ContentType,
    Control,
    EditorInterface,
    Entry,
    Field,
    Items,
    JsonObject,
    LiveState,
    Locale,
    ResourceKind,
    ResourceMeta,
    resource_key,
)

# Bulk reads ask for the API's maximum page size; the server may apply a lower one (facts §1.1), so paging
# follows the number of items actually returned. Stable order for paging as contentful-export sends it.
PAGE_LIMIT = 1000
PAGE_ORDER = "sys.createdAt,sys.id"
# Entries can be large (rich text); the API refuses responses above 7 MB (facts §1.1), so page them smaller.
ENTRY_PAGE_LIMIT = 100
# 429 handling: retries after the first attempt, and the longest X-Contentful-RateLimit-Reset worth waiting
# for (an hourly limit can announce thousands of seconds; better to fail with a clear message).
MAX_RATE_LIMIT_RETRIES = 5
MAX_RATE_LIMIT_WAIT = 60.0
# A 429 without a usable reset header: wait one per-second window. A reset of 0 still waits a little, so
# retries are not burnt back to back.
DEFAULT_RATE_LIMIT_WAIT = 1.0
MIN_RATE_LIMIT_WAIT = 0.1
# Reads are safe to repeat: a GET that meets a transient server error or a network failure is retried
# after these pauses. Writes never are: a write whose response was lost may have been applied, and the
# executor (which knows the plan) decides what happens next.
READ_RETRY_PAUSES = (0.2, 0.5)
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})

_CONTENT_TYPE_KEYS = frozenset({"sys", "name", "description", "displayField", "fields"})
_EDITOR_INTERFACE_KEYS = frozenset({"sys", "controls", "sidebar", "editors", "editorLayout", "groupControls"})


# ----------------------------------------------------------------------------------------------------
# CMA JSON <-> model
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawEnvironment:
    """The unparsed JSON of an environment's content model, exactly as the API (or an export) gave it."""

    content_types: list[dict[str, Any]]
    editor_interfaces: list[dict[str, Any]]
    locales: list[dict[str, Any]]


def _link_id(value: Any) -> str | None:
    """The id of a ``{"sys": {"type": "Link", "id": ...}}`` value, or None."""
    if isinstance(value, dict):
        sys = value.get("sys")
        ident = sys.get("id") if isinstance(sys, dict) else None
        if isinstance(ident, str):
            return ident
    return None


_Value = TypeVar("_Value", bound=BaseModel)


def _build(cls: type[_Value], what: str, **values: Any) -> _Value:
    """Build a model value from live JSON; a payload the model cannot represent is a clear error."""
    try:
        return cls(**values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in error.errors()
        )
        raise ReconcileError(
            f"the live {what} cannot be represented by the model: {problems}",
            hint="this payload shape is not supported yet; please report it with the resource's JSON",
        ) from None


def _optional_tuple(value: Any) -> tuple[Any, ...] | None:
    return None if value is None else tuple(value)


def _items_from_api(d: JsonObject, what: str) -> Items:
    return _build(
        Items,
        what,
        type=d.get("type"),
        link_type=d.get("linkType"),
        validations=tuple(d.get("validations") or ()),
    )


def _field_from_api(d: JsonObject, content_type_id: str) -> Field:
    # Only the keys the model manages are read. Read-only or legacy keys (``apiName`` of web-app content
    # types, ``deleted`` of a deletion step, ``uiid`` of 2014, ``newId``) and any future key are ignored.
    # Missing booleans and validations take the server's defaults (older payloads omit them).
    what = f"field '{d.get('id')}' of content type '{content_type_id}'"
    items = d.get("items")
    return _build(
        Field,
        what,
        id=d.get("id"),
        name=d.get("name"),
        type=d.get("type"),
        link_type=d.get("linkType"),
        items=None if items is None else _items_from_api(items, what),
        localized=bool(d.get("localized", False)),
        required=bool(d.get("required", False)),
        disabled=bool(d.get("disabled", False)),
        omitted=bool(d.get("omitted", False)),
        validations=tuple(d.get("validations") or ()),
        default_value=d.get("defaultValue"),
        allowed_resources=_optional_tuple(d.get("allowedResources")),
    )


def content_type_from_api(d: JsonObject) -> ContentType:
    """A content type from its CMA JSON. Top-level keys the model does not manage go into ``unmanaged``."""
    content_type_id = d["sys"]["id"]
    return _build(
        ContentType,
        f"content type '{content_type_id}'",
        id=content_type_id,
        name=d.get("name"),
        description=d.get("description"),
        display_field=d.get("displayField"),
        fields=tuple(_field_from_api(f, content_type_id) for f in d.get("fields") or ()),
        unmanaged={k: v for k, v in d.items() if k not in _CONTENT_TYPE_KEYS},
    )


def _items_to_api(items: Items) -> JsonObject:
    body: JsonObject = {"type": items.type, "validations": list(items.validations)}
    if items.link_type is not None:
        body["linkType"] = items.link_type
    return body


def _field_to_api(field: Field) -> JsonObject:
    # A rename is sent as the current (old) id plus ``newId`` (facts §4.4).
    body: JsonObject = {"id": field.renamed_from or field.id}
    if field.renamed_from is not None:
        body["newId"] = field.id
    body.update(
        name=field.name,
        type=field.type,
        localized=field.localized,
        required=field.required,
        validations=list(field.validations),
    )
    # The API refuses ``defaultValue: null`` with 422 (facts §3.3): absent means no default.
    if field.default_value is not None:
        body["defaultValue"] = field.default_value
    body.update(disabled=field.disabled, omitted=field.omitted)
    if field.link_type is not None:
        body["linkType"] = field.link_type
    if field.items is not None:
        body["items"] = _items_to_api(field.items)
    if field.allowed_resources is not None:
        body["allowedResources"] = list(field.allowed_resources)
    return body


def _with_unmanaged(body: JsonObject, unmanaged: JsonObject) -> JsonObject:
    """``body`` plus every unmanaged key (never ``sys``) so a full-body PUT never drops them."""
    for key, value in unmanaged.items():
        if key != "sys":
            body.setdefault(key, value)
    return body


def content_type_to_api(ct: ContentType) -> JsonObject:
    """The complete PUT body of a content type: every field property and every unmanaged key."""
    body: JsonObject = {
        "name": ct.name,
        "description": ct.description,
        "displayField": ct.display_field,
        "fields": [_field_to_api(f) for f in ct.fields],
    }
    return _with_unmanaged(body, ct.unmanaged)


def _control_from_api(d: JsonObject, content_type_id: str) -> Control:
    # Controls before ~2018 have no ``widgetNamespace``; auto-created ones since late 2019 only ``fieldId``.
    return _build(
        Control,
        f"editor interface control of '{content_type_id}'",
        field_id=d.get("fieldId"),
        widget_id=d.get("widgetId"),
        widget_namespace=d.get("widgetNamespace"),
        settings=d.get("settings"),
    )


def editor_interface_from_api(d: JsonObject) -> EditorInterface:
    """An editor interface from its CMA JSON, keyed by ``sys.contentType`` (items of the env-wide list have
    no ``sys.id``). ``sidebar`` etc. stay None when absent (Contentful's defaults apply)."""
    content_type_id = _link_id(d.get("sys", {}).get("contentType"))
    if content_type_id is None:
        raise ReconcileError(
            "a live editor interface has no sys.contentType link",
            hint="this payload shape is not supported; please report it with the resource's JSON",
        )
    return _build(
        EditorInterface,
        f"editor interface of '{content_type_id}'",
        content_type_id=content_type_id,
        controls=tuple(_control_from_api(c, content_type_id) for c in d.get("controls") or ()),
        sidebar=_optional_tuple(d.get("sidebar")),
        editors=_optional_tuple(d.get("editors")),
        editor_layout=_optional_tuple(d.get("editorLayout")),
        group_controls=_optional_tuple(d.get("groupControls")),
        unmanaged={k: v for k, v in d.items() if k not in _EDITOR_INTERFACE_KEYS},
    )


def _control_to_api(control: Control) -> JsonObject:
    body: JsonObject = {"fieldId": control.field_id}
    for key, value in (
        ("widgetId", control.widget_id),
        ("widgetNamespace", control.widget_namespace),
        ("settings", control.settings),
    ):
        if value is not None:
            body[key] = value
    return body


def editor_interface_to_api(ei: EditorInterface) -> JsonObject:
    """The complete PUT body of an editor interface. Absent parts are left out, so the API's defaults apply
    (a PUT replaces the whole resource)."""
    body: JsonObject = {"controls": [_control_to_api(c) for c in ei.controls]}
    for key, value in (
        ("sidebar", ei.sidebar),
        ("editors", ei.editors),
        ("editorLayout", ei.editor_layout),
        ("groupControls", ei.group_controls),
    ):
        if value is not None:
            body[key] = list(value)
    return _with_unmanaged(body, ei.unmanaged)


def locale_from_api(d: JsonObject) -> Locale:
    """A locale from its CMA JSON. Ignores ``internal_code`` (server-managed) and the 2014 ``publish`` key;
    2016 payloads spell the fallback ``fallback_code``."""
    code = d.get("code")
    fallback = d["fallbackCode"] if "fallbackCode" in d else d.get("fallback_code")
    return _build(
        Locale,
        f"locale '{code}'",
        code=code,
        name=d.get("name"),
        fallback_code=fallback,
        optional=bool(d.get("optional", False)),
        default=bool(d.get("default", False)),
        content_delivery_api=bool(d.get("contentDeliveryApi", True)),
        content_management_api=bool(d.get("contentManagementApi", True)),
    )


def locale_to_api(loc: Locale) -> JsonObject:
    """The body of a locale create/update. Never sends ``default`` (the default locale is permanent; the JS
    SDK strips it too); sends ``fallbackCode`` explicitly, ``null`` meaning "no fallback" (facts §1.4)."""
    return {
        "code": loc.code,
        "name": loc.name,
        "fallbackCode": loc.fallback_code,
        "optional": loc.optional,
        "contentDeliveryApi": loc.content_delivery_api,
        "contentManagementApi": loc.content_management_api,
    }


def meta_from_api(d: JsonObject, default_sys_id: str | None = None) -> ResourceMeta:
    """The ``sys`` metadata of a resource's JSON (as read, or as a write answered)."""
    sys = d.get("sys", {})
    return ResourceMeta(
        sys_id=sys.get("id", default_sys_id),
        # Every CMA resource has sys.version; 0 only keeps a hand-trimmed export file parseable.
        version=sys.get("version", 0),
        published_version=sys.get("publishedVersion"),
        updated_at=sys.get("updatedAt"),
        updated_by=_link_id(sys.get("updatedBy")),
    )


def parse_environment(raw: RawEnvironment) -> LiveState:
    """The live state of an environment from its raw JSON: the model plus each resource's ``sys`` metadata."""
    meta: dict[str, ResourceMeta] = {}

    def keep(kind: ResourceKind, ident: str, d: JsonObject, default_sys_id: str | None = None) -> None:
        meta[resource_key(kind, ident)] = meta_from_api(d, default_sys_id)

    content_types = {}
    for d in raw.content_types:
        ct = content_type_from_api(d)
        content_types[ct.id] = ct
        keep("content_type", ct.id, d)
    editor_interfaces = {}
    for d in raw.editor_interfaces:
        ei = editor_interface_from_api(d)
        editor_interfaces[ei.content_type_id] = ei
        # The editor interface is a singleton with sys.id "default"; the env-wide list omits the id.
        keep("editor_interface", ei.content_type_id, d, default_sys_id="default")
    locales = {}
    for d in raw.locales:
        loc = locale_from_api(d)
        locales[loc.code] = loc
        keep("locale", loc.code, d)
    model = ContentModel(content_types=content_types, editor_interfaces=editor_interfaces, locales=locales)
    return LiveState(model=model, meta=meta)


def raw_from_export(data: JsonObject) -> RawEnvironment:
    """The content-model part of a ``contentful space export`` JSON file (skipped parts are simply absent)."""
    return RawEnvironment(
        content_types=list(data.get("contentTypes") or ()),
        editor_interfaces=list(data.get("editorInterfaces") or ()),
        locales=list(data.get("locales") or ()),
    )


def entry_from_api(d: JsonObject) -> Entry:
    """An entry from its JSON (as listed, or as a snapshot stored it); the JSON is kept as its ``source``."""
    sys = d.get("sys") or {}
    return Entry(
        id=str(sys.get("id")),
        content_type_id=_link_id(sys.get("contentType")) or "",
        # Every CMA entry has sys.version; 0 only keeps a hand-trimmed export file readable.
        version=int(sys.get("version", 0)),
        published_version=sys.get("publishedVersion"),
        fields=d.get("fields") or {},
        source=d,
    )


def entry_to_api(entry: Entry) -> JsonObject:
    """An entry's JSON for a snapshot: exactly as it was read, when it was read from the API."""
    if entry.source is not None:
        return entry.source
    sys: JsonObject = {
        "id": entry.id,
        "type": "Entry",
        "version": entry.version,
        "contentType": {"sys": {"type": "Link", "linkType": "ContentType", "id": entry.content_type_id}},
    }
    if entry.published_version is not None:
        sys["publishedVersion"] = entry.published_version
    return {"sys": sys, "fields": entry.fields}


def entries_from_export(data: JsonObject) -> list[Entry]:
    """The entries of a snapshot or ``contentful space export`` file that name their content type."""
    return [
        entry_from_api(d)
        for d in data.get("entries") or ()
        if isinstance(_link_id((d.get("sys") or {}).get("contentType")), str)
    ]


def to_export(raw: RawEnvironment, entries: Iterable[Entry]) -> JsonObject:
    """A snapshot's export (the ``contentful space export`` shape) of an environment and some entries."""
    return {
        "contentTypes": raw.content_types,
        "editorInterfaces": raw.editor_interfaces,
        "entries": [entry_to_api(entry) for entry in entries],
        "locales": raw.locales,
    }


# ----------------------------------------------------------------------------------------------------
# HTTP
# ----------------------------------------------------------------------------------------------------


# Requests start (1 + margin) / rate apart. The API counts arrivals in one-second windows, and arrivals
# jitter: with requests exactly 1 / rate apart, a window opened by a late arrival also catches the request
# sent one second after it (measured: 2 429s in a 49-request apply against the emulator limited to 10/s).
# 5% left 40 ms of slack in a 200-write apply at 10/s; 8% absorbs a request delayed by up to 80 ms (a busy
# machine) and still sustains 9.26 requests/second at a limit of 10.
RATE_LIMIT_MARGIN = 0.08


class _Throttle:
    """A thread-safe token bucket of capacity one: requests start at least ``(1 + RATE_LIMIT_MARGIN) / rate``
    seconds apart (at most rate / 1.08 requests per second, so 9.26 at a limit of 10).

    Each caller reserves the next free start time under the lock and sleeps outside it, so threads are served
    in order without holding the lock. ``defer`` pushes the next start time out after a 429, for every thread
    sharing the bucket (the API's limit is per space, not per thread).
    """

    def __init__(self, max_requests_per_second: float | None) -> None:
        if max_requests_per_second is not None and max_requests_per_second <= 0:
            raise ReconcileError(f"max_requests_per_second must be positive, not {max_requests_per_second}")
        self._interval = (1.0 + RATE_LIMIT_MARGIN) / max_requests_per_second if max_requests_per_second else 0.0
        self._lock = threading.Lock()
        self._next_start = 0.0

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + self._interval
        if start > now:
            time.sleep(start - now)

    def defer(self, seconds: float) -> None:
        with self._lock:
            self._next_start = max(self._next_start, time.monotonic() + seconds)


def _rate_limit_wait(response: requests.Response) -> float:
    """Seconds to wait after a 429, from ``X-Contentful-RateLimit-Reset`` (seconds until the next request is
    allowed, facts §6)."""
    try:
        reset = float(response.headers["X-Contentful-RateLimit-Reset"])
    except (KeyError, ValueError):
        return DEFAULT_RATE_LIMIT_WAIT
    return max(reset, MIN_RATE_LIMIT_WAIT)


# The SDK has no type information, so ``Client`` is ``Any`` to mypy and subclassing it is refused under strict
# (disallow_subclassing_any); the subclass is the point (see the docstring), and ``raw`` below is the typed
# boundary through which the rest of this module calls the SDK.
class _SdkClient(Client):  # type: ignore[misc]
    """The SDK client with a timeout, a request counter, client-side rate limiting and 429 retries.

    ``_http_request`` is the one method through which the SDK sends every request, so overriding it here
    covers all of them. This class is in charge of 429s: it waits for the announced reset and retries, and
    after the last retry hands the 429 response back to the SDK, so the SDK's own retry loop (disabled with
    ``max_rate_limit_retries=0``) never runs and never sleeps.
    """

    def __init__(self, *, token: str, api_url: str, https: bool, timeout: float, throttle: _Throttle) -> None:
        super().__init__(token, api_url=api_url, https=https, raw_mode=True, max_rate_limit_retries=0)
        self.timeout = timeout
        self.throttle = throttle
        self._count_lock = threading.Lock()
        self.request_count = 0

    def _http_request(
        self, method: str, url: str, request_kwargs: dict[str, Any] | None = None
    ) -> requests.Response:
        retries = 0
        read_pauses = list(READ_RETRY_PAUSES) if method.lower() == "get" else []
        while True:
            self.throttle.acquire()
            with self._count_lock:
                self.request_count += 1
            kwargs = dict(request_kwargs or {}, timeout=self.timeout)
            try:
                response: requests.Response = super()._http_request(method, url, kwargs)
            except RateLimitExceededError as error:
                # The SDK is untyped: its HTTP errors keep the requests.Response they were raised for.
                rate_limited = cast(requests.Response, error.response)
                wait = _rate_limit_wait(rate_limited)
                if retries == MAX_RATE_LIMIT_RETRIES or wait > MAX_RATE_LIMIT_WAIT:
                    return rate_limited
                retries += 1
                self.throttle.defer(wait)
                continue
            except requests.RequestException:
                if not read_pauses:
                    raise
                time.sleep(read_pauses.pop(0))
                continue
            if response.status_code in TRANSIENT_STATUSES and read_pauses:
                time.sleep(read_pauses.pop(0))
                continue
            return response

    def raw(self, method: str, path: str, payload: Any, headers: dict[str, str]) -> requests.Response:
        """One request through the SDK's raw layer (``_get/_put/_post/_delete``) for ``method``."""
        if method == "delete":
            response = self._delete(path, headers=headers)
        else:
            response = getattr(self, f"_{method}")(path, payload, headers=headers)
        # The SDK is untyped; in raw_mode its request methods answer with the requests.Response itself.
        return cast(requests.Response, response)

    def __repr__(self) -> str:  # the SDK's repr shows the token
        return f"<_SdkClient api_url={self.api_url!r}>"


# Messages for error bodies without a ``message`` (a 409 VersionMismatch has none: facts §3.2).
_DEFAULT_ERROR_MESSAGES = {
    409: "version mismatch: the resource was changed since it was read (re-read it and retry)",
    429: "rate limit exceeded, and the wait the API asked for was too long or retries ran out",
}


def _describe_detail_error(error: Any) -> str:
    if not isinstance(error, dict):
        return str(error)
    text = str(error.get("details") or error.get("name") or "invalid")
    if "path" in error:
        path = error["path"]
        text += f" at {'.'.join(map(str, path)) if isinstance(path, list) else path}"
    if "value" in error:
        text += f" (value {json.dumps(error['value'])})"
    return text


def _describe_error(status: int, reason: str, body: Any) -> str:
    """A one-line message from an error body: its ``message`` and what its ``details`` say."""
    if not isinstance(body, dict):
        return reason or f"HTTP {status} without a JSON body"
    message = body.get("message") or _DEFAULT_ERROR_MESSAGES.get(status) or reason or "no message"
    details = body.get("details")
    errors = details.get("errors") if isinstance(details, dict) else None
    if isinstance(errors, list) and errors:
        message += ": " + "; ".join(_describe_detail_error(e) for e in errors)
    elif details and errors is None:
        # e.g. 404 {type, id, ...}, 400 UnknownKey {keys}, 400 MissingKey {key}, 403 {reasons}
        message += f" ({json.dumps(details, sort_keys=True)})"
    return message


def _response_json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class Backend:
    """The CMA operations the tool needs, against one environment of one space.

    Every failure (HTTP error, connection error, timeout) is raised as ``ApiError`` naming the operation, the
    resource and the API's message; the token never appears in any message.
    """

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        space_id: str,
        environment_id: str,
        timeout: float = 30.0,
        max_requests_per_second: float | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ReconcileError(
                f"base_url {base_url!r} is not an http(s) URL",
                hint='use "https://api.contentful.com" or "http://127.0.0.1:PORT"',
            )
        if not token:
            raise ReconcileError(
                "no CMA token given", hint="set the token environment variable of the target"
            )
        self._base_url = base_url
        self._space_id = space_id
        self._environment_id = environment_id
        self._token = token
        self._timeout = timeout
        self._max_requests_per_second = max_requests_per_second
        self._client = _SdkClient(
            token=token,
            api_url=parts.netloc + parts.path.rstrip("/"),
            https=parts.scheme == "https",
            timeout=timeout,
            throttle=_Throttle(max_requests_per_second),
        )

    def __repr__(self) -> str:
        return f"Backend({self._base_url!r}, space={self._space_id!r}, environment={self._environment_id!r})"

    @property
    def timeout(self) -> float:
        """Seconds each request may take before it is given up."""
        return self._timeout

    @property
    def request_count(self) -> int:
        """HTTP requests this Backend sent, retries included."""
        return self._client.request_count

    # ---- plumbing ----------------------------------------------------------------------------------------

    @property
    def _space_path(self) -> str:
        return f"spaces/{self._space_id}"

    @property
    def _env_path(self) -> str:
        return f"{self._space_path}/environments/{self._environment_id}"

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "<token>")

    def _send(
        self,
        operation: str,
        resource: str,
        method: str,
        path: str,
        payload: Any = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """One request through the SDK's raw layer; any failure becomes ``ApiError``."""
        try:
            response = self._client.raw(method, path, payload, headers or {})
        except requests.RequestException as error:
            # The exception names the URL (never the token, which travels in a header); scrub anyway.
            message = self._scrub(f"{type(error).__name__}: {error}")
            raise ApiError(operation, resource, None, message,
                           timed_out=isinstance(error, requests.Timeout)) from None
        if response.status_code >= 300:
            body = _response_json(response)
            raise ApiError(
                operation,
                resource,
                response.status_code,
                self._scrub(_describe_error(response.status_code, response.reason, body)),
                error_id=body.get("sys", {}).get("id") if isinstance(body, dict) else None,
                details=body.get("details") if isinstance(body, dict) else None,
            )
        return response

    def _send_json(
        self,
        operation: str,
        resource: str,
        method: str,
        path: str,
        payload: Any = None,
        headers: dict[str, str] | None = None,
    ) -> JsonObject:
        response = self._send(operation, resource, method, path, payload, headers)
        body = _response_json(response)
        if not isinstance(body, dict):
            raise ApiError(
                operation, resource, response.status_code, "the response body is not a JSON object"
            )
        return body

    def _list_all(
        self, operation: str, resource: str, path: str, query: JsonObject, limit: int
    ) -> list[JsonObject]:
        """Every item of a collection: page with ``skip`` until ``skip >= total``."""
        items: list[JsonObject] = []
        while True:
            page = self._send_json(
                operation,
                resource,
                "get",
                path,
                {**query, "skip": len(items), "limit": limit, "order": PAGE_ORDER},
            )
            batch = page.get("items") or []
            items.extend(batch)
            if not batch or len(items) >= page.get("total", 0):
                return items

    @staticmethod
    def _version(version: int) -> dict[str, str]:
        return {"X-Contentful-Version": str(version)}

    def _publish(self, resource: str, path: str, version: int) -> JsonObject:
        """Publish the draft of the resource at ``path`` (content type or entry) at ``version``."""
        return self._send_json("publish", resource, "put", f"{path}/published", headers=self._version(version))

    def _unpublish(self, resource: str, path: str, version: int) -> JsonObject:
        """Unpublish the resource at ``path`` (content type or entry) at ``version``."""
        return self._send_json("unpublish", resource, "delete", f"{path}/published", headers=self._version(version))

    # ---- content model -----------------------------------------------------------------------------------

    def read_raw(self) -> RawEnvironment:
        """The environment's content types, editor interfaces and locales: three requests for a small one."""
        env = f"environment '{self._environment_id}'"
        content_types = self._list_all(
            "list", f"content types of {env}", f"{self._env_path}/content_types", {}, PAGE_LIMIT
        )
        # The env-wide editor interface list has no paging keys and returns every item (facts §1.3).
        editor_interfaces = (
            self._send_json(
                "list", f"editor interfaces of {env}", "get", f"{self._env_path}/editor_interfaces"
            ).get("items")
            or []
        )
        locales = self._list_all("list", f"locales of {env}", f"{self._env_path}/locales", {}, PAGE_LIMIT)
        return RawEnvironment(content_types, editor_interfaces, locales)

    def read_live(self) -> LiveState:
        return parse_environment(self.read_raw())

    def put_content_type(self, ct: ContentType, version: int | None) -> JsonObject:
        """Create (``version`` None) or fully replace a content type's draft."""
        return self._send_json(
            "create" if version is None else "update",
            f"content type '{ct.id}'",
            "put",
            f"{self._env_path}/content_types/{ct.id}",
            content_type_to_api(ct),
            None if version is None else self._version(version),
        )

    def publish_content_type(self, ct_id: str, version: int) -> JsonObject:
        return self._publish(f"content type '{ct_id}'", f"{self._env_path}/content_types/{ct_id}", version)

    def unpublish_content_type(self, ct_id: str, version: int) -> JsonObject:
        return self._unpublish(f"content type '{ct_id}'", f"{self._env_path}/content_types/{ct_id}", version)

    def delete_content_type(self, ct_id: str) -> None:
        # No version header: the API does not need one for deletes (facts §1.2).
        self._send("delete", f"content type '{ct_id}'", "delete", f"{self._env_path}/content_types/{ct_id}")

    def put_editor_interface(self, ei: EditorInterface, version: int) -> JsonObject:
        return self._send_json(
            "update",
            f"editor interface of '{ei.content_type_id}'",
            "put",
            f"{self._env_path}/content_types/{ei.content_type_id}/editor_interface",
            editor_interface_to_api(ei),
            self._version(version),
        )

    def create_locale(self, locale: Locale) -> JsonObject:
        # Locales are created only by POST; their sys.id is random, not the code (facts §1.4).
        return self._send_json(
            "create", f"locale '{locale.code}'", "post", f"{self._env_path}/locales", locale_to_api(locale)
        )

    def update_locale(self, sys_id: str, locale: Locale, version: int) -> JsonObject:
        return self._send_json(
            "update",
            f"locale '{locale.code}'",
            "put",
            f"{self._env_path}/locales/{sys_id}",
            locale_to_api(locale),
            self._version(version),
        )

    def delete_locale(self, sys_id: str) -> None:
        self._send("delete", f"locale with id '{sys_id}'", "delete", f"{self._env_path}/locales/{sys_id}")

    # ---- entries -----------------------------------------------------------------------------------------

    @staticmethod
    def _is_unknown_content_type(error: ApiError) -> bool:
        # GET /entries?content_type=<never published CT> is 400 InvalidQuery unknownContentType (facts §10.7):
        # such a content type has no entries.
        errors = error.details.get("errors") if isinstance(error.details, dict) else None
        return (
            error.status == 400
            and isinstance(errors, list)
            and any(isinstance(e, dict) and e.get("name") == "unknownContentType" for e in errors)
        )

    def count_entries(self, ct_id: str) -> int:
        """The number of entries (drafts included) of a content type, in one request."""
        try:
            page = self._send_json(
                "count",
                f"entries of content type '{ct_id}'",
                "get",
                f"{self._env_path}/entries",
                {"content_type": ct_id, "limit": 1, "select": "sys"},
            )
        except ApiError as error:
            if self._is_unknown_content_type(error):
                return 0
            raise
        return int(page.get("total", 0))

    def fetch_entries(self, ct_id: str | None = None) -> list[Entry]:
        """Every entry (of one content type, or all), with the values of all locales."""
        query = {} if ct_id is None else {"content_type": ct_id}
        what = "entries" if ct_id is None else f"entries of content type '{ct_id}'"
        try:
            items = self._list_all("list", what, f"{self._env_path}/entries", query, ENTRY_PAGE_LIMIT)
        except ApiError as error:
            if self._is_unknown_content_type(error):
                return []
            raise
        return [entry_from_api(item) for item in items]

    def put_entry(self, entry_id: str, ct_id: str, fields: JsonObject, version: int | None) -> Entry:
        """Create (``version`` None; the content type travels in ``X-Contentful-Content-Type``) or replace an
        entry."""
        headers = {"X-Contentful-Content-Type": ct_id} if version is None else self._version(version)
        operation = "create" if version is None else "update"
        path, resource = f"{self._env_path}/entries/{entry_id}", f"entry '{entry_id}'"
        return entry_from_api(self._send_json(operation, resource, "put", path, {"fields": fields}, headers))

    def publish_entry(self, entry_id: str, version: int) -> Entry:
        return entry_from_api(self._publish(f"entry '{entry_id}'", f"{self._env_path}/entries/{entry_id}", version))

    def unpublish_entry(self, entry_id: str, version: int) -> Entry:
        return entry_from_api(self._unpublish(f"entry '{entry_id}'", f"{self._env_path}/entries/{entry_id}", version))

    def delete_entry(self, entry_id: str) -> None:
        self._send("delete", f"entry '{entry_id}'", "delete", f"{self._env_path}/entries/{entry_id}")

    # ---- environments ------------------------------------------------------------------------------------

    def _environment_path(self, env_id: str) -> str:
        return f"{self._space_path}/environments/{env_id}"

    def clone_environment(self, new_env_id: str, source_env_id: str) -> JsonObject:
        """Start cloning ``source_env_id`` into a new environment; it is ``queued`` until ready."""
        return self._send_json(
            "create",
            f"environment '{new_env_id}' (clone of '{source_env_id}')",
            "put",
            self._environment_path(new_env_id),
            {"name": new_env_id},
            {"X-Contentful-Source-Environment": source_env_id},
        )

    def wait_until_ready(self, env_id: str, timeout: float = 300.0) -> JsonObject:
        """Poll an environment until its status is ``ready``; ``failed`` or a timeout raise ReconcileError."""
        deadline = time.monotonic() + timeout
        delay = 0.1
        while True:
            env = self._send_json("read", f"environment '{env_id}'", "get", self._environment_path(env_id))
            status = _link_id(env.get("sys", {}).get("status"))
            if status == "ready":
                return env
            if status == "failed":
                raise ReconcileError(
                    f"environment '{env_id}' failed to be created",
                    hint="delete it and try again; check the space's environment limits",
                )
            if time.monotonic() + delay > deadline:
                raise ReconcileError(
                    f"environment '{env_id}' is not ready after {timeout:g}s (status {status!r})",
                    hint="large environments take longer to clone; wait and retry, or raise the timeout",
                )
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    def delete_environment(self, env_id: str) -> None:
        self._send("delete", f"environment '{env_id}'", "delete", self._environment_path(env_id))

    def for_environment(self, env_id: str) -> Backend:
        """A Backend for another environment of the same space, sharing this one's rate limit (the API limits
        a space, not an environment) but counting its own requests."""
        other = Backend(
            base_url=self._base_url,
            token=self._token,
            space_id=self._space_id,
            environment_id=env_id,
            timeout=self._timeout,
            max_requests_per_second=self._max_requests_per_second,
        )
        other._client.throttle = self._client.throttle
        return other
