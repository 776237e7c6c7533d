"""Price lists (maatschappelijke prijslijsten): items, versions, the price index, units, import and export.

What lives here (the file formats in docs/formats.md; indexation in docs/method.md, section 1):

- :mod:`mkba.pricelist.items`: :class:`~mkba.pricelist.items.PriceItem` (a unit cost in euro per
  unit, its price year, payer, nature and source) and the resolved
  :class:`~mkba.pricelist.items.PriceList`; the file model of a list;
- :mod:`mkba.pricelist.registry`: :class:`~mkba.pricelist.registry.Registry` and
  :func:`~mkba.pricelist.registry.load_pricelist`: lists by ``name@version``, ``extends`` and
  ``overrides`` resolved;
- :mod:`mkba.pricelist.index`: :class:`~mkba.pricelist.index.PriceIndex` (the CBS consumer price
  index) and indexation of amounts to a common price year;
- :mod:`mkba.pricelist.units`: units of items and quantities, and conversion between them;
- :mod:`mkba.pricelist.source`: where a figure comes from;
- :mod:`mkba.pricelist.compare`: :func:`~mkba.pricelist.compare.diff` of two lists, nominal and real;
- :mod:`mkba.pricelist.mapping`: column mappings (``format: mkba-mapping/1``);
- :mod:`mkba.pricelist.importing`: someone else's workbook or CSV read into a list with a mapping;
- :mod:`mkba.pricelist.exporting`: a list written to CSV, Excel or YAML, and that table read back.

Layer: mkba.pricelist may import :mod:`mkba.errors` and :mod:`mkba.io`; never
:mod:`mkba.scenario` or anything above it (they import it).

This package module imports nothing, so that ``import mkba.pricelist.index`` loads only what it needs.
"""
