"""The *Samenvatting* / *Summary* sheet of the Excel workbook (:mod:`mkba.report.excel.workbook`).

The figures of docs/method.md, section 5, the table "wie betaalt, wie profiteert"
(with the fiscal view and the societal total), the provenance of the result
and two native charts, all as formulas over the *Kasstromen* sheet.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import quote_sheetname

from mkba.report.excel.cells import EURO, EURO0, PERCENT, RATIO, YEAR, _SheetPlan


class _SummarySheet(_SheetPlan):
    """Writes the *Samenvatting* sheet (last: its formulas use the *Kasstromen* sheet)."""

    # -- Samenvatting -------------------------------------------------------------------------
    def summary_sheet(self) -> None:
        ctx, ws, m, L, res = self.ctx, self.sheets["summary"], self.model, self.L, self.result
        fl = quote_sheetname(L.sheets["flows"])
        s = m.scenario
        self.title(
            ws,
            s.name,
            f"{ctx.label('prices_in')} {m.price_year}, {m.years[0]}-{m.years[-1]}, {m.pricelist.ref}",
        )
        head = 4
        self.header(ws, head, ["xl_figure", "xl_value", "xl_explanation", "xl_name"])
        rows = {
            name: head + 1 + i
            for i, name in enumerate(
                (
                    "pv_costs",
                    "pv_benefits",
                    "npv",
                    "bcr",
                    "net_return",
                    "payback_year",
                    "irr",
                    "volunteer_value_pv",
                )
            )
        }
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
                f'=IF(COUNT({fl}!{self.helpers["reached"]})=0,"{na}",MIN({fl}!{self.helpers["reached"]}))',
                YEAR,
                ctx.label("xl_def_payback_year"),
            ),
            "irr": (irr_formula, PERCENT, irr_note),
            "volunteer_value_pv": (
                "=" + ("+".join(vol) if vol else "0"),
                EURO,
                ctx.label("xl_def_volunteer_value_pv"),
            ),
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
                ctx.formula(
                    ws,
                    row,
                    " CD".index(c) + 2,
                    f"=SUMPRODUCT(($B${first_sk}:$B${last_sk}=1)*{c}{first_sk}:{c}{last_sk})",
                    EURO,
                    bold=True,
                )
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
        info = [
            ("xl_pricelist_name", prov["pricelist"]["name"]),
            ("xl_pricelist_version", prov["pricelist"]["version"]),
            ("xl_pricelist_hash", prov["pricelist"]["sha256"]),
            ("xl_scenario_name", prov["scenario"]["name"]),
            ("xl_scenario_file", prov["scenario"]["file"]),
            ("xl_scenario_hash", prov["scenario"]["sha256"]),
            ("xl_price_index", prov["price_index"]),
            ("xl_mkba_version", prov["mkba_version"]),
        ]
        for key, value in info:
            row += 1
            ctx.text(ws, row, 1, ctx.label(key))
            ctx.text(ws, row, 2, value)
        for key, name, fmt in (
            ("price_year", "price_year", YEAR),
            ("base_year", "base_year", YEAR),
            ("discount_rate", "discount_rate", PERCENT),
        ):
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
        """The IRR formula, or the core's value where a formula cannot follow docs/method.md."""
        from mkba.engine import finance

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
        net = f"{fl}!{h['net']}"
        irr = f"IRR({net},{guess!r})"
        for fallback in (0.1, -0.5, 0.9, -0.9, 5.0):
            irr = f"IFERROR({irr},IRR({net},{fallback!r}))"
        return (
            f'=IF(SUM({fl}!{h["changes"]})=1,{irr},IF(SUM({fl}!{h["changes"]})=0,"{no_change}","{several}"))'
        ), note

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
        chart.add_data(
            Reference(ws, min_col=3, max_col=4, min_row=t_head, max_row=last_sk), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=first_sk, max_row=last_sk))
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.y_axis.number_format = EURO0
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, "G22")
