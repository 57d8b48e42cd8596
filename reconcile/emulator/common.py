"""What every resource family of the emulator uses: ids, links, the acting user, key order, version checks,
the 404, the clock and the scope (space and environment) of a request."""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reconcile.emulator.errors import not_found, version_mismatch

Json = dict[str, Any]

USER_ID = "5EmuLat0rUser0000000001"
ID_ALPHABET = string.ascii_letters + string.digits


def link(link_type: str, resource_id: str) -> Json:
    return {"sys": {"type": "Link", "linkType": link_type, "id": resource_id}}


# The user the current request acts as: the server sets it from the request's token for the request's
# duration (emulator/users.py). A context variable, not state: each request thread sees only its own.
ACTING_USER: ContextVar[str] = ContextVar("acting_user", default=USER_ID)


def user_link() -> Json:
    return link("User", ACTING_USER.get())


def new_id() -> str:
    """A random 22-character id like Contentful's."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(22))


def ordered(values: Mapping[str, Any], keys: Sequence[str]) -> Json:
    """``values`` with ``keys`` first in that order (absent ones skipped), then any other keys."""
    out = {k: values[k] for k in keys if k in values}
    out.update((k, v) for k, v in values.items() if k not in out)
    return out


def parse_version(header: str | None) -> int:
    """The ``X-Contentful-Version`` header as an int; missing or garbage → 409 [facts 3.1]."""
    if header is None:
        raise version_mismatch(missing=True)
    try:
        return int(header)
    except ValueError:
        raise version_mismatch() from None


def found_or_404(records: Mapping[str, Json], key: str, details: Json | None = None) -> Json:
    """``records[key]``, or the API's 404 with ``details`` about the missing resource (some 404s have none)."""
    record = records.get(key)
    if record is None:
        raise not_found(details)
    return record


def check_version(header: str | None, current: int) -> None:
    if parse_version(header) != current:
        raise version_mismatch()


class Clock:
    """Wall-clock timestamps in the API's two formats (with and without milliseconds)."""

    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self.now = now

    def ms(self) -> str:
        return datetime.fromtimestamp(self.now(), UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def seconds(self, at: float | None = None) -> str:
        stamp = self.now() if at is None else at
        return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Scope:
    """One environment of one space, as addressed by a request."""

    space: str
    env_id: str
    env: Json

    def space_link(self) -> Json:
        return link("Space", self.space)

    def env_link(self) -> Json:
        # Modern environment links put the id first [facts 2].
        return {"sys": {"id": self.env_id, "type": "Link", "linkType": "Environment"}}

    def details(self, resource_type: str, resource_id: str) -> Json:
        return {
            "type": resource_type,
            "id": resource_id,
            "environment": self.env_id,
            "space": self.space,
        }

    def locale_codes(self) -> list[str]:
        return [loc["code"] for loc in self.env["locales"].values()]
