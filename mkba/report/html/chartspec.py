"""The chart definitions, where the HTML report first had them: see :mod:`mkba.report.chartspec`.

The definitions moved down to :mod:`mkba.report.chartspec` so that the PNG charts and the
workbook's native charts use them without importing the HTML report.
"""

from __future__ import annotations

from mkba.report.chartspec import (
    PALETTE,
    Chart,
    Marker,
    Series,
    histogram_chart,
    npv_histogram,
    sib_chart,
    stakeholder_chart,
    tornado_chart,
    yearly_chart,
)

__all__ = [
    "PALETTE",
    "Chart",
    "Marker",
    "Series",
    "histogram_chart",
    "npv_histogram",
    "sib_chart",
    "stakeholder_chart",
    "tornado_chart",
    "yearly_chart",
]
