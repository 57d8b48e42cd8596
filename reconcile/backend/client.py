"""``Backend``: the HTTP operations the tool needs against one space environment, each failure raised as an
``ApiError`` naming the operation, the resource and the API's message (never the token)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests

from reconcile.backend.editor_interfaces import read_editor_interfaces
from reconcile.backend.entry_json import entry_from_api
from reconcile.backend.forms import content_type_like, editor_interface_like
from reconcile.backend.paging import PageSizes, with_hint
from reconcile.backend.pending import published_reader, with_pending_deletions
from reconcile.backend.tags import tag_links, tag_to_api
from reconcile.backend.translate import (
    RawEnvironment,
    content_type_to_api,
    editor_interface_to_api,
    link_id,
    locale_to_api,
    parse_environment,
    scoped,
)
from reconcile.backend.transport import (
    SdkClient,
    Throttle,
    describe_error,
    response_json,
)
from reconcile.backend.users import USERS_PAGE_LIMIT, user_from_api
from reconcile.errors import ApiError, ReconcileError
from reconcile.model import (
    ContentType,
    EditorInterface,
    Entry,
    JsonObject,
    LiveState,
    Locale,
    Tag,
    User,
)
from reconcile.scope import Scope

# Bulk reads ask for the API's maximum page size; the server may apply a lower one (facts §1.1), so paging
# follows the number of items actually returned. Stable order for paging as contentful-export sends it.
PAGE_LIMIT = 1000
PAGE_ORDER = "sys.createdAt,sys.id"
# Entries are read 1000 a page (the API's maximum): one request per 1000 entries, as issue 14 asks. The API
# refuses responses above 7 MB (facts §1.1): such a page is read again in smaller ones (``paging``).
ENTRY_PAGE_LIMIT = 1000


class Backend:
    """The CMA operations the tool needs, against one environment of one space.

    Every failure (HTTP error, connection error, timeout) is raised as ``ApiError`` naming the operation, the
    resource and the API's message; the token never appears in any message.
    """

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        space_id: str,
        environment_id: str,
        timeout: float = 30.0,
        max_requests_per_second: float | None = None,
        scope: Scope | None = None,
        unreachable: Callable[[], str | None] | None = None,
    ) -> None:
        """``unreachable``: why the server cannot be reached, asked when a request fails to connect (the local
        target's child process stopped: ``LocalServer.stopped``); None keeps the connection error's text."""
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ReconcileError(
                f"base_url {base_url!r} is not an http(s) URL",
                hint='use "https://api.contentful.com" or "http://127.0.0.1:PORT"',
            )
        if not token:
            raise ReconcileError(
                "no CMA token given", hint="set the token environment variable of the target"
            )
        self._base_url = base_url
        self._space_id = space_id
        self._environment_id = environment_id
        self._token = token
        self._timeout = timeout
        self._max_requests_per_second = max_requests_per_second
        self._unreachable = unreachable
        #: The ownership scope: what ``read_raw`` reads is only what the project manages (``reconcile.scope``).
        self.scope = scope or Scope()
        self._client = SdkClient(
            token=token,
            api_url=parts.netloc + parts.path.rstrip("/"),
            https=parts.scheme == "https",
            timeout=timeout,
            throttle=Throttle(max_requests_per_second),
        )
        self._page_sizes = PageSizes()  # lists the API refused as too big 1,000 a page (``paging``)

    def __repr__(self) -> str:
        return f"Backend({self._base_url!r}, space={self._space_id!r}, environment={self._environment_id!r})"

    @property
    def timeout(self) -> float:
        """Seconds each request may take before it is given up."""
        return self._timeout

    @property
    def request_count(self) -> int:
        """HTTP requests this Backend sent, retries included."""
        return self._client.request_count

    # ---- plumbing ----------------------------------------------------------------------------------------

    @property
    def _space_path(self) -> str:
        return f"spaces/{self._space_id}"

    @property
    def _env_path(self) -> str:
        return f"{self._space_path}/environments/{self._environment_id}"

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "<token>")

    def _send(
        self,
        operation: str,
        resource: str,
        method: str,
        path: str,
        payload: Any = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        """One request through the SDK's raw layer; any failure becomes ``ApiError``."""
        try:
            response = self._client.raw(method, path, payload, headers or {})
        except requests.RequestException as error:
            # The exception names the URL (never the token, which travels in a header); scrub anyway.
            why = self._unreachable() if self._unreachable is not None else None
            message = why or self._scrub(f"{type(error).__name__}: {error}")
            raise ApiError(operation, resource, None, message,
                           timed_out=isinstance(error, requests.Timeout)) from None
        if response.status_code >= 300:
            body = response_json(response)
            raise with_hint(ApiError(
                operation,
                resource,
                response.status_code,
                self._scrub(describe_error(response.status_code, response.reason, body)),
                error_id=body.get("sys", {}).get("id") if isinstance(body, dict) else None,
                details=body.get("details") if isinstance(body, dict) else None,
            ))
        return response

    def _send_json(
        self,
        operation: str,
        resource: str,
        method: str,
        path: str,
        payload: Any = None,
        headers: dict[str, str] | None = None,
    ) -> JsonObject:
        response = self._send(operation, resource, method, path, payload, headers)
        body = response_json(response)
        if not isinstance(body, dict):
            raise ApiError(
                operation, resource, response.status_code, "the response body is not a JSON object"
            )
        return body

    def _list_all(
        self, operation: str, resource: str, path: str, query: JsonObject, limit: int, order: str | None = PAGE_ORDER
    ) -> list[JsonObject]:
        """Every item of a collection: page with ``skip`` until ``skip >= total`` (in ``order``, when given)."""
        return [item for batch in self._pages(operation, resource, path, query, limit, order) for item in batch]

    def _pages(
        self, operation: str, resource: str, path: str, query: JsonObject, limit: int, order: str | None = PAGE_ORDER
    ) -> Iterator[list[JsonObject]]:
        """The pages of a collection, one request each, as they are read (only one is held at a time); a page
        the API refuses as too big is read in smaller ones (``paging``)."""
        ordering = {"order": order} if order else {}

        def fetch(skip: int, size: int) -> JsonObject:
            return self._send_json(operation, resource, "get", path, {**query, "skip": skip, "limit": size, **ordering})

        return self._page_sizes.pages(f"{path}?{sorted(query.items())}", fetch, limit)

    @staticmethod
    def _version(version: int) -> dict[str, str]:
        return {"X-Contentful-Version": str(version)}

    def _publish(self, resource: str, path: str, version: int) -> JsonObject:
        """Publish the draft of the resource at ``path`` (content type or entry) at ``version``."""
        return self._send_json("publish", resource, "put", f"{path}/published", headers=self._version(version))

    def _unpublish(self, resource: str, path: str, version: int) -> JsonObject:
        """Unpublish the resource at ``path`` (content type or entry) at ``version``."""
        return self._send_json("unpublish", resource, "delete", f"{path}/published", headers=self._version(version))

    # ---- content model -----------------------------------------------------------------------------------

    def read_raw(self) -> RawEnvironment:
        """The environment's content types, editor interfaces and locales: three requests for a small one.
        Only what is in ``scope``: a content type out of it is invisible to every command."""
        env = f"environment '{self._environment_id}'"
        content_types = self._list_all(
            "list", f"content types of {env}", f"{self._env_path}/content_types", {}, PAGE_LIMIT
        )
        # A draft ahead of its published version: the deletions it has not published yet (``pending``).
        content_types = with_pending_deletions(content_types, published_reader(self._send_json, self._env_path))
        # The env-wide editor interface list has no paging keys and returns every item (facts §1.3).
        editor_interfaces = read_editor_interfaces(self._send_json, self._env_path, env, content_types)
        locales = self._list_all("list", f"locales of {env}", f"{self._env_path}/locales", {}, PAGE_LIMIT)
        raw = RawEnvironment(content_types, editor_interfaces, locales, self._read_tags(env))
        return scoped(raw, self.scope.manages)

    def _read_tags(self, env: str) -> list[JsonObject] | None:
        """The environment's tags; None (not managed) where the server has no tags endpoint (404: older servers
        and stand-ins; UNSURE whether any real CMA answers so)."""
        try:
            return self._list_all("list", f"tags of {env}", f"{self._env_path}/tags", {}, PAGE_LIMIT)
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def read_live(self) -> LiveState:
        return parse_environment(self.read_raw())

    def put_content_type(self, ct: ContentType, version: int | None, like: JsonObject | None = None) -> JsonObject:
        """Create (``version`` None) or fully replace a content type's draft; in the forms of ``like`` (its JSON as
        read: ``backend.forms``) where they mean the same."""
        return self._send_json(
            "create" if version is None else "update",
            f"content type '{ct.id}'",
            "put",
            f"{self._env_path}/content_types/{ct.id}",
            content_type_like(content_type_to_api(ct), like),
            None if version is None else self._version(version),
        )

    def publish_content_type(self, ct_id: str, version: int) -> JsonObject:
        return self._publish(f"content type '{ct_id}'", f"{self._env_path}/content_types/{ct_id}", version)

    def unpublish_content_type(self, ct_id: str, version: int) -> JsonObject:
        return self._unpublish(f"content type '{ct_id}'", f"{self._env_path}/content_types/{ct_id}", version)

    def delete_content_type(self, ct_id: str) -> None:
        # No version header: the API does not need one for deletes (facts §1.2).
        self._send("delete", f"content type '{ct_id}'", "delete", f"{self._env_path}/content_types/{ct_id}")

    def put_editor_interface(self, ei: EditorInterface, version: int, like: JsonObject | None = None) -> JsonObject:
        """Replace an editor interface; its controls in the forms of ``like`` where they mean the same."""
        return self._send_json(
            "update",
            f"editor interface of '{ei.content_type_id}'",
            "put",
            f"{self._env_path}/content_types/{ei.content_type_id}/editor_interface",
            editor_interface_like(editor_interface_to_api(ei), like),
            self._version(version),
        )

    def create_locale(self, locale: Locale) -> JsonObject:
        # Locales are created only by POST; their sys.id is random, not the code (facts §1.4).
        return self._send_json(
            "create", f"locale '{locale.code}'", "post", f"{self._env_path}/locales", locale_to_api(locale)
        )

    def update_locale(self, sys_id: str, locale: Locale, version: int) -> JsonObject:
        return self._send_json(
            "update",
            f"locale '{locale.code}'",
            "put",
            f"{self._env_path}/locales/{sys_id}",
            locale_to_api(locale),
            self._version(version),
        )

    def delete_locale(self, sys_id: str) -> None:
        self._send("delete", f"locale with id '{sys_id}'", "delete", f"{self._env_path}/locales/{sys_id}")

    # ---- users -------------------------------------------------------------------------------------------

    def read_users(self) -> list[User] | None:
        """The space's users (who the ``sys.updatedBy`` ids are), every page; None when the token may not read
        them (403, or 404 where the endpoint is not offered). A raw GET: the SDK's space users proxy refuses
        ``all()``. The endpoint's ordering is undocumented, so no ``order`` is sent."""
        try:
            items = self._list_all("list", f"users of space '{self._space_id}'", f"{self._space_path}/users", {},
                                   USERS_PAGE_LIMIT, order=None)
        except ApiError as error:
            if error.status in (403, 404):
                return None
            raise
        return [user_from_api(item) for item in items]
    def put_tag(self, tag: Tag, version: int | None) -> JsonObject:
        """Create (``version`` None) or rename a tag."""
        operation, headers = ("create", None) if version is None else ("update", self._version(version))
        return self._send_json(operation, f"tag '{tag.id}'", "put", f"{self._env_path}/tags/{tag.id}",
                               tag_to_api(tag), headers)

    def installed_widgets(self) -> tuple[set[str], set[str]]:
        """The app definition ids of the environment's app installations and the ids of its UI extensions."""
        env = f"environment '{self._environment_id}'"
        apps = self._list_all("list", f"app installations of {env}", f"{self._env_path}/app_installations", {}, 100)
        extensions = self._list_all("list", f"extensions of {env}", f"{self._env_path}/extensions", {}, 100)
        return {i for a in apps if (i := link_id(a.get("sys", {}).get("appDefinition")))}, {
            e["sys"]["id"] for e in extensions if isinstance(e.get("sys", {}).get("id"), str)}

    def delete_tag(self, tag_id: str, version: int) -> None:
        # The recorded delete sends the version [REC R/tag/destroy_referenced].
        self._send("delete", f"tag '{tag_id}'", "delete", f"{self._env_path}/tags/{tag_id}", None,
                   self._version(version))

    # ---- entries -----------------------------------------------------------------------------------------

    @staticmethod
    def _is_unknown_content_type(error: ApiError) -> bool:
        # GET /entries?content_type=<never published CT> is 400 InvalidQuery unknownContentType (facts §10.7):
        # such a content type has no entries.
        errors = error.details.get("errors") if isinstance(error.details, dict) else None
        return (
            error.status == 400
            and isinstance(errors, list)
            and any(isinstance(e, dict) and e.get("name") == "unknownContentType" for e in errors)
        )

    def count_entries(self, ct_id: str) -> int:
        """The number of entries (drafts included) of a content type, in one request."""
        try:
            page = self._send_json(
                "count",
                f"entries of content type '{ct_id}'",
                "get",
                f"{self._env_path}/entries",
                {"content_type": ct_id, "limit": 1, "select": "sys"},
            )
        except ApiError as error:
            if self._is_unknown_content_type(error):
                return 0
            raise
        return int(page.get("total", 0))

    def fetch_entries(self, ct_id: str | None = None, tagged: Sequence[str] = ()) -> list[Entry]:
        """Every entry (of one content type, or all; with ``tagged``, only those holding one of these tags), with
        the values of all locales."""
        query: JsonObject = {} if ct_id is None else {"content_type": ct_id}
        what = "entries" if ct_id is None else f"entries of content type '{ct_id}'"
        if tagged:
            query["metadata.tags.sys.id[in]"] = ",".join(tagged)
            what = f"entries tagged {', '.join(tagged)}"
        try:
            items = self._list_all("list", what, f"{self._env_path}/entries", query, ENTRY_PAGE_LIMIT)
        except ApiError as error:
            if self._is_unknown_content_type(error):
                return []
            raise
        return [entry_from_api(item) for item in items]

    def entry_pages(self, ct_id: str) -> Iterator[list[Entry]]:
        """The entries of a content type, one page (``ENTRY_PAGE_LIMIT``, in ``PAGE_ORDER``: stable while entries
        are written) at a time, each with the values of all locales: memory holds one page."""
        pages = self._pages("list", f"entries of content type '{ct_id}'", f"{self._env_path}/entries",
                            {"content_type": ct_id}, ENTRY_PAGE_LIMIT)
        try:
            yield from ([entry_from_api(item) for item in batch] for batch in pages)
        except ApiError as error:
            if not self._is_unknown_content_type(error):
                raise

    def put_entry(
        self, entry_id: str, ct_id: str, fields: JsonObject, version: int | None, tags: Sequence[str] = ()
    ) -> Entry:
        """Create (``version`` None; the content type travels in ``X-Contentful-Content-Type``) or replace an
        entry, holding ``tags`` (a PUT replaces the whole entry: the caller passes the tags to keep)."""
        headers = {"X-Contentful-Content-Type": ct_id} if version is None else self._version(version)
        operation = "create" if version is None else "update"
        path, resource = f"{self._env_path}/entries/{entry_id}", f"entry '{entry_id}'"
        body: JsonObject = {"fields": fields, "metadata": {"tags": tag_links(tags)}} if tags else {"fields": fields}
        return entry_from_api(self._send_json(operation, resource, "put", path, body, headers))

    def publish_entry(self, entry_id: str, version: int) -> Entry:
        return entry_from_api(self._publish(f"entry '{entry_id}'", f"{self._env_path}/entries/{entry_id}", version))

    def unpublish_entry(self, entry_id: str, version: int) -> Entry:
        return entry_from_api(self._unpublish(f"entry '{entry_id}'", f"{self._env_path}/entries/{entry_id}", version))

    def archive_entry(self, entry_id: str, version: int) -> Entry:
        """Archive an unpublished entry (``PUT .../archived``; a published one is refused, facts §3.2)."""
        path = f"{self._env_path}/entries/{entry_id}/archived"
        return entry_from_api(self._send_json("archive", f"entry '{entry_id}'", "put", path,
                                              headers=self._version(version)))

    def unarchive_entry(self, entry_id: str, version: int) -> Entry:
        """Unarchive an entry (``DELETE .../archived``): a draft again, writable."""
        path = f"{self._env_path}/entries/{entry_id}/archived"
        return entry_from_api(self._send_json("unarchive", f"entry '{entry_id}'", "delete", path,
                                              headers=self._version(version)))

    def delete_entry(self, entry_id: str) -> None:
        self._send("delete", f"entry '{entry_id}'", "delete", f"{self._env_path}/entries/{entry_id}")

    def for_environment(self, env_id: str) -> Backend:
        """A Backend for another environment of the same space, sharing this one's rate limit (the API limits
        a space, not an environment) but counting its own requests."""
        other = Backend(
            base_url=self._base_url,
            token=self._token,
            space_id=self._space_id,
            environment_id=env_id,
            timeout=self._timeout,
            max_requests_per_second=self._max_requests_per_second,
            scope=self.scope,
            unreachable=self._unreachable,
        )
        other._client.throttle = self._client.throttle
        return other
