"""Benchmark: exporting the auditable workbook, against pandas writing as many cells.

Run from the repository root::

    python benchmarks/bench_excel.py [--runs 7]

A generated 30-year scenario with 50 lines (20 cost lines, 25 effect lines, 5
volunteer lines, on the bundled price list) is exported with
``Result.to_excel`` (formulas, defined names, styles, tables, two charts,
written atomically). The peer, measured in the same run, is
``pandas.DataFrame.to_excel(engine="openpyxl")`` writing a frame of floats
with the same number of cells as the workbook holds (every non-empty cell of
every sheet). Each is timed ``--runs`` times; the medians, in seconds, go to
``benchmarks/results/excel.md`` with the machine and the date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import median_seconds  # noqa: E402

from mkba.result import evaluate  # noqa: E402

ITEMS = [
    "jeugdhulp-jaar",
    "detentie-dag-volwassene",
    "bijstand-maand",
    "huisarts-consult",
    "maatschappelijke-opvang-jaar",
    "ggz-basis-consult-instelling",
    "politie-inzet-uur",
    "huisuitzetting",
    "schuldhulpverlening-traject",
    "wijkverpleging-uur",
]


def scenario(years: int = 30, costs: int = 20, effects: int = 25, volunteers: int = 5) -> dict:
    start = 2025
    pers = ["once", "year", "participant", "participant_year"]
    cost_lines = []
    for i in range(costs):
        per = pers[i % 4]
        line = {
            "id": f"kosten-{i}",
            "label": f"Kostenpost {i}",
            "payer": "gemeente",
            "amount": 1000.0 + 50 * i,
            "price_year": 2022,
            "per": per,
        }
        if per == "once":
            line["year"] = start + i % years
        elif per == "year":
            line["years"] = [start, start + years - 1]
        elif per == "participant_year":
            line["duration"] = 3
        cost_lines.append(line)
    effect_lines = [
        {
            "id": f"effect-{i}",
            "label": f"Effect {i}",
            "item": ITEMS[i % len(ITEMS)],
            "kind": "avoided_cost",
            "quantity": 0.5 + i % 3,
            "success": 0.4,
            "deadweight": 0.2,
            "attribution": 0.7,
            "displacement": 0.05,
            "drop_off": 0.1,
            "optimism_bias": 0.1,
            "duration": 5,
            "lag": i % 3,
        }
        for i in range(effects)
    ]
    volunteer_lines = [
        {
            "id": f"vrijwilligers-{i}",
            "hours": 500.0,
            "per": "year",
            "years": [start, start + years - 1],
            "value": "vervangingskosten-onbetaald-werk-uur",
            "as": ["benefit", "in_kind_cost", "memo"][i % 3],
        }
        for i in range(volunteers)
    ]
    return {
        "format": "mkba-scenario/1",
        "name": "Benchmark: 30 jaar, 50 regels",
        "pricelist": "nl-sociaal-domein@2024.1",
        "price_year": 2024,
        "start_year": start,
        "horizon": years,
        "participants": {start + t: 50.0 + t for t in range(years)},
        "costs": cost_lines,
        "effects": effect_lines,
        "volunteers": volunteer_lines,
    }


def count_cells(path: Path) -> int:
    wb = openpyxl.load_workbook(path)
    return sum(1 for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "excel.md")
    args = parser.parse_args()
    result = evaluate(scenario())
    assert len(result.model.lines) == 50 and len(result.years) == 30
    with tempfile.TemporaryDirectory() as tmp:
        ours = Path(tmp) / "mkba.xlsx"
        result.to_excel(ours)  # to count its cells; median_seconds warms up itself
        cells = count_cells(ours)
        cols = 30
        frame = pd.DataFrame(
            np.random.default_rng(1).normal(size=(-(-cells // cols), cols)) * 1e5,
            columns=[str(2025 + c) for c in range(cols)],
        )
        peer = Path(tmp) / "pandas.xlsx"
        t_ours = median_seconds(lambda: result.to_excel(ours), args.runs)
        t_pandas = median_seconds(lambda: frame.to_excel(peer, engine="openpyxl", index=False), args.runs)
        size_ours, size_peer = ours.stat().st_size, peer.stat().st_size
    import openpyxl as _o

    ratio = t_ours / t_pandas
    text = f"""# Excel export benchmark

`python benchmarks/bench_excel.py --runs {args.runs}` on {dt.date.today().isoformat()},
{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {platform.system()};
openpyxl {_o.__version__}, pandas {pd.__version__}. Medians of {args.runs} runs, measured in the same process.

Scenario: 30 years, 50 lines (20 cost, 25 effect, 5 volunteer lines), bundled price list.
The workbook holds {cells:,} non-empty cells (formulas, inputs, labels), plus defined names, styles,
tables and two charts; the peer writes a {frame.shape[0]} x {frame.shape[1]} frame of floats
({frame.size:,} cells) with `DataFrame.to_excel(engine="openpyxl", index=False)`.

| export | median (s) | file size |
|---|---:|---:|
| `Result.to_excel` (mkba, all sheets, atomic write) | {t_ours:.3f} | {size_ours / 1024:.0f} KiB |
| `pandas.DataFrame.to_excel` (openpyxl), same number of cells | {t_pandas:.3f} | {size_peer / 1024:.0f} KiB |

Ratio mkba / pandas: **{ratio:.2f}** (goal: no slower, i.e. <= 1.00){" - met" if ratio <= 1 else " - NOT met"}.
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
