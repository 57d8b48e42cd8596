"""Assets written end to end (emulator/assets.py), each test one exchange of the tools that write them.

The flows are those of contentful-import (PUT with an id, ``processForLocale`` then ``GET`` until ``url``, publish),
of contentful-management.js (``asset.processForAllLocales``, publish, unpublish, archive without a version header,
unarchive, delete) and of the recorded PHP/Ruby exchanges cited in emulator/assets.py. Before, every write
answered 404 UnknownRoute.
"""

from __future__ import annotations

from typing import Any

import requests
from emu_support import SPACE, TOKEN, Http
from test_entry_rules import field, make_type, save

from reconcile.emulator import Emulator

Json = dict[str, Any]
UPLOAD = "https://pbs.twimg.com/profile_images/488880764323250177/CrqV-RjR_normal.jpeg"
IMAGE = {"en-US": {"fileName": "contentful.svg", "contentType": "image/svg+xml", "upload": UPLOAD}}


def create(http: Http, asset_id: str = "a", file: Json | None = None, **fields: Any) -> Json:
    body = {"fields": {"title": {"en-US": "An asset"}, "file": IMAGE if file is None else file, **fields}}
    response = http.request("PUT", f"/assets/{asset_id}", body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def process(http: Http, asset_id: str = "a", version: int | None = 1, code: str = "en-US") -> Json:
    response = http.request("PUT", f"/assets/{asset_id}/files/{code}/process", version=version)
    assert (response.status_code, response.content) == (204, b""), response.text
    return dict(http.request("GET", f"/assets/{asset_id}").json())


def error(response: Any) -> tuple[int, str, Any]:
    body = response.json()
    return response.status_code, body["sys"]["id"], body.get("details", body.get("message"))


def test_create_with_an_id_stores_the_file_upload_first(http: Http) -> None:
    body = create(http)
    assert list(body) == ["metadata", "sys", "fields"]
    assert body["metadata"] == {"tags": [], "concepts": []}
    sys = body["sys"]
    assert (sys["type"], sys["id"], sys["version"], sys["publishedCounter"]) == ("Asset", "a", 1, 0)
    assert sys["urn"] == f"crn:contentful:::content:spaces/{SPACE}/environments/master/assets/a"
    assert sys["fieldStatus"] == {"*": {"en-US": "draft"}}
    # [REC PHP e2e_asset_create_update_…]: upload, fileName, contentType
    assert list(body["fields"]["file"]["en-US"]) == ["upload", "fileName", "contentType"]


def test_post_creates_with_a_random_id_and_drops_empty_locale_maps(http: Http) -> None:
    # [REC PHP e2e_error_version_mismatch #0]
    response = http.request("POST", "/assets", {"fields": {"title": {}, "description": {}, "file": {}}})
    assert response.status_code == 201, response.text
    assert response.json()["fields"] == {}
    assert len(response.json()["sys"]["id"]) == 22


def test_put_onto_an_existing_id_needs_the_current_version(http: Http) -> None:
    create(http)
    body = {"fields": {"title": {"en-US": "Even better"}}}
    assert error(http.request("PUT", "/assets/a", body))[:2] == (409, "VersionMismatch")
    assert error(http.request("PUT", "/assets/a", body, version=23))[:2] == (409, "VersionMismatch")
    updated = http.request("PUT", "/assets/a", body, version=1)
    assert updated.status_code == 200 and updated.json()["sys"]["version"] == 2
    assert updated.json()["fields"] == {"title": {"en-US": "Even better"}}


def test_processing_replaces_upload_with_url_and_details_and_bumps_the_version(http: Http) -> None:
    create(http)
    asset = process(http)
    file = asset["fields"]["file"]["en-US"]
    assert asset["sys"]["version"] == 2
    assert list(file) == ["url", "details", "fileName", "contentType"]
    assert file["url"].startswith(f"//images.ctfassets.net/{SPACE}/a/") and file["url"].endswith("/contentful.svg")
    assert file["details"] == {"size": 1024, "image": {"width": 1024, "height": 768}}


def test_a_file_that_is_not_an_image_is_served_from_assets_without_image_details(http: Http) -> None:
    create(http, file={"en-US": {"fileName": "MIT.md", "contentType": "text/markdown", "upload": "https://x/MIT.md"}})
    file = process(http)["fields"]["file"]["en-US"]
    assert file["url"].startswith(f"//assets.ctfassets.net/{SPACE}/a/")
    assert file["details"] == {"size": 1024}


def test_processing_needs_a_version_a_file_and_an_upload(http: Http) -> None:
    create(http, file={"en-US": {"fileName": "f.png", "contentType": "image/png"}})
    assert error(http.request("PUT", "/assets/a/files/en-US/process"))[:2] == (409, "VersionMismatch")
    assert error(http.request("PUT", "/assets/a/files/de-DE/process", version=1)) == (
        422, "ValidationFailed",
        {"errors": [{"name": "required", "path": ["fields", "file", "de-DE"],
                     "details": "No file specified for locale: de-DE"}]},
    )  # fmt: skip
    status, error_id, details = error(http.request("PUT", "/assets/a/files/en-US/process", version=1))
    assert (status, error_id) == (422, "ValidationFailed")
    assert [item["path"][-1] for item in details["errors"]] == ["upload", "uploadFrom"]


def test_publishing_an_unprocessed_file_is_refused(http: Http) -> None:
    create(http)
    assert error(http.request("PUT", "/assets/a/published", version=1)) == (
        422, "ValidationFailed",
        {"errors": [{"name": "required", "path": ["fields", "file", "en-US", "url"],
                     "details": 'The property "url" is required here'}]},
    )  # fmt: skip


def test_the_recorded_lifecycle_update_archive_unarchive_publish_unpublish_delete(http: Http) -> None:
    """[REC PHP e2e_asset_create_update_process_publish_unpublish_archive_unarchive_delete], version by version."""
    create(http)
    processed = process(http)
    fields = {**processed["fields"], "title": {"en-US": "Even better asset"}}
    assert http.request("PUT", "/assets/a", {"fields": fields}, version=2).json()["sys"]["version"] == 3
    archived = http.request("PUT", "/assets/a/archived", version=3).json()["sys"]
    assert (archived["version"], archived["archivedVersion"]) == (4, 3)
    assert error(http.request("PUT", "/assets/a/published", version=4))[0] == 400  # archived
    unarchived = http.request("DELETE", "/assets/a/archived", version=4).json()["sys"]
    assert unarchived["version"] == 5 and "archivedVersion" not in unarchived
    published = http.request("PUT", "/assets/a/published", version=5).json()["sys"]
    assert (published["version"], published["publishedVersion"], published["publishedCounter"]) == (6, 5, 1)
    assert published["fieldStatus"] == {"*": {"en-US": "published"}}
    assert error(http.request("DELETE", "/assets/a")) == (400, "BadRequest", "Cannot delete published")
    archiving = http.request("PUT", "/assets/a/archived", version=6)
    assert error(archiving) == (400, "BadRequest", "Cannot archive published")
    unpublished = http.request("DELETE", "/assets/a/published", version=6).json()["sys"]
    assert unpublished["version"] == 7 and "publishedVersion" not in unpublished
    assert (unpublished["publishedCounter"], unpublished["firstPublishedAt"]) == (1, published["firstPublishedAt"])
    assert error(http.request("DELETE", "/assets/a/published", version=7)) == (400, "BadRequest", "Not published")
    assert error(http.request("DELETE", "/assets/a/archived", version=7)) == (400, "BadRequest", "Not archived")
    assert http.request("DELETE", "/assets/a").status_code == 204
    assert error(http.request("GET", "/assets/a"))[:2] == (404, "NotFound")


def test_the_js_sdk_archives_and_unarchives_without_a_version_header(http: Http) -> None:
    create(http)
    assert http.request("PUT", "/assets/a/archived").json()["sys"]["archivedVersion"] == 1
    assert http.request("DELETE", "/assets/a/archived").json()["sys"]["version"] == 3


def test_unknown_fields_locales_and_wrong_types_are_refused_at_save(http: Http) -> None:
    body = {"fields": {"name": {"en-US": "x"}, "title": {"pl": "x", "en-US": 3}, "file": {"en-US": "f.png"}}}
    status, error_id, details = error(http.request("PUT", "/assets/a", body))
    assert (status, error_id) == (422, "ValidationFailed")
    assert [(item["name"], item["path"]) for item in details["errors"]] == [
        ("unknown", ["fields", "name"]), ("unknown", ["fields", "title", "pl"]),
        ("type", ["fields", "title", "en-US"]), ("type", ["fields", "file", "en-US"]),
    ]  # fmt: skip
    assert error(http.request("GET", "/assets/a"))[0] == 404


def test_metadata_tags_must_exist(http: Http) -> None:
    body = {"fields": {}, "metadata": {"tags": [{"sys": {"type": "Link", "linkType": "Tag", "id": "nope"}}]}}
    assert error(http.request("PUT", "/assets/a", body))[0] == 422
    assert http.request("PUT", "/tags/icon", {"name": "icon", "sys": {"id": "icon"}}).status_code == 201
    body["metadata"]["tags"][0]["sys"]["id"] = "icon"
    created = http.request("PUT", "/assets/a", body)
    assert created.status_code == 201 and created.json()["metadata"]["tags"][0]["sys"]["id"] == "icon"
    assert http.request("GET", "/assets", params={"metadata.tags.sys.id[in]": "icon"}).json()["total"] == 1
    assert error(http.request("DELETE", "/tags/icon"))[0] == 422  # still referenced by the asset


def test_the_collection_pages_orders_and_filters_as_the_tools_ask(http: Http) -> None:
    for asset_id in ("c", "b", "a"):
        create(http, asset_id)
    http.request("PUT", "/assets/b/archived")
    ordered = http.request("GET", "/assets", params={"order": "sys.id", "skip": "1", "limit": "1"}).json()
    assert (ordered["total"], ordered["skip"], ordered["limit"], [i["sys"]["id"] for i in ordered["items"]]) == (
        3,
        1,
        1,
        ["b"],
    )
    by_ids = http.request("GET", "/assets", params={"sys.id[in]": "a,c", "order": "-sys.id"}).json()
    assert [i["sys"]["id"] for i in by_ids["items"]] == ["c", "a"]
    live = http.request("GET", "/assets", params={"sys.archivedAt[exists]": "false", "order": "sys.id"}).json()
    assert [i["sys"]["id"] for i in live["items"]] == ["a", "c"]
    assert error(http.request("GET", "/assets", params={"fields.title": "x"}))[:2] == (400, "InvalidQuery")


def test_a_clone_copies_the_assets(http: Http, emu: Emulator) -> None:
    create(http)
    process(http)
    cloned = http.request("PUT", f"/spaces/{SPACE}/environments/staging", {"name": "staging"})
    assert cloned.status_code == 201
    staging = Http(emu.base_url, env="staging")
    asset = staging.request("GET", "/assets/a").json()
    assert asset["sys"]["environment"]["sys"]["id"] == "staging"
    assert asset["fields"]["file"]["en-US"]["url"].startswith("//images.ctfassets.net/")


def test_importing_a_file_this_emulator_serves_keeps_its_details(http: Http, emu: Emulator) -> None:
    """contentful-import turns an exported ``//images…`` url into ``https://images…`` and uploads from it."""
    create(http, "src")
    served = process(http, "src")["fields"]["file"]["en-US"]
    stored = emu.store.state["spaces"][SPACE]["environments"]["master"]["assets"]["src"]
    stored["fields"]["file"]["en-US"]["details"] = {"size": 1807, "image": {"width": 48, "height": 48}}  # as exported
    again = {"en-US": {"fileName": "c.svg", "contentType": "image/svg+xml", "upload": "https:" + served["url"]}}
    create(http, "copy", file=again)
    details = process(http, "copy")["fields"]["file"]["en-US"]["details"]
    assert details == {"size": 1807, "image": {"width": 48, "height": 48}}


def test_an_entry_linking_a_missing_asset_is_unresolved_until_the_asset_exists(http: Http) -> None:
    make_type(http, field("image", "Link", linkType="Asset"))
    link = {"sys": {"type": "Link", "linkType": "Asset", "id": "a"}}
    save(http, "e", {"image": {"en-US": link}})
    refused = http.request("PUT", "/entries/e/published", version=1)
    assert error(refused) == (422, "UnresolvedLinks", {"errors": [
        {"name": "notResolvable", "link": {"type": "Link", "linkType": "Asset", "id": "a"},
         "path": ["fields", "image", "en-US"]}]})  # fmt: skip
    create(http)
    assert http.request("PUT", "/entries/e/published", version=1).status_code == 200


def test_asset_file_size_and_image_dimensions_are_checked_at_entry_publish(http: Http) -> None:
    dimensions = {"width": {"min": 1199, "max": None}, "height": {"min": None, "max": None}}  # [REC M18 #38]
    validations = [{"assetImageDimensions": dimensions}, {"assetFileSize": {"max": 1000}}]
    make_type(http, field("image", "Link", linkType="Asset", validations=validations))
    create(http)
    process(http)
    save(http, "e", {"image": {"en-US": {"sys": {"type": "Link", "linkType": "Asset", "id": "a"}}}})
    status, error_id, details = error(http.request("PUT", "/entries/e/published", version=1))
    assert (status, error_id) == (422, "ValidationFailed")
    assert [item["name"] for item in details["errors"]] == ["assetImageDimensions", "assetFileSize"]
    assert details["errors"][1]["max"] == 1000


def test_assets_survive_a_restart_with_data(tmp_path: Any) -> None:
    with Emulator(data_dir=tmp_path) as emu:
        http = Http(emu.base_url)
        create(http)
        process(http)
        assert http.request("PUT", "/assets/a/published", version=2).status_code == 200
    with Emulator(data_dir=tmp_path) as emu:
        asset = Http(emu.base_url).request("GET", "/assets/a").json()
        assert (asset["sys"]["publishedVersion"], asset["fields"]["file"]["en-US"]["details"]["size"]) == (2, 1024)


def test_mimetype_group_keeps_the_assets_with_a_file_of_that_group(http: Http) -> None:
    """The JS SDK's own read test lists ``getAssets({mimetype_group: 'image'})``."""
    create(http, "img")
    create(
        http, "doc", file={"en-US": {"fileName": "a.pdf", "contentType": "application/pdf", "upload": "https://x/a"}}
    )
    images = http.request("GET", "/assets", params={"mimetype_group": "image"}).json()
    assert [item["sys"]["id"] for item in images["items"]] == ["img"]


def test_every_locale_is_processed_with_the_version_read_before_processing(http: Http) -> None:
    """contentful-management.js ``processForAllLocales`` and contentful-import send one process request per locale,
    all with the version they read first; Contentful processes in the background. Before: 409 on the second."""
    assert http.request("POST", "/locales", {"name": "German", "code": "de-DE"}).status_code == 201
    create(http, file={code: IMAGE["en-US"] for code in ("en-US", "de-DE")})
    process(http, code="en-US")
    asset = process(http, code="de-DE")
    assert asset["sys"]["version"] == 3
    assert all("url" in file for file in asset["fields"]["file"].values())
    assert error(http.request("PUT", "/assets/a/files/de-DE/process", version=0))[:2] == (409, "VersionMismatch")
    assert http.request("PUT", "/assets/a/published", version=3).status_code == 200
    assert error(http.request("PUT", "/assets/a/files/de-DE/process", version=3))[:2] == (409, "VersionMismatch")


def test_the_python_sdk_asset_flow(client: Any) -> None:
    """contentful-management.py: ``create``, ``process`` (one request per locale, then ``reload``), ``publish``,
    ``unpublish``, ``archive``, ``unarchive``, ``delete`` over real HTTP."""
    assets = client.assets(SPACE, "master")
    asset = assets.create("sdk", {"fields": {"title": {"en-US": "An asset"}, "file": IMAGE}})
    asset.process()
    assert asset.url().startswith(f"//images.ctfassets.net/{SPACE}/sdk/") and asset.sys["version"] == 2
    asset.publish()
    assert asset.is_published and asset.sys["published_version"] == 2
    asset.unpublish()
    asset.archive()
    assert asset.is_archived
    asset.unarchive()
    assets.delete("sdk")
    assert [a.id for a in assets.all()] == []


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="157" height="32" viewBox="0 0 157 32"><path d="M9"/></svg>'
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x04\xb0\x00\x00\x03\x20" + b"\x00" * 40


def upload(http: Http, data: bytes, path: str = "/uploads") -> str:
    url = http.base_url + (path if path.startswith("/spaces") else http.env_path + path)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/octet-stream"}
    created = requests.post(url, data=data, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    assert created.json()["sys"]["type"] == "Upload"
    return str(created.json()["sys"]["id"])


def test_a_file_from_an_upload_is_measured_from_its_bytes(http: Http) -> None:
    """[REC PHP e2e_asset_upload]: a 3,047-byte SVG of width 157 and height 32 -> those details. The JS SDK's
    ``createAssetFromFiles`` posts to ``hostUpload``; before, 404 UnknownRoute."""
    for data, content_type, image in ((SVG, "image/svg+xml", {"width": 157, "height": 32}),
                                      (PNG, "image/png", {"width": 1200, "height": 800})):  # fmt: skip
        upload_id = upload(http, data, f"/spaces/{SPACE}/uploads")
        link = {"sys": {"type": "Link", "linkType": "Upload", "id": upload_id}}
        create(http, upload_id, file={"en-US": {"fileName": "f", "contentType": content_type, "uploadFrom": link}})
        file = process(http, upload_id)["fields"]["file"]["en-US"]
        assert file["details"] == {"size": len(data), "image": image}
        assert "uploadFrom" not in file
    upload_id = upload(http, SVG)  # the environment's path reaches the same uploads
    assert http.request("GET", f"/spaces/{SPACE}/uploads/{upload_id}").json()["sys"]["id"] == upload_id
    assert http.request("DELETE", f"/uploads/{upload_id}").status_code == 204
    assert error(http.request("GET", f"/uploads/{upload_id}"))[:2] == (404, "NotFound")


def test_a_url_set_by_hand_on_another_host_is_refused_at_publish(http: Http) -> None:
    """contentful-management.py#69: a file created with ``url`` (not processed) -> 422 ``hasHostname``."""
    url = "https://cdn.shopify.com/s/files/products/P1010793_1000x.jpg"
    create(http, file={"en-US": {"fileName": "products.jpg", "contentType": "image/jpg", "url": url}})
    assert error(http.request("PUT", "/assets/a/published", version=1)) == (
        422, "ValidationFailed", {"errors": [{"name": "hasHostname", "path": ["fields", "file", "en-US", "url"],
                                              "value": url}]},
    )  # fmt: skip
    hosted = {
        "fileName": "a.jpg",
        "contentType": "image/jpeg",
        "url": "https://images.secure.ctfassets.net/s/a/h/a.jpg",
    }
    create(http, "b", file={"en-US": hosted})
    assert http.request("PUT", "/assets/b/published", version=1).status_code == 200
