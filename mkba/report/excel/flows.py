"""The *Kasstromen* / *Cashflows* sheet of the Excel workbook (:mod:`mkba.report.excel.workbook`).

Discount factors, participants, each line's gross yearly amount, the flows
booked per stakeholder, their present values and the yearly totals, all as
formulas over the named inputs of :mod:`mkba.report.excel.inputs`
(docs/method.md, sections 2 to 5).

:func:`write_flows_sheet` takes the input sheets' defined names
(:class:`~mkba.report.excel.inputs.Inputs`) and returns where it put every
row and column as one :class:`FlowRows` value, for the *Samenvatting* sheet
and the extra sheets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mkba.engine.model import IDENTITY
from mkba.errors import MkbaError
from mkba.report.excel.cells import EURO0, FACTOR, NUMBER, YEAR, Context, write_title
from mkba.report.excel.fit import fit_header, wrap_columns
from mkba.report.excel.inputs import Inputs
from mkba.report.vocabulary import kind_name

if TYPE_CHECKING:
    from mkba.engine.model import Line

#: The first year column (G): A line, B label, C stakeholder, D kind, E transfer flag, F multiplier.
FIRST_YEAR_COL = 7
#: The header row (the years).
HEAD = 4
#: The widest (characters) the label columns are (line, its id, stakeholder, kind, transfer
#: flag); longer texts wrap. The amounts are at most 12 wide (``€ -123.456.789``).
_LABEL_WIDTHS = {1: 20, 2: 14, 3: 14, 4: 9, 5: 6}


@dataclass(frozen=True)
class FlowRows:
    """Where the *Kasstromen* sheet put things (1-based rows, column letters).

    Attributes
    ----------
    year_cols : tuple of str
        Column of each year.
    year_row, discount_row, participants_row : int
        Rows of the years, the discount factors and the new participants.
    pv_col, pv_pos_col, pv_neg_col : str
        Columns of a row's present value (euro), of its positive and of its negative part.
    line_rows : mapping
        Line id to its gross-amount row.
    posting_rows : tuple of (line id, stakeholder, row)
        The flows booked per stakeholder, in the order of ``Model.posting_line``.
    posting_range : (int, int) or None
        First and last posting row; None without postings.
    costs_row, benefits_row, net_row, discounted_row, cumulative_row : int
        Rows of the yearly totals (euro).
    reached, changes, net : str
        Ranges (over the year columns) of the years where the cumulative
        discounted flow is reached, of the sign changes of the net flow, and of
        the net flow: what the payback year and the IRR are computed from.
    """

    year_cols: tuple[str, ...]
    year_row: int
    discount_row: int
    participants_row: int
    pv_col: str
    pv_pos_col: str
    pv_neg_col: str
    line_rows: Mapping[str, int]
    posting_rows: tuple[tuple[str, str, int], ...]
    posting_range: tuple[int, int] | None
    costs_row: int
    benefits_row: int
    net_row: int
    discounted_row: int
    cumulative_row: int
    reached: str
    changes: str
    net: str


@dataclass(frozen=True)
class _Grid:
    """The sheet's fixed geometry: the year columns and the present-value columns."""

    cols: tuple[str, ...]
    pv_c: int
    pos_c: int
    neg_c: int

    @property
    def first(self) -> str:
        return self.cols[0]

    @property
    def last(self) -> str:
        return self.cols[-1]

    @property
    def discount_row(self) -> int:
        return HEAD + 1

    @property
    def participants_row(self) -> int:
        return HEAD + 2

    @property
    def df_rng(self) -> str:
        """The discount factors, absolute."""
        return f"${self.first}${self.discount_row}:${self.last}${self.discount_row}"

    def pv(self, row: int) -> str:
        """The present value of ``row``: its yearly amounts times the discount factors."""
        return f"=SUMPRODUCT({self.first}{row}:{self.last}{row},{self.df_rng})"


@dataclass(frozen=True)
class _Totals:
    costs: int
    benefits: int
    net: int
    discounted: int
    cumulative: int
    reached: int
    sign: int
    change: int


def write_flows_sheet(ctx: Context, ws: Worksheet, inputs: Inputs) -> FlowRows:
    """Write the *Kasstromen* sheet over the input sheets' defined names.

    Parameters
    ----------
    ctx : Context
        The workbook's context (result, language, price index, safe writers).
    ws : Worksheet
        The (empty) *Kasstromen* sheet.
    inputs : Inputs
        The defined names of the input sheets.

    Returns
    -------
    FlowRows
        Where every row and column is, for the later sheets.

    Raises
    ------
    MkbaError
        When a line's index and unit factors in the workbook do not agree with
        the calculation (another price index than the result's).
    """
    m = ctx.result.model
    write_title(
        ctx,
        ws,
        f"{ctx.label('xl_sheet_flows')}: {m.scenario.name}",
        ctx.label("xl_note_flows").format(py=m.price_year),
    )
    Y = len(m.years)
    c0 = FIRST_YEAR_COL
    grid = _Grid(tuple(get_column_letter(c0 + i) for i in range(Y)), c0 + Y, c0 + Y + 1, c0 + Y + 2)
    _header_rows(ctx, ws, grid, inputs)
    line_rows = _gross_rows(ctx, ws, grid, inputs, grid.participants_row + 2)
    postings_head = max(line_rows.values(), default=grid.participants_row + 2) + 2
    postings = _posting_rows(ctx, ws, grid, line_rows, postings_head)
    last = postings[-1][2] if postings else postings_head
    posting_range = (postings_head + 1, last) if postings else None
    totals = _total_rows(ctx, ws, grid, postings_head + 1, last, last + 2)
    ws.freeze_panes = f"{grid.first}{HEAD + 1}"
    # narrow label columns whose texts wrap, so that the sheet prints at a readable size (a long
    # horizon prints several pages wide, these columns repeated: mkba.report.excel.printing)
    wrap_columns(ctx, ws, {**_LABEL_WIDTHS, **dict.fromkeys(range(c0, grid.neg_c + 1), 12)}, HEAD)
    fit_header(ctx, ws, HEAD)
    rng = f"{grid.first}{{row}}:{grid.last}{{row}}"
    return FlowRows(
        year_cols=grid.cols,
        year_row=HEAD,
        discount_row=grid.discount_row,
        participants_row=grid.participants_row,
        pv_col=get_column_letter(grid.pv_c),
        pv_pos_col=get_column_letter(grid.pos_c),
        pv_neg_col=get_column_letter(grid.neg_c),
        line_rows=line_rows,
        posting_rows=postings,
        posting_range=posting_range,
        costs_row=totals.costs,
        benefits_row=totals.benefits,
        net_row=totals.net,
        discounted_row=totals.discounted,
        cumulative_row=totals.cumulative,
        reached=rng.format(row=totals.reached),
        changes=rng.format(row=totals.change),
        net=rng.format(row=totals.net),
    )


def _header_rows(ctx: Context, ws: Worksheet, grid: _Grid, inputs: Inputs) -> None:
    """The years, the discount factors (docs/method.md, section 2) and the new participants."""
    c0, cols = FIRST_YEAR_COL, grid.cols
    for j, key in enumerate(["line", "xl_id", "stakeholder", "xl_kind", "xl_transfer_flag", "xl_multiplier"]):
        ctx.text(ws, HEAD, 1 + j, ctx.label(key), bold=True)
    ctx.formula(ws, HEAD, c0, "=start_year", YEAR, bold=True)
    for i in range(1, len(cols)):
        ctx.formula(ws, HEAD, c0 + i, f"={cols[i - 1]}{HEAD}+1", YEAR, bold=True)
    for c, key in ((grid.pv_c, "xl_pv"), (grid.pos_c, "xl_pv_pos"), (grid.neg_c, "xl_pv_neg")):
        ctx.text(ws, HEAD, c, ctx.label(key), bold=True)
    ctx.text(ws, grid.discount_row, 1, ctx.label("discount_factor"), bold=True)
    ctx.text(ws, grid.participants_row, 1, ctx.label("xl_participants_row"), bold=True)
    for i, col in enumerate(cols):
        ctx.formula(ws, grid.discount_row, c0 + i, f"=(1+discount_rate)^-({col}${HEAD}-base_year)", FACTOR)
        ctx.formula(ws, grid.participants_row, c0 + i, f"={inputs.participant_names[i]}", NUMBER)


# -- gross amount per line --------------------------------------------------------------------------
def _gross_rows(ctx: Context, ws: Worksheet, grid: _Grid, inputs: Inputs, row: int) -> dict[str, int]:
    """Each line's gross yearly amount (docs/method.md, section 4); returns line id -> row."""
    m = ctx.result.model
    ctx.text(ws, row, 1, ctx.label("xl_gross"), bold=True)
    price_items = {
        j: inp.name[len("price.") :] for j, inp in enumerate(m.inputs) if inp.name.startswith("price.")
    }
    rows = {}
    for line in m.lines:
        row += 1
        rows[line.id] = row
        ctx.text(ws, row, 1, line.label_in(ctx.lang))  # the reader's name; its id beside it
        ctx.text(ws, row, 2, line.id)
        # the parties the line is booked on (none for a memo line), and its kind in the reader's words
        booked = dict.fromkeys(ctx.result.stakeholder_label(name) for name, _, _ in line.postings)
        ctx.text(ws, row, 3, ", ".join(booked))
        ctx.text(ws, row, 4, kind_name(line.kind, ctx.lang))
        ctx.formula(ws, row, 6, _multiplier(ctx, line, inputs, price_items), "#,##0.00####")
        timing = _fixed_timing if line.cohort is None else _cohort_timing
        for i, col in enumerate(grid.cols):
            ctx.formula(
                ws, row, FIRST_YEAR_COL + i, timing(grid, inputs.line_names[line.id], line, row, col), EURO0
            )
        ctx.formula(ws, row, grid.pv_c, grid.pv(row), EURO0)
    return rows


def _fixed_timing(grid: _Grid, names: Mapping[str, str], line: Line, row: int, col: str) -> str:
    """A line's amount in the year of ``col`` between its first and last year.

    An effect per: year decays by (1 - drop_off) ^ k with k = year - first year.
    """
    fy, ly = names["first_year"], names["last_year"]
    decay = "" if line.decay is None else f"*(1-{names['drop_off']})^MAX(0,{col}${HEAD}-{fy})"
    return f"=$F{row}*({col}${HEAD}>={fy})*({col}${HEAD}<={ly})" + decay


def _cohort_timing(grid: _Grid, names: Mapping[str, str], line: Line, row: int, col: str) -> str:
    """A line's amount in the year of ``col`` over the cohorts of participants (lag, duration, drop-off)."""
    lag, dur, drop = names.get("lag"), names["duration"], names.get("drop_off")
    years_rng = f"${grid.first}${HEAD}:${grid.last}${HEAD}"
    part_rng = f"${grid.first}${grid.participants_row}:${grid.last}${grid.participants_row}"
    k = f"({col}${HEAD}-{years_rng}{'-' + lag if lag else ''})"
    args = [part_rng, f"({k}>=0)*({k}<{dur})"]
    if drop:
        args.append(f"(1-{drop})^({k}*({k}>=0))")
    return f"=$F{row}*SUMPRODUCT({','.join(args)})"


def _multiplier(ctx: Context, line: Line, inputs: Inputs, price_items: Mapping[int, str]) -> str:
    """The formula of a line's amount per unit of timing (participants, years).

    The product of its inputs (``1 - x`` for deadweight, displacement and
    optimism bias), indexed price items and its index and unit factors
    (docs/method.md, sections 1 and 4).
    """
    names = inputs.line_names[line.id]
    terms = []
    for j, kind in line.factors:
        if j in price_items:
            terms.append(inputs.item_indexed[price_items[j]])
        else:
            name = inputs.input_names[j]
            terms.append(name if kind == IDENTITY else f"(1-{name})")
    terms += [names[key] for key in ("index_factor", "unit_factor") if key in names]
    _check_constant(ctx, line, inputs.line_constant[line.id], price_items)
    return "=" + "*".join(terms)


def _check_constant(ctx: Context, line: Line, expected: float, price_items: Mapping[int, str]) -> None:
    """Check that the workbook's index and unit factors agree with the core's constant for ``line``."""
    m = ctx.result.model
    item = next((price_items[j] for j, _ in line.factors if j in price_items), None)
    if item is not None:
        expected *= float(ctx.index.factor(m.pricelist.items[item].price_year, m.price_year))
    if not math.isclose(expected, line.constant, rel_tol=1e-12, abs_tol=0.0):
        raise MkbaError(
            f"line {line.id!r}: the workbook's index and unit factors ({expected!r}) do not "
            f"agree with the calculation ({line.constant!r}); was another price index used?"
        )


# -- booked per stakeholder -------------------------------------------------------------------------
def party_key(ctx: Context, name: str) -> str:
    """How a posting row names its stakeholder (column C), which the summary's sums look up.

    The stakeholder's label, the reader's name; its id only when two stakeholders share a label
    (a sum by label would then add both).
    """
    labels = [ctx.result.stakeholder_label(n) for n in ctx.result.model.stakeholders]
    return ctx.result.stakeholder_label(name) if len(set(labels)) == len(labels) else name


def _posting_rows(
    ctx: Context, ws: Worksheet, grid: _Grid, line_rows: Mapping[str, int], row: int
) -> tuple[tuple[str, str, int], ...]:
    """Each line's flows booked per stakeholder (docs/method.md, section 3); returns (line, stakeholder, row)."""
    m = ctx.result.model
    ctx.text(ws, row, 1, ctx.label("xl_postings"), bold=True)
    out = []
    for li, k, sign, tr in zip(m.posting_line, m.posting_stakeholder, m.posting_sign, m.posting_transfer):
        row += 1
        line = m.lines[li]
        stakeholder = m.stakeholders[k]
        out.append((line.id, stakeholder, row))
        src = line_rows[line.id]
        ctx.text(ws, row, 1, line.label_in(ctx.lang))  # the reader's name; its id beside it
        ctx.text(ws, row, 2, line.id)
        ctx.text(ws, row, 3, party_key(ctx, stakeholder))  # the summary sums by this name
        ctx.text(ws, row, 4, ctx.label("benefits") if sign > 0 else ctx.label("costs"))
        ctx.number(ws, row, 5, int(bool(tr)), "0")
        for i, col in enumerate(grid.cols):
            ctx.formula(ws, row, FIRST_YEAR_COL + i, f"={'-' if sign < 0 else ''}{col}{src}", EURO0)
        rng = f"{grid.first}{row}:{grid.last}{row}"
        ctx.formula(ws, row, grid.pv_c, f"=SUMPRODUCT({rng},{grid.df_rng})", EURO0)
        ctx.formula(ws, row, grid.pos_c, f"=SUMPRODUCT(({rng}>0)*{rng},{grid.df_rng})", EURO0)
        ctx.formula(ws, row, grid.neg_c, f"=-SUMPRODUCT(({rng}<0)*{rng},{grid.df_rng})", EURO0)
    return tuple(out)


# -- totals per year --------------------------------------------------------------------------------
_TOTAL_LABELS = (
    "xl_costs_excl",
    "xl_benefits_excl",
    "net_flow",
    "discounted_net_flow",
    "cumulative_discounted",
    "xl_reached_zero",
    "xl_sign",
    "xl_sign_change",
)


def _total_rows(ctx: Context, ws: Worksheet, grid: _Grid, p_first: int, p_last: int, row: int) -> _Totals:
    """The yearly totals and their present values (docs/method.md, section 5), from ``row`` on.

    Costs and benefits leave out transfers; the payback year and the IRR use
    the helper rows 'reached', 'sign' and 'sign change'.
    """
    ctx.text(ws, row, 1, ctx.label("xl_totals"), bold=True)
    t = _Totals(*range(row + 1, row + 1 + len(_TOTAL_LABELS)))
    for r, key in zip(range(t.costs, t.change + 1), _TOTAL_LABELS):
        ctx.text(ws, r, 1, ctx.label(key), bold=r <= t.cumulative)
    postings = p_last >= p_first
    for i, col in enumerate(grid.cols):
        _total_column(ctx, ws, t, grid, i, col, (p_first, p_last) if postings else None)
    for r in (t.costs, t.benefits, t.net, t.discounted):
        f = grid.pv(r) if r != t.discounted else f"=SUM({grid.first}{r}:{grid.last}{r})"
        ctx.formula(ws, r, grid.pv_c, f, EURO0)
    return t


def _total_column(
    ctx: Context, ws: Worksheet, t: _Totals, grid: _Grid, i: int, col: str, postings: tuple[int, int] | None
) -> None:
    """The totals of one year (column ``col``, the ``i``-th year)."""
    c = FIRST_YEAR_COL + i
    prev = grid.cols[i - 1] if i else None
    if postings is not None:
        p_first, p_last = postings
        tr_rng = f"$E${p_first}:$E${p_last}"
        rng = f"{col}${p_first}:{col}${p_last}"
        ctx.formula(ws, t.costs, c, f"=-SUMPRODUCT(({tr_rng}=0)*({rng}<0)*{rng})", EURO0)
        ctx.formula(ws, t.benefits, c, f"=SUMPRODUCT(({tr_rng}=0)*({rng}>0)*{rng})", EURO0)
        ctx.formula(ws, t.net, c, f"=SUM({rng})", EURO0)
    else:
        for r in (t.costs, t.benefits, t.net):
            ctx.number(ws, r, c, 0.0, EURO0)
    ctx.formula(ws, t.discounted, c, f"={col}{t.net}*{col}{grid.discount_row}", EURO0)
    cumulative = f"={col}{t.discounted}" if prev is None else f"={prev}{t.cumulative}+{col}{t.discounted}"
    ctx.formula(ws, t.cumulative, c, cumulative, EURO0)
    ctx.formula(ws, t.reached, c, f'=IF({col}{t.cumulative}>=0,{col}${HEAD},"")', YEAR)
    sign = (
        f"=SIGN({col}{t.net})" if prev is None else f"=IF({col}{t.net}<>0,SIGN({col}{t.net}),{prev}{t.sign})"
    )
    ctx.formula(ws, t.sign, c, sign, "0")
    change = "=0" if prev is None else f"=IF({prev}{t.sign}*{col}{t.sign}<0,1,0)"
    ctx.formula(ws, t.change, c, change, "0")
