"""The dependency rules of docs/architecture.md, checked on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "reconcile"
PURE = {"model", "normalize", "interning", "changes", "diff", "planner", "plan", "validate", "drift", "errors"}
# pathlib is not listed: pure modules use ``Path`` as a value (a file name in a problem), never to read.
IO_MODULES = {"os", "io", "socket", "requests", "subprocess", "shutil", "tempfile", "urllib", "http", "time"}
# validate checks a DeclaredModel (the model plus where each item was declared), which declared defines.
ALLOWED_EDGES = {"validate": {"reconcile.declared"}}


def imports_of(path: Path) -> set[str]:
    """Top-level names imported by a module (``reconcile.x`` kept whole)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            found.add(".".join(name.split(".")[:2]) if name.startswith("reconcile.") else name.split(".")[0])
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


@pytest.mark.parametrize("path", modules(), ids=module_name)
def test_only_the_backend_imports_the_sdk(path: Path) -> None:
    if module_name(path) != "reconcile.backend":
        assert "contentful_management" not in imports_of(path)


@pytest.mark.parametrize("path", [p for p in modules() if "emulator" in p.parts], ids=module_name)
def test_the_emulator_imports_nothing_from_the_tool(path: Path) -> None:
    """The emulator is the test oracle for the backend: it must not share the code it judges."""
    assert {name for name in imports_of(path) if name.startswith("reconcile.")} <= {"reconcile.emulator"}


@pytest.mark.parametrize("name", sorted(PURE))
def test_pure_core_does_no_io(name: str) -> None:
    imported = imports_of(PACKAGE / f"{name}.py")
    assert not imported & IO_MODULES, f"reconcile.{name} imports {imported & IO_MODULES}"
    edges = {"reconcile.backend", "reconcile.declared", "reconcile.api", "reconcile.cli", "reconcile.executor",
             "reconcile.snapshots", "reconcile.config", "reconcile.targets", "reconcile.emulator"}
    wrong = imported & edges - ALLOWED_EDGES.get(name, set())
    assert not wrong, f"reconcile.{name} imports edge modules {wrong}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "render").glob("*.py")), ids=module_name)
def test_renderers_are_pure(path: Path) -> None:
    assert not imports_of(path) & IO_MODULES


@pytest.mark.parametrize("path", modules(), ids=module_name)
def test_only_the_cli_imports_typer_and_nothing_imports_the_cli(path: Path) -> None:
    name = module_name(path)
    if name not in ("reconcile.cli", "reconcile.__main__"):
        assert "typer" not in imports_of(path) and "reconcile.cli" not in imports_of(path)
