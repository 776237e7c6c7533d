"""Results, METHOD.md section 5: figures, tables, provenance, output, hand-worked on the core scenario."""

from __future__ import annotations

import hashlib
import json
import math
import re
from importlib.metadata import version
from pathlib import Path

import numpy as np
import numpy_financial as npf
import pytest

import mkba
from mkba import figures
from mkba.engine import finance
from mkba.engine.figures import payback_years

approx = pytest.approx
CORE = Path(__file__).parent / "data" / "core_scenario.yaml"


# -- the core scenario by hand --------------------------------------------------------------------
# r = 0.05, years 2015-2018; participants 10 (2015) and 20 (2016); price year 2015 (no indexation).
DF = [1.0, 1 / 1.05, 1 / 1.05**2, 1 / 1.05**3]
# opstart: 10000 once in 2015; begeleiding: 500 per participant for 2 years from arrival
COSTS = [10000 + 10 * 500, 10 * 500 + 20 * 500, 20 * 500, 0]  # 15000, 15000, 10000, 0
# minder-hulp: 20 h * 0.5 * 50 euro * (1 - 0.2) = 400 per participant-year, drop-off 0.1, 3 years
V = 20 * 0.5 * 50 * (1 - 0.2)
HULP = [10 * V, 10 * V * 0.9 + 20 * V, 10 * V * 0.9**2 + 20 * V * 0.9, 20 * V * 0.9**2]
# uitstroom-bijstand (a transfer): 6 months * 0.25 * 1000 euro = 1500 per participant-year, lag 1, 2 years
B = 6 * 0.25 * 1000
BIJSTAND = [0, 10 * B, 10 * B + 20 * B, 20 * B]
# maatjes (memo): 100 h * 20 euro per new participant
MAATJES = [10 * 100 * 20, 20 * 100 * 20, 0, 0]


def pv(flows):
    return sum(f * d for f, d in zip(flows, DF))


@pytest.fixture(scope="module")
def core(core_pricelist):
    return mkba.evaluate(CORE, core_pricelist)


def test_core_hand_calculation_inputs():
    assert COSTS == [15000, 15000, 10000, 0]
    assert approx([4000, 11600, 10440, 6480]) == HULP
    assert BIJSTAND == [0, 15000, 45000, 30000]


def test_core_societal_figures(core):
    pv_costs, pv_benefits = pv(COSTS), pv(HULP)
    assert core.pv_costs == approx(pv_costs, rel=1e-13)
    assert core.pv_benefits == approx(pv_benefits, rel=1e-13)  # the bijstand transfer is left out
    assert core.npv == approx(pv_benefits - pv_costs, rel=1e-12)
    assert core.bcr == approx(pv_benefits / pv_costs, rel=1e-13)
    assert core.net_return == approx((pv_benefits - pv_costs) / pv_costs, rel=1e-12)
    assert core.volunteer_value_pv == approx(pv(MAATJES), rel=1e-13)


def test_core_net_flows_and_yearly_table(core):
    net = [h - c for h, c in zip(HULP, COSTS)]  # the transfer cancels
    assert core.net_flows == approx(net, rel=1e-13)
    table = core.yearly_frame()
    assert table["year"].tolist() == [2015, 2016, 2017, 2018]
    assert table["costs"].tolist() == approx(COSTS)
    assert table["benefits"].tolist() == approx(HULP)
    assert table["discount_factor"].tolist() == approx(DF, rel=1e-15)
    assert table["cumulative_discounted"].tolist() == approx(np.cumsum([n * d for n, d in zip(net, DF)]))


def test_core_payback_none_when_the_cumulative_flow_ends_below_zero(core):
    cumulative = np.cumsum([(h - c) * d for h, c, d in zip(HULP, COSTS, DF)])
    assert cumulative[-1] < 0
    assert core.payback_year is None


def test_core_irr(core):
    net = [h - c for h, c in zip(HULP, COSTS)]  # -11000, -3400, 440, 6480: one sign change
    rate = core.irr
    assert rate is not None and core.irr_reason == ""
    assert sum(f / (1 + rate) ** t for t, f in enumerate(net)) == approx(0, abs=1e-7)
    assert rate == approx(npf.irr(net), abs=1e-10)


def test_core_stakeholders_and_fiscal_view(core, stakeholder):
    gemeente = stakeholder(core, "gemeente")
    assert gemeente["pv_costs"] == approx(pv(COSTS), rel=1e-13)
    assert gemeente["pv_benefits"] == approx(pv(HULP) + pv(BIJSTAND), rel=1e-13)
    deelnemers = stakeholder(core, "deelnemers")
    assert (deelnemers["pv_costs"], deelnemers["pv_benefits"]) == (approx(pv(BIJSTAND), rel=1e-13), 0.0)
    assert not deelnemers["public"]
    # woningcorporatie is declared public and has no flows
    assert stakeholder(core, "woningcorporatie") == {
        "public": True,
        "pv_costs": 0.0,
        "pv_benefits": 0.0,
        "npv": 0.0,
    }
    assert core.fiscal_pv_costs == approx(gemeente["pv_costs"])
    assert core.fiscal_pv_benefits == approx(gemeente["pv_benefits"])
    assert core.fiscal_npv == approx(gemeente["npv"])
    assert core.stakeholder_table()["npv"].sum() == approx(core.npv, rel=1e-12)


def test_core_line_and_flow_tables(core):
    lines = core.line_frame()
    assert lines.loc["opstart"].tolist() == [10000, 0, 0, 0]
    assert lines.loc["maatjes"].tolist() == MAATJES  # memo lines are in the line table
    flows = core.flows_frame()
    assert (flows["discounted"] == flows["flow"] * flows["discount_factor"]).all()
    transfer = flows[flows["line"] == "uitstroom-bijstand"]
    assert transfer["transfer"].all() and set(transfer["stakeholder"]) == {"gemeente", "deelnemers"}
    assert "maatjes" not in set(flows["line"])  # memo: not booked on anyone


# -- figures on their own -------------------------------------------------------------------------
def test_bcr_and_net_return_none_without_costs(run, make_scenario):
    r = run(
        make_scenario(
            horizon=1,
            participants={2015: 1},
            effects=[{"id": "e", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 1}],
        )
    )
    assert r.pv_costs == 0.0 and r.pv_benefits == 50.0
    assert r.bcr is None and r.net_return is None
    assert r.irr is None and r.irr_reason == "no sign change"
    assert r.payback_year == 2015  # never below zero: the start year


def _payback_scenario(make_scenario, benefit_hours, years=4, rate=0.0):
    return make_scenario(
        horizon=years,
        discount_rate=rate,
        participants={2015: 1},
        costs=[{"id": "k", "payer": "gemeente", "amount": 1000, "per": "once", "year": 2015}],
        effects=[
            {
                "id": "e",
                "item": "hulp-uur",
                "kind": "avoided_cost",
                "quantity": benefit_hours,
                "duration": years,
            }
        ],
    )


def test_payback_year_is_the_first_year_the_cumulative_flow_reaches_zero(run, make_scenario):
    # net flows: -1000 + 400, 400, 400, 400 -> cumulative -600, -200, 200, 600
    r = run(_payback_scenario(make_scenario, 8))
    assert r.net_flows == [-600.0, 400.0, 400.0, 400.0]
    assert r.payback_year == 2017


def test_payback_year_exactly_zero_counts(run, make_scenario):
    # net flows: -1000 + 500, 500 -> cumulative -500, 0
    assert run(_payback_scenario(make_scenario, 10, years=2)).payback_year == 2016


def test_payback_year_uses_discounted_flows(run, make_scenario):
    # at 10 %: -600, 400/1.1 = 363.6, 400/1.21 = 330.6 -> cumulative -600, -236.4, 94.2
    r = run(_payback_scenario(make_scenario, 8, years=3, rate=0.10))
    assert r.payback_year == 2017
    # at 25 % (the highest discount rate a scenario may give, docs/security.md): -600 + 320 + 256 < 0
    assert run(_payback_scenario(make_scenario, 8, years=3, rate=0.25)).payback_year is None


def test_payback_years_vectorised():
    years = np.array([2020, 2021, 2022])
    cumulative = np.array(
        [
            [-5.0, -1.0, 2.0],  # reaches 0 in 2022
            [1.0, 2.0, 3.0],  # never below 0: the start year
            [-5.0, -2.0, -1.0],  # never reaches 0
            [1.0, -3.0, 4.0],  # >= 0 in the start year, dips later: the start year
            [-1.0, 2.0, -1.0],
        ]
    )  # first >= 0 in 2021, ends below 0: still 2021
    out = payback_years(cumulative, years)
    assert (out[0], out[1], out[3], out[4]) == (2022, 2020, 2020, 2021)
    assert math.isnan(out[2])


def test_irr_with_several_roots_has_none_and_the_reason(run, make_scenario):
    # net flows -100, 230, -132: rates 10 % and 20 % both give npv 0
    r = run(
        make_scenario(
            horizon=3,
            participants={2016: 1},
            costs=[
                {"id": "k0", "payer": "gemeente", "amount": 100, "per": "once", "year": 2015},
                {"id": "k2", "payer": "gemeente", "amount": 132, "per": "once", "year": 2017},
            ],
            effects=[{"id": "e", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 4.6}],
        )
    )
    assert r.net_flows == approx([-100, 230, -132])
    assert r.irr is None and r.irr_reason == finance.SEVERAL_SIGN_CHANGES


def test_result_has_no_irr_when_the_flows_change_sign_more_than_once_even_with_one_root(run, make_scenario):
    # net flows -100, 50, -1, 50: three sign changes, yet exactly one rate above -100 % (mkba.irr finds it)
    r = run(
        make_scenario(
            horizon=4,
            participants={2016: 1, 2018: 1},
            costs=[
                {"id": "k0", "payer": "gemeente", "amount": 100, "per": "once", "year": 2015},
                {"id": "k2", "payer": "gemeente", "amount": 1, "per": "once", "year": 2017},
            ],
            effects=[{"id": "e50", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 1.0}],
            price_year=2015,
            discount_rate=0.0,
        )
    )
    flows = r.net_flows
    assert [np.sign(x) for x in flows] == [-1, 1, -1, 1]
    import mkba

    assert np.isfinite(mkba.irr(flows))  # the public function returns the unique root
    assert r.irr is None and r.irr_reason == finance.SEVERAL_SIGN_CHANGES


def test_irr_is_discounted_to_the_start_year_whatever_the_base_year(run, make_scenario):
    s = _payback_scenario(make_scenario, 8)
    a = run(s)
    s["base_year"] = 2017
    b = run(s)
    assert a.irr == b.irr
    assert a.irr == approx(npf.irr([-600, 400, 400, 400]), abs=1e-12)


def test_figures_for_many_draws(run, make_scenario):
    r = run(_payback_scenario(make_scenario, 8))
    model = r.model
    theta = np.tile(model.base, (3, 1))
    theta[1, model.input_index("effects.e.quantity")] = 0.0  # no benefits
    theta[2, model.input_index("costs.k.amount")] = 2000.0
    f = figures(model, model.evaluate(theta))
    assert f.npv.tolist() == [600.0, -1000.0, -400.0]
    assert f.pv_costs.tolist() == [1000.0, 1000.0, 2000.0]
    assert f.stakeholder_npv.shape == (3, len(model.stakeholders))
    assert f.net_flows.shape == (3, 4)
    assert f.payback_year[0] == 2017 and math.isnan(f.payback_year[1]) and math.isnan(f.payback_year[2])
    assert math.isnan(f.irr[1]) and f.irr_reason[1] == "no sign change"
    no_irr = figures(model, model.evaluate(theta), with_irr=False)
    assert np.isnan(no_irr.irr).all() and np.array_equal(no_irr.npv, f.npv)


# -- provenance -----------------------------------------------------------------------------------
def test_provenance(core, core_pricelist, core_pricelist_path):
    p = core.provenance
    assert p["pricelist"] == {"name": "core-test", "version": "1.0", "sha256": core_pricelist.sha256}
    assert re.fullmatch(r"[0-9a-f]{64}", p["pricelist"]["sha256"])
    assert p["scenario"]["name"] == "Core testscenario"
    assert p["scenario"]["sha256"] == hashlib.sha256(CORE.read_bytes()).hexdigest()
    assert p["price_year"] == 2015 and p["discount_rate"] == 0.05 and p["base_year"] == 2015
    assert p["price_index"] == "cbs-cpi"
    assert p["mkba_version"] == version("mkba") == mkba.result.mkba_version()
    assert p["defaults_used"] == {"base_year": "2015 (start_year)"}


def test_pricelist_hash_changes_with_an_amount(scaled_pricelist, core_pricelist):
    assert scaled_pricelist({"hulp-uur": 2.0}).sha256 != core_pricelist.sha256
    assert scaled_pricelist({"hulp-uur": 1.0}).sha256 == core_pricelist.sha256


def test_provenance_records_overrides_and_defaults(core_pricelist):
    r = mkba.evaluate(CORE, core_pricelist, price_year=2020, discount_rate=0.03)
    assert (r.provenance["price_year"], r.provenance["discount_rate"]) == (2020, 0.03)


def test_default_pricelist_is_the_bundled_one(make_scenario):
    r = mkba.evaluate(
        make_scenario(
            horizon=1, costs=[{"id": "k", "payer": "gemeente", "amount": 1, "per": "once", "year": 2015}]
        )
    )
    assert r.provenance["pricelist"]["name"] == "nl-sociaal-domein"


# -- output ---------------------------------------------------------------------------------------
REQUIRED = {
    "pv_costs",
    "pv_benefits",
    "npv",
    "bcr",
    "net_return",
    "payback_year",
    "irr",
    "volunteer_value_pv",
    "stakeholders",
    "fiscal",
    "years",
    "net_flows",
    "provenance",
}


def test_to_dict_and_json(core, tmp_path):
    data = core.to_dict()
    assert set(data) >= REQUIRED
    assert data["stakeholders"]["gemeente"].keys() >= {"pv_costs", "pv_benefits", "npv"}
    assert data["fiscal"] == {
        "pv_costs": core.fiscal_pv_costs,
        "pv_benefits": core.fiscal_pv_benefits,
        "npv": core.fiscal_npv,
    }
    path = tmp_path / "out.json"
    core.to_json(path)
    back = json.loads(path.read_text())
    assert (
        back["npv"] == core.npv and back["payback_year"] is None and back["years"] == [2015, 2016, 2017, 2018]
    )


def test_json_writes_null_for_missing_figures(run, make_scenario):
    r = run(
        make_scenario(
            horizon=1,
            participants={2015: 1},
            effects=[{"id": "e", "item": "hulp-uur", "kind": "avoided_cost", "quantity": 1}],
        )
    )
    data = json.loads(r.to_json())
    assert data["bcr"] is None and data["irr"] is None and data["irr_reason"] == "no sign change"


def test_summary_text_in_dutch_and_english(core_pricelist):
    nl = repr(mkba.evaluate(CORE, core_pricelist))
    en = repr(mkba.evaluate(CORE, core_pricelist, lang="en"))
    assert "Saldo" in nl and "Contante waarde kosten" in nl
    assert "Net present value" in en and "Saldo" not in en
    assert "<table>" in mkba.evaluate(CORE, core_pricelist)._repr_html_()


def test_unknown_attribute_is_an_attribute_error(core):
    with pytest.raises(AttributeError):
        _ = core.no_such_figure


def test_stakeholders_without_a_label_get_a_readers_name():
    """A common id the scenario gives no label is named (Dutch, English); any other id is capitalised."""
    from mkba.report.vocabulary import stakeholder_name

    tutorial = Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml"
    dutch, english = mkba.evaluate(tutorial), mkba.evaluate(tutorial, lang="en")
    assert "vrijwilligers" in dutch.model.stakeholders  # booked by the price list, not in the scenario
    assert [dutch.stakeholder_label(s) for s in ("zorgverzekeraar", "vrijwilligers", "gemeente")] == [
        "Zorgverzekeraar",
        "Vrijwilligers",
        "Gemeente",  # the scenario's own label
    ]
    assert [english.stakeholder_label(s) for s in ("zorgverzekeraar", "vrijwilligers")] == [
        "Health insurer",
        "Volunteers",
    ]
    assert stakeholder_name("goldman-sachs") == "Goldman sachs" and stakeholder_name("uwv", "en").startswith(
        "UWV"
    )
    notebook = dutch._repr_html_()  # the notebook view's table "wie betaalt, wie profiteert"
    assert "Zorgverzekeraar" in notebook and "Vrijwilligers" in notebook
    assert "zorgverzekeraar" not in notebook and "vrijwilligers" not in notebook


@pytest.mark.parametrize(
    "path",
    ["scenarios/tutorial.yaml", "scenarios/frontlijnteam-leeuwarden.yaml", "scenarios/buuv-haarlem.yaml"],
)
def test_the_overview_rows_add_up_to_the_saldo_per_stakeholder_and_in_total(path):
    result = mkba.evaluate(path)
    rows = result.overview_rows()
    assert [r["id"] for r in rows] == list(dict.fromkeys(r["id"] for r in result.line_rows()))
    money = [r for r in rows if not r["memo"]]
    assert sum(r["total"] for r in money) == pytest.approx(result.npv, abs=1e-6)
    for s in result.stakeholder_rows():
        assert sum(r["pv"].get(s["stakeholder"], 0.0) for r in money) == pytest.approx(s["npv"], abs=1e-6)
    assert all(not r["pv"] for r in rows if r["memo"])  # a memo line is in no stakeholder's saldo


def test_a_line_with_label_en_is_named_in_english_for_an_english_reader(tmp_path):
    """A line's ``label_en`` names it with lang='en' (lines, inputs, workbook, report); Dutch keeps ``label``."""
    import openpyxl

    from mkba.report.excel.workbook import build_workbook
    from mkba.report.html.context import sources

    tutorial = Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml"
    dutch, english = mkba.evaluate(tutorial), mkba.evaluate(tutorial, lang="en")
    assert {r["label"] for r in dutch.line_rows()} >= {"Minder huisartsconsulten", "Vrijwillige buddy's"}
    assert {r["label"] for r in english.line_rows()} >= {"Fewer GP consultations", "Volunteer buddies"}
    assert "Minder huisartsconsulten" not in {r["label"] for r in english.line_rows()}
    names = {inp.name: inp for inp in english.model.inputs}
    success = names["effects.minder-huisartsbezoek.success"]
    assert success.label_in("nl").startswith("Minder huisartsconsulten: ")
    assert success.label_in("en").startswith("Fewer GP consultations: ")
    assert english.stakeholder_label("gemeente") == "Municipality"
    assert dutch.stakeholder_label("gemeente") == "Gemeente"
    shown = {ln["label"] for ln in sources(english)["lines"]}
    assert "Fewer GP consultations" in shown and "Minder huisartsconsulten" not in shown
    texts = {}
    for lang, result in (("nl", dutch), ("en", english)):
        wb, _ = build_workbook(result, lang)
        wb.save(tmp_path / f"{lang}.xlsx")
        wb = openpyxl.load_workbook(tmp_path / f"{lang}.xlsx")
        texts[lang] = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "Fewer GP consultations" in texts["en"] and "Minder huisartsconsulten" not in texts["en"]
    assert "Minder huisartsconsulten" in texts["nl"] and "Fewer GP consultations" not in texts["nl"]
    # the lines' kinds and parties in words, never as file values (``avoided_cost``) or ids
    for code in ("cost", "avoided_cost", "benefit", "effect", "volunteer", "in_kind_cost"):
        assert code not in texts["nl"] and (code not in texts["en"] or "_" not in code)
    assert {"vermeden kosten", "Gemeente, Deelnemers"} <= texts["nl"]
    assert {"avoided cost", "Municipality, Participants"} <= texts["en"]


def test_a_run_level_discount_rate_follows_the_files_rule_with_its_hint():
    """A controller typing 2.25 for 2.25 % in a notebook gets what the file and the command line say."""
    tutorial = Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml"
    with pytest.raises(mkba.MkbaError, match=r"did you mean 0\.0225\?") as info:
        mkba.evaluate(tutorial, discount_rate=2.25)
    assert info.value.field == "discount_rate"
    with pytest.raises(mkba.MkbaError, match=r"\[-0\.99, 0\.25\]"):
        mkba.evaluate(tutorial, discount_rate=0.3)
    assert mkba.evaluate(tutorial, discount_rate=0.25).discount_rate == 0.25


def test_an_assumed_inflation_given_by_the_caller_is_in_the_provenance():
    """Two results with different assumptions must not carry the same provenance (docs/method.md, 5)."""
    tutorial = Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml"
    index = mkba.default_index()
    a = mkba.evaluate(tutorial, price_year=index.last_year + 1, index=index.with_assumed_inflation(0.02))
    b = mkba.evaluate(tutorial, price_year=index.last_year + 1, index=index.with_assumed_inflation(0.05))
    assert a.npv != b.npv
    assert (a.provenance["assumed_inflation"], b.provenance["assumed_inflation"]) == (0.02, 0.05)
    assert "assumed_inflation" not in mkba.evaluate(tutorial).provenance


def test_a_price_year_beyond_the_index_given_for_the_run_is_not_blamed_on_the_file():
    tutorial = Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml"
    with pytest.raises(mkba.MkbaError, match="given for this run") as info:
        mkba.evaluate(tutorial, price_year=2100)
    assert info.value.file is None and info.value.line is None and info.value.field == "price_year"


def test_a_year_without_costs_shows_zero_not_minus_zero():
    """-0.0 costs were written '€ -0' in the report's table per year (the Rikers scenario, 2016-2017)."""
    import numpy as np

    root = Path(__file__).resolve().parents[1]
    for path in [
        *sorted((root / "scenarios").glob("*.yaml")),
        *sorted((root / "scenarios" / "sib").glob("*.yaml")),
    ]:
        if "project" in path.name:
            continue
        frame = mkba.evaluate(path).yearly_frame()
        assert not np.signbit(frame[["costs", "benefits"]].to_numpy()).any(), path.name
