"""Spreadsheet files as numbered rows of cells: Excel workbooks (``.xlsx``) and CSV.

The reading both :mod:`mkba.pricelist.importing` and :mod:`mkba.pricelist.exporting` share: open a
workbook or a UTF-8 CSV file (every failure an :class:`~mkba.errors.MkbaError`
naming the file), number its rows as the sheet or the CSV line does, find the
hyperlinks openpyxl's read-only mode leaves out, and turn a cell into one line
of text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from mkba.errors import MkbaError

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from _csv import Reader as _CsvReader

_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class Row:
    """One row of a table: its number (sheet row or CSV line) and its cell values."""

    number: int
    values: tuple[Any, ...]


def open_workbook(path: Path) -> Any:
    """A workbook opened read-only, with the values (not the formulas) of its cells.

    The workbook is an ``openpyxl`` ``Workbook`` (typed ``Any``: openpyxl ships no type hints);
    openpyxl is imported here, when a workbook is read, not when this module is.

    Raises
    ------
    MkbaError
        When the file is missing or not a readable ``.xlsx`` workbook.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise MkbaError("file not found", file=str(path)) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise MkbaError(f"not a readable .xlsx workbook ({exc})", file=str(path)) from None


def csv_rows(path: Path, delimiter: str) -> Iterator[Row]:
    """The records of a UTF-8 CSV file, each numbered by the line it starts on.

    The file is read at once (a missing or non-UTF-8 file is an error here);
    the records are parsed as they are taken.

    Raises
    ------
    MkbaError
        When the file is missing, not UTF-8, or (while iterating) not valid CSV.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MkbaError("file not found", file=str(path)) from None
    except UnicodeDecodeError:
        raise MkbaError("not UTF-8 text; expected a UTF-8 encoded CSV file", file=str(path)) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _csv_records(reader, str(path))


def _csv_records(reader: _CsvReader, file: str) -> Iterator[Row]:
    """CSV records, numbered by the line each starts on."""
    line = 1
    try:
        for record in reader:
            yield Row(line, tuple(record))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise MkbaError(f"not valid CSV: {exc}", file=file, line=reader.line_num) from None


def workbook_hyperlinks(path: Path, sheets: list[str]) -> dict[str, dict[str, str]]:
    """Per sheet, cell reference (``Q5``) to external hyperlink target.

    openpyxl's read-only mode does not read hyperlinks, so they are taken from
    the workbook's XML: the sheet's ``<hyperlink ref= r:id=>`` elements and the
    targets in its relationships part.
    """
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        return {sheet: _sheet_hyperlinks(archive, parts[sheet]) for sheet in sheets if sheet in parts}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name to the path of its XML part in the archive."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    targets = _relationship_targets(archive, "xl/_rels/workbook.xml.rels")
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_RELATIONSHIPS_NS}}}id", ""), "")
        parts[sheet.get("name", "")] = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
    return parts


def _relationship_targets(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    try:
        root = ElementTree.fromstring(archive.read(part))
    except KeyError:
        return {}
    return {
        rel.get("Id", ""): rel.get("Target", "") for rel in root.iter(f"{{{_PACKAGE_RELS_NS}}}Relationship")
    }


def _sheet_hyperlinks(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    targets = _relationship_targets(archive, f"{folder}/_rels/{name}.rels")
    links: dict[str, str] = {}
    with archive.open(part) as stream:
        for _, element in ElementTree.iterparse(stream):
            if element.tag == f"{{{_MAIN_NS}}}hyperlink":
                target = targets.get(element.get(f"{{{_RELATIONSHIPS_NS}}}id", ""))
                if target:
                    links.update(dict.fromkeys(_cells_of_range(element.get("ref", "")), target))
            elif element.tag == f"{{{_MAIN_NS}}}row":
                element.clear()
    return links


def _cells_of_range(ref: str) -> list[str]:
    """``'Q8:Q10'`` -> ``['Q8', 'Q9', 'Q10']``; ``'Q5'`` -> ``['Q5']``."""
    first, _, last = ref.partition(":")
    if not last:
        return [first]
    (c1, r1), (c2, r2) = (_cell_parts(first), _cell_parts(last))
    columns = range(column_index(c1), column_index(c2) + 1)
    return [f"{column_letter(c)}{r}" for c in columns for r in range(int(r1), int(r2) + 1)]


def column_index(letters: str) -> int:
    """The 1-based number of a column: ``'A'`` -> 1, ``'Z'`` -> 26, ``'AA'`` -> 27 (any case).

    Raises
    ------
    ValueError
        When ``letters`` is empty or holds anything but the letters A-Z.
    """
    number = 0
    for char in letters.upper():
        if not "A" <= char <= "Z":
            raise ValueError(f"{letters!r} is not a column name; expected letters such as 'H' or 'AB'")
        number = number * 26 + ord(char) - ord("A") + 1
    if number == 0:
        raise ValueError("expected a column name such as 'H' or 'AB', got an empty text")
    return number


def column_letter(number: int) -> str:
    """The letters of the 1-based column ``number``: 1 -> ``'A'``, 27 -> ``'AA'``."""
    if number < 1:
        raise ValueError(f"expected a column number of at least 1, got {number}")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cell_parts(ref: str) -> tuple[str, str]:
    """``'Q5'`` -> ``('Q', '5')``: the column letters and the row digits of a cell reference."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    if match is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    return match[1], match[2]


# --------------------------------------------------------------------------- cell text to values


def is_blank(value: Any) -> bool:
    """Whether a cell is empty: no value, or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: Any) -> str:
    """Cell content as one line of text (runs of white space become one space)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()
    return " ".join(str(value).split())
