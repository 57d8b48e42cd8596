"""The versions and sys ids of the resources one run of the executor writes (``reconcile.executor``)."""

from __future__ import annotations

from reconcile.backend import meta_from_api
from reconcile.errors import ReconcileError
from reconcile.model import JsonObject, LiveState, ResourceMeta, resource_key


class Versions:
    """The versions and sys ids of the resources a run writes, advanced by our own responses."""

    def __init__(self, meta: dict[str, ResourceMeta]) -> None:
        self._version = {key: m.version for key, m in meta.items()}
        self._sys_id = {key: m.sys_id for key, m in meta.items()}

    def refresh(self, live: LiveState) -> None:
        for key, meta in live.meta.items():
            self._version[key] = meta.version
            self._sys_id[key] = meta.sys_id

    def version(self, key: str) -> int:
        if key not in self._version:
            raise ReconcileError(f"no known version for {key}: the plan does not describe this resource")
        return self._version[key]

    def maybe_version(self, key: str) -> int | None:
        return self._version.get(key)

    def sys_id(self, key: str) -> str:
        if key not in self._sys_id:
            raise ReconcileError(f"no known id for {key}: the plan does not describe this resource")
        return self._sys_id[key]

    def record(self, key: str, response: JsonObject) -> int:
        """Take the version (and id) a write answered with; the response stays opaque to the executor."""
        meta = meta_from_api(response, default_sys_id=self._sys_id.get(key, ""))
        self._version[key] = meta.version
        if meta.sys_id:
            self._sys_id[key] = meta.sys_id
        return meta.version

    def forget(self, key: str) -> None:
        self._version.pop(key, None)
        self._sys_id.pop(key, None)

    def published(self, content_type_id: str) -> None:
        """A publish bumps (or creates, at version 1) the content type's editor interface."""
        key = resource_key("editor_interface", content_type_id)
        self._version[key] = self._version.get(key, 0) + 1
