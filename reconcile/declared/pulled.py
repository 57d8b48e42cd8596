"""The pull record (issue 16): a models folder that a pull found equal to live, and the live state it was.

``<project>/.reconcile/cache/pulled-<hash of the models folder>.json`` holds, from the last full ``pull``
that wrote nothing (every file already declared the live model), the key of what it pulled (``live``: the
live state's JSON as read, the scope, and the reader of ``declared.cache``: the tool's source and the
versions of its libraries), the fingerprint of that live state, and the state of the models folder it
judged (``locales.toml``, ``tags.toml``, the ``content_types`` folder and the blake2b of each
``content_types/*.toml`` file's bytes, ``cache.content_key``: the per-content-type record reads them from
here). A later pull whose key and folder are exactly these would find the same (the writer's verdict is a
function of them alone): it writes nothing without building, normalising or comparing anything, and records
the baseline with the recorded fingerprint.

Safe by construction, as the parse cache is:

- the key and the header hold every input of the verdict: the live JSON, the scope and the code (any change to the
  tool's source is another reader); the folder's state is read afresh on every run, so a file edited, added,
  removed or replaced by a directory is a miss;
- a pull records only when it wrote nothing and the folder state is what it compared (the content type files
  are compared as the state read them, the other entries read again): the record states what a full comparison
  found, never what was meant to be written;
- the record carries its blake2b digest: damaged in any way, it is ignored (a full pull runs and
  records anew); written atomically, any ``OSError`` leaves it as it was: it only saves time;
- it names its models folder (``models`` in its header): ``cache.prune`` deletes it once that is gone.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson

from reconcile.declared.cache import FolderRecord, content_key
from reconcile.declared.layout import CONTENT_TYPES_DIR, LOCALES_FILE, TAGS_FILE

# The state of a models folder: each entry a pull reads (its path in the folder) -> the hash of its bytes,
# "folder" for the content types folder, None where absent.
FolderState = dict[str, str | None]


class PullRecord(FolderRecord):
    """The record of one models folder: the fingerprint a pull recorded for a key and folder state, if any."""

    kind = "pulled"

    def key(self, live: bytes | None) -> str | None:
        """The key of a pull of ``live`` (the live state's JSON and the scope, as bytes); None without ``live`` or
        when the tool's source cannot be read (no record then). The code is the record's reader (its header)."""
        if live is None or self._reader is None:
            return None
        return hashlib.blake2b(live).hexdigest()

    def fingerprint(self, key: str | None, state: FolderState | None) -> str | None:
        """The live fingerprint recorded by a pull with ``key`` that found the models folder in ``state`` equal
        to live; None when there is no such record (or it is damaged, or either is None)."""
        if key is None or state is None:
            return None
        record = self._read_json()[1]
        if record.get("key") != key or record.get("folder") != state:
            return None
        found = record.get("fingerprint")
        return found if isinstance(found, str) else None

    def save(self, key: str | None, state: FolderState | None, fingerprint: str) -> None:
        """Record that a pull with ``key`` found the models folder in ``state`` equal to live (whose fingerprint
        is ``fingerprint``); never raises ``OSError``."""
        if key is not None and state is not None:
            self._write(orjson.dumps({"key": key, "folder": state, "fingerprint": fingerprint}))


def folder_state(models_dir: Path, read: dict[Path, bytes] | None = None) -> FolderState | None:
    """The state of what a full pull reads of ``models_dir``; None when an entry cannot be read (no record).
    ``read``, when given, receives the bytes of each file read (``still_as_judged``)."""
    ct_dir = models_dir / CONTENT_TYPES_DIR
    paths = [models_dir / LOCALES_FILE, models_dir / TAGS_FILE, *sorted(ct_dir.glob("*.toml"))]
    state: FolderState = {CONTENT_TYPES_DIR: "folder" if ct_dir.is_dir() else None}
    try:
        for path in paths:
            name = path.relative_to(models_dir).as_posix()
            data = path.read_bytes() if path.exists() else None
            state[name] = None if data is None else content_key(data)
            if read is not None and data is not None:
                read[path] = data
    except OSError:  # a folder named like a model file, no permission: the writer decides (and says)
        return None
    return state


def still_as_judged(models_dir: Path, state: FolderState, read: dict[Path, bytes], judged: dict[Path, bytes]) -> bool:
    """Whether a pull that wrote nothing judged the models folder in ``state`` (read by ``folder_state`` into
    ``read``): each file the writer compared (``judged``: the bytes it compared, ``write_models``'s ``held``)
    held the bytes ``state`` was hashed from, and every other entry still is as in ``state``. Reading and
    hashing the whole folder again to tell cost ~0.07 s at 1,000 content types (issue 16). A file edited after
    the writer read it is as safe as before: the record holds the digests of the bytes judged, which a later
    pull's folder then does not match."""
    ct_dir = models_dir / CONTENT_TYPES_DIR
    names = {f"{CONTENT_TYPES_DIR}/{path.name}" for path in ct_dir.glob("*.toml")}
    if ("folder" if ct_dir.is_dir() else None) != state.get(CONTENT_TYPES_DIR) or names != {
            name for name in state if name.startswith(f"{CONTENT_TYPES_DIR}/")}:
        return False
    try:
        for name, digest in state.items():
            path = models_dir / name
            if name == CONTENT_TYPES_DIR or (path in judged and judged[path] == read.get(path)):
                continue  # the writer judged the very bytes hashed
            if (content_key(path.read_bytes()) if path.exists() else None) != digest:
                return False
    except OSError:
        return False
    return True
