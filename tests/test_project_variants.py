"""A problem found while evaluating a variant names the alternative it belongs to (issue 10)."""

from __future__ import annotations

from pathlib import Path

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


def test_a_variant_that_sets_and_removes_the_same_field_is_refused(folder):
    # the set was once thrown away silently: the variant equalled its parent
    price = {"amount": 100, "price_year": 2015, "unit": "day", "payer": "gemeente"}
    path = write_project(
        folder,
        [
            {"id": "a", "scenario": "a.yaml"},
            {
                "id": "b",
                "based_on": "a",
                "set": {"effects.x.price": price},
                "remove": ["effects.x.price"],
            },
        ],
        {"a.yaml": scenario("A", effects=[effect("x", 1.0)], participants={2015: 5})},
    )
    with pytest.raises(MkbaError, match=r"sets effects\.x\.price .*either set or removed, not both") as info:
        mkba.load_project(path)
    assert info.value.file == path
    assert info.value.line == line_of(path, "- effects.x.price")
    assert info.value.field == "alternatives[1].remove.effects.x.price"


def test_removing_a_line_a_variant_also_sets_inside_is_refused(folder):
    path = write_project(
        folder,
        [
            {"id": "a", "scenario": "a.yaml"},
            {"id": "b", "based_on": "a", "set": {"effects.x.quantity": 2.0}, "remove": ["effects.x"]},
        ],
        {"a.yaml": scenario("A", effects=[effect("x", 1.0)], participants={2015: 5})},
    )
    with pytest.raises(MkbaError, match=r"sets effects\.x\.quantity"):
        mkba.load_project(path)


def test_setting_one_field_and_removing_another_still_works(folder):
    price = {
        "amount": 100,
        "price_year": 2015,
        "unit": "day",
        "payer": "gemeente",
        "label": "x",
        "source": "x",
    }
    path = write_project(
        folder,
        [
            {"id": "a", "scenario": "a.yaml"},
            {"id": "b", "based_on": "a", "set": {"effects.x.price": price}, "remove": ["effects.x.item"]},
        ],
        {"a.yaml": scenario("A", effects=[effect("x", 1.0)], participants={2015: 5})},
    )
    variant = mkba.load_project(path).alternatives[-1].scenario
    assert variant.effects[0].item is None and variant.effects[0].price is not None


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("discount_rate", 2.25, "did you mean 0.0225?"),
        ("price_year", 2040, "outside the price index"),
        ("pricelist", "nope@1", "the price list 'nope@1' cannot be used"),
    ],
)
def test_a_projects_own_setting_is_blamed_on_the_project_file_at_its_line(folder, key, value, message):
    path = write_project(
        folder,
        [{"id": "a", "scenario": "a.yaml"}, {"id": "b", "scenario": "b.yaml"}],
        {
            "a.yaml": scenario("A", costs=[cost("team", 1_000)]),
            "b.yaml": scenario("B", costs=[cost("team", 2_000)]),
        },
        **{key: value},
    )
    with pytest.raises(MkbaError) as info:
        mkba.load_project(path).evaluate()
    assert (info.value.file, info.value.line) == (path, line_of(path, f"{key}:")), str(info.value)
    assert info.value.field == key and message in info.value.message


def test_a_variant_is_named_by_its_own_label_not_its_bases():
    """Its sheets, report and provenance would otherwise carry the nulalternatief's name."""
    import mkba

    project = mkba.load_project(
        Path(__file__).resolve().parents[1] / "scenarios" / "frontlijnteam-project.yaml"
    )
    names = {alt.id: alt.scenario.name for alt in project.definition.all}
    labels = {alt.id: alt.label for alt in project.definition.all}
    assert names["frontlijnteam"] == labels["frontlijnteam"] != names["regulier"]
    assert names["frontlijnteam-ots-tarief"] == labels["frontlijnteam-ots-tarief"]
    result = project.evaluate().results["frontlijnteam"]
    assert result.provenance["scenario"]["name"] == labels["frontlijnteam"]
