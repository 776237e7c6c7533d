"""Benchmark: a 1,000,000-draw simulation of the Buzinezzclub SIB, each draw's investor IRR included.

Compares, in the same run:
- ``mkba.sib_simulation.simulate_sib`` (vectorised over draws, chunks of 50,000, IRR by ``mkba.finance.irr``);
- a per-draw loop: the same contract computed draw by draw in plain Python (integers in cents), the
  IRR by ``pyxirr.irr``. The loop runs on the first ``--loop-draws`` draws (default 100,000) and is
  scaled to 1,000,000 (it is linear in the draws); its IRRs are checked against the vectorised ones.

Writes benchmarks/results/sib.md. Run: ``python benchmarks/bench_sib.py``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from pathlib import Path

import numpy as np
import pyxirr

from mkba.sib.model import compile_sib
from mkba.sib.payout import cap_cents, floor_cents
from mkba.sib.simulation import simulate_sib

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "tests" / "data" / "sib_buzinezzclub.yaml"


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=1_000_000)
    ap.add_argument("--loop-draws", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "sib.md")
    args = ap.parse_args()
    sib = compile_sib(SCENARIO)
    simulate_sib(sib, 10_000, seed=1)  # warm up: imports, tables
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        sim = simulate_sib(sib, args.draws, seed=args.seed)
        runs.append(time.perf_counter() - t0)
    vec = min(runs)
    t0 = time.perf_counter()
    totals, irrs = per_draw(sib, sim.levels[: args.loop_draws, 0])
    loop = time.perf_counter() - t0
    loop_full = loop * args.draws / args.loop_draws
    flows = sib.run(sim.levels[: args.loop_draws]).investor_flows().sum(axis=1)
    rows = [list(f) for f in flows]
    t0 = time.perf_counter()
    for f in rows:
        pyxirr.irr(f)
    irr_only = (time.perf_counter() - t0) * args.draws / args.loop_draws
    irr_diff = float(np.nanmax(np.abs(irrs - sim.investor_irr[: args.loop_draws])))
    pay_diff = float(np.max(np.abs(totals - sim.outcome_payments[: args.loop_draws])))
    s = sim.summary()
    text = f"""# Benchmark: Buzinezzclub SIB simulation

`python benchmarks/bench_sib.py` on {platform.processor() or platform.machine()}, {os.cpu_count()} cores,
Python {platform.python_version()}, numpy {np.__version__}. Scenario: `tests/data/sib_buzinezzclub.yaml`.

| what | draws | seconds | per draw |
|---|---:|---:|---:|
| `simulate_sib` (vectorised, chunks of 50,000, IRR of every draw by `mkba.finance.irr`) | {args.draws:,} | {vec:.2f} (best of {len(runs)}: {", ".join(f"{r:.2f}" for r in runs)}) | {vec / args.draws * 1e6:.2f} µs |
| per-draw loop, plain Python + `pyxirr.irr` | {args.loop_draws:,} measured | {loop:.2f} | {loop / args.loop_draws * 1e6:.2f} µs |
| per-draw loop, scaled to {args.draws:,} draws | {args.draws:,} | {loop_full:.1f} | |
| only `pyxirr.irr` per draw on precomputed flows (no schedule), scaled | {args.draws:,} | {irr_only:.2f} | {irr_only / args.draws * 1e6:.2f} µs |

Speed-up: **{loop_full / vec:.0f}x** against the per-draw loop; the whole vectorised simulation
(schedule and IRR) takes {vec / irr_only:.2f} of the time a loop needs for the IRRs alone (goal: at least 10x, and within 2 s). Goal within 2 s: **{"met" if vec <= 2 else "NOT met"}**.

Agreement on the first {args.loop_draws:,} draws: largest IRR difference {irr_diff:.1e}; largest
difference in total outcome payments EUR {pay_diff:.2f}.

Result (seed {args.seed}): P(investors lose money) {s["p_investor_loss"]:.1%}; P(payer pays more than it
saves) {s["p_payer_pays_more_than_saves"]:.1%}; investor IRR p5/p50/p95 {s["investor_irr_p5"]:.1%} /
{s["investor_irr_p50"]:.1%} / {s["investor_irr_p95"]:.1%}; lowest multiple {s["investor_multiple_min"]:.3f};
expected outcome payments EUR {s["expected_outcome_payments"]:,.0f}.
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
