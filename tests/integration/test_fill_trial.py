"""Defects found by a newcomer's trial of issue 14 (declared fills, conversions), each pinned here."""

from __future__ import annotations

import shutil

from .conftest import Workspace
from .test_transforms import SCENARIOS, cli


def fill_project(workspace: Workspace, source: str) -> None:
    """The fill-first-name scenario's models, with ``source`` as its fill file (nothing applied)."""
    workspace.use_models(SCENARIOS / "fill-first-name" / "after")
    shutil.copytree(SCENARIOS / "fill-first-name" / "transforms", workspace.root / "transforms", dirs_exist_ok=True)
    (workspace.root / "transforms" / "people.py").write_text(source)


def test_a_fill_that_cannot_take_fields_and_locale_is_an_offline_error(workspace: Workspace) -> None:
    """A fill written `def first_name(fields)` failed on every entry at plan time (a TypeError per entry);
    the signature is known offline, so `validate` says so, with the file and line, before any request."""
    fill_project(workspace, "def first_name(fields):\n    return None\n")
    code, _, err = cli(workspace, "validate")
    assert code == 1, err
    assert "content_types/person.toml" in err
    assert "fill transforms/people.py:first_name cannot be called as first_name(fields, locale)" in err
    for fine in ("def first_name(fields, locale, extra=None):\n    return None\n",
                 "def first_name(*args):\n    return None\n",
                 "class Named:\n    def __call__(self, fields, locale):\n        return None\nfirst_name = Named()\n"):
        fill_project(workspace, fine)
        assert cli(workspace, "validate")[0] == 0, fine
