"""The error the emulator's rules raise, rendered by the server as a CMA error body."""

from __future__ import annotations

from typing import Any


class CmaError(Exception):
    """A CMA error response: ``{"sys":{"type":"Error","id":…},"message"?,"details"?,"requestId"}``.

    ``message`` and ``details`` are left out of the body when ``None``, as the real API does
    (e.g. 409 VersionMismatch carries no message, 404 for locales carries no details).
    """

    def __init__(
        self,
        status: int,
        error_id: str,
        message: str | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(f"{status} {error_id}: {message}")
        self.status = status
        self.error_id = error_id
        self.message = message
        self.details = details


def bad_request(message: str) -> CmaError:
    return CmaError(400, "BadRequest", message)


def version_mismatch(missing: bool = False) -> CmaError:
    """409: no message for a wrong version, the 2022 wording for a missing header [facts 3.1]."""
    if missing:
        return CmaError(
            409,
            "VersionMismatch",
            'Please pass sys.version as HTTP header "X-Contentful-Version"',
        )
    return CmaError(409, "VersionMismatch")


def not_found(details: dict[str, Any] | None = None) -> CmaError:
    return CmaError(404, "NotFound", "The resource could not be found.", details)


def unknown_route() -> CmaError:
    return CmaError(
        404,
        "UnknownRoute",
        "The path you tried to reach is unknown or doesn't support this HTTP method.",
    )


def validation_failed(errors: list[dict[str, Any]], message: str = "Validation error") -> CmaError:
    return CmaError(422, "ValidationFailed", message, {"errors": errors})


def invalid_query(message: str, errors: list[dict[str, Any]] | None = None) -> CmaError:
    return CmaError(400, "InvalidQuery", message, {"errors": errors or []})
