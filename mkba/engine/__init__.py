"""The calculation core: a scenario compiled to arrays, its flows, and every figure of the method.

What lives here (docs/method.md, sections 1-5):

- :mod:`mkba.engine.model`: :func:`~mkba.engine.model.compile_scenario` turns a scenario and a
  price list into a :class:`~mkba.engine.model.Model` (one input column per number, one row of
  arrays per line); :meth:`~mkba.engine.model.Model.evaluate` gives the yearly flows in euro for
  many input sets (draws) at once;
- :mod:`mkba.engine.figures`: :func:`~mkba.engine.figures.figures`: present values, saldo
  (npv), ratios, payback year and IRR for every draw, per stakeholder and for the fiscal view;
- :mod:`mkba.engine.finance`: vectorised :func:`~mkba.engine.finance.npv` and
  :func:`~mkba.engine.finance.irr`.

Layer: mkba.engine may import :mod:`mkba.errors`, :mod:`mkba.io`, :mod:`mkba.pricelist` and
:mod:`mkba.scenario`; never :mod:`mkba.uncertainty` or anything above it (they import it).
Numeric code here draws no progress bars and loads neither pandas nor scipy.

This package module imports nothing, so that ``import mkba.engine.finance`` loads only what it needs.
"""
