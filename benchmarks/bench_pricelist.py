"""Benchmark: loading price lists and importing the GMCA workbook, against plain peers.

Run from the repository root::

    python benchmarks/bench_pricelist.py [--runs 7] [--items 10000]

1. A generated 10,000-item price list YAML file: ``Registry().load(path)``
   (YAML 1.2 parse with yaml-rs, pydantic validation, resolution) against
   plain ``yaml.safe_load`` of the same file, the named peer; libyaml's
   ``CSafeLoader``, the same list as JSON, and mkba's strict line-recording
   parser (used only to place an error message) are timed for reference.
2. The GMCA Unit Cost Database v1.4: ``import_pricelist`` with the bundled
   mapping against a plain openpyxl read (read-only, every cell of the 7 theme
   sheets).

Each is timed ``--runs`` times; the median, in seconds, goes to
``benchmarks/results/pricelist.md`` with the machine and the date.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

import openpyxl
import yaml
from timing import median_seconds

from mkba.io.documents import _strict_parse, parse_yaml
from mkba.pricelist.importing import import_pricelist
from mkba.pricelist.index import default_index
from mkba.pricelist.registry import Registry
from mkba.pricelist.units import UNITS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "pricelist.md"
GMCA = ROOT.parent / "shared" / "data" / "gmca-unit-cost-database-v1.4.xlsx"
GMCA_THEMES = [
    "Crime",
    "Education & Skills",
    "Employment & Economy",
    "Fire",
    "Health",
    "Housing",
    "Social Services",
]
GOAL_SECONDS = 1.0
FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def generated_list_text(n_items: int) -> str:
    """A valid price list of ``n_items`` items, as YAML text (FORMATS.md shape)."""
    units = sorted(UNITS)
    lines = [
        "format: mkba-pricelist/1",
        "name: bench",
        'version: "1.0"',
        "title: Generated benchmark list",
        "published: 2024-06-01",
        "items:",
    ]
    for i in range(n_items):
        lines += [
            f"  - id: item-{i:05d}",
            f"    label: Generated item {i}",
            f"    unit: {units[i % len(units)]}",
            f"    amount: {10 + (i * 7919) % 100000 / 100}",
            f"    price_year: {2000 + i % 25}",
            f"    payer: {('gemeente', 'rijk', 'zorgverzekeraar')[i % 3]}",
            "    nature: resource",
            f"    category: cat-{i % 12}",
            f"    confidence: {1 + i % 5}",
            "    source:",
            f"      title: Generated source {i % 50} (2024)",
            "      url: https://example.org/source",
            f"      where: table {i % 9}",
        ]
    return "\n".join(lines) + "\n"


def read_all_gmca_cells() -> int:
    """The peer: every cell of the 7 theme sheets, openpyxl read-only."""
    workbook = openpyxl.load_workbook(GMCA, read_only=True, data_only=True)
    count = sum(
        1 for sheet in GMCA_THEMES for row in workbook[sheet].iter_rows(values_only=True) for _ in row
    )
    workbook.close()
    return count


def bench_yaml(n_items: int, runs: int) -> list[tuple[str, float, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.yaml"
        path.write_text(generated_list_text(n_items))
        default_index()
        assert len(Registry(include_bundled=False).load(path)) == n_items
        rows = [
            (
                "mkba `Registry().load(path)` (parse, validate, resolve)",
                median_seconds(lambda: Registry(include_bundled=False).load(path), runs),
                "mkba",
            ),
            (
                "`yaml.safe_load(path.read_text())` (the named peer)",
                median_seconds(lambda: yaml.safe_load(path.read_text()), runs),
                "peer",
            ),
            (
                "`yaml.load(..., CSafeLoader)` (libyaml, for reference)",
                median_seconds(lambda: yaml.load(path.read_text(), Loader=yaml.CSafeLoader), runs),
                "reference",
            ),
        ]
        json_path = path.with_suffix(".json")
        json_path.write_text(json.dumps(parse_yaml(path.read_bytes()).data))
        rows.append(
            (
                "the same list as JSON, `Registry().load(path.json)`",
                median_seconds(lambda: Registry(include_bundled=False).load(json_path), runs),
                "reference",
            )
        )
        rows.append(
            (
                "mkba's strict line-recording parser alone (runs only to place an error)",
                median_seconds(lambda: _strict_parse(path.read_bytes(), str(path)), 1),
                "part",
            )
        )
        return rows


def bench_gmca(runs: int) -> list[tuple[str, float, str]]:
    items = import_pricelist(GMCA, "gmca-ucd-v1.4").items
    assert len(items) == 684
    return [
        (
            "mkba `import_pricelist(gmca, 'gmca-ucd-v1.4')`",
            median_seconds(lambda: import_pricelist(GMCA, "gmca-ucd-v1.4"), runs),
            "mkba",
        ),
        (
            "openpyxl read-only, every cell of the 7 theme sheets",
            median_seconds(read_all_gmca_cells, runs),
            "peer",
        ),
    ]


def table(title: str, rows: list[tuple[str, float, str]]) -> list[str]:
    peer = next(seconds for _, seconds, kind in rows if kind == "peer")
    mkba = next(seconds for _, seconds, kind in rows if kind == "mkba")
    verdict = "meets" if mkba <= GOAL_SECONDS else "MISSES"
    out = [
        f"### {title}",
        "",
        f"Goal: mkba <= {GOAL_SECONDS:g} s; it {verdict} it.",
        "",
        "| what | median (s) | ratio vs peer |",
        "|---|---:|---:|",
    ]
    out += [f"| {name} | {seconds:.3f} | {seconds / peer:.2f} |" for name, seconds, _ in rows]
    return [*out, ""]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"PyYAML {yaml.__version__} (libyaml: {getattr(yaml, '__with_libyaml__', False)}), "
        f"openpyxl {openpyxl.__version__}, {platform.system()} {platform.release()}; "
        f"load average at the end {os.getloadavg()[0]:.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    lines = [
        "# Price list benchmarks",
        "",
        f"Recorded {dt.datetime.now().strftime('%Y-%m-%d %H:%M')} with "
        f"`python benchmarks/bench_pricelist.py --runs {args.runs} --items {args.items}`; "
        f"median of {args.runs} runs after one warm-up.",
        "",
        f"Machine: {machine()}.",
        "",
    ]
    lines += table(
        f"Load and validate a {args.items:,}-item price list (YAML)", bench_yaml(args.items, args.runs)
    )
    if GMCA.exists():
        lines += table(
            "Import the GMCA Unit Cost Database v1.4 (684 coded rows, 684 items)", bench_gmca(args.runs)
        )
    else:
        lines += ["GMCA workbook not found; its benchmark was skipped.", ""]
    text = "\n".join(lines)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
