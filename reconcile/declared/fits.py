"""A quick proof that a parsed file fits its shape, without creating pydantic objects (issue 16).

The loader checks each file against its shape (``declared.shapes``, pydantic, strict); for content type files
the objects pydantic creates are never used (the model is built from the data, ``declared.building``), and
creating then freeing them is most of that check's cost. ``fits`` answers the same question from the shape's
own definition (its fields, their annotations and its field validators), without building anything: True
only when every key is known, every required key is there and every value is exactly of its type, which
strict pydantic accepts too. It is conservative: any annotation, constraint or validator it does not know
makes it answer False for the whole shape, and False only means "ask pydantic", which then finds the exact
problems and their messages (``loader._checked``). ``tests/declared/test_fits.py`` checks on many mutated
files that whatever ``fits`` accepts pydantic accepts.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from reconcile.declared.shapes import Annotation

Check = Callable[[Any], bool]
#: A check, or the exact types a value may be of (checked inline: most values are strings, booleans or None).
Expected = Check | tuple[type, ...]
_NONE = type(None)


def fits(shape: type[BaseModel], data: Any) -> bool:
    """Whether ``data`` fits ``shape`` for sure (strict pydantic would accept it); False when unsure."""
    check = _shape_check(shape)
    return check is not None and check(data)


@cache
def _shape_check(shape: type[BaseModel]) -> Check | None:
    """The check of a shape: a table of exactly its keys, each value checked; None when it has a part this
    module does not know (a model validator, a constraint, a field validator that is not an "after" one)."""
    decorators = shape.__pydantic_decorators__
    if decorators.model_validators or decorators.validators or decorators.root_validators:
        return None
    expected: dict[str, Expected] = {}
    for name, info in shape.model_fields.items():
        check = None if info.metadata or info.alias not in (None, name) else _check(info.annotation)
        if check is None:
            return None
        expected[name] = check
    for decorator in decorators.field_validators.values():
        if decorator.info.mode != "after" or not set(decorator.info.fields) <= expected.keys():
            return None
        for name in decorator.info.fields:
            expected[name] = _validated(_function(expected[name]), decorator.func)
    required = frozenset(name for name, info in shape.model_fields.items() if info.is_required())
    exact = {name: check for name, check in expected.items() if isinstance(check, tuple)}
    checks = {name: check for name, check in expected.items() if not isinstance(check, tuple)}

    def check_table(value: Any) -> bool:
        if type(value) is not dict or not required <= value.keys():
            return False
        for key, item in value.items():
            kinds = exact.get(key)
            if kinds is not None:
                if type(item) not in kinds:
                    return False
                continue
            check = checks.get(key)
            if check is None or not check(item):
                return False
        return True

    return check_table


def _validated(check: Check, validator: Callable[[Any], Any]) -> Check:
    """``check``, then the shape's own validator (refusing with ``ValueError``)."""
    def both(value: Any) -> bool:
        if not check(value):
            return False
        try:
            validator(value)
        except ValueError:
            return False
        return True

    return both


def _function(expected: Expected) -> Check:
    """``expected`` as a function."""
    if isinstance(expected, tuple):
        return lambda value: type(value) in expected
    return expected


def _check(annotation: Any) -> Expected | None:
    """The check of one annotation (exact types: strict mode), None when it is not one of the kinds here. A
    table's keys are not checked: ``data`` is parsed TOML or JSON, whose keys are always strings."""
    origin, args = get_origin(annotation), get_args(annotation)
    if annotation in (str, bool, int):
        return (annotation,)
    if origin is Literal and all(type(arg) is str for arg in args):
        return _one_of(frozenset(args))
    if origin in (Union, types.UnionType) and len(args) == 2 and _NONE in args:
        inner = _check(args[0] if args[1] is _NONE else args[1])
        if isinstance(inner, tuple):
            return (*inner, _NONE)
        return None if inner is None else _or_none(inner)
    if origin is list and len(args) == 1:
        item = _check(args[0])
        return None if item is None else _list_of(item)
    if origin is dict and args == (str, Any):
        return (dict,)
    if annotation == Annotation and origin is Annotated:
        table = _check(args[0])  # an annotation's id alone, or its table (shapes.Annotation)
        return None if table is None else _id_or(_function(table))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _shape_check(annotation)
    return None


# The checks are functions with loops, not ``all`` over generators or ``map``: they run for every value of every
# file (about half as long per list, issue 16).


def _one_of(allowed: frozenset[str]) -> Check:
    def check(value: Any) -> bool:
        return type(value) is str and value in allowed

    return check


def _or_none(inner: Check) -> Check:
    def check(value: Any) -> bool:
        return value is None or inner(value)

    return check


def _list_of(item: Expected) -> Check:
    if isinstance(item, tuple):
        def check_kinds(value: Any) -> bool:
            if type(value) is not list:
                return False
            for member in value:
                if type(member) not in item:
                    break
            else:
                return True
            return False

        return check_kinds
    return _list_checked(item)


def _list_checked(item: Check) -> Check:
    def check(value: Any) -> bool:
        if type(value) is not list:
            return False
        for member in value:
            if not item(member):
                break
        else:
            return True
        return False

    return check


def _id_or(table: Check) -> Check:
    def check(value: Any) -> bool:
        return type(value) is str or table(value)

    return check
