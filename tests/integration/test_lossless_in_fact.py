"""A lossy conversion that no entry loses data by (every Text value fits in 256 characters) destroys nothing:
the plan says `[breaking]`, not `[destructive, 0 entries lose data, BLOCKED]` (found in a newcomer trial), as
a tightened rule that leaves no entry unpublishable is not blocked either."""

from __future__ import annotations

from reconcile.cli import CHANGES, OK

from .conftest import Workspace, backend
from .test_transforms import cli, entries, seed, states, values


def test_a_lossy_conversion_that_loses_nothing_is_not_blocked(workspace: Workspace) -> None:
    seed(workspace, "text-to-symbol")
    b = backend(workspace)
    for entry in b.fetch_entries("note"):
        if len(entry.fields["text"]["en-US"]) > 256:  # shortened, and published again
            written = b.put_entry(entry.id, "note", {"text": {"en-US": f"was long {entry.id}"}}, entry.version)
            b.publish_entry(entry.id, written.version)
    before = entries(workspace)
    code, out, _ = cli(workspace, "plan")
    assert code == CHANGES, out
    assert ("content_types.note.fields.text  convert field (type change)  (lossy: values over 256 characters are "
            "cut to 256) [breaking]") in out
    assert "BLOCKED" not in out and "lose data" not in out
    code, out, err = cli(workspace, "apply", "--auto-approve")
    assert code == OK, out + err
    assert values(entries(workspace), "text") == values(before, "text")
    assert states(entries(workspace)) == states(before)
    assert cli(workspace, "plan")[0] == OK
