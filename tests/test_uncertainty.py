"""Uncertainty: tornado, break-even and Monte Carlo against hand calculations (METHOD.md section 6).

The scenario tests/data/unc_linear.yaml has, in euro of 2024, discount rate r = 2.25 %,
100 participants in 2024 and

    npv = -P - 100 C + 100 * 30 * s1 * p * (1 + v + v^2) + 100 * 1000 * s2 * a,   v = 1 / (1 + r)

with P ~ triangular(80000, 100000, 120000), C ~ uniform(200, 600), p ~ pert(40, 50, 90),
s1 ~ uniform(0.2, 0.6), s2 ~ beta(2, 8) and a ~ normal(0.5, 0.3) censored to [0, 1].
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import invoke_cli
from scipy import integrate, stats

from mkba.cli import uncertainty as uncertainty_report
from mkba.engine.figures import figures
from mkba.engine.model import ONE_MINUS
from mkba.errors import MkbaError
from mkba.result import evaluate
from mkba.uncertainty import montecarlo, sampling, sensitivity

DATA = Path(__file__).parent / "data"
LINEAR = DATA / "unc_linear.yaml"
MIXED = DATA / "unc_mixed.yaml"
BENCH = DATA / "unc_bench20.yaml"
CERTAIN = DATA / "unc_certain.yaml"
AREA = DATA / "unc_area.yaml"  # effects per: year (at area level), certain and uncertain drop-off

R = 0.0225
V = 1 / (1 + R)
ANNUITY = 1 + V + V**2  # three years of the effect, the first undiscounted


# -- hand calculation ------------------------------------------------------------------------------
def censored_normal_moments(mu, sd, a, b):
    """E[X] and E[X^2] of a normal censored to [a, b], by numerical integration."""
    pdf = stats.norm(mu, sd).pdf
    cdf = stats.norm(mu, sd).cdf
    m1 = a * cdf(a) + b * (1 - cdf(b)) + integrate.quad(lambda x: x * pdf(x), a, b)[0]
    m2 = a * a * cdf(a) + b * b * (1 - cdf(b)) + integrate.quad(lambda x: x * x * pdf(x), a, b)[0]
    return m1, m2


PERT_A, PERT_B = 1 + 4 * (50 - 40) / 50, 1 + 4 * (90 - 50) / 50  # beta shapes of pert(40, 50, 90)
MEANS = {
    "P": (80000 + 100000 + 120000) / 3,
    "C": (200 + 600) / 2,
    "p": (40 + 4 * 50 + 90) / 6,
    "s1": 0.4,
    "s2": 2 / (2 + 8),
    "a": censored_normal_moments(0.5, 0.3, 0, 1)[0],
}
VARIANCES = {
    "P": (80000**2 + 100000**2 + 120000**2 - 80000 * 100000 - 80000 * 120000 - 100000 * 120000) / 18,
    "C": 400**2 / 12,
    "p": PERT_A * PERT_B / ((PERT_A + PERT_B) ** 2 * (PERT_A + PERT_B + 1)) * 50**2,
    "s1": 0.4**2 / 12,
    "s2": 2 * 8 / (10**2 * 11),
    "a": censored_normal_moments(0.5, 0.3, 0, 1)[1] - MEANS["a"] ** 2,
}


def npv_by_hand(**values):
    v = {**MEANS, **values}
    return -v["P"] - 100 * v["C"] + 100 * 30 * v["s1"] * v["p"] * ANNUITY + 100 * 1000 * v["s2"] * v["a"]


def var_product(x, y):
    return (VARIANCES[x] + MEANS[x] ** 2) * (VARIANCES[y] + MEANS[y] ** 2) - (MEANS[x] * MEANS[y]) ** 2


NPV_VAR = (
    VARIANCES["P"]
    + 100**2 * VARIANCES["C"]
    + (100 * 30 * ANNUITY) ** 2 * var_product("s1", "p")
    + (100 * 1000) ** 2 * var_product("s2", "a")
)

NAMES = {
    "P": "costs.programma.amount",
    "C": "costs.coaching.amount",
    "p": "effects.minder-zorg.price",
    "s1": "effects.minder-zorg.success",
    "s2": "effects.minder-uitval.success",
    "a": "effects.minder-uitval.attribution",
}


@pytest.fixture(scope="module")
def linear():
    return evaluate(LINEAR)


# -- point result ------------------------------------------------------------------------------------
def test_point_result_uses_the_means(linear):
    assert linear.npv == pytest.approx(npv_by_hand(), rel=1e-12)
    assert MEANS["a"] == pytest.approx(0.5, abs=1e-12)  # censoring symmetric around the mean
    assert uncertainty_report.point_note(linear.model, "en").startswith(
        "Point result: every uncertain input at its mean"
    )
    assert uncertainty_report.point_note(evaluate(CERTAIN).model) is None


# -- tornado ------------------------------------------------------------------------------------------
def test_tornado_matches_hand_calculation(linear):
    frame = sensitivity.tornado(linear.model)
    assert list(frame.columns[:9]) == [
        "input",
        "label",
        "dist",
        "base",
        "low",
        "high",
        "npv_low",
        "npv_high",
        "swing",
    ]
    ends = {
        "P": (80000, 120000),
        "C": (200, 600),
        "p": (40, 90),
        "s1": (0.2, 0.6),
        "s2": (stats.beta(2, 8).ppf(0.05), stats.beta(2, 8).ppf(0.95)),
        "a": (0.5 + 0.3 * stats.norm.ppf(0.05), 0.5 + 0.3 * stats.norm.ppf(0.95)),
    }
    expected = {}
    for key, (lo, hi) in ends.items():
        expected[NAMES[key]] = (lo, hi, npv_by_hand(**{key: lo}), npv_by_hand(**{key: hi}))
    assert set(frame["input"]) == set(expected)
    for row in frame.itertuples():
        lo, hi, n_lo, n_hi = expected[row.input]
        assert row.low == pytest.approx(lo, rel=1e-9)
        assert row.high == pytest.approx(hi, rel=1e-9)
        assert row.npv_low == pytest.approx(n_lo, rel=1e-9)
        assert row.npv_high == pytest.approx(n_hi, rel=1e-9)
        assert row.swing == pytest.approx(abs(n_hi - n_lo), rel=1e-9)
    order = sorted(expected, key=lambda k: -abs(expected[k][3] - expected[k][2]))
    assert list(frame["input"]) == order
    assert frame.attrs["npv_base"] == pytest.approx(npv_by_hand(), rel=1e-12)
    # the programme cost lowers the npv at its high end
    row = frame.set_index("input").loc[NAMES["P"]]
    assert row.npv_high < row.npv_low


def test_tornado_without_uncertain_inputs():
    frame = sensitivity.tornado(evaluate(CERTAIN).model)
    assert frame.empty and {"input", "low", "high", "npv_low", "npv_high", "swing"} <= set(frame.columns)


def test_a_tornado_with_nothing_to_vary_is_a_sentence_not_an_empty_table(tmp_path):
    """Terminal and workbook say there is no uncertain input; neither draws an empty table."""
    out = tmp_path / "certain.xlsx"
    done = invoke_cli("run", str(CERTAIN), "--tornado", "--xlsx", str(out))
    assert done.returncode == 0, done.stderr
    assert "er is geen onzekere invoer om te variëren" in done.stdout
    assert "Saldo bij laag" not in done.stdout  # no table header
    import openpyxl

    ws = openpyxl.load_workbook(out)["Gevoeligheid"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Dit scenario heeft geen onzekere invoer: het saldo hangt niet af van een bereik." in texts
    assert "Saldo bij laag" not in texts


# -- break-even ---------------------------------------------------------------------------------------
def test_break_even_linear_exact(linear):
    found = sensitivity.break_even(linear.model, NAMES["s1"])
    fixed = MEANS["P"] + 100 * MEANS["C"] - 100 * 1000 * MEANS["s2"] * MEANS["a"]
    assert found["linear"] is True
    assert found["value"] == pytest.approx(fixed / (100 * 30 * MEANS["p"] * ANNUITY), rel=1e-12)
    assert found["range"] == [0.2, 0.6] and "support" in found["range_basis"]
    assert npv_by_hand(s1=found["value"]) == pytest.approx(0, abs=1e-6)


def test_break_even_certain_input_range_and_value(linear):
    # quantity 30 is certain: searched over [0, 10 x 30]
    found = sensitivity.break_even(linear.model, "effects.minder-zorg.quantity")
    fixed = MEANS["P"] + 100 * MEANS["C"] - 100 * 1000 * MEANS["s2"] * MEANS["a"]
    assert found["range"] == [0.0, 300.0] and "10 x" in found["range_basis"]
    assert found["value"] == pytest.approx(fixed / (100 * MEANS["s1"] * MEANS["p"] * ANNUITY), rel=1e-12)
    # attribution 1 is a certain share: searched over [0, 1]
    share = sensitivity.break_even(linear.model, "effects.minder-zorg.attribution")
    assert share["range"] == [0.0, 1.0] and "share" in share["range_basis"]
    assert share["value"] == pytest.approx(fixed / (100 * 30 * MEANS["s1"] * MEANS["p"] * ANNUITY), rel=1e-12)


def test_break_even_outside_range(linear):
    found = sensitivity.break_even(linear.model, NAMES["C"])
    benefits = 100 * 30 * MEANS["s1"] * MEANS["p"] * ANNUITY + 100 * 1000 * MEANS["s2"] * MEANS["a"]
    assert found["value"] is None and found["roots"] == []
    assert found["crossing_outside_range"] == pytest.approx((benefits - MEANS["P"]) / 100, rel=1e-12)
    assert "positive" in found["note"] and "outside the range" in found["note"]


def test_break_even_discount_rate_nonlinear(linear):
    # -fixed + 100*30*s1*p * (1 + v + v^2) = 0  ->  v^2 + v + 1 - k = 0
    fixed = MEANS["P"] + 100 * MEANS["C"] - 100 * 1000 * MEANS["s2"] * MEANS["a"]
    k = fixed / (100 * 30 * MEANS["s1"] * MEANS["p"])
    v = (-1 + math.sqrt(1 - 4 * (1 - k))) / 2
    found = sensitivity.break_even(linear.model, "discount_rate")
    assert found["linear"] is False and found["range"] == [0.0, 1.0]
    assert found["value"] == pytest.approx(1 / v - 1, rel=1e-10)


def test_break_even_drop_off_nonlinear(linear):
    # the effect's yearly amount falls by (1 - d) a year: 1 + x + x^2 = k with x = (1 - d) v
    fixed = MEANS["P"] + 100 * MEANS["C"] - 100 * 1000 * MEANS["s2"] * MEANS["a"]
    k = fixed / (100 * 30 * MEANS["s1"] * MEANS["p"])
    x = (-1 + math.sqrt(1 - 4 * (1 - k))) / 2
    found = sensitivity.break_even(linear.model, "effects.minder-zorg.drop_off")
    assert found["linear"] is False
    assert found["value"] == pytest.approx(1 - x / V, rel=1e-10)


def test_break_even_unknown_name_names_the_nearest(linear):
    with pytest.raises(MkbaError, match=r"nearest: effects.minder-zorg.success"):
        sensitivity.break_even(linear.model, "effects.minder-zorg.succes")


def test_break_even_does_not_depend():
    # an avoided transfer cancels in the societal npv: no break-even
    found = sensitivity.break_even(evaluate(MIXED).model, "effects.minder-bijstand.success")
    assert found["value"] is None and "does not depend" in found["note"]


# -- Monte Carlo ---------------------------------------------------------------------------------------
def test_monte_carlo_mean_matches_analytic_mean(linear):
    n = 400_000
    sim = montecarlo.monte_carlo(linear.model, n, seed=7)
    mean = npv_by_hand()  # independent inputs: E[product] = product of means
    sd = math.sqrt(NPV_VAR)
    # sampling error of the mean is sd / sqrt(n); allow 4 standard errors
    assert abs(sim.npv.mean() - mean) < 4 * sd / math.sqrt(n)
    assert sim.npv.std() == pytest.approx(sd, rel=0.01)
    assert sim.point_npv == pytest.approx(mean, rel=1e-12)
    d = sim.to_dict()
    assert d["npv_mean"] == pytest.approx(sim.npv.mean())
    assert d["p_npv_negative"] == pytest.approx(np.mean(sim.npv < 0))
    assert d["npv_p5"] < d["npv_p50"] < d["npv_p95"]
    assert d["npv_p50"] == pytest.approx(np.percentile(sim.npv, 50))


def test_monte_carlo_draws_follow_their_distributions(linear):
    model = linear.model
    theta = sampling.draw_inputs(model, 11, 0, 200_000)
    for key, name in NAMES.items():
        col = theta[:, model.input_index(name)]
        se = math.sqrt(VARIANCES[key] / len(col))
        assert abs(col.mean() - MEANS[key]) < 4 * se, key
    a = theta[:, model.input_index(NAMES["a"])]
    assert a.min() == 0.0 and a.max() == 1.0  # censored, not truncated
    assert np.mean(a == 0.0) == pytest.approx(stats.norm.cdf(-0.5 / 0.3), abs=0.005)


def test_price_item_range_is_pert_with_the_listed_amount_as_mean():
    model = evaluate(MIXED).model
    inp = model.inputs[model.input_index("price.jeugdhulp-jaar")]
    item = model.pricelist.items["jeugdhulp-jaar"]
    assert inp.uncertain and inp.value.dist == "pert"
    assert (inp.value.low, inp.value.high) == (item.low, item.high)
    assert inp.base == item.amount
    assert inp.value.mean == pytest.approx(item.amount, rel=1e-12)
    draws = sampling.draw_inputs(model, 5, 0, 200_000)[:, model.input_index("price.jeugdhulp-jaar")]
    assert abs(draws.mean() - item.amount) < 4 * draws.std() / math.sqrt(len(draws))


def test_chunk_sizes_give_bit_identical_results(linear):
    n = 1_000_000
    small = montecarlo.monte_carlo(linear.model, n, seed=42, chunk_size=1_000, workers=1)
    large = montecarlo.monte_carlo(linear.model, n, seed=42, chunk_size=1_000_000)
    for name in ("npv", "pv_costs", "pv_benefits", "bcr", "fiscal_npv", "stakeholder_npv"):
        assert np.array_equal(getattr(small, name), getattr(large, name), equal_nan=True), name
    assert small.to_dict() == {**large.to_dict(), "chunk_size": 1_000}


@pytest.mark.parametrize("path", [MIXED, BENCH, AREA])
def test_chunks_and_workers_identical_on_richer_scenarios(path):
    model = evaluate(path).model
    a = montecarlo.monte_carlo(model, 30_000, seed=3, chunk_size=1_000, workers=2)
    b = montecarlo.monte_carlo(model, 30_000, seed=3, chunk_size=1_000_000, workers=1)
    c = montecarlo.monte_carlo(model, 30_000, seed=3, chunk_size=777, workers=2)
    assert np.array_equal(a.npv, b.npv) and np.array_equal(a.npv, c.npv)
    assert np.array_equal(a.stakeholder_npv, b.stakeholder_npv)
    assert not np.array_equal(a.npv, montecarlo.monte_carlo(model, 30_000, seed=4).npv)


def test_engine_flows_of_effects_per_year_identical_at_any_chunk_size():
    """Model.evaluate itself (method="flows"): a draw's drop-off powers never depend on its chunk."""
    model = evaluate(AREA).model
    a = montecarlo.monte_carlo(model, 3_000, seed=5, chunk_size=1, method="flows")
    b = montecarlo.monte_carlo(model, 3_000, seed=5, chunk_size=777, method="flows")
    c = montecarlo.monte_carlo(model, 3_000, seed=5, chunk_size=3_000, method="flows")
    for name in ("npv", "pv_costs", "pv_benefits", "fiscal_npv", "stakeholder_npv"):
        assert np.array_equal(getattr(a, name), getattr(c, name)), name
        assert np.array_equal(getattr(b, name), getattr(c, name)), name
    theta = sampling.draw_inputs(model, 5, 0, 50)
    whole = model.evaluate(theta).gross
    assert all(np.array_equal(model.evaluate(theta[i : i + 1]).gross[0], whole[i]) for i in range(50))


def test_fast_evaluation_of_effects_per_year_by_hand():
    """One draw of the area scenario: each per: year line's present value, summed year by year."""
    model = evaluate(AREA).model
    theta = sampling.draw_inputs(model, 11, 0, 1)[0]
    fast = montecarlo._PresentValues(model)
    x = fast.draws(11, 0, 1)
    r = theta[model.discount_col]
    rows = {line.id: i for i, line in enumerate(model.lines)}
    pv = {}
    for line_id, (first, last) in {
        "wijk-uitzettingen": (2025, 2030),
        "wijk-jeugd": (2024, 2030),
        "wijk-bijstand": (2026, 2029),
        "wijk-huisarts": (2027, 2027),
        "wijk-zonder-drop": (2028, 2030),
    }.items():
        line = model.lines[rows[line_id]]
        mult = line.constant * math.prod(
            (1 - theta[j]) if kind == ONE_MINUS else theta[j] for j, kind in line.factors
        )
        retain = 1 - theta[model.input_index(f"effects.{line_id}.drop_off")]
        # k = y - first: drop-off from the first year of the range; base year 2025
        pv[line_id] = sum(
            mult * retain ** (y - first) * (1 + r) ** -(y - 2025) for y in range(first, last + 1)
        )
    figs = fast.figures(x)
    k = {name: i for i, name in enumerate(model.stakeholders)}
    # the woningcorporatie pays huisuitzetting: both eviction lines are its benefits; the zorgverzekeraar
    # has only the added huisarts consults
    assert figs["stakeholder_npv"][k["woningcorporatie"], 0] == pytest.approx(
        pv["wijk-uitzettingen"] + pv["wijk-zonder-drop"], rel=1e-12
    )
    assert figs["stakeholder_npv"][k["zorgverzekeraar"], 0] == pytest.approx(-pv["wijk-huisarts"], rel=1e-12)
    flows = model.evaluate(theta[None])
    df = flows.discount[0]
    for line_id, value in pv.items():
        assert float(flows.gross[0, rows[line_id]] @ df) == pytest.approx(value, rel=1e-12), line_id


@pytest.mark.parametrize("path", [LINEAR, MIXED, BENCH, AREA])
def test_fast_evaluation_matches_engine_and_figures(path):
    """The fast path (present values line by line) gives the figures of Model.evaluate + figures."""
    model = evaluate(path).model
    fast = montecarlo.monte_carlo(model, 4_000, seed=9, chunk_size=1_500)
    flows = montecarlo.monte_carlo(model, 4_000, seed=9, chunk_size=1_500, method="flows")
    theta = sampling.draw_inputs(model, 9, 0, 4_000)
    ref = figures(model, model.evaluate(theta), with_irr=False)
    for name in ("npv", "pv_costs", "pv_benefits", "fiscal_npv", "volunteer_value_pv", "stakeholder_npv"):
        expected = getattr(ref, name)
        scale = max(np.abs(expected).max(), 1.0)
        assert np.max(np.abs(getattr(fast, name) - expected)) <= 1e-12 * scale, name
        assert np.max(np.abs(getattr(flows, name) - expected)) <= 1e-12 * scale, name


def test_monte_carlo_draws_are_quantiles_of_seeded_uniforms(linear):
    model = linear.model
    cols = [j for j, inp in enumerate(model.inputs) if inp.uncertain]
    u = sampling.uniforms(5, 100, 300, len(cols))
    theta = sampling.draw_inputs(model, 5, 100, 300)
    exact = sampling.sample([model.inputs[j].value for j in cols], 5, 100, 300)
    # sample() gives the same uniforms through each distribution's exact ppf
    for k, j in enumerate(cols):
        assert np.allclose(theta[:, j], model.inputs[j].value.ppf(u[:, k]), rtol=1e-10, atol=0)
        assert np.allclose(theta[:, j], exact[:, k], rtol=1e-10, atol=0)


def test_uniform_columns_equal_uniforms():
    for dims in ([0, 1, 2], [4, 1, 7], list(range(9))):
        a = sampling.uniforms(3, 17, 1_017, 9)[:, dims].T
        assert np.array_equal(sampling.uniform_columns(3, 17, 1_017, 9, dims), a)


def test_with_irr_and_certain_scenario():
    model = evaluate(CERTAIN).model
    sim = montecarlo.monte_carlo(model, 50, seed=1, with_irr=True)
    assert sim.method == "flows" and np.all(sim.npv == sim.npv[0])
    # -5000 in 2024, +1500 in 2024 and 2025: irr of (-3500, 1500) is negative
    assert sim.irr[0] == pytest.approx(1500 / 3500 - 1, rel=1e-9)
    d = sim.to_dict()
    assert d["irr"]["mean"] == pytest.approx(1500 / 3500 - 1, rel=1e-9)
    assert d["p_npv_negative"] == 1.0
    json.dumps(d, allow_nan=False)


def test_bcr_undefined_draws_are_reported():
    model = evaluate(CERTAIN).model
    sim = montecarlo.monte_carlo(model, 10, seed=1)
    assert np.allclose(sim.bcr, 1500 * (1 + 1 / 1.0225) / 5000)
    assert sim.to_dict()["bcr"]["mean"] == pytest.approx(sim.bcr[0])


def test_monte_carlo_rejects_bad_arguments(linear):
    with pytest.raises(MkbaError):
        montecarlo.monte_carlo(linear.model, 0)
    with pytest.raises(MkbaError):
        montecarlo.monte_carlo(linear.model, 10, chunk_size=0)


def test_progress_is_reported_through_the_callback_chunk_by_chunk(linear, capsys):
    done: list[int] = []
    sim = montecarlo.monte_carlo(linear.model, 5_500, seed=1, chunk_size=1_000, progress=done.append)
    assert sim.n == 5_500
    assert done == [1_000] * 5 + [500]  # one call per chunk, adding up to n
    assert capsys.readouterr().err == ""  # numeric code draws nothing itself


def test_simulation_tables(linear):
    sim = montecarlo.monte_carlo(linear.model, 10_000, seed=2)
    table = sim.percentiles()
    assert list(table.columns) == ["p5", "p50", "p95"]
    assert table.loc["npv", "p50"] == pytest.approx(np.percentile(sim.npv, 50))
    assert "npv[gemeente]" in table.index
    assert len(sim.frame()) == 10_000
    d = sim.to_dict()
    assert set(d["stakeholders"]) == set(linear.model.stakeholders)
    for key in ("mean", "p5", "p50", "p95", "p_negative"):
        assert key in d["stakeholders"]["gemeente"]
    # gemeente pays everything but the avoided care and gains the uitval benefit
    g = sim.stakeholder_npv[:, sim.stakeholders.index("gemeente")]
    zorg = sim.stakeholder_npv[:, sim.stakeholders.index("zorgverzekeraar")]
    assert np.allclose(g + zorg, sim.npv, rtol=1e-12, atol=1e-6)


# -- command line ---------------------------------------------------------------------------------------
def _cli(*args, cwd=None):
    return invoke_cli(*args, cwd=cwd)


def test_cli_end_to_end(tmp_path):
    out = tmp_path / "out.json"
    plots = tmp_path / "plots"
    proc = _cli(
        "run",
        LINEAR,
        "--simulate",
        "2000",
        "--seed",
        "1",
        "--tornado",
        "--break-even",
        NAMES["s1"],
        "--plots",
        plots,
        "--json",
        out,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    sim = data["simulation"]
    for key in (
        "n",
        "seed",
        "npv_mean",
        "npv_p5",
        "npv_p50",
        "npv_p95",
        "p_npv_negative",
        "bcr",
        "stakeholders",
    ):
        assert key in sim
    assert sim["n"] == 2000 and sim["seed"] == 1
    assert [row["input"] for row in data["tornado"]]
    for row in data["tornado"]:
        assert {"input", "low", "high", "npv_low", "npv_high"} <= set(row)
    assert data["break_even"]["input"] == NAMES["s1"]
    assert data["break_even"]["value"] == pytest.approx(
        sensitivity.break_even(evaluate(LINEAR).model, NAMES["s1"])["value"]
    )
    pngs = sorted(plots.glob("*.png"))
    assert {p.name for p in pngs} >= {
        "tornado.png",
        "npv_histogram.png",
        "yearly_flows.png",
        "stakeholders.png",
    }
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the same seed gives the same simulation
    out2 = tmp_path / "out2.json"
    assert (
        _cli(
            "run", LINEAR, "--simulate", "2000", "--seed", "1", "--chunk-size", "300", "--json", out2
        ).returncode
        == 0
    )
    assert json.loads(out2.read_text())["simulation"]["npv_mean"] == sim["npv_mean"]


def test_cli_bad_break_even_name(tmp_path):
    proc = _cli("run", LINEAR, "--break-even", "effects.minder-zorg.succes")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "unknown input" in lines[0] and "effects.minder-zorg.success" in lines[0]


def test_tornado_and_break_even_label_their_inputs_in_the_readers_language():
    """Field words and price items in English with lang='en' (the price list's label_en), Dutch by default."""
    model = evaluate(MIXED).model
    nl, en = sensitivity.tornado(model), sensitivity.tornado(model, lang="en")
    assert list(nl["input"]) == list(en["input"])
    for name, dutch, english in zip(nl["input"], nl["label"], en["label"]):
        inp = next(i for i in model.inputs if i.name == name)
        assert dutch == inp.label and english == (inp.label_en or inp.label)
        if name.endswith(".success"):
            assert dutch.endswith(": succes") and english.endswith(": success")
    some = str(nl["input"].iloc[0])
    assert sensitivity.break_even(model, some, lang="en")["label"] == en["label"].iloc[0]
