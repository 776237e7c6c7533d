"""The calculation contract, METHOD.md sections 1-4 (and the engine's invariants).

Expected values are worked out by hand in each test from the test price list of conftest.py
(round amounts) and the CPI values read straight from the bundled file.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from conftest import CORE_ITEMS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mkba
from mkba import MkbaError, compile_scenario, figures, load_scenario

approx = pytest.approx
#: More examples on request: MKBA_HYPOTHESIS_EXAMPLES=500 pytest tests/test_engine.py
SETTINGS = settings(
    max_examples=int(os.environ.get("MKBA_HYPOTHESIS_EXAMPLES", 30)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def line_flows(result, line_id: str) -> list[float]:
    """The gross yearly amounts of one line (euro, positive)."""
    return result.line_frame().loc[line_id].tolist()


def posted(result, stakeholder: str) -> list[float]:
    """Yearly flows booked on one stakeholder (benefits positive), undiscounted."""
    frame = result.flows_frame()
    sel = frame[frame["stakeholder"] == stakeholder]
    return [float(sel.loc[sel["year"] == y, "flow"].sum()) for y in result.years]


# -- 1. prices, indexation and units --------------------------------------------------------------
def test_item_price_is_indexed_from_its_price_year_to_the_scenario_price_year(run, make_scenario, cpi):
    # zorg-dag: 100 euro a day in 2020 prices; results in 2025 prices
    s = make_scenario(
        price_year=2025,
        horizon=1,
        participants={2015: 1},
        effects=[{"id": "e", "item": "zorg-dag", "kind": "avoided_cost", "quantity": 1}],
    )
    expected = 1 * 1 * 100.0 * cpi[2025] / cpi[2020]
    assert line_flows(run(s), "e") == [approx(expected, rel=1e-12)]


def test_cost_amount_is_indexed_from_its_own_price_year(run, make_scenario, cpi):
    s = make_scenario(
        price_year=2022,
        horizon=1,
        costs=[
            {"id": "k", "payer": "gemeente", "amount": 1000, "price_year": 2010, "per": "once", "year": 2015}
        ],
    )
    r = run(s)
    assert r.pv_costs == approx(1000 * cpi[2022] / cpi[2010], rel=1e-12)


def test_cost_amount_without_price_year_is_in_the_scenario_price_year(run, make_scenario):
    s = make_scenario(
        price_year=2022,
        horizon=1,
        costs=[{"id": "k", "payer": "gemeente", "amount": 1000, "per": "once", "year": 2015}],
    )
    assert run(s).pv_costs == approx(1000.0, rel=1e-15)


def test_cost_priced_by_item_is_quantity_times_indexed_price(run, make_scenario, cpi):
    # sessie: 80 euro in 2018 prices; 25 sessions a year in 2015 and 2016; results in 2021 prices
    s = make_scenario(
        price_year=2021,
        horizon=2,
        costs=[
            {
                "id": "k",
                "payer": "gemeente",
                "item": "sessie",
                "quantity": 25,
                "per": "year",
                "years": [2015, 2016],
            }
        ],
    )
    per_year = 25 * 80.0 * cpi[2021] / cpi[2018]
    assert line_flows(run(s), "k") == [approx(per_year, rel=1e-12)] * 2


def test_default_price_year_is_the_newest_year_of_the_index(run, make_scenario, cpi):
    s = make_scenario(
        price_year=None,
        horizon=1,
        costs=[
            {"id": "k", "payer": "gemeente", "amount": 1000, "price_year": 2015, "per": "once", "year": 2015}
        ],
    )
    r = run(s)
    newest = max(cpi)
    assert r.price_year == newest
    assert r.pv_costs == approx(1000 * cpi[newest] / cpi[2015], rel=1e-12)
    assert "price_year" in r.provenance["defaults_used"]


def test_price_year_beyond_the_index_uses_the_stated_assumed_inflation(run, make_scenario, cpi):
    s = make_scenario(
        price_year=2027,
        assumed_inflation=0.02,
        horizon=1,
        costs=[
            {"id": "k", "payer": "gemeente", "amount": 1000, "price_year": 2015, "per": "once", "year": 2015}
        ],
    )
    expected = 1000 * cpi[2025] * 1.02**2 / cpi[2015]
    assert run(s).pv_costs == approx(expected, rel=1e-12)


def test_price_year_override_reindexes_everything(run, make_scenario, cpi):
    s = make_scenario(
        price_year=2015,
        horizon=1,
        participants={2015: 2},
        costs=[{"id": "k", "payer": "gemeente", "amount": 1000, "per": "once", "year": 2015}],
        effects=[{"id": "e", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 10}],
    )
    r = run(s, price_year=2020)
    factor = cpi[2020] / cpi[2015]
    assert r.price_year == 2020
    assert r.pv_costs == approx(1000 * factor, rel=1e-12)
    assert r.pv_benefits == approx(2 * 10 * 50.0 * factor, rel=1e-12)


def test_amounts_without_price_year_are_in_the_scenario_price_year_also_under_an_override(
    run, make_scenario, cpi
):
    # the scenario says price_year 2015; a run in 2020 prices brings its own amounts along
    s = make_scenario(
        price_year=2015,
        horizon=1,
        participants={2015: 1},
        effects=[
            {
                "id": "e",
                "kind": "benefit",
                "quantity": 1,
                "price": {"amount": 40, "unit": "hour", "payer": "deelnemers"},
            }
        ],
        volunteers=[
            {"id": "v", "hours": 10, "per": "year", "year": 2015, "value": {"amount": 15}, "as": "benefit"}
        ],
    )
    factor = cpi[2020] / cpi[2015]
    r = run(s, price_year=2020)
    assert posted(r, "deelnemers") == [approx(40 * factor, rel=1e-12)]
    assert posted(r, "samenleving") == [approx(10 * 15 * factor, rel=1e-12)]


@pytest.mark.parametrize(
    "item, quantity, unit, expected",
    [
        # begeleiding-maand 600/month; 73 days = 73 * 12/365 = 2.4 months
        ("begeleiding-maand", 73, "day", 73 * 12 / 365 * 600.0),
        # plaats-jaar 52000/year; 2 weeks = 2/52 year
        ("plaats-jaar", 2, "week", 2 / 52 * 52000.0),
        # training-week 520/week; 1 month = 52/12 weeks
        ("training-week", 1, "month", 52 / 12 * 520.0),
        # detentie-dag 200/day; half a year = 365/2 days
        ("detentie-dag", 0.5, "year", 0.5 * 365 * 200.0),
        # same unit: no conversion
        ("begeleiding-maand", 3, "month", 3 * 600.0),
    ],
)
def test_quantity_in_another_period_unit_converts_with_365_days_52_weeks_12_months(
    run, make_scenario, item, quantity, unit, expected
):
    s = make_scenario(
        horizon=1,
        participants={2015: 1},
        effects=[{"id": "e", "item": item, "kind": "avoided_cost", "quantity": quantity, "unit": unit}],
    )
    assert line_flows(run(s), "e") == [approx(expected, rel=1e-12)]


def test_hour_against_a_day_price_is_an_error_naming_both_units(run, make_scenario, tmp_path):
    from conftest import write_yaml

    path = write_yaml(
        tmp_path / "s.yaml",
        make_scenario(
            horizon=1,
            participants={2015: 1},
            effects=[
                {"id": "e", "item": "detentie-dag", "kind": "avoided_cost", "quantity": 8, "unit": "hour"}
            ],
        ),
    )
    with pytest.raises(MkbaError) as info:
        run(path)
    err = info.value
    assert "'hour'" in err.message and "'day'" in err.message
    assert err.file == str(path)
    lines = path.read_text().splitlines()
    assert "unit: hour" in lines[err.line - 1]
    assert err.field == "effects[0].unit (id 'e')"


# -- 2. discounting -------------------------------------------------------------------------------
def _yearly_cost(make_scenario, **fields):
    return make_scenario(
        horizon=3,
        costs=[{"id": "k", "payer": "gemeente", "amount": 1000, "per": "year", "years": [2015, 2017]}],
        **fields,
    )


def test_discount_factor_is_one_in_the_start_year_by_default(run, make_scenario):
    r = run(_yearly_cost(make_scenario, discount_rate=0.05))
    assert r.pv_costs == approx(1000 + 1000 / 1.05 + 1000 / 1.05**2, rel=1e-13)
    assert r.yearly_frame()["discount_factor"].tolist() == approx([1.0, 1 / 1.05, 1 / 1.05**2], rel=1e-15)
    assert r.provenance["base_year"] == 2015


def test_explicit_base_year_is_not_discounted(run, make_scenario):
    r = run(_yearly_cost(make_scenario, discount_rate=0.05, base_year=2016))
    # DF(2015) = 1.05 ** 1, DF(2016) = 1, DF(2017) = 1.05 ** -1
    assert r.pv_costs == approx(1000 * 1.05 + 1000 + 1000 / 1.05, rel=1e-13)
    assert "base_year" not in r.provenance["defaults_used"]


def test_zero_discount_rate_gives_plain_sums(run, make_scenario):
    r = run(_yearly_cost(make_scenario, discount_rate=0.0))
    assert r.pv_costs == 3000.0


def test_default_discount_rate_is_2_25_percent(run, make_scenario):
    r = run(_yearly_cost(make_scenario, discount_rate=None))
    assert r.discount_rate == 0.0225
    assert r.pv_costs == approx(1000 * (1 + 1.0225**-1 + 1.0225**-2), rel=1e-13)
    assert "discount_rate" in r.provenance["defaults_used"]


def test_discount_rate_override(run, make_scenario):
    r = run(_yearly_cost(make_scenario, discount_rate=0.05), discount_rate=0.10)
    assert r.discount_rate == 0.10
    assert r.pv_costs == approx(1000 * (1 + 1 / 1.1 + 1 / 1.21), rel=1e-13)


# -- 4. cost timings and cohorts ------------------------------------------------------------------
def test_cost_once_falls_in_its_year(run, make_scenario):
    s = make_scenario(
        horizon=4,
        discount_rate=0.10,
        costs=[{"id": "k", "payer": "gemeente", "amount": 1000, "per": "once", "year": 2016}],
    )
    r = run(s)
    assert line_flows(r, "k") == [0, 1000, 0, 0]
    assert r.pv_costs == approx(1000 / 1.1, rel=1e-13)
    assert posted(r, "gemeente") == [0, -1000, 0, 0]


def test_cost_per_year_falls_in_every_year_of_its_range(run, make_scenario):
    s = make_scenario(
        horizon=5,
        costs=[
            {"id": "k", "payer": "rijk", "amount": 250, "per": "year", "years": [2016, 2018]},
            {"id": "k1", "payer": "rijk", "amount": 40, "per": "year", "year": 2019},
        ],
    )
    r = run(s)
    assert line_flows(r, "k") == [0, 250, 250, 250, 0]
    assert line_flows(r, "k1") == [0, 0, 0, 0, 40]
    assert r.pv_costs == 3 * 250 + 40


def test_cost_per_participant_falls_once_in_the_arrival_year(run, make_scenario):
    s = make_scenario(
        horizon=4,
        participants={2015: 10, 2017: 5},
        costs=[{"id": "k", "payer": "gemeente", "amount": 200, "per": "participant"}],
    )
    assert line_flows(run(s), "k") == [10 * 200, 0, 5 * 200, 0]


def test_cost_per_participant_year_runs_for_duration_years_from_arrival(run, make_scenario):
    s = make_scenario(
        horizon=3,
        participants={2015: 10, 2016: 4},
        costs=[{"id": "k", "payer": "gemeente", "amount": 100, "per": "participant_year", "duration": 2}],
    )
    # 2015: cohort 2015; 2016: both cohorts; 2017: cohort 2016 only
    assert line_flows(run(s), "k") == [10 * 100, (10 + 4) * 100, 4 * 100]


def test_cost_per_participant_year_is_clipped_to_the_horizon(run, make_scenario):
    s = make_scenario(
        horizon=3,
        participants={2017: 6},
        costs=[{"id": "k", "payer": "gemeente", "amount": 100, "per": "participant_year", "duration": 5}],
    )
    assert line_flows(run(s), "k") == [0, 0, 600]


# -- 4. effect lines ------------------------------------------------------------------------------
FULL_EFFECT = {
    "id": "e",
    "item": "hulp-uur",
    "kind": "avoided_cost",
    "quantity": 3,
    "success": 0.5,
    "deadweight": 0.2,
    "attribution": 0.75,
    "displacement": 0.1,
    "drop_off": 0.25,
    "optimism_bias": 0.1,
    "lag": 1,
    "duration": 3,
}


def test_effect_value_formula_with_every_factor(run, make_scenario):
    s = make_scenario(horizon=5, participants={2015: 100, 2016: 40}, effects=[FULL_EFFECT])
    # per participant per active year, before drop-off:
    # 3 h * 0.5 * 50 euro * (1 - 0.2) * 0.75 * (1 - 0.1) * (1 - 0.1) = 36.45
    v = 3 * 0.5 * 50 * 0.8 * 0.75 * 0.9 * 0.9
    assert v == approx(36.45)
    # lag 1: cohort 2015 is active 2016 (k=0), 2017 (k=1), 2018 (k=2); cohort 2016 one year later
    expected = [0.0, 100 * v, 100 * v * 0.75 + 40 * v, 100 * v * 0.75**2 + 40 * v * 0.75, 40 * v * 0.75**2]
    assert expected == approx([0, 3645.0, 4191.75, 3143.8125, 820.125])
    r = run(s)
    assert line_flows(r, "e") == approx(expected, rel=1e-13)
    assert posted(r, "gemeente") == approx(expected, rel=1e-13)  # hulp-uur is paid by the gemeente
    assert r.pv_benefits == approx(sum(expected), rel=1e-13)


def test_effect_flows_are_clipped_to_the_horizon(run, make_scenario):
    s = make_scenario(
        horizon=3,
        participants={2016: 10},
        effects=[
            {
                "id": "e",
                "item": "hulp-uur",
                "kind": "avoided_cost",
                "quantity": 1,
                "lag": 1,
                "duration": 4,
                "drop_off": 0.5,
            }
        ],
    )
    # cohort 2016 with lag 1: active from 2017; only 2017 (k=0) lies within 2015-2017
    assert line_flows(run(s), "e") == [0, 0, 10 * 50.0]


def test_effect_of_a_cohort_in_the_last_year_counts_only_that_year(run, make_scenario):
    s = make_scenario(
        horizon=2,
        participants={2016: 4},
        effects=[{"id": "e", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 2, "duration": 10}],
    )
    assert line_flows(run(s), "e") == [0, 4 * 2 * 50.0]


@pytest.mark.parametrize("kind, sign", [("avoided_cost", 1), ("benefit", 1), ("added_cost", -1)])
def test_effect_kind_decides_benefit_or_cost_to_the_item_payer(run, make_scenario, kind, sign):
    s = make_scenario(
        horizon=1,
        participants={2015: 2},
        effects=[{"id": "e", "item": "detentie-dag", "kind": kind, "quantity": 3}],
    )
    r = run(s)
    value = 2 * 3 * 200.0  # detentie-dag is paid by the rijk
    assert posted(r, "rijk") == [sign * value]
    assert r.npv == sign * value
    assert (r.pv_benefits, r.pv_costs) == ((value, 0.0) if sign > 0 else (0.0, value))


def test_beneficiary_overrides_the_item_payer(run, make_scenario, stakeholder):
    s = make_scenario(
        horizon=1,
        participants={2015: 2},
        effects=[
            {
                "id": "e",
                "item": "detentie-dag",
                "kind": "avoided_cost",
                "quantity": 3,
                "beneficiary": "gemeente",
            }
        ],
    )
    r = run(s)
    assert posted(r, "gemeente") == [2 * 3 * 200.0]
    assert stakeholder(r, "rijk")["npv"] == 0.0


def test_effect_with_its_own_price(run, make_scenario, cpi):
    s = make_scenario(
        horizon=1,
        price_year=2020,
        participants={2015: 5},
        effects=[
            {
                "id": "e",
                "kind": "benefit",
                "quantity": 2,
                "price": {"amount": 30, "price_year": 2015, "unit": "hour", "payer": "deelnemers"},
            }
        ],
    )
    r = run(s)
    assert posted(r, "deelnemers") == [approx(5 * 2 * 30 * cpi[2020] / cpi[2015], rel=1e-12)]


# -- 4. effect lines at area level (per: year) ---------------------------------------------------
AREA_EFFECT = {
    "id": "e",
    "item": "hulp-uur",
    "kind": "avoided_cost",
    "per": "year",
    "years": [2016, 2018],
    "quantity": 40,
    "success": 0.5,
    "deadweight": 0.2,
    "attribution": 0.75,
    "displacement": 0.1,
    "drop_off": 0.25,
    "optimism_bias": 0.1,
}


def test_effect_per_year_value_with_every_factor_and_drop_off_from_the_first_year(run, make_scenario):
    # no participants: the effect is 40 hours a year in the wijk as a whole
    s = make_scenario(horizon=5, effects=[AREA_EFFECT])
    # each year before drop-off: 40 h * 0.5 * 50 euro * (1 - 0.2) * 0.75 * (1 - 0.1) * (1 - 0.1)
    #   = 1000 * 0.8 * 0.75 * 0.81 = 486
    v = 40 * 0.5 * 50 * 0.8 * 0.75 * 0.9 * 0.9
    assert v == approx(486.0)
    # k = y - 2016: 2016 486 (k=0), 2017 486 * 0.75 = 364.5, 2018 486 * 0.75^2 = 273.375; none in 2015, 2019
    expected = [0.0, v, v * 0.75, v * 0.75**2, 0.0]
    assert expected == approx([0.0, 486.0, 364.5, 273.375, 0.0])
    r = run(s)
    assert line_flows(r, "e") == approx(expected, rel=1e-14)
    assert posted(r, "gemeente") == approx(expected, rel=1e-14)  # hulp-uur is paid by the gemeente
    assert r.pv_benefits == approx(1123.875, rel=1e-14) and r.pv_costs == 0.0
    # discounted at 10 % to 2015: 486/1.1 + 364.5/1.21 + 273.375/1.331
    r10 = run(make_scenario(horizon=5, discount_rate=0.1, effects=[AREA_EFFECT]))
    assert r10.npv == approx(486 / 1.1 + 364.5 / 1.21 + 273.375 / 1.331, rel=1e-13)
    assert r10.npv == approx(441.818181818 + 301.239669421 + 205.390683696, rel=1e-11)


def test_effect_per_year_ignores_participants_and_adds_to_cohort_lines(run, make_scenario):
    cohort = {"id": "c", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 2, "duration": 2}
    area = {"id": "a", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 3, "per": "year", "year": 2017}
    r = run(make_scenario(horizon=4, participants={2015: 10, 2017: 5}, effects=[cohort, area]))
    # cohort line: 10 * 2 * 50 = 1000 in 2015 and 2016, 5 * 2 * 50 = 500 in 2017 and 2018
    assert line_flows(r, "c") == [1000.0, 1000.0, 500.0, 500.0]
    # area line: 3 * 50 = 150 in 2017 only, whatever the participants
    assert line_flows(r, "a") == [0.0, 0.0, 150.0, 0.0]


def test_avoided_transfer_per_year_benefits_the_payer_and_costs_the_recipient(
    run, make_scenario, stakeholder
):
    s = make_scenario(
        horizon=3,
        effects=[
            {
                "id": "b",
                "item": "bijstand-maand",
                "kind": "avoided_cost",
                "per": "year",
                "years": [2016, 2017],
                "quantity": 12,
                "success": 0.25,
                "drop_off": 0.5,
            }
        ],
    )
    r = run(s)
    # 12 months * 0.25 * 1000 euro = 3000 in 2016 (k=0), 3000 * (1 - 0.5) = 1500 in 2017 (k=1)
    assert line_flows(r, "b") == [0.0, 3000.0, 1500.0]
    assert posted(r, "gemeente") == [0.0, 3000.0, 1500.0]
    assert posted(r, "deelnemers") == [0.0, -3000.0, -1500.0]  # the recipient loses the bijstand
    # a transfer cancels in the societal total and is left out of its pv_costs and pv_benefits
    assert (r.npv, r.pv_costs, r.pv_benefits) == (0.0, 0.0, 0.0)
    assert stakeholder(r, "gemeente")["pv_benefits"] == 4500.0
    assert stakeholder(r, "deelnemers")["pv_costs"] == 4500.0
    assert r.fiscal_npv == 4500.0


def test_added_cost_per_year_is_a_cost_to_the_item_payer(run, make_scenario):
    s = make_scenario(
        horizon=4,
        discount_rate=0.1,
        effects=[
            {
                "id": "d",
                "item": "detentie-dag",
                "kind": "added_cost",
                "per": "year",
                "years": [2015, 2017],
                "quantity": 10,
                "drop_off": 0.1,
            }
        ],
    )
    r = run(s)
    # 10 days * 200 euro = 2000 in 2015 (k=0), 2000 * 0.9 = 1800 in 2016, 2000 * 0.81 = 1620 in 2017
    assert line_flows(r, "d") == approx([2000.0, 1800.0, 1620.0, 0.0], rel=1e-14)
    assert posted(r, "rijk") == approx([-2000.0, -1800.0, -1620.0, 0.0], rel=1e-14)
    # pv at 10 %, base year 2015: 2000 + 1800/1.1 + 1620/1.21
    #   = 2000 + 1636.3636... + 1338.8429... = 4975.2066...
    assert r.pv_costs == approx(2000 + 1800 / 1.1 + 1620 / 1.21, rel=1e-13)
    assert r.pv_costs == approx(4975.20661157, rel=1e-11)
    assert (r.pv_benefits, r.npv) == (0.0, approx(-r.pv_costs))


def test_effect_per_year_with_its_own_price_unit_and_indexation(run, make_scenario, cpi):
    s = make_scenario(
        horizon=3,
        price_year=2020,
        effects=[
            {
                "id": "w",
                "kind": "benefit",
                "per": "year",
                "years": [2015, 2016],
                "quantity": 6,
                "unit": "month",
                "drop_off": 0.2,
                "price": {"amount": 1200, "price_year": 2015, "unit": "year", "payer": "deelnemers"},
            }
        ],
    )
    r = run(s)
    # 6 months = 0.5 year * 1200 euro (2015 prices) * I(2020) / I(2015); 0.8 of it in 2016
    each = 0.5 * 1200 * cpi[2020] / cpi[2015]
    assert posted(r, "deelnemers") == approx([each, 0.8 * each, 0.0], rel=1e-13)


def test_uncertain_drop_off_per_year_point_uses_its_mean_and_draws_bend(run, make_scenario):
    line = dict(AREA_EFFECT, drop_off={"dist": "uniform", "low": 0.0, "high": 0.5})
    r = run(make_scenario(horizon=5, effects=[line]))
    assert line_flows(r, "e") == approx([0.0, 486.0, 486 * 0.75, 486 * 0.75**2, 0.0], rel=1e-14)
    model = r.model
    theta = np.tile(model.base, (3, 1))
    theta[:, model.input_index("effects.e.drop_off")] = [0.0, 0.5, 0.1]
    gross = model.evaluate(theta).gross[:, 0]
    assert np.allclose(
        gross,
        [[0, 486, 486, 486, 0], [0, 486, 243, 121.5, 0], [0, 486, 437.4, 393.66, 0]],
        rtol=1e-14,
        atol=0,
    )
    # a draw's flows do not depend on the draws evaluated with it
    for i in range(3):
        assert np.array_equal(model.evaluate(theta[i : i + 1]).gross[0], model.evaluate(theta).gross[i])
    # the drop-off of an effect per year is not linear: break-even searches it on a grid
    from mkba.uncertainty.sensitivity import _nonlinear_cols

    assert model.input_index("effects.e.drop_off") in _nonlinear_cols(model)


# -- 3. transfers and public stakeholders ---------------------------------------------------------
def test_avoided_transfer_benefits_the_payer_and_costs_the_recipient(run, make_scenario, stakeholder):
    s = make_scenario(
        horizon=2,
        participants={2015: 10},
        effects=[{"id": "b", "item": "bijstand-maand", "kind": "avoided_cost", "quantity": 2, "duration": 2}],
    )
    r = run(s)
    # 10 participants * 2 months * 1000 euro, in 2015 and 2016
    assert posted(r, "gemeente") == [20000.0, 20000.0]
    assert posted(r, "deelnemers") == [-20000.0, -20000.0]
    # the societal total leaves transfers out of both sides
    assert (r.pv_costs, r.pv_benefits, r.npv) == (0.0, 0.0, 0.0)
    assert r.bcr is None
    assert stakeholder(r, "gemeente")["pv_benefits"] == 40000.0
    assert stakeholder(r, "deelnemers")["pv_costs"] == 40000.0
    assert (r.fiscal_pv_benefits, r.fiscal_pv_costs) == (40000.0, 0.0)  # deelnemers is not public


def test_transfer_with_its_own_recipient(run, make_scenario):
    s = make_scenario(
        horizon=1,
        participants={2015: 3},
        effects=[{"id": "w", "item": "ww-maand", "kind": "avoided_cost", "quantity": 4}],
    )
    r = run(s)
    assert posted(r, "uwv") == [3 * 4 * 1500.0]
    assert posted(r, "huishoudens") == [-3 * 4 * 1500.0]
    assert posted(r, "deelnemers") == [0.0]


def test_added_transfer_costs_the_payer_and_benefits_the_recipient(run, make_scenario):
    s = make_scenario(
        horizon=1,
        participants={2015: 1},
        effects=[{"id": "b", "item": "bijstand-maand", "kind": "added_cost", "quantity": 12}],
    )
    r = run(s)
    assert posted(r, "gemeente") == [-12000.0]
    assert posted(r, "deelnemers") == [12000.0]
    assert (r.pv_costs, r.pv_benefits) == (0.0, 0.0)


def test_transfer_with_a_beneficiary_books_it_on_the_beneficiary(run, make_scenario):
    s = make_scenario(
        horizon=1,
        participants={2015: 1},
        effects=[
            {
                "id": "b",
                "item": "bijstand-maand",
                "kind": "avoided_cost",
                "quantity": 1,
                "beneficiary": "rijk",
            }
        ],
    )
    r = run(s)
    assert posted(r, "rijk") == [1000.0]
    assert posted(r, "deelnemers") == [-1000.0]


def test_transfer_counts_per_stakeholder_and_fiscal_but_not_in_the_societal_total(run, make_scenario):
    s = make_scenario(
        horizon=1,
        participants={2015: 1},
        costs=[{"id": "k", "payer": "gemeente", "amount": 500, "per": "once", "year": 2015}],
        effects=[
            {"id": "b", "item": "bijstand-maand", "kind": "avoided_cost", "quantity": 1},
            {"id": "h", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 4},
        ],
    )
    r = run(s)
    assert (r.pv_costs, r.pv_benefits, r.npv) == (500.0, 200.0, -300.0)
    assert (r.fiscal_pv_costs, r.fiscal_pv_benefits, r.fiscal_npv) == (500.0, 1200.0, 700.0)


def test_default_public_stakeholders_make_the_fiscal_view(run, make_scenario, stakeholder):
    s = make_scenario(
        horizon=1,
        participants={2015: 1},
        effects=[
            {"id": "a", "item": "zorg-dag", "kind": "avoided_cost", "quantity": 1},  # zorgverzekeraar
            {"id": "b", "item": "detentie-dag", "kind": "avoided_cost", "quantity": 1},  # rijk
            {"id": "c", "item": "training-week", "kind": "avoided_cost", "quantity": 1},  # uwv
            {"id": "d", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 1},  # gemeente
            {"id": "e", "item": "plaats-jaar", "kind": "avoided_cost", "quantity": 1},
        ],  # woningcorporatie
        price_year=2020,
    )
    r = run(s)
    public = {name for name in r.model.stakeholders if stakeholder(r, name)["public"]}
    assert public == {"zorgverzekeraar", "rijk", "uwv", "gemeente"}
    assert r.fiscal_pv_benefits == approx(r.pv_benefits - stakeholder(r, "woningcorporatie")["pv_benefits"])


def test_stakeholders_public_override(run, make_scenario, stakeholder, cpi):
    s = make_scenario(
        horizon=1,
        participants={2015: 1},
        stakeholders={"woningcorporatie": {"public": True}, "gemeente": {"public": False}},
        effects=[
            {"id": "d", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 1},
            {"id": "e", "item": "plaats-jaar", "kind": "avoided_cost", "quantity": 1},
        ],
    )
    r = run(s)
    assert stakeholder(r, "woningcorporatie")["public"] and not stakeholder(r, "gemeente")["public"]
    assert r.fiscal_pv_benefits == 52000.0
    assert r.pv_benefits == 52000.0 + 50.0


def test_a_stakeholder_named_only_in_stakeholders_appears_in_the_table(run, make_scenario, stakeholder):
    s = make_scenario(
        horizon=1,
        stakeholders={"provincie": {"public": True}},
        costs=[{"id": "k", "payer": "gemeente", "amount": 1, "per": "once", "year": 2015}],
    )
    row = stakeholder(run(s), "provincie")
    assert row == {"public": True, "pv_costs": 0.0, "pv_benefits": 0.0, "npv": 0.0}


# -- 4. volunteer lines ---------------------------------------------------------------------------
def _volunteers(make_scenario, **line):
    base = {"id": "v", "hours": 100, "per": "year", "years": [2015, 2016], "value": "vervanging-uur"}
    base.update(line)
    return make_scenario(horizon=3, participants={2015: 3, 2016: 5}, volunteers=[base])


def test_volunteers_as_benefit_go_to_samenleving(run, make_scenario):
    r = run(_volunteers(make_scenario, **{"as": "benefit"}))
    assert posted(r, "samenleving") == [2000.0, 2000.0, 0.0]  # 100 h * 20 euro
    assert (r.pv_benefits, r.pv_costs, r.npv) == (4000.0, 0.0, 4000.0)
    assert r.volunteer_value_pv == 4000.0


def test_volunteers_as_benefit_to_a_named_beneficiary(run, make_scenario):
    r = run(_volunteers(make_scenario, **{"as": "benefit", "beneficiary": "deelnemers"}))
    assert posted(r, "deelnemers") == [2000.0, 2000.0, 0.0]
    assert "samenleving" not in r.model.stakeholders


def test_volunteers_in_kind_cost_to_vrijwilligers(run, make_scenario):
    r = run(_volunteers(make_scenario, **{"as": "in_kind_cost"}))
    assert posted(r, "vrijwilligers") == [-2000.0, -2000.0, 0.0]
    assert (r.pv_costs, r.pv_benefits, r.npv) == (4000.0, 0.0, -4000.0)
    assert r.volunteer_value_pv == 4000.0


def test_volunteers_memo_is_reported_but_left_out_of_the_saldo(run, make_scenario):
    s = _volunteers(make_scenario, **{"as": "memo"})
    s["costs"] = [{"id": "k", "payer": "gemeente", "amount": 100, "per": "once", "year": 2015}]
    s["discount_rate"] = 0.1
    r = run(s)
    assert (r.pv_costs, r.pv_benefits, r.npv) == (100.0, 0.0, -100.0)
    assert r.volunteer_value_pv == approx(2000 + 2000 / 1.1, rel=1e-13)
    assert r.net_flows == [-100.0, 0.0, 0.0]


def test_volunteers_per_participant_in_the_arrival_year(run, make_scenario):
    r = run(_volunteers(make_scenario, **{"as": "benefit", "per": "participant", "years": None, "hours": 10}))
    # cohorts 2015: 3 and 2016: 5; 10 hours each at 20 euro
    assert posted(r, "samenleving") == [3 * 10 * 20.0, 5 * 10 * 20.0, 0.0]


def test_volunteer_value_item_is_indexed(run, make_scenario, cpi):
    r = run(_volunteers(make_scenario, **{"as": "benefit", "value": "vervanging-uur-2010"}))
    per_year = 100 * 16.0 * cpi[2015] / cpi[2010]
    assert posted(r, "samenleving") == approx([per_year, per_year, 0.0], rel=1e-12)


def test_volunteer_value_inline_amount_with_price_year(run, make_scenario, cpi):
    r = run(_volunteers(make_scenario, **{"as": "benefit", "value": {"amount": 15, "price_year": 2020}}))
    per_year = 100 * 15.0 * cpi[2015] / cpi[2020]
    assert posted(r, "samenleving") == approx([per_year, per_year, 0.0], rel=1e-12)


def test_volunteer_value_item_must_be_per_hour(run, make_scenario):
    with pytest.raises(MkbaError, match=r"unit 'hour'.*'detentie-dag' is per 'day'") as info:
        run(_volunteers(make_scenario, **{"as": "benefit", "value": "detentie-dag"}))
    assert info.value.field == "volunteers[0].value"


# -- 6 (point result). distributions as inputs ----------------------------------------------------
@pytest.mark.parametrize(
    "quantity, mean",
    [
        ({"dist": "triangular", "low": 1, "mode": 2, "high": 6}, (1 + 2 + 6) / 3),
        ({"dist": "uniform", "low": 1, "high": 4}, (1 + 4) / 2),
        ({"dist": "pert", "low": 0, "mode": 1, "high": 8}, (0 + 4 * 1 + 8) / 6),
    ],
)
def test_point_result_uses_the_mean_of_a_distribution(run, make_scenario, quantity, mean):
    s = make_scenario(
        horizon=1,
        participants={2015: 2},
        effects=[{"id": "e", "item": "hulp-uur", "kind": "avoided_cost", "quantity": quantity}],
    )
    assert run(s).npv == approx(2 * mean * 50.0, rel=1e-13)


def test_point_result_uses_the_mean_of_a_beta_share(run, make_scenario):
    s = make_scenario(
        horizon=1,
        participants={2015: 1},
        effects=[
            {
                "id": "e",
                "item": "hulp-uur",
                "kind": "avoided_cost",
                "quantity": 1,
                "success": {"dist": "beta", "a": 2, "b": 6},
            }
        ],
    )
    assert run(s).npv == approx(2 / (2 + 6) * 50.0, rel=1e-13)


def test_point_result_uses_the_censored_mean_of_a_clipped_normal(run, make_scenario):
    from statistics import NormalDist

    s = make_scenario(
        horizon=1,
        participants={2015: 1},
        effects=[
            {
                "id": "e",
                "item": "hulp-uur",
                "kind": "avoided_cost",
                "quantity": 1,
                "success": {"dist": "normal", "mean": 0.8, "sd": 0.3, "clip": [0, 1]},
            }
        ],
    )
    # E[clip(X, 0, 1)] by the midpoint rule over the quantiles: mean of clip(ppf(q))
    q = (np.arange(400_000) + 0.5) / 400_000
    ppf = np.array(list(map(NormalDist(0.8, 0.3).inv_cdf, q)))
    censored = float(np.clip(ppf, 0, 1).mean())
    assert censored < 0.8  # the clip at 1 cuts more than the clip at 0
    assert run(s).npv == approx(censored * 50.0, rel=1e-5)


def test_a_distribution_on_participants_uses_its_mean(run, make_scenario):
    s = make_scenario(
        horizon=1,
        participants={2015: {"dist": "triangular", "low": 0, "mode": 30, "high": 60}},
        effects=[{"id": "e", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 1}],
    )
    assert run(s).npv == approx(30 * 50.0, rel=1e-13)


def test_price_item_with_a_range_uses_its_amount_for_the_point_result(run, make_scenario, cpi):
    s = make_scenario(
        horizon=1,
        price_year=2020,
        participants={2015: 1},
        effects=[{"id": "e", "item": "zorg-dag", "kind": "avoided_cost", "quantity": 1}],
    )
    r = run(s)
    assert r.npv == approx(100.0, rel=1e-13)
    price = r.model.inputs[r.model.input_index("price.zorg-dag")]
    assert price.uncertain and price.value.support() == (80.0, 130.0)
    assert price.value.mean == approx(100.0, rel=1e-12)


# -- a reference implementation of sections 1-5, written as plain loops ---------------------------
CONVERT = {"day": 1 / 365, "week": 1 / 52, "month": 1 / 12, "year": 1.0}


def reference(s: dict, cpi: dict) -> dict:
    """npv, pv_costs, pv_benefits, per-stakeholder npv and volunteer pv of a scenario dict, by loops."""
    P, start, horizon = s["price_year"], s["start_year"], s["horizon"]
    r = s.get("discount_rate", 0.0225)
    base = s.get("base_year", start)
    years = list(range(start, start + horizon))
    n = {int(c): float(v) for c, v in s.get("participants", {}).items()}
    df = {y: (1 + r) ** -(y - base) for y in years}
    out = {"pv_costs": 0.0, "pv_benefits": 0.0, "volunteer_value_pv": 0.0}
    by = defaultdict(float)

    def book(who, amount, year, transfer=False):
        by[who] += amount * df[year]
        if not transfer:
            out["pv_benefits" if amount > 0 else "pv_costs"] += abs(amount) * df[year]

    for c in s.get("costs", []):
        if "item" in c:
            unit, amount, py, *_ = CORE_ITEMS[c["item"]]
            each = c["quantity"] * amount * cpi[P] / cpi[py]
        else:
            each = c["amount"] * cpi[P] / cpi[c.get("price_year", P)]
        timing = defaultdict(float)
        if c["per"] == "once":
            timing[c["year"]] += 1
        elif c["per"] == "year":
            first, last = c["years"] if "years" in c else (c["year"], c["year"])
            for y in range(first, last + 1):
                timing[y] += 1
        else:
            duration = c.get("duration", 1)
            for cohort, count in n.items():
                for k in range(duration):
                    timing[cohort + k] += count
        for y, count in timing.items():
            if y in df:
                book(c["payer"], -each * count, y)
    for e in s.get("effects", []):
        unit, amount, py, payer, nature, recipient, *_ = CORE_ITEMS[e["item"]]
        recipient = (recipient or "deelnemers") if nature == "transfer" else None
        conv = CONVERT[e["unit"]] / CONVERT[unit] if e.get("unit", unit) != unit else 1.0
        price = amount * cpi[P] / cpi[py] * conv
        if e.get("per") == "year":  # at area level: every year of the range, k counted from its first year
            first, last = e["years"] if "years" in e else (e["year"], e["year"])
            active = [(1.0, y, y - first) for y in range(first, last + 1)]
        else:
            active = [
                (count, cohort + e.get("lag", 0) + k, k)
                for cohort, count in n.items()
                for k in range(e.get("duration", 1))
            ]
        for count, y, k in active:
            if y not in df:
                continue
            value = (
                count
                * e["quantity"]
                * e.get("success", 1)
                * price
                * (1 - e.get("deadweight", 0))
                * e.get("attribution", 1)
                * (1 - e.get("displacement", 0))
                * (1 - e.get("drop_off", 0)) ** k
                * (1 - e.get("optimism_bias", 0))
            )
            if e["kind"] == "added_cost":
                book(payer, -value, y, transfer=bool(recipient))
                if recipient:
                    book(recipient, value, y, transfer=True)
            else:
                book(e.get("beneficiary") or payer, value, y, transfer=bool(recipient))
                if recipient:
                    book(recipient, -value, y, transfer=True)
    for v in s.get("volunteers", []):
        unit, amount, py, *_ = CORE_ITEMS[v["value"]]
        each = v["hours"] * amount * cpi[P] / cpi[py]
        timing = defaultdict(float)
        if v["per"] == "year":
            for y in range(v["years"][0], v["years"][1] + 1):
                timing[y] += 1
        else:
            for cohort, count in n.items():
                timing[cohort] += count
        for y, count in timing.items():
            out["volunteer_value_pv"] += each * count * df[y]
            if v["as"] == "benefit":
                book(v.get("beneficiary") or "samenleving", each * count, y)
            elif v["as"] == "in_kind_cost":
                book("vrijwilligers", -each * count, y)
    out["npv"] = out["pv_benefits"] - out["pv_costs"]
    out["stakeholders"] = dict(by)
    return out


RESOURCE_ITEMS = [k for k, v in CORE_ITEMS.items() if v[4] == "resource"]
TRANSFER_ITEMS = [k for k, v in CORE_ITEMS.items() if v[4] == "transfer"]
UNIT_OF = {k: v[0] for k, v in CORE_ITEMS.items()}
share = st.floats(0, 1, allow_subnormal=False)
open_share = st.floats(0, 0.95, allow_subnormal=False)


@st.composite
def effects(draw, items=None, kinds=("avoided_cost", "benefit", "added_cost"), i=0, years=None):
    """An effect line; given the horizon's ``years``, sometimes one at area level (per: year)."""
    item = draw(st.sampled_from(items or RESOURCE_ITEMS + TRANSFER_ITEMS))
    line = {
        "id": f"e{i}",
        "item": item,
        "kind": draw(st.sampled_from(kinds)),
        "quantity": draw(st.floats(0, 20, allow_subnormal=False)),
        "success": draw(share),
        "deadweight": draw(open_share),
        "attribution": draw(share),
        "displacement": draw(open_share),
        "drop_off": draw(open_share),
        "optimism_bias": draw(open_share),
    }
    if years and draw(st.booleans()):
        line["per"] = "year"
        first = draw(st.sampled_from(years))
        if draw(st.booleans()):
            line["years"] = [first, draw(st.sampled_from([y for y in years if y >= first]))]
        else:
            line["year"] = first
    else:
        line.update({"lag": draw(st.integers(0, 2)), "duration": draw(st.integers(1, 4))})
    if UNIT_OF[item] in CONVERT and draw(st.booleans()):
        line["unit"] = draw(st.sampled_from(sorted(CONVERT)))
    if line["kind"] != "added_cost" and draw(st.booleans()):  # an added cost falls on its payer
        line["beneficiary"] = draw(st.sampled_from(["gemeente", "rijk", "samenleving", "deelnemers"]))
    return line


@st.composite
def scenarios(draw, per_participant_only=False, transfers=True, volunteers=True):
    horizon = draw(st.integers(1, 6))
    years = list(range(2015, 2015 + horizon))
    participants = {y: draw(st.integers(0, 40)) for y in years if draw(st.booleans())} or {2015: 7}
    costs = []
    for i in range(draw(st.integers(0, 3))):
        per = draw(
            st.sampled_from(
                ["participant", "participant_year"]
                if per_participant_only
                else ["once", "year", "participant", "participant_year"]
            )
        )
        line = {"id": f"k{i}", "payer": draw(st.sampled_from(["gemeente", "rijk", "uwv"])), "per": per}
        if draw(st.booleans()):
            line["amount"] = draw(st.floats(0, 1e5, allow_subnormal=False))
            if draw(st.booleans()):
                line["price_year"] = draw(st.integers(2000, 2025))
        else:
            line["item"] = draw(st.sampled_from(RESOURCE_ITEMS))
            line["quantity"] = draw(st.floats(0, 50, allow_subnormal=False))
        if per == "once":
            line["year"] = draw(st.sampled_from(years))
        elif per == "year":
            first = draw(st.sampled_from(years))
            line["years"] = [first, draw(st.sampled_from([y for y in years if y >= first]))]
        elif per == "participant_year":
            line["duration"] = draw(st.integers(1, 4))
        costs.append(line)
    items = RESOURCE_ITEMS + (TRANSFER_ITEMS if transfers else [])
    # per_participant_only: everything follows the participants, so no effects at area level
    lines = [
        draw(effects(items=items, i=i, years=None if per_participant_only else years))
        for i in range(draw(st.integers(1, 4)))
    ]
    vols = []
    for i in range(draw(st.integers(0, 2)) if volunteers else 0):
        per = "participant" if per_participant_only else draw(st.sampled_from(["year", "participant"]))
        line = {
            "id": f"v{i}",
            "hours": draw(st.floats(0, 500, allow_subnormal=False)),
            "per": per,
            "value": draw(st.sampled_from(["vervanging-uur", "vervanging-uur-2010", "hulp-uur"])),
            "as": draw(st.sampled_from(["benefit", "in_kind_cost", "memo"])),
        }
        if per == "year":
            first = draw(st.sampled_from(years))
            line["years"] = [first, draw(st.sampled_from([y for y in years if y >= first]))]
        vols.append(line)
    return {
        "format": "mkba-scenario/1",
        "name": "h",
        "price_year": draw(st.integers(2000, 2025)),
        "start_year": 2015,
        "horizon": horizon,
        "discount_rate": draw(st.floats(0, 0.1)),
        "participants": participants,
        "costs": costs,
        "effects": lines,
        "volunteers": vols,
    }


def close(a, b, scale):
    return abs(a - b) <= 1e-9 * max(1.0, scale)


@SETTINGS
@given(s=scenarios())
def test_engine_agrees_with_a_plain_loop_implementation(core_pricelist, cpi, s):
    r = mkba.evaluate(s, core_pricelist)
    ref = reference(s, cpi)
    scale = ref["pv_costs"] + ref["pv_benefits"] + ref["volunteer_value_pv"]
    for key in ("pv_costs", "pv_benefits", "npv", "volunteer_value_pv"):
        assert close(getattr(r, key), ref[key], scale), key
    table = r.stakeholder_table().set_index("stakeholder")["npv"]
    for name, value in ref["stakeholders"].items():
        assert close(table[name], value, scale), name


# -- invariants -----------------------------------------------------------------------------------
def _scaled_participants(s: dict, k: float) -> dict:
    out = dict(s)
    out["participants"] = {y: n * k for y, n in s["participants"].items()}
    return out


@SETTINGS
@given(s=scenarios(per_participant_only=True), k=st.sampled_from([0.5, 2.0, 3.0, 10.0]))
def test_results_scale_linearly_with_participants(core_pricelist, s, k):
    a = mkba.evaluate(s, core_pricelist)
    b = mkba.evaluate(_scaled_participants(s, k), core_pricelist)
    scale = k * (a.pv_costs + a.pv_benefits + a.volunteer_value_pv)
    for key in ("pv_costs", "pv_benefits", "npv", "volunteer_value_pv", "fiscal_npv"):
        assert close(getattr(b, key), k * getattr(a, key), scale), key
    assert np.allclose(
        b.stakeholder_table()["npv"], k * a.stakeholder_table()["npv"], rtol=1e-9, atol=1e-9 * max(1.0, scale)
    )


@SETTINGS
@given(s=scenarios(), item=st.sampled_from(RESOURCE_ITEMS + TRANSFER_ITEMS))
def test_doubling_a_price_doubles_what_depends_on_it(scaled_pricelist, s, item):
    lists = [scaled_pricelist({item: f}) for f in (0.0, 1.0, 2.0)]
    results = [mkba.evaluate(s, pl) for pl in lists]
    frames = [r.line_frame() for r in results]
    uses = {line["id"] for line in (*s["costs"], *s["effects"]) if line.get("item") == item}
    uses |= {line["id"] for line in s["volunteers"] if line["value"] == item}
    for line_id in frames[1].index:
        one, two = frames[1].loc[line_id].to_numpy(), frames[2].loc[line_id].to_numpy()
        expected = 2 * one if line_id in uses else one
        assert np.allclose(two, expected, rtol=1e-12, atol=1e-9), line_id
    # every figure is affine in the price: f(2p) - f(p) == f(p) - f(0)
    scale = sum(abs(x) for r in results for x in (r.pv_costs, r.pv_benefits, r.volunteer_value_pv))
    for key in ("pv_costs", "pv_benefits", "npv", "volunteer_value_pv", "fiscal_npv"):
        f0, f1, f2 = (getattr(r, key) for r in results)
        assert close(f2 - f1, f1 - f0, scale), key


@SETTINGS
@given(s=scenarios())
def test_transfers_cancel_in_the_societal_total(core_pricelist, s):
    with_transfers = mkba.evaluate(s, core_pricelist)
    without = dict(s)
    without["effects"] = [e for e in s["effects"] if e["item"] not in TRANSFER_ITEMS]
    if not without["effects"]:
        without["effects"] = [{"id": "zero", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 0}]
    plain = mkba.evaluate(without, core_pricelist)
    scale = with_transfers.pv_costs + with_transfers.pv_benefits
    for key in ("pv_costs", "pv_benefits", "npv"):
        assert close(getattr(with_transfers, key), getattr(plain, key), scale), key
    frame = with_transfers.flows_frame()
    assert abs(frame.loc[frame["transfer"], "flow"].sum()) <= 1e-9 * max(1.0, frame["flow"].abs().sum())


@SETTINGS
@given(s=scenarios())
def test_stakeholder_npv_sums_to_the_societal_npv(core_pricelist, s):
    r = mkba.evaluate(s, core_pricelist)
    table = r.stakeholder_table()
    scale = r.pv_costs + r.pv_benefits + table["pv_costs"].sum()
    assert close(table["npv"].sum(), r.npv, scale)
    assert close(table.loc[table["public"], "npv"].sum(), r.fiscal_npv, scale)


@SETTINGS
@given(s=scenarios(), extra=st.floats(0.01, 0.9))
def test_more_deadweight_on_an_avoided_cost_never_raises_npv(core_pricelist, s, extra):
    s["effects"][0]["kind"] = "avoided_cost"
    lower = mkba.evaluate(s, core_pricelist)
    more = dict(s)
    more["effects"] = [dict(e) for e in s["effects"]]
    more["effects"][0]["deadweight"] = min(0.99, s["effects"][0]["deadweight"] + extra)
    higher = mkba.evaluate(more, core_pricelist)
    assert higher.npv <= lower.npv + 1e-9 * max(1.0, lower.pv_benefits)
    assert higher.pv_benefits <= lower.pv_benefits + 1e-9 * max(1.0, lower.pv_benefits)


@SETTINGS
@given(s=scenarios())
def test_zero_discount_rate_gives_plain_sums_of_the_flows(core_pricelist, s):
    s["discount_rate"] = 0.0
    r = mkba.evaluate(s, core_pricelist)
    frame = r.flows_frame()
    real = frame[~frame["transfer"]]
    scale = frame["flow"].abs().sum()
    assert (frame["discount_factor"] == 1.0).all()
    assert close(r.pv_costs, -real.loc[real["flow"] < 0, "flow"].sum(), scale)
    assert close(r.pv_benefits, real.loc[real["flow"] > 0, "flow"].sum(), scale)
    assert close(r.npv, sum(r.net_flows), scale)
    assert close(
        r.volunteer_value_pv,
        float(r.line_frame().loc[[v["id"] for v in s["volunteers"]]].to_numpy().sum()),
        scale,
    )


@SETTINGS
@given(s=scenarios(), rows=st.integers(2, 7))
def test_many_identical_theta_rows_give_the_one_row_result(core_pricelist, s, rows):
    model = compile_scenario(load_scenario(s), core_pricelist)
    one = figures(model, model.evaluate())
    many = figures(model, model.evaluate(np.tile(model.base, (rows, 1))))
    for name in one.__dataclass_fields__:
        a, b = getattr(one, name), getattr(many, name)
        assert b.shape[0] == rows
        for row in b:
            if a.dtype == object:
                assert row == a[0]
            else:
                assert np.array_equal(row, a[0], equal_nan=True), name


@SETTINGS
@given(s=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_each_row_of_a_batch_equals_its_own_evaluation(core_pricelist, s, seed):
    model = compile_scenario(load_scenario(s), core_pricelist)
    rng = np.random.default_rng(seed)
    theta = model.base * rng.uniform(0.5, 1.0, (4, model.base.size))  # shares stay in range
    batch = figures(model, model.evaluate(theta))
    for i in range(4):
        single = figures(model, model.evaluate(theta[i : i + 1]))
        for name in ("pv_costs", "pv_benefits", "npv", "volunteer_value_pv", "stakeholder_npv", "fiscal_npv"):
            assert np.allclose(getattr(batch, name)[i], getattr(single, name)[0], rtol=1e-12, atol=1e-9), name


def test_evaluate_discount_column_changes_only_discounting(run, make_scenario):
    r = run(_yearly_cost(make_scenario, discount_rate=0.0))
    model = r.model
    theta = np.tile(model.base, (2, 1))
    theta[1, model.discount_col] = 0.10
    figs = figures(model, model.evaluate(theta))
    assert figs.pv_costs.tolist() == approx([3000.0, 1000 * (1 + 1 / 1.1 + 1 / 1.21)], rel=1e-13)
    assert math.isclose(figs.net_flows[0].sum(), figs.net_flows[1].sum())


def test_inputs_of_the_wrong_width_are_refused_not_misread():
    """One column too many was read as the constant column: the tutorial's saldo came out positive."""
    import mkba

    model = mkba.evaluate(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml").model
    for theta in (np.r_[model.base, 0.0][None], model.base[None, :-1]):
        with pytest.raises(ValueError, match="one per input"):
            model.evaluate(theta)
    assert model.evaluate(model.base).gross.shape[0] == 1


def test_the_scenario_says_which_index_it_is_valued_with(make_scenario, cpi):
    from mkba.pricelist.index import PriceIndex, default_index
    from mkba.scenario.model import Scenario

    stated = Scenario.model_validate(make_scenario(assumed_inflation=0.02))
    assert (
        stated.price_index().assumed_inflation == 0.02
    )  # the bundled CPI, carried on by the scenario's rate
    assert stated.price_index().level(2025) == default_index().level(2025)
    own = PriceIndex({2020: 100.0, 2021: 101.0}, "own", assumed_inflation=0.05)
    assert stated.price_index(own) is own  # an index that states its own rate keeps it
    assert (
        Scenario.model_validate(make_scenario()).price_index().assumed_inflation is None
    )  # nothing stated, nothing assumed
