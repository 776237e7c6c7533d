"""One definition of every chart: what is drawn, in which order, sign and colour.

A :class:`Chart` holds categories (years, stakeholders, inputs, bins) and series of values, each
with its colour from one colour-blind-safe palette (Okabe and Ito, 2008), a title short enough to
fit and an alternative text for readers who do not see it. The builders here make a chart from a
result; :mod:`mkba.report.html.svg` draws it as inline SVG for the HTML report. The signs are
those of the method: benefits up or to the right, costs down or to the left (docs/method.md,
section 5).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from mkba.report import numbers
from mkba.report.vocabulary import label

if TYPE_CHECKING:
    from mkba.result import Result
    from mkba.uncertainty.montecarlo import Simulation

#: How many inputs a tornado chart shows (the largest swings), in every chart.
TORNADO_TOP = 12

#: Okabe-Ito colours, distinguishable with every common colour-vision deficiency.
PALETTE = {
    "cost": "#D55E00",  # vermillion: costs, a negative amount
    "benefit": "#0072B2",  # blue: benefits, a positive amount
    "net": "#000000",  # black: the saldo, a net flow
    "cumulative": "#E69F00",  # orange: cumulative, a reference
    "low": "#56B4E9",  # sky blue: an input at its low end
    "high": "#CC79A7",  # reddish purple: an input at its high end
    "band": "#F0E442",  # yellow: a range (5th-95th percentile)
    "neutral": "#009E73",  # bluish green
    "mean": "#E69F00",  # orange: a mean of draws
}


@dataclass(frozen=True)
class Series:
    """One series of a chart: a value per category.

    Attributes
    ----------
    key : str
        Its role, which names its colour in :data:`PALETTE` (``cost``, ``benefit``, ...).
    label : str
        Its name in the legend.
    values : tuple of float
        One value per category (euro, or a count for a histogram).
    style : {'bar', 'line', 'marker'}
        Drawn as bars, a line through the points, or one marker per category.
    colours : tuple of str, optional
        A colour per category, instead of the series' one (a histogram's bins either side of 0).
    """

    key: str
    label: str
    values: tuple[float, ...]
    style: str = "bar"
    colours: tuple[str, ...] = ()

    @property
    def colour(self) -> str:
        return PALETTE.get(self.key, PALETTE["neutral"])


@dataclass(frozen=True)
class Marker:
    """A reference line across the chart at ``value`` (the point result, a mean, zero)."""

    value: float
    label: str
    dashed: bool = False
    colour: str = "net"


@dataclass(frozen=True)
class Chart:
    """A chart, whatever draws it.

    Attributes
    ----------
    key : str
        What it shows (``yearly``, ``stakeholders``, ``tornado``, ``histogram``, ``sib``).
    title : str
        A short title (one line in the report).
    alt : str
        The alternative text: what the chart says, in words.
    categories : tuple of str
        Row or column labels, in the order drawn (first on top or on the left).
    series : tuple of Series
        What is drawn for each category.
    horizontal : bool
        Categories as rows (bars to the left and right) rather than columns.
    value_axis : {'euro', 'count'}
        How values are labelled.
    markers : tuple of Marker
        Reference lines across the value axis.
    origin : float
        Where horizontal bars start (the point saldo for a tornado); 0 otherwise.
    category_step : int
        Label every n-th category only.
    edges : tuple of float
        A histogram's bin edges (euro): its categories are the bins between them.
    """

    key: str
    title: str
    alt: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool = False
    value_axis: str = "euro"
    markers: tuple[Marker, ...] = ()
    origin: float = 0.0
    category_step: int = 1
    edges: tuple[float, ...] = field(default_factory=tuple)


def _t(values: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def yearly_chart(result: Result) -> Chart:
    """Benefits (up) and costs (down) per year, the net flow and the cumulative discounted one.

    Parameters
    ----------
    result : mkba.result.Result
        The point result; euro of its price year, transfers left out.

    Returns
    -------
    Chart
    """
    lang = result.lang
    frame = result.yearly_frame()
    years = tuple(str(y) for y in frame["year"])
    payback = result.payback_year
    alt = label("chart_yearly_alt", lang).format(
        first=years[0],
        last=years[-1],
        payback=str(payback) if payback is not None else label("chart_never", lang),
    )
    return Chart(
        key="yearly",
        title=label("plot_yearly_title", lang),
        alt=alt,
        categories=years,
        series=(
            Series("benefit", label("benefits", lang), _t(frame["benefits"])),
            Series("cost", label("costs", lang), _t(-frame["costs"])),
            Series("net", label("net_flow", lang), _t(frame["net_flow"]), "line"),
            Series("cumulative", label("plot_cumulative", lang), _t(frame["cumulative_discounted"]), "line"),
        ),
    )


def _gains_and_pays(result: Result, rows: list[dict[str, Any]]) -> str:
    """Who gains most and who pays most on balance, in words; a party only where its saldo says so
    (a party at € 0, or at a loss, never "gains most")."""
    lang = result.lang

    def said(key: str, row: dict[str, Any]) -> str:
        amount = numbers.euro(row["npv"], lang, space=" ")
        return label(key, lang).format(who=result.stakeholder_label(row["stakeholder"]), amount=amount)

    gainers = [r for r in rows if r["npv"] > 0]
    payers = [r for r in rows if r["npv"] < 0]
    gains = (
        said("chart_gains_most", max(gainers, key=lambda r: r["npv"]))
        if gainers
        else label("chart_none_gains", lang)
    )
    pays = (
        said("chart_pays_most", min(payers, key=lambda r: r["npv"]))
        if payers
        else label("chart_none_pays", lang)
    )
    return f"{gains}, {pays}"


def stakeholder_chart(result: Result) -> Chart:
    """Per stakeholder: present value of costs (left), benefits (right) and its saldo (marker).

    Parameters
    ----------
    result : mkba.result.Result
        The point result; present values in euro.

    Returns
    -------
    Chart
    """
    lang = result.lang
    rows = result.stakeholder_rows()
    names = tuple(result.stakeholder_label(r["stakeholder"]) for r in rows)
    alt = (
        label("chart_stakeholders_alt", lang).format(said=_gains_and_pays(result, rows))
        if rows
        else label("plot_stakeholders_title", lang)
    )
    return Chart(
        key="stakeholders",
        title=label("plot_stakeholders_title", lang),
        alt=alt,
        categories=names,
        series=(
            Series("cost", label("pv_costs", lang), _t(-r["pv_costs"] for r in rows)),
            Series("benefit", label("pv_benefits", lang), _t(r["pv_benefits"] for r in rows)),
            Series("net", label("npv", lang), _t(r["npv"] for r in rows), "marker"),
        ),
        horizontal=True,
    )


def tornado_chart(
    lang: str,
    rows: Sequence[Mapping[str, Any]],
    npv_base: float,
    *,
    top: int = TORNADO_TOP,
    names: Sequence[str] = (),
) -> Chart:
    """The saldo at each uncertain input's low and high end, every other input at base.

    Bars start at the point saldo; the largest swing is on top (docs/method.md, section 6).

    Parameters
    ----------
    lang : {'nl', 'en'}
        Language.
    rows : sequence of dict
        Tornado records (``label``, ``npv_low``, ``npv_high``, ``swing``), sorted by swing.
    npv_base : float
        The point saldo, euro.
    top : int
        How many inputs to show.
    names : sequence of str
        The row labels to show (default: each row's ``label``).

    Returns
    -------
    Chart
    """
    shown = list(rows)[:top]
    cats = tuple(names[: len(shown)]) if names else tuple(str(r["label"]) for r in shown)
    alt = (
        label("chart_tornado_alt", lang).format(
            name=cats[0], swing=numbers.euro(shown[0]["swing"], lang, space=" ")
        )
        if shown
        else label("unc_none_uncertain", lang)
    )
    return Chart(
        key="tornado",
        title=label("chart_tornado_title", lang),
        alt=alt,
        categories=cats,
        series=(
            Series("low", label("chart_at_low", lang), _t(r["npv_low"] for r in shown)),
            Series("high", label("chart_at_high", lang), _t(r["npv_high"] for r in shown)),
        ),
        horizontal=True,
        markers=(Marker(npv_base, label("plot_point", lang)),),
        origin=npv_base,
    )


def histogram_chart(lang: str, values: np.ndarray, *, point: float | None = None, bins: int = 40) -> Chart:
    """The distribution of a simulated amount (the saldo, a payer's net savings) as a histogram.

    Bins below 0 in the cost colour, the others in the benefit colour; lines at 0, the mean and
    the point result.

    Parameters
    ----------
    lang : {'nl', 'en'}
        Language.
    values : ndarray
        The draws, euro.
    point : float, optional
        The point result, euro.
    bins : int
        Number of bars.

    Returns
    -------
    Chart
    """
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if hi - lo < 1e-9 * max(1.0, abs(hi)):
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(finite, bins=bins, range=(lo, hi))
    mids = (edges[:-1] + edges[1:]) / 2
    colours = tuple(PALETTE["cost"] if m < 0 else PALETTE["benefit"] for m in mids)
    p_neg = float(np.mean(finite < 0)) if finite.size else 0.0
    markers = [Marker(float(finite.mean()) if finite.size else 0.0, label("plot_mean", lang), colour="mean")]
    if point is not None:
        markers.append(Marker(point, label("plot_point", lang), dashed=True))
    return Chart(
        key="histogram",
        title=label("chart_histogram_title", lang),
        alt=label("chart_histogram_alt", lang).format(
            n=numbers.count(finite.size, lang),
            p5=numbers.euro(float(np.percentile(finite, 5)) if finite.size else None, lang, space=" "),
            p95=numbers.euro(float(np.percentile(finite, 95)) if finite.size else None, lang, space=" "),
            p=numbers.percent(p_neg, lang).replace(numbers.NBSP, " "),
        ),
        categories=tuple("" for _ in mids),
        series=(Series("benefit", label("plot_draws", lang), _t(counts), colours=colours),),
        value_axis="count",
        markers=tuple(markers),
        edges=_t(edges),
    )


def npv_histogram(result: Result, simulation: Simulation) -> Chart:
    """The Monte Carlo distribution of the saldo (see :func:`histogram_chart`)."""
    return histogram_chart(result.lang, simulation.npv, point=simulation.point_npv)


def sib_chart(lang: str, schedule: Sequence[dict[str, Any]], fx: float = 1.0) -> Chart:
    """Per year: what the outcome payer pays (down) and the costs it avoids (up), euro.

    Parameters
    ----------
    lang : {'nl', 'en'}
        Language.
    schedule : sequence of dict
        :meth:`mkba.sib.model.SibResult.schedule_rows` (``year``, ``payer_pays``, ``payer_avoids``).
    fx : float
        Euro per unit of the contract's currency: the payments, in the contract's currency, are
        converted, so that both sides are in euro (the avoided costs are).

    Returns
    -------
    Chart
    """
    # a contract on dates has several periods a year: the year under the first of them only
    years = tuple(
        str(r["year"]) if k == 0 or r["year"] != schedule[k - 1]["year"] else ""
        for k, r in enumerate(schedule)
    )
    pays = _t(-float(r["payer_pays"]) * fx for r in schedule)
    avoids = _t(float(r["payer_avoids"]) for r in schedule)
    net = np.cumsum(np.asarray(avoids) + np.asarray(pays))
    return Chart(
        key="sib",
        title=label("chart_sib_title", lang),
        alt=label("chart_sib_alt", lang).format(
            pays=numbers.euro(-sum(pays), lang, space=" "), avoids=numbers.euro(sum(avoids), lang, space=" ")
        ),
        categories=years,
        series=(
            Series("benefit", label("sib_payer_avoids", lang), avoids),
            Series("cost", label("sib_payer_pays", lang), pays),
            Series("net", label("chart_sib_cumulative", lang), _t(net), "line"),
        ),
    )
