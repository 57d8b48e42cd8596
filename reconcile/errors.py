"""The project's own error types. Every expected failure is one of these; the CLI prints its message
(never a traceback) and exits with ``ERROR`` (or ``BLOCKED`` for a policy refusal)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reconcile.wording import count


class ReconcileError(Exception):
    """An expected failure with a message fit for a user: what is wrong and how to fix it."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  fix: {self.hint}"


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is, what is wrong, how to fix it. A ``warning`` is shown but
    fails no command (Contentful accepts the input: ``validate.references``)."""

    file: str
    path: str
    message: str
    hint: str = ""
    line: int | None = None
    column: int | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{text} (fix: {self.hint})" if self.hint else text


def split_warnings(problems: Iterable[Problem]) -> tuple[list[Problem], list[Problem]]:
    """The ``problems`` that fail a command, and the warnings among them."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for problem in problems:
        (warnings if problem.warning else errors).append(problem)
    return errors, warnings


class InputError(ReconcileError):
    """Bad input (model files, config, snapshot, plan file). Carries every problem found at once."""

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        self.problems = problems
        head = summary or f"{count(len(problems), 'problem')} in the input"
        super().__init__(head + "".join(f"\n  - {p}" for p in problems))


@dataclass
class ApiError(ReconcileError):
    """The Content Management API (or the network) refused or failed an operation.

    Names the resource, the operation and the API's own message; never the token.
    """

    operation: str
    resource: str
    status: int | None
    api_message: str
    error_id: str | None = None
    details: object = field(default=None)
    #: No answer came within the request timeout: the server may still carry the request out.
    timed_out: bool = False

    def __post_init__(self) -> None:
        status = f"HTTP {self.status}" if self.status is not None else "network error"
        kind = f" {self.error_id}" if self.error_id else ""
        super().__init__(f"{self.operation} {self.resource} failed: {status}{kind}: {self.api_message}")

    @property
    def is_version_conflict(self) -> bool:
        return self.status == 409

    @property
    def outcome_unknown(self) -> bool:
        """Whether the request may still be carried out after this error: it timed out, on the client or
        at a gateway (504). A refused or dropped connection, or any other answer, ends the request."""
        return self.timed_out or self.status == 504


class PolicyBlocked(ReconcileError):
    """Data-destroying changes not allowed by ``--allow-destroy`` or the allow list."""


class StalePlan(ReconcileError):
    """A saved plan whose recorded live fingerprint no longer matches the live environment."""


class LockHeld(ReconcileError):
    """Another apply holds the target's advisory lock."""
