"""A full pull's content types taken straight from their live JSON (issue 16): the canonical JSON of each content
type and editor interface (for the fingerprint and the pull's record) and the text of its new file, without
building, normalising or dumping model values (``backend.canonical``, ``declared.rendering``).

A pull with no record of an earlier one (an empty models folder, a fresh clone) spent about 0.9 s of CPU at
1,000 content types of 50 fields parsing, normalising, dumping and rendering them. The content types taken so
are those of the common shapes; the others, and those the record knows, are pulled as before
(``workflows.pulling``). A file that exists with another text than the new file's is compared and edited from
the document the parser and the writer make of that content type, as before (``Rendered.doc``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from reconcile.backend import RawEnvironment, content_type_from_api, editor_interface_from_api
from reconcile.backend.canonical import canonical_parts
from reconcile.backend.translate import content_type_link, sys_id
from reconcile.declared.pulltypes import Pulled
from reconcile.declared.rendering import Renderer
from reconcile.declared.writer import Rendered, content_type_doc
from reconcile.interning import Interner
from reconcile.model import JsonObject
from reconcile.normalize import content_json


@dataclass(frozen=True)
class Fast:
    """A content type taken straight from its live JSON: what the pull's record holds of it, and its file."""

    pulled: Pulled
    rendered: Rendered


def fast_parts(raw: RawEnvironment, live_keys: dict[str, str], run: Interner) -> dict[str, Fast]:
    """The content types of ``live_keys`` (id -> the ``cache.content_key`` of its live JSON: ``pulling``'s, whose
    ids are checked to be one model file each) that are taken straight from their JSON in ``raw``."""
    if not live_keys:
        return {}
    interfaces = {content_type_link(d): d for d in raw.editor_interfaces}  # one each: ``content_type_json``
    renderer, found = Renderer(), {}
    for d in raw.content_types:
        ct_id = sys_id(d)
        key = live_keys.get(ct_id)
        parts = None if key is None else canonical_parts(d, interfaces.get(ct_id), run)
        if key is None or parts is None:
            continue
        ct_json, ei_json, text = content_json(parts[0]), content_json(parts[1]), renderer.text(*parts)
        if ct_json is not None and ei_json is not None and text is not None:
            doc = partial(_doc, d, interfaces.get(ct_id), run)
            found[ct_id] = Fast(Pulled(key, "", ct_json, ei_json), Rendered(text, doc))
    return found


def _doc(ct_json: JsonObject, ei_json: JsonObject | None, run: Interner) -> dict[str, object]:
    """The document of the content type of ``ct_json`` (and editor interface ``ei_json``), as the writer makes it
    from the parsed and normalised values."""
    ct = run.content_type(content_type_from_api(ct_json))
    ei = run.editor_interface(None if ei_json is None else editor_interface_from_api(ei_json), ct)
    return content_type_doc(ct, ei)
