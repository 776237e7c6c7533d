"""Social Impact Bonds: a scenario's ``sib:`` contract compiled, paid out in whole cents, and simulated.

What lives here (docs/method.md, section 7; the contract's terms in docs/sib.md):

- :mod:`mkba.sib.model`: :func:`~mkba.sib.model.compile_sib` checks a ``sib:`` section
  against its scenario and compiles it into a :class:`~mkba.sib.model.SibModel` (the money
  at any outcome levels, the payer's break-even, the payout curve) and
  :class:`~mkba.sib.model.SibResult` (the figures at one set of levels);
- :mod:`mkba.sib.payout`: the payout engine on arrays in int64 euro cents (rounding, the
  outcome rules, the waterfall to provider and investors, the floor) and its
  :class:`~mkba.sib.payout.Schedule`;
- :mod:`mkba.sib.simulation`: seeded, chunk-invariant Monte Carlo of the outcomes
  (:func:`~mkba.sib.simulation.simulate_sib`).

The contract itself (its models and checks) lives with the scenario, in
:mod:`mkba.scenario.contract`; the payout chart in :mod:`mkba.report.sib_chart`.

Layer: mkba.sib may import :mod:`mkba.errors`, :mod:`mkba.io`, :mod:`mkba.pricelist`,
:mod:`mkba.scenario`, :mod:`mkba.engine` and :mod:`mkba.uncertainty`; never
:mod:`mkba.result`, :mod:`mkba.report` or :mod:`mkba.cli` (they import it).

This package module imports nothing, so that ``import mkba.sib.payout`` loads only what it needs.
"""
