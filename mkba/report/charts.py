"""Charts as PNG files: yearly net flows, costs and benefits per stakeholder, tornado, npv histogram.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global
backend state, no display needed) from the one chart definition of
:mod:`mkba.report.chartspec`, as the HTML report and the workbook draw it. Each
``*_figure`` function returns the figure, unsaved; each other function writes one file and returns
its path; :func:`write_plots` writes every chart an analysis allows. Amounts
on the axes are in euro of the result's price year (docs/method.md, section 1).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from mkba.errors import MkbaError
from mkba.report import chartspec
from mkba.report.chartspec import PALETTE, Chart
from mkba.report.numbers import count, percent
from mkba.report.vocabulary import label

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure

    from mkba.result import Result
    from mkba.uncertainty.montecarlo import Simulation

#: A break-even result of :func:`mkba.uncertainty.sensitivity.break_even` (``input``, ``label``,
#: ``base``, ``range``, ``roots``, ...).
BreakEven = Mapping[str, Any]

#: Size of every chart in inches, and its resolution.
FIGSIZE = (9.0, 5.0)
DPI = 110

# One definition of every chart (mkba.report.chartspec: series, order, signs, titles and the
# Okabe-Ito colour-blind-safe palette), drawn here, in the HTML report's SVG and in the workbook.
_COST, _NET = PALETTE["cost"], PALETTE["net"]


def _figure() -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")


def _euro_axis(axis: Axis, lang: str = "nl") -> None:
    """Tick labels in euro as in the report: '€ 950.000', '€ 1,25 mln' (Dutch) or '€950,000', '€1.25m'."""
    from matplotlib.ticker import FuncFormatter

    from mkba.report.numbers import short_euro

    # one unit along the axis: millions once its range reaches a million (read when the ticks are drawn)
    axis.set_major_formatter(
        FuncFormatter(lambda x, _pos: short_euro(x, lang, top=max(abs(v) for v in axis.get_view_interval())))
    )


def _short(x: float, lang: str = "nl") -> str:
    """An input's value for a label: whole with separators from 1,000 on, else three significant digits."""
    from mkba.report.numbers import number

    if abs(x) >= 1000:
        return number(x, lang, 0)
    text = f"{x:.3g}"
    return text.replace(".", ",") if lang != "en" else text


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, format="png")
    return path


def _draw_series(ax: Any, spec: Chart, positions: np.ndarray) -> None:
    """Draw the series of ``spec`` in its order, with its labels, signs and colours.

    Columns are stacked per category (benefits up, costs down); rows (a horizontal chart) start
    at the chart's origin; a line goes through the points; a marker is a diamond.
    """
    for s in spec.series:
        values = np.asarray(s.values, dtype=float)
        colour: Any = list(s.colours) if s.colours else s.colour
        if s.style == "line":
            dashed = s.key == "cumulative"
            ax.plot(
                positions,
                values,
                color=s.colour,
                linestyle="--" if dashed else "-",
                marker="." if dashed else "o",
                label=s.label,
            )
        elif s.style == "marker":
            xy = (values, positions) if spec.horizontal else (positions, values)
            ax.scatter(*xy, color=s.colour, zorder=3, marker="D", label=s.label)
        elif spec.horizontal:
            ax.barh(positions, values - spec.origin, left=spec.origin, color=colour, label=s.label)
        else:
            ax.bar(positions, values, color=colour, label=s.label)


def _legend(ax: Any, spec: Chart, **kwargs: Any) -> None:
    """The legend in the order of the chart's series, then its reference lines (as in the HTML report)."""
    handles, labels = ax.get_legend_handles_labels()
    order = [s.label for s in spec.series] + [m.label for m in spec.markers]
    ranked = sorted(zip(handles, labels), key=lambda hl: order.index(hl[1]) if hl[1] in order else len(order))
    ax.legend([h for h, _ in ranked], [lab for _, lab in ranked], **kwargs)


def yearly_figure(result: Result) -> Figure:
    """The figure of :func:`yearly_flows`, not yet saved (:func:`mkba.report.chartspec.yearly_chart`)."""
    lang = result.lang
    spec = chartspec.yearly_chart(result)
    fig = _figure()
    ax = fig.add_subplot()
    years = np.array([int(y) for y in spec.categories])
    _draw_series(ax, spec, years)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(years)
    ax.tick_params(axis="x", labelrotation=45 if len(years) > 12 else 0)
    _euro_axis(ax.yaxis, lang)
    ax.set_title(spec.title)  # one line, as in the report
    _legend(ax, spec, loc="best", fontsize="small")
    return fig


def yearly_flows(result: Result, path: str | Path) -> Path:
    """Bars of costs (down) and benefits (up) per year, the net flow and the cumulative discounted one.

    The cumulative discounted net flow follows docs/method.md, sections 2 and 5; the chart is
    :func:`mkba.report.chartspec.yearly_chart`, as in the HTML report and the workbook.

    Parameters
    ----------
    result : mkba.result.Result
        The point result.
    path : str or Path
        The PNG file to write.

    Returns
    -------
    Path
        The file written; amounts in euro of the result's price year.
    """
    return _save(yearly_figure(result), Path(path))


def stakeholder_figure(result: Result) -> Figure:
    """The figure of :func:`stakeholders`, not yet saved (:func:`mkba.report.chartspec.stakeholder_chart`)."""
    lang = result.lang
    spec = chartspec.stakeholder_chart(result)
    public = [r["public"] for r in result.stakeholder_rows()]
    fig = _figure()
    ax = fig.add_subplot()
    y = np.arange(len(spec.categories))
    names = [textwrap.fill(name, 30) + (" *" if p else "") for name, p in zip(spec.categories, public)]
    _draw_series(ax, spec, y)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.invert_yaxis()  # the first category on top
    _euro_axis(ax.xaxis, lang)
    ax.set_title(spec.title)
    _legend(ax, spec, loc="best", fontsize="small")
    return fig


def stakeholders(result: Result, path: str | Path) -> Path:
    """Per stakeholder: present value of costs (left), benefits (right) and the npv (marker).

    The table "wie betaalt, wie profiteert" of docs/method.md, sections 3 and 5;
    public stakeholders are marked with ``*``. The chart is
    :func:`mkba.report.chartspec.stakeholder_chart`, as in the HTML report and the workbook.

    Parameters
    ----------
    result : mkba.result.Result
        The point result.
    path : str or Path
        The PNG file to write.

    Returns
    -------
    Path
        The file written; present values in euro.
    """
    return _save(stakeholder_figure(result), Path(path))


def tornado_figure(result: Result, frame: pd.DataFrame, *, top: int = chartspec.TORNADO_TOP) -> Figure:
    """The figure of :func:`tornado_chart`, not yet saved (:func:`mkba.report.chartspec.tornado_chart`)."""
    lang = result.lang
    base = float(frame.attrs.get("npv_base", result.npv))
    records = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
    names = [
        textwrap.fill(f"{r['label']} ({_short(r['low'], lang)} - {_short(r['high'], lang)})", 45)
        for r in records
    ]
    spec = chartspec.tornado_chart(lang, records, base, top=top, names=names)
    fig = _figure()
    ax = fig.add_subplot()
    y = np.arange(len(spec.categories))
    _draw_series(ax, spec, y)
    for marker in spec.markers:
        ax.axvline(marker.value, color=PALETTE[marker.colour], linewidth=0.8, label=marker.label)
    ends = np.concatenate([np.asarray(s.values, dtype=float) for s in spec.series] + [np.array([base])])
    if ends.min() <= 0 <= ends.max():  # show the break-even line only when a swing reaches it
        ax.axvline(0, color="grey", linewidth=0.6, linestyle=":")
    ax.set_yticks(y, list(spec.categories))
    ax.invert_yaxis()  # the largest swing on top
    _euro_axis(ax.xaxis, lang)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.tick_params(axis="y", labelsize="small")
    fig.suptitle(spec.title)
    _legend(ax, spec, loc="best", fontsize="small")
    return fig


def tornado_chart(
    result: Result, frame: pd.DataFrame, path: str | Path, *, top: int = chartspec.TORNADO_TOP
) -> Path:
    """Horizontal bars from the npv at each input's low to that at its high, largest swing on top.

    One-way sensitivity of docs/method.md, section 6; the chart is
    :func:`mkba.report.chartspec.tornado_chart`, as in the HTML report and the workbook.

    Parameters
    ----------
    result : mkba.result.Result
        The point result (its npv is the centre line unless ``frame.attrs['npv_base']`` says otherwise).
    frame : pandas.DataFrame
        The tornado of :func:`mkba.uncertainty.sensitivity.tornado`, sorted by swing
        (columns ``label``, ``low``, ``high``, ``npv_low``, ``npv_high`` in euro).
    path : str or Path
        The PNG file to write.
    top : int
        How many inputs to show.

    Returns
    -------
    Path
        The file written.
    """
    return _save(tornado_figure(result, frame, top=top), Path(path))


def histogram_figure(result: Result, simulation: Simulation, *, bins: int = 60) -> Figure:
    """The figure of :func:`npv_histogram`, not yet saved (:func:`mkba.report.chartspec.npv_histogram`)."""
    lang = result.lang
    npv = simulation.npv
    spec = chartspec.histogram_chart(lang, npv, point=simulation.point_npv, bins=bins)
    fig = _figure()
    ax = fig.add_subplot()
    edges = np.asarray(spec.edges)
    (series,) = spec.series
    ax.bar(
        edges[:-1],
        series.values,
        width=np.diff(edges),
        align="edge",
        color=list(series.colours),
        edgecolor="white",
        linewidth=0.3,
    )
    p5, p95 = np.percentile(npv, [5, 95])
    ax.axvspan(p5, p95, color=PALETTE["band"], alpha=0.15, label=label("plot_p5_p95", lang))
    for marker in spec.markers:
        ax.axvline(
            marker.value,
            color=PALETTE[marker.colour],
            linewidth=2 if not marker.dashed else 1.5,
            linestyle="--" if marker.dashed else "-",
            label=marker.label,
        )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.text(
        0.01,
        0.97,
        label("plot_p_negative", lang).format(p=percent(simulation.p_npv_negative, lang)),
        transform=ax.transAxes,
        va="top",
        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
    )
    _euro_axis(ax.xaxis, lang)
    ax.set_ylabel(series.label)
    ax.set_title(f"{spec.title} ({label('chart_n_draws', lang).format(n=count(simulation.n, lang))})")
    _legend(ax, spec, loc="upper right", fontsize="small")
    return fig


def npv_histogram(result: Result, simulation: Simulation, path: str | Path, *, bins: int = 60) -> Path:
    """Histogram of the simulated npv with its mean, 5th and 95th percentile, 0 and the point result.

    Monte Carlo of docs/method.md, section 6; the chart is
    :func:`mkba.report.chartspec.histogram_chart` (bins below zero in the cost colour), as in the
    HTML report.

    Parameters
    ----------
    result : mkba.result.Result
        The point result (for the language).
    simulation : mkba.uncertainty.montecarlo.Simulation
        The draws (``npv`` in euro, ``point_npv``, ``p_npv_negative``, ``n``).
    path : str or Path
        The PNG file to write.
    bins : int
        Number of bars.

    Returns
    -------
    Path
        The file written.
    """
    return _save(histogram_figure(result, simulation, bins=bins), Path(path))


def break_even_chart(result: Result, found: BreakEven, path: str | Path, *, points: int = 41) -> Path:
    """The npv against one input over its break-even range, with the break-even value marked.

    Parameters
    ----------
    result : mkba.result.Result
        The point result (its model is evaluated over the range).
    found : mapping
        A result of :func:`mkba.uncertainty.sensitivity.break_even` (``input``,
        ``label``, ``base``, ``range``, ``roots``).
    path : str or Path
        The PNG file to write.
    points : int
        Number of evaluations over the range.

    Returns
    -------
    Path
        The file written; the npv in euro.
    """
    from mkba.uncertainty.sensitivity import npv_of

    lang = result.lang
    model = result.model
    j = model.input_index(found["input"])
    low, high = found["range"]
    xs = np.linspace(float(low), float(high), points)
    theta = np.tile(model.base, (points, 1))
    theta[:, j] = xs
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(xs, npv_of(model, theta), color=_NET)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(found["base"], color=_NET, linestyle="--", label=label("plot_point", lang))
    for root in found["roots"]:
        ax.axvline(root, color=_COST, label=f"{label('plot_npv_zero', lang)}: {_short(root, lang)}")
    _euro_axis(ax.yaxis, lang)
    name = found.get("label") or found["input"]
    ax.set_xlabel(name)
    ax.set_title(textwrap.shorten(label("plot_break_even_title", lang).format(name=name), 80))
    ax.legend(loc="best", fontsize="small")
    return _save(fig, Path(path))


def write_plots(
    result: Result,
    folder: str | Path,
    *,
    simulation: Simulation | None = None,
    tornado: pd.DataFrame | None = None,
    break_even: BreakEven | Sequence[BreakEven] | None = None,
) -> list[Path]:
    """Write every chart the analysis allows into ``folder`` (created if needed).

    Always ``yearly_flows.png`` and ``stakeholders.png``; ``tornado.png`` with a
    tornado frame, ``npv_histogram.png`` with a simulation, and
    ``break_even_<input>.png`` for each break-even result.

    Parameters
    ----------
    result : mkba.result.Result
        The point result.
    folder : str or Path
        Where to write the charts.
    simulation : mkba.uncertainty.montecarlo.Simulation, optional
        Monte Carlo draws, for the npv histogram.
    tornado : pandas.DataFrame, optional
        The tornado of :func:`mkba.uncertainty.sensitivity.tornado`.
    break_even : mapping or sequence of mappings, optional
        Results of :func:`mkba.uncertainty.sensitivity.break_even`.

    Returns
    -------
    list of Path
        The files written, in that order.

    Raises
    ------
    MkbaError
        When ``folder`` cannot be created.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MkbaError(f"cannot create the folder for charts: {exc.strerror}", file=str(folder)) from None
    paths = [
        yearly_flows(result, folder / "yearly_flows.png"),
        stakeholders(result, folder / "stakeholders.png"),
    ]
    if tornado is not None:
        paths.append(tornado_chart(result, tornado, folder / "tornado.png"))
    if simulation is not None:
        paths.append(npv_histogram(result, simulation, folder / "npv_histogram.png"))
    found_all = [break_even] if isinstance(break_even, Mapping) else list(break_even or [])
    for found in found_all:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", found["input"])
        paths.append(break_even_chart(result, found, folder / f"break_even_{safe}.png"))
    return paths
