"""A streamed summary that also reads quantiles exactly where draws pile up (a SIB's floor, cap, zero).

What lives here: :class:`Sketch`, a :class:`mkba.uncertainty.streaming.StreamSummary` (exact count,
mean, standard deviation, extremes) whose histogram has finer bins where the first draws (the
pilot) pile up, and that keeps, per bin, the smallest and largest draw and how many draws equal
each. A SIB's figures have point masses: a quarter of the draws may sit exactly at the floor's
multiple (0.4), every total loss at an IRR of -100 %, every draw of a missed trigger at zero
payments, IRRs at a return cap within rounding (1e-16) of it. A plain histogram states a rank error
as large as such a pile; here a quantile that falls on a pile is read exactly (rank error 0), and
the rank error is at most the share of the draws strictly between its bin's smallest and largest
value.

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

#: Uniform bins over the pilot's range widened by half on each side: a smooth distribution puts
#: about 1/2,000 of its draws in a bin; denser bins are split further.
BINS = 2**12
#: A bin holding at least this share of the pilot's draws (not all equal) is split into SPLIT bins
#: over the pilot's draws in it (widened likewise), and so on, DEPTH levels deep.
DENSE = 0.003
SPLIT = 2**8
DEPTH = 4

_NO_FLOATS = np.zeros(0)
_NO_INTS = np.zeros(0, dtype=np.int64)


def _refine(lo: float, hi: float, inside: np.ndarray, least: float, depth: int) -> list[float]:
    """Edges strictly inside ``[lo, hi)`` that split the pilot's draws ``inside`` it finer, recursively."""
    if depth >= DEPTH or inside.size < 2 or inside.min() == inside.max():
        return []
    a, b = histogram_range(inside)
    a, b = max(a, lo), min(b, hi)
    if not a < b:
        return []
    grid = np.linspace(a, b, SPLIT + 1)
    edges = [float(e) for e in grid if lo < e < hi]
    k = np.clip(np.searchsorted(grid, inside, side="right") - 1, 0, SPLIT - 1)
    found = np.bincount(k, minlength=SPLIT)
    for i in np.flatnonzero(found >= least):
        edges += _refine(float(grid[i]), float(grid[i + 1]), inside[k == i], least, depth + 1)
    return sorted(set(edges))


def _extremes(x: np.ndarray, leaf: np.ndarray, leaves: int) -> tuple[np.ndarray, ...]:
    """Per leaf (``leaves`` of them): the smallest and largest draw, the draws, and how many equal each.

    One count of ``4 * leaf + (x equals its leaf's smallest) + 2 (x equals its largest)`` gives all
    three counts at once.
    """
    lo = np.full(leaves, math.inf)
    hi = np.full(leaves, -math.inf)
    np.minimum.at(lo, leaf, x)
    np.maximum.at(hi, leaf, x)
    key = leaf * 4
    key += (x == lo.take(leaf)).view(np.int8)
    key += (x == hi.take(leaf)).view(np.int8) * np.int8(2)
    found = np.bincount(key, minlength=4 * leaves).reshape(leaves, 4)
    both = found[:, 3]
    at_lo, at_hi = found[:, 1] + both, found[:, 2] + both
    return lo, hi, found[:, 0] + at_lo + found[:, 2], at_lo, at_hi


def _sorted_extremes(x: np.ndarray, leaf: np.ndarray, found: tuple[np.ndarray, ...]) -> None:
    """:func:`_extremes` of sorted draws ``x`` (their leaves non-decreasing), written into ``found``.

    Each leaf's draws are one run: its first and last draw are its smallest and largest, and the draws
    equal to them are found by a search of the sorted draws. Only the leaves of ``leaf`` are written.
    """
    lo, hi, counts, at_lo, at_hi = found
    starts = np.flatnonzero(leaf[1:] != leaf[:-1]) + 1
    starts = np.concatenate((np.zeros(1, dtype=starts.dtype), starts))
    stops = np.append(starts[1:], x.size)
    ids = leaf[starts]
    first, last = x[starts], x[stops - 1]
    lo[ids], hi[ids], counts[ids] = first, last, stops - starts
    at_lo[ids] = np.searchsorted(x, first, side="right") - starts
    at_hi[ids] = stops - np.searchsorted(x, last, side="left")


def _merge_extreme(
    old: np.ndarray, at: np.ndarray, new: np.ndarray, new_at: np.ndarray, pick: np.ufunc
) -> tuple[np.ndarray, np.ndarray]:
    """Per-leaf extremes (``pick``: np.minimum or np.maximum) and their counts merged."""
    both = pick(old, new)
    return both, np.where(old == both, at, 0) + np.where(new == both, new_at, 0)


#: The bins of a :class:`Sketch` without its counts: ``(lo, hi, thresholds, bins, split)``.
SketchBins = tuple[float, float, tuple[float, ...], int, dict[int, np.ndarray]]


@dataclass
class Sketch(StreamSummary):
    """Count, mean, standard deviation and extremes of a figure, and quantiles with a stated rank error.

    Build it with :meth:`from_pilot` from a run's first draws (the same at any chunking); take chunks
    with :meth:`add`, or merge sketches of chunks summarised elsewhere (:meth:`merge`, of sketches
    made by :meth:`fresh`); read with :meth:`quantile`.

    Attributes
    ----------
    split : dict of int to ndarray
        For each dense uniform bin (index shifted by one: 0 is below the range), its inner edges.
    first : ndarray of int
        The first leaf of each uniform bin (a bin not split is one leaf).
    counts, bin_min, bin_max, at_min, at_max : ndarray
        Per leaf: draws, the smallest and largest draw, and how many draws equal each of them.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.concatenate([np.full(300, 0.4), np.linspace(0.5, 1.5, 700)])
    >>> s = Sketch.from_pilot(x[::10])
    >>> s.add(x[:500]); s.add(x[500:])
    >>> s.quantile(0.2)
    (0.4, 0.0)
    """

    split: dict[int, np.ndarray] = field(default_factory=dict, repr=False)
    first: np.ndarray = field(default_factory=lambda: _NO_INTS, repr=False)
    bin_min: np.ndarray = field(default_factory=lambda: _NO_FLOATS, repr=False)
    bin_max: np.ndarray = field(default_factory=lambda: _NO_FLOATS, repr=False)
    at_min: np.ndarray = field(default_factory=lambda: _NO_INTS, repr=False)
    at_max: np.ndarray = field(default_factory=lambda: _NO_INTS, repr=False)

    def __post_init__(self) -> None:
        if not self.first.size:
            sizes = np.ones(self.bins + 2, dtype=np.int64)  # below the range, the bins, above it
            for d, edges in self.split.items():
                sizes[d] = edges.size + 1
            self.first = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
            leaves = int(sizes.sum())
            self.counts = np.zeros(leaves, dtype=np.int64)
            self.bin_min = np.full(leaves, math.inf)
            self.bin_max = np.full(leaves, -math.inf)
            self.at_min = np.zeros(leaves, dtype=np.int64)
            self.at_max = np.zeros(leaves, dtype=np.int64)
        super().__post_init__()
        # which uniform bins are split, looked up per draw (derived from ``split``: not a field)
        self._ids = np.array(sorted(self.split), dtype=np.int64)
        self._fine = np.zeros(self.bins + 2, dtype=bool)
        self._fine[self._ids] = True
        # each uniform bin's first leaf, the split ones sent to the spare leaf past the last
        self._spare = self.first.copy()
        self._spare[self._ids] = self.counts.size

    @classmethod
    def from_pilot(cls, pilot: np.ndarray, bins: int = BINS) -> Sketch:
        """A sketch whose bins a run's first draws ``pilot`` set: uniform, finer where they pile up.

        The range is the pilot's widened by half on each side
        (:func:`~mkba.uncertainty.streaming.histogram_range`); a bin holding at least :data:`DENSE`
        of the pilot (draws not all equal) is split into :data:`SPLIT` bins over the pilot's draws
        in it, and so on, :data:`DEPTH` levels deep.

        Parameters
        ----------
        pilot : ndarray
            The first draws (no NaN), the same at any chunking; in the figure's unit.
        bins : int
            Number of uniform bins.
        """
        pilot = np.asarray(pilot, dtype=np.float64)
        lo, hi = histogram_range(pilot)
        split: dict[int, np.ndarray] = {}
        if pilot.size and hi > lo:
            plain = cls(lo, hi, thresholds=(), bins=bins)
            k = plain._uniform(pilot)
            found = np.bincount(k, minlength=bins + 2)
            least = max(DENSE * pilot.size, 2)
            for d in np.flatnonzero(found[1:-1] >= least) + 1:
                # unbounded: the bin is whatever _uniform puts in it (its edges in floating point)
                edges = _refine(-math.inf, math.inf, pilot[k == d], least, 0)
                if edges:
                    split[int(d)] = np.array(edges)
        return cls(lo, hi, thresholds=(), bins=bins, split=split)

    def bins_only(self) -> SketchBins:
        """What makes an empty sketch of the same bins (:meth:`of_bins`): the range, the thresholds, the
        number of bins and the split bins' edges; small to ship to a worker, unlike the counts."""
        return (self.lo, self.hi, tuple(self.thresholds), self.bins, self.split)

    @staticmethod
    def of_bins(bins: SketchBins) -> Sketch:
        """An empty sketch of the bins :meth:`bins_only` gave."""
        lo, hi, thresholds, n, split = bins
        return Sketch(lo, hi, thresholds, n, split=split)

    def fresh(self) -> Sketch:
        """An empty sketch of the same bins: for chunks summarised elsewhere, merged later."""
        return Sketch.of_bins(self.bins_only())

    def _uniform(self, x: np.ndarray) -> np.ndarray:
        """Each draw's uniform bin, shifted by one: 0 below the range, 1..bins inside, bins + 1 above."""
        if not self.hi > self.lo:
            return np.ones(x.size, dtype=np.int64)
        scaled = np.subtract(x, self.lo)
        scaled *= self.bins / (self.hi - self.lo)
        np.clip(scaled, -1.0, float(self.bins), out=scaled)
        np.floor(scaled, out=scaled)
        scaled += 1.0  # whole numbers: exact
        return scaled.astype(np.int64)

    def _leaves(self, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """The draws and each one's leaf, as pairs of arrays: all draws, and those in split bins apart.

        A draw's leaf is its uniform bin's first leaf plus its place among that bin's inner edges. The
        draws in split bins are sorted, so that each split bin's draws are one slice, searched at
        once; in the first pair they go to a spare leaf past the last (``counts.size``), dropped by
        :meth:`add`. What is done with the pairs (counts, extremes) does not depend on their order.
        """
        k = self._uniform(x)
        if not self.split:
            return [(x, k)]  # every bin one leaf: the leaf is the bin
        ids = self._ids
        in_split = k == ids[0] if ids.size == 1 else self._fine[k]
        if not in_split.any():
            return [(x, self.first[k])]
        xs = np.sort(x[in_split])
        ks = self._uniform(xs)  # non-decreasing, as the draws are
        leaf = self.first[ks]
        starts = np.searchsorted(ks, ids, side="left")
        stops = np.searchsorted(ks, ids, side="right")
        for d, a, b in zip(ids.tolist(), starts.tolist(), stops.tolist()):
            if b > a:
                leaf[a:b] += np.searchsorted(self.split[d], xs[a:b], side="right")
        return [(x, self._spare[k]), (xs, leaf)]

    def add(self, x: np.ndarray) -> None:
        """Take a chunk of draws (no NaN), in the figure's unit.

        A few passes over the chunk: its bins, the smallest and largest draw of each leaf (``at``), and
        one count of (leaf, equals its smallest, equals its largest); merged into the sketch in place.
        """
        x = np.asarray(x, dtype=np.float64).ravel()
        if x.size == 0:
            return
        leaves = self.counts.size
        pairs = self._leaves(x)
        found = _extremes(*pairs[0], leaves + 1)
        if len(pairs) > 1:  # the draws of split bins, sorted: leaves the first pair leaves untouched
            _sorted_extremes(*pairs[1], found)
        lo, hi, counts, at_lo, at_hi = (a[:leaves] for a in found)
        self.counts += counts
        self.bin_min, self.at_min = _merge_extreme(self.bin_min, self.at_min, lo, at_lo, np.minimum)
        self.bin_max, self.at_max = _merge_extreme(self.bin_max, self.at_max, hi, at_hi, np.maximum)
        # count, mean, spread and extremes: as StreamSummary.merge takes a chunk's
        m = int(x.size)
        mean = float(x.mean())
        d = np.subtract(x, mean)
        np.square(d, out=d)
        m2 = float(d.sum())
        n = self.n + m
        delta = mean - self.mean
        self.mean += delta * m / n
        self.m2 += m2 + delta * delta * self.n * m / n
        self.n = n
        self.minimum = min(self.minimum, float(x.min()))
        self.maximum = max(self.maximum, float(x.max()))
        if len(self.thresholds):
            self.below_counts = self.below_counts + [np.count_nonzero(x < t) for t in self.thresholds]
            self.above_counts = self.above_counts + [np.count_nonzero(x > t) for t in self.thresholds]

    def merge(self, other: StreamSummary) -> None:
        """Add another sketch of the same bins (a chunk summarised elsewhere)."""
        if other.n == 0:
            return
        if not isinstance(other, Sketch) or other.counts.size != self.counts.size:
            raise ValueError("sketches over different bins cannot be merged")
        super().merge(other)
        new_lo = np.minimum(self.bin_min, other.bin_min)
        self.at_min = np.where(self.bin_min == new_lo, self.at_min, 0) + np.where(
            other.bin_min == new_lo, other.at_min, 0
        )
        self.bin_min = new_lo
        new_hi = np.maximum(self.bin_max, other.bin_max)
        self.at_max = np.where(self.bin_max == new_hi, self.at_max, 0) + np.where(
            other.bin_max == new_hi, other.at_max, 0
        )
        self.bin_max = new_hi

    def quantile(self, q: float) -> tuple[float, float]:
        """The ``q``-quantile (0..1) and the bound on its rank error (a share of the draws).

        The value lies in the leaf that holds rank ``q * n``: the leaf's smallest draw when that
        rank falls among the draws equal to it, its largest likewise (both exact), else interpolated
        between them, with a rank error of at most the share of the leaf's other draws.
        """
        if self.n == 0:
            return math.nan, 0.0
        if self.minimum == self.maximum:
            return self.minimum, 0.0
        target = q * self.n
        cumulative = np.cumsum(self.counts)
        k = min(int(np.searchsorted(cumulative, target, side="left")), self.counts.size - 1)
        if self.counts[k] == 0:  # q = 0: the first leaf with draws
            k = int(np.argmax(self.counts > 0))
        in_bin = int(self.counts[k])
        rank = target - (int(cumulative[k]) - in_bin)  # 0 < rank <= in_bin, up to q = 0
        low, high = float(self.bin_min[k]), float(self.bin_max[k])
        n_low, n_high = int(self.at_min[k]), int(self.at_max[k])
        if rank <= n_low or low == high:
            return low, 0.0
        if rank > in_bin - n_high:
            return high, 0.0
        middle = in_bin - n_low - n_high
        share = (rank - n_low) / middle
        return low + share * (high - low), middle / self.n
