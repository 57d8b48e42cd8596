"""Declared model files (TOML) to and from a ``ContentModel``.

Layout of a models directory (documented for users in ``docs/model-format.md``)::

    models/
      locales.toml                 # [[locales]]
      content_types/<id>.toml      # one content type, its fields and its editor interface

The package, by task:

- ``shapes``: what a file may contain (pydantic models, the source of the JSON Schemas);
- ``layout``: file names and limits of a models directory;
- ``loader``: reading a directory strictly into a ``DeclaredModel``, every problem at once;
- ``building``: the model values of a content type file, built once from its checked data;
- ``cache``: the parse cache of content type files under ``.reconcile/cache/`` (issue 16);
- ``salvage``: what of a file with shape problems can still be checked;
- ``problems``: turning read and shape failures into located ``Problem``s;
- ``writer``: writing a model as stable, byte-identical TOML (``reconcile pull``);
- ``editor``: editing an existing file in place (only the values that differ change), compact new files;
- ``schema``: the JSON Schemas of the files.

The model and where each part was declared (``DeclaredModel``) live in the I/O-free
``reconcile.sources``, so the offline rules (``reconcile.validate``) need none of this package.
"""

from typing import TYPE_CHECKING

from reconcile.lazy import lazy_names

if TYPE_CHECKING:
    from reconcile.declared.cache import ParseCache
    from reconcile.declared.layout import (
        CONTENT_TYPES_DIR,
        LOCALES_FILE,
        MAX_FILE_BYTES,
        MAX_NESTING,
        content_type_path,
    )
    from reconcile.declared.loader import load_models, read_models
    from reconcile.declared.schema import SCHEMA_FILES, json_schema, schema_text, write_schemas
    from reconcile.declared.shapes import CONTENT_TYPE_ID_PATTERN, FORMAT_VERSION, ContentTypeFile, LocalesFile
    from reconcile.declared.writer import write_locales, write_models
    from reconcile.sources import DeclaredModel, KeyPath, Source, sort_problems

# Imported on first use (``reconcile.lazy``): reading models needs neither the writer (tomli_w), the editor
# (tomlkit) nor the JSON Schemas.
__getattr__ = lazy_names(__name__, {
    "ParseCache": "reconcile.declared.cache",
    **dict.fromkeys(("CONTENT_TYPES_DIR", "LOCALES_FILE", "MAX_FILE_BYTES", "MAX_NESTING", "content_type_path"),
                    "reconcile.declared.layout"),
    **dict.fromkeys(("load_models", "read_models"), "reconcile.declared.loader"),
    **dict.fromkeys(("SCHEMA_FILES", "json_schema", "schema_text", "write_schemas"), "reconcile.declared.schema"),
    **dict.fromkeys(("CONTENT_TYPE_ID_PATTERN", "FORMAT_VERSION", "ContentTypeFile", "LocalesFile"),
                    "reconcile.declared.shapes"),
    **dict.fromkeys(("write_locales", "write_models"), "reconcile.declared.writer"),
    **dict.fromkeys(("DeclaredModel", "KeyPath", "Source", "sort_problems"), "reconcile.sources"),
})

__all__ = [
    "CONTENT_TYPES_DIR",
    "CONTENT_TYPE_ID_PATTERN",
    "FORMAT_VERSION",
    "LOCALES_FILE",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "SCHEMA_FILES",
    "ContentTypeFile",
    "DeclaredModel",
    "KeyPath",
    "LocalesFile",
    "ParseCache",
    "Source",
    "content_type_path",
    "json_schema",
    "load_models",
    "read_models",
    "schema_text",
    "sort_problems",
    "write_locales",
    "write_models",
    "write_schemas",
]
