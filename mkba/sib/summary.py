"""A streamed summary that also reads quantiles exactly where draws pile up (a SIB's floor, cap, zero).

What lives here: :class:`Sketch`, a :class:`mkba.uncertainty.streaming.StreamSummary` (exact count,
mean, standard deviation, exceedances, extremes; a histogram of fixed bins) that keeps, per bin, the
smallest and largest draw and how many draws equal each. A SIB's figures have point masses: a
quarter of the draws may sit exactly at the floor's multiple (0.4), every total loss at an IRR of
-100 %, every draw of a missed trigger at zero payments, a rate card on 100 participants on 101
values. A plain histogram states a rank error as large as the mass; here a quantile that falls on
such a pile is the pile's value exactly (rank error 0), and the rank error is at most the share of
the draws strictly between the bin's smallest and largest value.

All counts are integers and minima and maxima are exact, so the quantiles are identical at any
chunk size and any number of workers; the mean and standard deviation agree to rounding (1e-12).

Units: those of the figure summarised.

Imports: numpy and :mod:`mkba.uncertainty.streaming`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mkba.uncertainty.streaming import StreamSummary, histogram_range

_NONE = np.zeros(0)
#: A bin holding at least this share of the pilot's draws (not all equal) gets a histogram of its own:
#: a SIB's IRR piles up within 1e-8 of its cap, far finer than a bin.
DENSE = 0.002
#: Bins of a dense bin's own histogram.
SUB_BINS = 2**12
#: How deep dense bins nest (a pile within 1e-16 of a cap needs three levels).
DEPTH = 4


@dataclass
class Sketch(StreamSummary):
    """A :class:`~mkba.uncertainty.streaming.StreamSummary` with each bin's extremes and their counts.

    Parameters
    ----------
    lo, hi : float
        The histogram's range (:func:`mkba.uncertainty.streaming.histogram_range` of a pilot).
    thresholds : sequence of float
        Values whose exceedance is counted exactly.
    bins : int
        Number of histogram bins.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.concatenate([np.full(300, 0.4), np.linspace(0.5, 1.5, 700)])
    >>> s = Sketch(0.0, 2.0)
    >>> s.add(x[:500]); s.add(x[500:])
    >>> s.quantile(0.2)
    (0.4, 0.0)
    """

    subs: dict[int, Sketch] = field(default_factory=dict, repr=False)
    bin_min: np.ndarray = field(default_factory=lambda: _NONE, repr=False)
    bin_max: np.ndarray = field(default_factory=lambda: _NONE, repr=False)
    at_min: np.ndarray = field(default_factory=lambda: _NONE.astype(np.int64), repr=False)
    at_max: np.ndarray = field(default_factory=lambda: _NONE.astype(np.int64), repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.bin_min.size:
            # bin -1 collects the draws below the range, bin ``bins`` those above it
            self.bin_min = np.full(self.bins + 2, math.inf)
            self.bin_max = np.full(self.bins + 2, -math.inf)
            self.at_min = np.zeros(self.bins + 2, dtype=np.int64)
            self.at_max = np.zeros(self.bins + 2, dtype=np.int64)

    @classmethod
    def from_pilot(
        cls, pilot: np.ndarray, bins: int | None = None, depth: int = 0, total: int | None = None
    ) -> Sketch:
        """A sketch whose range, and dense bins' own ranges, are set by a run's first draws ``pilot``.

        The pilot's range is widened as :func:`~mkba.uncertainty.streaming.histogram_range` does;
        a bin holding at least :data:`DENSE` of the pilot (draws not all equal) gets its own
        sketch of :data:`SUB_BINS` bins over the pilot's draws in it, widened likewise.

        Parameters
        ----------
        pilot : ndarray
            The first draws (no NaN), the same at any chunking.
        bins : int, optional
            Number of bins (default: :data:`mkba.uncertainty.streaming.BINS`).
        depth : int
            How deep this sketch lies in dense bins (their sketches go :data:`DEPTH` deep at most).
        total : int, optional
            The size of the whole pilot (a dense bin's sketch gets the pilot's draws in that bin).
        """
        pilot = np.asarray(pilot, dtype=np.float64)
        lo, hi = histogram_range(pilot)
        sketch = cls(lo, hi, thresholds=()) if bins is None else cls(lo, hi, thresholds=(), bins=bins)
        if pilot.size and hi > lo and depth < DEPTH:
            k = sketch._bin(pilot)
            found = np.bincount(k, minlength=sketch.bins + 2)
            total = total or pilot.size
            for d in np.flatnonzero(found >= max(DENSE * total, 2)):
                inside = pilot[k == d]
                if inside.min() < inside.max():
                    sketch.subs[int(d)] = cls.from_pilot(inside, SUB_BINS, depth + 1, total)
        return sketch

    def _bin(self, x: np.ndarray) -> np.ndarray:
        """Each draw's bin, shifted by one: 0 below the range, 1..bins inside, bins + 1 above."""
        if not self.hi > self.lo:
            return np.ones(x.size, dtype=np.int64)
        scaled = (x - self.lo) * (self.bins / (self.hi - self.lo))  # as StreamSummary.add computes it
        k = np.empty(x.size, dtype=np.int64)
        np.floor(np.clip(scaled, -1.0, self.bins), out=scaled)
        k[:] = scaled
        return k + 1

    def add(self, x: np.ndarray) -> None:
        """Take a chunk of draws (no NaN)."""
        x = np.asarray(x, dtype=np.float64).ravel()
        if x.size == 0:
            return
        k = self._bin(x)
        found = np.bincount(k, minlength=self.bins + 2)
        lo = np.full(self.bins + 2, math.inf)
        hi = np.full(self.bins + 2, -math.inf)
        np.minimum.at(lo, k, x)
        np.maximum.at(hi, k, x)
        part = StreamSummary(self.lo, self.hi, self.thresholds, self.bins, counts=found[1:-1])
        part.n = int(x.size)
        part.mean = float(x.mean())
        part.m2 = float(np.square(x - part.mean).sum())
        part.minimum, part.maximum = float(lo.min()), float(hi.max())
        part.under, part.over = int(found[0]), int(found[-1])
        part.below_counts = np.array([np.count_nonzero(x < t) for t in self.thresholds], dtype=np.int64)
        part.above_counts = np.array([np.count_nonzero(x > t) for t in self.thresholds], dtype=np.int64)
        StreamSummary.merge(self, part)
        n_lo = np.bincount(k[x == lo[k]], minlength=self.bins + 2)
        n_hi = np.bincount(k[x == hi[k]], minlength=self.bins + 2)
        self._merge_extremes(lo, n_lo, hi, n_hi)
        for d, sub in self.subs.items():
            sub.add(x[k == d])

    def merge(self, other: StreamSummary) -> None:
        """Add another summary over the same range (a chunk summarised elsewhere)."""
        super().merge(other)
        if isinstance(other, Sketch) and other.n:
            self._merge_extremes(other.bin_min, other.at_min, other.bin_max, other.at_max)
            for d, sub in self.subs.items():
                sub.merge(other.subs[d])

    def _merge_extremes(self, lo: np.ndarray, n_lo: np.ndarray, hi: np.ndarray, n_hi: np.ndarray) -> None:
        new_lo = np.minimum(self.bin_min, lo)
        self.at_min = np.where(self.bin_min == new_lo, self.at_min, 0) + np.where(lo == new_lo, n_lo, 0)
        self.bin_min = new_lo
        new_hi = np.maximum(self.bin_max, hi)
        self.at_max = np.where(self.bin_max == new_hi, self.at_max, 0) + np.where(hi == new_hi, n_hi, 0)
        self.bin_max = new_hi

    def quantile(self, q: float) -> tuple[float, float]:
        """The ``q``-quantile (0..1) and the bound on its rank error (a share of the draws).

        The value lies in the bin that holds rank ``q * n``: the bin's smallest draw when that rank
        falls among the draws equal to it, its largest likewise (both exact), else read from the
        bin's own sketch (a dense bin) or interpolated between them, with a rank error of at most
        the share of the bin's other draws.
        """
        if self.n == 0:
            return math.nan, 0.0
        if self.minimum == self.maximum:
            return self.minimum, 0.0
        target = q * self.n
        counts = np.concatenate([[self.under], self.counts, [self.over]])
        cumulative = np.cumsum(counts)
        k = int(np.searchsorted(cumulative, target, side="left"))
        k = min(k, len(counts) - 1)
        while counts[k] == 0 and k > 0:  # q = 0: the first bin with draws
            k -= 1
        if counts[k] == 0:
            k = int(np.argmax(counts > 0))
        in_bin = int(counts[k])
        rank = target - (int(cumulative[k]) - in_bin)  # 0 < rank <= in_bin, up to q = 0
        low, high = float(self.bin_min[k]), float(self.bin_max[k])
        n_low, n_high = int(self.at_min[k]), int(self.at_max[k])
        if rank <= n_low or low == high:
            return low, 0.0
        if rank > in_bin - n_high:
            return high, 0.0
        if k in self.subs:  # a dense bin: read its own sketch, which holds every draw of the bin
            value, error = self.subs[k].quantile(rank / in_bin)
            return value, error * in_bin / self.n
        middle = in_bin - n_low - n_high
        share = (rank - n_low) / middle if middle else 0.5
        return low + share * (high - low), middle / self.n
