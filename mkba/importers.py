"""Price lists from and to spreadsheets: Excel (``.xlsx``) and CSV.

Reading someone else's workbook takes a *column mapping* (``format:
mkba-mapping/1``, a YAML file; bundled ones live in ``pricelists/mappings/``)
that says which sheets to read, which header rows name the columns, which
column (or constant) gives each field of a price item, and how to turn the
text found there into mkba's values: financial years such as ``2010/11`` into
a price year, a RAG rating into a confidence, an agency into a payer slug, a
unit such as ``Per bed day`` into an mkba unit. A field may fall back to
another column (or a constant) on rows where its own column is empty, and
mark those items in their note (``fallback``, ``fallback_note``,
``fallback_together``). :func:`import_pricelist` applies it and returns a
validated :class:`~mkba.pricelist.PriceListFile`.

mkba's own table layout goes both ways: :func:`export_pricelist` writes a
list to ``.csv``, ``.xlsx`` or ``.yaml`` (atomically), and
:func:`read_pricelist_table` reads the CSV or Excel export back to an equal
list. In that layout a block of ``key, value`` rows (CSV: above the table,
ended by an empty row; Excel: sheet ``list``) carries the list's name,
version, title, currency and the other list-level keys, and the table (Excel: sheet ``items``) has one row per
item with the source flattened into ``source_title``, ``source_url`` and
``source_where``. A list with ``overrides`` adds a first column ``entry``
(``item`` or ``override``). Empty cells are absent fields, so an empty text
is read back as no text.

Every problem with the input is an :class:`~mkba.errors.MkbaError` naming the
file, the cell (``Sheet!H12``) or CSV line, the field and what was expected.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import posixpath
import re
import string
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from xml.etree import ElementTree

import openpyxl
import pydantic
import yaml
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import InvalidFileException

from . import paths
from .errors import MkbaError
from .fileio import write_atomic
from .loading import Document, StrictLoader, read_document, validate
from .pricelist import (CURRENCY_PATTERN, DEFAULT_CURRENCY, PRICELIST_FORMAT, PriceItem,
                        PriceList, PriceListFile, version_text)

MAPPING_FORMAT = "mkba-mapping/1"

#: Item fields a mapping may fill; ``source_*`` become the item's ``source``.
ITEM_FIELDS = ("id", "label", "label_en", "unit", "amount", "price_year", "low", "high", "payer",
               "nature", "recipient", "category", "confidence", "source_title", "source_url",
               "source_where", "code", "note")
REQUIRED_FIELDS = ("id", "label", "unit", "amount", "price_year", "payer", "nature", "confidence",
                   "source_title")
NUMBER_FIELDS = ("amount", "low", "high")
SLUG_WITH_DOTS = ("id", "code")

#: Columns of mkba's own table layout (CSV and Excel export), in order.
TABLE_COLUMNS = ITEM_FIELDS
ENTRY_COLUMN = "entry"
#: Keys of the block above the table (CSV) or on the ``list`` sheet (Excel).
HEADER_KEYS = ("format", "name", "version", "title", "title_en", "description", "published", "currency",
               "extends")
LIST_SHEET, ITEMS_SHEET = "list", "items"

_FINANCIAL_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_PLAIN_YEAR = re.compile(r"^\d{4}$")
_RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


# --------------------------------------------------------------------------- the mapping file


class FieldSpec(pydantic.BaseModel):
    """Where one field's value comes from, and how its text becomes a value.

    Exactly one of ``header``, ``letter``, ``sheet_name``, ``constant`` and
    ``template`` says where the value comes from. A spec that reads a column
    may name a ``fallback``: another spec, read on the rows where this one
    gives no value.

    Attributes
    ----------
    header : str or list of str
        The column's header text (compared case-insensitively, with runs of
        white space as one space); a list gives alternatives, e.g. when sheets
        spell a header differently.
    letter : str
        The column's letter, e.g. ``H``.
    sheet_name : bool
        The value is the name of the sheet the row is on.
    constant : str, int or float
        The same value for every row.
    template : str or list of str
        Text built from other fields' cell text: ``{unit}`` is the text of the
        ``unit`` column (before any ``map``), ``{sheet}`` and ``{row}`` name the
        place. A list's parts are joined by spaces; a part that names an empty
        cell is left out.
    hyperlink : bool
        Take the cell's hyperlink target instead of its text (Excel only).
    pattern : str
        A regular expression the text must contain; the value becomes its first
        group (or the whole match). Text that does not match counts as empty.
    map : dict
        Text to value, e.g. ``{R: 2, A: 3, G: 4}``; keys compare as ``header``
        does. Text not in the map is kept as it is.
    slug : bool
        Lower-case the text and join its words with ``-`` (``Local Authority``
        -> ``local-authority``; ``E&S1.0`` -> ``e-s1.0`` for ``id``).
    default : str, int or float
        The value of an empty cell (when a ``fallback`` is given: when neither
        this column nor the fallback gives a value).
    fallback : FieldSpec
        Where the value comes from on a row where this spec gives none (an
        empty cell, or text that does not match ``pattern``): a complete spec
        of its own (``header`` or ``letter``, or ``constant`` or
        ``sheet_name``; not ``template``) with its own ``pattern``, ``map``,
        ``slug``, ``default`` and, in turn, ``fallback``. Only a spec that reads
        a column may have one. E.g. ``amount: {header: Fiscal value,
        fallback: {header: Economic value}}``. In a template, ``{amount}`` is
        then the text of the cell actually read (none for a constant). See also the mapping's
        ``fallback_together``, which makes several fields fall back on the
        same rows.
    fallback_note : str
        Text added to the item's note when the value came from the
        ``fallback``, e.g. to say that the amount is of another kind than on
        the other rows. Needs ``fallback``.
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    header: str | list[str] | None = None
    letter: str | None = pydantic.Field(default=None, pattern=r"^[A-Za-z]{1,3}$")
    sheet_name: bool = False
    constant: str | int | float | None = None
    template: str | list[str] | None = None
    hyperlink: bool = False
    pattern: str | None = None
    map: dict[str, str | int | float] | None = None
    slug: bool = False
    default: str | int | float | None = None
    fallback: FieldSpec | None = None
    fallback_note: str | None = pydantic.Field(default=None, min_length=1)

    @pydantic.model_validator(mode="after")
    def _one_origin(self) -> "FieldSpec":
        origins = [k for k in ("header", "letter", "sheet_name", "constant", "template")
                   if k in self.model_fields_set and getattr(self, k) not in (None, False)]
        if len(origins) != 1:
            given = ", ".join(origins) or "none"
            raise ValueError("expected exactly one of header, letter, sheet_name, constant, template "
                             f"(given: {given})")
        if self.hyperlink and not self.reads_column:
            raise ValueError("hyperlink needs a column (header or letter)")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
        if self.fallback is not None:
            if not self.reads_column:
                raise ValueError("fallback needs a column (header or letter) to fall back from")
            if self.fallback.template is not None:
                raise ValueError("a fallback reads a column or gives a constant or the sheet name, "
                                 "not a template")
        if self.fallback_note is not None and self.fallback is None:
            raise ValueError("fallback_note needs a fallback")
        return self

    @property
    def reads_column(self) -> bool:
        """Whether the value comes from a column of the table."""
        return self.header is not None or self.letter is not None

    @property
    def headers(self) -> list[str]:
        """The acceptable header texts, as given."""
        if self.header is None:
            return []
        return [self.header] if isinstance(self.header, str) else list(self.header)

    @property
    def template_parts(self) -> list[str]:
        if self.template is None:
            return []
        return [self.template] if isinstance(self.template, str) else list(self.template)

    def chain(self, key: str) -> Iterator[tuple[str, "FieldSpec"]]:
        """This spec and its fallbacks, keyed ``key``, ``key.fallback``, ``key.fallback.fallback``, ..."""
        spec: FieldSpec | None = self
        while spec is not None:
            yield key, spec
            key, spec = f"{key}.fallback", spec.fallback


class FieldMap(pydantic.BaseModel):
    """A :class:`FieldSpec` per price-item field (``source_*`` fill ``source``)."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    id: FieldSpec | None = None
    label: FieldSpec | None = None
    label_en: FieldSpec | None = None
    unit: FieldSpec | None = None
    amount: FieldSpec | None = None
    price_year: FieldSpec | None = None
    low: FieldSpec | None = None
    high: FieldSpec | None = None
    payer: FieldSpec | None = None
    nature: FieldSpec | None = None
    recipient: FieldSpec | None = None
    category: FieldSpec | None = None
    confidence: FieldSpec | None = None
    source_title: FieldSpec | None = None
    source_url: FieldSpec | None = None
    source_where: FieldSpec | None = None
    code: FieldSpec | None = None
    note: FieldSpec | None = None

    def given(self) -> dict[str, FieldSpec]:
        """The fields the mapping fills, by name."""
        return {name: spec for name in ITEM_FIELDS if (spec := getattr(self, name)) is not None}


class HeaderSpec(pydantic.BaseModel):
    """Which rows hold the column headers.

    Attributes
    ----------
    rows : list of int
        1-based row numbers of the header rows (CSV: the lines they start on).
    use : 'combine' or int
        ``combine`` joins the texts of a column's header rows with
        ``separator`` (a top cell spanning several columns, as a merged cell,
        carries right to the columns whose lower row has text); a row number
        takes that row's texts alone.
    separator : str
        What joins combined header texts.
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    rows: list[pydantic.PositiveInt] = pydantic.Field(default_factory=lambda: [1], min_length=1)
    use: Literal["combine"] | pydantic.PositiveInt = "combine"
    separator: str = " / "

    @pydantic.model_validator(mode="after")
    def _use_is_a_header_row(self) -> "HeaderSpec":
        if self.use != "combine" and self.use not in self.rows:
            raise ValueError(f"use: {self.use} is not one of the header rows {self.rows}")
        return self


class SheetSelection(pydantic.BaseModel):
    """Which sheets of a workbook hold items: ``include`` these, or all but ``exclude``."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    include: list[str] | None = None
    exclude: list[str] = pydantic.Field(default_factory=list)


class SkipRules(pydantic.BaseModel):
    """Rows that are not items.

    Attributes
    ----------
    blank : list of str
        Skip a row when any of these fields' cells is empty.
    matching : dict of str to str
        Skip a row when a field's cell text contains a match of the regular
        expression.
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    blank: list[str] = pydantic.Field(default_factory=list)
    matching: dict[str, str] = pydantic.Field(default_factory=dict)


class Correction(pydantic.BaseModel):
    """A fix to one cell of the input, stated in the mapping rather than made in the file.

    Attributes
    ----------
    sheet : str, optional
        The sheet (leave out for CSV).
    cell : str
        The cell, e.g. ``C58`` (CSV: column letter and line).
    found : str, int or float
        What the cell holds now (``""`` for an empty cell); if the file says
        something else, the import stops, since the correction may no longer fit.
    value : str, int or float
        What to read instead.
    reason : str
        Why; it is added to the item's note.
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    sheet: str | None = None
    cell: str = pydantic.Field(pattern=r"^[A-Za-z]{1,3}[1-9][0-9]*$")
    found: str | int | float
    value: str | int | float
    reason: str = pydantic.Field(min_length=1)

    @property
    def column(self) -> int:
        """0-based column index."""
        return column_index_from_string(re.match(r"[A-Za-z]+", self.cell).group().upper()) - 1

    @property
    def row(self) -> int:
        return int(re.search(r"\d+", self.cell).group())


class Mapping(pydantic.BaseModel):
    """A column mapping: how a workbook or CSV file becomes a price list.

    The list-level keys (``name``, ``version``, ``title``, ..., ``currency``)
    become those of the imported list. ``currency`` (ISO 4217, default
    ``EUR``) other than ``EUR`` must also be named in the title or
    description, and puts ``currency_note`` in front of every item's note,
    since mkba assumes euros everywhere else.

    ``fallback_together`` lists fields (each with a ``fallback``) that fall
    back as one, so that values of different kinds are never mixed in an item
    (e.g. an amount from one column with the price year of another). The first
    field leads: on a row where it takes its fallback, every other field listed
    takes its fallback too, without reading its own column; on a row where it
    does not, the others do not fall back at all (an empty cell stays empty,
    and a required field then stops the import). The ``fallback_note`` of each
    fallback taken is added to the item's note, after the currency note.
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    format: Literal["mkba-mapping/1"]
    name: str = pydantic.Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    version: str = pydantic.Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
    title: str = pydantic.Field(min_length=1)
    title_en: str | None = None
    description: str | None = None
    published: dt.date | None = None
    currency: str = pydantic.Field(default=DEFAULT_CURRENCY, pattern=CURRENCY_PATTERN)
    currency_note: str | None = None
    sheets: SheetSelection = pydantic.Field(default_factory=SheetSelection)
    header: HeaderSpec = pydantic.Field(default_factory=HeaderSpec)
    data_start: pydantic.PositiveInt | None = None
    delimiter: str = pydantic.Field(default=",", min_length=1, max_length=1)
    decimal_separator: Literal[".", ","] = "."
    thousands_separator: Literal[",", ".", " ", ""] = ""
    year_format: Literal["plain", "financial_year_start", "financial_year_end"] = "plain"
    fields: FieldMap
    extras: dict[Annotated[str, pydantic.StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")], FieldSpec] = \
        pydantic.Field(default_factory=dict)
    skip: SkipRules = pydantic.Field(default_factory=SkipRules)
    corrections: list[Correction] = pydantic.Field(default_factory=list)
    fallback_together: list[str] = pydantic.Field(default_factory=list)

    _version_text = pydantic.field_validator("version", mode="before")(version_text)

    @pydantic.model_validator(mode="after")
    def _complete(self) -> "Mapping":
        given = self.fields.given()
        missing = [f for f in REQUIRED_FIELDS if f not in given]
        if missing:
            raise ValueError(f"fields {', '.join(missing)} are required: give each a column or a constant")
        clash = sorted(set(self.extras) & {*ITEM_FIELDS, "sheet", "row"})
        if clash:
            raise ValueError(f"extras may not be named {', '.join(clash)}: those names are taken")
        read = {name for name, spec in self.specs.items() if spec.reads_column}
        for name in [*self.skip.blank, *self.skip.matching]:
            if name not in read:
                raise ValueError(f"skip names {name!r}; expected a field or extra read from a column")
        for name, spec in self.specs.items():
            unknown = _placeholders(spec) - read - {"sheet", "row"}
            if unknown:
                raise ValueError(f"the template of {name!r} names {', '.join(sorted(unknown))}; "
                                 "expected fields or extras read from a column, or sheet, row")
        if self.fallback_together:
            if len(self.fallback_together) < 2 or len(set(self.fallback_together)) < len(self.fallback_together):
                raise ValueError("fallback_together names two or more different fields")
            for name in self.fallback_together:
                if name not in self.specs or self.specs[name].fallback is None:
                    raise ValueError(f"fallback_together names {name!r}; expected a field or extra "
                                     "with a fallback")
        if self.data_start is not None and self.data_start <= max(self.header.rows):
            raise ValueError(f"data_start ({self.data_start}) must come after the header rows")
        if self.currency != DEFAULT_CURRENCY and self.currency not in f"{self.title} {self.description}":
            raise ValueError(f"currency {self.currency}: say so in the title or description, "
                             "since mkba assumes euros")
        if self.decimal_separator == self.thousands_separator:
            raise ValueError("decimal_separator and thousands_separator must differ")
        return self

    @property
    def specs(self) -> dict[str, FieldSpec]:
        """Every field and extra the mapping reads, by name."""
        return {**self.fields.given(), **self.extras}

    @property
    def note_prefix(self) -> str | None:
        """What every item's note starts with: the currency warning, if any."""
        if self.currency == DEFAULT_CURRENCY:
            return None
        return self.currency_note or (
            f"Amount in {self.currency}, not euros: an imported list for reference; "
            "do not mix it with euro amounts or index it with a euro price index.")


def _placeholders(spec: FieldSpec) -> set[str]:
    return {name for part in spec.template_parts
            for _, name, _, _ in string.Formatter().parse(part) if name}


def load_mapping(ref: str | Path) -> Mapping:
    """Read a column mapping by file path, or a bundled one by name.

    Parameters
    ----------
    ref : str or Path
        A path to a mapping file (``.yaml``, ``.toml`` or ``.json``), or the
        name of a bundled mapping such as ``gmca-ucd-v1.4``.

    Raises
    ------
    MkbaError
        When the file is missing or not a valid mapping (with file and line).
    """
    text = str(ref)
    is_path = isinstance(ref, Path) or "/" in text or os.sep in text or Path(text).suffix.lower() in (
        ".yaml", ".yml", ".toml", ".json")
    path = Path(ref) if is_path else _bundled_mapping(text)
    return validate(Mapping, read_document(path))


def bundled_mapping_names() -> list[str]:
    """Names of the bundled column mappings."""
    folder = paths.bundled_mappings()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def _bundled_mapping(name: str) -> Path:
    path = paths.bundled_mappings() / f"{name}.yaml"
    if path.is_file():
        return path
    names = bundled_mapping_names()
    near = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    raise MkbaError(f"no bundled mapping named {name!r}{hint} (available: {', '.join(names) or 'none'})")


# --------------------------------------------------------------------------- reading tables


@dataclass
class _Row:
    """One row of a table: its number (sheet row or CSV line) and its cell values."""

    number: int
    values: tuple


@dataclass
class _Table:
    """One sheet of a workbook (or a whole CSV file) being read."""

    file: str
    sheet: str
    rows: Iterator[_Row]
    is_csv: bool
    hyperlinks: dict[str, str]

    def where(self, row: int, column: int | None, field_name: str, header: str | None = None):
        """Keyword arguments of :class:`MkbaError` for a cell (``column`` 0-based)."""
        if self.is_csv:
            column_name = f" (column {header!r})" if header else ""
            return {"file": self.file, "line": row, "field": f"{field_name}{column_name}"}
        cell = f"{_sheet_ref(self.sheet)}!{get_column_letter(column + 1)}{row}" if column is not None \
            else f"{_sheet_ref(self.sheet)}!{row}:{row}"
        return {"file": self.file, "field": f"{cell} ({field_name})"}


def _sheet_ref(sheet: str) -> str:
    return sheet if re.fullmatch(r"\w+", sheet) else "'" + sheet.replace("'", "''") + "'"


def _open_workbook(path: Path):
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise MkbaError("file not found", file=str(path)) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise MkbaError(f"not a readable .xlsx workbook ({exc})", file=str(path)) from None


def _selected_sheets(workbook, selection: SheetSelection, file: str) -> list[str]:
    names = list(workbook.sheetnames)
    for name in [*(selection.include or []), *selection.exclude]:
        if name not in names:
            near = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise MkbaError(f"the mapping names sheet {name!r}, which the workbook does not have{hint} "
                            f"(sheets: {', '.join(names)})", file=file, field="sheets")
    chosen = selection.include if selection.include is not None else names
    return [n for n in chosen if n not in selection.exclude]


def _xlsx_tables(path: Path, mapping: Mapping) -> Iterator[_Table]:
    workbook = _open_workbook(path)
    try:
        sheets = _selected_sheets(workbook, mapping.sheets, str(path))
        wants_links = any(part.hyperlink for name, spec in mapping.specs.items()
                          for _, part in spec.chain(name))
        links = _workbook_hyperlinks(path, sheets) if wants_links else {}
        for sheet in sheets:
            rows = (_Row(i, values) for i, values in
                    enumerate(workbook[sheet].iter_rows(values_only=True), start=1))
            yield _Table(str(path), sheet, rows, False, links.get(sheet, {}))
    finally:
        workbook.close()


def _csv_table(path: Path, delimiter: str) -> _Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MkbaError("file not found", file=str(path)) from None
    except UnicodeDecodeError:
        raise MkbaError("not UTF-8 text; expected a UTF-8 encoded CSV file", file=str(path)) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _Table(str(path), path.stem, _csv_rows(reader, str(path)), True, {})


def _csv_rows(reader, file: str) -> Iterator[_Row]:
    """CSV records, numbered by the line each starts on."""
    line = 1
    try:
        for record in reader:
            yield _Row(line, tuple(record))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise MkbaError(f"not valid CSV: {exc}", file=file, line=reader.line_num) from None


def _workbook_hyperlinks(path: Path, sheets: list[str]) -> dict[str, dict[str, str]]:
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
    parts = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_RELATIONSHIPS_NS}}}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
    return parts


def _relationship_targets(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    try:
        root = ElementTree.fromstring(archive.read(part))
    except KeyError:
        return {}
    return {rel.get("Id"): rel.get("Target", "") for rel in root.iter(f"{{{_PACKAGE_RELS_NS}}}Relationship")}


def _sheet_hyperlinks(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    targets = _relationship_targets(archive, f"{folder}/_rels/{name}.rels")
    links: dict[str, str] = {}
    with archive.open(part) as stream:
        for _, element in ElementTree.iterparse(stream):
            if element.tag == f"{{{_MAIN_NS}}}hyperlink":
                target = targets.get(element.get(f"{{{_RELATIONSHIPS_NS}}}id"))
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
    (c1, r1), (c2, r2) = (re.fullmatch(r"([A-Z]+)(\d+)", x).groups() for x in (first, last))
    columns = range(column_index_from_string(c1), column_index_from_string(c2) + 1)
    return [f"{get_column_letter(c)}{r}" for c in columns for r in range(int(r1), int(r2) + 1)]


# --------------------------------------------------------------------------- cell text to values


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_text(value: Any) -> str:
    """Cell content as one line of text (runs of white space become one space)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()
    return " ".join(str(value).split())


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
    text = _clean_text(value)
    if _PLAIN_YEAR.match(text):
        return int(text)
    match = _FINANCIAL_YEAR.match(text)
    if year_format == "plain" or not match:
        expected = "a year such as 2010" if year_format == "plain" else \
            "a year such as 2010 or a financial year such as 2010/11"
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
    text = _clean_text(value).replace(" ", "")
    if thousands_separator:
        text = text.replace(thousands_separator, "")
    if decimal_separator != ".":
        text = text.replace(decimal_separator, ".")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {_clean_text(value)!r}") from None


# --------------------------------------------------------------------------- import


@dataclass
class _Column:
    """A field's column in one table: its 0-based index and the header found there."""

    index: int
    header: str | None


def import_pricelist(file: str | Path, mapping: Mapping | str | Path, *, name: str | None = None,
                     version: str | None = None, index=None) -> PriceListFile:
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
    from .index import default_index
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    path = Path(file)
    context = {"index": index or default_index()}
    tables = [_csv_table(path, mapping.delimiter)] if path.suffix.lower() == ".csv" \
        else _xlsx_tables(path, mapping)
    items: list[PriceItem] = []
    first_seen: dict[str, str] = {}
    unused = set(mapping.corrections)
    for table in tables:
        for item, place in _table_items(table, mapping, context, unused):
            if item.id in first_seen:
                raise MkbaError(f"id {item.id!r} is given twice (first at {first_seen[item.id]}); "
                                "expected unique ids", **place)
            first_seen[item.id] = f"line {place['line']}" if place.get("line") else place["field"]
            items.append(item)
    if unused:
        first = next(c for c in mapping.corrections if c in unused)
        raise MkbaError(f"the mapping corrects {first.sheet + '!' if first.sheet else ''}{first.cell}, "
                        "but no item row has that cell; expected each correction to apply",
                        file=str(path), field="corrections")
    return PriceListFile(
        format=PRICELIST_FORMAT, name=name or mapping.name, version=version or mapping.version,
        title=mapping.title, title_en=mapping.title_en, description=mapping.description,
        published=mapping.published, currency=mapping.currency, items=items)


def _table_items(table: _Table, mapping: Mapping, context: dict,
                 unused: set[Correction]) -> Iterator[tuple[PriceItem, dict]]:
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
        unused.difference_update(fixes)
        values, used = _row_values(table, row, mapping, columns, cells, fixes)
        yield _validated_item(table, row, values, used, context), table.where(
            row.number, columns["id"].index if "id" in columns else None, "id")


def _corrected(table: _Table, row: _Row, fixes: list[Correction]) -> _Row:
    """The row with the mapping's corrections applied, after checking each finds what it expects."""
    if not fixes:
        return row
    values = list(row.values) + [None] * max(0, max(f.column for f in fixes) + 1 - len(row.values))
    for fix in fixes:
        now = "" if _is_blank(values[fix.column]) else _clean_text(values[fix.column])
        expected = "" if _is_blank(fix.found) else _clean_text(fix.found)
        if now != expected:
            raise MkbaError(f"the mapping's correction expects {fix.found!r} here but the file has "
                            f"{values[fix.column]!r}; the file changed: review the correction",
                            **table.where(row.number, fix.column, "corrections"))
        values[fix.column] = fix.value
    return _Row(row.number, tuple(values))


def _take_header_rows(table: _Table, spec: HeaderSpec) -> dict[int, tuple]:
    wanted = set(spec.rows)
    found: dict[int, tuple] = {}
    for row in table.rows:
        if row.number in wanted:
            found[row.number] = row.values
        if len(found) == len(wanted):
            return found
    missing = sorted(wanted - set(found))
    raise MkbaError(f"expected header rows {spec.rows}, but the table ends before row {missing[0]}",
                    file=table.file, field=None if table.is_csv else _sheet_ref(table.sheet))


def _header_texts(header_rows: dict[int, tuple], spec: HeaderSpec) -> list[str]:
    """Each column's header text, combined over the header rows or from one row."""
    if spec.use != "combine":
        return [_clean_text(v) if not _is_blank(v) else "" for v in header_rows[spec.use]]
    width = max(len(r) for r in header_rows.values())
    rows = [list(header_rows[n]) + [None] * (width - len(header_rows[n])) for n in sorted(spec.rows)]
    texts = [[_clean_text(v) if not _is_blank(v) else "" for v in r] for r in rows]
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
    by_text: dict[str, list[int]] = {}
    for col, text in enumerate(headers):
        if text:
            by_text.setdefault(_map_key(text), []).append(col)
    columns: dict[str, _Column] = {}
    for name, first in mapping.specs.items():
        for key, spec in first.chain(name):
            if spec.letter is not None:
                col = column_index_from_string(spec.letter.upper()) - 1
                columns[key] = _Column(col, headers[col] if col < len(headers) else None)
            elif spec.header is not None:
                columns[key] = _column_by_header(table, key, spec, headers, by_text)
    return columns


def _column_by_header(table: _Table, name: str, spec: FieldSpec, headers: list[str],
                      by_text: dict[str, list[int]]) -> _Column:
    hits = sorted({col for h in spec.headers for col in by_text.get(_map_key(h), [])})
    where = {"file": table.file, "field": f"fields.{name}" if table.is_csv else
             f"{_sheet_ref(table.sheet)} (fields.{name})"}
    if not hits:
        wanted = " or ".join(repr(h) for h in spec.headers)
        present = [h for h in headers if h]
        near = difflib.get_close_matches(spec.headers[0], present, n=2, cutoff=0.5)
        hint = f"; nearest: {', '.join(repr(n) for n in near)}" if near else ""
        raise MkbaError(f"the mapping names the column {wanted}, which is not in the header{hint}. "
                        f"Headers found: {', '.join(repr(h) for h in present)}", **where)
    if len(hits) > 1:
        letters = ", ".join(get_column_letter(c + 1) for c in hits)
        raise MkbaError(f"the header {headers[hits[0]]!r} names several columns ({letters}); "
                        "expected one: give the column's letter or combine the header rows", **where)
    return _Column(hits[0], headers[hits[0]])


def _cell(row: _Row, column: _Column) -> Any:
    return row.values[column.index] if column.index < len(row.values) else None


def _skipped(cells: dict[str, Any], mapping: Mapping) -> bool:
    """Whether the skip rules skip the row; a field with fallbacks is blank when all its columns are."""
    rules = mapping.skip
    if any(all(_is_blank(cells.get(key)) for key, _ in mapping.specs[name].chain(name))
           for name in rules.blank):
        return True
    return any(not _is_blank(cells.get(name)) and re.search(rx, _clean_text(cells[name]))
               for name, rx in rules.matching.items())


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


def _row_values(table: _Table, row: _Row, mapping: Mapping, columns: dict[str, _Column],
                cells: dict[str, Any], fixes: list[Correction]
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
    texts = {name: _cell_text(cells.get(pick.key)) if pick.spec.reads_column else ""
             for name, pick in picks.items()}
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
            raise MkbaError(str(exc), **table.where(
                row.number, column.index if column else None, name, column.header if column else None)
            ) from None
    fallback_notes = list(dict.fromkeys(note for pick in picks.values() for note in pick.notes))
    remarks = [f"Corrected: cell {fix.cell} read as {fix.value!r} instead of {fix.found!r} "
               f"({fix.reason})." for fix in fixes]
    note = " ".join(t for t in (mapping.note_prefix, *fallback_notes, values.get("note"), *remarks) if t)
    if note:
        values["note"] = note
    return values, used


def _pick(table: _Table, row: _Row, key: str, spec: FieldSpec, columns: dict[str, _Column],
          cells: dict[str, Any], force: bool | None = None) -> _Pick:
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
    return "" if _is_blank(value) else _clean_text(value)


def _raw_value(table: _Table, row: _Row, spec: FieldSpec, column: _Column | None, cell: Any,
               texts: dict[str, str]) -> Any:
    if spec.constant is not None:
        return spec.constant
    if spec.sheet_name:
        return table.sheet
    if spec.template is not None:
        return _render(spec.template_parts, texts)
    if spec.hyperlink:
        return table.hyperlinks.get(f"{get_column_letter(column.index + 1)}{row.number}")
    return cell


def _render(parts: list[str], texts: dict[str, str]) -> str | None:
    """Join the template parts whose placeholders all have text."""
    kept = [part.format_map(texts) for part in parts
            if all(texts.get(name) for _, name, _, _ in string.Formatter().parse(part) if name)]
    return " ".join(kept) or None


def _interpret(spec: FieldSpec, raw: Any) -> Any:
    """Cell value -> the spec's value before its default: pattern, then map; ``None`` when empty."""
    value = None if _is_blank(raw) else raw
    if isinstance(value, str):
        value = _clean_text(value)
        if spec.pattern is not None:
            match = re.search(spec.pattern, value)
            value = (match.group(1) if match.groups() else match.group(0)) if match else None
    if value is not None and spec.map is not None:
        value = {_map_key(k): v for k, v in spec.map.items()}.get(_map_key(_clean_text(value)), value)
    return value


def _with_default(spec: FieldSpec, value: Any) -> Any:
    return spec.default if value is None else value


def _typed(name: str, spec: FieldSpec, value: Any, mapping: Mapping) -> Any:
    """A field's value (after pattern, map and default) -> slug, then the field's type."""
    if value is None:
        return None
    if spec.slug:
        value = slugify(_clean_text(value), keep_dots=name in SLUG_WITH_DOTS)
    if name in NUMBER_FIELDS:
        return parse_number(value, mapping.decimal_separator, mapping.thousands_separator)
    if name == "price_year":
        return parse_price_year(value, mapping.year_format)
    if name == "confidence":
        return _parse_confidence(value)
    return _clean_text(value)


def _parse_confidence(value: Any) -> int:
    text = _clean_text(value)
    if not re.fullmatch(r"[1-5]", text):
        raise ValueError(f"expected a confidence 1-5 (after the mapping's map), got {text!r}")
    return int(text)


def _validated_item(table: _Table, row: _Row, values: dict[str, Any], columns: dict[str, _Column],
                    context: dict) -> PriceItem:
    data = {k: v for k, v in values.items() if v is not None and not k.startswith("source_")}
    source = {k[len("source_"):]: v for k, v in values.items() if k.startswith("source_") and v is not None}
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
        raise MkbaError(message, **table.where(
            row.number, column.index if column else None, name, column.header if column else None)) from None


# --------------------------------------------------------------------------- export


def _as_file(pricelist: PriceList | PriceListFile) -> PriceListFile:
    if isinstance(pricelist, PriceListFile):
        return pricelist
    return PriceListFile(format=PRICELIST_FORMAT, name=pricelist.name, version=pricelist.version,
                         title=pricelist.title, published=pricelist.published,
                         currency=pricelist.currency, items=list(pricelist.items.values()))


def export_pricelist(pricelist: PriceList | PriceListFile, path: str | Path) -> Path:
    """Write a price list to ``.yaml``, ``.csv`` or ``.xlsx``, chosen by the suffix.

    The YAML file has the shape of FORMATS.md and loads with
    ``Registry().load(path)``; the CSV and Excel files read back with
    :func:`read_pricelist_table`. A resolved :class:`PriceList` is written
    with all its items and no ``extends``. The file is written to a temporary
    file in the same folder and then moved into place, so a failure leaves any
    earlier file as it was and no partial file behind.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    MkbaError
        For an unknown suffix, a text Excel cannot hold, or a file that
        cannot be written.
    """
    path = Path(path)
    spec = _as_file(pricelist)
    writers: dict[str, Callable[[PriceListFile, Path], None]] = {
        ".yaml": _write_yaml, ".yml": _write_yaml, ".csv": _write_csv, ".xlsx": _write_xlsx}
    writer = writers.get(path.suffix.lower())
    if writer is None:
        raise MkbaError(f"cannot export to {path.suffix or 'a file without suffix'!r}; "
                        "expected .yaml, .yml, .csv or .xlsx", file=str(path))
    write_atomic(path, lambda tmp: writer(spec, tmp))
    return path


class _ExportDumper(yaml.SafeDumper):
    """Quotes every text that mkba's strict loader would read as something else (e.g. ``08``)."""


for _first, _resolvers in StrictLoader.yaml_implicit_resolvers.items():
    for _tag, _regexp in _resolvers:
        _ExportDumper.add_implicit_resolver(_tag, _regexp, [_first])


def _list_data(spec: PriceListFile, **dump) -> dict[str, Any]:
    """The list as written: no empty fields, and no ``currency`` when it is the default (EUR).

    Leaving out ``currency: EUR`` keeps exports of euro lists as they were
    before lists had a currency (and readable by those versions of mkba).
    """
    data = spec.model_dump(mode="json", exclude_none=True, **dump)
    if data.get("currency") == DEFAULT_CURRENCY:
        del data["currency"]
    return data


def _write_yaml(spec: PriceListFile, path: Path) -> None:
    data = _list_data(spec)
    if not data.get("overrides"):
        data.pop("overrides", None)
    text = yaml.dump(data, Dumper=_ExportDumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def _header_block(spec: PriceListFile) -> list[tuple[str, str]]:
    data = _list_data(spec, include=set(HEADER_KEYS))
    return [(key, str(data[key])) for key in HEADER_KEYS if key in data]


def _table_rows(spec: PriceListFile) -> tuple[list[str], list[list[Any]]]:
    """Column names and one row per item (and override) of mkba's table layout."""
    with_entry = bool(spec.overrides)
    columns = ([ENTRY_COLUMN] if with_entry else []) + list(TABLE_COLUMNS)
    rows = []
    for entry, models in (("item", spec.items), ("override", spec.overrides)):
        for model in models:
            flat = model.model_dump(exclude={"source"})
            if model.source is not None:
                flat.update({f"source_{k}": v for k, v in model.source.model_dump().items()})
            rows.append(([entry] if with_entry else []) + [flat.get(c) for c in TABLE_COLUMNS])
    return columns, rows


def _write_csv(spec: PriceListFile, path: Path) -> None:
    columns, rows = _table_rows(spec)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerows(_header_block(spec))
        writer.writerow([])
        writer.writerow(columns)
        writer.writerows([["" if v is None else repr(v) if isinstance(v, float) else v for v in row]
                          for row in rows])


def _write_xlsx(spec: PriceListFile, path: Path) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    header_sheet = workbook.create_sheet(LIST_SHEET)
    items_sheet = workbook.create_sheet(ITEMS_SHEET)
    columns, rows = _table_rows(spec)
    header = _header_block(spec)
    _check_excel_text(header, columns, rows, path)
    for key, value in header:
        header_sheet.append([_text_cell(header_sheet, key), _text_cell(header_sheet, value)])
    items_sheet.append(columns)
    for row in rows:
        items_sheet.append([_excel_cell(items_sheet, v) for v in row])
    workbook.save(path)


def _check_excel_text(header: list[tuple[str, str]], columns: list[str], rows: list[list[Any]],
                      path: Path) -> None:
    """Refuse, before writing anything, texts with control characters that Excel cannot store."""
    where = next((f"the list's {key}" for key, value in header if ILLEGAL_CHARACTERS_RE.search(value)), None)
    id_column = columns.index("id")
    where = where or next((f"item {row[id_column]!r}" for row in rows if any(
        isinstance(v, str) and ILLEGAL_CHARACTERS_RE.search(v) for v in row)), None)
    if where:
        raise MkbaError(f"a text of {where} holds a control character that Excel cannot store; "
                        "remove it or export to .csv or .yaml", file=str(path))


def _excel_cell(sheet, value: Any):
    """A cell for a table value: text stays text, a float keeps all its digits."""
    if isinstance(value, str):
        return _text_cell(sheet, value)
    if isinstance(value, float):
        return _float_cell(sheet, value)
    return value


def _float_cell(sheet, number: float):
    """A number cell holding the shortest text that reads back as exactly ``number``.

    openpyxl writes numbers with 16 significant digits, which can change the
    last bit of a float; the text of ``repr`` is exact.
    """
    cell = openpyxl.cell.WriteOnlyCell(sheet, value=repr(number))
    cell.data_type = "n"
    return cell


def _text_cell(sheet, text: str):
    """A cell that Excel keeps as text, even when it starts with ``=``."""
    cell = openpyxl.cell.WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell



# --------------------------------------------------------------------------- read our own tables


def read_pricelist_table(path: str | Path, index=None) -> PriceListFile:
    """Read a price list from mkba's own CSV or Excel layout (as :func:`export_pricelist` writes).

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` file.
    index : PriceIndex, optional
        Index that checks the price years (default: the bundled CBS CPI).

    Raises
    ------
    MkbaError
        Naming the file, line (CSV) or row, and the field.
    """
    from .index import default_index
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise MkbaError(f"expected a .csv or .xlsx file, got {suffix or 'no suffix'!r}", file=str(path))
    header, table = _read_csv_layout(path) if suffix == ".csv" else _read_xlsx_layout(path)
    doc = _layout_document(str(path), header, table)
    return validate(PriceListFile, doc, context={"index": index or default_index()})


def _read_csv_layout(path: Path) -> tuple[list[_Row], list[_Row]]:
    table = _csv_table(path, ",")
    header: list[_Row] = []
    rows = iter(table.rows)
    for row in rows:
        if all(_is_blank(v) for v in row.values):
            return header, list(rows)
        header.append(row)
    raise MkbaError("expected the list's key, value rows, an empty row, then the table of items",
                    file=str(path))


def _read_xlsx_layout(path: Path) -> tuple[list[_Row], list[_Row]]:
    workbook = _open_workbook(path)
    try:
        for needed in (LIST_SHEET, ITEMS_SHEET):
            if needed not in workbook.sheetnames:
                raise MkbaError(f"expected a sheet {needed!r} (mkba's export layout); "
                                f"sheets: {', '.join(workbook.sheetnames)}", file=str(path))
        return tuple([_Row(i, v) for i, v in enumerate(workbook[sheet].iter_rows(values_only=True), 1)
                      if not all(_is_blank(x) for x in v)] for sheet in (LIST_SHEET, ITEMS_SHEET))
    finally:
        workbook.close()


def _layout_document(file: str, header: list[_Row], table: list[_Row]) -> Document:
    """The table layout as the data of a price list file, with row numbers as lines."""
    data: dict[str, Any] = {}
    lines: dict[tuple, int] = {}
    for row in header:
        key = _clean_text(row.values[0])
        value = row.values[1] if len(row.values) > 1 else None
        if not _is_blank(value):
            data[key] = value
            lines[(key,)] = row.number
    if not table:
        raise MkbaError("expected a row of column names", file=file)
    columns = ["" if _is_blank(v) else _clean_text(v) for v in table[0].values]
    unknown = [c for c in columns if c and c not in (*TABLE_COLUMNS, ENTRY_COLUMN)]
    if unknown:
        near = difflib.get_close_matches(unknown[0], TABLE_COLUMNS, n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise MkbaError(f"unknown column {unknown[0]!r}{hint}", file=file, line=table[0].number)
    for row in table[1:]:
        entry = _row_entry(row, columns)
        group = "overrides" if entry.pop(ENTRY_COLUMN, "item") == "override" else "items"
        data.setdefault(group, []).append(entry)
        lines[(group, len(data[group]) - 1)] = row.number
    return Document(data, file, lines)


def _row_entry(row: _Row, columns: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for column, value in zip(columns, row.values):
        if not column or value is None or value == "":
            continue
        if column in ("amount", "low", "high", "price_year", "confidence"):
            entry[column] = value
        else:
            entry[column] = str(value) if isinstance(value, (int, float)) else value
    source = {k[len("source_"):]: entry.pop(k) for k in list(entry) if k.startswith("source_")}
    if source:
        entry["source"] = source
    return entry
