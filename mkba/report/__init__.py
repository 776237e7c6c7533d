"""Presentation: everything a reader sees of a result, and nothing that computes a figure.

Modules:

* :mod:`mkba.report.vocabulary`: one vocabulary naming every figure, line kind and column for
  readers, in Dutch (default) and English;
* :mod:`mkba.report.text`: a result as text (``repr``) and as HTML (the notebook view);
* :mod:`mkba.report.charts`: PNG charts of a result and its uncertainty (matplotlib, imported lazily);
* :mod:`mkba.report.sib_chart`: the SIB payout curve;
* :mod:`mkba.report.sib_view`: what the SIB outputs show (rows, order, units, the payment schedule
  table), for the terminal, the HTML report and their tests alike;
* :mod:`mkba.report.excel`: the auditable workbook of live formulas (openpyxl, imported lazily).

Layer: above :mod:`mkba.result`. It may import errors, io, pricelist, scenario, engine, uncertainty,
sib and result; only :mod:`mkba.cli` imports it (and :class:`mkba.result.Result`'s thin forwarders
``to_excel``, ``__repr__`` and ``_repr_html_``, inside those methods).
"""
