"""The workbook's native charts in the colours of every other chart (:data:`mkba.report.html.chartspec.PALETTE`).

Costs vermillion, benefits blue, the saldo black, an input's low end sky blue and its high end
reddish purple: the Okabe-Ito colours that the HTML report and the PNG charts use, so a reader
sees one colour for one thing everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mkba.report.html.chartspec import PALETTE


def colour_series(chart: Any, keys: Sequence[str]) -> None:
    """Fill (and outline) each series of an openpyxl ``chart`` with the colour of its key, in order.

    Parameters
    ----------
    chart : openpyxl.chart.BarChart
        A chart whose series are in the order of ``keys``.
    keys : sequence of str
        Keys of :data:`~mkba.report.html.chartspec.PALETTE` (``cost``, ``benefit``, ``net``, ``low``, ``high``).
    """
    for series, key in zip(chart.series, keys):
        colour = PALETTE[key].lstrip("#")
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
