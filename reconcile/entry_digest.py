"""The digest of the entries a plan read: what makes a saved plan with fills or conversions stale.

A fill (and a conversion) reads every entry of its content type, also those it leaves unchanged: its
result for such an entry may differ once the entry was edited. The plan therefore records, per content
type, a digest over ``(entry id, version)`` of every entry it read; apply recomputes it from the entries it
reads before the first write and refuses the plan when it differs (an edit, a publish, a new or deleted
entry all change it).

The digest is a sum of per-entry hashes (modulo 2**256) with the count: independent of the order the
pages come in, and computed in O(1) memory while the entries stream by, one page at a time.

Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from reconcile.model import Entry

_MODULUS = 2**256


@dataclass
class EntriesDigest:
    """A running digest over the ``(id, version)`` of the entries added so far, in any order."""

    count: int = 0
    total: int = 0

    def add(self, entries: Iterable[Entry]) -> EntriesDigest:
        for entry in entries:
            self.add_key(f"{entry.id}\0{entry.version}")
        return self

    def add_key(self, key: str) -> None:
        """Add one item, given as its text."""
        hashed = hashlib.sha256(key.encode()).digest()
        self.total = (self.total + int.from_bytes(hashed, "big")) % _MODULUS
        self.count += 1

    @property
    def text(self) -> str:
        """``"<count>:<64 hex digits>"``: the form a plan records."""
        return f"{self.count}:{self.total:064x}"


def entries_digest(entries: Iterable[Entry]) -> str:
    """The digest text of ``entries``."""
    return EntriesDigest().add(entries).text


def read_count(digest: str) -> str:
    """The number of entries a recorded digest covers, as written (for messages)."""
    return digest.partition(":")[0]
