"""A problem found while evaluating a variant names the alternative it belongs to (issue 10)."""

from __future__ import annotations

import pytest
from test_project import cost, effect, line_of, scenario, write_project

import mkba
from mkba.errors import MkbaError


@pytest.fixture
def folder(tmp_path, core_pricelist_path):
    from conftest import core_pricelist_data, write_yaml

    write_yaml(tmp_path / "prijzen.yaml", core_pricelist_data())
    return tmp_path


def test_an_unknown_price_item_added_by_a_variant_names_its_alternative_and_line(folder):
    path = write_project(
        folder,
        [
            {"id": "a", "scenario": "a.yaml"},
            {"id": "b", "based_on": "a", "add": {"effects": [effect("nieuw", 3.0, item="bestaat-niet")]}},
        ],
        {"a.yaml": scenario("A", costs=[cost("team", 1_000)], participants={2015: 5})},
    )
    project = mkba.load_project(path)  # the item is looked up when the price list is applied
    with pytest.raises(MkbaError) as info:
        project.evaluate()
    err = info.value
    assert err.file == path and err.line == line_of(path, "bestaat-niet"), str(err)
    assert err.field is not None and err.field.startswith("alternatives[1] (the changed scenario): "), (
        err.field
    )
    assert "unknown price item 'bestaat-niet'" in err.message


def test_a_scenario_as_written_names_no_alternative(folder):
    path = write_project(
        folder,
        [{"id": "a", "scenario": "a.yaml"}],
        {"a.yaml": scenario("A", effects=[effect("x", 1.0, item="bestaat-niet")], participants={2015: 5})},
    )
    with pytest.raises(MkbaError) as info:
        mkba.load_project(path).evaluate()
    assert info.value.field is not None and "alternatives" not in info.value.field
    assert info.value.file == str(folder / "a.yaml")
