"""Monte Carlo of a Social Impact Bond's outcomes: seeded, chunk-invariant draws through the payout engine.

What lives here: :func:`simulate_sib` draws N outcome sets (levels, or successes drawn per
participant; :func:`draw_outcomes`) and the scenario's uncertain inputs with
:mod:`mkba.uncertainty.sampling`, computes the contract for each with
:meth:`mkba.sib.model.SibModel.run`, in chunks, and keeps the per-draw figures
(:class:`SibSimulation`). The result is identical at any chunk size and
number of workers. The method is docs/method.md, sections 6 (draws) and 7 (SIBs);
see docs/sib.md for the figures.

Units: money in euro, IRR as a fraction per year, multiples as euro back per euro invested.

Imports: :mod:`mkba.errors`, :mod:`mkba.scenario` (distributions), :mod:`mkba.uncertainty`
(imported where used, so that importing this module stays light) and :mod:`mkba.sib.model`;
never :mod:`mkba.result`, :mod:`mkba.report` or :mod:`mkba.cli`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mkba.errors import MkbaError
from mkba.scenario.distributions import _Dist
from mkba.sib.model import CompiledOutcome, Figure, SibModel


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

    def summary(self) -> dict[str, Any]:
        """The figures ``mkba sib --simulate --json`` writes under ``simulation``.

        Returns
        -------
        dict
            Probabilities (fractions), percentiles ``p5``, ``p50``, ``p95`` and means of
            the per-draw figures (contract currency; the payer's net savings in euro; IRR as a
            fraction per year, its distribution also without the draws at -100 %, whose share is
            ``investor_irr_distribution.total_loss_share``).
        """

        def pct(x: np.ndarray) -> dict[str, float | None]:
            x = x[np.isfinite(x)]
            if not x.size:  # e.g. no investors: no IRR or multiple
                return dict.fromkeys(("p5", "p50", "p95", "mean"))
            got: dict[str, float | None] = {f"p{q}": float(np.percentile(x, q)) for q in (5, 50, 95)}
            return got | {"mean": float(x.mean())}

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
            "investor_irr_p5": irr["p5"],
            "investor_irr_p50": irr["p50"],
            "investor_irr_p95": irr["p95"],
            "investor_irr_mean": irr["mean"],
            "investor_irr_distribution": {
                "total_loss_share": float(total_loss.mean()),
                "without_total_losses": pct(rest) if rest.size else None,
                "note": "IRR percentiles over the draws where investors get something back; the draws "
                "where they lose everything (-100 %) are counted apart in total_loss_share",
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
    levels = np.empty((D, len(sib.outcomes)))
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
)


def simulate_sib(
    sib: SibModel,
    n: int,
    *,
    seed: int = 20260101,
    chunk_size: int = 50_000,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SibSimulation:
    """Draw ``n`` outcome sets and compute the contract for each, in chunks.

    The result is the same for any ``chunk_size`` and any number of
    ``workers`` (each draw depends only on the seed and its index, and each
    chunk writes its own rows). Memory: one chunk's arrays per worker at a
    time, plus about 70 bytes per draw for the per-draw figures kept for
    percentiles. Follows docs/method.md, section 7 (the uncertainty of a SIB in docs/sib.md).

    Parameters
    ----------
    sib : SibModel
        The compiled contract (:func:`mkba.sib.model.compile_sib`).
    n : int
        Number of draws (>= 1).
    seed : int
        Seed of the draws.
    chunk_size : int
        Draws computed at once (50,000 keeps the arrays in cache).
    workers : int, optional
        Threads computing chunks side by side (numpy releases the GIL);
        default: up to 2, and 1 for small runs.
    progress : callable, optional
        Called with the number of draws finished after each chunk (the command line draws a bar).

    Returns
    -------
    SibSimulation
        Per-draw figures (euro; IRR as a fraction per year) and :meth:`SibSimulation.summary`.

    Raises
    ------
    MkbaError
        For ``n`` or ``chunk_size`` below 1, or results that would not fit in memory.

    Examples
    --------
    >>> from mkba.sib.model import compile_sib
    >>> from mkba.sib.simulation import simulate_sib
    >>> sib = compile_sib("scenarios/buzinezzclub-rotterdam.yaml")
    >>> sim = simulate_sib(sib, 2000, seed=1)
    >>> sim.levels.shape
    (2000, 1)
    >>> 0.0 <= sim.summary()["p_investor_loss"] <= 1.0
    True
    """
    from mkba.uncertainty.sampling import check_draws_fit, chunks

    if n < 1:
        raise MkbaError("expected a number of draws >= 1")
    if chunk_size < 1:
        raise MkbaError("expected a chunk size >= 1")
    O, I = len(sib.outcomes), len(sib.contract.investors)
    check_draws_fit(n, 6 + O + I)
    out = {k: np.empty(n) for k in _PER_DRAW}
    levels_all = np.empty((n, O))
    each = np.empty((n, I))
    invested_each = sib.invest_cents.sum(axis=1).astype(np.float64)

    def run(bounds: tuple[int, int]) -> int:
        start, stop = bounds
        levels, counts, values, theta = draw_outcomes(sib, seed, start, stop)
        s = sib.run(levels, counts=counts, values=values, theta=theta)
        sl = slice(start, stop)
        levels_all[sl] = levels
        out["outcome_payments"][sl] = s.outcome_payments_total
        out["payer_payments"][sl] = s.payer_cents.sum(axis=1) / 100.0
        out["investor_irr"][sl] = s.investor_irr()
        back = s.back_each_cents()  # (D, I): payments, floor top-ups and guarantees
        with np.errstate(divide="ignore", invalid="ignore"):  # no investors: NaN
            each[sl] = back / invested_each[None]
            out["investor_multiple"][sl] = back.sum(axis=1) / invested_each.sum()
        out["payer_net_savings"][sl] = s.payer_net_savings
        out["floor_top_up"][sl] = s.guarantee_cents[:, :, s.settle].sum(axis=1) / 100.0
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
