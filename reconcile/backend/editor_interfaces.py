"""The editor interfaces of an environment: one env-wide list, or one request per content type when that
list is too big for the API to send.

The env-wide list ``GET /editor_interfaces`` has no paging keys (facts §1.3), so it cannot be read in smaller
pages: when the API refuses it for its size (over 7 MB, ``paging``), each content type's interface is read
on its own (``GET /content_types/{id}/editor_interface``), which is how contentful-export reads them always.
A content type never published has none (404) and is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reconcile.backend.paging import is_too_big
from reconcile.errors import ApiError
from reconcile.model import JsonObject

Send = Callable[..., JsonObject]


def read_editor_interfaces(send: Send, env_path: str, env: str, content_types: Sequence[JsonObject]) -> list[Any]:
    """Every editor interface of the environment at ``env_path`` (``send``: ``Backend._send_json``)."""
    try:
        return send("list", f"editor interfaces of {env}", "get", f"{env_path}/editor_interfaces").get("items") or []
    except ApiError as error:
        if not is_too_big(error):
            raise
    interfaces = []
    for content_type in content_types:
        ct_id = content_type.get("sys", {}).get("id")
        try:
            interfaces.append(send("read", f"editor interface of '{ct_id}'", "get",
                                   f"{env_path}/content_types/{ct_id}/editor_interface"))  # fmt: skip
        except ApiError as error:
            if error.status != 404:
                raise
    return interfaces
