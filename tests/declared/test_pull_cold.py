"""Property (issue 16): a pull with no record of an earlier one, which takes the content types of the common shapes
straight from their live JSON (``workflows.pullfast``), writes exactly what a pull of everything writes (the files,
their bytes, the list of files written) and gives the same live fingerprint: into an empty folder, over a copied
folder of another model (no ``.reconcile``), with a comment or a ``#:schema`` line in a file, whatever shapes the
live JSON takes; and its record serves the next pull."""

from __future__ import annotations

import importlib
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.backend import RawEnvironment, parse_environment
from reconcile.declared import write_models
from reconcile.declared.pulled import folder_state
from reconcile.interning import Interner
from reconcile.model import ContentModel, ContentType, Control, EditorInterface, Field, Items
from reconcile.normalize import fingerprint, normalize
from tests.backend.test_canonical import TAKEN, _mangle
from tests.declared.test_pull_incremental import files, full_pull, project_at, raw_of
from tests.reliability.models import model_pairs

pulling = importlib.import_module("reconcile.workflows.pulling")
pullfast = importlib.import_module("reconcile.workflows.pullfast")
FOLDERS = ("empty", "copied", "a comment", "a schema line", "a stale file")
# Left to the parser, and parsed: pulled in full beside those taken straight.
PARSED = ["default value", "empty default value", "allowed resources", "metadata"]


def mangled(raw: RawEnvironment, mangles: list[tuple[str, int]]) -> RawEnvironment:
    """``raw`` as read (fresh lists) with each of ``mangles`` applied to every content type it holds."""
    raw = RawEnvironment(**json.loads(json.dumps(raw.__dict__)))
    interfaces = {d["sys"]["contentType"]["sys"]["id"]: d for d in raw.editor_interfaces}
    for ct in raw.content_types:
        ei = interfaces.get(ct["sys"]["id"])
        for how, at in mangles:
            ei = _mangle(ct, ei, how, at)
        interfaces[ct["sys"]["id"]] = ei  # type: ignore[assignment]
    return RawEnvironment(raw.content_types, [d for d in interfaces.values() if d is not None], raw.locales)


def prepare(models: Path, before: ContentModel, folder: str) -> None:
    """The models folder as a fresh clone of another pull's files (``before``) would leave it."""
    if folder == "empty":
        return
    write_models(normalize(before), models, normalized=True)
    paths = sorted((models / "content_types").glob("*.toml"))
    if folder == "a comment" and paths:
        paths[0].write_text("# kept\n" + paths[0].read_text(encoding="utf-8"), encoding="utf-8")
    elif folder == "a schema line":
        for path in paths:
            path.write_text("#:schema ../schema/content_type.json\n" + path.read_text(encoding="utf-8"),
                            encoding="utf-8")
    elif folder == "a stale file":
        (models / "content_types" / "gone.toml").write_text('format = 1\nid = "gone"\nname = "Gone"\n',
                                                             encoding="utf-8")


@pytest.mark.slow  # 60 examples of two pulls and a full one each: ~15 s
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(pair=model_pairs(), folder=st.sampled_from(FOLDERS),
       mangles=st.lists(st.tuples(st.sampled_from(TAKEN + PARSED), st.integers(0, 9)), max_size=2))
def test_a_pull_without_a_record_writes_what_a_full_pull_writes(
    pair: tuple[ContentModel, ContentModel], folder: str, mangles: list[tuple[str, int]]
) -> None:
    after, before = pair
    live = mangled(raw_of(after, None), mangles)
    with tempfile.TemporaryDirectory(prefix="pull-cold-") as tmp:
        ours, theirs = project_at(Path(tmp) / "ours"), project_at(Path(tmp) / "theirs")
        prepare(ours.models_dir, before, folder)
        if ours.models_dir.exists():
            shutil.copytree(ours.models_dir, theirs.models_dir)

        written, live_fingerprint = pulling.write_all(ours, ours.config.target(None), live,
                                                      folder_state(ours.models_dir))

        expected_written, expected_fingerprint = full_pull(theirs, live)
        assert [p.relative_to(ours.models_dir) for p in written] == \
            [p.relative_to(theirs.models_dir) for p in expected_written]
        assert files(ours.models_dir) == files(theirs.models_dir)
        assert live_fingerprint == expected_fingerprint == fingerprint(parse_environment(live).model)
        # the record written so serves the next pull: nothing to write, the same fingerprint
        assert pulling.write_all(ours, ours.config.target(None), live) == ([], expected_fingerprint)


def test_the_content_types_of_the_common_shapes_are_taken_straight() -> None:
    fields = (Field(id="title", name="Title", type="Symbol", required=True, validations=({"size": {"max": 80}},)),
              Field(id="tags", name="Tags", type="Array", items=Items(type="Symbol", validations=({"unique": True},))))
    plain = ContentType(id="plain", name="Plain", display_field="title", fields=fields)
    model = ContentModel(content_types={
        "plain": plain,
        "default": ContentType(id="default", name="D", fields=(
            Field(id="f", name="F", type="Symbol", default_value={"en-US": "x"}),)),
    }, editor_interfaces={"plain": EditorInterface(content_type_id="plain", controls=(
        Control(field_id="title", widget_id="singleLine", settings={"helpText": "h"}),))})
    raw = raw_of(normalize(model), None)

    taken = pullfast.fast_parts(raw, {"plain": "p", "default": "d"}, Interner())

    assert list(taken) == ["plain"]
    assert taken["plain"].pulled.live == "p"
