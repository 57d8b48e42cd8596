"""The rules that look beyond one file: a name one model file uses that another must declare (issue 16).

A content type file's rules depend on the other files in two places only: a ``linkContentType`` names a content
type (declared by its own file, out of the scope, or in a file that did not read), and a ``default_value`` is
keyed by locale codes (declared in ``locales.toml``). Each such use is a ``Reference``; ``unresolved`` says
whether the rest of the model lacks it and ``reference_problem`` words the problem: a warning for a content type
(Contentful keeps a ``linkContentType`` naming a deleted content type and accepts one naming none, so a pulled
file may hold it: contentful-migration#963), an error for a locale. A whole-model check
(``validate``) resolves each reference as it meets it; ``reconcile validate`` checks each file once and keeps
its references (``declared.records``), then resolves them against the names of every file on each run
(``workflows.validating``), so that an edit of one file checks that file alone and the references of all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reconcile.errors import Problem
from reconcile.model import shown
from reconcile.sources import KeyPath, Unread

ReferenceKind = Literal["content_type", "locale"]


@dataclass(frozen=True)
class Reference:
    """A name one file uses that another file must declare: ``kind`` and ``name``, where it is used in the file
    (``key_path``, for its line) and that place as a problem shows it (``path``)."""

    kind: ReferenceKind
    name: str
    key_path: KeyPath
    path: str


def unresolved(
    kind: ReferenceKind, name: str, content_types: Container[str], locales: Container[str], unread: Unread,
    outside: Callable[[str], bool],
) -> bool:
    """Whether the model (its ``content_types`` and ``locales`` ids, what of it did not read, the ids out of its
    scope) lacks the ``kind`` of thing named ``name``: a problem, unless a file that did not read may declare it."""
    if kind == "content_type":
        return name not in content_types and not unread.knows_content_type(name) and not outside(name)
    return name not in locales and not unread.locales


def reference_problem(reference: Reference, file: Path, line: int | None) -> Problem:
    """The problem of an unresolved ``reference`` of ``file``, at ``line``: a warning when it names a content type,
    which Contentful accepts (out of the scope, the name is accepted as a link target without one)."""
    name = shown(reference.name)
    if reference.kind == "locale":
        message = f"default_value has locale {name}, which is not declared in locales.toml"
        return Problem(str(file), reference.path, message, "use a declared locale code (e.g. the default locale)", line)
    message = (f"linkContentType names {name}, which is not a declared content type; Contentful accepts it, but no "
               "entry of that type can be linked there until the content type exists")
    hint = ("declare it in content_types/, or fix the id (ids are case-sensitive); if the environment holds this link "
            f"to a content type it does not have, put the id out of scope: [scope] ignore = "
            f"[{json.dumps(reference.name)}]")
    return Problem(str(file), reference.path, message, hint, line, warning=True)
