"""Column mappings (``format: mkba-mapping/1``): how someone else's workbook becomes a price list.

A mapping is a YAML file (bundled ones live in ``pricelists/mappings/``) that
says which sheets to read, which header rows name the columns, which column
(or constant) gives each field of a price item, and how to turn the text found
there into mkba's values: financial years such as ``2010/11`` into a price
year, a RAG rating into a confidence, an agency into a payer slug, a unit such
as ``Per bed day`` into an mkba unit. A field may fall back to another column
(or a constant) on rows where its own column is empty, and mark those items in
their note (``fallback``, ``fallback_note``, ``fallback_together``).

The models here are closed (unknown keys are errors); :func:`load_mapping`
reads and validates one, and :func:`mkba.importers.import_pricelist` applies it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

import pydantic
import pydantic_core

from mkba.errors import MkbaError
from mkba.io import paths
from mkba.io.documents import read_document, validate
from mkba.io.spreadsheet import column_index
from mkba.pricelist.items import CURRENCY_PATTERN, DEFAULT_CURRENCY, ITEM_FIELDS, version_text

MAPPING_FORMAT = "mkba-mapping/1"

#: Item fields a mapping may fill (``source_*`` become the item's ``source``): see :data:`ITEM_FIELDS`.
REQUIRED_FIELDS = (
    "id",
    "label",
    "unit",
    "amount",
    "price_year",
    "payer",
    "nature",
    "confidence",
    "source_title",
)


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
    def _one_origin(self) -> FieldSpec:
        origins = [
            k
            for k in ("header", "letter", "sheet_name", "constant", "template")
            if k in self.model_fields_set and getattr(self, k) not in (None, False)
        ]
        if len(origins) != 1:
            given = ", ".join(origins) or "none"
            raise ValueError(
                f"expected exactly one of header, letter, sheet_name, constant, template (given: {given})"
            )
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
                raise ValueError(
                    "a fallback reads a column or gives a constant or the sheet name, not a template"
                )
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

    def chain(self, key: str) -> Iterator[tuple[str, FieldSpec]]:
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
    kind: FieldSpec | None = None
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
    def _use_is_a_header_row(self) -> HeaderSpec:
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
        return column_index(self._parts()[0].upper()) - 1

    @property
    def row(self) -> int:
        """1-based row number."""
        return int(self._parts()[1])

    def _parts(self) -> tuple[str, str]:
        """``'q12'`` -> ``('q', '12')``."""
        match = re.fullmatch(r"([A-Za-z]+)(\d+)", self.cell)
        assert match is not None, "the field's pattern admits only a column and a row"
        return match[1], match[2]


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
    extras: dict[Annotated[str, pydantic.StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$")], FieldSpec] = (
        pydantic.Field(default_factory=dict)
    )
    skip: SkipRules = pydantic.Field(default_factory=SkipRules)
    corrections: list[Correction] = pydantic.Field(default_factory=list)
    fallback_together: list[str] = pydantic.Field(default_factory=list)

    _version_text = pydantic.field_validator("version", mode="before")(version_text)

    @pydantic.model_validator(mode="after")
    def _complete(self) -> Mapping:
        self._check_names()
        self._check_fallback_together()
        self._check_layout()
        return self

    def _check_names(self) -> None:
        """Required fields given; extras, skip rules and templates name what the mapping reads."""
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
                raise ValueError(
                    f"the template of {name!r} names {', '.join(sorted(unknown))}; "
                    "expected fields or extras read from a column, or sheet, row"
                )

    def _check_fallback_together(self) -> None:
        """``fallback_together`` names two or more different fields, each with a fallback."""
        together = self.fallback_together
        if not together:
            return
        if len(together) < 2 or len(set(together)) < len(together):
            raise ValueError("fallback_together names two or more different fields")
        for name in together:
            if name not in self.specs or self.specs[name].fallback is None:
                raise ValueError(
                    f"fallback_together names {name!r}; expected a field or extra with a fallback"
                )

    def _check_layout(self) -> None:
        """Data after the header, a currency other than the euro stated, two distinct separators."""
        if self.data_start is not None and self.data_start <= max(self.header.rows):
            raise ValueError(f"data_start ({self.data_start}) must come after the header rows")
        if self.currency != DEFAULT_CURRENCY and self.currency not in f"{self.title} {self.description}":
            raise ValueError(
                f"currency {self.currency}: say so in the title or description, since mkba assumes euros"
            )
        self._check_separators()

    def _check_separators(self) -> None:
        """The decimal and thousands separators differ; if not, say so at the key the user wrote last.

        Raises
        ------
        pydantic.ValidationError
            At ``thousands_separator`` when ``decimal_separator`` is not given (its default ``.`` is
            the one written for thousands), else at ``decimal_separator``, saying what to write.
        """
        decimal, thousands = self.decimal_separator, self.thousands_separator
        if decimal != thousands:
            return
        if "decimal_separator" not in self.model_fields_set:
            key = "thousands_separator"
            message = (
                f"{thousands!r} is also the decimal separator, as decimal_separator is not given: "
                'add decimal_separator: "," (decimal commas, 1.234,56)'
            )
        else:
            key = "decimal_separator"
            other, example = (",", "1,234.56") if decimal == "." else (".", "1.234,56")
            message = (
                f"{decimal!r} is the thousands_separator too; expected two different separators: "
                f'thousands_separator: "{other}" ({example}), or "" for none'
            )
        raise pydantic_core.ValidationError.from_exception_data(
            type(self).__name__,
            [
                pydantic_core.InitErrorDetails(
                    type=pydantic_core.PydanticCustomError("value_error", message),
                    loc=(key,),
                    input={"decimal_separator": decimal, "thousands_separator": thousands},
                )
            ],
        )

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
            "do not mix it with euro amounts or index it with a euro price index."
        )


def _placeholders(spec: FieldSpec) -> set[str]:
    return {name for part in spec.template_parts for _, name, _, _ in string.Formatter().parse(part) if name}


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
    is_path = (
        isinstance(ref, Path)
        or "/" in text
        or os.sep in text
        or Path(text).suffix.lower() in (".yaml", ".yml", ".toml", ".json")
    )
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
