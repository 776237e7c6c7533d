"""Maatschappelijke prijslijsten: versioned lists of social unit costs.

A price list file (``format: mkba-pricelist/1``, FORMATS.md) holds items, each
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
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pydantic

from . import paths
from .errors import MkbaError
from .loading import Document, read_document, validate
from .source import Source
from .units import check_unit

PRICELIST_FORMAT = "mkba-pricelist/1"
SUFFIXES = (".yaml", ".yml", ".toml", ".json")
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
        raise ValueError(f"expected the version as quoted text, e.g. \"{v}\"; "
                         "an unquoted version is read as a number and may lose digits")
    return v


def _check_price_year(year: int, info: pydantic.ValidationInfo) -> int:
    index = (info.context or {}).get("index")
    if index is not None and not (index.first_year <= year <= index.last_year):
        if index.assumed_inflation is None:
            raise ValueError(
                f"price year {year} is outside the price index {index.name!r} "
                f"({index.first_year}-{index.last_year}); use a year in the index, "
                "or state an assumed yearly inflation (scenario `assumed_inflation`)")
    return year


class PriceItem(pydantic.BaseModel):
    """One unit cost: what a unit of something costs, who pays it, and the source.

    Attributes
    ----------
    id : str
        Stable lower-case identifier used by scenarios.
    unit : str
        ``hour``, ``day``, ``week``, ``month``, ``year`` or a count unit.
    amount : float
        Euros per unit, in prices of ``price_year``.
    low, high : float, optional
        A range around ``amount`` for sensitivity analysis (euro per unit).
    payer : str
        The stakeholder that bears the cost (and saves it when it is avoided).
    nature : {'resource', 'transfer'}
        Real use of resources, or money moving from ``payer`` to ``recipient``.
    confidence : int
        1 (weak, indicative) to 5 (strong, official tariff).
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

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
    confidence: int = pydantic.Field(ge=1, le=5)
    source: Source
    code: str | None = None
    note: str | None = None

    @pydantic.field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        return check_unit(v)

    @pydantic.field_validator("price_year")
    @classmethod
    def _year(cls, v: int, info: pydantic.ValidationInfo) -> int:
        return _check_price_year(v, info)

    @pydantic.model_validator(mode="after")
    def _consistent(self) -> "PriceItem":
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
    new ``amount`` or ``price_year`` needs its own ``source``.
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

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

    @pydantic.field_validator("price_year")
    @classmethod
    def _year(cls, v: int | None, info: pydantic.ValidationInfo) -> int | None:
        return None if v is None else _check_price_year(v, info)

    @pydantic.model_validator(mode="after")
    def _sourced(self) -> "ItemOverride":
        if (self.amount is not None or self.price_year is not None) and self.source is None:
            raise ValueError("a new amount or price_year needs its own source")
        return self


class PriceListFile(pydantic.BaseModel):
    """The shape of a price list file (FORMATS.md), as written."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

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
    def _unique(self) -> "PriceListFile":
        for group, entries in (("items", self.items), ("overrides", self.overrides)):
            seen: set[str] = set()
            for i, entry in enumerate(entries):
                if entry.id in seen:
                    raise ValueError(f"{group}[{i}]: id {entry.id!r} is given twice; expected unique ids")
                seen.add(entry.id)
        if self.overrides and not self.extends:
            raise ValueError("overrides need a base list: set 'extends'")
        return self


@dataclass(frozen=True)
class PriceList:
    """A resolved price list: its items after following ``extends``.

    Attributes
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
        """The item ``item_id``; an unknown id names the nearest existing ones."""
        try:
            return self.items[item_id]
        except KeyError:
            raise MkbaError(unknown_item_message(item_id, self)) from None

    def amounts(self, price_year: int | None = None, index=None) -> dict[str, float]:
        """Each item's amount, indexed to ``price_year`` when given (euro per unit)."""
        frame = self.to_frame(price_year=price_year, index=index)
        return dict(zip(frame["id"], frame["amount"]))

    def to_frame(self, price_year: int | None = None, index=None) -> pd.DataFrame:
        """One row per item; with ``price_year``, amounts (and ranges) indexed to that year."""
        rows = []
        for item in self.items.values():
            row = item.model_dump(exclude={"source"})
            row.update({f"source_{k}": v for k, v in item.source.model_dump().items()})
            row["origin"] = self.origin.get(item.id, self.ref)
            rows.append(row)
        frame = pd.DataFrame(rows, columns=list(PriceItem.model_fields.keys() - {"source"})
                             + ["source_title", "source_url", "source_where", "origin"])
        frame = frame[[c for c in _COLUMN_ORDER if c in frame.columns]]
        if price_year is not None and len(frame):
            from .index import default_index
            _check_indexable(self)
            factor = (index or default_index()).factor(frame["price_year"].to_numpy(), price_year)
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


_COLUMN_ORDER = ["id", "label", "label_en", "unit", "amount", "price_year", "low", "high", "payer",
                 "nature", "recipient", "category", "confidence", "source_title", "source_url",
                 "source_where", "code", "note", "origin"]


def unknown_item_message(item_id: str, pricelist: PriceList) -> str:
    near = difflib.get_close_matches(item_id, list(pricelist.items), n=3, cutoff=0.5)
    hint = f"; nearest: {', '.join(near)}" if near else ""
    return f"unknown price item {item_id!r} in {pricelist.ref}{hint}"


def _version_key(version: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[._-]", version))


def parse_ref(ref: str) -> tuple[str, str | None]:
    """``'name@version'`` -> ``('name', 'version')``; ``'name'`` -> ``('name', None)``."""
    name, _, version = ref.partition("@")
    return name, (version or None)


def _looks_like_path(ref: str) -> bool:
    return ref.lower().endswith(SUFFIXES + TABLE_SUFFIXES) or "/" in ref or os.sep in ref


class Registry:
    """Folders of versioned price lists, laid out as ``<folder>/<name>/<version>.yaml``.

    Parameters
    ----------
    folders : sequence of path, optional
        Extra folders, searched before the bundled lists. The environment
        variable ``MKBA_PRICELISTS`` (paths separated by ``os.pathsep``) adds more.
    include_bundled : bool
        Whether the bundled lists (``pricelists/``) are searched too.
    """

    def __init__(self, folders=(), include_bundled: bool = True) -> None:
        env = [p for p in os.environ.get("MKBA_PRICELISTS", "").split(os.pathsep) if p]
        self.folders = [Path(f) for f in (*folders, *env)]
        if include_bundled:
            self.folders.append(paths.bundled_pricelists())

    def available(self) -> dict[str, dict[str, Path]]:
        """Every list name to its versions (oldest first) and their files."""
        found: dict[str, dict[str, Path]] = {}
        for folder in reversed(self.folders):
            if not folder.is_dir():
                continue
            for sub in sorted(folder.iterdir()):
                if not sub.is_dir() or sub.name in ("index", "mappings"):
                    continue
                for file in sub.iterdir():
                    if file.suffix.lower() in SUFFIXES:
                        found.setdefault(sub.name, {})[file.stem] = file
        return {name: dict(sorted(v.items(), key=lambda kv: _version_key(kv[0])))
                for name, v in sorted(found.items())}

    def path_of(self, ref: str) -> Path:
        """The file of ``name[@version]``; the newest version when none is given."""
        name, version = parse_ref(ref)
        lists = self.available()
        if name not in lists:
            near = difflib.get_close_matches(name, list(lists), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            known = ", ".join(lists) or "none"
            raise MkbaError(f"no price list named {name!r}{hint} (available: {known})")
        versions = lists[name]
        if version is None:
            return versions[list(versions)[-1]]
        if version not in versions:
            raise MkbaError(f"price list {name!r} has no version {version!r}; "
                            f"available: {', '.join(versions)}")
        return versions[version]

    def load(self, ref: str | Path, index=None) -> PriceList:
        """Load and resolve a list by ``name[@version]`` or by file path."""
        path = Path(ref) if isinstance(ref, Path) or _looks_like_path(str(ref)) else self.path_of(ref)
        return self._resolve(path, index, ())

    def _resolve(self, path: Path, index, seen: tuple[str, ...]) -> PriceList:
        from .index import default_index
        if path.suffix.lower() in TABLE_SUFFIXES:  # a list exported as a table (mkba pricelist export)
            from .exporters import read_pricelist_table
            spec = read_pricelist_table(path, index=index)
            doc = Document(spec.model_dump(mode="json"), str(path))
        else:
            doc = read_document(path)
            spec = validate(PriceListFile, doc, context={"index": index or default_index()})
        _check_file_name(spec, path, doc)
        ref = f"{spec.name}@{spec.version}"
        if ref in seen:
            cycle = " -> ".join((*seen, ref))
            raise MkbaError(f"'extends' makes a cycle: {cycle}", file=doc.file,
                            line=doc.line_of(("extends",)), field="extends")
        if spec.extends is None:
            base = None
            items: dict[str, PriceItem] = {}
            origin: dict[str, str] = {}
        else:
            base = self._load_base(spec.extends, path, doc, index, (*seen, ref))
            if base.currency != spec.currency:
                key = "currency" if "currency" in spec.model_fields_set else "extends"
                said = f"says currency {spec.currency}" if key == "currency" else \
                    f"names no currency (so {spec.currency})"
                raise MkbaError(
                    f"this list {said}, but its base {base.ref} is in "
                    f"{base.currency}; expected one currency in an 'extends' chain "
                    f"(set 'currency: {base.currency}' or extend a list in {spec.currency})",
                    file=doc.file, line=doc.line_of((key,)), field=key)
            items, origin = dict(base.items), dict(base.origin)
        for i, override in enumerate(spec.overrides):
            if override.id not in items:
                raise MkbaError(
                    unknown_item_message(override.id, base) + "; an override must name an inherited item "
                    "(add new items under 'items')",
                    file=doc.file, line=doc.line_of(("overrides", i, "id")), field=f"overrides[{i}].id")
            merged = items[override.id].model_dump() | override.model_dump(exclude_none=True)
            try:
                items[override.id] = PriceItem.model_validate(
                    merged, context={"index": index or default_index()})
            except pydantic.ValidationError as exc:
                raise MkbaError(
                    f"the overridden item is not valid: {exc.errors()[0]['msg']}", file=doc.file,
                    line=doc.line_of(("overrides", i)), field=f"overrides[{i}]") from None
            origin[override.id] = f"{origin[override.id]} < {ref}"
        for item in spec.items:
            items[item.id] = item
            origin[item.id] = ref
        chain = (ref, *(base.chain if base else ()))
        return PriceList(spec.name, spec.version, spec.title, items, origin, chain, path, spec.published,
                         spec.currency)

    def _load_base(self, extends: str, path: Path, doc: Document, index, seen) -> PriceList:
        where = {"file": doc.file, "line": doc.line_of(("extends",)), "field": "extends"}
        if _looks_like_path(extends):
            base_path = (path.parent / extends).resolve()
            if not base_path.exists():
                raise MkbaError(f"the base list {extends!r} does not exist (looked at {base_path})", **where)
        else:
            try:
                base_path = self.path_of(extends)
            except MkbaError as exc:
                raise MkbaError(f"'extends: {extends}' does not resolve: {exc.message}", **where) from None
        return self._resolve(base_path, index, seen)


def _check_file_name(spec: PriceListFile, path: Path, doc: Document) -> None:
    """In a registry folder, ``<name>/<version>.yaml`` must agree with the file's content."""
    if path.parent.name == spec.name and path.stem != spec.version:
        raise MkbaError(
            f"the file is named {path.name!r} but says version {spec.version!r}; "
            "expected the file name to be the version", file=doc.file,
            line=doc.line_of(("version",)), field="version")


def load_pricelist(ref: str | Path | PriceList | None = None, *, folders=(), index=None) -> PriceList:
    """Load a price list by ``name[@version]``, by path, or the bundled default.

    Parameters
    ----------
    ref : str, Path or PriceList, optional
        ``'nl-sociaal-domein@2024.1'``, ``'nl-sociaal-domein'`` (newest version),
        a file path, or an already loaded list. Default: the bundled default
        list, newest version.
    folders : sequence of path
        Extra folders of lists, searched before the bundled ones.
    index : PriceIndex, optional
        The index used to check price years (default: bundled CBS CPI).
    """
    if isinstance(ref, PriceList):
        return ref
    return Registry(folders).load(ref or DEFAULT_PRICELIST, index=index)


def _check_indexable(pricelist: PriceList) -> None:
    """The bundled price index is Dutch (CBS CPI): it indexes euro amounts only."""
    if pricelist.currency != DEFAULT_CURRENCY:
        raise MkbaError(f"{pricelist.ref} is in {pricelist.currency}; indexing it with the Dutch consumer "
                        "price index would mean nothing: expected a list in EUR")


def diff(a: PriceList, b: PriceList, price_year: int | None = None, index=None) -> pd.DataFrame:
    """Compare two price lists item by item.

    Returns
    -------
    pandas.DataFrame
        One row per item in either list with ``status`` (added, removed,
        changed, unchanged), the fields that changed, both amounts and price
        years, the nominal change (euro and fraction) and the real change
        (fraction) with both amounts indexed to ``price_year`` (default: the
        newest price year in either list); no real change for lists in another
        currency than the euro.

    Raises
    ------
    MkbaError
        When the two lists are in different currencies.
    """
    from .index import default_index
    if a.currency != b.currency:
        raise MkbaError(f"cannot compare {a.ref} ({a.currency}) with {b.ref} ({b.currency}): "
                        "expected two lists in the same currency")
    index = index or default_index()
    years = [i.price_year for i in (*a, *b)]
    price_year = price_year if price_year is not None else (max(years) if years else None)
    rows = []
    for item_id in list(a.items) + [i for i in b.items if i not in a.items]:
        old, new = a.items.get(item_id), b.items.get(item_id)
        if old is None or new is None:
            status, changed = ("added" if old is None else "removed"), []
        else:
            d_old, d_new = old.model_dump(), new.model_dump()
            changed = [k for k in d_old if d_old[k] != d_new[k]]
            status = "changed" if changed else "unchanged"
        rows.append({
            "id": item_id, "status": status, "changed": ", ".join(changed),
            "unit_a": old.unit if old else None, "unit_b": new.unit if new else None,
            "amount_a": old.amount if old else np.nan, "price_year_a": old.price_year if old else None,
            "amount_b": new.amount if new else np.nan, "price_year_b": new.price_year if new else None,
        })
    frame = pd.DataFrame(rows, columns=["id", "status", "changed", "unit_a", "unit_b", "amount_a",
                                        "price_year_a", "amount_b", "price_year_b"])
    frame["nominal_change"] = frame["amount_b"] - frame["amount_a"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["nominal_change_pct"] = frame["nominal_change"] / frame["amount_a"]
        # the real change needs the (Dutch) price index, which only applies to euro lists
        both = frame["status"].isin(["changed", "unchanged"]) & (frame["unit_a"] == frame["unit_b"]) \
            & (a.currency == DEFAULT_CURRENCY)
        real_a = np.full(len(frame), np.nan)
        real_b = np.full(len(frame), np.nan)
        if both.any():
            sel = both.to_numpy()
            real_a[sel] = index.index(frame.loc[sel, "amount_a"].to_numpy(float),
                                      frame.loc[sel, "price_year_a"].to_numpy(int), price_year)
            real_b[sel] = index.index(frame.loc[sel, "amount_b"].to_numpy(float),
                                      frame.loc[sel, "price_year_b"].to_numpy(int), price_year)
        frame[f"amount_a_{price_year}"] = real_a
        frame[f"amount_b_{price_year}"] = real_b
        frame["real_change_pct"] = real_b / real_a - 1
    frame.attrs["price_year"] = price_year
    return frame
