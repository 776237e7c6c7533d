"""The ``mkba`` command line: parse, call the API, print; any MkbaError is exit code 2."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from .cli_common import PRICELISTS_DIR_OPTION, Lang, err, euro, out
from .errors import MkbaError
from .labels import label
from .result import Result, evaluate, mkba_version

app = typer.Typer(
    help="Maatschappelijke kosten-batenanalyse (MKBA) for the Dutch social domain.",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
pricelist_app = typer.Typer(help="Versioned price lists (maatschappelijke prijslijsten).", no_args_is_help=True)
app.add_typer(pricelist_app, name="pricelist")


class ShowFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"




# -- run -----------------------------------------------------------------------------------------
@app.command()
def run(
    scenario: Path = typer.Argument(..., help="Scenario file (YAML, TOML or JSON)."),
    pricelist: Optional[str] = typer.Option(None, help="Price list: NAME[@VERSION] or a file."),
    price_year: Optional[int] = typer.Option(None, help="Price year of the results (default: the scenario's)."),
    discount_rate: Optional[float] = typer.Option(None, help="Discount rate, e.g. 0.0225."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the results as JSON to this file."),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="Write the auditable Excel workbook."),
    lang: Lang = typer.Option(Lang.nl, "--lang", help="Language of labels."),
    simulate: Optional[int] = typer.Option(None, help="Monte Carlo: number of draws."),
    seed: int = typer.Option(20260101, help="Seed of the Monte Carlo draws."),
    chunk_size: int = typer.Option(100_000, help="Draws evaluated at once (memory bound)."),
    tornado: bool = typer.Option(False, "--tornado", help="One-way sensitivity of every uncertain input."),
    break_even: Optional[list[str]] = typer.Option(None, "--break-even", help="Input whose break-even value to find (repeatable)."),
    plots: Optional[Path] = typer.Option(None, "--plots", help="Folder to write PNG charts to."),
    pricelists_dir: Optional[list[Path]] = PRICELISTS_DIR_OPTION,
) -> None:
    """Evaluate a scenario: kosten, baten, saldo, and who pays and who benefits."""
    result = evaluate(scenario, pricelist, price_year=price_year, discount_rate=discount_rate,
                      lang=lang.value, folders=pricelists_dir or ())
    analysis = _uncertainty(result, simulate, seed, chunk_size, tornado, break_even or [])
    print_result(result, analysis)
    if plots is not None:
        from .plots import write_plots
        for path in write_plots(result, plots, **analysis):
            out.print(f"[dim]chart: {path}[/dim]")
    if xlsx is not None:
        result.to_excel(xlsx, lang=lang.value, analysis=analysis or None)
        out.print(f"[dim]workbook: {xlsx}[/dim]")
    if json_out is not None:
        result.to_json(json_out)
        out.print(f"[dim]json: {json_out}[/dim]")


def _uncertainty(result: Result, simulate, seed, chunk_size, tornado, break_even) -> dict:
    analysis: dict = {}
    if simulate is None and not (tornado or break_even):
        return analysis
    from . import montecarlo, sensitivity
    if simulate is not None:
        if simulate < 1:
            raise MkbaError("--simulate expects a number of draws >= 1")
        sim = montecarlo.monte_carlo(result.model, simulate, seed=seed, chunk_size=chunk_size,
                                     progress=sys.stderr.isatty())
        analysis["simulation"] = sim
        result.extra["simulation"] = sim.to_dict()
    if tornado:
        frame = sensitivity.tornado(result.model)
        analysis["tornado"] = frame
        result.extra["tornado"] = frame.to_dict(orient="records")
    if break_even:
        found = [sensitivity.break_even(result.model, name) for name in break_even]
        analysis["break_even"] = found
        result.extra["break_even"] = found if len(found) > 1 else found[0]
    return analysis


def print_result(result: Result, analysis: dict | None = None) -> None:
    lang = result.lang
    s = result.scenario
    out.print(f"[bold]{s.name}[/bold]  ({label('prices_in', lang)} {result.price_year}, "
              f"{label('discount_rate', lang)} {result.discount_rate:.2%}, {s.start_year}-{s.end_year}, "
              f"{result.model.pricelist.ref})")
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column(justify="right")
    fig = result.summary()
    summary.add_row(label("pv_costs", lang), euro(fig["pv_costs"]))
    summary.add_row(label("pv_benefits", lang), euro(fig["pv_benefits"]))
    summary.add_row(label("npv", lang), euro(fig["npv"]))
    summary.add_row(label("bcr", lang), "-" if fig["bcr"] is None else f"{fig['bcr']:.2f}")
    summary.add_row(label("net_return", lang), "-" if fig["net_return"] is None else f"{fig['net_return']:.1%}")
    summary.add_row(label("payback_year", lang), str(fig["payback_year"] or "-"))
    irr = "-" if fig["irr"] is None else f"{fig['irr']:.1%}"
    if fig["irr"] is None and result.irr_reason:
        irr += f" ({result.irr_reason})"
    summary.add_row(label("irr", lang), irr)
    summary.add_row(label("volunteer_value_pv", lang), euro(fig["volunteer_value_pv"]))
    out.print(summary)
    table = Table(title=label("who_pays", lang), title_justify="left")
    for col in ("stakeholder", "pv_costs", "pv_benefits", "npv"):
        table.add_column(label(col, lang), justify="left" if col == "stakeholder" else "right")
    for row in result.stakeholder_table().itertuples():
        name = result.stakeholder_label(row.stakeholder) + (" *" if row.public else "")
        table.add_row(name, euro(row.pv_costs), euro(row.pv_benefits), euro(row.npv))
    table.add_row(f"[bold]{label('fiscal', lang)}[/bold]", euro(result.fiscal_pv_costs),
                  euro(result.fiscal_pv_benefits), euro(result.fiscal_npv))
    table.add_row(f"[bold]{label('society', lang)}[/bold]", euro(fig["pv_costs"]), euro(fig["pv_benefits"]),
                  euro(fig["npv"]))
    out.print(table)
    out.print("[dim]* " + ("publieke partij (fiscale blik); overdrachten tellen per partij maar vallen "
                          "weg in het maatschappelijk totaal" if lang == "nl" else
                          "public stakeholder (fiscal view); transfers count per stakeholder but cancel "
                          "in the societal total") + "[/dim]")
    defaults = result.model.defaults
    if defaults:
        out.print("[dim]" + label("defaults_used", lang) + ": "
                  + "; ".join(f"{k} = {v}" for k, v in defaults.items()) + "[/dim]")
    from .uncertainty_report import point_note, render_analysis
    if analysis:
        render_analysis(out, result, analysis)
    elif note := point_note(result.model, lang):
        out.print(f"[dim]{note}[/dim]")


# -- schema ---------------------------------------------------------------------------------------
class SchemaKind(str, Enum):
    scenario = "scenario"
    pricelist = "pricelist"


@app.command()
def schema(kind: SchemaKind = typer.Argument(SchemaKind.scenario, help="scenario or pricelist")) -> None:
    """Print the JSON Schema of scenario or price list files (for editors)."""
    from .pricelist import PriceListFile
    from .scenario import scenario_json_schema
    data = scenario_json_schema() if kind is SchemaKind.scenario else PriceListFile.model_json_schema()
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@app.command()
def check(
    files: list[Path] = typer.Argument(..., help="Scenario, price list, mapping or index files."),
    pricelists_dir: Optional[list[Path]] = PRICELISTS_DIR_OPTION,
) -> None:
    """Check files without computing anything: each is read, validated and its references resolved.

    A scenario is compiled against its price list (and its SIB contract checked); a price list is
    resolved with what it extends. The first problem ends in one message and exit code 2.
    """
    from .index import load_index
    from .loading import read_document
    from .mapping import load_mapping
    from .engine import compile_scenario
    from .pricelist import TABLE_SUFFIXES, load_pricelist
    from .scenario import load_scenario
    folders = pricelists_dir or ()
    for path in files:
        if path.suffix.lower() in TABLE_SUFFIXES:
            out.print(f"ok: {path} (price list {load_pricelist(path, folders=folders).ref}, exported table)")
            continue
        doc = read_document(path)
        kind = doc.data.get("format") if isinstance(doc.data, dict) else None
        if kind == "mkba-scenario/1":
            scenario = load_scenario(path)
            if scenario.sib is not None:
                from .sib import compile_sib
                compile_sib(scenario, folders=folders)
            model = compile_scenario(scenario, load_pricelist(scenario.pricelist, folders=folders))
            what = f"scenario, {len(model.lines)} lines, {sum(i.uncertain for i in model.inputs)} uncertain inputs"
        elif kind == "mkba-pricelist/1":
            what = f"price list {load_pricelist(path, folders=folders).ref}"
        elif kind == "mkba-mapping/1":
            what = f"column mapping {load_mapping(path).name}"
        elif kind == "mkba-index/1":
            what = f"price index {load_index(path).name}"
        else:
            raise MkbaError(f"unknown format {kind!r}; expected mkba-scenario/1, mkba-pricelist/1, "
                            "mkba-mapping/1 or mkba-index/1", file=str(path), line=doc.line_of(("format",)),
                            field="format")
        out.print(f"ok: {path} ({what})")


@app.command("version")
def version_command() -> None:
    """Print the mkba version."""
    out.print(mkba_version())


# -- pricelist ------------------------------------------------------------------------------------
@pricelist_app.command("list")
def pricelist_list(pricelists_dir: Optional[list[Path]] = PRICELISTS_DIR_OPTION) -> None:
    """The available price lists and their versions."""
    from .pricelist import Registry
    table = Table("name", "versions", "newest", "folder")
    for name, versions in Registry(pricelists_dir or ()).available().items():
        newest = list(versions)[-1]
        table.add_row(name, ", ".join(versions), newest, str(versions[newest].parent.parent))
    out.print(table)


@pricelist_app.command("show")
def pricelist_show(
    ref: str = typer.Argument(..., help="NAME[@VERSION] or a file."),
    price_year: Optional[int] = typer.Option(None, help="Index all amounts to this price year."),
    format: ShowFormat = typer.Option(ShowFormat.table, "--format", help="table, csv or json."),
    pricelists_dir: Optional[list[Path]] = PRICELISTS_DIR_OPTION,
) -> None:
    """Show the items of a price list, optionally indexed to one price year."""
    from .pricelist import load_pricelist
    pl = load_pricelist(ref, folders=pricelists_dir or ())
    frame = pl.to_frame(price_year=price_year)
    if format is ShowFormat.json:
        records = []
        for row in frame.to_dict(orient="records"):
            row = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            row["source"] = {k: row.pop(f"source_{k}") for k in ("title", "url", "where")}
            records.append(row)
        sys.stdout.write(json.dumps(records, indent=2, ensure_ascii=False, default=str) + "\n")
    elif format is ShowFormat.csv:
        frame.to_csv(sys.stdout, index=False)
    else:
        table = Table(title=f"{pl.title} ({pl.ref}, {len(pl)} items"
                      + (f", {pl.currency}" if pl.currency != "EUR" else "")
                      + (f", prijspeil {price_year}" if price_year else "") + ")", title_justify="left")
        for col in ("id", "label", "unit", "amount", "price_year", "payer", "nature", "confidence"):
            table.add_column(col, justify="right" if col in ("amount", "price_year", "confidence") else "left")
        for row in frame.itertuples():
            table.add_row(row.id, row.label, row.unit, f"{row.amount:,.2f}", str(row.price_year), row.payer,
                          row.nature, str(row.confidence))
        out.print(table)


@pricelist_app.command("diff")
def pricelist_diff(
    a: str = typer.Argument(..., help="The old list: NAME[@VERSION] or a file."),
    b: str = typer.Argument(..., help="The new list: NAME[@VERSION] or a file."),
    price_year: Optional[int] = typer.Option(None, help="Common price year of the real change."),
    all_items: bool = typer.Option(False, "--all", help="Also list unchanged items."),
    pricelists_dir: Optional[list[Path]] = PRICELISTS_DIR_OPTION,
) -> None:
    """Compare two price lists item by item: added, removed, changed."""
    from .pricelist import diff, load_pricelist
    la = load_pricelist(a, folders=pricelists_dir or ())
    lb = load_pricelist(b, folders=pricelists_dir or ())
    frame = diff(la, lb, price_year=price_year)
    year = frame.attrs["price_year"]
    counts = frame["status"].value_counts().to_dict()
    out.print(f"{la.ref} -> {lb.ref}: " + ", ".join(f"{counts.get(k, 0)} {k}"
                                                  for k in ("added", "removed", "changed", "unchanged")))
    shown = frame if all_items else frame[frame["status"] != "unchanged"]
    table = Table("id", "status", "changed", "amount A", "year A", "amount B", "year B", "nominal",
                  f"real ({year})")
    for row in shown.itertuples():
        def num(x, fmt="{:,.2f}"):
            return "" if x is None or x != x else fmt.format(x)
        table.add_row(row.id, row.status, row.changed, num(row.amount_a), num(row.price_year_a, "{}"),
                      num(row.amount_b), num(row.price_year_b, "{}"), num(row.nominal_change_pct, "{:+.1%}"),
                      num(row.real_change_pct, "{:+.1%}"))
    out.print(table)


@pricelist_app.command("import")
def pricelist_import(
    file: Path = typer.Argument(..., help="Workbook (.xlsx) or CSV to import."),
    mapping: str = typer.Option(..., "--mapping", help="Column mapping: a file or a bundled name."),
    output: Path = typer.Option(..., "-o", "--output", help="The price list file to write (.yaml)."),
    name: Optional[str] = typer.Option(None, help="Name of the new list (default: the mapping's)."),
    version: Optional[str] = typer.Option(None, help="Version of the new list (default: the mapping's)."),
) -> None:
    """Import a price list from Excel or CSV with a column mapping."""
    from .exporters import export_pricelist
    from .importers import import_pricelist
    from .mapping import load_mapping
    spec = import_pricelist(file, load_mapping(mapping), name=name, version=version)
    export_pricelist(spec, output)
    out.print(f"{len(spec.items)} items -> {output}")


@pricelist_app.command("export")
def pricelist_export(
    ref: str = typer.Argument(..., help="NAME[@VERSION] or a file."),
    output: Path = typer.Option(..., "-o", "--output", help="Output file: .csv, .xlsx or .yaml."),
    pricelists_dir: Optional[list[Path]] = PRICELISTS_DIR_OPTION,
) -> None:
    """Export a (resolved) price list to CSV, XLSX or YAML."""
    from .exporters import export_pricelist
    from .pricelist import load_pricelist
    pl = load_pricelist(ref, folders=pricelists_dir or ())
    export_pricelist(pl, output)
    out.print(f"{len(pl)} items -> {output}")


from .cli_sib import sib_command; app.command("sib")(sib_command)  # noqa: E402,E702


def main() -> None:
    """Entry point: run the app; an :class:`MkbaError` prints one message and exits with 2."""
    try:
        app()
    except MkbaError as exc:
        err.print("[bold red]error:[/bold red] " + escape(str(exc)), highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
