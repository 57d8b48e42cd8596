"""What the rules of one content type file read of it (issue 16): the attributes of its content type, fields,
items and editor interface, as protocols.

The model's values (``model.ContentType``, ``Field``, ``Items``, ``EditorInterface``) have them, and so have the
light views ``reconcile validate`` checks a file through (``declared.building.content_type_view``: the file's
checked data read in place, without building the model's values). Each attribute means what the model's does;
the rules only read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from reconcile.model import JsonObject


class ItemsLike(Protocol):
    """The element type of an Array field (``model.Items``)."""

    @property
    def type(self) -> str: ...
    @property
    def link_type(self) -> str | None: ...
    @property
    def validations(self) -> Sequence[JsonObject]: ...


class FieldLike(Protocol):
    """One field (``model.Field``)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def link_type(self) -> str | None: ...
    @property
    def items(self) -> ItemsLike | None: ...
    @property
    def validations(self) -> Sequence[JsonObject]: ...
    @property
    def default_value(self) -> JsonObject | None: ...
    @property
    def allowed_resources(self) -> Sequence[JsonObject] | None: ...
    @property
    def renamed_from(self) -> str | None: ...
    @property
    def annotations(self) -> Sequence[JsonObject]: ...


class ContentTypeLike(Protocol):
    """One content type (``model.ContentType``): annotations and taxonomy links in the model's form."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def display_field(self) -> str | None: ...
    @property
    def fields(self) -> Sequence[FieldLike]: ...
    @property
    def annotations(self) -> Sequence[JsonObject]: ...
    @property
    def taxonomy(self) -> Sequence[JsonObject]: ...


class ControlLike(Protocol):
    """The editor control of one field (``model.Control``): the rules read only which field it is for."""

    @property
    def field_id(self) -> str: ...


class EditorLike(Protocol):
    """The editor interface of one content type (``model.EditorInterface``)."""

    @property
    def controls(self) -> Sequence[ControlLike]: ...
    @property
    def editor_layout(self) -> Sequence[JsonObject] | None: ...
