"""Scenario files: every mistake is one MkbaError naming the file, the line and the field."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import mkba
from mkba import MkbaError, load_scenario
from mkba.scenario.model import scenario_json_schema

DATA = Path(__file__).parent / "data"
CORE = DATA / "core_scenario.yaml"
TEXT = CORE.read_text(encoding="utf-8")


def error_of(
    tmp_path: Path, pricelist, old: str, new: str, name: str = "scenario.yaml"
) -> tuple[MkbaError, str]:
    """Evaluate the core scenario with ``old`` replaced by ``new``; the error and the line it points at."""
    assert old in TEXT, old
    path = tmp_path / name
    path.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(path, pricelist)
    err = info.value
    assert err.file == str(path)
    line = path.read_text(encoding="utf-8").splitlines()[err.line - 1] if err.line else ""
    return err, line


def test_the_core_scenario_loads(core_pricelist):
    s = load_scenario(CORE)
    assert (s.name, s.start_year, s.horizon, s.end_year) == ("Core testscenario", 2015, 4, 2018)
    assert [c.id for c in s.costs] == ["opstart", "begeleiding"]
    assert s.file == str(CORE)


# -- unknown and misspelt keys --------------------------------------------------------------------
def test_misspelt_key_in_a_line_names_the_nearest_key(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    amount: 10000", "    amout: 10000")
    assert "unknown key 'amout'" in err.message and "did you mean 'amount'?" in err.message
    assert line.strip() == "amout: 10000"
    assert err.field.startswith("costs[0].amout")


def test_misspelt_top_level_key(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "horizon: 4", "horizn: 4")
    assert "did you mean 'horizon'?" in err.message
    assert line == "horizn: 4"
    assert err.field == "horizn"


def test_misspelt_effect_factor(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    deadweight: 0.2", "    deadwieght: 0.2")
    assert "did you mean 'deadweight'?" in err.message
    assert "deadwieght" in line and err.field.startswith("effects[0].deadwieght")


def test_str_of_the_error_is_file_line_field_message(tmp_path, core_pricelist):
    err, _ = error_of(tmp_path, core_pricelist, "horizon: 4", "horizn: 4")
    assert str(err).startswith(f"{err.file}:{err.line}: horizn: unknown key 'horizn'")


# -- values out of range --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "old, new, field",
    [
        ("    success: 0.5", "    success: 1.5", "effects[0].success"),
        ("    success: 0.25", "    success: -0.1", "effects[1].success"),
        ("    deadweight: 0.2", "    deadweight: 1.0", "effects[0].deadweight"),  # [0, 1): 1 is out
        ("    drop_off: 0.1", "    drop_off: 1", "effects[0].drop_off"),
    ],
)
def test_share_outside_its_range(tmp_path, core_pricelist, old, new, field):
    err, line = error_of(tmp_path, core_pricelist, old, new)
    assert "expected a share in [0, 1" in err.message
    assert new.split(":")[1].strip() in err.message  # the value given
    assert line == new and err.field.startswith(field)


def test_share_distribution_reaching_outside_the_range(tmp_path, core_pricelist):
    err, line = error_of(
        tmp_path, core_pricelist, "    success: 0.5", "    success: {dist: uniform, low: 0.5, high: 1.5}"
    )
    assert "its range is 0.5..1.5" in err.message
    assert "success" in line and err.field.startswith("effects[0].success")


def test_negative_quantity(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    quantity: 20", "    quantity: -20")
    assert "expected a number >= 0" in err.message and line == "    quantity: -20"


# -- years ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "old, new, field",
    [
        ("    year: 2015", "    year: 2019", "costs[0].year"),
        ("  2016: 20", "  2016: 20\n  2020: 5", "participants.2020"),
        ("  2015: 10", "  2014: 10", "participants.2014"),
    ],
)
def test_year_outside_the_horizon(tmp_path, core_pricelist, old, new, field):
    err, line = error_of(tmp_path, core_pricelist, old, new)
    assert "outside the horizon 2015-2018" in err.message
    assert err.field == field
    assert line.strip() == new.splitlines()[-1].strip()


def test_year_range_outside_the_horizon(tmp_path, core_pricelist):
    err, line = error_of(
        tmp_path, core_pricelist, "    per: once\n    year: 2015", "    per: year\n    years: [2016, 2021]"
    )
    assert "year 2021 is outside the horizon 2015-2018" in err.message
    assert err.field == "costs[0].years[1]" and "years: [2016, 2021]" in line


def test_volunteer_years_outside_the_horizon(tmp_path, core_pricelist):
    err, line = error_of(
        tmp_path,
        core_pricelist,
        "    per: participant\n    value",
        "    per: year\n    years: [2013, 2015]\n    value",
    )
    assert "year 2013 is outside the horizon" in err.message
    assert err.field == "volunteers[0].years[0]" and "years: [2013, 2015]" in line


def test_year_range_backwards(tmp_path, core_pricelist):
    err, _line = error_of(
        tmp_path, core_pricelist, "    per: once\n    year: 2015", "    per: year\n    years: [2017, 2016]"
    )
    assert "first <= last" in err.message and err.field.startswith("costs[0]")
    assert err.line is not None


def test_participants_key_must_be_a_year(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "  2016: 20", "  later: 20")
    assert "expected a year" in err.message and line == "  later: 20"


def test_per_once_needs_a_year(tmp_path, core_pricelist):
    err, _ = error_of(tmp_path, core_pricelist, "    per: once\n    year: 2015\n", "    per: once\n")
    assert "per: once needs 'year'" in err.message and err.field.startswith("costs[0]")


# -- references: price items, units, price years --------------------------------------------------
def test_unknown_price_item_names_the_nearest_ids(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    item: hulp-uur", "    item: hulp-uren")
    assert "unknown price item 'hulp-uren'" in err.message and "nearest: hulp-uur" in err.message
    assert line == "    item: hulp-uren" and err.field == "effects[0].item (id 'minder-hulp')"


def test_unit_that_does_not_convert(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    quantity: 20", "    quantity: 20\n    unit: day")
    # hulp-uur is per hour: a day of it does not convert
    assert "'day'" in err.message and "'hour'" in err.message
    assert line == "    unit: day" and err.field == "effects[0].unit (id 'minder-hulp')"


def test_count_unit_against_a_period_unit(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    quantity: 6", "    quantity: 6\n    unit: session")
    assert "'session'" in err.message and "'month'" in err.message and line == "    unit: session"


def test_unknown_unit(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    quantity: 20", "    quantity: 20\n    unit: dag")
    assert "unknown unit 'dag'" in err.message and line == "    unit: dag"


def test_price_year_outside_the_index(tmp_path, core_pricelist):
    err, line = error_of(
        tmp_path, core_pricelist, "    amount: 10000", "    amount: 10000\n    price_year: 1990"
    )
    assert "price year 1990 is outside the price index" in err.message and "2000-2025" in err.message
    assert line == "    price_year: 1990" and err.field == "costs[0].price_year"


def test_scenario_price_year_outside_the_index(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "price_year: 2015", "price_year: 2031")
    assert "price year 2031 is outside the price index" in err.message
    assert "assumed yearly inflation" in err.message
    assert line == "price_year: 2031" and err.field == "price_year"


def test_volunteer_value_price_year_outside_the_index(tmp_path, core_pricelist):
    err, line = error_of(
        tmp_path, core_pricelist, "    value: vervanging-uur", "    value: {amount: 15, price_year: 1999}"
    )
    assert "price year 1999" in err.message and "value: {amount" in line
    assert err.field == "volunteers[0].value.price_year"


# -- volunteer lines ------------------------------------------------------------------------------
def test_volunteer_line_without_as(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    as: memo\n", "")
    assert "required" in err.message and err.field.startswith("volunteers[0].as")
    assert "id: maatjes" in line  # the line of the volunteer entry


def test_volunteer_as_with_an_unknown_value(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    as: memo", "    as: gift")
    assert "memo" in err.message and line == "    as: gift"


def test_beneficiary_only_for_volunteers_as_benefit(tmp_path, core_pricelist):
    err, _ = error_of(tmp_path, core_pricelist, "    as: memo", "    as: memo\n    beneficiary: gemeente")
    assert "'beneficiary' is only for as: benefit" in err.message


# -- duplicates -----------------------------------------------------------------------------------
def test_duplicate_key(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    success: 0.5", "    success: 0.5\n    success: 0.6")
    assert "duplicate key 'success'" in err.message and line == "    success: 0.6"
    first = TEXT.splitlines().index("    success: 0.5") + 1
    assert f"first given on line {first}" in err.message


def test_duplicate_line_ids(tmp_path, core_pricelist):
    err, _ = error_of(tmp_path, core_pricelist, "  - id: begeleiding", "  - id: opstart")
    assert "given twice: opstart" in err.message


# -- distributions --------------------------------------------------------------------------------
def test_distribution_with_an_unknown_dist(tmp_path, core_pricelist):
    err, line = error_of(
        tmp_path, core_pricelist, "    quantity: 20", "    quantity: {dist: gamma, low: 1, high: 2}"
    )
    assert "expected dist: triangular, uniform, pert, normal or beta" in err.message
    assert "dist: gamma" in line and err.field.startswith("effects[0].quantity")


@pytest.mark.parametrize(
    "dist",
    [
        "{dist: uniform, low: 30, high: 10}",
        "{dist: triangular, low: 30, mode: 20, high: 10}",
        "{dist: pert, low: 10, mode: 40, high: 30}",
    ],
)
def test_distribution_with_low_above_high(tmp_path, core_pricelist, dist):
    err, line = error_of(tmp_path, core_pricelist, "    quantity: 20", f"    quantity: {dist}")
    assert "invalid distribution" in err.message and "low" in err.message
    assert line == f"    quantity: {dist}"


def test_distribution_with_a_missing_parameter(tmp_path, core_pricelist):
    err, line = error_of(
        tmp_path, core_pricelist, "    quantity: 20", "    quantity: {dist: triangular, low: 1, high: 3}"
    )
    assert "mode" in err.message and "quantity" in line


def test_number_given_as_text(tmp_path, core_pricelist):
    err, line = error_of(tmp_path, core_pricelist, "    quantity: 20", "    quantity: twintig")
    assert "expected a number or a distribution" in err.message and line == "    quantity: twintig"


# -- the same content in TOML and JSON ------------------------------------------------------------
def _figures(result) -> dict:
    out = result.summary()
    out["stakeholders"] = result.stakeholder_table().to_dict(orient="records")
    out["net_flows"] = result.net_flows
    return out


def test_toml_and_json_give_the_same_result_as_yaml(core_pricelist):
    results = [
        mkba.evaluate(DATA / f"core_scenario.{ext}", core_pricelist) for ext in ("yaml", "toml", "json")
    ]
    yaml_figures = _figures(results[0])
    assert yaml_figures["npv"] != 0
    for r in results[1:]:
        assert _figures(r) == yaml_figures
        assert r.scenario.model_dump() == results[0].scenario.model_dump()


def test_json_error_names_file_and_field(tmp_path, core_pricelist):
    data = json.loads((DATA / "core_scenario.json").read_text())
    data["costs"][0]["amout"] = data["costs"][0].pop("amount")
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data))
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(path, core_pricelist)
    assert info.value.file == str(path) and info.value.field.startswith("costs[0].amout")
    assert "did you mean 'amount'?" in info.value.message


def test_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('format = "mkba-scenario/1"\nname = \n')
    with pytest.raises(MkbaError, match="not valid TOML") as info:
        load_scenario(path)
    assert info.value.file == str(path)


# -- hashes, dicts, schema ------------------------------------------------------------------------
def test_scenario_sha256_is_the_hash_of_the_file_bytes():
    assert load_scenario(CORE).sha256 == hashlib.sha256(CORE.read_bytes()).hexdigest()


def test_scenario_from_a_dict_has_a_stable_hash(make_scenario):
    s = make_scenario(costs=[{"id": "k", "payer": "gemeente", "amount": 1, "per": "once", "year": 2015}])
    a, b = load_scenario(s), load_scenario(dict(s))
    assert a.sha256 == b.sha256 and len(a.sha256) == 64
    s["costs"][0]["amount"] = 2
    assert load_scenario(s).sha256 != a.sha256


def test_dict_errors_name_the_field(make_scenario):
    with pytest.raises(MkbaError) as info:
        load_scenario(
            make_scenario(
                horizon=2, costs=[{"id": "k", "payer": "gemeente", "amount": 1, "per": "once", "year": 2030}]
            )
        )
    assert info.value.field == "costs[0].year" and "outside the horizon 2015-2016" in info.value.message


def test_schema_lists_the_scenario_fields():
    schema = scenario_json_schema()
    json.dumps(schema)
    for key in (
        "format",
        "name",
        "price_year",
        "start_year",
        "horizon",
        "discount_rate",
        "base_year",
        "stakeholders",
        "participants",
        "costs",
        "effects",
        "volunteers",
    ):
        assert key in schema["properties"], key
    assert "as" in schema["$defs"]["VolunteerLine"]["properties"]


# -- nothing a user wrote is silently dropped (review findings) ------------------------------------
@pytest.mark.parametrize(
    "cost, expected",
    [
        ({"per": "once", "year": 2015, "years": [2015, 2017]}, "not both"),
        ({"per": "once", "years": [2015, 2017]}, "per: once needs 'year'"),
        ({"per": "year", "year": 2015, "years": [2015, 2017]}, "not both"),
    ],
)
def test_cost_timing_that_would_drop_a_field_is_refused(run, make_scenario, cost, expected):
    line = {"id": "k", "payer": "gemeente", "amount": 1000, **cost}
    with pytest.raises(MkbaError) as exc:
        run(make_scenario(costs=[line]))
    assert expected in exc.value.message and exc.value.field.startswith("costs[0]")


def test_a_beneficiary_on_an_added_cost_is_refused(run, make_scenario):
    line = {"id": "e", "item": "hulp-uur", "kind": "added_cost", "quantity": 1, "beneficiary": "rijk"}
    with pytest.raises(MkbaError) as exc:
        run(make_scenario(participants={2015: 1}, effects=[line]))
    assert "added cost falls on the payer" in exc.value.message


@pytest.mark.parametrize("rate", [-1.0, -2.0, 0.26, 0.5, 200.0, float("nan"), float("inf")])
def test_a_discount_rate_override_obeys_the_files_rule(run, make_scenario, rate):
    with pytest.raises(MkbaError) as exc:
        run(
            make_scenario(costs=[{"id": "k", "payer": "gemeente", "amount": 1, "per": "once", "year": 2015}]),
            discount_rate=rate,
        )
    assert exc.value.field == "discount_rate" and "[-0.99, 0.25]" in exc.value.message


def test_figures_that_overflow_are_an_error_not_inf(run, make_scenario):
    s = make_scenario(
        horizon=200,
        discount_rate=-0.99,
        costs=[{"id": "k", "payer": "gemeente", "amount": 1, "per": "year", "years": [2015, 2214]}],
    )
    with pytest.raises(MkbaError) as exc:
        run(s)
    assert "overflow" in exc.value.message


def test_an_assumed_inflation_lets_a_price_list_hold_later_years(tmp_path, make_scenario):
    from conftest import core_pricelist_data, write_yaml

    import mkba

    data = core_pricelist_data()
    data["name"], data["version"] = "fut", "1"
    data["items"][0] = {**data["items"][0], "price_year": 2027}
    folder = tmp_path / "fut"
    folder.mkdir()
    write_yaml(folder / "1.yaml", data)
    s = make_scenario(
        pricelist="fut@1", costs=[{"id": "k", "payer": "gemeente", "amount": 1, "per": "once", "year": 2015}]
    )
    with pytest.raises(MkbaError) as exc:
        mkba.evaluate(s, folders=[tmp_path])
    assert "2027" in exc.value.message and "assumed" in exc.value.message
    s["assumed_inflation"] = 0.02
    assert mkba.evaluate(s, folders=[tmp_path]).pv_costs == pytest.approx(1.0)


def test_a_price_range_whose_amount_sits_at_its_end_uses_and_reports_the_pert_mean(
    run, make_scenario, tmp_path
):
    from conftest import core_pricelist_data, write_yaml

    import mkba

    data = core_pricelist_data()
    item = next(i for i in data["items"] if i["id"] == "hulp-uur")
    item.update(amount=60.0, low=40.0, high=60.0)  # amount at high: no PERT on [40, 60] has mean 60
    path = write_yaml(tmp_path / "edge.yaml", data)
    s = make_scenario(
        participants={2015: 1},
        effects=[{"id": "e", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 1}],
    )
    r = mkba.evaluate(s, path)
    pert = mkba.Pert(dist="pert", low=40.0, mode=60.0, high=60.0)  # mode clipped to the range
    assert r.pv_benefits == pytest.approx(pert.mean) and pert.mean == pytest.approx((40 + 4 * 60 + 60) / 6)
    assert "price.hulp-uur" in r.model.defaults
    from mkba.report.vocabulary import default_text

    used = r.model.used_defaults["price.hulp-uur"]
    assert used.reason == "pert_mean" and used.value == pytest.approx(pert.mean)
    dutch = default_text("price.hulp-uur", used, "nl", name="Uur hulp").replace("\xa0", " ")
    assert dutch == (
        "prijs Uur hulp = € 56,67 per uur (prijspeil 2015) (standaard: het gemiddelde van "
        "PERT(40,00; 60,00; 60,00), omdat het bedrag in de prijslijst (60,00) aan de rand van zijn bereik ligt)"
    )
    assert "end of its range" in r.model.defaults["price.hulp-uur"]  # the JSON keeps the English words


# -- effects at area level (per: year) --------------------------------------------------------------
MINDER_HULP_TIMING = "    drop_off: 0.1\n    duration: 3"


def test_effect_per_year_loads_without_participants(run, make_scenario):
    s = load_scenario(
        make_scenario(
            effects=[
                {
                    "id": "e",
                    "item": "hulp-uur",
                    "kind": "avoided_cost",
                    "quantity": 1,
                    "per": "year",
                    "years": [2016, 2018],
                }
            ]
        )
    )
    e = s.effects[0]
    assert (e.per, e.first_last, s.participants) == ("year", (2016, 2018), {})
    assert load_scenario(
        make_scenario(
            effects=[
                {
                    "id": "e",
                    "item": "hulp-uur",
                    "kind": "avoided_cost",
                    "quantity": 1,
                    "per": "year",
                    "year": 2017,
                }
            ]
        )
    ).effects[0].first_last == (2017, 2017)
    # the default is today's per participant; a line per participant still needs participants
    with pytest.raises(MkbaError) as exc:
        run(make_scenario(effects=[{"id": "e", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 1}]))
    assert "needs 'participants'" in exc.value.message and "per: year" in exc.value.message


@pytest.mark.parametrize(
    "new, field",
    [
        ("    drop_off: 0.1\n    per: year\n    years: [2016, 2019]", "effects[0].years[1]"),
        ("    drop_off: 0.1\n    per: year\n    years: [2014, 2016]", "effects[0].years[0]"),
        ("    drop_off: 0.1\n    per: year\n    year: 2020", "effects[0].year"),
    ],
)
def test_effect_year_outside_the_horizon(tmp_path, core_pricelist, new, field):
    err, line = error_of(tmp_path, core_pricelist, MINDER_HULP_TIMING, new)
    assert "is outside the horizon 2015-2018" in err.message
    assert err.field == field
    assert line.strip() == new.splitlines()[-1].strip()


@pytest.mark.parametrize(
    "new, expected",
    [
        ("    drop_off: 0.1\n    per: year\n    years: [2016, 2017]\n    lag: 1", "'lag' does not apply"),
        ("    drop_off: 0.1\n    per: year\n    years: [2016, 2017]\n    lag: 0", "'lag' does not apply"),
        (
            "    drop_off: 0.1\n    per: year\n    year: 2016\n    duration: 1",
            "'duration' does not apply to per: year",
        ),
        (
            "    drop_off: 0.1\n    per: year\n    years: [2016, 2017]\n    duration: 2\n    lag: 1",
            "'duration' and 'lag' do not apply to per: year",
        ),
        ("    drop_off: 0.1\n    per: year\n    year: 2016\n    years: [2016, 2017]", "not both"),
        ("    drop_off: 0.1\n    per: year", "per: year needs 'years: [first, last]'"),
        ("    drop_off: 0.1\n    per: year\n    years: [2017, 2016]", "first <= last"),
        ("    drop_off: 0.1\n    years: [2016, 2017]", "leave out 'year'/'years'"),
        ("    drop_off: 0.1\n    per: cohort", "'participant' or 'year'"),
    ],
)
def test_effect_per_year_timing_mistakes(tmp_path, core_pricelist, new, expected):
    """lag and duration have defaults: written with per: year (even at their default) they are refused."""
    err, _ = error_of(tmp_path, core_pricelist, MINDER_HULP_TIMING, new)
    assert expected in err.message
    assert err.field.startswith("effects[0]") and err.line is not None


def test_an_inline_price_outside_the_index_points_at_its_price_year(run, make_scenario):
    line = {
        "id": "e",
        "price": {"amount": 10, "price_year": 1990, "unit": "hour", "payer": "gemeente"},
        "kind": "avoided_cost",
        "quantity": 1,
    }
    with pytest.raises(MkbaError) as exc:
        run(make_scenario(participants={2015: 1}, effects=[line]))
    assert exc.value.field == "effects[0].price.price_year" and "1990" in exc.value.message


@pytest.mark.parametrize("field, value", [("start_year", "2015"), ("horizon", True), ("price_year", "2015")])
def test_a_year_or_count_written_as_text_is_refused(run, make_scenario, field, value):
    with pytest.raises(MkbaError) as exc:
        run(make_scenario(**{field: value}))
    assert exc.value.field == field and "whole number" in exc.value.message


def test_mkba_run_refuses_a_sib_section_that_names_an_unknown_effect_line(tmp_path):
    root = Path(__file__).resolve().parents[1]
    text = (root / "scenarios" / "buzinezzclub-rotterdam.yaml").read_text(encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(
        text.replace("effects: [minder-bijstand-21plus", "effects: [minder-bijstand-21plu"), encoding="utf-8"
    )
    with pytest.raises(MkbaError) as exc:
        mkba.evaluate(path)  # the point MKBA does not use the contract, but a broken one is still refused
    assert exc.value.field == "sib.outcomes[0].effects[0]" and "minder-bijstand-21plus" in exc.value.message


# -- bad input (review 2026-12) ------------------------------------------------------------------------
def test_a_year_given_twice_in_a_dict_is_refused():
    data = {"format": "mkba-scenario/1", "name": "x", "start_year": 2025, "horizon": 2}
    with pytest.raises(MkbaError, match="duplicate key '2025': the same key as 2025"):
        load_scenario({**data, "participants": {2025: 10, "2025": 1000}})


@pytest.mark.parametrize("number", ["5_0", "0x5"])
def test_a_yaml_1_1_horizon_is_refused_at_its_line(tmp_path, number):
    path = tmp_path / "s.yaml"
    path.write_text(TEXT.replace("\nhorizon: ", f"\nhorizon: {number}  # was "), encoding="utf-8")
    with pytest.raises(MkbaError, match="not a plain decimal number") as info:
        load_scenario(path)
    assert path.read_text().splitlines()[info.value.line - 1].startswith(f"horizon: {number}")


def test_a_discount_rate_typed_as_a_percentage_says_its_value_once(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(TEXT.replace("discount_rate: 0.05", "discount_rate: 2.25"), encoding="utf-8")
    with pytest.raises(MkbaError, match=r"did you mean 0\.0225") as info:
        load_scenario(path)
    assert info.value.message.count("(got 2.25)") == 1


def test_batch_loads_the_base_scenarios_list_as_evaluate_does(tmp_path, make_scenario):
    # the scenario's assumed_inflation carries the index on for its list, in mkba batch as in mkba run
    import pandas as pd
    from conftest import core_pricelist_data, write_yaml

    import mkba

    data = core_pricelist_data()
    data["name"], data["version"] = "fut", "1"
    data["items"][0] = {**data["items"][0], "price_year": 2027}
    (tmp_path / "fut").mkdir()
    write_yaml(tmp_path / "fut" / "1.yaml", data)
    s = make_scenario(
        pricelist="fut@1",
        assumed_inflation=0.02,
        costs=[{"id": "k", "payer": "gemeente", "amount": 1, "per": "once", "year": 2015}],
    )
    base = write_yaml(tmp_path / "s.yaml", s)
    got = mkba.evaluate_many(base, pd.DataFrame({"id": ["a"], "discount_rate": [0.03]}), folders=[tmp_path])
    assert set(got["id"]) == {"a"}
    s["pricelist"] = "fut@9"  # a list the scenario names that does not exist: said at its pricelist line
    base = write_yaml(tmp_path / "s.yaml", s)
    with pytest.raises(MkbaError) as exc:
        mkba.evaluate_many(base, pd.DataFrame({"id": ["a"], "discount_rate": [0.03]}), folders=[tmp_path])
    assert (exc.value.file, exc.value.field) == (str(base), "pricelist") and exc.value.line
