"""Declared fills: the project's own Python functions that compute a field's values (docs/transforms.md).

A field may declare ``fill = "transforms/people.py:first_name"`` (a path from the project root, a
function in it). The function is called as ``first_name(fields, locale)`` with the entry's values
before the change (``{field_id: {locale: value}}``, a copy) and one locale, and returns the value for
that locale, or None to leave it empty: the signature of contentful-migration's ``transformEntries``.

Fills are the project's code, run with the project's trust (like a Terraform configuration): they get
values, never the token or a client. This module is the only one that imports them (an edge: it reads
files and runs code). A fill that runs longer than ``TIME_LIMIT`` seconds on one entry counts as a
failure; its thread is left to finish on its own (Python cannot stop it), as a daemon.
"""

from __future__ import annotations

import copy
import importlib.util
import inspect
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconcile.changes import AddField, ConvertField, ModifyField, RenameField, ReplaceField
from reconcile.errors import InputError, Problem, ReconcileError
from reconcile.model import Entry, Field
from reconcile.publishability import entry_problem
from reconcile.sources import DeclaredModel, FillDecl
from reconcile.wording import count

Fill = Callable[[dict[str, Any], str], Any]
#: The field changes a fill may run for.
FieldChange = AddField | ReplaceField | ConvertField | RenameField | ModifyField

#: Seconds one entry's calls (all its locales) may take before they count as a failure.
TIME_LIMIT = 5.0
#: Failures shown per field in the plan.
SHOWN = 5


def _problem(declared: DeclaredModel, decl: FillDecl, message: str, hint: str) -> Problem:
    return Problem(str(decl.file), ".".join(str(k) for k in decl.key_path), message, hint,
                   declared.line_of(decl.file, decl.key_path))


def _load_one(root: Path, fill: str) -> Fill | tuple[str, str]:
    """The function ``fill`` (``FILE.py:FUNCTION``) names, or (message, hint) saying why it cannot be had."""
    path_text, _, name = fill.rpartition(":")
    if not path_text or not name.isidentifier():
        return (f"fill {fill!r} is not written as FILE.py:FUNCTION",
                'write fill = "transforms/people.py:first_name"')
    path = (root / path_text).resolve()
    if not path.is_relative_to(root.resolve()):  # the project's own code only (a saved plan names it too)
        return f"fill file {path_text} is outside the project", f"put it under {root}"
    if path.suffix != ".py" or not path.is_file():
        return f"fill file {path_text} does not exist", f"create {path_text} (relative to {root}) or fix the path"
    spec = importlib.util.spec_from_file_location(f"reconcile_fill_{path.stem}", path)
    if spec is None or spec.loader is None:
        return f"fill file {path_text} cannot be imported", "give a Python source file"
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the project's code: any error it raises on import is reported
        return f"fill file {path_text} does not import: {type(exc).__name__}: {exc}", "fix the error in that file"
    function = getattr(module, name, None)
    if not callable(function):
        return f"fill file {path_text} has no function {name}", f"define def {name}(fields, locale) in {path_text}"
    if not _takes_fields_and_locale(function):
        return (f"fill {fill} cannot be called as {name}(fields, locale)",
                f"give it the signature def {name}(fields, locale) in {path_text}")
    return function  # type: ignore[no-any-return]


def _takes_fields_and_locale(function: Callable[..., Any]) -> bool:
    """Whether ``function(fields, locale)`` binds (a signature Python cannot read is given the benefit)."""
    try:
        inspect.signature(function).bind({}, "")
    except TypeError:
        return False
    except ValueError:  # no signature to read (some builtins)
        return True
    return True


@dataclass(frozen=True)
class LoadedFill:
    """A declared fill, imported: ``spec`` as written, and the function."""

    spec: str
    function: Fill


def read_fills(declared: DeclaredModel, root: Path) -> tuple[dict[str, LoadedFill], list[Problem]]:
    """Import every declared fill (by field address), and a problem for each one that cannot be had: a
    missing file, one that does not import, no such function (offline: nothing is called)."""
    loaded: dict[str, LoadedFill] = {}
    problems = []
    for address, decl in sorted(declared.fills.items()):
        found = _load_one(root, decl.spec)
        if isinstance(found, tuple):
            problems.append(_problem(declared, decl, *found))
        else:
            loaded[address] = LoadedFill(decl.spec, found)
    return loaded, problems


def load_fills(declared: DeclaredModel, root: Path) -> dict[str, LoadedFill]:
    """The declared fills, imported; ``InputError`` naming each one that cannot be had."""
    loaded, problems = read_fills(declared, root)
    if problems:
        raise InputError(problems, summary="a declared fill cannot be used")
    return loaded


def load_spec(root: Path, spec: str) -> Fill:
    """The function a saved plan's fill ``spec`` names, imported from the project at ``root`` again."""
    found = _load_one(root, spec)
    if isinstance(found, tuple):
        raise ReconcileError(f"the plan's fill {spec} cannot be used: {found[0]}", hint=found[1])
    return found


@dataclass
class FillRun:
    """One fill over every entry of its content type: the values it computed, and what it found."""

    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # entry id -> locale -> value
    changed: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (entry id, why), in entry order


def _call(fill: Fill, fields: dict[str, Any], locales: Sequence[str]) -> dict[str, Any]:
    """The fill's values for one entry, within ``TIME_LIMIT`` seconds; raises what the fill raised."""
    result: dict[str, Any] = {}
    error: list[BaseException] = []

    def work() -> None:
        try:
            for locale in locales:
                value = fill(copy.deepcopy(fields), locale)
                if value is not None:
                    result[locale] = value
        except Exception as exc:  # the project's code: reported as this entry's failure
            error.append(exc)

    thread = threading.Thread(target=work, daemon=True, name="reconcile-fill")
    thread.start()
    thread.join(TIME_LIMIT)
    if thread.is_alive():
        raise TimeoutError(f"took longer than {TIME_LIMIT:g} s")
    if error:
        raise error[0]
    return dict(result)


def run_fill(
    fill: Fill, entries: Sequence[Entry], after: Field, old_id: str, locales: Sequence[str], default_locale: str
) -> FillRun:
    """Call ``fill`` for every entry and each of ``locales``, read-only; check each result against the
    field ``after`` (type, required, validations: :mod:`reconcile.publishability`). ``old_id`` is the id
    the field's current values are under (its live id)."""
    run = FillRun()
    for entry in entries:
        try:
            values = _call(fill, dict(entry.fields), locales)
        except Exception as exc:
            run.failures.append((entry.id, f"{type(exc).__name__}: {exc}"))
            continue
        problem = entry_problem(after, values, default_locale)
        if problem is not None:
            run.failures.append((entry.id, f"rejected value: {problem}"))
            continue
        if values == (entry.fields.get(old_id) or {}):
            run.unchanged += 1
        else:
            run.changed += 1
        if values or entry.fields.get(old_id):
            run.values[entry.id] = values
    return run


def fill_values(
    page: Sequence[Entry], runs: Mapping[str, FieldChange], fills: Mapping[str, LoadedFill], locales: Sequence[str],
    default_locale: str,
) -> dict[str, FillRun]:
    """Each fill of ``runs`` (field address -> its change) run over one page: values, counts, failures."""
    done: dict[str, FillRun] = {}
    for address, change in runs.items():
        old_id = change.before.id if change.before is not None else change.after.id
        done[address] = run_fill(fills[address].function, page, change.after, old_id,
                                 locales_of(change.after, locales, default_locale), default_locale)
    return done


def locales_of(after: Field, locales: Iterable[str], default_locale: str) -> list[str]:
    """The locales a fill is called for: all of them for a localized field, else the default one."""
    return sorted(locales) if after.localized else [default_locale]


def report(address: str, spec: str, run: FillRun) -> str:
    """The plan's note on one fill: entries changed, unchanged, failures (the first few, with entry ids)."""
    text = (f"{address}: fill {spec}: {count(run.changed, 'entry')} changed, {run.unchanged} unchanged, "
            f"{count(len(run.failures), 'failure')}")
    if run.failures:
        text += ": " + "; ".join(f"{entry_id} ({why})" for entry_id, why in run.failures[:SHOWN])
        text += f"; and {len(run.failures) - SHOWN} more" if len(run.failures) > SHOWN else ""
    return text
