"""Assets, read only: the collection and single GETs, so that tools that read a whole environment
(Contentful's export tool) run. The emulator cannot create assets (no upload or processing); assets
live at ``state[...]["environments"][env]["assets"][id]`` when a test seeds them, which is also where
entry links to assets are resolved (entry_rules.py)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

# A module import: store.py registers this family, so its names are read at call time.
from reconcile.emulator import store as emulator_store

if TYPE_CHECKING:
    from reconcile.emulator.listing import Listing
    from reconcile.emulator.store import Scope, Store

Json = dict[str, Any]


class Assets:
    def __init__(self, store: Store) -> None:
        self.store = store

    def collection(self, scope: Scope, query: Mapping[str, str]) -> Listing:
        """An empty collection where no assets exist [facts 1.1 envelope]."""
        assets = list(scope.env.get("assets", {}).values())
        return emulator_store.page(emulator_store.filter_sys_id(assets, query), query)

    def get(self, scope: Scope, asset_id: str) -> Json:
        assets = scope.env.get("assets", {})
        return copy.deepcopy(emulator_store.found_or_404(assets, asset_id, scope.details("Asset", asset_id)))
