"""Price lists to files, in mkba's own layouts, and the table layout read back.

:func:`export_pricelist` writes a list to ``.csv``, ``.xlsx`` or ``.yaml``
(atomically), and :func:`read_pricelist_table` reads the CSV or Excel export
back to an equal list. In that table layout a block of ``key, value`` rows
(CSV: above the table, ended by an empty row; Excel: sheet ``list``) carries
the list's name, version, title, currency and the other list-level keys, and
the table (Excel: sheet ``items``) has one row per item with the source
flattened into ``source_title``, ``source_url`` and ``source_where``. A list
with ``overrides`` adds a first column ``entry`` (``item`` or ``override``).
Empty cells are absent fields, so an empty text is read back as no text.

Every problem is an :class:`~mkba.errors.MkbaError` naming the file and, when
reading, the line (CSV) or row and the field.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from mkba.errors import MkbaError
from mkba.io.documents import YAML11_NUMBER, Document, validate
from mkba.io.files import write_atomic
from mkba.io.spreadsheet import (
    UNSAVED_FORMULA,
    Row,
    cell_position,
    clean_text,
    csv_rows,
    is_blank,
    open_workbook,
    safe_csv_cell,
    sheet_rows,
    unsafe_csv_cell,
    workbook_cells,
)
from mkba.io.strict_yaml import StrictLoader
from mkba.pricelist.index import PriceIndex
from mkba.pricelist.items import DEFAULT_CURRENCY, PRICELIST_FORMAT, PriceList, PriceListFile
from mkba.pricelist.mapping import ITEM_FIELDS

#: Columns of mkba's own table layout (CSV and Excel export), in order.
TABLE_COLUMNS = ITEM_FIELDS
ENTRY_COLUMN = "entry"
#: Keys of the block above the table (CSV) or on the ``list`` sheet (Excel).
HEADER_KEYS = (
    "format",
    "name",
    "version",
    "title",
    "title_en",
    "description",
    "published",
    "currency",
    "extends",
)
LIST_SHEET, ITEMS_SHEET = "list", "items"


# --------------------------------------------------------------------------- export


def _as_file(pricelist: PriceList | PriceListFile) -> PriceListFile:
    if isinstance(pricelist, PriceListFile):
        return pricelist
    return PriceListFile(
        format=PRICELIST_FORMAT,
        name=pricelist.name,
        version=pricelist.version,
        title=pricelist.title,
        published=pricelist.published,
        currency=pricelist.currency,
        items=list(pricelist.items.values()),
    )


def export_pricelist(pricelist: PriceList | PriceListFile, path: str | Path) -> Path:
    """Write a price list to ``.yaml``, ``.csv`` or ``.xlsx``, chosen by the suffix.

    The YAML file has the shape of docs/formats.md and loads with
    ``Registry().load(path)``; the CSV and Excel files read back with
    :func:`read_pricelist_table`. A resolved :class:`PriceList` is written
    with all its items and no ``extends``. The file is written to a temporary
    file in the same folder and then moved into place, so a failure leaves any
    earlier file as it was and no partial file behind.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    MkbaError
        For an unknown suffix, a text Excel cannot hold, or a file that
        cannot be written.
    """
    path = Path(path)
    spec = _as_file(pricelist)
    writers: dict[str, Callable[[PriceListFile, Path], None]] = {
        ".yaml": _write_yaml,
        ".yml": _write_yaml,
        ".csv": _write_csv,
        ".xlsx": _write_xlsx,
    }
    writer = writers.get(path.suffix.lower())
    if writer is None:
        raise MkbaError(
            f"cannot export to {path.suffix or 'a file without suffix'!r}; "
            "expected .yaml, .yml, .csv or .xlsx",
            file=str(path),
        )
    write_atomic(path, lambda tmp: writer(spec, tmp))
    return path


class _ExportDumper(yaml.SafeDumper):
    """Quotes every text that mkba's strict loader would read as something else (e.g. ``08``)."""


for _first, _resolvers in StrictLoader.yaml_implicit_resolvers.items():
    for _tag, _regexp in _resolvers:
        _ExportDumper.add_implicit_resolver(_tag, _regexp, [_first])
# a text such as "5_0" or "0x5", which the loader refuses unquoted (numbers other than plain decimals)
_ExportDumper.add_implicit_resolver("tag:yaml.org,2002:int", YAML11_NUMBER, list("-+0123456789."))


def _list_data(spec: PriceListFile, **dump) -> dict[str, Any]:
    """The list as written: no empty fields, and no ``currency`` when it is the default (EUR).

    Leaving out ``currency: EUR`` keeps exports of euro lists as they were
    before lists had a currency (and readable by those versions of mkba).
    """
    data = spec.model_dump(mode="json", exclude_none=True, **dump)
    if data.get("currency") == DEFAULT_CURRENCY:
        del data["currency"]
    return data


def _write_yaml(spec: PriceListFile, path: Path) -> None:
    data = _list_data(spec)
    if not data.get("overrides"):
        data.pop("overrides", None)
    text = yaml.dump(data, Dumper=_ExportDumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def _header_block(spec: PriceListFile) -> list[tuple[str, str]]:
    data = _list_data(spec, include=set(HEADER_KEYS))
    return [(key, str(data[key])) for key in HEADER_KEYS if key in data]


def _table_rows(spec: PriceListFile) -> tuple[list[str], list[list[Any]]]:
    """Column names and one row per item (and override) of mkba's table layout."""
    with_entry = bool(spec.overrides)
    columns = ([ENTRY_COLUMN] if with_entry else []) + list(TABLE_COLUMNS)
    rows = []
    for entry, models in (("item", spec.items), ("override", spec.overrides)):
        for model in models:
            flat = model.model_dump(exclude={"source"})
            if model.source is not None:
                flat.update({f"source_{k}": v for k, v in model.source.model_dump().items()})
            rows.append(([entry] if with_entry else []) + [flat.get(c) for c in TABLE_COLUMNS])
    return columns, rows


def _write_csv(spec: PriceListFile, path: Path) -> None:
    columns, rows = _table_rows(spec)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerows([[safe_csv_cell(v) for v in pair] for pair in _header_block(spec)])
        writer.writerow([])
        writer.writerow(columns)
        writer.writerows(
            [
                ["" if v is None else repr(v) if isinstance(v, float) else safe_csv_cell(v) for v in row]
                for row in rows
            ]
        )


def _write_xlsx(spec: PriceListFile, path: Path) -> None:
    import openpyxl  # only when a workbook is written: the command line starts faster without it

    workbook = openpyxl.Workbook(write_only=True)
    header_sheet = workbook.create_sheet(LIST_SHEET)
    items_sheet = workbook.create_sheet(ITEMS_SHEET)
    columns, rows = _table_rows(spec)
    header = _header_block(spec)
    _check_excel_text(header, columns, rows, path)
    for key, value in header:
        header_sheet.append([_text_cell(header_sheet, key), _text_cell(header_sheet, value)])
    items_sheet.append(columns)
    for row in rows:
        items_sheet.append([_excel_cell(items_sheet, v) for v in row])
    workbook.save(path)


def _check_excel_text(
    header: list[tuple[str, str]], columns: list[str], rows: list[list[Any]], path: Path
) -> None:
    """Refuse, before writing anything, texts with control characters that Excel cannot store."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    where = next((f"the list's {key}" for key, value in header if ILLEGAL_CHARACTERS_RE.search(value)), None)
    id_column = columns.index("id")
    where = where or next(
        (
            f"item {row[id_column]!r}"
            for row in rows
            if any(isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v) for v in row)
        ),
        None,
    )
    if where:
        raise MkbaError(
            f"a text of {where} holds a control character that Excel cannot store; "
            "remove it or export to .csv or .yaml",
            file=str(path),
        )


def _excel_cell(sheet: Any, value: Any) -> Any:
    """A cell for a table value: text stays text, a float keeps all its digits."""
    if isinstance(value, str):
        return _text_cell(sheet, value)
    if isinstance(value, float):
        return _float_cell(sheet, value)
    return value


def _float_cell(sheet: Any, number: float) -> Any:
    """A number cell holding the shortest text that reads back as exactly ``number``.

    openpyxl writes numbers with 16 significant digits, which can change the
    last bit of a float; the text of ``repr`` is exact.
    """
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=repr(number))
    cell.data_type = "n"
    return cell


def _text_cell(sheet: Any, text: str) -> Any:
    """A cell that Excel keeps as text, even when it starts with ``=``."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


# --------------------------------------------------------------------------- read our own tables


def read_pricelist_table(path: str | Path, index: PriceIndex | None = None) -> PriceListFile:
    """Read a price list from mkba's own CSV or Excel layout (as :func:`export_pricelist` writes).

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` file.
    index : PriceIndex, optional
        Index that checks the price years (default: the bundled CBS CPI).

    Raises
    ------
    MkbaError
        Naming the file, line (CSV) or row, and the field.
    """
    from mkba.pricelist.index import default_index

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise MkbaError(f"expected a .csv or .xlsx file, got {suffix or 'no suffix'!r}", file=str(path))
    header, table = _read_csv_layout(path) if suffix == ".csv" else _read_xlsx_layout(path)
    doc = _layout_document(str(path), header, table)
    return validate(PriceListFile, doc, context={"index": index or default_index()})


def _read_csv_layout(path: Path) -> tuple[list[Row], list[Row]]:
    header: list[Row] = []
    rows = (Row(row.number, tuple(unsafe_csv_cell(v) for v in row.values)) for row in csv_rows(path, ","))
    for row in rows:
        if all(is_blank(v) for v in row.values):
            return header, list(rows)
        header.append(row)
    raise MkbaError(
        "expected the list's key, value rows, an empty row, then the table of items", file=str(path)
    )


def _read_xlsx_layout(path: Path) -> tuple[list[Row], list[Row]]:
    workbook = open_workbook(path)
    try:
        for needed in (LIST_SHEET, ITEMS_SHEET):
            if needed not in workbook.sheetnames:
                _refuse_result_workbook(path, workbook.sheetnames)
                raise MkbaError(
                    f"expected a sheet {needed!r} (mkba's export layout); "
                    f"sheets: {', '.join(workbook.sheetnames)}",
                    file=str(path),
                )
        header, table = (
            [
                row
                for row in sheet_rows(workbook, sheet, str(path))
                if not all(is_blank(x) for x in row.values)
            ]
            for sheet in (LIST_SHEET, ITEMS_SHEET)
        )
    finally:
        workbook.close()
    for sheet, (_, uncached) in workbook_cells(path, [LIST_SHEET, ITEMS_SHEET]).items():
        if uncached:
            cell = min((r for r in uncached if r), key=cell_position, default="?")  # first in sheet order
            raise MkbaError(
                f"the cell {UNSAVED_FORMULA}",
                file=str(path),
                field=f"{sheet}!{cell}",
            )
    return header, table


#: The summary and cash-flow sheets of a workbook ``mkba run --xlsx`` writes, in Dutch and in English
#: (a project's workbook prefixes each alternative's sheets: ``A1 Samenvatting``).
_RESULT_SHEETS = (("Samenvatting", "Kasstromen"), ("Summary", "Cashflows"))


def _refuse_result_workbook(path: Path, sheets: list[str]) -> None:
    """Refuse a result workbook of ``mkba run --xlsx`` read as a price list, saying what it is.

    Raises
    ------
    MkbaError
        When the workbook has the summary and cash-flow sheets of a result; nothing otherwise.
    """
    for summary, flows in _RESULT_SHEETS:
        if any(s == summary or s.endswith(f" {summary}") for s in sheets) and any(
            s == flows or s.endswith(f" {flows}") for s in sheets
        ):
            raise MkbaError(
                f"this is a result workbook of mkba run (sheets {summary!r}, {flows!r}, ...), not a price "
                f"list (sheets {LIST_SHEET!r} and {ITEMS_SHEET!r}, as mkba pricelist export writes); mkba "
                "check checks scenario, project, price list, mapping and index files: check the scenario "
                "or project the workbook was computed from",
                file=str(path),
            )


def _layout_document(file: str, header: list[Row], table: list[Row]) -> Document:
    """The table layout as the data of a price list file, with row numbers as lines."""
    data: dict[str, Any] = {}
    lines: dict[tuple, int] = {}
    for row in header:
        key = clean_text(row.values[0])
        value = row.values[1] if len(row.values) > 1 else None
        if value is not None and value != "":  # a text of spaces is a text, as in the items' cells
            data[key] = value
            lines[(key,)] = row.number
    if not table:
        raise MkbaError("expected a row of column names", file=file)
    columns = ["" if is_blank(v) else clean_text(v) for v in table[0].values]
    unknown = [c for c in columns if c and c not in (*TABLE_COLUMNS, ENTRY_COLUMN)]
    if unknown:
        near = difflib.get_close_matches(unknown[0], TABLE_COLUMNS, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise MkbaError(f"unknown column {unknown[0]!r}{hint}", file=file, line=table[0].number)
    for row in table[1:]:
        entry = _row_entry(row, columns)
        group = "overrides" if entry.pop(ENTRY_COLUMN, "item") == "override" else "items"
        data.setdefault(group, []).append(entry)
        lines[(group, len(data[group]) - 1)] = row.number
    return Document(data, file, lines)


def _row_entry(row: Row, columns: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for column, value in zip(columns, row.values):
        if not column or value is None or value == "":
            continue
        if column in ("amount", "low", "high", "price_year", "confidence"):
            entry[column] = value
        else:
            entry[column] = str(value) if isinstance(value, (int, float)) else value
    source = {k[len("source_") :]: entry.pop(k) for k in list(entry) if k.startswith("source_")}
    if source:
        entry["source"] = source
    return entry
