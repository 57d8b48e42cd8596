"""Entry data at stake in a plan: which entries a destructive change touches, how many hold data,
capturing them for the pre-apply snapshot, and restoring their values after a rollback or revert."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reconcile.backend import Backend
from reconcile.model import ContentModel
from reconcile.progress import Progress

EntriesByType = dict[str, list[dict[str, Any]]]


def _parse_address(address: str) -> tuple[str, str, str | None]:
    """``content_types.X[.fields.F]`` / ``locales.L`` -> (kind, id, field id)."""
    head, _, rest = address.partition(".")
    if head == "locales":
        return "locale", rest, None
    ct_id, _, field_part = rest.partition(".fields.")
    return "content_type", ct_id, field_part or None


def affected_content_types(addresses: Iterable[str], live: ContentModel) -> list[str]:
    """The live content types whose entries hold the data the changes at ``addresses`` destroy."""
    affected: set[str] = set()
    for address in addresses:
        kind, ident, _ = _parse_address(address)
        if kind == "content_type":
            if ident in live.content_types:
                affected.add(ident)
        else:  # a deleted locale destroys the values of every localized field
            affected.update(
                ct.id for ct in live.content_types.values() if any(f.localized for f in ct.fields)
            )
    return sorted(affected)


def capture(backend: Backend, addresses: Iterable[str], live: ContentModel) -> EntriesByType:
    """The entries (of every locale) that the changes at ``addresses`` put at stake, by content type."""
    return fetch_by_type(backend, affected_content_types(addresses, live))


def fetch_by_type(backend: Backend, content_type_ids: Iterable[str]) -> EntriesByType:
    """The entries of each of the content types, in that order."""
    return {ct: backend.fetch_entries(ct) for ct in content_type_ids}


def _holds_data(entry: dict[str, Any], field_id: str | None, locale: str | None) -> bool:
    fields: dict[str, Any] = entry.get("fields") or {}
    values = [fields.get(field_id)] if field_id is not None else list(fields.values())
    if locale is None:
        return any(v for v in values)
    return any(isinstance(v, dict) and locale in v for v in values)


def entry_counts(addresses: Iterable[str], entries: EntriesByType) -> dict[str, int]:
    """Per destructive address, the number of entries holding data it would destroy."""
    counts: dict[str, int] = {}
    for address in addresses:
        kind, ident, field_id = _parse_address(address)
        if kind == "locale":
            counts[address] = sum(
                1 for ct_entries in entries.values() for e in ct_entries if _holds_data(e, None, ident)
            )
        elif field_id is None:
            counts[address] = len(entries.get(ident, []))
        else:
            counts[address] = sum(1 for e in entries.get(ident, []) if _holds_data(e, field_id, None))
    return counts


def entries_by_type(entries: list[dict[str, Any]]) -> EntriesByType:
    """Entries grouped by the id of their content type."""
    grouped: EntriesByType = {}
    for entry in entries:
        ct_id = entry.get("sys", {}).get("contentType", {}).get("sys", {}).get("id")
        if isinstance(ct_id, str):
            grouped.setdefault(ct_id, []).append(entry)
    return grouped


@dataclass
class RestoreReport:
    restored: int = 0
    skipped: list[str] = field(default_factory=list)


def restore_entries(backend: Backend, captured: list[dict[str, Any]], progress: Progress) -> RestoreReport:
    """Put back the captured entry values the live entries lack (the ones the apply destroyed: a removed
    or replaced field, a deleted locale or content type), keeping every value the live entry holds, so
    edits made since are not overwritten. A re-created entry is published when it was; an existing one
    is republished only when it was published with no pending draft, so nobody's draft gets published."""
    result = RestoreReport()
    if not captured:
        return result
    live = backend.read_live().model
    locales = set(live.locales)
    for ct_id, entries in sorted(entries_by_type(captured).items()):
        content_type = live.content_types.get(ct_id)
        if content_type is None:
            result.skipped.extend(e["sys"]["id"] for e in entries)
            continue
        field_ids = {f.id for f in content_type.fields}
        current = {e["sys"]["id"]: e for e in backend.fetch_entries(ct_id)}
        for entry in entries:
            entry_id = entry["sys"]["id"]
            now = current.get(entry_id)
            live_fields: dict[str, Any] = (now.get("fields") or {}) if now is not None else {}
            wanted = {fid: dict(values) for fid, values in live_fields.items()}
            for fid, values in (entry.get("fields") or {}).items():
                if fid in field_ids and isinstance(values, dict):
                    slot = wanted.setdefault(fid, {})
                    for loc, value in values.items():
                        if loc in locales:
                            slot.setdefault(loc, value)
            if now is not None and wanted == live_fields:
                continue
            if now is None:
                version, publish = None, entry["sys"].get("publishedVersion") is not None
            else:
                sys = now["sys"]
                version = int(sys["version"])
                publish = sys.get("publishedVersion") is not None and version == int(sys["publishedVersion"]) + 1
            response = backend.put_entry(entry_id, ct_id, wanted, version)
            if publish:
                backend.publish_entry(entry_id, int(response["sys"]["version"]))
            result.restored += 1
    progress(f"restored {result.restored} entr{'y' if result.restored == 1 else 'ies'}")
    return result
