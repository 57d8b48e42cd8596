"""The rules for tags.toml: tag ids the API accepts, names present and unique (Contentful refuses a second tag
with the same name; UNSURE: the wording of its error is not recorded)."""

from __future__ import annotations

from collections.abc import Iterator

from reconcile.errors import Problem
from reconcile.model import is_valid_id, shown
from reconcile.sources import DeclaredModel


def tag_problems(declared: DeclaredModel) -> Iterator[Problem]:
    """The problems of the declared tags (none when tags.toml does not exist)."""
    names: dict[str, str] = {}
    for tag_id, tag in (declared.model.tags or {}).items():
        source = declared.sources.get(f"tags.{tag_id}")
        file, line = (str(source.file), source.line) if source is not None else ("tags.toml", None)
        if not is_valid_id(tag_id):
            yield Problem(file, f"tags.{tag_id}.id", f"tag id {shown(tag_id)} is not valid",
                          "use 1-64 letters, digits, '-', '_' and '.', not only dots", line)
        if not tag.name.strip():
            yield Problem(file, f"tags.{tag_id}.name", f"tag {shown(tag_id)} has an empty name",
                          'write the name editors see, e.g. name = "Featured"', line)
        elif tag.name in names:
            yield Problem(file, f"tags.{tag_id}.name", f"tags {shown(names[tag.name])} and {shown(tag_id)} have "
                          f"the same name {shown(tag.name)}", "give each tag its own name (Contentful refuses "
                          "a second tag with the same name)", line)
        names.setdefault(tag.name, tag_id)
