"""Paired Monte Carlo: several alternatives on the same draws (docs/method.md, sections 6 and 8).

Alternatives are compared on common random numbers: an uncertain input is identified by its name
(its path, e.g. ``effects.minder-ots.attribution`` or ``price.bijstand-maand``), and one name draws
the same uniform numbers in every alternative, turned into values by that alternative's own
distribution. So the difference between two alternatives carries only the uncertainty of what
differs between them. Draw ``i`` is a pure function of ``(seed, i, name)``: the same seed gives the
same result at any chunk size.

Imports: :mod:`mkba.engine` and the rest of :mod:`mkba.uncertainty`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from mkba.engine.model import Model
from mkba.uncertainty.montecarlo import DEFAULT_CHUNK_SIZE, DEFAULT_SEED, _PresentValues
from mkba.uncertainty.sampling import check_draws_fit, chunks, draws_asked, quantile, uniform_columns
from mkba.uncertainty.streaming import PILOT, StreamSummary, histogram_range


@dataclass
class PairedDraws:
    """The societal ``npv`` of every alternative in every draw (euro), on common random numbers.

    Attributes
    ----------
    ids : list of str
        The alternatives, in the order of the rows of ``npv``.
    npv : ndarray, shape (A, N)
        Present value of the saldo of alternative ``a`` in draw ``i``, euro.
    inputs : list of str
        The names of the uncertain inputs (the union over alternatives), in the order they draw.
    seed, chunk_size : int
        As run.
    """

    ids: list[str]
    npv: np.ndarray
    inputs: list[str]
    seed: int
    chunk_size: int


def input_names(models: Sequence[Model]) -> list[str]:
    """The uncertain inputs of all ``models``, each name once, in order of first appearance."""
    names: dict[str, None] = {}
    for model in models:
        for inp in model.inputs:
            if inp.uncertain:
                names.setdefault(inp.name, None)
    return list(names)


def paired_npv(
    models: Sequence[Model],
    ids: Sequence[str],
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    start: int = 0,
) -> PairedDraws:
    """Draw ``n`` joint samples and the saldo of every alternative on each (common random numbers).

    Parameters
    ----------
    models : sequence of Model
        The compiled alternatives (one price list, price year and discount rate for all).
    ids : sequence of str
        Their ids, for the result.
    n : int
        Number of draws.
    seed : int
        Seed; the same seed gives the same draws at any ``chunk_size``.
    chunk_size : int
        Draws evaluated at once (memory bound).
    progress : callable, optional
        Called with the number of draws finished after each chunk.
    start : int
        The index of the first draw (draws ``start .. start + n - 1``).

    Returns
    -------
    PairedDraws

    Examples
    --------
    >>> import mkba
    >>> from mkba.uncertainty.paired import paired_npv
    >>> model = mkba.evaluate("scenarios/frontlijnteam-leeuwarden.yaml").model
    >>> draws = paired_npv([model, model], ["a", "b"], 1000, seed=1)
    >>> bool((draws.npv[0] == draws.npv[1]).all())  # an alternative against itself: no difference
    True
    """
    n, chunk_size = draws_asked(n, chunk_size)
    check_draws_fit(n, len(models) + 1)
    names = input_names(models)
    dim = {name: k for k, name in enumerate(names)}
    fasts = [_PresentValues(model) for model in models]
    dims = [[dim[model.inputs[j].name] for j in fast.cols] for model, fast in zip(models, fasts)]
    keys = [[repr(dist) for dist in fast.dists] for fast in fasts]
    npv = np.empty((len(models), n))
    for lo, hi in chunks(n, chunk_size):
        u = uniform_columns(seed, start + lo, start + hi, len(names), range(len(names)))
        drawn: dict[tuple[int, str], np.ndarray] = {}  # one quantile transform per input and distribution
        for a, fast in enumerate(fasts):
            x = np.empty((len(fast.dists), hi - lo))
            for k, (d, dist) in enumerate(zip(dims[a], fast.dists)):
                key = (d, keys[a][k])
                if key not in drawn:
                    drawn[key] = quantile(dist, u[d])
                x[k] = drawn[key]
            npv[a, lo:hi] = fast.figures(x)["npv"]
        if progress is not None:
            progress(hi - lo)
    return PairedDraws(list(ids), npv, names, seed, chunk_size)


@dataclass
class PairedSummary:
    """A paired simulation summarised while it streamed (memory independent of the draws).

    Attributes
    ----------
    ids : list of str
        The alternatives compared with the first model (the nulalternatief).
    delta : dict of str to StreamSummary
        Per alternative, its ``npv`` minus the nulalternatief's, euro.
    best : dict of str to int
        Per alternative (and ``""`` for the nulalternatief when it competes), the draws it is best in.
    n, seed : int
        As run.
    """

    ids: list[str]
    delta: dict[str, StreamSummary]
    best: dict[str, int]
    n: int
    seed: int


def paired_summary(
    models: Sequence[Model],
    ids: Sequence[str],
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    baseline_competes: bool = True,
    progress: Callable[[int], None] | None = None,
) -> PairedSummary:
    """The paired draws of :func:`paired_npv`, summarised chunk by chunk: each alternative's
    ``delta_npv`` against the first model (the nulalternatief) and how often each is best.

    Parameters
    ----------
    models, ids : sequence
        The nulalternatief first, then the alternatives, and their ids.
    n, seed, chunk_size, progress
        As for :func:`paired_npv`.
    baseline_competes : bool
        Whether the nulalternatief counts as a candidate for "best" (it does when it is a named
        alternative; not when it is nothing).

    Returns
    -------
    PairedSummary
        Identical counts at any chunk size; means and standard deviations equal to rounding.
    """
    pilot = paired_npv(models, ids, min(n, PILOT), seed=seed, chunk_size=chunk_size).npv
    alt_ids = list(ids[1:])
    delta = {a: StreamSummary(*histogram_range(pilot[k + 1] - pilot[0])) for k, a in enumerate(alt_ids)}
    best = dict.fromkeys(["", *alt_ids], 0)
    for start, stop in chunks(n, chunk_size):
        part = paired_npv(models, ids, stop - start, seed=seed, chunk_size=stop - start, start=start).npv
        d = part[1:] - part[0]
        for k, a in enumerate(alt_ids):
            delta[a].add(d[k])
        candidates = np.vstack([np.zeros((1, d.shape[1])), d]) if baseline_competes else d
        winner = np.argmax(candidates, axis=0) - (1 if baseline_competes else 0)
        counts = np.bincount(winner + 1, minlength=len(alt_ids) + 1)
        best[""] += int(counts[0])
        for k, a in enumerate(alt_ids):
            best[a] += int(counts[k + 1])
        if progress is not None:
            progress(stop - start)
    return PairedSummary(alt_ids, delta, best, n, seed)
