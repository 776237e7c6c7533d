"""Streamed simulations (issue 16): memory independent of the draws, the same result however it runs.

Exact mean, standard deviation and exceedances at any chunk size and any number of workers (to
rounding: 1e-12); quantiles within the rank error the output states (at most 0.005).
"""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest
from conftest import invoke_cli, local_cluster
from hypothesis import given, settings
from hypothesis import strategies as st

import mkba
from mkba.uncertainty.montecarlo import StreamedSimulation, monte_carlo
from mkba.uncertainty.streaming import StreamSummary, histogram_range

SCENARIO = "scenarios/frontlijnteam-leeuwarden.yaml"


@pytest.fixture(scope="module")
def model(request):
    import os

    here = os.getcwd()
    os.chdir(request.config.rootpath)
    try:
        return mkba.evaluate(SCENARIO).model
    finally:
        os.chdir(here)


def rank_ok(x: np.ndarray, q: float, value: float, error: float) -> bool:
    """``value`` is a ``q``-quantile of ``x`` within rank ``error``: P(X < v) <= q + e and P(X <= v) >= q - e."""
    n = x.size
    return (
        np.count_nonzero(x < value) / n <= q + error + 1 / n
        and np.count_nonzero(x <= value) / n >= q - error - 1 / n
    )


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=20, max_size=400),
    cuts=st.lists(st.integers(0, 400), max_size=6),
    q=st.floats(0.01, 0.99),
)
def test_a_summary_of_any_split_is_the_summary_of_the_whole(data, cuts, q):
    x = np.array(data)
    lo, hi = histogram_range(x[:10])
    whole = StreamSummary(lo, hi)
    whole.add(x)
    parts = StreamSummary(lo, hi)
    for piece in np.split(x, sorted({c for c in cuts if c < x.size})):
        chunk = StreamSummary(lo, hi)
        chunk.add(piece)
        parts.merge(chunk)
    assert parts.n == whole.n == x.size
    assert (parts.counts == whole.counts).all() and parts.under == whole.under and parts.over == whole.over
    assert parts.mean == pytest.approx(float(x.mean()), rel=1e-12, abs=1e-6)
    assert parts.std == pytest.approx(float(x.std(ddof=1)), rel=1e-9, abs=1e-6)
    assert parts.below(0.0) == np.mean(x < 0) and parts.above(0.0) == np.mean(x > 0)
    value, error = parts.quantile(q)
    assert parts.quantile(q) == whole.quantile(q)
    assert rank_ok(x, q, value, error)


def test_streamed_equals_kept_within_the_stated_error(model):
    kept = monte_carlo(model, 300_000, seed=3)
    streamed = monte_carlo(model, 300_000, seed=3, keep_draws=False, chunk_size=41_000)
    assert isinstance(streamed, StreamedSimulation)
    for name in ("npv", "pv_benefits", "fiscal_npv"):
        a, b = kept.stats(name), streamed.stats(name)
        assert b["mean"] == pytest.approx(a["mean"], rel=1e-12)
        assert b["sd"] == pytest.approx(a["sd"], rel=1e-9)
        assert b["min"] == a["min"] and b["max"] == a["max"]
        assert b["quantile_error"] <= 0.005
        for q in (5, 50, 95):
            assert rank_ok(getattr(kept, name), q / 100, b[f"p{q}"], b["quantile_error"])
    assert streamed.p_npv_negative == kept.p_npv_negative
    assert streamed.to_dict()["streamed"] is True and kept.to_dict()["quantile_error"] == 0.0


def test_the_same_at_any_chunk_size_and_any_number_of_workers(model):
    runs = [
        monte_carlo(model, 250_000, seed=9, keep_draws=False, chunk_size=size, workers=workers)
        for size, workers in ((250_000, 1), (9_999, 1), (30_000, 2))
    ]
    first = runs[0].to_dict()
    for other in runs[1:]:
        d = other.to_dict()
        assert d["npv_mean"] == pytest.approx(first["npv_mean"], rel=1e-12)
        assert d["npv_sd"] == pytest.approx(first["npv_sd"], rel=1e-12)
        for q in (5, 50, 95):
            assert d[f"npv_p{q}"] == first[f"npv_p{q}"]  # integer counts: the same histogram
        assert d["p_npv_negative"] == first["p_npv_negative"]


def test_memory_does_not_grow_with_the_draws(model):
    peaks = []
    for n in (200_000, 1_600_000):
        monte_carlo(model, 10_000, seed=1, keep_draws=False)  # warm up caches outside the measure
        tracemalloc.start()
        monte_carlo(model, n, seed=1, keep_draws=False, chunk_size=50_000)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.3 * peaks[0]  # eight times the draws, about the same memory


def test_a_dask_cluster_streams_the_same_result(model, tmp_path):
    cluster = local_cluster(tmp_path)  # skips without dask.distributed
    from dask.distributed import Client

    here = monte_carlo(model, 120_000, seed=4, keep_draws=False, chunk_size=20_000).to_dict()
    with cluster, Client(cluster) as client:
        there = monte_carlo(model, 120_000, seed=4, chunk_size=20_000, client=client).to_dict()
    assert there["npv_mean"] == pytest.approx(here["npv_mean"], rel=1e-12)
    assert [there[f"npv_p{q}"] for q in (5, 50, 95)] == [here[f"npv_p{q}"] for q in (5, 50, 95)]


def test_the_command_streams_beyond_the_kept_limit_and_states_the_error(tmp_path):
    out = tmp_path / "out.json"
    done = invoke_cli("run", SCENARIO, "--simulate", "2100000", "--workers", "2", "--json", out)
    assert done.returncode == 0, done.stderr
    sim = json.loads(out.read_text(encoding="utf-8"))["simulation"]
    assert sim["streamed"] is True and sim["n"] == 2_100_000 and 0 <= sim["quantile_error"] <= 0.005
