"""Compute what a report shows: the tornado, break-even values, Monte Carlo and the SIB.

:func:`analyse` runs what ``mkba report`` asks for on a point result and returns an
:class:`~mkba.report.html.context.Analysis`; a scenario with a ``sib:`` always gets its contract at
the expected outcome, and with ``simulate`` also its outcome levels drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mkba.errors import MkbaError
from mkba.report.html.context import BREAK_EVEN_TOP, Analysis

if TYPE_CHECKING:
    from mkba.result import Result

Progress = Callable[[int], None] | None


def analyse(
    result: Result,
    *,
    simulate: int | None = None,
    tornado: bool = False,
    seed: int = 20260101,
    chunk_size: int = 100_000,
    progress: Progress = None,
    sib_progress: Progress = None,
) -> Analysis:
    """Everything beside the point result that the report shows.

    Parameters
    ----------
    result : mkba.result.Result
        The point result.
    simulate : int, optional
        Monte Carlo draws (of the scenario's uncertain inputs and, with a ``sib:``, of its outcome
        levels, on their own stream).
    tornado : bool
        One-way sensitivity of every uncertain input, and the break-even of the
        :data:`~mkba.report.html.context.BREAK_EVEN_TOP` inputs with the largest swing.
    seed : int
        Seed of the draws.
    chunk_size : int
        Draws evaluated at once.
    progress, sib_progress : callable, optional
        Called with the draws done after each chunk.

    Returns
    -------
    Analysis

    Raises
    ------
    MkbaError
        When ``simulate`` is below 1, or the SIB contract does not fit the scenario.
    """
    analysis = Analysis(npv_base=result.npv)
    if simulate is not None and simulate < 1:
        raise MkbaError("--simulate expects a number of draws >= 1")
    if simulate is not None:
        from mkba.uncertainty.montecarlo import monte_carlo

        analysis.simulation = monte_carlo(
            result.model, simulate, seed=seed, chunk_size=chunk_size, progress=progress, keep_draws=True
        )
    if tornado:
        from mkba.uncertainty import sensitivity

        frame = sensitivity.tornado(result.model, lang=result.lang)
        analysis.npv_base = float(frame.attrs.get("npv_base", result.npv))
        rows = [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]
        analysis.tornado = rows
        analysis.break_even = [
            sensitivity.break_even(result.model, str(r["input"]), lang=result.lang)
            for r in rows[:BREAK_EVEN_TOP]
        ]
    if result.scenario.sib is not None:
        from mkba.sib.model import compile_sib

        sib = compile_sib(result.scenario, result.model.pricelist)
        analysis.sib = sib.point()
        if simulate is not None:
            from mkba.sib.simulation import simulate_sib

            analysis.sib_simulation = simulate_sib(
                sib,
                simulate,
                seed=seed,
                chunk_size=min(chunk_size, 50_000),
                progress=sib_progress,
                keep_draws=True,  # the report's histogram needs every draw
            )
    return analysis
