"""State of the emulator and the server's rules, one class per resource family (moto-style), each in its module:
content_types.py (its body rules: content_type_rules.py), editor_interfaces.py, locales.py, entries.py,
environments.py, assets.py, uploads.py, tags.py, apps.py, aliases.py; what they share is common.py and paging.py.

All state is plain JSON so it can be persisted as is::

    {"spaces": {space_id: {"uploads": {upload_id: {"body", "content"}},   # emulator/uploads.py
                           "environments": {env_id: {
        "name", "sys", "ready_at",
        "content_types": {ct_id: {"draft": <CT body>, "published": <CT body> | None,
                                  "origins": {draft_field_id: published_field_id}}},
        "editor_interfaces": {ct_id: <EI body>},
        "locales": {locale_sys_id: <Locale body>},
        "entries": {entry_id: <Entry body>},
        "tags": {tag_id: <Tag body>},                       # emulator/tags.py
        "assets": {asset_id: <Asset body>}, "asset_processing": {asset_id: version},  # emulator/assets.py
        "app_installations": {app_definition_id: <body>},   # emulator/apps.py (absent until one is installed)
        "extensions": {extension_id: <body>}}}}}}

Stored bodies are exactly what the API answers (key order included). ``origins`` records fields
renamed through ``newId`` since the last publish, so that publishing can move entry values and
editor-interface controls. Rules come from shared/docs/cma-facts.md; section numbers are cited.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from reconcile.emulator.aliases import EnvironmentAliases
from reconcile.emulator.apps import Installed
from reconcile.emulator.assets import Assets
from reconcile.emulator.common import Clock, Json
from reconcile.emulator.content_types import ContentTypes
from reconcile.emulator.editor_interfaces import EditorInterfaces
from reconcile.emulator.entries import Entries
from reconcile.emulator.environments import Environments
from reconcile.emulator.locales import Locales
from reconcile.emulator.persist import Persistence
from reconcile.emulator.tags import Tags
from reconcile.emulator.uploads import Uploads


class Store:
    """All spaces' state, the resource families that enforce the rules, and persistence.

    Callers hold ``lock`` around a request (the families are not individually thread-safe).
    With ``data_dir`` the state is loaded at start (migrated from a ``state.json`` the first time)
    and ``save()`` persists what the request changed (see persist.py); each family is then a
    ``packed.Family``, which holds its resources as JSON text and parses those a request looks up, and
    ``let_go()`` ends a read.
    """

    def __init__(
        self,
        spaces: Sequence[str],
        data_dir: Path | None = None,
        env_ready_delay: float = 0.3,
        clock: Clock | None = None,
        *,
        max_environments: int | None = None,
        master_alias: str | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.data_dir = data_dir
        self.content_types = ContentTypes(self)
        self.editor_interfaces = EditorInterfaces(self)
        self.locales = Locales(self)
        self.entries = Entries(self)
        self.assets = Assets(self)
        self.uploads = Uploads(self)
        self.tags = Tags(self)
        self.app_installations = Installed(self, "app_installations")
        self.extensions = Installed(self, "extensions")
        self.environments = Environments(self, env_ready_delay)
        self.aliases = EnvironmentAliases(self, max_environments)
        self.state: Json = {"spaces": {}}
        self.persistence = Persistence(data_dir) if data_dir is not None else None
        if self.persistence is not None:
            self.state = self.persistence.load() or self.state
        for space in spaces:
            if space not in self.state["spaces"]:
                self.environments.create_master(space)
            if master_alias is not None:  # the space opted in to environment aliases
                self.aliases.opt_in(space, master_alias)
        self.save()

    def save(self) -> None:
        """Persist what the request changed (one SQLite transaction), when there is a data directory."""
        if self.persistence is not None:
            self.persistence.commit(self.state)

    def let_go(self) -> None:
        """After a read: forget the resources it parsed (reads change none; see persist.py)."""
        if self.persistence is not None:
            self.persistence.let_go()
