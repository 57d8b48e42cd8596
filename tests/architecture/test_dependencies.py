"""The dependency rules of docs/architecture.md, checked on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "reconcile"
PURE = {"model", "normalize", "interning", "changes", "impact", "diff", "kinds", "steps", "planner", "builder",
        "field_fates", "locale_steps", "plan", "validate", "drift", "errors", "sources", "export_shape",
        "wording", "scope", "history", "conversions", "conversion_steps", "publishability", "tag_diff", "tag_steps",
        "widgets", "interface_match", "interning_keys", "plan_text",
        "plan_values", "orjson_text", "resume"}
# pathlib is not listed: pure modules use ``Path`` as a value (a file name in a problem), never to read.
IO_MODULES = {"os", "io", "socket", "requests", "subprocess", "shutil", "tempfile", "urllib", "http", "time"}
# Modules (or packages: reconcile.declared.loader is reconcile.declared) that do I/O or talk to the API.
EDGES = {"reconcile.backend", "reconcile.declared", "reconcile.workflows", "reconcile.cli", "reconcile.executor",
         "reconcile.snapshots", "reconcile.config", "reconcile.targets", "reconcile.emulator", "reconcile.fsio",
         "reconcile.tomlsource"}


def imports_of(path: Path) -> set[str]:
    """Top-level names imported by a module (``reconcile.x`` kept whole)."""
    return imports_in(path.read_text(encoding="utf-8"), module_name(path))


def imports_in(source: str, module: str) -> set[str]:
    """Top-level names imported by ``source``, the text of ``module``: ``reconcile.x`` kept whole, also when
    imported relatively or as ``from reconcile import x`` (``reconcile.declared.loader`` is ``reconcile.declared``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            package = module.split(".")[: -node.level] if node.level else []
            base = ".".join([*package, *([node.module] if node.module else [])])
            names = [f"{base}.{alias.name}" if base == "reconcile" and _is_module(alias.name) else base
                     for alias in node.names]
        else:
            continue
        for name in names:
            found.add(".".join(name.split(".")[:2]) if name.startswith("reconcile.") else name.split(".")[0])
    return found


def _is_module(name: str) -> bool:
    return (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name).is_dir()


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


@pytest.mark.parametrize("path", modules(), ids=module_name)
def test_only_the_backend_imports_the_sdk(path: Path) -> None:
    if not module_name(path).startswith("reconcile.backend."):
        assert "contentful_management" not in imports_of(path)


@pytest.mark.parametrize("path", [p for p in modules() if "emulator" in p.parts], ids=module_name)
def test_the_emulator_imports_nothing_from_the_tool(path: Path) -> None:
    """The emulator is the test oracle for the backend: it must not share the code it judges."""
    assert {name for name in imports_of(path) if name.startswith("reconcile.")} <= {"reconcile.emulator"}


def pure_files(name: str) -> list[Path]:
    """The files of a pure module, or of every module of a pure package."""
    single = PACKAGE / f"{name}.py"
    return [single] if single.is_file() else sorted((PACKAGE / name).glob("*.py"))


@pytest.mark.parametrize("name", sorted(PURE))
def test_pure_core_does_no_io(name: str) -> None:
    assert pure_files(name), f"reconcile.{name} does not exist"
    imported = set().union(*(imports_of(path) for path in pure_files(name)))
    assert not imported & IO_MODULES, f"reconcile.{name} imports {imported & IO_MODULES}"
    assert not imported & EDGES, f"reconcile.{name} imports edge modules {imported & EDGES}"


@pytest.mark.parametrize("part", sorted(p.stem for p in (PACKAGE / "declared").glob("*.py")))
def test_a_pure_module_cannot_import_any_part_of_the_declared_package(part: str) -> None:
    """However the import is written, any module of the declared package counts as the edge reconcile.declared."""
    statements = [f"import reconcile.declared.{part}", f"from reconcile.declared.{part} import x",
                  f"from reconcile.declared import {part}", f"from .declared.{part} import x", "from . import declared"]
    for statement in statements:
        assert imports_in(statement, "reconcile.validate") & EDGES == {"reconcile.declared"}, statement


@pytest.mark.parametrize("path", sorted((PACKAGE / "render").glob("*.py")), ids=module_name)
def test_renderers_are_pure(path: Path) -> None:
    assert not imports_of(path) & IO_MODULES


@pytest.mark.parametrize("path", modules(), ids=module_name)
def test_only_the_cli_imports_typer_and_nothing_imports_the_cli(path: Path) -> None:
    name = module_name(path)
    if name != "reconcile.__main__" and not name.startswith("reconcile.cli."):
        assert "typer" not in imports_of(path) and "reconcile.cli" not in imports_of(path)


# The CLI parses arguments, calls one workflow, renders, exits: the rest of the tool is reached through these.
CLI_MODULES = {"reconcile.workflows", "reconcile.render", "reconcile.errors"}
CLI_FROM_PACKAGE = {"__version__", "workflows", "render", "errors"}


@pytest.mark.parametrize("path", sorted((PACKAGE / "cli").glob("*.py")), ids=module_name)
def test_the_cli_imports_only_the_workflows_render_and_errors(path: Path) -> None:
    wrong: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "reconcile":
            wrong |= {f"reconcile.{alias.name}" for alias in node.names} - {f"reconcile.{n}" for n in CLI_FROM_PACKAGE}
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        else:
            continue
        wrong |= {n for n in names if n.startswith("reconcile.") and ".".join(n.split(".")[:2]) not in CLI_MODULES
                  and not n.startswith("reconcile.cli")}
    assert not wrong, f"reconcile.cli imports {wrong}: reach them through reconcile.workflows"
