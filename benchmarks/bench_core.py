"""Benchmark of the calculation core: many scenarios, and the IRR of many cash-flow rows.

(a) 1,000 scenarios of 20 lines (4 costs, 14 effects, 2 volunteer lines) over 10 years, all of one
    structure with different numbers, evaluated three ways:

    * ``per scenario``: each scenario loaded, compiled once and evaluated on its own
      (``load_scenario`` + ``compile_scenario`` + ``Model.evaluate`` + ``figures``), i.e. what
      ``mkba.evaluate`` does, 1,000 times;
    * ``batched``: the first scenario compiled once, the 1,000 scenarios' numbers written as 1,000 rows
      of ``theta`` (by input name), and one ``Model.evaluate`` + ``figures`` call for all of them
      (possible because the scenarios share their structure);
    * ``plain loop``: a straightforward Python implementation of METHOD.md sections 1-5 for one
      scenario (loops over lines, cohorts and years), called 1,000 times.

    All three must give the same npv for every scenario to 1e-9 relative (asserted).

(b) ``mkba.irr`` on 100,000 conventional six-year rows (an investment, then returns: one sign change)
    against a Python loop over ``pyxirr.irr`` and a loop over ``numpy_financial.irr``, with the largest
    absolute difference where both find a root. Goals: >= 10x the pyxirr loop, >= 100x the
    numpy-financial loop, equal within 1e-9.

Run from the repository root: ``python benchmarks/bench_core.py [--runs 7]``. Writes
``benchmarks/results/core.md``. Every time is the best of ``--runs`` runs after a warm-up (the numpy-
financial loop runs once: it takes seconds). Other work on the machine inflates the seconds; the load
average is recorded with them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import numpy_financial as npf
import pyxirr
import yaml

import mkba
from mkba import compile_scenario, figures, load_pricelist, load_scenario
from mkba.pricelist.index import default_index

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "core.md"
N_SCENARIOS = 1_000
N_ROWS = 100_000
YEARS = list(range(2020, 2030))
CONVERT = {"day": 1 / 365, "week": 1 / 52, "month": 1 / 12, "year": 1.0}

#: The benchmark's price list: id -> (unit, amount, price_year, payer, nature).
ITEMS = {
    "hulp-uur": ("hour", 52.0, 2019, "gemeente", "resource"),
    "begeleiding-maand": ("month", 640.0, 2021, "gemeente", "resource"),
    "ggz-dag": ("day", 310.0, 2020, "zorgverzekeraar", "resource"),
    "detentie-dag": ("day", 240.0, 2018, "rijk", "resource"),
    "huisarts-contact": ("contact", 33.0, 2022, "zorgverzekeraar", "resource"),
    "training-week": ("week", 480.0, 2019, "uwv", "resource"),
    "bijstand-maand": ("month", 1150.0, 2022, "gemeente", "transfer"),
    "huur-jaar": ("year", 9000.0, 2017, "woningcorporatie", "resource"),
    "vervanging-uur": ("hour", 17.5, 2016, "samenleving", "resource"),
}
EFFECT_ITEMS = [
    "hulp-uur",
    "begeleiding-maand",
    "ggz-dag",
    "detentie-dag",
    "huisarts-contact",
    "training-week",
    "bijstand-maand",
    "huur-jaar",
]


def pricelist_data() -> dict:
    return {
        "format": "mkba-pricelist/1",
        "name": "bench-core",
        "version": "1",
        "title": "Benchmark",
        "items": [
            {
                "id": k,
                "label": k,
                "unit": u,
                "amount": a,
                "price_year": y,
                "payer": p,
                "nature": n,
                "confidence": 3,
                "source": {"title": "benchmark"},
            }
            for k, (u, a, y, p, n) in ITEMS.items()
        ],
    }


def make_scenarios(n: int, seed: int = 1) -> list[dict]:
    """``n`` scenarios of one structure (20 lines, 10 years), with random numbers."""
    rng = np.random.default_rng(seed)
    out = []
    for s in range(n):
        u = lambda lo, hi: float(rng.uniform(lo, hi))  # noqa: E731
        effects = []
        for i in range(14):
            item = EFFECT_ITEMS[i % len(EFFECT_ITEMS)]
            kind = "added_cost" if i % 7 == 6 else ("benefit" if i % 2 else "avoided_cost")
            line = {
                "id": f"e{i}",
                "item": item,
                "kind": kind,
                "quantity": u(0.5, 20),
                "success": u(0.1, 0.9),
                "deadweight": u(0, 0.5),
                "attribution": u(0.3, 1),
                "displacement": u(0, 0.3),
                "drop_off": u(0, 0.4),
                "optimism_bias": u(0, 0.2),
                "lag": i % 3,
                "duration": 1 + i % 5,
            }
            if item == "ggz-dag" and i % 2:
                line["unit"] = "week"
            effects.append(line)
        out.append(
            {
                "format": "mkba-scenario/1",
                "name": f"bench-{s}",
                "price_year": 2024,
                "start_year": YEARS[0],
                "horizon": len(YEARS),
                "discount_rate": u(0.01, 0.05),
                "participants": {y: float(rng.integers(20, 400)) for y in YEARS[:6]},
                "costs": [
                    {
                        "id": "opstart",
                        "payer": "gemeente",
                        "amount": u(5e4, 2e5),
                        "price_year": 2019,
                        "per": "once",
                        "year": YEARS[0],
                    },
                    {
                        "id": "exploitatie",
                        "payer": "gemeente",
                        "amount": u(1e5, 4e5),
                        "per": "year",
                        "years": [YEARS[0], YEARS[-1]],
                    },
                    {
                        "id": "intake",
                        "payer": "gemeente",
                        "item": "hulp-uur",
                        "quantity": u(2, 8),
                        "per": "participant",
                    },
                    {
                        "id": "traject",
                        "payer": "rijk",
                        "amount": u(500, 3000),
                        "price_year": 2021,
                        "per": "participant_year",
                        "duration": 2,
                    },
                ],
                "effects": effects,
                "volunteers": [
                    {
                        "id": "maatjes",
                        "hours": u(1e3, 2e4),
                        "per": "year",
                        "years": [YEARS[0], YEARS[-1]],
                        "value": "vervanging-uur",
                        "as": "benefit",
                    },
                    {
                        "id": "buddy",
                        "hours": u(5, 40),
                        "per": "participant",
                        "value": {"amount": 15.0, "price_year": 2018},
                        "as": "memo",
                    },
                ],
            }
        )
    return out


# -- the plain per-scenario loop --------------------------------------------------------------------
def plain_npv(s: dict, cpi: dict[int, float]) -> float:
    """npv of one scenario by METHOD.md, with loops over lines, cohorts and years."""
    P = s["price_year"]
    start, horizon, r = s["start_year"], s["horizon"], s["discount_rate"]
    years = range(start, start + horizon)
    last = start + horizon - 1
    n = s["participants"]
    df = {y: (1.0 + r) ** -(y - start) for y in years}
    benefits = costs = 0.0

    def index(year):
        return cpi[P] / cpi[year]

    for c in s["costs"]:
        if "item" in c:
            unit, amount, year, *_ = ITEMS[c["item"]]
            each = c["quantity"] * amount * index(year)
        else:
            each = c["amount"] * index(c.get("price_year", P))
        if c["per"] == "once":
            costs += each * df[c["year"]]
        elif c["per"] == "year":
            for y in range(c["years"][0], c["years"][1] + 1):
                costs += each * df[y]
        else:
            duration = c.get("duration", 1)
            for cohort, count in n.items():
                for k in range(duration):
                    if cohort + k <= last:
                        costs += count * each * df[cohort + k]
    for e in s["effects"]:
        unit, amount, year, _payer, nature = ITEMS[e["item"]]
        if nature == "transfer":
            continue  # cancels in the societal total
        conv = CONVERT[e["unit"]] / CONVERT[unit] if "unit" in e else 1.0
        price = amount * index(year) * conv
        for cohort, count in n.items():
            for k in range(e["duration"]):
                y = cohort + e["lag"] + k
                if y > last:
                    break
                value = (
                    count
                    * e["quantity"]
                    * e["success"]
                    * price
                    * (1 - e["deadweight"])
                    * e["attribution"]
                    * (1 - e["displacement"])
                    * (1 - e["drop_off"]) ** k
                    * (1 - e["optimism_bias"])
                )
                if e["kind"] == "added_cost":
                    costs += value * df[y]
                else:
                    benefits += value * df[y]
    for v in s["volunteers"]:
        if v["as"] == "memo":
            continue
        if isinstance(v["value"], str):
            unit, amount, year, *_ = ITEMS[v["value"]]
        else:
            amount, year = v["value"]["amount"], v["value"]["price_year"]
        each = v["hours"] * amount * index(year)
        timing = defaultdict(float)
        if v["per"] == "year":
            for y in range(v["years"][0], v["years"][1] + 1):
                timing[y] += 1
        else:
            for cohort, count in n.items():
                timing[cohort] += count
        for y, count in timing.items():
            if v["as"] == "benefit":
                benefits += each * count * df[y]
            else:
                costs += each * count * df[y]
    return benefits - costs


# -- the three ways -----------------------------------------------------------------------------------
def per_scenario(scenarios, pl) -> np.ndarray:
    out = np.empty(len(scenarios))
    for i, s in enumerate(scenarios):
        model = compile_scenario(load_scenario(s), pl)
        out[i] = figures(model, model.evaluate()).npv[0]
    return out


def theta_of(model, scenarios) -> np.ndarray:
    """One row of inputs per scenario, read from the scenario dicts by input name."""
    theta = np.tile(model.base, (len(scenarios), 1))
    for j, inp in enumerate(model.inputs):
        path = inp.path
        if path[0] == "discount_rate":
            theta[:, j] = [s["discount_rate"] for s in scenarios]
        elif path[0] == "participants":
            theta[:, j] = [s["participants"][path[1]] for s in scenarios]
        elif path[0] in ("costs", "effects", "volunteers") and not inp.name.startswith("price."):
            group, i, *rest = path
            if rest and rest[0] in (
                "quantity",
                "amount",
                "hours",
                "success",
                "deadweight",
                "attribution",
                "displacement",
                "drop_off",
                "optimism_bias",
            ):
                theta[:, j] = [s[group][i][rest[0]] for s in scenarios]
            elif rest[:2] == ["value", "amount"]:
                theta[:, j] = [s[group][i]["value"]["amount"] for s in scenarios]
    return theta


def batched(scenarios, pl) -> np.ndarray:
    model = compile_scenario(load_scenario(scenarios[0]), pl)
    return figures(model, model.evaluate(theta_of(model, scenarios))).npv


def evaluate_rows(model, theta, with_irr=True) -> np.ndarray:
    return figures(model, model.evaluate(theta), with_irr=with_irr).npv


def plain(scenarios, cpi) -> np.ndarray:
    return np.array([plain_npv(s, cpi) for s in scenarios])


def best(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def conventional_rows(n: int, seed: int = 20260101) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.hstack([-rng.uniform(50, 150, (n, 1)), rng.uniform(5, 60, (n, 5))])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    load = os.getloadavg()
    cpi = {int(y): float(v) for y, v in zip(default_index().years, default_index().values)}

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-core.yaml"
        path.write_text(yaml.safe_dump(pricelist_data()), encoding="utf-8")
        pl = load_pricelist(path)
    scenarios = make_scenarios(N_SCENARIOS)
    model = compile_scenario(load_scenario(scenarios[0]), pl)
    assert len(model.lines) == 20 and len(model.years) == 10

    # (a) scenarios
    per_scenario(scenarios[:20], pl), batched(scenarios[:20], pl), plain(scenarios[:20], cpi)  # warm up
    t_each, npv_each = best(lambda: per_scenario(scenarios, pl), max(1, args.runs // 3))
    t_batch, npv_batch = best(lambda: batched(scenarios, pl), args.runs)
    t_plain, npv_plain = best(lambda: plain(scenarios, cpi), max(1, args.runs // 3))
    t_compile, _ = best(lambda: [compile_scenario(load_scenario(s), pl) for s in scenarios[:200]], 3)
    t_compile /= 200
    theta = theta_of(model, scenarios)
    t_rows, npv_rows = best(lambda: evaluate_rows(model, theta), args.runs)
    t_rows_no_irr, _ = best(lambda: evaluate_rows(model, theta, with_irr=False), args.runs)
    assert np.array_equal(npv_rows, npv_batch)
    for name, got in (("per scenario", npv_each), ("batched", npv_batch)):
        rel = np.max(np.abs(got - npv_plain) / np.maximum(1.0, np.abs(npv_plain)))
        assert rel <= 1e-9, (name, rel)
    rel_each = float(np.max(np.abs(npv_each - npv_plain) / np.abs(npv_plain)))
    rel_batch = float(np.max(np.abs(npv_batch - npv_plain) / np.abs(npv_plain)))

    # (b) irr
    flows = conventional_rows(N_ROWS)
    mkba.irr(flows[:1000])
    t_irr, ours = best(lambda: mkba.irr(flows), args.runs)
    as_lists = flows.tolist()
    t_pyx, theirs = best(
        lambda: np.array([pyxirr.irr(row) for row in flows], dtype=float), max(1, args.runs // 2)
    )
    t_pyx_lists, _ = best(lambda: [pyxirr.irr(row) for row in as_lists], max(1, args.runs // 2))
    t_npf, npf_rates = best(lambda: np.array([npf.irr(row) for row in flows]), 1)
    both_py = np.isfinite(ours) & np.isfinite(theirs)
    both_npf = np.isfinite(ours) & np.isfinite(npf_rates)
    diff_py = float(np.max(np.abs(ours[both_py] - theirs[both_py])))
    diff_npf = float(np.max(np.abs(ours[both_npf] - npf_rates[both_npf])))

    rows_a = [
        ("per scenario: load + compile + evaluate + figures, 1,000 times", t_each, rel_each),
        (
            "batched: compile once, build 1,000 theta rows from the dicts, one evaluate + figures",
            t_batch,
            rel_batch,
        ),
        ("batched, theta given: one `Model.evaluate` + `figures` (all figures, irr too)", t_rows, rel_batch),
        ("batched, theta given, `figures(with_irr=False)`", t_rows_no_irr, rel_batch),
        ("plain Python loop over years and cohorts, 1,000 times", t_plain, 0.0),
    ]
    goal_py, goal_npf = t_pyx / t_irr, t_npf / t_irr
    text = (
        f"""# Core benchmark

Recorded run of `python benchmarks/bench_core.py` (best of {args.runs} runs after a warm-up unless noted).

- date: {dt.datetime.now().isoformat(timespec="seconds")}
- machine: {platform.machine()}, {os.cpu_count()} CPUs (nproc), {platform.processor() or platform.platform()}
- load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (other work on the machine inflates the seconds)
- Python {platform.python_version()}, numpy {np.__version__}, pyxirr {pyxirr.__version__ if hasattr(pyxirr, "__version__") else "?"}, numpy-financial {getattr(npf, "__version__", "?")}

## (a) 1,000 scenarios of 20 lines x 10 years

4 costs (once, per year, per participant, per participant-year), 14 effects (every factor, lag, duration,
drop-off, unit conversion, one transfer item), 2 volunteer lines; 6 cohorts; same structure, random numbers.
npv of every scenario checked against the plain loop (largest relative difference shown).

| method | seconds | per scenario (ms) | vs plain loop | max rel. diff of npv |
|---|---:|---:|---:|---:|
"""
        + "\n".join(
            f"| {name} | {t:.3f} | {t / N_SCENARIOS * 1e3:.3f} | {t_plain / t:.2f}x | {d:.1e} |"
            for name, t, d in rows_a
        )
        + f"""

Measured: (1) 1,000 separately loaded and compiled models, one evaluation each; (2) one compiled model and
1,000 parameter rows through one `Model.evaluate` (the scenarios share their structure), with and without
the Python glue that reads each scenario's numbers into its row. The plain loop computes the npv only;
mkba computes every figure (per stakeholder, fiscal, payback, volunteer value, and the irr unless told not
to). Separately compiled scenarios pay for validation and compiling each time (pydantic models, price
lookups, index factors, the model's index arrays): {t_compile * 1e3:.2f} ms of the {t_each / N_SCENARIOS * 1e3:.2f} ms
per scenario here.

## (b) IRR of 100,000 six-year rows (one sign change)

| method | seconds | mkba.irr is faster by | goal | met |
|---|---:|---:|---:|:---:|
| `mkba.irr` (vectorised Newton in x = 1/(1+r)) | {t_irr:.4f} | | | |
| loop over `pyxirr.irr` (rows of the array) | {t_pyx:.3f} | {goal_py:.1f}x | 10x | {"yes" if goal_py >= 10 else "no"} |
| loop over `pyxirr.irr` (rows as Python lists, for reference) | {t_pyx_lists:.3f} | {t_pyx_lists / t_irr:.1f}x | | |
| loop over `numpy_financial.irr` (one run) | {t_npf:.2f} | {goal_npf:.0f}x | 100x | {"yes" if goal_npf >= 100 else "no"} |

Largest absolute difference of the rate where both find a root: pyxirr {diff_py:.1e}
({int(both_py.sum())} rows), numpy-financial {diff_npf:.1e} ({int(both_npf.sum())} rows); goal 1e-9:
{"met" if max(diff_py, diff_npf) <= 1e-9 else "NOT met"}.
"""
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
