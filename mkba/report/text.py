"""A result as plain text (``repr``) and as an HTML table (the notebook view).

Only presentation: the figures come from :class:`mkba.result.Result`; the words from
:mod:`mkba.report.vocabulary`.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from mkba.report.vocabulary import label

if TYPE_CHECKING:
    from mkba.result import Result


def format_figure(key: str, value: Any) -> str:
    """One headline figure as text: euro amounts whole, ratios with two decimals, rates in percent.

    Parameters
    ----------
    key : str
        The figure's name (``npv``, ``bcr``, ``irr``, ...).
    value : float, int or None
        Its value (euro, a ratio, a fraction or a year); None is shown as ``-``.
    """
    if value is None:
        return "-"
    if key == "bcr":
        return f"{value:,.2f}"
    if key in ("net_return", "irr"):
        return f"{value:.1%}"
    if key == "payback_year":
        return str(value)
    return f"€ {value:,.0f}"


def render_text(result: Result) -> str:
    """The headline figures of ``result``, one per line, in its language."""
    lang = result.lang
    lines = [
        f"{result.scenario.name} ({label('prices_in', lang)} {result.price_year}, "
        f"{label('discount_rate', lang)} {result.discount_rate:.2%})"
    ]
    for key, value in result.summary().items():
        lines.append(f"  {label(key, lang):<38} {format_figure(key, value):>16}")
    return "\n".join(lines)


def render_html(result: Result) -> str:
    """The headline figures and the stakeholder table of ``result`` as HTML (Jupyter's view)."""
    lang = result.lang
    rows = "".join(
        f"<tr><td>{escape(label(k, lang))}</td><td style='text-align:right'>{format_figure(k, v)}</td></tr>"
        for k, v in result.summary().items()
    )
    table = result.stakeholder_table().rename(columns=lambda c: label(c, lang))
    return (
        f"<p><b>{escape(result.scenario.name)}</b>: {label('prices_in', lang)} {result.price_year}, "
        f"{label('discount_rate', lang)} {result.discount_rate:.2%}</p><table>{rows}</table>"
        + table.to_html(index=False, float_format=lambda x: f"{x:,.0f}")
    )
