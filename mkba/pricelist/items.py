"""Maatschappelijke prijslijsten: versioned lists of social unit costs.

A price list file (``format: mkba-pricelist/1``, docs/formats.md) holds items, each
with its unit, price year, payer, nature and source. A list may ``extend``
another: its ``items`` add to (or replace) the base's items and its
``overrides`` change some fields of inherited items, usually the tariff. The
resolved :class:`PriceList` knows where each item came from.

Lists are found by name in a :class:`Registry` of folders laid out as
``<folder>/<name>/<version>.yaml``; ``name`` alone means its newest version.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pydantic

from mkba.errors import MkbaError
from mkba.pricelist.index import WITHIN_INDEX, PriceIndex, default_index
from mkba.pricelist.source import Source
from mkba.pricelist.units import check_unit

if TYPE_CHECKING:
    import pandas as pd

PRICELIST_FORMAT = "mkba-pricelist/1"
#: Our own table layout, as ``mkba pricelist export`` writes it; read back as a list too.
TABLE_SUFFIXES = (".csv", ".xlsx")
NAME_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
STAKEHOLDER_PATTERN = r"^[a-z][a-z0-9_-]*$"
DEFAULT_PRICELIST = "nl-sociaal-domein"
DEFAULT_RECIPIENT = "deelnemers"
#: The currency of a list that names none; the engine and the price index assume it.
DEFAULT_CURRENCY = "EUR"
#: An ISO 4217 currency code: three upper-case letters (``EUR``, ``GBP``).
CURRENCY_PATTERN = r"^[A-Z]{3}$"


def version_text(v: Any) -> Any:
    """Refuse a version that YAML (or a spreadsheet) read as a number: ``2024.10`` is ``2024.1``.

    For ``pydantic.field_validator("version", mode="before")``; shared by the
    price list and column mapping formats.
    """
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        raise ValueError(
            f'expected the version as quoted text, e.g. "{v}"; '
            "an unquoted version is read as a number and may lose digits"
        )
    return v


#: The largest amount of a price item (euro per unit): beyond it, a typo. Scenarios bound every
#: number by the same (``mkba.scenario.fields.MAX_NUMBER``).
MAX_AMOUNT = 1e15


def _check_amount(value: float | None) -> float | None:
    if value is not None and value > MAX_AMOUNT:
        raise ValueError(f"expected a number of at most {MAX_AMOUNT:g} in size")
    return value


#: What a list's author can do about an item's price year outside the index (see
#: :meth:`PriceIndex.check_year`; ``{first}`` and ``{last}`` are the index's years).
ITEM_REMEDY = (
    "use a year from {first} to {last} in the list, or, for a scenario using the list, set "
    "`assumed_inflation` in the scenario file (an assumed yearly inflation, e.g. 0.02) for the years "
    "beyond the index"
)


def _check_price_year(year: int, info: pydantic.ValidationInfo) -> int:
    index: PriceIndex | None = (info.context or {}).get("index")
    if index is not None:
        try:
            index.check_year(year, ITEM_REMEDY)
        except MkbaError as exc:  # pydantic wants a ValueError, to give it the item's line
            raise ValueError(exc.message) from None
    return year


class PriceItem(pydantic.BaseModel):
    """One unit cost: what a unit of something costs, who pays it, and the source.

    An item of a price list file (docs/formats.md); scenarios name it by ``id``. Its amount is
    indexed to a scenario's price year with the price index (docs/method.md, section 1).

    Parameters
    ----------
    id : str
        Stable lower-case identifier used by scenarios.
    label, label_en : str
        What the unit is, in Dutch (and in English).
    unit : str
        ``hour``, ``day``, ``week``, ``month``, ``year`` or a count unit (``contact``, ``case``,
        ...; docs/method.md, section 1).
    amount : float
        Euro per unit, in prices of ``price_year``; >= 0.
    price_year : int
        The year whose prices ``amount`` is in.
    low, high : float, optional
        A range around ``amount`` for sensitivity analysis (euro per unit); with both, the item
        is a PERT whose mean is ``amount`` (docs/method.md, section 6). When ``amount`` is at an end
        of its range (no PERT has its mean there), the PERT's mode is that end and a scenario uses its
        mean: ``(low + 4 amount + high) / 6`` (e.g. 6,444-7,623 around 7,623 gives 7,426.50), and says
        so among the defaults it used.
    payer : str
        The stakeholder that bears the cost (and saves it when it is avoided).
    nature : {'resource', 'transfer'}
        Real use of resources, or money moving from ``payer`` to ``recipient`` (section 3).
    recipient : str, optional
        Who receives a transfer (default ``deelnemers``).
    category : str, optional
        A grouping for tables (``zorg``, ``werk en inkomen``, ...).
    kind : {'price', 'reference_value'}
        ``price`` (default): what a unit costs. ``reference_value``: a value society puts on a unit
        that has no market price, such as a QALY (Zorginstituut's reference values), used as a benefit.
    confidence : int
        1 (weak, indicative) to 5 (strong, official tariff).
    source : Source
        Where the amount comes from: ``{title, url, where}``.
    code, note : str, optional
        The source's own code for the item, and a remark.

    Examples
    --------
    >>> import mkba
    >>> item = mkba.PriceItem(
    ...     id="coach-uur", label="Uur coaching", unit="hour", amount=65.0, price_year=2024,
    ...     payer="gemeente", nature="resource", confidence=2,
    ...     source={"title": "Offerte coachingbureau (fictief)"},
    ... )
    >>> item.amount, item.unit, item.kind  # euro per hour, in prices of 2024
    (65.0, 'hour', 'price')
    >>> mkba.load_pricelist("nl-sociaal-domein@2024.1")["bijstand-maand"].transfer_recipient
    'deelnemers'
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = pydantic.Field(pattern=NAME_PATTERN, max_length=120)
    label: str = pydantic.Field(min_length=1)
    label_en: str | None = None
    unit: str
    amount: float = pydantic.Field(ge=0, allow_inf_nan=False)
    price_year: int
    low: float | None = pydantic.Field(default=None, ge=0, allow_inf_nan=False)
    high: float | None = pydantic.Field(default=None, ge=0, allow_inf_nan=False)
    payer: str = pydantic.Field(pattern=STAKEHOLDER_PATTERN)
    nature: Literal["resource", "transfer"]
    recipient: str | None = pydantic.Field(default=None, pattern=STAKEHOLDER_PATTERN)
    category: str | None = None
    kind: Literal["price", "reference_value"] = "price"
    confidence: int = pydantic.Field(ge=1, le=5)
    source: Source
    code: str | None = None
    note: str | None = None

    @pydantic.field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        return check_unit(v)

    @pydantic.field_validator("amount", "low", "high")
    @classmethod
    def _bounded(cls, v: float | None) -> float | None:
        return _check_amount(v)

    @pydantic.field_validator("price_year")
    @classmethod
    def _year(cls, v: int, info: pydantic.ValidationInfo) -> int:
        return _check_price_year(v, info)

    @pydantic.model_validator(mode="after")
    def _consistent(self) -> PriceItem:
        if self.low is not None and self.low > self.amount:
            raise ValueError(f"low ({self.low}) is above amount ({self.amount}); expected low <= amount")
        if self.high is not None and self.high < self.amount:
            raise ValueError(f"high ({self.high}) is below amount ({self.amount}); expected high >= amount")
        if self.recipient is not None and self.nature != "transfer":
            raise ValueError("recipient is only for items of nature 'transfer'")
        if self.nature == "transfer" and (self.recipient or DEFAULT_RECIPIENT) == self.payer:
            raise ValueError("a transfer's recipient must differ from its payer")
        return self

    @property
    def transfer_recipient(self) -> str | None:
        """Who receives the money of a transfer (default ``deelnemers``)."""
        return (self.recipient or DEFAULT_RECIPIENT) if self.nature == "transfer" else None


class ItemOverride(pydantic.BaseModel):
    """Changes to an inherited item in a list that ``extends`` another.

    Only ``id`` is required; every other field given replaces the base's. A
    new ``amount``, ``price_year`` or ``unit`` is a new figure: it needs its own ``source`` and
    ``confidence``, and the base's range (``low``, ``high``), ``note`` and ``code``, which
    describe the base's figure, are not inherited (restate them in the override to keep them).
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = pydantic.Field(pattern=NAME_PATTERN)
    label: str | None = None
    label_en: str | None = None
    unit: str | None = None
    amount: float | None = pydantic.Field(default=None, ge=0, allow_inf_nan=False)
    price_year: int | None = None
    low: float | None = pydantic.Field(default=None, ge=0, allow_inf_nan=False)
    high: float | None = pydantic.Field(default=None, ge=0, allow_inf_nan=False)
    payer: str | None = pydantic.Field(default=None, pattern=STAKEHOLDER_PATTERN)
    nature: Literal["resource", "transfer"] | None = None
    recipient: str | None = pydantic.Field(default=None, pattern=STAKEHOLDER_PATTERN)
    category: str | None = None
    confidence: int | None = pydantic.Field(default=None, ge=1, le=5)
    source: Source | None = None
    code: str | None = None
    note: str | None = None

    @pydantic.field_validator("unit")
    @classmethod
    def _unit(cls, v: str | None) -> str | None:
        return None if v is None else check_unit(v)

    @pydantic.field_validator("amount", "low", "high")
    @classmethod
    def _bounded(cls, v: float | None) -> float | None:
        return _check_amount(v)

    @pydantic.field_validator("price_year")
    @classmethod
    def _year(cls, v: int | None, info: pydantic.ValidationInfo) -> int | None:
        return None if v is None else _check_price_year(v, info)

    @pydantic.model_validator(mode="after")
    def _sourced(self) -> ItemOverride:
        if self.new_figure and (self.source is None or self.confidence is None):
            raise ValueError(
                "a new amount, price_year or unit needs its own source and confidence (1-5); the "
                "inherited ones describe the base's figure"
            )
        return self

    @property
    def new_figure(self) -> bool:
        """Whether the override states a new figure (``amount``, ``price_year`` or ``unit``: an amount per
        week is another figure than the same number per hour)."""
        return self.amount is not None or self.price_year is not None or self.unit is not None


class PriceListFile(pydantic.BaseModel):
    """The shape of a price list file (docs/formats.md), as written."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, defer_build=True)

    format: Literal["mkba-pricelist/1"]
    name: str = pydantic.Field(pattern=NAME_PATTERN)
    version: str = pydantic.Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
    title: str
    title_en: str | None = None
    description: str | None = None
    published: dt.date | None = None
    currency: str = pydantic.Field(default=DEFAULT_CURRENCY, pattern=CURRENCY_PATTERN)
    extends: str | None = None
    items: list[PriceItem] = pydantic.Field(default_factory=list)
    overrides: list[ItemOverride] = pydantic.Field(default_factory=list)

    _version_text = pydantic.field_validator("version", mode="before")(version_text)

    @pydantic.model_validator(mode="after")
    def _unique(self) -> PriceListFile:
        groups = (("items", [e.id for e in self.items]), ("overrides", [e.id for e in self.overrides]))
        for group, ids in groups:
            seen: set[str] = set()
            for i, entry_id in enumerate(ids):
                if entry_id in seen:
                    raise ValueError(f"{group}[{i}]: id {entry_id!r} is given twice; expected unique ids")
                seen.add(entry_id)
        if self.overrides and not self.extends:
            raise ValueError("overrides need a base list: set 'extends'")
        return self


@dataclass(frozen=True)
class PriceList:
    """A resolved price list: its items after following ``extends``.

    Made by :func:`mkba.load_pricelist` (or :meth:`mkba.Registry.load`); a mapping of item id
    to :class:`PriceItem` (``len``, ``in``, ``[id]``, iteration over the items).

    Parameters
    ----------
    name, version, title : str
        Identity of the list (the top of the chain).
    items : dict of str to PriceItem
        Every item by id, base items first.
    origin : dict of str to str
        Per item, the ``name@version`` that defined it last (``a@1 < b@2``
        when ``b@2`` overrode an item of ``a@1``).
    chain : tuple of str
        ``name@version`` of this list and its bases, top first.
    path : Path, optional
        The file of the top list.
    published : date, optional
        When the top list was published.
    currency : str
        ISO 4217 code of every amount (``EUR`` unless the file says otherwise);
        all lists of an ``extends`` chain share it. mkba's engine and price
        index are for euros.

    Examples
    --------
    >>> import mkba
    >>> pricelist = mkba.load_pricelist("nl-sociaal-domein@2024.1")
    >>> pricelist
    PriceList('nl-sociaal-domein@2024.1', 70 items)
    >>> item = pricelist["huisarts-consult"]
    >>> item.amount, item.unit, item.price_year  # euro per contact, in prices of 2022
    (30.87, 'contact', 2022)
    >>> round(pricelist.amounts(price_year=2024)["huisarts-consult"], 2)  # indexed: euro of 2024
    33.1
    """

    name: str
    version: str
    title: str
    items: dict[str, PriceItem]
    origin: dict[str, str] = field(default_factory=dict)
    chain: tuple[str, ...] = ()
    path: Path | None = None
    published: dt.date | None = None
    currency: str = DEFAULT_CURRENCY

    @property
    def ref(self) -> str:
        """``name@version`` of the list."""
        return f"{self.name}@{self.version}"

    @property
    def sha256(self) -> str:
        """Hash of the resolved content (chain, items and a currency other than EUR), for provenance.

        The currency counts only when it is not EUR, so the hashes of euro
        lists are those of versions before lists had a currency.
        """
        payload = {
            "chain": list(self.chain),
            "items": [i.model_dump(mode="json") for i in self.items.values()],
        }
        if self.currency != DEFAULT_CURRENCY:
            payload["currency"] = self.currency
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[PriceItem]:
        return iter(self.items.values())

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.items

    def __getitem__(self, item_id: str) -> PriceItem:
        return self.item(item_id)

    def item(self, item_id: str) -> PriceItem:
        """The item ``item_id`` (what ``pricelist[item_id]`` gives).

        Parameters
        ----------
        item_id : str
            The item's id, e.g. ``'huisarts-consult'``.

        Returns
        -------
        PriceItem
            The item as resolved (after ``extends`` and ``overrides``); its ``amount`` is in euro
            per ``unit``, in prices of its own ``price_year``.

        Raises
        ------
        MkbaError
            An unknown id, naming the nearest existing ones.

        Examples
        --------
        >>> import mkba
        >>> pricelist = mkba.load_pricelist("nl-sociaal-domein@2024.1")
        >>> pricelist.item("huisarts-consult").amount  # euro per contact, prices of 2022
        30.87
        >>> pricelist.item("huisarts")
        Traceback (most recent call last):
        ...
        mkba.errors.MkbaError: unknown price item 'huisarts' in nl-sociaal-domein@2024.1; nearest: ...
        """
        try:
            return self.items[item_id]
        except KeyError:
            raise MkbaError(unknown_item_message(item_id, self)) from None

    def amounts(self, price_year: int | None = None, index: PriceIndex | None = None) -> dict[str, float]:
        """Each item's amount, indexed to ``price_year`` when given (euro per unit).

        Parameters
        ----------
        price_year : int, optional
            The year whose euros to express every amount in. Default: none; each amount stays in
            its item's own price year.
        index : PriceIndex, optional
            The index to bring amounts to ``price_year`` with (default: the bundled CBS CPI).

        Returns
        -------
        dict of str to float
            Item id to its amount, euro per unit of the item, in the list's order.

        Raises
        ------
        MkbaError
            With ``price_year``: a list in another currency than EUR, or a price year outside the
            index (without an assumed inflation).
        """
        frame = self.to_frame(price_year=price_year, index=index)
        return dict(zip(frame["id"], frame["amount"]))

    def to_frame(self, price_year: int | None = None, index: PriceIndex | None = None) -> pd.DataFrame:
        """One row per item; with ``price_year``, amounts (and ranges) indexed to that year.

        Parameters
        ----------
        price_year : int, optional
            The year whose euros to express ``amount``, ``low`` and ``high`` in (the column
            ``price_year`` then holds it). Default: each item in its own price year.
        index : PriceIndex, optional
            The index to bring amounts to ``price_year`` with (default: the bundled CBS CPI).

        Returns
        -------
        pandas.DataFrame
            One row per item in the list's order, with the item's fields as columns (``id``,
            ``label``, ``unit``, ``amount``, ``price_year``, ``low``, ``high`` in euro per unit,
            ``payer``, ``nature``, ..., its ``source`` as ``source_title``, ``source_url``,
            ``source_where``) and ``origin``, the ``name@version`` that defined it last.

        Raises
        ------
        MkbaError
            As :meth:`amounts`.

        Examples
        --------
        >>> import mkba
        >>> frame = mkba.load_pricelist("nl-sociaal-domein@2024.1").to_frame(price_year=2024)
        >>> row = frame.set_index("id").loc["huisarts-consult"]
        >>> round(float(row["amount"]), 2), int(row["price_year"])  # euro of 2024 per contact
        (33.1, 2024)
        """
        import pandas as pd

        rows = []
        for item in self.items.values():
            row = item.model_dump(exclude={"source"})
            row.update({f"source_{k}": v for k, v in item.source.model_dump().items()})
            row["origin"] = self.origin.get(item.id, self.ref)
            rows.append(row)
        frame = pd.DataFrame(
            rows,
            columns=[
                *list(PriceItem.model_fields.keys() - {"source"}),
                "source_title",
                "source_url",
                "source_where",
                "origin",
            ],
        )
        frame = frame[[c for c in _COLUMN_ORDER if c in frame.columns]]
        if price_year is not None and len(frame):
            _check_indexable(self)
            index = index or default_index()
            index.check_year(price_year, WITHIN_INDEX)
            factor = index.factor(frame["price_year"].to_numpy(), price_year)
            for col in ("amount", "low", "high"):
                frame[col] = frame[col].astype(float) * factor
            frame["price_year"] = price_year
        return frame

    def __repr__(self) -> str:
        return f"PriceList({self.ref!r}, {len(self)} items)"

    def _repr_html_(self) -> str:
        head = f"<p><b>{self.title}</b> ({self.ref}, {len(self)} items)</p>"
        cols = ["id", "label", "unit", "amount", "price_year", "payer", "nature", "confidence"]
        return head + self.to_frame()[cols].to_html(index=False, max_rows=30)


#: An item's fields as flat columns, in the order tables show them (``source_*`` make its ``source``);
#: the column mapping and the exported table use the same list.
ITEM_FIELDS = (
    "id",
    "label",
    "label_en",
    "unit",
    "amount",
    "price_year",
    "low",
    "high",
    "payer",
    "nature",
    "recipient",
    "category",
    "kind",
    "confidence",
    "source_title",
    "source_url",
    "source_where",
    "code",
    "note",
)
_COLUMN_ORDER = [*ITEM_FIELDS, "origin"]


def unknown_item_message(item_id: str, pricelist: PriceList) -> str:
    """The message for an item id not in ``pricelist``, naming the nearest ids."""
    near = difflib.get_close_matches(item_id, list(pricelist.items), n=3, cutoff=0.5)
    hint = f"; nearest: {', '.join(near)}" if near else ""
    return f"unknown price item {item_id!r} in {pricelist.ref}{hint}"


def _check_indexable(pricelist: PriceList) -> None:
    """The bundled price index is Dutch (CBS CPI): it indexes euro amounts only."""
    if pricelist.currency != DEFAULT_CURRENCY:
        raise MkbaError(
            f"{pricelist.ref} is in {pricelist.currency}; indexing it with the Dutch consumer "
            "price index would mean nothing: expected a list in EUR"
        )
