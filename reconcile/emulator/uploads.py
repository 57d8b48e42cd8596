"""Uploads: the bytes of a file sent before an asset links it with ``uploadFrom`` (the SDKs' ``createAssetFromFiles``).

Contentful serves them on ``upload.contentful.com``; the emulator serves the same paths on its own host (point the
JS SDK's ``hostUpload`` at it): ``POST /spaces/{space}[/environments/{env}]/uploads`` with the raw bytes
(``application/octet-stream``) -> 201 ``{"sys": {"id", "type": "Upload", "createdAt", "expiresAt", "space",
"createdBy"}}``; ``GET`` and ``DELETE …/uploads/{id}`` (204) [REC PHP e2e_asset_upload, 2020]. Uploads belong to the
space (the environment path reaches the same ones: UNSURE) and expire after two days (not enforced).

State: ``state["spaces"][space]["uploads"][upload_id] = {"body": <Upload body>, "content": <base64 of the bytes>}``.

Processing an asset file that comes from an upload measures the bytes as Contentful does [REC PHP e2e_asset_upload:
a 3,047-byte SVG of ``width="157" height="32"`` -> ``details {"size": 3047, "image": {"width": 157, "height": 32}}``]:
``size`` is the byte count, and ``image`` the dimensions read from a PNG, GIF, JPEG or SVG header (other image
formats get none: UNSURE).
"""

from __future__ import annotations

import base64
import re
import struct
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from reconcile.emulator.common import Json, found_or_404, link, new_id, user_link
from reconcile.emulator.errors import bad_request

if TYPE_CHECKING:
    from reconcile.emulator.store import Store

EXPIRY = timedelta(days=2)
SVG_SIZE = re.compile(rb"<svg\b[^>]*?\bwidth=\"([\d.]+)(?:px)?\"[^>]*?\bheight=\"([\d.]+)(?:px)?\"", re.S)
JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class Uploads:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _family(self, space: str) -> Json:
        space_record = found_or_404(self.store.state["spaces"], space)
        uploads: Json = space_record.setdefault("uploads", {})
        return uploads

    def create(self, space: str, data: bytes) -> tuple[int, Json]:
        if not data:
            raise bad_request("Unable to locate a file to upload.")  # UNSURE: the SDK refuses it before sending
        now = datetime.fromtimestamp(self.store.clock.now(), UTC)
        expires = (now + EXPIRY).replace(hour=0, minute=0, second=0, microsecond=0)
        upload_id = new_id()
        stamp = "%Y-%m-%dT%H:%M:%S.000Z"  # whole seconds [REC PHP e2e_asset_upload]
        body = {"sys": {"id": upload_id, "type": "Upload", "createdAt": now.strftime(stamp),
                        "expiresAt": expires.strftime(stamp), "space": link("Space", space),
                        "createdBy": user_link()}}  # fmt: skip
        self._family(space)[upload_id] = {"body": body, "content": base64.b64encode(data).decode()}
        return 201, dict(body)

    def get(self, space: str, upload_id: str) -> Json:
        record = found_or_404(self._family(space), upload_id, {"type": "Upload", "id": upload_id})
        return dict(record["body"])

    def delete(self, space: str, upload_id: str) -> None:
        self.get(space, upload_id)
        del self._family(space)[upload_id]

    def content(self, space: str, upload_id: str) -> bytes | None:
        """The bytes of an upload of ``space``, None when there is no such upload."""
        record = self._family(space).get(upload_id)
        return None if record is None else base64.b64decode(record["content"])


def measured(data: bytes, content_type: str) -> Json:
    """``details`` of a file from its bytes: ``size``, and ``image`` when it is an image whose header tells it."""
    details: Json = {"size": len(data)}
    if content_type.startswith("image/"):
        dimensions = image_size(data)
        if dimensions is not None:
            details["image"] = {"width": dimensions[0], "height": dimensions[1]}
    return details


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG, GIF, JPEG or SVG header; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    match = SVG_SIZE.search(data[:4096])
    if match is not None:
        return round(float(match.group(1))), round(float(match.group(2)))
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The frame size of the first start-of-frame segment (width and height as in the SOFn header)."""
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if marker in JPEG_FRAMES:
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None
