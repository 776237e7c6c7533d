"""``mkba report``: a scenario or a project as one self-contained HTML file, and as a PDF.

Output paths are checked before anything is computed (an output that is an input, two outputs
that are one file, a missing folder: exit code 2, one message); every file is written atomically.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import typer

from mkba.cli.common import LANG_OPTION, PRICELISTS_DIR_OPTION, Lang, dim, out, progress_bar
from mkba.errors import MkbaError
from mkba.report.vocabulary import label


def report(
    source: Path = typer.Argument(..., help="Scenario or project file (YAML, TOML or JSON)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="The HTML report to write."),
    pdf: Path | None = typer.Option(
        None, "--pdf", help="Also print the report to this PDF (headless Chromium)."
    ),
    simulate: int | None = typer.Option(None, help="Monte Carlo: number of draws."),
    seed: int = typer.Option(20260101, help="Seed of the Monte Carlo draws."),
    chunk_size: int = typer.Option(100_000, help="Draws evaluated at once (memory bound)."),
    tornado: bool = typer.Option(
        False,
        "--tornado",
        help="One-way sensitivity of every uncertain input.",
        metavar="",  # a switch
    ),
    lang: Lang = LANG_OPTION,
    pricelist: str | None = typer.Option(None, help="Price list: NAME, NAME@VERSION or a file."),
    template: Path | None = typer.Option(None, "--template", help="A Jinja2 template of one's own."),
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
) -> None:
    """Write a report for readers: summary, overview table, stakeholders, sources, uncertainty, SIB."""
    from mkba.cli.run import _is_project
    from mkba.io.documents import read_document
    from mkba.report.html import render

    if output is None and pdf is None:
        raise MkbaError("mkba report writes -o REPORT.html, --pdf REPORT.pdf or both; none was given")
    if simulate is not None and simulate < 1:
        raise MkbaError("--simulate expects a number of draws >= 1")
    if template is not None and not template.is_file():
        raise MkbaError("the report template does not exist", file=str(template))
    doc = read_document(source)
    project = _is_project(doc)
    if project and tornado:
        from mkba.cli.run import _refuse_for_project

        _refuse_for_project(takes="--template, -o and --pdf", tornado=tornado)
    _check_outputs(source, doc, pricelist, pricelists_dir or (), template, output=output, pdf=pdf)
    if pdf is not None:
        render.find_chromium()
    options = {"simulate": simulate, "seed": seed, "chunk_size": chunk_size, "lang": lang.value}
    if project:
        html = _project_html(source, pricelist, pricelists_dir or (), template, options)
    else:
        html = _scenario_html(source, pricelist, pricelists_dir or (), template, tornado, options)
    if output is not None:
        render.write_html(output, html)
        out.print(dim(f"{label('written_report', lang.value)}: {output}"))
    if pdf is not None:
        _print_pdf(html, output, pdf)
        out.print(dim(f"{label('written_pdf', lang.value)}: {pdf}"))


def _check_outputs(source, doc, pricelist, folders, template, *, output, pdf) -> None:
    """Check ``-o`` and ``--pdf`` before any work: the suffix of the format, and no file the report reads.

    The report reads the scenario or project (and a project's scenarios), the price list with its
    ``extends`` chain, the index, the price-list folders (:func:`mkba.cli.common.input_files`) and
    the template.

    Raises
    ------
    MkbaError
        Naming the option and the file.
    """
    from mkba.cli.common import check_output_options, input_files

    inputs = [*input_files(source, pricelist, doc, folders), *([template] if template else [])]
    check_output_options([("-o", output), ("--pdf", pdf)], inputs)


def _scenario_html(source, pricelist, folders, template, tornado, options) -> str:
    from mkba.report.html.build import analyse
    from mkba.report.html.render import scenario_report
    from mkba.result import evaluate

    result = evaluate(source, pricelist, lang=options["lang"], folders=folders)
    n = options["simulate"]
    show = sys.stderr.isatty() and n is not None
    with (
        progress_bar("Monte Carlo", n or 0, show) as advance,
        progress_bar("SIB", n or 0, show and result.scenario.sib is not None) as sib_advance,
    ):
        analysis = analyse(
            result, simulate=n, tornado=tornado, seed=options["seed"], chunk_size=options["chunk_size"],
            progress=advance, sib_progress=sib_advance,
        )  # fmt: skip
    return scenario_report(result, analysis, template=template or "report.html.j2")


def _project_html(source, pricelist, folders, template, options) -> str:
    from mkba.project import load_project
    from mkba.report.html.render import project_report

    result = load_project(source).evaluate(pricelist, lang=options["lang"], folders=folders)
    n = options["simulate"]
    if n is not None:
        with progress_bar("Monte Carlo", n, sys.stderr.isatty()) as advance:
            result.simulate(n, seed=options["seed"], chunk_size=options["chunk_size"], progress=advance)
    return project_report(result, template=template or "project.html.j2")


def _print_pdf(html: str, output: Path | None, pdf: Path) -> None:
    """Print the written HTML file, or (with --pdf alone) a temporary copy, to ``pdf``."""
    from mkba.report.html.render import write_pdf

    if output is not None:
        write_pdf(output, pdf)
        return
    with tempfile.TemporaryDirectory(prefix="mkba-report-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        write_pdf(page, pdf)
