"""The werkzeug WSGI app: routing, auth, error bodies, rate limit, faults and the request log.

Each request goes through, in order: the rate limit (429), the bearer token (401), injected faults,
then the route (404 UnknownRoute), JSON body parsing (400) and the endpoint (endpoints.py), under the store's
lock. After every successful write the rows it changed are committed (persist.py) before the response.
Every request, whatever its outcome, is logged.
"""

from __future__ import annotations

import hashlib
import json
import math
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map
from werkzeug.wrappers import Request, Response

from reconcile.emulator.common import ACTING_USER, USER_ID, Json
from reconcile.emulator.endpoints import Endpoints, rules
from reconcile.emulator.errors import CmaError, bad_request, unknown_route, version_mismatch
from reconcile.emulator.faults import Faults
from reconcile.emulator.limits import ResponseLimit
from reconcile.emulator.listing import Listing, compact_length
from reconcile.emulator.memory import collector_paused
from reconcile.emulator.queries import check_query
from reconcile.emulator.store import Store
from reconcile.emulator.users import TokenUser, Users

CONTENT_TYPE = "application/vnd.contentful.management.v1+json"


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the emulator saw it (the Authorization header is redacted)."""

    method: str
    path: str
    query: dict[str, str]
    status: int
    headers: dict[str, str]
    body: Any
    time: float


class DroppedConnection(ConnectionAbortedError):
    """Raised inside the app to make werkzeug close the socket without writing a response."""


class RateLimiter:
    """A fixed one-second window: at most ``floor(per_second)`` (at least 1) requests per window.

    The window starts with the first request after the previous one expired. Thread-safe.
    """

    def __init__(self, per_second: float | None, now: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._now = now
        self._window_start = -math.inf
        self._count = 0
        self.set(per_second)

    def set(self, per_second: float | None) -> None:
        with self._lock:
            self.limit = None if per_second is None else max(1, math.floor(per_second))

    def acquire(self) -> tuple[bool, dict[str, str]]:
        """Count one request; return whether it may proceed and the rate-limit headers."""
        with self._lock:
            if self.limit is None:
                return True, {}
            now = self._now()
            if now - self._window_start >= 1.0:
                self._window_start, self._count = now, 0
            allowed = self._count < self.limit
            if allowed:
                self._count += 1
            headers = {
                "X-Contentful-RateLimit-Second-Limit": str(self.limit),
                "X-Contentful-RateLimit-Second-Remaining": str(self.limit - self._count),
                # Whole seconds until a request is allowed again: 0 when not limited [facts 6].
                "X-Contentful-RateLimit-Reset": "0" if allowed else "1",
            }
            return allowed, headers


class EmulatorApp:
    """The WSGI application. ``store``, ``faults`` and the rate limiter are shared with ``Emulator``.

    ``keep_log``: keep every request in ``request_log`` (for tests, through ``Emulator``); ``serve``,
    which nobody can ask for it, keeps none (a log of every body grew without bound).
    """

    def __init__(self, store: Store, token: str, faults: Faults, rate_limiter: RateLimiter,
                 users: Sequence[TokenUser] = (), response_limit: ResponseLimit | None = None, *,
                 keep_log: bool = True) -> None:
        self.store = store
        self.response_limit = response_limit or ResponseLimit()  # the API's 7 MB answer limit (limits.py)
        self.token = token
        self.keep_log = keep_log
        # The user each accepted token acts as: the main token is the fixed emulator user.
        self.acting = {token: USER_ID, **{user.token: user.user_id for user in users}}
        self.users = Users(store, users)
        with store.lock:
            self.users.seed(users)
            store.save()
        self.faults = faults
        self.rate_limiter = rate_limiter
        self.endpoints = Endpoints(store, self.users)
        self.url_map = Map(rules(), strict_slashes=False)
        self._log_lock = threading.Lock()
        self._log: list[LoggedRequest] = []

    # ------------------------------------------------------------------------- request log

    @property
    def request_log(self) -> list[LoggedRequest]:
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def _record(self, request: Request, status: int) -> None:
        headers = dict(request.headers)
        if "Authorization" in headers:
            headers["Authorization"] = "Bearer <redacted>"
        try:
            body = json.loads(request.get_data()) if request.get_data() else None
        except ValueError:
            body = None
        entry = LoggedRequest(request.method, request.path, dict(request.args.items()), status,
                              headers, body, time.time())  # fmt: skip
        with self._log_lock:
            self._log.append(entry)

    # ------------------------------------------------------------------------------- WSGI

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        status = 0
        try:
            response = self._handle(request)
            status = response.status_code
        except DroppedConnection:
            status = 0  # no response was sent
            raise
        finally:
            if self.keep_log:
                self._record(request, status)
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        allowed, limit_headers = self.rate_limiter.acquire()
        if not allowed:
            error = CmaError(
                429, "RateLimitExceeded",
                "You have exceeded the rate limit of this Space by making too many API requests "
                "within a short timespan. Please wait a moment before trying the request again.",
            )  # fmt: skip
            return self._error(error, limit_headers)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user_id = self.acting.get(token) if scheme == "Bearer" else None
        if user_id is None:
            error = CmaError(401, "AccessTokenInvalid",
                             "The access token you sent could not be found or is invalid.")  # fmt: skip
            return self._error(error, limit_headers)
        fault = self.faults.take(request.method, request.path)
        if fault is not None:
            if fault.before is not None:  # someone else's requests at this moment (outside the store's lock)
                fault.before()
            if fault.action == "drop":
                # Read the body first: once the socket is shut it cannot be read, and the request log
                # (which records the body) would lose the request.
                request.get_data()
                # Shut the socket so the client sees the connection end (werkzeug would otherwise
                # keep an HTTP/1.1 connection open), then let werkzeug skip the response.
                request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
                raise DroppedConnection("fault injection: connection dropped")
            if fault.action == "delay":
                time.sleep(fault.delay)
            elif fault.action == "503":  # 503 comes with an empty body [facts 3.2]
                return self._response(503, None, limit_headers)
            elif fault.action == "409":
                return self._error(version_mismatch(), limit_headers)
            else:
                return self._error(CmaError(500, "ServerError", "Internal Server Error"),
                                   limit_headers)  # fmt: skip
        try:
            status, body, headers = self._dispatch(request, user_id)
        except CmaError as error:
            return self._error(error, limit_headers)
        headers.update(limit_headers)
        response = self._response(status, body, headers)
        too_big = self.response_limit.refusal(request.method, *_sizes(body, response))
        return response if too_big is None else self._error(too_big, limit_headers)

    def _dispatch(self, request: Request, user_id: str) -> tuple[int, Json | Listing | None, dict[str, str]]:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except (NotFound, MethodNotAllowed):
            raise unknown_route() from None
        if request.method == "GET":
            check_query(endpoint, request.args)
        body: Any = None
        if endpoint == "uploads":  # the file's raw bytes (emulator/uploads.py)
            body = request.get_data()
        elif request.method in ("PUT", "POST", "PATCH"):
            body = _json_body(request)
        with self.store.lock, collector_paused():
            acting = ACTING_USER.set(user_id)  # the writes of this request carry its token's user
            try:
                result = self.endpoints.answer(endpoint, request, body, args)
            finally:
                ACTING_USER.reset(acting)
                # Also after a refused write, which may have changed something before it was refused.
                if request.method == "GET":
                    self.store.let_go()  # of the resources the read parsed (persist.py)
                else:
                    self.store.save()
        payload: Json | Listing | None
        if isinstance(result, tuple):
            status, payload = result
        else:
            status, payload = (200 if result is not None else 204), result
        headers: dict[str, str] = {}
        if status == 201 and isinstance(payload, dict) and payload["sys"]["type"] == "Locale":
            # The 2018 recording omits the environment segment; we keep it so the URL works.
            headers["Location"] = f"{request.host_url}{request.path.lstrip('/')}/{payload['sys']['id']}"
        return status, payload, headers

    # ------------------------------------------------------------------------- responses

    def _response(self, status: int, body: Json | Listing | None, headers: dict[str, str]) -> Response:
        if isinstance(body, Listing):  # encoded and sent a piece at a time, never joined (listing.py)
            response = Response(body.pieces(), status=status, content_type=CONTENT_TYPE)
            response.headers["Content-Length"] = str(body.size())  # where set_data puts it, for the same headers
            whole = hashlib.sha1()
            for piece in body.pieces():
                whole.update(piece)
            digest: hashlib._Hash | None = whole
        else:
            data = b"" if body is None else json.dumps(body).encode()
            response = Response(data, status=status, content_type=CONTENT_TYPE if data else None)
            if not data:
                response.headers.remove("Content-Type")
            digest = hashlib.sha1(data) if data else None
        response.headers["X-Contentful-Request-Id"] = uuid.uuid4().hex
        if digest is not None:
            response.headers["ETag"] = f'"{int(digest.hexdigest()[:16], 16)}"'
        for key, value in headers.items():
            response.headers[key] = value
        return response

    def _error(self, error: CmaError, headers: dict[str, str]) -> Response:
        body: Json = {"sys": {"type": "Error", "id": error.error_id}}
        if error.message is not None:
            body["message"] = error.message
        if error.details is not None:
            body["details"] = error.details
        response = self._response(error.status, body, headers)
        body_id = response.headers["X-Contentful-Request-Id"]
        body["requestId"] = body_id
        response.set_data(json.dumps(body).encode())
        return response


def _sizes(body: Json | Listing | None, response: Response) -> tuple[int, Callable[[], int]]:
    """The size of the body as sent, and how to measure it written compact (limits.py)."""
    if isinstance(body, Listing):
        return body.size(), body.compact_size
    data = response.get_data()
    return len(data), lambda: compact_length(data.decode())


def _json_body(request: Request) -> Any:
    """The parsed body; an empty body is ``{}`` (publish needs none) [facts 10.6]."""
    raw = request.get_data(as_text=True)
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise bad_request(f"Invalid JSON in request body: {raw}") from None  # [REC JAVA]
