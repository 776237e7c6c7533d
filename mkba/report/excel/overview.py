"""The *Overzicht* / *Overview* sheet: the MKBA-overzichtstabel (docs/method.md, section 8).

One row per line (costs, effects, volunteer lines), its present value per stakeholder (a column
each) and in total, a subtotal per group, the saldo, a check row against the *Samenvatting*, and
the PM-posten below, never summed. Every amount is a live formula over the *Kasstromen* sheet: a
line's cell for a stakeholder adds the present-value cells of that line's postings on that
stakeholder; its total adds the stakeholder cells (a transfer's two sides cancel), so the saldo
equals the *Samenvatting*'s npv. A memo line (a volunteer line valued but not in the saldo) has
its present value in the column *Pro memorie*, outside every sum.

:func:`plan_overview` says where everything goes, without writing (the tests and the project
workbook read it); :func:`write_overview_sheet` writes the sheet before the *Samenvatting*, so it
is the first sheet of a scenario's workbook (it is a registered sheet writer of
:mod:`mkba.report.excel.workbook`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from mkba.report.excel.cells import EURO0, Context, write_title
from mkba.report.excel.fit import fit_header, wrap_columns, wrap_note
from mkba.report.vocabulary import kind_name

#: The groups of lines, in the table's order.
GROUPS = ("cost", "effect", "volunteer")
#: Header row; the first stakeholder column (D: A line's label, B its id, C kind).
HEAD = 4
FIRST_COL = 4


@dataclass(frozen=True)
class OverviewCells:
    """Where the *Overzicht* sheet puts things (1-based rows, column letters).

    Attributes
    ----------
    title : str
        The sheet's title.
    stakeholder_cols : mapping
        Stakeholder to its column.
    total_col, memo_col : str
        Columns of a line's total present value and of a memo line's present value.
    line_rows : mapping
        Line id to its row.
    group_rows : mapping
        Group (``cost``, ``effect``, ``volunteer``) to (its heading row, its subtotal row), for the
        groups that have lines.
    saldo_row, check_row : int
        Rows of the saldo (the sum of the subtotals) and of the *Samenvatting*'s figures.
    pm_rows : mapping
        PM-post id to its row.
    """

    title: str
    stakeholder_cols: Mapping[str, str]
    total_col: str
    memo_col: str
    line_rows: Mapping[str, int]
    group_rows: Mapping[str, tuple[int, int]]
    saldo_row: int
    check_row: int
    pm_rows: Mapping[str, int]

    def cell(self, line_id: str, stakeholder: str | None) -> str:
        """The cell of ``line_id``'s present value on ``stakeholder`` (None: its memo value), e.g. ``E7``."""
        col = self.memo_col if stakeholder is None else self.stakeholder_cols[stakeholder]
        return f"{col}{self.line_rows[line_id]}"


def plan_overview(ctx: Context, title: str) -> OverviewCells:
    """Where the *Overzicht* sheet of ``ctx.result`` puts every row and column.

    Parameters
    ----------
    ctx : Context
        The workbook's context (its result).
    title : str
        The sheet's title.

    Returns
    -------
    OverviewCells
    """
    m = ctx.result.model
    cols = {name: get_column_letter(FIRST_COL + k) for k, name in enumerate(m.stakeholders)}
    n = len(cols)
    row = HEAD
    line_rows: dict[str, int] = {}
    group_rows: dict[str, tuple[int, int]] = {}
    for group in GROUPS:
        lines = [line for line in m.lines if line.group == group]
        if not lines:
            continue
        head = row + 1
        for k, line in enumerate(lines):
            line_rows[line.id] = head + 1 + k
        row = head + len(lines) + 1
        group_rows[group] = (head, row)
    saldo = row + 2
    pm_head = saldo + 4
    pm_rows = {p.id: pm_head + 1 + k for k, p in enumerate(m.scenario.pm)}
    return OverviewCells(
        title=title,
        stakeholder_cols=cols,
        total_col=get_column_letter(FIRST_COL + n),
        memo_col=get_column_letter(FIRST_COL + n + 1),
        line_rows=line_rows,
        group_rows=group_rows,
        saldo_row=saldo,
        check_row=saldo + 1,
        pm_rows=pm_rows,
    )


def write_overview_sheet(wb: Workbook, ctx: Context, title: str | None = None) -> OverviewCells:
    """Write the *Overzicht* sheet just before the *Samenvatting* sheet.

    Parameters
    ----------
    wb : Workbook
        The workbook, its standard sheets written (``ctx.layout`` complete).
    ctx : Context
        The workbook's context.
    title : str, optional
        The sheet's title (default: ``Overzicht`` / ``Overview``, numbered when taken).

    Returns
    -------
    OverviewCells
        Where the sheet put things.
    """
    if title is None:
        title = base = ctx.label("xl_sheet_overview")
        n = 2
        while title in wb.sheetnames:
            title, n = f"{base} {n}", n + 1
    at = wb.sheetnames.index(ctx.layout.sheets["summary"])
    ws = wb.create_sheet(title, at)
    if at == 0:
        wb.active = 0
    cells = plan_overview(ctx, title)
    m = ctx.result.model
    write_title(
        ctx,
        ws,
        f"{ctx.label('overview')}: {m.scenario.name}",
        ctx.label("xl_ov_note").format(py=m.price_year, flows=ctx.layout.sheets["flows"]),
    )
    _header(ctx, ws, cells)
    for group, (head, sub) in cells.group_rows.items():
        ctx.text(ws, head, 1, ctx.label(f"xl_ov_group_{group}"), bold=True)
        for line in m.lines:
            if line.group == group:
                _line_row(ctx, ws, cells, line.id)
        _sum_row(ctx, ws, cells, sub, ctx.label("xl_ov_subtotal"), f"{{col}}{head + 1}:{{col}}{sub - 1}")
    subtotals = [sub for _, sub in cells.group_rows.values()]
    _sum_row(ctx, ws, cells, cells.saldo_row, ctx.label("npv"), "+".join(f"{{col}}{r}" for r in subtotals))
    _check_row(ctx, ws, cells)
    _pm_rows(ctx, ws, cells)
    ws.freeze_panes = f"{get_column_letter(FIRST_COL)}{HEAD + 1}"
    print_wide(ws, f"{HEAD}:{HEAD}")
    ctx.cap_width(ws, 1, 22, least=12)
    ctx.cap_width(ws, 2, 34, least=20)
    for col in range(FIRST_COL, _index(cells.memo_col) + 1):
        ctx.cap_width(ws, col, 15, least=12)
    # nothing cut off on paper: long labels wrap in their column, the header at word breaks, the
    # note under the title across the table
    wrap_columns(ctx, ws, {1: 22, 2: 34, 3: 20}, HEAD)
    fit_header(ctx, ws, HEAD)
    wrap_note(ctx, ws, _index(cells.memo_col))
    return cells


def print_wide(ws: Worksheet, title_rows: str | None = None) -> None:
    """Print ``ws`` on A4 landscape, all columns on one page wide, ``title_rows`` (``4:4``) on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if title_rows:
        ws.print_title_rows = title_rows


def _header(ctx: Context, ws: Worksheet, cells: OverviewCells) -> None:
    """The header row: line, description, kind, one column per stakeholder, total, memo."""
    for c, key in enumerate(("overview_line", "xl_id", "xl_kind"), 1):
        ctx.text(ws, HEAD, c, ctx.label(key), bold=True)
    for name, col in cells.stakeholder_cols.items():
        ctx.text(ws, HEAD, _index(col), ctx.result.stakeholder_label(name), bold=True)
    ctx.text(ws, HEAD, _index(cells.total_col), ctx.label("total"), bold=True)
    ctx.text(ws, HEAD, _index(cells.memo_col), ctx.label("xl_ov_memo"), bold=True)


def _index(col: str) -> int:
    return column_index_from_string(col)


def _line_row(ctx: Context, ws: Worksheet, cells: OverviewCells, line_id: str) -> None:
    """One line: its present value per stakeholder (its postings' cells on *Kasstromen*) and in total."""
    m, lay = ctx.result.model, ctx.layout
    row = cells.line_rows[line_id]
    line = next(ln for ln in m.lines if ln.id == line_id)
    fl = quote_sheetname(lay.sheets["flows"])
    transfer = any(tr for _, _, tr in line.postings)
    kind = kind_name(line.kind, ctx.lang)
    ctx.text(ws, row, 1, line.label_in(ctx.lang))  # the reader's name; its id beside it
    ctx.text(ws, row, 2, line.id)
    ctx.text(ws, row, 3, f"{kind} ({ctx.label('transfer_note')})" if transfer else kind)
    if line.memo:
        src = f"={fl}!${lay.pv_col}${lay.line_rows[line_id]}"
        ctx.formula(ws, row, _index(cells.memo_col), src, EURO0)
        return
    booked: dict[str, list[str]] = {}
    for posted_id, stakeholder, prow in lay.posting_rows:
        if posted_id == line_id:
            booked.setdefault(stakeholder, []).append(f"{fl}!${lay.pv_col}${prow}")
    for stakeholder, refs in booked.items():
        ctx.formula(ws, row, _index(cells.stakeholder_cols[stakeholder]), "=" + "+".join(refs), EURO0)
    first, last = _first_last(cells)
    ctx.formula(ws, row, _index(cells.total_col), f"=SUM({first}{row}:{last}{row})", EURO0)


def _first_last(cells: OverviewCells) -> tuple[str, str]:
    """The first and last stakeholder columns (the total column twice when there is none)."""
    cols = list(cells.stakeholder_cols.values()) or [cells.total_col]
    return cols[0], cols[-1]


def _sum_row(ctx: Context, ws: Worksheet, cells: OverviewCells, row: int, text: str, terms: str) -> None:
    """A bold row adding ``terms`` (``{col}`` stands for each column) in every stakeholder column and the total."""
    ctx.text(ws, row, 1, text, bold=True)
    for col in [*cells.stakeholder_cols.values(), cells.total_col]:
        formula = f"=SUM({terms.format(col=col)})" if ":" in terms else f"={terms.format(col=col) or 0}"
        ctx.formula(ws, row, _index(col), formula, EURO0, bold=True)


def _check_row(ctx: Context, ws: Worksheet, cells: OverviewCells) -> None:
    """The *Samenvatting*'s npv per stakeholder and in total, beside the saldo: the same numbers."""
    lay = ctx.layout
    row = cells.check_row
    ctx.text(ws, row, 1, ctx.label("xl_ov_check").format(sheet=lay.sheets["summary"]))
    npv_col = lay.stakeholder_cols["npv"]
    for name, col in cells.stakeholder_cols.items():
        ref = ctx.ref("summary", f"{npv_col}{lay.stakeholder_rows[name]}")
        ctx.formula(ws, row, _index(col), f"={ref}", EURO0)
    ctx.formula(ws, row, _index(cells.total_col), f"={ctx.ref('summary', lay.figures['npv'])}", EURO0)


def _pm_rows(ctx: Context, ws: Worksheet, cells: OverviewCells) -> None:
    """The PM-posten: line, description, stakeholder, direction and size, as text (never summed)."""
    pm = ctx.result.pm_rows()
    if not pm:
        return
    head = min(cells.pm_rows.values()) - 1
    ctx.text(ws, head - 1, 1, ctx.label("pm_posts"), bold=True)
    for col, key in enumerate(("overview_line", "xl_id", "stakeholder", "direction", "size"), 1):
        ctx.text(ws, head, col, ctx.label(key), bold=True)
    for p in pm:
        row = cells.pm_rows[p["id"]]
        ctx.text(ws, row, 1, p["label"])
        ctx.text(ws, row, 2, p["id"])
        ctx.text(ws, row, 3, ctx.result.stakeholder_label(p["stakeholder"]))
        ctx.text(ws, row, 4, ctx.label(f"dir_{p['direction']}"))
        ctx.text(ws, row, 5, p["size"] or "")
