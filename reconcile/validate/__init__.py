"""Offline rules a declared model must meet before any request is sent.

``validate`` is pure: it looks only at the ``DeclaredModel`` (the model plus where each part was
declared) and returns every problem at once, each naming the file, the key path, the line, what is
wrong and how to fix it. The rules mirror the Content Management API's (see the CMA facts file,
sections 1.1, 1.4, 4 and 5) so that a model that passes here is not refused halfway through an apply.

Two rules are enforced earlier, by ``declared.read_models``, because the model cannot even hold the
offending input: duplicate locale codes and content type ids that differ from their file names
(which also makes content type ids unique).

The model may be partial: parts of the files that failed their shape are left out of it (the loader
reports them) and recorded in ``declared.unread``. Every rule that would need a missing part is skipped,
so the rules check the rest in the same run without a follow-on problem of a shape problem.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reconcile.errors import Problem
from reconcile.sources import DeclaredModel, sort_problems
from reconcile.validate.content_types import ContentTypeCheck
from reconcile.validate.locales import locale_problems
from reconcile.validate.tags import tag_problems


def validate(declared: DeclaredModel, outside: Callable[[str], bool] = lambda _: False) -> list[Problem]:
    """Every problem of the declared model, sorted by file and line; an empty list, or one of warnings only
    (``Problem.warning``), means valid. ``outside``: the content type ids out of the ownership scope, which a link
    may name though no file declares them."""
    model = declared.model
    problems: list[Problem] = []
    clean: dict[tuple[bytes, str], str] = {}
    for ct_id in sorted(model.content_types):
        source = declared.sources.get(f"content_types.{ct_id}")
        file = source.file if source is not None else Path(f"content_types/{ct_id}.toml")
        editor = model.editor_interfaces.get(ct_id)
        problems.extend(ContentTypeCheck(declared, model.content_types[ct_id], file, editor, outside, clean).problems())
    problems.extend(locale_problems(declared))
    problems.extend(tag_problems(declared))
    return sort_problems(problems)
