"""Spreadsheet files as numbered rows of cells: Excel workbooks (``.xlsx``) and CSV.

The reading both :mod:`mkba.pricelist.importing` and :mod:`mkba.pricelist.exporting` share: open a
workbook or a UTF-8 CSV file (every failure an :class:`~mkba.errors.MkbaError`
naming the file), number its rows as the sheet or the CSV line does, find the
hyperlinks openpyxl's read-only mode leaves out, and turn a cell into one line
of text.

A workbook is a zip of XML parts, and an untrusted one is checked before openpyxl sees it
(docs/security.md): at most :data:`MAX_PARTS` parts, their declared sizes at most
:data:`MAX_UNPACKED_BYTES` together and each at most :data:`MAX_RATIO` times its compressed
size, every part really unpacked within those sizes (a corrupt deflate stream or a wrong
CRC is found here), and no XML part with a document type declaration (``<!DOCTYPE``: entity
bombs and external entities). Every exception of the zip, XML, CSV and openpyxl readers,
also while rows are read, becomes one :class:`~mkba.errors.MkbaError` naming the file.
CSV text written by mkba is protected against formula injection by :func:`safe_csv_cell`
and read back by :func:`unsafe_csv_cell`.
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
from mkba.io.files import check_input, read_input

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from _csv import Reader as _CsvReader

_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

#: The most parts (files) a workbook's zip may hold.
MAX_PARTS = 10_000
#: The most bytes a workbook's parts may unpack to, together.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
#: The highest compression ratio of one part (parts under 1 MiB unpacked are not held to it).
MAX_RATIO = 200
_CHUNK = 1 << 20
#: The first characters of a CSV cell that a spreadsheet may take for a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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

    check_workbook(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except MkbaError:  # pragma: no cover - openpyxl raises none, but one must pass through
        raise
    except Exception as exc:  # every failure of zip, XML and openpyxl: one error naming the file
        raise MkbaError(f"not a readable .xlsx workbook ({_short(exc)})", file=str(path)) from None


def _short(exc: BaseException) -> str:
    """An exception as one short line of text."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "..."


def check_workbook(path: Path) -> None:
    """Check an ``.xlsx`` file before it is opened: a sound zip within the limits (module docstring).

    Raises
    ------
    MkbaError
        Naming the file (and the part): not a regular file or too large, not a zip, too many
        parts, a zip bomb by declared or real sizes, a corrupt part, or XML with a DOCTYPE.
    """
    file = str(check_input(path))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_PARTS:
                raise MkbaError(
                    f"the workbook has {len(members):,} parts; expected at most {MAX_PARTS:,}", file=file
                )
            declared = sum(m.file_size for m in members)
            if declared > MAX_UNPACKED_BYTES:
                raise MkbaError(
                    f"the workbook unpacks to {declared:,} bytes; expected at most {MAX_UNPACKED_BYTES:,} "
                    "(a zip bomb?)",
                    file=file,
                )
            total = 0
            for member in members:
                total += _check_part(archive, member, file, MAX_UNPACKED_BYTES - total)
    except MkbaError:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, CRC errors, OSError, ...
        raise MkbaError(f"not a readable .xlsx workbook ({_short(exc)})", file=file) from None


def _check_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, file: str, budget: int) -> int:
    """Unpack one part within its declared size, ratio and the budget left; return its size."""
    limit = min(budget, member.file_size)
    if member.file_size > _CHUNK and member.file_size > MAX_RATIO * max(member.compress_size, 1):
        raise MkbaError(
            f"the part {member.filename!r} is compressed {member.file_size // max(member.compress_size, 1):,} "
            f"to 1; expected at most {MAX_RATIO} to 1 (a zip bomb?)",
            file=file,
        )
    size = 0
    head = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise MkbaError(
                    f"the part {member.filename!r} unpacks to more than it declares or the limit allows "
                    "(a zip bomb?)",
                    file=file,
                )
            if len(head) < 4096:
                head += chunk[:4096]
    if member.filename.lower().endswith((".xml", ".rels", ".vml")) and b"<!DOCTYPE" in head.upper():
        raise MkbaError(
            f"the part {member.filename!r} declares a DOCTYPE (entities); a workbook never needs one",
            file=file,
        )
    return size


def sheet_rows(workbook: Any, sheet: str, file: str) -> Iterator[Row]:
    """The rows of a sheet of an open workbook, numbered from 1; any failure one :class:`MkbaError`.

    Raises
    ------
    MkbaError
        Naming the file and the sheet, when a row cannot be read (corrupt XML, say).
    """
    number = 0
    try:
        for number, values in enumerate(workbook[sheet].iter_rows(values_only=True), start=1):
            yield Row(number, values)
    except MkbaError:
        raise
    except Exception as exc:
        raise MkbaError(
            f"sheet {sheet!r}, after row {number}: not a readable .xlsx workbook ({_short(exc)})", file=file
        ) from None


def csv_rows(path: Path, delimiter: str, raw: bytes | None = None) -> Iterator[Row]:
    """The records of a UTF-8 CSV file, each numbered by the line it starts on.

    The file is read at once (a missing or non-UTF-8 file is an error here), unless its bytes are
    given as ``raw``; the records are parsed as they are taken.

    Raises
    ------
    MkbaError
        When the file is missing, not UTF-8, or (while iterating) not valid CSV.
    """
    if raw is None:
        raw = read_input(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MkbaError(
            "not UTF-8 text; expected a UTF-8 encoded CSV file",
            file=str(path),
            line=raw.count(b"\n", 0, exc.start) + 1,
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise MkbaError("a NUL character; expected CSV text", file=str(path), line=line)
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


def safe_csv_cell(value: Any) -> Any:
    """A cell for a CSV file that no spreadsheet runs as a formula (OWASP's rule).

    Text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'``
    in front; numbers, and anything else, pass unchanged. :func:`unsafe_csv_cell` undoes it.

    Examples
    --------
    >>> safe_csv_cell("=1+1"), safe_csv_cell(-3.5), safe_csv_cell("'quoted")
    ("'=1+1", -3.5, "''quoted")
    """
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "'")) and not _is_number(value):
        return "'" + value
    return value


def unsafe_csv_cell(value: Any) -> Any:
    """The text :func:`safe_csv_cell` was given: one leading ``'`` taken off.

    Examples
    --------
    >>> unsafe_csv_cell("'=1+1"), unsafe_csv_cell("''quoted"), unsafe_csv_cell("plain")
    ('=1+1', "'quoted", 'plain')
    """
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return value


def _is_number(text: str) -> bool:
    """Whether text is a plain number (``-3.5``): a number is never neutralised."""
    try:
        float(text)
    except ValueError:
        return False
    return text == text.strip() and (text[1:2].isdigit() or text[1:2] == ".")


#: What is wrong with a cell that :func:`workbook_cells` finds holding a formula without a saved value
#: (openpyxl reads it as empty), as every reader of a workbook says it: "cell B5 " + this.
UNSAVED_FORMULA = (
    "holds a formula without a saved value (the workbook was written by a program and never "
    "calculated); open and save it in Excel or LibreOffice first"
)


def workbook_cells(path: Path, sheets: list[str]) -> dict[str, tuple[dict[str, str], set[str]]]:
    """Per sheet, its hyperlinks (cell reference ``Q5`` to external target) and the cells (``B5``)
    that hold a formula without a saved value.

    openpyxl's read-only mode reads neither: hyperlinks are taken from the sheet's
    ``<hyperlink ref= r:id=>`` elements and the targets in its relationships part, and a formula
    without a saved value reads as empty, as a workbook written by a program and never opened in a
    spreadsheet has it."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            return {sheet: _sheet_scan(archive, parts[sheet]) for sheet in sheets if sheet in parts}
    except MkbaError:  # pragma: no cover
        raise
    except Exception as exc:  # zip, XML and key errors of a malformed workbook
        raise MkbaError(f"not a readable .xlsx workbook ({_short(exc)})", file=str(path)) from None


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


def _sheet_scan(archive: zipfile.ZipFile, part: str) -> tuple[dict[str, str], set[str]]:
    folder, name = posixpath.split(part)
    targets = _relationship_targets(archive, f"{folder}/_rels/{name}.rels")
    links: dict[str, str] = {}
    uncached: set[str] = set()
    with archive.open(part) as stream:
        for _, element in ElementTree.iterparse(stream):
            if element.tag == f"{{{_MAIN_NS}}}c":
                if element.find(f"{{{_MAIN_NS}}}f") is not None and not _has_value(element):
                    uncached.add(element.get("r", ""))
            elif element.tag == f"{{{_MAIN_NS}}}hyperlink":
                target = targets.get(element.get(f"{{{_RELATIONSHIPS_NS}}}id", ""))
                if target:
                    links.update(dict.fromkeys(_cells_of_range(element.get("ref", "")), target))
            elif element.tag == f"{{{_MAIN_NS}}}row":
                element.clear()
    return links, uncached


def _has_value(cell: ElementTree.Element) -> bool:
    value = cell.find(f"{{{_MAIN_NS}}}v")
    inline = cell.find(f"{{{_MAIN_NS}}}is")
    return (value is not None and bool(value.text)) or inline is not None


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


def cell_position(ref: str) -> tuple[int, int]:
    """``'AA5'`` -> ``(5, 27)``: the row and the column of a cell reference, to order cells as a sheet does.

    Examples
    --------
    >>> sorted(["AA5", "B5", "C2"], key=cell_position)
    ['C2', 'B5', 'AA5']
    """
    letters, digits = _cell_parts(ref)
    return int(digits), column_index(letters)


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


def safe_csv_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame whose text cells pass :func:`safe_csv_cell`; numbers unchanged."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype.kind not in "biufcmM":  # text of any dtype (object, string)
            safe[column] = safe[column].map(safe_csv_cell)
    return safe
