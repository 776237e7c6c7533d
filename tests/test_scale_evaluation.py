"""The Monte Carlo's evaluation of drawn inputs (issue 16): coefficients folded once, one multiply-add.

:class:`mkba.uncertainty.montecarlo._PresentValues` evaluates a model that is multilinear in its drawn
inputs (certain discount rate and drop-offs) as ``intercept + coefficients @ features``, the features
being products of drawn inputs (price x quantity); otherwise from the lines' present values. Either
way its figures must be those of ``Model.evaluate`` + ``figures`` (docs/method.md, sections 4-5) to
1e-9 relative, bit for bit the same however the draws are split, and right for present values of any
sign (a cost whose present value is negative is a benefit).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkba.engine.figures import figures
from mkba.result import evaluate
from mkba.scenario.model import load_scenario
from mkba.uncertainty.montecarlo import BLOCK, _PresentValues

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
#: Multilinear (certain rate and drop-offs) and not (an uncertain rate, uncertain drop-offs and
#: cohort sizes), with products of two drawn inputs, transfers, volunteers, effects at area level.
PATHS = {
    "frontlijnteam": ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml",
    "tutorial": ROOT / "scenarios" / "tutorial.yaml",
    "linear": DATA / "unc_linear.yaml",
    "mixed": DATA / "unc_mixed.yaml",
    "area": DATA / "unc_area.yaml",
    "bench20": DATA / "unc_bench20.yaml",
}
FIGURES = ("pv_costs", "pv_benefits", "npv", "fiscal_npv", "volunteer_value_pv", "stakeholder_npv")


#: unc_linear.yaml with a drawn cohort size, deadweight and displacement (``1 - x`` factors): one line's
#: present value is a product of five drawn inputs, still multilinear.
DRAWN_COHORT = {
    "participants.2024": {"dist": "uniform", "low": 80, "high": 120},
    "effects.minder-zorg.deadweight": {"dist": "uniform", "low": 0.1, "high": 0.3},
    "effects.minder-zorg.displacement": {"dist": "triangular", "low": 0.0, "mode": 0.1, "high": 0.2},
}
NAMES = sorted([*PATHS, "drawn-cohort"])


@pytest.fixture(scope="module")
def models():
    found = {name: evaluate(path).model for name, path in PATHS.items()}
    found["drawn-cohort"] = evaluate(load_scenario(PATHS["linear"]).with_changes(set=DRAWN_COHORT)).model
    return found


def reference(model, fast: _PresentValues, x: np.ndarray) -> dict[str, np.ndarray]:
    """The figures of the yearly flows (``Model.evaluate`` + ``figures``) of draws ``x`` (U, D)."""
    theta = np.tile(model.base, (x.shape[1], 1))
    theta[:, fast.cols] = x.T
    ref = figures(model, model.evaluate(theta), with_irr=False)
    return {
        name: getattr(ref, name).T if name == "stakeholder_npv" else getattr(ref, name) for name in FIGURES
    }


def assert_close(got: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    for name in FIGURES:
        scale = max(float(np.abs(expected[name]).max()), 1.0)
        assert np.max(np.abs(got[name] - expected[name])) <= 1e-9 * scale, name


def test_the_multilinear_form_is_used_where_the_rate_and_drop_offs_are_certain(models):
    assert _PresentValues(models["frontlijnteam"]).linear
    assert _PresentValues(models["tutorial"]).linear
    assert _PresentValues(models["linear"]).linear
    assert not _PresentValues(models["mixed"]).linear  # an uncertain discount rate
    fast = _PresentValues(models["frontlijnteam"])
    # price x attribution of two effects, the attribution of the third: three products of drawn inputs
    assert sorted(len(monomial) for monomial in fast.features) == [1, 2, 2]
    assert fast.unsafe == []  # every support keeps every present value >= 0
    drawn = _PresentValues(models["drawn-cohort"])
    assert drawn.linear
    assert (
        max(len(monomial) for monomial in drawn.features) == 5
    )  # size x price x success x (1 - dw) x (1 - disp)
    assert any(one_minus for monomial in drawn.features for _, one_minus in monomial)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(NAMES),
    seed=st.integers(0, 2**32),
    n=st.integers(1, 2 * BLOCK + 50),
    cuts=st.lists(st.integers(0, 2 * BLOCK + 50), max_size=4),
)
def test_figures_equal_the_flows_and_do_not_depend_on_the_split(models, name, seed, n, cuts):
    model = models[name]
    fast = _PresentValues(model)
    x = fast.draws(seed, 0, n)
    whole = fast.figures(x)
    assert_close(whole, reference(model, fast, x))
    bounds = [0, *sorted({c for c in cuts if 0 < c < n}), n]
    parts = [fast.figures(x[:, lo:hi]) for lo, hi in itertools.pairwise(bounds)]
    for figure in FIGURES:
        assert np.array_equal(np.concatenate([p[figure] for p in parts], axis=-1), whole[figure]), figure


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(NAMES),
    seed=st.integers(0, 2**32),
    n=st.integers(1, 400),
    negative=st.lists(st.tuples(st.integers(0, 399), st.integers(0, 40), st.floats(0.01, 5.0)), max_size=12),
)
def test_present_values_of_any_sign_follow_the_method(models, name, seed, n, negative):
    """A drawn factor below 0 (or a ``1 - x`` factor above 1) turns a line's present value negative:
    those draws are evaluated by the rule for any sign, draw by draw, the others as before."""
    model = models[name]
    fast = _PresentValues(model)
    drawn = [(r, one_minus) for _, r, one_minus in fast.factors if r != fast.rate_row]
    if not drawn:
        return
    fast.unsafe = sorted(set(drawn))  # as for a distribution whose support reaches below 0
    x = fast.draws(seed, 0, n)
    for draw, k, size in negative:
        r, one_minus = drawn[k % len(drawn)]
        x[r, draw % n] = 1.0 + size if one_minus else -size * max(abs(x[r, draw % n]), 1.0)
    got = fast.figures(x)
    assert_close(got, reference(model, fast, x))
    one_by_one = [fast.figures(x[:, d : d + 1]) for d in range(min(n, 40))]
    for figure in FIGURES:
        assert np.array_equal(
            np.concatenate([p[figure] for p in one_by_one], axis=-1), got[figure][..., : len(one_by_one)]
        ), figure


def test_a_negative_present_value_counts_on_the_other_side(models):
    """One draw with a negative cost amount: its present value is a benefit, not a negative cost."""
    model = models["linear"]
    fast = _PresentValues(model)
    fast.unsafe = [(r, one_minus) for _, r, one_minus in fast.factors]
    x = fast.draws(1, 0, 2)
    coaching = fast.cols.index(model.input_index("costs.coaching.amount"))
    x[coaching, 1] = -400.0
    got = fast.figures(x)
    expected = reference(model, fast, x)
    assert got["pv_benefits"][1] > got["pv_benefits"][0]
    assert got["pv_costs"][1] == pytest.approx(expected["pv_costs"][1], rel=1e-12)
    assert got["pv_benefits"][1] == pytest.approx(expected["pv_benefits"][1], rel=1e-12)


@pytest.mark.parametrize("name", ["frontlijnteam", "mixed", "drawn-cohort"])
def test_every_draw_by_the_rule_for_any_sign_gives_the_same_figures(models, name):
    """With a certain negative factor every draw goes by the rule for any sign; for draws whose present
    values are all >= 0 that rule and the multilinear form agree."""
    model = models[name]
    fast = _PresentValues(model)
    x = fast.draws(2, 0, 3_000)
    usual = fast.figures(x)
    fast.unsafe = [(-1, False)]  # as when a certain factor is negative
    general = fast.figures(x)
    assert_close(general, usual)
    assert_close(general, reference(model, fast, x))
