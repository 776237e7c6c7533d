"""The *Kasstromen* / *Cashflows* sheet of the Excel workbook (:mod:`mkba.report.excel.workbook`).

Discount factors, participants, each line's gross yearly amount, the flows
booked per stakeholder, their present values and the yearly totals, all as
formulas over the named inputs of :mod:`mkba.report.excel.inputs`.
"""

from __future__ import annotations

import math

from openpyxl.utils import get_column_letter

from mkba.engine.model import IDENTITY
from mkba.errors import MkbaError
from mkba.report.excel.cells import EURO, EURO0, FACTOR, NUMBER, YEAR, _SheetPlan


class _FlowSheet(_SheetPlan):
    """Writes the *Kasstromen* sheet (after the input sheets, whose names its formulas use)."""

    # -- Kasstromen -----------------------------------------------------------------------
    def multiplier(self, line) -> str:
        """The formula of a line's amount per unit of timing (participants, years)."""
        m = self.model
        if not hasattr(self, "_price_items"):
            self._price_items = {
                j: inp.name[len("price.") :]
                for j, inp in enumerate(m.inputs)
                if inp.name.startswith("price.")
            }
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
            raise MkbaError(
                f"line {line.id!r}: the workbook's index and unit factors ({expected!r}) do not "
                f"agree with the calculation ({line.constant!r}); was another price index used?"
            )
        return "=" + "*".join(terms)

    def flows_sheet(self) -> None:
        ctx, ws, m, L = self.ctx, self.sheets["flows"], self.model, self.L
        Y = len(m.years)
        self.title(
            ws,
            f"{ctx.label('xl_sheet_flows')}: {m.scenario.name}",
            ctx.label("xl_note_flows").format(py=m.price_year),
        )
        c0 = 7  # first year column (G)
        cols = [get_column_letter(c0 + i) for i in range(Y)]
        L.year_cols = cols
        first, last = cols[0], cols[-1]
        pv_c, pos_c, neg_c = c0 + Y, c0 + Y + 1, c0 + Y + 2
        L.pv_col, L.pv_pos_col, L.pv_neg_col = (get_column_letter(c) for c in (pv_c, pos_c, neg_c))
        head = 4
        L.year_row, L.discount_row, L.participants_row = head, head + 1, head + 2
        for j, key in enumerate(
            ["line", "xl_label", "stakeholder", "xl_kind", "xl_transfer_flag", "xl_multiplier"]
        ):
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
                    ctx.formula(
                        ws,
                        row,
                        c0 + i,
                        f"=$F{row}*({col}${head}>={fy})*({col}${head}<={ly})" + decay.format(col=col),
                        EURO0,
                    )
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
        for _p, (li, k, sign, tr) in enumerate(
            zip(m.posting_line, m.posting_stakeholder, m.posting_sign, m.posting_transfer)
        ):
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
        labels = [
            (L.costs_row, "xl_costs_excl"),
            (L.benefits_row, "xl_benefits_excl"),
            (L.net_row, "net_flow"),
            (L.discounted_row, "discounted_net_flow"),
            (L.cumulative_row, "cumulative_discounted"),
            (reached_row, "xl_reached_zero"),
            (sign_row, "xl_sign"),
            (change_row, "xl_sign_change"),
        ]
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
            ctx.formula(
                ws,
                L.cumulative_row,
                c,
                f"={col}{L.discounted_row}"
                if i == 0
                else f"={cols[i - 1]}{L.cumulative_row}+{col}{L.discounted_row}",
                EURO0,
            )
            ctx.formula(ws, reached_row, c, f'=IF({col}{L.cumulative_row}>=0,{col}${head},"")', YEAR)
            ctx.formula(
                ws,
                sign_row,
                c,
                f"=SIGN({col}{L.net_row})"
                if i == 0
                else f"=IF({col}{L.net_row}<>0,SIGN({col}{L.net_row}),{cols[i - 1]}{sign_row})",
                "0",
            )
            ctx.formula(
                ws,
                change_row,
                c,
                "=0" if i == 0 else f"=IF({cols[i - 1]}{sign_row}*{col}{sign_row}<0,1,0)",
                "0",
            )
        for r in (L.costs_row, L.benefits_row, L.net_row, L.discounted_row):
            ctx.formula(
                ws,
                r,
                pv_c,
                f"=SUMPRODUCT({first}{r}:{last}{r},{df_rng})"
                if r != L.discounted_row
                else f"=SUM({first}{r}:{last}{r})",
                EURO,
            )
        self.helpers = {
            "reached": f"{first}{reached_row}:{last}{reached_row}",
            "changes": f"{first}{change_row}:{last}{change_row}",
            "net": f"{first}{L.net_row}:{last}{L.net_row}",
        }
        self.gross_last = gross_last
        ws.freeze_panes = f"{first}{head + 1}"
        ctx.widths[(ws.title, 2)] = min(ctx.widths.get((ws.title, 2), 0), 40)
