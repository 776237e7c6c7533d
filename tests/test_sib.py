"""Social Impact Bonds (mkba.sib.model, mkba.scenario.contract): contract checks, the payout engine, simulation.

The Buzinezzclub cases run on tests/data/sib_buzinezzclub.yaml and on the example
scenarios/buzinezzclub-rotterdam.yaml (its ``sib:`` section; they fail if it goes missing).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy_financial as npf
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkba import MkbaError, load_scenario
from mkba.scenario.model import scenario_json_schema
from mkba.sib import model as sib_module
from mkba.sib.model import compile_sib
from mkba.sib.payout import NO_CAP, round_cents, round_half_away, rule_cents
from mkba.sib.simulation import simulate_sib

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "sib_buzinezzclub.yaml"
EXAMPLE = ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml"


BUZ = [pytest.param(DATA, id="tests-data"), pytest.param(EXAMPLE, id="example")]


@pytest.fixture(scope="module", params=BUZ)
def buz(request):
    return compile_sib(request.param)


# -- the Buzinezzclub schedule by hand ----------------------------------------------------------------
# Contract (tests/data/sib_buzinezzclub.yaml): EUR 20 per benefit day saved per youth, 160 youths,
# paid 35/35/15/15 % in 2015-2018; ABN AMRO (senior) and Start Foundation each invest 190,000 in 2014
# and 150,000 in 2015; cap on outcome payments 1.2 m; return cap 12 % IRR, excess kept by the
# gemeente; floor 40 % of each investment, paid by the gemeente in 2018.


def _by_hand(level: float) -> dict:
    total = 20 * level * 160
    due = {2015: 0.35 * total, 2016: 0.35 * total, 2017: 0.15 * total, 2018: 0.15 * total}
    return {"total": total, "due": due}


def test_hand_below_floor(buz):
    # 50 days: 160,000 due = 56,000 / 56,000 / 24,000 / 24,000. All of it is principal of the senior
    # investor (ABN AMRO: 340,000 outstanding); Start Foundation gets nothing and is topped up to its
    # floor 0.4 x 340,000 = 136,000 in 2018 by the gemeente.
    assert _by_hand(50)["total"] == 160_000
    r = buz.point(50.0).to_dict()
    rows = {row["year"]: row for row in r["schedule"]}
    assert [rows[y]["outcome_payments"] for y in range(2015, 2019)] == [56_000, 56_000, 24_000, 24_000]
    assert [rows[y]["to_abn-amro-sif"] for y in range(2015, 2019)] == [56_000, 56_000, 24_000, 24_000]
    assert sum(rows[y]["to_start-foundation"] for y in rows) == 0
    assert rows[2018]["floor_top_up"] == 136_000
    assert r["investors"]["start-foundation"]["received"] == 136_000
    assert r["investors"]["abn-amro-sif"]["received"] == 160_000  # above its own floor: no top-up
    assert r["payer_payments_total"] == 296_000
    assert r["outcome_payments_total"] == 160_000
    assert r["payments"] == {"2015": 56_000, "2016": 56_000, "2017": 24_000, "2018": 24_000}
    flows = [-380_000, -300_000, 56_000, 24_000, 24_000 + 136_000]
    flows[1] += 56_000  # 2015: investment and payment in the same year are netted
    assert r["investor_irr"] == pytest.approx(npf.irr(flows), abs=1e-10)
    assert r["investor_multiple"] == pytest.approx(296_000 / 680_000)


def test_hand_middle_band(buz):
    # 200 days: 640,000 due = 224,000 / 224,000 / 96,000 / 96,000. 2015: all to ABN AMRO (principal);
    # 2016: ABN AMRO's last 116,000, then 108,000 to Start Foundation; 2017-2018: Start Foundation.
    # Nobody reaches the return cap, nobody needs the floor.
    r = buz.point(200.0).to_dict()
    rows = {row["year"]: row for row in r["schedule"]}
    assert [rows[y]["to_abn-amro-sif"] for y in range(2015, 2019)] == [224_000, 116_000, 0, 0]
    assert [rows[y]["to_start-foundation"] for y in range(2015, 2019)] == [0, 108_000, 96_000, 96_000]
    assert r["floor_top_up_total"] == 0 and r["beyond_return_cap_total"] == 0
    assert r["investors"]["abn-amro-sif"]["irr"] == pytest.approx(0.0, abs=1e-12)  # exactly its money back
    start = [-190_000, -150_000, 108_000, 96_000, 96_000]
    assert r["investors"]["start-foundation"]["irr"] == pytest.approx(npf.irr(start), abs=1e-10)
    assert r["outcome_payments_total"] == 640_000


def test_hand_above_return_cap(buz):
    # 350 days: 1,120,000 due (below the 1.2 m cap) = 392,000 / 392,000 / 168,000 / 168,000.
    # 2015: 340,000 to ABN AMRO (principal), 52,000 to Start Foundation (principal).
    # 2016: Start Foundation's remaining principal 288,000; the 104,000 left is return. Headroom at
    # 12 % (what each may still receive in 2016 without its IRR exceeding 12 %):
    #   ABN AMRO:         190,000 x 1.12^2 + 150,000 x 1.12 - 340,000 x 1.12           = 25,536.00
    #   Start Foundation: 190,000 x 1.12^2 + 150,000 x 1.12 - 52,000 x 1.12 - 288,000  = 60,096.00
    # Pro rata (50/50): ABN AMRO 52,000 -> capped at 25,536; Start Foundation 52,000; the 26,464 left
    # goes in seniority order: Start Foundation's last 8,096 of headroom; 18,368 is beyond the cap and
    # stays with the gemeente, as do all of 2017 and 2018 (both investors at 12 %).
    abn_room = 190_000 * 1.12**2 + 150_000 * 1.12 - 340_000 * 1.12
    sf_room = 190_000 * 1.12**2 + 150_000 * 1.12 - 52_000 * 1.12 - 288_000
    assert round(abn_room, 2) == 25_536.00 and round(sf_room, 2) == 60_096.00
    r = buz.point(350.0).to_dict()
    rows = {row["year"]: row for row in r["schedule"]}
    assert [rows[y]["due"] for y in range(2015, 2019)] == [392_000, 392_000, 168_000, 168_000]
    assert [rows[y]["to_abn-amro-sif"] for y in range(2015, 2019)] == [340_000, 25_536, 0, 0]
    assert [rows[y]["to_start-foundation"] for y in range(2015, 2019)] == [52_000, 288_000 + 60_096, 0, 0]
    assert [rows[y]["beyond_return_cap"] for y in range(2015, 2019)] == [0, 18_368, 168_000, 168_000]
    assert r["outcome_payments_total"] == 392_000 + 392_000 - 18_368
    for inv in r["investors"].values():
        assert inv["irr"] == pytest.approx(0.12, abs=1e-9)
    assert r["investor_irr"] == pytest.approx(0.12, abs=1e-9)


def test_payer_savings_follow_the_effect_lines(buz):
    """At the reference level the payer avoids what the scenario's linked lines give it; linear in L."""
    from mkba import evaluate

    s = buz.scenario
    o = s.sib.outcomes[0]
    res = evaluate(s, price_year=s.sib.price_year)
    flows = res.flows_frame()
    mine = flows[(flows.line.isin(o.effects)) & (flows.stakeholder == s.sib.outcome_payer)]
    expected = mine.groupby("year")["flow"].sum().reindex(res.years, fill_value=0.0).to_numpy()
    sched = buz.run(np.array([[o.reference_level], [2 * o.reference_level]]))
    np.testing.assert_allclose(sched.savings[0], expected, rtol=1e-12)
    np.testing.assert_allclose(sched.savings[1], 2 * expected, rtol=1e-12)


def test_break_even_is_where_net_savings_turn(buz):
    level, reason = buz.break_even(0)
    assert level is not None and not reason
    assert (
        buz.net_savings_at(0, np.array([level * 0.999]))[0] < 0 <= buz.net_savings_at(0, np.array([level]))[0]
    )


def test_the_curve_the_net_savings_and_the_gains_lay_out_their_levels_in_one_place(monkeypatch):
    """``levels_along``: the varied outcome along the grid, the others at their expected (or given) levels."""
    sib = compile_sib(ROOT / "scenarios" / "sib" / "utah-high-quality-preschool.yaml")  # four outcomes
    grid = np.array([0.0, 500.0, 2000.0])
    levels = sib.levels_along(2, grid)
    assert levels.shape == (3, len(sib.outcomes))
    np.testing.assert_array_equal(levels[:, 2], grid)
    np.testing.assert_array_equal(
        np.delete(levels, 2, axis=1), np.delete(np.tile(sib.point_levels, (3, 1)), 2, axis=1)
    )
    at = sib.point_levels * 0.5
    np.testing.assert_array_equal(sib.levels_along(1, grid, at)[:, 0], at[0])
    calls = []
    original = type(sib).levels_along

    def spy(self, outcome, grid, at=None):
        calls.append(outcome)
        return original(self, outcome, grid, at)

    monkeypatch.setattr(type(sib), "levels_along", spy)
    curve = sib.curve(2, n=3, top=2000.0)
    sib.net_savings_at(1, grid)
    sib.gain_at(3, grid, "investors")
    assert calls == [2, 1, 3]
    np.testing.assert_array_equal(curve["level"], np.array([0.0, 1000.0, 2000.0]))
    np.testing.assert_allclose(
        curve["payer_pv_savings"], sib.run(original(sib, 2, curve["level"])).payer_pv_savings
    )


def test_provider_funding(buz):
    prov = buz.point().to_dict()["provider"]
    assert prov["costs_total"] == pytest.approx(680_000) and prov["shortfall"] == 0


def test_assumptions_are_marked(buz):
    fields = {a["field"] for a in buz.point().to_dict()["assumptions"]}
    assert {"sib.investors[0]", "sib.investors[1]", "sib.outcomes[0].rules[0]"} <= fields


def test_schema_has_sib():
    schema = scenario_json_schema()
    assert "sib" in schema["properties"]
    assert {"SibContract", "Investor", "Outcome", "RateCard", "Bands"} <= set(schema["$defs"])
    props = schema["$defs"]["SibContract"]["properties"]
    assert {"max_outcome_payment", "max_loss", "max_return", "beyond_max_return", "seniority"} <= set(props)


def test_round_cents_half_away_from_zero():
    assert round_cents([0.285, -0.285, 0.005, -0.005, 2.675, 0.0049]).tolist() == [29, -29, 1, -1, 268, 0]
    assert round_cents(1e9 + 0.005) == 100_000_000_001


def test_round_half_away_on_cents():
    # cents to whole cents: shares of amounts already in cents, no euro/cent conversion
    assert round_half_away([28.5, -28.5, 28.499999999999996, 0.49, -0.5, 7.0]).tolist() == [
        29,
        -29,
        29,
        0,
        -1,
        7,
    ]
    assert round_half_away(np.array([1_000_000_000_000 * 0.35])).dtype == np.int64


def test_round_cents_never_wraps_around():
    # beyond int64 the cast used to wrap to a negative amount; now it stops just beyond NO_CAP
    got = round_cents([1e300, -1e300, np.inf, 1e17])
    assert (got[[0, 2, 3]] > NO_CAP).all() and got[1] < -NO_CAP
    assert round_half_away([1e300]).tolist() == round_cents([1e298]).tolist()


def test_absurd_outcome_level_is_refused():
    sib = compile_sib(DATA)
    with pytest.raises(MkbaError) as info:
        sib.point(1e300)
    assert "1e+300" in info.value.message and "10,000,000,000,000" in info.value.message
    with pytest.raises(MkbaError):
        sib.run(np.array([[200.0], [1e300]]))
    assert sib.point(1e6).to_dict()["outcome_payments_total"] <= 1_200_000  # large, but within the engine


def test_a_rule_cap_holds_at_any_level(tmp_path):
    data = yaml.safe_load(BASE_TEXT)
    data["sib"]["outcomes"][0]["rules"] = [{"type": "rate_card", "price": 20, "cap": 500_000}]
    data["sib"].pop("max_outcome_payment", None)
    path = tmp_path / "capped.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    d = compile_sib(path).point(1e20).to_dict()  # 20 x 1e20 x 160 euro: far beyond int64 cents
    assert d["outcome_payments_total"] == 500_000 and min(d["payments"].values()) >= 0


def test_refuses_a_figure_beyond_the_engine(tmp_path):
    err, line = _broken(tmp_path, lambda s: s.update(max_outcome_payment=1e300))
    assert err.field == "sib.max_outcome_payment" and line.strip().startswith("max_outcome_payment:")


def test_evaluate_sib_is_gone():
    # compile_sib(...).point(...) is the API (docs/sib.md); the unused wrapper was removed
    assert not hasattr(sib_module, "evaluate_sib")


# -- bad contracts: one message with file, line and field ------------------------------------------------
BASE_TEXT = DATA.read_text()


def _broken(tmp_path, edit) -> MkbaError:
    data = yaml.safe_load(BASE_TEXT)
    edit(data["sib"])
    path = tmp_path / "sib_broken.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(MkbaError) as info:
        compile_sib(path)
    err = info.value
    assert err.file == str(path) and err.line is not None
    text = path.read_text().splitlines()
    return err, text[err.line - 1]


def test_refuses_floor_above_cap(tmp_path):
    err, line = _broken(tmp_path, lambda s: s.update(max_outcome_payment=200_000))
    assert err.field == "sib.max_loss" and "floor" in err.message and "max_outcome_payment" in err.message
    assert line.strip().startswith("max_loss:")


def test_refuses_bands_not_increasing(tmp_path):
    def edit(s):
        s["outcomes"][0]["rules"] = [{"type": "bands", "points": [[0, 0], [200, 500_000], [150, 800_000]]}]

    err, _line = _broken(tmp_path, edit)
    assert err.field.startswith("sib.outcomes[0].rules[0].points[2]") and "increasing" in err.message


def test_refuses_unknown_investor_in_seniority(tmp_path):
    err, line = _broken(tmp_path, lambda s: s.update(seniority=["abn-amro", "start-foundation"]))
    assert (
        err.field == "sib.seniority[0]"
        and "abn-amro-sif" in err.message
        and "unknown investor" in err.message
    )
    assert "abn-amro" in line


def test_refuses_payments_before_the_investment(tmp_path):
    def edit(s):
        s["outcomes"][0]["measured"] = {2014: 0.2, 2015: 0.3, 2016: 0.5}

    err, line = _broken(tmp_path, edit)
    assert err.field.startswith("sib.outcomes[0].measured[2014]") and "before the investment" in err.message
    assert line.strip().startswith("2014:")


def test_refuses_return_cap_without_enforcement(tmp_path):
    err, _line = _broken(tmp_path, lambda s: s.pop("beyond_max_return"))
    assert err.field == "sib.max_return" and "beyond_max_return" in err.message


def test_refuses_floor_without_payer(tmp_path):
    err, _ = _broken(tmp_path, lambda s: s.pop("max_loss_paid_by"))
    assert err.field == "sib.max_loss" and "max_loss_paid_by" in err.message


def test_refuses_unknown_effect_line_with_nearest(tmp_path):
    def edit(s):
        s["outcomes"][0]["effects"][1] = "minder-bijstand-18-21"

    err, _line = _broken(tmp_path, edit)
    assert err.field.startswith("sib.outcomes[0].effects[1]") and "minder-bijstand-18-20" in err.message


def test_refuses_year_outside_horizon(tmp_path):
    def edit(s):
        s["outcomes"][0]["measured"] = {2015: 0.5, 2019: 0.5}

    err, _ = _broken(tmp_path, edit)
    assert err.field.startswith("sib.outcomes[0].measured[2019]") and "horizon" in err.message


def test_refuses_unknown_payer(tmp_path):
    err, _ = _broken(tmp_path, lambda s: s.update(outcome_payer="gemente"))
    assert err.field == "sib.outcome_payer" and "gemeente" in err.message


def test_refuses_unknown_floor_payer(tmp_path):
    err, line = _broken(tmp_path, lambda s: s.update(max_loss_paid_by="rijk"))
    assert err.field == "sib.max_loss_paid_by" and "unknown stakeholder 'rijk'" in err.message
    assert "gemeente" in err.message and line.strip().startswith("max_loss_paid_by:")


def test_scenario_without_sib():
    with pytest.raises(MkbaError, match="no 'sib:' section"):
        compile_sib(ROOT / "scenarios" / "tutorial.yaml")


# -- random contracts and outcomes (hypothesis) ------------------------------------------------------
def _scenario(sib: dict) -> dict:
    return {
        "format": "mkba-scenario/1",
        "name": "random SIB",
        "pricelist": "nl-sociaal-domein@2024.1",
        "price_year": 2024,
        "start_year": 2020,
        "horizon": 6,
        "participants": {2020: 50, 2021: 50},
        "stakeholders": {"rijk": {"public": True}},  # a guarantor of the floor other than the payer
        "effects": [
            {
                "id": "minder-bijstand",
                "item": "bijstand-maand",
                "kind": "avoided_cost",
                "quantity": 6,
                "duration": 2,
            }
        ],
        "sib": sib,
    }


money = st.floats(1_000, 500_000, allow_nan=False).map(lambda x: round(x, 2))


@st.composite
def contracts(draw):
    n_inv = draw(st.integers(1, 3))
    investors = []
    for i in range(n_inv):
        years = draw(st.lists(st.sampled_from([2020, 2021]), min_size=1, max_size=2, unique=True))
        investors.append({"id": f"inv-{i}", "investment": {y: draw(money) for y in years}})
    last_inv = max(y for inv in investors for y in inv["investment"])
    pay_years = draw(st.lists(st.integers(last_inv, 2025), min_size=1, max_size=4, unique=True))
    weights = [draw(st.integers(1, 10)) for _ in pay_years]
    shares = {y: w / sum(weights) for y, w in zip(pay_years, weights)}
    shares[pay_years[-1]] = 1.0 - sum(v for y, v in shares.items() if y != pay_years[-1])
    rules = []
    for kind in draw(
        st.lists(st.sampled_from(["rate_card", "linear", "threshold", "bands"]), min_size=1, max_size=3)
    ):
        cap = draw(st.none() | money)
        if kind == "rate_card":
            rules.append(
                {
                    "type": kind,
                    "price": draw(st.floats(0, 100).map(lambda x: round(x, 3))),
                    "cap": cap,
                    "per_participant_cap": draw(st.none() | st.floats(1, 5000)),
                }
            )
        elif kind == "linear":
            thr = draw(st.floats(0, 100))
            rules.append(
                {
                    "type": kind,
                    "price": draw(st.floats(0, 5000)),
                    "threshold": thr,
                    "up_to": draw(st.none() | st.floats(thr + 1, thr + 300)),
                    "cap": cap,
                }
            )
        elif kind == "threshold":
            rules.append({"type": kind, "level": draw(st.floats(0, 300)), "amount": draw(money)})
        else:
            xs = sorted(draw(st.lists(st.floats(0, 400), min_size=2, max_size=5, unique=True)))
            ys = sorted(draw(st.lists(money, min_size=len(xs), max_size=len(xs))))
            rules.append({"type": kind, "points": [[x, y] for x, y in zip(xs, ys)]})
    ids = [inv["id"] for inv in investors]
    order = draw(st.permutations(ids))
    sib = {
        "outcome_payer": "gemeente",
        "investors": investors,
        "seniority": draw(st.sampled_from([list(order), [list(order)], None])),
        "outcomes": [
            {
                "id": "dagen",
                "unit": "day",
                "effects": ["minder-bijstand"],
                "reference_level": 182.5,
                "measured": shares,
                "rules": rules,
            }
        ],
    }
    if draw(st.booleans()):
        sib["provider"] = {"name": "aanbieder", "share_of_payments": draw(st.floats(0, 0.5))}
    if draw(st.booleans()):
        sib["max_return"] = draw(st.floats(0, 0.3))
        sib["beyond_max_return"] = "provider" if "provider" in sib and draw(st.booleans()) else "payer_keeps"
    total = sum(sum(inv["investment"].values()) for inv in investors)
    if draw(st.booleans()):
        sib["max_loss"] = draw(st.floats(0, 1))
        sib["max_loss_paid_by"] = draw(st.sampled_from(["gemeente", "rijk"]))
    if draw(st.booleans()):
        floor = (1 - sib.get("max_loss", 1)) * total if sib.get("max_loss_paid_by") == "gemeente" else 0
        sib["max_outcome_payment"] = round(floor + draw(st.floats(0, 2_000_000)), 2) + 1
    return sib


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contracts(), st.lists(st.floats(0, 500, allow_nan=False), min_size=1, max_size=40))
def test_random_contracts_hold(sib, levels):
    model = compile_sib(load_scenario(_scenario(sib)))
    c = model.contract
    levels = np.sort(np.array(levels))
    s = model.run(levels[:, None])
    # cents reconcile exactly
    assert s.due_cents.dtype == np.int64 and s.received_cents.dtype == np.int64
    assert (s.due_cents.sum(axis=1) == s.rule_cents.sum(axis=1)).all()
    paid = s.outcome_cents.sum(axis=1)
    assert (paid == s.provider_cents.sum(axis=1) + s.received_cents.sum(axis=(1, 2))).all()
    kept = s.excess_cents.sum(axis=1) if c.beyond_max_return == "payer_keeps" else 0
    assert (
        s.outcome_cents + (s.excess_cents if c.beyond_max_return == "payer_keeps" else 0) <= s.due_cents
    ).all()
    assert (paid + kept <= s.due_cents.sum(axis=1)).all()
    guarantee = s.guarantee_cents.sum(axis=(1, 2))
    assert (s.payer_cents.sum(axis=1) == paid + (guarantee if c.max_loss_paid_by == "gemeente" else 0)).all()
    for arr in (s.outcome_cents, s.provider_cents, s.excess_cents, s.received_cents, s.guarantee_cents):
        assert (arr >= 0).all()
    # no cap is ever exceeded
    if c.max_outcome_payment is not None:
        assert (paid <= round(c.max_outcome_payment * 100)).all()
    for rule in c.outcomes[0].rules:
        n = np.full(len(levels), 100.0)
        cents = rule_cents(rule, levels, n, levels)
        if getattr(rule, "cap", None) is not None:
            assert (cents <= math.floor(rule.cap * 100 + 1e-6)).all()
        if getattr(rule, "per_participant_cap", None) is not None:
            assert (cents <= np.floor(rule.per_participant_cap * 100 * 100 + 1e-6)).all()
    if c.max_return is not None:
        irr = s.investor_irr(combined=False)
        back = s.received_cents.sum(axis=2)
        ok = np.isfinite(irr) & (back > 0)
        assert (irr[ok] <= c.max_return + 1e-9).all()
    # investors never lose more than the floor allows
    if c.max_loss is not None:
        invested = s.invest_cents.sum(axis=1)
        back = (s.received_cents + s.guarantee_cents).sum(axis=2)
        assert (back >= (1 - c.max_loss) * invested[None] - 1e-6).all()
    # payments never fall as the outcome improves (monotone rules)
    if c.monotone:
        due = s.due_cents.sum(axis=1)
        assert (np.diff(due) >= 0).all()
        if c.beyond_max_return != "payer_keeps":
            assert (np.diff(s.payer_cents.sum(axis=1)) >= 0).all() or c.max_loss is not None


def test_seniority_senior_is_repaid_first():
    sib = {
        "outcome_payer": "gemeente",
        "investors": [
            {"id": "junior", "investment": {2020: 100_000}},
            {"id": "senior", "investment": {2020: 100_000}},
        ],
        "seniority": ["senior", "junior"],
        "outcomes": [
            {
                "id": "dagen",
                "effects": ["minder-bijstand"],
                "reference_level": 182.5,
                "measured": {2022: 1.0},
                "rules": [{"type": "bands", "points": [[0, 0], [100, 150_000]]}],
            }
        ],
    }
    model = compile_sib(load_scenario(_scenario(sib)))
    s = model.run(np.array([[50.0], [100.0]]))
    assert s.received_cents[0, :, 2].tolist() == [0, 7_500_000]
    assert s.received_cents[1, :, 2].tolist() == [5_000_000, 10_000_000]


# -- simulation ------------------------------------------------------------------------------------
def test_same_seed_same_simulation_at_any_chunk_size(buz):
    a = simulate_sib(buz, 300_000, seed=11, chunk_size=1_000, workers=2, keep_draws=True)
    b = simulate_sib(buz, 300_000, seed=11, chunk_size=1_000_000, workers=1, keep_draws=True)
    for name in ("levels", "outcome_payments", "investor_irr", "investor_multiple", "payer_net_savings"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.summary() == b.summary()


def test_simulation_summary(buz):
    sim = simulate_sib(buz, 20_000, seed=5, keep_draws=True)
    s = sim.summary()
    for key in (
        "n",
        "seed",
        "p_investor_loss",
        "p_payer_pays_more_than_saves",
        "investor_irr_p5",
        "investor_irr_p50",
        "investor_irr_p95",
        "investor_multiple_min",
        "expected_outcome_payments",
    ):
        assert key in s
    assert s["investor_irr_p5"] <= s["investor_irr_p50"] <= s["investor_irr_p95"] <= 0.12 + 1e-9
    assert s["investor_multiple_min"] >= 0.4 - 1e-12  # the 60 % maximum loss
    assert 0 < s["p_investor_loss"] < 1
    # the draws are the contract evaluated at the drawn levels
    again = buz.run(sim.levels[:50])
    np.testing.assert_array_equal(again.outcome_payments_total, sim.outcome_payments[:50])
    np.testing.assert_allclose(again.investor_irr(), sim.investor_irr[:50])


def test_participant_mode_draws_per_participant():
    sib = {
        "outcome_payer": "gemeente",
        "investors": [{"id": "fonds", "investment": {2020: 100_000}}],
        "outcomes": [
            {
                "id": "uitstroom",
                "per_participant": {"success": {"dist": "uniform", "low": 0.3, "high": 0.7}, "value": 1},
                "effects": ["minder-bijstand"],
                "reference_level": 0.5,
                "measured": {2022: 1.0},
                "rules": [{"type": "rate_card", "price": 2500, "per_participant_cap": 2000}],
            }
        ],
    }
    model = compile_sib(load_scenario(_scenario(sib)))
    a = simulate_sib(model, 3_000, seed=3, chunk_size=1_000, keep_draws=True)
    b = simulate_sib(model, 3_000, seed=3, chunk_size=3_000, keep_draws=True)
    np.testing.assert_array_equal(a.levels, b.levels)
    counts = a.levels[:, 0] * 100
    np.testing.assert_allclose(counts, np.round(counts))  # whole successes out of 100 participants
    np.testing.assert_allclose(a.outcome_payments, np.round(counts) * 2000)  # capped at 2,000 each
    assert 0.25 < a.levels.mean() < 0.75


def test_a_contract_price_year_outside_the_index_points_at_sib_price_year(tmp_path):
    from mkba.sib.model import compile_sib

    text = (ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml").read_text(encoding="utf-8")
    assert "\n  price_year: 2014\n" in text
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("\n  price_year: 2014\n", "\n  price_year: 1990\n"), encoding="utf-8")
    with pytest.raises(MkbaError) as exc:
        compile_sib(path)
    assert exc.value.field == "sib.price_year" and "1990" in exc.value.message
    assert path.read_text(encoding="utf-8").splitlines()[exc.value.line - 1].strip() == "price_year: 1990"


def test_refuses_a_provider_cost_line_named_twice(tmp_path):
    """Named twice, the line would count twice: the provider's costs doubled."""
    err, line = _broken(tmp_path, lambda s: s["provider"].update(costs=["programma", "programma"]))
    assert err.field == "sib.provider.costs[1]" and "named twice" in err.message
    assert "programma" in line


def test_refuses_an_exchange_rate_on_a_contract_in_euro(tmp_path):
    """It would silently scale the payer's payments against its savings."""
    err, line = _broken(tmp_path, lambda s: s.update(exchange_rate=0.9))
    assert err.field == "sib.exchange_rate" and "in euro" in err.message
    assert line.strip().startswith("exchange_rate:")


def test_an_outcome_counting_persons_reaches_at_most_its_participants(tmp_path):
    """DWP counts young people of a cohort of 1,000: 5,000 of them cannot be paid for, in the file or given."""
    dwp = Path(__file__).resolve().parents[1] / "scenarios" / "sib" / "dwp-innovation-fund-round1.yaml"
    data = yaml.safe_load(dwp.read_text())
    data["sib"]["outcomes"][0]["level"] = {"dist": "triangular", "low": 100, "mode": 250, "high": 1200}
    path = tmp_path / "dwp.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(MkbaError) as info:
        compile_sib(path)
    assert (
        info.value.field == "sib.outcomes[0].level" and "at most the 1000 participants" in info.value.message
    )
    sib = compile_sib(dwp)
    with pytest.raises(MkbaError, match="at most its 1000 participants"):
        sib.levels_from({"cohort-2012-attendance": 5000})
    assert sib.levels_from({"cohort-2012-attendance": 1000})[0] == 1000  # all of them is possible


def test_outcome_levels_on_the_command_line_are_read_strictly():
    from mkba.cli.sib import parse_outcome

    with pytest.raises(MkbaError, match="given twice"):
        parse_outcome(["uitkeringsdagen=5", "uitkeringsdagen=6"])
    with pytest.raises(MkbaError, match="expected a number as the level, got 'abc'") as info:
        parse_outcome(["uitkeringsdagen=abc"])
    assert info.value.field == "--outcome" and not info.value.message.startswith("--outcome")
    with pytest.raises(MkbaError, match=r"got '0,5' \(write a decimal point: 0.5\)"):
        parse_outcome(["0,5"])
    assert parse_outcome(["a=1", "b=2.5"]) == {"a": 1.0, "b": 2.5}


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        # the DWP cohort has 1,000: an outcome cannot measure 5,000 of them
        (lambda o: o.update(participants=5000, level=4000), "participants", "cohort 'cohort-2012' has 1000"),
        # persons per participant: at most everyone
        (lambda o: o.update(per="participant", level=3), "level", "at most 1"),
    ],
)
def test_an_outcome_cannot_pay_for_more_persons_than_there_are(tmp_path, edit, field, words):
    dwp = Path(__file__).resolve().parents[1] / "scenarios" / "sib" / "dwp-innovation-fund-round1.yaml"
    data = yaml.safe_load(dwp.read_text())
    edit(data["sib"]["outcomes"][0])
    path = tmp_path / "dwp.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(MkbaError, match=words) as info:
        compile_sib(path)
    assert info.value.field == f"sib.outcomes[0].{field}"


def test_an_outcome_cannot_measure_more_participants_than_the_scenario_has(tmp_path):
    err, line = _broken(tmp_path, lambda s: s["outcomes"][0].update(participants=5000))
    assert err.field == "sib.outcomes[0].participants" and "the scenario has 160" in err.message
    assert line.strip().startswith("participants:")
