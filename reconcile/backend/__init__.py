"""The Content Management API, through the official ``contentful-management`` SDK.

This is the only package that imports the SDK and the only one that knows CMA JSON. Its main parts:

* ``translate``: pure translation between CMA JSON and the domain model (``*_from_api``, ``*_to_api``,
  ``parse_environment``, ``raw_from_export``, entries), tolerant of every real payload shape from 2014 to 2025;
* ``transport``: the SDK client with a timeout, request counting, the client-side throttle and 429 retries,
  and the wording of the API's error answers;
* ``client``: ``Backend``, the HTTP operations the tool needs against one space environment;
* ``forms``: a PUT body in the forms of the JSON read where they mean the same (an apply changes only what it
  changes, a revert gives the JSON back exactly);
* ``users``, ``partial``, ``environments``: the space's users, one content type of a read put into another,
  environment aliases and the environments of a space (``SpaceEnvironments``).

How the SDK is used. The SDK's resource objects are lossy when they serialise (``ContentType.save()`` drops
``allowedResources``, ``EditorInterface.save()`` sends only ``controls``: facts §8.5) and they refuse to build
payloads they do not know. So every request goes through the SDK's raw layer (``client._get/_put/_post/
_delete``) in ``raw_mode``: the SDK builds the URL, the headers (token, user agent, content type) and the JSON
body; this package builds complete bodies itself and reads the plain JSON answers.

The SDK sets no timeout and retries 429s on its own. ``SdkClient`` is a thin subclass overriding the single
method every request of the SDK passes through (``_http_request``) to add the timeout, count requests, apply
the client-side rate limit and retry 429s. Nothing is patched globally: other ``Client`` instances are
untouched.

Its place among the layers: docs/architecture.md.
"""

from __future__ import annotations

from reconcile.backend.client import ENTRY_PAGE_LIMIT, PAGE_LIMIT, PAGE_ORDER, Backend
from reconcile.backend.entry_json import entries_from_export, entry_from_api, entry_to_api, to_export
from reconcile.backend.environments import AliasState, EntryStats, EnvironmentInfo, SpaceEnvironments
from reconcile.backend.forms import Forms
from reconcile.backend.partial import content_type_json, with_content_type, without_content_types
from reconcile.backend.translate import (
    RawEnvironment,
    content_type_from_api,
    content_type_to_api,
    editor_interface_from_api,
    editor_interface_to_api,
    locale_from_api,
    locale_to_api,
    meta_from_api,
    parse_environment,
    raw_from_export,
    scoped,
)
from reconcile.backend.transport import (
    DEFAULT_RATE_LIMIT_WAIT,
    MAX_RATE_LIMIT_RETRIES,
    MAX_RATE_LIMIT_WAIT,
    MIN_RATE_LIMIT_WAIT,
    RATE_LIMIT_MARGIN,
    READ_RETRY_PAUSES,
    TRANSIENT_STATUSES,
)

__all__ = [
    "DEFAULT_RATE_LIMIT_WAIT",
    "ENTRY_PAGE_LIMIT",
    "MAX_RATE_LIMIT_RETRIES",
    "MAX_RATE_LIMIT_WAIT",
    "MIN_RATE_LIMIT_WAIT",
    "PAGE_LIMIT",
    "PAGE_ORDER",
    "RATE_LIMIT_MARGIN",
    "READ_RETRY_PAUSES",
    "TRANSIENT_STATUSES",
    "AliasState",
    "Backend",
    "EntryStats",
    "EnvironmentInfo",
    "Forms",
    "RawEnvironment",
    "SpaceEnvironments",
    "content_type_from_api",
    "content_type_json",
    "content_type_to_api",
    "editor_interface_from_api",
    "editor_interface_to_api",
    "entries_from_export",
    "entry_from_api",
    "entry_to_api",
    "locale_from_api",
    "locale_to_api",
    "meta_from_api",
    "parse_environment",
    "raw_from_export",
    "scoped",
    "to_export",
    "with_content_type",
    "without_content_types",
]
