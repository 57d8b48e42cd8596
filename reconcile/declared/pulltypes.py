"""The pull's record of each content type file (issue 16): which live content type a file was pulled from.

``<project>/.reconcile/cache/pulltypes-<hash of the models folder>.json`` holds, from the last full ``pull``
over that folder, for each content type: the blake2b of its live JSON as read (the content type's and its
editor interface's, ``cache.content_key``), the blake2b of the bytes its file held once the pull had written it or
found it declaring that content type (``cache.content_key``), and the canonical JSON of the content type and of
its editor interface (``normalize.document_json``: what the live fingerprint is computed from). A later pull
that finds a content type's live JSON and its file's bytes both as recorded knows the file declares it (the
writer's verdict is a function of those bytes and of the content type alone): it neither parses,
normalises, renders nor compares that content type, and takes its JSON from here for the fingerprint
(at 1,000 content types with 100 changed: about 0.7 s of CPU less).

Safe by construction, as the parse cache and the pull record are:

- keyed by the reader (``cache.reader_key``: the tool's source and the versions of its libraries) in the
  header, by each content type's live JSON, and by its file's bytes read afresh on every run: any change to
  the code, to a content type or editor interface (its ``sys.version`` included) or to a file is a miss, and
  a miss is pulled in full;
- it records what the writer found or wrote, never what was meant to be written: the bytes recorded are those
  the writer read and judged, or wrote;
- the record carries its blake2b digest: damaged in any way, it is ignored whole (every content type is
  pulled in full and recorded anew); written atomically, any ``OSError`` leaves it as it was: it only saves time;
- it names its models folder (``models`` in its header): ``cache.prune`` deletes it once that is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from reconcile.declared.cache import FolderRecord


@dataclass(frozen=True)
class Pulled:
    """What the record holds of one content type."""

    live: str  # cache.content_key of its live JSON
    file: str  # cache.content_key of its file's bytes
    content_type: bytes  # canonical JSON of the content type
    editor_interface: bytes  # canonical JSON of its editor interface


class TypeRecord(FolderRecord):
    """The record of one models folder: load what the last pull recorded, save what this one found.

    After a header line (format, reader, digest of the rest, models folder), three lines per content type: a
    JSON array of its id, ``live`` and ``file``, then its two canonical JSON texts (compact JSON has no line
    break: a string's is escaped)."""

    kind = "pulltypes"

    def load(self) -> dict[str, Pulled]:
        """Content type id -> what the last pull recorded; empty when there is no record of this code, or it is
        damaged."""
        found = self._read()
        try:
            return {} if found is None else _entries(found[1].split(b"\n")[:-1])
        except (ValueError, RecursionError):
            return {}

    def save(self, entries: dict[str, Pulled]) -> None:
        """Record ``entries`` (replacing the record); never raises ``OSError``."""
        lines = []
        for ct_id, entry in sorted(entries.items()):
            if b"\n" in entry.content_type or b"\n" in entry.editor_interface:
                continue  # compact JSON has none; should one have, it is not recorded (a line each)
            lines += [orjson.dumps([ct_id, entry.live, entry.file]), entry.content_type, entry.editor_interface]
        # not durable: after a power loss a damaged record is ignored
        self._write(b"\n".join([*lines, b""]) if lines else b"", durable=False)


def _entries(lines: list[bytes]) -> dict[str, Pulled]:
    """The entries of a record's lines (checked by its digest); none where the shape is not the record's."""
    if len(lines) % 3:
        return {}
    entries = {}
    for index in range(0, len(lines), 3):
        keys = orjson.loads(lines[index])
        if not isinstance(keys, list) or len(keys) != 3 or not all(isinstance(key, str) for key in keys):
            return {}
        entries[keys[0]] = Pulled(keys[1], keys[2], lines[index + 1], lines[index + 2])
    return entries

