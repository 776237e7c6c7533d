"""Benchmark: portfolio scale (issue 16), each against the peer a user would pick, in one run.

1. Monte Carlo evaluation against a plain numpy multiply-add of the same present values: both get
   the same drawn inputs (a ``(inputs, draws)`` array) of the Frontlijnteam scenario and compute the
   same 8 rows per draw (``pv_costs``, ``pv_benefits``, ``npv``, ``fiscal_npv``,
   ``volunteer_value_pv`` and the ``npv`` of each of the 3 stakeholders). The peer knows each line's
   discounted timing and postings (everything certain folded into one coefficient per row), forms
   each uncertain line's product of drawn factors (price x attribution) and does one matmul
   ``coefficients @ features`` (the memory-bandwidth bound); mkba runs its fast path
   (``_PresentValues.figures``). Timed in turns, so that the shared machine's load falls on both.
2. Streamed simulations of 10,000,000 and (``--big``) 100,000,000 draws in bounded memory, each in a
   fresh process, with 1 and 2 worker processes: time, peak traced memory, peak RSS, the mean and the
   stated quantile error.
3. Price-list loading: ``mkba.load_pricelist`` of a generated 10,000-item list against PyYAML's C
   loader (``yaml.CSafeLoader``) plus pydantic validation of the same items.
4. A batch of 10,000 variants (``mkba.evaluate_many``) against a loop of single evaluations
   (``scenario.with_changes`` + ``mkba.evaluate`` per variant, measured on 300 and scaled).
5. Dask ``LocalCluster`` with 1 and 2 worker processes on the same batch (scaling efficiency).

Run: ``python benchmarks/bench_scale.py [--big]``; results go to ``benchmarks/results/scale.md``.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pydantic
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from timing import median_seconds  # noqa: E402

import mkba  # noqa: E402
from mkba.pricelist.items import PriceItem  # noqa: E402
from mkba.uncertainty.montecarlo import _PresentValues, monte_carlo  # noqa: E402

SCENARIO = ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml"
#: The environment before any Dask nanny sets its worker variables in this process's ``os.environ``
#: (``distributed.nanny.pre-spawn-environ``): the streamed runs start from it, as a user's would.
CLEAN_ENV = dict(os.environ)
PEER_ROWS = ("pv_costs", "pv_benefits", "npv", "fiscal_npv", "volunteer_value_pv")
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"


def interleaved_medians(
    ours: Callable[[], object], peer: Callable[[], object], runs: int
) -> tuple[float, float]:
    """Median seconds of each, timed in turns (ours, peer, ours, ...) after a warm-up of both, so that
    a change of load on the shared machine falls on both alike."""
    ours(), peer()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, into in ((ours, times[0]), (peer, times[1])):
            began = time.perf_counter()
            action()
            into.append(time.perf_counter() - began)
    return statistics.median(times[0]), statistics.median(times[1])


def peer_coefficients(model: mkba.Model, row: dict[int, int]) -> tuple[list, np.ndarray, np.ndarray]:
    """What the peer precomputes, by hand from the model: each line's drawn factors, and the
    coefficient of each line's product of them (everything certain folded in) in each output row.

    Output rows, as mkba returns them: ``pv_costs``, ``pv_benefits``, ``npv``, ``fiscal_npv``,
    ``volunteer_value_pv``, then ``npv`` per stakeholder (euro).
    """
    rate = float(model.base[model.discount_col])
    assert model.discount_col not in row, "the peer assumes a certain discount rate"
    df = (1.0 + rate) ** -(model.years - model.base_year).astype(float)
    K = len(model.stakeholders)
    products: list[list[tuple[int, bool]]] = []  # per line with drawn factors: (draw row, 1 - x?)
    coefficients = []  # per such line: its weight in each of the 5 + K rows
    intercept = np.zeros(5 + K)
    for line in model.lines:
        assert line.cohort is None, "the peer assumes fixed yearly timings"
        timing = line.pattern.astype(float)
        if line.decay is not None:  # a fixed pattern with a certain drop-off from its first year
            col, first = line.decay
            assert col not in row, "the peer assumes a certain drop-off"
            steps = np.maximum(np.arange(len(timing)) - first, 0)
            timing = timing * (1.0 - model.base[col]) ** steps
        weight = line.constant * float(timing @ df)
        factors = []
        for j, kind in line.factors:
            if j in row:
                factors.append((row[j], kind != 0))
            else:
                weight *= (1.0 - model.base[j]) if kind != 0 else model.base[j]
        into = np.zeros(5 + K)
        for stakeholder, sign, transfer in line.postings:
            k = model.stakeholders.index(stakeholder)
            into[5 + k] += sign
            if model.public[k]:
                into[3] += sign
            if not transfer:
                into[1 if sign > 0 else 0] += abs(sign)
                into[2] += sign
        if line.group == "volunteer":
            into[4] += 1.0
        if factors:
            products.append(factors)
            coefficients.append(weight * into)
        else:
            intercept += weight * into
    return products, np.array(coefficients).T, intercept


def bench_evaluation(draws: int) -> list[str]:
    """mkba's evaluation of drawn inputs against a plain numpy multiply-add computing the same rows."""
    model = mkba.evaluate(SCENARIO).model
    fast = _PresentValues(model)
    x = fast.draws(7, 0, draws)  # (uncertain inputs, draws): the same drawn numbers for both
    products, coefficients, intercept = peer_coefficients(model, {j: k for k, j in enumerate(fast.cols)})

    with_intercept = np.column_stack([coefficients, intercept])  # the last feature is the constant 1

    def peer() -> np.ndarray:
        features = np.empty((len(products) + 1, draws))  # each uncertain line's product of drawn factors
        for t, factors in enumerate(products):
            (k, one_minus), *rest = factors
            np.subtract(1.0, x[k], out=features[t]) if one_minus else np.copyto(features[t], x[k])
            for k, one_minus in rest:
                features[t] *= (1.0 - x[k]) if one_minus else x[k]
        features[-1] = 1.0
        return with_intercept @ features  # (5 + K, draws): every figure, every stakeholder, one matmul

    ours = fast.figures(x)
    theirs = peer()
    mine = np.vstack([ours[name] for name in PEER_ROWS[:5]] + [ours["stakeholder_npv"]])
    assert np.allclose(theirs, mine, rtol=1e-9, atol=1e-3), "the peer and mkba disagree"
    t_ours, t_peer = interleaved_medians(lambda: fast.figures(x), peer, 21)
    t_draws = median_seconds(lambda: fast.draws(7, 0, draws), 3)
    rows_out = len(theirs)
    return [
        f"| evaluate {draws:,} drawn input rows ({x.shape[0]} drawn inputs): mkba `_PresentValues.figures` "
        f"({rows_out} rows: {', '.join(PEER_ROWS[:5])}, npv of {len(model.stakeholders)} stakeholders) "
        f"| {t_ours:.4f} | {t_ours / t_peer:.2f}x the peer's time |",
        f"| peer: the products of drawn factors of the {len(products)} uncertain lines, and a row of ones, "
        f"then one matmul `coefficients @ features` into the same {rows_out} rows | {t_peer:.4f} | 1.00x |",
        f"| for scale, not in either time: drawing those {draws:,} input rows (`_PresentValues.draws`: "
        f"Philox uniforms, quantile functions) | {t_draws:.4f} | |",
    ]


def peak_rss_mib() -> float:
    """This process's own peak resident memory (``VmHWM``), MiB.

    Not ``getrusage``: on Linux its ``ru_maxrss`` survives ``exec``, so a process started from a
    large one reports the larger one's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """Processor time of this process and of its finished children (worker processes), seconds."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def stream_once(n: int, workers: int) -> dict:
    """One streamed simulation in this (fresh) process: time, peak memory, and what it found."""
    model = mkba.evaluate(SCENARIO).model
    monte_carlo(model, 10_000, seed=1, keep_draws=False)  # warm up: tables, imports
    tracemalloc.start()
    began, cpu = time.perf_counter(), cpu_seconds()
    sim = monte_carlo(model, n, seed=1, keep_draws=False, chunk_size=250_000, workers=workers)
    seconds, cpu = time.perf_counter() - began, cpu_seconds() - cpu
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    d = sim.to_dict()
    return {
        "n": n,
        "workers": workers,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "traced_mib": traced / 2**20,
        "rss_mib": peak_rss_mib(),
        "worker_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "quantile_error": d["quantile_error"],
        "mean": d["npv_mean"],
        "sd": d["npv_sd"],
        "p5": d["npv_p5"],
        "p95": d["npv_p95"],
        "p_negative": d["p_npv_negative"],
    }


def bench_stream(runs: list[tuple[int, int]]) -> tuple[list[str], list[dict]]:
    """Each (draws, workers) streamed in a fresh process, so that its max RSS is its own."""
    rows, found = [], []
    for n, workers in runs:
        done = subprocess.run(
            [sys.executable, __file__, "--stream-once", str(n), str(workers)],
            check=True,
            capture_output=True,
            text=True,
            env=CLEAN_ENV,
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        found.append(r)
        workers_rss = (
            f"; each worker process at most {r['worker_rss_mib']:.0f} MiB (forked: counts pages shared with it)"
            if workers > 1
            else ""
        )
        rows.append(
            f"| streamed Monte Carlo, {n:,} draws, {workers} worker process(es), chunks of 250,000 "
            f"| {r['seconds']:.1f} | {r['cpu_seconds']:.1f} s of processor time; peak {r['traced_mib']:.1f} MiB traced (tracemalloc, this process), "
            f"peak RSS {r['rss_mib']:.0f} MiB{workers_rss}; npv mean {r['mean']:,.2f}, sd {r['sd']:,.2f}, "
            f"p5 {r['p5']:,.0f}, p95 {r['p95']:,.0f}, P(npv < 0) {r['p_negative']:.6f}, "
            f"quantile_error {r['quantile_error']:.5f} |"
        )
    return rows, found


def bench_pricelist(items: int) -> list[str]:
    base = yaml.safe_load(
        (ROOT / "pricelists" / "nl-sociaal-domein" / "2024.1.yaml").read_text(encoding="utf-8")
    )
    template = base["items"]
    generated = []
    for i in range(items):
        item = copy.deepcopy(template[i % len(template)])  # no shared objects: no YAML aliases
        item["id"] = f"{item['id']}-{i}"
        generated.append(item)
    data = {**base, "name": "groot", "version": "1.0", "items": generated}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "groot" / "1.0.yaml"
        path.parent.mkdir()
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        adapter = pydantic.TypeAdapter(list[PriceItem])

        def peer() -> None:
            loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
            adapter.validate_python(loaded["items"])

        t_ours = median_seconds(lambda: mkba.load_pricelist(path), 5)
        t_peer = median_seconds(peer, 5)
    return [
        f"| load and validate a {items:,}-item price list: `mkba.load_pricelist` | {t_ours:.3f} | {t_ours / t_peer:.2f}x |",
        f"| peer: `yaml.load(CSafeLoader)` + pydantic `TypeAdapter(list[PriceItem])` | {t_peer:.3f} | 1.00x |",
    ]


def changes(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame(
        {
            "id": [f"gemeente-{i}" for i in range(n)],
            "participants.2025": rng.integers(5, 200, n).astype(float),
            "costs.coordinator.amount": rng.uniform(20_000, 60_000, n),
            "effects.minder-huisartsbezoek.success": rng.uniform(0.1, 0.9, n),
        }
    )


def bench_batch(n: int, loop_n: int) -> tuple[list[str], float]:
    table = changes(n)
    t_batch = median_seconds(lambda: mkba.evaluate_many(TUTORIAL, table), 3)
    base = mkba.load_scenario(TUTORIAL)
    sample = changes(loop_n).to_dict("records")

    def loop() -> None:
        for row in sample:
            mkba.evaluate(base.with_changes(set={k: v for k, v in row.items() if k != "id"})).summary()

    t_loop = median_seconds(loop, 1) * n / loop_n
    return [
        f"| `evaluate_many`, {n:,} variants (every figure, every stakeholder) | {t_batch:.2f} | {t_loop / t_batch:.0f}x faster |",
        f"| peer: loop of `with_changes` + `mkba.evaluate`, measured on {loop_n}, scaled | {t_loop:.1f} | 1x |",
    ], t_batch


def bench_dask(n: int) -> list[str]:
    from dask.distributed import Client, LocalCluster

    table = changes(n)
    seconds = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                local_directory=tmp,
            )
            with cluster, Client(cluster) as client:
                mkba.evaluate_many(TUTORIAL, table.head(2_000), client=client)  # warm the workers
                seconds[workers] = median_seconds(
                    lambda c=client: mkba.evaluate_many(TUTORIAL, table, client=c), 3
                )
    efficiency = seconds[1] / (2 * seconds[2])
    return [
        f"| Dask LocalCluster, 1 worker, {n:,} variants | {seconds[1]:.2f} | |",
        f"| Dask LocalCluster, 2 workers, {n:,} variants | {seconds[2]:.2f} | scaling efficiency {efficiency:.0%} |",
    ]


def bench_dask_stream(n: int) -> list[str]:
    """A streamed simulation on a 2-worker Dask LocalCluster: as Dask starts its workers, and without
    the allocator setting it gives them (``MALLOC_TRIM_THRESHOLD_=65536``)."""
    import dask
    from dask.distributed import Client, LocalCluster

    model = mkba.evaluate(SCENARIO).model
    rows = []
    for label, trim in (
        ("`MALLOC_TRIM_THRESHOLD_` unset", None),
        ("Dask's default `MALLOC_TRIM_THRESHOLD_=65536`", 65536),
    ):
        if trim is None:  # an earlier nanny of this process left it in os.environ, which workers inherit
            os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        setting = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": trim}
        with dask.config.set(setting), tempfile.TemporaryDirectory() as tmp:
            cluster = LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, local_directory=tmp
            )
            with cluster, Client(cluster) as client:
                monte_carlo(model, 500_000, seed=1, chunk_size=250_000, client=client)  # warm the workers
                began = time.perf_counter()
                sim = monte_carlo(model, n, seed=1, chunk_size=250_000, client=client)
                seconds = time.perf_counter() - began
        rows.append(
            f"| streamed Monte Carlo on a Dask LocalCluster, 2 workers, {n:,} draws, {label} | {seconds:.1f} "
            f"| npv mean {sim.to_dict()['npv_mean']:,.2f} |"
        )
    return rows


NOTES = [
    "What each row compares:",
    "",
    "- **Evaluation of drawn inputs.** Both get the same `(5, 1,000,000)` float64 array of drawn inputs of "
    "`scenarios/frontlijnteam-leeuwarden.yaml` (the PERT prices and uniform attributions of the OTS and "
    "eviction lines, the attribution of the heavy-team line) and return the same `(8, 1,000,000)` figures: "
    "`pv_costs`, `pv_benefits`, `npv`, `fiscal_npv`, `volunteer_value_pv` and the `npv` of gemeente, "
    "provincie and woningcorporatie (euro of 2012), checked equal to 1e-9 relative in the run. The peer forms the "
    "features `[price x attribution (OTS), price x attribution (evictions), attribution (heavy team), 1]` "
    "and does one numpy matmul `coefficients (8 x 4) @ features (4 x D)` (OpenBLAS); its coefficients "
    "(each line's constant, certain factors, discounted timing and postings) are computed by the "
    "benchmark's own code from the model. mkba (`_PresentValues.figures`) forms the same products and "
    "does one multiply-add per figure with coefficients folded when the simulation starts, element by "
    "element in a fixed order in blocks of 16,384 draws (no BLAS, so that a draw's figures are the same "
    "bits at any chunk size). Both read the 40 MB of draws and write the 64 MB of figures; the "
    "ratio is of medians of runs taken in turns.",
    "- **Streamed runs.** `monte_carlo(model, N, keep_draws=False, chunk_size=250_000, workers=W)` of the "
    "same scenario, each in a fresh process started from the environment before any Dask nanny ran here; "
    "the time includes drawing the inputs (most of it), evaluating them and summarising 6 figures and the npv of 3 "
    "stakeholders (exact mean and sd, histograms for quantiles). *Traced* is tracemalloc's peak in that "
    "process (numpy buffers included; with 2 workers the chunks are evaluated in the workers); *peak RSS* "
    "is its `VmHWM`. The same peaks at 10,000,000 and 100,000,000 draws: memory does not grow with N "
    "(`tests/test_streaming.py` checks it at 200,000 and 1,600,000). 1 and 2 workers give the same mean, "
    "sd, quantiles and `quantile_error`.",
    "- **Dask and the allocator.** Dask's nanny starts its workers with `MALLOC_TRIM_THRESHOLD_=65536` "
    "(`distributed.nanny.pre-spawn-environ`); glibc then maps every large array afresh, and a streamed "
    "simulation's chunks run about three times slower. The two LocalCluster rows differ only in that "
    "setting (docs/scale.md says how to unset it).",
    "",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also stream 100,000,000 draws (a minute or two)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "scale.md")
    parser.add_argument(
        "--stream-once", nargs=2, type=int, metavar=("DRAWS", "WORKERS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.stream_once:
        print(json.dumps(stream_once(*args.stream_once)))
        return
    load = os.getloadavg()
    began = time.perf_counter()
    rows = ["| what | seconds | against the peer |", "|---|---:|---|"]
    rows += bench_evaluation(1_000_000)
    rows += bench_pricelist(10_000)
    batch_rows, _ = bench_batch(10_000, 300)
    rows += batch_rows
    rows += bench_dask(50_000)
    rows += bench_dask_stream(10_000_000)
    rss = peak_rss_mib()
    runs = [(10_000_000, 1), (10_000_000, 2)]
    if args.big:
        runs += [(100_000_000, 1), (100_000_000, 2)]
    stream_rows, _ = bench_stream(runs)
    rows += stream_rows
    after = os.getloadavg()
    text = "\n".join(
        [
            "# Benchmark: portfolio scale",
            "",
            f"`python benchmarks/bench_scale.py{' --big' if args.big else ''}`; "
            f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}; "
            f"load average (1, 5, 15 min) at start {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}, at the end "
            f"{after[0]:.2f}, {after[1]:.2f}, {after[2]:.2f} (other engineers share the machine); "
            f"{time.perf_counter() - began:.0f} s in all. Medians of 3-5 runs after a warm-up (21 interleaved runs for the evaluation row). Peak RSS of the "
            f"benchmark process before the streamed runs: {rss:.0f} MiB; each streamed run is a fresh process.",
            "",
            *rows,
            "",
            *NOTES,
        ]
    )
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
