"""Editor widgets of apps and UI extensions: which ones the declared editor interfaces use, and which of those
the environment does not have installed (pure; the plan warns about them).

A control, sidebar item or editor with ``widgetNamespace`` ``"app"`` names an app by its app definition id; with
``"extension"`` it names a UI extension by its id (facts §5). Contentful accepts such an editor interface
either way (UNSURE), but editors then see a broken widget: the plan says so before the apply.
"""

from __future__ import annotations

from collections.abc import Iterator, Set

from reconcile.model import ContentModel, JsonObject

#: ``widgetNamespace`` -> what its widget id names.
INSTALLABLE = {"app": "app", "extension": "UI extension"}

Widget = tuple[str, str, str]  # (where, namespace, widget id)


def used_widgets(model: ContentModel) -> list[Widget]:
    """Every app or extension widget the editor interfaces of ``model`` use, with where."""
    found: list[Widget] = []
    for ct_id, ei in sorted(model.editor_interfaces.items()):
        base = f"editor_interfaces.{ct_id}"
        for control in ei.controls:
            if control.widget_namespace in INSTALLABLE and control.widget_id:
                found.append((f"{base}.controls.{control.field_id}", control.widget_namespace, control.widget_id))
        for part, items in (("sidebar", ei.sidebar), ("editors", ei.editors)):
            found += [(f"{base}.{part}", ns, wid) for ns, wid in _installable(items or ())]
    return found


def _installable(items: tuple[JsonObject, ...]) -> Iterator[tuple[str, str]]:
    for item in items:
        namespace, widget_id = item.get("widgetNamespace"), item.get("widgetId")
        if namespace in INSTALLABLE and isinstance(widget_id, str):
            yield namespace, widget_id


def missing_widget_warnings(used: list[Widget], apps: Set[str], extensions: Set[str]) -> list[str]:
    """One warning per used widget whose app or extension the environment does not have."""
    installed = {"app": apps, "extension": extensions}
    return [
        f"{where}: widget {widget_id!r} is {'an' if namespace == 'app' else 'a'} {INSTALLABLE[namespace]} that is "
        "not installed in this environment; editors will see a broken widget "
        f"(install the {INSTALLABLE[namespace]}, or choose another widget)"
        for where, namespace, widget_id in used
        if widget_id not in installed[namespace]
    ]
