"""Tests of the snapshot store: atomic verified writes, listing, loading by every kind of ref."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from reconcile import __version__
from reconcile.errors import InputError, ReconcileError
from reconcile.snapshot_runs import later_journals
from reconcile.snapshots import EXPORT_KEYS, Snapshot, SnapshotStore
from reconcile.workflows.snapshots import summary
from tests.shared import RECORDINGS, needs_recordings

CLI_RECORDINGS = RECORDINGS / "contentful-cli"


def sample_export() -> dict[str, Any]:
    # Deliberately in a different key order than the export tool's: the store must reorder.
    return {
        "locales": [{"sys": {"id": "loc1", "type": "Locale"}, "code": "en-US", "default": True}],
        "entries": [{"sys": {"id": "e1"}, "fields": {"title": {"en-US": "Hello ✓"}}}],
        "contentTypes": [
            {"sys": {"id": "blogPost"}, "name": "Blog post", "fields": [{"id": "title"}, {"id": "body"}]},
            {"sys": {"id": "author"}, "name": "Author", "fields": [{"id": "name"}]},
        ],
        "editorInterfaces": [{"sys": {"id": "default"}, "controls": []}],
    }


META = {"space": "local", "environment": "master", "plan_hash": "sha256:abc", "fingerprint": "fp1"}
T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


def dirs_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_create_writes_export_layout_and_metadata(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    snap = store.create("local", "pre-apply", sample_export(), META, now=T0)
    assert snap.id.startswith("20250301T120000Z-") and len(snap.id) == 23
    assert snap.path == tmp_path / "local" / snap.id
    assert snap.journal_path == snap.path / "journal.jsonl"
    assert sorted(p.name for p in snap.path.iterdir()) == ["export.json", "metadata.json"]
    on_disk = json.loads((snap.path / "export.json").read_text(encoding="utf-8"))
    assert list(on_disk) == list(EXPORT_KEYS)
    assert on_disk == sample_export()
    meta = json.loads((snap.path / "metadata.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "pre-apply" and meta["target"] == "local"
    assert meta["space"] == "local" and meta["plan_hash"] == "sha256:abc" and meta["fingerprint"] == "fp1"
    assert meta["tool_version"] == __version__
    assert meta["created"] == "2025-03-01T12:00:00Z"
    assert len(meta["export_sha256"]) == 64
    assert "git_commit" not in meta
    assert snap.metadata == meta and snap.export == on_disk
    # No staging or temporary files remain.
    assert dirs_under(tmp_path) == [
        "local",
        f"local/{snap.id}",
        f"local/{snap.id}/export.json",
        f"local/{snap.id}/metadata.json",
    ]


def test_git_commit_of_models_dir_is_recorded(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    models = repo / "models"
    models.mkdir(parents=True)
    (models / "blog.toml").write_text("x = 1\n")
    env = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), *env, "add", "."], check=True)
    subprocess.run(["git", "-C", str(repo), *env, "commit", "-qm", "m"], check=True)
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    store = SnapshotStore(tmp_path / "snaps")
    snap = store.create("local", "pre-apply", sample_export(), {**META, "models_dir": str(models)})
    assert snap.metadata["git_commit"] == head and snap.metadata["git_dirty"] is False
    (models / "blog.toml").write_text("x = 2\n")
    snap = store.create("local", "pre-apply", sample_export(), {**META, "models_dir": str(models)})
    assert snap.metadata["git_dirty"] is True


@pytest.mark.parametrize("stage", ["files-written", "verified"])
def test_failure_before_rename_leaves_nothing(tmp_path: Path, stage: str) -> None:
    def fail(at: str, staging: Path) -> None:
        if at == stage:
            assert (staging / "export.json").is_file()
            raise OSError(28, "No space left on device")

    store = SnapshotStore(tmp_path, fault_hook=fail)
    with pytest.raises(ReconcileError) as info:
        store.create("local", "pre-apply", sample_export(), META)
    assert "No space left on device" in str(info.value)
    assert dirs_under(tmp_path) == ["local"]
    assert store.list() == []


def test_interrupt_during_create_cleans_up_and_propagates(tmp_path: Path) -> None:
    def interrupt(at: str, staging: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        SnapshotStore(tmp_path, fault_hook=interrupt).create("local", "pre-apply", sample_export(), META)
    assert dirs_under(tmp_path) == ["local"]


def test_corruption_between_write_and_read_back_is_caught(tmp_path: Path) -> None:
    def flip_a_byte(at: str, staging: Path) -> None:
        if at == "files-written":
            path = staging / "export.json"
            data = bytearray(path.read_bytes())
            data[data.index(b"Blog post")] = ord("X")
            path.write_bytes(bytes(data))

    store = SnapshotStore(tmp_path, fault_hook=flip_a_byte)
    with pytest.raises(ReconcileError) as info:
        store.create("local", "pre-apply", sample_export(), META)
    assert "checksum mismatch" in str(info.value)
    assert dirs_under(tmp_path) == ["local"]


def test_unwritable_root_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "snapshots"
    blocker.write_text("a file where the snapshots folder should be")
    with pytest.raises(ReconcileError) as info:
        SnapshotStore(blocker).create("local", "pre-apply", sample_export(), META)
    assert "could not write a verified pre-apply snapshot" in str(info.value)
    assert blocker.read_text() == "a file where the snapshots folder should be"


def test_invalid_export_or_target_is_refused_before_writing(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    bad = sample_export()
    del bad["locales"]
    bad["entries"] = [{"fields": {}}]
    with pytest.raises(InputError) as info:
        store.create("local", "pre-apply", bad, META)
    assert {p.path for p in info.value.problems} == {"locales", "entries[0]"}
    with pytest.raises(ReconcileError):
        store.create("../escape", "pre-apply", sample_export(), META)
    with pytest.raises(ReconcileError):
        store.create(
            "local", "pre-apply", {**sample_export(), "entries": [{"sys": {"id": "e"}, "x": float("nan")}]}, META
        )
    assert dirs_under(tmp_path) == []


def test_list_latest_and_prefix_lookup(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    first = store.create("local", "pre-apply", sample_export(), META, now=T0)
    post = store.create("local", "post-apply", sample_export(), META, now=T0.replace(minute=5))
    prod = store.create("prod", "pre-apply", sample_export(), META, now=T0.replace(minute=3))
    later = store.create("local", "pre-apply", sample_export(), META, now=T0.replace(hour=13))
    (tmp_path / "local" / ".staging-leftover").mkdir()  # a killed create's leftovers are ignored
    assert [i.id for i in store.list("local")] == [first.id, post.id, later.id]
    assert [i.id for i in store.list()] == [first.id, prod.id, post.id, later.id]
    assert [i.kind for i in store.list("local")] == ["pre-apply", "post-apply", "pre-apply"]
    assert store.list("nobody") == []

    latest = store.latest("local")
    assert latest is not None and latest.id == later.id
    latest_post = store.latest("local", kind="post-apply")
    assert latest_post is not None and latest_post.id == post.id
    assert store.latest("local", kind="pre-revert") is None

    assert store.load(later.id, "local").export == sample_export()
    assert store.load("20250301T1300", "local").id == later.id
    assert store.load("20250301T1203", None).id == prod.id
    with pytest.raises(ReconcileError) as info:
        store.load("20250301T12", "local")
    assert "ambiguous" in str(info.value)
    with pytest.raises(ReconcileError) as info:
        store.load(prod.id, "local")
    assert "no snapshot" in str(info.value)


def test_load_by_paths(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "snaps")
    snap = store.create("local", "pre-apply", sample_export(), META)
    elsewhere = SnapshotStore(tmp_path / "other")
    assert elsewhere.load(str(snap.path), None).id == snap.id
    by_file = elsewhere.load(str(snap.path / "export.json"), "prod")
    assert by_file.id == snap.id and by_file.metadata["kind"] == "pre-apply"


@pytest.mark.parametrize("ref", ["", "..", "~", "local", "x;rm", "2025*", "..\\.."])
def test_bare_refs_outside_the_id_alphabet_are_refused(tmp_path: Path, ref: str) -> None:
    store = SnapshotStore(tmp_path / "snaps")
    store.create("local", "pre-apply", sample_export(), META)
    with pytest.raises(InputError) as info:
        store.load(ref, "local")
    assert "not a snapshot id" in str(info.value)


def test_path_ref_to_something_that_is_not_a_snapshot(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "snaps")
    with pytest.raises(InputError) as info:
        store.load(str(tmp_path), None)
    assert "not a snapshot folder" in str(info.value)
    with pytest.raises(InputError):
        store.load(str(tmp_path / "missing.json"), None)


def test_targets_that_traverse_are_refused(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "snaps")
    for target in ("..", "../x", "a/b", ".hidden"):
        with pytest.raises(ReconcileError):
            store.list(target)


def test_tampered_export_is_refused_on_load(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    snap = store.create("local", "pre-apply", sample_export(), META)
    export = snap.path / "export.json"
    export.write_text(export.read_text(encoding="utf-8").replace("Blog post", "Blog p0st"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        store.load(snap.id, "local")
    assert "checksum mismatch" in str(info.value)
    assert str(export) in str(info.value)
    assert "another snapshot" in str(info.value)


def test_truncated_export_is_refused_on_load(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    snap = store.create("local", "pre-apply", sample_export(), META)
    export = snap.path / "export.json"
    export.write_bytes(export.read_bytes()[:40])
    with pytest.raises(InputError) as info:
        store.latest("local")
    assert "truncated or corrupt" in str(info.value) and str(export) in str(info.value)


def test_metadata_problems_are_refused_on_load(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    snap = store.create("local", "pre-apply", sample_export(), META)
    meta_path = snap.path / "metadata.json"
    meta = json.loads(meta_path.read_text())
    del meta["export_sha256"]
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(InputError) as info:
        store.load(snap.id, "local")
    assert info.value.problems[0].path == "export_sha256"
    meta_path.write_text("[1, 2]")
    with pytest.raises(InputError):
        store.load(snap.id, "local")
    assert store.list("local")[0].kind is None  # listing still works, and says it is unreadable


def test_wrong_types_with_a_matching_checksum_are_refused(tmp_path: Path) -> None:
    # A snapshot rewritten consistently (checksum updated) but with the wrong shape still fails.
    store = SnapshotStore(tmp_path)
    snap = store.create("local", "pre-apply", sample_export(), META)
    bad = {"contentTypes": {"not": "a list"}, "editorInterfaces": [], "entries": [], "locales": ["en-US"]}
    raw = json.dumps(bad).encode()
    (snap.path / "export.json").write_bytes(raw)
    meta_path = snap.path / "metadata.json"
    meta = json.loads(meta_path.read_text())
    meta["export_sha256"] = hashlib.sha256(raw).hexdigest()
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(InputError) as info:
        store.load(snap.id, "local")
    assert {p.path for p in info.value.problems} == {"contentTypes", "locales[0]"}


@needs_recordings
@pytest.mark.parametrize(
    "path",
    [
        CLI_RECORDINGS / "lib/cmds/init/content.json",
        CLI_RECORDINGS / "test/integration/expected/export-init-space.json",
        CLI_RECORDINGS / "test/integration/expected/export-new-ct.json",
    ],
)
def test_real_contentful_space_exports_load(tmp_path: Path, path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    snap = SnapshotStore(tmp_path).load(str(path), None)
    assert snap.kind == "export" and snap.journal_path is None and snap.target is None
    assert [key for key in snap.export if key in EXPORT_KEYS] == list(EXPORT_KEYS)
    for key in EXPORT_KEYS:
        assert snap.export[key] == data.get(key, [])
    assert snap.export.get("tags") == data.get("tags")  # an export's tags are kept when it has them
    counts = summary(snap)["counts"]
    assert counts["content_types"] == len(data["contentTypes"])
    assert counts["fields"] == sum(len(ct["fields"]) for ct in data["contentTypes"])


def test_a_json_file_that_is_not_an_export_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1"}')
    with pytest.raises(InputError) as info:
        SnapshotStore(tmp_path).load(str(path), None)
    assert "not a `contentful space export` file" in str(info.value)


def test_summary_counts(tmp_path: Path) -> None:
    snap = SnapshotStore(tmp_path).create("local", "post-apply", sample_export(), META)
    result = summary(snap)
    assert result["id"] == snap.id and result["kind"] == "post-apply"
    assert result["counts"] == {"content_types": 2, "fields": 3, "editor_interfaces": 1, "locales": 1, "entries": 1}
    assert result["metadata"]["fingerprint"] == "fp1"


def test_snapshots_within_one_second_keep_their_order(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    made = [store.create("local", "pre-apply", sample_export(), META, now=T0.replace(microsecond=m)) for m in range(6)]
    assert [i.id for i in store.list("local")] == [s.id for s in made]
    latest = store.latest("local")
    assert latest is not None and latest.id == made[-1].id


def test_editor_interfaces_identified_by_their_content_type_link(tmp_path: Path) -> None:
    export = sample_export()
    link = {"sys": {"type": "Link", "linkType": "ContentType", "id": "blogPost"}}
    export["editorInterfaces"] = [{"sys": {"contentType": link}, "controls": []}]
    assert SnapshotStore(tmp_path).create("local", "pre-apply", export, META).export == {
        key: export[key] for key in EXPORT_KEYS
    }
    export["editorInterfaces"] = [{"sys": {"contentType": {"sys": "blogPost"}}}]
    with pytest.raises(InputError) as info:
        SnapshotStore(tmp_path).create("local", "pre-apply", export, META)
    assert [p.path for p in info.value.problems] == ["editorInterfaces[0]"]


def _run_folder(target_dir: Path, name: str, space: str, environment: str) -> Snapshot:
    path = target_dir / name
    path.mkdir(parents=True)
    metadata = {"kind": "pre-apply", "target": "prod", "space": space, "environment": environment,
                "created": datetime.strptime(name[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).isoformat()}
    (path / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    (path / "journal.jsonl").write_text("", encoding="utf-8")
    return Snapshot(id=name, path=path, metadata=metadata)


def test_later_journals_are_those_of_the_same_space_and_environment(tmp_path: Path) -> None:
    """A revert counts as the tool's own writes only those of later runs on the environment it reverts: a run of
    the same target name on another space (the target's space_id changed) wrote other entries."""
    snapshot = _run_folder(tmp_path, "20261205T100000Z-aaaaaa", "space1", "master")
    _run_folder(tmp_path, "20261205T090000Z-bbbbbb", "space1", "master")  # earlier: not later
    same = _run_folder(tmp_path, "20261205T110000Z-cccccc", "space1", "master")
    _run_folder(tmp_path, "20261205T120000Z-dddddd", "space1", "staging")
    _run_folder(tmp_path, "20261205T130000Z-eeeeee", "space2", "master")
    assert later_journals(snapshot) == [same.path / "journal.jsonl"]
