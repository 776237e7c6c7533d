"""A wrong value in a file is said in plain words: "expected ..., got ...", never pydantic's wording.

mkba.io.documents turns pydantic's errors into one message (``_describe``): for the common kinds of
error it says what was expected and what was given (a list, a mapping, text, a number), without
Python's class names; a misspelt key is said once, not also as its field missing.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import Literal

import pydantic
import pytest
from conftest import run_doctests

import mkba
from mkba.errors import MkbaError
from mkba.io import documents
from mkba.io.documents import parse_yaml, top_mapping, validate

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")

#: pydantic's own wording and Python's class names, which a message of mkba never shows.
RAW = re.compile(
    r"Input should|valid dictionary|valid integer|valid boolean|valid string|valid list|fractional part"
    r"|unable to|greater than|less than|should have|instance of|\b(?:dict|str|int|float|bool|NoneType)\b"
    r"|list\[|\b[A-Z][a-z]+[A-Z][A-Za-z]*\b"
)


def _refused(tmp_path: Path, old: str, new: str) -> MkbaError:
    """The error of the tutorial scenario with its first ``old`` replaced by ``new``."""
    assert old in TUTORIAL, old
    path = tmp_path / "s.yaml"
    path.write_text(TUTORIAL.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        mkba.load_scenario(path)
    return info.value


def _line(old: str, new: str) -> int:
    """The line of the last line of ``new`` in the tutorial once ``old`` is replaced."""
    text = TUTORIAL.replace(old, new, 1)
    return text[: text.index(new)].count("\n") + 1 + new.rstrip("\n").count("\n")


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "participants:\n  2025: 40\n  2026: 60\n",
            "participants: [40, 60]\n",
            "participants",
            "expected year: number pairs (e.g. 2025: 40), got a list",
        ),
        ("horizon: 5\n", "horizon: 7.5\n", "horizon", "expected a whole number, got 7.5"),
        (
            "zorgverzekeraar: {public: true}",
            "zorgverzekeraar: {public: ja}",
            "stakeholders.zorgverzekeraar.public",
            "expected true or false, got 'ja'",
        ),
        (
            "    per: once\n",
            "    per: participant-year\n",
            "costs[0].per (id 'opstart')",
            "expected one of 'once', 'year', 'participant' or 'participant_year', got 'participant-year'; "
            "did you mean 'participant_year'?",
        ),
        (
            "price_year: 2024\n",
            "price_year: 2024\nassumed_inflation: twee\n",
            "assumed_inflation",
            "expected a number, got 'twee'",
        ),
        (
            "price_year: 2024\n",
            "price_year: 2024\nassumed_inflation: [0.02]\n",
            "assumed_inflation",
            "expected a number, got a list",
        ),
        (
            "price_year: 2024\n",
            "price_year: 2024\nassumed_inflation: 3\n",
            "assumed_inflation",
            "expected a number in [-0.5, 1], got 3",
        ),
        (
            "start_year: 2025",
            "start_year: 1800",
            "start_year",
            "expected a whole number in [1900, 2200], got 1800",
        ),
        (
            "label: Opstartkosten (werving, training coaches)",
            "label: [1]",
            "costs[0].label (id 'opstart')",
            "expected text, got a list",
        ),
        (
            "label: Opstartkosten (werving, training coaches)",
            "label: 2024",
            "costs[0].label (id 'opstart')",
            "expected text, got a number (2024); put it in quotes to make it text ('2024')",
        ),
        (
            "    years: [2025, 2029]",
            "    years: 2025",
            "costs[1].years (id 'coordinator')",
            "expected a list, got a number (2025)",
        ),
        (
            "zorgverzekeraar: {public: true}",
            "zorgverzekeraar: [true]",
            "stakeholders.zorgverzekeraar",
            "expected a mapping (key: value pairs such as public: true), got a list",
        ),
        (
            "name: Tutorial - buurtcoaching (fictief voorbeeld)",
            "name: ''",
            "name",
            "expected text of at least 1 character, got ''",
        ),
        ("horizon: 5\n", "horizon:\n", "horizon", "expected a whole number, got an empty value"),
    ],
)
def test_a_wrong_value_is_said_as_expected_and_got(tmp_path, old, new, field, message):
    err = _refused(tmp_path, old, new)
    assert (err.field, err.message) == (field, message)
    assert err.line == _line(old, new)
    assert not RAW.search(err.message), err.message


def test_a_mapping_keyed_by_stakeholder_says_its_keys_and_an_example(tmp_path):
    block = TUTORIAL[
        TUTORIAL.index("stakeholders:\n") : TUTORIAL.index("\n\n", TUTORIAL.index("stakeholders:\n"))
    ]
    err = _refused(tmp_path, block, "stakeholders: [gemeente]")
    assert (err.line, err.field) == (_line(block, "stakeholders: [gemeente]"), "stakeholders")
    assert err.message == "expected stakeholder id: {...} pairs (e.g. gemeente: {public: true}), got a list"


class _Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class _Model(pydantic.BaseModel):
    """A small closed model with a field of each kind the wording covers."""

    model_config = pydantic.ConfigDict(extra="forbid")

    count: int = 1
    share: float = pydantic.Field(default=0.5, gt=0, lt=1)
    floor: float = pydantic.Field(default=1, ge=0)
    flag: bool = False
    colour: _Colour = _Colour.RED
    kind: Literal["a", "b"] = "a"
    names: list[str] = pydantic.Field(default_factory=list, min_length=2)
    pair: tuple[int, int] = (1, 2)
    by_year: dict[int, float] = pydantic.Field(default_factory=dict)
    text: str = ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("count: abc", "expected a whole number, got 'abc'"),
        ("count: [1]", "expected a whole number, got a list"),
        ("count: 1.5", "expected a whole number, got 1.5"),
        ("share: 1", "expected a number in (0, 1), got 1"),
        ("share: {a: 1}", "expected a number, got a mapping"),
        ("floor: -1", "expected a number >= 0, got -1"),
        ("flag: [true]", "expected true or false, got a list"),
        ("flag: nee", "expected true or false, got 'nee'"),
        ("colour: gren", "expected one of 'red' or 'green', got 'gren'; did you mean 'green'?"),
        ("kind: zzz", "expected one of 'a' or 'b', got 'zzz'"),
        ("names: [x]", "expected at least 2 items, got 1"),
        ("names: x", "expected a list, got text ('x')"),
        ("pair: 5", "expected a list, got a number (5)"),
        ("by_year: 5", "expected year: number pairs, got a number (5)"),
        ("text: true", "expected text, got true"),
    ],
)
def test_each_common_kind_of_error_is_worded(line, message):
    with pytest.raises(MkbaError) as info:
        validate(_Model, parse_yaml(f"{line}\n", "m.yaml"))
    assert (info.value.line, info.value.message) == (1, message)
    assert not RAW.search(info.value.message), info.value.message


def test_a_single_choice_is_said_without_one_of(tmp_path):
    err = _refused(tmp_path, "    per: once\n", "    per: jaar\n")  # a cost line: 4 choices, none near
    assert err.message.startswith("expected one of 'once', 'year'") and "did you mean" not in err.message

    class Only(pydantic.BaseModel):
        format: Literal["mkba-x/1"]

    with pytest.raises(MkbaError) as info:
        validate(Only, parse_yaml("format: x\n", "o.yaml"))
    assert info.value.message == "expected 'mkba-x/1', got 'x'"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("horizon: 5\n", "horizon: vijf\n", "expected a whole number, not text or true/false (got 'vijf')"),
        (
            "  gemeente: {public: true, label",
            "  Gemeente: {public: true, label",
            "expected a stakeholder id of lower-case letters, digits, '_' and '-' (e.g. gemeente), got 'Gemeente'",
        ),
        ("discount_rate: 0.0225", "discount_rate: 2.25", "did you mean 0.0225?"),
    ],
)
def test_messages_mkba_words_itself_are_kept(tmp_path, old, new, message):
    assert message in _refused(tmp_path, old, new).message


@pytest.mark.parametrize(
    ("old", "new", "field", "near"),
    [
        (
            "    quantity: 4 ",
            "    quanity: 4 ",
            "effects[0].quanity (id 'minder-huisartsbezoek')",
            "quantity",
        ),
        ("horizon: 5\n", "horizn: 5\n", "horizn", "horizon"),
    ],
)
def test_a_misspelt_required_key_is_said_once(tmp_path, old, new, field, near):
    # pydantic reports the unknown key and the required field it stands for as missing; the first
    # message already names the field, so the second is left out
    err = _refused(tmp_path, old, new)
    assert err.field == field
    assert err.message.startswith(f"unknown key {field.split('.')[-1].split()[0]!r}; did you mean {near!r}?")
    assert "missing" not in err.message and "also:" not in err.message


def test_a_missing_field_that_no_unknown_key_stands_for_is_still_said(tmp_path):
    err = _refused(tmp_path, "horizon: 5\n", "zzz: 5\n")
    assert err.message.startswith("unknown key 'zzz'; expected one of:")
    assert "also:" in err.message and "horizon: this field is required but missing" in err.message


def test_a_misspelling_beside_another_missing_field_keeps_that_one(tmp_path):
    text = TUTORIAL.replace("horizon: 5\n", "horizn: 5\n", 1).replace("start_year: 2025\n", "", 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        mkba.load_scenario(path)
    also = info.value.message.split("\n  also: ")[1:]
    assert len(also) == 1 and also[0].endswith("start_year: this field is required but missing")


@pytest.mark.parametrize(
    ("text", "got"), [("- a\n", "a list"), ("just text\n", "text ('just text')"), ("5\n", "a number (5)")]
)
def test_a_file_whose_top_is_not_a_mapping_says_what_it_is(tmp_path, text, got):
    path = tmp_path / "top.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        mkba.load_scenario(path)
    assert (info.value.line, info.value.message) == (
        1,
        f"expected a mapping (key: value pairs such as format: ...) at the top of the file, got {got}",
    )
    with pytest.raises(MkbaError, match=re.escape(f"got {got}")):
        top_mapping(parse_yaml(text, "top.yaml"))


@pytest.mark.parametrize("function", [top_mapping, documents._got])
def test_the_examples_run_and_give_what_they_show(function):
    run_doctests(function, documents)
