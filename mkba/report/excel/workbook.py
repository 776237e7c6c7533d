"""The auditable Excel workbook of a result (``mkba run --xlsx``, :meth:`Result.to_excel`).

Every figure in the workbook is a live formula over the inputs, so that a
reviewer can follow (and change) the calculation in a spreadsheet:

* *Samenvatting* / *Summary*: the figures of docs/method.md, section 5, the table
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
writer may add sheets, defined names and rows, using the
:class:`mkba.excel_cells.Context` (labels, safe cell writers, the
:class:`mkba.excel_cells.Layout` of the standard sheets). The
writers in :data:`SHEET_WRITERS` run for every workbook (each decides itself
whether the result needs its sheet, e.g. a SIB sheet only when the scenario
has a SIB). Two are registered here: the *SIB* sheet (:mod:`mkba.report.excel.sib`,
``sib=``) and the *Gevoeligheid* sheet (:mod:`mkba.report.excel.sensitivity`,
``analysis=``).

Where the code is: this module holds the plan (which sheets, in which order)
and the public API; :mod:`mkba.report.excel.cells` the cell layer (formats, styles,
safe writers, defined names, the fast cell writer and saving);
:mod:`mkba.report.excel.inputs` the *Index*, *Uitgangspunten* and *Prijslijst*
sheets; :mod:`mkba.report.excel.flows` the *Kasstromen* sheet;
:mod:`mkba.report.excel.summary` the *Samenvatting* sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from mkba.errors import MkbaError
from mkba.io.files import write_atomic
from mkba.pricelist.index import PriceIndex, default_index
from mkba.report.excel.cells import Context, save
from mkba.report.excel.flows import _FlowSheet
from mkba.report.excel.inputs import _InputSheets
from mkba.report.excel.summary import _SummarySheet

SheetWriter = Callable[[Workbook, "Context"], None]

#: Writers of extra sheets, run for every workbook after the standard sheets (see module docstring).
SHEET_WRITERS: list[SheetWriter] = []


def register_sheet_writer(writer: SheetWriter) -> SheetWriter:
    """Add ``writer(workbook, context)`` to the writers run for every workbook (usable as a decorator)."""
    if writer not in SHEET_WRITERS:
        SHEET_WRITERS.append(writer)
    return writer


# -- the workbook --------------------------------------------------------------------------------
def write_workbook(
    result,
    path: str | Path,
    lang: str = "nl",
    *,
    sheet_writers: Sequence[SheetWriter] = (),
    index: PriceIndex | None = None,
    sib=None,
    analysis: dict | None = None,
) -> Path:
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
        ``tornado`` (DataFrame), ``simulation`` (:class:`mkba.montecarlo.Simulation`)
        and ``break_even`` (list of dicts) for the *Gevoeligheid* sheet (default:
        what ``result.extra`` holds of them).

    Returns
    -------
    Path
    """
    wb, _ = build_workbook(result, lang, sheet_writers=sheet_writers, index=index, sib=sib, analysis=analysis)
    return write_atomic(path, lambda tmp: save(wb, tmp))


def build_workbook(
    result,
    lang: str = "nl",
    *,
    sheet_writers: Sequence[SheetWriter] = (),
    index: PriceIndex | None = None,
    sib=None,
    analysis: dict | None = None,
) -> tuple[Workbook, Context]:
    """The workbook of ``result`` and its :class:`~mkba.excel_cells.Context` (with its ``layout``), unsaved."""
    lang = "en" if lang == "en" else "nl"
    model = result.model
    if index is None:
        index = default_index()
        if model.index_name != index.name:
            raise MkbaError(
                f"the result was computed with the price index {model.index_name!r}; "
                "pass that index to write the workbook"
            )
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


class _Plan(_InputSheets, _FlowSheet, _SummarySheet):
    """Writes the standard sheets in dependency order (names first, formulas after)."""


# -- the built-in extra sheets (registered like any other sheet writer) ---------------------------
def sib_sheet(wb: Workbook, ctx: Context) -> None:
    """The *SIB* sheet, when the scenario has a ``sib:`` section (see :mod:`mkba.report.excel.sib`)."""
    from mkba.report.excel.sib import write_sib_sheet

    write_sib_sheet(wb, ctx)


def sensitivity_sheet(wb: Workbook, ctx: Context) -> None:
    """The *Gevoeligheid* sheet, when there is an analysis (see :mod:`mkba.report.excel.sensitivity`)."""
    from mkba.report.excel.sensitivity import write_sensitivity_sheet

    write_sensitivity_sheet(wb, ctx)


register_sheet_writer(sib_sheet)
register_sheet_writer(sensitivity_sheet)
