"""The fast TOML parse (rtoml, issue 16) gives what tomllib gives: values, key order, verdicts, messages."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path

import pytest

from reconcile.tomldepth import too_deep
from reconcile.tomlsource import InvalidToml, _parse, read_toml

TEXTS = [
    'z = 1\na = "two"\n[t]\ny = 1979-05-27T07:32:00Z\nb = {q = 1, c = [1.5, -0.0, inf]}\n',
    "[[fields]]\nid = 'a'\nvalidations = [{size = {max = 80}}]\n"
    "[[fields]]\nid = 'b'\n[fields.items]\ntype = 'Symbol'\n",
    'd = 1979-05-27\nt = 07:32:00.999\nl = 1979-05-27T07:32:00\nn = 99999999999999999999\nh = 0x10\ns = """x\ny"""\n',
    "big = 1e400\n",  # rtoml refuses the overflow, tomllib reads inf: tomllib's verdict stands
]


@pytest.mark.parametrize("text", TEXTS)
def test_values_and_key_order_are_tomllib_s(text: str) -> None:
    assert json.dumps(_parse(text), default=str) == json.dumps(tomllib.loads(text), default=str)


def test_nan_and_overflow() -> None:
    assert math.isnan(_parse("a = nan")["a"]) and _parse("a = 1e400")["a"] == math.inf


@pytest.mark.parametrize("text", ['a = "\\uD800"', "a = 1\na = 2", "a = {b = 1}\na.c = 2", "a = [1,", "= 1"])
def test_errors_are_tomllib_s_with_their_position(text: str, tmp_path: Path) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as expected:
        tomllib.loads(text)
    path = tmp_path / "x.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidToml) as raised:
        read_toml(path)
    assert str(expected.value).startswith(raised.value.message)
    assert f"(at line {raised.value.line}, column {raised.value.column})" in str(expected.value) or (
        "end of document" in str(expected.value)
    )


def test_too_deep_finds_the_last_deepest_path_first() -> None:
    data = {"a": {"b": {"c": 1}}, "z": [[{"y": 2}]]}
    assert too_deep(data, 3) == ("z", 0, 0, "y")
    assert too_deep(data, 2) == ("z", 0, 0)
    assert too_deep(data, 4) is None
    assert too_deep({"a": 1}, -1) == ()
