"""Summaries of a simulation kept while it streams: memory independent of the number of draws.

:class:`StreamSummary` takes draws chunk by chunk (or merges the summaries of chunks computed
elsewhere: other processes, Dask workers) and keeps

* the exact count, mean and standard deviation (Chan's parallel update of the sum of squares);
* exceedance counts for fixed thresholds (``P(npv < 0)``), exact;
* the exact minimum and maximum;
* a histogram of fixed bins over a range set before the run (from the first draws, which are the
  same whatever the chunking), with under- and overflow counts. A quantile is read from it by linear
  interpolation inside its bin; its *rank error* (how far the answer's rank can be from the one asked
  for) is at most the share of draws in that bin, and that bound is reported as ``quantile_error``.

Counts are integers, so the histogram, the exceedance probabilities and therefore the quantiles are
identical at any chunk size and any number of workers; the mean and standard deviation agree to
rounding (1e-12 relative).

Imports: numpy only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

#: Bins of the quantile histogram: 2 ** 14 keeps it at 128 KiB and the rank error near 1e-4 for
#: smooth distributions.
BINS = 2**14
#: Draws that set the histogram's range (the first ones; the same at any chunk size).
PILOT = 10_000
#: How far beyond the pilot's range the histogram reaches, as a share of that range on each side.
MARGIN = 0.5


def histogram_range(pilot: np.ndarray) -> tuple[float, float]:
    """The histogram range for a run whose first draws are ``pilot``: their range widened by MARGIN."""
    finite = pilot[np.isfinite(pilot)]
    if finite.size == 0:
        return 0.0, 0.0
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo
    if span < 1e-300:  # one value, or values a subnormal apart: a width a histogram can divide by
        pad = max(abs(lo) * 1e-9, 1e-9)
        return lo - pad, hi + pad
    return lo - MARGIN * span, hi + MARGIN * span


#: The default of the count arrays: replaced, in ``__post_init__``, by zeros of the right length.
_NO_COUNTS = np.zeros(0, dtype=np.int64)


@dataclass
class StreamSummary:
    """Count, mean, standard deviation, exceedances, extremes and a histogram of one figure.

    Parameters
    ----------
    lo, hi : float
        The histogram's range (see :func:`histogram_range`); draws outside it are counted apart.
    thresholds : sequence of float
        Values whose exceedance is counted exactly (``below(t)`` gives ``P(x < t)``).
    bins : int
        Number of histogram bins.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).normal(100.0, 10.0, 100_000)
    >>> s = StreamSummary(*histogram_range(x[:10_000]))
    >>> for part in np.array_split(x, 7):
    ...     s.add(part)
    >>> round(s.mean, 6) == round(float(x.mean()), 6)
    True
    >>> value, error = s.quantile(0.5)
    >>> error < 0.005
    True
    """

    lo: float
    hi: float
    thresholds: Sequence[float] = (0.0,)
    bins: int = BINS
    n: int = 0
    mean: float = 0.0
    m2: float = 0.0
    minimum: float = math.inf
    maximum: float = -math.inf
    counts: np.ndarray = field(default_factory=lambda: _NO_COUNTS, repr=False)
    below_counts: np.ndarray = field(default_factory=lambda: _NO_COUNTS, repr=False)
    above_counts: np.ndarray = field(default_factory=lambda: _NO_COUNTS, repr=False)
    under: int = 0
    over: int = 0

    def __post_init__(self) -> None:
        if self.counts is _NO_COUNTS:
            self.counts = np.zeros(self.bins, dtype=np.int64)
        if self.below_counts is _NO_COUNTS:
            self.below_counts = np.zeros(len(self.thresholds), dtype=np.int64)
        if self.above_counts is _NO_COUNTS:
            self.above_counts = np.zeros(len(self.thresholds), dtype=np.int64)

    # -- taking draws ------------------------------------------------------------------------------
    def add(self, x: np.ndarray) -> None:
        """Take a chunk of draws (NaN draws are not allowed: the caller refuses them first)."""
        x = np.asarray(x, dtype=np.float64).ravel()
        if x.size == 0:
            return
        part = StreamSummary(self.lo, self.hi, self.thresholds, self.bins)
        part.n = int(x.size)
        part.mean = float(x.mean())
        part.m2 = float(np.square(x - part.mean).sum())
        part.minimum, part.maximum = float(x.min()), float(x.max())
        part.below_counts = np.array([np.count_nonzero(x < t) for t in self.thresholds], dtype=np.int64)
        part.above_counts = np.array([np.count_nonzero(x > t) for t in self.thresholds], dtype=np.int64)
        if self.hi > self.lo:
            scaled = (x - self.lo) * (self.bins / (self.hi - self.lo))
            inside = (scaled >= 0) & (scaled < self.bins)
            part.under = int(np.count_nonzero(scaled < 0))
            part.over = int(x.size - part.under - np.count_nonzero(inside))
            part.counts = np.bincount(scaled[inside].astype(np.int64), minlength=self.bins)
        else:
            part.counts[0] = x.size
        self.merge(part)

    def merge(self, other: StreamSummary) -> None:
        """Add another summary over the same range (a chunk summarised elsewhere)."""
        if other.n == 0:
            return
        if (other.lo, other.hi, other.bins) != (self.lo, self.hi, self.bins):
            raise ValueError("summaries over different histogram ranges cannot be merged")
        n = self.n + other.n
        delta = other.mean - self.mean
        self.mean += delta * other.n / n
        self.m2 += other.m2 + delta * delta * self.n * other.n / n
        self.n = n
        self.minimum = min(self.minimum, other.minimum)
        self.maximum = max(self.maximum, other.maximum)
        self.counts = self.counts + other.counts
        self.below_counts = self.below_counts + other.below_counts
        self.above_counts = self.above_counts + other.above_counts
        self.under += other.under
        self.over += other.over

    # -- reading it --------------------------------------------------------------------------------
    @property
    def std(self) -> float:
        """The sample standard deviation (n - 1 in the denominator); 0 for one draw."""
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0

    def below(self, threshold: float) -> float:
        """The share of draws below ``threshold`` (one of ``thresholds``), exact."""
        return float(self.below_counts[list(self.thresholds).index(threshold)]) / self.n

    def above(self, threshold: float) -> float:
        """The share of draws above ``threshold`` (one of ``thresholds``), exact."""
        return float(self.above_counts[list(self.thresholds).index(threshold)]) / self.n

    def quantile(self, q: float) -> tuple[float, float]:
        """The ``q``-quantile (0..1) and the bound on its rank error (a share of the draws)."""
        if self.n == 0:
            return math.nan, 0.0
        if self.minimum == self.maximum:
            return self.minimum, 0.0
        target = q * self.n
        if target <= self.under:
            return self.minimum, self.under / self.n
        cumulative = self.under + np.cumsum(self.counts)
        k = int(np.searchsorted(cumulative, target, side="left"))
        if k >= self.bins:
            return self.maximum, self.over / self.n
        in_bin = int(self.counts[k])
        before = int(cumulative[k]) - in_bin
        width = (self.hi - self.lo) / self.bins
        share = (target - before) / in_bin if in_bin else 0.0
        value = self.lo + (k + share) * width
        return float(min(max(value, self.minimum), self.maximum)), in_bin / self.n

    def summary(self, percentiles: Sequence[float] = (5, 50, 95)) -> dict[str, float]:
        """``n``, ``mean``, ``std``, ``min``, ``max``, ``p5``..., and ``quantile_error`` (the largest
        rank error bound of the percentiles given)."""
        out: dict[str, float] = {
            "n": self.n,
            "mean": self.mean,
            "std": self.std,
            "min": self.minimum,
            "max": self.maximum,
        }
        worst = 0.0
        for p in percentiles:
            value, error = self.quantile(p / 100)
            out[f"p{p:g}"] = value
            worst = max(worst, error)
        out["quantile_error"] = worst
        return out
