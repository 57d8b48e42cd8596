"""HTTP through the official SDK: the client-side throttle, the SDK client with a timeout and 429 retries,
and the wording of the API's error answers."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, cast

import requests
from contentful_management import Client
from contentful_management.errors import RateLimitExceededError

from reconcile.errors import ReconcileError

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




# Requests start (1 + margin) / rate apart. The API counts arrivals in one-second windows, and arrivals
# jitter: with requests exactly 1 / rate apart, a window opened by a late arrival also catches the request
# sent one second after it (measured: 2 429s in a 49-request apply against the emulator limited to 10/s).
# 5% left 40 ms of slack in a 200-write apply at 10/s; 8% absorbs a request delayed by up to 80 ms (a busy
# machine) and still sustains 9.26 requests/second at a limit of 10.
RATE_LIMIT_MARGIN = 0.08


class Throttle:
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
class SdkClient(Client):  # type: ignore[misc]
    """The SDK client with a timeout, a request counter, client-side rate limiting and 429 retries.

    ``_http_request`` is the one method through which the SDK sends every request, so overriding it here
    covers all of them. This class is in charge of 429s: it waits for the announced reset and retries, and
    after the last retry hands the 429 response back to the SDK, so the SDK's own retry loop (disabled with
    ``max_rate_limit_retries=0``) never runs and never sleeps.
    """

    def __init__(self, *, token: str, api_url: str, https: bool, timeout: float, throttle: Throttle) -> None:
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
        return f"<SdkClient api_url={self.api_url!r}>"


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


def describe_error(status: int, reason: str, body: Any) -> str:
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


def response_json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
