"""A new required field, or a renamed field whose rules tighten, leaves existing entries unpublishable just as
a tightened rule on a kept field does: the plan counts and names them and blocks the change (found in a
newcomer trial: an added required field on a content type with entries was only `[breaking]`)."""

from __future__ import annotations

from reconcile.cli import BLOCKED, CHANGES, OK

from .conftest import Workspace
from .test_transforms import SCENARIOS, cli, seed

AUTHOR = "content_types/author.toml"


def _before_with(workspace: Workspace, old: str, new: str) -> None:
    """The scenario's `before` models (what is live), with ``old`` replaced by ``new`` in author.toml (an empty
    ``old``: ``new`` appended)."""
    workspace.use_models(SCENARIOS / "tightened-size" / "before")
    path = workspace.models / AUTHOR
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new) if old else text + new)


NEW_FIELD = '\n[[fields]]\nid = "email"\nname = "Email"\ntype = "Symbol"\n'


def test_a_required_field_added_to_a_type_with_entries_is_blocked_naming_them(workspace: Workspace) -> None:
    seed(workspace, "tightened-size")
    _before_with(workspace, "", NEW_FIELD + "required = true\n")
    code, out, _ = cli(workspace, "plan")
    assert code == BLOCKED, out
    assert "content_types.author.fields.email  add field  [destructive, 3 entries could no longer be published" in out
    assert ("content_types.author.fields.email: 3 entries could no longer be published: ada (required, and no "
            "value in en-US)") in out
    code, out, _ = cli(workspace, "plan", "--allow-destroy")
    assert code == CHANGES, out
    assert "add field  [destructive, 3 entries could no longer be published]" in out


def test_an_optional_field_added_stays_unblocked(workspace: Workspace) -> None:
    seed(workspace, "tightened-size")
    _before_with(workspace, "", NEW_FIELD)
    code, out, _ = cli(workspace, "plan")
    assert code == CHANGES, out
    assert "could no longer be published" not in out


def test_a_rename_that_tightens_a_rule_counts_the_entries_it_invalidates(workspace: Workspace) -> None:
    seed(workspace, "tightened-size")
    _before_with(workspace, 'id = "name"\nname = "Name"', 'id = "fullName"\nname = "Full name"\nrenamed_from = "name"')
    path = workspace.models / AUTHOR
    path.write_text(path.read_text().replace('display_field = "name"', 'display_field = "fullName"').replace(
        "max = 80", "max = 5"))
    code, out, _ = cli(workspace, "plan")
    assert code == BLOCKED, out
    assert ("content_types.author.fields.fullName  rename field  (renamed from name) [destructive, 2 entries could "
            "no longer be published, BLOCKED]") in out
    assert "2 entries could no longer be published: grace (en-US: size 12 outside ..5); alan (" in out
    workspace.use_models(SCENARIOS / "tightened-size" / "before")
    assert cli(workspace, "plan")[0] == OK


def test_a_conversion_that_republishes_entries_a_new_rule_refuses_says_the_apply_would_fail(
    workspace: Workspace,
) -> None:
    """A type change republishes the published entries it writes; a required field added in the same plan makes
    Contentful refuse those publishes, so the apply can only fail and roll back: the plan says so up front."""
    seed(workspace, "symbol-to-text")
    path = workspace.models / AUTHOR
    path.write_text(path.read_text() + NEW_FIELD + "required = true\n")
    code, out, _ = cli(workspace, "plan", "--allow-destroy")
    assert code == CHANGES, out
    assert ("content_types.author: the apply republishes 1 published entry it converts or fills that the new rules "
            "refuse (ada): Contentful would refuse that publish, and the apply would fail there and roll back; apply "
            "the type change or fill first, then the new rule") in out
