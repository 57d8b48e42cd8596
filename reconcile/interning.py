"""Interning for one run: the rules of :mod:`reconcile.normalize`, with equal canonical values shared.

A run (a plan, the verifications of an apply, a drift check) normalises the same values many times:
both sides, the diff, every phase's expected model, the fingerprints. An :class:`Interner` applies
the rules of :mod:`reconcile.normalize` and remembers, for its own lifetime only:

* every value it returned, by identity, as canonical (values are frozen): normalising it again
  returns it at once;
* canonical fields, controls, content types and editor interfaces, shared between inputs that are the
  same value (interned, see :func:`exact`): the live and the declared side of a plan then hold the same
  objects wherever they agree, so comparing them is mostly an identity check and the JSON of an
  unchanged content type is made once for both fingerprints;
* a content type's result by its exact input value, fields included (one dump answers the declared side
  of every content type the live side holds unchanged); its fields are keyed one by one only when the
  run meets a second content type with that id (then they share the first one's fields);
* the last editor interface made for each content type: an input that normalises to exactly that value
  is answered by one walk over the fields (:mod:`reconcile.interface_match`), without any dump;
* an editor interface's result by its exact input value with the content type's id and field ids (one
  dump instead of one per control: the declared and the live side often hold the same values);
* canonical validation lists and control settings by their exact value;
* the last few input models with their canonical form (a caller's diff, then its plan);
* the canonical JSON of every value it fingerprinted.

Used as a context manager, it also keeps the cyclic garbage collector from walking the heap the run
started with (see :meth:`Interner.__enter__`).

Nothing outlives the object and nothing is shared between two of them: make one per run, pass it where
the run normalises, drop it at the end. Its tables hold their values, so an id stays its value's for as
long as it is a key. Results are equal to those of the plain functions of :mod:`reconcile.normalize`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any, TypeVar

from reconcile.interface_match import normalizes_to
from reconcile.interning_keys import (
    attribute_dict,
    content_type_others,
    control_key,
    editor_interface_others,
    editor_interface_scalars,
    exact,
    field_key,
    ident,
    parent_key,
    raw_content_type,
)
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, JsonObject, Tag
from reconcile.normalize import (
    Document,
    Validations,
    bare_control,
    canonical_fingerprint,
    canonical_model,
    content_type_with,
    created_editor_interface,
    document_json,
    no_text,
    normalize_control,
    normalize_editor_interface,
    normalize_field,
    normalize_settings,
    normalize_validations,
)

#: Input models remembered with their canonical form: each keeps a whole model alive (an apply's
#: verifications read the environment after every phase).
_NORMALIZED_LIMIT = 4

_V = TypeVar("_V")
_P = TypeVar("_P", Field, Control)
_J = TypeVar("_J", Validations, JsonObject)


def _remembered(table: dict[bytes, tuple[Any, bool]], value: _J, compute: Callable[[_J], Any]) -> Any:
    """``compute(value)``, remembered by the exact value; ``value`` itself where ``compute`` kept it (it is
    canonical already), so that callers can keep what holds it."""
    key = exact(value)
    if key is None:
        return compute(value)
    known = table.get(key)
    if known is None:
        result = compute(value)
        known = table[key] = (result, result is value)
    return value if known[1] else known[0]


class Interner:
    """The normalisations of one run, equal canonical values shared (see the module docstring).

    Its methods are those of :mod:`reconcile.normalize` and give equal results. Do not keep one beyond
    the run: it holds every value it has seen. Used as a context manager (``with Interner() as run``),
    it also spares the cyclic garbage collector the heap that exists when the run starts (see
    :meth:`__enter__`); a pure computation such as a plan should be run so.
    """

    def __init__(self) -> None:
        self._froze, self._depth = False, 0  # see __enter__
        #: id -> a value this run returned as canonical (models, content types, editor interfaces,
        #: fields, controls).
        self._known: dict[int, object] = {}
        #: Exact value of a validation list / control settings -> (canonical form, already canonical).
        self._validations: dict[bytes, tuple[Any, bool]] = {}
        self._settings: dict[bytes, tuple[Any, bool]] = {}
        #: Interning key -> the canonical value, shared between equal inputs.
        self._fields: dict[Any, Field] = {}
        self._controls: dict[Any, Control] = {}
        self._content_types: dict[Any, ContentType] = {}
        #: Exact value of an input content type (fields included) -> its canonical form.
        self._raw_content_types: dict[bytes, ContentType] = {}
        #: Content-type id -> the last canonical content type made from its fields whose fields are not keyed yet.
        self._by_id: dict[str, ContentType] = {}
        self._editor_interfaces: dict[Any, EditorInterface] = {}
        self._bare_controls: dict[str, Control] = {}
        #: Exact value of an input editor interface, with its content type's id and field ids -> result.
        self._raw_editor_interfaces: dict[bytes, EditorInterface] = {}
        #: Content-type id -> the last editor interface this run made for it (see ``interface_match``).
        self._interfaces_by_id: dict[str, EditorInterface] = {}
        #: id -> an editor interface whose controls are not keyed yet (see ``_control_for``).
        self._unkeyed: dict[int, EditorInterface] = {}
        #: id -> (canonical editor interface, a tuple of fields whose ids its controls follow, in order).
        self._fits: dict[int, tuple[EditorInterface, tuple[Field, ...]]] = {}
        #: id -> (input model, its canonical form), for the last few (a caller's diff, then its plan).
        self._normalized: dict[int, tuple[ContentModel, ContentModel]] = {}
        #: id -> (canonical value, the canonical JSON of its content, UTF-8).
        self._documents: dict[int, tuple[Document, bytes]] = {}

    def __enter__(self) -> Interner:
        """Freeze the objects the garbage collector tracks (``gc.freeze``) until the run ends.

        A run makes no reference cycles (reference counting frees its values), but it keeps about a
        third as many new objects as the models it starts from, which is what makes the collector walk
        every tracked object: with 1,000 content types in memory, that one full collection took 0.56 to
        0.84 s, on top of about 1.2 s for the plan itself. Frozen objects are not walked, while whatever is made during
        the run, in any thread, is collected as usual; after the run they are collected as usual too.
        A heap frozen already (by an enclosing run or by the program) is left as it is; so is the heap
        when this run is entered again (a caller's run passed to ``make_plan``), until the outer ``with``.
        """
        if self._depth == 0:
            self._froze = gc.get_freeze_count() == 0
            if self._froze:
                gc.freeze()
        self._depth += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._froze:
            gc.unfreeze()
            self._froze = False

    def _is_known(self, value: object) -> bool:
        return self._known.get(id(value)) is value

    def _canonical(self, value: _V) -> _V:
        """Remember ``value`` as canonical and return it."""
        self._known[id(value)] = value
        return value

    # -- the parts ------------------------------------------------------------------------------

    def validations(self, validations: Validations) -> Validations:
        """:func:`~reconcile.normalize.normalize_validations`, remembered."""
        if not validations:
            return validations
        result: Validations = _remembered(self._validations, validations, normalize_validations)
        return result

    def settings(self, settings: JsonObject) -> JsonObject | None:
        """:func:`~reconcile.normalize.normalize_settings`, remembered."""
        result: JsonObject | None = _remembered(self._settings, settings, normalize_settings)
        return result

    def _part(
        self, table: dict[Any, _P], value: _P, key_of: Callable[[_P], Any], canonical: Callable[[_P], _P]
    ) -> _P:
        """The canonical form of ``value`` (a field or a control): the one this run holds for an equal
        input, else ``canonical(value)``, then remembered under the input's key and under its own."""
        if self._known.get(id(value)) is value:  # _is_known, inlined: asked for every field of both sides
            return value
        key = key_of(value)
        result = None if key is None else table.get(key)
        if result is not None:
            return result
        result = canonical(value)
        own = key if result is value else key_of(result)
        if own is not None:
            result = table.setdefault(own, result)
        if key is not None:
            table[key] = result
        return self._canonical(result)

    def field(self, field: Field) -> Field:
        """The canonical form of ``field``; equal inputs give the same object."""
        return self._part(self._fields, field, field_key, self._canonical_field)

    def _canonical_field(self, field: Field) -> Field:
        return normalize_field(field, self.validations)

    def control(self, control: Control) -> Control:
        """The canonical form of ``control``; equal inputs give the same object."""
        return self._part(self._controls, control, control_key, self._canonical_control)

    def _canonical_control(self, control: Control) -> Control:
        return normalize_control(control, self.settings)

    def bare_control(self, field_id: str) -> Control:
        """:func:`~reconcile.normalize.bare_control`, shared with equal controls read elsewhere."""
        control = self._bare_controls.get(field_id)
        if control is None:
            control = self._bare_controls[field_id] = self.control(bare_control(field_id))
        return control

    # -- content types and editor interfaces ----------------------------------------------------

    def content_type(self, content_type: ContentType) -> ContentType:
        """:func:`~reconcile.normalize.normalize_content_type`; equal inputs give the same object."""
        if self._is_known(content_type):
            return content_type
        # The exact input first: one dump answers an input equal to one this run normalised before (the
        # declared side of every content type that the live side holds unchanged), not one per field.
        raw = exact(raw_content_type(content_type))
        known = None if raw is None else self._raw_content_types.get(raw)
        if known is None:
            known = self._content_type_of_fields(content_type)
            if raw is not None:
                self._raw_content_types[raw] = known
        return known

    def _content_type_of_fields(self, content_type: ContentType) -> ContentType:
        """The canonical ``content_type`` from its fields' canonical forms, shared with an equal one."""
        fields = self._fields_of(content_type)
        # The key of the canonical value: its scalars as they will be, its fields (known before any copy).
        scalars = (content_type.id, content_type.name, no_text(content_type.description),
                   no_text(content_type.display_field))
        key = parent_key(scalars, content_type_others(content_type), fields)
        known = None if key is None else self._content_types.get(key)
        if known is None:
            known = content_type_with(content_type, fields)
            if key is not None:
                self._content_types[key] = known
        self._by_id[known.id] = known
        return self._canonical(known)

    def _fields_of(self, content_type: ContentType) -> tuple[Field, ...]:
        """The canonical fields of ``content_type``: interned (:meth:`field`) where this run made a content type
        with its id before (the declared side of a changed one: its fields then share the live ones), else
        each made canonical without a key (the first side: one dump per field fewer)."""
        previous = self._by_id.pop(content_type.id, None)
        if previous is None:
            return tuple(
                field if self._is_known(field) else self._canonical(self._canonical_field(field))
                for field in content_type.fields
            )
        for field in previous.fields:  # canonical already: keyed as they are
            key = field_key(field)
            if key is not None:
                self._fields.setdefault(key, field)
        return tuple(map(self.field, content_type.fields))

    def editor_interface(self, editor_interface: EditorInterface | None, content_type: ContentType) -> EditorInterface:
        """:func:`~reconcile.normalize.normalize_editor_interface`; equal inputs give the same object."""
        fields = content_type.fields
        if editor_interface is None:
            editor_interface = created_editor_interface(content_type)
        elif (
            self._is_known(editor_interface)
            and editor_interface.content_type_id == content_type.id
            and self._follows(editor_interface, fields)
        ):
            return editor_interface
        known = self._interfaces_by_id.get(content_type.id)
        if (
            known is not None
            and self._follows(known, fields)
            and normalizes_to(editor_interface, fields, known, self.settings, exact)
        ):
            return known
        # The result depends only on the input's exact value, the content type's id and its field ids. The first
        # editor interface of a content type (``known`` None) has no key: none made before holds its id.
        raw = None if known is None else exact(
            (
                {**editor_interface.__dict__, "controls": tuple(map(attribute_dict, editor_interface.controls))},
                content_type.id,
                tuple(map(ident, fields)),
            )
        )
        result = None if raw is None else self._raw_editor_interfaces.get(raw)
        if result is None:
            result = self._shared(
                normalize_editor_interface(editor_interface, content_type, self._control_for(known), self.bare_control)
            )
            if raw is not None:
                self._raw_editor_interfaces[raw] = result
        if known is None:
            self._unkeyed[id(result)] = result
        self._fits[id(result)] = (result, fields)
        self._interfaces_by_id[content_type.id] = result
        return result

    def _control_for(self, previous: EditorInterface | None) -> Callable[[Control], Control]:
        """How to normalise the controls of an editor interface: the first one of its content type this run
        meets (``previous`` None) without keys, one dump fewer per control; the next ones interned
        (:meth:`control`), after keying the controls of the one before, so that they share its controls."""
        if previous is None:
            return self._unkeyed_control
        if self._unkeyed.pop(id(previous), None) is previous:
            for control in previous.controls:  # canonical already: keyed as they are
                key = control_key(control)
                if key is not None:
                    self._controls.setdefault(key, control)
        return self.control

    def _unkeyed_control(self, control: Control) -> Control:
        return control if self._is_known(control) else self._canonical(self._canonical_control(control))

    def _follows(self, editor_interface: EditorInterface, fields: tuple[Field, ...]) -> bool:
        """Whether the controls of ``editor_interface`` (canonical) are those of ``fields``, in order."""
        known = self._fits.get(id(editor_interface))
        if known is not None and known[0] is editor_interface and known[1] is fields:
            return True  # checked before against this very tuple of fields
        if len(editor_interface.controls) == len(fields) and all(
            c.field_id == f.id for c, f in zip(editor_interface.controls, fields, strict=True)
        ):
            self._fits[id(editor_interface)] = (editor_interface, fields)
            return True
        return False

    def _shared(self, editor_interface: EditorInterface) -> EditorInterface:
        """The canonical ``editor_interface``, or an equal one this run made before."""
        key = parent_key(
            editor_interface_scalars(editor_interface),
            editor_interface_others(editor_interface),
            editor_interface.controls,
        )
        if key is not None:
            editor_interface = self._editor_interfaces.setdefault(key, editor_interface)
        return self._canonical(editor_interface)

    # -- models ---------------------------------------------------------------------------------

    def normalize(self, model: ContentModel) -> ContentModel:
        """:func:`~reconcile.normalize.canonical_model`, sharing; a model this run returned, or one of the last
        few it normalised, is answered at once."""
        if self._is_known(model):
            return model
        known = self._normalized.get(id(model))
        if known is not None and known[0] is model:
            return known[1]
        result = self._canonical(canonical_model(model, self.content_type, self.editor_interface))
        while len(self._normalized) >= _NORMALIZED_LIMIT:
            del self._normalized[next(iter(self._normalized))]
        self._normalized[id(model)] = (model, result)
        return result

    def with_tags(self, model: ContentModel, tags: dict[str, Tag] | None) -> ContentModel:
        """``model`` (canonical) with ``tags`` (canonical: a canonical model's), canonical: what normalising
        ``model``'s input with those tags gives, without walking its content types again."""
        return self._canonical(model.model_copy(update={"tags": tags}))

    def forget(self, model: ContentModel) -> None:
        """Stop answering ``model`` at once (see :meth:`normalize`), so that the run no longer holds it: the
        executor's verifications each read the whole environment and need it only for one fingerprint."""
        known = self._normalized.get(id(model))
        if known is not None and known[0] is model:
            del self._normalized[id(model)]

    def document(self, value: Document) -> bytes:
        """:func:`~reconcile.normalize.document_json` of a canonical value, remembered."""
        known = self._documents.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        data = document_json(value)
        self._documents[id(value)] = (value, data)
        return data

    def fingerprint(self, model: ContentModel) -> str:
        """:func:`~reconcile.normalize.fingerprint`, from the remembered JSON of the shared values."""
        return canonical_fingerprint(self.normalize(model), self.document)
