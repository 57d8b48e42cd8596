"""A tag's visibility change is a replacement that keeps the tag on its entries (issue 13, item 4), through
the CLI against an emulator whose request log the test reads: a published entry, a draft and an entry with
pending changes hold the tag; after apply all three hold the new tag in their publish states, the re-plan is
empty, and revert gives the tag its old visibility, still on the three entries."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from typer.testing import CliRunner

from reconcile.cli import CHANGES, ERROR, OK, app
from reconcile.emulator import Emulator
from reconcile.emulator.faults import Fault
from tests.support import target_section, write_config

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "modern-model" / "before"
TOKEN = "tag-replacement-token"
HELD = ("live", "draft-only", "pending")


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    shutil.copytree(SCENARIO, tmp_path / "models")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("RECONCILE_TEST_TOKEN", TOKEN)
    with Emulator(token=TOKEN) as emulator:
        write_config(tmp_path, target_section(emulator.base_url))
        yield emulator


def call(emu: Emulator, method: str, path: str, body: object = None, **headers: str) -> dict[str, object]:
    answer = requests.request(
        method, f"{emu.base_url}/spaces/local/environments/master{path}",
        data=None if body is None else json.dumps(body), timeout=30,
        headers={"Authorization": f"Bearer {TOKEN}", **headers,
                 "Content-Type": "application/vnd.contentful.management.v1+json"},
    )
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else {}


def write(emu: Emulator, entry_id: str, label: str, version: int | None = None) -> int:
    body = {"fields": {"label": {"en-US": label}},
            "metadata": {"tags": [{"sys": {"type": "Link", "linkType": "Tag", "id": "draft"}}]}}
    headers = {"X-Contentful-Content-Type": "teaser"}
    if version is not None:
        headers["X-Contentful-Version"] = str(version)
    sys = call(emu, "PUT", f"/entries/{entry_id}", body, **headers)["sys"]
    assert isinstance(sys, dict)
    return int(sys["version"])


def publish(emu: Emulator, entry_id: str, version: int) -> int:
    sys = call(emu, "PUT", f"/entries/{entry_id}/published", **{"X-Contentful-Version": str(version)})["sys"]
    assert isinstance(sys, dict)
    return int(sys["version"])


def states(emu: Emulator) -> dict[str, tuple[str, list[str], str]]:
    """Per held entry: its publish state, its tags and its label."""
    found = {}
    for entry_id in HELD:
        entry = call(emu, "GET", f"/entries/{entry_id}")
        sys, metadata, fields = entry["sys"], entry["metadata"], entry["fields"]
        assert isinstance(sys, dict) and isinstance(metadata, dict) and isinstance(fields, dict)
        published = sys.get("publishedVersion")
        state = "draft" if published is None else "published" if published == sys["version"] - 1 else "changed"
        found[entry_id] = (state, sorted(t["sys"]["id"] for t in metadata["tags"]), fields["label"]["en-US"])
    return found


def held_by_three(emu: Emulator) -> dict[str, tuple[str, list[str], str]]:
    """Apply the scenario, tag a published entry, a draft and an entry with pending changes with ``draft``,
    and declare ``draft`` public; their states before the replacement."""
    assert CliRunner().invoke(app, ["apply", "--auto-approve"]).exit_code == OK
    publish(emu, "live", write(emu, "live", "Live"))
    write(emu, "draft-only", "Draft only")
    write(emu, "pending", "Pending edit", publish(emu, "pending", write(emu, "pending", "Pending")))
    before = states(emu)
    assert [s for s, _, _ in before.values()] == ["published", "draft", "changed"]
    tags = Path("models/tags.toml")
    tags.write_text(tags.read_text(encoding="utf-8").replace('"Draft" }', '"Draft", visibility = "public" }'),
                    encoding="utf-8")
    return before


@pytest.mark.slow
def test_a_visibility_change_puts_the_tag_back_on_its_entries_in_their_states(emu: Emulator) -> None:
    runner = CliRunner()
    before = held_by_three(emu)
    tags = Path("models/tags.toml")

    planned = runner.invoke(app, ["plan", "--format", "json"])
    assert planned.exit_code == CHANGES, planned.output
    actions = [s["action"] for p in json.loads(planned.stdout)["phases"] for s in p["steps"]]
    assert actions == ["untag_entries", "delete_tag", "create_tag", "tag_entries"]
    text = runner.invoke(app, ["plan"]).stdout
    assert "-/+ tags.draft  replace tag (visibility change)  [breaking, 3 entries use it]" in text
    assert "BLOCKED" not in text

    sent = len(emu.request_log)
    applied = runner.invoke(app, ["apply", "--auto-approve"])
    assert applied.exit_code == OK, applied.output
    log = [f"{r.method} {r.path.split('/environments/master')[-1]}" for r in emu.request_log[sent:]]
    retag = log[log.index("PUT /tags/draft") + 1:]
    assert sorted(line for line in retag if line.startswith(("PUT", "POST", "DELETE"))) == [
        "PUT /entries/draft-only", "PUT /entries/live", "PUT /entries/live/published", "PUT /entries/pending"]
    assert states(emu) == before
    assert call(emu, "GET", "/tags/draft")["sys"]["visibility"] == "public"
    assert runner.invoke(app, ["plan"]).exit_code == OK

    reverted = runner.invoke(app, ["revert", "latest", "--auto-approve"])
    assert reverted.exit_code == OK, reverted.output
    assert call(emu, "GET", "/tags/draft")["sys"]["visibility"] == "private"
    assert states(emu) == before
    shutil.copy(SCENARIO / "tags.toml", tags)
    assert runner.invoke(app, ["plan"]).exit_code == OK


@pytest.mark.slow
def test_a_failed_retag_rolls_back_to_the_old_tag_on_every_entry(emu: Emulator) -> None:
    before = held_by_three(emu)
    emu.faults.add(Fault(action="409", method="PUT", path=r"/entries/pending$", nth=2))  # its retag write
    applied = CliRunner().invoke(app, ["apply", "--auto-approve"])
    assert applied.exit_code == ERROR, applied.output
    assert "tag_entries draft" in applied.output or "put tag draft back" in applied.output, applied.output
    assert "rollback complete" in applied.output, applied.output
    assert call(emu, "GET", "/tags/draft")["sys"]["visibility"] == "private"
    assert states(emu) == before
