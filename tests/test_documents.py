"""The public helpers of mkba.io.documents that read a model's types at a location, and its one year rule."""

from __future__ import annotations

import typing

import pytest
from conftest import run_doctests

from mkba.errors import MkbaError
from mkba.io import documents
from mkba.io.documents import Document, check_data, expand_hints, fields_at, hints_at, parse_yaml
from mkba.scenario.fields import Within
from mkba.scenario.model import EffectLine, Scenario


@pytest.mark.parametrize("function", [hints_at, fields_at, expand_hints])
def test_the_examples_run_and_give_what_they_show(function):
    run_doctests(function, documents)


def test_hints_at_keeps_a_fields_validators_and_bounds():
    # pydantic keeps a field's validators apart from its annotation; hints_at gives them back
    [share] = hints_at(Scenario, ("effects", 3, "success"))
    assert typing.get_origin(share) is typing.Annotated
    assert [m.func for m in share.__metadata__ if isinstance(getattr(m, "func", None), Within)] == [
        Within(0, 1, name="a share")
    ]
    [count] = hints_at(Scenario, ("participants", 2025))  # a mapping's value
    assert [m.func.high for m in count.__metadata__ if isinstance(getattr(m, "func", None), Within)] == [1e8]
    assert hints_at(Scenario, ("effects", "x")) == []  # a list is stepped into by index only
    assert expand_hints(hints_at(Scenario, ("effects", 0))) == [EffectLine]


def test_fields_at_names_a_models_fields_by_alias_also_inside_the_sib_contract():
    assert {"success", "attribution", "price"} <= fields_at(Scenario, ("effects", 0))
    assert "as" in fields_at(Scenario, ("volunteers", 0))  # VolunteerLine.as_, by its alias
    assert {"outcomes", "investors"} <= fields_at(Scenario, ("sib",))  # a model built on first use
    assert fields_at(Scenario, ("name",)) == set()  # text holds no fields
    assert {"dist", "low", "high"} <= fields_at(Scenario, ("discount_rate",))  # a number, or a distribution


@pytest.mark.parametrize(
    "text",
    [
        'participants:\n  2026: 60\n  "2026": 6000\n',
        'participants:\n  "2026": 60\n  "02026": 6000\n',
        'a:\n  - {1: x,\n     "01": y}\n',
    ],
)
def test_a_year_spelt_two_ways_is_refused_by_one_rule_whichever_parser_reads_it(text):
    # the strict parser's walk finds keys written twice alike; the year rule is check_data's alone
    errors = []
    for positions in (False, True):
        with pytest.raises(MkbaError, match="the same key as") as info:
            parse_yaml(text, "s.yaml", positions=positions)
        errors.append((info.value.message, info.value.line, info.value.field))
    assert errors[0] == errors[1]
    with pytest.raises(MkbaError, match="the same key as") as info:  # data built in Python: the same rule
        check_data(Document({"b": {2025: 1, "2025": 2}}, "<dict>"))
    assert info.value.field == "b.2025"


def test_the_strict_walk_still_refuses_a_key_written_twice_alike_with_both_lines():
    text = "participants:\n  2026: 60\n  2026: 6000\n"
    for positions in (False, True):
        with pytest.raises(MkbaError, match=r"duplicate key 2026 \(first given on line 2\)") as info:
            parse_yaml(text, "s.yaml", positions=positions)
        assert (info.value.line, info.value.field) == (3, "participants.2026")


def test_a_file_of_another_kind_says_which_kinds_are_read(tmp_path):
    from mkba.io.documents import read_document

    notes = tmp_path / "README.md"
    notes.write_text("# Scenario\n\nSee: the file, and: more.\n", encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        read_document(notes)
    assert info.value.message.startswith("not valid YAML")
    assert (
        "this is a .md file: mkba reads YAML (.yaml, .yml), TOML (.toml) and JSON (.json)"
        in info.value.message
    )
    bad_yaml = tmp_path / "s.yaml"  # a YAML file keeps the plain message
    bad_yaml.write_text("a: b: c\n", encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        read_document(bad_yaml)
    assert "this is a" not in info.value.message
    saved_as_text = tmp_path / "s.txt"  # any name is still read as YAML
    saved_as_text.write_text("a: 1\n", encoding="utf-8")
    assert read_document(saved_as_text).data == {"a": 1}
