"""Benchmark: 1,000,000 Monte Carlo draws of a 20-line, 10-year scenario.

Measures, in one run on this machine:

* ``monte_carlo(model, 1_000_000)`` (fast path, default chunk size 100,000,
  one worker; and with two), including the summary statistics of ``to_dict()``;
* the same draws with ``method="flows"`` (vectorised ``Model.evaluate`` +
  ``figures``) on 200,000 draws, scaled to 1,000,000;
* a per-draw loop of mkba's own single evaluation (``Model.evaluate`` of one
  row + ``figures(with_irr=False)``), over 2,000 draws, scaled to 1,000,000;
* peak memory of the 1,000,000-draw run (tracemalloc, in a separate run so
  that tracing does not slow the timed one) and the process's max RSS.

Run:  python benchmarks/bench_uncertainty.py  [--write benchmarks/results/uncertainty.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from mkba.engine.figures import figures
from mkba.result import evaluate
from mkba.uncertainty import montecarlo, sampling

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "tests" / "data" / "unc_bench20.yaml"
N = 1_000_000
LOOP_DRAWS = 2_000
FLOWS_DRAWS = 200_000
SEED = 20260101


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--write",
        type=Path,
        default=Path(__file__).resolve().parent / "results" / "uncertainty.md",
        help="write the results as Markdown to this file",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    model = evaluate(SCENARIO).model
    n_unc = sum(inp.uncertain for inp in model.inputs)
    load_before = os.getloadavg()
    montecarlo.monte_carlo(model, 20_000, seed=SEED)  # warm up (tables, imports)

    fast, stats_s = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        sim = montecarlo.monte_carlo(model, N, seed=SEED)
        fast.append(time.perf_counter() - t)
        t = time.perf_counter()
        summary = sim.to_dict()
        stats_s.append(time.perf_counter() - t)
    single = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        montecarlo.monte_carlo(model, N, seed=SEED, workers=2)
        single.append(time.perf_counter() - t)

    t = time.perf_counter()
    flows = montecarlo.monte_carlo(model, FLOWS_DRAWS, seed=SEED, method="flows", workers=1)
    flows_s = (time.perf_counter() - t) * N / FLOWS_DRAWS
    assert np.allclose(flows.npv, sim.npv[:FLOWS_DRAWS], rtol=1e-12, atol=1e-6)

    theta = sampling.draw_inputs(model, SEED, 0, LOOP_DRAWS)
    t = time.perf_counter()
    loop_npv = np.empty(LOOP_DRAWS)
    for i in range(LOOP_DRAWS):
        loop_npv[i] = figures(model, model.evaluate(theta[i : i + 1]), with_irr=False).npv[0]
    loop_per_draw = (time.perf_counter() - t) / LOOP_DRAWS
    assert np.allclose(loop_npv, sim.npv[:LOOP_DRAWS], rtol=1e-12, atol=1e-6)
    loop_s = loop_per_draw * N

    tracemalloc.start()
    montecarlo.monte_carlo(model, N, seed=SEED).to_dict()  # simulation and summary
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    load_after = os.getloadavg()

    best, best1 = min(fast), min(single)
    lines = [
        "# Benchmark: Monte Carlo of a 20-line, 10-year scenario",
        "",
        f"Scenario `tests/data/unc_bench20.yaml`: {len(model.lines)} lines, {len(model.years)} years, "
        f"{len(model.inputs)} inputs of which {n_unc} uncertain (triangular, pert, uniform, normal with clip, "
        f"beta; uncertain discount rate and drop-offs), {len(model.stakeholders)} stakeholders.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}; load average before/after {load_before[0]:.1f} / {load_after[0]:.1f} "
        "(other jobs share the machine).",
        "Command: `python benchmarks/bench_uncertainty.py --write benchmarks/results/uncertainty.md`",
        "",
        "| what | draws | seconds | per draw |",
        "|---|---:|---:|---:|",
        f"| `monte_carlo` (fast, chunk 100,000, 1 worker: the defaults): best of {args.repeat} "
        f"| {N:,} | **{best:.2f}** (runs: {', '.join(f'{x:.2f}' for x in fast)}) | {best / N * 1e6:.2f} µs |",
        f"| then `Simulation.to_dict()` (mean, sd, p5/p50/p95, min, max of npv, bcr, pv's, fiscal npv and "
        f"{len(model.stakeholders)} stakeholders) | {N:,} | {min(stats_s):.2f} "
        f"(runs: {', '.join(f'{x:.2f}' for x in stats_s)}) | |",
        f"| `monte_carlo` (fast, 2 workers) | {N:,} | {best1:.2f} (runs: {', '.join(f'{x:.2f}' for x in single)}) "
        f"| {best1 / N * 1e6:.2f} µs |",
        f"| `method='flows'` (vectorised `Model.evaluate` + `figures`), measured on {FLOWS_DRAWS:,} | {N:,} "
        f"| {flows_s:.1f} (scaled) | {flows_s / N * 1e6:.1f} µs |",
        f"| per-draw loop of `Model.evaluate` + `figures(with_irr=False)`, measured on {LOOP_DRAWS:,} | {N:,} "
        f"| {loop_s:.0f} (scaled) | {loop_per_draw * 1e6:.0f} µs |",
        "",
        f"Speed-up of `monte_carlo` over the per-draw loop: **{loop_s / best:.0f}x** (goal: at least 100x; "
        f"{loop_s / (best + min(stats_s)):.0f}x with the summary); "
        f"over the vectorised flows path: {flows_s / best:.1f}x.",
        f"Peak memory of the 1,000,000-draw run (tracemalloc, numpy buffers included): "
        f"**{peak / 2**20:.0f} MiB** (about 104 MiB of it the results: 13 figures x 8 bytes x 1,000,000 draws); "
        f"process max RSS {maxrss_kb / 1024:.0f} MiB, reached by the `method='flows'` run, whose "
        "`Model.evaluate` builds (draws, lines, years) arrays for 100,000-draw chunks.",
        "",
        f"Result: npv mean € {summary['npv_mean']:,.0f}, p5 € {summary['npv_p5']:,.0f}, "
        f"p95 € {summary['npv_p95']:,.0f}, P(npv < 0) = {summary['p_npv_negative']:.4%} "
        f"(point result € {summary['point_npv']:,.0f}). The loop's and the flows path's npv equal the fast "
        "path's to 1e-12 (checked in the run).",
    ]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
