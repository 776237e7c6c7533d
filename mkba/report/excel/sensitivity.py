"""The *Gevoeligheid* (*Sensitivity*) sheet: tornado, Monte Carlo summary and break-even values.

Written by :func:`write_sensitivity_sheet`, a sheet writer (:mod:`mkba.report.excel.workbook`)
that adds the sheet only when there is an analysis: ``context.analysis``
(``mkba run --tornado/--simulate/--break-even``: a tornado DataFrame, a
:class:`mkba.montecarlo.Simulation`, a list of break-even dicts), else what
``result.extra`` holds of them. Every number here comes from many evaluations
of the model, so it is written as a value from the core (labelled so), not as
a formula; the tornado also gets a native bar chart.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference

from mkba.report.excel.cells import EURO, EURO0, NUMBER, PERCENT, RATIO, TITLE, Context

#: Rows of the tornado shown in the chart (the table has them all).
CHART_ROWS = 20


def _analysis(ctx: Context) -> dict:
    """The analysis as plain values: tornado records, simulation dict, list of break-even dicts."""
    raw = (
        ctx.analysis
        if ctx.analysis
        else {k: v for k, v in ctx.result.extra.items() if k in ("tornado", "simulation", "break_even")}
    )
    out: dict = {}
    tornado = raw.get("tornado")
    if tornado is not None:
        if hasattr(tornado, "to_dict"):
            out["npv_base"] = tornado.attrs.get("npv_base", ctx.result.npv)
            tornado = tornado.to_dict(orient="records")
        else:
            out["npv_base"] = ctx.result.npv
        out["tornado"] = list(tornado)
    sim = raw.get("simulation")
    if sim is not None:
        out["simulation"] = sim if isinstance(sim, dict) else sim.to_dict()
    found = raw.get("break_even")
    if found is not None:
        out["break_even"] = [found] if isinstance(found, dict) else list(found)
    return out


def write_sensitivity_sheet(wb, ctx: Context) -> None:
    """Add the sensitivity sheet when the result comes with a tornado, a simulation or break-even values."""
    data = _analysis(ctx)
    if not data:
        return
    title = ctx.label("xl_sheet_sensitivity")
    base, n = title, 2
    while title in wb.sheetnames:
        title, n = f"{base} {n}", n + 1
    ws = wb.create_sheet(title)
    L: dict = {"sheet": title}
    ctx.layout.sensitivity = L
    core = ctx.label("xl_from_core")
    ctx.text(ws, 1, 1, ctx.label("xl_sens_title")).font = TITLE
    ctx.text(ws, 2, 1, ctx.label("xl_sens_note"))
    ctx.widths[(ws.title, 1)] = 30
    row = 2

    def header(r: int, keys: list[str]) -> None:
        for j, key in enumerate(keys):
            ctx.text(ws, r, 1 + j, ctx.label(key), bold=True)

    # -- tornado ------------------------------------------------------------------------------------
    if "tornado" in data:
        row += 2
        ctx.text(ws, row, 1, f"{ctx.label('xl_sens_tornado')} ({core})", bold=True)
        row += 1
        ctx.text(ws, row, 1, ctx.label("xl_sens_npv_base"))
        ctx.number(ws, row, 2, data["npv_base"], EURO)
        L["npv_base"] = f"B{row}"
        row += 1
        head = row
        cols = [
            "input",
            "label",
            "dist",
            "base",
            "low",
            "high",
            "npv_low",
            "npv_high",
            "swing",
            "d_low",
            "d_high",
        ]
        header(head, [f"xl_sens_{c}" for c in cols])
        L["tornado_cols"] = {c: chr(ord("A") + j) for j, c in enumerate(cols)}
        rows = []
        npv_base = data["npv_base"]
        for rec in data["tornado"]:
            row += 1
            rows.append(row)
            ctx.text(ws, row, 1, rec["input"])
            ctx.text(ws, row, 2, rec["label"])
            ctx.text(ws, row, 3, rec["dist"])
            for j, key in enumerate(("base", "low", "high")):
                ctx.number(ws, row, 4 + j, rec[key], NUMBER)
            for j, key in enumerate(("npv_low", "npv_high", "swing")):
                ctx.number(ws, row, 7 + j, rec[key], EURO)
            ctx.number(ws, row, 10, _minus(rec["npv_low"], npv_base), EURO)
            ctx.number(ws, row, 11, _minus(rec["npv_high"], npv_base), EURO)
        L["tornado_rows"] = rows
        if rows:
            shown = rows[:CHART_ROWS]
            chart = BarChart()
            chart.type = "bar"
            chart.grouping = "clustered"
            chart.overlap = 100
            chart.title = ctx.label("xl_sens_chart")
            chart.add_data(
                Reference(ws, min_col=10, max_col=11, min_row=head, max_row=shown[-1]), titles_from_data=True
            )
            chart.set_categories(Reference(ws, min_col=2, min_row=shown[0], max_row=shown[-1]))
            chart.x_axis.scaling.orientation = "maxMin"  # the largest swing on top
            chart.x_axis.delete = chart.y_axis.delete = False
            chart.y_axis.number_format = EURO0
            chart.width, chart.height = 20, max(7.0, 1.0 + 0.7 * len(shown))
            ws.add_chart(chart, f"M{head}")
            L["chart"] = True

    # -- Monte Carlo ----------------------------------------------------------------------------------
    sim = data.get("simulation")
    if sim is not None:
        row += 2
        ctx.text(ws, row, 1, f"{ctx.label('xl_sens_mc')} ({core})", bold=True)
        info = {}
        for key, value, fmt in (
            ("xl_sens_n", sim.get("n"), "#,##0"),
            ("xl_sens_seed", sim.get("seed"), "0"),
            ("xl_sens_method", sim.get("method"), None),
            ("xl_sens_point_npv", sim.get("point_npv"), EURO),
            ("xl_sens_p_negative", sim.get("p_npv_negative"), PERCENT),
        ):
            row += 1
            ctx.text(ws, row, 1, ctx.label(key))
            if isinstance(value, str):
                ctx.text(ws, row, 2, value)
            else:
                ctx.number(ws, row, 2, value, fmt)
            info[key[len("xl_sens_") :]] = f"B{row}"
        row += 2
        head = row
        stats = ["mean", "sd", "p5", "p50", "p95", "min", "max", "p_negative"]
        header(
            head,
            ["xl_sens_figure", *[f"xl_sens_{k}" if k in ("mean", "sd", "p_negative") else k for k in stats]],
        )
        for j, k in enumerate(stats):
            if k in ("p5", "p50", "p95", "min", "max"):
                ctx.text(ws, head, 2 + j, k, bold=True)
        figures = {}
        entries = [
            (ctx.label(k), sim[k], k != "bcr", k == "npv", k)
            for k in ("npv", "pv_costs", "pv_benefits", "bcr", "fiscal_npv")
            if sim.get(k)
        ]
        for name, st in (sim.get("stakeholders") or {}).items():
            entries.append(
                (f"{ctx.label('xl_sens_stakeholder')}: {name}", st, True, True, f"stakeholder:{name}")
            )
        for name, st, euro, is_npv, key in entries:
            row += 1
            ctx.text(ws, row, 1, name)
            for j, k in enumerate(stats):
                if k == "p_negative":
                    value = st.get(k, sim.get("p_npv_negative") if key == "npv" else None)
                    if value is None and not is_npv:
                        continue
                    ctx.number(ws, row, 2 + j, value, PERCENT)
                else:
                    ctx.number(ws, row, 2 + j, st.get(k), EURO if euro else RATIO)
            figures[key] = row
        L["simulation"] = {
            "info": info,
            "rows": figures,
            "cols": {k: chr(ord("B") + j) for j, k in enumerate(stats)},
        }

    # -- break-even ----------------------------------------------------------------------------------
    found = data.get("break_even")
    if found:
        row += 2
        ctx.text(ws, row, 1, f"{ctx.label('xl_sens_break_even')} ({core})", bold=True)
        row += 1
        cols = [
            "input",
            "label",
            "base",
            "value",
            "range_low",
            "range_high",
            "range_basis",
            "npv_base",
            "npv_at_low",
            "npv_at_high",
            "method",
            "note",
        ]
        keys = [
            "xl_sens_input",
            "xl_sens_label",
            "xl_sens_base",
            "xl_sens_value",
            "xl_sens_low",
            "xl_sens_high",
            "xl_sens_range_basis",
            "xl_sens_npv_base",
            "xl_sens_npv_at_low",
            "xl_sens_npv_at_high",
            "xl_sens_method",
            "xl_sens_note_col",
        ]
        header(row, keys)
        rows = {}
        for be in found:
            row += 1
            lo, hi = be.get("range", (None, None))
            values = {**be, "range_low": lo, "range_high": hi}
            for j, c in enumerate(cols):
                v = values.get(c)
                if c in ("input", "label", "range_basis", "method", "note"):
                    ctx.text(ws, row, 1 + j, "" if v is None else v)
                elif c == "value" and v is None:
                    ctx.text(ws, row, 1 + j, f"{ctx.na} ({be.get('note', '')})")
                else:
                    ctx.number(ws, row, 1 + j, v, EURO if c.startswith("npv") else NUMBER)
            rows[be["input"]] = row
        L["break_even"] = {"rows": rows, "cols": {c: chr(ord("A") + j) for j, c in enumerate(cols)}}
    ws.freeze_panes = "B3"
    ctx.widths[(ws.title, 2)] = min(ctx.widths.get((ws.title, 2), 0), 45)


def _minus(a, b):
    try:
        return float(a) - float(b)
    except (TypeError, ValueError):
        return None
