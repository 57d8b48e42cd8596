"""Property (issue 16): a pull that takes content types from its record (``workflows.pulling``,
``declared.pulltypes``) writes exactly what a pull of everything writes (the files, their bytes, the list of
files written) and gives the same live fingerprint, whatever changed in between: content types changed,
added or removed live, a file edited, removed or given a comment, the record damaged."""

from __future__ import annotations

import importlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile import workflows
from reconcile.backend import (
    RawEnvironment,
    content_type_json,
    content_type_to_api,
    editor_interface_to_api,
    locale_to_api,
    parse_environment,
)
from reconcile.declared import write_models
from reconcile.declared.pulled import folder_state
from reconcile.interning import Interner
from reconcile.model import ContentModel
from reconcile.normalize import fingerprint
from tests.reliability.models import model_pairs
from tests.support import target_section, write_config

pulling = importlib.import_module("reconcile.workflows.pulling")
writer = importlib.import_module("reconcile.declared.writer")
TWEAKS = ("none", "comment", "rename", "remove file", "damage record", "remove record", "same live")


def link(ct_id: str) -> dict[str, Any]:
    return {"sys": {"type": "Link", "linkType": "ContentType", "id": ct_id}}


def raw_of(model: ContentModel, before: ContentModel | None) -> RawEnvironment:
    """The live JSON of ``model``; a content type unchanged from ``before`` keeps its version."""

    def version(ct_id: str) -> int:
        old = before.content_types.get(ct_id) if before else None
        return 1 if old is None or old == model.content_types[ct_id] else 2

    return RawEnvironment(
        [{"sys": {"id": ct.id, "type": "ContentType", "version": version(ct.id)}, **content_type_to_api(ct)}
         for ct in model.content_types.values()],
        [{"sys": {"id": "default", "contentType": link(ct_id)}, **editor_interface_to_api(ei)}
         for ct_id, ei in model.editor_interfaces.items()],
        [{"sys": {"id": code}, **locale_to_api(loc), "default": loc.default} for code, loc in model.locales.items()],
    )  # fmt: skip


def full_pull(project: workflows.Project, raw: RawEnvironment) -> tuple[list[Path], str]:
    """A pull of everything, as before the record: parse, normalise, fingerprint, write every file."""
    live = parse_environment(raw)
    with Interner() as run:
        model = run.normalize(live.model)
        live_fingerprint = run.fingerprint(model)
    scope = project.config.target(None).scope
    return write_models(model, project.models_dir, scope=scope, normalized=True), live_fingerprint


def files(models: Path) -> dict[str, bytes]:
    return {p.relative_to(models).as_posix(): p.read_bytes() for p in sorted(models.rglob("*.toml"))}


def tweak(project: workflows.Project, how: str, ct_id: str) -> None:
    path = project.models_dir / "content_types" / f"{ct_id}.toml"
    [record] = (project.config.state_dir / "cache").glob("pulltypes-*.json")
    if how == "comment":
        path.write_text("# a note\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    elif how == "rename":
        path.write_text(path.read_text(encoding="utf-8").replace('name = "', 'name = "Other ', 1), encoding="utf-8")
    elif how == "remove file":
        path.unlink()
    elif how == "damage record":
        record.write_bytes(record.read_bytes()[:-3] + b"x\n")
    elif how == "remove record":
        record.unlink()


def project_at(root: Path) -> workflows.Project:
    root.mkdir()
    write_config(root, target_section("http://127.0.0.1:9"))
    return workflows.load_project(None, None, root)


@pytest.mark.slow  # 60 examples of two pulls and a full one each: ~10 s
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(pair=model_pairs(), how=st.sampled_from(TWEAKS), which=st.integers(min_value=0))
def test_a_pull_from_the_record_writes_what_a_full_pull_writes(
    pair: tuple[ContentModel, ContentModel], how: str, which: int
) -> None:
    after, before = pair
    if how == "same live":
        after = before
    with tempfile.TemporaryDirectory(prefix="pull-incremental-") as tmp:
        ours, theirs = project_at(Path(tmp) / "ours"), project_at(Path(tmp) / "theirs")
        pulling.write_all(ours, ours.config.target(None), raw_of(before, None))
        ids = sorted(before.content_types)
        tweak(ours, how, ids[which % len(ids)])
        shutil.copytree(ours.models_dir, theirs.models_dir)
        live = raw_of(after, before)
        state = folder_state(ours.models_dir)  # the files' digests as the pull record read them
        written, live_fingerprint = pulling.write_all(ours, ours.config.target(None), live, state)
        expected_written, expected_fingerprint = full_pull(theirs, live)
        assert [p.relative_to(ours.models_dir) for p in written] == \
            [p.relative_to(theirs.models_dir) for p in expected_written]
        assert files(ours.models_dir) == files(theirs.models_dir)
        assert live_fingerprint == expected_fingerprint == fingerprint(parse_environment(live).model)
        # and again over what it wrote: nothing to write, the same fingerprint, no content type rendered
        rendered: list[Path] = []
        real = writer._file_text
        writer._file_text = lambda path, *args: rendered.append(path) or real(path, *args)
        try:
            assert pulling.write_all(ours, ours.config.target(None), live) == ([], expected_fingerprint)
        finally:
            writer._file_text = real
        assert [path.parent.name for path in rendered] == ["models"]  # locales.toml alone


def _ct(ct_id: Any, **extra: Any) -> dict[str, Any]:
    return {"sys": {"id": ct_id, "version": 1}, "name": "A", "fields": [], **extra}


def _ei(ct_id: str) -> dict[str, Any]:
    return {"sys": {"id": "default", "contentType": link(ct_id)}, "controls": []}


@pytest.mark.parametrize(("content_types", "interfaces"), [
    ([_ct("a"), _ct("a")], []),  # repeated
    ([_ct("Blog"), _ct("blog")], []),  # one file where names ignore case
    ([_ct(None)], []),  # no id
    ([_ct("../x")], []),  # not a file name
    ([_ct("a")], [_ei("a"), _ei("a")]),  # two editor interfaces
    ([_ct("a")], [{"sys": {"id": "default"}, "controls": []}]),  # an editor interface without its link
])
def test_live_json_whose_ids_are_not_one_file_each_is_pulled_in_full(
    content_types: list[dict[str, Any]], interfaces: list[dict[str, Any]]
) -> None:
    assert content_type_json(RawEnvironment(content_types, interfaces, [])) is None


def test_each_content_type_with_its_editor_interface_and_none_orjson_cannot_write() -> None:
    raw = RawEnvironment([_ct("a"), _ct("b"), _ct("big", description=2**70)], [_ei("b")], [])
    assert content_type_json(raw) == {
        "a": orjson.dumps(_ct("a")) + b"\nnull",
        "b": orjson.dumps(_ct("b")) + b"\n" + orjson.dumps(_ei("b")),
    }
