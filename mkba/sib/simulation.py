"""Monte Carlo of a Social Impact Bond's outcomes: seeded, chunk-invariant draws through the payout engine.

What lives here: :func:`simulate_sib` draws N outcome sets (levels, or successes drawn per
participant; :func:`draw_outcomes`) and the scenario's uncertain inputs with
:mod:`mkba.uncertainty.sampling`, computes the contract for each with
:meth:`mkba.sib.model.SibModel.run`, in chunks, and summarises them while they stream
(:class:`SibStreamed`: memory independent of N; chunks spread over worker processes or a Dask
cluster) or, on request, keeps the per-draw figures (:class:`SibSimulation`). The result is the
same at any chunk size and number of workers. The method is docs/method.md, sections 6 (draws) and 7 (SIBs);
see docs/sib.md for the figures.

Units: money in euro, IRR as a fraction per year, multiples as euro back per euro invested.

Imports: :mod:`mkba.errors`, :mod:`mkba.scenario` (distributions), :mod:`mkba.uncertainty`
(imported where used, so that importing this module stays light) and :mod:`mkba.sib.model`;
never :mod:`mkba.result`, :mod:`mkba.report` or :mod:`mkba.cli`.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, overload

import numpy as np

from mkba.errors import MkbaError
from mkba.scenario.distributions import _Dist
from mkba.sib.model import CompiledOutcome, Figure, SibModel
from mkba.sib.summary import Sketch, SketchBins
from mkba.uncertainty.parallel import run_tasks
from mkba.uncertainty.streaming import StreamSummary


@dataclass
class SibSimulation:
    """Per-draw figures of a simulation (arrays of shape (N,)) and their summary.

    Attributes
    ----------
    n, seed : int
        Number of draws and their seed.
    levels : ndarray (N, O)
        The outcome levels drawn, each in its outcome's unit.
    outcome_payments, payer_payments : ndarray (N,)
        Outcome payments, and all the payer pays (with a floor top-up it guarantees), euro.
    investor_irr : ndarray (N,)
        All investors' IRR together, fraction per year (-1 when nothing comes back).
    investor_multiple : ndarray (N,)
        Euro back per euro invested, all investors together.
    investor_multiple_each : ndarray (N, I)
        The same per investor.
    payer_net_savings : ndarray (N,)
        Present value of the costs the payer avoids minus all it pays, euro.
    floor_top_up : ndarray (N,)
        Paid to investors to bring them up to the floor, euro.
    guarantee_paid : ndarray (N,)
        What the contract's named guarantees pay the investors (contract currency).
    investor_ids : list of str
        The investors, in the order of ``investor_multiple_each``.
    """

    n: int
    seed: int
    levels: np.ndarray  # (N, O)
    outcome_payments: np.ndarray
    payer_payments: np.ndarray
    investor_irr: np.ndarray
    investor_multiple: np.ndarray
    investor_multiple_each: np.ndarray  # (N, I)
    payer_net_savings: np.ndarray
    floor_top_up: np.ndarray
    investor_ids: list[str]
    guarantee_paid: np.ndarray | None = None

    def summary(self) -> dict[str, Any]:
        """The figures ``mkba sib --simulate --json`` writes under ``simulation``.

        Returns
        -------
        dict
            Probabilities (fractions), percentiles ``p5``, ``p50``, ``p95``, means and standard
            deviations (``std``) of the per-draw figures (exact: ``quantile_error`` is 0) (contract currency; the payer's net savings in euro; IRR as a
            fraction per year, its distribution also without the draws at -100 %, whose share is
            ``investor_irr_distribution.total_loss_share``).
        """

        def pct(x: np.ndarray) -> dict[str, float | None]:
            x = x[np.isfinite(x)]
            if not x.size:  # e.g. no investors: no IRR or multiple
                return dict.fromkeys(("p5", "p50", "p95", "mean", "std"))
            got: dict[str, float | None] = {f"p{q}": float(np.percentile(x, q)) for q in (5, 50, 95)}
            return got | {"mean": float(x.mean()), "std": float(x.std(ddof=1)) if x.size > 1 else 0.0}

        irr = pct(self.investor_irr)
        total_loss = self.investor_irr <= -1.0 + 1e-12
        rest = self.investor_irr[~total_loss & np.isfinite(self.investor_irr)]
        return {
            "n": self.n,
            "seed": self.seed,
            "p_investor_loss": float((self.investor_multiple < 1.0).mean()),
            "p_investor_loss_each": {
                iid: float((self.investor_multiple_each[:, i] < 1.0).mean())
                for i, iid in enumerate(self.investor_ids)
            },
            "p_payer_pays_more_than_saves": float((self.payer_net_savings < 0).mean()),
            "p_floor_used": float((self.floor_top_up > 0).mean()),
            **_guarantee_figures(self.guarantee_paid),
            "investor_irr_p5": irr["p5"],
            "investor_irr_p50": irr["p50"],
            "investor_irr_p95": irr["p95"],
            "investor_irr_mean": irr["mean"],
            "investor_irr_distribution": {
                "total_loss_share": float(total_loss.mean()),
                "without_total_losses": pct(rest) if rest.size else None,
                "note": _TOTAL_LOSS_NOTE,
            },
            "investor_multiple_min": (
                float(np.nanmin(self.investor_multiple))
                if np.isfinite(self.investor_multiple).any()
                else None
            ),
            "investor_multiple": pct(self.investor_multiple),
            "expected_outcome_payments": float(self.outcome_payments.mean()),
            "outcome_payments": pct(self.outcome_payments),
            "payer_payments": pct(self.payer_payments),
            "payer_net_savings": pct(self.payer_net_savings),
            "expected_payer_net_savings": float(self.payer_net_savings.mean()),
            "quantile_error": 0.0,
            "streamed": False,
        }


#: Key offset of the outcome draws, so that they form their own stream next to the scenario's inputs.
OUTCOME_STREAM = 0x51B0_0C0E_51B0_0C0E


def draw_outcomes(
    sib: SibModel, seed: int, start: int, stop: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Outcome draws ``start..stop-1``: levels (D, O), counts, values, and the scenario inputs theta.

    Draw ``i`` depends only on ``seed`` and ``i``, whatever the chunk. The
    scenario's uncertain inputs are drawn by :func:`mkba.uncertainty.sampling.draw_inputs`
    (the same draws as the MKBA Monte Carlo with this seed); the outcomes come
    from their own stream (:func:`mkba.uncertainty.sampling.uniforms` keyed by ``seed``
    XOR :data:`OUTCOME_STREAM`): per outcome one dimension for its level (level
    mode), or two (success probability, value) plus one per participant
    (participant mode). The quantities of the effect lines an outcome names are
    not drawn: the outcome level sizes those lines. See docs/method.md, section 7
    (and section 6 for the draws).

    Parameters
    ----------
    sib : SibModel
        The compiled contract.
    seed : int
        Seed of the draws.
    start, stop : int
        The draws to make, ``start`` up to (not including) ``stop``.

    Returns
    -------
    levels : ndarray (D, O)
        Outcome levels, each in its outcome's unit.
    counts, values : ndarray (D, O)
        Participants counted (successes in participant mode) and outcome units per participant counted.
    theta : ndarray (D, J) or None
        The scenario's inputs per draw; None when none is uncertain.
    """
    from mkba.uncertainty.sampling import draw_inputs, uniforms

    dims = [2 + o.participants if o.participant_terms is not None else 1 for o in sib.outcomes]
    u = uniforms((seed ^ OUTCOME_STREAM) % 2**64, start, stop, sum(dims))
    D = stop - start
    levels = np.empty((D, len(sib.outcomes)), order="F")  # one outcome's draws contiguous
    counts = np.empty_like(levels)
    values = np.empty_like(levels)
    at = 0
    for k, o in enumerate(sib.outcomes):
        levels[:, k], counts[:, k], values[:, k] = _draw_outcome(o, u[:, at : at + dims[k]])
        at += dims[k]
    theta = None
    if any(inp.uncertain for inp in sib.model.inputs):
        theta = draw_inputs(sib.model, seed, start, stop)
        for o in sib.outcomes:
            theta[:, o.quantity_cols] = sib.model.base[o.quantity_cols]
    return levels, counts, values, theta


def draws_differ(sib: SibModel) -> bool:
    """Whether a simulation's draws can differ at all: some outcome level is drawn, or an input of the scenario.

    An outcome's level is drawn when it is a distribution, or in participant mode (each participant
    succeeds by chance); the scenario's inputs when one of them is uncertain. A contract of fixed
    levels (Peterborough's and Utah's published results, say) gives the same result in every draw.

    Parameters
    ----------
    sib : SibModel
        The compiled contract.

    Returns
    -------
    bool
        False when every draw is the point result.

    Examples
    --------
    >>> from mkba.sib.model import compile_sib
    >>> draws_differ(compile_sib("scenarios/sib/nyc-rikers-able.yaml"))
    True
    >>> draws_differ(compile_sib("scenarios/sib/peterborough-one-service.yaml"))
    False
    """
    levels = any(isinstance(o.level, _Dist) or o.participant_terms is not None for o in sib.outcomes)
    return levels or any(inp.uncertain for inp in sib.model.inputs)


def _draw_outcome(o: CompiledOutcome, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One outcome's level, count and value for each row of uniforms ``u`` (D, its dimensions)."""
    D = len(u)
    terms = o.participant_terms
    if terms is None:
        n = o.participants if o.per_participant else 1
        level = _draw(o.level, u[:, 0]) if isinstance(o.level, _Dist) else np.full(D, o.point_level)
        return level, np.full(D, float(n)), level
    p = _draw(terms[0], u[:, 0])
    v = _draw(terms[1], u[:, 1])
    hits = (u[:, 2 : 2 + o.participants] < p[:, None]).sum(axis=1)
    return v * hits / o.participants, hits.astype(np.float64), v


def _draw(x: Figure, u: np.ndarray) -> np.ndarray:
    """A number or distribution at the uniforms ``u`` (D,): its quantiles, or the number D times."""
    from mkba.uncertainty.sampling import quantile

    return quantile(x, u) if isinstance(x, _Dist) else np.full(len(u), float(x))


#: The per-draw figures of :class:`SibSimulation` that :func:`simulate_sib` fills, each (N,).
_PER_DRAW = (
    "outcome_payments",
    "payer_payments",
    "investor_irr",
    "investor_multiple",
    "payer_net_savings",
    "floor_top_up",
    "guarantee_paid",
)
#: The figures a streamed simulation summarises (the IRR without total losses is read from the IRR's).
_STREAMED = (
    "investor_irr",
    "investor_multiple",
    "outcome_payments",
    "payer_payments",
    "payer_net_savings",
)
#: The most draws a streamed simulation takes: memory stays bounded, time does not (a typo of a few
#: zeros is refused rather than run for days).
MAX_STREAMED = 1_000_000_000
#: An IRR at or below this is a total loss (nothing comes back).
_TOTAL_LOSS = -1.0 + 1e-12


def _chunk(sib: SibModel, seed: int, start: int, stop: int) -> dict[str, np.ndarray]:
    """The per-draw figures of draws ``start..stop-1``: the arrays of :class:`SibSimulation` for them."""
    levels, counts, values, theta = draw_outcomes(sib, seed, start, stop)
    s = sib.run(levels, counts=counts, values=values, theta=theta)
    return {"levels": levels, **s.figures()}


def _streamed_rows(figs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The figures a streamed simulation summarises, from :func:`_chunk`'s (NaN where undefined)."""
    return {name: figs[name] for name in _STREAMED}


@dataclass
class SibStreamed:
    """A SIB simulation summarised while it streamed: memory independent of the number of draws.

    Exact counts (every probability), exact means, standard deviations (to rounding) and extremes;
    percentiles read from a :class:`~mkba.sib.summary.Sketch` with their rank error stated as
    ``quantile_error`` in :meth:`summary`. The same at any chunk size and number of workers.

    Attributes
    ----------
    n, seed, chunk_size : int
        Draws, their seed, and the draws computed at once.
    sketches : dict of str to Sketch
        Per figure (``investor_irr``, ``investor_multiple``, ``outcome_payments``, ``payer_payments``,
        ``payer_net_savings``): its summary, over the draws where it is defined (the IRR: where
        investors put money in).
    events : dict of str to int
        Draws where investors lose money (``investor_loss``), lose everything (``total_loss``), the
        payer pays more than it saves (``payer_loss``), the floor is used (``floor_used``), a named
        guarantee pays (``guarantee_called``).
    loss_each : ndarray (I,) of int
        Per investor, the draws where it loses money.
    lost : StreamSummary
        The IRRs of the total losses (-100 %): the lowest of ``sketches["investor_irr"]``, so that
        the IRR without them is read from that sketch's upper ranks.
    investor_ids : list of str
        The investors, in the order of ``loss_each``.
    guarantee : StreamSummary, optional
        What the named guarantees pay per draw (contract currency): its mean.
    """

    n: int
    seed: int
    chunk_size: int
    sketches: dict[str, Sketch]
    events: dict[str, int]
    loss_each: np.ndarray
    lost: StreamSummary
    investor_ids: list[str]
    guarantee: StreamSummary | None = None

    def _without_total_losses(self, worst: list[float]) -> dict[str, float | None] | None:
        """Percentiles, mean and sd of the IRR over the draws that are no total loss (None if none is).

        The total losses are the sketch's lowest draws: the ``q``-quantile of the rest is the
        sketch's at rank ``t + q (n - t)``, its rank error scaled to the rest; mean and sd are the
        whole's with the total losses taken out (Chan's update, reversed).
        """
        s, t = self.sketches["investor_irr"], self.lost.n
        rest = s.n - t
        if rest <= 0:
            return None
        got: dict[str, float | None] = {}
        for q in (5, 50, 95):
            value, error = s.quantile((t + q / 100 * rest) / s.n)
            got[f"p{q}"] = value
            worst[0] = max(worst[0], error * s.n / rest)
        if t == 0:
            return got | {"mean": s.mean, "std": s.std}
        mean = (s.n * s.mean - t * self.lost.mean) / rest
        delta = self.lost.mean - mean
        m2 = s.m2 - self.lost.m2 - delta * delta * t * rest / s.n
        return got | {"mean": mean, "std": math.sqrt(max(m2, 0.0) / (rest - 1)) if rest > 1 else 0.0}

    def summary(self) -> dict[str, Any]:
        """The figures ``mkba sib --simulate --json`` writes under ``simulation``.

        Returns
        -------
        dict
            The keys of :meth:`SibSimulation.summary`; each figure's ``mean`` and ``std`` are exact
            (to rounding), its ``p5``, ``p50``, ``p95`` within the rank error ``quantile_error``
            (a share of the draws, at most 0.005), and ``streamed`` is True.
        """
        worst = [0.0]

        def pct(name: str) -> dict[str, float | None]:
            s = self.sketches[name]
            if not s.n:
                return dict.fromkeys(("p5", "p50", "p95", "mean", "std"))
            got: dict[str, float | None] = {}
            for q in (5, 50, 95):
                value, error = s.quantile(q / 100)
                got[f"p{q}"] = value
                worst[0] = max(worst[0], error)
            return got | {"mean": s.mean, "std": s.std}

        n = self.n
        irr, multiple = pct("investor_irr"), pct("investor_multiple")
        rest = self._without_total_losses(worst)
        out = {
            "n": n,
            "seed": self.seed,
            "p_investor_loss": self.events["investor_loss"] / n,
            "p_investor_loss_each": {
                iid: int(self.loss_each[i]) / n for i, iid in enumerate(self.investor_ids)
            },
            "p_payer_pays_more_than_saves": self.events["payer_loss"] / n,
            "p_floor_used": self.events["floor_used"] / n,
            "p_guarantee_called": self.events["guarantee_called"] / n,
            "expected_guarantee_paid": self.guarantee.mean if self.guarantee and self.guarantee.n else 0.0,
            "investor_irr_p5": irr["p5"],
            "investor_irr_p50": irr["p50"],
            "investor_irr_p95": irr["p95"],
            "investor_irr_mean": irr["mean"],
            "investor_irr_distribution": {
                "total_loss_share": self.events["total_loss"] / n,
                "without_total_losses": rest,
                "note": _TOTAL_LOSS_NOTE,
            },
            "investor_multiple_min": (
                self.sketches["investor_multiple"].minimum if self.sketches["investor_multiple"].n else None
            ),
            "investor_multiple": multiple,
            "expected_outcome_payments": self.sketches["outcome_payments"].mean,
            "outcome_payments": pct("outcome_payments"),
            "payer_payments": pct("payer_payments"),
            "payer_net_savings": pct("payer_net_savings"),
            "expected_payer_net_savings": self.sketches["payer_net_savings"].mean,
        }
        return out | {"quantile_error": worst[0], "streamed": True}


def _guarantee_figures(paid: np.ndarray | None) -> dict[str, float]:
    """The share of draws in which a named guarantee pays, and what the guarantees pay on average."""
    if paid is None or not paid.size:
        return {"p_guarantee_called": 0.0, "expected_guarantee_paid": 0.0}
    return {"p_guarantee_called": float((paid > 0).mean()), "expected_guarantee_paid": float(paid.mean())}


_TOTAL_LOSS_NOTE = (
    "IRR percentiles over the draws where investors get something back; the draws "
    "where they lose everything (-100 %) are counted apart in total_loss_share"
)


@dataclass(frozen=True)
class _Task:
    """A run of chunks for one worker: plain data, so that it pickles to processes and Dask."""

    sib: SibModel
    seed: int
    bins: _Bins
    parts: tuple[tuple[int, int], ...]


@dataclass
class _Partial:
    """What one task returns: its summaries and counts, merged in the tasks' order."""

    sketches: dict[str, Sketch]
    events: dict[str, int]
    loss_each: np.ndarray
    lost: StreamSummary
    guarantee: StreamSummary  # what the named guarantees pay per draw: its mean

    def merge(self, other: _Partial) -> None:
        for key, sketch in self.sketches.items():
            sketch.merge(other.sketches[key])
        for key in self.events:
            self.events[key] += other.events[key]
        self.loss_each = self.loss_each + other.loss_each
        self.lost.merge(other.lost)
        self.guarantee.merge(other.guarantee)


def _lost() -> StreamSummary:
    """Count, mean and spread of the total losses' IRRs (no histogram: one bin)."""
    return StreamSummary(0.0, 0.0, thresholds=(), bins=1)


_EVENTS = ("investor_loss", "total_loss", "payer_loss", "floor_used", "guarantee_called")


@dataclass(frozen=True)
class _Bins:
    """The bins a run's first draws set for its histograms: what a task needs to start its summaries.

    Small to ship to a worker process or a Dask worker: empty sketches carry five arrays per leaf
    (1.8 MB of zeros a task for the Buzinezzclub contract); this carries each figure's range, its
    number of bins and the split bins' edges (a tenth of that).
    """

    sketches: dict[str, SketchBins]
    investors: int

    @classmethod
    def of(cls, pilot: dict[str, np.ndarray], investors: int) -> _Bins:
        """The bins that the first draws ``pilot`` set (the same at any chunking)."""
        made = {key: Sketch.from_pilot(values[np.isfinite(values)]) for key, values in pilot.items()}
        return cls({key: sketch.bins_only() for key, sketch in made.items()}, investors)

    def fresh(self) -> _Partial:
        """Empty summaries of these bins."""
        return _Partial(
            {key: Sketch.of_bins(bins) for key, bins in self.sketches.items()},
            dict.fromkeys(_EVENTS, 0),
            np.zeros(self.investors, dtype=np.int64),
            _lost(),
            _lost(),
        )


def _run_task(task: _Task) -> _Partial:
    """Summarise a task's chunks (in a worker process, on a Dask worker, or here)."""
    partial = task.bins.fresh()
    # the payers pay the outcome payments only (no floor top-up): both figures are one array, summarised once
    same = not task.sib.guarantor_is_payer
    for start, stop in task.parts:
        figs = _chunk(task.sib, task.seed, start, stop)
        for key, values in _streamed_rows(figs).items():
            if same and key == "payer_payments":
                assert values is figs["outcome_payments"]
                continue
            finite = np.isfinite(values)
            partial.sketches[key].add(values if finite.all() else values[finite])
        partial.events["investor_loss"] += int(np.count_nonzero(figs["investor_multiple"] < 1.0))
        irr = figs["investor_irr"]
        lost = irr[irr <= _TOTAL_LOSS]
        partial.events["total_loss"] += lost.size
        partial.lost.add(lost)
        partial.events["payer_loss"] += int(np.count_nonzero(figs["payer_net_savings"] < 0))
        partial.events["floor_used"] += int(np.count_nonzero(figs["floor_top_up"] > 0))
        if task.sib.contract.guarantees:
            partial.events["guarantee_called"] += int(np.count_nonzero(figs["guarantee_paid"] > 0))
            partial.guarantee.add(figs["guarantee_paid"])
        partial.loss_each = partial.loss_each + np.count_nonzero(figs["investor_multiple_each"] < 1.0, axis=0)
    if same:  # the same draws, and the same bins (the same pilot)
        partial.sketches["payer_payments"] = copy.deepcopy(partial.sketches["outcome_payments"])
    return partial


def _streamed(
    sib: SibModel,
    n: int,
    *,
    seed: int,
    chunk_size: int,
    workers: int | None,
    client: Any,
    progress: Callable[[int], None] | None,
) -> SibStreamed:
    """:func:`simulate_sib` summarised while it streams (see there)."""
    from mkba.uncertainty.sampling import chunks
    from mkba.uncertainty.streaming import PILOT

    if n > MAX_STREAMED:
        raise MkbaError(
            f"{n:,} draws is more than the {MAX_STREAMED:,} a simulation takes (it would run for hours); "
            "expected fewer draws",
            field="--simulate",
        )
    # the histograms' ranges from the first draws: the same at any chunk size and number of workers
    bins = _Bins.of(_streamed_rows(_chunk(sib, seed, 0, min(n, PILOT))), len(sib.investor_ids))
    parts = list(chunks(n, chunk_size))
    # one chunk a task here and on Dask; about four tasks per worker process
    per = 1 if workers is None or workers <= 1 or client is not None else -(-len(parts) // (4 * workers))
    tasks = [_Task(sib, seed, bins, tuple(parts[i : i + per])) for i in range(0, len(parts), per)]
    total = bins.fresh()
    # in the tasks' order, one at a time: the merge never depends on timing, memory never on n
    for task, partial in zip(tasks, _task_results(tasks, workers, client)):
        total.merge(partial)
        if progress is not None:
            progress(sum(stop - start for start, stop in task.parts))
    return SibStreamed(
        n=n,
        seed=seed,
        chunk_size=chunk_size,
        sketches=total.sketches,
        events=total.events,
        loss_each=total.loss_each,
        lost=total.lost,
        investor_ids=list(sib.investor_ids),
        guarantee=total.guarantee,
    )


def _task_results(tasks: list[_Task], workers: int | None, client: Any) -> Iterator[_Partial]:
    """Each task's summaries, in the tasks' order, as they finish; a lost worker stops the run.

    ``workers`` None: up to two threads of this process (numpy releases the GIL); else that many
    worker processes (:func:`mkba.uncertainty.parallel.run_tasks`).
    """
    threads = min(2, os.cpu_count() or 1)
    return run_tasks(_run_task, tasks, workers=workers, client=client, threads=threads)


@overload
def simulate_sib(
    sib: SibModel,
    n: int,
    *,
    seed: int = ...,
    chunk_size: int = ...,
    workers: int | None = ...,
    progress: Callable[[int], None] | None = ...,
    keep_draws: Literal[True],
    client: None = ...,
) -> SibSimulation: ...


@overload
def simulate_sib(
    sib: SibModel,
    n: int,
    *,
    seed: int = ...,
    chunk_size: int = ...,
    workers: int | None = ...,
    progress: Callable[[int], None] | None = ...,
    keep_draws: Literal[False] = ...,
    client: Any = ...,
) -> SibStreamed: ...


def simulate_sib(
    sib: SibModel,
    n: int,
    *,
    seed: int = 20260101,
    chunk_size: int = 50_000,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    keep_draws: bool = False,
    client: Any = None,
) -> SibSimulation | SibStreamed:
    """Draw ``n`` outcome sets and compute the contract for each, in chunks, summarised as they stream.

    By default the draws are summarised while they stream (:class:`SibStreamed`): exact
    probabilities, means and standard deviations, percentiles with a stated rank error of at most
    0.005 (``quantile_error``), in memory independent of ``n`` (one chunk's arrays per worker and
    about 4 MB of summaries). With ``keep_draws=True`` the figures of every draw are kept
    (:class:`SibSimulation`, about 70 bytes per draw; refused when they would not fit in memory).
    Either way the result is the same for any ``chunk_size`` and any number of ``workers`` (each
    draw depends only on the seed and its index; summaries merge in a fixed order): the counts
    and percentiles exactly, means and standard deviations to rounding (1e-12). Follows
    docs/method.md, section 7 (the uncertainty of a SIB in docs/sib.md).

    Parameters
    ----------
    sib : SibModel
        The compiled contract (:func:`mkba.sib.model.compile_sib`).
    n : int
        Number of draws (>= 1; at most :data:`MAX_STREAMED` streamed).
    seed : int
        Seed of the draws.
    chunk_size : int
        Draws computed at once (50,000 keeps the arrays in cache; memory grows with it).
    workers : int, optional
        Streamed: worker processes; default: up to two threads of this process. Kept: threads
        (default up to 2).
    progress : callable, optional
        Called with the number of draws finished after each chunk (the command line draws a bar).
    keep_draws : bool
        Keep the figures of every draw (for charts and per-draw tables).
    client : dask.distributed.Client, optional
        Stream the chunks over this Dask cluster (one chunk a task).

    Returns
    -------
    SibStreamed or SibSimulation
        The summary (:meth:`SibStreamed.summary`), or the per-draw figures (euro; IRR as a fraction
        per year) with the same :meth:`SibSimulation.summary`.

    Raises
    ------
    MkbaError
        For ``n`` not a whole number, ``n`` or ``chunk_size`` below 1, kept draws that would not fit in memory (or kept on a
        cluster), too many draws, or a worker or cluster lost before the end (no partial result).

    Examples
    --------
    >>> from mkba.sib.model import compile_sib
    >>> from mkba.sib.simulation import simulate_sib
    >>> sib = compile_sib("scenarios/buzinezzclub-rotterdam.yaml")
    >>> s = simulate_sib(sib, 20_000, seed=1).summary()
    >>> 0.0 <= s["p_investor_loss"] <= 1.0 and s["quantile_error"] <= 0.005
    True
    >>> simulate_sib(sib, 2000, seed=1, keep_draws=True).levels.shape
    (2000, 1)
    """
    from mkba.uncertainty.sampling import draws_asked

    n, chunk_size = draws_asked(n, chunk_size)
    if workers is not None and workers < 1:
        raise MkbaError("expected a number of workers >= 1", field="--workers")
    if not keep_draws:
        return _streamed(
            sib, n, seed=seed, chunk_size=chunk_size, workers=workers, client=client, progress=progress
        )
    if client is not None:
        raise MkbaError("the figures of every draw stay in this process: keep_draws=True takes no client")
    return _kept(sib, n, seed=seed, chunk_size=chunk_size, workers=workers, progress=progress)


def _kept(
    sib: SibModel,
    n: int,
    *,
    seed: int,
    chunk_size: int,
    workers: int | None,
    progress: Callable[[int], None] | None,
) -> SibSimulation:
    """:func:`simulate_sib` with the figures of every draw kept."""
    from mkba.uncertainty.sampling import check_draws_fit, chunks

    O, I = len(sib.outcomes), len(sib.contract.investors)
    check_draws_fit(n, 6 + O + I)
    out = {k: np.empty(n) for k in _PER_DRAW}
    levels_all = np.empty((n, O))
    each = np.empty((n, I))

    def run(bounds: tuple[int, int]) -> int:
        start, stop = bounds
        figs = _chunk(sib, seed, start, stop)
        sl = slice(start, stop)
        levels_all[sl] = figs["levels"]
        each[sl] = figs["investor_multiple_each"]
        for k in _PER_DRAW:
            out[k][sl] = figs[k]
        return stop - start

    _run_chunks(run, list(chunks(n, chunk_size)), workers, progress)
    return SibSimulation(
        n=n, seed=seed, levels=levels_all, investor_multiple_each=each, investor_ids=sib.investor_ids, **out
    )


def _run_chunks(
    run: Callable[[tuple[int, int]], int],
    parts: list[tuple[int, int]],
    workers: int | None,
    progress: Callable[[int], None] | None,
) -> None:
    """Call ``run`` on each chunk ``(start, stop)``, on ``workers`` threads, reporting to ``progress``.

    Default workers: up to 2 (as many as there are CPUs), and 1 for a single chunk.
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(parts) > 1 else 1
    if workers <= 1:
        for part in parts:
            done = run(part)
            if progress is not None:
                progress(done)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in pool.map(run, parts):
            if progress is not None:
                progress(done)
