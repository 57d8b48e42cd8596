"""Assets: create, update, file processing, publish, archive, delete, as the CMA serves them.

State: ``env["assets"][asset_id] = <Asset body>``, the body as the API answers it (without ``sys.fieldStatus``,
computed when answered, as for entries)::

    {"metadata": {"tags", "concepts"}, "sys": {...}, "fields": {"title"?: {code: str}, "description"?: {code: str},
     "file"?: {code: {"upload" | "uploadFrom" | "url", "details"?, "fileName", "contentType"}}}}

and ``env["asset_processing"][asset_id] = <version>`` while a series of file processings is open (``_pending``).

Facts (docs/conformance.md, "Assets"):

* Create: ``POST /assets`` (random id) or ``PUT /assets/{id}`` without a version header -> 201, version 1,
  ``publishedCounter`` 0 [REC PY tags/create_asset_with_tag, 2023]; locale maps left empty are dropped
  (``{"title": {}}`` -> ``fields: {}``) [REC PHP e2e_error_version_mismatch]. ``PUT`` onto an existing id needs
  ``X-Contentful-Version`` (409 without one, or with a stale one) [REC R/asset/create_with_already_used_id].
* ``PUT /assets/{id}/files/{locale}/process`` (version header required) -> 204. Processing is immediate here
  (Contentful does it in the background; the SDKs poll ``GET`` until ``url`` appears, the first poll without a
  wait, so they see it at once): version + 1 per file, ``upload`` replaced by ``url`` and ``details``; the process
  requests of one series may all carry the version read before it (``_pending``)
  [REC PHP e2e_asset_create_update_process_...]. The url is ``//images.ctfassets.net/<space>/<id>/<hash>/<fileName>``
  for images, ``//videos.ctfassets.net/…`` for videos, ``//assets.ctfassets.net/…`` otherwise [REC PHP
  e2e_asset_text_file]; the hash is the md5 of the upload source (Contentful's hash is its own: UNSURE).
  No locale file: 422 ``No file specified for locale: xx`` [ISS contentful-management.rb#104]; a file without
  ``upload``/``uploadFrom``: 422 ``required`` on both [ISS contentful-management.rb#209].
* A file from an upload (``uploadFrom``, uploads.py) is measured from its bytes, as Contentful does. The emulator
  has no internet and cannot download an ``upload`` URL. ``details`` (UNSURE, a stand-in): when the upload
  URL is the url of a file the emulator itself serves (an export of another space of this emulator, imported
  by contentful-import, which turns ``//images…`` into ``https://images…``) its ``details`` are copied; otherwise
  ``size`` is ``STAND_IN_SIZE`` and an image is ``STAND_IN_IMAGE`` (width x height). ``contentType`` stays as
  sent (Contentful sniffs the bytes and may change it).
* Publish (version header required): every locale's file must be processed, else 422 ``ValidationFailed``
  ``{"name": "required", "path": ["fields", "file", code, "url"], "details": "The property \\"url\\" is required
  here"}`` [ISS contentful.net#256, contentful-management.js#126]. An asset without any file publishes (UNSURE).
* Unpublish, archive, unarchive, delete: as entries, with the asset wordings recorded: ``Cannot delete published``,
  ``Cannot archive published``, ``Not published``, ``Not archived`` (400 BadRequest) [REC R/asset/*_published,
  R/asset/unarchive_already_unarchived]; archive and unarchive take an optional version header (the JS SDK
  sends none, the PHP SDK one [REC PHP e2e_asset_…]).
* Field values: only ``title``, ``description`` (strings) and ``file`` (an object) in known locales; anything else
  422 ``ValidationFailed`` with ``unknown``/``type`` items (the error id for assets is UNSURE).
* ``metadata.tags`` must link existing tags, as for entries (tags.py).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from reconcile.emulator import archive
from reconcile.emulator.common import Json, Scope, check_version, found_or_404, ordered, parse_version, user_link
from reconcile.emulator.entries import with_field_status
from reconcile.emulator.entry_rules import asset_groups
from reconcile.emulator.errors import bad_request, validation_failed, version_mismatch
from reconcile.emulator.paging import page, sys_id_matches
from reconcile.emulator.queries import check_entry_filters, entry_matches
from reconcile.emulator.tags import check_entry_tags, has_wanted_tag
from reconcile.emulator.uploads import measured

if TYPE_CHECKING:
    from reconcile.emulator.listing import Listing
    from reconcile.emulator.store import Store

Step = Callable[[Json, str, Json], Json]  # a sys, the time and the acting user's link -> the new sys (archive.py)

ASSET_FIELDS = ("title", "description", "file")
# [REC PHP e2e_asset_create_update_… 2018 (upload first), e2e_asset_upload 2020 (fileName, uploadFrom, contentType)]
FILE_KEYS = ("upload", "url", "details", "fileName", "uploadFrom", "contentType")
STAND_IN_SIZE = 1024  # bytes: the emulator cannot download the upload (UNSURE, a stand-in)
STAND_IN_IMAGE = {"width": 1024, "height": 768}
HOSTS = {"image": "images", "video": "videos"}
UPLOAD_SOURCE = "upload:"  # the source of a file that comes from an upload: "upload:<id>"
# [REC PY taxonomy/concepts/add_concept_to_an_asset, 2025]
ASSET_SYS_KEYS = (
    "space", "id", "type", "createdAt", "updatedAt", "environment", "publishedVersion", "publishedAt",
    "firstPublishedAt", "createdBy", "updatedBy", "publishedCounter", "version", "publishedBy", "fieldStatus", "urn",
)  # fmt: skip


def assets_of(scope: Scope) -> Json:
    """The environment's assets by id (an environment made before assets were written has none)."""
    assets: Json = scope.env.setdefault("assets", {})
    return assets


def _pending(scope: Scope) -> Json:
    """``env["asset_processing"][asset_id]``: the version the asset had when the processing of its files began.

    Contentful processes in the background and bumps the version when a file is done, so the SDKs send every
    locale's process request with the version they read first (contentful-management.js ``processForAllLocales``
    sends them all at once, contentful-import one per locale): any version from that one to the current one is
    taken until another write ends the series (UNSURE: the real window is the processing time)."""
    pending: Json = scope.env.setdefault("asset_processing", {})
    return pending


class Assets:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _existing(self, scope: Scope, asset_id: str) -> Json:
        return found_or_404(assets_of(scope), asset_id, scope.details("Asset", asset_id))

    def _answer(self, scope: Scope, asset: Json) -> Json:
        return with_field_status(scope, asset, ASSET_SYS_KEYS)

    def collection(self, scope: Scope, query: Mapping[str, str]) -> Listing:
        """``skip``/``limit``/``order``, ``sys.id[in]``, ``sys.archivedAt[exists]``, ``metadata.tags.sys.id[in]``,
        ``mimetype_group``."""
        check_entry_filters(query)
        kept = [
            self._answer(scope, asset)
            for asset in assets_of(scope).values()
            if sys_id_matches(asset, query)
            and entry_matches(asset, query)
            and has_wanted_tag(asset, query)
            and _in_mimetype_group(asset, query.get("mimetype_group"))
        ]
        return page(kept, query)

    def get(self, scope: Scope, asset_id: str) -> Json:
        return self._answer(scope, self._existing(scope, asset_id))

    def put(self, scope: Scope, asset_id: str, body: Any, version: str | None) -> tuple[int, Json]:
        """Create (201; a version header on an unknown id creates it too, as for content types) or update (200)."""
        asset = assets_of(scope).get(asset_id)
        if asset is not None:
            check_version(version, asset["sys"]["version"])
            archive.refuse_if_archived(asset["sys"], "edit")
        fields = _checked_fields(scope, body)
        metadata = body.get("metadata")
        check_entry_tags(scope, metadata)
        now = self.store.clock.ms()
        if asset is None:
            sys: Json = {
                "space": scope.space_link(), "id": asset_id, "type": "Asset", "createdAt": now, "updatedAt": now,
                "environment": scope.env_link(), "createdBy": user_link(),
                "updatedBy": user_link(), "publishedCounter": 0, "version": 1,
                "urn": f"crn:contentful:::content:spaces/{scope.space}/environments/{scope.env_id}/assets/{asset_id}",
            }  # fmt: skip
        else:
            sys = {**asset["sys"], "updatedAt": now, "updatedBy": user_link(),
                   "version": asset["sys"]["version"] + 1}  # fmt: skip
        new = {
            "metadata": copy.deepcopy(metadata) if isinstance(metadata, dict) else {"tags": [], "concepts": []},
            "sys": ordered(sys, ASSET_SYS_KEYS),
            "fields": fields,
        }
        _pending(scope).pop(asset_id, None)
        new["metadata"].setdefault("tags", [])
        new["metadata"].setdefault("concepts", [])
        assets_of(scope)[asset_id] = new
        return (201 if asset is None else 200), self._answer(scope, new)

    def process(self, scope: Scope, asset_id: str, code: str, version: str | None) -> None:
        """``PUT /assets/{id}/files/{code}/process``: the file of locale ``code`` processed at once (204)."""
        asset = self._existing(scope, asset_id)
        current = asset["sys"]["version"]
        base = _pending(scope).get(asset_id, current)
        if parse_version(version) not in range(base, current + 1):
            raise version_mismatch()
        file = (asset["fields"].get("file") or {}).get(code)
        if not isinstance(file, dict):  # [ISS contentful-management.rb#104]
            raise validation_failed([{"name": "required", "path": ["fields", "file", code],
                                      "details": f"No file specified for locale: {code}"}])  # fmt: skip
        source = file.get("upload") or _upload_source(file.get("uploadFrom"))
        if not isinstance(source, str):  # [ISS contentful-management.rb#209]
            raise validation_failed([{"name": "required", "path": ["fields", "file", code, key]}
                                     for key in ("upload", "uploadFrom")])  # fmt: skip
        processed = {key: value for key, value in file.items() if key not in ("upload", "uploadFrom")}
        processed["url"] = _url(scope, asset_id, file, source)
        processed["details"] = self._details(scope, file, source)
        asset["fields"]["file"][code] = ordered(processed, FILE_KEYS)
        asset["sys"].update(version=current + 1, updatedAt=self.store.clock.ms())
        _pending(scope)[asset_id] = base

    def _details(self, scope: Scope, file: Json, source: str) -> Json:
        """Measured from the bytes of an upload (uploads.py); the details of a file the emulator serves at ``source``;
        else the documented stand-in (UNSURE)."""
        content_type = str(file.get("contentType", ""))
        if source.startswith(UPLOAD_SOURCE):
            data = self.store.uploads.content(scope.space, source.removeprefix(UPLOAD_SOURCE))
            if data is not None:
                return measured(data, content_type)
        for served in self._served_files():
            if isinstance(served.get("url"), str) and source.split("//", 1)[-1] == served["url"].split("//", 1)[-1]:
                return copy.deepcopy(served.get("details") or {"size": STAND_IN_SIZE})
        details: Json = {"size": STAND_IN_SIZE}
        if content_type.startswith("image/"):
            details["image"] = dict(STAND_IN_IMAGE)
        return details

    def _served_files(self) -> Iterator[Json]:
        for space in self.store.state["spaces"].values():
            for env in space["environments"].values():
                for asset in (env.get("assets") or {}).values():
                    for file in ((asset.get("fields") or {}).get("file") or {}).values():
                        if isinstance(file, dict):
                            yield file

    def publish(self, scope: Scope, asset_id: str, version: str | None) -> Json:
        asset = self._existing(scope, asset_id)
        check_version(version, asset["sys"]["version"])
        archive.refuse_if_archived(asset["sys"], "publish")
        files = asset["fields"].get("file") or {}
        unprocessed = [code for code, file in files.items() if not (isinstance(file, dict) and file.get("url"))]
        if unprocessed:  # [ISS contentful.net#256]
            raise validation_failed([
                {"name": "required", "path": ["fields", "file", code, "url"],
                 "details": 'The property "url" is required here'} for code in unprocessed
            ])  # fmt: skip
        foreign = [(code, file["url"]) for code, file in files.items() if not _hosted(file["url"])]
        if foreign:  # a url set by hand, not by processing [ISS contentful-management.py#69]
            raise validation_failed([{"name": "hasHostname", "path": ["fields", "file", code, "url"], "value": url}
                                     for code, url in foreign])  # fmt: skip
        return self._moved(scope, asset, archive.published_sys)

    def unpublish(self, scope: Scope, asset_id: str, version: str | None) -> Json:
        return self._stepped(scope, asset_id, version, archive.unpublished_sys)

    def archive(self, scope: Scope, asset_id: str, version: str | None) -> Json:
        return self._stepped(scope, asset_id, version, archive.archived_sys)

    def unarchive(self, scope: Scope, asset_id: str, version: str | None) -> Json:
        return self._stepped(scope, asset_id, version, archive.unarchived_sys)

    def _stepped(self, scope: Scope, asset_id: str, version: str | None, step: Step) -> Json:
        """Unpublish, archive, unarchive: the version header is optional (a wrong one is refused)."""
        asset = self._existing(scope, asset_id)
        if version is not None:
            check_version(version, asset["sys"]["version"])
        return self._moved(scope, asset, step)

    def _moved(self, scope: Scope, asset: Json, step: Step) -> Json:
        """The asset after ``step`` (publish, unpublish, archive, unarchive: archive.py) of its ``sys``."""
        sys = step(asset["sys"], self.store.clock.ms(), user_link())
        _pending(scope).pop(sys["id"], None)
        asset["sys"] = ordered(sys, ASSET_SYS_KEYS)
        return self._answer(scope, asset)

    def delete(self, scope: Scope, asset_id: str) -> None:
        asset = self._existing(scope, asset_id)
        if "publishedVersion" in asset["sys"]:
            raise bad_request("Cannot delete published")  # [REC R/asset/destroy_published]
        del assets_of(scope)[asset_id]
        _pending(scope).pop(asset_id, None)

    def drop_locale(self, scope: Scope, code: str) -> None:
        for asset in assets_of(scope).values():
            for values in asset["fields"].values():
                values.pop(code, None)

    def rename_locale(self, scope: Scope, old: str, new: str) -> None:
        for asset in assets_of(scope).values():
            for values in asset["fields"].values():
                if old in values:
                    values[new] = values.pop(old)


def _in_mimetype_group(asset: Json, group: str | None) -> bool:
    """``mimetype_group=image``: an asset with a file of that group in some locale (the JS SDK's own test)."""
    files = (asset.get("fields") or {}).get("file") or {}
    return group is None or any(group in asset_groups(asset, code) for code in files)


def _upload_source(upload_from: Any) -> str | None:
    """The source of an ``uploadFrom`` link to an Upload (an unknown upload id gets the stand-in details: UNSURE)."""
    sys = upload_from.get("sys") if isinstance(upload_from, dict) else None
    if isinstance(sys, dict) and sys.get("linkType") == "Upload" and isinstance(sys.get("id"), str):
        return f"{UPLOAD_SOURCE}{sys['id']}"
    return None


def _hosted(url: Any) -> bool:
    """Whether a file's url is on Contentful's asset hosts (``//images.ctfassets.net/…``, ``https://images.secure.
    ctfassets.net/…`` [REC PY 2025], ``//images.contentful.com/…`` [REC R 2014]). Contentful refuses to publish a
    file whose url names another host (``hasHostname``, contentful-management.py#69); the exact rule is UNSURE."""
    host = str(url).removeprefix("https:").removeprefix("http:")
    if not host.startswith("//"):
        return False
    name = host[2:].split("/", 1)[0]
    return name.endswith((".ctfassets.net", ".contentful.com"))


def _url(scope: Scope, asset_id: str, file: Json, source: str) -> str:
    kind = str(file.get("contentType", "")).split("/", 1)[0]
    digest = hashlib.md5(source.encode(), usedforsecurity=False).hexdigest()
    return f"//{HOSTS.get(kind, 'assets')}.ctfassets.net/{scope.space}/{asset_id}/{digest}/{file.get('fileName', '')}"


def _checked_fields(scope: Scope, body: Any) -> Json:
    """The fields of an asset PUT/POST, checked; empty locale maps dropped [REC PHP e2e_error_version_mismatch]."""
    if not isinstance(body, dict):
        raise bad_request("The body you sent is not a JSON object.")
    fields = body.get("fields", {})
    if not isinstance(fields, dict):
        raise validation_failed([{"name": "type", "path": ["fields"], "value": fields, "type": "Object"}])
    codes = set(scope.locale_codes())
    errors: list[Json] = []
    kept: Json = {}
    for field_id, values in fields.items():
        if field_id not in ASSET_FIELDS:
            errors.append({"name": "unknown", "path": ["fields", field_id], "value": values,
                           "details": f'The property "{field_id}" is not allowed here.'})  # fmt: skip
            continue
        if not isinstance(values, dict):
            errors.append({"name": "type", "path": ["fields", field_id], "value": values, "type": "Object"})
            continue
        errors += _value_errors(field_id, values, codes)
        kept[field_id] = values
    if errors:
        raise validation_failed(errors)
    checked = {field_id: {code: _value(field_id, value) for code, value in values.items() if value is not None}
               for field_id, values in kept.items()}  # fmt: skip
    return {field_id: values for field_id, values in checked.items() if values}


def _value_errors(field_id: str, values: Json, codes: set[str]) -> list[Json]:
    expected = "Object" if field_id == "file" else "Symbol"
    errors: list[Json] = []
    for code, value in values.items():
        if code not in codes:
            errors.append({"name": "unknown", "path": ["fields", field_id, code], "value": value})
        elif value is not None and not isinstance(value, dict if expected == "Object" else str):
            errors.append({"name": "type", "path": ["fields", field_id, code], "value": value, "type": expected,
                           "details": f'The type of "value" is incorrect, expected type: {expected}'})  # fmt: skip
    return errors


def _value(field_id: str, value: Any) -> Any:
    return ordered(value, FILE_KEYS) if field_id == "file" else value
