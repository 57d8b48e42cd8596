"""Rich-text values: the document shape and the ``enabledNodeTypes`` / ``enabledMarks`` / ``nodes`` rules.

Facts 4.2 list the three validations and the node types and marks they name. What the real API answers
when a document breaks them is not recorded: the 422 items below (``name`` = the validation key, the
offending ``nodeType`` or mark, ``path`` into the document) are modelled on the other items — UNSURE.
Node types that no ``enabledNodeTypes`` list can name (``document``, ``paragraph``, ``text``,
``list-item``, table rows and cells) are always allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Json = dict[str, Any]
Path = list[Any]

# The node types an ``enabledNodeTypes`` list controls [facts 4.2]; any other node type is always allowed.
CONTROLLED_NODE_TYPES = frozenset(
    {"heading-1", "heading-2", "heading-3", "heading-4", "heading-5", "heading-6", "ordered-list",
     "unordered-list", "hr", "blockquote", "table", "embedded-entry-block", "embedded-asset-block",
     "embedded-resource-block", "hyperlink", "entry-hyperlink", "asset-hyperlink", "resource-hyperlink",
     "embedded-entry-inline", "embedded-resource-inline"}
)  # fmt: skip
# Node types whose ``data.target`` links an entry (``nodes.<type>: [{linkContentType}]`` applies to them).
ENTRY_TARGET_NODES = frozenset({"embedded-entry-block", "embedded-entry-inline", "entry-hyperlink"})

# ``resolve(link) -> content type id of the linked entry, or None`` (unresolvable or not an entry).
Resolver = Callable[[Any], str | None]


def document_shape_ok(value: Any) -> bool:
    """A rich-text document: ``{"nodeType": "document", "data": {}, "content": [...]}`` of well-formed nodes."""
    if not isinstance(value, dict) or value.get("nodeType") != "document":
        return False
    return all(_node_shape_ok(node) for node, _ in _walk(value, []))


def _node_shape_ok(node: Any) -> bool:
    if not isinstance(node, dict) or not isinstance(node.get("nodeType"), str):
        return False
    if node["nodeType"] == "text":
        return isinstance(node.get("value"), str) and isinstance(node.get("marks", []), list)
    return isinstance(node.get("content", []), list) and isinstance(node.get("data", {}), dict)


def _walk(node: Json, path: Path) -> Iterator[tuple[Json, Path]]:
    """Every node under ``node`` (itself excluded), depth first, with its path."""
    content = node.get("content") if isinstance(node, dict) else None
    for index, child in enumerate(content if isinstance(content, list) else []):
        child_path = [*path, "content", index]
        yield child, child_path
        if isinstance(child, dict):
            yield from _walk(child, child_path)


def rich_text_errors(validations: list[Any], document: Json, path: Path, resolve: Resolver) -> list[Json]:
    """422 items for the rich-text validations of one well-formed document at ``path``."""
    errors: list[Json] = []
    nodes = list(_walk(document, path))
    for rule in validations:
        if not isinstance(rule, dict):
            continue
        message = rule.get("message")
        if isinstance(rule.get("enabledNodeTypes"), list):
            errors += _enabled_node_types(rule["enabledNodeTypes"], nodes, message)
        if isinstance(rule.get("enabledMarks"), list):
            errors += _enabled_marks(rule["enabledMarks"], nodes, message)
        if isinstance(rule.get("nodes"), dict):
            errors += _node_rules(rule["nodes"], nodes, path, resolve)
    return errors


def _enabled_node_types(enabled: list[Any], nodes: list[tuple[Json, Path]], message: Any) -> list[Json]:
    return [
        {"name": "enabledNodeTypes", "nodeType": node["nodeType"], "expected": enabled, "path": node_path,
         "details": message or f'Node type "{node["nodeType"]}" is not enabled for this field'}
        for node, node_path in nodes
        if node.get("nodeType") in CONTROLLED_NODE_TYPES and node["nodeType"] not in enabled
    ]  # fmt: skip


def _enabled_marks(enabled: list[Any], nodes: list[tuple[Json, Path]], message: Any) -> list[Json]:
    errors: list[Json] = []
    for node, node_path in nodes:
        if node.get("nodeType") != "text":
            continue
        for index, mark in enumerate(node.get("marks") or []):
            kind = mark.get("type") if isinstance(mark, dict) else mark
            if kind not in enabled:
                errors.append({"name": "enabledMarks", "mark": kind, "expected": enabled,
                               "path": [*node_path, "marks", index],
                               "details": message or f'Mark "{kind}" is not enabled for this field'})  # fmt: skip
    return errors


def _node_rules(rules: Json, nodes: list[tuple[Json, Path]], path: Path, resolve: Resolver) -> list[Json]:
    """``nodes: {"<node type>": [{"size": {min, max}} | {"linkContentType": [...]}]}``."""
    errors: list[Json] = []
    for node_type, node_validations in rules.items():
        matching = [(node, node_path) for node, node_path in nodes if node.get("nodeType") == node_type]
        for rule in node_validations if isinstance(node_validations, list) else []:
            if not isinstance(rule, dict):
                continue
            size = rule.get("size")
            if isinstance(size, dict) and not _within(len(matching), size):
                errors.append({"name": "size", "nodeType": node_type, **size, "value": len(matching),
                               "path": path, "details": rule.get("message")
                               or f'The number of "{node_type}" nodes is out of range'})  # fmt: skip
            allowed = rule.get("linkContentType")
            if isinstance(allowed, list) and node_type in ENTRY_TARGET_NODES:
                errors += _linked_types(matching, allowed, rule.get("message"), resolve)
    return errors


def _linked_types(matching: list[tuple[Json, Path]], allowed: list[Any], message: Any,
                  resolve: Resolver) -> list[Json]:  # fmt: skip
    errors: list[Json] = []
    for node, node_path in matching:
        target = (node.get("data") or {}).get("target")
        ct_id = resolve(target)
        if ct_id is not None and ct_id not in allowed:
            errors.append({"name": "linkContentType", "contentTypeId": allowed, "value": target,
                           "path": [*node_path, "data", "target"],
                           "details": message or "Link to entry has invalid content type"})  # fmt: skip
    return errors


def _within(count: int, bounds: Json) -> bool:
    low, high = bounds.get("min"), bounds.get("max")
    return (not isinstance(low, int | float) or count >= low) and (not isinstance(high, int | float) or count <= high)
