"""Content models the tool did not create survive the user's workflow, through the CLI.

A space is seeded through the CMA HTTP API (PUT + publish, then the editor interface PUT), as the web app or
another tool would, with content types in the shapes real Contentful answered in the recorded traffic; then
``pull`` into an empty models folder, ``plan`` (no change), a small edit of the pulled files, ``apply``, ``plan``
(no change), ``revert latest``: the live content types and editor interfaces are exactly as seeded (their CMA
JSON without ``sys``), each published with no draft ahead.

``EMBEDDED`` holds small copies of the shapes that matter (so this runs without ``../shared``); the recorded
test takes every distinct content type of 2017 and later from ``../shared/cma-recordings`` (2014-2016 legacy
shapes are left out, as ``docs/conformance.md`` does; so are the Java curl captures and the snapshot endpoint).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from typing import Any

import requests

from reconcile.emulator import Fault
from tests.conformance.recordings import cassette_files, load_cassette
from tests.shared import needs_recordings

from .conftest import TOKEN, Workspace
from .test_transforms import cli

JSON = dict[str, Any]
Seed = dict[str, tuple[JSON, JSON | None]]  # content type id -> (content type body, editor interface body or None)
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/vnd.contentful.management.v1+json"}


def _f(ident: str, kind: str, validations: list[JSON] | None = None, **extra: Any) -> JSON:
    """A field as the server answers it (every default key present, the server's key order)."""
    field: JSON = {"id": ident, "name": ident, "type": kind, "localized": False, "required": False,
                   "validations": validations or [], "disabled": False, "omitted": False}
    return {**field, **extra}


EMBEDDED: Seed = {
    # contentful-management.php tests/Recordings/e2e_content_type_full_fields.json (2019): every field type;
    # items validations not in canonical order; `regexp` after `unique`; `min` before `max`.
    "fullContentType": ({
        "name": "Full Content Type", "description": "This content type includes all field types", "displayField": None,
        "fields": [
            _f("arrayField", "Array", [{"size": {"min": 1, "max": 10}}], items={"type": "Link", "validations": [
                {"assetFileSize": {"max": 10485760}},
                {"assetImageDimensions": {"width": {"min": 50, "max": 1000}, "height": {"min": 50, "max": 1000}}},
                {"linkMimetypeGroup": ["image"]}], "linkType": "Asset"}),
            _f("booleanField", "Boolean"),
            _f("dateField", "Date", [{"dateRange": {"min": "2010-01-01", "max": "2020-12-31"}}]),
            _f("integerField", "Integer", [{"range": {"min": 1, "max": 10}}]),
            _f("linkField", "Link", [{"linkContentType": ["bookmark"]}], linkType="Entry"),
            _f("locationField", "Location"),
            _f("numberField", "Number", [{"in": [1, 2, 3]}]),
            _f("objectField", "Object"),
            _f("richTextField", "RichText"),
            _f("symbolField", "Symbol", [{"unique": True}, {"regexp": {"pattern": "^such", "flags": "im"}}]),
            _f("textField", "Text"),
        ]}, None),
    # contentful-management.php e2e_content_type_all.json (2020): description "", items validations
    # [linkMimetypeGroup, assetFileSize]; rich text [size, nodes {}].
    "complexContentType": ({
        "name": "Complex Content Type", "description": "", "displayField": "symbolField", "fields": [
            _f("arrayField", "Array", items={"type": "Link", "validations": [
                {"linkMimetypeGroup": ["image"]}, {"assetFileSize": {"max": 10485760}}], "linkType": "Asset"}),
            _f("symbolField", "Symbol"),
            _f("testRichText", "RichText", [{"size": {"min": 0, "max": 200}}, {"nodes": {}}]),
        ]}, None),
    # contentful-migration integration recording of 2021-04-19, #37 (`dieatary-food`): nulls kept inside
    # validations, a `message`; its editor interface as the server made it (bare controls).
    "dieatary-food": ({
        "name": "Dieatary Food", "description": "Food with up to 500 calories", "displayField": None, "fields": [
            _f("name", "Symbol", [{"unique": True}, {"prohibitRegexp": {"pattern": "foo", "flags": None},
                                                     "message": "asdf"}]),
            _f("calories", "Link", [{"assetImageDimensions": {"width": {"min": 1199, "max": None},
                                                              "height": {"min": None, "max": None}}}],
               linkType="Asset"),
        ]}, {"controls": [{"fieldId": "name"}, {"fieldId": "calories"}]}),
    # contentful-management.py content_type/create_with_resource_link_field (2023): `contentTypes` not sorted;
    # update_default_value (2023): a per-locale default; issue_17 (2017): Array items without `validations`.
    "resourceLinks": ({
        "name": "Create Test", "description": "Something goes here...", "displayField": None, "fields": [
            _f("myResourceLink", "ResourceLink", localized=True, allowedResources=[{
                "type": "Contentful:Entry", "source": "crn:contentful:::content:spaces/yb41ceqgyiw5",
                "contentTypes": ["foo", "bar"]}]),
            _f("hello", "Symbol", defaultValue={"en-US": "bhushan"}),
            _f("likes", "Array", items={"type": "Symbol"}),
        ]}, None),
    # contentful-management.php e2e_editor_interface_get_update (2018): controls without widgetNamespace, rating
    # settings; description "" as answered then.
    "bookmark": ({
        "name": "Bookmark", "description": "", "displayField": "name",
        "fields": [_f("name", "Symbol"), _f("website", "Symbol"), _f("rating", "Integer")]},
        {"controls": [{"fieldId": "name", "widgetId": "singleLine"}, {"fieldId": "website", "widgetId": "urlEditor"},
                      {"fieldId": "rating", "widgetId": "rating", "settings": {"stars": 5}}]}),
    # contentful-migration recording of 2019-06-07, #104 (`customSidebar`): no fields, a custom sidebar.
    "customSidebar": ({"name": "Custom sidebar", "description": "How to add, remove and update widgets",
                       "displayField": None, "fields": []},
                      {"controls": [], "sidebar": [
                          {"disabled": False, "settings": {}, "widgetId": "publication-widget",
                           "widgetNamespace": "sidebar-builtin"},
                          {"disabled": False, "settings": {"imageField": "image", "tagField": "tags"},
                           "widgetId": "imageTaggingExtensionId", "widgetNamespace": "extension"}]}),
    # Not recorded: the rich text and editor interface keys of the API documentation (../shared/docs/cma-facts.md
    # §4.2 and §5), in the orders a web app may write them.
    "documented": ({
        "name": "Documented", "description": None, "displayField": "title", "fields": [
            _f("title", "Symbol", [{"size": {"max": 120, "min": 1}, "message": None}]),
            _f("body", "RichText", [{"enabledMarks": ["italic", "bold"]},
                                    {"enabledNodeTypes": ["hyperlink", "heading-2", "entry-hyperlink"]},
                                    {"nodes": {"entry-hyperlink": [{"linkContentType": ["documented", "bookmark"]}]}}]),
            _f("hidden", "Symbol", required=True, localized=True, disabled=True),
            _f("gone", "Text", omitted=True),
        ]}, {
        "controls": [{"fieldId": "title", "widgetId": "singleLine", "widgetNamespace": "builtin",
                      "settings": {"helpText": "Shown in lists"}},
                     {"fieldId": "body", "widgetId": "richTextEditor", "widgetNamespace": "builtin"}],
        "editors": [{"widgetId": "default-editor", "widgetNamespace": "editor-builtin", "settings": {},
                     "disabled": False}],
        "editorLayout": [{"groupId": "content", "name": "Content", "items": [{"fieldId": "title"}]},
                         {"groupId": "more", "name": "More", "items": [{"fieldId": "body"}]}],
        "groupControls": [{"groupId": "content", "widgetId": "topLevelTab", "widgetNamespace": "builtin"},
                          {"groupId": "more", "widgetId": "topLevelTab", "widgetNamespace": "builtin"}]}),
}


# --------------------------------------------------------------------------------------------- the space


def _env(ws: Workspace) -> str:
    return f"{ws.emulator.base_url}/spaces/local/environments/master"


def _send(method: str, url: str, body: JSON | None = None, version: int | None = None) -> JSON:
    headers = HEADERS if version is None else {**HEADERS, "X-Contentful-Version": str(version)}
    response = requests.request(method, url, json=body, headers=headers, timeout=30)
    assert response.status_code in (200, 201), f"{method} {url}: {response.status_code} {response.text}"
    result: JSON = response.json()
    return result


def seed(ws: Workspace, content_types: Seed) -> None:
    """Create and publish each content type, then PUT its editor interface, as another tool would."""
    for ct_id, (body, interface) in content_types.items():
        url = f"{_env(ws)}/content_types/{ct_id}"
        created = _send("PUT", url, body)
        _send("PUT", f"{url}/published", version=created["sys"]["version"])
        if interface is not None:
            current = _send("GET", f"{url}/editor_interface")
            _send("PUT", f"{url}/editor_interface", interface, current["sys"]["version"])


def live(ws: Workspace) -> dict[str, JSON]:
    """Each content type's JSON and its editor interface's, without ``sys``; and whether it is published
    with no draft ahead."""
    state = {}
    for item in _send("GET", f"{_env(ws)}/content_types?limit=1000")["items"]:
        ct_id, sys = item["sys"]["id"], item["sys"]
        interface = _send("GET", f"{_env(ws)}/content_types/{ct_id}/editor_interface")
        state[ct_id] = {
            "content_type": {k: v for k, v in item.items() if k != "sys"},
            "editor_interface": {k: v for k, v in interface.items() if k != "sys"},
            "published": sys.get("publishedVersion") is not None and sys["version"] == sys["publishedVersion"] + 1,
        }
    return state


# --------------------------------------------------------------------------------------------- the workflow


def edit(ws: Workspace, ct_id: str, old: str, new: str) -> None:
    path = ws.models / "content_types" / f"{ct_id}.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}:\n{text}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def survives(ws: Workspace, content_types: Seed, edits: Callable[[Workspace], None]) -> None:
    seed(ws, content_types)
    seeded = live(ws)
    assert all(state["published"] for state in seeded.values())
    survives_pulled(ws, seeded, edits)


def survives_pulled(ws: Workspace, seeded: dict[str, JSON], edits: Callable[[Workspace], None]) -> None:
    """Pull into an empty models folder, plan, ``edits``, apply, plan, revert: the space is as ``seeded``."""
    shutil.rmtree(ws.models)
    code, out, err = cli(ws, "pull")
    assert code == 0, out + err
    code, out, err = cli(ws, "plan")
    assert code == 0, f"plan right after pull wants changes:\n{out}{err}"
    edits(ws)
    code, out, err = cli(ws, "apply", "--auto-approve")
    assert code == 0, out + err
    untouched_as_seeded(seeded, live(ws))
    code, out, err = cli(ws, "plan")
    assert code == 0, f"plan after apply wants changes:\n{out}{err}"
    code, out, err = cli(ws, "revert", "latest", "--auto-approve")
    assert code == 0, out + err
    reverted = live(ws)
    assert set(reverted) == set(seeded)
    assert {ct_id: differences(state, reverted[ct_id]) for ct_id, state in seeded.items()
            if state != reverted[ct_id]} == {}, "not as seeded after the revert"


def untouched_as_seeded(seeded: dict[str, JSON], applied: dict[str, JSON]) -> None:
    """The apply changed only what the edits changed: a field whose name was not edited (nor renamed) is as
    seeded, and so is the description of each content type."""
    changed = {}
    for ct_id, state in seeded.items():
        before, after = state["content_type"], applied[ct_id]["content_type"]
        kept = {f["id"]: f for f in after["fields"]}
        for field in before["fields"]:
            now = kept.get(field["id"], field)  # a renamed field is the edit's
            if field["name"] == now["name"] and field != now:
                changed[f"{ct_id}.{field['id']}"] = differences(field, now)
        if before.get("description") != after.get("description"):
            changed[f"{ct_id}.description"] = [f"{before.get('description')!r} -> {after.get('description')!r}"]
    assert changed == {}, "the apply rewrote parts it did not change"


def differences(before: Any, after: Any, path: str = "") -> list[str]:
    """Where two JSON values differ, one line a difference."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [d for key in sorted(set(before) | set(after))
                for d in differences(before.get(key, "<absent>"), after.get(key, "<absent>"), f"{path}.{key}")]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        pairs = enumerate(zip(before, after, strict=True))
        return [d for i, (b, a) in pairs for d in differences(b, a, f"{path}[{i}]")]
    return [] if before == after else [f"{path}: {json.dumps(before)} -> {json.dumps(after)}"]


def _embedded_edits(ws: Workspace) -> None:
    edit(ws, "fullContentType", 'name = "integerField"', 'name = "Integer (edited)"')
    edit(ws, "fullContentType", "range = { max = 10, min = 1 }", "range = { max = 12, min = 1 }")
    path = ws.models / "content_types" / "fullContentType.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[[fields]]\nid = "added"\nname = "Added"\ntype = "Symbol"\n',
                    encoding="utf-8")
    edit(ws, "dieatary-food", 'name = "name"', 'name = "Name (edited)"')
    edit(ws, "complexContentType", 'name = "symbolField"', 'name = "Symbol (edited)"')
    edit(ws, "resourceLinks", 'name = "hello"', 'name = "Hello (edited)"')
    edit(ws, "bookmark", "stars = 5", "stars = 3")
    edit(ws, "documented", 'helpText = "Shown in lists"', 'helpText = "Shown in lists (edited)"')
    edit(ws, "customSidebar", 'name = "Custom sidebar"', 'name = "Custom sidebar (edited)"')
    edit(ws, "documented", 'name = "More"', 'name = "More (edited)"')
    edit(ws, "documented", 'id = "hidden"', 'id = "shown"\nrenamed_from = "hidden"')
    edit(ws, "documented", 'name = "gone"\ntype = "Text"\n', 'name = "Gone (edited)"\ntype = "Text"\nrequired = true\n')


def test_recorded_shapes_survive_pull_apply_revert(workspace: Workspace) -> None:
    survives(workspace, EMBEDDED, _embedded_edits)


# --------------------------------------------------------------------------------------------- the recordings


def _walk(body: Any, found: Callable[[JSON], None]) -> None:
    if isinstance(body, dict):
        if isinstance(body.get("sys"), dict) and body["sys"].get("type") in ("ContentType", "EditorInterface"):
            found(body)
        for value in body.values():
            _walk(value, found)
    elif isinstance(body, list):
        for value in body:
            _walk(value, found)


def recorded() -> Seed:
    """Every distinct content type answered in a recording of 2017 or later (its JSON without ``sys``) under a
    unique id (the recorded one, then a numbered one), each with the last recorded editor interface of that
    content type in the same recording whose controls name only its fields."""
    shapes: dict[str, tuple[str, str, JSON]] = {}
    interfaces: list[tuple[str, str, JSON]] = []
    for name, path in cassette_files().items():
        cassette = load_cassette(path, name)
        if cassette.legacy or name.startswith(("java/", "py/snapshot")):
            continue

        def found(body: JSON, name: str = name) -> None:
            rest = {k: v for k, v in body.items() if k != "sys"}
            if body["sys"]["type"] == "EditorInterface":
                interfaces.append((name, body["sys"]["contentType"]["sys"]["id"], rest))
            elif isinstance(body.get("fields"), list):
                shapes.setdefault(json.dumps(rest, sort_keys=True), (name, body["sys"]["id"], rest))

        for exchange in cassette.exchanges:
            _walk(exchange.response_body, found)
    result: Seed = {}
    used: set[tuple[str, str]] = set()
    for cassette_name, ct_id, body in shapes.values():
        fields = {f["id"] for f in body["fields"]}
        matching = [ei for name, of, ei in interfaces
                    if (name, of) == (cassette_name, ct_id) and {c["fieldId"] for c in ei["controls"]} <= fields]
        result[_unique(ct_id, result)] = (body, matching[-1] if matching else None)
        used |= {(cassette_name, ct_id)} if matching else set()
    last = {(name, of): ei for name, of, ei in interfaces if (name, of) not in used}  # content type not recorded
    for (_, ct_id), interface in last.items():
        if all(c.get("widgetId") in WIDGET_FIELDS for c in interface["controls"]):
            fields = [_f(c["fieldId"], **WIDGET_FIELDS[c["widgetId"]]) for c in interface["controls"]]
            result[_unique(ct_id, result)] = ({"name": ct_id, "fields": fields}, interface)
    return result


# The field a control's widget edits, for the recorded interfaces whose content type is not recorded
# (rb/editor_interfaces/all of 2025, update_sidebar of 2021; the 2021 migration recording's `richTextTest`).
WIDGET_FIELDS: dict[str, JSON] = {
    "singleLine": {"kind": "Symbol"}, "richTextEditor": {"kind": "RichText"}, "numberEditor": {"kind": "Integer"},
    "assetLinkEditor": {"kind": "Link", "linkType": "Asset"}, "entryLinkEditor": {"kind": "Link", "linkType": "Entry"},
    "resourceLinkEditor": {"kind": "ResourceLink", "allowedResources": [{
        "type": "Contentful:Entry", "source": "crn:contentful:::content:spaces/oe3b689om6k5",
        "contentTypes": ["author"]}]},
}


def _unique(ct_id: str, taken: Seed) -> str:
    """``ct_id``, or the first of ``ct_id1``, ``ct_id2``... not ``taken``."""
    return next(f"{ct_id}{n or ''}" for n in range(len(taken) + 2) if f"{ct_id}{n or ''}" not in taken)


def _names_and_widgets_edited(ws: Workspace) -> None:
    """The first field of each content type renamed (its display name), the first single-line widget made a URL
    editor."""
    for path in sorted((ws.models / "content_types").glob("*.toml")):
        text = re.sub(r'(\[\[fields\]\]\nid = "[^"]+"\nname = "[^"]*)"', r'\1 (edited)"',
                      path.read_text(encoding="utf-8"), count=1)
        path.write_text(text.replace('widget_id = "singleLine"', 'widget_id = "urlEditor"', 1), encoding="utf-8")


@needs_recordings
def test_every_recorded_content_type_survives_pull_apply_revert(workspace: Workspace) -> None:
    content_types = recorded()
    assert len(content_types) >= 55  # 50 distinct content types in the recordings of 2017-2025, 10 more interfaces
    survives(workspace, content_types, _names_and_widgets_edited)


def test_a_link_to_a_content_type_the_space_lacks_is_kept_with_a_warning(workspace: Workspace) -> None:
    """Contentful keeps a ``linkContentType`` naming a deleted content type and accepts one naming none
    (contentful-migration#963 documents the real API accepting it): ``fullContentType`` alone links to
    ``bookmark``. The pulled files validate and plan with a warning (at the file's line, with a fix that names the
    scope line), on every run; the workflow goes through and the revert gives the content type back exactly."""
    only = {"fullContentType": EMBEDDED["fullContentType"]}
    seed(workspace, only)
    shutil.rmtree(workspace.models)
    assert cli(workspace, "pull")[0] == 0
    pulled = workspace.models / "content_types" / "fullContentType.toml"
    lines = pulled.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if 'linkContentType = ["bookmark"]' in text)
    for _ in range(2):  # the second from the caches
        code, out, err = cli(workspace, "validate")
        assert code == 0 and f"Warning: {pulled}:" in err and "are valid" in err, out + err
        assert _warned(err, pulled, "bookmark") == [line], err
    for _ in range(2):
        code, out, err = cli(workspace, "plan")
        assert code == 0 and "No changes" in out, out + err  # the exit code is the changes'
        assert _warned(err, pulled, "bookmark") == [line], err
    assert 'put the id out of scope: [scope] ignore = ["bookmark"]' in err
    assert "Contentful accepts it, but no entry of that type can be linked there" in err
    code, out, _ = cli(workspace, "plan", "--format", "json")
    assert code == 0 and _warned("\n".join(json.loads(out)["warnings"]), pulled, "bookmark") == [line]
    survives_pulled(workspace, live(workspace), _edits_of_full)


def test_a_typo_in_a_link_is_planned_with_a_warning(workspace: Workspace) -> None:
    """A ``linkContentType`` id spelt wrong (ids are case-sensitive) is planned as a change, with the warning."""
    seed(workspace, {"fullContentType": EMBEDDED["fullContentType"]})
    shutil.rmtree(workspace.models)
    assert cli(workspace, "pull")[0] == 0
    edit(workspace, "fullContentType", 'linkContentType = ["bookmark"]', 'linkContentType = ["FullContentType"]')
    code, out, err = cli(workspace, "plan")
    assert code == 2, out + err
    assert "linkContentType names 'FullContentType', which is not a declared content type" in err
    assert "ids are case-sensitive" in err and "'bookmark'" not in err


def _warned(text: str, file: Any, name: str) -> list[int]:
    """The lines of ``file`` the warnings in ``text`` about a link to ``name`` are at."""
    found = re.findall(rf"{re.escape(str(file))}:(\d+): [^\n]*linkContentType names '{name}', which is not", text)
    return [int(line) for line in found]


def _edits_of_full(ws: Workspace) -> None:
    edit(ws, "fullContentType", 'name = "linkField"', 'name = "Link (edited)"')
    edit(ws, "fullContentType", 'linkContentType = ["bookmark"]', 'linkContentType = ["bookmark", "fullContentType"]')


def test_a_failed_apply_rolls_back_to_the_seeded_json(workspace: Workspace) -> None:
    """The rollback of an apply that fails at its last write converges to the pre-apply snapshot as a revert
    does: the content types another tool made are exactly as they were, JSON forms included, and so are the
    editor interfaces but for one thing: the publish of a content type gives each field without a control a
    bare one (the emulator's rule), and an interface the rollback does not write keeps them (docs/safety.md)."""
    seed(workspace, EMBEDDED)
    seeded = live(workspace)
    shutil.rmtree(workspace.models)
    assert cli(workspace, "pull")[0] == 0
    _embedded_edits(workspace)
    workspace.emulator.faults.add(Fault(action="500", method="PUT", path="/content_types/documented/editor_interface$"))
    code, out, err = cli(workspace, "apply", "--auto-approve")
    workspace.emulator.faults.clear()
    assert code != 0 and "rolling back" in out + err, out + err
    rolled_back = live(workspace)
    for state in (*seeded.values(), *rolled_back.values()):
        state["editor_interface"]["controls"] = [c for c in state["editor_interface"]["controls"] if len(c) > 1]
    assert {ct_id: differences(state, rolled_back[ct_id]) for ct_id, state in seeded.items()
            if state != rolled_back[ct_id]} == {}, "not as seeded after the rollback"
