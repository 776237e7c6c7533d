"""Benchmark: the Buzinezzclub report with 100,000 Monte Carlo draws, as HTML and as PDF (issue 11).

Run from the repository root::

    python benchmarks/bench_report.py [--runs 5] [--draws 100000]

Times, in one process, what ``mkba report scenarios/buzinezzclub-rotterdam.yaml -o report.html
--pdf report.pdf --simulate 100000 --tornado`` does: evaluate the scenario, the tornado and the
break-even values, 100,000 Monte Carlo draws of the scenario and of its SIB outcome levels, the
HTML written by the templates (charts as inline SVG), and the PDF printed by headless Chromium.
Each part and the whole are timed ``--runs`` times after a warm-up; the medians, the PDF's pages
and the files' sizes go to ``benchmarks/results/report.md`` with the machine and the date.
Goal: the whole under 5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import median_seconds  # noqa: E402

from mkba.report.html.build import analyse  # noqa: E402
from mkba.report.html.render import find_chromium, scenario_report, write_html, write_pdf  # noqa: E402
from mkba.result import evaluate  # noqa: E402

SCENARIO = ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml"
GOAL_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "report.md")
    args = parser.parse_args()
    from pypdf import PdfReader

    folder = Path(tempfile.mkdtemp(prefix="mkba-bench-report-"))
    html_path, pdf_path = folder / "report.html", folder / "report.pdf"
    state: dict = {}

    def compute() -> None:
        state["result"] = evaluate(SCENARIO)
        state["analysis"] = analyse(state["result"], simulate=args.draws, tornado=True)

    def html() -> None:
        write_html(html_path, scenario_report(state["result"], state["analysis"]))

    def pdf() -> None:
        write_pdf(html_path, pdf_path)

    def whole() -> None:
        compute()
        html()
        pdf()

    def cli() -> None:
        subprocess.run(
            [sys.executable, "-m", "mkba.cli", "report", str(SCENARIO), "-o", str(html_path), "--pdf",
             str(pdf_path), "--simulate", str(args.draws), "--tornado"],
            check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip

    timings = {
        "evaluate, tornado, break-even, Monte Carlo and SIB draws": median_seconds(compute, args.runs),
        "HTML (templates, SVG charts, atomic write)": median_seconds(html, args.runs),
        "PDF (headless Chromium print)": median_seconds(pdf, args.runs),
        "whole report, HTML and PDF, in process": median_seconds(whole, args.runs),
        "`mkba report ... --pdf` as a command (with Python start-up)": median_seconds(cli, args.runs),
    }
    pages = len(PdfReader(pdf_path).pages)
    chromium = subprocess.run([find_chromium(), "--version"], capture_output=True, text=True).stdout.strip()
    rows = "\n".join(f"| {name} | {seconds:.2f} |" for name, seconds in timings.items())
    whole_s = timings["whole report, HTML and PDF, in process"]
    cli_s = timings["`mkba report ... --pdf` as a command (with Python start-up)"]
    verdict = "met" if max(whole_s, cli_s) < GOAL_SECONDS else "NOT met"
    text = f"""# Report benchmark

`python benchmarks/bench_report.py --runs {args.runs} --draws {args.draws}` on {dt.date.today()},
CPython {platform.python_version()}, {platform.machine()}, {platform.system()}; {chromium}.
Medians of {args.runs} runs after a warm-up.

The Buzinezzclub report (`scenarios/buzinezzclub-rotterdam.yaml`) with {args.draws:,} Monte Carlo draws
(the scenario's inputs - it has none that are uncertain - and its SIB outcome levels), with `--tornado`.
HTML {html_path.stat().st_size / 1024:.0f} KiB, PDF {pdf_path.stat().st_size / 1024:.0f} KiB, {pages} A4 pages.

| part | median (s) |
|---|---:|
{rows}

Goal: under {GOAL_SECONDS:.0f} s for HTML and PDF - {verdict}.
"""
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
