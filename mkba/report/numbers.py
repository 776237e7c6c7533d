"""Numbers as a reader expects them: Dutch (``€ 1.234.567``, ``0,18``, ``14,6 %``) or English.

Every figure in text, in the terminal and in the HTML report is formatted here, in the notation of
the Unicode CLDR locales ``nl_NL`` (Dutch) and ``en_GB`` (English) as Babel gives it: Babel's
patterns ``#,##0``, ``#,##0.00``, ``¤ #,##0;¤ -#,##0`` (Dutch euros) and ``¤#,##0;-¤#,##0``
(English), its rounding (half to even, on the shortest decimal form of a float) and the locales'
decimal, group and minus signs. Those few rules are applied here with :mod:`decimal` so that a
command does not wait for Babel's locale data (about 20 ms of ``mkba run``'s start-up,
docs/architecture.md "Start-up"); ``tests/test_numbers.py`` checks every function against Babel
itself on numbers drawn by hypothesis. Reports show whole euros; cents only where a contract pays
cents (``cents=True``). The workbook does not use these functions: its cells stay numbers and carry
a number format (:data:`EXCEL_EURO`, :data:`EXCEL_RATIO`, ...).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

#: CLDR locale per language of mkba (any language but 'en' is Dutch).
LOCALES = {"nl": "nl_NL", "en": "en_GB"}
#: A non-breaking space: keeps '€' and its amount, or a number and '%', on one line.
NBSP = "\u00a0"

#: Number formats of the workbook: whole euros, euros with cents, ratios and percentages.
EXCEL_EURO = '"€" #,##0;"€" -#,##0'
EXCEL_EURO_CENTS = '"€" #,##0.00;"€" -#,##0.00'
EXCEL_RATIO = "0.00"
EXCEL_PERCENT = "0.0%"

#: The CLDR number symbols of each locale: (decimal sign, group sign, minus sign).
SYMBOLS = {"nl": (",", ".", "-"), "en": (".", ",", "-")}
#: What is shown for a figure that does not exist (no ratio when nothing is spent, no IRR, ...).
MISSING = "-"

_QUANTUM = [Decimal(1).scaleb(-d) for d in range(10)]


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "nl"


def _digits(x: Any, decimals: int, lang: str) -> tuple[bool, str]:
    """Whether ``x`` is negative, and its absolute value rounded to ``decimals`` and grouped.

    As Babel does: the float's shortest decimal form (``str``), rounded half to even; the sign is
    the unrounded value's (``-0.4`` gives ``-0``).
    """
    value = Decimal(str(x))
    # enough digits for any float (up to 1e308 and its decimals): quantize never runs out of precision
    room = Context(prec=max(28, value.adjusted() + decimals + 2))
    rounded = abs(value).quantize(_QUANTUM[decimals], rounding=ROUND_HALF_EVEN, context=room)
    text = f"{rounded:,f}"
    if lang == "nl":
        text = text.translate(_TO_DUTCH)
    return value.is_signed(), text


_TO_DUTCH = str.maketrans({",": ".", ".": ","})


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def euro(x: float | None, lang: str = "nl", *, cents: bool = False, space: str = NBSP) -> str:
    """An amount in euro: ``€ 1.234.567`` (Dutch) or ``€1,234,567`` (English); ``-`` for none.

    Parameters
    ----------
    x : float or None
        The amount, euro. None, NaN and infinity are shown as ``-``.
    lang : {'nl', 'en'}
        Dutch (the default) or English.
    cents : bool
        Two decimals (where a contract pays cents); else whole euros, rounded half to even.
    space : str
        The space between '€' and the amount in Dutch (a non-breaking one by default).

    Returns
    -------
    str

    Examples
    --------
    >>> euro(-1234567.4, space=" ")
    '€ -1.234.567'
    >>> euro(1234.5, "en", cents=True)
    '€1,234.50'
    >>> euro(None)
    '-'
    """
    if _missing(x):
        return MISSING
    lang = _lang(lang)
    negative, digits = _digits(x, 2 if cents else 0, lang)
    sign = "-" if negative else ""
    return f"€{space}{sign}{digits}" if lang == "nl" else f"{sign}€{digits}"


def money(
    x: float | None, currency: str = "EUR", lang: str = "nl", *, cents: bool = False, space: str = NBSP
) -> str:
    """An amount in ``currency``: the euro as :func:`euro` writes it, another currency by its code.

    A contract's terms may be in another currency (``GBP``, ``USD``; docs/method.md, section 7); the
    MKBA's own figures are always in euro.

    Examples
    --------
    >>> money(1188666.666, "GBP", cents=True).replace(NBSP, " ")
    'GBP 1.188.666,67'
    >>> money(9600000, "USD", "en", space=" ")
    'USD 9,600,000'
    >>> money(1234.5, "EUR", space=" ")
    '€ 1.234'
    """
    if currency == "EUR":
        return euro(x, lang, cents=cents, space=space)
    if _missing(x):
        return MISSING
    return f"{currency}{space}{number(x, lang, 2 if cents else 0)}"


def currency_name(currency: str, lang: str = "nl") -> str:
    """How a title names a currency: ``euro`` for the euro, else its code (``GBP``).

    Examples
    --------
    >>> currency_name("EUR"), currency_name("USD")
    ('euro', 'USD')
    """
    return "euro" if currency == "EUR" else currency


def date(value: Any, lang: str = "nl") -> str:
    """A date in the reader's short notation: ``30-09-2012`` (nl-NL), ``30/09/2012`` (en-GB, as the UK contracts write).

    ``value`` is a :class:`datetime.date` or an ISO date (``2012-09-30``); anything else (a year, a
    period's name) is written as it is.

    Examples
    --------
    >>> date("2012-09-30"), date("2012-09-30", "en"), date(2014)
    ('30-09-2012', '30/09/2012', '2014')
    """
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.replace("-", "").isdigit():
        return text
    year, month, day = text.split("-")
    return f"{day}/{month}/{year}" if lang == "en" else f"{day}-{month}-{year}"


def number(x: float | None, lang: str = "nl", decimals: int = 0) -> str:
    """A number with thousands separators and ``decimals`` decimals: ``1.234,5`` or ``1,234.5``.

    Parameters
    ----------
    x : float or None
        The number; None, NaN and infinity give ``-``.
    lang : {'nl', 'en'}
        Dutch (the default) or English.
    decimals : int
        Decimals shown (fixed).

    Returns
    -------
    str

    Examples
    --------
    >>> number(0.18, decimals=2)
    '0,18'
    >>> number(12345.678, "en", 1)
    '12,345.7'
    """
    if _missing(x):
        return MISSING
    lang = _lang(lang)
    negative, digits = _digits(x, max(decimals, 0), lang)
    return SYMBOLS[lang][2] + digits if negative else digits


def ratio(x: float | None, lang: str = "nl") -> str:
    """A ratio (baten per euro, a multiple) with two decimals: ``1,15``.

    Examples
    --------
    >>> ratio(1.146)
    '1,15'
    """
    return number(x, lang, 2)


def percent(x: float | None, lang: str = "nl", decimals: int = 1) -> str:
    """A fraction as a percentage: ``0.146`` -> ``14,6 %`` (Dutch) or ``14.6%`` (English).

    Examples
    --------
    >>> percent(0.146)
    '14,6\\xa0%'
    >>> percent(0.0225, "en", 2)
    '2.25%'
    """
    if _missing(x):
        return MISSING
    text = number(100.0 * float(x), lang, decimals)  # type: ignore[arg-type]
    return text + (NBSP + "%" if _lang(lang) == "nl" else "%")


def count(n: int | None, lang: str = "nl") -> str:
    """A whole count with thousands separators: ``100.000`` or ``100,000``.

    Examples
    --------
    >>> count(100000)
    '100.000'
    """
    return number(n, lang, 0)


def short_euro(x: float, lang: str = "nl", top: float | None = None) -> str:
    """A compact amount for chart axes: ``€ 1,25 mln`` from a million on, else the whole amount.

    With ``top``, the largest amount on the axis, every tick of an axis that reaches a million is
    written in millions (``€ 0,50 mln`` beside ``€ 2,50 mln``, not ``€ 500.000``); zero stays ``€ 0``.

    Examples
    --------
    >>> short_euro(-1_250_000)
    '€\\xa0-1,25\\xa0mln'
    >>> short_euro(800_000)
    '€\\xa0800.000'
    >>> short_euro(-500_000, top=2_500_000)
    '€\\xa0-0,50\\xa0mln'
    >>> short_euro(12_000_000, "en")
    '€12.0m'
    """
    lang = _lang(lang)
    a = abs(x)
    scale = max(a, abs(top)) if top is not None and math.isfinite(top) else a
    if scale < 1e6 or a == 0:
        return euro(x, lang)
    amount = number(a / 1e6, lang, 2 if scale < 1e7 else 1)
    sign = "-" if x < 0 else ""
    if lang == "nl":
        return f"€{NBSP}{sign}{amount}{NBSP}mln"
    return f"{sign}€{amount}m"
