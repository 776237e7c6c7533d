"""The cell layer of the Excel workbook (:mod:`mkba.report.excel.workbook`): formats, styles, safe writers, saving.

* number formats (:data:`EURO`, :data:`PERCENT`, ...) and styles (input fill,
  bold, title, table style);
* :class:`Context`, what every sheet writer gets: the result, the language,
  the :class:`Layout` of the standard sheets, and the safe cell writers. Text a
  user wrote is always written as text, never as a formula (text starting with
  ``=``, ``+``, ``-`` or ``@`` is stored as a string and marked with Excel's
  quote prefix); a number that is NaN or infinite is written as a visible
  ``n.v.t.``, never as an empty cell; defined names are made valid and unique;
* :class:`_SheetPlan`, the shared state and small helpers (title, header row,
  table) of the standard sheets' writers;
* :func:`save`: openpyxl's writer with a faster serialisation of the cells
  (:func:`mkba.excel.write_workbook` saves through it atomically).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape
from zipfile import ZIP_DEFLATED, ZipFile

import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.writer.excel import ExcelWriter

from mkba.pricelist.index import PriceIndex
from mkba.report.vocabulary import label

#: Number formats.
EURO = '"€" #,##0.00;[Red]"€" -#,##0.00'
EURO0 = '"€" #,##0;[Red]"€" -#,##0'
PERCENT = "0.00%"
FACTOR = "0.000000"
RATIO = "0.00"
NUMBER = "#,##0.####"
YEAR = "0"

#: Text that a spreadsheet would read as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")

INPUT_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
TABLE_STYLE = "TableStyleLight9"


# -- layout: where things are, for extensions, tests and reviewers -------------------------------
@dataclass
class Layout:
    """Where the standard sheets put things (1-based rows, column letters).

    Attributes
    ----------
    sheets : dict
        Sheet key (``summary``, ``inputs``, ``prices``, ``index``, ``flows``) to its title.
    figures : dict
        Figure name (``pv_costs``, ...) to its cell on the summary sheet.
    stakeholder_rows : dict
        Stakeholder to its row in the summary table (columns in ``stakeholder_cols``).
    fiscal_row, society_row : int
        Rows of the fiscal view and the societal total in that table.
    year_cols : list of str
        Column of each year on the flows sheet.
    line_rows : dict
        Line id to its gross-amount row on the flows sheet.
    posting_rows : list of (line id, stakeholder, row)
        The flows booked per stakeholder, in the order of ``Model.posting_line``.
    inputs : dict
        Model input name (``effects.x.success``) to (sheet title, cell, defined name).
    """

    sheets: dict[str, str] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)
    stakeholder_rows: dict[str, int] = field(default_factory=dict)
    stakeholder_cols: dict[str, str] = field(default_factory=dict)
    fiscal_row: int = 0
    society_row: int = 0
    year_row: int = 0
    discount_row: int = 0
    participants_row: int = 0
    year_cols: list[str] = field(default_factory=list)
    line_rows: dict[str, int] = field(default_factory=dict)
    posting_rows: list[tuple[str, str, int]] = field(default_factory=list)
    pv_col: str = ""
    pv_pos_col: str = ""
    pv_neg_col: str = ""
    costs_row: int = 0
    benefits_row: int = 0
    net_row: int = 0
    discounted_row: int = 0
    cumulative_row: int = 0
    inputs: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    #: Where the SIB sheet (:mod:`mkba.report.excel.sib`) put things, when it is written.
    sib: dict = field(default_factory=dict)
    #: Where the sensitivity sheet (:mod:`mkba.report.excel.sensitivity`) put things, when it is written.
    sensitivity: dict = field(default_factory=dict)


@dataclass
class Context:
    """What a sheet writer needs: the result, the language, safe writers and the layout."""

    result: object
    lang: str
    index: PriceIndex
    layout: Layout = field(default_factory=Layout)
    defined: dict[str, str] = field(default_factory=dict)  # lower-case defined name -> name
    _styles: dict = field(default_factory=dict)  # (format, input, bold) -> style array to copy
    widths: dict[tuple[str, int], int] = field(default_factory=dict)
    #: The SIB at the outcome level to show (a :class:`mkba.sib.SibResult`); None: the scenario's
    #: ``sib:`` section at its expected levels (if it has one).
    sib: object = None
    #: Tornado, Monte Carlo and break-even results (``mkba run --tornado/--simulate/--break-even``).
    analysis: dict | None = None

    # -- labels ---------------------------------------------------------------------------
    def label(self, key: str) -> str:
        return label(key, self.lang)

    @property
    def na(self) -> str:
        return self.label("xl_na")

    # -- cells ----------------------------------------------------------------------------
    def text(self, ws, row: int, col: int, value, *, bold: bool = False):
        """Write ``value`` as text, never as a formula (None becomes the visible 'n.v.t.')."""
        s = self.na if value is None else str(value)
        if not s and not bold:
            return None  # nothing to show: no cell
        s = ILLEGAL_CHARACTERS_RE.sub("\ufffd", s)[:32767]
        cell = _new_cell(ws, row, col, s, "s")  # as a string: '=...' would otherwise be a formula
        if s.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True  # and stays text when a user edits it in Excel
        if bold:
            self._style(cell, None, False, True)
        self._width(ws, col, len(s))
        return cell

    def _style(self, cell, fmt: str | None, is_input: bool, bold: bool) -> None:
        """Give ``cell`` a number format, input fill and bold font (sharing a cached style: fast).

        Cells styled here share one style array per combination, so nothing may restyle such a
        cell afterwards (openpyxl changes a cell's style array in place); titles, which get a font
        later, are written without ``bold`` and keep their own array.
        """
        key = (fmt, is_input, bold, cell.quotePrefix)
        style = self._styles.get(key)
        if style is not None:
            cell._style = style
            return
        if fmt:
            cell.number_format = fmt
        if is_input:
            cell.fill = INPUT_FILL
        if bold:
            cell.font = BOLD
        self._styles[key] = copy(cell._style)

    def number(self, ws, row: int, col: int, value, fmt: str | None = None, *, is_input: bool = False):
        """Write a number; NaN, infinity and None become the visible text 'n.v.t.'."""
        if value is None or isinstance(value, str) or not math.isfinite(float(value)):
            return self.text(ws, row, col, None if not isinstance(value, str) else value)
        if isinstance(value, (bool, np.bool_)):
            value = int(value)
        value = int(value) if isinstance(value, (int, np.integer)) else float(value)
        cell = _new_cell(ws, row, col, value, "n")
        if fmt or is_input:
            self._style(cell, fmt, is_input, False)
        self._width(ws, col, 12)
        return cell

    def formula(self, ws, row: int, col: int, formula: str, fmt: str | None = None, *, bold: bool = False):
        """Write a formula (our own text only: never pass user text here)."""
        assert formula.startswith("=")
        cell = _new_cell(ws, row, col, formula, "f")
        if fmt or bold:
            self._style(cell, fmt, False, bold)
        self._width(ws, col, 14)
        return cell

    def _width(self, ws, col: int, n: int) -> None:
        key = (ws.title, col)
        if n > self.widths.get(key, 0):
            self.widths[key] = n

    # -- names ----------------------------------------------------------------------------
    def define(self, wb: Workbook, name: str, ws, ref: str) -> str:
        """Define a workbook-level name for ``ref`` on ``ws``; returns the name actually used."""
        name = _valid_name(name)
        base, n = name, 2
        while name.lower() in self.defined:
            name, n = f"{base}_{n}", n + 1
        self.defined[name.lower()] = name
        absolute = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)
        wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(ws.title)}!{absolute}")
        return name

    def ref(self, sheet_key: str, cell: str) -> str:
        """An absolute reference to ``cell`` on the standard sheet ``sheet_key``."""
        col, row = re.match(r"([A-Z]+)(\d+)", cell).groups()
        return f"{quote_sheetname(self.layout.sheets[sheet_key])}!${col}${row}"


def _new_cell(ws, row: int, col: int, value, data_type: str) -> Cell:
    """A new cell holding ``value`` of ``data_type`` ('s', 'n' or 'f'), as ``ws.cell`` would make it.

    The callers have checked the value (text cleaned of characters XML forbids,
    numbers finite), so openpyxl's type guessing, which turns any text starting
    with '=' into a formula, is skipped.
    """
    cell = Cell(ws, row=row, column=col)
    cell._value = value
    cell.data_type = data_type
    ws._cells[(row, col)] = cell
    return cell


_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[RrCc]\d*|[Rr]\d*[Cc]\d*)$")


def _valid_name(raw: str) -> str:
    """An Excel/LibreOffice defined name from ``raw``: letters, digits and underscores."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", raw)
    if not name or not (name[0].isalpha() or name[0] == "_") or _CELL_LIKE.match(name):
        name = "_" + name
    return name[:200]


# -- saving: openpyxl's writer, with a faster serialisation of the cells --------------------------
class _FastWorksheetWriter(WorksheetWriter):
    """Writes each row's cells as one XML string (openpyxl builds an element tree per cell).

    The XML is the same as openpyxl's (inline strings, formulas without cached
    values, style ids); rows with anything this writer does not handle (comments,
    hyperlinks, dates, rich text, row dimensions) go to openpyxl's own writer.
    """

    def write_row(self, xf, row, row_idx):
        raw = getattr(xf, "_file", None)
        if raw is None or row_idx in self.ws.row_dimensions:
            return super().write_row(xf, row, row_idx)
        parts = [f'<row r="{row_idx}">']
        for cell in row:
            value = cell._value
            if cell._comment is not None or cell.hyperlink is not None:
                return super().write_row(xf, row, row_idx)
            if value is None and not cell.has_style:
                continue
            attrs = f'r="{cell.coordinate}"'
            if cell.has_style:
                attrs += f' s="{cell.style_id}"'
            kind = cell.data_type
            if value is None or value == "":
                parts.append(f"<c {attrs}/>")
            elif kind == "n" and isinstance(value, (int, float)) and not isinstance(value, bool):
                parts.append(f"<c {attrs}><v>{value!r}</v></c>")
            elif kind == "f" and isinstance(value, str):
                parts.append(f"<c {attrs}><f>{_xml_escape(value[1:])}</f><v></v></c>")
            elif kind == "s" and isinstance(value, str):
                space = ' xml:space="preserve"' if value != value.strip() else ""
                parts.append(f'<c {attrs} t="inlineStr"><is><t{space}>{_xml_escape(value)}</t></is></c>')
            else:
                return super().write_row(xf, row, row_idx)
        parts.append("</row>")
        raw("".join(parts))


class _ExcelWriter(ExcelWriter):
    def write_worksheet(self, ws):
        if self.workbook.write_only:
            return super().write_worksheet(ws)
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _FastWorksheetWriter(ws)
        writer.write()
        ws._rels = writer._rels
        self._archive.write(writer.out, ws.path[1:])
        self.manifest.append(ws)
        writer.cleanup()


def save(wb: Workbook, filename: str | Path) -> None:
    """Save ``wb`` like ``Workbook.save``, serialising cells faster (see :class:`_FastWorksheetWriter`)."""
    with ZipFile(filename, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
        _ExcelWriter(wb, archive).write_data()


# -- the standard sheets' writers: shared state and small helpers --------------------------------
class _SheetPlan:
    """State shared by the writers of the standard sheets, and their small helpers.

    :class:`mkba.excel._Plan` combines the writers of each sheet
    (:mod:`mkba.report.excel.inputs`, :mod:`mkba.report.excel.flows`, :mod:`mkba.report.excel.summary`).
    """

    def __init__(self, ctx: Context, wb: Workbook, sheets: dict) -> None:
        self.ctx, self.wb, self.sheets = ctx, wb, sheets
        self.result = ctx.result
        self.model = ctx.result.model
        self.L = ctx.layout
        self.input_names: dict[int, str] = {}  # model input column -> defined name of its cell
        self.item_indexed: dict[str, str] = {}  # price item id -> defined name of its indexed amount
        self.line_names: dict[str, dict[str, str]] = {}  # line id -> parameter -> defined name
        self.line_constant: dict[str, float] = {}  # what our formulas multiply besides inputs
        self.tables = 0

    # -- small helpers --------------------------------------------------------------------
    def table(self, ws, first_row: int, last_row: int, first_col: int, last_col: int, name: str) -> None:
        if last_row <= first_row:  # a table needs at least one data row
            return
        self.tables += 1
        ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
        tab = Table(displayName=f"{name}{self.tables}", ref=ref)
        tab.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
        ws.add_table(tab)

    def header(self, ws, row: int, keys: Sequence[str], col: int = 1) -> None:
        for j, key in enumerate(keys):
            self.ctx.text(ws, row, col + j, self.ctx.label(key), bold=True)

    def title(self, ws, text: str, note: str | None = None) -> None:
        self.ctx.text(ws, 1, 1, text).font = TITLE
        if note:
            self.ctx.text(ws, 2, 1, note)
            self.ctx.widths[(ws.title, 1)] = 14  # the note may overflow to the right

    def lookup(self, year_expr: str) -> str:
        return f"INDEX(idx_value,MATCH({year_expr},idx_year,0))"
