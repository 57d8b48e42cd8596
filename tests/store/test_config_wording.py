"""What reconcile.toml's problems say: a value of the wrong type names the type it should be and how to
write it, and a misspelt key gets the closest allowed one, as the model files' problems do (found in a
newcomer trial: `allow_destroy = "x"` said `Input should be a valid tuple`, and `spaceid` had no hint)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.config import load_config
from reconcile.errors import InputError


def problems(tmp_path: Path, text: str) -> list[tuple[str, str, str]]:
    """(key path, message, hint) of each problem of a reconcile.toml holding ``text``."""
    path = tmp_path / "reconcile.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_config(path, tmp_path)
    return [(p.path, p.message, p.hint) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[policy]\nallow_destroy = "content_types.x"\n',
         ("policy.allow_destroy", 'expected an array, got a string "content_types.x"', "write an array: [ ... ]")),
        ('[scope]\nlocales = "yes"\n',
         ("scope.locales", 'expected a boolean (true or false), got a string "yes"',
          "write true or false, without quotes")),
        ('[scope]\nignore = "appSettings"\n',
         ("scope.ignore", 'expected an array, got a string "appSettings"', "write an array: [ ... ]")),
        ('[targets.prod]\nkind = "contentful"\nspace_id = "abc"\ntimeout = "30s"\n',
         ("targets.prod.timeout", 'expected a number, got a string "30s"', "write a number without quotes")),
        ('[targets.prod]\nkind = "contentful"\nspace_id = "abc"\nkeep = "two"\n',
         ("targets.prod.keep", 'expected an integer, got a string "two"', "write a whole number without quotes")),
        ('[targets.prod]\nkind = "contentful"\nspace_id = 123\n',
         ("targets.prod.space_id", "expected a string, got an integer 123", 'put the value in quotes: "..."')),
        ("[project]\nmodels = [\"a\"]\n",
         ("project.models", 'expected a string, got an array ["a"]', 'put the value in quotes: "..."')),
    ],
)
def test_a_value_of_the_wrong_type_says_what_to_write(tmp_path: Path, text: str,
                                                      expected: tuple[str, str, str]) -> None:
    assert problems(tmp_path, text) == [expected]


@pytest.mark.parametrize(
    ("text", "key_path", "hint"),
    [
        ('[targets.prod]\nkind = "contentful"\nspaceid = "abc"\n', "targets.prod.spaceid", "did you mean 'space_id'?"),
        ('[targets.local]\nkind = "local"\n[targets.local.scope]\nignroe = ["x"]\n', "targets.local.scope.ignroe",
         "did you mean 'ignore'?"),
        ("[polcy]\nallow_destroy = []\n", "polcy", "did you mean 'policy'?"),
        ('[project]\nsnapshot = "s"\n', "project.snapshot", "did you mean 'snapshots'?"),
    ],
)
def test_a_misspelt_key_gets_the_closest_allowed_one(tmp_path: Path, text: str, key_path: str, hint: str) -> None:
    [(_, message, fix)] = [p for p in problems(tmp_path, text) if p[0] == key_path]
    assert message == "unknown key"
    assert fix.startswith(hint + " allowed keys: "), fix


def test_problems_are_listed_in_the_order_of_the_file(tmp_path: Path) -> None:
    text = '[targets.local]\nkind = "local"\nspaceid = "x"\n[polcy]\n[policy]\nallow_destroy = "x"\n'
    found = problems(tmp_path, text)
    assert [where for where, _, _ in found] == ["targets.local.spaceid", "polcy", "policy.allow_destroy"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[targets.prod]\nkind = "contentfull"\n',
         ("targets.prod.kind", 'unknown kind "contentfull"', 'use kind = "local" or kind = "contentful"')),
        ("[targets.prod]\nspace_id = \"abc\"\n",
         ("targets.prod", "the target has no kind", 'add kind = "local" or kind = "contentful"')),
        ("[targets]\nprod = 5\n",
         ("targets.prod", "expected a table, got an integer 5", "write a table: { key = value } or a [section]")),
    ],
)
def test_a_target_of_the_wrong_shape_is_said_in_the_files_words(tmp_path: Path, text: str,
                                                                expected: tuple[str, str, str]) -> None:
    """Not pydantic's 'Input tag 'contentfull' found using 'kind' does not match any of the expected tags',
    'Unable to extract tag using discriminator' or 'Input should be a valid dictionary or object to extract
    fields from'."""
    assert problems(tmp_path, text) == [expected]
