"""The problems of ``reconcile.toml`` that pydantic finds, in the words of the model files' problems: the key
path, its line, what is wrong and the fix (a misspelt key gets the closest allowed one, a value of the wrong
type what to write instead)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .sources import KeyPath, Position, nearest
from .wording import unknown_key_hint, wrong_type

_HINTS = {
    "missing": "add the key",
    "union_tag_invalid": 'use kind = "local" or kind = "contentful"',
    "union_tag_not_found": 'add kind = "local" or kind = "contentful"',
}
_DEFAULT_HINT = "fix the value: the keys of reconcile.toml and their values are described in README.md (Configuration)"


def problems(
    exc: ValidationError, path: Path, positions: Mapping[KeyPath, Position], sections: Mapping[str, type[BaseModel]]
) -> list[Problem]:
    """Each pydantic error of ``reconcile.toml`` as a problem naming the key path, its line and a fix, by line;
    ``sections``: the table each section is read with, by the key above it (a target's by its kind)."""
    found = []
    for error in exc.errors():
        # A discriminated union adds the tag ("contentful") to the location; the file has no such key.
        loc = tuple(
            str(part)
            for i, part in enumerate(error["loc"])
            if not (i == 2 and error["loc"][0] == "targets" and part in ("local", "contentful"))
        )
        if error["type"] == "union_tag_invalid":
            loc += ("kind",)
        line, column = nearest(positions, loc) or (None, None)
        message = error["msg"].removeprefix("Value error, ")
        hint = _HINTS.get(error["type"], _DEFAULT_HINT)
        if error["type"] == "extra_forbidden":
            message, hint = "unknown key", unknown_key_hint(loc[-1], _allowed(error["loc"], sections))
        elif error["type"] == "missing":
            message = "required key is missing"
        elif error["type"] == "union_tag_invalid":
            message = f"unknown kind {json.dumps(error['input'].get('kind'), default=str)}"
        elif error["type"] == "union_tag_not_found":
            message = "the target has no kind"
        elif (typed := wrong_type(error["type"], error["input"])) is not None:
            message, hint = typed
        if loc[-1:] == ("space_id",) and error["type"] == "missing":
            hint = 'add space_id = "<your space id>" (a contentful target needs it)'
        if loc[-1:] in (("alias",), ("release_prefix",), ("keep",)) and error["type"] == "extra_forbidden":
            hint = 'releases go through an environment alias of a space: use kind = "contentful" (docs/releases.md)'
        if loc[-1:] == ("release_prefix",) and error["type"] == "value_error":
            hint = f'write release_prefix = "{error["input"].rstrip("-_")}" (without the trailing separator)'
        found.append(Problem(str(path), ".".join(loc), message, hint, line, column))
    return sorted(found, key=lambda p: (p.line or 0, p.column or 0))  # in the order of the file, as for models


def _allowed(loc: Sequence[str | int], sections: Mapping[str, type[BaseModel]]) -> list[str]:
    """The keys allowed beside the last key of pydantic's location ``loc`` (which holds a target's kind)."""
    parents = tuple(str(part) for part in loc[:-1])
    if parents[:1] == ("targets",):
        parents = parents[2:]  # the target's name; its kind follows
    section = sections.get(parents[-1] if parents else "")
    return sorted(section.model_fields) if section is not None else []
