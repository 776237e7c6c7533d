"""The *SIB* sheet of the workbook: a Social Impact Bond's terms, payments, waterfall and IRR.

Written by :func:`write_sib_sheet`, a sheet writer (:mod:`mkba.report.excel.workbook`) that
runs for every workbook and adds the sheet only when the scenario has a
``sib:`` section: at the outcome level of ``context.sib`` (a
:class:`mkba.sib.SibResult`, e.g. from ``mkba sib --outcome L --xlsx``), else
at the expected levels.

What is a live formula (docs/excel.md): each rule's payment as a function of
the outcome level (named ``sib_outcome_level``), the spread over the years
(cumulative rounding), the contract cap (MIN), the provider's share, the floor
top-ups, the investor cash flows with Excel's ``IRR()`` and the multiple, the
payer's payments and its avoided costs (the payer's postings on the
*Kasstromen* sheet, indexed to the contract's price year and scaled by
``level / reference level``) with their present values. The waterfall (what
each investor receives, by seniority and up to its return cap) and what goes
beyond the return cap are values from the core, labelled so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname

from mkba.pricelist.index import default_index
from mkba.report.excel.cells import EURO, FACTOR, NUMBER, PERCENT, YEAR, Context, write_title
from mkba.scenario.contract import Bands, Linear, RateCard, Threshold
from mkba.sib.model import CompiledOutcome

#: First column of the years (D): A label, B note, C name or unit.
C0 = 4


def _sib_result(ctx: Context):
    if ctx.sib is not None:
        return ctx.sib
    model = ctx.result.model
    if model.scenario.sib is None:
        return None
    from mkba.sib.model import compile_sib

    index = None if model.index_name == default_index().name else ctx.index
    return compile_sib(model.scenario, model.pricelist, index=index).point()


def write_sib_sheet(wb: Workbook, ctx: Context) -> dict[str, Any] | None:
    """Add the *SIB* sheet when the result's scenario has a ``sib:`` section (or ``ctx.sib`` is given).

    The payments follow docs/method.md, section 7: live formulas over the
    outcome level (named ``sib_outcome_level``), the waterfall as the core's values.

    Parameters
    ----------
    wb : Workbook
        The workbook, its standard sheets written (the payer's avoided costs
        refer to the *Kasstromen* sheet through ``ctx.layout``).
    ctx : Context
        Its context: ``ctx.sib`` (a :class:`mkba.sib.model.SibResult`), else
        the scenario's ``sib:`` section at its expected levels.

    Returns
    -------
    dict or None
        Where the sheet put things (``sheet``, ``year_cols``, ``terms``,
        ``levels``, ``rules``, ``rows``, ``irr``, ``multiple``, ``figures``, ...);
        None when there is no SIB (no sheet).
    """
    res = _sib_result(ctx)
    if res is None:
        return None
    return _SibSheet(wb, ctx, res).write()


class _SibSheet:
    def __init__(self, wb, ctx: Context, res) -> None:
        self.wb, self.ctx, self.res = wb, ctx, res
        self.sib = res.sib
        self.c = res.sib.contract
        self.s = res.schedule
        self.data = res.to_dict()
        title = ctx.label("xl_sheet_sib")
        base, n = title, 2
        while title in wb.sheetnames:
            title, n = f"{base} {n}", n + 1
        self.ws = wb.create_sheet(title)
        self.years = [int(y) for y in self.s.years]
        self.cols = [get_column_letter(C0 + i) for i in range(len(self.years))]
        self.total_col = get_column_letter(C0 + len(self.years))
        self.L: dict = {
            "sheet": title,
            "year_cols": dict(zip(self.years, self.cols)),
            "total_col": self.total_col,
        }
        self.core = ctx.label("xl_from_core")
        self.row = 0

    # -- helpers --------------------------------------------------------------------------------
    def next(self, n: int = 1) -> int:
        self.row += n
        return self.row

    def heading(self, key: str) -> int:
        r = self.next(2)
        self.ctx.text(self.ws, r, 1, self.ctx.label(key), bold=True)
        return r

    def define(self, name: str, cell: str) -> str:
        return self.ctx.define(self.wb, name, self.ws, cell)

    def rng(self, row: int) -> str:
        return f"${self.cols[0]}${row}:${self.cols[-1]}${row}"

    def year_row(
        self,
        key_or_text: str,
        values=None,
        formulas=None,
        *,
        note: str = "",
        fmt: str = EURO,
        is_input: bool = False,
        total: bool = True,
        bold: bool = False,
        raw_label: bool = False,
    ) -> int:
        """One row over the years: numbers (``values``) or formulas (``formulas(i, col)``)."""
        ctx, ws = self.ctx, self.ws
        r = self.next()
        ctx.text(ws, r, 1, key_or_text if raw_label else ctx.label(key_or_text), bold=bold)
        ctx.text(ws, r, 2, note)
        for i, col in enumerate(self.cols):
            if formulas is not None:
                ctx.formula(ws, r, C0 + i, formulas(i, col), fmt, bold=bold)
            else:
                ctx.number(ws, r, C0 + i, values[i], fmt, is_input=is_input)
        if total:
            ctx.formula(
                ws, r, C0 + len(self.cols), f"=SUM({self.cols[0]}{r}:{self.cols[-1]}{r})", fmt, bold=True
            )
        return r

    # -- the sheet ------------------------------------------------------------------------------
    def write(self) -> dict[str, Any]:
        ctx, ws = self.ctx, self.ws
        write_title(ctx, ws, f"{ctx.label('xl_sib_title')}: {self.data['name']}")
        ctx.text(ws, 2, 1, ctx.label("xl_sib_note"))
        ctx.widths[(ws.title, 1)] = 44
        self.row = 2
        # the figures come first; their formulas are written once every row is known
        self.heading("xl_sib_figures")
        figure_keys = [
            "outcome_payments_due",
            "outcome_payments_total",
            "investment_total",
            "investors_receive_total",
            "floor_top_up_total",
            "beyond_return_cap_total",
            "investor_irr",
            "investor_multiple",
            "payer_payments_total",
            "payer_savings_total",
            "payer_pv_payments",
            "payer_pv_savings",
            "payer_net_savings",
        ]
        figure_keys += [f"break_even:{o.id}" for o in self.sib.outcomes]
        self.figure_rows = {k: self.next() for k in figure_keys}
        self.terms()
        self.outcomes()
        self.rules()
        self.investors()
        self.schedule()
        self.waterfall()
        self.payer()
        self.investor_flows()
        self.figures()
        ws.freeze_panes = "B3"
        ctx.cap_width(ws, 2, 40)
        return self.L

    def terms(self) -> None:
        ctx, ws, c = self.ctx, self.ws, self.c
        self.heading("xl_sib_terms")
        for j, key in enumerate(["xl_parameter", "xl_value", "xl_explanation", "xl_name"]):
            ctx.text(ws, self.row + 1, 1 + j, ctx.label(key), bold=True)
        self.next()
        names: dict[str, str | None] = {}

        def put(key: str, value, fmt=None, name=None, note="", formula=None, is_input=True) -> None:
            r = self.next()
            ctx.text(ws, r, 1, ctx.label(key))
            if formula is not None:
                ctx.formula(ws, r, 2, formula, fmt)
            elif value is None or isinstance(value, str):
                ctx.text(ws, r, 2, ctx.label("xl_sib_none") if value is None else value)
            else:
                ctx.number(ws, r, 2, value, fmt, is_input=is_input)
            ctx.text(ws, r, 3, note)
            if name is not None and (
                formula is not None or (value is not None and not isinstance(value, str))
            ):
                names[name] = self.define(name, f"B{r}")
                ctx.text(ws, r, 4, names[name])
            else:
                names[name or key] = None

        m, run = self.sib.model, self.ctx.result.model
        put("xl_sib_outcome_payer", c.outcome_payer)
        put("sib_provider", c.provider.name if c.provider else None)
        put(
            "xl_sib_provider_share",
            c.provider.share_of_payments if c.provider else 0.0,
            PERCENT,
            "sib_provider_share",
        )
        put(
            "xl_sib_max_outcome_payment",
            c.max_outcome_payment,
            EURO,
            "sib_max_outcome_payment",
            note="ROUNDDOWN(…; 2)",
        )
        put(
            "xl_sib_max_return",
            c.max_return,
            PERCENT,
            "sib_max_return",
            note=f"{ctx.label('xl_sib_waterfall')}: {self.core}",
        )
        put("xl_sib_beyond", c.beyond_max_return)
        put("xl_sib_max_loss", c.max_loss, PERCENT, "sib_max_loss")
        put("xl_sib_max_loss_paid_by", c.max_loss_paid_by)
        put("xl_sib_price_year", m.price_year, YEAR, "sib_price_year", is_input=False)
        rate = float(m.base[m.discount_col])
        same_rate = rate == float(run.base[run.discount_col])
        if same_rate:
            put("discount_rate", None, PERCENT, "sib_discount_rate", formula="=discount_rate")
        else:
            put("discount_rate", rate, PERCENT, "sib_discount_rate")
        same_base = m.base_year == run.base_year
        if same_base:
            put("base_year", None, YEAR, "sib_base_year", formula="=base_year")
        else:
            put("base_year", m.base_year, YEAR, "sib_base_year")
        lookup = "INDEX(idx_value,MATCH({},idx_year,0))"
        put(
            "xl_sib_index_factor",
            None,
            FACTOR,
            "sib_index_factor",
            formula=f"={lookup.format('sib_price_year')}/{lookup.format('price_year')}",
        )
        self.names = names
        self.L["terms"] = names

    def outcomes(self) -> None:
        ctx, ws = self.ctx, self.ws
        self.heading("xl_sib_outcomes")
        head = self.next()
        keys = [
            "xl_sib_outcomes",
            "xl_label",
            "xl_unit",
            "xl_sib_participants",
            "xl_sib_expected_level",
            "xl_sib_level_input",
            "xl_sib_reference_level",
            "xl_name",
        ]
        for j, key in enumerate(keys):
            ctx.text(ws, head, 1 + j, ctx.label(key), bold=True)
        self.level = {}
        self.participants = {}
        self.reference = {}
        levels = self.data["outcome_levels"]
        for k, o in enumerate(self.sib.outcomes):
            spec = self.c.outcomes[k]
            r = self.next()
            ctx.text(ws, r, 1, o.id)
            ctx.text(ws, r, 2, o.label)
            ctx.text(ws, r, 3, f"{spec.unit or ''} per {spec.per}")
            n = o.participants if o.per_participant else 1
            ctx.number(ws, r, 4, n, "0", is_input=True)
            self.participants[o.id] = f"$D${r}"
            ctx.number(ws, r, 5, float(self.sib.point_levels[k]), NUMBER)
            ctx.number(ws, r, 6, levels[o.id], NUMBER, is_input=True)
            self.level[o.id] = self.define(
                "sib_outcome_level" if k == 0 else f"sib_outcome_level_{o.id}", f"F{r}"
            )
            if o.reference_level is not None:
                ctx.number(ws, r, 7, o.reference_level, NUMBER, is_input=True)
                self.reference[o.id] = f"$G${r}"
            ctx.text(ws, r, 8, self.level[o.id])
        self.L["levels"] = dict(self.level)

    def rules(self) -> None:
        ctx, ws = self.ctx, self.ws
        self.heading("xl_sib_rules")
        head = self.next()
        keys = [
            "xl_sib_outcomes",
            "xl_sib_rule",
            "xl_sib_price",
            "xl_sib_threshold",
            "xl_sib_up_to",
            "xl_sib_level",
            "xl_sib_amount",
            "xl_sib_pp_cap",
            "xl_sib_cap",
            "xl_sib_payment",
            "xl_sib_band_level",
            "xl_sib_band_euro",
        ]
        for j, key in enumerate(keys):
            ctx.text(ws, head, 1 + j, ctx.label(key), bold=True)
        self.rule_total = {}
        self.L["rules"] = {}
        for o in self.sib.outcomes:
            rows = [self.rule_row(o, rule) for rule in o.rules]
            r = self.next()
            ctx.text(ws, r, 1, o.id, bold=True)
            ctx.text(ws, r, 2, ctx.label("xl_sib_rule_total"), bold=True)
            ctx.formula(ws, r, 10, "=" + "+".join(f"J{x}" for x in rows), EURO, bold=True)
            self.rule_total[o.id] = f"$J${r}"
            self.L["rules"][o.id] = {"rows": rows, "total": f"J{r}"}

    def rule_row(self, o: CompiledOutcome, rule: RateCard | Linear | Threshold | Bands) -> int:
        """One payment rule of outcome ``o``: its terms (inputs) and its payment (a formula); returns its row."""
        ctx, ws = self.ctx, self.ws
        r = self.next()
        ctx.text(ws, r, 1, o.id)
        ctx.text(ws, r, 2, rule.type + (f": {rule.label}" if rule.label else ""))
        cap = getattr(rule, "cap", None)
        if cap is not None:
            ctx.number(ws, r, 9, cap, EURO, is_input=True)
        caps = [f"ROUNDDOWN(ROUND($I${r},8),2)"] if cap is not None else []
        if isinstance(rule, RateCard):
            pay = self.rate_card(r, o, rule, caps)
        elif isinstance(rule, Linear):
            pay = self.linear(r, self.level[o.id], rule)
        elif isinstance(rule, Threshold):
            ctx.number(ws, r, 6, rule.level, NUMBER, is_input=True)
            ctx.number(ws, r, 7, rule.amount, EURO, is_input=True)
            LV = self.level[o.id]
            pay = f"IF({LV}>=$F${r}-1E-12*MAX(1,ABS($F${r})),ROUND($G${r},2),0)"
        else:
            pay = self.bands(r, self.level[o.id], rule)
        formula = f"=MIN({pay},{','.join(caps)})" if caps else f"={pay}"
        ctx.formula(ws, r, 10, formula, EURO)
        return r

    def rate_card(self, r: int, o: CompiledOutcome, rule: RateCard, caps: list[str]) -> str:
        """A price per unit of the level, per participant (capped per participant: a cap added to ``caps``)."""
        ctx, ws = self.ctx, self.ws
        ctx.number(ws, r, 3, rule.price, EURO, is_input=True)
        n = self.participants[o.id]
        each = f"$C${r}*{self.level[o.id]}"
        if rule.per_participant_cap is not None:
            ctx.number(ws, r, 8, rule.per_participant_cap, EURO, is_input=True)
            each = f"MIN({each},$H${r})"
            caps.insert(0, f"ROUNDDOWN(ROUND($H${r}*{n},8),2)")
        return f"ROUND({each}*{n},2)"

    def linear(self, r: int, LV: str, rule: Linear) -> str:
        """A price per unit of the level above a threshold (up to a level, when given)."""
        ctx, ws = self.ctx, self.ws
        ctx.number(ws, r, 3, rule.price, EURO, is_input=True)
        ctx.number(ws, r, 4, rule.threshold, NUMBER, is_input=True)
        above = f"MAX({LV}-$D${r},0)"
        if rule.up_to is not None:
            ctx.number(ws, r, 5, rule.up_to, NUMBER, is_input=True)
            above = f"MIN({above},$E${r}-$D${r})"
        return f"ROUND($C${r}*{above},2)"

    def bands(self, r: int, LV: str, rule: Bands) -> str:
        """Piecewise linear through the points written below row ``r``, flat beyond the ends."""
        ctx, ws = self.ctx, self.ws
        first = r + 1
        for p, (x, y) in enumerate(rule.points):
            rp = self.next()
            ctx.text(ws, rp, 2, f"{ctx.label('xl_sib_band_point')} {p + 1}")
            ctx.number(ws, rp, 11, x, NUMBER, is_input=True)
            ctx.number(ws, rp, 12, y, EURO, is_input=True)
        last = self.row
        X, Y = f"$K${first}:$K${last}", f"$L${first}:$L${last}"
        npts = len(rule.points)
        m = f"MATCH({LV},{X},1)"
        x0, x1 = f"INDEX({X},{m})", f"INDEX({X},{m}+1)"
        y0, y1 = f"INDEX({Y},{m})", f"INDEX({Y},{m}+1)"
        return (
            f"ROUND(IF({LV}<=INDEX({X},1),INDEX({Y},1),IF({LV}>=INDEX({X},{npts}),"
            f"INDEX({Y},{npts}),{y0}+({y1}-{y0})/({x1}-{x0})*({LV}-{x0}))),2)"
        )

    def investors(self) -> None:
        ctx, ws, c = self.ctx, self.ws, self.c
        self.heading("sib_investors")
        head = self.next()
        ctx.text(ws, head, 1, ctx.label("sib_investor"), bold=True)
        ctx.text(ws, head, 2, ctx.label("xl_label"), bold=True)
        ctx.text(ws, head, 3, ctx.label("xl_sib_seniority"), bold=True)
        for i, y in enumerate(self.years):
            ctx.number(ws, head, C0 + i, y, YEAR)
        tc = C0 + len(self.years)
        ctx.text(ws, head, tc, ctx.label("sib_total"), bold=True)
        ctx.text(ws, head, tc + 1, ctx.label("xl_sib_floor"), bold=True)
        rank = {i: t + 1 for t, tier in enumerate(self.sib.tiers) for i in tier}
        self.invest_row, self.floor_cell = {}, {}
        ml = self.names.get("sib_max_loss")
        for i, inv in enumerate(c.investors):
            r = self.next()
            ctx.text(ws, r, 1, inv.id)
            ctx.text(ws, r, 2, inv.label or "")
            ctx.number(ws, r, 3, rank[i], "0")
            for t in range(len(self.years)):
                ctx.number(ws, r, C0 + t, self.s.invest_cents[i, t] / 100.0, EURO, is_input=True)
            tot = f"{self.total_col}{r}"
            ctx.formula(ws, r, tc, f"=SUM({self.cols[0]}{r}:{self.cols[-1]}{r})", EURO, bold=True)
            if ml:
                ctx.formula(ws, r, tc + 1, f"=ROUNDUP(ROUND((1-{ml})*{tot},8),2)", EURO)
                self.floor_cell[inv.id] = f"${get_column_letter(tc + 1)}${r}"
            else:
                ctx.text(ws, r, tc + 1, ctx.label("xl_sib_none"))
            self.invest_row[inv.id] = r
        self.L["investor_rows"] = dict(self.invest_row)

    def schedule(self) -> None:
        ctx, ws, c, s = self.ctx, self.ws, self.c, self.s
        head = self.heading("xl_sib_schedule")
        for i, y in enumerate(self.years):
            ctx.number(ws, head, C0 + i, y, YEAR)
        ctx.text(ws, head, C0 + len(self.years), ctx.label("sib_total"), bold=True)
        self.year_header = head
        R = self.L["rows"] = {}
        form = ctx.label("xl_sib_formula")
        due_rows = []
        for _k, o in enumerate(self.sib.outcomes):
            share = self.year_row(
                f"{ctx.label('xl_sib_share')} ({o.id})",
                [float(x) for x in o.shares],
                fmt=PERCENT,
                is_input=True,
                raw_label=True,
            )
            cum = self.year_row(
                f"{ctx.label('xl_sib_cum_share')} ({o.id})",
                fmt=PERCENT,
                total=False,
                raw_label=True,
                formulas=lambda i, col, sr=share: f"=SUM(${self.cols[0]}{sr}:{col}{sr})",
            )
            T = self.rule_total[o.id]

            def rounded(i, col, sr=share, cr=cum, T=T):
                if i == len(self.cols) - 1:
                    return f"={T}"
                rest = f"{self.cols[i + 1]}{sr}:{self.cols[-1]}{sr}"
                return f"=IF(SUM({rest})=0,{T},ROUND({T}*{col}{cr},2))"

            cr = self.year_row(
                f"{ctx.label('xl_sib_cum_rounded')} ({o.id})", formulas=rounded, total=False, raw_label=True
            )
            due = self.year_row(
                f"{ctx.label('xl_sib_due_outcome')} ({o.id})",
                raw_label=True,
                note=form,
                formulas=lambda i, col, cr=cr: (
                    f"={col}{cr}" if i == 0 else f"={col}{cr}-{self.cols[i - 1]}{cr}"
                ),
            )
            R[f"due:{o.id}"] = due
            due_rows.append(due)
        R["due"] = self.year_row(
            "sib_due",
            formulas=lambda i, col: "=" + "+".join(f"{col}{x}" for x in due_rows),
            bold=True,
            note=form,
        )
        cap = self.names.get("sib_max_outcome_payment")
        # the room under the cap refers to the payments made, written further down (same layout below)
        payable = self.row + 2
        made_row = payable + 5 + len(c.investors)

        def room_f(i, col):
            before = f"-SUM(${self.cols[0]}${made_row}:{self.cols[i - 1]}${made_row})" if i else ""
            return f"=ROUNDDOWN(ROUND({cap},8),2){before}"

        if cap is not None:
            R["room"] = self.year_row("xl_sib_room", formulas=room_f, total=False, note=form)
            R["payable"] = self.year_row(
                "xl_sib_payable",
                note=form,
                formulas=lambda i, col: f"=MAX(0,MIN({col}{R['due']},{col}{R['room']}))",
            )
        else:
            R["payable"] = self.year_row(
                "xl_sib_payable", note=form, formulas=lambda i, col: f"={col}{R['due']}"
            )
        provider_share = self.names.get("sib_provider_share")
        R["share"] = self.year_row(
            "xl_sib_share_provider",
            note=form,
            formulas=lambda i, col: f"=ROUND({col}{R['payable']}*{provider_share},2)",
        )
        R["pool"] = self.year_row(
            "xl_sib_pool", note=form, formulas=lambda i, col: f"={col}{R['payable']}-{col}{R['share']}"
        )
        self.received_row = {}
        for i, iid in enumerate(self.sib.investor_ids):
            self.received_row[iid] = self.year_row(
                f"→ {iid}",
                [s.received_cents[0, i, t] / 100.0 for t in range(len(self.cols))],
                note=self.core,
                raw_label=True,
            )
        R["received"] = dict(self.received_row)
        R["excess"] = self.year_row(
            "xl_sib_beyond", [s.excess_cents[0, t] / 100.0 for t in range(len(self.cols))], note=self.core
        )
        got = "+".join(f"{{col}}{x}" for x in self.received_row.values())
        R["check"] = self.year_row(
            "xl_sib_check",
            note=form,
            formulas=lambda i, col: f"={col}{R['pool']}-({got.format(col=col)})-{col}{R['excess']}",
        )
        to_provider = c.beyond_max_return == "provider"
        R["made"] = self.year_row(
            "xl_sib_made",
            bold=True,
            note=form,
            formulas=lambda i, col: (
                f"={col}{R['payable']}" if to_provider else f"={col}{R['payable']}-{col}{R['excess']}"
            ),
        )
        assert R["made"] == made_row or cap is None, (R["made"], made_row)
        R["to_provider"] = self.year_row(
            "sib_to_provider",
            note=form,
            formulas=lambda i, col: (
                f"={col}{R['share']}+{col}{R['excess']}" if to_provider else f"={col}{R['share']}"
            ),
        )
        R["investment"] = self.year_row(
            "sib_investment",
            note=form,
            formulas=lambda i, col: "=" + "+".join(f"{col}{r}" for r in self.invest_row.values()),
        )
        R["provider_costs"] = self.year_row(
            "sib_provider_costs", [float(x) for x in self.sib.provider_costs], note=self.core
        )

    def waterfall(self) -> None:
        """Per investor: received (core values, above) and the floor top-up (a formula)."""
        ctx, c = self.ctx, self.c
        head = self.heading("xl_sib_waterfall")
        for i, y in enumerate(self.years):
            ctx.number(self.ws, head, C0 + i, y, YEAR)
        ctx.text(self.ws, head, C0 + len(self.years), ctx.label("sib_total"), bold=True)
        settle = self.years.index(c.last_payment_year)
        self.top_up_row = {}
        form = ctx.label("xl_sib_formula")
        for iid in self.sib.investor_ids:
            rec = self.received_row[iid]
            self.year_row(
                f"{ctx.label('sib_investors_receive')}: {iid}",
                raw_label=True,
                note=self.core,
                formulas=lambda i, col, rec=rec: f"={col}{rec}",
            )
            floor = self.floor_cell.get(iid)

            def top(i, col, rec=rec, floor=floor):
                if floor is None or i != settle:
                    return "=0"
                return f"=MAX(0,{floor}-SUM(${self.cols[0]}{rec}:${self.cols[-1]}{rec}))"

            self.top_up_row[iid] = self.year_row(
                f"{ctx.label('xl_sib_top_up')}: {iid}", raw_label=True, note=form, formulas=top
            )
        self.L["rows"]["top_up"] = dict(self.top_up_row)

    def payer(self) -> None:
        ctx, ws, R = self.ctx, self.ws, self.L["rows"]
        head = self.heading("xl_sib_payer")
        for i, y in enumerate(self.years):
            ctx.number(ws, head, C0 + i, y, YEAR)
        tc = C0 + len(self.years)
        ctx.text(ws, head, tc, ctx.label("sib_total"), bold=True)
        ctx.text(ws, head, tc + 1, ctx.label("xl_sib_pv"), bold=True)
        form = ctx.label("xl_sib_formula")
        tops = (
            "".join(f"+{{col}}{r}" for r in self.top_up_row.values()) if self.sib.guarantor_is_payer else ""
        )
        R["payer_pays"] = self.year_row(
            "sib_payer_pays",
            bold=True,
            note=form,
            formulas=lambda i, col: f"={col}{R['made']}" + tops.format(col=col),
        )
        # avoided costs: the payer's postings of the linked effect lines on the flows sheet, indexed to the
        # contract's price year, times level / reference level (values from the core where that does not hold)
        base_flows = self.sib.model.evaluate().posted[0]
        scaled_rows = [self.savings(o, base_flows) for o in self.sib.outcomes if o.postings.size]
        R["payer_avoids"] = self.year_row(
            "sib_payer_avoids",
            bold=True,
            note=form,
            formulas=lambda i, col: (
                "=" + ("+".join(f"{col}{x}" for x in scaled_rows) if scaled_rows else "0")
            ),
        )
        R["discount"] = self.year_row(
            "discount_factor",
            fmt=FACTOR,
            total=False,
            note=form,
            formulas=lambda i, col: f"=(1+sib_discount_rate)^-({col}${head}-sib_base_year)",
        )
        pv = get_column_letter(tc + 1)
        for key in ("payer_pays", "payer_avoids"):
            r = R[key]
            ctx.formula(
                ws, r, tc + 1, f"=SUMPRODUCT({self.rng(r)},{self.rng(R['discount'])})", EURO, bold=True
            )
        self.pv = {key: f"{pv}{R[key]}" for key in ("payer_pays", "payer_avoids")}

    def savings(self, o: CompiledOutcome, base_flows: np.ndarray) -> int:
        """The payer's avoided costs of outcome ``o`` at its reference level, and scaled to its level.

        Live formulas over the payer's postings of the linked effect lines on the
        *Kasstromen* sheet where those are the same flows; the core's values
        otherwise. Returns the row of the scaled avoided costs.
        """
        ctx, c, run, m = self.ctx, self.c, self.ctx.result, self.sib.model
        want = base_flows[o.postings].sum(axis=0)
        linked = list(c.outcomes[[x.id for x in self.sib.outcomes].index(o.id)].effects)
        rows = [
            (p, row)
            for p, (lid, who, row) in enumerate(ctx.layout.posting_rows)
            if lid in linked and who == c.outcome_payer
        ]
        factor = float(ctx.index.factor(m.price_year, run.model.price_year)) if rows else 0.0
        have = (run.flows.posted[0, [p for p, _ in rows]].sum(axis=0) / factor) if rows and factor else None
        live = (
            have is not None
            and run.model.years.tolist() == self.years
            and all(abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in zip(have, want))
        )
        name = f"{ctx.label('xl_sib_savings_base')} ({o.id})"
        if live:
            fl = quote_sheetname(ctx.layout.sheets["flows"])
            fcols = ctx.layout.year_cols
            base = self.year_row(
                name,
                raw_label=True,
                note=f"{ctx.layout.sheets['flows']} x sib_index_factor",
                formulas=lambda i, col: (
                    "=(" + "+".join(f"{fl}!{fcols[i]}{r}" for _, r in rows) + ")*sib_index_factor"
                ),
            )
        else:
            base = self.year_row(name, [float(x) for x in want], raw_label=True, note=self.core)
        level, reference = self.level[o.id], self.reference[o.id]
        return self.year_row(
            f"{ctx.label('xl_sib_savings')} ({o.id})",
            raw_label=True,
            note=ctx.label("xl_sib_formula"),
            formulas=lambda i, col: f"={col}{base}*{level}/{reference}",
        )

    def investor_flows(self) -> None:
        ctx, ws, R = self.ctx, self.ws, self.L["rows"]
        head = self.heading("xl_sib_flows")
        for i, y in enumerate(self.years):
            ctx.number(ws, head, C0 + i, y, YEAR)
        tc = C0 + len(self.years)
        for j, key in enumerate(("sib_total", "xl_sib_irr", "xl_sib_multiple")):
            ctx.text(ws, head, tc + j, ctx.label(key), bold=True)
        irr_c, mult_c = get_column_letter(tc + 1), get_column_letter(tc + 2)
        form = ctx.label("xl_sib_formula")
        flow_rows = {}
        data = self.data["investors"]
        rows = []
        for iid in self.sib.investor_ids:
            ir, rec, top = self.invest_row[iid], self.received_row[iid], self.top_up_row[iid]
            r = self.year_row(
                iid,
                raw_label=True,
                note=form,
                formulas=lambda i, col, ir=ir, rec=rec, top=top: f"=-{col}{ir}+{col}{rec}+{col}{top}",
            )
            flow_rows[iid] = r
            rows.append((r, data[iid]["irr"], [rec, top], [ir]))
        names = list(flow_rows.values())
        r = self.year_row(
            "xl_sib_all_investors",
            bold=True,
            note=form,
            formulas=lambda i, col: "=" + "+".join(f"{col}{x}" for x in names),
        )
        flow_rows["all"] = r
        rows.append(
            (
                r,
                self.data["investor_irr"],
                [*self.received_row.values(), *self.top_up_row.values()],
                list(self.invest_row.values()),
            )
        )
        na = ctx.na.replace('"', '""')
        self.irr_cell, self.mult_cell = {}, {}
        for (r, irr, back, put), key in zip(rows, [*self.sib.investor_ids, "all"]):
            rng = self.rng(r)
            if irr is None:
                ctx.text(ws, r, tc + 1, f"{ctx.na} ({self.core})")
            else:
                ctx.formula(
                    ws,
                    r,
                    tc + 1,
                    f'=IF(SUMIF({rng},">0")=0,IF(MIN({rng})<0,-1,"{na}"),IRR({rng},{irr!r}))',
                    PERCENT,
                )
            got = "+".join(f"SUM({self.rng(x)})" for x in back)
            paid = "+".join(f"SUM({self.rng(x)})" for x in put)
            ctx.formula(ws, r, tc + 2, f"=({got})/({paid})", "0.0000")
            self.irr_cell[key], self.mult_cell[key] = f"{irr_c}{r}", f"{mult_c}{r}"
        R["flows"] = flow_rows
        self.L["irr"], self.L["multiple"] = dict(self.irr_cell), dict(self.mult_cell)

    def figures(self) -> None:
        ctx, ws, R = self.ctx, self.ws, self.L["rows"]
        tot = self.total_col

        def total(row: int) -> str:
            return f"{tot}{row}"

        received = "+".join(total(r) for r in self.received_row.values())
        tops = "+".join(total(r) for r in self.top_up_row.values()) or "0"
        fig = {
            "outcome_payments_due": (f"={total(R['due'])}", EURO, form := ctx.label("xl_sib_formula")),
            "outcome_payments_total": (f"={total(R['made'])}", EURO, form),
            "investment_total": (f"={total(R['investment'])}", EURO, form),
            "investors_receive_total": (f"={received}+{tops}", EURO, form),
            "floor_top_up_total": (f"={tops}", EURO, form),
            "beyond_return_cap_total": (f"={total(R['excess'])}", EURO, self.core),
            "investor_irr": (f"={self.irr_cell['all']}", PERCENT, "IRR()"),
            "investor_multiple": (f"={self.mult_cell['all']}", "0.0000", form),
            "payer_payments_total": (f"={total(R['payer_pays'])}", EURO, form),
            "payer_savings_total": (f"={total(R['payer_avoids'])}", EURO, form),
            "payer_pv_payments": (f"={self.pv['payer_pays']}", EURO, form),
            "payer_pv_savings": (f"={self.pv['payer_avoids']}", EURO, form),
        }
        fig["payer_net_savings"] = (
            f"=B{self.figure_rows['payer_pv_savings']}-B{self.figure_rows['payer_pv_payments']}",
            EURO,
            form,
        )
        labels = {
            "outcome_payments_due": "xl_sib_outcome_payments_due",
            "outcome_payments_total": "sib_outcome_payments",
            "investment_total": "sib_investment",
            "investors_receive_total": "sib_investors_receive",
            "floor_top_up_total": "sib_floor_top_up",
            "beyond_return_cap_total": "sib_beyond_cap",
            "investor_irr": "sib_investor_irr",
            "investor_multiple": "sib_investor_multiple",
            "payer_payments_total": "sib_payer_payments",
            "payer_savings_total": "xl_sib_payer_savings_total",
            "payer_pv_payments": "sib_payer_pv_payments",
            "payer_pv_savings": "sib_payer_pv_savings",
            "payer_net_savings": "sib_payer_net_savings",
        }
        self.L["figures"] = {}
        for key, r in self.figure_rows.items():
            if key.startswith("break_even:"):
                oid = key.split(":", 1)[1]
                be = self.data["payer_break_even"][oid]
                ctx.text(ws, r, 1, f"{ctx.label('xl_sib_break_even')} ({oid})")
                if be["level"] is None:
                    ctx.text(ws, r, 2, f"{ctx.na} ({be['reason']})")
                else:
                    ctx.number(ws, r, 2, be["level"], NUMBER)
                ctx.text(ws, r, 3, self.core)
                self.L["figures"][key] = f"B{r}"
                continue
            f: str | None = fig[key][0]
            fmt, note = fig[key][1:]
            if key == "investor_irr" and self.data["investor_irr"] is None:
                f = None
            ctx.text(ws, r, 1, ctx.label(labels[key]))
            if f is None:
                ctx.text(ws, r, 2, f"{ctx.na} ({self.core})")
            else:
                ctx.formula(ws, r, 2, f, fmt, bold=key == "payer_net_savings")
            ctx.text(ws, r, 3, note)
            ctx.text(ws, r, 4, self.define(f"sib_{key}", f"B{r}"))
            self.L["figures"][key] = f"B{r}"
