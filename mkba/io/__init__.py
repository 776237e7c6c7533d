"""Reading and writing files: the lowest layer above :mod:`mkba.errors`.

What lives here:

- :mod:`mkba.io.documents`: strict reading of YAML 1.2, TOML and JSON with the line of every key
  (:func:`~mkba.io.documents.read_document`), and validation against closed pydantic models that
  turns any problem into one :class:`~mkba.errors.MkbaError` naming file, line and field;
- :mod:`mkba.io.strict_yaml`: the strict YAML 1.2 loader on PyYAML that gives every line; imported
  only when a line is needed (a message) or the fast Rust parser is missing;
- :mod:`mkba.io.files`: atomic writing (:func:`~mkba.io.files.write_atomic`): a failure never
  leaves a half-written file;
- :mod:`mkba.io.spreadsheet`: Excel workbooks and UTF-8 CSV files as numbered rows of cells, their
  hyperlinks, and column letters (openpyxl is imported only when a workbook is opened);
- :mod:`mkba.io.paths`: where the bundled price lists, index and column mappings live.

Layer: mkba.io may import :mod:`mkba.errors` only; every other layer may import it.

This package module imports nothing, so that ``import mkba.io.files`` loads only what it needs.
"""
