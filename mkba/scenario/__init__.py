"""Scenarios and projects: the files a user writes about an initiative, validated.

What lives here (the formats in docs/formats.md; distributions in docs/method.md, section 6):

- :mod:`mkba.scenario.model`: :class:`~mkba.scenario.model.Scenario` and
  :func:`~mkba.scenario.model.load_scenario`: participants, cost, effect and volunteer lines,
  stakeholders, PM posts; every part remembers its line in the file;
- :mod:`mkba.scenario.fields`: field types shared by the scenario and its contract (numbers that
  may be distributions, shares 0-1, rates per year, whole years);
- :mod:`mkba.scenario.distributions`: :class:`~mkba.scenario.distributions.Triangular`,
  ``Uniform``, ``Pert``, ``Normal`` and ``Beta``: mean, support, quantile function and swing;
- :mod:`mkba.scenario.contract`: the ``sib:`` section, the terms of a Social Impact Bond
  (docs/method.md, section 7), and its checks against the scenario;
- :mod:`mkba.scenario.changes`: the path language of variants (``set``, ``remove``, ``add``);
- :mod:`mkba.scenario.project`: project files, alternatives against a nulalternatief.

Layer: mkba.scenario may import :mod:`mkba.errors`, :mod:`mkba.io` and :mod:`mkba.pricelist`;
never :mod:`mkba.engine` or anything above it (they import it).

This package module imports nothing, so that ``import mkba.scenario.model`` loads only what it needs.
"""
