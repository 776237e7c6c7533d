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

from collections.abc import Mapping, Sequence
from typing import Any, SupportsFloat

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.worksheet.worksheet import Worksheet

from mkba.report import chartspec
from mkba.report.excel.cells import EURO0, NUMBER, PERCENT, RATIO, Context, write_header, write_title
from mkba.report.excel.chartstyle import native_chart
from mkba.report.excel.fit import fit_header, wrap_note, wrap_rows
from mkba.report.html.context import break_even_text
from mkba.report.vocabulary import sib_command

#: Rows of the tornado shown in the chart (the table has them all).
CHART_ROWS = chartspec.TORNADO_TOP

_TORNADO_COLS = (
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
)
_STATS = ("mean", "sd", "p5", "p50", "p95", "min", "max", "p_negative")
_BREAK_EVEN_COLS = (
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
)
_BREAK_EVEN_KEYS = (
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
)
_TEXT_COLS = ("input", "label", "range_basis", "method", "note")
#: Most characters of the text columns: inputs, labels and the break-even's note (the last column).
#: With the figures' 13 and the headers' longest words the sheet prints one page wide at half size
#: or more (:mod:`mkba.report.excel.printing`); a longer text wraps.
_TEXT_WIDTHS = {1: 24, 2: 26, len(_BREAK_EVEN_COLS): 22}


def _analysis(ctx: Context) -> dict[str, Any]:
    """The analysis as plain values: tornado records, simulation dict, list of break-even dicts."""
    raw = (
        ctx.analysis
        if ctx.analysis
        else {k: v for k, v in ctx.result.extra.items() if k in ("tornado", "simulation", "break_even")}
    )
    out: dict[str, Any] = {}
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


def write_sensitivity_sheet(wb: Workbook, ctx: Context) -> dict[str, Any] | None:
    """Add the sensitivity sheet when the result comes with a tornado, a simulation or break-even values.

    The numbers are the core's (docs/method.md, section 6), written as values
    and labelled so, not as formulas.

    Parameters
    ----------
    wb : Workbook
        The workbook, its standard sheets written.
    ctx : Context
        Its context: ``ctx.analysis``, else what ``ctx.result.extra`` holds of
        ``tornado``, ``simulation`` and ``break_even``.

    Returns
    -------
    dict or None
        Where the sheet put things (``sheet``, ``npv_base``, ``tornado_rows``,
        ``simulation``, ``break_even``, ...); None when there is no analysis (no sheet).
    """
    data = _analysis(ctx)
    if not data:
        return None
    title = ctx.label("xl_sheet_sensitivity")
    base, n = title, 2
    while title in wb.sheetnames:
        title, n = f"{base} {n}", n + 1
    ws = wb.create_sheet(title)
    found: dict[str, Any] = {"sheet": title, "_heads": [], "_notes": []}
    write_title(ctx, ws, ctx.label("xl_sens_title"))
    ctx.text(ws, 2, 1, ctx.label("xl_sens_note"))
    ctx.widths[(ws.title, 1)] = 30
    row = 2
    if "tornado" in data:
        row = _tornado(ctx, ws, row + 2, data["npv_base"], data["tornado"], found)
    if data.get("simulation") is not None:
        row = _simulation(ctx, ws, row + 2, data["simulation"], found)
    if data.get("break_even"):
        row = _break_even(ctx, ws, row + 2, data["break_even"], found)
    chart = found.pop("_chart", None)
    if chart is not None:  # below the tables, so that the sheet prints one page wide at a readable size
        ws.add_chart(chart, f"A{row + 2}")
        found["chart_row"] = row + 2
    ws.freeze_panes = "B3"
    _fit(ctx, ws, found.pop("_heads"), found.pop("_notes"))
    return found


def _fit(ctx: Context, ws: Worksheet, heads: Sequence[int], notes: Sequence[int] = ()) -> None:
    """Narrow the columns so that the sheet prints one page wide at a readable size; wrap what no longer fits.

    The tables' headers wrap at word breaks, the other texts in their columns where a cell to
    their right would cut them off or the page's edge would (a section's title runs on), the note
    under the title and the ``notes`` rows across the tables.
    """
    last = ws.max_column
    for col in range(1, last + 1):
        ctx.cap_width(ws, col, _TEXT_WIDTHS.get(col, 13))  # figures 13
    for r in heads:
        fit_header(ctx, ws, r)
    body = {r for (r, _) in ws._cells if r > 2}.difference(heads, notes)
    wrap_rows(ctx, ws, body, range(1, last + 1), run_on=True, last=last)
    for r in (2, *notes):
        wrap_note(ctx, ws, last, r)


def _minus(a: object, b: object) -> float | None:
    """``a - b`` as floats; None when either is not a number."""
    try:
        return _float(a) - _float(b)
    except (TypeError, ValueError):
        return None


def _float(x: object) -> float:
    if isinstance(x, (str, SupportsFloat)):
        return float(x)
    raise TypeError(f"not a number: {x!r}")


# -- tornado --------------------------------------------------------------------------------------
def _tornado(
    ctx: Context, ws: Worksheet, row: int, npv_base: float, records: Sequence[Mapping[str, Any]], found: dict
) -> int:
    """The tornado table and its chart from ``row`` on; returns the last row written."""
    core = ctx.label("xl_from_core")
    ctx.text(ws, row, 1, f"{ctx.label('xl_sens_tornado')} ({core})", bold=True)
    row += 1
    ctx.text(ws, row, 1, ctx.label("xl_sens_npv_base"))
    ctx.number(ws, row, 2, npv_base, EURO0)
    found["npv_base"] = f"B{row}"
    head = row + 1
    if not records:  # no uncertain input: a sentence, not an empty table
        ctx.text(ws, head, 1, ctx.label("rp_tornado_none"))
        found["tornado_rows"] = []
        return head
    write_header(ctx, ws, head, [f"xl_sens_{c}" for c in _TORNADO_COLS])
    found["_heads"].append(head)
    found["tornado_cols"] = {c: chr(ord("A") + j) for j, c in enumerate(_TORNADO_COLS)}
    rows = [head + 1 + k for k in range(len(records))]
    for r, rec in zip(rows, records):
        ctx.text(ws, r, 1, rec["input"])
        ctx.text(ws, r, 2, rec["label"])
        ctx.text(ws, r, 3, rec["dist"])
        for j, key in enumerate(("base", "low", "high")):
            ctx.number(ws, r, 4 + j, rec[key], NUMBER)
        for j, key in enumerate(("npv_low", "npv_high", "swing")):
            ctx.number(ws, r, 7 + j, rec[key], EURO0)
        ctx.number(ws, r, 10, _minus(rec["npv_low"], npv_base), EURO0)
        ctx.number(ws, r, 11, _minus(rec["npv_high"], npv_base), EURO0)
    found["tornado_rows"] = rows
    if rows:
        found["_chart"] = _tornado_chart(ctx, ws, head, rows, npv_base, records)
        found["chart"] = True
    return rows[-1] if rows else head


def _tornado_chart(
    ctx: Context, ws: Worksheet, head: int, rows: Sequence[int], npv_base: float, records: Sequence[Mapping]
) -> Any:
    """The tornado chart of :func:`mkba.report.chartspec.tornado_chart`, the largest swing on top.

    Its title, series (input low, input high), order and colours are those of the PNG and HTML
    charts; a spreadsheet's bars start at zero, so they show the change of the saldo from the point
    saldo (the columns *Change at low* and *Change at high*) rather than bars from the point saldo.
    """
    spec = chartspec.tornado_chart(ctx.lang, records, npv_base, names=[str(r["label"]) for r in records])
    shown = rows[: len(spec.categories)]
    data = [Reference(ws, min_col=col, min_row=shown[0], max_row=shown[-1]) for col in (10, 11)]
    names = Reference(ws, min_col=2, min_row=shown[0], max_row=shown[-1])
    height = max(7.0, 1.5 + 0.7 * len(shown))
    chart = native_chart(
        spec, data, names, number_format=EURO0, size=(20, height), axis_title=ctx.label("xl_sens_axis")
    )
    return chart


# -- Monte Carlo ----------------------------------------------------------------------------------
def _simulation(ctx: Context, ws: Worksheet, row: int, sim: Mapping[str, Any], found: dict) -> int:
    """The Monte Carlo summary from ``row`` on: its settings, then statistics per figure; returns the last row."""
    core = ctx.label("xl_from_core")
    ctx.text(ws, row, 1, f"{ctx.label('xl_sens_mc')} ({core})", bold=True)
    info = {}
    for key, value, fmt in (
        ("xl_sens_n", sim.get("n"), "#,##0"),
        ("xl_sens_seed", sim.get("seed"), "0"),
        ("xl_sens_method", _method(ctx, sim.get("method")), None),
        ("xl_sens_point_npv", sim.get("point_npv"), EURO0),
        ("xl_sens_p_negative", sim.get("p_npv_negative"), PERCENT),
    ):
        row += 1
        ctx.text(ws, row, 1, ctx.label(key))
        if isinstance(value, str):
            ctx.text(ws, row, 2, value)
        else:
            ctx.number(ws, row, 2, value, fmt)
        info[key[len("xl_sens_") :]] = f"B{row}"
    head = row + 2
    shown = [f"xl_sens_{k}" if k in ("mean", "sd", "p_negative") else k for k in _STATS]
    write_header(ctx, ws, head, ["xl_sens_figure", *shown])
    found["_heads"].append(head)
    for j, k in enumerate(_STATS):
        if k in ("p5", "p50", "p95", "min", "max"):
            ctx.text(ws, head, 2 + j, k, bold=True)
    figures = {}
    entries = _simulation_entries(ctx, sim)
    for r, (name, st, euro, is_npv, key) in enumerate(entries, start=head + 1):
        ctx.text(ws, r, 1, name)
        for j, k in enumerate(_STATS):
            if k != "p_negative":
                ctx.number(ws, r, 2 + j, st.get(k), EURO0 if euro else RATIO)
                continue
            value = st.get(k, sim.get("p_npv_negative") if key == "npv" else None)
            if value is not None or is_npv:
                ctx.number(ws, r, 2 + j, value, PERCENT)
        figures[key] = r
    found["simulation"] = {
        "info": info,
        "rows": figures,
        "cols": {k: chr(ord("B") + j) for j, k in enumerate(_STATS)},
    }
    last = head + len(entries)
    if ctx.result.model.scenario.sib is not None:  # the contract's draws are not these: say where they are
        last += 2
        ctx.text(ws, last, 1, _sib_pointer(ctx, sim))
        found["simulation"]["sib_note"] = f"A{last}"
        found["_notes"].append(last)
    return last


def _sib_pointer(ctx: Context, sim: Mapping[str, Any]) -> str:
    """Where the simulation of the SIB contract is: not in this workbook, but ``mkba sib --simulate``."""
    file = (ctx.result.provenance.get("scenario") or {}).get("file")
    command = sib_command(str(file) if file else None, sim.get("n"), sim.get("seed"))
    return ctx.label("xl_sib_pointer").format(command=command)


def _simulation_entries(ctx: Context, sim: Mapping[str, Any]) -> list[tuple[str, Mapping, bool, bool, str]]:
    """The simulated figures: (shown name, statistics, in euro, an npv, key), stakeholders last."""
    entries = [
        (ctx.label(k), sim[k], k != "bcr", k == "npv", k)
        for k in ("npv", "pv_costs", "pv_benefits", "bcr", "fiscal_npv")
        if sim.get(k)
    ]
    for name, st in (sim.get("stakeholders") or {}).items():
        shown = ctx.result.stakeholder_label(name)
        entries.append(
            (f"{ctx.label('xl_sens_stakeholder')}: {shown}", st, True, True, f"stakeholder:{name}")
        )
    return entries


def _method(ctx: Context, method: object) -> str | None:
    """The simulation method in the reader's words (its code name when there is no label)."""
    shown = ctx.label(f"xl_method_{method}")
    return (None if method is None else str(method)) if shown == f"xl_method_{method}" else shown


# -- break-even -----------------------------------------------------------------------------------
def _break_even(
    ctx: Context, ws: Worksheet, row: int, results: Sequence[Mapping[str, Any]], found: dict
) -> int:
    """The break-even values from ``row`` on, one row per input; returns the last row written."""
    core = ctx.label("xl_from_core")
    ctx.text(ws, row, 1, f"{ctx.label('xl_sens_break_even')} ({core})", bold=True)
    row += 1
    write_header(ctx, ws, row, _BREAK_EVEN_KEYS)
    found["_heads"].append(row)
    rows = {}
    for be in results:
        row += 1
        lo, hi = be.get("range", (None, None))
        values = {**be, "range_low": lo, "range_high": hi}
        for j, c in enumerate(_BREAK_EVEN_COLS):
            v = values.get(c)
            if c == "note" or (c in ("range_basis", "method") and ctx.lang != "en"):
                # the engine words these in English; the reader gets the break-even in words
                ctx.text(ws, row, 1 + j, break_even_text(dict(be), ctx.lang) if c == "note" else "")
            elif c in _TEXT_COLS:
                ctx.text(ws, row, 1 + j, "" if v is None else v)
            elif c == "value" and v is None:
                ctx.text(ws, row, 1 + j, ctx.na)  # no value outside the range: said in words in the note
            else:
                ctx.number(ws, row, 1 + j, v, EURO0 if c.startswith("npv") else NUMBER)
        rows[be["input"]] = row
    found["break_even"] = {
        "rows": rows,
        "cols": {c: chr(ord("A") + j) for j, c in enumerate(_BREAK_EVEN_COLS)},
    }
    return row
