"""Archiving entries: ``PUT /entries/{id}/archived`` archives, ``DELETE`` of it unarchives.

Facts: only an unpublished entry can be archived (400 BadRequest ``Cannot archive published``) and only
an archived one unarchived (400 ``Not archived``) [facts 3.2]; an archived entry carries
``sys.archivedVersion`` [facts 2] (with ``archivedAt``/``archivedBy`` like the publish keys, and
version arithmetic like publish: ``archivedVersion`` = the version archived, ``version`` + 1 — UNSURE,
not recorded). The Python SDK sends the version header on both calls (``ArchiveResource``); the JS SDK sends none
(its `entry.archive`, used by its real-API test "Create, update, patch, publish, unpublish, archive,
unarchive and delete entry"), so the header is optional on both. An archived entry
can be neither edited nor published until it is unarchived: the real error texts are not recorded
(UNSURE, the 400 BadRequest below). Archived entries stay in the collection (contentful-migration
filters them out itself with ``sys.archivedAt[exists]=false`` [REC M21 #135]) and can be deleted (UNSURE).
"""

from __future__ import annotations

from typing import Any

from reconcile.emulator.errors import bad_request

Json = dict[str, Any]
ARCHIVE_KEYS = ("archivedVersion", "archivedAt", "archivedBy")


def is_archived(sys: Json) -> bool:
    return "archivedVersion" in sys


def refuse_if_archived(sys: Json, action: str) -> None:
    """400 for editing or publishing an archived entry (message UNSURE)."""
    if is_archived(sys):
        raise bad_request(f"Cannot {action} archived")


def archived_sys(sys: Json, now: str, user: Json) -> Json:
    """``sys`` of the entry once archived."""
    if "publishedVersion" in sys:
        raise bad_request("Cannot archive published")
    if is_archived(sys):
        raise bad_request("Already archived")  # UNSURE
    return {**sys, "version": sys["version"] + 1, "archivedVersion": sys["version"], "archivedAt": now,
            "archivedBy": user, "updatedAt": now, "updatedBy": user}  # fmt: skip


def unarchived_sys(sys: Json, now: str, user: Json) -> Json:
    """``sys`` of the entry once unarchived: the archive keys go, the version goes up by one."""
    if not is_archived(sys):
        raise bad_request("Not archived")
    kept = {key: value for key, value in sys.items() if key not in ARCHIVE_KEYS}
    return {**kept, "version": sys["version"] + 1, "updatedAt": now, "updatedBy": user}


def published_sys(sys: Json, now: str, user: Json) -> Json:
    """``sys`` of an entry or asset once published: ``publishedVersion`` = the version published, version + 1
    [REC PHP e2e_asset_create_update_process_publish_unpublish_archive_unarchive_delete]."""
    published = {**sys, "updatedAt": now, "updatedBy": user, "version": sys["version"] + 1,
                 "publishedVersion": sys["version"], "publishedAt": now, "publishedBy": user,
                 "publishedCounter": sys.get("publishedCounter", 0) + 1}  # fmt: skip
    published.setdefault("firstPublishedAt", now)
    return published


def unpublished_sys(sys: Json, now: str, user: Json) -> Json:
    """``sys`` once unpublished: the publish keys go (``firstPublishedAt`` and the counter stay), version + 1."""
    if "publishedVersion" not in sys:
        raise bad_request("Not published")
    kept = {k: v for k, v in sys.items() if k not in ("publishedVersion", "publishedAt", "publishedBy")}
    return {**kept, "updatedAt": now, "updatedBy": user, "version": sys["version"] + 1}
