"""Entries as JSON, split from ``translate`` (issue 16): an entry from its API or snapshot JSON and back, and
a snapshot's export. The JSON read is kept as the entry's ``source``: a snapshot stores what the API answered."""

from __future__ import annotations

from collections.abc import Iterable

from reconcile.backend.tags import tag_links
from reconcile.backend.translate import RawEnvironment, content_type_link, link_id
from reconcile.model import Entry, JsonObject


def entry_from_api(d: JsonObject) -> Entry:
    """An entry from its JSON (as listed, or as a snapshot stored it); the JSON is kept as its ``source``."""
    sys = d.get("sys") or {}
    metadata = d.get("metadata")
    return Entry(
        id=str(sys.get("id")),
        content_type_id=link_id(sys.get("contentType")) or "",
        # Every CMA entry has sys.version; 0 only keeps a hand-trimmed export file readable.
        version=int(sys.get("version", 0)),
        published_version=sys.get("publishedVersion"),
        archived_version=sys.get("archivedVersion"),
        fields=d.get("fields") or {},
        tags=tuple(t for t in map(link_id, (metadata.get("tags") or ()) if isinstance(metadata, dict) else ()) if t),
        source=d,
    )


def entry_to_api(entry: Entry) -> JsonObject:
    """An entry's JSON for a snapshot: exactly as it was read, when it was read from the API."""
    if entry.source is not None:
        return entry.source
    sys: JsonObject = {
        "id": entry.id,
        "type": "Entry",
        "version": entry.version,
        "contentType": {"sys": {"type": "Link", "linkType": "ContentType", "id": entry.content_type_id}},
    }
    if entry.published_version is not None:
        sys["publishedVersion"] = entry.published_version
    if entry.archived_version is not None:
        sys["archivedVersion"] = entry.archived_version
    if entry.tags:
        return {"metadata": {"tags": tag_links(entry.tags)}, "sys": sys, "fields": entry.fields}
    return {"sys": sys, "fields": entry.fields}


def entries_from_export(data: JsonObject) -> list[Entry]:
    """The entries of a snapshot or ``contentful space export`` file that name their content type."""
    return [
        entry_from_api(d)
        for d in data.get("entries") or ()
        if isinstance(content_type_link(d), str)
    ]


def to_export(raw: RawEnvironment, entries: Iterable[Entry]) -> JsonObject:
    """A snapshot's export (the ``contentful space export`` shape) of an environment and some entries."""
    export: JsonObject = {
        "contentTypes": raw.content_types,
        "editorInterfaces": raw.editor_interfaces,
        "entries": [entry_to_api(entry) for entry in entries],
        "locales": raw.locales,
    }
    if raw.tags is not None:
        export["tags"] = raw.tags
    return export
