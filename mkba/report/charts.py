"""Charts as PNG files: yearly net flows, costs and benefits per stakeholder, tornado, npv histogram.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global
backend state, no display needed). Each function writes one file and returns
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
from mkba.report.html.chartspec import PALETTE
from mkba.report.numbers import count
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

# One palette for every chart (the HTML report's SVG, these PNGs, the workbook's native charts):
# Okabe-Ito, colour-blind safe (mkba.report.html.chartspec.PALETTE).
_COST, _BENEFIT, _NET, _ACCENT = PALETTE["cost"], PALETTE["benefit"], PALETTE["net"], PALETTE["cumulative"]
_LOW, _HIGH, _MEAN = PALETTE["low"], PALETTE["high"], PALETTE["mean"]


def _figure() -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")


def _euro_axis(axis: Axis, lang: str = "nl") -> None:
    """Tick labels in euro as in the report: '€ 950.000', '€ 1,25 mln' (Dutch) or '€950,000', '€1.25m'."""
    from matplotlib.ticker import FuncFormatter

    from mkba.report.numbers import short_euro

    axis.set_major_formatter(FuncFormatter(lambda x, _pos: short_euro(x, lang)))


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


def yearly_flows(result: Result, path: str | Path) -> Path:
    """Bars of costs (down) and benefits (up) per year, the net flow and the cumulative discounted one.

    The cumulative discounted net flow follows docs/method.md, sections 2 and 5.

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
    lang = result.lang
    frame = result.yearly_frame()
    fig = _figure()
    ax = fig.add_subplot()
    years = frame["year"].to_numpy()
    ax.bar(years, frame["benefits"], color=_BENEFIT, label=label("benefits", lang))
    ax.bar(years, -frame["costs"], color=_COST, label=label("costs", lang))
    ax.plot(years, frame["net_flow"], color=_NET, marker="o", label=label("net_flow", lang))
    ax.plot(
        years,
        frame["cumulative_discounted"],
        color=_ACCENT,
        linestyle="--",
        marker=".",
        label=label("plot_cumulative", lang),
    )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(years)
    ax.tick_params(axis="x", labelrotation=45 if len(years) > 12 else 0)
    _euro_axis(ax.yaxis, lang)
    ax.set_title(label("plot_yearly_title", lang))  # one line, as in the report
    ax.legend(loc="best", fontsize="small")
    return _save(fig, Path(path))


def stakeholders(result: Result, path: str | Path) -> Path:
    """Per stakeholder: present value of costs (left), benefits (right) and the npv (marker).

    The table "wie betaalt, wie profiteert" of docs/method.md, sections 3 and 5;
    public stakeholders are marked with ``*``.

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
    lang = result.lang
    table = result.stakeholder_table()
    fig = _figure()
    ax = fig.add_subplot()
    y = np.arange(len(table))
    names = [
        textwrap.fill(result.stakeholder_label(s), 30) + (" *" if p else "")
        for s, p in zip(table["stakeholder"], table["public"])
    ]
    ax.barh(y, -table["pv_costs"], color=_COST, label=label("pv_costs", lang))
    ax.barh(y, table["pv_benefits"], color=_BENEFIT, label=label("pv_benefits", lang))
    ax.scatter(table["npv"], y, color=_NET, zorder=3, marker="D", label=label("npv", lang))
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    _euro_axis(ax.xaxis, lang)
    ax.set_title(label("plot_stakeholders_title", lang))
    ax.legend(loc="best", fontsize="small")
    return _save(fig, Path(path))


def tornado_chart(result: Result, frame: pd.DataFrame, path: str | Path, *, top: int = 15) -> Path:
    """Horizontal bars from the npv at each input's low to that at its high, largest swing on top.

    One-way sensitivity of docs/method.md, section 6.

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
    lang = result.lang
    base = frame.attrs.get("npv_base", result.npv)
    rows = frame.head(top)
    fig = _figure()
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    low, high = rows["npv_low"].to_numpy(float), rows["npv_high"].to_numpy(float)
    ax.barh(y, low - base, left=base, color=_LOW, label=label("chart_at_low", lang))
    ax.barh(y, high - base, left=base, color=_HIGH, label=label("chart_at_high", lang))
    ax.axvline(base, color="black", linewidth=0.8, label=label("plot_point", lang))
    ends = np.concatenate([low, high, [base]])
    if ends.min() <= 0 <= ends.max():  # show the break-even line only when a swing reaches it
        ax.axvline(0, color="grey", linewidth=0.6, linestyle=":")
    names = [
        textwrap.fill(f"{lab} ({_short(lo, lang)} - {_short(hi, lang)})", 45)
        for lab, lo, hi in zip(rows["label"], rows["low"], rows["high"])
    ]
    ax.set_yticks(y, names if len(rows) else [])
    ax.invert_yaxis()
    _euro_axis(ax.xaxis, lang)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.tick_params(axis="y", labelsize="small")
    fig.suptitle(label("chart_tornado_title", lang))
    ax.legend(loc="best", fontsize="small")
    return _save(fig, Path(path))


def npv_histogram(result: Result, simulation: Simulation, path: str | Path, *, bins: int = 60) -> Path:
    """Histogram of the simulated npv with its mean, 5th and 95th percentile, 0 and the point result.

    Monte Carlo of docs/method.md, section 6.

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
    lang = result.lang
    npv = simulation.npv
    fig = _figure()
    ax = fig.add_subplot()
    counts, edges = np.histogram(npv, bins=bins)
    colors = [_COST if right <= 0 else _BENEFIT for right in edges[1:]]
    ax.bar(
        edges[:-1], counts, width=np.diff(edges), align="edge", color=colors, edgecolor="white", linewidth=0.3
    )
    p5, p95 = np.percentile(npv, [5, 95])
    ax.axvspan(p5, p95, color=PALETTE["band"], alpha=0.15, label=label("plot_p5_p95", lang))
    ax.axvline(float(np.mean(npv)), color=_MEAN, linewidth=2, label=label("plot_mean", lang))
    ax.axvline(simulation.point_npv, color=_NET, linestyle="--", label=label("plot_point", lang))
    ax.axvline(0, color="black", linewidth=0.8)
    ax.text(
        0.01,
        0.97,
        label("plot_p_negative", lang).format(p=simulation.p_npv_negative),
        transform=ax.transAxes,
        va="top",
        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
    )
    _euro_axis(ax.xaxis, lang)
    ax.set_ylabel(label("plot_draws", lang))
    ax.set_title(
        f"{label('chart_histogram_title', lang)} ({count(simulation.n, lang)} {label('plot_draws', lang).lower()})"
    )
    ax.legend(loc="upper right", fontsize="small")
    return _save(fig, Path(path))


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
        ax.axvline(root, color=_COST, label=f"npv = 0: {root:.4g}")
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
