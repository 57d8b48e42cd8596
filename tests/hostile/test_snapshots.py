"""Damaged, tampered and hostile snapshots and export files, end to end: ``snapshots show``, ``revert
--auto-approve``, ``plan --from-export`` and ``rehearse --offline --from`` each refuse them with one clear
error naming the file, and send no request at all (the snapshot is read and checked before the target).

- ``snapshots/<case>/``: a snapshot folder (``export.json``, ``metadata.json``), placed in the project's
  store as ``snapshots/test/<SNAPSHOT_ID>/`` and given by id (``show``, ``revert``) or by path (``plan``,
  ``rehearse``). ``valid_base`` is a correct snapshot of the project's model (content type ``note``, one
  entry, ``en-US``); every other folder is an edit of it. In a metadata.json, ``@SHA256@`` stands for the
  checksum of the export.json beside it (support.py), so a case gets past the checksum to what it tests.
- ``exports/<case>.json``: a plain ``contentful space export`` file, given by path to all four commands.
- ``REFS``: references that try to leave the store (``../``, absolute paths, ``..%2f``, devices).

The emulator's space is new (no content type): a snapshot that got through would make ``revert`` write.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconcile.cli import OK

from .support import HERE, Hostile, hostile_emulator

SNAPSHOT_ID = "20250101T120000Z-abc123"
FOLDERS = HERE / "snapshots"
EXPORTS = HERE / "exports"


@dataclass(frozen=True)
class Case:
    what: str
    file: str  # the file the error must name, within the case ("" = the folder itself)
    expect: tuple[str, ...]


UNUSABLE = "unusable snapshot file"
FOLDER_CASES: dict[str, Case] = {
    "checksum_mismatch": Case(
        "a name edited after the snapshot was written", "export.json", (UNUSABLE, "checksum mismatch")
    ),
    "truncated_export": Case(
        "export.json cut in half (disk full)", "export.json", (UNUSABLE, "not valid JSON", "truncated or corrupt")
    ),
    "missing_metadata": Case("metadata.json deleted", "", ("metadata.json",)),
    "missing_export": Case("export.json deleted", "export.json", (UNUSABLE, "cannot read")),
    "metadata_not_json": Case("metadata.json not JSON", "metadata.json", (UNUSABLE, "not valid JSON")),
    "metadata_a_list": Case("metadata.json a list", "metadata.json", (UNUSABLE, "must be a JSON object")),
    "metadata_sha_a_number": Case(
        "export_sha256 a number", "metadata.json", (UNUSABLE, "export_sha256: missing or not a string")
    ),
    "metadata_kind_missing": Case("kind removed", "metadata.json", (UNUSABLE, "kind: missing or not a string")),
    "metadata_created_a_number": Case(
        "created a number", "metadata.json", (UNUSABLE, "created: missing or not a string")
    ),
    "export_not_json": Case("export.json not JSON (checksum matches)", "export.json", (UNUSABLE, "not valid JSON")),
    "export_a_list": Case("export.json a list", "export.json", (UNUSABLE, "must be a JSON object")),
    "export_missing_entries": Case("entries removed", "export.json", (UNUSABLE, "entries: missing")),
    "export_content_types_an_object": Case(
        "contentTypes an object", "export.json", (UNUSABLE, "contentTypes: must be a list")
    ),
    "export_item_without_sys": Case(
        "a content type without sys", "export.json", (UNUSABLE, "contentTypes[0]: must be an API object with sys.id")
    ),
    "export_fields_an_object": Case(
        "fields keyed by id", "export.json", (UNUSABLE, "contentTypes[0].fields: must be a list of objects")
    ),
    "export_validations_a_number": Case(
        "validations = 5", "export.json", (UNUSABLE, "contentTypes[0].fields[0].validations: must be a list")
    ),
    "export_field_name_a_number": Case(
        "a field name 5", "export.json", (UNUSABLE, "contentTypes[0].fields[0].name: must be a string")
    ),
    "export_version_a_string": Case(
        'sys.version "two"', "export.json", (UNUSABLE, "contentTypes[0].sys.version: must be an integer")
    ),
    "export_controls_a_string": Case(
        'controls "default"', "export.json", (UNUSABLE, "editorInterfaces[0].controls: must be a list of objects")
    ),
    "export_entry_content_type_a_string": Case(
        "an entry's contentType not a link", "export.json", (UNUSABLE, "entries[0].sys.contentType: must be a link")
    ),
    "export_entry_fields_a_list": Case(
        "an entry's fields a list", "export.json", (UNUSABLE, "entries[0].fields: must be an object of objects")
    ),
    "export_content_type_id_traversal": Case(
        "a content type id that climbs to another space", "export.json",
        (UNUSABLE, "contentTypes[0].sys.id: '../../../../../spaces/other", "is not a valid id"),
    ),
    "export_entry_id_traversal": Case(
        "an entry id that points the restore PUT at a content type", "export.json",
        (UNUSABLE, "entries[0].sys.id: '../content_types/note' is not a valid id"),
    ),
    "export_editor_interface_link_encoded": Case(
        "an editor interface link with %2f", "export.json",
        (UNUSABLE, "editorInterfaces[0].sys.contentType: must be a link", "'..%2f..%2fnote' is not a valid id"),
    ),
    "export_content_type_id_homoglyph": Case(
        "a content type id with a Cyrillic o", "export.json",
        (UNUSABLE, "'n\\u043ete' (contains non-ASCII characters) is not a valid id"),
    ),
    "export_entry_id_nul": Case(
        "an entry id ending in NUL", "export.json", (UNUSABLE, "entries[0].sys.id: 'firstNote\\x00' is not a valid id")
    ),
    "export_lone_surrogate": Case(
        'an entry value with the escape "\\udc00"', "export.json",
        (UNUSABLE, "entries.0.fields.title.en-US: holds a lone UTF-16 surrogate"),
    ),
}

EXPORT_FILE = "unusable export file"
EXPORT_CASES: dict[str, Case] = {
    "not_an_export.json": Case("an API collection, not an export", "", ("no top-level contentTypes",)),
    "empty.json": Case("an empty file", "", ("not valid JSON",)),
    "truncated.json": Case("two thirds of an export", "", ("not valid JSON",)),
    "content_types_null.json": Case("contentTypes null", "", (EXPORT_FILE, "contentTypes: must be a list")),
    "a_saved_plan.json": Case("a saved plan given as export", "", ("no top-level contentTypes",)),
    "entries_an_object.json": Case("entries keyed by id", "", (EXPORT_FILE, "entries: must be a list")),
    "locale_without_sys.json": Case(
        "a locale without sys", "", (EXPORT_FILE, "locales[0]: must be an API object with sys.id")
    ),
    "integer_5000_digits.json": Case("a 5,000-digit version", "", ("not valid JSON", "Exceeds the limit")),
    "content_type_id_traversal.json": Case(
        "a content type id that climbs to another space",
        "",
        (EXPORT_FILE, "contentTypes[0].sys.id", "is not a valid id"),
    ),
    "entry_id_absolute_path.json": Case(
        "an entry id that is an absolute URL path", "", (EXPORT_FILE, "entries[0].sys.id", "is not a valid id")
    ),
    "lone_surrogate_in_key.json": Case(
        'a field key with the escape "\\ud800"', "", ("entries.0.fields.title\\ud800: holds a lone UTF-16 surrogate",)
    ),
    "fields_a_string.json": Case(
        'fields = "title,body"', "", (EXPORT_FILE, "contentTypes[0].fields: must be a list of objects")
    ),
    "locale_code_a_number.json": Case("a locale code 1033", "", (EXPORT_FILE, "locales[0].code: must be a string")),
}


def _folder_commands(snapshot_dir: Path) -> dict[str, tuple[list[str], bool]]:
    """command name -> (arguments, reports on the rehearsal's stage table)."""
    return {
        "show": (["snapshots", "show", SNAPSHOT_ID], False),
        "revert": (["revert", SNAPSHOT_ID, "--auto-approve"], False),
        "plan": (["plan", "--from-export", str(snapshot_dir)], False),
        "rehearse": (["rehearse", "--offline", "--from", str(snapshot_dir)], True),
    }


def _file_commands(ref: Path | str) -> dict[str, tuple[list[str], bool]]:
    return {
        "show": (["snapshots", "show", str(ref)], False),
        "revert": (["revert", str(ref), "--auto-approve"], False),
        "plan": (["plan", "--from-export", str(ref)], False),
        "rehearse": (["rehearse", "--offline", "--from", str(ref)], True),
    }


COMMANDS = ["show", "revert", "plan", "rehearse"]


def test_every_folder_and_file_is_a_listed_case() -> None:
    assert sorted(p.name for p in FOLDERS.iterdir() if p.name != "valid_base") == sorted(FOLDER_CASES)
    assert sorted(p.name for p in EXPORTS.iterdir()) == sorted(EXPORT_CASES)
    assert len(FOLDER_CASES) + len(EXPORT_CASES) >= 10


@pytest.mark.parametrize("name", sorted(FOLDER_CASES))
@pytest.mark.parametrize("command", COMMANDS)
def test_snapshot_folder_is_refused(hostile: Hostile, tmp_path: Path, name: str, command: str) -> None:
    case = FOLDER_CASES[name]
    root = hostile.project(tmp_path.resolve())
    snapshot_dir = hostile.place(FOLDERS / name, root / "snapshots" / "test" / SNAPSHOT_ID)
    args, stages = _folder_commands(snapshot_dir)[command]
    names = snapshot_dir / case.file if case.file else snapshot_dir
    hostile.assert_refused(root, args, names=names, expect=case.expect, stage_output=stages)


@pytest.mark.parametrize("name", sorted(EXPORT_CASES))
@pytest.mark.parametrize("command", COMMANDS)
def test_export_file_is_refused(hostile: Hostile, tmp_path: Path, name: str, command: str) -> None:
    case = EXPORT_CASES[name]
    root = hostile.project(tmp_path.resolve())
    path = hostile.place(EXPORTS / name, root / "backup" / name)
    args, stages = _file_commands(path)[command]
    hostile.assert_refused(root, args, names=path, expect=case.expect, stage_output=stages)


def _huge_truncated(root: Path) -> Path:
    text = (FOLDERS / "valid_base" / "export.json").read_text(encoding="utf-8")
    entry_at = text.index('"entries": [') + len('"entries": [')
    entry = '{"sys": {"id": "e%d"}, "fields": {"body": {"en-US": "%s"}}},'
    filler = "".join(entry % (i, "x" * 1000) for i in range(20_000))
    path = root / "backup" / "huge.json"
    path.parent.mkdir(parents=True)
    path.write_text(text[:entry_at] + filler, encoding="utf-8")  # about 20 MB, cut off in the middle
    return path


def _deep(root: Path) -> Path:
    path = root / "backup" / "deep.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"contentTypes": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    return path


def _fifo(root: Path) -> Path:
    path = root / "backup" / "export.json"
    path.parent.mkdir(parents=True)
    os.mkfifo(path)  # reading it would block forever
    return path


def _outside(hostile: Hostile, root: Path) -> None:
    """A snapshot folder of the store that is a symbolic link to a (valid) snapshot folder outside it."""
    outside = hostile.place(FOLDERS / "valid_base", root / "elsewhere" / SNAPSHOT_ID)
    (root / "snapshots" / "test").mkdir(parents=True)
    (root / "snapshots" / "test" / SNAPSHOT_ID).symlink_to(outside)


# name -> (make it in the project root and return what to pass, text the error must name, expected texts)
GENERATED: dict[str, tuple[Callable[[Path], Path | str], str | None, tuple[str, ...]]] = {
    "huge_20mb_truncated": (_huge_truncated, None, ("not valid JSON",)),
    "deep_100k_lists": (_deep, None, ("not valid JSON", "nested too deeply")),
    "fifo": (_fifo, None, ("not a regular file",)),
    "dev_zero": (lambda root: "/dev/zero", "/dev/zero", ("not a regular file",)),
    "dotdot_folder": (lambda root: "../../../../../../../../etc", "etc", ("not a snapshot folder",)),
    "absolute_file": (lambda root: "/etc/hostname", "/etc/hostname", ("not valid JSON",)),
    "encoded_traversal_id": (lambda root: "..%2f..%2f..%2fetc", "..%2f..%2f..%2fetc", ("not a snapshot id",)),
    "empty_ref": (lambda root: "", "invalid snapshot reference '", ("not a snapshot id",)),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
@pytest.mark.parametrize("command", COMMANDS)
def test_generated_snapshot_reference_is_refused(hostile: Hostile, tmp_path: Path, name: str, command: str) -> None:
    make, names, expect = GENERATED[name]
    root = hostile.project(tmp_path.resolve())
    ref = make(root)
    args, stages = _file_commands(ref)[command]
    hostile.assert_refused(root, args, names=names or ref, expect=expect, stage_output=stages)


@pytest.mark.parametrize("command", ["show", "revert"])
def test_a_snapshot_folder_linked_out_of_the_store_is_refused(hostile: Hostile, tmp_path: Path, command: str) -> None:
    root = hostile.project(tmp_path.resolve())
    _outside(hostile, root)
    args, _ = _folder_commands(root)[command]
    hostile.assert_refused(root, args, names=SNAPSHOT_ID, expect=("resolves outside",))


def test_the_valid_base_snapshot_is_usable(tmp_path: Path) -> None:
    """The control: unedited, the base snapshot is shown, planned against and reverted to (with writes), so
    each case is refused for its edit alone. Its own emulator, as the revert changes it."""
    for hostile in hostile_emulator():
        root = hostile.project(tmp_path.resolve())
        snapshot_dir = hostile.place(FOLDERS / "valid_base", root / "snapshots" / "test" / SNAPSHOT_ID)
        for command in ("show", "plan", "rehearse"):
            args, _ = _folder_commands(snapshot_dir)[command]
            result, requests = hostile.run(root, args)
            assert result.exit_code == OK, f"{command}: {result.output}"
            assert command == "rehearse" or not requests
        reverted, requests = hostile.run(root, ["revert", SNAPSHOT_ID, "--auto-approve"])
        assert reverted.exit_code == OK, reverted.output
        assert ("PUT", "/spaces/local/environments/master/content_types/note") in requests, requests
        assert ("PUT", "/spaces/local/environments/master/entries/firstNote") in requests, requests


@pytest.mark.parametrize("name", ["metadata_not_json", "metadata_a_list", "metadata_kind_missing", "missing_metadata"])
def test_revert_latest_never_skips_a_newer_unreadable_snapshot(hostile: Hostile, tmp_path: Path, name: str) -> None:
    """``revert latest`` undoes the last apply: when the newest snapshot's metadata is damaged, it must not fall
    back to an older pre-apply snapshot (that would undo two applies), but refuse, naming the damaged one."""
    root = hostile.project(tmp_path.resolve())
    store = root / "snapshots" / "test"
    hostile.place(FOLDERS / "valid_base", store / "20240101T120000Z-000001")
    newest = hostile.place(FOLDERS / name, store / SNAPSHOT_ID)
    hostile.assert_refused(root, ["revert", "latest", "--auto-approve"], names=newest, expect=(UNUSABLE,))
