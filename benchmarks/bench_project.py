"""Benchmark: a project of 50 variants, 100,000 paired draws each, against 50 separate runs.

The project is generated: the Frontlijnteam scenario (``scenarios/frontlijnteam-leeuwarden.yaml``) as
the first alternative against the nulalternatief "nothing", and 49 variants of it (``based_on``) whose
``set:`` changes move the team's yearly cost, the OTS and eviction quantities and give each of the
three attributions its own uncertain range (uniform, triangular, pert). Measured in one run:

* mkba: ``load_project`` + ``Project.evaluate()`` + ``ProjectResult.simulate(100_000)``: every
  alternative on the same draws (common random numbers by input path), with ``P(delta_npv > 0)``,
  the probability of being best and the ``delta_npv`` percentiles;
* the named peer, 50 separate evaluations: each variant's scenario compiled on its own
  (``mkba.evaluate``) and simulated on its own with
  ``mkba.uncertainty.montecarlo.monte_carlo(result.model, 100_000)``, then the same summary figures
  (percentiles, ``P(npv > 0)``; the probability of being best has no meaning across independent runs).

Both are timed from the parsed project (the YAML is read once, outside the clock, for the peer's
scenarios); the best of ``--repeat`` runs of each is reported. The run checks that both paths give
the same expected saldo per alternative (each mean within 1 % of the point result).

Run:  python benchmarks/bench_project.py  [--write benchmarks/results/project.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

import mkba
from mkba.uncertainty.montecarlo import monte_carlo

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml"
N = 100_000
VARIANTS = 50
SEED = 20260101


def project_data(k: int = VARIANTS) -> dict:
    """A project file: the scenario and ``k - 1`` generated variants of it (deterministic)."""
    rng = np.random.default_rng(7)
    alternatives: list[dict] = [{"id": "v00", "label": "Frontlijnteam", "scenario": str(SCENARIO)}]
    shapes = ("uniform", "triangular", "pert")
    for i in range(1, k):
        low = float(np.round(rng.uniform(0.3, 0.6), 3))
        high = float(np.round(low + rng.uniform(0.1, 0.35), 3))
        mode = float(np.round((low + high) / 2, 3))
        attribution: dict = {"dist": shapes[i % 3], "low": low, "high": high}
        if shapes[i % 3] != "uniform":
            attribution["mode"] = mode
        alternatives.append(
            {
                "id": f"v{i:02d}",
                "label": f"Variant {i}",
                "based_on": "v00",
                "set": {
                    "costs.frontlijnteam.amount": float(np.round(rng.uniform(600_000, 900_000), -3)),
                    "effects.minder-ots.quantity": float(np.round(rng.uniform(3, 8), 2)),
                    "effects.minder-ots.attribution": attribution,
                    "effects.minder-huisuitzettingen.quantity": float(np.round(rng.uniform(2, 5), 2)),
                    "effects.minder-huisuitzettingen.attribution": {
                        "dist": "uniform",
                        "low": low,
                        "high": high,
                    },
                    "effects.minder-zware-gezinsaanpak.attribution": {
                        "dist": "triangular",
                        "low": low,
                        "mode": mode,
                        "high": high,
                    },
                },
            }
        )
    return {
        "format": "mkba-project/1",
        "name": f"Frontlijnteam, {k} varianten (benchmark)",
        "alternatives": alternatives,
    }


def run_project(path: Path) -> tuple[dict, mkba.ProjectResult]:
    result = mkba.load_project(path).evaluate()
    return result.simulate(N, seed=SEED), result


def run_separately(scenarios: list) -> dict[str, dict]:
    out = {}
    for alt_id, scenario in scenarios:
        sim = monte_carlo(mkba.evaluate(scenario).model, N, seed=SEED)
        out[alt_id] = {
            "p_npv_positive": float(np.mean(sim.npv > 0)),
            "npv_mean": float(sim.npv.mean()),
            **{f"p{p}": float(v) for p, v in zip((5, 50, 95), np.percentile(sim.npv, (5, 50, 95)))},
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--write",
        type=Path,
        default=Path(__file__).resolve().parent / "results" / "project.md",
        help="write the results as Markdown to this file",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "project-50.yaml"
        path.write_text(yaml.safe_dump(project_data(), sort_keys=False, allow_unicode=True), encoding="utf-8")
        project = mkba.load_project(path)
        scenarios = [(alt.id, alt.scenario) for alt in project.alternatives]
        n_inputs = len(
            {inp.name for alt in scenarios for inp in mkba.evaluate(alt[1]).model.inputs if inp.uncertain}
        )
        run_project(path)  # warm up (imports, tables)

        paired_s, evaluate_s, separate_s = [], [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            summary, result = run_project(path)
            paired_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            mkba.load_project(path).evaluate()
            evaluate_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            separate = run_separately(scenarios)
            separate_s.append(time.perf_counter() - t)

    for alt_id, own in separate.items():
        point = result.delta(alt_id)["npv"]  # against nothing: the alternative's own saldo
        paired = summary["alternatives"][alt_id]["delta_npv_mean"]
        for mean in (paired, own["npv_mean"]):
            assert abs(mean - point) <= 0.01 * abs(point), (alt_id, mean, point)
    load_after = os.getloadavg()

    best_paired, best_separate, best_eval = min(paired_s), min(separate_s), min(evaluate_s)
    p_best = summary["alternatives"]
    top = max(p_best, key=lambda i: p_best[i]["p_best"])
    goal_met = best_paired < 10 and best_paired < best_separate
    lines = [
        "# Benchmark: a project of 50 variants, 100,000 paired draws each",
        "",
        f"Project: `scenarios/frontlijnteam-leeuwarden.yaml` and {VARIANTS - 1} generated variants of it "
        "(`based_on` with `set:` changes of the team's cost, two quantities and three attributions as "
        f"uniform, triangular or pert ranges), against the nulalternatief nothing; {VARIANTS} alternatives, "
        f"{n_inputs} uncertain input paths in all, {N:,} draws.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}; load average before/after {load_before[0]:.1f} / {load_after[0]:.1f} "
        "(other jobs share the machine).",
        "Command: `python benchmarks/bench_project.py --write benchmarks/results/project.md`",
        "",
        "| what | seconds (best of runs) | runs |",
        "|---|---:|---|",
        f"| mkba: `load_project` + `evaluate()` + `ProjectResult.simulate({N:,})`, all {VARIANTS} alternatives "
        f"on common random numbers | **{best_paired:.2f}** | {', '.join(f'{x:.2f}' for x in paired_s)} |",
        f"| of which `load_project` + `evaluate()` (reading, {VARIANTS - 1} variants' changes, compiling) "
        f"| {best_eval:.2f} | {', '.join(f'{x:.2f}' for x in evaluate_s)} |",
        f"| peer: {VARIANTS} separate runs, each `mkba.evaluate(scenario)` + "
        f"`monte_carlo(result.model, {N:,})` + its percentiles | **{best_separate:.2f}** "
        f"| {', '.join(f'{x:.2f}' for x in separate_s)} |",
        "",
        f"Paired project run against the separate runs: **{best_separate / best_paired:.1f}x** faster; "
        f"goal (under 10 s here, and faster than the separate runs): **{'met' if goal_met else 'NOT met'}**.",
        f"Per alternative and draw: {best_paired / (VARIANTS * N) * 1e9:.0f} ns paired, "
        f"{best_separate / (VARIANTS * N) * 1e9:.0f} ns separately.",
        "",
        f"Result: the best alternative is `{top}` in {p_best[top]['p_best']:.1%} of the draws "
        f"(delta_npv p5 € {p_best[top]['delta_npv']['p5']:,.0f}, p50 € {p_best[top]['delta_npv']['p50']:,.0f}, "
        f"p95 € {p_best[top]['delta_npv']['p95']:,.0f}). Checked in the run: for every alternative, the "
        "paired mean saldo and the separate run's mean lie within 1 % of the point result.",
        "Only the paired run can say which alternative is best in a draw: separate runs draw each "
        "alternative's shared inputs (the OTS and eviction prices) independently.",
    ]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
