"""The workbook's native charts, made from the one chart definition (:mod:`mkba.report.chartspec`).

A :class:`~mkba.report.chartspec.Chart` says what a chart shows: its title, its series in their
order, each with its label, its sign (costs negative, benefits positive) and its colour from the
one colour-blind-safe palette. :func:`native_chart` makes the openpyxl chart of it over the cells
that hold those series, so the workbook shows what the PNG charts and the HTML report show: one
colour for one thing, in one order, with one title.

What a spreadsheet chart cannot draw as the other charts do is left out, and said here: the
saldo's diamond marker on a horizontal chart (the stakeholder chart; its saldo is in the table
beside it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from mkba.report.chartspec import Chart, Series


def _paint(series: Any, colour: str, *, line: bool) -> None:
    rgb = colour.lstrip("#")
    if line:
        series.graphicalProperties.line.solidFill = rgb
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        series.smooth = False
    else:
        series.graphicalProperties.solidFill = rgb
        series.graphicalProperties.line.solidFill = rgb


def _title(text: str, size: int = 1000) -> Any:
    """A chart title of ``size`` hundredths of a point, bold: a long title fits a small chart."""
    from openpyxl.chart.text import RichText, Text
    from openpyxl.chart.title import Title
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun

    font = CharacterProperties(sz=size, b=True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=font), r=[RegularTextRun(rPr=font, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def _font(size: int, rot: int | None = None) -> Any:
    """Axis labels of ``size`` hundredths of a point, drawn at ``rot`` (60000ths of a degree; 0: level)."""
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RichTextProperties

    body = RichTextProperties(rot=rot, vert="horz") if rot is not None else RichTextProperties()
    para = Paragraph(
        pPr=ParagraphProperties(defRPr=CharacterProperties(sz=size)), endParaRPr=CharacterProperties()
    )
    return RichText(bodyPr=body, p=[para])


def nice_step(lo: float, hi: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) that spans ``lo`` to ``hi`` in at most ``ticks`` steps.

    >>> nice_step(-2_300_000, 1_900_000), nice_step(-7_228_658, 21_037_356), nice_step(0, 0)
    (2000000.0, 10000000.0, 1.0)
    """
    span = hi - lo
    if not span > 0:
        return 1.0
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def money_axis_format(step: float, lang: str) -> str:
    """The value axis's number format: euro, in millions (``2 mln``, short) from a step of a million on."""
    if step < 1_000_000:
        return '"€" #,##0;"€" -#,##0'
    digits = "0" if step % 1_000_000 == 0 else "0.0"
    unit = "mln" if lang != "en" else "m"
    return f'#,##{digits},," {unit}";-#,##{digits},," {unit}"'


def title_text(chart: Any) -> str:
    """The text of an openpyxl chart's title (as :func:`native_chart` writes it)."""
    return "".join(run.t for para in chart.title.tx.rich.p for run in (para.r or []))


def drawn_series(spec: Chart) -> tuple[Series, ...]:
    """The series of ``spec`` a workbook chart draws, in order (a horizontal chart's markers left out)."""
    return tuple(s for s in spec.series if not (spec.horizontal and s.style == "marker"))


def native_chart(
    spec: Chart,
    data: Sequence[Any],
    categories: Any,
    *,
    number_format: str,
    size: tuple[float, float],
    axis_title: str | None = None,
    lang: str | None = None,
) -> Any:
    """The openpyxl chart of ``spec``: its title, its series in order with their labels and colours.

    Bars are columns (benefits up, costs down, stacked per year) or, for a horizontal chart, rows
    drawn from the top in the order of its categories; a line series is drawn as a line over the
    columns.

    Parameters
    ----------
    spec : mkba.report.chartspec.Chart
        What to draw.
    data : sequence of openpyxl.chart.Reference
        The cells of each series of :func:`drawn_series` (``spec``), in that order; each holds the
        values with the series' sign (costs as negative amounts).
    categories : openpyxl.chart.Reference
        The category labels (years, stakeholders, inputs).
    number_format : str
        The number format of the value axis.
    size : (float, float)
        Width and height in centimetres.
    axis_title : str, optional
        A title of the value axis (what the bars measure when it is not the chart's own value).
    lang : str, optional
        With a language, the value axis of a horizontal chart is laid out to be read in print:
        a round step (:func:`nice_step`), euro in millions beyond a million, labels level, and
        every category labelled.

    Returns
    -------
    openpyxl.chart.BarChart
        The chart, with any line series combined into it.
    """
    from openpyxl.chart import BarChart, LineChart
    from openpyxl.chart.series import SeriesLabel

    series = drawn_series(spec)
    if len(series) != len(data):
        raise ValueError(f"{spec.key}: {len(series)} series to draw, {len(data)} given")
    bars = BarChart()
    bars.type = "bar" if spec.horizontal else "col"
    bars.grouping = "clustered" if spec.horizontal else "stacked"
    bars.overlap = 100  # costs and benefits on either side of zero, never side by side
    bars.title = _title(spec.title)
    lines = LineChart()
    for s, ref in zip(series, data):
        target = lines if s.style == "line" else bars
        target.add_data(ref, from_rows=ref.min_row == ref.max_row and ref.min_col != ref.max_col)
        added = target.series[-1]
        added.tx = SeriesLabel(v=s.label)
        _paint(added, s.colour, line=s.style == "line")
    bars.set_categories(categories)
    if spec.horizontal:
        bars.x_axis.scaling.orientation = "maxMin"  # the first category on top, as everywhere
        bars.y_axis.crosses = "max"  # and the value axis still at the bottom
    bars.x_axis.delete = bars.y_axis.delete = False
    bars.x_axis.tickLblPos = "low"  # category labels beside the plot, not on the zero line
    bars.y_axis.number_format = number_format.replace("[Red]", "")
    bars.y_axis.majorGridlines = None
    if axis_title:
        bars.y_axis.title = _title(axis_title, 900)
    bars.legend.position = "b"
    if lines.series:
        lines.set_categories(categories)
        bars += lines
    if lang is not None and spec.horizontal:
        _readable_axes(bars, series, lang)
    bars.width, bars.height = size
    return bars


def _readable_axes(bars: Any, series: Sequence[Series], lang: str) -> None:
    """Every category labelled (no label skipped), a few round value ticks, level and in millions."""
    values = [v for s in series for v in s.values] or [0.0]
    lo, hi = min(0.0, *values), max(0.0, *values)
    step = nice_step(lo, hi, ticks=2)  # three or four labels across half a page, level
    bars.y_axis.scaling.min = math.floor(lo / step) * step
    bars.y_axis.scaling.max = max(math.ceil(hi / step) * step, bars.y_axis.scaling.min + step)
    bars.y_axis.majorUnit = step
    bars.y_axis.number_format = money_axis_format(step, lang)
    bars.y_axis.txPr = _font(800, rot=0)
    bars.x_axis.tickLblSkip = 1
    bars.x_axis.txPr = _font(800)
