"""Environment aliases of a space, and the environment quota [facts 1.5; docs/cma-facts-aliases.md].

State: ``state["spaces"][space]["environment_aliases"][alias_id] = <alias body>``, exactly what the API
answers. A space has no aliases until it opts in (in the real API, from the web app's Settings >
Environments page): ``opt_in`` renames the ``master`` environment and points a new ``master`` alias at it.

Rules, from Contentful's reference and concept pages (environment-aliases, 2019-2025):

* ``PUT /environment_aliases/{id}`` creates (no version) or retargets (``X-Contentful-Version``, 409 on
  a mismatch) an alias; body ``{"environment": {"sys": {"type": "Link", "linkType": "Environment", "id"}}}``;
* aliases must target an existing environment; an environment targeted by an alias cannot be deleted;
  the ``master`` alias cannot be deleted; at most two aliases besides ``master``;
* ``/environments/{alias}/…`` reaches the target environment.

The status codes and bodies of the refusals are UNSURE (no recording of them): they use the error ids the
API uses for the same kind of refusal elsewhere (422 ValidationFailed, 400 BadRequest, 403 AccessDenied).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reconcile.emulator.common import Json, check_version, link, user_link
from reconcile.emulator.errors import CmaError, bad_request, not_found, validation_failed, version_mismatch
from reconcile.emulator.paging import page

if TYPE_CHECKING:
    from reconcile.emulator.listing import Listing
    from reconcile.emulator.store import Store

MASTER = "master"
MAX_CUSTOM_ALIASES = 2  # "you can create up to two more aliases" besides master [DOC environment-aliases]
FAMILY = "environment_aliases"
ID_RE = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")  # user-chosen ids [facts 1.1]


def env_link(env_id: str) -> Json:
    return {"sys": {"id": env_id, "type": "Link", "linkType": "Environment"}}


def alias_link(alias_id: str) -> Json:
    return link("EnvironmentAlias", alias_id)


def quota_exceeded(limit: int) -> CmaError:
    """403 when the space holds its plan's number of environments. The SDK needs ``details.reasons``
    [facts 3.3]; the wording is the API's generic 403 message [facts 3.2] — the exact body is UNSURE."""
    return CmaError(
        403,
        "AccessDenied",
        "You are not authorized to do this action or exceeded your plan limits.",
        {"reasons": [f"The space has reached its limit of {limit} environments"]},
    )


class EnvironmentAliases:
    """The aliases of each space; ``resolve`` turns an alias id into its target environment's id."""

    def __init__(self, store: Store, max_environments: int | None = None) -> None:
        self.store = store
        self.max_environments = max_environments

    def _space(self, space: str) -> Json:
        spaces: Json = self.store.state["spaces"]
        if space not in spaces:
            raise not_found()
        found: Json = spaces[space]
        return found

    def _aliases(self, space: str) -> Json:
        aliases: Json = self._space(space).get(FAMILY, {})
        return aliases

    def enabled(self, space: str) -> bool:
        return bool(self._aliases(space))

    def resolve(self, space: str, env_or_alias: str) -> str:
        """The environment an id names: itself, or the target of the alias of that id."""
        alias = self._aliases(space).get(env_or_alias)
        return env_or_alias if alias is None else str(alias["environment"]["sys"]["id"])

    def aliases_of(self, space: str, env_id: str) -> list[Json]:
        return [alias_link(alias_id) for alias_id, body in self._aliases(space).items()
                if body["environment"]["sys"]["id"] == env_id]  # fmt: skip

    # ------------------------------------------------------------------------------- endpoints

    def collection(self, space: str, query: Mapping[str, str]) -> Listing:
        return page(list(self._aliases(space).values()), query)

    def get(self, space: str, alias_id: str) -> Json:
        body = self._aliases(space).get(alias_id)
        if body is None:
            raise not_found()  # details UNSURE; none, as for environments [facts 3.2]
        return copy.deepcopy(body)

    def put(self, space: str, alias_id: str, body: Any, version: str | None) -> tuple[int, Json]:
        target = self._target(space, body)
        existing = self._aliases(space).get(alias_id)
        if existing is not None:
            check_version(version, existing["sys"]["version"])
            existing["environment"] = env_link(target)
            existing["sys"].update(version=existing["sys"]["version"] + 1, updatedAt=self.store.clock.seconds(),
                                   updatedBy=user_link())  # fmt: skip
            return 200, copy.deepcopy(existing)
        if version is not None:
            raise version_mismatch()  # an update of an alias that does not exist
        self._check_new(space, alias_id)
        self._space(space).setdefault(FAMILY, {})[alias_id] = self._new_body(space, alias_id, target)
        return 201, copy.deepcopy(self._aliases(space)[alias_id])

    def delete(self, space: str, alias_id: str) -> None:
        self.get(space, alias_id)
        if alias_id == MASTER:  # "You can never delete the master environment alias" [DOC]
            raise bad_request("The master environment alias cannot be deleted")
        del self._aliases(space)[alias_id]

    # ---------------------------------------------------------------------------------- rules

    def _target(self, space: str, body: Any) -> str:
        """The environment the body links to; it must exist and be ready [DOC: "must always target an
        existing environment"; a queued one cannot serve requests — UNSURE how the API refuses it]."""
        sys = body.get("environment", {}).get("sys") if isinstance(body, dict) else None
        env_id = sys.get("id") if isinstance(sys, dict) else None
        if not isinstance(sys, dict) or sys.get("linkType") != "Environment" or not isinstance(env_id, str):
            raise validation_failed([{"name": "required", "path": ["environment"], "value": None}])
        envs = self._space(space)["environments"]
        if env_id not in envs:
            raise validation_failed([{"name": "notResolvable", "path": ["environment"], "value": env_id}])
        self.store.environments.scope(space, env_id)  # settles a queued environment whose time has come
        if envs[env_id]["sys"]["status"]["sys"]["id"] != "ready":
            raise validation_failed([{"name": "notReady", "path": ["environment"], "value": env_id}])
        return env_id

    def _check_new(self, space: str, alias_id: str) -> None:
        if not ID_RE.match(alias_id) or alias_id in self._space(space)["environments"]:
            raise validation_failed([{"name": "taken" if ID_RE.match(alias_id) else "invalid",
                                      "path": ["sys", "id"], "value": alias_id}])  # fmt: skip
        if MASTER not in self._aliases(space):
            raise CmaError(403, "AccessDenied", "Environment aliases are not enabled for this space.",
                           {"reasons": ["opt in to environment aliases first"]})  # fmt: skip
        if sum(1 for a in self._aliases(space) if a != MASTER) >= MAX_CUSTOM_ALIASES:
            raise CmaError(403, "AccessDenied",
                           "You are not authorized to do this action or exceeded your plan limits.",
                           {"reasons": [f"at most {MAX_CUSTOM_ALIASES} aliases besides master"]})  # fmt: skip

    def check_deletable(self, space: str, env_id: str) -> None:
        """An environment targeted by an alias cannot be deleted [DOC]; status and wording UNSURE."""
        names = [link_["sys"]["id"] for link_ in self.aliases_of(space, env_id)]
        if names:
            raise bad_request(f"Cannot delete an environment targeted by an alias ({', '.join(names)})")

    def check_quota(self, space: str) -> None:
        """Creating one more environment than the plan allows is refused (every environment counts,
        the one ``master`` points at included)."""
        limit = self.max_environments
        if limit is not None and len(self._space(space)["environments"]) >= limit:
            raise quota_exceeded(limit)

    def opt_in(self, space: str, environment_id: str) -> None:
        """What the web app's opt-in does: the ``master`` environment becomes ``environment_id`` and a
        ``master`` alias points at it. Nothing happens when the space already has aliases."""
        if self.enabled(space):
            return
        envs = self._space(space)["environments"]
        master = envs.pop(MASTER)
        renamed = self.store.environments.relinked(master, environment_id)
        renamed.update(name=environment_id, sys={**master["sys"], "id": environment_id}, ready_at=master["ready_at"])
        envs[environment_id] = renamed
        self._space(space)[FAMILY] = {MASTER: self._new_body(space, MASTER, environment_id)}

    def _new_body(self, space: str, alias_id: str, env_id: str) -> Json:
        now, user = self.store.clock.seconds(), user_link()
        sys = {"id": alias_id, "type": "EnvironmentAlias", "version": 1, "space": link("Space", space),
               "createdBy": user, "createdAt": now, "updatedBy": copy.deepcopy(user), "updatedAt": now}  # fmt: skip
        return {"environment": env_link(env_id), "sys": sys}

    def environment_body(self, space: str, requested: str, body: Json) -> Json:
        """An environment's body as the API shows it: ``sys.aliases`` once the space has aliases; read
        through an alias, ``sys.id`` and ``name`` are the alias's and ``sys.aliasedEnvironment`` links the
        target [DOC content-management-api "New environment properties when using aliases"]."""
        if not self.enabled(space):
            return body
        env_id = body["sys"]["id"]
        body["sys"]["aliases"] = self.aliases_of(space, env_id)
        if requested != env_id:
            body["name"] = requested
            body["sys"]["id"] = requested
            body["sys"]["aliasedEnvironment"] = env_link(env_id)
        return body
