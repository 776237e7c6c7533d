"""Benchmark: 1,000,000-draw simulations of SIB contracts, each draw's investor IRR (or XIRR) included.

Compares, in the same run and process, for each contract:
- ``mkba.sib.simulation.simulate_sib`` as a user runs it (streamed: summarised while the chunks of 50,000
  stream, in this process on up to two threads; IRR by ``mkba.engine.finance.irr`` for contracts on
  years, XIRR by ``mkba.sib.rates.xirr`` for contracts on dates), and on one thread (``workers=1``);
- a loop of ``pyxirr`` (``irr`` on years, ``xirr`` on dates) over the same investor flows, computed
  beforehand (so the loop does nothing but the rates): measured on ``--loop-draws`` draws, scaled to
  1,000,000 (it is linear in the draws); its rates are checked against the vectorised ones.
For the Buzinezzclub bond also a per-draw loop of the whole contract in plain Python (integers in cents),
as a check of the payout engine. Memory: the peak traced by ``tracemalloc`` at two chunk sizes and two
numbers of draws. The machine's load average is recorded before and after (a shared machine).

Writes benchmarks/results/sib.md. Run: ``python benchmarks/bench_sib.py``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pyxirr

from mkba.sib.model import compile_sib
from mkba.sib.payout import cap_cents, floor_cents
from mkba.sib.simulation import simulate_sib

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "tests" / "data" / "sib_buzinezzclub.yaml"
CONTRACTS = [  # contracts whose outcome levels are drawn (Peterborough and Utah give fixed levels)
    SCENARIO,
    ROOT / "scenarios" / "sib" / "nyc-rikers-able.yaml",
    ROOT / "scenarios" / "sib" / "dwp-innovation-fund-round1.yaml",
]


def _half_away(x: float) -> int:
    return int(math.copysign(math.floor(abs(x) * (1 + 1e-15) + 0.5), x))


def per_draw(sib, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The contract draw by draw (one outcome, rate cards only): total outcome payments and IRR."""
    c = sib.contract
    o = sib.outcomes[0]
    years = list(sib.years)
    shares = list(o.shares)
    inv = [[int(x) for x in row] for row in sib.invest_cents]
    weights = [sum(row) for row in inv]
    r = c.max_return
    cap_total = int(cap_cents(c.max_outcome_payment))
    floors = [int(floor_cents((1 - c.max_loss) * i.amount)) for i in c.investors]
    order = sib.order
    price = o.rules[0].price
    n = o.participants
    settle = years.index(c.last_payment_year)
    totals = np.empty(len(levels))
    irrs = np.empty(len(levels))
    for d, level in enumerate(levels):
        total = _half_away(price * level * n * 100)
        due, before, cum = [], 0, 0.0
        paid_years = [t for t, s in enumerate(shares) if s > 0]
        due = [0] * len(years)
        for k, t in enumerate(paid_years):
            cum += shares[t]
            upto = total if k == len(paid_years) - 1 else _half_away(total * cum)
            due[t], before = upto - before, upto
        head = [0.0] * len(inv)
        out = [0] * len(inv)
        prev = [0] * len(inv)
        got_all = [[0] * len(years) for _ in inv]
        cap_left = cap_total
        paid_total = 0
        for t in range(len(years)):
            for i in range(len(inv)):
                out[i] += inv[i][t]
                head[i] = (head[i] - prev[i]) * (1 + r) + inv[i][t]
            room = [math.floor(h) for h in head]
            pool = min(due[t], cap_left)
            pay = pool
            got = [0] * len(inv)
            for tier in sib.tiers:
                need = [min(out[i], room[i]) for i in tier]
                take = min(pool, sum(need))
                tot = sum(need)
                give = [min(math.floor(take * (nd / tot)), nd) if tot else 0 for nd in need]
                rest = take - sum(give)
                for j in range(len(tier)):
                    add = min(rest, need[j] - give[j])
                    give[j] += add
                    rest -= add
                for i, g in zip(tier, give):
                    got[i] += g
                    out[i] -= g
                pool -= take
            need = [room[i] - got[i] for i in range(len(inv))]
            take = min(pool, sum(need))
            give = [min(math.floor(take * (w / sum(weights))), nd) for w, nd in zip(weights, need)]
            rest = take - sum(give)
            for j in order:
                add = min(rest, need[j] - give[j])
                give[j] += add
                rest -= add
            got = [g + x for g, x in zip(got, give)]
            pool -= take
            paid = pay - pool
            cap_left -= paid
            paid_total += paid
            for i in range(len(inv)):
                got_all[i][t] = got[i]
            prev = got
        flows = [
            -sum(inv[i][t] for i in range(len(inv))) + sum(g[t] for g in got_all) for t in range(len(years))
        ]
        for i in range(len(inv)):
            flows[settle] += max(floors[i] - sum(got_all[i]), 0)
        totals[d] = paid_total / 100
        irrs[d] = pyxirr.irr([f / 100 for f in flows])
    return totals, irrs


def _pyxirr_loop(sib, levels: np.ndarray, as_lists: bool = True) -> tuple[float, np.ndarray]:
    """Seconds a loop of pyxirr takes over the investors' flows at ``levels``, and its rates.

    The flows are given to pyxirr as Python lists (``as_lists``, converted beforehand: the fastest a loop
    can be) or as the numpy rows they come in.
    """
    s = sib.run(levels)
    flows = (s.combined_cents() - s.invest_cents.sum(axis=0)[None]) / 100.0
    rows = [list(f) for f in flows] if as_lists else list(flows)
    out = np.empty(len(rows))
    dates = sib.cols.dates
    t0 = time.perf_counter()
    if sib.cols.dated:
        for d, f in enumerate(rows):
            out[d] = pyxirr.xirr(dates, f) or np.nan
    else:
        for d, f in enumerate(rows):
            out[d] = pyxirr.irr(f) or np.nan
    return time.perf_counter() - t0, out


def _peak_mb(sib, n: int, chunk: int) -> float:
    """Peak memory traced while simulating ``n`` draws (streamed, one thread) in chunks of ``chunk``, MB."""
    tracemalloc.start()
    simulate_sib(sib, n, seed=1, chunk_size=chunk, workers=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def _best(runs: int, fn) -> list[float]:
    """Wall times of ``runs`` calls of ``fn``."""
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _phases(sib, draws: int, seed: int, chunk: int = 50_000) -> dict[str, float]:
    """CPU seconds of the parts of one streamed simulation on one thread: where the time goes."""
    from mkba.sib.simulation import draw_outcomes

    spent = dict.fromkeys(("draws", "payout engine", "rates"), 0.0)
    for start in range(0, draws, chunk):
        t0 = time.process_time()
        levels, counts, values, theta = draw_outcomes(sib, seed, start, min(start + chunk, draws))
        t1 = time.process_time()
        s = sib.run(levels, counts=counts, values=values, theta=theta)
        t2 = time.process_time()
        s.investor_irr()
        t3 = time.process_time()
        spent["draws"] += t1 - t0
        spent["payout engine"] += t2 - t1
        spent["rates"] += t3 - t2
    t0 = time.process_time()
    simulate_sib(sib, draws, seed=seed, workers=1)
    spent["whole run"] = time.process_time() - t0
    spent["other figures and the streamed summaries"] = spent["whole run"] - sum(
        spent[k] for k in ("draws", "payout engine", "rates")
    )
    return spent


#: CPU seconds per part before the work on issue 13, item 6 (commit e07053c, this machine, ``_phases``,
#: 1,000,000 draws on one thread, load average 0.7): draws, payout engine, rates, whole run, the rest.
BEFORE = {
    "sib_buzinezzclub.yaml": (0.042, 0.259, 0.084, 0.735, 0.350),
    "nyc-rikers-able.yaml": (0.029, 0.126, 0.094, 0.511, 0.262),
    "dwp-innovation-fund-round1.yaml": (0.110, 0.336, 0.185, 0.994, 0.363),
}


def _one(path: Path, draws: int, loop_draws: int, seed: int) -> dict:
    """simulate_sib (streamed, as a user runs it) against the pyxirr loop for one contract."""
    sib = compile_sib(path)
    simulate_sib(sib, min(draws, 100_000), seed=1)  # warm up: imports, tables
    runs = _best(3, lambda: simulate_sib(sib, draws, seed=seed))
    one_thread = _best(2, lambda: simulate_sib(sib, draws, seed=seed, workers=1))
    kept = simulate_sib(sib, loop_draws, seed=seed, keep_draws=True)  # the same draws, each kept
    loop, rates = _pyxirr_loop(sib, kept.levels)
    loop_np, _ = _pyxirr_loop(sib, kept.levels, as_lists=False)
    mine = kept.investor_irr
    both = np.isfinite(rates) & np.isfinite(mine) & (mine > -1)
    return {
        "name": path.name,
        "dated": sib.cols.dated,
        "columns": len(sib.cols.labels),
        "runs": runs,
        "vec": min(runs),
        "one": min(one_thread),
        "loop": loop * draws / loop_draws,
        "loop_np": loop_np * draws / loop_draws,
        "diff": float(np.max(np.abs(rates[both] - mine[both]))) if both.any() else float("nan"),
        "phases": _phases(sib, draws, seed),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=1_000_000)
    ap.add_argument("--loop-draws", type=int, default=200_000)
    ap.add_argument("--check-draws", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "sib.md")
    args = ap.parse_args()
    load_before = os.getloadavg()
    results = [_one(p, args.draws, args.loop_draws, args.seed) for p in CONTRACTS]
    load_after = os.getloadavg()
    buz = compile_sib(SCENARIO)
    sim = simulate_sib(buz, args.check_draws, seed=args.seed, keep_draws=True)
    t0 = time.perf_counter()
    totals, irrs = per_draw(buz, sim.levels[: args.check_draws, 0])
    check = time.perf_counter() - t0
    irr_diff = float(np.nanmax(np.abs(irrs - sim.investor_irr[: args.check_draws])))
    pay_diff = float(np.max(np.abs(totals - sim.outcome_payments[: args.check_draws])))
    peaks = {chunk: _peak_mb(buz, args.draws, chunk) for chunk in (50_000, 200_000)}
    peak_quarter = _peak_mb(buz, args.draws // 4, 50_000)
    rows = "\n".join(
        f"| `{r['name']}` | {'XIRR on ' + str(r['columns']) + ' dates' if r['dated'] else 'IRR on ' + str(r['columns']) + ' years'} "
        f"| {r['vec']:.2f} ({', '.join(f'{x:.2f}' for x in r['runs'])}) | {r['one']:.2f} "
        f"| {r['loop']:.2f} | **{r['loop'] / r['vec']:.1f}x** ({r['loop'] / r['one']:.1f}x) "
        f"| {r['loop_np']:.2f} | **{r['loop_np'] / r['vec']:.1f}x** | {r['diff']:.1e} |"
        for r in results
    )
    phases = "\n".join(
        f"| `{r['name']}` | "
        + " | ".join(
            f"{b:.2f} → {v:.2f}" for b, v in zip(BEFORE.get(r["name"], (math.nan,) * 5), r["phases"].values())
        )
        + " |"
        for r in results
    )
    met = [r["name"] for r in results if r["loop"] / r["vec"] >= 5]
    met_np = [r["name"] for r in results if r["loop_np"] / r["vec"] >= 5]
    short = [r for r in results if r["loop"] / r["vec"] < 5]
    missing = (
        " Missed for "
        + "; ".join(
            f"`{r['name']}` ({r['vec']:.2f} s; 5x needs {r['loop'] / 5:.2f} s, {r['vec'] / (r['loop'] / 5):.1f} "
            f"times faster; {r['phases']['whole run']:.2f} s of CPU on one thread)"
            for r in short
        )
        + "."
        if short
        else ""
    )
    s = simulate_sib(buz, args.draws, seed=args.seed).summary()
    text = f"""# Benchmark: SIB simulations, 1,000,000 draws

`python benchmarks/bench_sib.py` on {platform.processor() or platform.machine()}, {os.cpu_count()} cores,
Python {platform.python_version()}, numpy {np.__version__}, pyxirr {pyxirr.__version__}. Timings are wall
time in one process on a shared machine: load average {load_before[0]:.1f} before and {load_after[0]:.1f}
after the timings (on {os.cpu_count()} cores; above about 1 other work ran beside it, and the times, all
of them, are slower than on a quiet machine: compare within a row).

| contract | rate | `simulate_sib`, s (best of 3: runs) | the same on one thread, s | `pyxirr` loop over the flows as lists, s | speed-up (one thread) | `pyxirr` loop over numpy rows, s | speed-up | largest rate difference |
|---|---|---:|---:|---:|---:|---:|---:|---:|
{rows}

`simulate_sib` computes everything (draws, rules, waterfall, floors and guarantees, the payer's savings,
the IRR or XIRR of every draw, and the streamed summaries: exact means and probabilities, percentiles
with their rank error) as `mkba sib --simulate` runs it: in this process, on up to two threads; the
column "one thread" is `workers=1`. The loops only compute the rates, from flows computed beforehand
(measured on {args.loop_draws:,} draws and scaled): once with the flows converted to Python lists first
(the fastest a loop can be), once over the numpy rows as they come. Goal: at least 5x against the loop.
Met against the list loop for: {", ".join(met) if met else "none"}; against the numpy-row loop for:
{", ".join(met_np) if met_np else "none"}.{missing}

Where the time goes (CPU seconds for {args.draws:,} draws on one thread, chunks of 50,000, `time.process_time`),
before → after the work on issue 13, item 6 (before: commit e07053c on this machine, load average 0.7):

| contract | draws | payout engine (rules, waterfall, floors, savings) | rates (IRR or XIRR) | whole run | other figures and the streamed summaries |
|---|---:|---:|---:|---:|---:|
{phases}

What changed: the figures of a draw (multiples, payer's present values, floor top-ups) and the payer's
avoided costs are computed one period a row, as the waterfall lays its money out (numpy's sums along a
short axis of (draws, periods) cost ten times a row-by-row sum; the sums keep numpy's order, so the
money and the savings are the same bits as before); the scenario's lines at their point values are evaluated once, not per chunk;
periods with nothing due are skipped; the split among investors uses shares known beforehand, in place;
the sketches take a chunk in place (one count of leaf, equal-to-smallest and equal-to-largest instead of
three; no copy of the chunk); the payer's payments are summarised once when they are the outcome
payments; the XIRR works on blocks of 8,192 draws (its arrays stay in the cache), with its first guess
summed date by date instead of a matrix product, and a draw leaves the Halley iteration at the step
that settles it (its rate is now the same bits in any block or chunk; rates move by at most 3e-15 from
before, and the means of figures with piles by rounding, as the sketch now sums a chunk in its own order).

What is left, per draw: about 60-70 numpy operations of the payout engine per period paid, the rate
(Newton or Halley steps over every period, a few times), and per figure one histogram with the smallest
and largest draw of each bin (two `ufunc.at` passes, two gathers and a count: about 0.5 ms per 50,000
draws and figure, twice that for a figure with piles, whose finer bins need the chunk's draws in them
sorted). Each operation is a pass over the chunk; the `pyxirr` loop is one compiled pass per draw. The
second thread adds 1.2-1.3x, not 2x: `ufunc.at`, `bincount`, gathers and the Python between operations
hold the GIL, and on a shared machine the second core is not always free. No part is left that numpy
could make several times faster: the rest of the way to 5x for the contracts that miss it is the
payout engine and the sketches as compiled loops (one pass per draw, as the per-draw reference below
but compiled), or worker processes on a machine with more free cores.

Memory (Buzinezzclub, streamed on one thread, `tracemalloc` peak): {args.draws:,} draws in chunks of
50,000: {peaks[50_000]:.0f} MB; in chunks of 200,000: {peaks[200_000]:.0f} MB; {args.draws // 4:,} draws
in chunks of 50,000: {peak_quarter:.0f} MB. Memory grows with the chunk size (one chunk's arrays), not
with the number of draws; the summaries take a few MB.

Check of the payout engine: a per-draw loop of the Buzinezzclub contract in plain Python (integers in
cents, `pyxirr.irr`) on {args.check_draws:,} draws ({check:.1f} s): largest IRR difference {irr_diff:.1e};
largest difference in total outcome payments EUR {pay_diff:.2f}.

Buzinezzclub result (seed {args.seed}): P(investors lose money) {s["p_investor_loss"]:.1%}; P(payer pays
more than it saves) {s["p_payer_pays_more_than_saves"]:.1%}; investor IRR p5/p50/p95
{s["investor_irr_p5"]:.1%} / {s["investor_irr_p50"]:.1%} / {s["investor_irr_p95"]:.1%}; lowest multiple
{s["investor_multiple_min"]:.3f}; expected outcome payments EUR {s["expected_outcome_payments"]:,.0f};
rank error of the percentiles (`quantile_error`) {s["quantile_error"]:.5f}.
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
