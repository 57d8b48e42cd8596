"""``declared.fits``: what it says fits a shape, strict pydantic accepts (on the example files and on many
mutations of them), and the example files do fit (so the loader skips pydantic on them)."""

from __future__ import annotations

import copy
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from reconcile.declared.fits import fits
from reconcile.declared.shapes import ContentTypeFile, FieldDecl, LocalesFile, TagsFile

from .support import EXAMPLES, edit

_EXAMPLES = [tomllib.loads(path.read_text(encoding="utf-8"))
             for path in sorted((EXAMPLES / "content_types").glob("*.toml"))]
_KEYS = sorted({*ContentTypeFile.model_fields, *FieldDecl.model_fields, "widget_id", "settings", "type",
                "link_type", "sidebar", "parameters", "concept", "required"})
_LEAVES = (st.booleans() | st.integers(min_value=-2, max_value=2) | st.floats(allow_nan=False, width=16)
           | st.text(max_size=3) | st.sampled_from(["Symbol", "Link", "Entry", "Asset", "Array", "ResourceLink"]))
_VALUES = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=2), inner, max_size=3),
                       max_leaves=5)


def _accepted(shape: type[BaseModel], data: Any) -> bool:
    try:
        shape.model_validate(data)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("data", _EXAMPLES)
def test_the_example_files_fit(data: dict[str, Any]) -> None:
    assert fits(ContentTypeFile, data) and _accepted(ContentTypeFile, data)


def _mutate(doc: Any, draw: st.DataObject) -> None:
    """Change one thing somewhere in ``doc``: a value set or replaced, a key or an element removed."""
    while True:
        children = [value for value in (doc.values() if isinstance(doc, dict) else doc)
                    if isinstance(value, (dict, list)) and value]
        if not children or draw.draw(st.booleans()):
            break
        doc = draw.draw(st.sampled_from(children))
    if isinstance(doc, dict):
        names = st.sampled_from(sorted(doc)) | st.sampled_from(_KEYS) if doc else st.sampled_from(_KEYS)
        key = draw.draw(names)
        if key in doc and draw.draw(st.booleans()):
            del doc[key]
        else:
            doc[key] = draw.draw(_VALUES)
    elif doc:
        index = draw.draw(st.integers(min_value=0, max_value=len(doc) - 1))
        if draw.draw(st.booleans()):
            del doc[index]
        else:
            doc[index] = draw.draw(_VALUES)


@settings(max_examples=3000, deadline=None)
@given(st.data())
def test_what_fits_strict_pydantic_accepts(draw: st.DataObject) -> None:
    doc = copy.deepcopy(draw.draw(st.sampled_from(_EXAMPLES)))
    for _ in range(draw.draw(st.integers(min_value=1, max_value=3))):
        _mutate(doc, draw)
    if fits(ContentTypeFile, doc):
        assert _accepted(ContentTypeFile, doc), doc


@pytest.mark.parametrize("shape", [ContentTypeFile, LocalesFile, TagsFile])
def test_a_wrong_format_never_fits(shape: type[BaseModel]) -> None:
    assert not fits(shape, {"format": 2})
    assert not fits(shape, {"format": True})
    assert fits(shape, {"format": 1}) == _accepted(shape, {"format": 1})


def test_the_loader_asks_pydantic_only_about_files_that_may_not_fit(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The example files fit: none is validated by pydantic; a file that does not fit is, for its messages."""
    from reconcile.declared import read_models

    models = shutil.copytree(EXAMPLES, tmp_path / "models")
    real, asked = ContentTypeFile.model_validate, []

    def counting(data: Any, **kwargs: Any) -> Any:
        asked.append(data.get("id"))
        return real(data, **kwargs)

    monkeypatch.setattr(ContentTypeFile, "model_validate", counting)
    full, problems = read_models(models)
    assert not problems and asked == [] and len(full.model.content_types) == len(_EXAMPLES)
    edit(models / "content_types" / "author.toml", 'type = "Symbol"', 'type = "Symbl"')
    _, problems = read_models(models)
    assert asked[0] == "author" and problems
