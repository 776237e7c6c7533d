"""A result as plain text (``repr``) and as an HTML table (the notebook view).

Only presentation: the figures come from :class:`mkba.result.Result`; the words from
:mod:`mkba.report.vocabulary`.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING, Any

from mkba.report import numbers
from mkba.report.vocabulary import label

if TYPE_CHECKING:
    from mkba.result import Result


def format_figure(key: str, value: Any, lang: str = "nl") -> str:
    """One headline figure as text: euro amounts whole, ratios with two decimals, rates in percent.

    Numbers the Dutch way (``€ 1.234.567``, ``0,18``, ``14,6 %``) or, with ``lang='en'``, the
    English way (:mod:`mkba.report.numbers`).

    Parameters
    ----------
    key : str
        The figure's name (``npv``, ``bcr``, ``irr``, ...).
    value : float, int or None
        Its value (euro, a ratio, a fraction or a year); None is shown as ``-``.
    lang : {'nl', 'en'}
        Dutch (the default) or English.

    Returns
    -------
    str

    Examples
    --------
    >>> format_figure("npv", -2028960.4).replace("\\xa0", " ")
    '€ -2.028.960'
    >>> format_figure("bcr", 0.18)
    '0,18'
    """
    if value is None:
        return "-"
    if key == "bcr":
        return numbers.ratio(value, lang)
    if key in ("net_return", "irr"):
        return numbers.percent(value, lang)
    if key == "payback_year":
        return str(value)
    return numbers.euro(value, lang)


def render_text(result: Result) -> str:
    """The headline figures of ``result``, one per line, in its language."""
    lang = result.lang
    lines = [
        f"{result.scenario.name} ({label('prices_in', lang)} {result.price_year}, "
        f"{label('discount_rate', lang)} {numbers.percent(result.discount_rate, lang, 2)})"
    ]
    for key, value in result.summary().items():
        lines.append(f"  {label(key, lang):<38} {format_figure(key, value, lang):>16}")
    return "\n".join(lines)


def render_html(result: Result) -> str:
    """The headline figures and the stakeholder table of ``result`` as HTML (Jupyter's view).

    Stakeholders by their labels, public ones marked ``ja``/``yes`` (never ``True``), amounts
    formatted as in the report.
    """
    lang = result.lang
    right = "style='text-align:right'"
    rows = "".join(
        f"<tr><td>{escape(label(k, lang))}</td><td {right}>{format_figure(k, v, lang)}</td></tr>"
        for k, v in result.summary().items()
    )
    head = "".join(
        f"<th>{escape(label(c, lang))}</th>"
        for c in ("stakeholder", "rp_public", "pv_costs", "pv_benefits", "npv")
    )
    body = "".join(
        f"<tr><td>{escape(result.stakeholder_label(r['stakeholder']))}</td>"
        f"<td>{label('rp_yes' if r['public'] else 'rp_no', lang)}</td>"
        + "".join(f"<td {right}>{numbers.euro(r[c], lang)}</td>" for c in ("pv_costs", "pv_benefits", "npv"))
        + "</tr>"
        for r in result.stakeholder_rows()
    )
    return (
        f"<p><b>{escape(result.scenario.name)}</b>: {label('prices_in', lang)} {result.price_year}, "
        f"{label('discount_rate', lang)} {numbers.percent(result.discount_rate, lang, 2)}</p><table>{rows}</table>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


#: A path in the project's own folders (``notes/reference/README.md``), bare, in backticks or brackets.
_PATH = r"`?(?:[\w.-]+/)+[\w.-]+`?"


def public_text(text: str | None) -> str:
    """``text`` without pointers into the project's own folders, which a reader cannot open.

    A path in brackets or backticks is left out (``(notes/reference/README.md)``), and with it the
    words that only lead to it ("as recorded in ..."); a seed file's name keeps only its number.
    URLs stay.

    Examples
    --------
    >>> public_text("EUR 5,000-10,000, as recorded in the project's reference notes (notes/reference/README.md); midpoint")
    'EUR 5,000-10,000; midpoint'
    >>> public_text("Handbook (seed 002_6788acdad7c170a1.txt), par. 3.4; https://www.cbs.nl/a/b")
    'Handbook (seed 002), par. 3.4; https://www.cbs.nl/a/b'
    >>> public_text("2025 3,3 (CBS news release of January 2026, as recorded in notes/reference/README.md)")
    '2025 3,3 (CBS news release of January 2026)'
    """
    if not text:
        return ""
    out = re.sub(r"(seed \d+)_[0-9a-f]+\.txt", r"\1", text)
    out = re.sub(
        rf",?\s*(?:as (?:recorded|summarised) )?in the project's reference notes\s*\(\s*{_PATH}\s*\)", "", out
    )
    # "(..., as recorded in notes/x.md)": the words and the path go, the bracket closing the aside stays
    out = re.sub(rf",?\s*as (?:recorded|summarised) in\s*(?:\(\s*{_PATH}\s*\)|{_PATH})", "", out)
    out = re.sub(rf"(?<![:/\w])\s*\(\s*{_PATH}\s*\)", "", out)
    out = re.sub(rf"(?<![:/\w])\s*`{_PATH[2:-2]}`", "", out)
    out = re.sub(rf",\s*{_PATH[2:-2]}(?=,)", "", out)  # "notes, notes/reference/README.md, 'rules'"
    return re.sub(r"[ \t]+([;,.)])", r"\1", out) if out != text else out
