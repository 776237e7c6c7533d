"""Distributions (METHOD.md section 6): means, tornado ends, quantiles, and the Monte Carlo's fast quantiles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from mkba.errors import MkbaError
from mkba.scenario.distributions import (
    Beta,
    Normal,
    Pert,
    Triangular,
    Uniform,
    is_uncertain,
    mean_of,
    parse_distribution,
)
from mkba.scenario.model import load_scenario
from mkba.uncertainty import sampling

Q = np.concatenate([[2.0**-54, 1e-12, 1e-6], np.linspace(0.001, 0.999, 999), [1 - 1e-6, 1 - 2.0**-53]])


def test_triangular():
    d = parse_distribution({"dist": "triangular", "low": 1, "mode": 2, "high": 6})
    assert isinstance(d, Triangular)
    assert d.mean == pytest.approx(3.0)
    assert d.swing == (1, 6)
    ref = stats.triang(c=(2 - 1) / 5, loc=1, scale=5)
    assert np.allclose(d.ppf(Q), ref.ppf(Q), rtol=1e-12, atol=1e-12)


def test_uniform():
    d = parse_distribution({"dist": "uniform", "low": -1, "high": 3})
    assert isinstance(d, Uniform) and d.mean == 1.0 and d.swing == (-1, 3)
    assert np.allclose(d.ppf(Q), -1 + 4 * Q)


def test_pert_mean_is_not_the_mode():
    d = parse_distribution({"dist": "pert", "low": 40, "mode": 50, "high": 90})
    assert isinstance(d, Pert)
    assert d.mean == pytest.approx((40 + 4 * 50 + 90) / 6)  # 55, not the mode 50
    a, b = 1 + 4 * 10 / 50, 1 + 4 * 40 / 50
    assert np.allclose(d.ppf(Q), 40 + 50 * stats.beta(a, b).ppf(Q), rtol=1e-10)
    assert d.swing == (40, 90)


def test_pert_with_mean():
    d = Pert.with_mean(12190.0, 12415.0, 12641.0)
    assert d.mean == pytest.approx(12415.0, rel=1e-12)
    # a mean beyond what a PERT can reach clips the mode to an end
    e = Pert.with_mean(0, 0.1, 10)
    assert e.mode == 0


def test_normal_censored_mean_and_swing():
    d = parse_distribution({"dist": "normal", "mean": 0.2, "sd": 0.3, "clip": [0, 1]})
    assert isinstance(d, Normal)
    # E[clip(X, 0, 1)] = 0 * P(X < 0) + 1 * P(X > 1) + integral of x pdf over [0, 1]
    pdf, cdf = stats.norm(0.2, 0.3).pdf, stats.norm(0.2, 0.3).cdf
    expected = (1 - cdf(1)) + integrate.quad(lambda x: x * pdf(x), 0, 1)[0]
    assert d.mean == pytest.approx(expected, rel=1e-9)
    assert d.mean > 0.2  # censoring at 0 lifts the mean
    lo, hi = d.swing  # 5th and 95th percentiles of the censored variable
    assert lo == 0.0  # 0.2 - 1.645 * 0.3 < 0: censored
    assert hi == pytest.approx(0.2 + 0.3 * stats.norm.ppf(0.95), rel=1e-12)
    x = d.ppf(Q)
    assert x.min() == 0.0 and x.max() == 1.0


def test_normal_without_clip():
    d = Normal(dist="normal", mean=10, sd=2)
    assert d.mean == 10
    assert d.swing == pytest.approx((10 - 2 * 1.6448536269514722, 10 + 2 * 1.6448536269514722))
    assert np.allclose(d.ppf(Q[3:-2]), stats.norm(10, 2).ppf(Q[3:-2]), rtol=1e-12)


def test_beta():
    d = parse_distribution({"dist": "beta", "a": 2, "b": 8})
    assert isinstance(d, Beta) and d.mean == pytest.approx(0.2)
    assert d.swing == pytest.approx((stats.beta(2, 8).ppf(0.05), stats.beta(2, 8).ppf(0.95)), rel=1e-10)
    assert d.support() == (0.0, 1.0)


def test_helpers():
    d = Uniform(dist="uniform", low=0, high=2)
    assert mean_of(d) == 1.0 and mean_of(3) == 3.0
    assert is_uncertain(d) and not is_uncertain(3.0)


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"dist": "triangular", "low": 3, "mode": 1, "high": 2}, "low <= mode <= high"),
        ({"dist": "uniform", "low": 2, "high": 2}, "low < high"),
        ({"dist": "normal", "mean": 0, "sd": 0}, r"sd: expected a number > 0, got 0"),
        ({"dist": "lognormal", "mean": 0, "sd": 1}, "expected dist"),
    ],
)
def test_invalid_distributions_are_reported(spec, message):
    data = {
        "format": "mkba-scenario/1",
        "name": "x",
        "start_year": 2024,
        "horizon": 2,
        "price_year": 2024,
        "participants": {2024: 10},
        "costs": [{"id": "k", "payer": "gemeente", "amount": spec, "per": "once", "year": 2024}],
    }
    with pytest.raises(MkbaError, match=message):
        load_scenario(data)


def test_a_share_must_keep_its_distribution_within_0_1():
    data = {
        "format": "mkba-scenario/1",
        "name": "x",
        "start_year": 2024,
        "horizon": 2,
        "price_year": 2024,
        "participants": {2024: 10},
        "effects": [
            {
                "id": "e",
                "price": {"amount": 10, "payer": "gemeente", "price_year": 2024},
                "kind": "avoided_cost",
                "quantity": 1,
                "success": {"dist": "uniform", "low": 0.5, "high": 1.5},
            }
        ],
    }
    with pytest.raises(MkbaError, match="share"):
        load_scenario(data)


# -- the Monte Carlo's quantiles -------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [(3, 7), (7, 3), (1, 5), (5, 1), (1, 1), (0.5, 0.5), (2.2, 3.8), (30, 40)])
def test_fast_beta_quantile_accuracy(a, b):
    d = Beta(dist="beta", a=a, b=b)
    fast, exact = sampling.quantile(d, Q), d.ppf(Q)
    assert np.all(np.abs(fast - exact) <= 1e-10 * np.maximum(exact, 1e-300) + 1e-15)
    # the upper tail stays accurate as 1 - x
    assert np.all(np.abs((1 - fast) - (1 - exact)) <= 1e-10 * (1 - exact) + 1e-15)


@pytest.mark.parametrize("low, mode, high", [(40, 50, 90), (0, 0, 10), (0, 10, 10), (12190, 12415, 12641)])
def test_fast_pert_quantile_accuracy(low, mode, high):
    d = Pert(dist="pert", low=low, mode=mode, high=high)
    assert np.allclose(sampling.quantile(d, Q), d.ppf(Q), rtol=1e-10, atol=1e-10 * (high - low))


def test_fast_quantile_falls_back_for_extreme_shapes():
    d = Beta(dist="beta", a=0.02, b=3)
    q = np.array([1e-10, 0.3, 0.9])
    assert np.array_equal(sampling.quantile(d, q), d.ppf(q))


def test_other_distributions_use_their_own_quantile():
    for d in (
        Triangular(dist="triangular", low=0, mode=1, high=3),
        Uniform(dist="uniform", low=0, high=1),
        Normal(dist="normal", mean=1, sd=1, clip=(0, 2)),
    ):
        assert np.array_equal(sampling.quantile(d, Q), d.ppf(Q))


def test_sample_and_uniforms_unchanged():
    """sample() repeats numbers and draws distributions through their ppf; chunking does not matter."""
    values = [1.5, Uniform(dist="uniform", low=0, high=10), Beta(dist="beta", a=2, b=3)]
    whole = sampling.sample(values, 9, 0, 1_000)
    parts = np.vstack([sampling.sample(values, 9, s, e) for s, e in sampling.chunks(1_000, 333)])
    assert np.array_equal(whole, parts)
    assert np.all(whole[:, 0] == 1.5)
    u = sampling.uniforms(9, 0, 1_000, 3)
    assert np.all((u > 0) & (u < 1))
    assert np.array_equal(whole[:, 1], 10 * u[:, 1])
    assert abs(u.mean() - 0.5) < 4 * math.sqrt(1 / 12 / u.size)
