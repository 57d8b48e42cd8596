"""Editing model files in place (`pull`, `drift --adopt`): only the values that differ change."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.declared import load_models, write_models, writer
from reconcile.declared.editor import document_text, edit_text
from reconcile.declared.writer import content_type_doc, locales_doc
from reconcile.errors import ReconcileError
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Locale
from reconcile.normalize import normalize

from .test_write import _fields, _json_objects, _models, _read_all, _text

LOCALES = {"en-US": Locale(code="en-US", name="English", default=True)}


def _model(*fields: Field, **ei: Any) -> ContentModel:
    ct = ContentType(id="news", name="News", fields=fields)
    return ContentModel(
        content_types={"news": ct},
        editor_interfaces={"news": EditorInterface(content_type_id="news", **ei)},
        locales=LOCALES,
    )


def _write(models: Path, text: str) -> Path:
    (models / "content_types").mkdir(parents=True, exist_ok=True)
    locales = 'format = 1\n\n[[locales]]\ncode = "en-US"\nname = "English"\ndefault = true\n'
    (models / "locales.toml").write_text(locales)
    path = models / "content_types" / "news.toml"
    path.write_text(text)
    return path


def test_defaults_spelled_out_stay_and_a_value_set_back_to_its_default_goes(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'format = 1\nid = "news"\nname = "News"\n\n[[fields]]\nid = "t"\nname = "T"\ntype = "Symbol"\n'
        "localized = false  # explicit\nrequired = true\n",
    )
    write_models(_model(Field(id="t", name="T", type="Symbol", disabled=True)), tmp_path)
    assert path.read_text().endswith('type = "Symbol"\nlocalized = false  # explicit\ndisabled = true\n')
    write_models(_model(Field(id="t", name="T", type="Symbol", localized=True)), tmp_path)
    assert path.read_text().endswith('type = "Symbol"\nlocalized = true  # explicit\n')


def test_editor_interface_parts_and_sub_tables_are_edited_key_by_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'format = 1\nid = "news"\nname = "News"\n\n[[fields]]\nid = "t"\nname = "T"\ntype = "Symbol"\n\n'
        '[fields.editor]  # old style\nwidget_id = "singleLine"\n\n'
        "[editor_interface]\n# sidebar\nsidebar = [\n"
        '    { widgetId = "a", widgetNamespace = "sidebar-builtin" },  # first\n'
        '    { widgetId = "b", widgetNamespace = "sidebar-builtin" },\n]\n',
    )
    sidebar = ({"widgetId": "a", "widgetNamespace": "sidebar-builtin"}, {"widgetId": "c", "widgetNamespace": "app"})
    control = Control(field_id="t", widget_id="markdown")
    field = Field(id="t", name="T", type="Symbol")
    write_models(_model(field, controls=(control,), sidebar=sidebar, editor_layout=()), tmp_path)
    assert path.read_text().split("\n\n", 2)[2] == (
        '[fields.editor]  # old style\nwidget_id = "markdown"\n\n'
        "[editor_interface]\n# sidebar\nsidebar = [\n"
        '    { widgetId = "a", widgetNamespace = "sidebar-builtin" },  # first\n'
        '    { widgetId = "c", widgetNamespace = "app" },\n]\neditor_layout = []\n'
    )


def test_a_changed_list_of_sub_tables_becomes_one_compact_line(tmp_path: Path) -> None:
    """Files an older pull wrote hold validations as [[fields.validations]] tables (some with empty
    headers); a change to them writes the compact line, in the field's plain values, not under [fields.editor]."""
    head = 'format = 1\nid = "news"\nname = "News"\n\n[[fields]]\nid = "t"\nname = "T"\ntype = "Symbol"\n'
    path = _write(
        tmp_path,
        head + '\n[fields.editor]\nwidget_id = "x"\n\n[[fields.validations]]\n\n[fields.validations.size]\nmax = 9\n',
    )
    field = Field(id="t", name="T", type="Symbol", validations=({"size": {"max": 10}},))
    write_models(_model(field, controls=(Control(field_id="t", widget_id="x"),)), tmp_path)
    assert path.read_text() == head + 'validations = [{ size = { max = 10 } }]\n\n[fields.editor]\nwidget_id = "x"\n'


@pytest.mark.parametrize(("start", "end"), [("", "\n"), ("\ufeff", "\r\n")])
def test_line_ends_and_a_byte_order_mark_stay(tmp_path: Path, start: str, end: str) -> None:
    lines = ["format = 1", 'id = "news"', 'name = "News"', "", "[[fields]]", 'id = "t"', 'name = "T"']
    lines.append('type = "Symbol"')
    path = _write(tmp_path, "")
    path.write_bytes((start + end.join(lines) + end).encode())
    write_models(_model(Field(id="t", name="T", type="Symbol", required=True)), tmp_path)
    assert path.read_bytes() == (start + end.join([*lines, "required = true"]) + end).encode()


COMMENTED = """\
format = 1
id = "news"
name = "News"

# ---- a ----
[[fields]]
id = "a"
name = "A"
type = "Symbol"
# a note that belongs to a

# ---- b ----
[[fields]]
id = "b"
name = "B"
type = "Symbol"

[editor_interface]
sidebar = []
"""


_A = '# ---- a ----\n[[fields]]\nid = "a"\nname = "A"\ntype = "Symbol"\n# a note that belongs to a\n'
_B = '# ---- b ----\n[[fields]]\nid = "b"\nname = "B"\ntype = "Symbol"\n'
_C = '[[fields]]\nid = "c"\nname = "C"\ntype = "Symbol"\n'


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["b"], COMMENTED.replace(_A + "\n", "")),
        (["a"], COMMENTED.replace(_B + "\n", "")),
        (["b", "a"], COMMENTED.replace(_A + "\n" + _B, _B + "\n" + _A)),
        (["a", "c", "b"], COMMENTED.replace(_B, _C + "\n" + _B)),
    ],
    ids=["remove-first", "remove-last", "move", "insert"],
)
def test_a_field_table_goes_and_moves_with_its_comments(tmp_path: Path, ids: list[str], expected: str) -> None:
    path = _write(tmp_path, COMMENTED)
    fields = [Field(id=i, name=i.upper(), type="Symbol") for i in ids]
    write_models(_model(*fields, sidebar=()), tmp_path)
    assert path.read_text() == expected


def test_a_reordered_sidebar_is_replaced_whole(tmp_path: Path) -> None:
    """Matching elements by value keeps their order; where the order is what changed, the list is rewritten."""
    head = 'format = 1\nid = "news"\nname = "News"\n\n[editor_interface]\n'
    path = _write(tmp_path, head + 'sidebar = [{ widgetId = "a" }, { widgetId = "b" }]  # two\n')
    write_models(_model(sidebar=({"widgetId": "b"}, {"widgetId": "a"})), tmp_path)
    assert path.read_text() == head + 'sidebar = [{ widgetId = "b" }, { widgetId = "a" }]  # two\n'


def test_an_edit_that_does_not_read_back_as_the_model_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The safety net: should the editor ever get a file wrong, the file stays as it was and the error says so."""
    path = _write(tmp_path, 'format = 1\nid = "news"\nname = "News"  # hand-written\n')
    monkeypatch.setattr(writer, "edit_text", lambda text, old, new, exact_lists: text)
    with pytest.raises(ReconcileError, match="editing this model file in place did not give the live model"):
        write_models(_model(Field(id="t", name="T", type="Symbol")), tmp_path)
    assert path.read_text() == 'format = 1\nid = "news"\nname = "News"  # hand-written\n'


def test_the_first_field_goes_above_the_comment_block_of_the_editor_interface(tmp_path: Path) -> None:
    head = 'format = 1\nid = "news"\nname = "News"\n\n'
    path = _write(tmp_path, head + "# the sidebar\n[editor_interface]\nsidebar = []\n")
    write_models(_model(Field(id="t", name="T", type="Symbol"), sidebar=()), tmp_path)
    assert path.read_text() == (
        head + '[[fields]]\nid = "t"\nname = "T"\ntype = "Symbol"\n\n# the sidebar\n[editor_interface]\nsidebar = []\n'
    )


def test_locales_are_matched_by_code(tmp_path: Path) -> None:
    _write(tmp_path, 'format = 1\nid = "news"\nname = "News"\n')
    locales = tmp_path / "locales.toml"
    locales.write_text(
        "#:schema x\nformat = 1\n\n# the default\n[[locales]]\ncode = \"en-US\"\nname = \"English\"\ndefault = true\n"
    )
    de = Locale(code="de", name="German", fallback_code="en-US", optional=True)
    write_models(_model().model_copy(update={"locales": {**LOCALES, "de": de}}), tmp_path)
    assert locales.read_text() == (
        "#:schema x\nformat = 1\n\n# the default\n[[locales]]\ncode = \"en-US\"\nname = \"English\"\ndefault = true\n"
        '\n[[locales]]\ncode = "de"\nname = "German"\nfallback_code = "en-US"\noptional = true\n'
    )


def test_a_new_file_takes_the_schema_line_of_its_siblings(tmp_path: Path) -> None:
    _write(tmp_path, '#:schema ../../schema/ct.json\nformat = 1\nid = "news"\nname = "News"\n')
    other = ContentType(id="other", name="Other")
    model = _model().model_copy(update={"content_types": {**_model().content_types, "other": other}})
    write_models(model, tmp_path)
    assert (tmp_path / "content_types" / "other.toml").read_text() == (
        '#:schema ../../schema/ct.json\nformat = 1\nid = "other"\nname = "Other"\n'
    )


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("format = 1\nid = \"news\"\nname = ", "Invalid value"),
        ('format = 1\nid = "news"\nnmae = "x"\n', "2 problems"),
        ('format = 1\nid = "news"\nname = "\xff"\n', "not UTF-8"),
    ],
)
def test_a_file_that_does_not_read_is_not_edited(tmp_path: Path, text: str, why: str) -> None:
    path = _write(tmp_path, "")
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ReconcileError, match=f"cannot edit this model file in place, it does not read .*{why}"):
        write_models(_model(Field(id="t", name="T", type="Symbol")), tmp_path)
    assert path.read_bytes() == text.encode("latin-1")
    assert not (tmp_path / "content_types" / "other.toml").exists()


def test_a_folder_in_the_place_of_a_model_file_is_one_error(tmp_path: Path) -> None:
    """`content_types/news.toml` a folder (pull over it): one ReconcileError naming it, not an IsADirectoryError
    traceback; nothing is written."""
    path = _write(tmp_path, "")
    path.unlink()
    path.mkdir()
    with pytest.raises(ReconcileError, match="news.toml: cannot edit this model file in place, it does not read "
                       r"\(Is a directory\)"):
        write_models(_model(Field(id="t", name="T", type="Symbol")), tmp_path)
    assert path.is_dir()


def test_keys_the_editor_does_not_know_are_edited_like_the_others() -> None:
    """Nothing in the editor is specific to a key: a key the file shapes gain later works as it is."""
    text = 'format = 1\nid = "x"  # id\nlabels = ["a"]\n\n[[things]]\nid = "t"\nflag = true\n'
    old = {"format": 1, "id": "x", "labels": ["a"], "things": [{"id": "t", "flag": True}]}
    new = {"format": 1, "id": "x", "labels": ["a", "b"], "extra": {"k": 1}, "things": [{"id": "t"}, {"id": "u"}]}
    assert edit_text(text, old, new) == (
        'format = 1\nid = "x"  # id\nlabels = ["a", "b"]\n\n[extra]\nk = 1\n\n[[things]]\nid = "t"\n\n'
        '[[things]]\nid = "u"\n'
    )


# ---- property: for generated models, pulling with no change is byte-identical, and a pull after any ----
# change, with comments on every line, changes the file so that it loads back as the live model.


def _commented(text: str) -> str:
    """``text`` with a comment on each line and a comment line above each table header."""
    lines = []
    for number, line in enumerate(text.removesuffix("\n").split("\n")):  # not splitlines: strings may hold \x85
        if line.startswith("["):
            lines.append(f"# above {number}")
        lines.append(f"{line}  # note {number}" if line and not line.startswith("#") else line)
    return "\n".join(lines) + "\n"


@st.composite
def _changed(draw: st.DrawFn, model: ContentModel) -> ContentModel:
    """``model`` with some fields removed, changed, added or moved, and other parts redrawn."""
    content_types = {}
    for ct_id, ct in model.content_types.items():
        fields = [f for f in ct.fields if draw(st.booleans())]
        fields = [draw(_fields()).model_copy(update={"id": f.id}) if draw(st.booleans()) else f for f in fields]
        taken = {f.id for f in fields}
        fields += [f for f in draw(st.lists(_fields(), max_size=2, unique_by=lambda f: f.id)) if f.id not in taken]
        fields = draw(st.permutations(fields)) if draw(st.booleans()) else fields
        content_types[ct_id] = ct.model_copy(update={"fields": tuple(fields), "name": draw(st.just(ct.name) | _text)})
    editor_interfaces = {
        ct_id: ei.model_copy(update={"sidebar": draw(st.just(ei.sidebar) | st.none() | _json_objects), "controls": ()})
        for ct_id, ei in model.editor_interfaces.items()
    }
    locales = {code: loc for code, loc in model.locales.items() if draw(st.booleans())}
    locales = {code: loc.model_copy(update={"optional": draw(st.booleans())}) for code, loc in locales.items()}
    locales.update({loc.code: loc for loc in draw(_models()).locales.values() if draw(st.booleans())})
    return model.model_copy(
        update={"content_types": content_types, "editor_interfaces": editor_interfaces, "locales": locales}
    )


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_pull_edits_generated_models_in_place(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    before = data.draw(_models())
    models = tmp_path_factory.mktemp("models")
    write_models(before, models)
    for path in models.rglob("*.toml"):
        path.write_text(_commented(path.read_text()))
    commented = _read_all(models)
    write_models(before, models)
    assert _read_all(models) == commented

    after = data.draw(_changed(before))
    old, live = normalize(before), normalize(after)
    docs = {
        f"content_types/{ct_id}.toml": (
            content_type_doc(old.content_types[ct_id], old.editor_interfaces[ct_id]),
            content_type_doc(ct, live.editor_interfaces[ct_id]),
        )
        for ct_id, ct in live.content_types.items()
    }
    docs["locales.toml"] = (locales_doc(old.locales), locales_doc(live.locales))
    for name, (was, now) in docs.items():  # the editor alone, without the writer's read-back safety net
        edited = edit_text(commented[name].decode(), was, now)
        assert edited == commented[name].decode() or was != now
        (models / name).write_text(edited)
    assert normalize(load_models(models).model) == live
    for path in models.rglob("*.toml"):
        path.write_bytes(commented[str(path.relative_to(models))])
    write_models(after, models)
    assert normalize(load_models(models).model) == live
    assert {name for name, (was, now) in docs.items() if was != now} >= {
        name for name, text in _read_all(models).items() if text != commented[name]
    }


def test_a_reordered_list_of_equal_shaped_items_is_written_in_the_new_order() -> None:
    """Found by the property below: items matched by value kept their old places, so a sidebar whose two
    items only swapped places came out unchanged."""
    old = {"format": 1, "id": "a", "editor_interface": {"sidebar": [{"": []}, {}]}}
    new = {"format": 1, "id": "a", "editor_interface": {"sidebar": [{}, {"": []}]}}
    edited = edit_text(document_text(old), old, new)
    assert tomllib.loads(edited)["editor_interface"]["sidebar"] == [{}, {"": []}]


@given(value=st.recursive(
    st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_values_are_written_as_tomli_w_writes_them(value: Any) -> None:
    """value_text writes plain strings, ints and bools itself (it is called for every value of every new
    file): exactly as tomli-w does, escapes, control characters and non-ASCII text included."""
    import tomli_w

    from reconcile.declared.editor import value_text

    def tomli_w_text(v: Any) -> str:
        if isinstance(v, dict):
            inner = ", ".join(f"{tomli_w_text_key(k)} = {tomli_w_text(x)}" for k, x in v.items())
            return f"{{ {inner} }}" if inner else "{}"
        if isinstance(v, list):
            return "[" + ", ".join(tomli_w_text(x) for x in v) + "]"
        return tomli_w.dumps({"v": v})[len("v = "):-1]

    def tomli_w_text_key(k: str) -> str:
        return tomli_w.dumps({k: 0})[: -len(" = 0\n")]

    assert value_text(value) == tomli_w_text(value)
