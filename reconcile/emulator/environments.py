"""Environments of a space: clone on create, queued then ready after a delay [facts 1.5]; the space itself."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reconcile.emulator.common import Json, Scope, check_version, found_or_404, link, user_link
from reconcile.emulator.errors import bad_request, validation_failed
from reconcile.emulator.listing import Listing
from reconcile.emulator.paging import filter_sys_id, page

if TYPE_CHECKING:
    from reconcile.emulator.store import Store


class Environments:
    """Environments of a space: clone on create, queued then ready after a delay [facts 1.5]."""

    def __init__(self, store: Store, ready_delay: float) -> None:
        self.store = store
        self.ready_delay = ready_delay

    def _space(self, space: str) -> Json:
        return found_or_404(self.store.state["spaces"], space)

    def scope(self, space: str, env_id: str) -> Scope:
        env_id = self.store.aliases.resolve(space, env_id)  # /environments/<alias>/… [aliases.py]
        env = found_or_404(self._space(space)["environments"], env_id)  # no details [facts 1.5]
        self._settle(env)
        return Scope(space, env_id, env)

    def _settle(self, env: Json) -> None:
        """A queued environment becomes ready at ``ready_at``: version +2 (1 → 3) [REC M21 #1–#2]."""
        ready_at = env.get("ready_at")
        if ready_at is not None and self.store.clock.now() >= ready_at:
            sys = env["sys"]
            sys["status"] = link("Status", "ready")
            sys.update(version=sys["version"] + 2, updatedAt=self.store.clock.seconds(ready_at))
            env["ready_at"] = None

    def _body(self, env: Json) -> Json:
        return {"name": env["name"], "sys": copy.deepcopy(env["sys"])}

    def collection(self, space: str, query: Mapping[str, str]) -> Listing:
        envs = self._space(space)["environments"]
        for env in envs.values():
            self._settle(env)
        bodies = [self.store.aliases.environment_body(space, e["sys"]["id"], self._body(e)) for e in envs.values()]
        return page(filter_sys_id(bodies, query), query, 25)

    def get(self, space: str, env_id: str) -> Json:
        return self.store.aliases.environment_body(space, env_id, self._body(self.scope(space, env_id).env))

    def put(self, space: str, env_id: str, body: Any, version: str | None, source: str | None) -> tuple[int, Json]:
        envs = self._space(space)["environments"]
        env_id = self.store.aliases.resolve(space, env_id)
        name = body.get("name") if isinstance(body, dict) else None
        if not isinstance(name, str) or not name:  # shape UNSURE
            raise validation_failed([{"name": "required", "path": ["name"], "value": name}])
        existing = envs.get(env_id)
        if existing is not None:  # rename; version +1 [facts 2]
            self._settle(existing)
            check_version(version, existing["sys"]["version"])
            existing["name"] = name
            existing["sys"].update(version=existing["sys"]["version"] + 1,
                                   updatedAt=self.store.clock.seconds(), updatedBy=user_link())  # fmt: skip
            return 200, self._body(existing)
        source_env = self.scope(space, source or "master").env
        self.store.aliases.check_quota(space)
        now = self.store.clock.seconds()
        sys = {"type": "Environment", "id": env_id, "version": 1, "space": link("Space", space),
               "status": link("Status", "queued"), "createdBy": user_link(), "createdAt": now,
               "updatedBy": user_link(), "updatedAt": now}  # fmt: skip
        env = self._clone(source_env, env_id)
        env.update(name=name, sys=sys, ready_at=self.store.clock.now() + self.ready_delay)
        envs[env_id] = env
        return 201, self._body(env)

    def relinked(self, source: Json, env_id: str) -> Json:
        return self._clone(source, env_id)

    def _clone(self, source: Json, env_id: str) -> Json:
        """Deep copy of the source's content; every ``sys.environment`` link points at the clone."""
        env: Json = {key: copy.deepcopy(source[key])
                     for key in ("content_types", "editor_interfaces", "locales", "entries")}  # fmt: skip
        env.update({key: copy.deepcopy(source.get(key, {}))
                    for key in ("assets", "tags", "app_installations", "extensions")})  # fmt: skip
        env_link = {"sys": {"id": env_id, "type": "Link", "linkType": "Environment"}}
        bodies: list[Json] = [*env["editor_interfaces"].values(), *env["locales"].values(),
                              *env["entries"].values(), *env["assets"].values(), *env["tags"].values()]  # fmt: skip
        for record in env["content_types"].values():
            bodies += [record["draft"]] + ([record["published"]] if record["published"] else [])
        for body in bodies:
            body["sys"]["environment"] = copy.deepcopy(env_link)
        return env

    def create_master(self, space: str) -> None:
        now = self.store.clock.seconds()
        sys = {"type": "Environment", "id": "master", "version": 1, "space": link("Space", space),
               "status": link("Status", "ready"), "createdBy": user_link(), "createdAt": now,
               "updatedBy": user_link(), "updatedAt": now}  # fmt: skip
        env = {"name": "master", "sys": sys, "ready_at": None, "content_types": {},
               "editor_interfaces": {}, "locales": {}, "entries": {}, "tags": {}}  # fmt: skip
        self.store.state["spaces"][space] = {"environments": {"master": env}}
        self.store.locales.create_default(Scope(space, "master", env))

    def delete(self, space: str, env_id: str) -> None:
        self.scope(space, env_id)
        env_id = self.store.aliases.resolve(space, env_id)
        self.store.aliases.check_deletable(space, env_id)
        if env_id == "master":  # "master cannot be deleted" [DOC]; error shape UNSURE
            raise bad_request("The master environment cannot be deleted")
        del self._space(space)["environments"][env_id]

    def space_body(self, space: str) -> Json:
        self._space(space)
        return {"name": space, "sys": {"type": "Space", "id": space, "version": 1}}
