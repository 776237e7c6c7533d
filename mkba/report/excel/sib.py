"""The *SIB* sheet of the workbook: a Social Impact Bond's terms, payments, live waterfall and IRR.

Written by :func:`write_sib_sheet`, a sheet writer (:mod:`mkba.report.excel.workbook`) that
runs for every workbook and adds the sheet only when the scenario has a
``sib:`` section: at the outcome levels of ``context.sib`` (a
:class:`mkba.sib.model.SibResult`, e.g. from ``mkba sib --outcome ID=L --xlsx``), else
at the expected levels.

What is a live formula (docs/excel.md): each rule's payment as a function of the outcome levels
(named input cells ``sib_outcome_level`` and ``sib_outcome_level_<id>``), triggers, dependent
outcomes, caps per person and netting; the spread over the periods (cumulative rounding), the contract
cap (MIN), the provider's share; the waterfall (interest and principal by seniority, pro rata within a
tier, the split once investors are whole, the return up to each investor's cap and what lies beyond it),
the floor top-ups and the guarantees; the investor cash flows with Excel's ``IRR()`` (``XIRR()`` for a
contract on dates) and the multiple; the payers' payments and their avoided costs (the payer's postings
on the *Kasstromen* sheet, indexed to the contract's price year and scaled by ``level / reference
level``) with their present values. Amounts are in the contract's currency; the payer's avoided costs
and present values in euro (``sib_exchange_rate`` converts).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname

from mkba.pricelist.index import default_index
from mkba.report.excel.cells import EURO, EURO0, FACTOR, NUMBER, PERCENT, YEAR, Context, write_title
from mkba.report.excel.fit import fit_header, wrap_columns, wrap_note
from mkba.report.excel.printing import keep_together
from mkba.report.numbers import percent
from mkba.report.vocabulary import break_even_words, in_currency, unit_name
from mkba.scenario.contract import Bands, Linear, RateCard, Threshold
from mkba.sib.labels import outcome_label, party_label
from mkba.sib.model import CompiledOutcome

#: First column of the periods (D): A label, B note, C name or unit.
C0 = 4

#: "No cap" in the waterfall's formulas (euro): far above any contract (the engine's NO_CAP is 1e13 euro).
BIG = "1E+13"

#: The return cap's headroom in cents, whole: in a period's narrow column, beyond 10^9 cents as 1,234E+10.
CENTS = "[<1000000000]#,##0;0.000E+0"

#: Words of the sheet's new rows (Dutch, English), beside the shared vocabulary.
_WORDS = {
    "note": (
        "Blauwe cellen zijn invoer. Betalingen per regel, triggers, plafonds, schema, aandeel uitvoerder, "
        "waterval (rente en hoofdsom per rang, rendement tot het plafond), bodem, garanties, kasstromen, "
        "IRR en besparing zijn formules van de uitkomstniveaus (sib_outcome_level...).",
        "Blue cells are inputs. Rule payments, triggers, caps, schedule, provider share, waterfall "
        "(interest and principal by seniority, return up to the cap), floor, guarantees, cash flows, IRR "
        "and savings are formulas of the outcome levels (sib_outcome_level...).",
    ),
    "dates": ("Betaaldatum", "Payment date"),
    "dt": ("Jaren sinds vorige periode", "Years since the previous period"),
    "effective_level": ("Niveau, hoogstens dat van", "Level, at most that of"),
    "trigger": ("Drempel", "Trigger"),
    "after_trigger": ("Na trigger", "After the trigger"),
    "person_cap": ("Plafond per persoon x deelnemers", "Cap per person x participants"),
    "after_cap": ("Na plafond per persoon", "After the cap per person"),
    "netted": ("Na verrekening met", "After netting"),
    "owed": ("Hoofdsom uitstaand", "Principal outstanding"),
    "accrued": ("Rente verschuldigd", "Interest due"),
    "headroom": ("Ruimte onder rendementsplafond", "Headroom under the return cap"),
    "room": ("Ruimte (afgerond)", "Room (rounded)"),
    "need": ("Nodig", "Needed"),
    "interest": ("Rente betaald", "Interest paid"),
    "principal": ("Hoofdsom betaald", "Principal paid"),
    "pool_after": ("Over na rang", "Left after tier"),
    "whole": ("Investeerders hebben hun inleg terug (1 = ja)", "Investors whole (1 = yes)"),
    "whole_split": (
        "Verdeling zodra investeerders hun inleg terug hebben",
        "Split once the investors are whole",
    ),
    "not_applicable": ("n.v.t.", "n/a"),
    "whole_note": ("geen verdeling in het contract", "no split in the contract"),
    "cents_down": ("naar beneden afgerond op centen", "rounded down to cents"),
    "to_investors": ("Deel investeerders", "Investors' part"),
    "to_provider": ("Deel uitvoerder", "Provider's part"),
    "payer_keeps": ("Deel dat de betaler houdt", "Payer keeps"),
    "take": ("uit de pot", "taken from the pool"),
    "return": ("Rendement betaald", "Return paid"),
    "guarantee": ("Garantie", "Guarantee"),
    "in_force": ("Bedrag van kracht", "Amount in force"),
    "lost": ("Verloren hoofdsom", "Principal lost"),
    "currency": ("Valuta contract", "Contract currency"),
    "payers": ("Betalers (aandeel)", "Payers (share)"),
    "return_cap": ("Plafond rendement (IRR)", "Return cap (IRR)"),
    "no_cap": ("geen plafond", "no cap"),
    "no_rate": ("geen rendement: geen of meer dan één nulpunt", "no rate: no root or more than one"),
}


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
        cols = self.sib.cols
        self.years = [int(y) for y in cols.years]  # each period's calendar year
        self.labels = list(cols.labels)
        self.dated = bool(cols.dated)
        self.cols = [get_column_letter(C0 + i) for i in range(len(self.years))]
        self.total_col = get_column_letter(C0 + len(self.years))
        self.L: dict = {
            "sheet": title,
            "year_cols": dict(zip(self.years, self.cols)),
            "period_cols": dict(zip(self.labels, self.cols)),
            "total_col": self.total_col,
        }
        cur = self.c.currency
        self.money = EURO if cur == "EUR" else f'"{cur}" #,##0.00;[Red]"{cur}" -#,##0.00'
        # narrow columns: whole units, and over the periods without the currency (the block's title names it)
        self.money0 = EURO0 if cur == "EUR" else f'"{cur}" #,##0;[Red]"{cur}" -#,##0'
        self.grid = EURO0 if cur == "EUR" else "#,##0;[Red]-#,##0"
        # rows the contract pays to the cent ("afgerond op centen"): cents, without the currency
        self.cents = "#,##0.00;[Red]-#,##0.00"
        self.header_rows: list[int] = []  # the tables' header rows
        self.period_rows: list[int] = []  # the rows with the periods over the columns
        # the waterfall's stand-in for "no cap" (BIG) is shown as words, not as 10^13 in money
        self.no_cap = f'[>=1000000000000]"{self.w("no_cap")}";' + self.grid.split(";")[0]
        self.core = ctx.label("xl_from_core")
        self.form = ctx.label("xl_sib_formula")
        self.row = 0
        self.blocks: list[int] = []  # the first row of each block (its title)

    # -- helpers --------------------------------------------------------------------------------
    def who(self, name: str) -> str:
        """A party of the contract by its label (an investor, the payer, a guarantor), not its id."""
        return party_label(self.c, self.ctx.result.scenario.stakeholders, name, self.ctx.lang)

    def what(self, oid: str) -> str:
        """An outcome of the contract by its label, not its id."""
        return outcome_label(self.c, oid)

    def cur(self, key: str) -> str:
        """A label of the vocabulary in the workbook's language, the contract's currency in its ``{cur}``."""
        return in_currency(key, self.c.currency, self.ctx.lang)

    def w(self, key: str) -> str:
        """A word of this sheet (:data:`_WORDS`) in the workbook's language."""
        nl, en = _WORDS[key]
        return nl if self.ctx.lang == "nl" else en

    def next(self, n: int = 1) -> int:
        self.row += n
        return self.row

    def heading(self, key: str, text: str | None = None) -> int:
        r = self.next(2)
        self.ctx.text(self.ws, r, 1, text or self.ctx.label(key), bold=True)
        self.blocks.append(r)
        return r

    def none(self) -> bool:
        """Under a block's title, one line "geen" when the contract has no investors; True then."""
        if self.sib.investor_ids:
            return False
        self.ctx.text(self.ws, self.next(), 1, self.ctx.label("xl_sib_none"))
        return True

    def period_header(self, head: int) -> None:
        """The periods over the columns of row ``head``, and the total.

        Each period's calendar year; on a contract on dates each payment date (a date, shown
        dd-mm-jjjj, or dd/mm/yyyy in English), as a year would repeat.
        """
        for i, y in enumerate(self.years):
            if self.dated:
                serial = float((self.sib.cols.dates[i] - dt.date(1899, 12, 30)).days)
                self.ctx.number(self.ws, head, C0 + i, serial, self.date_format)
            else:
                self.ctx.number(self.ws, head, C0 + i, y, YEAR)
        self.ctx.text(self.ws, head, C0 + len(self.years), self.ctx.label("sib_total"), bold=True)
        self.period_rows.append(head)

    @property
    def date_format(self) -> str:
        """The reader's short date (:func:`mkba.report.numbers.date`): dd-mm-jjjj, or dd/mm/yyyy in English."""
        return "dd/mm/yyyy" if self.ctx.lang == "en" else "dd-mm-yyyy"

    def year_of(self, col: str, head: int) -> str:
        """The calendar year of column ``col`` from the period header in row ``head``."""
        return f"YEAR({col}${head})" if self.dated else f"{col}${head}"

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
        fmt: str | None = None,
        is_input: bool = False,
        total: bool = True,
        bold: bool = False,
        raw_label: bool = False,
        cents: bool = False,
    ) -> int:
        """One row over the periods: numbers (``values``) or formulas (``formulas(i, col)``).

        Amounts in the contract's currency unless ``fmt`` says otherwise; with ``cents``, shown to
        the cent (a row the contract pays rounded to cents).
        """
        ctx, ws = self.ctx, self.ws
        fmt, whole = (self.cents, self.cents) if cents else self.short(fmt)
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
                ws, r, C0 + len(self.cols), f"=SUM({self.cols[0]}{r}:{self.cols[-1]}{r})", whole, bold=True
            )
        return r

    def short(self, fmt: str | None) -> tuple[str, str]:
        """The format of a row's period cells and of its total: money in whole units, the periods'
        without the contract's currency (the block's title names it), so that the columns stay narrow.
        The cells keep their cents."""
        if fmt is None or fmt == self.money:
            return self.grid, self.money0
        if fmt == EURO:
            return EURO0, EURO0
        return fmt, fmt

    def per_column(self, by_year: np.ndarray) -> list[float]:
        """Values per year of the horizon placed in each year's last period (0 elsewhere)."""
        index = [int(x) for x in self.sib.cols.index]
        last = {y: t for t, y in enumerate(index)}
        return [float(by_year[y]) if last[y] == t else 0.0 for t, y in enumerate(index)]

    # -- the sheet ------------------------------------------------------------------------------
    def write(self) -> dict[str, Any]:
        """Write the whole sheet; returns where things are (the layout ``ctx.layout.sib``)."""
        ctx, ws = self.ctx, self.ws
        write_title(ctx, ws, f"{ctx.label('xl_sib_title')}: {self.data['name']}")
        ctx.text(ws, 2, 1, self.w("note"))
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
            "guarantees_total",
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
        self.fit()
        # each block prints on one page where it can: its title never stranded above its rows
        ends = [b - 2 for b in self.blocks[1:]] + [self.row]
        for first, last in zip(self.blocks, ends):
            keep_together(ws, first, last)
        return self.L

    def fit(self) -> None:
        """Narrow columns, long texts wrapped in them: the sheet prints one A4 page wide, readable.

        Labels (A), notes and values (B, C) wrap where a cell to their right would cut them off; the
        periods' columns hold whole units (:meth:`short`); the tables' headers wrap at word breaks;
        the note under the title wraps across the periods.
        """
        ctx, ws = self.ctx, self.ws
        n = len(self.cols)
        # the periods, the total and the columns beside it (amounts to the cent fit: the sheet must
        # stay under 280 characters wide to print readably, tests/test_sib_workbook.py)
        for col in range(C0, C0 + n + 4):
            ctx.cap_width(ws, col, 13 if col == C0 + n else 10)
        # every text wraps in its column: printed more than one page wide, only column A repeats
        wrap_columns(ctx, ws, {1: 28, 2: 16, 3: 12}, 2, table=True)
        for r in self.header_rows:
            fit_header(ctx, ws, r)
        for r in set(self.period_rows) - set(self.header_rows):  # the total and the columns beside it
            fit_header(ctx, ws, r, range(C0 + n, C0 + n + 4))
        wrap_note(ctx, ws, C0 + 2)
        ws.print_title_rows = "1:1"  # the sheet's title on every page; each block has its own header

    def terms(self) -> None:
        """The contract's terms as named input cells (shares and rates as fractions, amounts in its currency)."""
        ctx, ws, c = self.ctx, self.ws, self.c
        self.heading("xl_sib_terms")
        for j, key in enumerate(["xl_parameter", "xl_value", "xl_explanation", "xl_name"]):
            ctx.text(ws, self.row + 1, 1 + j, ctx.label(key), bold=True)
        self.header_rows.append(self.row + 1)
        self.next()
        names: dict[str, str | None] = {}

        def put(
            key: str, value, fmt=None, name=None, note="", formula=None, is_input=True, text=None
        ) -> None:
            r = self.next()
            shown = text or ctx.label(key)
            ctx.text(ws, r, 1, shown[:1].upper() + shown[1:])  # a label among capitalised labels
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
        if c.outcome_payers:
            payers = ", ".join(
                f"{self.who(p.payer)} ({percent(p.share, self.ctx.lang, 0)})" for p in c.outcome_payers
            )
            put("xl_sib_outcome_payer", payers, text=self.w("payers"))
        else:
            put("xl_sib_outcome_payer", self.who(c.outcome_payer) if c.outcome_payer else None)
        put("currency", c.currency, text=self.w("currency"))
        put(
            "exchange_rate",
            c.exchange_rate or 1.0,
            FACTOR,
            "sib_exchange_rate",
            # a euro contract keeps the cell (the formulas convert with it), named for what it is
            text=ctx.label("xl_sib_exchange_rate_eur")
            if c.currency == "EUR"
            else self.cur("xl_sib_exchange_rate"),
        )
        put("sib_provider", self.who(c.provider.name) if c.provider else None)
        put(
            "xl_sib_provider_share",
            c.provider.share_of_payments if c.provider else 0.0,
            PERCENT,
            "sib_provider_share",
        )
        put(
            "xl_sib_max_outcome_payment",
            c.max_outcome_payment,
            self.money,
            "sib_max_outcome_payment",
            note=self.w("cents_down"),
        )
        put("xl_sib_max_return", c.max_return, PERCENT, "sib_max_return")
        put("xl_sib_beyond", ctx.label(f"beyond_{c.beyond_max_return}") if c.beyond_max_return else None)
        put("xl_sib_max_loss", c.max_loss, PERCENT, "sib_max_loss")
        put("xl_sib_max_loss_paid_by", self.who(c.max_loss_paid_by) if c.max_loss_paid_by else None)
        w = c.once_investors_whole
        for part in ("investors", "provider", "payer_keeps"):
            key = "to_investors" if part == "investors" else ("to_provider" if part == "provider" else part)
            put(
                key,
                getattr(w, part) if w else self.w("not_applicable"),
                PERCENT,
                f"sib_whole_{part}",
                note="" if w else self.w("whole_note"),
                text=f"{self.w('whole_split')}: {self.w(key).lower()}",
            )
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
        """One row per outcome: participants, expected level, the level (a named input), reference level."""
        ctx, ws = self.ctx, self.ws
        self.heading("xl_sib_outcomes")
        head = self.next()
        self.header_rows.append(head)
        keys = [
            "xl_sib_outcomes",
            "xl_id",
            "xl_unit",
            "xl_sib_participants",
            "xl_sib_expected_level",
            "xl_sib_level_input",
            "xl_sib_reference_level",
            "xl_name",
        ]
        for j, key in enumerate(keys):
            ctx.text(ws, head, 1 + j, ctx.label(key), bold=True)
        ctx.text(ws, head, 9, self.w("effective_level"), bold=True)
        self.level = {}
        self.lv: dict[str, str] = {}
        self.participants = {}
        self.reference = {}
        levels = self.data["outcome_levels"]
        for k, o in enumerate(self.sib.outcomes):
            spec = self.c.outcomes[k]
            r = self.next()
            ctx.text(ws, r, 1, self.what(o.id))  # the reader's name; its id beside it
            ctx.text(ws, r, 2, o.id)
            unit = unit_name(spec.unit, ctx.lang) + " " if spec.unit else ""
            ctx.text(
                ws, r, 3, unit + ctx.label("per_participant" if spec.per == "participant" else "per_contract")
            )
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
            if o.parent is not None:  # a dependent outcome counts at most its parent's level
                parent = self.sib.outcomes[o.parent].id
                ctx.formula(ws, r, 9, f"=MIN({self.level[o.id]},{self.lv[parent]})", NUMBER)
                ctx.text(ws, r, 10, self.what(parent))
                self.lv[o.id] = f"$I${r}"
            else:
                self.lv[o.id] = self.level[o.id]
        self.L["levels"] = dict(self.level)

    def rules(self) -> None:
        """Each rule's payment (a formula of the level), each outcome's total after its trigger."""
        ctx, ws = self.ctx, self.ws
        self.heading("xl_sib_rules", self.cur("xl_sib_rules"))
        head = self.next()
        self.header_rows.append(head)
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
            "xl_sib_band_amount",
        ]
        for j, key in enumerate(keys):
            ctx.text(ws, head, 1 + j, self.cur(key), bold=True)
        self.rule_total = {}
        self.L["rules"] = {}
        for o in self.sib.outcomes:
            rows = [self.rule_row(o, rule) for rule in o.rules]
            r = self.next()
            ctx.text(ws, r, 1, self.what(o.id), bold=True)
            ctx.text(ws, r, 2, ctx.label("xl_sib_rule_total"), bold=True)
            total = "+".join(f"J{x}" for x in rows)
            if o.trigger is not None:
                ctx.text(ws, r, 5, self.w("trigger"))
                ctx.number(ws, r, 6, o.trigger, NUMBER, is_input=True)
                LV = self.lv[o.id]
                total = f"IF({LV}>=$F${r}-1E-12*MAX(1,ABS($F${r})),{total},0)"
            ctx.formula(ws, r, 10, f"={total}", self.grid, bold=True)
            self.rule_total[o.id] = f"$J${r}"
            self.L["rules"][o.id] = {"rows": rows, "total": f"J{r}"}
        self.person_caps_and_netting()

    def person_caps_and_netting(self) -> None:
        """Caps per person (the later outcomes cut first) and alternative triggers that net earlier payments."""
        ctx, ws = self.ctx, self.ws
        ids = [o.id for o in self.sib.outcomes]
        for g, (_cap, ks) in enumerate(self.sib.person_caps):
            spec = self.c.person_caps[g]
            r = self.next()
            ctx.text(
                ws, r, 1, f"{self.w('person_cap')} ({', '.join(self.what(ids[k]) for k in ks)})", bold=True
            )
            ctx.number(ws, r, 7, spec.amount, self.grid, is_input=True)
            ctx.number(
                ws, r, 8, spec.participants or self.sib.outcomes[ks[0]].participants, "0", is_input=True
            )
            cap_cell = f"ROUNDDOWN(ROUND($G${r}*$H${r},8),2)"
            used: list[str] = []
            for k in ks:
                rr = self.next()
                ctx.text(ws, rr, 1, self.what(ids[k]))
                ctx.text(ws, rr, 2, self.w("after_cap"))
                before = "-".join(["", *used]) if used else ""
                ctx.formula(
                    ws, rr, 10, f"=MAX(0,MIN({self.rule_total[ids[k]]},{cap_cell}{before}))", self.grid
                )
                self.rule_total[ids[k]] = f"$J${rr}"
                used.append(f"$J${rr}")
        for o in self.sib.outcomes:
            if not o.nets:
                continue
            r = self.next()
            ctx.text(ws, r, 1, self.what(o.id), bold=True)
            ctx.text(ws, r, 2, f"{self.w('netted')} {', '.join(self.what(ids[j]) for j in o.nets)}")
            paid = "+".join(self.rule_total[ids[j]] for j in o.nets)
            ctx.formula(ws, r, 10, f"=MAX({self.rule_total[o.id]}-({paid}),0)", self.grid, bold=True)
            self.rule_total[o.id] = f"$J${r}"
        for o in self.sib.outcomes:
            self.L["rules"][o.id]["total"] = self.rule_total[o.id].replace("$", "")

    def rule_row(self, o: CompiledOutcome, rule: RateCard | Linear | Threshold | Bands) -> int:
        """One payment rule of outcome ``o``: its terms (inputs) and its payment (a formula); returns its row."""
        ctx, ws = self.ctx, self.ws
        r = self.next()
        ctx.text(ws, r, 1, self.what(o.id))
        ctx.text(ws, r, 2, ctx.label(f"rule_{rule.type}") + (f": {rule.label}" if rule.label else ""))
        cap = getattr(rule, "cap", None)
        if cap is not None:
            ctx.number(ws, r, 9, cap, self.grid, is_input=True)
        caps = [f"ROUNDDOWN(ROUND($I${r},8),2)"] if cap is not None else []
        LV = self.lv[o.id]
        if isinstance(rule, RateCard):
            pay = self.rate_card(r, o, rule, caps)
        elif isinstance(rule, Linear):
            pay = self.linear(r, LV, rule)
        elif isinstance(rule, Threshold):
            ctx.number(ws, r, 6, rule.level, NUMBER, is_input=True)
            ctx.number(ws, r, 7, rule.amount, self.grid, is_input=True)
            pay = f"IF({LV}>=$F${r}-1E-12*MAX(1,ABS($F${r})),ROUND($G${r},2),0)"
        else:
            pay = self.bands(r, LV, rule)
        formula = f"=MIN({pay},{','.join(caps)})" if caps else f"={pay}"
        ctx.formula(ws, r, 10, formula, self.grid)
        return r

    def rate_card(self, r: int, o: CompiledOutcome, rule: RateCard, caps: list[str]) -> str:
        """A price per unit of the level, per participant (capped per participant: a cap added to ``caps``)."""
        ctx, ws = self.ctx, self.ws
        ctx.number(ws, r, 3, rule.price, self.money, is_input=True)
        n = self.participants[o.id]
        each = f"$C${r}*{self.lv[o.id]}"
        if rule.per_participant_cap is not None:
            ctx.number(ws, r, 8, rule.per_participant_cap, self.grid, is_input=True)
            each = f"MIN({each},$H${r})"
            caps.insert(0, f"ROUNDDOWN(ROUND($H${r}*{n},8),2)")
        return f"ROUND({each}*{n},2)"

    def linear(self, r: int, LV: str, rule: Linear) -> str:
        """A price per unit of the level above a threshold (up to a level, when given)."""
        ctx, ws = self.ctx, self.ws
        ctx.number(ws, r, 3, rule.price, self.money, is_input=True)
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
            ctx.number(ws, rp, 12, y, self.grid, is_input=True)
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
        """Per investor: its rank, investment per period (inputs), floor, return cap and interest."""
        ctx, ws, c = self.ctx, self.ws, self.c
        self.heading("xl_sib_investors", self.cur("xl_sib_investors"))
        self.invest_row, self.floor_cell, self.cap_cell, self.rate_cell = {}, {}, {}, {}
        if self.none():  # a contract without investors: no empty table
            self.L["investor_rows"] = {}
            return
        head = self.next()
        self.header_rows.append(head)
        ctx.text(ws, head, 1, ctx.label("sib_investor"), bold=True)
        ctx.text(ws, head, 2, ctx.label("xl_id"), bold=True)
        ctx.text(ws, head, 3, ctx.label("xl_sib_seniority"), bold=True)
        self.period_header(head)
        tc = C0 + len(self.years)
        ctx.text(ws, head, tc + 1, ctx.label("xl_sib_floor"), bold=True)
        ctx.text(ws, head, tc + 2, self.w("return_cap"), bold=True)
        ctx.text(ws, head, tc + 3, self.w("interest"), bold=True)
        rank = {i: t + 1 for t, tier in enumerate(self.sib.tiers) for i in tier}
        ml = self.names.get("sib_max_loss")
        for i, inv in enumerate(c.investors):
            r = self.next()
            ctx.text(ws, r, 1, inv.label or self.who(inv.id))  # the reader's name; its id beside it
            ctx.text(ws, r, 2, inv.id)
            ctx.number(ws, r, 3, rank[i], "0")
            for t in range(len(self.years)):
                ctx.number(ws, r, C0 + t, self.s.invest_cents[i, t] / 100.0, self.grid, is_input=True)
            tot = f"{self.total_col}{r}"
            ctx.formula(ws, r, tc, f"=SUM({self.cols[0]}{r}:{self.cols[-1]}{r})", self.money0, bold=True)
            if ml:
                ctx.formula(ws, r, tc + 1, f"=ROUNDUP(ROUND((1-{ml})*{tot},8),2)", self.grid)
                self.floor_cell[inv.id] = f"${get_column_letter(tc + 1)}${r}"
            else:
                ctx.text(ws, r, tc + 1, ctx.label("xl_sib_none"))
            cap = c.return_cap(inv)
            if cap is not None:
                ctx.number(ws, r, tc + 2, cap, PERCENT, is_input=True)
                self.cap_cell[inv.id] = f"${get_column_letter(tc + 2)}${r}"
            else:
                ctx.text(ws, r, tc + 2, ctx.label("xl_sib_none"))
            ctx.number(ws, r, tc + 3, inv.interest or 0.0, PERCENT, is_input=True)
            self.rate_cell[inv.id] = f"${get_column_letter(tc + 3)}${r}"
            self.invest_row[inv.id] = r
        self.L["investor_rows"] = dict(self.invest_row)

    def schedule(self) -> None:
        """Payments due per period, the cap, the provider's share, the live waterfall, the payments made."""
        ctx, c = self.ctx, self.c
        head = self.heading(
            "xl_sib_schedule", self.cur("xl_sib_schedule_dated" if self.dated else "xl_sib_schedule")
        )
        self.period_header(head)
        self.year_header = head
        R = self.L["rows"] = {}
        form = self.form
        if self.dated:
            R["dates"] = self.year_row(
                self.w("dates"),
                [float((d - dt.date(1899, 12, 30)).days) for d in self.sib.cols.dates],
                fmt=self.date_format,
                total=False,
                raw_label=True,
            )
            R["dt"] = self.year_row(
                self.w("dt"),
                [float(x) for x in np.diff(self.sib.cols.times, prepend=0.0)],
                fmt=FACTOR,
                total=False,
                raw_label=True,
                note="(dagen / 365)" if ctx.lang == "nl" else "(days / 365)",
            )
        after = self.sib.cols.after_end
        due_rows = []
        for o in self.sib.outcomes:
            share = self.year_row(
                f"{ctx.label('xl_sib_share')} ({self.what(o.id)})",
                [float(x) for x in o.shares],
                fmt=PERCENT,
                is_input=True,
                raw_label=True,
            )
            cum = self.year_row(
                f"{ctx.label('xl_sib_cum_share')} ({self.what(o.id)})",
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
                f"{ctx.label('xl_sib_cum_rounded')} ({self.what(o.id)})",
                formulas=rounded,
                total=False,
                raw_label=True,
                cents=True,
            )

            def due_f(i, col, cr=cr):
                if after is not None and after[i]:
                    return "=0"  # the contract ended early: nothing measured later is paid
                return f"={col}{cr}" if i == 0 else f"={col}{cr}-{self.cols[i - 1]}{cr}"

            due = self.year_row(
                f"{ctx.label('xl_sib_due_outcome')} ({self.what(o.id)})",
                raw_label=True,
                note=form,
                formulas=due_f,
                cents=True,
            )
            R[f"due:{o.id}"] = due
            due_rows.append(due)
        R["due"] = self.year_row(
            "sib_due",
            formulas=lambda i, col: "=" + "+".join(f"{col}{x}" for x in due_rows),
            bold=True,
            note=form,
            cents=True,
        )
        cap = self.names.get("sib_max_outcome_payment")
        if cap is not None:
            # the room under the cap needs the payments made, written further down: filled in below
            R["room"] = self.year_row("xl_sib_room", formulas=lambda i, col: "=0", total=False, note=form)
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
        R["investment"] = self.year_row(
            "sib_investment",
            note=form,
            formulas=lambda i, col: "=" + ("+".join(f"{col}{r}" for r in self.invest_row.values()) or "0"),
        )
        self.live_waterfall()
        to_provider = c.beyond_max_return == "provider"
        keep = R.get("keep")
        minus_keep = (lambda col: f"-{col}{keep}") if keep else (lambda col: "")
        R["made"] = self.year_row(
            "xl_sib_made",
            bold=True,
            note=form,
            formulas=lambda i, col: (
                f"={col}{R['payable']}{minus_keep(col)}"
                if to_provider or not c.investors
                else f"={col}{R['payable']}-{col}{R['excess']}{minus_keep(col)}"
            ),
        )
        if cap is not None:
            made = R["made"]
            for i in range(len(self.cols)):
                before = f"-SUM(${self.cols[0]}${made}:{self.cols[i - 1]}${made})" if i else ""
                ctx.formula(self.ws, R["room"], C0 + i, f"=ROUNDDOWN(ROUND({cap},8),2){before}", self.grid)
        whole_prov = R.get("whole_provider")
        R["to_provider"] = self.year_row(
            "sib_to_provider",
            note=form,
            formulas=lambda i, col: (
                f"={col}{R['payable']}"
                if not c.investors
                else f"={col}{R['share']}"
                + (f"+{col}{R['excess']}" if to_provider else "")
                + (f"+{col}{whole_prov}" if whole_prov else "")
            ),
        )
        R["provider_costs"] = self.year_row(
            "sib_provider_costs", [float(x) for x in self.sib.provider_costs], fmt=EURO, note=self.core
        )

    # -- the waterfall, live -----------------------------------------------------------------------
    def live_waterfall(self) -> None:
        """Period by period: interest and principal by seniority tier, the split once whole, the return.

        The formulas follow :func:`mkba.sib.payout.waterfall` step by step (docs/method.md, section 7):
        pro rata shares rounded down to the cent, what is left in seniority order; the return cap's
        headroom in cents, grown by ``(1 + r) ^ dt``.
        """
        c, R = self.c, self.L["rows"]
        form = self.form
        ids = self.sib.investor_ids
        self.received_row: dict[str, int] = {}
        if not ids:  # payment by results: everything to the provider, nothing beyond a return cap
            R["excess"] = self.year_row("xl_sib_beyond", formulas=lambda i, col: "=0", note=form)
            R["received"] = {}
            R["check"] = self.year_row("xl_sib_check", formulas=lambda i, col: "=0", note=form)
            return
        self.heading("xl_sib_waterfall", f"{self.cur('xl_sib_waterfall')}: {form}")
        owed: dict[str, int] = {}
        acc: dict[str, int] = {}
        head: dict[str, int] = {}
        room: dict[str, int] = {}
        paid_int: dict[str, int] = {}
        paid_prin: dict[str, int] = {}
        # rows are written first with a placeholder and filled in once every row number is known
        for iid in ids:
            owed[iid] = self.year_row(
                f"{self.w('owed')}: {self.who(iid)}",
                formulas=lambda i, col: "=0",
                total=False,
                raw_label=True,
            )
            if self.rate_cell and c.investors[ids.index(iid)].interest:
                acc[iid] = self.year_row(
                    f"{self.w('accrued')}: {self.who(iid)}",
                    formulas=lambda i, col: "=0",
                    total=False,
                    raw_label=True,
                )
            if iid in self.cap_cell:
                head[iid] = self.year_row(
                    f"{self.w('headroom')} (cent): {self.who(iid)}",
                    formulas=lambda i, col: "=0",
                    total=False,
                    raw_label=True,
                    fmt=CENTS,
                )
            room[iid] = self.year_row(
                f"{self.w('room')}: {self.who(iid)}",
                formulas=lambda i, col: "=0",
                total=False,
                raw_label=True,
            )
        got: dict[str, list[int]] = {iid: [] for iid in ids}  # rows of what each investor got so far
        pool = R["pool"]
        for tier in self.sib.tiers:
            for kind in ("interest", "principal"):
                members = [ids[k] for k in tier if kind == "principal" or ids[k] in acc]
                if not members:
                    continue
                src = owed if kind == "principal" else acc
                rows = self.split_rows(members, src, room, got, pool, kind)
                for iid, r in rows.items():
                    got[iid].append(r)
                    (paid_prin if kind == "principal" else paid_int)[iid] = r
                pool = R[f"pool:{kind}:{tier[0]}"] = self.year_row(
                    f"{self.w('pool_after')} {tier[0] + 1} ({self.w(kind)})",
                    formulas=lambda i, col, p=pool, rs=list(rows.values()): (
                        f"={col}{p}-" + "-".join(f"{col}{x}" for x in rs)
                    ),
                    total=False,
                    raw_label=True,
                )
        if c.once_investors_whole is not None:
            pool = self.whole_rows(ids, owed, acc, paid_prin, paid_int, pool)
        ret = self.split_rows(ids, None, room, got, pool, "return")
        for iid, r in ret.items():
            got[iid].append(r)
        R["excess"] = self.year_row(
            "xl_sib_beyond",
            note=form,
            formulas=lambda i, col: f"={col}{pool}-(" + "+".join(f"{col}{x}" for x in ret.values()) + ")",
        )
        for iid in ids:
            self.received_row[iid] = self.year_row(
                f"→ {self.who(iid)}",
                formulas=lambda i, col, rs=got[iid]: "=" + "+".join(f"{col}{x}" for x in rs),
                note=form,
                raw_label=True,
                bold=True,
            )
        R["received"] = dict(self.received_row)
        taken = "".join(f"-{{col}}{R[k]}" for k in ("whole_provider", "keep") if k in R)
        rec = "".join(f"-{{col}}{x}" for x in self.received_row.values())
        R["check"] = self.year_row(
            "xl_sib_check",
            note=form,
            formulas=lambda i, col: (
                f"={col}{R['pool']}{rec.format(col=col)}-{col}{R['excess']}{taken.format(col=col)}"
            ),
        )
        self.fill_state(ids, owed, acc, head, room, paid_int, paid_prin)
        self.L["rows"]["waterfall"] = {"owed": owed, "accrued": acc, "headroom": head, "room": room}

    def fill_state(self, ids, owed, acc, head, room, paid_int, paid_prin) -> None:
        """The waterfall's state rows per investor: principal outstanding, interest due, headroom, room.

        Principal outstanding: last period's less what was repaid, plus this period's investment;
        interest: last period's unpaid plus ``ROUND(outstanding x ((1 + rate) ^ dt - 1), 2)``; headroom in
        cents: ``(last headroom - last receipts) x (1 + cap) ^ dt + investment``, the room its rounding down.
        """
        ctx, ws, inv_row = self.ctx, self.ws, self.invest_row
        dt_ = (lambda col: f"{col}${self.L['rows']['dt']}") if self.dated else (lambda col: "1")
        for iid in ids:
            ir, rec = inv_row[iid], self.received_row[iid]
            for i, col in enumerate(self.cols):
                p = self.cols[i - 1] if i else None
                f_owed = f"={col}{ir}" if not i else f"={p}{owed[iid]}-{p}{paid_prin[iid]}+{col}{ir}"
                ctx.formula(ws, owed[iid], C0 + i, f_owed, self.grid)
                if iid in acc:
                    rate = self.rate_cell[iid]
                    f_acc = (
                        "=0"
                        if not i
                        else f"={p}{acc[iid]}-{p}{paid_int[iid]}+ROUND(({p}{owed[iid]}-{p}{paid_prin[iid]})*((1+{rate})^{dt_(col)}-1),2)"
                    )
                    ctx.formula(ws, acc[iid], C0 + i, f_acc, self.grid)
                if iid in head:
                    r_cap = self.cap_cell[iid]
                    cents_in = f"ROUND({col}{ir}*100,0)"
                    f_head = (
                        f"={cents_in}"
                        if not i
                        else f"=({p}{head[iid]}-ROUND({p}{rec}*100,0))*(1+{r_cap})^{dt_(col)}+{cents_in}"
                    )
                    ctx.formula(ws, head[iid], C0 + i, f_head, CENTS)
                    f_room = f"=ROUNDDOWN(MIN({col}{head[iid]},1E+15),0)/100"
                else:
                    f_room = f"={BIG}"
                ctx.formula(ws, room[iid], C0 + i, f_room, self.grid if iid in head else self.no_cap)

    def split_rows(self, members: list[str], src, room, got, pool: int, kind: str) -> dict[str, int]:
        """What ``members`` get out of ``pool`` (a row per member): pro rata to their need, or, for the
        return, to their investment; rounded down to the cent, what is left in order, never above a need.
        """
        form = self.form
        so_far = lambda iid, col: "".join(f"-{col}{x}" for x in got[iid])  # noqa: E731
        need = {}
        for iid in members:
            if src is None:
                f = lambda i, col, iid=iid: f"=MAX(0,{col}{room[iid]}{so_far(iid, col)})"  # noqa: E731
            else:
                f = lambda i, col, iid=iid: f"=MAX(0,MIN({col}{src[iid]},{col}{room[iid]}{so_far(iid, col)}))"  # noqa: E731
            need[iid] = self.year_row(
                f"{self.w('need')} ({self.w(kind)}): {self.who(iid)}",
                formulas=f,
                fmt=self.no_cap if src is None and iid not in self.cap_cell else None,
                total=False,
                raw_label=True,
                note=form,
            )
        if len(members) == 1 and src is not None:
            (iid,) = members
            r = self.year_row(
                f"{self.w(kind)}: {self.who(iid)}",
                raw_label=True,
                note=form,
                formulas=lambda i, col: f"=MIN({col}{pool},{col}{need[iid]})",
            )
            return {iid: r}
        total_need = lambda col: "(" + "+".join(f"{col}{need[x]}" for x in members) + ")"  # noqa: E731
        take = self.year_row(
            f"{self.w(kind)}: {self.w('take')}",
            raw_label=True,
            total=False,
            note=form,
            formulas=lambda i, col: f"=MIN({col}{pool},{total_need(col)})",
        )
        if src is None:  # the return: pro rata to the investment, what is left in seniority order
            weights = {iid: f"{self.total_col}${self.invest_row[iid]}" for iid in members}
            wsum = "(" + "+".join(weights.values()) + ")"
            order = [self.sib.investor_ids[k] for k in self.sib.order]
        else:
            weights = None
            order = members
        base = {}
        for iid in members:
            if weights is None:
                share = lambda col, iid=iid: f"{col}{need[iid]}/{total_need(col)}"  # noqa: E731
                cond = lambda col: f"{total_need(col)}>0"  # noqa: E731
            else:
                share = lambda col, iid=iid: f"{weights[iid]}/{wsum}"  # noqa: E731
                cond = lambda col: f"{wsum}>0"  # noqa: E731
            base[iid] = self.year_row(
                f"{self.w(kind)} (pro rata): {self.who(iid)}",
                raw_label=True,
                total=False,
                note=form,
                formulas=lambda i, col, share=share, cond=cond, iid=iid: (
                    f"=IF({cond(col)},MIN(ROUNDDOWN(ROUND({col}{take}*{share(col)},8),2),{col}{need[iid]}),0)"
                ),
            )
        out = {}
        added: list[int] = []
        for iid in order:
            rest = lambda col, added=list(added): (  # noqa: E731
                f"{col}{take}-("
                + "+".join(f"{col}{base[x]}" for x in members)
                + ")"
                + "".join(f"-{col}{a}" for a in added)
            )
            add = self.year_row(
                f"{self.w(kind)} (rest): {self.who(iid)}",
                raw_label=True,
                total=False,
                note=form,
                formulas=lambda i, col, rest=rest, iid=iid: (
                    f"=MAX(0,MIN({rest(col)},{col}{need[iid]}-{col}{base[iid]}))"
                ),
            )
            added.append(add)
            out[iid] = self.year_row(
                f"{self.w(kind)}: {self.who(iid)}",
                raw_label=True,
                note=form,
                formulas=lambda i, col, iid=iid, add=add: f"={col}{base[iid]}+{col}{add}",
            )
        return {iid: out[iid] for iid in members}

    def whole_rows(self, ids, owed, acc, paid_prin, paid_int, pool: int) -> int:
        """Once every investor is whole and no investment is still to come: split what is left."""
        R, form = self.L["rows"], self.form
        inv = R["investment"]

        def whole(i, col):
            conds = [f"{col}{owed[x]}-{col}{paid_prin[x]}=0" for x in ids]
            conds += [f"{col}{acc[x]}-{col}{paid_int[x]}=0" for x in ids if x in acc]
            later = (
                f"SUM({self.cols[i + 1]}{inv}:{self.cols[-1]}{inv})=0" if i + 1 < len(self.cols) else "TRUE()"
            )
            return f"=IF(AND({','.join([*conds, later])}),1,0)"

        flag = self.year_row(self.w("whole"), formulas=whole, total=False, raw_label=True, note=form, fmt="0")
        part = lambda col: f"{col}{flag}*{col}{pool}"  # noqa: E731
        si, sp = self.names["sib_whole_investors"], self.names["sib_whole_provider"]
        for_inv = self.year_row(
            f"{self.w('whole_split')}: {self.w('to_investors').lower()}",
            raw_label=True,
            note=form,
            formulas=lambda i, col: f"=MIN(ROUND({part(col)}*{si},2),{part(col)})",
        )
        R["whole_provider"] = self.year_row(
            f"{self.w('whole_split')}: {self.w('to_provider').lower()}",
            raw_label=True,
            note=form,
            formulas=lambda i, col: f"=MIN(ROUND({part(col)}*{sp},2),{part(col)}-{col}{for_inv})",
        )
        R["keep"] = self.year_row(
            f"{self.w('whole_split')}: {self.w('payer_keeps').lower()}",
            raw_label=True,
            note=form,
            formulas=lambda i, col: f"={part(col)}-{col}{for_inv}-{col}{R['whole_provider']}",
        )
        return self.year_row(
            f"{self.w('pool_after')} ({self.w('whole')})",
            raw_label=True,
            total=False,
            note=form,
            formulas=lambda i, col: f"={col}{pool}-{col}{R['whole_provider']}-{col}{R['keep']}",
        )

    def waterfall(self) -> None:
        """Per investor: the floor top-up at settlement, and what each guarantee pays (formulas)."""
        ctx, c, ws = self.ctx, self.c, self.ws
        head = self.heading("xl_sib_top_up")
        self.top_up_row, self.guarantee_row = {}, {}
        assert self.sib.terms is not None
        if not self.sib.terms.guarantees and self.none():  # no investors: no empty block
            self.L["rows"]["top_up"], self.L["rows"]["guarantee"] = {}, {}
            return
        self.period_header(head)
        settle = int(self.s.settle)
        form = self.form
        for iid in self.sib.investor_ids:
            rec, floor = self.received_row[iid], self.floor_cell.get(iid)

            def top(i, col, rec=rec, floor=floor):
                if floor is None or i != settle:
                    return "=0"
                return f"=MAX(0,{floor}-SUM(${self.cols[0]}{rec}:${self.cols[-1]}{rec}))"

            self.top_up_row[iid] = self.year_row(
                f"{ctx.label('xl_sib_top_up')}: {self.who(iid)}", raw_label=True, note=form, formulas=top
            )
        self.L["rows"]["top_up"] = dict(self.top_up_row)
        # guarantees: each pays the investors it covers, in order, their lost principal, up to its amount
        paid: dict[str, list[str]] = {iid: [] for iid in self.sib.investor_ids}
        lost: dict[str, str] = {}
        tot = self.total_col
        for iid in self.sib.investor_ids:
            r = self.next()
            ctx.text(ws, r, 1, f"{self.w('lost')}: {self.who(iid)}")
            ir, rec, tu = self.invest_row[iid], self.received_row[iid], self.top_up_row[iid]
            ctx.formula(ws, r, 3, f"=MAX(0,{tot}{ir}-{tot}{rec}-{tot}{tu})", self.money0)
            lost[iid] = f"$C${r}"
        for g, (amount, covers) in enumerate(self.sib.terms.guarantees):
            spec = c.guarantees[g]
            r = self.next()
            ctx.text(
                ws, r, 1, f"{self.w('guarantee')} {self.who(spec.guarantor)}: {self.w('in_force')}", bold=True
            )
            ctx.number(ws, r, 3, int(amount) / 100.0, self.money0, is_input=True)
            left = f"$C${r}"
            for k in covers:
                iid = self.sib.investor_ids[k]
                rr = self.next()
                ctx.text(ws, rr, 1, f"{self.w('guarantee')} {self.who(spec.guarantor)} → {self.who(iid)}")
                before = "".join(f"-{x}" for x in paid[iid])
                ctx.formula(ws, rr, 3, f"=MAX(0,MIN({left},{lost[iid]}{before}))", self.money0)
                paid[iid].append(f"$C${rr}")
                left = f"{left}-$C${rr}"
        for iid in self.sib.investor_ids:
            cells = paid[iid]
            self.guarantee_row[iid] = self.year_row(
                f"{self.w('guarantee')}: {self.who(iid)}",
                raw_label=True,
                note=form,
                formulas=lambda i, col, cells=cells: (
                    "=" + ("+".join(cells) if cells and i == settle else "0")
                ),
            )
        self.L["rows"]["guarantee"] = dict(self.guarantee_row)

    def payer(self) -> None:
        """What the payers pay (contract currency) against the costs they avoid (euro), present values in euro."""
        ctx, ws, R = self.ctx, self.ws, self.L["rows"]
        # payments in the contract's currency, avoided costs in euro: the title names both when they differ
        head = self.heading(
            "xl_sib_payer", self.cur("xl_sib_payer_mixed" if self.c.currency != "EUR" else "xl_sib_payer")
        )
        self.period_header(head)
        tc = C0 + len(self.years)
        ctx.text(ws, head, tc + 1, ctx.label("xl_sib_pv"), bold=True)
        form = self.form
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
            fmt=EURO,
            formulas=lambda i, col: (
                "=" + ("+".join(f"{col}{x}" for x in scaled_rows) if scaled_rows else "0")
            ),
        )
        R["discount"] = self.year_row(
            "discount_factor",
            fmt=FACTOR,
            total=False,
            note=form,
            formulas=lambda i, col: f"=(1+sib_discount_rate)^-({self.year_of(col, head)}-sib_base_year)",
        )
        pv = get_column_letter(tc + 1)
        fx = self.names["sib_exchange_rate"]
        for key, times in (("payer_pays", f"*{fx}"), ("payer_avoids", "")):
            r = R[key]
            ctx.formula(
                ws,
                r,
                tc + 1,
                f"=SUMPRODUCT({self.rng(r)},{self.rng(R['discount'])}){times}",
                EURO0,
                bold=True,
            )
        self.pv = {key: f"{pv}{R[key]}" for key in ("payer_pays", "payer_avoids")}

    def savings(self, o: CompiledOutcome, base_flows: np.ndarray) -> int:
        """The payer's avoided costs of outcome ``o`` at its reference level, and scaled to its level (euro).

        Live formulas over the payer's postings of the linked effect lines on the
        *Kasstromen* sheet where those are the same flows; the core's values
        otherwise. Returns the row of the scaled avoided costs.
        """
        ctx, c, run, m = self.ctx, self.c, self.ctx.result, self.sib.model
        want = base_flows[o.postings].sum(axis=0)
        linked = list(c.outcomes[[x.id for x in self.sib.outcomes].index(o.id)].effects)
        payers = {name for name, _ in c.payer_shares}
        rows = [
            (p, row)
            for p, (lid, who, row) in enumerate(ctx.layout.posting_rows)
            if lid in linked and who in payers
        ]
        factor = float(ctx.index.factor(m.price_year, run.model.price_year)) if rows else 0.0
        have = (run.flows.posted[0, [p for p, _ in rows]].sum(axis=0) / factor) if rows and factor else None
        live = (
            have is not None
            and not self.dated
            and run.model.years.tolist() == self.years
            and all(abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in zip(have, want))
        )
        name = f"{ctx.label('xl_sib_savings_base')} ({self.what(o.id)})"
        if live:
            fl = quote_sheetname(ctx.layout.sheets["flows"])
            fcols = ctx.layout.year_cols
            base = self.year_row(
                name,
                raw_label=True,
                fmt=EURO,
                note=f"{ctx.layout.sheets['flows']} x {ctx.label('xl_sib_index_factor').lower()} (sib_index_factor)",
                formulas=lambda i, col: (
                    "=(" + "+".join(f"{fl}!{fcols[i]}{r}" for _, r in rows) + ")*sib_index_factor"
                ),
            )
        else:
            base = self.year_row(name, self.per_column(want), fmt=EURO, raw_label=True, note=self.core)
        level, reference = self.level[o.id], self.reference[o.id]
        return self.year_row(
            f"{ctx.label('xl_sib_savings')} ({self.what(o.id)})",
            raw_label=True,
            fmt=EURO,
            note=self.form,
            formulas=lambda i, col: f"={col}{base}*{level}/{reference}",
        )

    def investor_flows(self) -> None:
        """Each investor's cash flows, all together, with IRR (XIRR on dates) and the multiple."""
        ctx, ws, R = self.ctx, self.ws, self.L["rows"]
        head = self.heading("xl_sib_flows", self.cur("xl_sib_flows"))
        self.irr_cell, self.mult_cell = {}, {}
        if self.none():  # no investors: no empty table
            R["flows"], self.L["irr"], self.L["multiple"] = {}, {}, {}
            return
        self.period_header(head)
        tc = C0 + len(self.years)
        for j, key in enumerate(("xl_sib_irr", "xl_sib_multiple")):
            ctx.text(ws, head, tc + 1 + j, self.cur(key), bold=True)
        irr_c, mult_c = get_column_letter(tc + 1), get_column_letter(tc + 2)
        form = self.form
        flow_rows = {}
        data = self.data["investors"]
        rows = []
        back_rows = {
            iid: [self.received_row[iid], self.top_up_row[iid], self.guarantee_row[iid]]
            for iid in self.sib.investor_ids
        }
        for iid in self.sib.investor_ids:
            ir = self.invest_row[iid]
            r = self.year_row(
                self.who(iid),
                raw_label=True,
                note=form,
                formulas=lambda i, col, ir=ir, back=back_rows[iid]: (
                    f"=-{col}{ir}" + "".join(f"+{col}{x}" for x in back)
                ),
            )
            flow_rows[iid] = r
            rows.append((r, data[iid]["irr"], back_rows[iid], [ir]))
        if self.sib.investor_ids:
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
                    [x for b in back_rows.values() for x in b],
                    list(self.invest_row.values()),
                )
            )
        for (r, _irr, back, put), key in zip(rows, [*self.sib.investor_ids, "all"]):
            ctx.formula(ws, r, tc + 1, self.rate_formula(self.rng(r)), PERCENT)
            got = "+".join(f"SUM({self.rng(x)})" for x in back)
            paid = "+".join(f"SUM({self.rng(x)})" for x in put)
            ctx.formula(ws, r, tc + 2, f"=({got})/({paid})", "0.0000")
            self.irr_cell[key], self.mult_cell[key] = f"{irr_c}{r}", f"{mult_c}{r}"
        R["flows"] = flow_rows
        self.L["irr"], self.L["multiple"] = dict(self.irr_cell), dict(self.mult_cell)

    def rate_formula(self, rng: str) -> str:
        """The live IRR (XIRR on dates) of the flows in ``rng``, from the engine's own first guess.

        The guess treats the flows as two lumps, what is paid out and what comes back, each at its
        flow-weighted mean time ``t`` (periods, or days / 365 for XIRR): ``r0 = (P / N) ^ (1 / (tP - tN)) - 1``,
        which is both :func:`mkba.engine.finance.irr`'s start (``_newton_block``) and
        :func:`mkba.sib.rates.xirr`'s (``_first_guess``); 10 % where it is undefined, within
        (-99.99 %, 1000 %). From there LibreOffice and Excel reach the root mkba reports, also near -100 %.
        Nothing back after money put in is -100 %; flows without a rate show ``n.v.t.`` (never ``#NUM!``).
        """
        na = f"{self.ctx.na} ({self.w('no_rate')})".replace('"', '""')
        if self.dated:
            dates = self.rng(self.L["rows"]["dates"])
            times = f"({dates}-${self.cols[0]}${self.L['rows']['dates']})/365"
        else:
            dates, times = None, f"(COLUMN({rng})-{C0})"
        pos, neg = f"({rng}>0)*{rng}", f"({rng}<0)*{rng}"
        p, n = f"SUMPRODUCT({pos})", f"-SUMPRODUCT({neg})"
        tp, tn = f"SUMPRODUCT({pos}*{times})", f"-SUMPRODUCT({neg}*{times})"
        guess = f"IFERROR(MIN(10,MAX(-0.9999,({p}/({n}))^(1/({tp}/{p}-({tn})/({n})))-1)),0.1)"
        rate = f"XIRR({rng},{dates},{guess})" if dates else f"IRR({rng},{guess})"
        return (
            f'=IF(SUMIF({rng},">0")=0,IF(MIN({rng})<0,-1,"{na}"),'
            f'IF(MIN({rng})>=0,"{na}",IFERROR({rate},"{na}")))'
        )

    def figures(self) -> None:
        """The headline figures at the top of the sheet, as formulas of the rows below (names ``sib_<key>``)."""
        ctx, ws, R = self.ctx, self.ws, self.L["rows"]
        tot = self.total_col

        def total(row: int) -> str:
            return f"{tot}{row}"

        def sum_of(rows: dict) -> str:
            return "+".join(total(r) for r in rows.values()) or "0"

        received, tops, guar = sum_of(self.received_row), sum_of(self.top_up_row), sum_of(self.guarantee_row)
        form, money = self.form, self.money
        fig = {
            "outcome_payments_due": (f"={total(R['due'])}", money, form),
            "outcome_payments_total": (f"={total(R['made'])}", money, form),
            "investment_total": (f"={total(R['investment'])}", money, form),
            "investors_receive_total": (f"={received}+{tops}+{guar}", money, form),
            "floor_top_up_total": (f"={tops}", money, form),
            "guarantees_total": (f"={guar}", money, form),
            "beyond_return_cap_total": (f"={total(R['excess'])}", money, form),
            "investor_irr": (
                f"={self.irr_cell['all']}" if self.irr_cell else None,
                PERCENT,
                "XIRR()" if self.dated else "IRR()",
            ),
            "investor_multiple": (f"={self.mult_cell['all']}" if self.mult_cell else None, "0.0000", form),
            "payer_payments_total": (f"={total(R['payer_pays'])}", money, form),
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
            "guarantees_total": None,
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
                ctx.text(ws, r, 1, f"{ctx.label('xl_sib_break_even')} ({outcome_label(self.c, oid)})")
                if be["level"] is None:
                    ctx.text(ws, r, 2, f"{ctx.na} ({break_even_words(be, 'payer', ctx.lang)})")
                else:
                    ctx.number(ws, r, 2, be["level"], NUMBER)
                ctx.text(ws, r, 3, self.core)
                self.L["figures"][key] = f"B{r}"
                continue
            f, fmt, note = fig[key]
            name = labels[key]
            text = self.cur(name) if name else self.w("guarantee")
            ctx.text(ws, r, 1, text)
            if f is None:
                ctx.text(ws, r, 2, f"{ctx.na} ({self.core})")
            else:
                ctx.formula(ws, r, 2, f, fmt, bold=key == "payer_net_savings")
            ctx.text(ws, r, 3, note)
            ctx.text(ws, r, 4, self.define(f"sib_{key}", f"B{r}"))
            self.L["figures"][key] = f"B{r}"
