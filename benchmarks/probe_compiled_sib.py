"""Probe: would compiled (numba) kernels bring ``simulate_sib`` to 5x the pyxirr loop? (issue 13, item 6)

Not a benchmark of shipped code: numba is not a dependency of mkba. This script answers, with a
measurement, the question a decision on compiled kernels needs. It compiles with numba the two generic
parts of a streamed SIB simulation that a compiler could take over without a second copy of the payout
engine: the rate of every draw (IRR by Newton on the polynomial in ``1 / (1 + r)``, as
:func:`mkba.engine.finance.irr`; XIRR by Halley's method on ``ln(1 + r)``, as :func:`mkba.sib.rates.xirr`)
and the streamed summary (:meth:`mkba.sib.summary.Sketch.add`: each draw's leaf, and per leaf its count,
smallest and largest draw and how many equal them). For each contract of ``bench_sib.py`` it measures, in
the same run, on chunks of 50,000 draws:

- the numpy kernel and the numba kernel (after compilation; the compilation itself timed apart),
  and checks that they agree (rates to 1e-12, the sketch's leaves exactly);
- ``simulate_sib`` on 1,000,000 draws on one thread, and the pyxirr loop over the same flows (as lists,
  on ``--loop-draws`` draws, scaled), as ``bench_sib.py`` does;

and projects the whole run with both kernels compiled: the one-thread time minus what the compiled
kernels save on 20 chunks. Writes ``benchmarks/results/sib-compiled-probe.md``.

Run (numba in the same environment): ``pip install numba && python benchmarks/probe_compiled_sib.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numba
import numpy as np
from bench_sib import CONTRACTS, ROOT, _pyxirr_loop

from mkba.engine import finance
from mkba.sib.model import compile_sib
from mkba.sib.rates import xirr_cols
from mkba.sib.simulation import _STREAMED, draw_outcomes, simulate_sib
from mkba.sib.summary import Sketch

CHUNK = 50_000


@numba.njit(nogil=True)
def _irr_kernel(cols: np.ndarray, tol: float) -> np.ndarray:  # pragma: no cover - compiled
    """IRR of each column of ``cols`` (P, D): Newton on ``sum_t c_t x ** t`` from the lump estimate."""
    P, D = cols.shape
    out = np.empty(D)
    for d in range(D):
        f0 = 0
        while f0 < P and cols[f0, d] == 0.0:
            f0 += 1
        if f0 >= P - 1:
            out[d] = np.nan
            continue
        sign = 1.0 if cols[f0, d] > 0 else -1.0
        a = at = b = bt = 0.0
        for t in range(f0, P):
            c = cols[t, d] * sign
            if c > 0:
                a += c
                at += c * (t - f0)
            else:
                b -= c
                bt -= c * (t - f0)
        if a <= 0 or b <= 0:
            out[d] = np.nan
            continue
        x = (a / b) ** (1.0 / (bt / b - at / a))
        if not (x > 0 and np.isfinite(x)):
            x = 1.0
        settled = False
        for _ in range(50):
            value = cols[P - 1, d] * sign
            slope = value
            for j in range(P - 2, f0, -1):
                value = value * x + cols[j, d] * sign
                slope = slope * x + value
            value = value * x + cols[f0, d] * sign
            step = value / slope
            x -= step
            if abs(step) <= x * tol:
                settled = True
                break
        out[d] = 1.0 / x - 1.0 if settled else np.nan
    return out


@numba.njit(nogil=True)
def _xirr_kernel(cols: np.ndarray, tau: np.ndarray, tol: float) -> np.ndarray:  # pragma: no cover
    """XIRR of each column of ``cols`` (P, D) at years ``tau``: Halley on ``ln(1 + r)``."""
    P, D = cols.shape
    out = np.empty(D)
    for d in range(D):
        sp = sn = tp = tn = scale = 0.0
        for k in range(P):
            f = cols[k, d]
            scale = max(scale, abs(f))
            if f > 0:
                sp += f
                tp += f * tau[k]
            else:
                sn -= f
                tn -= f * tau[k]
        if sp == 0 or sn == 0:
            out[d] = np.nan
            continue
        span = tp / sp - tn / sn
        x = np.log(sp / sn) / span if abs(span) > 1e-9 else np.log1p(0.1)
        for _ in range(8):
            g = g1 = g2 = 0.0
            for k in range(P):
                f = cols[k, d] / scale
                if f != 0.0:
                    e = f * np.exp(-x * tau[k])
                    g += e
                    e *= tau[k]
                    g1 -= e
                    e *= tau[k]
                    g2 += e
            step = g * g1 / (g1 * g1 - 0.5 * g * g2)
            x -= step
            if abs(step) < tol:
                break
        out[d] = np.expm1(x)
    return out


@numba.njit(nogil=True)
def _sketch_kernel(x, lo, per_unit, bins, fine, first, edges, offsets, counts, low, high, at_low, at_high):  # type: ignore[no-untyped-def]  # pragma: no cover
    """:meth:`Sketch.add`'s leaves in one pass: each draw's leaf, then count, extremes and ties in place."""
    for i in range(x.size):
        xi = x[i]
        scaled = min(max((xi - lo) * per_unit, -1.0), float(bins))
        k = int(np.floor(scaled)) + 1
        leaf = first[k]
        if fine[k]:
            leaf += np.searchsorted(edges[offsets[k] : offsets[k + 1]], xi, side="right")
        counts[leaf] += 1
        if xi < low[leaf]:
            low[leaf], at_low[leaf] = xi, 1
        elif xi == low[leaf]:
            at_low[leaf] += 1
        if xi > high[leaf]:
            high[leaf], at_high[leaf] = xi, 1
        elif xi == high[leaf]:
            at_high[leaf] += 1


def _sketch_compiled(sketch: Sketch):  # type: ignore[no-untyped-def]
    """A function that adds a chunk to a fresh sketch of ``sketch``'s bins with the compiled kernel."""
    parts = [sketch.split.get(k, np.zeros(0)) for k in range(sketch.bins + 2)]
    offsets = np.concatenate([[0], np.cumsum([p.size for p in parts])]).astype(np.int64)
    edges = np.concatenate(parts)
    fine = np.zeros(sketch.bins + 2, dtype=np.bool_)
    fine[list(sketch.split)] = True
    per_unit = sketch.bins / (sketch.hi - sketch.lo)

    def add(x: np.ndarray) -> Sketch:
        s = sketch.fresh()
        _sketch_kernel(
            x,
            s.lo,
            per_unit,
            s.bins,
            fine,
            s.first,
            edges,
            offsets,
            s.counts,
            s.bin_min,
            s.bin_max,
            s.at_min,
            s.at_max,
        )
        return s

    return add


def _best(fn, runs: int = 5) -> tuple[float, object]:
    """Best wall time of ``runs`` calls of ``fn``, and its last result."""
    best, out = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _probe(path: Path, draws: int, loop_draws: int, seed: int) -> dict:
    """Kernels (numpy, numba) on one chunk, the whole run on one thread, and the pyxirr loop."""
    sib = compile_sib(path)
    levels, counts, values, theta = draw_outcomes(sib, seed, 0, CHUNK)
    s = sib.run(levels, counts=counts, values=values, theta=theta)
    got = s.received_cents.transpose(1, 2, 0).sum(axis=0)  # (P, D)
    got[s.settle] += s.guarantee_cents.transpose(1, 2, 0)[:, s.settle].sum(axis=0)
    cols = np.ascontiguousarray((got - s.invest_cents.sum(axis=0)[:, None]) / 100.0)
    assert s.times is not None
    tau = np.asarray(s.times, dtype=np.float64) - float(s.times[0])
    if s.dated:
        t0 = time.perf_counter()
        _xirr_kernel(cols, tau, 1e-11)
        jit_rate = time.perf_counter() - t0
        rate_np, mine = _best(lambda: xirr_cols(cols, s.times))
        rate_nb, theirs = _best(lambda: _xirr_kernel(cols, tau, 1e-11))
    else:
        t0 = time.perf_counter()
        _irr_kernel(cols, 1e-12)
        jit_rate = time.perf_counter() - t0
        rate_np, mine = _best(lambda: finance.irr(cols.T))
        rate_nb, theirs = _best(lambda: _irr_kernel(cols, 1e-12))
    both = np.isfinite(mine) & np.isfinite(theirs)
    rate_diff = float(np.max(np.abs(np.asarray(mine)[both] - np.asarray(theirs)[both])))
    figs = s.figures()
    sketch_np = sketch_nb = jit_sketch = 0.0
    same = True
    for name in _STREAMED:
        x = np.ascontiguousarray(figs[name][np.isfinite(figs[name])])
        sketch = Sketch.from_pilot(x[:10_000])
        compiled = _sketch_compiled(sketch)
        t0 = time.perf_counter()
        compiled(x)
        jit_sketch = max(jit_sketch, time.perf_counter() - t0)

        def numpy_add(x: np.ndarray = x, sketch: Sketch = sketch) -> Sketch:
            fresh = sketch.fresh()
            fresh.add(x)
            return fresh

        t_np, a = _best(numpy_add)
        t_nb, b = _best(lambda x=x, compiled=compiled: compiled(x))
        sketch_np += t_np
        sketch_nb += t_nb
        same &= all(
            np.array_equal(getattr(a, k), getattr(b, k))
            for k in ("counts", "bin_min", "bin_max", "at_min", "at_max")
        )
    simulate_sib(sib, 100_000, seed=1, workers=1)  # warm up
    whole, _ = _best(lambda: simulate_sib(sib, draws, seed=seed, workers=1), runs=2)
    kept = simulate_sib(sib, loop_draws, seed=seed, keep_draws=True)
    loop, _ = _pyxirr_loop(sib, kept.levels)
    chunks = draws / CHUNK
    saved = chunks * ((rate_np - rate_nb) + (sketch_np - sketch_nb))
    return {
        "name": path.name,
        "rate": "XIRR" if s.dated else "IRR",
        "rate_np": rate_np,
        "rate_nb": rate_nb,
        "rate_diff": rate_diff,
        "sketch_np": sketch_np,
        "sketch_nb": sketch_nb,
        "same": same,
        "jit": jit_rate + jit_sketch,
        "whole": whole,
        "projected": whole - saved,
        "loop": loop * draws / loop_draws,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=1_000_000)
    ap.add_argument("--loop-draws", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "sib-compiled-probe.md")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    rows = [_probe(p, args.draws, args.loop_draws, args.seed) for p in CONTRACTS]
    load_after = os.getloadavg()[0]
    lines = [
        "# Probe: compiled kernels for the SIB simulation (numba; not shipped)",
        "",
        f"`python benchmarks/probe_compiled_sib.py` on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
        f"{time.strftime('%Y-%m-%d')}; load average {load_before:.1f} before, {load_after:.1f} after.",
        "",
        f"Per chunk of {CHUNK:,} draws, best of 5, ms: the rate of every draw and the five streamed summaries,",
        "numpy (as shipped) and compiled with numba (after compilation). Whole run: `simulate_sib` on "
        f"{args.draws:,} draws, one thread, s. Projected: the whole run less what both compiled kernels save on "
        "its chunks. Loop: `pyxirr` over the same flows as lists (`bench_sib.py`'s peer), s.",
        "",
        "| contract | rate | rate numpy | rate numba | rates agree to | summaries numpy | summaries numba "
        "| leaves equal | compile, s | whole run | projected | loop | speed-up now | projected speed-up |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| `{r['name']}` | {r['rate']} | {r['rate_np'] * 1e3:.2f} | {r['rate_nb'] * 1e3:.2f} | "
            f"{r['rate_diff']:.0e} | {r['sketch_np'] * 1e3:.2f} | {r['sketch_nb'] * 1e3:.2f} | "
            f"{'yes' if r['same'] else 'NO'} | {r['jit']:.1f} | {r['whole']:.2f} | {r['projected']:.2f} | "
            f"{r['loop']:.2f} | {r['loop'] / r['whole']:.1f}x | {r['loop'] / r['projected']:.1f}x |"
        )
    lines += [
        "",
        "Goal (issue 13): at least 5x the loop. The speed-ups here are on one thread; `simulate_sib` runs on "
        "up to two (`bench_sib.py` records both).",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
