"""The auditable Excel workbook of a result (``mkba run --xlsx``, :meth:`Result.to_excel`).

Every figure in the workbook is a live formula over the inputs, so that a
reviewer can follow (and change) the calculation in a spreadsheet:

* *Overzicht* / *Overview* (the first sheet, :mod:`mkba.report.excel.overview`): the
  MKBA-overzichtstabel, each line's present value per stakeholder and in total, PM-posten below;
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

The formulas reproduce :meth:`mkba.engine.model.Model.evaluate` and
:func:`mkba.engine.figures.figures` exactly (docs/method.md, sections 2 to 5); ``docs/excel.md`` explains how to audit
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
:class:`~mkba.report.excel.cells.Context` (labels, safe cell writers, the
:class:`~mkba.report.excel.cells.Layout` of the standard sheets). The
writers in :data:`SHEET_WRITERS` run for every workbook (each decides itself
whether the result needs its sheet, e.g. a SIB sheet only when the scenario
has a SIB). Two are registered here: the *SIB* sheet (:mod:`mkba.report.excel.sib`,
``sib=``) and the *Gevoeligheid* sheet (:mod:`mkba.report.excel.sensitivity`,
``analysis=``).

Where the code is, and how data flows: this module holds the plan (which
sheets, in which order) and the public API; :mod:`mkba.report.excel.cells` the
cell layer (formats, styles, safe writers, defined names, the fast cell writer
and saving). Each standard sheet has a writer function of its own that gets
what it needs and returns what later sheets need as a frozen value, so data
flows one way: :func:`~mkba.report.excel.inputs.write_input_sheets` (*Index*,
*Uitgangspunten*, *Prijslijst*) returns their defined names
(:class:`~mkba.report.excel.inputs.Inputs`);
:func:`~mkba.report.excel.flows.write_flows_sheet` (*Kasstromen*) takes those
and returns its rows (:class:`~mkba.report.excel.flows.FlowRows`);
:func:`~mkba.report.excel.summary.write_summary_sheet` (*Samenvatting*) takes
both and returns its cells (:class:`~mkba.report.excel.summary.SummaryCells`);
the three make the :class:`~mkba.report.excel.cells.Layout` the extra sheet
writers (*SIB*, *Gevoeligheid*) read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mkba.errors import MkbaError
from mkba.io.files import write_atomic
from mkba.pricelist.index import PriceIndex, default_index
from mkba.report.excel.cells import Context, Layout, save, sheet_width
from mkba.report.excel.flows import FlowRows, write_flows_sheet
from mkba.report.excel.inputs import Inputs, write_input_sheets
from mkba.report.excel.printing import set_up_printing
from mkba.report.excel.summary import SummaryCells, write_summary_sheet
from mkba.report.vocabulary import label

if TYPE_CHECKING:
    from mkba.result import Result
    from mkba.sib.model import SibResult

#: A writer of an extra sheet: ``writer(workbook, context)``.
SheetWriter = Callable[[Workbook, Context], None]

#: Writers of extra sheets, run for every workbook after the standard sheets (see module docstring).
SHEET_WRITERS: list[SheetWriter] = []

#: The standard sheets, in the workbook's order.
STANDARD_SHEETS = ("summary", "inputs", "prices", "index", "flows")


def register_sheet_writer(writer: SheetWriter) -> SheetWriter:
    """Add ``writer(workbook, context)`` to the writers run for every workbook (usable as a decorator).

    Parameters
    ----------
    writer : callable
        ``writer(workbook, context)``, run after the standard sheets; registering it twice has no effect.

    Returns
    -------
    callable
        ``writer`` itself.
    """
    if writer not in SHEET_WRITERS:
        SHEET_WRITERS.append(writer)
    return writer


# -- the workbook --------------------------------------------------------------------------------
def write_workbook(
    result: Result,
    path: str | Path,
    lang: str = "nl",
    *,
    sheet_writers: Sequence[SheetWriter] = (),
    index: PriceIndex | None = None,
    sib: SibResult | None = None,
    analysis: Mapping[str, Any] | None = None,
) -> Path:
    """Write the auditable workbook of ``result`` to ``path`` (atomically).

    Every figure is a live formula over the inputs, following docs/method.md,
    sections 2 to 5 (see the module docstring for the sheets).

    Parameters
    ----------
    result : mkba.result.Result
        The point result to export.
    path : str or Path
        The ``.xlsx`` file to write; its folder must exist.
    lang : {'nl', 'en'}
        Language of sheet names and labels.
    sheet_writers : sequence of callables
        Extra ``writer(workbook, context)`` run after the standard sheets (and
        after those in :data:`SHEET_WRITERS`).
    index : PriceIndex, optional
        The price index the result was computed with (default: the bundled one).
    sib : mkba.sib.model.SibResult, optional
        The SIB at an outcome level for the *SIB* sheet (default: the scenario's
        ``sib:`` section at its expected levels; no sheet without one).
    analysis : mapping, optional
        ``tornado`` (DataFrame), ``simulation`` (:class:`mkba.uncertainty.montecarlo.Simulation`)
        and ``break_even`` (list of dicts) for the *Gevoeligheid* sheet (default:
        what ``result.extra`` holds of them).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    MkbaError
        When the folder of ``path`` does not exist, or ``index`` is not the price
        index the result was computed with.
    """
    wb, _ = build_workbook(result, lang, sheet_writers=sheet_writers, index=index, sib=sib, analysis=analysis)
    return write_atomic(path, lambda tmp: save(wb, tmp))


def build_workbook(
    result: Result,
    lang: str = "nl",
    *,
    sheet_writers: Sequence[SheetWriter] = (),
    index: PriceIndex | None = None,
    sib: SibResult | None = None,
    analysis: Mapping[str, Any] | None = None,
) -> tuple[Workbook, Context]:
    """The workbook of ``result`` and its :class:`~mkba.report.excel.cells.Context`, unsaved.

    Parameters
    ----------
    result : mkba.result.Result
        The point result to export.
    lang : {'nl', 'en'}
        Language of sheet names and labels (anything but 'en' is Dutch).
    sheet_writers : sequence of callables
        Extra ``writer(workbook, context)`` run after the standard sheets (and
        after those in :data:`SHEET_WRITERS`).
    index : PriceIndex, optional
        The price index the result was computed with (default: the bundled one).
    sib : mkba.sib.model.SibResult, optional
        The SIB at an outcome level for the *SIB* sheet.
    analysis : mapping, optional
        Tornado, simulation and break-even results for the *Gevoeligheid* sheet.

    Returns
    -------
    (Workbook, Context)
        The workbook, and the context its sheets were written with; its
        ``layout`` says where every figure, line, posting and input is.

    Raises
    ------
    MkbaError
        When ``index`` is not the price index the result was computed with.
    """
    lang = "en" if lang == "en" else "nl"
    index = _index_of(result, index)
    titles = {key: label(f"xl_sheet_{key}", lang) for key in STANDARD_SHEETS}
    ctx = Context(result, lang, index, layout=Layout(sheets=titles), sib=sib, analysis=analysis)
    wb = Workbook()
    sheets = _standard_sheets(wb, titles)
    wb.calculation.fullCalcOnLoad = True  # openpyxl stores no computed values
    inputs = write_input_sheets(ctx, wb, sheets)
    flows = write_flows_sheet(ctx, sheets["flows"], inputs)
    summary = write_summary_sheet(ctx, wb, sheets["summary"], sheets["flows"], inputs, flows)
    ctx = replace(ctx, layout=_layout(titles, inputs, flows, summary))
    for writer in (*SHEET_WRITERS, *sheet_writers):
        writer(wb, ctx)
    for (title, col), n in ctx.widths.items():
        wb[title].column_dimensions[get_column_letter(col)].width = sheet_width(n)
    set_up_printing(
        wb,
        scenario=result.scenario.name,
        pricelist=result.model.pricelist.ref,
        lang=lang,
        summary=titles["summary"],
    )
    return wb, ctx


def _index_of(result: Result, index: PriceIndex | None) -> PriceIndex:
    """The price index to write: ``index`` or the bundled one, with the scenario's assumed inflation."""
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
    return index


def _standard_sheets(wb: Workbook, titles: Mapping[str, str]) -> dict[str, Worksheet]:
    """The (empty) standard sheets of ``wb`` by key, the summary first."""
    summary = wb.active
    summary.title = titles["summary"]
    sheets = {"summary": summary}
    for key in STANDARD_SHEETS[1:]:
        sheets[key] = wb.create_sheet(titles[key])
    return sheets


def _layout(titles: Mapping[str, str], inputs: Inputs, flows: FlowRows, summary: SummaryCells) -> Layout:
    """The layout of the standard sheets, from what their writers returned."""
    return Layout(
        sheets=dict(titles),
        figures=summary.figures,
        stakeholder_rows=summary.stakeholder_rows,
        stakeholder_cols=summary.stakeholder_cols,
        fiscal_row=summary.fiscal_row,
        society_row=summary.society_row,
        year_row=flows.year_row,
        discount_row=flows.discount_row,
        participants_row=flows.participants_row,
        year_cols=flows.year_cols,
        line_rows=flows.line_rows,
        posting_rows=flows.posting_rows,
        pv_col=flows.pv_col,
        pv_pos_col=flows.pv_pos_col,
        pv_neg_col=flows.pv_neg_col,
        costs_row=flows.costs_row,
        benefits_row=flows.benefits_row,
        net_row=flows.net_row,
        discounted_row=flows.discounted_row,
        cumulative_row=flows.cumulative_row,
        inputs=inputs.cells,
    )


# -- the built-in extra sheets (registered like any other sheet writer) ---------------------------
def sib_sheet(wb: Workbook, ctx: Context) -> None:
    """The *SIB* sheet, when the scenario has a ``sib:`` section (see :mod:`mkba.report.excel.sib`).

    Parameters
    ----------
    wb : Workbook
        The workbook, its standard sheets written.
    ctx : Context
        Its context; where the sheet put things goes to ``ctx.layout.sib``.
    """
    from mkba.report.excel.sib import write_sib_sheet

    found = write_sib_sheet(wb, ctx)
    if found is not None:
        ctx.layout.sib.clear()
        ctx.layout.sib.update(found)


def sensitivity_sheet(wb: Workbook, ctx: Context) -> None:
    """The *Gevoeligheid* sheet, when there is an analysis (see :mod:`mkba.report.excel.sensitivity`).

    Parameters
    ----------
    wb : Workbook
        The workbook, its standard sheets written.
    ctx : Context
        Its context; where the sheet put things goes to ``ctx.layout.sensitivity``.
    """
    from mkba.report.excel.sensitivity import write_sensitivity_sheet

    found = write_sensitivity_sheet(wb, ctx)
    if found is not None:
        ctx.layout.sensitivity.clear()
        ctx.layout.sensitivity.update(found)


def overview_sheet(wb: Workbook, ctx: Context) -> None:
    """The *Overzicht* sheet, before the *Samenvatting*: the first sheet (see :mod:`mkba.report.excel.overview`).

    Parameters
    ----------
    wb : Workbook
        The workbook, its standard sheets written.
    ctx : Context
        Its context.
    """
    from mkba.report.excel.overview import write_overview_sheet

    write_overview_sheet(wb, ctx)


register_sheet_writer(sib_sheet)
register_sheet_writer(sensitivity_sheet)
register_sheet_writer(overview_sheet)
