"""The user documentation: every `reconcile ...` command shown exists, docs/commands.md covers every
command and option, docs/troubleshooting.md quotes every error message the tool can print, and the
links between the documents resolve."""

from __future__ import annotations

import re

import pytest
from docs_support import (
    DOCS,
    Invocation,
    check_invocation,
    command_tree,
    error_messages,
    markdown_invocations,
    source_files,
)

MINE = ["getting-started.md", "commands.md", "ci.md", "troubleshooting.md"]
ALL_DOCS = sorted(DOCS.glob("*.md"))


def test_my_documents_exist() -> None:
    for name in MINE:
        assert (DOCS / name).is_file(), name


def _doc_invocations() -> list[Invocation]:
    return [inv for path in ALL_DOCS for inv in markdown_invocations(path)]


@pytest.mark.parametrize("invocation", _doc_invocations(), ids=str)
def test_documented_command_exists(invocation: Invocation) -> None:
    check_invocation(invocation)


def test_commands_md_shows_examples_of_every_command() -> None:
    shown = {inv.subcommand for inv in markdown_invocations(DOCS / "commands.md")}
    assert set(command_tree()) <= shown, f"no example for: {sorted(set(command_tree()) - shown)}"


def _sections(text: str) -> dict[str, str]:
    """`## reconcile NAME` headings (code-formatted) -> that section's text."""
    parts = re.split(r"^## `reconcile ([a-z ]+?)(?: [A-Z\[].*)?`.*$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_commands_md_documents_every_option_and_exit_codes() -> None:
    sections = _sections((DOCS / "commands.md").read_text())
    for path, command in command_tree().items():
        assert path in sections, f"docs/commands.md has no section for `reconcile {path}`"
        body = sections[path]
        for param in command.params:
            names = param.opts if param.param_type_name == "option" else [param.name.upper()]
            assert any(name in body for name in names), f"`reconcile {path}`: {names[0]} is not documented"
        assert re.search(r"[Ee]xit", body), f"`reconcile {path}`: no exit codes"


def test_troubleshooting_quotes_every_error_message() -> None:
    text = " ".join((DOCS / "troubleshooting.md").read_text().split())
    messages = error_messages(source_files())
    assert len(messages) > 50, "the message extractor found too few messages: it is broken"
    missing = [f"{m.where}: {m.text!r} (needs {m.fixed!r})" for m in messages if " ".join(m.fixed.split()) not in text]
    assert not missing, "docs/troubleshooting.md has no entry for:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", MINE)
def test_relative_links_resolve(name: str) -> None:
    path = DOCS / name
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text()):
        if re.match(r"[a-z]+:", target):
            continue
        assert (path.parent / target).exists(), f"{name}: broken link {target}"


def test_anchors_into_ci_md_exist() -> None:
    headings = {
        re.sub(r"[^\w\- ]", "", h.lower()).strip().replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", (DOCS / "ci.md").read_text(), flags=re.M)
    }
    for name in MINE:
        for anchor in re.findall(r"\]\(ci\.md#([^)]+)\)", (DOCS / name).read_text()):
            assert anchor in headings, f"{name}: ci.md has no heading #{anchor}"

