"""The routes the emulator serves and their endpoints: which resource family of the store answers each, with what.

``rules()`` is the route table (werkzeug); ``Endpoints.answer`` runs the endpoint a route names, with the request,
its parsed body and the route's arguments. The server (server.py) calls it under the store's lock, after the
rate limit, the token, the faults and the body parsing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from reconcile.emulator.common import Json, Scope, new_id
from reconcile.emulator.listing import Listing
from reconcile.emulator.store import Store
from reconcile.emulator.users import Users

ENV = "/spaces/<space>/environments/<env>"

# What an endpoint answers: a body (200; a collection as a ``Listing`` of its items' texts, listing.py), a
# status with a body (201 on create), or None (204, no body).
Answer = Json | Listing | tuple[int, Json] | None


def rules() -> list[Rule]:
    def rule(path: str, endpoint: str, *methods: str) -> Rule:
        return Rule(path, endpoint=endpoint, methods=list(methods))

    return [
        rule("/spaces/<space>", "space", "GET"),
        rule("/spaces/<space>/environments", "environments", "GET", "POST"),
        rule("/spaces/<space>/users", "users", "GET"),
        rule("/spaces/<space>/users/<user>", "user", "GET"),
        rule("/users/me", "me", "GET"),
        rule(ENV, "environment", "GET", "PUT", "DELETE"),
        rule("/spaces/<space>/environment_aliases", "environment_aliases", "GET"),
        rule("/spaces/<space>/environment_aliases/<alias>", "environment_alias", "GET", "PUT", "DELETE"),
        rule(f"{ENV}/content_types", "content_types", "GET", "POST"),
        rule(f"{ENV}/content_types/<ct>", "content_type", "GET", "PUT", "DELETE"),
        rule(f"{ENV}/content_types/<ct>/published", "content_type_published", "PUT", "DELETE"),
        rule(f"{ENV}/public/content_types", "public_content_types", "GET"),
        rule(f"{ENV}/public/content_types/<ct>", "public_content_type", "GET"),
        rule(f"{ENV}/content_types/<ct>/editor_interface", "editor_interface", "GET", "PUT"),
        rule(f"{ENV}/editor_interfaces", "editor_interfaces", "GET"),
        rule(f"{ENV}/locales", "locales", "GET", "POST"),
        rule(f"{ENV}/locales/<locale>", "locale", "GET", "PUT", "DELETE"),
        rule(f"{ENV}/entries", "entries", "GET", "POST"),
        rule(f"{ENV}/entries/<entry>", "entry", "GET", "PUT", "PATCH", "DELETE"),
        rule(f"{ENV}/entries/<entry>/published", "entry_published", "PUT", "DELETE"),
        rule(f"{ENV}/entries/<entry>/archived", "entry_archived", "PUT", "DELETE"),
        rule(f"{ENV}/assets", "assets", "GET", "POST"),
        rule(f"{ENV}/assets/<asset>", "asset", "GET", "PUT", "DELETE"),
        rule(f"{ENV}/assets/<asset>/published", "asset_published", "PUT", "DELETE"),
        rule(f"{ENV}/assets/<asset>/archived", "asset_archived", "PUT", "DELETE"),
        rule(f"{ENV}/assets/<asset>/files/<locale>/process", "asset_process", "PUT"),
        rule("/spaces/<space>/uploads", "uploads", "POST"),  # emulator/uploads.py
        rule("/spaces/<space>/uploads/<upload>", "upload", "GET", "DELETE"),
        rule(f"{ENV}/uploads", "uploads", "POST"),
        rule(f"{ENV}/uploads/<upload>", "upload", "GET", "DELETE"),
        rule(f"{ENV}/tags", "tags", "GET"),
        rule(f"{ENV}/tags/<ident>", "tags", "GET", "PUT", "DELETE"),
        rule(f"{ENV}/app_installations", "app_installations", "GET"),
        rule(f"{ENV}/app_installations/<ident>", "app_installations", "GET", "PUT", "DELETE"),
        rule(f"{ENV}/extensions", "extensions", "GET", "POST"),
        rule(f"{ENV}/extensions/<ident>", "extensions", "GET", "PUT", "DELETE"),
    ]


class Endpoints:
    """One method per endpoint of ``rules()``, named after it with a leading ``_``."""

    def __init__(self, store: Store, users: Users) -> None:
        self.store = store
        self.users = users

    def answer(self, endpoint: str, request: Request, body: Any, args: Mapping[str, Any]) -> Answer:
        found: Answer = getattr(self, f"_{endpoint}")(request, body, **args)
        return found

    def _scope(self, space: str, env: str) -> Scope:
        return self.store.environments.scope(space, env)

    def _space(self, request: Request, body: Any, space: str) -> Json:
        return self.store.environments.space_body(space)

    def _users(self, request: Request, body: Any, space: str) -> Answer:
        return self.users.collection(space, request.args)

    def _user(self, request: Request, body: Any, space: str, user: str) -> Answer:
        return self.users.get(space, user)

    def _me(self, request: Request, body: Any) -> Answer:
        return self.users.me()

    def _environments(self, request: Request, body: Any, space: str) -> Answer:
        if request.method == "GET":
            return self.store.environments.collection(space, request.args)
        return self._put_environment(request, body, space, new_id())

    def _environment(self, request: Request, body: Any, space: str, env: str) -> Answer:
        if request.method == "GET":
            return self.store.environments.get(space, env)
        if request.method == "DELETE":
            self.store.environments.delete(space, env)
            return None
        return self._put_environment(request, body, space, env)

    def _put_environment(self, request: Request, body: Any, space: str, env: str) -> Answer:
        return self.store.environments.put(
            space, env, body, _version(request),
            request.headers.get("X-Contentful-Source-Environment"),
        )  # fmt: skip

    def _environment_aliases(self, request: Request, body: Any, space: str) -> Answer:
        return self.store.aliases.collection(space, request.args)

    def _environment_alias(self, request: Request, body: Any, space: str, alias: str) -> Answer:
        if request.method == "GET":
            return self.store.aliases.get(space, alias)
        if request.method == "DELETE":
            self.store.aliases.delete(space, alias)
            return None
        return self.store.aliases.put(space, alias, body, _version(request))

    def _content_types(self, request: Request, body: Any, space: str, env: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "GET":
            return self.store.content_types.collection(scope, request.args)
        return self.store.content_types.put(scope, new_id(), body, None)

    def _content_type(self, request: Request, body: Any, space: str, env: str, ct: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "GET":
            return self.store.content_types.get(scope, ct)
        if request.method == "DELETE":
            self.store.content_types.delete(scope, ct)
            return None
        return self.store.content_types.put(scope, ct, body, _version(request))

    def _content_type_published(self, request: Request, body: Any, space: str, env: str, ct: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "PUT":
            return self.store.content_types.publish(scope, ct, _version(request))
        return self.store.content_types.unpublish(scope, ct, _version(request))

    def _public_content_type(self, request: Request, body: Any, space: str, env: str, ct: str) -> Answer:
        return self.store.content_types.get_published(self._scope(space, env), ct)

    def _public_content_types(self, request: Request, body: Any, space: str, env: str) -> Answer:
        return self.store.content_types.published_collection(self._scope(space, env), request.args)

    def _editor_interface(self, request: Request, body: Any, space: str, env: str, ct: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "GET":
            return self.store.editor_interfaces.get(scope, ct)
        return self.store.editor_interfaces.put(scope, ct, body, _version(request))

    def _editor_interfaces(self, request: Request, body: Any, space: str, env: str) -> Answer:
        return self.store.editor_interfaces.list_all(self._scope(space, env))

    def _locales(self, request: Request, body: Any, space: str, env: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "GET":
            return self.store.locales.collection(scope, request.args)
        return 201, self.store.locales.create(scope, body)

    def _locale(self, request: Request, body: Any, space: str, env: str, locale: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "GET":
            return self.store.locales.get(scope, locale)
        if request.method == "DELETE":
            self.store.locales.delete(scope, locale)
            return None
        return self.store.locales.update(scope, locale, body, _version(request))

    def _entries(self, request: Request, body: Any, space: str, env: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "GET":
            return self.store.entries.collection(scope, request.args)
        return self.store.entries.put(scope, new_id(), body, None, _content_type_header(request))

    def _entry(self, request: Request, body: Any, space: str, env: str, entry: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "GET":
            return self.store.entries.get(scope, entry)
        if request.method == "DELETE":
            self.store.entries.delete(scope, entry)
            return None
        if request.method == "PATCH":  # emulator/json_patch.py
            return self.store.entries.patch(scope, entry, body, _version(request))
        return self.store.entries.put(scope, entry, body, _version(request),
                                      _content_type_header(request))  # fmt: skip

    def _entry_published(self, request: Request, body: Any, space: str, env: str, entry: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "PUT":
            return self.store.entries.publish(scope, entry, _version(request))
        return self.store.entries.unpublish(scope, entry, _version(request))

    def _entry_archived(self, request: Request, body: Any, space: str, env: str, entry: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "PUT":
            return self.store.entries.archive(scope, entry, _version(request))
        return self.store.entries.unarchive(scope, entry, _version(request))

    def _assets(self, request: Request, body: Any, space: str, env: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "GET":
            return self.store.assets.collection(scope, request.args)
        return self.store.assets.put(scope, new_id(), body, None)

    def _asset(self, request: Request, body: Any, space: str, env: str, asset: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "GET":
            return self.store.assets.get(scope, asset)
        if request.method == "DELETE":
            self.store.assets.delete(scope, asset)
            return None
        return self.store.assets.put(scope, asset, body, _version(request))

    def _asset_published(self, request: Request, body: Any, space: str, env: str, asset: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "PUT":
            return self.store.assets.publish(scope, asset, _version(request))
        return self.store.assets.unpublish(scope, asset, _version(request))

    def _asset_archived(self, request: Request, body: Any, space: str, env: str, asset: str) -> Answer:
        scope = self._scope(space, env)
        if request.method == "PUT":
            return self.store.assets.archive(scope, asset, _version(request))
        return self.store.assets.unarchive(scope, asset, _version(request))

    def _asset_process(self, request: Request, body: Any, space: str, env: str, asset: str, locale: str) -> Answer:
        self.store.assets.process(self._scope(space, env), asset, locale, _version(request))
        return None

    def _uploads(self, request: Request, body: Any, space: str, env: str | None = None) -> Answer:
        if env is not None:
            self._scope(space, env)
        return self.store.uploads.create(space, body)

    def _upload(self, request: Request, body: Any, space: str, upload: str, env: str | None = None) -> Answer:
        if env is not None:
            self._scope(space, env)
        if request.method == "DELETE":
            self.store.uploads.delete(space, upload)
            return None
        return self.store.uploads.get(space, upload)

    def _tags(self, request: Request, body: Any, space: str, env: str, ident: str | None = None) -> Answer:
        answer: Answer = self.store.tags.answer(request.method, self._scope(space, env), body, _version(request), ident)
        return answer

    def _app_installations(self, request: Request, body: Any, space: str, env: str, ident: str | None = None) -> Answer:
        family = self.store.app_installations
        answer: Answer = family.answer(request.method, self._scope(space, env), body, _version(request), ident)
        return answer

    def _extensions(self, request: Request, body: Any, space: str, env: str, ident: str | None = None) -> Answer:
        family = self.store.extensions
        answer: Answer = family.answer(request.method, self._scope(space, env), body, _version(request), ident)
        return answer


def _version(request: Request) -> str | None:
    return request.headers.get("X-Contentful-Version")


def _content_type_header(request: Request) -> str | None:
    return request.headers.get("X-Contentful-Content-Type")
