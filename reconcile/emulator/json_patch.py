"""``PATCH /entries/{id}`` with a JSON Patch (RFC 6902) body, as contentful-management.js ``entry.patch`` sends it.

Facts: the JS SDK sends ``Content-Type: application/json-patch+json`` and ``X-Contentful-Version`` (a patch
without the version is answered 409 VersionMismatch [ISS contentful-management.js#1461]); its real-API test
"Create, update, patch, publish, unpublish, archive, unarchive and delete entry" replaces
``/fields/title/en-US`` and reads the new value back. Operations apply in order to the entry's ``fields`` and
``metadata``; removing an array item that is not there is refused ("Value at 5 does not exist",
contentful-management.js#2020). UNSURE, not recorded: the status and body of a refused patch (the emulator
answers 422 ``UnprocessableEntity`` with the reason as the message) and whether ``/sys`` paths are refused or
ignored (the emulator refuses them: the entry's sys is the server's).
"""

from __future__ import annotations

import copy
from typing import Any

from reconcile.emulator.errors import CmaError

Json = dict[str, Any]
PATCHABLE = ("fields", "metadata")


def refused(reason: str) -> CmaError:
    return CmaError(422, "UnprocessableEntity", reason)


def apply_patch(document: Json, operations: Any) -> Json:
    """``document`` (not changed) with the operations of a JSON Patch applied in order."""
    if not isinstance(operations, list):
        raise refused("The patch must be an array of operations")
    result = copy.deepcopy(document)
    for operation in operations:
        if not isinstance(operation, dict) or not isinstance(operation.get("path"), str):
            raise refused("Each patch operation needs an op and a path")
        _apply(result, operation)
    return result


def _apply(document: Json, operation: Json) -> None:
    op, path = operation.get("op"), _tokens(operation["path"])
    if op in ("add", "replace", "test") and "value" not in operation:
        raise refused(f"The {op} operation at {operation['path']} needs a value")
    if op == "add":
        _put(document, path, copy.deepcopy(operation["value"]))
    elif op == "replace":
        _take(document, path)
        _put(document, path, copy.deepcopy(operation["value"]))
    elif op == "remove":
        _take(document, path)
    elif op in ("move", "copy"):
        origin = operation.get("from")
        source = _tokens(origin if isinstance(origin, str) else "")
        value = _take(document, source) if op == "move" else copy.deepcopy(_get(document, source))
        _put(document, path, value)
    elif op == "test":
        if not _json_equal(_get(document, path), operation["value"]):
            raise refused(f"Test failed at {operation['path']}")
    else:
        raise refused(f"Unknown patch operation {op!r}")


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as RFC 6902 4.6 defines it for ``test``: numbers by value (1 and 1.0), but a boolean is never a
    number (Python's ``True == 1``); objects and arrays member by member."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _tokens(pointer: str) -> list[str]:
    """The reference tokens of a JSON Pointer (RFC 6901) into ``fields`` or ``metadata``."""
    parts = [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]
    if not pointer.startswith("/") or len(parts) < 2 or parts[0] not in PATCHABLE:
        raise refused(f"The path {pointer!r} is not a path into the entry's fields or metadata")
    return parts


def _parent(document: Json, path: list[str]) -> Any:
    node: Any = document
    for token in path[:-1]:
        node = _child(node, token, "/".join(path))
    return node


def _child(node: Any, token: str, where: str) -> Any:
    if isinstance(node, dict) and token in node:
        return node[token]
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    raise refused(f"Value at {where} does not exist")


def _get(document: Json, path: list[str]) -> Any:
    return _child(_parent(document, path), path[-1], "/".join(path))


def _take(document: Json, path: list[str]) -> Any:
    parent, last = _parent(document, path), path[-1]
    value = _child(parent, last, "/".join(path))
    if isinstance(parent, list):
        parent.pop(int(last))
    else:
        del parent[last]
    return value


def _put(document: Json, path: list[str], value: Any) -> None:
    parent, last = _parent(document, path), path[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list) and last == "-":
        parent.append(value)
    elif isinstance(parent, list) and last.isdigit() and int(last) <= len(parent):
        parent.insert(int(last), value)
    else:
        raise refused(f"Value at {'/'.join(path)} cannot be set")
