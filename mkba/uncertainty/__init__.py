"""Uncertainty: seeded draws of the uncertain inputs, Monte Carlo, tornado and break-even.

What lives here (docs/method.md, section 6):

- :mod:`mkba.uncertainty.sampling`: counter-based (Philox) uniforms, so that draw ``i`` depends
  only on the seed and ``i`` (chunk-invariant), and fast quantile functions;
- :mod:`mkba.uncertainty.montecarlo`: :func:`~mkba.uncertainty.montecarlo.monte_carlo` and its
  :class:`~mkba.uncertainty.montecarlo.Simulation` (npv, bcr, fiscal and stakeholder npv per
  draw, in euro); progress is reported through a callback, never drawn here;
- :mod:`mkba.uncertainty.sensitivity`: one-way swings (:func:`~mkba.uncertainty.sensitivity.tornado`)
  and :func:`~mkba.uncertainty.sensitivity.break_even` values of the inputs;
- :mod:`mkba.uncertainty.paired`: several alternatives of a project on the same draws (common
  random numbers);
- :mod:`mkba.uncertainty.streaming`: summaries of draws that never hold them all;
- :mod:`mkba.uncertainty.parallel`: where chunks run (this process, worker processes, Dask), for
  every simulation and batch, with one message when a worker is lost.

Layer: mkba.uncertainty may import :mod:`mkba.errors`, :mod:`mkba.io`, :mod:`mkba.pricelist`,
:mod:`mkba.scenario` and :mod:`mkba.engine`; never :mod:`mkba.sib` or anything above it (they
import it).

This package module imports nothing, so that ``import mkba.uncertainty.sampling`` loads only what
it needs.
"""
