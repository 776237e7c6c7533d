"""The auditable Excel workbook of a result (``mkba run --xlsx``, :meth:`Result.to_excel`).

Every figure in the workbook is a live formula over the inputs, so that a
reviewer can follow (and change) the calculation in a spreadsheet:

* *Samenvatting* / *Summary*: the figures of METHOD.md section 5, the table
  "wie betaalt, wie profiteert" (with the fiscal view and the societal total),
  the provenance of the result and two native charts;
* *Uitgangspunten* / *Inputs*: every input as a named cell (discount rate,
  base year, price year, participants per year, stakeholders, each line's
  parameters); a distribution is written as its mean with its description;
* *Prijslijst* / *Prices*: the price items used, their amount and price year
  (inputs) and their indexed amount as a formula over the *Index* sheet;
* *Index*: the price index series (and, with an assumed inflation, the years
  beyond it as formulas);
* *Kasstromen* / *Cashflows*: discount factors, participants, each line's
  gross yearly amount, the flows booked per stakeholder, their present values
  and the yearly totals, all as formulas.

The formulas reproduce :meth:`mkba.engine.Model.evaluate` and
:func:`mkba.result.figures` exactly; ``docs/excel.md`` explains how to audit
them. The discount factor is ``(1 + r) ^ -(year - base_year)``: flows in the
base year are not discounted (Excel's ``NPV`` is not used, because it
discounts its first value).

Safety: text a user wrote (a label, a name, a source) is always written as
text, never as a formula (text starting with ``=``, ``+``, ``-`` or ``@`` is
stored as a string and marked with Excel's quote prefix); a number that is
NaN or infinite is written as a visible ``n.v.t.``, never as an empty cell.

Extension point: :func:`build_workbook` takes ``sheet_writers``, functions
``writer(workbook, context)`` called after the standard sheets are written; a
writer may add sheets, defined names and rows, using the :class:`Context`
(labels, safe cell writers, the :class:`Layout` of the standard sheets). The
writers in :data:`SHEET_WRITERS` run for every workbook (each decides itself
whether the result needs its sheet, e.g. a SIB sheet only when the scenario
has a SIB). Two are registered here: the *SIB* sheet (:mod:`mkba.excel_sib`,
``sib=``) and the *Gevoeligheid* sheet (:mod:`mkba.excel_sensitivity`,
``analysis=``).
"""

from __future__ import annotations

import datetime as dt
import math
from copy import copy
import re
from xml.sax.saxutils import escape as _xml_escape
from zipfile import ZIP_DEFLATED, ZipFile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.writer.excel import ExcelWriter

from .engine import IDENTITY
from .errors import MkbaError
from .fileio import write_atomic
from .index import PriceIndex, default_index
from .labels import label
from .units import conversion_factor

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

SheetWriter = Callable[[Workbook, "Context"], None]

#: Writers of extra sheets, run for every workbook after the standard sheets (see module docstring).
SHEET_WRITERS: list[SheetWriter] = []


def register_sheet_writer(writer: SheetWriter) -> SheetWriter:
    """Add ``writer(workbook, context)`` to the writers run for every workbook (usable as a decorator)."""
    if writer not in SHEET_WRITERS:
        SHEET_WRITERS.append(writer)
    return writer


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
    #: Where the SIB sheet (:mod:`mkba.excel_sib`) put things, when it is written.
    sib: dict = field(default_factory=dict)
    #: Where the sensitivity sheet (:mod:`mkba.excel_sensitivity`) put things, when it is written.
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
        """Give ``cell`` a number format, input fill and bold font (copying a cached style: fast)."""
        key = (fmt, is_input, bold, cell.quotePrefix)
        style = self._styles.get(key)
        if style is not None:
            cell._style = copy(style)
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


def _describe(value) -> str:
    """Text describing a distribution: its parameters and its mean."""
    params = {k: v for k, v in value.model_dump().items() if k != "dist" and v is not None}
    inner = ", ".join(f"{k}={v:g}" if isinstance(v, (int, float)) else f"{k}={v}" for k, v in params.items())
    return f"{value.dist}({inner}); mean = {value.mean:.10g}"


# -- the workbook --------------------------------------------------------------------------------
def write_workbook(result, path: str | Path, lang: str = "nl", *,
                   sheet_writers: Sequence[SheetWriter] = (), index: PriceIndex | None = None,
                   sib=None, analysis: dict | None = None) -> Path:
    """Write the auditable workbook of ``result`` to ``path`` (atomically).

    Parameters
    ----------
    result : mkba.result.Result
        The point result to export.
    path : str or Path
        The ``.xlsx`` file to write.
    lang : {'nl', 'en'}
        Language of sheet names and labels.
    sheet_writers : sequence of callables
        Extra ``writer(workbook, context)`` run after the standard sheets (and
        after those in :data:`SHEET_WRITERS`).
    index : PriceIndex, optional
        The price index the result was computed with (default: the bundled one).
    sib : mkba.sib.SibResult, optional
        The SIB at an outcome level for the *SIB* sheet (default: the scenario's
        ``sib:`` section at its expected levels; no sheet without one).
    analysis : dict, optional
        ``tornado`` (DataFrame), ``simulation`` (:class:`mkba.uncertainty.Simulation`)
        and ``break_even`` (list of dicts) for the *Gevoeligheid* sheet (default:
        what ``result.extra`` holds of them).

    Returns
    -------
    Path
    """
    wb, _ = build_workbook(result, lang, sheet_writers=sheet_writers, index=index, sib=sib, analysis=analysis)
    return write_atomic(path, lambda tmp: save(wb, tmp))


def build_workbook(result, lang: str = "nl", *, sheet_writers: Sequence[SheetWriter] = (),
                   index: PriceIndex | None = None, sib=None,
                   analysis: dict | None = None) -> tuple[Workbook, Context]:
    """The workbook of ``result`` and its :class:`Context` (with the :class:`Layout`), unsaved."""
    lang = "en" if lang == "en" else "nl"
    model = result.model
    if index is None:
        index = default_index()
        if model.index_name != index.name:
            raise MkbaError(f"the result was computed with the price index {model.index_name!r}; "
                            "pass that index to write the workbook")
    if model.scenario.assumed_inflation is not None and index.assumed_inflation is None:
        index = index.with_assumed_inflation(model.scenario.assumed_inflation)
    ctx = Context(result, lang, index, sib=sib, analysis=analysis)
    for key in ("summary", "inputs", "prices", "index", "flows"):
        ctx.layout.sheets[key] = ctx.label(f"xl_sheet_{key}")
    wb = Workbook()
    ws_summary = wb.active
    ws_summary.title = ctx.layout.sheets["summary"]
    sheets = {"summary": ws_summary}
    for key in ("inputs", "prices", "index", "flows"):
        sheets[key] = wb.create_sheet(ctx.layout.sheets[key])
    wb.calculation.fullCalcOnLoad = True  # openpyxl stores no computed values
    plan = _Plan(ctx, wb, sheets)
    plan.index_sheet()
    plan.inputs_general()
    plan.price_sheet()
    plan.inputs_lines()
    plan.flows_sheet()
    plan.summary_sheet()
    for writer in (*SHEET_WRITERS, *sheet_writers):
        writer(wb, ctx)
    for (title, col), n in ctx.widths.items():
        wb[title].column_dimensions[get_column_letter(col)].width = max(9, min(n + 2, 60))
    return wb, ctx


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
        wb.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)
        _ExcelWriter(wb, archive).write_data()


class _Plan:
    """Writes the standard sheets in dependency order (names first, formulas after)."""

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

    # -- Index ----------------------------------------------------------------------------
    def index_sheet(self) -> None:
        ctx, ws, idx = self.ctx, self.sheets["index"], self.ctx.index
        m, s = self.model, self.model.scenario
        needed = {m.price_year, self._stated_price_year(), *(it.price_year for it in self._items().values())}
        for line in (*s.costs, *s.volunteers):
            if getattr(line, "price_year", None) is not None:
                needed.add(line.price_year)
            value = getattr(line, "value", None)
            if value is not None and not isinstance(value, str) and value.price_year is not None:
                needed.add(value.price_year)
        for line in s.effects:
            if line.price is not None and line.price.price_year is not None:
                needed.add(line.price.price_year)
        first, last = min(idx.first_year, *needed), max(idx.last_year, *needed)
        self.title(ws, f"{ctx.label('xl_price_index')}: {idx.name}")
        head = 3
        self.header(ws, head, ["year", "xl_index_value", "xl_explanation"])
        row = head
        for year in range(first, last + 1):
            row += 1
            ctx.number(ws, row, 1, year, YEAR)
            if idx.first_year <= year <= idx.last_year:
                ctx.number(ws, row, 2, float(idx.level(year)), "0.00##", is_input=True)
                ctx.text(ws, row, 3, idx.name)
            elif year > idx.last_year:
                ctx.formula(ws, row, 2, f"=B{row - 1}*(1+assumed_inflation)", "0.00##")
                ctx.text(ws, row, 3, ctx.label("xl_assumed"))
            else:
                pass  # written below, from the first year of the series backwards
        for year in range(idx.first_year - 1, first - 1, -1):
            r = head + 1 + (year - first)
            ctx.formula(ws, r, 2, f"=B{r + 1}/(1+assumed_inflation)", "0.00##")
            ctx.text(ws, r, 3, ctx.label("xl_assumed"))
        self.table(ws, head, row, 1, 3, "Index")
        self.ctx.define(self.wb, "idx_year", ws, f"A{head + 1}:A{row}")
        self.ctx.define(self.wb, "idx_value", ws, f"B{head + 1}:B{row}")
        meta = idx.meta
        info = [("xl_price_index", idx.name)]
        if meta is not None:
            info += [("xl_label", meta.title), ("xl_source", meta.source.title),
                     ("xl_url", meta.source.url), ("xl_where", meta.source.where)]
        for i, (key, value) in enumerate(info):
            ctx.text(ws, head + i, 5, ctx.label(key), bold=True)
            ctx.text(ws, head + i, 6, value)
        ws.freeze_panes = f"A{head + 1}"

    # -- Uitgangspunten: general, participants, stakeholders ------------------------------
    def inputs_general(self) -> None:
        ctx, ws, m = self.ctx, self.sheets["inputs"], self.model
        s = m.scenario
        self.title(ws, f"{ctx.label('xl_sheet_inputs')}: {s.name}", ctx.label("xl_note_inputs"))
        keys = ["xl_part", "xl_parameter", "xl_value", "xl_explanation", "xl_name"]
        self.row = 4
        self.header(ws, self.row, keys)
        start = self.row
        general = ctx.label("xl_general")

        def put(param: str, value, fmt: str | None, name: str | None, note=None, is_input=True,
                formula: str | None = None, input_col: int | None = None) -> str | None:
            self.row += 1
            r = self.row
            ctx.text(ws, r, 1, general)
            ctx.text(ws, r, 2, param)
            if formula is not None:
                ctx.formula(ws, r, 3, formula, fmt)
            elif isinstance(value, str):
                ctx.text(ws, r, 3, value)
            else:
                ctx.number(ws, r, 3, value, fmt, is_input=is_input)
            ctx.text(ws, r, 4, note if note is not None else "")
            if name is None:
                ctx.text(ws, r, 5, "")
                return None
            used = ctx.define(self.wb, name, ws, f"C{r}")
            ctx.text(ws, r, 5, used)
            if input_col is not None:
                self.input_names[input_col] = used
                self.L.inputs[m.inputs[input_col].name] = (ws.title, f"C{r}", used)
            return used

        put(ctx.label("xl_scenario_name"), s.name, None, None)
        put(ctx.label("xl_start_year"), s.start_year, YEAR, "start_year", is_input=False)
        put(ctx.label("xl_horizon"), s.horizon, YEAR, "horizon", is_input=False)
        put(ctx.label("xl_end_year"), None, YEAR, "end_year", formula="=start_year+horizon-1")
        put(ctx.label("base_year"), m.base_year, YEAR, "base_year",
            note=m.defaults.get("base_year", ""))
        put(ctx.label("price_year"), m.price_year, YEAR, "price_year", note=m.defaults.get("price_year", ""))
        rate = m.inputs[m.discount_col]
        note = _describe(rate.value) + f" ({ctx.label('xl_mean_of')})" if rate.uncertain else \
            m.defaults.get("discount_rate", "")
        put(ctx.label("discount_rate").capitalize(), rate.base, PERCENT, "discount_rate", note=note,
            input_col=m.discount_col)
        if ctx.index.assumed_inflation is not None:
            put(ctx.label("xl_assumed_inflation"), float(ctx.index.assumed_inflation), PERCENT,
                "assumed_inflation")
        put(ctx.label("xl_price_index"), m.index_name, None, None)
        put(ctx.label("pricelist"), m.pricelist.ref, None, None)
        self.table(ws, start, self.row, 1, 5, "Algemeen")

        # participants: one named cell per year of the horizon (0 where the scenario has none)
        self.row += 2
        self.header(ws, self.row, ["year", "xl_participants", "xl_value", "xl_explanation", "xl_name"])
        start = self.row
        self.participant_names = []
        cols = m.participant_cols
        for year in m.years.tolist():
            self.row += 1
            r = self.row
            ctx.number(ws, r, 1, year, YEAR)
            ctx.text(ws, r, 2, ctx.label("xl_participants"))
            col = cols.get(year)
            value = m.inputs[col].base if col is not None else 0.0
            ctx.number(ws, r, 3, value, NUMBER, is_input=True)
            ctx.text(ws, r, 4, _describe(m.inputs[col].value) + f" ({ctx.label('xl_mean_of')})"
                     if col is not None and m.inputs[col].uncertain else "")
            used = ctx.define(self.wb, f"participants_{year}", ws, f"C{r}")
            ctx.text(ws, r, 5, used)
            self.participant_names.append(used)
            if col is not None:
                self.input_names[col] = used
                self.L.inputs[m.inputs[col].name] = (ws.title, f"C{r}", used)
        self.table(ws, start, self.row, 1, 5, "Deelnemers")

        # stakeholders and whether they are public
        self.row += 2
        self.header(ws, self.row, ["stakeholder", "xl_parameter", "xl_public_flag", "xl_label", "xl_name"])
        start = self.row
        self.public_cells = {}
        for k, name in enumerate(m.stakeholders):
            self.row += 1
            r = self.row
            spec = s.stakeholders.get(name)
            ctx.text(ws, r, 1, name)
            ctx.text(ws, r, 2, ctx.label("public"))
            ctx.number(ws, r, 3, int(bool(m.public[k])), "0", is_input=True)
            text = None if spec is None else (spec.label_en if ctx.lang == "en" and spec.label_en else spec.label)
            ctx.text(ws, r, 4, text or "")
            used = ctx.define(self.wb, f"public_{name}", ws, f"C{r}")
            ctx.text(ws, r, 5, used)
            self.public_cells[name] = used
        self.table(ws, start, self.row, 1, 5, "Partijen")

    # -- Prijslijst -----------------------------------------------------------------------
    def _items(self) -> dict:
        m = self.model
        used = {}
        for line in (*m.scenario.costs, *m.scenario.effects):
            if line.item is not None:
                used[line.item] = m.pricelist.items[line.item]
        for line in m.scenario.volunteers:
            if isinstance(line.value, str):
                used[line.value] = m.pricelist.items[line.value]
        return used

    def price_sheet(self) -> None:
        ctx, ws, m = self.ctx, self.sheets["prices"], self.model
        pl = m.pricelist
        self.title(ws, f"{ctx.label('pricelist')}: {pl.title} ({pl.ref})", ctx.label("xl_note_inputs"))
        keys = ["xl_item", "xl_label", "xl_unit", "xl_amount", "xl_item_price_year", "xl_index_item",
                "xl_index_target", "xl_index_factor", "xl_indexed", "xl_payer", "xl_nature", "xl_recipient",
                "xl_confidence", "xl_source", "xl_url", "xl_where", "xl_uncertainty", "xl_origin", "xl_name"]
        head = 4
        self.header(ws, head, keys)
        row = head
        price_cols = {inp.name[len("price."):]: j for j, inp in enumerate(m.inputs) if inp.name.startswith("price.")}
        for item_id, item in self._items().items():
            row += 1
            r = row
            j = price_cols[item_id]
            ctx.text(ws, r, 1, item_id)
            ctx.text(ws, r, 2, item.label_en if ctx.lang == "en" and item.label_en else item.label)
            ctx.text(ws, r, 3, item.unit)
            ctx.number(ws, r, 4, m.inputs[j].base, EURO, is_input=True)
            ctx.number(ws, r, 5, item.price_year, YEAR, is_input=True)
            ctx.formula(ws, r, 6, "=" + self.lookup(f"E{r}"), "0.00##")
            ctx.formula(ws, r, 7, "=" + self.lookup("price_year"), "0.00##")
            ctx.formula(ws, r, 8, f"=G{r}/F{r}", FACTOR)
            ctx.formula(ws, r, 9, f"=D{r}*H{r}", EURO)
            ctx.text(ws, r, 10, item.payer)
            ctx.text(ws, r, 11, item.nature)
            ctx.text(ws, r, 12, item.transfer_recipient or "")
            ctx.number(ws, r, 13, item.confidence, "0")
            ctx.text(ws, r, 14, item.source.title)
            ctx.text(ws, r, 15, item.source.url or "")
            ctx.text(ws, r, 16, item.source.where or "")
            unc = m.inputs[j]
            ctx.text(ws, r, 17, (f"low {item.low:g}, high {item.high:g}: " + _describe(unc.value) +
                                 f" ({ctx.label('xl_mean_of')})") if unc.uncertain else "")
            ctx.text(ws, r, 18, pl.origin.get(item_id, pl.ref))
            amount = ctx.define(self.wb, f"item_{item_id}", ws, f"D{r}")
            ctx.define(self.wb, f"item_{item_id}_price_year", ws, f"E{r}")
            self.item_indexed[item_id] = ctx.define(self.wb, f"item_{item_id}_indexed", ws, f"I{r}")
            ctx.text(ws, r, 19, f"{amount}, {self.item_indexed[item_id]}")
            self.input_names[j] = amount
            self.L.inputs[m.inputs[j].name] = (ws.title, f"D{r}", amount)
            self.ctx.widths[(ws.title, 14)] = min(self.ctx.widths.get((ws.title, 14), 0), 50)
        self.table(ws, head, row, 1, len(keys), "Prijslijst")
        ws.freeze_panes = f"B{head + 1}"

    # -- Uitgangspunten: lines --------------------------------------------------------------
    def inputs_lines(self) -> None:
        ctx, ws, m = self.ctx, self.sheets["inputs"], self.model
        s = m.scenario
        self.row += 2
        ctx.text(ws, self.row, 1, ctx.label("xl_lines"), bold=True)
        self.row += 1
        self.header(ws, self.row, ["line", "xl_parameter", "xl_value", "xl_explanation", "xl_name"])
        start = self.row
        specs = [*s.costs, *s.effects, *s.volunteers]
        by_name = {inp.name: j for j, inp in enumerate(m.inputs)}
        for line, spec in zip(m.lines, specs):
            assert line.id == spec.id
            names: dict[str, str] = {}
            self.line_names[line.id] = names
            prefix = {"cost": "costs", "effect": "effects", "volunteer": "volunteers"}[line.group]

            def put(param: str, value=None, fmt=None, *, key: str | None = None, note="", formula=None,
                    is_input=False, input_name: str | None = None) -> None:
                self.row += 1
                r = self.row
                ctx.text(ws, r, 1, line.id)
                shown = label(f"xl_p_{param}", ctx.lang)
                ctx.text(ws, r, 2, param if shown == f"xl_p_{param}" else f"{shown} ({param})")
                j = by_name.get(input_name) if input_name else None
                if j is not None:
                    inp = m.inputs[j]
                    ctx.number(ws, r, 3, inp.base, fmt, is_input=True)
                    if inp.uncertain:
                        note = _describe(inp.value) + f" ({ctx.label('xl_mean_of')})"
                elif formula is not None:
                    ctx.formula(ws, r, 3, formula, fmt)
                elif isinstance(value, str) or value is None:
                    ctx.text(ws, r, 3, value)
                else:
                    ctx.number(ws, r, 3, value, fmt, is_input=is_input)
                ctx.text(ws, r, 4, note)
                if key is None:
                    ctx.text(ws, r, 5, "")
                    return
                used = ctx.define(self.wb, f"{prefix}_{line.id}_{key}", ws, f"C{r}")
                names[key] = used
                ctx.text(ws, r, 5, used)
                if j is not None:
                    self.input_names[j] = used
                    self.L.inputs[input_name] = (ws.title, f"C{r}", used)

            base = f"{prefix}.{line.id}"
            put(ctx.label("xl_label"), spec.label or line.id)
            put(ctx.label("xl_kind"), line.kind)
            constant = 1.0
            if line.group == "cost":
                put(ctx.label("xl_payer"), spec.payer)
                put("per", spec.per)
                if spec.item is not None:
                    put(ctx.label("xl_item"), spec.item)
                    put("quantity", None, NUMBER, key="quantity", input_name=f"{base}.quantity")
                else:
                    put("amount", None, EURO, key="amount", input_name=f"{base}.amount")
                    self._price_year(put, spec.price_year, key="price_year")
                    constant = self._index_factor(put, spec.price_year)
                self._timing(put, spec, line)
            elif line.group == "effect":
                item = m.pricelist.items[spec.item] if spec.item is not None else None
                payer = item.payer if item is not None else (spec.price.payer or spec.beneficiary)
                put(ctx.label("xl_payer"), payer)
                put("beneficiary", spec.beneficiary or payer)
                if item is not None and item.transfer_recipient:
                    put(ctx.label("xl_recipient"), item.transfer_recipient, note="transfer")
                unit = item.unit if item is not None else spec.price.unit
                if item is not None:
                    put(ctx.label("xl_item"), spec.item)
                else:
                    put("price", None, EURO, key="price", input_name=f"{base}.price",
                        note=spec.price.label or "")
                    self._price_year(put, spec.price.price_year, key="price_year")
                    constant = self._index_factor(put, spec.price.price_year)
                conv = conversion_factor(spec.unit or unit, unit)
                put(ctx.label("xl_unit"), f"{spec.unit or unit} -> {unit}")
                put("unit_factor", conv, "0.000000####", key="unit_factor",
                    note="1 year = 12 months = 52 weeks = 365 days")
                constant *= conv
                for param, fmt in (("quantity", NUMBER), ("success", PERCENT), ("deadweight", PERCENT),
                                   ("attribution", PERCENT), ("displacement", PERCENT),
                                   ("optimism_bias", PERCENT), ("drop_off", PERCENT)):
                    put(param, None, fmt, key=param, input_name=f"{base}.{param}")
                if spec.per == "year":  # at area level: every year of the range, drop-off from its first
                    put("per", spec.per)
                    self._timing(put, spec, line)
                else:
                    put("lag", spec.lag, "0", key="lag", is_input=True)
                    put("duration", spec.duration, "0", key="duration", is_input=True)
            else:
                put("as", spec.as_)
                if spec.as_ == "benefit":
                    put("beneficiary", spec.beneficiary or "samenleving")
                put("per", spec.per)
                put("hours", None, NUMBER, key="hours", input_name=f"{base}.hours")
                if isinstance(spec.value, str):
                    put(ctx.label("xl_item"), spec.value)
                else:
                    put("value", None, EURO, key="value", input_name=f"{base}.value")
                    self._price_year(put, spec.value.price_year, key="price_year")
                    constant = self._index_factor(put, spec.value.price_year)
                self._timing(put, spec, line)
            self.line_constant[line.id] = constant
        self.table(ws, start, self.row, 1, 5, "Regels")
        ws.freeze_panes = "A5"

    def _stated_price_year(self) -> int:
        """The price year of amounts the scenario states without one: the scenario's own price year
        (FORMATS.md), also when the run reports in another (an override), else the index's newest year."""
        s = self.model.scenario
        return s.price_year if s.price_year is not None else self.ctx.index.last_year

    def _price_year(self, put, year, key: str) -> None:
        if year is None:
            put(self.ctx.label("xl_item_price_year"), self._stated_price_year(), YEAR, key=key, is_input=True,
                note=self.ctx.label("xl_stated_price_year"))
        else:
            put(self.ctx.label("xl_item_price_year"), year, YEAR, key=key, is_input=True)

    def _index_factor(self, put, year) -> float:
        """Index factor cell of a line's own amount; returns its value (to check against the core)."""
        names = self._current_names()
        put(self.ctx.label("xl_index_factor"), None, FACTOR, key="index_factor",
            formula=f"={self.lookup('price_year')}/{self.lookup(names['price_year'])}")
        y = year if year is not None else self._stated_price_year()
        return float(self.ctx.index.factor(y, self.model.price_year))

    def _current_names(self) -> dict[str, str]:
        return list(self.line_names.values())[-1]

    def _timing(self, put, spec, line) -> None:
        if line.cohort is None:
            first = spec.year if spec.year is not None else spec.years[0]
            last = spec.year if spec.year is not None else spec.years[1]
            note = "drop-off from this year" if line.decay is not None else ""
            put("first_year", first, YEAR, key="first_year", is_input=True, note=note)
            put("last_year", last, YEAR, key="last_year", is_input=True)
        else:
            put("duration", line.cohort[1], "0", key="duration", is_input=True,
                note="per participant" if spec.per == "participant" else "")

    # -- Kasstromen -----------------------------------------------------------------------
    def multiplier(self, line) -> str:
        """The formula of a line's amount per unit of timing (participants, years)."""
        m = self.model
        if not hasattr(self, "_price_items"):
            self._price_items = {j: inp.name[len("price."):] for j, inp in enumerate(m.inputs)
                                 if inp.name.startswith("price.")}
        price_items = self._price_items
        names = self.line_names[line.id]
        terms = []
        for j, kind in line.factors:
            if j in price_items:
                terms.append(self.item_indexed[price_items[j]])
            else:
                name = self.input_names[j]
                terms.append(name if kind == IDENTITY else f"(1-{name})")
        if "index_factor" in names:
            terms.append(names["index_factor"])
        if "unit_factor" in names:
            terms.append(names["unit_factor"])
        # check: our index and unit factors agree with the core's constant for this line
        expected = self.line_constant[line.id]
        if price_items and any(j in price_items for j, _ in line.factors):
            item = price_items[next(j for j, _ in line.factors if j in price_items)]
            expected *= float(self.ctx.index.factor(m.pricelist.items[item].price_year, m.price_year))
        if not math.isclose(expected, line.constant, rel_tol=1e-12, abs_tol=0.0):
            raise MkbaError(f"line {line.id!r}: the workbook's index and unit factors ({expected!r}) do not "
                            f"agree with the calculation ({line.constant!r}); was another price index used?")
        return "=" + "*".join(terms)

    def flows_sheet(self) -> None:
        ctx, ws, m, L = self.ctx, self.sheets["flows"], self.model, self.L
        Y = len(m.years)
        self.title(ws, f"{ctx.label('xl_sheet_flows')}: {m.scenario.name}",
                   ctx.label("xl_note_flows").format(py=m.price_year))
        c0 = 7  # first year column (G)
        cols = [get_column_letter(c0 + i) for i in range(Y)]
        L.year_cols = cols
        first, last = cols[0], cols[-1]
        pv_c, pos_c, neg_c = c0 + Y, c0 + Y + 1, c0 + Y + 2
        L.pv_col, L.pv_pos_col, L.pv_neg_col = (get_column_letter(c) for c in (pv_c, pos_c, neg_c))
        head = 4
        L.year_row, L.discount_row, L.participants_row = head, head + 1, head + 2
        for j, key in enumerate(["line", "xl_label", "stakeholder", "xl_kind", "xl_transfer_flag",
                                 "xl_multiplier"]):
            ctx.text(ws, head, 1 + j, ctx.label(key), bold=True)
        for i, col in enumerate(cols):
            if i == 0:
                ctx.formula(ws, head, c0, "=start_year", YEAR, bold=True)
            else:
                ctx.formula(ws, head, c0 + i, f"={cols[i - 1]}{head}+1", YEAR, bold=True)
        for c, key in ((pv_c, "xl_pv"), (pos_c, "xl_pv_pos"), (neg_c, "xl_pv_neg")):
            ctx.text(ws, head, c, ctx.label(key), bold=True)
        years_rng = f"${first}${head}:${last}${head}"
        df_rng = f"${first}${L.discount_row}:${last}${L.discount_row}"
        part_rng = f"${first}${L.participants_row}:${last}${L.participants_row}"
        ctx.text(ws, L.discount_row, 1, ctx.label("discount_factor"), bold=True)
        ctx.text(ws, L.participants_row, 1, ctx.label("xl_participants_row"), bold=True)
        for i, col in enumerate(cols):
            ctx.formula(ws, L.discount_row, c0 + i, f"=(1+discount_rate)^-({col}${head}-base_year)", FACTOR)
            ctx.formula(ws, L.participants_row, c0 + i, f"={self.participant_names[i]}", NUMBER)

        # gross amount per line
        row = L.participants_row + 2
        ctx.text(ws, row, 1, ctx.label("xl_gross"), bold=True)
        for line in m.lines:
            row += 1
            L.line_rows[line.id] = row
            names = self.line_names[line.id]
            ctx.text(ws, row, 1, line.id)
            ctx.text(ws, row, 2, line.label)
            ctx.text(ws, row, 3, line.group)
            ctx.text(ws, row, 4, line.kind)
            ctx.formula(ws, row, 6, self.multiplier(line), "#,##0.00####")
            if line.cohort is None:
                fy, ly = names["first_year"], names["last_year"]
                # an effect per: year: (1 - drop_off) ^ k with k = year - first year
                decay = "" if line.decay is None else f"*(1-{names['drop_off']})^MAX(0,{{col}}${head}-{fy})"
                for i, col in enumerate(cols):
                    ctx.formula(ws, row, c0 + i, f"=$F{row}*({col}${head}>={fy})*({col}${head}<={ly})"
                                + decay.format(col=col), EURO0)
            else:
                lag = names.get("lag")
                dur = names["duration"]
                drop = names.get("drop_off")
                for i, col in enumerate(cols):
                    k = f"({col}${head}-{years_rng}{'-' + lag if lag else ''})"
                    args = [part_rng, f"({k}>=0)*({k}<{dur})"]
                    if drop:
                        args.append(f"(1-{drop})^({k}*({k}>=0))")
                    ctx.formula(ws, row, c0 + i, f"=$F{row}*SUMPRODUCT({','.join(args)})", EURO0)
            ctx.formula(ws, row, pv_c, f"=SUMPRODUCT({first}{row}:{last}{row},{df_rng})", EURO)
        gross_last = row

        # booked per stakeholder
        row += 2
        ctx.text(ws, row, 1, ctx.label("xl_postings"), bold=True)
        p_first = row + 1
        for p, (li, k, sign, tr) in enumerate(zip(m.posting_line, m.posting_stakeholder, m.posting_sign,
                                                 m.posting_transfer)):
            row += 1
            line = m.lines[li]
            stakeholder = m.stakeholders[k]
            L.posting_rows.append((line.id, stakeholder, row))
            src = L.line_rows[line.id]
            ctx.text(ws, row, 1, line.id)
            ctx.text(ws, row, 2, line.label)
            ctx.text(ws, row, 3, stakeholder)
            ctx.text(ws, row, 4, ctx.label("benefits") if sign > 0 else ctx.label("costs"))
            ctx.number(ws, row, 5, int(bool(tr)), "0")
            for i, col in enumerate(cols):
                ctx.formula(ws, row, c0 + i, f"={'-' if sign < 0 else ''}{col}{src}", EURO0)
            rng = f"{first}{row}:{last}{row}"
            ctx.formula(ws, row, pv_c, f"=SUMPRODUCT({rng},{df_rng})", EURO)
            ctx.formula(ws, row, pos_c, f"=SUMPRODUCT(({rng}>0)*{rng},{df_rng})", EURO)
            ctx.formula(ws, row, neg_c, f"=-SUMPRODUCT(({rng}<0)*{rng},{df_rng})", EURO)
        p_last = row
        self.posting_range = (p_first, p_last) if p_last >= p_first else None

        # totals per year
        row += 2
        ctx.text(ws, row, 1, ctx.label("xl_totals"), bold=True)
        L.costs_row, L.benefits_row, L.net_row = row + 1, row + 2, row + 3
        L.discounted_row, L.cumulative_row = row + 4, row + 5
        reached_row, sign_row, change_row = row + 6, row + 7, row + 8
        labels = [(L.costs_row, "xl_costs_excl"), (L.benefits_row, "xl_benefits_excl"),
                  (L.net_row, "net_flow"), (L.discounted_row, "discounted_net_flow"),
                  (L.cumulative_row, "cumulative_discounted"), (reached_row, "xl_reached_zero"),
                  (sign_row, "xl_sign"), (change_row, "xl_sign_change")]
        for r, key in labels:
            ctx.text(ws, r, 1, ctx.label(key), bold=r <= L.cumulative_row)
        tr_rng = f"$E${p_first}:$E${p_last}"
        for i, col in enumerate(cols):
            c = c0 + i
            if self.posting_range:
                rng = f"{col}${p_first}:{col}${p_last}"
                ctx.formula(ws, L.costs_row, c, f"=-SUMPRODUCT(({tr_rng}=0)*({rng}<0)*{rng})", EURO0)
                ctx.formula(ws, L.benefits_row, c, f"=SUMPRODUCT(({tr_rng}=0)*({rng}>0)*{rng})", EURO0)
                ctx.formula(ws, L.net_row, c, f"=SUM({rng})", EURO0)
            else:
                for r in (L.costs_row, L.benefits_row, L.net_row):
                    ctx.number(ws, r, c, 0.0, EURO0)
            ctx.formula(ws, L.discounted_row, c, f"={col}{L.net_row}*{col}{L.discount_row}", EURO0)
            ctx.formula(ws, L.cumulative_row, c, f"={col}{L.discounted_row}" if i == 0 else
                        f"={cols[i - 1]}{L.cumulative_row}+{col}{L.discounted_row}", EURO0)
            ctx.formula(ws, reached_row, c, f'=IF({col}{L.cumulative_row}>=0,{col}${head},"")', YEAR)
            ctx.formula(ws, sign_row, c, f"=SIGN({col}{L.net_row})" if i == 0 else
                        f"=IF({col}{L.net_row}<>0,SIGN({col}{L.net_row}),{cols[i - 1]}{sign_row})", "0")
            ctx.formula(ws, change_row, c, "=0" if i == 0 else
                        f"=IF({cols[i - 1]}{sign_row}*{col}{sign_row}<0,1,0)", "0")
        for r in (L.costs_row, L.benefits_row, L.net_row, L.discounted_row):
            ctx.formula(ws, r, pv_c, f"=SUMPRODUCT({first}{r}:{last}{r},{df_rng})" if r != L.discounted_row
                        else f"=SUM({first}{r}:{last}{r})", EURO)
        self.helpers = {"reached": f"{first}{reached_row}:{last}{reached_row}",
                        "changes": f"{first}{change_row}:{last}{change_row}",
                        "net": f"{first}{L.net_row}:{last}{L.net_row}"}
        self.gross_last = gross_last
        ws.freeze_panes = f"{first}{head + 1}"
        ctx.widths[(ws.title, 2)] = min(ctx.widths.get((ws.title, 2), 0), 40)

    # -- Samenvatting -------------------------------------------------------------------------
    def summary_sheet(self) -> None:
        ctx, ws, m, L, res = self.ctx, self.sheets["summary"], self.model, self.L, self.result
        fl = quote_sheetname(L.sheets["flows"])
        s = m.scenario
        self.title(ws, s.name, f"{ctx.label('prices_in')} {m.price_year}, {m.years[0]}-{m.years[-1]}, "
                               f"{m.pricelist.ref}")
        head = 4
        self.header(ws, head, ["xl_figure", "xl_value", "xl_explanation", "xl_name"])
        rows = {name: head + 1 + i for i, name in enumerate(
            ("pv_costs", "pv_benefits", "npv", "bcr", "net_return", "payback_year", "irr", "volunteer_value_pv"))}
        na = ctx.na.replace('"', '""')

        def col_rng(col: str) -> str:
            p1, p2 = self.posting_range
            return f"{fl}!${col}${p1}:${col}${p2}"

        if self.posting_range:
            tr = col_rng("E")
            pv_costs = f"=SUMPRODUCT(({tr}=0)*{col_rng(L.pv_neg_col)})"
            pv_benefits = f"=SUMPRODUCT(({tr}=0)*{col_rng(L.pv_pos_col)})"
        else:
            pv_costs = pv_benefits = "=0"
        r = rows
        irr_formula, irr_note = self._irr(fl, na)
        vol = [f"{fl}!${L.pv_col}${L.line_rows[m.lines[i].id]}" for i in m.volunteer_lines]
        formulas = {
            "pv_costs": (pv_costs, EURO, ctx.label("xl_def_pv_costs")),
            "pv_benefits": (pv_benefits, EURO, ctx.label("xl_def_pv_benefits")),
            "npv": (f"=B{r['pv_benefits']}-B{r['pv_costs']}", EURO, ctx.label("xl_def_npv")),
            "bcr": (f'=IF(B{r["pv_costs"]}=0,"{na}",B{r["pv_benefits"]}/B{r["pv_costs"]})', RATIO,
                    ctx.label("xl_def_bcr")),
            "net_return": (f'=IF(B{r["pv_costs"]}=0,"{na}",B{r["npv"]}/B{r["pv_costs"]})', PERCENT,
                           ctx.label("xl_def_net_return")),
            "payback_year": (f'=IF(COUNT({fl}!{self.helpers["reached"]})=0,"{na}",'
                             f'MIN({fl}!{self.helpers["reached"]}))', YEAR,
                             ctx.label("xl_def_payback_year")),
            "irr": (irr_formula, PERCENT, irr_note),
            "volunteer_value_pv": ("=" + ("+".join(vol) if vol else "0"), EURO,
                                   ctx.label("xl_def_volunteer_value_pv")),
        }
        for name, rr in rows.items():
            f, fmt, note = formulas[name]
            ctx.text(ws, rr, 1, ctx.label(name))
            if f.startswith("="):
                ctx.formula(ws, rr, 2, f, fmt, bold=name == "npv")
            else:
                ctx.number(ws, rr, 2, f if not isinstance(f, str) else f, fmt)
            ctx.text(ws, rr, 3, note)
            used = ctx.define(self.wb, name, ws, f"B{rr}")
            ctx.text(ws, rr, 4, used)
            L.figures[name] = f"B{rr}"
        if not irr_formula.startswith("="):  # a value from the core (several sign changes)
            rr = rows["irr"]
            value = res.irr
            ctx.number(ws, rr, 2, value if value is not None else f"{ctx.na} ({res.irr_reason})", PERCENT)
        self.table(ws, head, rows["volunteer_value_pv"], 1, 4, "Kengetallen")

        # who pays, who benefits
        row = rows["volunteer_value_pv"] + 2
        ctx.text(ws, row, 1, ctx.label("who_pays"), bold=True)
        row += 1
        t_head = row
        self.header(ws, row, ["stakeholder", "xl_public_flag", "pv_costs", "pv_benefits", "npv"])
        L.stakeholder_cols = {"public": "B", "pv_costs": "C", "pv_benefits": "D", "npv": "E"}
        for name in m.stakeholders:
            row += 1
            L.stakeholder_rows[name] = row
            ctx.text(ws, row, 1, name)
            ctx.formula(ws, row, 2, f"={self.public_cells[name]}", "0")
            if self.posting_range:
                who = f"({col_rng('C')}=$A{row})"
                ctx.formula(ws, row, 3, f"=SUMPRODUCT({who}*{col_rng(L.pv_neg_col)})", EURO)
                ctx.formula(ws, row, 4, f"=SUMPRODUCT({who}*{col_rng(L.pv_pos_col)})", EURO)
            else:
                ctx.number(ws, row, 3, 0.0, EURO)
                ctx.number(ws, row, 4, 0.0, EURO)
            ctx.formula(ws, row, 5, f"=D{row}-C{row}", EURO)
        first_sk, last_sk = t_head + 1, row
        row += 1
        L.fiscal_row = row
        ctx.text(ws, row, 1, ctx.label("fiscal"), bold=True)
        ctx.text(ws, row, 2, "")
        for c in "CD":
            if last_sk >= first_sk:
                ctx.formula(ws, row, " CD".index(c) + 2, f"=SUMPRODUCT(($B${first_sk}:$B${last_sk}=1)*"
                            f"{c}{first_sk}:{c}{last_sk})", EURO, bold=True)
            else:
                ctx.number(ws, row, " CD".index(c) + 2, 0.0, EURO)
        ctx.formula(ws, row, 5, f"=D{row}-C{row}", EURO, bold=True)
        row += 1
        L.society_row = row
        ctx.text(ws, row, 1, ctx.label("society"), bold=True)
        ctx.text(ws, row, 2, "")
        ctx.formula(ws, row, 3, f"=B{rows['pv_costs']}", EURO, bold=True)
        ctx.formula(ws, row, 4, f"=B{rows['pv_benefits']}", EURO, bold=True)
        ctx.formula(ws, row, 5, f"=D{row}-C{row}", EURO, bold=True)
        for key, col in (("fiscal_pv_costs", "C"), ("fiscal_pv_benefits", "D"), ("fiscal_npv", "E")):
            ctx.define(self.wb, key, ws, f"{col}{L.fiscal_row}")
        self.table(ws, t_head, L.society_row, 1, 5, "Partijen")

        # provenance
        row += 2
        ctx.text(ws, row, 1, ctx.label("xl_provenance"), bold=True)
        prov = res.provenance
        info = [("xl_pricelist_name", prov["pricelist"]["name"]),
                ("xl_pricelist_version", prov["pricelist"]["version"]),
                ("xl_pricelist_hash", prov["pricelist"]["sha256"]),
                ("xl_scenario_name", prov["scenario"]["name"]),
                ("xl_scenario_file", prov["scenario"]["file"]),
                ("xl_scenario_hash", prov["scenario"]["sha256"]),
                ("xl_price_index", prov["price_index"]),
                ("xl_mkba_version", prov["mkba_version"])]
        for key, value in info:
            row += 1
            ctx.text(ws, row, 1, ctx.label(key))
            ctx.text(ws, row, 2, value)
        for key, name, fmt in (("price_year", "price_year", YEAR), ("base_year", "base_year", YEAR),
                               ("discount_rate", "discount_rate", PERCENT)):
            row += 1
            ctx.text(ws, row, 1, ctx.label(key).capitalize())
            ctx.formula(ws, row, 2, f"={name}", fmt)
        for key, value in prov["defaults_used"].items():
            row += 1
            ctx.text(ws, row, 1, f"{ctx.label('defaults_used')}: {key}")
            ctx.text(ws, row, 2, value)
        ctx.widths[(ws.title, 2)] = min(max(ctx.widths.get((ws.title, 2), 0), 16), 24)
        ctx.widths[(ws.title, 3)] = min(ctx.widths.get((ws.title, 3), 0), 50)
        ws.freeze_panes = f"A{head + 1}"
        self.charts(ws, t_head, first_sk, last_sk)

    def _irr(self, fl: str, na: str) -> tuple[str, str]:
        """The IRR formula, or the core's value where a formula cannot follow METHOD.md."""
        from . import finance
        res = self.result
        changes = int(finance.sign_changes(res.figs.net_flows[0])[0])
        note = self.ctx.label("xl_def_irr")
        if changes > 1:
            return "core", f"{self.ctx.label('xl_from_core')} ({note})"
        guess = res.irr if res.irr is not None else 0.1
        no_change = self.ctx.label("xl_no_sign_change").replace('"', '""')
        several = self.ctx.label("xl_several_changes").replace('"', '""')
        h = self.helpers
        # one sign change means one root; spreadsheet IRR is a Newton search from a guess, so when
        # edited inputs move the root far from the exported one, retry from a spread of guesses
        net = f'{fl}!{h["net"]}'
        irr = f"IRR({net},{guess!r})"
        for fallback in (0.1, -0.5, 0.9, -0.9, 5.0):
            irr = f"IFERROR({irr},IRR({net},{fallback!r}))"
        return (f'=IF(SUM({fl}!{h["changes"]})=1,{irr},'
                f'IF(SUM({fl}!{h["changes"]})=0,"{no_change}","{several}"))'), note

    def charts(self, ws, t_head: int, first_sk: int, last_sk: int) -> None:
        ctx, L = self.ctx, self.L
        flows = self.sheets["flows"]
        c0 = 7
        c1 = c0 + len(L.year_cols) - 1
        chart = BarChart()
        chart.type = "col"
        chart.title = ctx.label("xl_chart_net")
        chart.add_data(Reference(flows, min_col=c0, max_col=c1, min_row=L.net_row), from_rows=True)
        chart.set_categories(Reference(flows, min_col=c0, max_col=c1, min_row=L.year_row))
        chart.series[0].tx = SeriesLabel(v=ctx.label("net_flow"))
        chart.y_axis.number_format = EURO0
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.legend = None
        chart.width, chart.height = 18, 8
        ws.add_chart(chart, "G4")
        if last_sk < first_sk:
            return
        chart = BarChart()
        chart.type = "bar"
        chart.title = ctx.label("xl_chart_stakeholders")
        chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=t_head, max_row=last_sk),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first_sk, max_row=last_sk))
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.y_axis.number_format = EURO0
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, "G22")


# -- the built-in extra sheets (registered like any other sheet writer) ---------------------------
def sib_sheet(wb: Workbook, ctx: Context) -> None:
    """The *SIB* sheet, when the scenario has a ``sib:`` section (see :mod:`mkba.excel_sib`)."""
    from .excel_sib import write_sib_sheet
    write_sib_sheet(wb, ctx)


def sensitivity_sheet(wb: Workbook, ctx: Context) -> None:
    """The *Gevoeligheid* sheet, when there is an analysis (see :mod:`mkba.excel_sensitivity`)."""
    from .excel_sensitivity import write_sensitivity_sheet
    write_sensitivity_sheet(wb, ctx)


register_sheet_writer(sib_sheet)
register_sheet_writer(sensitivity_sheet)
