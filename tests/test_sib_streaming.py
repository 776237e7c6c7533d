"""A SIB simulation streamed (issue 16): memory independent of the draws, the same result however it runs.

Exact probabilities, means and standard deviations (to rounding, 1e-12) at any chunk size and any
number of workers; percentiles identical there, and within the rank error the output states (at most
0.005) of the exact percentiles of every draw kept.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import flat, invoke_cli, kill_a_worker_during, local_cluster
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mkba import MkbaError
from mkba.sib.model import compile_sib
from mkba.sib.simulation import SibSimulation, SibStreamed, simulate_sib
from mkba.sib.summary import Sketch

ROOT = Path(__file__).resolve().parents[1]
BUZ = ROOT / "tests" / "data" / "sib_buzinezzclub.yaml"
RIKERS = ROOT / "scenarios" / "sib" / "nyc-rikers-able.yaml"
DWP = ROOT / "scenarios" / "sib" / "dwp-innovation-fund-round1.yaml"
FIGURES = ("investor_irr", "investor_multiple", "outcome_payments", "payer_payments", "payer_net_savings")


@pytest.fixture(scope="module")
def buz():
    return compile_sib(BUZ)


@pytest.fixture(scope="module")
def rikers_without_guarantee(tmp_path_factory):
    """Rikers without its guarantee: a missed trigger loses everything (a pile of IRRs at -100 %)."""
    data = yaml.safe_load(RIKERS.read_text(encoding="utf-8"))
    del data["sib"]["guarantees"]
    path = tmp_path_factory.mktemp("rikers") / "rikers.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return compile_sib(path)


def rank_ok(x: np.ndarray, q: float, value: float, error: float) -> bool:
    """``value`` is a ``q``-quantile of ``x`` within rank ``error``: P(X < v) <= q + e and P(X <= v) >= q - e."""
    n = x.size
    return (
        np.count_nonzero(x < value) / n <= q + error + 1 / n
        and np.count_nonzero(x <= value) / n >= q - error - 1 / n
    )


def _exact_key(key: str) -> bool:
    """Figures that are counts, extremes or read from integer counts: identical however the run is cut."""
    last = key.rsplit(".", 1)[-1]
    return not (last in ("mean", "std") or key.startswith("expected") or key.endswith("_mean"))


def assert_same(a: dict, b: dict) -> None:
    """Two summaries of the same draws: counts and percentiles identical, means and sds to 1e-12."""
    fa, fb = flat(a), flat(b)
    assert fa.keys() == fb.keys()
    for key, value in fa.items():
        if _exact_key(key) or value is None:
            assert fb[key] == value, key
        else:
            assert fb[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key


# -- the sketch --------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.one_of(st.sampled_from([0.0, 0.4, 1.0, -1.0]), st.floats(-1e3, 1e3, allow_nan=False)),
        min_size=5,
        max_size=400,
    ),
    cuts=st.lists(st.integers(0, 400), max_size=6),
    q=st.floats(0.0, 1.0),
)
@example(data=[0.0, 0.0, 0.0, 0.0, 5e-324], cuts=[], q=0.0)  # a range a subnormal wide: once a ValueError
def test_a_sketch_of_any_split_is_the_sketch_of_the_whole_and_within_its_error(data, cuts, q):
    x = np.array(data)
    whole = Sketch.from_pilot(x[:50])
    whole.add(x)
    parts = Sketch.from_pilot(x[:50])
    for piece in np.split(x, sorted({c for c in cuts if c < x.size})):
        chunk = Sketch.from_pilot(x[:50])
        chunk.add(piece)
        parts.merge(chunk)
    value, error = parts.quantile(q)
    assert (value, error) == whole.quantile(q)
    assert rank_ok(x, q, value, error)
    assert parts.mean == pytest.approx(float(x.mean()), rel=1e-12, abs=1e-9)
    assert parts.minimum == x.min() and parts.maximum == x.max()


def test_a_pile_of_equal_draws_is_read_exactly():
    """A quarter of the draws at the floor's multiple: the 5th percentile is that value, rank error 0."""
    rng = np.random.default_rng(3)
    x = np.concatenate([np.full(25_000, 0.4), rng.uniform(0.4, 1.4, 75_000)])
    rng.shuffle(x)
    s = Sketch.from_pilot(x[:10_000])
    for piece in np.array_split(x, 9):
        s.add(piece)
    assert s.quantile(0.05) == (0.4, 0.0)
    value, error = s.quantile(0.5)
    assert error <= 0.005 and rank_ok(x, 0.5, value, error)


def test_draws_piled_within_rounding_of_a_cap_are_resolved():
    """IRRs at a return cap differ only in the last bits: the percentile's error stays below 0.005."""
    rng = np.random.default_rng(4)
    cap = 0.12 + rng.integers(-8, 8, 30_000) * np.spacing(0.12)
    x = np.concatenate([rng.uniform(-0.5, 0.12, 70_000), cap])
    rng.shuffle(x)
    s = Sketch.from_pilot(x[:10_000])
    s.add(x)
    for q in (0.5, 0.8, 0.95, 0.99):
        value, error = s.quantile(q)
        assert error <= 0.005 and rank_ok(x, q, value, error), q


# -- the simulation ----------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["buz", "rikers_without_guarantee"])
def test_streamed_equals_kept_within_the_stated_error(which, request):
    sib = request.getfixturevalue(which)
    kept = simulate_sib(sib, 120_000, seed=7, keep_draws=True)
    streamed = simulate_sib(sib, 120_000, seed=7, chunk_size=17_000)
    assert isinstance(kept, SibSimulation) and isinstance(streamed, SibStreamed)
    a, b = kept.summary(), streamed.summary()
    assert b["streamed"] is True and a["streamed"] is False
    assert 0.0 <= b["quantile_error"] <= 0.005
    for key in ("p_investor_loss", "p_payer_pays_more_than_saves", "p_floor_used", "investor_multiple_min"):
        assert b[key] == a[key], key
    assert b["p_investor_loss_each"] == a["p_investor_loss_each"]
    dist_a, dist_b = a["investor_irr_distribution"], b["investor_irr_distribution"]
    assert dist_b["total_loss_share"] == dist_a["total_loss_share"]
    for name in FIGURES:
        x = getattr(kept, name)
        x = x[np.isfinite(x)]
        s = (
            b[name]
            if name != "investor_irr"
            else {k: b[f"investor_irr_{k}"] for k in ("p5", "p50", "p95", "mean")}
        )
        assert s["mean"] == pytest.approx(float(x.mean()), rel=1e-12, abs=1e-12), name
        for q in (5, 50, 95):
            assert rank_ok(x, q / 100, s[f"p{q}"], b["quantile_error"]), (name, q)
    if dist_a["without_total_losses"] is not None:
        rest = kept.investor_irr[kept.investor_irr > -1 + 1e-12]
        for q in (5, 50, 95):
            assert rank_ok(rest, q / 100, dist_b["without_total_losses"][f"p{q}"], b["quantile_error"] * 2)


def test_a_named_guarantee_is_counted_where_it_pays_and_never_beyond_its_amount():
    """Rikers has no floor but Bloomberg's guarantee: the summary says how often and how much it pays."""
    sib = compile_sib(RIKERS)
    kept = simulate_sib(sib, 40_000, seed=3, keep_draws=True)
    a, b = kept.summary(), simulate_sib(sib, 40_000, seed=3, chunk_size=7_000).summary()
    assert kept.guarantee_paid is not None
    assert kept.guarantee_paid.max() <= 7_200_000  # the amount in force is never exceeded
    assert a["p_guarantee_called"] == b["p_guarantee_called"] == float((kept.guarantee_paid > 0).mean()) > 0.2
    assert b["expected_guarantee_paid"] == pytest.approx(a["expected_guarantee_paid"], rel=1e-12)
    assert a["p_floor_used"] == 0.0  # no floor: the loss is the guarantee's
    shown = " ".join(invoke_cli("sib", str(RIKERS), "--simulate", "5000").stdout.split())
    simulation = shown[shown.index("Simulatie") :]
    assert "Kans dat de garantie betaalt" in simulation and "bodem" not in simulation
    buz = simulate_sib(compile_sib(BUZ), 5_000, seed=3).summary()
    assert buz["p_guarantee_called"] == 0.0 and buz["expected_guarantee_paid"] == 0.0


def test_a_contract_without_investors_shows_no_investor_figures():
    shown = invoke_cli(
        "sib", str(ROOT / "scenarios" / "sib" / "resultaatfinanciering-gemeente.yaml"), "--simulate", "5000"
    )
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    simulation = text[text.index("Simulatie") :]
    for word in ("IRR", "investeerders", "Terugbetaald", "totaal verlies"):
        assert word not in simulation, word


def test_rikers_without_guarantee_has_total_losses(rikers_without_guarantee):
    """The case the test above needs: a pile at -100 % that the IRR's percentiles are read around."""
    s = simulate_sib(rikers_without_guarantee, 20_000, seed=7).summary()
    assert 0 < s["investor_irr_distribution"]["total_loss_share"] < 1


def test_the_same_at_any_chunk_size_and_any_number_of_workers(buz):
    runs = [
        simulate_sib(buz, 150_000, seed=9, chunk_size=size, workers=workers).summary()
        for size, workers in ((150_000, 1), (9_999, 1), (20_000, 2))
    ]
    for other in runs[1:]:
        assert_same(runs[0], other)


def test_a_dated_contract_streams_the_same_at_any_chunk_size():
    sib = compile_sib(DWP)
    a = simulate_sib(sib, 30_000, seed=2, chunk_size=30_000).summary()
    b = simulate_sib(sib, 30_000, seed=2, chunk_size=4_321, workers=2).summary()
    assert_same(a, b)


def test_memory_does_not_grow_with_the_draws(buz):
    simulate_sib(buz, 20_000, seed=1, chunk_size=20_000)  # warm up caches outside the measure
    peaks = []
    for n in (100_000, 800_000):
        tracemalloc.start()
        simulate_sib(buz, n, seed=1, chunk_size=20_000)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.3 * peaks[0]  # eight times the draws, about the same memory


def test_kept_draws_are_refused_when_they_cannot_fit(buz):
    with pytest.raises(MkbaError) as exc:
        simulate_sib(buz, 10**13, keep_draws=True)
    assert "draws" in exc.value.message
    with pytest.raises(MkbaError):
        simulate_sib(buz, 10**12)  # streamed, but it would run for days


def test_a_dask_cluster_streams_the_same_result(buz, tmp_path):
    cluster = local_cluster(tmp_path)  # skips without dask.distributed
    from dask.distributed import Client

    here = simulate_sib(buz, 40_000, seed=4, chunk_size=10_000).summary()
    with cluster, Client(cluster) as client:
        there = simulate_sib(buz, 40_000, seed=4, chunk_size=10_000, client=client).summary()
    assert_same(here, there)


def test_a_worker_killed_mid_run_fails_the_run_with_one_message(buz):
    outcome = kill_a_worker_during(lambda: simulate_sib(buz, 3_000_000, seed=1, chunk_size=50_000, workers=2))
    assert "result" not in outcome  # never a partial result returned as whole
    assert "worker process stopped" in outcome["error"].message


def test_the_command_streams_on_workers_and_states_the_error(tmp_path):
    out = tmp_path / "out.json"
    done = invoke_cli("sib", BUZ, "--simulate", "120000", "--workers", "2", "--json", out)
    assert done.returncode == 0, done.stderr
    sim = json.loads(out.read_text(encoding="utf-8"))["simulation"]
    assert sim["streamed"] is True and sim["n"] == 120_000 and 0 <= sim["quantile_error"] <= 0.005
    assert "rangfout" in done.stdout  # the error is stated to the reader too
    alone = invoke_cli("sib", BUZ, "--simulate", "120000", "--chunk-size", "7000", "--json", out)
    assert alone.returncode == 0, alone.stderr
    assert_same(sim, json.loads(out.read_text(encoding="utf-8"))["simulation"])


def test_bad_workers_exit_2_with_one_message():
    done = invoke_cli("sib", BUZ, "--simulate", "1000", "--workers", "0")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--workers" in done.stderr and done.stdout == ""


def test_row_sums_are_numpys_sums_of_contiguous_rows():
    """The payer's present values sum period by period in the order numpy sums a row: the same bits."""
    from mkba.sib.payout import row_sums

    rng = np.random.default_rng(7)
    for n in range(1, 40):
        x = rng.normal(size=(300, n)) * 10 ** rng.uniform(-3, 6, size=(300, n))
        assert np.array_equal(row_sums(np.ascontiguousarray(x.T)), x.sum(axis=1))


@pytest.mark.parametrize("path", [BUZ, RIKERS, DWP])
def test_the_streamed_figures_are_the_schedules_own(path):
    """Schedule.figures (the waterfall's layout) gives the same bits as the schedule's properties."""
    from mkba.sib.simulation import draw_outcomes

    sib = compile_sib(path)
    levels, counts, values, theta = draw_outcomes(sib, 3, 0, 2000)
    s = sib.run(levels, counts=counts, values=values, theta=theta)
    figs = s.figures()
    with np.errstate(divide="ignore", invalid="ignore"):
        each = s.back_each_cents() / sib.invest_cents.sum(axis=1).astype(np.float64)[None]
    expected = {
        "outcome_payments": s.outcome_payments_total,
        "payer_payments": s.payer_cents.sum(axis=1) / 100.0,
        "investor_irr": s.investor_irr(),
        "investor_multiple": s.investor_multiple(),
        "investor_multiple_each": each,
        "payer_net_savings": s.payer_net_savings,
        "floor_top_up": s.guarantee_cents[:, :, s.settle].sum(axis=1) / 100.0,
    }
    for key, want in expected.items():
        assert np.array_equal(figs[key], want, equal_nan=True), key


def test_a_series_xirr_does_not_depend_on_the_other_series_beside_it():
    """Each draw's XIRR is the same bits whatever block or chunk of draws it is solved in."""
    from mkba.sib.rates import xirr_cols
    from mkba.sib.simulation import draw_outcomes

    sib = compile_sib(DWP)
    levels, counts, values, theta = draw_outcomes(sib, 5, 0, 20_000)
    s = sib.run(levels, counts=counts, values=values, theta=theta)
    got = s._layout(s.received_cents).sum(axis=0) - s.invest_cents.sum(axis=0)[:, None]
    cols = got / 100.0
    whole = xirr_cols(cols, s.times)
    parts = np.concatenate([xirr_cols(cols[:, a : a + 777], s.times) for a in range(0, cols.shape[1], 777)])
    assert np.array_equal(whole, parts, equal_nan=True)


def test_a_task_ships_the_bins_not_empty_histograms(buz, monkeypatch):
    # what goes to each worker process or Dask worker: the model, the seed, the chunks and the bins
    # the first draws set; empty histograms were 1.8 MB of zeros a task
    import pickle

    from mkba.sib import simulation

    shipped = []

    def recording(fn, tasks, **where):
        shipped.extend(tasks)
        return run_tasks(fn, tasks, **where)

    run_tasks = simulation.run_tasks
    monkeypatch.setattr(simulation, "run_tasks", recording)
    streamed = simulate_sib(buz, 200_000, seed=3, chunk_size=50_000, workers=2)
    assert len(shipped) >= 2
    model = len(pickle.dumps(buz))
    assert all(len(pickle.dumps(task)) < 3 * model for task in shipped)
    monkeypatch.undo()
    assert_same(streamed.summary(), simulate_sib(buz, 200_000, seed=3, chunk_size=50_000).summary())
