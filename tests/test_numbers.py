"""mkba.report.numbers writes CLDR's nl_NL and en_GB notation exactly as Babel does (issue 11, 14).

The formatters apply Babel's patterns with :mod:`decimal` so that a command does not load Babel's
locale data; these tests hold them to Babel itself, on numbers drawn by hypothesis.
"""

from __future__ import annotations

import babel.numbers
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mkba.report import numbers

LANGS = ("nl", "en")
amounts = st.one_of(
    st.floats(min_value=-1e13, max_value=1e13, allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.decimals(min_value=-1000, max_value=1000, places=3).map(float),  # ties at every decimal place
)


def _babel_euro(x, lang, cents):
    patterns = {
        ("nl", False): "¤ #,##0;¤ -#,##0",
        ("nl", True): "¤ #,##0.00;¤ -#,##0.00",
        ("en", False): "¤#,##0;-¤#,##0",
        ("en", True): "¤#,##0.00;-¤#,##0.00",
    }
    text = babel.numbers.format_currency(
        x,
        "EUR",
        format=patterns[lang, cents],
        locale=numbers.LOCALES[lang],
        currency_digits=False,
        decimal_quantization=True,
    )
    return text.replace("\u00a0", " ")


def _babel_number(x, lang, decimals):
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel.numbers.format_decimal(x, format=pattern, locale=numbers.LOCALES[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_the_symbols_are_the_locales_own(lang):
    locale = numbers.LOCALES[lang]
    assert numbers.SYMBOLS[lang] == (
        babel.numbers.get_decimal_symbol(locale),
        babel.numbers.get_group_symbol(locale),
        babel.numbers.get_minus_sign_symbol(locale),
    )


@settings(max_examples=400, deadline=None)
@given(x=amounts, lang=st.sampled_from(LANGS), decimals=st.integers(0, 4))
@example(x=2.675, lang="nl", decimals=2)  # binary 2.67499..., decimal 2.675: Babel rounds the decimal
@example(x=0.125, lang="en", decimals=2)  # a tie: half to even
@example(x=-0.4, lang="nl", decimals=0)  # Babel keeps the sign of the unrounded value
@example(x=-0.0, lang="en", decimals=1)
def test_number_writes_what_babel_writes(x, lang, decimals):
    assert numbers.number(x, lang, decimals) == _babel_number(x, lang, decimals)


@settings(max_examples=400, deadline=None)
@given(x=amounts, lang=st.sampled_from(LANGS), cents=st.booleans())
@example(x=-1234567.5, lang="nl", cents=False)
@example(x=1234.005, lang="en", cents=True)
def test_euro_writes_what_babel_writes(x, lang, cents):
    assert numbers.euro(x, lang, cents=cents, space=" ") == _babel_euro(x, lang, cents)


@settings(max_examples=200, deadline=None)
@given(x=st.floats(min_value=-100, max_value=100, allow_nan=False), lang=st.sampled_from(LANGS))
def test_percent_and_ratio_follow_number(x, lang):
    suffix = "\u00a0%" if lang == "nl" else "%"
    assert numbers.percent(x, lang) == _babel_number(100.0 * x, lang, 1) + suffix
    assert numbers.ratio(x, lang) == _babel_number(x, lang, 2)


@pytest.mark.parametrize("value", [np.float64(1234.5), np.float32(0.25), np.int64(-1234567)])
def test_numpy_scalars_are_written_as_their_python_values(value):
    assert numbers.number(value, "nl", 1) == _babel_number(value, "nl", 1)
    assert numbers.euro(value, "en") == _babel_euro(value, "en", False)


@settings(max_examples=200, deadline=None)
@given(
    x=st.floats(allow_nan=False, allow_infinity=False),
    lang=st.sampled_from(LANGS),
    decimals=st.integers(0, 4),
)
@example(x=1e300, lang="nl", decimals=2)  # Babel itself runs out of decimal precision here
def test_any_finite_float_is_written_with_all_its_digits(x, lang, decimals):
    """Huge levels and amounts (``mkba sib --outcome 1e300`` on a contract with flat bands) are written."""
    from decimal import Context, Decimal

    exact = Decimal(str(abs(x))).quantize(Decimal(1).scaleb(-decimals), context=Context(prec=400))
    written = numbers.number(x, lang, decimals)
    assert written.lstrip("-").replace(".", "").replace(",", "") == f"{exact:f}".replace(".", "")
