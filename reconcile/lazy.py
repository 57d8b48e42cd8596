"""Packages whose names are imported on first use (PEP 562), so that ``reconcile --help`` loads little.

``__getattr__ = lazy_names(__name__, {"name": "defining.module", ...})`` in a package's ``__init__``;
static type checkers read the same names from an ``if TYPE_CHECKING:`` block of imports.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any


class _LazyPackage(types.ModuleType):
    """Importing a submodule binds it on its package under its name. Where a lazy name is also a
    submodule (``workflows.plan`` the function, ``reconcile.workflows.plan`` the module) the name keeps
    meaning the lazy value, as an eager ``from .plan import plan`` in ``__init__`` made it."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dict__.get("_lazy_names", ()) and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


def lazy_names(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """The ``__getattr__`` of ``package``: each of ``names`` is imported from its module on first use."""
    module = sys.modules[package]
    module.__dict__["_lazy_names"] = dict(names)
    module.__class__ = _LazyPackage

    def __getattr__(name: str) -> Any:
        source = names.get(name)
        if source is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(source), name)
        module.__dict__[name] = value
        return value

    return __getattr__
