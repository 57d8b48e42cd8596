"""`pull` and `drift --adopt` edit a hand-written model file in place: a colleague's web-app edits (made
with the official SDK against the emulator) change exactly their lines; comments, order and layout stay."""

from __future__ import annotations

import difflib
from pathlib import Path

import contentful_management
import pytest
from contentful_management.content_type_field import ContentTypeField
from contentful_management.content_type_field_validation import ContentTypeFieldValidation
from syrupy.assertion import SnapshotAssertion
from typer.testing import CliRunner

from reconcile import workflows
from reconcile.cli import CHANGES, OK, app
from tests.support import approve

from .conftest import TOKEN, Workspace

pytestmark = pytest.mark.slow

# Hand-formatted: a #:schema line, comments between and inside fields, keys out of the usual order,
# an explicit default (`localized = false`), two blank lines in one place, a comment right above a header.
HAND_WRITTEN = """\
#:schema ../../docs/schema/content-type.schema.json
# Authors of blog posts. Owned by the content team.
format = 1
id = "author"
name = "Author"            # shown in the web app
display_field = "name"
description = "A person who writes blog posts."

# --- identity -----------------------------------------------------------
[[fields]]
id = "name"
type = "Symbol"
name = "Name"
required = true
localized = false          # one name in every language
validations = [{ size = { min = 2, max = 80 } }]

[[fields]]
name = "Slug"
id = "slug"
type = "Symbol"
required = true
validations = [
    { unique = true },                           # one author per URL
    { regexp = { pattern = "^[a-z0-9-]+$" } },
]
editor = { widget_id = "slugEditor", widget_namespace = "builtin" }


# --- about --------------------------------------------------------------
[[fields]]
id = "bio"
name = "Biography"
type = "Text"
localized = true

[[fields]]
id = "website"
name = "Website"
type = "Symbol"
# internal only
[[fields]]
id = "internalNotes"
name = "Internal notes"
type = "Text"
disabled = true
"""


@pytest.fixture
def sdk(workspace: Workspace) -> contentful_management.Client:
    """The official SDK on the emulator: how a colleague's web-app edit reaches the space."""
    return contentful_management.Client(
        TOKEN, api_url=f"127.0.0.1:{workspace.emulator.port}", https=False, max_rate_limit_retries=0
    )


@pytest.fixture
def adopted(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository's models with author.toml hand-written, applied: the live space matches the files."""
    path = workspace.models / "content_types" / "author.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    monkeypatch.chdir(workspace.root)
    return path


def changed_lines(before: str, after: str) -> list[str]:
    """The +/- lines of the unified diff of two texts."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def files(models: Path) -> dict[str, bytes]:
    return {str(p.relative_to(models)): p.read_bytes() for p in sorted(models.rglob("*.toml"))}


def pull() -> str:
    """Run `reconcile pull`; its output."""
    result = CliRunner().invoke(app, ["pull"])
    assert result.exit_code == OK, result.output
    return result.output


def test_pull_of_an_unchanged_space_leaves_every_file_byte_identical(workspace: Workspace, adopted: Path) -> None:
    before = files(workspace.models)
    assert pull().strip() == "Wrote 0 files."
    assert files(workspace.models) == before
    pull()
    assert files(workspace.models) == before


def test_adopt_of_web_app_edits_changes_exactly_their_lines(
    workspace: Workspace, adopted: Path, sdk: contentful_management.Client
) -> None:
    ct = sdk.content_types("local", "master").find("author")
    by_id = {f.raw["id"]: f for f in ct.fields}
    by_id["bio"].name = "About"
    by_id["name"].validations = [ContentTypeFieldValidation({"size": {"min": 2, "max": 120}})]
    nickname = {"id": "nickname", "name": "Nickname", "type": "Symbol", "validations": [{"size": {"max": 20}}]}
    ct.fields.append(ContentTypeField(nickname))
    ct.save()
    ct.publish()
    others = {k: v for k, v in files(workspace.models).items() if k != "content_types/author.toml"}

    result = CliRunner().invoke(app, ["drift", "--adopt"])
    assert result.exit_code == CHANGES, result.output
    assert changed_lines(HAND_WRITTEN, adopted.read_text(encoding="utf-8")) == [
        "-validations = [{ size = { min = 2, max = 80 } }]",
        "+validations = [{ size = { min = 2, max = 120 } }]",  # the file's key order stays
        '-name = "Biography"',
        '+name = "About"',
        "+",
        "+[[fields]]",
        '+id = "nickname"',
        '+name = "Nickname"',
        '+type = "Symbol"',
        "+validations = [{ size = { max = 20 } }]",
    ]
    assert {k: v for k, v in files(workspace.models).items() if k != "content_types/author.toml"} == others
    adopted_text = adopted.read_bytes()
    pull()
    pull()
    assert adopted.read_bytes() == adopted_text
    assert workflows.plan(workspace.project(), None).plan.is_empty


def test_adopt_edits_dotted_keys_line_by_line(
    workspace: Workspace, adopted: Path, sdk: contentful_management.Client
) -> None:
    dotted = (
        HAND_WRITTEN + '\n[[fields]]\nid = "topics"\nname = "Topics"\ntype = "Array"\nitems.type = "Symbol"\n'
        'items.validations = [{ in = ["a", "b"] }]  # a closed list\n'
    )
    adopted.write_text(dotted, encoding="utf-8")
    assert workflows.apply(workspace.project(), None, confirm=approve, allow_destroy=True).ok
    ct = sdk.content_types("local", "master").find("author")
    topics = next(f for f in ct.fields if f.raw["id"] == "topics")
    topics.items = {"type": "Symbol", "validations": [{"in": ["a", "b", "c"]}]}
    ct.save()
    ct.publish()

    result = CliRunner().invoke(app, ["drift", "--adopt"])
    assert result.exit_code == CHANGES, result.output
    assert changed_lines(dotted, adopted.read_text(encoding="utf-8")) == [
        '-items.validations = [{ in = ["a", "b"] }]  # a closed list',
        '+items.validations = [{ in = ["a", "b", "c"] }]  # a closed list',
    ]  # not one inline `items = { … }` table in place of both lines, without the comment


def test_pull_after_a_field_is_deleted_removes_exactly_its_table(
    workspace: Workspace, adopted: Path, sdk: contentful_management.Client
) -> None:
    content_types = sdk.content_types("local", "master")
    ct = content_types.find("author")
    next(f for f in ct.fields if f.raw["id"] == "website").omitted = True
    ct.save()
    ct.publish()
    ct = content_types.find("author")
    ct.fields = [f for f in ct.fields if f.raw["id"] != "website"]
    ct.save()
    ct.publish()

    pull()
    assert changed_lines(HAND_WRITTEN, adopted.read_text(encoding="utf-8")) == [
        "-[[fields]]",
        '-id = "website"',
        '-name = "Website"',
        '-type = "Symbol"',
    ]
    assert "# internal only\n[[fields]]\nid = \"internalNotes\"" in adopted.read_text(encoding="utf-8")


def test_pull_writes_a_new_content_type_in_the_compact_style(
    workspace: Workspace, adopted: Path, sdk: contentful_management.Client, snapshot: SnapshotAssertion
) -> None:
    quote = sdk.content_types("local", "master").create(
        "quote",
        {
            "name": "Quote",
            "displayField": "text",
            "fields": [
                {"id": "text", "name": "Text", "type": "Text", "required": True, "localized": True,
                 "validations": [{"size": {"min": 1, "max": 500}, "message": "At most 500 characters."}]},
                {"id": "author", "name": "Author", "type": "Link", "linkType": "Entry",
                 "validations": [{"linkContentType": ["author"]}]},
                {"id": "tags", "name": "Tags", "type": "Array",
                 "items": {"type": "Symbol", "validations": [{"in": ["wise", "funny", "sad"]}]},
                 "validations": [{"size": {"max": 3}}]},
            ],
        },
    )  # fmt: skip
    quote.publish()
    before = files(workspace.models)
    assert pull().split() == [str(workspace.models / "content_types" / "quote.toml"), "Wrote", "1", "file."]
    after = files(workspace.models)
    assert {k for k in after if after.get(k) != before.get(k)} == {"content_types/quote.toml"}
    text = after["content_types/quote.toml"].decode()
    assert "[[fields.validations]]" not in text and text.startswith("#:schema ../../docs/schema/")
    assert text == snapshot
    pull()
    assert files(workspace.models) == after
