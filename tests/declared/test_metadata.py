"""Annotations and taxonomy links in model files: read, checked offline, and written back by pull."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.declared import load_models
from reconcile.declared.editor import document_text
from reconcile.declared.writer import content_type_doc
from reconcile.errors import InputError
from reconcile.model import EditorInterface
from reconcile.validate import validate

from .support import content_type, make_models

FIELDS = (
    '[[fields]]\nid = "title"\nname = "Title"\ntype = "Symbol"\n'
    'annotations = [{ id = "Contentful:GraphQLFieldResolver", parameters = { appFunctionId = "fn" } }]\n'
)
HEADER = (
    'annotations = ["Contentful:AggregateRoot"]\n'
    'taxonomy = [{ concept_scheme = "topics", required = true }, { concept = "news" }]\n'
)


def test_annotations_and_taxonomy_read_into_the_model_and_write_back(tmp_path: Path) -> None:
    models = make_models(tmp_path, {"a.toml": content_type("a", FIELDS, HEADER)})
    declared = load_models(models)
    assert validate(declared) == []
    ct = declared.model.content_types["a"]
    assert ct.annotations == ({"id": "Contentful:AggregateRoot"},)
    assert ct.taxonomy == ({"concept_scheme": "topics", "required": True}, {"concept": "news", "required": False})
    resolver = {"id": "Contentful:GraphQLFieldResolver", "parameters": {"appFunctionId": "fn"}}
    assert ct.fields[0].annotations == (resolver,)
    text = document_text(content_type_doc(ct, EditorInterface(content_type_id="a")))
    assert 'annotations = ["Contentful:AggregateRoot"]\n' in text and '{ concept = "news" }' in text
    (models / "content_types" / "a.toml").write_text(text, encoding="utf-8")
    assert load_models(models).model == declared.model  # pull writes what reads back the same


@pytest.mark.parametrize(
    ("extra", "fields", "path", "message"),
    [
        ('annotations = ["Contentful:AgregateRoot"]\n', "", "annotations[0]",
         "unknown Contentful annotation 'Contentful:AgregateRoot'"),
        ('annotations = ["Contentful:GraphQLFieldResolver"]\n', "", "annotations[0]",
         "annotation 'Contentful:GraphQLFieldResolver' is for fields only, not for content types"),
        ('annotations = ["Contentful:AggregateRoot", "Contentful:AggregateRoot"]\n', "", "annotations[1]",
         "annotation 'Contentful:AggregateRoot' is declared twice"),
        ("", '[[fields]]\nid = "t"\nname = "T"\ntype = "Symbol"\nannotations = ["Contentful:AggregateRoot"]\n',
         "fields.t.annotations[0]", "annotation 'Contentful:AggregateRoot' is for content types only, not for fields"),
        # contentful-migration's setAnnotations puts AggregateComponent on a field (a link to entries), never on a
        # content type: pull wrote it there and validate refused it (found in a trial with contentful-migration).
        ('annotations = ["Contentful:AggregateComponent"]\n', "", "annotations[0]",
         "annotation 'Contentful:AggregateComponent' is for fields only, not for content types"),
        ('taxonomy = [{ concept = "a", concept_scheme = "b" }]\n', "", "taxonomy[0]",
         "a taxonomy link names both a concept scheme and a concept"),
        ("taxonomy = [{ required = true }]\n", "", "taxonomy[0]",
         "a taxonomy link names neither a concept scheme nor a concept"),
        ('taxonomy = [{ concept = "a b" }]\n', "", "taxonomy[0].concept", "taxonomy concept id 'a b' is not valid"),
        ('taxonomy = [{ concept = "a" }, { concept = "a", required = true }]\n', "", "taxonomy[1]",
         "taxonomy concept 'a' is linked twice"),
    ],
)
def test_offline_rules_of_metadata(tmp_path: Path, extra: str, fields: str, path: str, message: str) -> None:
    problems = validate(load_models(make_models(tmp_path, {"a.toml": content_type("a", fields, extra)})))
    assert [(p.path, p.message) for p in problems] == [(path, message)]
    assert problems[0].hint and problems[0].line is not None


def test_a_bad_annotation_shape_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        load_models(make_models(tmp_path, {"a.toml": content_type("a", "", "annotations = [{ parameters = {} }]\n")}))
    problems = [(p.path, p.message) for p in raised.value.problems]
    assert problems == [("annotations[0].id", "required key 'id' is missing in annotations[0]")]


def test_annotations_where_contentful_migration_puts_them_validate(tmp_path: Path) -> None:
    """What ``setAnnotations`` writes (contentful-migration's availableAnnotations): AggregateComponent on a field
    linking entries; AggregateRoot, ManagedByEnvironmentTemplate and ExperienceType on the content type."""
    fields = (
        '[[fields]]\nid = "parts"\nname = "Parts"\ntype = "Array"\nitems = { type = "Link", link_type = "Entry" }\n'
        'annotations = ["Contentful:AggregateComponent"]\n'
    )
    header = ('annotations = ["Contentful:AggregateRoot", "Contentful:ManagedByEnvironmentTemplate", '
              '"Contentful:ExperienceType"]\n')
    declared = load_models(make_models(tmp_path, {"a.toml": content_type("a", fields, header)}))
    assert validate(declared) == []
