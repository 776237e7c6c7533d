"""The XIRR of flows whose rate lies far beyond the bracket: NaN, and no overflow on the way (mkba.sib.rates)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mkba.sib.rates import xirr


@pytest.mark.parametrize(
    ("flows", "times"),
    [
        # 100 in, a million back after 0.01 year: a rate of 10 ** 400 a year, far beyond the bracket
        ([-100.0, 1_000_000.0], [0.0, 0.01]),
        # several sign changes within a month (found by random flows)
        (
            [-53.15, 2_141_181.93, -147.43, -24.05, 747_059.04, 22.30, 19.28],
            [0.0, 0.01307, 0.02408, 0.0509, 0.05658, 0.06481, 0.0726],
        ),
    ],
)
def test_a_rate_beyond_the_bracket_is_none_without_an_overflow_warning(flows, times):
    # Halley's method left the bracket towards x = ln(1 + r) > 709, and expm1 of it overflowed
    # ("RuntimeWarning: overflow encountered in expm1") before the series was solved again
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rate = xirr(np.array([flows, [-100.0, 110.0] + [0.0] * (len(flows) - 2)]), np.array(times))
    assert np.isnan(rate[0])
    assert rate[1] == pytest.approx(1.1 ** (1 / times[1]) - 1)  # the other series of the block as alone
