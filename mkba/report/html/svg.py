"""A :class:`~mkba.report.chartspec.Chart` as inline SVG: crisp in print, no file, no network.

Written by hand (no plotting library): bars grouped per category for horizontal charts (rows),
stacked per category for vertical ones (columns: benefits up, costs down), lines and markers on
top, a zero line, reference lines, tick labels formatted by :mod:`mkba.report.numbers`, and a
legend. The SVG carries ``role="img"`` and the chart's alternative text.
"""

from __future__ import annotations

import math
import textwrap
from html import escape

from mkba.report import numbers
from mkba.report.chartspec import PALETTE, Chart, Marker, Series
from mkba.report.vocabulary import label

WIDTH = 680
FONT = 11
_AXIS = "#444444"
_GRID = "#dddddd"


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (1, 2, 2.5 or 5 times a power of ten apart)."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / n
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    t = first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 10))
        t += step
    if ticks[-1] < hi:
        ticks.append(ticks[-1] + step)
    return ticks


def _tick_label(chart: Chart, value: float, lang: str, ticks: list[float]) -> str:
    """A tick of the value axis; amounts in one unit along the axis: millions once its ``ticks`` reach one."""
    if chart.value_axis == "count":
        return numbers.count(round(value), lang)
    return numbers.short_euro(value, lang, top=max(abs(ticks[0]), abs(ticks[-1])))


def _extent(chart: Chart) -> tuple[float, float]:
    """The value range to show: every bar end, point, marker and the origin."""
    values = [chart.origin]
    if not chart.horizontal:
        values.append(0.0)
        bars = [s for s in chart.series if s.style == "bar"]
        for k in range(len(chart.categories)):
            values.append(sum(max(0.0, s.values[k]) for s in bars))
            values.append(sum(min(0.0, s.values[k]) for s in bars))
    values += [v for s in chart.series for v in s.values if math.isfinite(v)]
    values += [m.value for m in chart.markers]
    return min(values), max(values)


def _legend(chart: Chart, y: float) -> str:
    parts, x = [], 8.0
    for s in chart.series:
        if s.colours:
            continue
        if s.style == "line":
            swatch = f'<line x1="{x}" y1="{y - 4}" x2="{x + 14}" y2="{y - 4}" stroke="{s.colour}" stroke-width="2"/>'
        elif s.style == "marker":
            swatch = _diamond(x + 7, y - 4, 5, s.colour)
        else:
            swatch = f'<rect x="{x}" y="{y - 10}" width="14" height="10" fill="{s.colour}"/>'
        parts.append(swatch + f'<text x="{x + 18}" y="{y}">{escape(s.label)}</text>')
        x += 18 + 6.2 * len(s.label) + 16
    for m in chart.markers:
        dash = ' stroke-dasharray="4 3"' if m.dashed else ""
        parts.append(
            f'<line x1="{x}" y1="{y - 11}" x2="{x}" y2="{y + 1}" stroke="{_marker_colour(m)}" '
            f'stroke-width="2"{dash}/><text x="{x + 5}" y="{y}">{escape(m.label)}</text>'
        )
        x += 5 + 6.2 * len(m.label) + 16
    return "".join(parts)


def _diamond(cx: float, cy: float, r: float, colour: str) -> str:
    return (
        f'<path d="M{cx:.1f} {cy - r:.1f} L{cx + r:.1f} {cy:.1f} L{cx:.1f} {cy + r:.1f} '
        f'L{cx - r:.1f} {cy:.1f} Z" fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
    )


def _svg(chart: Chart, height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(chart.alt)}" font-family="sans-serif" '
        f'font-size="{FONT}" class="chart chart-{chart.key}"><title>{escape(chart.alt)}</title>{body}</svg>'
    )


def _horizontal(chart: Chart, lang: str) -> str:
    """Rows of grouped bars from ``origin``, markers on top; values along x."""
    left, right, top = 230.0, 34.0, 26.0
    row = 30.0 if len(chart.categories) <= 10 else 24.0
    plot_w = WIDTH - left - right
    height = top + row * len(chart.categories) + 30
    lo, hi = _extent(chart)
    ticks = _nice_ticks(lo, hi, 5)
    lo, hi = ticks[0], ticks[-1]

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    out = [_legend(chart, 14)]
    for t in ticks:
        out.append(
            f'<line x1="{x(t):.1f}" y1="{top}" x2="{x(t):.1f}" y2="{height - 24:.1f}" stroke="{_GRID}"/>'
            f'<text x="{x(t):.1f}" y="{height - 10:.1f}" text-anchor="middle" fill="{_AXIS}">'
            f"{escape(_tick_label(chart, t, lang, ticks))}</text>"
        )
    bars = [s for s in chart.series if s.style == "bar"]
    band = row * 0.7 / max(1, len(bars))
    for k, name in enumerate(chart.categories):
        y0 = top + k * row
        lines = textwrap.wrap(name, 38)[:2] or [""]
        for i, text in enumerate(lines):
            dy = y0 + row / 2 + (i - (len(lines) - 1) / 2) * 12 + 4
            out.append(f'<text x="{left - 6}" y="{dy:.1f}" text-anchor="end">{escape(text)}</text>')
        for b, s in enumerate(bars):
            a, z = sorted((x(chart.origin), x(s.values[k])))
            yb = y0 + row * 0.15 + b * band
            out.append(
                f'<rect x="{a:.1f}" y="{yb:.1f}" width="{max(z - a, 0.5):.1f}" height="{band - 1:.1f}" '
                f'fill="{s.colours[k] if s.colours else s.colour}"/>'
            )
        for s in chart.series:
            if s.style == "marker":
                out.append(_diamond(x(s.values[k]), y0 + row / 2, 6, s.colour))
    out.append(_reference_lines(chart, x, (lo, hi), top, height - 24))
    return _svg(chart, height, "".join(out))


def _reference_lines(chart: Chart, x, extent: tuple[float, float], top: float, bottom: float) -> str:
    out = []
    if extent[0] <= 0 <= extent[1]:
        out.append(f'<line x1="{x(0):.1f}" y1="{top}" x2="{x(0):.1f}" y2="{bottom}" stroke="{_AXIS}"/>')
    for m in chart.markers:
        dash = ' stroke-dasharray="4 3"' if m.dashed else ""
        out.append(
            f'<line x1="{x(m.value):.1f}" y1="{top - 4}" x2="{x(m.value):.1f}" y2="{bottom}" '
            f'stroke="{_marker_colour(m)}" stroke-width="2"{dash}/>'
        )
    return "".join(out)


def _vertical(chart: Chart, lang: str) -> str:
    """Columns of stacked bars (positive up, negative down), lines through the points."""
    left, right, top, bottom = 70.0, 30.0, 28.0, 34.0
    height = 300.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    lo, hi = _extent(chart)
    ticks = _nice_ticks(lo, hi, 5)
    lo, hi = ticks[0], ticks[-1]
    n = max(1, len(chart.categories))
    col = plot_w / n

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    out = [_legend(chart, 14)]
    for t in ticks:
        out.append(
            f'<line x1="{left}" y1="{y(t):.1f}" x2="{WIDTH - right}" y2="{y(t):.1f}" stroke="{_GRID}"/>'
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" fill="{_AXIS}">'
            f"{escape(_tick_label(chart, t, lang, ticks))}</text>"
        )
    for k, name in enumerate(chart.categories):
        cx = left + (k + 0.5) * col
        if k % chart.category_step == 0:
            out.append(
                f'<text x="{cx:.1f}" y="{height - bottom + 16:.1f}" text-anchor="middle" '
                f'fill="{_AXIS}">{escape(name)}</text>'
            )
        out.append(_stack(chart.series, k, cx, col, y))
    out.append(f'<line x1="{left}" y1="{y(0):.1f}" x2="{WIDTH - right}" y2="{y(0):.1f}" stroke="{_AXIS}"/>')
    for s in chart.series:
        if s.style == "line":
            points = " ".join(f"{left + (k + 0.5) * col:.1f},{y(v):.1f}" for k, v in enumerate(s.values))
            dots = "".join(
                f'<circle cx="{left + (k + 0.5) * col:.1f}" cy="{y(v):.1f}" r="2.5" fill="{s.colour}"/>'
                for k, v in enumerate(s.values)
            )
            out.append(
                f'<polyline points="{points}" fill="none" stroke="{s.colour}" stroke-width="2"/>{dots}'
            )
    return _svg(chart, height, "".join(out))


def _stack(series: tuple[Series, ...], k: int, cx: float, col: float, y) -> str:
    up = down = 0.0
    out = []
    w = col * (0.92 if any(s.colours for s in series) else 0.6)
    for s in series:
        if s.style != "bar":
            continue
        v = s.values[k]
        base = up if v >= 0 else down
        a, b = sorted((y(base), y(base + v)))
        if v >= 0:
            up += v
        else:
            down += v
        out.append(
            f'<rect x="{cx - w / 2:.1f}" y="{a:.1f}" width="{w:.1f}" height="{max(b - a, 0.0):.1f}" '
            f'fill="{s.colours[k] if s.colours else s.colour}"/>'
        )
    return "".join(out)


def _marker_colour(m: Marker) -> str:
    return PALETTE.get(m.colour, _AXIS)


def _histogram_key(chart: Chart, lang: str, y: float, *, zero: bool) -> str:
    """The second legend line of a histogram: what its two bar colours mean, and the line at € 0."""
    s = chart.series[0]
    colours = list(dict.fromkeys(s.colours or (s.colour,)))
    names = {PALETTE["cost"]: "chart_bars_below_zero", PALETTE["benefit"]: "chart_bars_zero_or_more"}
    parts, x = [], 8.0
    for colour in colours:
        if colour not in names:
            continue
        text = label(names[colour], lang)
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="14" height="10" fill="{colour}"/>'
            f'<text x="{x + 18}" y="{y}">{escape(text)}</text>'
        )
        x += 18 + 6.2 * len(text) + 16
    if zero:
        text = label("chart_zero_line", lang)
        parts.append(
            f'<line x1="{x}" y1="{y - 11}" x2="{x}" y2="{y + 1}" stroke="{_AXIS}" stroke-width="0.8"/>'
            f'<text x="{x + 5}" y="{y}">{escape(text)}</text>'
        )
    return "".join(parts)


def _histogram(chart: Chart, lang: str) -> str:
    """Bars over a continuous euro axis (``edges``); a bar far above the others is cut and labelled."""
    left, right, top, bottom = 78.0, 30.0, 44.0, 34.0
    height = 296.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    counts = chart.series[0].values
    ordered = sorted(counts)
    ceiling = ordered[-1]
    if (
        len(ordered) > 3 and ordered[-1] > 3 * ordered[-4] > 0
    ):  # a few spikes (a point mass) would flatten the rest
        ceiling = 1.5 * ordered[-4]
    yticks = _nice_ticks(0.0, ceiling, 4)
    ymax = yticks[-1]
    xticks = _nice_ticks(chart.edges[0], chart.edges[-1], 6)
    lo, hi = xticks[0], xticks[-1]

    def x(v: float) -> float:
        return left + (v - lo) / (hi - lo) * plot_w

    def y(v: float) -> float:
        return top + (1 - min(v, ymax) / ymax) * plot_h

    out = [_legend(chart, 14), _histogram_key(chart, lang, 30, zero=lo < 0 < hi)]
    mid = top + plot_h / 2  # the count axis's title, along it
    out.append(
        f'<text x="14" y="{mid:.1f}" text-anchor="middle" fill="{_AXIS}" '
        f'transform="rotate(-90 14 {mid:.1f})">{escape(label("plot_draws", lang))}</text>'
    )
    for t in yticks:
        out.append(
            f'<line x1="{left}" y1="{y(t):.1f}" x2="{WIDTH - right}" y2="{y(t):.1f}" stroke="{_GRID}"/>'
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" fill="{_AXIS}">'
            f"{escape(_tick_label(chart, t, lang, yticks))}</text>"
        )
    for t in xticks:
        out.append(
            f'<text x="{x(t):.1f}" y="{height - bottom + 16:.1f}" text-anchor="middle" fill="{_AXIS}">'
            f"{escape(numbers.short_euro(t, lang, top=max(abs(xticks[0]), abs(xticks[-1]))))}</text>"
        )
    s = chart.series[0]
    for k, count in enumerate(counts):
        a, b = x(chart.edges[k]), x(chart.edges[k + 1])
        colour = s.colours[k] if s.colours else s.colour
        out.append(
            f'<rect x="{a:.1f}" y="{y(count):.1f}" width="{max(b - a - 0.6, 0.6):.1f}" '
            f'height="{y(0) - y(count):.1f}" fill="{colour}"/>'
        )
        if count > ymax:
            out.append(
                f'<text x="{(a + b) / 2:.1f}" y="{top - 2:.1f}" text-anchor="middle" font-size="9">'
                f"{escape(numbers.count(round(count), lang))}</text>"
            )
    out.append(f'<line x1="{left}" y1="{y(0):.1f}" x2="{WIDTH - right}" y2="{y(0):.1f}" stroke="{_AXIS}"/>')
    if lo < 0 < hi:
        out.append(
            f'<line x1="{x(0):.1f}" y1="{top}" x2="{x(0):.1f}" y2="{y(0):.1f}" stroke="{_AXIS}" stroke-width="0.8"/>'
        )
    out.append(_reference_lines(chart, x, (1.0, 1.0), top, y(0)))  # the markers only: 0 is drawn above
    return _svg(chart, height, "".join(out))


def render_svg(chart: Chart, lang: str = "nl") -> str:
    """The chart as one ``<svg>`` element (no external references).

    Parameters
    ----------
    chart : Chart
        What to draw.
    lang : {'nl', 'en'}
        Language of the tick labels.

    Returns
    -------
    str
        SVG markup to put inline in HTML.

    Examples
    --------
    >>> from mkba.report.chartspec import PALETTE, Chart, Marker, Series
    >>> svg = render_svg(Chart("x", "T", "alt", ("a",), (Series("cost", "Kosten", (-1.0,)),), True))
    >>> svg.startswith("<svg") and 'aria-label="alt"' in svg
    True
    """
    if chart.edges:
        return _histogram(chart, lang)
    return _horizontal(chart, lang) if chart.horizontal else _vertical(chart, lang)
