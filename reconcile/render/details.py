"""The per-property detail under a change in a plan rendering, as :class:`Detail` lines.

Paths come from the change (``change.paths``), but a list whose members carry no position for a
reviewer is shown as members added and removed, not element by element: adding ``"event"`` to
``linkContentType = ["author", "page"]`` is one ``+ "event"`` line under that path. Members are
matched by identity (a validation by its kind, a layout item by its field or group id); a member on
both sides that changed is shown by its own paths. Lists whose order matters (``in``, the editor
layout, sidebar, editors) also say the new order when it is not the old one plus members appended.
New fields list their validations one per line. Values stay whole here: the renderers format them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reconcile.changes import (
    AddField,
    Change,
    CreateContentType,
    CreateLocale,
    CreateTag,
    MoveField,
    PublishContentType,
    document,
    leaf_paths,
    value_at,
)
from reconcile.impact import validation_kind
from reconcile.model import METADATA_KEYS, Field, Locale
from reconcile.normalize import canonical_json


class _Absent:
    """Marks a path that does not exist on one side of a change."""


ABSENT = _Absent()


@dataclass(frozen=True)
class Detail:
    """One detail line: ``text`` then ``values`` (joined by `` → ``), indented ``depth`` levels.

    ``mark`` is ``+`` (a member or property added), ``-`` (removed) or ``""``: what a colour shows.
    """

    text: str
    values: tuple[Any, ...] = ()
    depth: int = 0
    mark: str = ""


def _kind(validation: Any) -> Any:
    return validation_kind(validation) if isinstance(validation, dict) else None


def _scalar(value: Any) -> str:
    return canonical_json(value)


def _pair(keys: tuple[str, ...]) -> Callable[[Any], Any]:
    """Identity by the values of ``keys``, joined by ``/``: ``sidebar-builtin/publication-widget``."""
    return lambda item: "/".join(str(item.get(k)) for k in keys) if isinstance(item, dict) else None


def _layout_item(item: Any) -> Any:
    """A layout item is a field (``title``) or a nested group (``group:seo``)."""
    if isinstance(item, dict) and "fieldId" in item:
        return item["fieldId"]
    return f"group:{item.get('groupId')}" if isinstance(item, dict) else None


def _taxonomy_link(item: Any) -> Any:
    """A taxonomy link is its target: ``concept_scheme:topics``."""
    return next((f"{k}:{item[k]}" for k in ("concept_scheme", "concept") if k in item), None) if isinstance(
        item, dict) else None


@dataclass(frozen=True)
class _Members:
    ordered: bool
    identity: Callable[[Any], Any]


#: Lists shown member by member, by their key.
_MEMBER_LISTS: dict[str, _Members] = {
    "validations": _Members(False, _kind),
    **{key: _Members(False, _scalar) for key in (
        "linkContentType", "linkMimetypeGroup", "enabledNodeTypes", "enabledMarks", "contentTypes")},
    "in": _Members(True, _scalar),
    "allowed_resources": _Members(False, _pair(("type", "source"))),
    "allowedResources": _Members(False, _pair(("type", "source"))),
    "editor_layout": _Members(True, _pair(("groupId",))),
    "items": _Members(True, _layout_item),
    "group_controls": _Members(False, _pair(("groupId",))),
    "sidebar": _Members(True, _pair(("widgetNamespace", "widgetId"))),
    "editors": _Members(True, _pair(("widgetNamespace", "widgetId"))),
    "annotations": _Members(False, _pair(("id",))),
    "taxonomy": _Members(False, _taxonomy_link),
}


def _member_list(path: str) -> tuple[str, _Members] | None:
    """The first member list ``path`` goes through: its own path and how its members are matched."""
    start = 0
    while (index := path.find("[", start)) != -1:
        head = path[:index]
        key = head.rsplit(".", 1)[-1]
        if key in _MEMBER_LISTS:  # a list ``items`` is an editor layout group's (a field's ``items`` is a table)
            return head, _MEMBER_LISTS[key]
        start = index + 1
    key = path.rsplit(".", 1)[-1]
    return (path, _MEMBER_LISTS[key]) if key in _MEMBER_LISTS else None


def diff_details(
    before: Any, after: Any, paths: list[str] | tuple[str, ...], depth: int = 0, prefix: str = ""
) -> list[Detail]:
    """Detail lines of the changed ``paths`` between two documents, member lists grouped; labels are
    ``prefix`` + path."""
    lines: list[Detail] = []
    done: set[str] = set()
    for path in paths:
        found = _member_list(path)
        if found is None:
            lines.append(
                Detail(f"{prefix}{path}: ", (value_at(before, path, ABSENT), value_at(after, path, ABSENT)), depth)
            )
            continue
        list_path, members = found
        if list_path in done:
            continue
        done.add(list_path)
        old, new = value_at(before, list_path, ABSENT), value_at(after, list_path, ABSENT)
        if list_path.rsplit(".", 1)[-1] in METADATA_KEYS:  # an empty metadata list is left out of documents
            old, new = ([] if old is ABSENT else old), ([] if new is ABSENT else new)
        if isinstance(old, list) and isinstance(new, list):
            lines += _member_details(prefix + list_path, old, new, members, depth)
        else:
            lines.append(Detail(f"{prefix}{list_path}: ", (old, new), depth))
    return lines


def _member_details(label: str, old: list[Any], new: list[Any], members: _Members, depth: int) -> list[Detail]:
    """Members removed and added (``-``/``+`` under the list's label), members changed in place (by
    their paths), and for an ordered list the new order when it is not the old one plus appended."""
    old_ids, new_ids = [members.identity(m) for m in old], [members.identity(m) for m in new]
    keys_old, keys_new = list(map(repr, old_ids)), list(map(repr, new_ids))
    scalar = members.identity is _scalar
    if not scalar and (len(set(keys_old)) < len(keys_old) or len(set(keys_new)) < len(keys_new)):
        return diff_details(old, new, leaf_paths(old, new), depth, label)  # no identity: element by element
    gone, came = Counter(keys_old) - Counter(keys_new), Counter(keys_new) - Counter(keys_old)
    listed: list[Detail] = []
    for key, member in zip(keys_old, old, strict=True):
        if gone[key] > 0:
            gone[key] -= 1
            listed.append(Detail("- ", (member,), depth + 1, "-"))
    changed: list[Detail] = []
    added: list[str] = []
    for position, (key, member) in enumerate(zip(keys_new, new, strict=True)):
        if came[key] > 0:
            came[key] -= 1
            added.append(key)
            listed.append(Detail("+ ", (member,), depth + 1, "+"))
        elif not scalar and (previous := old[keys_old.index(key)]) != member:
            changed += diff_details(previous, member, leaf_paths(previous, member), depth, f"{label}[{position}].")
    kept = [k for k in keys_old if k in keys_new]
    if members.ordered and [*kept, *added] != keys_new:
        listed.append(Detail("order: ", (old, new) if scalar else (old_ids, new_ids), depth + 1))
    return ([Detail(f"{label}:", (), depth), *listed] if listed else []) + changed


def _validation_lines(title: str, validations: tuple[dict[str, Any], ...], depth: int) -> list[Detail]:
    if not validations:
        return []
    lines = [Detail(f"{title}:", (), depth)]
    for validation in validations:
        kind = _kind(validation)
        message = validation.get("message") if kind != "message" else None
        values = (validation.get(kind),) if kind != "message" else (validation.get("message"),)
        lines.append(Detail(f"{kind}: ", values, depth + 1))
        if message is not None:
            lines.append(Detail("message: ", (message,), depth + 2))
    return lines


#: Field properties that :func:`field_summary` or the validation lines already show.
_SUMMARISED = frozenset({"link_type", "required", "localized", "disabled", "omitted", "items", "validations"})


def field_summary(field: Field) -> str:
    """``Array<Link<Entry>>, required, localized``."""
    kind: str = field.type
    if field.link_type:
        kind = f"Link<{field.link_type}>"
    if field.items is not None:
        inner = f"Link<{field.items.link_type}>" if field.items.link_type else field.items.type
        kind = f"Array<{inner}>"
    flags = [name for name in ("required", "localized", "disabled", "omitted") if getattr(field, name)]
    return ", ".join([kind, *flags])


def created_field(field: Field, depth: int) -> list[Detail]:
    """A new field's properties that differ from a bare field's, and its validations, one per line."""
    defaults = document(Field(id=field.id, name=field.name, type=field.type))
    created = document(field)
    lines = [
        Detail(f"{path}: ", (value_at(created, path),), depth)
        for path in leaf_paths(defaults, created)
        if path.split(".")[0].split("[")[0] not in _SUMMARISED
    ]
    lines += _validation_lines("validations", field.validations, depth)
    if field.items is not None:
        lines += _validation_lines("items.validations", field.items.validations, depth)
    return lines


def change_details(change: Change) -> list[Detail]:
    """The detail lines of one change: what a created value holds, or what changed and how."""
    if isinstance(change, CreateContentType):
        ct = change.after
        lines = [
            Detail(f"{key}: ", (getattr(ct, key),))
            for key in ("name", "description", "display_field", "annotations", "taxonomy")
            if getattr(ct, key) not in (None, ())
        ]
        for field in ct.fields:
            lines.append(Detail(f"+ field {field.id}: {field_summary(field)}", mark="+"))
            lines += created_field(field, 2)
        return lines
    if isinstance(change, AddField):
        return [Detail(field_summary(change.after)), *created_field(change.after, 0)]
    if isinstance(change, CreateLocale):
        created_locale = change.after
        defaults = document(Locale(code=created_locale.code, name=created_locale.name))
        return [Detail("name: ", (created_locale.name,))] + [
            Detail(f"{path}: ", (value_at(document(created_locale), path),))
            for path in leaf_paths(defaults, document(created_locale))
        ]
    if isinstance(change, CreateTag):
        return [Detail("name: ", (change.after.name,)), Detail("visibility: ", (change.after.visibility,))]
    if isinstance(change, MoveField | PublishContentType) or change.after is None:
        return []
    return diff_details(document(change.before), document(change.after), change.paths)
