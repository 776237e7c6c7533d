"""``mkba pricelist list|show|diff|import|export``: versioned price lists from the command line."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from mkba.cli.common import LANG_OPTION, PRICELISTS_DIR_OPTION, YEARS, Lang, check_range, check_ref, out
from mkba.cli.terminal import Table
from mkba.errors import MkbaError
from mkba.report import numbers
from mkba.report.vocabulary import counted, label, stakeholder_name, unit_name


class ShowFormat(StrEnum):
    """Output formats of ``mkba pricelist show``."""

    table = "table"
    csv = "csv"
    json = "json"
    md = "md"


def pricelist_list(
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
    lang: Lang = LANG_OPTION,
) -> None:
    """The available price lists and their versions."""
    from mkba.pricelist.registry import Registry

    table = Table(*(label(f"pl_{k}", lang.value) for k in ("name", "versions", "newest", "folder")))
    for name, versions in Registry(pricelists_dir or ()).available().items():
        newest = list(versions)[-1]
        table.add_row(name, ", ".join(versions), newest, str(versions[newest].parent.parent))
    out.print(table)


def pricelist_show(
    ref: str = typer.Argument(..., help="NAME, NAME@VERSION or a file."),
    price_year: int | None = typer.Option(None, help="Index all amounts to this price year."),
    format: ShowFormat = typer.Option(
        ShowFormat.table, "--format", help="table, csv, json or md (a reference page with every source)."
    ),
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
    lang: Lang = LANG_OPTION,
) -> None:
    """Show the items of a price list, optionally indexed to one price year."""
    from mkba.pricelist.registry import load_pricelist

    check_range(price_year, "--price-year", *YEARS)
    check_ref(ref, "REF")
    pl = load_pricelist(ref, folders=pricelists_dir or ())
    if format is ShowFormat.md:
        from mkba.report.pricelist_page import pricelist_markdown

        sys.stdout.write(pricelist_markdown(pl) + "\n")
        return
    frame = pl.to_frame(price_year=price_year)
    if format is ShowFormat.json:
        records = []
        for row in frame.to_dict(orient="records"):
            row = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            row["source"] = {k: row.pop(f"source_{k}") for k in ("title", "url", "where")}
            records.append(row)
        sys.stdout.write(json.dumps(records, indent=2, ensure_ascii=False, default=str) + "\n")
    elif format is ShowFormat.csv:
        from mkba.io.spreadsheet import safe_csv_frame

        safe_csv_frame(frame).to_csv(sys.stdout, index=False)
    else:
        out.print(_items_table(pl, frame, price_year, lang.value))


def pricelist_diff(
    a: str = typer.Argument(..., help="The old list: NAME, NAME@VERSION or a file."),
    b: str = typer.Argument(..., help="The new list: NAME, NAME@VERSION or a file."),
    price_year: int | None = typer.Option(None, help="Common price year of the real change."),
    all_items: bool = typer.Option(False, "--all", help="Also list unchanged items.", metavar=""),
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
    lang: Lang = LANG_OPTION,
) -> None:
    """Compare two price lists item by item: added, removed, changed."""
    from mkba.pricelist.compare import diff
    from mkba.pricelist.registry import load_pricelist

    check_ref(a, "A")
    check_ref(b, "B")
    la = load_pricelist(a, folders=pricelists_dir or ())
    lb = load_pricelist(b, folders=pricelists_dir or ())
    frame = diff(la, lb, price_year=price_year)
    year = frame.attrs["price_year"]
    counts = frame["status"].value_counts().to_dict()
    out.print(
        f"{la.ref} -> {lb.ref}: "
        + ", ".join(
            f"{counts.get(k, 0)} {label(f'pl_status_{k}', lang.value)}"
            for k in ("added", "removed", "changed", "unchanged")
        )
    )
    shown = frame if all_items else frame[frame["status"] != "unchanged"]
    if len(shown):  # no empty table when nothing changed: the line above says so
        out.print(_diff_table(shown, year, lang.value))


def _items_table(pl: Any, frame: Any, price_year: int | None, lang: str) -> Table:
    """A price list's items for a reader: labels, units and numbers in ``lang``."""
    title = f"{pl.title} ({pl.ref}, {counted(len(pl), 'pl_items', lang)}"
    title += f", {pl.currency}" if pl.currency != "EUR" else ""
    title += f", {label('prices_in', lang)} {price_year}" if price_year else ""
    table = Table(title=title + ")", title_justify="left")
    columns = ("id", "label", "unit", "amount", "price_year", "payer", "nature", "confidence")
    for col in columns:
        right = col in ("amount", "price_year", "confidence")
        # an id is what a scenario writes: folded over lines when long, never cut
        table.add_column(label(f"pl_{col}", lang), justify="right" if right else "left", fold=col == "id")
    for item in frame.to_dict(orient="records"):
        table.add_row(
            str(item["id"]),
            str(item["label"]),
            unit_name(str(item["unit"]), lang),
            numbers.number(item["amount"], lang, 2),
            str(item["price_year"]),
            stakeholder_name(str(item["payer"]), lang),
            label(f"pl_nature_{item['nature']}", lang),
            str(item["confidence"]),
        )
    return table


def _fields(changed: Any, lang: str) -> str:
    """The fields that changed (``"amount, source"``) in the reader's words: ``bedrag, bron``."""
    if not isinstance(changed, str) or not changed:
        return ""
    names = [name.strip() for name in changed.split(",")]
    return ", ".join(
        label(f"pl_field_{n}", lang).replace(f"pl_field_{n}", n) for n in names
    )  # unknown: as is


def _diff_table(shown: Any, year: int, lang: str) -> Table:
    """The changed items of two lists: amounts, price years, the nominal and the real change."""
    keys = ("id", "status", "changed", "amount_a", "year_a", "amount_b", "year_b", "nominal")
    table = Table()
    for key in keys:  # figures to the right, as in every other table
        table.add_column(
            label(f"pl_{key}", lang), justify="left" if key in keys[:3] else "right", fold=key == "id"
        )
    table.add_column(f"{label('pl_real', lang)} ({year})", justify="right")

    def num(x: Any, decimals: int = 2) -> str:
        return "" if x is None or x != x else numbers.number(x, lang, decimals)

    def year_of(x: Any) -> str:
        return "" if x is None or x != x else f"{x:.0f}"

    def pct(x: Any) -> str:
        return "" if x is None or x != x else ("+" if x > 0 else "") + numbers.percent(x, lang)

    for change in shown.to_dict(orient="records"):
        table.add_row(
            str(change["id"]),
            label(f"pl_status_{change['status']}", lang),
            _fields(change["changed"], lang),
            num(change["amount_a"]),
            year_of(change["price_year_a"]),
            num(change["amount_b"]),
            year_of(change["price_year_b"]),
            pct(change["nominal_change_pct"]),
            pct(change["real_change_pct"]),
        )
    return table


def pricelist_import(
    file: Path = typer.Argument(..., help="Workbook (.xlsx) or CSV to import."),
    mapping: str = typer.Option(..., "--mapping", help="Column mapping: a file or a bundled name."),
    output: Path = typer.Option(
        ..., "-o", "--output", help="The price list file to write: .yaml, .csv or .xlsx (by the suffix)."
    ),
    name: str | None = typer.Option(None, help="Name of the new list (default: the mapping's)."),
    version: str | None = typer.Option(None, help="Version of the new list (default: the mapping's)."),
    lang: Lang = LANG_OPTION,
) -> None:
    """Import a price list from Excel or CSV with a column mapping."""
    from mkba.io.files import check_input, check_output
    from mkba.pricelist.exporting import export_pricelist
    from mkba.pricelist.importing import import_pricelist
    from mkba.pricelist.mapping import load_mapping
    from mkba.pricelist.registry import Registry

    if not mapping.strip():  # an empty name would be looked up among the bundled mappings
        raise MkbaError(
            f"expected a mapping file or a bundled mapping's name, got {mapping!r}", field="--mapping"
        )
    check_input(file)
    inputs = [file, *([Path(mapping)] if Path(mapping).is_file() else []), *Registry().folders]
    check_output(output, inputs=inputs, option="--output")
    spec = import_pricelist(file, load_mapping(mapping), name=name, version=version)
    export_pricelist(spec, output)
    out.print(
        label("ck_written_items", lang.value).format(
            items=counted(len(spec.items), "pl_items", lang.value), output=output
        )
    )


def pricelist_export(
    ref: str = typer.Argument(..., help="NAME, NAME@VERSION or a file."),
    output: Path = typer.Option(..., "-o", "--output", help="Output file: .csv, .xlsx or .yaml."),
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
    lang: Lang = LANG_OPTION,
) -> None:
    """Export a (resolved) price list to CSV, XLSX or YAML."""
    from mkba.io.files import check_output
    from mkba.pricelist.exporting import export_pricelist
    from mkba.pricelist.registry import Registry

    check_ref(ref, "REF")
    registry = Registry(pricelists_dir or ())
    # the list, every list it extends, the index and the price-list folders are inputs: checked first
    check_output(output, inputs=[*registry.files_of(ref), *registry.folders], option="--output")
    pl = registry.load(ref)
    check_output(output, inputs=[pl.path], option="--output")  # the file read, should the two differ
    export_pricelist(pl, output)
    out.print(
        label("ck_written_items", lang.value).format(
            items=counted(len(pl), "pl_items", lang.value), output=output
        )
    )
