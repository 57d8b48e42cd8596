"""A model file in the compact style pull writes, changed on the live side, is written anew instead of
edited through tomlkit (issue 16: 12 ms a file) only where the editor would write those very bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rtoml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.declared import write_models, writer
from reconcile.declared.as_written import edits_as_written
from reconcile.declared.editor import document_text, edit_text
from reconcile.declared.writer import content_type_doc, locales_doc
from reconcile.interning import Interner
from reconcile.model import ContentModel, ContentType, EditorInterface, Field, Locale
from reconcile.normalize import normalize

from .test_edit import _changed
from .test_write import _models, _read_all

SCHEMA = "#:schema ../schemas/content_type.json"
FIELD = {"id": "title", "name": "Title", "type": "Symbol"}
BASE: dict[str, Any] = {"format": 1, "id": "news", "name": "News", "fields": [FIELD, {**FIELD, "id": "body"}]}
SIZED: dict[str, Any] = {**BASE, "fields": [{**FIELD, "validations": [{"size": {"min": 1, "max": 10}}]}]}
LONG = [{"widgetId": f"widget-{n}", "widgetNamespace": "sidebar-builtin"} for n in range(4)]


def _editor_writes_the_new_file(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return all(edit_text(document_text(old, s), old, new) == document_text(new, s) for s in (None, SCHEMA))


@pytest.mark.parametrize(
    "new",
    [
        {**BASE, "name": "Articles", "description": "Now described"},
        {**BASE, "fields": [FIELD]},  # a field went
        {**BASE, "fields": [{**FIELD, "id": "body"}, FIELD]},  # moved
        {**BASE, "fields": [*BASE["fields"], {**FIELD, "id": "hero", "type": "Link", "link_type": "Asset"}]},
        {**BASE, "fields": [{**FIELD, "required": True, "validations": [{"size": {"max": 10}}]}, BASE["fields"][1]]},
        {**BASE, "fields": [{**FIELD, "editor": {"widget_id": "singleLine"}}, BASE["fields"][1]]},
        {**SIZED, "fields": [{**FIELD, "validations": [{"size": {"min": 2, "max": 20}}]}]},  # a limit changed
    ],
)
def test_the_changes_pull_meets_most_are_written_anew_as_the_editor_would(new: dict[str, Any]) -> None:
    assert edits_as_written(BASE, new)
    assert _editor_writes_the_new_file(BASE, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"format": 1, "locales": []}, {"format": 1, "locales": [{"code": "en-US", "name": "English"}]}),
        (BASE, {**{k: v for k, v in BASE.items() if k != "fields"}, "editor_interface": {"sidebar": []}}),
        ({**BASE, "editor_interface": {"sidebar": LONG[:1]}}, {**BASE, "editor_interface": {"sidebar": LONG}}),
        (
            {**BASE, "fields": [{**FIELD, "validations": [{"n": 1}]}]},
            {**BASE, "fields": [{**FIELD, "validations": [{"n": 1}, {"in": ["a" * 40]}, {"in": ["b" * 40]}]}]},
        ),
        (
            {**BASE, "fields": [{**FIELD, "default_value": {"": []}}]},
            {**BASE, "fields": [{**FIELD, "default_value": {"0": False, "": []}}]},
        ),
        (
            {**BASE, "fields": [FIELD]},
            {**BASE, "fields": [{**FIELD, "validations": [{"in": ["a" * 40]}, {"in": ["b" * 40]}]}]},
        ),
        (
            {**BASE, "editor_interface": {"sidebar": [{"": {}}, {"x": 1}]}},
            {**BASE, "editor_interface": {"sidebar": [{"a": 1, "": 2}]}},
        ),
        (
            {**BASE, "editor_interface": {"sidebar": [{"a": 1, "b": 2}]}},
            {**BASE, "name": "Articles", "editor_interface": {"sidebar": [{"b": 2, "a": 1}]}},
        ),
        (
            {**BASE, "fields": [{**FIELD, "default_value": {"k": [{"a": 1, "b": 2}]}}]},
            {**BASE, "fields": [{**FIELD, "default_value": {"k": [{"b": 3, "a": 1}]}}]},
        ),
        (
            {**SIZED, "name": "Articles"},
            {**BASE, "fields": [{**FIELD, "validations": [{"size": {"max": 10, "min": 1}}]}]},
        ),
    ],
    ids=[
        "empty-list-becomes-tables", "tables-go-and-come", "sidebar-grows-long", "validations-grow-long",
        "inline-table-gains-a-key-first", "a-new-array-too-long-for-a-line",
        "an-element-replaced-keeps-its-keys-order", "an-equal-element-keeps-its-keys-order",
        "a-table-in-an-array-in-a-table-keeps-its-keys-order", "an-equal-array-keeps-its-spelling",
    ],
)
def test_where_the_editor_lays_out_otherwise_it_edits(old: dict[str, Any], new: dict[str, Any]) -> None:
    assert not _editor_writes_the_new_file(old, new)  # why the fast path must not take these
    assert not edits_as_written(old, new)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_where_the_fast_path_is_taken_it_writes_the_editors_bytes(data: st.DataObject) -> None:
    before = data.draw(_models())
    after = data.draw(_changed(before))
    old, live = normalize(before), normalize(after)
    pairs = [
        (content_type_doc(old.content_types[ct_id], old.editor_interfaces[ct_id]),
         content_type_doc(ct, live.editor_interfaces[ct_id]))
        for ct_id, ct in live.content_types.items()
    ]
    pairs.append((locales_doc(old.locales), locales_doc(live.locales)))
    for was, now in pairs:
        if edits_as_written(was, now):
            assert _editor_writes_the_new_file(was, now)


def _model(*fields: Field, name: str = "News") -> ContentModel:
    return ContentModel(
        content_types={"news": ContentType(id="news", name=name, fields=fields)},
        editor_interfaces={"news": EditorInterface(content_type_id="news")},
        locales={"en-US": Locale(code="en-US", name="English", default=True)},
    )


TITLE = Field(id="title", name="Title", type="Symbol")
BODY = Field(id="body", name="Body", type="Text")


def test_a_compact_file_changed_live_is_written_without_tomlkit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_models(_model(TITLE, BODY), tmp_path)
    monkeypatch.setattr(writer, "edit_text", _refused)
    assert write_models(_model(TITLE.model_copy(update={"required": True}), name="Articles"), tmp_path) == [
        tmp_path / "content_types" / "news.toml"
    ]
    expected = document_text(content_type_doc(
        ContentType(id="news", name="Articles", fields=(TITLE.model_copy(update={"required": True}),)),
        EditorInterface(content_type_id="news"),
    ))
    assert (tmp_path / "content_types" / "news.toml").read_text() == expected


def test_a_file_with_a_humans_comment_is_still_edited_in_place(tmp_path: Path) -> None:
    write_models(_model(TITLE, BODY), tmp_path)
    path = tmp_path / "content_types" / "news.toml"
    path.write_text(path.read_text().replace('name = "Title"', 'name = "Title"  # shown in lists'))
    write_models(_model(TITLE, BODY, name="Articles"), tmp_path)
    assert 'name = "Title"  # shown in lists\n' in path.read_text()
    assert 'name = "Articles"\n' in path.read_text()


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_pull_writes_the_same_folder_with_and_without_the_fast_path(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    before = data.draw(_models())
    after = data.draw(_changed(before))
    results = []
    for fast in (True, False):
        models = tmp_path_factory.mktemp("models")
        write_models(before, models)
        with pytest.MonkeyPatch.context() as patch:
            if not fast:
                patch.setattr(writer, "edits_as_written", lambda old, new: False)
            written = write_models(after, models)
        results.append((written and [p.relative_to(models) for p in written], _read_all(models)))
    assert results[0] == results[1]


def _refused(*args: object, **kwargs: object) -> str:
    raise AssertionError("the file was edited through tomlkit")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_files_document_is_the_same_normalised_by_the_writers_run(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """The documents of existing files are normalised by one run per ``write_models`` (shared validations and
    settings): each the plain normalisation's, key order included."""
    models = tmp_path_factory.mktemp("models")
    write_models(data.draw(_models()), models)
    run = Interner()
    for path in sorted((models / "content_types").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        assert repr(writer._content_type_doc_of(rtoml.loads(text), run)) == repr(
            writer._content_type_doc_of(rtoml.loads(text)))


def test_the_files_a_pull_compares_are_not_normalised_one_model_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_models(_model(TITLE, BODY), tmp_path)
    monkeypatch.setattr(writer, "normalize", _refused)
    written = write_models(normalize(_model(TITLE.model_copy(update={"required": True}))), tmp_path, normalized=True)
    assert written == [tmp_path / "content_types" / "news.toml"]
