"""The live environment read against a known model: what the API holds exactly as the tool would send a known
value is taken as that value, not parsed (issue 16).

A plan compares the live environment with the declared models, and most of the live content types and editor
interfaces are the declared ones, written by an earlier apply. Parsing each into model values (about 0.2 s at
1,000 content types of 50 fields) and normalising them (another 0.2 s) only finds again values the run holds
already. :func:`parse_like` parses the environment as :func:`~reconcile.backend.translate.parse_environment`
does, but a content type (editor interface) whose JSON, ``sys`` aside, is exactly the PUT body of the known
value with its id (``content_type_to_api``, ``editor_interface_to_api``) is that known value itself.

Why the result is the same: for the values taken so, parsing the PUT body gives the value back
(``content_type_from_api(content_type_to_api(ct)) == ct``; ``tests/backend/test_known.py`` checks it on
generated values, and that the model has no attribute the reasoning here does not cover). That holds for every
value but those the guards (``_round_trips``) leave to the parser: a field rename (sent as its old id plus
``newId``), annotations and taxonomy (sent inside ``metadata``), and unmanaged keys. "Exactly" is checked twice:
by ``==`` (which tells NaN from null and from another NaN, and a list from a tuple) and by the JSON text of both
(which tells ``1`` from ``1.0`` and from ``true``, and keys in another order: there the parser would keep the
live order), both in C. Only the order of a resource's own top-level keys is left aside: it is the server's
(the real API sends ``sys`` and ``displayField`` first) and the parser does not keep it. A field whose keys the
server orders otherwise than the tool sends them, or JSON that ``orjson`` cannot write, is parsed as usual.
"""

from __future__ import annotations

import orjson

from reconcile.backend.translate import (
    RawEnvironment,
    content_type_from_api,
    content_type_link,
    content_type_to_api,
    editor_interface_from_api,
    editor_interface_to_api,
    parse_environment,
    sys_id,
)
from reconcile.model import ContentModel, ContentType, EditorInterface, JsonObject, LiveState


def parse_like(raw: RawEnvironment, like: ContentModel) -> LiveState:
    """:func:`~reconcile.backend.translate.parse_environment` of ``raw``, each content type and editor interface
    whose JSON is exactly what ``like`` holds for it as sent being ``like``'s value itself."""

    def content_type(d: JsonObject) -> ContentType:
        known = like.content_types.get(sys_id(d))
        if known is not None and _round_trips(known) and _is_sent(d, content_type_to_api(known)):
            return known
        return content_type_from_api(d)

    def editor_interface(d: JsonObject) -> EditorInterface:
        ct_id = content_type_link(d)
        known = None if ct_id is None else like.editor_interfaces.get(ct_id)
        if known is not None and not known.unmanaged and _is_sent(d, editor_interface_to_api(known)):
            return known
        return editor_interface_from_api(d)

    return parse_environment(raw, content_type=content_type, editor_interface=editor_interface)


def _round_trips(content_type: ContentType) -> bool:
    """Whether parsing the PUT body of ``content_type`` gives it back (see the module docstring)."""
    if content_type.unmanaged or content_type.annotations or content_type.taxonomy:
        return False
    return all(field.renamed_from is None and not field.annotations for field in content_type.fields)


def _is_sent(d: JsonObject, body: JsonObject) -> bool:
    """Whether the resource JSON ``d`` is, ``sys`` aside, exactly ``body`` (see the module docstring)."""
    if len(d) != len(body) + 1 or "sys" not in d:
        return False
    try:
        rest = {key: d[key] for key in body}
    except KeyError:
        return False
    if rest != body:
        return False
    text = _text(body)
    return text is not None and _text(rest) == text


def _text(value: JsonObject) -> bytes | None:
    try:
        return orjson.dumps(value)
    except TypeError:  # integers beyond 64 bits, keys that are not strings, lone surrogates
        return None
