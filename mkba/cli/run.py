"""``mkba run``: evaluate a scenario and print kosten, baten, saldo, and who pays and who benefits."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import typer

from mkba.cli.common import (
    LANG_OPTION,
    PRICELISTS_DIR_OPTION,
    Lang,
    bold,
    check_options,
    check_output_options,
    check_plots,
    dask_client,
    dim,
    euro,
    input_files,
    out,
    progress_bar,
    styled,
)
from mkba.cli.overview import print_overview
from mkba.cli.terminal import Table
from mkba.errors import MkbaError
from mkba.io.documents import Document, read_document
from mkba.report import numbers
from mkba.report.vocabulary import label
from mkba.result import Result, evaluate
from mkba.scenario.model import load_scenario


def run(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML, TOML or JSON)."),
    pricelist: str | None = typer.Option(None, help="Price list: NAME, NAME@VERSION or a file."),
    price_year: int | None = typer.Option(None, help="Price year of the results (default: the scenario's)."),
    discount_rate: float | None = typer.Option(None, help="Discount rate, e.g. 0.0225."),
    json_out: Path | None = typer.Option(None, "--json", help="Write the results as JSON to this file."),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Write the auditable Excel workbook."),
    lang: Lang = LANG_OPTION,
    simulate: int | None = typer.Option(None, help="Monte Carlo: number of draws."),
    seed: int = typer.Option(20260101, help="Seed of the Monte Carlo draws."),
    chunk_size: int = typer.Option(100_000, help="Draws evaluated at once (memory bound)."),
    tornado: bool = typer.Option(
        False,
        "--tornado",
        help="One-way sensitivity of every uncertain input.",
        metavar="",  # a switch
    ),
    break_even: list[str] | None = typer.Option(
        None, "--break-even", help="Input whose break-even value to find (repeatable)."
    ),
    plots: Path | None = typer.Option(None, "--plots", help="Folder to write PNG charts to."),
    workers: int = typer.Option(
        1,
        "--workers",
        help="Monte Carlo: worker processes on this machine (1: this process; threads when every draw is kept, for --plots or --xlsx).",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Monte Carlo: address of a Dask scheduler (tcp://host:8786) to stream the draws on.",
    ),
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
) -> None:
    """Evaluate a scenario or a project: kosten, baten, saldo, who pays and who benefits.

    A project file (format: mkba-project/1) compares its alternatives with the nulalternatief.
    """
    check_options(
        price_year=price_year, discount_rate=discount_rate, simulate=simulate, chunk_size=chunk_size
    )
    doc = read_document(scenario)  # read once: for the outputs' check, the kind of file and the scenario
    check_run_outputs(
        scenario, doc, pricelist, pricelists_dir or (), json_out=json_out, xlsx=xlsx, plots=plots
    )
    if _is_project(doc):
        from mkba.cli.project import run_project

        _refuse_for_project(
            tornado=tornado, break_even=break_even, plots=plots, workers=workers, scheduler=scheduler
        )

        run_project(
            scenario, pricelist=pricelist, price_year=price_year, discount_rate=discount_rate,
            json_out=json_out, xlsx=xlsx, lang=lang.value, simulate=simulate, seed=seed,
            chunk_size=chunk_size, folders=pricelists_dir or (),
        )  # fmt: skip
        return
    result = evaluate(
        load_scenario(doc),
        pricelist,
        price_year=price_year,
        discount_rate=discount_rate,
        lang=lang.value,
        folders=pricelists_dir or (),
    )
    sampling = Sampling(
        simulate, seed, chunk_size, workers, scheduler, keep=plots is not None or xlsx is not None
    )
    analysis = _uncertainty(result, sampling, tornado, break_even or [])
    print_result(result, analysis)
    if plots is not None:
        from mkba.report.charts import write_plots

        for path in write_plots(result, plots, **analysis):
            out.print(dim(f"{label('written_chart', lang.value)}: {path}"))
    if xlsx is not None:
        result.to_excel(xlsx, lang=lang.value, analysis=analysis or None)
        out.print(dim(f"{label('written_workbook', lang.value)}: {xlsx}"))
    if json_out is not None:
        result.to_json(json_out)
        out.print(dim(f"{label('written_json', lang.value)}: {json_out}"))


def check_run_outputs(
    source: Path,
    doc: Document,
    pricelist: str | None,
    folders: Sequence[Path],
    *,
    json_out: Path | None,
    xlsx: Path | None,
    plots: Path | None,
) -> None:
    """Check ``--json``, ``--xlsx`` and ``--plots`` before any work (:mod:`mkba.io.files`).

    The suffix must be the format written, and no output may be a file the run reads: the scenario
    or project, the price list with its ``extends`` chain, the index, or a list in a price-list
    folder (:func:`mkba.cli.common.input_files`). Nothing is read for it when no output is given.

    Raises
    ------
    MkbaError
        Naming the option and the file.
    """
    if json_out is not None or xlsx is not None:  # an input first: the worst an output could do
        check_output_options(
            [("--json", json_out), ("--xlsx", xlsx)], input_files(source, pricelist, doc, folders)
        )
    check_plots(plots, [json_out, xlsx])


def _is_project(doc: Document) -> bool:
    """Whether ``doc`` is a project file (``format: mkba-project/1``) rather than a scenario."""
    return isinstance(doc.data, dict) and doc.data.get("format") == "mkba-project/1"


@dataclass(frozen=True)
class Sampling:
    """What ``--simulate`` asks: draws, seed, chunk size, where to run, and whether to keep each draw."""

    n: int | None
    seed: int
    chunk_size: int
    workers: int = 1
    scheduler: str | None = None
    keep: bool = False  # charts and the workbook need the figures of every draw


def _uncertainty(result: Result, sampling: Sampling, tornado: bool, break_even: list[str]) -> dict:
    analysis: dict = {}
    if sampling.n is None and not (tornado or break_even):
        return analysis
    from mkba.uncertainty import montecarlo, sensitivity

    if sampling.n is not None:
        if sampling.n < 1:
            raise MkbaError("--simulate expects a number of draws >= 1")
        if sampling.workers < 1:
            raise MkbaError("expected a number of workers >= 1", field="--workers")
        with (
            dask_client(sampling.scheduler) as client,
            progress_bar("Monte Carlo", sampling.n, sys.stderr.isatty()) as advance,
        ):
            sim = montecarlo.monte_carlo(
                result.model, sampling.n, seed=sampling.seed, chunk_size=sampling.chunk_size,
                progress=advance, workers=sampling.workers, client=client,
                keep_draws=True if sampling.keep else None,
            )  # fmt: skip
        analysis["simulation"] = sim
        result.extra["simulation"] = sim.to_dict()
    if tornado:
        frame = sensitivity.tornado(result.model, lang=result.lang)
        analysis["tornado"] = frame
        result.extra["tornado"] = frame.to_dict(orient="records")
    if break_even:
        found = [sensitivity.break_even(result.model, name, lang=result.lang) for name in break_even]
        analysis["break_even"] = found
        result.extra["break_even"] = found if len(found) > 1 else found[0]
    return analysis


def _refuse_for_project(takes: str = "--json and --xlsx", **given: object) -> None:
    """Refuse the options a project's run does not take, rather than ignore them (exit code 2).

    ``takes`` names the command's outputs a project does take, for the message.
    """
    for option, value in given.items():
        if (value is not None and value != 1) if option == "workers" else value:  # --workers 1: the default
            flag = "--" + option.replace("_", "-")
            raise MkbaError(
                "applies to a scenario, not to a project; run it on one of the project's scenarios "
                "(a project takes the price list options, --lang, --simulate, --seed, --chunk-size, "
                f"{takes})",
                field=flag,
            )


def print_result(result: Result, analysis: dict | None = None) -> None:
    lang = result.lang
    s = result.scenario
    out.print(
        styled(
            (s.name, "bold"),
            f"  ({label('prices_in', lang)} {result.price_year}, {label('discount_rate', lang)} "
            f"{numbers.percent(result.discount_rate, lang, 2)}, {s.start_year}-{s.end_year}, "
            f"{result.model.pricelist.ref})",
        )
    )
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    fig = result.summary()
    summary.add_row(label("pv_costs", lang), euro(fig["pv_costs"], lang=lang))
    summary.add_row(label("pv_benefits", lang), euro(fig["pv_benefits"], lang=lang))
    summary.add_row(label("npv", lang), euro(fig["npv"], lang=lang))
    summary.add_row(label("bcr", lang), numbers.ratio(fig["bcr"], lang))
    summary.add_row(label("net_return", lang), numbers.percent(fig["net_return"], lang))
    summary.add_row(label("payback_year", lang), str(fig["payback_year"] or "-"))
    irr = numbers.percent(fig["irr"], lang)
    if fig["irr"] is None and result.irr_reason:
        irr = f"- ({result.irr_reason})" if lang == "en" else label("rp_no_irr", lang)
    summary.add_row(label("irr", lang), irr)
    summary.add_row(label("volunteer_value_pv", lang), euro(fig["volunteer_value_pv"], lang=lang))
    out.print(summary)
    table = Table(title=label("who_pays", lang), title_justify="left")
    for col in ("stakeholder", "pv_costs", "pv_benefits", "npv"):
        table.add_column(label(col, lang), justify="left" if col == "stakeholder" else "right")
    for row in result.stakeholder_rows():  # plain rows: `mkba run` loads no pandas
        name = result.stakeholder_label(row["stakeholder"]) + (" *" if row["public"] else "")
        table.add_row(
            name,
            euro(row["pv_costs"], lang=lang),
            euro(row["pv_benefits"], lang=lang),
            euro(row["npv"], lang=lang),
        )
    table.add_row(
        bold(label("fiscal", lang)),
        euro(result.fiscal_pv_costs, lang=lang),
        euro(result.fiscal_pv_benefits, lang=lang),
        euro(result.fiscal_npv, lang=lang),
    )
    table.add_row(
        bold(label("society", lang)),
        euro(fig["pv_costs"], lang=lang),
        euro(fig["pv_benefits"], lang=lang),
        euro(fig["npv"], lang=lang),
    )
    out.print(table)
    print_overview(result)
    out.print(
        dim(
            "* "
            + (
                "publieke partij (fiscale blik); overdrachten tellen per partij maar vallen "
                "weg in het maatschappelijk totaal"
                if lang == "nl"
                else "public stakeholder (fiscal view); transfers count per stakeholder but cancel "
                "in the societal total"
            )
        )
    )
    if result.model.used_defaults:
        from mkba.report.html.context import defaults_used  # the report's words, loaded when needed

        out.print(dim(f"{label('defaults_used', lang)}: " + "; ".join(defaults_used(result))))
    from mkba.cli.uncertainty import point_note, render_analysis

    if analysis:
        render_analysis(out, result, analysis)
    elif note := point_note(result.model, lang):
        out.print(dim(note))
