"""Monte Carlo of a Social Impact Bond's outcomes: seeded, chunk-invariant draws through the payout engine.

:func:`simulate_sib` draws N outcome sets (levels, or successes drawn per
participant; :func:`draw_outcomes`) and the scenario's uncertain inputs with
:mod:`mkba.uncertainty.sampling`, computes the contract for each with
:meth:`mkba.sib.SibModel.run`, in chunks, and keeps the per-draw figures
(:class:`SibSimulation`). The result is identical at any chunk size and
number of workers. See docs/sib.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mkba.errors import MkbaError
from mkba.scenario.distributions import _Dist
from mkba.sib.model import SibModel


@dataclass
class SibSimulation:
    """Per-draw figures of a simulation (arrays of shape (N,)) and their summary."""

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

    def summary(self) -> dict:
        """The figures ``mkba sib --simulate --json`` writes under ``simulation``."""

        def pct(x):
            return {f"p{q}": float(np.percentile(x, q)) for q in (5, 50, 95)} | {"mean": float(x.mean())}

        irr = pct(self.investor_irr)
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
            "investor_multiple_min": float(self.investor_multiple.min()),
            "investor_multiple": pct(self.investor_multiple),
            "expected_outcome_payments": float(self.outcome_payments.mean()),
            "outcome_payments": pct(self.outcome_payments),
            "payer_payments": pct(self.payer_payments),
            "payer_net_savings": pct(self.payer_net_savings),
            "expected_payer_net_savings": float(self.payer_net_savings.mean()),
        }


#: Key offset of the outcome draws, so that they form their own stream next to the scenario's inputs.
OUTCOME_STREAM = 0x51B0_0C0E_51B0_0C0E


def draw_outcomes(sib: SibModel, seed: int, start: int, stop: int):
    """Outcome draws ``start..stop-1``: levels (D, O), counts, values, and the scenario inputs theta.

    Draw ``i`` depends only on ``seed`` and ``i``, whatever the chunk. The
    scenario's uncertain inputs are drawn by :func:`mkba.sampling.draw_inputs`
    (the same draws as the MKBA Monte Carlo with this seed); the outcomes come
    from their own stream (:func:`mkba.sampling.uniforms` keyed by ``seed``
    XOR :data:`OUTCOME_STREAM`): per outcome one dimension for its level (level
    mode), or two (success probability, value) plus one per participant
    (participant mode). The quantities of the effect lines an outcome names are
    not drawn: the outcome level sizes those lines.
    """
    from mkba.uncertainty.sampling import draw_inputs, quantile, uniforms

    dims = [2 + o.participants if o.success is not None else 1 for o in sib.outcomes]
    u = uniforms((seed ^ OUTCOME_STREAM) % 2**64, start, stop, sum(dims))
    D = stop - start
    levels = np.empty((D, len(sib.outcomes)))
    counts = np.empty_like(levels)
    values = np.empty_like(levels)
    at = 0
    for k, o in enumerate(sib.outcomes):
        n = o.participants if o.per_participant else 1
        if o.success is None:
            lv = o.level
            levels[:, k] = quantile(lv, u[:, at]) if isinstance(lv, _Dist) else o.point_level
            counts[:, k], values[:, k] = n, levels[:, k]
        else:
            p = (
                quantile(o.success, u[:, at])
                if isinstance(o.success, _Dist)
                else np.full(D, float(o.success))
            )
            v = quantile(o.value, u[:, at + 1]) if isinstance(o.value, _Dist) else np.full(D, float(o.value))
            hits = (u[:, at + 2 : at + 2 + o.participants] < p[:, None]).sum(axis=1)
            counts[:, k], values[:, k] = hits, v
            levels[:, k] = v * hits / o.participants
        at += dims[k]
    theta = None
    if any(inp.uncertain for inp in sib.model.inputs):
        theta = draw_inputs(sib.model, seed, start, stop)
        for o in sib.outcomes:
            theta[:, o.quantity_cols] = sib.model.base[o.quantity_cols]
    return levels, counts, values, theta


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
    percentiles.

    Parameters
    ----------
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
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    from mkba.uncertainty.sampling import check_draws_fit, chunks

    if n < 1:
        raise MkbaError("expected a number of draws >= 1")
    if chunk_size < 1:
        raise MkbaError("expected a chunk size >= 1")
    O, I = len(sib.outcomes), len(sib.contract.investors)
    check_draws_fit(n, 6 + O + I)
    out = {
        k: np.empty(n)
        for k in (
            "outcome_payments",
            "payer_payments",
            "investor_irr",
            "investor_multiple",
            "payer_net_savings",
            "floor_top_up",
        )
    }
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
        back = (s.received_cents + s.guarantee_cents).sum(axis=2)  # (D, I)
        each[sl] = back / invested_each[None]
        out["investor_multiple"][sl] = back.sum(axis=1) / invested_each.sum()
        out["payer_net_savings"][sl] = s.payer_net_savings
        out["floor_top_up"][sl] = s.guarantee_cents.sum(axis=(1, 2)) / 100.0
        return stop - start

    parts = list(chunks(n, chunk_size))
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(parts) > 1 else 1
    if workers <= 1:
        for part in parts:
            done = run(part)
            if progress is not None:
                progress(done)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done in pool.map(run, parts):
                if progress is not None:
                    progress(done)
    return SibSimulation(
        n=n, seed=seed, levels=levels_all, investor_multiple_each=each, investor_ids=sib.investor_ids, **out
    )
