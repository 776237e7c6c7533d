"""mkba.npv and mkba.irr: hand-worked cases, and agreement with numpy-financial and pyxirr."""

from __future__ import annotations

import math
import os

import numpy as np
import numpy_financial as npf
import pytest
import pyxirr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mkba
from mkba.engine import finance

SETTINGS = settings(max_examples=int(os.environ.get("MKBA_HYPOTHESIS_EXAMPLES", 60)), deadline=None)

# whole euros between -1000 and 1000: no subnormal noise, and polynomials that np.roots solves well
flow = st.integers(-1000, 1000).map(float)
rows = st.lists(flow, min_size=2, max_size=8)


def conventional(rng, n, periods=6):
    """Rows with one sign change: an investment, then returns (some zero)."""
    out = rng.uniform(1, 60, (n, periods))
    out[:, 0] = -rng.uniform(50, 150, n)
    out[rng.uniform(size=(n, periods)) < 0.05] = 0.0
    out[:, 0] = -rng.uniform(50, 150, n)
    out[:, -1] = np.where(out[:, -1] == 0, 1.0, out[:, -1])
    return out


def same_rate(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(1.0, abs(a))


# -- npv ------------------------------------------------------------------------------------------
def test_npv_does_not_discount_the_first_flow():
    # -100 + 55 / 1.1 + 60.5 / 1.21 = -100 + 50 + 50
    assert mkba.npv(0.1, [-100, 55, 60.5]) == pytest.approx(0.0, abs=1e-12)
    assert mkba.npv(0.0, [1, 2, 3]) == 6.0


def test_npv_of_rows_with_a_rate_per_row():
    flows = np.array([[-100, 110.0], [-100, 121.0]])
    assert mkba.npv(np.array([0.1, 0.21]), flows).tolist() == pytest.approx([0.0, 0.0], abs=1e-12)
    assert mkba.npv(0.1, flows).tolist() == pytest.approx([0.0, 10.0], abs=1e-12)


@SETTINGS
@given(rate=st.floats(-0.5, 2.0), values=rows)
def test_npv_agrees_with_numpy_financial_1d(rate, values):
    expected = npf.npv(rate, values)
    assert mkba.npv(rate, values) == pytest.approx(expected, rel=1e-12, abs=1e-9)


@SETTINGS
@given(
    rate=st.floats(-0.5, 2.0),
    table=hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 8)),
        elements=st.floats(-1e6, 1e6, allow_subnormal=False),
    ),
)
def test_npv_agrees_with_numpy_financial_2d(rate, table):
    expected = [npf.npv(rate, row) for row in table]
    got = mkba.npv(rate, table)
    assert got.shape == (table.shape[0],)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-6)


# -- irr: hand-worked -----------------------------------------------------------------------------
def test_irr_of_a_two_period_flow():
    # -100 + 110 / (1 + r) = 0  ->  r = 0.1
    assert mkba.irr([-100, 110]) == pytest.approx(0.1, abs=1e-14)
    # -100 + 121 / (1 + r) ** 2 = 0  ->  r = 0.1
    assert mkba.irr([-100, 0, 121]) == pytest.approx(0.1, abs=1e-14)


def test_irr_of_a_three_period_flow_by_the_quadratic_formula():
    # -100 + 60 x + 60 x**2 = 0 with x = 1 / (1 + r)
    x = (-60 + math.sqrt(60**2 + 4 * 60 * 100)) / (2 * 60)
    assert mkba.irr([-100, 60, 60]) == pytest.approx(1 / x - 1, abs=1e-13)


def test_irr_extreme_rates():
    assert mkba.irr([-100, 1]) == pytest.approx(-0.99, abs=1e-13)  # 1 / (1 + r) = 100
    assert mkba.irr([-1, 1000]) == pytest.approx(999.0, rel=1e-12)
    assert mkba.irr([100, -110]) == pytest.approx(0.1, abs=1e-14)  # a loan: money first


@pytest.mark.parametrize("values", [[100, 200, 300], [-1, -2], [0, 0, 0], [5.0], [0, 7, 0], []])
def test_irr_without_sign_change_is_nan_with_its_reason(values):
    rate, reason = mkba.irr(values, return_reason=True)
    assert math.isnan(rate)
    assert reason == "no sign change"


def test_irr_with_two_roots_is_nan_with_reason_several_roots():
    # -100 (1+r)**2 + 230 (1+r) - 132 = 0 at r = 0.1 (-121 + 253 - 132) and r = 0.2 (-144 + 276 - 132)
    assert mkba.npv(0.1, [-100, 230, -132]) == pytest.approx(0, abs=1e-12)
    assert mkba.npv(0.2, [-100, 230, -132]) == pytest.approx(0, abs=1e-12)
    rate, reason = mkba.irr([-100, 230, -132], return_reason=True)
    assert math.isnan(rate) and reason == "several roots"


def test_irr_with_several_sign_changes_but_one_root():
    # -1 + x - x**2 + x**3 = (x - 1)(x**2 + 1): three sign changes, one positive root x = 1 (r = 0)
    rate, reason = mkba.irr([-1, 1, -1, 1], return_reason=True)
    assert rate == pytest.approx(0.0, abs=1e-12) and reason == ""


def test_irr_with_sign_changes_but_no_real_root():
    # -1 + x - x**2 has no real root (discriminant 1 - 4 < 0)
    rate, reason = mkba.irr([-1, 1, -1], return_reason=True)
    assert math.isnan(rate) and reason == "no root"


def test_irr_ignores_leading_and_trailing_zeros():
    x = (-60 + math.sqrt(60**2 + 4 * 60 * 100)) / (2 * 60)
    table = np.array(
        [[-100, 60, 60, 0, 0, 0], [0, 0, -100, 60, 60, 0], [0, -100, 60, 60, 0, 0], [0, 0, 0, -100, 60, 60]],
        dtype=float,
    )
    assert mkba.irr(table) == pytest.approx([1 / x - 1] * 4, abs=1e-13)


def test_irr_with_zeros_inside_the_flows():
    # -100 + 0 x + 0 x**2 + 133.1 x**3: r = 0.1
    assert mkba.irr([-100, 0, 0, 133.1]) == pytest.approx(0.1, abs=1e-13)
    assert mkba.irr([0, -100, 0, 0, 133.1, 0]) == pytest.approx(0.1, abs=1e-13)


def test_irr_shapes_1d_and_2d():
    one = mkba.irr([-100, 110])
    assert np.ndim(one) == 0
    table = mkba.irr([[-100, 110], [100, 100]])
    assert table.shape == (2,)
    rates, reasons = mkba.irr([[-100, 110], [100, 100]], return_reason=True)
    assert reasons.tolist() == ["", "no sign change"]
    assert rates[0] == pytest.approx(0.1, abs=1e-14) and math.isnan(rates[1])
    _rate, reason = mkba.irr([-100, 110], return_reason=True)
    assert reason == ""


@pytest.mark.parametrize(
    "values, changes",
    [
        ([1, 0, -1, 0, 1], 2),
        ([0, 0, 0], 0),
        ([-1, 0, 0, 2], 1),
        ([3, -1, 2, -5], 3),
        ([1], 0),
    ],
)
def test_sign_changes_ignore_zeros(values, changes):
    assert finance.sign_changes(values).tolist() == [changes]


def test_sign_changes_of_rows_with_and_without_zeros():
    table = np.array([[-1, 2, 3], [-1, 0, 3], [1, 0, 0], [1, -1, 1]], dtype=float)
    assert finance.sign_changes(table).tolist() == [1, 1, 0, 2]


# -- irr against numpy-financial and pyxirr -------------------------------------------------------
@SETTINGS
@given(values=rows)
def test_irr_agrees_with_numpy_financial(values):
    ours, reason = mkba.irr(values, return_reason=True)
    assert np.isnan(ours) == (reason != "")
    if not np.isnan(ours):
        # the rate is a root of the npv: the sum of the discounted flows is 0 next to their sizes
        size = sum(abs(v) * (1 + ours) ** -t for t, v in enumerate(values))
        assert abs(mkba.npv(ours, values)) <= 1e-9 * size
    theirs = npf.irr(values)
    if not (np.isnan(ours) or np.isnan(theirs)):
        assert same_rate(ours, theirs), (ours, theirs)


@SETTINGS
@given(values=rows)
def test_irr_of_one_sign_change_always_exists_and_agrees_with_pyxirr(values):
    if finance.sign_changes(values)[0] != 1:
        return
    ours = mkba.irr(values)
    assert np.isfinite(ours)  # Descartes: exactly one rate above -1
    theirs = pyxirr.irr(values)
    if theirs is not None and np.isfinite(theirs):
        assert same_rate(ours, theirs), (ours, theirs)


def test_irr_of_many_conventional_rows_agrees_with_pyxirr_and_numpy_financial():
    flows = conventional(np.random.default_rng(7), 3000)
    ours = mkba.irr(flows)
    assert np.isfinite(ours).all()
    py = np.array([pyxirr.irr(row) for row in flows], dtype=float)
    nf = np.array([npf.irr(row) for row in flows[:500]])
    assert np.nanmax(np.abs(ours - py)) <= 1e-9
    assert np.nanmax(np.abs(ours[:500] - nf)) <= 1e-9


def test_irr_rows_are_independent_of_the_batch():
    flows = conventional(np.random.default_rng(3), 40_000)
    flows[::7] = [100, 100, 100, 100, 100, 100]  # no sign change
    flows[::11] = [-100, 230, -132, 0, 0, 0]  # two roots
    batch, reasons = mkba.irr(flows, return_reason=True)
    for i in (0, 1, 7, 11, 12, 39_999):
        alone, reason = mkba.irr(flows[i], return_reason=True)
        assert reason == reasons[i]
        assert (np.isnan(alone) and np.isnan(batch[i])) or alone == batch[i]


def test_bracketed_fallback_agrees_with_newton(monkeypatch):
    flows = conventional(np.random.default_rng(11), 2000)
    newton = mkba.irr(flows)
    monkeypatch.setattr(finance, "_NEWTON_STEPS", 1)  # nearly every row falls back to the bracket
    fallback = mkba.irr(flows)
    assert np.max(np.abs(newton - fallback)) <= 1e-12
    py = np.array([pyxirr.irr(row) for row in flows[:300]])
    assert np.max(np.abs(fallback[:300] - py)) <= 1e-9


@SETTINGS
@given(table=hnp.arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(2, 7)), elements=flow))
def test_irr_of_a_table_equals_irr_row_by_row(table):
    rates, reasons = mkba.irr(table, return_reason=True)
    for row, rate, reason in zip(table, rates, reasons):
        alone, why = mkba.irr(row, return_reason=True)
        assert why == reason
        assert (np.isnan(alone) and np.isnan(rate)) or same_rate(alone, rate, 1e-12)
