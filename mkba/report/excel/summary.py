"""The *Samenvatting* / *Summary* sheet of the Excel workbook (:mod:`mkba.report.excel.workbook`).

The figures of docs/method.md, section 5, the table "wie betaalt, wie profiteert"
(with the fiscal view and the societal total), the provenance of the result
and two native charts, all as formulas over the *Kasstromen* sheet.

:func:`write_summary_sheet` takes what the input sheets and the *Kasstromen*
sheet returned and returns where it put the figures and the stakeholder
table, as one :class:`SummaryCells` value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.units import cm_to_EMU
from openpyxl.worksheet.worksheet import Worksheet

from mkba.engine.finance import NO_SIGN_CHANGE
from mkba.report import chartspec
from mkba.report.excel.cells import (
    EURO0,
    PERCENT,
    RATIO,
    YEAR,
    Context,
    write_header,
    write_title,
)
from mkba.report.excel.chartstyle import drawn_series, native_chart
from mkba.report.excel.fit import wrap_rows
from mkba.report.excel.flows import FlowRows, party_key
from mkba.report.excel.inputs import Inputs, index_title
from mkba.report.vocabulary import default_reason, default_value, item_label

#: The figures of the summary, in their order (docs/method.md, section 5).
FIGURES = (
    "pv_costs",
    "pv_benefits",
    "npv",
    "bcr",
    "net_return",
    "payback_year",
    "irr",
    "volunteer_value_pv",
)

#: A helper column beside the stakeholder table: costs as negative amounts, for the chart.
CHART_COST_COL = 6
#: The helper columns of the yearly chart (year, then one per series), right of the printed part.
CHART_YEAR_COL = 8
#: The printed part of the sheet: columns A to E, on one A4 page in portrait.
PRINT_LAST_COL = 5
#: Each printed column's width in characters (figure or party, value, explanation, name, saldo):
#: 95 in all, so that the page prints at 80 % or more even where the font is wider than Calibri
#: (DejaVu Sans in LibreOffice without Carlito), and near 100 % in Excel. Longer texts wrap.
PRINT_WIDTHS = (24, 14, 29, 13, 15)
#: Height of the charts below the tables (cm) and of a row (cm).
CHART_HEIGHT = 7.0
#: Height (cm) the parties' chart gives each party: room for a name on three lines.
PARTY_HEIGHT = 1.2
CM_PER_ROW = 0.53
#: Columns of the stakeholder table.
STAKEHOLDER_COLS: Mapping[str, str] = {"public": "B", "pv_costs": "C", "pv_benefits": "D", "npv": "E"}

_HEAD = 4


@dataclass(frozen=True)
class SummaryCells:
    """Where the *Samenvatting* sheet put things.

    Attributes
    ----------
    figures : mapping
        Figure name (``pv_costs``, ...) to its cell (euro, a ratio, a year or a rate).
    stakeholder_rows : mapping
        Stakeholder to its row in the table "wie betaalt, wie profiteert".
    stakeholder_cols : mapping
        Column (``public``, ``pv_costs``, ``pv_benefits``, ``npv``) to its letter in that table.
    fiscal_row, society_row : int
        Rows of the fiscal view and of the societal total in that table.
    """

    figures: Mapping[str, str]
    stakeholder_rows: Mapping[str, int]
    stakeholder_cols: Mapping[str, str]
    fiscal_row: int
    society_row: int


@dataclass(frozen=True)
class _Refs:
    """References to the *Kasstromen* sheet, as the summary's formulas write them."""

    fl: str  # the flows sheet's title, quoted
    flows: FlowRows

    def col_rng(self, col: str) -> str:
        """Column ``col`` over the posting rows (only when there are postings)."""
        assert self.flows.posting_range is not None
        p1, p2 = self.flows.posting_range
        return f"{self.fl}!${col}${p1}:${col}${p2}"


def write_summary_sheet(
    ctx: Context, wb: Workbook, ws: Worksheet, flows_ws: Worksheet, inputs: Inputs, flows: FlowRows
) -> SummaryCells:
    """Write the *Samenvatting* sheet: figures, stakeholder table, provenance and charts.

    Parameters
    ----------
    ctx : Context
        The workbook's context (result, language, safe writers).
    wb : Workbook
        The workbook (for defined names).
    ws : Worksheet
        The (empty) *Samenvatting* sheet.
    flows_ws : Worksheet
        The *Kasstromen* sheet (the charts read from it).
    inputs : Inputs
        The defined names of the input sheets (the stakeholders' public flags).
    flows : FlowRows
        Where the *Kasstromen* sheet put things.

    Returns
    -------
    SummaryCells
        Where the figures and the stakeholder table are.
    """
    m = ctx.result.model
    refs = _Refs(quote_sheetname(flows_ws.title), flows)
    write_title(
        ctx,
        ws,
        m.scenario.name,
        f"{ctx.label('prices_in')} {m.price_year}, {m.years[0]}-{m.years[-1]}, {m.pricelist.ref}",
    )
    rows = _figures_table(ctx, wb, ws, refs)
    table = _stakeholder_table(ctx, wb, ws, refs, inputs, rows)
    below = _charts(ctx, ws, flows_ws, flows, table)
    last = _provenance(ctx, ws, below + 1)
    for col, width in enumerate(PRINT_WIDTHS, 1):  # the final width is this + 2 (cells.Context)
        ctx.cap_width(ws, col, width - 2, least=width - 2)
    # a text wraps in its column (or its merged range) unless it may run on to the page's edge
    wrapped = [_HEAD, *rows.values(), table.head, *table.rows.values(), *range(below + 1, last + 1)]
    wrap_rows(ctx, ws, wrapped, range(1, PRINT_LAST_COL + 1), run_on=True, last=PRINT_LAST_COL)
    ws.freeze_panes = f"A{_HEAD + 1}"
    ws.print_area = f"A1:{get_column_letter(PRINT_LAST_COL)}{last}"
    return SummaryCells(
        figures={name: f"B{r}" for name, r in rows.items()},
        stakeholder_rows=table.rows,
        stakeholder_cols=STAKEHOLDER_COLS,
        fiscal_row=table.fiscal_row,
        society_row=table.society_row,
    )


# -- the figures ----------------------------------------------------------------------------------
def _figures_table(ctx: Context, wb: Workbook, ws: Worksheet, refs: _Refs) -> dict[str, int]:
    """The figures of docs/method.md, section 5, each a named formula; returns figure -> row."""
    res = ctx.result
    write_header(ctx, ws, _HEAD, ["xl_figure", "xl_value", "xl_explanation", "xl_name"])
    rows = {name: _HEAD + 1 + i for i, name in enumerate(FIGURES)}
    formulas = _figure_formulas(ctx, refs, rows)
    for name, rr in rows.items():
        f, fmt, note = formulas[name]
        ctx.text(ws, rr, 1, ctx.label(name))
        if f is not None:
            ctx.formula(ws, rr, 2, f, fmt, bold=name == "npv")
        else:  # a value from the core (the IRR with several sign changes)
            # the engine's reason, in the reader's words: no sign change, or several
            why = "xl_no_sign_change" if res.irr_reason == NO_SIGN_CHANGE else "xl_irr_several"
            value = res.irr if res.irr is not None else ctx.label(why)
            ctx.number(ws, rr, 2, value, fmt)
        ctx.text(ws, rr, 3, note)
        used = ctx.define(wb, name, ws, f"B{rr}")
        ctx.text(ws, rr, 4, used)
    ctx.table(ws, _HEAD, rows["volunteer_value_pv"], 1, 4, "Kengetallen")
    return rows


def _figure_formulas(
    ctx: Context, refs: _Refs, rows: Mapping[str, int]
) -> dict[str, tuple[str | None, str, str]]:
    """Each figure's formula (None: the core's value), number format and explanation (docs/method.md, section 5)."""
    m, fl, flows = ctx.result.model, refs.fl, refs.flows
    na = ctx.na.replace('"', '""')
    if flows.posting_range:
        tr = refs.col_rng("E")
        pv_costs = f"=SUMPRODUCT(({tr}=0)*{refs.col_rng(flows.pv_neg_col)})"
        pv_benefits = f"=SUMPRODUCT(({tr}=0)*{refs.col_rng(flows.pv_pos_col)})"
    else:
        pv_costs = pv_benefits = "=0"
    r = rows
    irr_formula, irr_note = _irr(ctx, refs)
    vol = [f"{fl}!${flows.pv_col}${flows.line_rows[m.lines[i].id]}" for i in m.volunteer_lines]
    reached = f"{fl}!{flows.reached}"
    return {
        "pv_costs": (pv_costs, EURO0, ctx.label("xl_def_pv_costs")),
        "pv_benefits": (pv_benefits, EURO0, ctx.label("xl_def_pv_benefits")),
        "npv": (f"=B{r['pv_benefits']}-B{r['pv_costs']}", EURO0, ctx.label("xl_def_npv")),
        "bcr": (
            f'=IF(B{r["pv_costs"]}=0,"{na}",B{r["pv_benefits"]}/B{r["pv_costs"]})',
            RATIO,
            ctx.label("xl_def_bcr"),
        ),
        "net_return": (
            f'=IF(B{r["pv_costs"]}=0,"{na}",B{r["npv"]}/B{r["pv_costs"]})',
            PERCENT,
            ctx.label("xl_def_net_return"),
        ),
        "payback_year": (
            f'=IF(COUNT({reached})=0,"{na}",MIN({reached}))',
            YEAR,
            ctx.label("xl_def_payback_year"),
        ),
        "irr": (irr_formula, PERCENT, irr_note),
        "volunteer_value_pv": (
            "=" + ("+".join(vol) if vol else "0"),
            EURO0,
            ctx.label("xl_def_volunteer_value_pv"),
        ),
    }


def _irr(ctx: Context, refs: _Refs) -> tuple[str | None, str]:
    """The IRR formula and its note; None where a formula cannot follow docs/method.md, section 5.

    With one sign change of the net flow there is one root; a spreadsheet's IRR
    is a Newton search from a guess, so when edited inputs move the root far
    from the exported one, the formula retries from a spread of guesses.
    """
    from mkba.engine import finance

    res = ctx.result
    changes = int(finance.sign_changes(res.figs.net_flows[0])[0])
    note = ctx.label("xl_def_irr")
    if changes > 1:
        return None, f"{ctx.label('xl_from_core')} ({note})"
    guess = res.irr if res.irr is not None else 0.1
    no_change = ctx.label("xl_no_sign_change").replace('"', '""')
    several = ctx.label("xl_irr_several").replace('"', '""')
    net = f"{refs.fl}!{refs.flows.net}"
    irr = f"IRR({net},{guess!r})"
    for fallback in (0.1, -0.5, 0.9, -0.9, 5.0):
        irr = f"IFERROR({irr},IRR({net},{fallback!r}))"
    changes_rng = f"{refs.fl}!{refs.flows.changes}"
    formula = f'=IF(SUM({changes_rng})=1,{irr},IF(SUM({changes_rng})=0,"{no_change}","{several}"))'
    return formula, note


# -- who pays, who benefits -----------------------------------------------------------------------
@dataclass(frozen=True)
class _StakeholderTable:
    head: int
    rows: Mapping[str, int]
    fiscal_row: int
    society_row: int

    @property
    def first(self) -> int:
        return self.head + 1

    @property
    def last(self) -> int:
        return self.fiscal_row - 1


def _stakeholder_table(
    ctx: Context, wb: Workbook, ws: Worksheet, refs: _Refs, inputs: Inputs, figures: Mapping[str, int]
) -> _StakeholderTable:
    """Per stakeholder its present value of costs, benefits and npv; then the fiscal view and society."""
    row = figures["volunteer_value_pv"] + 2
    ctx.text(ws, row, 1, ctx.label("who_pays"), bold=True)
    head = row + 1
    write_header(ctx, ws, head, ["stakeholder", "public", "pv_costs", "pv_benefits", "npv"])
    ctx.text(ws, head, CHART_COST_COL, ctx.label("xl_chart_costs_left"))
    rows: dict[str, int] = {}
    for name in ctx.result.model.stakeholders:
        row = head + 1 + len(rows)
        rows[name] = row
        ctx.text(ws, row, 1, ctx.result.stakeholder_label(name))  # the reader's name; the formulas use the id
        # 1 or 0 (the fiscal row adds by it), shown as ja/nee as the report writes it
        ctx.formula(
            ws,
            row,
            2,
            f"={inputs.public_names[name]}",
            '"ja";"ja";"nee"' if ctx.lang != "en" else '"yes";"yes";"no"',
        )
        if refs.flows.posting_range:
            key = party_key(ctx, name).replace('"', '""')
            who = f'({refs.col_rng("C")}="{key}")'
            ctx.formula(ws, row, 3, f"=SUMPRODUCT({who}*{refs.col_rng(refs.flows.pv_neg_col)})", EURO0)
            ctx.formula(ws, row, 4, f"=SUMPRODUCT({who}*{refs.col_rng(refs.flows.pv_pos_col)})", EURO0)
        else:
            ctx.number(ws, row, 3, 0.0, EURO0)
            ctx.number(ws, row, 4, 0.0, EURO0)
        ctx.formula(ws, row, 5, f"=D{row}-C{row}", EURO0)
        ctx.formula(ws, row, CHART_COST_COL, f"=-C{row}", EURO0)  # costs to the left, as in every chart
    table = _StakeholderTable(head, rows, head + len(rows) + 1, head + len(rows) + 2)
    _fiscal_row(ctx, ws, table)
    _society_row(ctx, ws, table, figures)
    for key, col in (("fiscal_pv_costs", "C"), ("fiscal_pv_benefits", "D"), ("fiscal_npv", "E")):
        ctx.define(wb, key, ws, f"{col}{table.fiscal_row}")
    ctx.table(ws, head, table.society_row, 1, 5, "Partijen")
    return table


def _fiscal_row(ctx: Context, ws: Worksheet, t: _StakeholderTable) -> None:
    """The fiscal view: the sum over the public stakeholders (docs/method.md, section 3), named ``fiscal_*``."""
    row = t.fiscal_row
    ctx.text(ws, row, 1, ctx.label("fiscal"), bold=True)
    ctx.text(ws, row, 2, "")
    for c in "CD":
        col = " CD".index(c) + 2
        if t.last >= t.first:
            f = f"=SUMPRODUCT(($B${t.first}:$B${t.last}=1)*{c}{t.first}:{c}{t.last})"
            ctx.formula(ws, row, col, f, EURO0, bold=True)
        else:
            ctx.number(ws, row, col, 0.0, EURO0)
    ctx.formula(ws, row, 5, f"=D{row}-C{row}", EURO0, bold=True)


def _society_row(ctx: Context, ws: Worksheet, t: _StakeholderTable, figures: Mapping[str, int]) -> None:
    """The societal total: the summary's figures (transfers cancel out)."""
    row = t.society_row
    ctx.text(ws, row, 1, ctx.label("society"), bold=True)
    ctx.text(ws, row, 2, "")
    ctx.formula(ws, row, 3, f"=B{figures['pv_costs']}", EURO0, bold=True)
    ctx.formula(ws, row, 4, f"=B{figures['pv_benefits']}", EURO0, bold=True)
    ctx.formula(ws, row, 5, f"=D{row}-C{row}", EURO0, bold=True)


# -- provenance -----------------------------------------------------------------------------------
def _provenance(ctx: Context, ws: Worksheet, row: int) -> int:
    """Where the result came from: price list, scenario, index and mkba version, and the defaults used.

    Returns the last row written.
    """
    ctx.text(ws, row, 1, ctx.label("xl_provenance"), bold=True)
    prov = ctx.result.provenance
    info = [
        ("xl_pricelist_name", prov["pricelist"]["name"]),
        ("xl_pricelist_version", prov["pricelist"]["version"]),
        ("xl_pricelist_hash", prov["pricelist"]["sha256"]),
        ("xl_scenario_name", prov["scenario"]["name"]),
        ("xl_scenario_file", _file_name(prov["scenario"]["file"])),
        ("xl_scenario_hash", prov["scenario"]["sha256"]),
        ("xl_price_index", index_title(ctx, str(prov["price_index"]))),
        ("xl_mkba_version", prov["mkba_version"]),
    ]
    for key, value in info:
        row += 1
        ctx.text(ws, row, 1, ctx.label(key))
        ctx.text(ws, row, 2, value)
    for name, fmt in (("price_year", YEAR), ("base_year", YEAR), ("discount_rate", PERCENT)):
        row += 1
        ctx.text(ws, row, 1, ctx.label(name).capitalize())
        ctx.formula(ws, row, 2, f"={name}", fmt)
    if prov["defaults_used"]:
        row += 1
        ctx.text(ws, row, 1, f"{ctx.label('defaults_used')}:")
    items = ctx.result.model.pricelist.items
    for key, used in ctx.result.model.used_defaults.items():
        row += 1
        item = items.get(key.removeprefix("price."))
        if key in _SETTINGS:
            what = ctx.label(_SETTINGS[key])
        else:  # a price by its label in the reader's language (its id when the list has none)
            what = f"{ctx.label('default_price')} {item_label(item, ctx.lang) or key[6:]}"
        ctx.text(ws, row, 1, f"- {what}")
        why = default_reason(used, ctx.lang)
        ctx.text(ws, row, 2, f"{default_value(key, used, ctx.lang)} ({why})")
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=PRINT_LAST_COL)  # room to wrap
    return row


def _file_name(path: str | None) -> str:
    """Only a file's name: a folder on the analyst's machine means nothing to a reader."""
    return (path or "").replace("\\", "/").rsplit("/", 1)[-1]


#: The run's settings a scenario may leave to their defaults, by their labels (the others are prices).
_SETTINGS = {"base_year": "base_year", "discount_rate": "rp_discount_rate", "price_year": "price_year"}


# -- charts ---------------------------------------------------------------------------------------
def _charts(ctx: Context, ws: Worksheet, flows_ws: Worksheet, flows: FlowRows, t: _StakeholderTable) -> int:
    """The yearly chart and the stakeholder chart side by side below the tables; returns their last row.

    Both come from the one chart definition (:mod:`mkba.report.chartspec`): the series, their
    order, signs, labels, colours and the titles are those of the PNG charts and the HTML report.
    Their data stand right of the printed columns (costs as negative amounts).
    """
    res = ctx.result
    top = t.society_row + 2
    width = sum(PRINT_WIDTHS) * 0.19  # cm across the printed columns (Calibri; wider elsewhere)
    half = (width - 0.4) / 2
    # tall enough that every party's name (on up to three lines) stands beside its bars when printed
    height = max(CHART_HEIGHT, 2.5 + PARTY_HEIGHT * (t.last - t.first + 1))
    yearly = chartspec.yearly_chart(res)
    data, years = _yearly_data(ctx, ws, flows_ws, flows, yearly)
    chart = native_chart(yearly, data, years, number_format=EURO0, size=(half, height))
    _place(ws, chart, top, 0.0)
    if t.last >= t.first:
        spec = chartspec.stakeholder_chart(res)
        refs = [
            Reference(ws, min_col=CHART_COST_COL if s.key == "cost" else 4, min_row=t.first, max_row=t.last)
            for s in drawn_series(spec)
        ]
        names = Reference(ws, min_col=1, min_row=t.first, max_row=t.last)
        chart = native_chart(spec, refs, names, number_format=EURO0, size=(half, height), lang=ctx.lang)
        _place(ws, chart, top, half + 0.4)
    return top + math.ceil(height / CM_PER_ROW)


def _yearly_data(
    ctx: Context, ws: Worksheet, flows_ws: Worksheet, flows: FlowRows, spec: chartspec.Chart
) -> tuple[list[Reference], Reference]:
    """The yearly chart's series as columns right of the printed part (formulas over *Kasstromen*)."""
    fl = quote_sheetname(flows_ws.title)
    rows = {
        "benefit": (flows.benefits_row, ""),
        "cost": (flows.costs_row, "-"),  # costs down, as in every chart
        "net": (flows.net_row, ""),
        "cumulative": (flows.cumulative_row, ""),
    }
    head = _HEAD
    ctx.text(ws, head - 1, CHART_YEAR_COL, ctx.label("xl_chart_data"), bold=True)
    ctx.text(ws, head, CHART_YEAR_COL, ctx.label("year"), bold=True)
    series = drawn_series(spec)
    for i, col in enumerate(flows.year_cols):
        r = head + 1 + i
        ctx.formula(ws, r, CHART_YEAR_COL, f"={fl}!{col}{flows.year_row}", "0")
        for j, s in enumerate(series, 1):
            src, sign = rows[s.key]
            ctx.formula(ws, r, CHART_YEAR_COL + j, f"={sign}{fl}!{col}{src}", EURO0)
    last = head + len(flows.year_cols)
    for j, s in enumerate(series, 1):
        ctx.text(ws, head, CHART_YEAR_COL + j, s.label, bold=True)
    data = [
        Reference(ws, min_col=CHART_YEAR_COL + j, min_row=head + 1, max_row=last)
        for j in range(1, len(series) + 1)
    ]
    return data, Reference(ws, min_col=CHART_YEAR_COL, min_row=head + 1, max_row=last)


def _place(ws: Worksheet, chart: object, row: int, left_cm: float) -> None:
    """Put ``chart`` at ``left_cm`` from the left edge of column A, from the top of ``row``."""
    width, height = chart.width, chart.height  # type: ignore[attr-defined]
    chart.anchor = OneCellAnchor(  # type: ignore[attr-defined]
        _from=AnchorMarker(col=0, colOff=cm_to_EMU(left_cm), row=row - 1, rowOff=0),
        ext=XDRPositiveSize2D(cm_to_EMU(width), cm_to_EMU(height)),
    )
    ws.add_chart(chart)
