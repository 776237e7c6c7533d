"""The cell layer of the Excel workbook (:mod:`mkba.report.excel.workbook`): formats, styles, safe writers, saving.

* number formats (:data:`EURO`, :data:`PERCENT`, ...) and styles (input fill,
  bold, title, table style);
* :class:`Context`, what every sheet writer gets: the result, the language,
  the :class:`Layout` of the standard sheets, and the safe cell writers. Text a
  user wrote is always written as text, never as a formula (text starting with
  ``=``, ``+``, ``-`` or ``@`` is stored as a string and marked with Excel's
  quote prefix); a number that is NaN or infinite is written as a visible
  ``n.v.t.``, never as an empty cell; defined names are made valid and unique;
* :class:`Book`, the bookkeeping of one workbook that must be unique or
  collected across its sheets (defined names, table names, shared styles,
  column widths); the only mutable part of a :class:`Context`;
* :func:`write_title`, :func:`write_header` and :func:`index_lookup`, small
  helpers of the standard sheets' writers;
* :func:`save`: openpyxl's writer with a faster serialisation of the cells, the
  tables' columns and the defined names, each sheet written in memory: the file
  openpyxl writes, its numbers to every digit (openpyxl writes 16) (tests/
  test_excel_writer.py compares them; :func:`mkba.report.excel.workbook.write_workbook`
  saves through it atomically).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, SupportsFloat
from warnings import warn
from xml.sax.saxutils import escape as _xml_escape
from zipfile import ZIP_DEFLATED, ZipFile

import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.workbook.defined_name import RESERVED, DefinedName
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element

from mkba.pricelist.index import PriceIndex
from mkba.report.vocabulary import label

if TYPE_CHECKING:
    from mkba.result import Result
    from mkba.sib.model import SibResult

#: Number formats.
EURO = '"€" #,##0.00;[Red]"€" -#,##0.00'
EURO0 = '"€" #,##0;[Red]"€" -#,##0'
#: A percentage with a space before the sign, as the report writes it (2,25 %; LibreOffice nl_NL prints it so).
PERCENT = "0.00 %"
FACTOR = "0.000000"
RATIO = "0.00"
NUMBER = "#,##0.####"
YEAR = "0"

#: Text that a spreadsheet would read as the start of a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
#: The narrowest and widest column a sheet gets (characters); a text wider than the widest wraps.
MIN_WIDTH, MAX_WIDTH = 9, 60


def sheet_width(written: int) -> int:
    """The width (characters) of a column whose widest text written is ``written`` characters.

    Examples
    --------
    >>> sheet_width(3), sheet_width(20), sheet_width(200)
    (9, 22, 60)
    """
    return max(MIN_WIDTH, min(written + 2, MAX_WIDTH))


INPUT_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
TABLE_STYLE = "TableStyleLight9"

#: Where a model input's cell is: (sheet title, cell such as ``C7``, defined name).
InputCell = tuple[str, str, str]


# -- layout: where things are, for extensions, tests and reviewers -------------------------------
@dataclass(frozen=True)
class Layout:
    """Where the standard sheets put things (1-based rows, column letters).

    Built by :func:`mkba.report.excel.workbook.build_workbook` from what each
    standard sheet's writer returns; only ``sib`` and ``sensitivity`` are filled
    afterwards, by the sheet writers of those sheets.

    Attributes
    ----------
    sheets : dict
        Sheet key (``summary``, ``inputs``, ``prices``, ``index``, ``flows``) to its title.
    figures : dict
        Figure name (``pv_costs``, ...) to its cell on the summary sheet.
    stakeholder_rows : dict
        Stakeholder to its row in the summary table (columns in ``stakeholder_cols``).
    stakeholder_cols : dict
        Column (``public``, ``pv_costs``, ``pv_benefits``, ``npv``) to its letter in that table.
    fiscal_row, society_row : int
        Rows of the fiscal view and the societal total in that table.
    year_row, discount_row, participants_row : int
        Rows of the years, discount factors and new participants on the flows sheet.
    year_cols : tuple of str
        Column of each year on the flows sheet.
    line_rows : dict
        Line id to its gross-amount row on the flows sheet.
    posting_rows : tuple of (line id, stakeholder, row)
        The flows booked per stakeholder, in the order of ``Model.posting_line``.
    pv_col, pv_pos_col, pv_neg_col : str
        Columns of the present value of a flows-sheet row, of its positive and of its negative part.
    costs_row, benefits_row, net_row, discounted_row, cumulative_row : int
        Rows of the yearly totals on the flows sheet.
    inputs : dict
        Model input name (``effects.x.success``) to (sheet title, cell, defined name).
    sib : dict
        Where the SIB sheet (:mod:`mkba.report.excel.sib`) put things, when it is written.
    sensitivity : dict
        Where the sensitivity sheet (:mod:`mkba.report.excel.sensitivity`) put things, when it is written.
    """

    sheets: Mapping[str, str] = field(default_factory=dict)
    figures: Mapping[str, str] = field(default_factory=dict)
    stakeholder_rows: Mapping[str, int] = field(default_factory=dict)
    stakeholder_cols: Mapping[str, str] = field(default_factory=dict)
    fiscal_row: int = 0
    society_row: int = 0
    year_row: int = 0
    discount_row: int = 0
    participants_row: int = 0
    year_cols: tuple[str, ...] = ()
    line_rows: Mapping[str, int] = field(default_factory=dict)
    posting_rows: tuple[tuple[str, str, int], ...] = ()
    pv_col: str = ""
    pv_pos_col: str = ""
    pv_neg_col: str = ""
    costs_row: int = 0
    benefits_row: int = 0
    net_row: int = 0
    discounted_row: int = 0
    cumulative_row: int = 0
    inputs: Mapping[str, InputCell] = field(default_factory=dict)
    sib: dict[str, Any] = field(default_factory=dict)
    sensitivity: dict[str, Any] = field(default_factory=dict)


@dataclass
class Book:
    """What one workbook's sheets share and must keep unique: names, tables, styles, column widths.

    This is bookkeeping of the file format, not of the calculation: Excel
    requires defined names and table names unique in a workbook, styles are
    cached to be shared, and a column's width is the widest text written in it.
    """

    #: Lower-case defined name -> the name as defined.
    defined: dict[str, str] = field(default_factory=dict)
    #: (sheet title, column) -> characters of its widest cell.
    widths: dict[tuple[str, int], int] = field(default_factory=dict)
    #: (format, input, bold, quote prefix) -> style array to share.
    styles: dict[tuple[str | None, bool, bool, bool], Any] = field(default_factory=dict)
    #: Tables added so far (their number makes each table's name unique).
    tables: int = 0
    #: (wrapped, alignment index it replaces) -> index of the wrapped or top alignment (:mod:`.fit`).
    alignments: dict[tuple[bool, int], int] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What a sheet writer needs: the result, the language, safe writers and the layout.

    Parameters
    ----------
    result : mkba.result.Result
        The point result the workbook shows.
    lang : {'nl', 'en'}
        Language of labels and sheet names.
    index : PriceIndex
        The price index the result was computed with.
    layout : Layout
        Where the standard sheets put things (complete when extra sheet writers run).
    sib : mkba.sib.model.SibResult, optional
        The SIB at the outcome level to show; None: the scenario's ``sib:``
        section at its expected levels (if it has one).
    analysis : mapping, optional
        Tornado, Monte Carlo and break-even results (``mkba run --tornado/--simulate/--break-even``).
    book : Book
        The workbook's names, tables, styles and column widths.
    """

    result: Result
    lang: str
    index: PriceIndex
    layout: Layout = field(default_factory=Layout)
    sib: SibResult | None = None
    analysis: Mapping[str, Any] | None = None
    book: Book = field(default_factory=Book)

    @property
    def widths(self) -> dict[tuple[str, int], int]:
        """(sheet title, column) -> width in characters, applied when the workbook is complete."""
        return self.book.widths

    @property
    def defined(self) -> dict[str, str]:
        """Lower-case defined name -> the defined name, for every name defined so far."""
        return self.book.defined

    # -- labels ---------------------------------------------------------------------------
    def label(self, key: str) -> str:
        """The label of ``key`` in the workbook's language (see :func:`mkba.report.vocabulary.label`)."""
        return label(key, self.lang)

    @property
    def na(self) -> str:
        """The visible text of a missing value (``n.v.t.`` or ``n/a``)."""
        return self.label("xl_na")

    # -- cells ----------------------------------------------------------------------------
    def text(self, ws: Worksheet, row: int, col: int, value: object, *, bold: bool = False) -> Cell | None:
        """Write ``value`` as text, never as a formula.

        Parameters
        ----------
        ws : Worksheet
            The sheet to write on.
        row, col : int
            The cell (1-based).
        value : object
            Written as ``str(value)``; None becomes the visible 'n.v.t.'.
        bold : bool
            Bold font (an empty text is then still written, as a styled cell).

        Returns
        -------
        Cell or None
            The cell, or None when there was nothing to write.
        """
        s = self.na if value is None else str(value)
        if not s and not bold:
            return None  # nothing to show: no cell
        if not s.isprintable():  # only then can it hold a character XML forbids
            s = ILLEGAL_CHARACTERS_RE.sub("\ufffd", s)
        s = s[:32767]
        cell = _new_cell(ws, row, col, s, "s")  # as a string: '=...' would otherwise be a formula
        if s.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True  # and stays text when a user edits it in Excel
        if bold:
            self._style(cell, None, False, True)
        self._width(ws, col, len(s))
        return cell

    def _style(self, cell: Cell, fmt: str | None, is_input: bool, bold: bool) -> None:
        """Give ``cell`` a number format, input fill and bold font (sharing a cached style: fast).

        Cells styled here share one style array per combination, so nothing may restyle such a
        cell afterwards (openpyxl changes a cell's style array in place); titles, which get a font
        later, are written without ``bold`` and keep their own array.
        """
        key = (fmt, is_input, bold, bool(cell.quotePrefix))
        style = self.book.styles.get(key)
        if style is not None:
            cell._style = style
            return
        if fmt:
            cell.number_format = fmt
        if is_input:
            cell.fill = INPUT_FILL
        if bold:
            cell.font = BOLD
        self.book.styles[key] = copy(cell._style)

    def number(
        self,
        ws: Worksheet,
        row: int,
        col: int,
        value: SupportsFloat | str | None,
        fmt: str | None = None,
        *,
        is_input: bool = False,
    ) -> Cell | None:
        """Write a number; NaN, infinity and None become the visible text 'n.v.t.'.

        Parameters
        ----------
        ws : Worksheet
            The sheet to write on.
        row, col : int
            The cell (1-based).
        value : float, int, str or None
            The number (a text is written as text, through :meth:`text`).
        fmt : str, optional
            Number format (:data:`EURO`, :data:`PERCENT`, ...).
        is_input : bool
            Mark the cell as an input a user may change (a blue fill).

        Returns
        -------
        Cell or None
            The cell written.
        """
        if value is None or isinstance(value, str):
            return self.text(ws, row, col, value)
        if not math.isfinite(float(value)):
            return self.text(ws, row, col, None)
        number = int(value) if isinstance(value, (int, np.integer, np.bool_)) else float(value)
        cell = _new_cell(ws, row, col, number, "n")
        if fmt or is_input:
            self._style(cell, fmt, is_input, False)
        self._width(ws, col, 12)
        return cell

    def formula(
        self, ws: Worksheet, row: int, col: int, formula: str, fmt: str | None = None, *, bold: bool = False
    ) -> Cell:
        """Write a formula (our own text only: never pass user text here).

        Parameters
        ----------
        ws : Worksheet
            The sheet to write on.
        row, col : int
            The cell (1-based).
        formula : str
            The formula, starting with ``=``.
        fmt : str, optional
            Number format of its value.
        bold : bool
            Bold font.

        Returns
        -------
        Cell
            The cell written.
        """
        assert formula.startswith("=")
        cell = _new_cell(ws, row, col, formula, "f")
        if fmt or bold:
            self._style(cell, fmt, False, bold)
        self._width(ws, col, 14)
        return cell

    def _width(self, ws: Worksheet, col: int, n: int) -> None:
        key = (ws.title, col)
        if n > self.book.widths.get(key, 0):
            self.book.widths[key] = n

    def cap_width(self, ws: Worksheet, col: int, most: int, least: int = 0) -> None:
        """Keep column ``col`` of ``ws`` between ``least`` and ``most`` characters wide."""
        key = (ws.title, col)
        self.book.widths[key] = min(max(self.book.widths.get(key, 0), least), most)

    # -- names and tables -----------------------------------------------------------------
    def define(self, wb: Workbook, name: str, ws: Worksheet, ref: str) -> str:
        """Define a workbook-level name for ``ref`` on ``ws``.

        Parameters
        ----------
        wb : Workbook
            The workbook.
        name : str
            The name wanted; made valid (letters, digits, underscores) and unique
            (``_2``, ``_3``, ... appended).
        ws : Worksheet
            The sheet of ``ref``.
        ref : str
            A cell or range such as ``B5`` or ``A4:A20`` (made absolute).

        Returns
        -------
        str
            The name actually defined.
        """
        name = _valid_name(name)
        base, n = name, 2
        while name.lower() in self.book.defined:
            name, n = f"{base}_{n}", n + 1
        self.book.defined[name.lower()] = name
        absolute = _CELL_REF.sub(_absolute, ref)
        wb.defined_names[name] = _defined_name(name, f"{quote_sheetname(ws.title)}!{absolute}")
        return name

    def ref(self, sheet_key: str, cell: str) -> str:
        """An absolute reference to ``cell`` (e.g. ``B7``) on the standard sheet ``sheet_key`` (e.g. ``summary``)."""
        found = re.fullmatch(r"([A-Z]+)(\d+)", cell)
        if found is None:
            raise ValueError(f"not a cell such as B7: {cell!r}")
        col, row = found.groups()
        return f"{quote_sheetname(self.layout.sheets[sheet_key])}!${col}${row}"

    def table(
        self, ws: Worksheet, first_row: int, last_row: int, first_col: int, last_col: int, name: str
    ) -> None:
        """Format a range as an Excel table named ``name`` and a number unique in the workbook.

        Nothing is added when the range has no data row below its header row ``first_row``.
        """
        if last_row <= first_row:  # a table needs at least one data row
            return
        self.book.tables += 1
        ref = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
        tab = Table(displayName=f"{name}{self.book.tables}", ref=ref)
        tab.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
        ws.add_table(tab)


# -- small helpers of the sheet writers -------------------------------------------------------------
@dataclass
class Rows:
    """The row a sheet writer is at: a cursor owned by one writer, never shared between sheets."""

    row: int = 0

    def next(self, n: int = 1) -> int:
        """Move ``n`` rows down; returns the new row."""
        self.row += n
        return self.row


def write_header(ctx: Context, ws: Worksheet, row: int, keys: Sequence[str], col: int = 1) -> None:
    """A bold header row: the label of each of ``keys``, from column ``col`` on."""
    for j, key in enumerate(keys):
        ctx.text(ws, row, col + j, ctx.label(key), bold=True)


def write_title(ctx: Context, ws: Worksheet, text: str, note: str | None = None) -> None:
    """The sheet's title in A1 (large, bold) and an optional note in A2."""
    cell = ctx.text(ws, 1, 1, text)
    if cell is not None:
        cell.font = TITLE
    if note:
        ctx.text(ws, 2, 1, note)
        ctx.widths[(ws.title, 1)] = 14  # the note may overflow to the right


def index_lookup(year_expr: str) -> str:
    """The price index level of the year ``year_expr`` (a formula without ``=``), from the *Index* sheet."""
    return f"INDEX(idx_value,MATCH({year_expr},idx_year,0))"


def _new_cell(ws: Worksheet, row: int, col: int, value: str | float, data_type: str) -> Cell:
    """A new cell holding ``value`` of ``data_type`` ('s', 'n' or 'f'), as ``ws.cell`` would make it.

    The callers have checked the value (text cleaned of characters XML forbids,
    numbers finite), so openpyxl's type guessing, which turns any text starting
    with '=' into a formula, is skipped; so is ``Cell.__init__``: its slots are set
    here, as it sets them (a workbook makes thousands of cells).
    """
    cell = _NEW(Cell)
    cell.parent, cell._style, cell.row, cell.column = ws, None, row, col
    cell._value, cell.data_type, cell._hyperlink, cell._comment = value, data_type, None, None
    ws._cells[(row, col)] = cell
    if row > ws._current_row:  # as ws.cell keeps it: ws.iter_rows() is empty while it is 0
        ws._current_row = row
    return cell


_NEW = Cell.__new__
#: A cell in a reference (``B5``, ``A4`` in ``A4:A20``), made absolute by :meth:`Context.define`.
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


class _Name(DefinedName):
    """A workbook-level defined name as :meth:`Context.define` makes it: a name and a reference.

    Written as openpyxl writes a :class:`DefinedName`, without its generic serialisation (a
    workbook defines hundreds); one given any other field is written by openpyxl's.
    """

    def to_tree(self, tagname=None, idx=None, namespace=None):
        fields = self.__dict__
        if tagname not in (None, self.tagname) or any(fields[key] is not None for key in _OTHER_FIELDS):
            return super().to_tree(tagname, idx, namespace)
        name = fields["name"]
        el = Element(self.tagname, {"name": f"_xlnm.{name}" if name in RESERVED else name})
        el.text = fields["attr_text"]
        return el


#: The fields of a defined name besides its name and its reference.
_OTHER_FIELDS = tuple(key for key in DefinedName.__attrs__ if key not in ("name", "attr_text"))
#: What ``DefinedName(name, attr_text=...)`` holds but its name and reference (every other field None).
_NAME_FIELDS = DefinedName("_", attr_text="_").__dict__


def _absolute(found: re.Match) -> str:
    return f"${found.group(1)}${found.group(2)}"


def _defined_name(name: str, text: str) -> DefinedName:
    """``DefinedName(name, attr_text=text)``, without its 16 checked assignments (a workbook defines hundreds).

    ``name`` is a valid name (:func:`_valid_name`) and ``text`` a reference: what the checks allow.
    """
    made = _Name.__new__(_Name)
    made.__dict__.update(_NAME_FIELDS, name=name, attr_text=text)
    return made


_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[RrCc]\d*|[Rr]\d*[Cc]\d*)$")


def _valid_name(raw: str) -> str:
    """An Excel/LibreOffice defined name from ``raw``: letters, digits and underscores."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", raw)
    if not name or not (name[0].isalpha() or name[0] == "_") or _CELL_LIKE.match(name):
        name = "_" + name
    return name[:200]


# -- saving: openpyxl's writer, with a faster serialisation of the cells --------------------------
# openpyxl's own Workbook.save writes the same file (tests/test_excel_writer.py compares them part by
# part); what it does per cell, per defined name and per table cell, this does once per style,
# column, name or header (benchmarks/bench_excel.py).
class _FastWorksheetWriter(WorksheetWriter):
    """Writes each row's cells as one XML string (openpyxl builds an element tree per cell).

    The XML is the same as openpyxl's (inline strings, formulas without cached values, style
    ids, row heights); a row with anything this writer does not handle (comments, hyperlinks,
    dates, rich text) goes to openpyxl's own writer. Work openpyxl does per cell is done once per
    style and per column here: a style's id is looked up once per style array, a column's letter
    once per column; the cells are ordered by their coordinates alone, and a table's column
    names are read from its header row only (openpyxl makes every cell of the table's range).
    """

    def __init__(self, ws: Worksheet, out: BytesIO) -> None:
        super().__init__(ws, out)
        self._styles: dict[int, tuple[Any, str]] = {}  # id of a style array -> (it, ' s="7"' or '')
        self._letters: dict[int, str] = {}

    def rows(self):
        """The rows in order, each with its cells in order (and the empty rows that have a height)."""
        cells = self.ws._cells
        rows: dict[int, list[Cell]] = {}
        for key in sorted(cells):  # the coordinates alone: pairs of ints sort fast
            found = rows.get(key[0])
            if found is None:
                found = rows[key[0]] = []
            found.append(cells[key])
        for row in self.ws.row_dimensions.keys() - rows.keys():
            rows[row] = []
        return sorted(rows.items())

    def write_row(self, xf, row, row_idx):
        raw = getattr(xf, "_file", None)
        if raw is None:
            return super().write_row(xf, row, row_idx)
        dim = self.ws.row_dimensions.get(row_idx)
        parts = [_row_start(row_idx, dim)]
        for cell in row:
            xml = self._cell_xml(cell)
            if xml is None:
                return super().write_row(xf, row, row_idx)
            parts.append(xml)
        parts.append("</row>")
        raw("".join(parts))
        return None

    def _cell_xml(self, cell: Cell) -> str | None:
        """The XML of one cell as openpyxl writes it; '' for nothing to write; None for openpyxl's writer."""
        if cell.__class__ is Cell and (cell._comment is not None or cell._hyperlink is not None):
            return None
        value, style = cell._value, cell._style
        if style is None:
            if value is None:
                return ""
            styled = ""
        else:
            known = self._styles.get(id(style))
            if known is None:
                sid = self.ws.parent._cell_styles.add(style) if any(style) else None
                known = self._styles[id(style)] = (style, "" if sid is None else f' s="{sid}"')
            styled = known[1]
            if value is None and not styled:
                return ""
        col = cell.column
        letter = self._letters.get(col)
        if letter is None:
            letter = self._letters[col] = get_column_letter(col)
        attrs = f'r="{letter}{cell.row}"{styled}'
        kind = cell.data_type
        if value is None or value == "":  # as openpyxl: its type, as an inline string for text
            typed = _EMPTY_TYPE.get(kind, f' t="{kind}"')
            return f"<c {attrs}{typed}/>"
        if kind == "n" and (value.__class__ is float or value.__class__ is int):
            return f'<c {attrs} t="n"><v>{value!r}</v></c>'
        if kind == "f" and value.__class__ is str:
            return f"<c {attrs}><f>{_xml_escape(value[1:])}</f><v></v></c>"
        if kind == "s" and value.__class__ is str:
            space = ' xml:space="preserve"' if value != value.strip() else ""
            return f'<c {attrs} t="inlineStr"><is><t{space}>{_xml_escape(value)}</t></is></c>'
        return None

    def write_tables(self):
        """The tables, their columns named from their header rows (as openpyxl names them)."""
        for table in self.ws.tables.values():
            if not table.tableColumns:
                _name_columns(self.ws, table)
        return super().write_tables()


#: The type attribute of an empty cell, as openpyxl writes it: text as an inline string, none for a formula.
_EMPTY_TYPE = {"s": ' t="inlineStr"', "f": ""}


def _row_start(row_idx: int, dim: Any) -> str:
    """A row's start tag as openpyxl writes it: its number and, if it has them, its height and format."""
    if dim is None:
        return f'<row r="{row_idx}">'
    attrs = "".join(f' {key}="{_xml_escape(value, {chr(34): "&quot;"})}"' for key, value in dim)
    return f'<row r="{row_idx}"{attrs}>'


def _name_columns(ws: Worksheet, table: Table) -> None:
    """Give ``table`` its columns, named from the cells of its header row, as openpyxl's writer does."""
    table._initialise_columns()
    if not table.headerRowCount:
        return
    min_col, min_row, max_col, _ = range_boundaries(table.ref)
    for col, column in zip(range(min_col, max_col + 1), table.tableColumns, strict=True):
        cell = ws._cells.get((min_row, col))
        if cell is None or cell.data_type != "s":
            warn("File may not be readable: column headings must be strings.", stacklevel=2)
        column.name = str(None if cell is None else cell.value)


class _ExcelWriter(ExcelWriter):
    """openpyxl's writer of a workbook, each sheet through :class:`_FastWorksheetWriter` and in memory."""

    def write_worksheet(self, ws):
        if self.workbook.write_only:
            return super().write_worksheet(ws)
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _FastWorksheetWriter(ws, BytesIO())  # in memory, not through a temporary file
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.out.getvalue())
        self.manifest.append(ws)


def save(wb: Workbook, filename: str | Path | IO[bytes]) -> None:
    """Save ``wb`` like ``Workbook.save`` (the same file), faster (see :class:`_FastWorksheetWriter`).

    Parameters
    ----------
    wb : Workbook
        The workbook to save.
    filename : str, Path or binary file
        Where to write the ``.xlsx`` file.
    """
    with ZipFile(filename, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
        _ExcelWriter(wb, archive).write_data()
