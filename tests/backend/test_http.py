"""Transport behaviour that needs a misbehaving server: timeouts, refused connections, recorded real
error bodies and 429s. Servers are tiny stdlib servers on 127.0.0.1 (``servers.py``)."""

from __future__ import annotations

import time

import pytest

from reconcile.backend import MAX_RATE_LIMIT_RETRIES, READ_RETRY_PAUSES, Backend
from reconcile.errors import ApiError, ReconcileError

from .servers import ReplayServer, Reply, SilentServer, closed_port_url

SENTINEL = "SENTINEL-TOKEN-9c2b"
RATE_LIMITED = {
    "sys": {"type": "Error", "id": "RateLimitExceeded"},
    "message": "You have exceeded the rate limit of this Space by making too many API requests within a "
    "short timespan. Please wait a moment before trying the request again.",
}


def backend_at(base_url: str, **kwargs: object) -> Backend:
    options: dict[str, object] = {"token": SENTINEL, "space_id": "sp", "environment_id": "master"}
    options.update(kwargs)
    return Backend(base_url=base_url, **options)  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_server_that_never_answers_times_out(silent_server: SilentServer) -> None:
    backend = backend_at(silent_server.base_url, timeout=0.5)
    started = time.monotonic()

    with pytest.raises(ApiError) as error:
        backend.count_entries("post")

    # A read is tried three times (READ_RETRY_PAUSES), each cut off by the 0.5 s timeout.
    assert time.monotonic() - started < 0.5 * 3 + sum(READ_RETRY_PAUSES) + 1.0
    assert error.value.status is None
    assert "count entries of content type 'post' failed: network error" in str(error.value)
    assert "timed out" in error.value.api_message.lower()
    # the server may still carry out a request that timed out: a rollback lets it settle first
    assert error.value.timed_out and error.value.outcome_unknown
    assert backend.request_count == 1 + len(READ_RETRY_PAUSES)


def test_a_refused_connection_names_the_failure_without_the_token() -> None:
    backend = backend_at(closed_port_url())

    with pytest.raises(ApiError) as error:
        backend.delete_content_type("post")

    assert error.value.status is None
    assert str(error.value).startswith("delete content type 'post' failed: network error: ConnectionError")
    assert not error.value.timed_out and not error.value.outcome_unknown  # never reached a server
    assert SENTINEL not in str(error.value) and SENTINEL not in repr(error.value)
    assert error.value.__cause__ is None and error.value.__suppress_context__


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        # Recorded real bodies (facts §3.2, §10.4): 401, 404 with details, 409 without message, 422 taken,
        # 400 UnknownKey, 503 with an empty body.
        (
            401,
            {
                "sys": {"type": "Error", "id": "AccessTokenInvalid"},
                "message": "The access token you sent could not be found or is invalid.",
                "requestId": "1",
            },
            "HTTP 401 AccessTokenInvalid: The access token you sent could not be found or is invalid.",
        ),
        (
            404,
            {
                "sys": {"type": "Error", "id": "NotFound"},
                "message": "The resource could not be found.",
                "details": {"type": "ContentType", "id": "post", "environment": "master", "space": "sp"},
            },
            'HTTP 404 NotFound: The resource could not be found. ({"environment": "master", "id": "post", '
            '"space": "sp", "type": "ContentType"})',
        ),
        (
            409,
            {"sys": {"type": "Error", "id": "VersionMismatch"}, "requestId": "2"},
            "HTTP 409 VersionMismatch: version mismatch: the resource was changed since it was read",
        ),
        (
            422,
            {
                "sys": {"type": "Error", "id": "ValidationFailed"},
                "message": "Validation error",
                "details": {"errors": [{"name": "type", "path": ["fields", 0, "defaultValue"], "value": None}]},
            },
            "HTTP 422 ValidationFailed: Validation error: type at fields.0.defaultValue (value null)",
        ),
        (
            400,
            {
                "sys": {"type": "Error", "id": "UnknownKey"},
                "message": "The body you sent contains an unknown key.",
                "details": {"keys": ["unknown_key"]},
            },
            'HTTP 400 UnknownKey: The body you sent contains an unknown key. ({"keys": ["unknown_key"]})',
        ),
        (503, None, "HTTP 503: Service Unavailable"),
    ],
    ids=["401", "404", "409", "422", "400-unknown-key", "503-empty"],
)
def test_error_bodies_become_one_clear_message(replay: ReplayServer, status: int, body: object, expected: str) -> None:
    replay.routes["/content_types/post"] = Reply(status, body)

    with pytest.raises(ApiError) as error:
        backend_at(replay.base_url).delete_content_type("post")

    assert str(error.value).startswith(f"delete content type 'post' failed: {expected}")
    assert error.value.status == status


def test_429s_are_retried_a_bounded_number_of_times(replay: ReplayServer) -> None:
    empty = {"sys": {"type": "Array"}, "total": 0, "skip": 0, "limit": 1000, "items": []}
    replay.routes["/content_types"] = replay.routes["/editor_interfaces"] = Reply(200, empty)
    replay.routes["/locales"] = Reply(429, RATE_LIMITED, {"X-Contentful-RateLimit-Reset": "0"})
    backend = backend_at(replay.base_url)

    with pytest.raises(ApiError) as error:
        backend.read_live()

    assert error.value.status == 429 and error.value.error_id == "RateLimitExceeded"
    assert backend.request_count == len(replay.seen) == 2 + MAX_RATE_LIMIT_RETRIES + 1


def test_a_429_announcing_a_long_wait_fails_at_once(replay: ReplayServer) -> None:
    replay.routes["/content_types"] = Reply(429, RATE_LIMITED, {"X-Contentful-RateLimit-Reset": "3600"})
    backend = backend_at(replay.base_url)

    with pytest.raises(ApiError, match="HTTP 429 RateLimitExceeded: You have exceeded the rate limit"):
        backend.read_raw()

    assert backend.request_count == 1


@pytest.mark.parametrize(
    ("base_url", "token", "message"),
    [
        ("ftp://example.com", "t", "is not an http"),
        ("127.0.0.1:8000", "t", "is not an http"),
        ("http://127.0.0.1:1", "", "no CMA token"),
    ],
)
def test_bad_configuration_is_refused_before_any_request(base_url: str, token: str, message: str) -> None:
    with pytest.raises(ReconcileError, match=message):
        Backend(base_url=base_url, token=token, space_id="sp", environment_id="master")


def test_a_token_echoed_by_a_server_is_scrubbed(replay: ReplayServer) -> None:
    echo = {"sys": {"type": "Error", "id": "BadRequest"}, "message": f"bad header: Bearer {SENTINEL}"}
    replay.routes["/content_types/post"] = Reply(400, echo)

    with pytest.raises(ApiError) as error:
        backend_at(replay.base_url).delete_content_type("post")

    assert "bad header: Bearer <token>" in str(error.value) and SENTINEL not in str(error.value)
