"""Writing model files for `pull`: exact round trip, byte-identical rewrites, stable layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.declared import load_models, write_models
from reconcile.errors import ReconcileError
from reconcile.model import (
    FIELD_TYPES,
    ITEMS_TYPES,
    LINK_TYPES,
    ContentModel,
    ContentType,
    Control,
    EditorInterface,
    Field,
    Items,
    Locale,
)
from reconcile.normalize import normalize

from .support import EXAMPLES


def _read_all(models: Path) -> dict[str, bytes]:
    return {str(p.relative_to(models)): p.read_bytes() for p in sorted(models.rglob("*.toml"))}


def test_examples_round_trip_exactly(tmp_path: Path) -> None:
    model = load_models(EXAMPLES).model
    write_models(model, tmp_path / "out")
    assert normalize(load_models(tmp_path / "out").model) == normalize(model)


def test_writing_twice_is_byte_identical(tmp_path: Path) -> None:
    model = load_models(EXAMPLES).model
    write_models(model, tmp_path / "one")
    first = _read_all(tmp_path / "one")
    write_models(load_models(tmp_path / "one").model, tmp_path / "one")
    write_models(model, tmp_path / "two")
    assert _read_all(tmp_path / "one") == first == _read_all(tmp_path / "two")


def test_layout_is_readable_and_only_non_defaults_are_written(tmp_path: Path) -> None:
    ct = ContentType(
        id="news",
        name="News",
        display_field="title",
        fields=(
            Field(id="title", name="Title", type="Symbol", required=True, validations=({"size": {"max": 9}},)),
            Field(id="tags", name="Tags", type="Array", items=Items(type="Symbol")),
        ),
    )
    ei = EditorInterface(
        content_type_id="news",
        controls=(Control(field_id="title", widget_id="singleLine"), Control(field_id="tags")),
        sidebar=(),
    )
    locale = Locale(code="en-US", name="English", default=True)
    model = ContentModel(content_types={"news": ct}, editor_interfaces={"news": ei}, locales={"en-US": locale})
    written = write_models(model, tmp_path)
    assert written == [tmp_path / "content_types" / "news.toml", tmp_path / "locales.toml"]
    assert written[0].read_text() == (
        'format = 1\nid = "news"\nname = "News"\ndisplay_field = "title"\n\n'
        '[[fields]]\nid = "title"\nname = "Title"\ntype = "Symbol"\nrequired = true\n'
        "validations = [{ size = { max = 9 } }]\n"
        'editor = { widget_id = "singleLine" }\n\n'
        '[[fields]]\nid = "tags"\nname = "Tags"\ntype = "Array"\n'
        'items = { type = "Symbol" }\n\n'
        "[editor_interface]\nsidebar = []\n"
    )
    assert written[1].read_text() == 'format = 1\n\n[[locales]]\ncode = "en-US"\nname = "English"\ndefault = true\n'



def test_only_writes_one_file_and_keeps_the_others(tmp_path: Path) -> None:
    model = load_models(EXAMPLES).model
    write_models(model, tmp_path)
    (tmp_path / "content_types" / "author.toml").write_text("edited")
    smaller = model.model_copy(update={"content_types": {"page": model.content_types["page"]}})
    assert write_models(smaller, tmp_path, only="page") == []  # page.toml declares the page already
    renamed = {"page": model.content_types["page"].model_copy(update={"name": "Web page"})}
    assert write_models(model.model_copy(update={"content_types": renamed}), tmp_path, only="page") == [
        tmp_path / "content_types" / "page.toml"
    ]
    assert (tmp_path / "content_types" / "author.toml").read_text() == "edited"
    with pytest.raises(ReconcileError, match="'nope' is not in the model"):
        write_models(model, tmp_path, only="nope")


def test_an_empty_model_file_is_written_anew(tmp_path: Path) -> None:
    """Model files are written without an fsync each: after a power loss a file a pull created may be
    empty. An empty file declares nothing, so the next pull writes it as it writes a missing one."""
    model = load_models(EXAMPLES).model
    write_models(model, tmp_path / "one")
    write_models(model, tmp_path / "two")
    (tmp_path / "two" / "content_types" / "author.toml").write_bytes(b"")
    (tmp_path / "two" / "locales.toml").write_bytes(b"")
    written = write_models(model, tmp_path / "two")
    assert written == [tmp_path / "two" / "content_types" / "author.toml", tmp_path / "two" / "locales.toml"]
    assert _read_all(tmp_path / "two") == _read_all(tmp_path / "one")


def test_full_write_removes_files_of_content_types_no_longer_present(tmp_path: Path) -> None:
    model = load_models(EXAMPLES).model
    write_models(model, tmp_path)
    rest = {k: v for k, v in model.content_types.items() if k != "testimonial"}
    write_models(model.model_copy(update={"content_types": rest}), tmp_path)
    assert not (tmp_path / "content_types" / "testimonial.toml").exists()
    assert (tmp_path / "content_types" / "project.toml").exists()


def test_a_directory_named_like_a_model_file_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "content_types" / "stray.toml").mkdir(parents=True)
    write_models(load_models(EXAMPLES).model, tmp_path)
    assert (tmp_path / "content_types" / "stray.toml").is_dir()


@pytest.mark.parametrize("ct_id", ["../evil", ".", "a/b", "", "x" * 65])
def test_ids_unsafe_as_file_names_are_refused(tmp_path: Path, ct_id: str) -> None:
    model = ContentModel(content_types={ct_id: ContentType(id=ct_id, name="x")})
    with pytest.raises(ReconcileError, match="cannot be written as a file name"):
        write_models(model, tmp_path / "m")
    assert not (tmp_path / "evil.toml").exists() and not (tmp_path / "m" / "content_types").exists()


def test_hidden_id_round_trips(tmp_path: Path) -> None:
    model = ContentModel(content_types={".x": ContentType(id=".x", name="x")})
    write_models(model, tmp_path)
    assert load_models(tmp_path).model.content_types == model.content_types


def test_null_members_of_opaque_json_are_left_out(tmp_path: Path) -> None:
    field = Field(id="t", name="T", type="Symbol", validations=({"regexp": {"pattern": "x", "flags": None}},))
    model = ContentModel(content_types={"a": ContentType(id="a", name="A", fields=(field,))})
    write_models(model, tmp_path)
    loaded = load_models(tmp_path).model
    assert loaded.content_types["a"].fields[0].validations == ({"regexp": {"pattern": "x"}},)


# ---- property: load(write(M)) == M for generated models ----------------------------------------

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_json_scalar = st.one_of(
    st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False, allow_infinity=False), _text
)
_json: st.SearchStrategy[Any] = st.recursive(
    _json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=6,
)
_json_object = st.dictionaries(_text, _json, max_size=3)
_json_objects = st.lists(_json_object, max_size=2).map(tuple)
_field_id = st.from_regex(r"[a-zA-Z][a-zA-Z0-9_]{0,8}", fullmatch=True)


@st.composite
def _fields(draw: st.DrawFn) -> Field:
    return Field(
        id=draw(_field_id),
        name=draw(_text),
        type=draw(st.sampled_from(FIELD_TYPES)),
        link_type=draw(st.none() | st.sampled_from(LINK_TYPES)),
        items=draw(
            st.none()
            | st.builds(
                Items,
                type=st.sampled_from(ITEMS_TYPES),
                link_type=st.none() | st.sampled_from(LINK_TYPES),
                validations=_json_objects,
            )
        ),
        localized=draw(st.booleans()),
        required=draw(st.booleans()),
        disabled=draw(st.booleans()),
        omitted=draw(st.booleans()),
        validations=draw(_json_objects),
        default_value=draw(st.none() | _json_object),
        allowed_resources=draw(st.none() | _json_objects),
        renamed_from=draw(st.none() | _field_id),
    )


@st.composite
def _models(draw: st.DrawFn) -> ContentModel:
    # not only dots: "." and ".." are refused as file names (model.is_valid_id)
    ct_id = st.from_regex(r"[a-zA-Z0-9_.\-]{1,12}", fullmatch=True).filter(lambda i: i.strip(".") != "")
    ids = draw(st.lists(ct_id, max_size=3, unique=True))
    content_types = {}
    editor_interfaces = {}
    for ct_id in ids:
        fields = draw(st.lists(_fields(), max_size=3, unique_by=lambda f: f.id))
        content_types[ct_id] = ContentType(
            id=ct_id,
            name=draw(_text),
            description=draw(st.none() | _text),
            display_field=draw(st.none() | _field_id),
            fields=tuple(fields),
        )
        controls = []
        for f in fields:
            widget = draw(st.none() | _text)
            settings_ = draw(st.none() | _json_object)
            if widget is not None or settings_ is not None:
                namespace = draw(st.none() | _text)
                controls.append(
                    Control(field_id=f.id, widget_id=widget, widget_namespace=namespace, settings=settings_)
                )
        editor_interfaces[ct_id] = EditorInterface(
            content_type_id=ct_id,
            controls=tuple(controls),
            sidebar=draw(st.none() | _json_objects),
            editors=draw(st.none() | _json_objects),
            editor_layout=draw(st.none() | _json_objects),
            group_controls=draw(st.none() | _json_objects),
        )
    locales = draw(
        st.lists(
            st.builds(
                Locale,
                code=_text,
                name=_text,
                fallback_code=st.none() | _text,
                optional=st.booleans(),
                default=st.booleans(),
                content_delivery_api=st.booleans(),
                content_management_api=st.booleans(),
            ),
            max_size=3,
            unique_by=lambda loc: loc.code,
        )
    )
    return ContentModel(
        content_types=content_types,
        editor_interfaces=editor_interfaces,
        locales={loc.code: loc for loc in locales},
    )


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(model=_models())
def test_write_then_load_reproduces_generated_models(
    tmp_path_factory: pytest.TempPathFactory, model: ContentModel
) -> None:
    models = tmp_path_factory.mktemp("models")
    write_models(model, models)
    first = _read_all(models)
    loaded = load_models(models).model
    assert normalize(loaded) == normalize(model)
    write_models(loaded, models)
    assert _read_all(models) == first
