"""Space-level operations for releases and rehearsals: environment aliases, the environments of a space
(clone, wait until ready, delete), and the cheap facts that tell whether an environment's entries changed
(count, newest ``sys.updatedAt``).

The installed SDK (contentful-management 2.16) has no environment-alias resource, so these go through the
same raw layer as every other request (``Backend._send_json``). Shapes: docs/cma-facts-aliases.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconcile.backend.client import Backend
from reconcile.backend.translate import link_id
from reconcile.clock import SYSTEM_CLOCK, Clock
from reconcile.errors import ApiError, ReconcileError
from reconcile.model import JsonObject

ENVIRONMENT_PAGE_LIMIT = 100  # the API's default is 25 (facts §1.5); ask for more, page by what comes back


@dataclass(frozen=True)
class AliasState:
    """An environment alias: the environment it points at and its version (needed to switch it)."""

    alias: str
    environment: str
    version: int


@dataclass(frozen=True)
class EnvironmentInfo:
    id: str
    status: str | None
    created_at: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class EntryStats:
    """How many entries an environment holds and when the newest change to one was made."""

    count: int
    newest_update: str | None


def _alias_state(alias_id: str, body: dict[str, Any]) -> AliasState:
    environment = link_id(body.get("environment")) or ""
    version = body.get("sys", {}).get("version")
    return AliasState(alias_id, environment, version if isinstance(version, int) else 0)


def _environment_info(body: dict[str, Any]) -> EnvironmentInfo:
    sys = body.get("sys", {})
    aliases = tuple(a for a in (link_id(link) for link in sys.get("aliases") or []) if a)
    return EnvironmentInfo(str(sys.get("id", "")), link_id(sys.get("status")), str(sys.get("createdAt", "")), aliases)


class SpaceEnvironments:
    """The environments and aliases of the space a ``Backend`` talks to."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def _environment_path(self, env_id: str) -> str:
        return f"{self._backend._space_path}/environments/{env_id}"

    def _aliases_path(self, alias_id: str) -> str:
        return f"{self._backend._space_path}/environment_aliases/{alias_id}"

    def alias(self, alias_id: str) -> AliasState:
        try:
            body = self._backend._send_json("read", f"environment alias '{alias_id}'", "get",
                                            self._aliases_path(alias_id))  # fmt: skip
        except ApiError as error:
            if error.status != 404:
                raise
            raise ReconcileError(
                f"the space has no environment alias '{alias_id}'",
                hint="check alias in reconcile.toml; a space opts in to aliases in the web app "
                "(Settings > Environments), which creates the master alias",
            ) from None
        return _alias_state(alias_id, body)

    def switch_alias(self, alias_id: str, environment_id: str, version: int) -> AliasState:
        """Point the alias at ``environment_id``; a 409 means it changed since ``version`` was read."""
        link = {"sys": {"type": "Link", "linkType": "Environment", "id": environment_id}}
        body = self._backend._send_json(
            "switch", f"environment alias '{alias_id}' to '{environment_id}'", "put",
            self._aliases_path(alias_id), {"environment": link}, self._backend._version(version),
        )  # fmt: skip
        return _alias_state(alias_id, body)

    def environments(self) -> list[EnvironmentInfo]:
        # No `order`: the API documents none for environments; the caller sorts.
        items = self._backend._list_all("list", "environments", f"{self._backend._space_path}/environments", {},
                                        ENVIRONMENT_PAGE_LIMIT, order=None)  # fmt: skip
        return [_environment_info(item) for item in items]

    def environment(self, environment_id: str) -> EnvironmentInfo:
        body = self._backend._send_json("read", f"environment '{environment_id}'", "get",
                                        self._environment_path(environment_id))  # fmt: skip
        return _environment_info(body)

    def entry_stats(self, environment_id: str) -> EntryStats:
        """The entry count and the newest ``sys.updatedAt``: one request (newest first, one item)."""
        path = f"{self._environment_path(environment_id)}/entries"
        page = self._backend._send_json("read", f"entries of environment '{environment_id}'", "get", path,
                                        {"order": "-sys.updatedAt", "limit": 1, "select": "sys"})  # fmt: skip
        items = page.get("items") or []
        newest = items[0].get("sys", {}).get("updatedAt") if items else None
        return EntryStats(int(page.get("total", 0)), newest if isinstance(newest, str) else None)

    def clone_environment(self, new_env_id: str, source_env_id: str) -> JsonObject:
        """Start cloning ``source_env_id`` into a new environment; it is ``queued`` until ready."""
        return self._backend._send_json(
            "create",
            f"environment '{new_env_id}' (clone of '{source_env_id}')",
            "put",
            self._environment_path(new_env_id),
            {"name": new_env_id},
            {"X-Contentful-Source-Environment": source_env_id},
        )

    def wait_until_ready(self, env_id: str, timeout: float = 300.0, clock: Clock = SYSTEM_CLOCK) -> JsonObject:
        """Poll an environment (``queued``, ``inProgress``) until its status is ``ready``; ``failed`` or a
        timeout raise ReconcileError. Waits on ``clock`` (a fake one in tests)."""
        deadline = clock.monotonic() + timeout
        delay = 0.1
        while True:
            env = self._backend._send_json("read", f"environment '{env_id}'", "get", self._environment_path(env_id))
            status = link_id(env.get("sys", {}).get("status"))
            if status == "ready":
                return env
            if status == "failed":
                raise ReconcileError(
                    f"environment '{env_id}' failed to be created",
                    hint="delete it and try again; check the space's environment limits",
                )
            if clock.monotonic() + delay > deadline:
                raise ReconcileError(
                    f"environment '{env_id}' is not ready after {timeout:g}s (status {status!r})",
                    hint="large environments take longer to clone; wait and retry, or raise the timeout",
                )
            clock.sleep(delay)
            delay = min(delay * 2, 2.0)

    def delete_environment(self, env_id: str) -> None:
        self._backend._send("delete", f"environment '{env_id}'", "delete", self._environment_path(env_id))
