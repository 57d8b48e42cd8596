"""`reconcile snapshots prune` through the CLI: keeps the newest N (and, with --older-than, whatever is
younger), never the newest baseline, the `revert latest` snapshot or one an unfinished run needs; says
why each snapshot stays; --dry-run removes nothing; a removal is atomic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reconcile.cli import ERROR, OK, app
from reconcile.journal import Finish, Journal, Start
from reconcile.snapshots import JOURNAL_FILE, SnapshotStore

EMPTY = {"contentTypes": [], "editorInterfaces": [], "entries": [], "locales": []}
NOW = datetime.now(UTC)


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SnapshotStore:
    (tmp_path / "models").mkdir()
    (tmp_path / "reconcile.toml").write_text(
        '[targets.local]\nkind = "local"\n\n[targets.dev]\nkind = "local"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return SnapshotStore(tmp_path / "snapshots")


def snap(store: SnapshotStore, kind: str, days_ago: float, run: str | None = None, target: str = "local") -> str:
    """A snapshot made ``days_ago``; ``run`` "complete" or "unfinished" journals a run started from it."""
    made = store.create(target, kind, EMPTY, {}, now=NOW - timedelta(days=days_ago))
    if run is not None:
        journal = Journal(made.path / JOURNAL_FILE)
        journal.append(Start(run_id="r", command="apply", target=target, snapshot=made.id))
        if run == "complete":
            journal.append(Finish(run_id="r", outcome="complete"))
    return made.id


def line_of(result: Result, snapshot_id: str) -> str:
    (line,) = [line for line in result.stdout.splitlines() if snapshot_id in line]
    return line


def ids(store: SnapshotStore, target: str = "local") -> set[str]:
    return {info.id for info in store.list(target)}


def test_prune_keeps_the_newest_and_what_is_still_needed(store: SnapshotStore) -> None:
    old = [snap(store, "pre-apply", 28 - i, run="complete") for i in range(3)]
    old.append(snap(store, "post-apply", 25))
    completed = snap(store, "pre-apply", 20, run="complete")      # the newest completed apply
    baseline = snap(store, "post-apply", 19)                      # the newest baseline
    unfinished = snap(store, "pre-apply", 15, run="unfinished")  # died: `revert ID` needs it
    newest = [snap(store, "pre-revert", 10 - i) for i in range(2)]
    result = run("snapshots", "prune", "--keep", "2")
    assert result.exit_code == OK, result.output
    assert ids(store) == {unfinished, baseline, completed, *newest}
    for gone in old:
        assert line_of(result, gone).startswith("removed local/")
    assert "unfinished run" in line_of(result, unfinished)
    assert "baseline" in line_of(result, baseline)
    assert "newest completed apply" in line_of(result, completed)
    assert all("newest 2" in line_of(result, i) for i in newest)
    assert "Removed 4 snapshots, kept 5." in result.stderr
    # nothing half-removed is left beside them
    assert sorted(p.name for p in (store.root / "local").iterdir()) == sorted(ids(store))


def test_dry_run_removes_nothing(store: SnapshotStore) -> None:
    old, kept = snap(store, "pre-revert", 9), snap(store, "pre-revert", 1)
    result = run("snapshots", "prune", "--keep", "1", "--dry-run")
    assert result.exit_code == OK, result.output
    assert line_of(result, old).startswith("would remove local/")
    assert line_of(result, kept).startswith("kept local/")
    assert ids(store) == {old, kept}
    assert "Would remove 1 snapshot, kept 1." in result.stderr


def test_older_than_removes_only_older_ones_and_target_limits_to_one(store: SnapshotStore) -> None:
    ancient, recent = snap(store, "pre-revert", 40), snap(store, "pre-revert", 3)
    newest = snap(store, "pre-revert", 1)
    other = snap(store, "pre-revert", 50, target="dev")
    result = run("snapshots", "prune", "--keep", "1", "--older-than", "7", "--target", "local")
    assert result.exit_code == OK, result.output
    assert ids(store) == {recent, newest}
    assert "newer than 7 days" in line_of(result, recent)
    assert ancient in result.stdout and other not in result.stdout
    assert ids(store, "dev") == {other}
    assert run("snapshots", "prune", "--keep", "0").exit_code == OK  # every target
    assert ids(store, "dev") == set() and ids(store) == set()


def test_a_crash_mid_removal_leaves_no_snapshot_that_loads(store: SnapshotStore) -> None:
    old, kept = snap(store, "pre-revert", 9), snap(store, "pre-revert", 1)
    aside = store.root / "local" / f".removing-{old}"
    (store.root / "local" / old).rename(aside)  # as if the process died after the rename
    (aside / "metadata.json").unlink()          # ... and during the delete
    assert ids(store) == {kept}
    assert run("snapshots", "show", old).exit_code == ERROR
    assert run("snapshots", "prune", "--keep", "0").exit_code == OK  # the next removal sweeps it
    assert ids(store) == set() and not aside.exists()


@pytest.mark.parametrize("args", [["--keep", "-1"], ["--older-than", "3"], ["--keep", "x"], ["--kep", "1"]])
def test_usage_errors_exit_1(store: SnapshotStore, args: list[str]) -> None:
    snap(store, "pre-revert", 9)
    result = run("snapshots", "prune", *args)
    assert result.exit_code == ERROR, result.output
    assert len(store.list()) == 1


def test_the_revert_latest_snapshot_stays_even_when_its_run_rolled_back(store: SnapshotStore) -> None:
    older = snap(store, "pre-revert", 20)
    completed = snap(store, "pre-apply", 9, run="complete")
    baseline = snap(store, "post-apply", 8)
    latest = snap(store, "pre-apply", 5, run="unfinished")
    Journal(store.root / "local" / latest / JOURNAL_FILE).append(Finish(run_id="r", outcome="rolled_back"))
    newest = snap(store, "pre-revert", 1)
    result = run("snapshots", "prune", "--keep", "1")
    assert result.exit_code == OK, result.output
    assert ids(store) == {completed, baseline, latest, newest}
    assert "revert latest" in line_of(result, latest) and older in result.stdout


def test_the_snapshots_folder_may_live_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, repo = tmp_path / "home", tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    (repo / "reconcile.toml").write_text('[project]\nsnapshots = "~/snaps/shop"\n', encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(repo)
    made = snap(SnapshotStore(home / "snaps" / "shop"), "pre-revert", 3)
    assert made in run("snapshots", "list").stdout
    assert run("snapshots", "prune", "--keep", "0").exit_code == OK
    assert not (home / "snaps" / "shop" / "local" / made).exists() and not (repo / "snapshots").exists()
