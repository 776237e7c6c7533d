"""Price lists from someone else's spreadsheet: a workbook (``.xlsx``) or CSV read with a column mapping.

:func:`import_pricelist` applies a :class:`~mkba.mapping.Mapping` (see
:mod:`mkba.pricelist.mapping`) to each selected sheet (or the CSV file) and returns a
validated :class:`~mkba.pricelist.PriceListFile`. :func:`parse_price_year`,
:func:`parse_number` and :func:`slugify` turn cell text into mkba's values.

Every problem with the input is an :class:`~mkba.errors.MkbaError` naming the
file, the cell (``Sheet!H12``) or CSV line, the field and what was expected.
"""

from __future__ import annotations

import difflib
import re
import string
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from mkba.errors import MkbaError
from mkba.io.files import read_input
from mkba.io.spreadsheet import (
    UNSAVED_FORMULA,
    Row,
    clean_text,
    column_index,
    column_letter,
    csv_rows,
    is_blank,
    open_workbook,
    sheet_rows,
    workbook_cells,
)
from mkba.pricelist.index import PriceIndex
from mkba.pricelist.items import PRICELIST_FORMAT, PriceItem, PriceListFile
from mkba.pricelist.mapping import Correction, FieldSpec, HeaderSpec, Mapping, SheetSelection, load_mapping

NUMBER_FIELDS = ("amount", "low", "high")
SLUG_WITH_DOTS = ("id", "code")

_FINANCIAL_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_PLAIN_YEAR = re.compile(r"^\d{4}$")


# --------------------------------------------------------------------------- reading tables


@dataclass
class _Table:
    """One sheet of a workbook (or a whole CSV file) being read."""

    file: str
    sheet: str
    rows: Iterator[Row]
    is_csv: bool
    hyperlinks: dict[str, str]
    #: Cells (``B5``) holding a formula without a saved value, which read as empty.
    uncached: set[str] = field(default_factory=set)
    #: The separator a CSV file is read with (``None`` for a sheet).
    delimiter: str | None = None

    def where(
        self, row: int, column: int | None, field_name: str, header: str | None = None
    ) -> dict[str, Any]:
        """Keyword arguments of :class:`MkbaError` for a cell (``column`` 0-based)."""
        if self.is_csv:
            column_name = f" (column {header!r})" if header else ""
            return {"file": self.file, "line": row, "field": f"{field_name}{column_name}"}
        cell = (
            f"{_sheet_ref(self.sheet)}!{column_letter(column + 1)}{row}"
            if column is not None
            else f"{_sheet_ref(self.sheet)}!{row}:{row}"
        )
        return {"file": self.file, "field": f"{cell} ({field_name})"}


def _sheet_ref(sheet: str) -> str:
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"


def _selected_sheets(workbook: Any, selection: SheetSelection, file: str) -> list[str]:
    names = list(workbook.sheetnames)
    for name in [*(selection.include or []), *selection.exclude]:
        if name not in names:
            near = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise MkbaError(
                f"the mapping names sheet {name!r}, which the workbook does not have{hint} "
                f"(sheets: {', '.join(names)})",
                file=file,
                field="sheets",
            )
    chosen = selection.include if selection.include is not None else names
    return [n for n in chosen if n not in selection.exclude]


def _xlsx_tables(path: Path, mapping: Mapping) -> Iterator[_Table]:
    workbook = open_workbook(path)
    try:
        sheets = _selected_sheets(workbook, mapping.sheets, str(path))
        scanned = workbook_cells(path, sheets)
        for sheet in sheets:
            rows = sheet_rows(workbook, sheet, str(path))
            links, uncached = scanned.get(sheet, ({}, set()))
            yield _Table(str(path), sheet, rows, False, links, uncached)
    finally:
        workbook.close()


#: The separators a CSV file may have besides ``,``: as messages name them, and as a mapping writes them.
_OTHER_SEPARATORS = {";": ("';'", '";"'), "\t": ("a tab", '"\\t"')}


def _csv_table(path: Path, mapping: Mapping) -> _Table:
    """The CSV file as a table, separated by the mapping's ``delimiter`` or, when it states none, by
    the one its header rows show (:func:`_sniffed_delimiter`).

    Raises
    ------
    MkbaError
        When the file is separated by ``;`` or a tab (stated as the mapping's ``delimiter`` and found
        in the header, or read from the header) and the mapping does not say how its numbers are
        written (``decimal_separator``): that is never guessed. A stated delimiter that the header
        does not hold is left to the column look-up, which says which delimiter fits.
    """
    raw = read_input(path)
    header = _header_text(raw, mapping.header.rows)
    stated = "delimiter" in mapping.model_fields_set
    delimiter = mapping.delimiter if stated else _sniffed_delimiter(header)
    rows = csv_rows(path, delimiter, raw)  # a file that is not UTF-8 is that error, before the one below
    if delimiter in _OTHER_SEPARATORS and delimiter in header and _decimal_unstated(mapping):
        name = _OTHER_SEPARATORS[delimiter][0]
        why = "as the mapping's delimiter says" if stated else f"its header has {name} and no ','"
        raise MkbaError(
            f"the file is separated by {name} ({why}), and the mapping states no decimal_separator; "
            "expected the mapping to say how numbers are written, as mkba does not guess it: add "
            '`decimal_separator: ","` for decimal commas (12,50, as Dutch Excel writes them) or '
            '`decimal_separator: "."` for decimal points (12.50)',
            file=str(path),
            line=min(mapping.header.rows),
        )
    return _Table(str(path), path.stem, rows, True, {}, delimiter=delimiter)


def _header_text(raw: bytes, header_rows: list[int]) -> str:
    """The header lines of a CSV file, joined by newlines, without quoted text."""
    lines = raw.decode("utf-8-sig", errors="replace").split("\n", max(header_rows))
    return re.sub(r'"[^"]*"', "", "\n".join(lines[n - 1] for n in header_rows if n <= len(lines)))


def _sniffed_delimiter(header: str) -> str:
    """``;`` or a tab when the header lines (:func:`_header_text`) hold it and no ``,``; else ``,``."""
    found = [s for s in (",", *_OTHER_SEPARATORS) if s in header]
    return found[0] if len(found) == 1 else ","


def _decimal_unstated(mapping: Mapping) -> bool:
    """Whether the mapping reads a number from a column without stating its ``decimal_separator``."""
    if "decimal_separator" in mapping.model_fields_set:
        return False
    given = mapping.fields.given()
    return any(
        spec.reads_column for name in NUMBER_FIELDS if name in given for _, spec in given[name].chain(name)
    )


# --------------------------------------------------------------------------- cell text to values


def _map_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def slugify(text: str, keep_dots: bool = False) -> str:
    """Lower-case ASCII words joined by ``-``: ``'Local Authority'`` -> ``'local-authority'``.

    With ``keep_dots``, dots stay (``'CR1.0'`` -> ``'cr1.0'``), as ids allow them.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    kept = r"[^a-z0-9.]+" if keep_dots else r"[^a-z0-9]+"
    return re.sub(kept, "-", ascii_text).strip("-.")


def parse_price_year(value: Any, year_format: str) -> int:
    """A price year from a cell: ``2010``, or ``'2010/11'`` under a financial-year format.

    Parameters
    ----------
    value : int, float or str
        The cell's value.
    year_format : {'plain', 'financial_year_start', 'financial_year_end'}
        How to read a UK-style financial year ``YYYY/YY`` (April to March):
        as its first calendar year (``2010/11`` -> 2010) or its last (2011).
        A plain four-digit year is read as it is under every format.

    Raises
    ------
    ValueError
        When the value is not a year in the expected form.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = clean_text(value)
    if _PLAIN_YEAR.match(text):
        return int(text)
    match = _FINANCIAL_YEAR.match(text)
    if year_format == "plain" or not match:
        expected = (
            "a year such as 2010"
            if year_format == "plain"
            else "a year such as 2010 or a financial year such as 2010/11"
        )
        raise ValueError(f"expected {expected}, got {text!r}")
    start, end = int(match.group(1)), int(match.group(2))
    if end % 100 != (start + 1) % 100:
        raise ValueError(f"expected a financial year of two consecutive years, got {text!r}")
    return start if year_format == "financial_year_start" else start + 1


def parse_number(value: Any, decimal_separator: str = ".", thousands_separator: str = "") -> float:
    """A number from a cell: a numeric cell, or text such as ``'1,234.50'``.

    Raises
    ------
    ValueError
        When the text is not a number.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if thousands_separator:
        _check_groups(clean_text(value), decimal_separator, thousands_separator)
    text = clean_text(value).strip()
    if thousands_separator == " ":  # spaces only between groups of three (checked above)
        text = text.replace(" ", "")
    if thousands_separator:
        text = text.replace(thousands_separator, "")
    if decimal_separator != ".":
        text = text.replace(decimal_separator, ".")
    # digits, one decimal point, an exponent: no '1 2', '1_000' (Python's float takes those), nan or inf
    if not _PLAIN_NUMBER.fullmatch(text):
        digits = any(c.isdigit() for c in text)  # a number written oddly: show the form expected
        like = (
            f" like 1{thousands_separator}234{decimal_separator}56" if thousands_separator and digits else ""
        )
        raise ValueError(f"expected a number{like}, got {clean_text(value)!r}")
    return float(text)


#: A number as plain text once its separators are read: sign, digits, decimal point, exponent.
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _check_groups(text: str, decimal_separator: str, thousands_separator: str) -> None:
    """Refuse a number whose thousands separators do not stand every three digits: with ``.`` for
    thousands, ``32.76`` is a decimal point typed by mistake, not 3276."""
    whole, _, fraction = text.strip().partition(decimal_separator)
    sep = re.escape(thousands_separator)
    # the first group is 1-999 without a leading zero: '0.035' is a decimal point typed by mistake
    grouped = re.fullmatch(rf"[-+]?\s*[1-9][0-9]{{0,2}}(?:{sep}[0-9]{{3}})+", whole.strip())
    if (thousands_separator in whole.strip() and not grouped) or thousands_separator in fraction:
        example = f"1{thousands_separator}234{decimal_separator}56"
        raise ValueError(f"expected a number like {example}, got {text!r}")


# --------------------------------------------------------------------------- import


@dataclass
class _Column:
    """A field's column in one table: its 0-based index and the header found there."""

    index: int
    header: str | None


def import_pricelist(
    file: str | Path,
    mapping: Mapping | str | Path,
    *,
    name: str | None = None,
    version: str | None = None,
    index: PriceIndex | None = None,
) -> PriceListFile:
    """Read a workbook (``.xlsx``) or CSV file into a price list with a column mapping.

    Parameters
    ----------
    file : str or Path
        The workbook or CSV file.
    mapping : Mapping, str or Path
        A mapping, a mapping file, or the name of a bundled mapping.
    name, version : str, optional
        The list's name and version (default: the mapping's).
    index : PriceIndex, optional
        Index that checks the price years (default: the bundled CBS CPI).

    Returns
    -------
    PriceListFile
        The validated list, with the mapping's ``currency``; amounts are in
        that currency and are not converted.

    Raises
    ------
    MkbaError
        Naming the file, the cell or line, the field and what was expected.
    """
    from mkba.pricelist.index import default_index

    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    path = Path(file)
    context = {"index": index or default_index()}
    tables = [_csv_table(path, mapping)] if path.suffix.lower() == ".csv" else _xlsx_tables(path, mapping)
    items: list[PriceItem] = []
    first_seen: dict[str, str] = {}
    unused = set(mapping.corrections)
    for table in tables:
        for item, place in _table_items(table, mapping, context, unused):
            if item.id in first_seen:
                raise MkbaError(
                    f"id {item.id!r} is given twice (first at {first_seen[item.id]}); expected unique ids",
                    **place,
                )
            first_seen[item.id] = f"line {place['line']}" if place.get("line") else place["field"]
            items.append(item)
    if unused:
        first = next(c for c in mapping.corrections if c in unused)
        raise MkbaError(
            f"the mapping corrects {first.sheet + '!' if first.sheet else ''}{first.cell}, "
            "but no item row has that cell; expected each correction to apply",
            file=str(path),
            field="corrections",
        )
    given = {
        "name": mapping.name if name is None else name,
        "version": mapping.version if version is None else version,
    }
    try:
        return PriceListFile(
            format=PRICELIST_FORMAT,
            **given,
            title=mapping.title,
            title_en=mapping.title_en,
            description=mapping.description,
            published=mapping.published,
            currency=mapping.currency,
            items=items,
        )
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "name"
        raise MkbaError(
            f"{err['msg'].removeprefix('Value error, ')} (got {given.get(field)!r}); expected a "
            "lower-case name (letters, digits, '-', '_', '.') and a version like \"2025.1\"",
            field=f"--{field}" if field in given else field,
        ) from None


def _table_items(
    table: _Table, mapping: Mapping, context: dict, unused: set[Correction]
) -> Iterator[tuple[PriceItem, dict]]:
    """The items of one table, each with where its row is (for messages).

    Corrections applied are removed from ``unused``.
    """
    header_rows = _take_header_rows(table, mapping.header)
    columns = _resolve_columns(table, mapping, header_rows)
    first_data_row = mapping.data_start or max(mapping.header.rows) + 1
    corrections: dict[int, list[Correction]] = {}
    for fix in mapping.corrections:
        if fix.sheet in (None, table.sheet):
            corrections.setdefault(fix.row, []).append(fix)
    for row in table.rows:
        if row.number < first_data_row:
            continue
        fixes = corrections.get(row.number, [])
        row = _corrected(table, row, fixes)
        cells = {key: _cell(row, col) for key, col in columns.items()}
        if _skipped(cells, mapping):
            continue
        _check_saved_values(table, row, columns, cells)
        unused.difference_update(fixes)
        values, used = _row_values(table, row, mapping, columns, cells, fixes)
        yield (
            _validated_item(table, row, values, used, context),
            table.where(row.number, columns["id"].index if "id" in columns else None, "id"),
        )


def _check_saved_values(table: _Table, row: Row, columns: dict[str, _Column], cells: dict[str, Any]) -> None:
    """Refuse an empty cell that holds a formula without a saved value: its value is unknown, not empty."""
    for key, column in columns.items():
        if is_blank(cells.get(key)) and f"{column_letter(column.index + 1)}{row.number}" in table.uncached:
            raise MkbaError(
                f"the cell {UNSAVED_FORMULA}",
                **table.where(row.number, column.index, key.split(".")[0], column.header),
            )


def _corrected(table: _Table, row: Row, fixes: list[Correction]) -> Row:
    """The row with the mapping's corrections applied, after checking each finds what it expects."""
    if not fixes:
        return row
    values = list(row.values) + [None] * max(0, max(f.column for f in fixes) + 1 - len(row.values))
    for fix in fixes:
        now = "" if is_blank(values[fix.column]) else clean_text(values[fix.column])
        expected = "" if is_blank(fix.found) else clean_text(fix.found)
        if now != expected:
            raise MkbaError(
                f"the mapping's correction expects {fix.found!r} here but the file has "
                f"{values[fix.column]!r}; the file changed: review the correction",
                **table.where(row.number, fix.column, "corrections"),
            )
        values[fix.column] = fix.value
    return Row(row.number, tuple(values))


def _take_header_rows(table: _Table, spec: HeaderSpec) -> dict[int, tuple]:
    wanted = set(spec.rows)
    found: dict[int, tuple] = {}
    for row in table.rows:
        if row.number in wanted:
            found[row.number] = row.values
        if len(found) == len(wanted):
            return found
    missing = sorted(wanted - set(found))
    raise MkbaError(
        f"expected header rows {spec.rows}, but the table ends before row {missing[0]}",
        file=table.file,
        field=None if table.is_csv else _sheet_ref(table.sheet),
    )


def _header_texts(header_rows: dict[int, tuple], spec: HeaderSpec) -> list[str]:
    """Each column's header text, combined over the header rows or from one row."""
    if spec.use != "combine":
        return [clean_text(v) if not is_blank(v) else "" for v in header_rows[spec.use]]
    width = max(len(r) for r in header_rows.values())
    rows = [list(header_rows[n]) + [None] * (width - len(header_rows[n])) for n in sorted(spec.rows)]
    texts = [[clean_text(v) if not is_blank(v) else "" for v in r] for r in rows]
    for level, upper in enumerate(texts[:-1]):
        below = texts[level + 1]
        for col in range(1, width):
            if not upper[col] and below[col]:
                upper[col] = upper[col - 1]
    return [spec.separator.join(t for t in (r[col] for r in texts) if t) for col in range(width)]


def _resolve_columns(table: _Table, mapping: Mapping, header_rows: dict[int, tuple]) -> dict[str, _Column]:
    """Each column-reading spec's column in this table, or a MkbaError naming what is missing.

    Keyed by field or extra name, and ``name.fallback`` (...) for fallbacks.
    """
    headers = _header_texts(header_rows, mapping.header)
    cells = [v for row in header_rows.values() for v in row if isinstance(v, str)]  # a tab kept
    by_text: dict[str, list[int]] = {}
    for col, text in enumerate(headers):
        if text:
            by_text.setdefault(_map_key(text), []).append(col)
    columns: dict[str, _Column] = {}
    for name, first in mapping.specs.items():
        for key, spec in first.chain(name):
            if spec.letter is not None:
                col = column_index(spec.letter.upper()) - 1
                columns[key] = _Column(col, headers[col] if col < len(headers) else None)
            elif spec.header is not None:
                columns[key] = _column_by_header(table, key, spec, headers, by_text, cells)
    return columns


def _column_by_header(
    table: _Table,
    name: str,
    spec: FieldSpec,
    headers: list[str],
    by_text: dict[str, list[int]],
    cells: list[str],
) -> _Column:
    hits = sorted({col for h in spec.headers for col in by_text.get(_map_key(h), [])})
    field = f"fields.{name}" if table.is_csv else f"{_sheet_ref(table.sheet)} (fields.{name})"
    if not hits:
        wanted = " or ".join(repr(h) for h in spec.headers)
        present = [h for h in headers if h]
        near = difflib.get_close_matches(spec.headers[0], present, n=2, cutoff=0.5)
        hint = _separator_hint(table, spec, cells) or (
            f"; nearest: {', '.join(repr(n) for n in near)}" if near else ""
        )
        raise MkbaError(
            f"the mapping names the column {wanted}, which is not in the header{hint}. "
            f"Headers found: {', '.join(repr(h) for h in present)}",
            file=table.file,
            field=field,
        )
    if len(hits) > 1:
        letters = ", ".join(column_letter(c + 1) for c in hits)
        raise MkbaError(
            f"the header {headers[hits[0]]!r} names several columns ({letters}); "
            "expected one: give the column's letter or combine the header rows",
            file=table.file,
            field=field,
        )
    return _Column(hits[0], headers[hits[0]])


def _separator_hint(table: _Table, spec: FieldSpec, cells: list[str]) -> str:
    """For a CSV file: the mapping's delimiter to state when the header cells (as read, tabs kept),
    split by another separator, hold the column looked for (``'Code;Omschrijving'`` read with ``,``);
    else ``""``."""
    if not table.is_csv:
        return ""
    wanted = {_map_key(h) for h in spec.headers}
    for separator, (name, written) in {",": ("','", '","'), **_OTHER_SEPARATORS}.items():
        parts = {_map_key(part) for text in cells for part in text.split(separator)}
        if separator != table.delimiter and wanted & parts:
            decimal = "" if separator == "," else ' (and `decimal_separator: ","` for decimal commas)'
            return (
                f"; the header looks separated by {name}: add `delimiter: {written}` to the mapping{decimal}"
            )
    return ""


def _cell(row: Row, column: _Column) -> Any:
    return row.values[column.index] if column.index < len(row.values) else None


def _skipped(cells: dict[str, Any], mapping: Mapping) -> bool:
    """Whether the skip rules skip the row; a field with fallbacks is blank when all its columns are."""
    rules = mapping.skip
    if any(
        all(is_blank(cells.get(key)) for key, _ in mapping.specs[name].chain(name)) for name in rules.blank
    ):
        return True
    return any(
        not is_blank(cells.get(name)) and re.search(rx, clean_text(cells[name]))
        for name, rx in rules.matching.items()
    )


@dataclass
class _Pick:
    """A field's value on one row, before ``slug`` and type: from which spec (and column) it came."""

    key: str
    spec: FieldSpec
    value: Any
    notes: list[str]

    @property
    def fell_back(self) -> bool:
        return self.key.endswith(".fallback")


def _row_values(
    table: _Table,
    row: Row,
    mapping: Mapping,
    columns: dict[str, _Column],
    cells: dict[str, Any],
    fixes: list[Correction],
) -> tuple[dict[str, Any], dict[str, _Column]]:
    """The item's field values of one row, converted to mkba's types, and the column of each.

    Column-reading fields (and extras) come first, each from its own column or
    a fallback (:func:`_pick`); their cell texts then fill the templates.
    """
    specs = mapping.specs
    together = mapping.fallback_together
    picks: dict[str, _Pick] = {}
    for name in [*together[:1], *(n for n in specs if n not in together[:1])]:
        spec = specs[name]
        if spec.reads_column:
            force = picks[together[0]].fell_back if name in together[1:] else None
            picks[name] = _pick(table, row, name, spec, columns, cells, force)
    # A template reads the text of the cell a value came from; a constant fallback has none.
    texts = {
        name: _cell_text(cells.get(pick.key)) if pick.spec.reads_column else ""
        for name, pick in picks.items()
    }
    texts.update(sheet=table.sheet, row=str(row.number))
    values: dict[str, Any] = {}
    used: dict[str, _Column] = {}
    for name, spec in mapping.fields.given().items():
        pick = picks.get(name)
        if pick is None:
            raw = _raw_value(table, row, spec, None, None, texts)
            pick = _Pick(name, spec, _with_default(spec, _interpret(spec, raw)), [])
        column = columns.get(pick.key)
        if column is not None:
            used[name] = column
        try:
            values[name] = _typed(name, pick.spec, pick.value, mapping)
        except ValueError as exc:
            raise MkbaError(
                str(exc),
                **table.where(
                    row.number, column.index if column else None, name, column.header if column else None
                ),
            ) from None
    fallback_notes = list(dict.fromkeys(note for pick in picks.values() for note in pick.notes))
    remarks = [
        f"Corrected: cell {fix.cell} read as {fix.value!r} instead of {fix.found!r} ({fix.reason})."
        for fix in fixes
    ]
    note = " ".join(t for t in (mapping.note_prefix, *fallback_notes, values.get("note"), *remarks) if t)
    if note:
        values["note"] = note
    return values, used


def _pick(
    table: _Table,
    row: Row,
    key: str,
    spec: FieldSpec,
    columns: dict[str, _Column],
    cells: dict[str, Any],
    force: bool | None = None,
) -> _Pick:
    """The value of ``spec`` on the row, or of its fallback when it gives none.

    ``force`` (for ``fallback_together``): ``True`` takes the fallback without
    reading the spec's own column, ``False`` never takes it.
    """
    value = None
    if force is not True:
        value = _interpret(spec, _raw_value(table, row, spec, columns.get(key), cells.get(key), {}))
    if value is None and spec.fallback is not None and force is not False:
        other = _pick(table, row, f"{key}.fallback", spec.fallback, columns, cells)
        if other.value is not None:
            other.notes = [n for n in (spec.fallback_note, *other.notes) if n]
            return other
    # Nothing found: the spec's default; a forced fallback still names the fallback's column.
    return _Pick(f"{key}.fallback" if force else key, spec, _with_default(spec, value), [])


def _cell_text(value: Any) -> str:
    return "" if is_blank(value) else clean_text(value)


def _raw_value(
    table: _Table, row: Row, spec: FieldSpec, column: _Column | None, cell: Any, texts: dict[str, str]
) -> Any:
    if spec.constant is not None:
        return spec.constant
    if spec.sheet_name:
        return table.sheet
    if spec.template is not None:
        return _render(spec.template_parts, texts)
    if spec.hyperlink:
        assert column is not None, "a hyperlink field reads a column (the mapping checks it)"
        return table.hyperlinks.get(f"{column_letter(column.index + 1)}{row.number}")
    return cell


def _render(parts: list[str], texts: dict[str, str]) -> str | None:
    """Join the template parts whose placeholders all have text."""
    kept = [
        part.format_map(texts)
        for part in parts
        if all(texts.get(name) for _, name, _, _ in string.Formatter().parse(part) if name)
    ]
    return " ".join(kept) or None


def _interpret(spec: FieldSpec, raw: Any) -> Any:
    """Cell value -> the spec's value before its default: pattern, then map; ``None`` when empty."""
    value = None if is_blank(raw) else raw
    if isinstance(value, str):
        value = clean_text(value)
        if spec.pattern is not None:
            match = re.search(spec.pattern, value)
            value = (match.group(1) if match.groups() else match.group(0)) if match else None
    if value is not None and spec.map is not None:
        value = {_map_key(k): v for k, v in spec.map.items()}.get(_map_key(clean_text(value)), value)
    return value


def _with_default(spec: FieldSpec, value: Any) -> Any:
    return spec.default if value is None else value


def _typed(name: str, spec: FieldSpec, value: Any, mapping: Mapping) -> Any:
    """A field's value (after pattern, map and default) -> slug, then the field's type."""
    if value is None:
        return None
    if spec.slug:
        value = slugify(clean_text(value), keep_dots=name in SLUG_WITH_DOTS)
    if name in NUMBER_FIELDS:
        return parse_number(value, mapping.decimal_separator, mapping.thousands_separator)
    if name == "price_year":
        return parse_price_year(value, mapping.year_format)
    if name == "confidence":
        return _parse_confidence(value)
    return clean_text(value)


def _parse_confidence(value: Any) -> int:
    text = clean_text(value)
    if not re.fullmatch(r"[1-5]", text):
        raise ValueError(f"expected a confidence 1-5 (after the mapping's map), got {text!r}")
    return int(text)


def _validated_item(
    table: _Table, row: Row, values: dict[str, Any], columns: dict[str, _Column], context: dict
) -> PriceItem:
    data = {k: v for k, v in values.items() if v is not None and not k.startswith("source_")}
    source = {k[len("source_") :]: v for k, v in values.items() if k.startswith("source_") and v is not None}
    data["source"] = source
    try:
        return PriceItem.model_validate(data, context=context)
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        name = "source_" + loc[1] if loc[:1] == ["source"] and len(loc) > 1 else (loc[0] if loc else "row")
        column = columns.get(name)
        message = err["msg"].removeprefix("Value error, ")
        if name in values and not isinstance(err.get("input"), dict):
            message += f" (got {values[name]!r})"
        raise MkbaError(
            message,
            **table.where(
                row.number, column.index if column else None, name, column.header if column else None
            ),
        ) from None


# --------------------------------------------------------------------------- export
