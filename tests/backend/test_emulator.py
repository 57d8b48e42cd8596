"""Every Backend operation with the real SDK over real HTTP against the emulator on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from reconcile.backend import Backend, SpaceEnvironments, content_type_to_api, editor_interface_to_api
from reconcile.emulator import Emulator, Fault
from reconcile.errors import ApiError, ReconcileError
from reconcile.model import ContentType, Control, EditorInterface, Field, Items, Locale

TOKEN = "local-token"
ENV_PREFIX = "/spaces/local/environments/master"

ARTICLE = ContentType(
    id="article",
    name="Article",
    description=" keeps a leading space",
    display_field="title",
    fields=(
        Field(
            id="title",
            name="Title",
            type="Symbol",
            localized=True,
            required=True,
            validations=({"size": {"min": 1, "max": 80}, "message": None}, {"unique": True}),
            default_value={"en-US": "Untitled"},
        ),
        Field(id="body", name="Body", type="RichText", validations=({"enabledMarks": ["bold", "italic"]},)),
        Field(
            id="tags",
            name="Tags",
            type="Array",
            items=Items(type="Symbol", validations=({"in": ["news", "blog"]},)),
            default_value={"en-US": ["news"]},
        ),
        Field(
            id="author",
            name="Author",
            type="Link",
            link_type="Entry",
            validations=({"linkContentType": ["person"]},),
        ),
        Field(
            id="related",
            name="Related",
            type="Array",
            items=Items(type="Link", link_type="Entry", validations=({"linkContentType": ["article"]},)),
        ),
        Field(
            id="external",
            name="External",
            type="ResourceLink",
            allowed_resources=(
                {
                    "type": "Contentful:Entry",
                    "source": "crn:contentful:::content:spaces/other",
                    "contentTypes": ["page"],
                },
            ),
        ),
        Field(
            id="externals",
            name="Externals",
            type="Array",
            items=Items(type="ResourceLink"),
            allowed_resources=({"type": "Shop:Product"},),
        ),
        Field(id="legacy", name="Legacy", type="Integer", disabled=True, omitted=True,
              annotations=({"id": "Contentful:GraphQLFieldResolver", "parameters": {"appFunctionId": "f"}},)),
    ),
    annotations=({"id": "Contentful:AggregateRoot"},),
    taxonomy=({"concept": "topic", "required": True},),
)

ARTICLE_EDITOR = EditorInterface(
    content_type_id="article",
    controls=(
        Control(field_id="title", widget_id="singleLine", widget_namespace="builtin", settings={"helpText": "Hi"}),
        Control(field_id="body", widget_id="richTextEditor", widget_namespace="builtin"),
        Control(field_id="tags"),
    ),
    sidebar=({"widgetId": "publication-widget", "widgetNamespace": "sidebar-builtin", "settings": {}},),
    editors=({"widgetId": "default-editor", "widgetNamespace": "editor-builtin", "disabled": False},),
    editor_layout=(
        {"groupId": "content", "name": "Content", "items": [{"fieldId": "title"}, {"fieldId": "body"}]},
        {"groupId": "meta", "name": "Meta", "items": [{"fieldId": "tags"}]},
    ),
    group_controls=(
        {"groupId": "content", "widgetId": "topLevelTab", "widgetNamespace": "builtin"},
        {"groupId": "meta", "widgetId": "topLevelTab", "widgetNamespace": "builtin", "settings": {"x": 1}},
    ),
    unmanaged={"editor": {"widgetId": "legacy-editor", "widgetNamespace": "extension"}},
)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(token=TOKEN) as emulator:
        yield emulator


def backend_for(emu: Emulator, **kwargs: object) -> Backend:
    options: dict[str, object] = {"token": TOKEN, "space_id": "local", "environment_id": "master"}
    options.update(kwargs)
    return Backend(base_url=emu.base_url, **options)  # type: ignore[arg-type]


def publish_new(backend: Backend, ct: ContentType) -> dict[str, object]:
    created = backend.put_content_type(ct, None)
    return backend.publish_content_type(ct.id, created["sys"]["version"])


def test_read_raw_of_a_fresh_environment_costs_four_requests(emu: Emulator) -> None:
    backend = backend_for(emu)

    live = backend.read_live()

    assert backend.request_count == 4
    assert [(r.method, r.path) for r in emu.request_log] == [
        ("GET", f"{ENV_PREFIX}/content_types"),
        ("GET", f"{ENV_PREFIX}/editor_interfaces"),
        ("GET", f"{ENV_PREFIX}/locales"),
        ("GET", f"{ENV_PREFIX}/tags"),
    ]
    assert live.model.tags == {}
    for paged in (emu.request_log[0], emu.request_log[2], emu.request_log[3]):
        assert paged.query == {"skip": "0", "limit": "1000", "order": "sys.createdAt,sys.id"}
    assert emu.request_log[1].query == {}
    assert live.model.content_types == {} and live.model.editor_interfaces == {}
    assert live.model.locales["en-US"] == Locale(code="en-US", name="English (United States)", default=True)
    meta = live.meta_for("locale", "en-US")
    assert meta is not None and meta.version >= 1 and meta.sys_id


def test_content_type_and_editor_interface_round_trip_keeps_every_property(emu: Emulator) -> None:
    backend = backend_for(emu)
    published = publish_new(backend, ARTICLE)
    assert (published["sys"]["version"], published["sys"]["publishedVersion"]) == (2, 1)
    put_request = emu.request_log[0]
    assert put_request.method == "PUT" and put_request.body == content_type_to_api(ARTICLE)
    assert "X-Contentful-Version" not in put_request.headers

    ei_version = backend.read_live().meta_for("editor_interface", "article")
    assert ei_version is not None
    written = backend.put_editor_interface(ARTICLE_EDITOR, ei_version.version)
    assert written["sys"]["version"] == ei_version.version + 1
    assert emu.request_log[-1].body == editor_interface_to_api(ARTICLE_EDITOR)
    assert emu.request_log[-1].headers["X-Contentful-Version"] == str(ei_version.version)

    live = backend.read_live()

    assert live.model.content_types["article"] == ARTICLE
    assert live.model.editor_interfaces["article"] == ARTICLE_EDITOR
    ct_meta = live.meta_for("content_type", "article")
    assert ct_meta is not None
    assert (ct_meta.sys_id, ct_meta.version, ct_meta.published_version) == ("article", 2, 1)
    assert ct_meta.updated_at and ct_meta.updated_by


def test_content_type_lifecycle_versions_rename_and_delete(emu: Emulator) -> None:
    backend = backend_for(emu)
    ct = ContentType(id="dog", name="Dog", fields=(Field(id="name", name="Name", type="Symbol"),))
    publish_new(backend, ct)

    renamed = ct.model_copy(update={"fields": (Field(id="title", name="Name", type="Symbol", renamed_from="name"),)})
    updated = backend.put_content_type(renamed, 2)
    sent_field = emu.request_log[-1].body["fields"][0]
    assert (sent_field["id"], sent_field["newId"]) == ("name", "title")
    assert [f["id"] for f in updated["fields"]] == ["title"]
    assert (updated["sys"]["version"], updated["sys"]["publishedVersion"]) == (3, 1)
    published = backend.publish_content_type("dog", 3)
    unpublished = backend.unpublish_content_type("dog", published["sys"]["version"])
    assert "publishedVersion" not in unpublished["sys"]

    backend.delete_content_type("dog")

    assert "dog" not in backend.read_live().model.content_types


def test_locales_create_update_delete(emu: Emulator) -> None:
    backend = backend_for(emu)
    german = Locale(code="de-DE", name="German", fallback_code="en-US", optional=True)
    created = backend.create_locale(german)
    assert emu.request_log[-1].method == "POST"
    assert "default" not in emu.request_log[-1].body

    swiss = german.model_copy(update={"name": "German (Swiss)", "fallback_code": None})
    backend.update_locale(created["sys"]["id"], swiss, created["sys"]["version"])
    assert emu.request_log[-1].body["fallbackCode"] is None
    assert backend.read_live().model.locales["de-DE"] == swiss

    backend.delete_locale(created["sys"]["id"])
    assert set(backend.read_live().model.locales) == {"en-US"}


def test_entries_count_fetch_and_lifecycle(emu: Emulator) -> None:
    backend = backend_for(emu)
    ct = ContentType(id="note", name="Note", fields=(Field(id="text", name="Text", type="Symbol"),))
    backend.put_content_type(ct, None)
    assert backend.count_entries("note") == 0  # never published: 400 unknownContentType means no entries
    assert backend.fetch_entries("note") == []
    backend.publish_content_type("note", 1)

    for index in range(101):
        backend.put_entry(f"note{index}", "note", {"text": {"en-US": f"n{index}"}}, None)
    create = emu.request_log[-1]
    assert create.headers["X-Contentful-Content-Type"] == "note" and "X-Contentful-Version" not in create.headers

    before = backend.request_count
    assert backend.count_entries("note") == 101
    assert backend.request_count == before + 1
    assert emu.request_log[-1].query == {"content_type": "note", "limit": "1", "select": "sys"}

    before = backend.request_count
    entries = backend.fetch_entries("note")
    assert sorted(e.fields["text"]["en-US"] for e in entries) == sorted(f"n{i}" for i in range(101))
    assert backend.request_count == before + 1  # pages of 1000 entries
    assert (emu.request_log[-1].query["skip"], emu.request_log[-1].query["limit"]) == ("0", "1000")
    assert len(backend.fetch_entries()) == 101

    updated = backend.put_entry("note0", "note", {"text": {"en-US": "changed"}}, 1)
    published = backend.publish_entry("note0", updated.version)
    unpublished = backend.unpublish_entry("note0", published.version)
    assert unpublished.published_version is None
    backend.delete_entry("note0")
    assert backend.count_entries("note") == 100


def test_clone_wait_read_and_delete_environment(emu: Emulator) -> None:
    backend = backend_for(emu)
    publish_new(backend, ARTICLE)
    space = SpaceEnvironments(backend)
    cloned = space.clone_environment("feature", "master")
    assert cloned["sys"]["status"]["sys"]["id"] == "queued"
    assert emu.request_log[-1].headers["X-Contentful-Source-Environment"] == "master"

    ready = space.wait_until_ready("feature", timeout=10)
    assert ready["sys"]["status"]["sys"]["id"] == "ready"
    feature = backend.for_environment("feature")
    assert feature.read_live().model.content_types["article"] == ARTICLE
    assert feature.request_count == 4  # content types, editor interfaces, locales, tags

    space.delete_environment("feature")
    with pytest.raises(ApiError) as error:
        feature.read_raw()
    assert error.value.status == 404


def test_wait_until_ready_times_out() -> None:
    with Emulator(token=TOKEN, env_ready_delay=30) as slow:
        space = SpaceEnvironments(backend_for(slow))
        space.clone_environment("slow", "master")
        started = time.monotonic()
        with pytest.raises(ReconcileError, match=r"not ready after 0\.5s"):
            space.wait_until_ready("slow", timeout=0.5)
        assert time.monotonic() - started < 3


# ------------------------------------------------------------------------------------------------ errors


def test_wrong_token_is_a_401_without_the_token() -> None:
    sentinel = "SENTINEL-TOKEN-5e1f"
    with Emulator(token=TOKEN) as emu:
        backend = backend_for(emu, token=sentinel)
        with pytest.raises(ApiError) as error:
            backend.read_raw()
    assert (error.value.status, error.value.error_id) == (401, "AccessTokenInvalid")
    assert "access token you sent could not be found" in str(error.value)
    assert str(error.value).startswith("list content types of environment 'master' failed: HTTP 401")
    for text in (str(error.value), repr(error.value), repr(backend), repr(error.value.details)):
        assert sentinel not in text


def test_not_found_conflict_and_validation_errors_are_clear(emu: Emulator) -> None:
    backend = backend_for(emu)
    with pytest.raises(ApiError) as missing:
        backend.publish_content_type("ghost", 1)
    assert (missing.value.status, missing.value.error_id) == (404, "NotFound")
    assert "publish content type 'ghost' failed" in str(missing.value)
    assert "could not be found" in missing.value.api_message

    publish_new(backend, ARTICLE)
    with pytest.raises(ApiError) as conflict:
        backend.put_content_type(ARTICLE, 1)
    assert conflict.value.is_version_conflict and conflict.value.error_id == "VersionMismatch"
    assert "version mismatch" in conflict.value.api_message.lower()

    with pytest.raises(ApiError) as invalid:
        backend.create_locale(Locale(code="en-US", name="Duplicate"))
    assert (invalid.value.status, invalid.value.error_id) == (422, "ValidationFailed")
    assert "taken at code" in invalid.value.api_message and '"en-US"' in invalid.value.api_message


def test_server_errors_and_dropped_connections(emu: Emulator) -> None:
    # A short timeout: a dropped connection may surface as a reset or as silence until the timeout.
    backend = backend_for(emu, timeout=2.0)
    # A read meeting a transient failure is retried (twice): one 503 or one dropped connection is absorbed...
    emu.faults.add(Fault(action="503", method="GET", path=r"/locales$"))
    emu.faults.add(Fault(action="drop", method="GET", path=r"/content_types$"))
    emu.clear_log()
    backend.read_raw()
    assert [r.status for r in emu.request_log if r.path.endswith("/locales")] == [503, 200]
    emu.faults.clear()

    # ...but a persistent one becomes an ApiError naming the operation.
    emu.faults.add(Fault(action="503", method="GET", path=r"/locales$", times=3))
    with pytest.raises(ApiError) as unavailable:
        backend.read_raw()
    assert unavailable.value.status == 503 and unavailable.value.api_message
    assert not unavailable.value.outcome_unknown  # the server answered: the request is over
    emu.faults.clear()

    emu.faults.add(Fault(action="drop", method="GET", path=r"/content_types$", times=3))
    with pytest.raises(ApiError) as dropped:
        backend.read_raw()
    assert dropped.value.status is None
    assert "list content types of environment 'master' failed: network error" in str(dropped.value)


def test_writes_are_never_retried(emu: Emulator) -> None:
    backend = backend_for(emu)
    emu.faults.add(Fault(action="503", method="POST", path=r"/locales$"))
    emu.clear_log()
    with pytest.raises(ApiError) as failed:
        backend.create_locale(Locale(code="fr-FR", name="French"))
    assert failed.value.status == 503
    assert [r.method for r in emu.request_log] == ["POST"]


# ------------------------------------------------------------------------------------------ rate limits


@pytest.mark.slow
def test_a_429_waits_the_announced_reset_and_retries(emu: Emulator) -> None:
    emu.set_rate_limit(4)
    backend = backend_for(emu)

    for _ in range(4):
        backend.read_raw()  # 16 requests against 4 per second: the server refuses some

    log = emu.request_log
    refused = [i for i, r in enumerate(log) if r.status == 429]
    assert refused, "the scenario must hit the limit"
    assert all(r.status == 200 for r in log if r.status != 429)
    assert backend.request_count == len(log) == 16 + len(refused)
    for i in refused:
        reset = 1  # the emulator's X-Contentful-RateLimit-Reset on a 429
        assert log[i + 1].status == 200, "a retry after waiting the reset must not be refused again"
        assert log[i + 1].time - log[i].time >= reset - 0.05


@pytest.mark.slow
def test_client_side_limit_avoids_429s_across_threads(emu: Emulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    emu.set_rate_limit(5)
    backend = backend_for(emu, max_requests_per_second=4)
    started = time.monotonic()

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(lambda _: backend.count_entries("none"), range(9)))

    assert counts == [0] * 9
    assert [r.status for r in emu.request_log].count(429) == 0
    assert backend.request_count == 9
    assert time.monotonic() - started >= 8 / 4 - 0.05
