"""Price index series and indexation to a common price year.

An amount stated in price year ``p`` is brought to price year ``P`` with
``amount_P = amount_p * I(P) / I(p)`` (docs/method.md, section 1). A year outside
the series is an error unless the caller states an assumed yearly inflation
for the years beyond it; nothing is extrapolated silently.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pydantic

from mkba.errors import MkbaError
from mkba.io import paths
from mkba.io.documents import read_document, validate
from mkba.pricelist.source import Source

#: What to do about a price year outside an index, where no assumed inflation can be stated (a
#: ``remedy`` of :meth:`PriceIndex.check_year`: ``{first}`` and ``{last}`` are the index's years).
WITHIN_INDEX = "expected a price year from {first} to {last}, the years of the index"


class YearStatus(pydantic.BaseModel):
    """How one year's index value was obtained, when it is not the official published figure."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: Literal["official", "provisional", "derived"]
    how: str | None = pydantic.Field(default=None, description="How a derived value was computed, from what.")

    @pydantic.model_validator(mode="after")
    def _derived_says_how(self) -> YearStatus:
        if self.kind == "derived" and not self.how:
            raise ValueError("a derived year must say how it was derived ('how')")
        return self


class IndexFile(pydantic.BaseModel):
    """The file shape of a price index series (``format: mkba-index/1``).

    ``status`` marks the years whose value is not the official published figure: ``provisional``
    (published, may still change) or ``derived`` (computed, with ``how``); a year not listed is official.
    """

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, defer_build=True)

    format: str = pydantic.Field(pattern=r"^mkba-index/1$")
    name: str
    title: str
    title_en: str | None = None
    base_year: int
    source: Source
    note: str | None = None
    published: dt.date | None = None
    values: dict[int, float]
    status: dict[int, YearStatus] = pydantic.Field(default_factory=dict)

    @pydantic.model_validator(mode="after")
    def _status_years_known(self) -> IndexFile:
        unknown = sorted(set(self.status) - set(self.values))
        if unknown:
            raise ValueError(f"status names years without a value: {unknown}")
        return self

    def status_of(self, year: int) -> YearStatus:
        """How ``year``'s value was obtained (official unless the file says otherwise)."""
        return self.status.get(year, YearStatus(kind="official"))

    @pydantic.field_validator("values")
    @classmethod
    def _consecutive_positive(cls, values: dict[int, float]) -> dict[int, float]:
        years = sorted(values)
        if not years:
            raise ValueError("expected at least one year")
        if years != list(range(years[0], years[-1] + 1)):
            missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
            raise ValueError(f"expected consecutive years; missing {missing}")
        if any(v <= 0 for v in values.values()):
            raise ValueError("expected positive index values")
        return dict(sorted(values.items()))


#: The assumed yearly inflation an index or a scenario may carry (the scenario field's bounds).
INFLATION_BOUNDS = (-0.5, 1.0)


def _check_inflation(rate: object) -> None:
    """Refuse an assumed inflation that is not a rate a year in :data:`INFLATION_BOUNDS` (or None)."""
    if rate is None:
        return
    low, high = INFLATION_BOUNDS
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not low <= float(rate) <= high:
        raise MkbaError(
            f"expected a yearly inflation from {low} to {high} (0.02 is 2 %), or None, got {rate!r}",
            field="assumed_inflation",
        )


def _check_series(values: object) -> None:
    """Refuse an index series that is empty or holds a value that is not a positive finite number."""
    if not isinstance(values, dict) or not values:
        raise MkbaError(
            "expected the index as a mapping of year to value, with at least one year", field="values"
        )
    for year, value in values.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise MkbaError(f"expected a positive index value, got {value!r}", field=f"values.{year}")


class PriceIndex:
    """A yearly price index, e.g. the CBS consumer price index.

    Brings an amount of price year ``p`` to price year ``P``: ``amount * I(P) / I(p)``
    (docs/method.md, section 1). A year outside the series is an error unless an assumed
    yearly inflation is stated; nothing is extrapolated silently.

    Parameters
    ----------
    values : dict of int to float
        Index value per calendar year (any base, e.g. 2015 = 100); consecutive years.
    name : str
        Name of the series, for provenance.
    assumed_inflation : float, optional
        Yearly inflation, a rate per year (a fraction: 0.02 is 2 %), assumed for years beyond
        either end of the series. Without it such years are an error.
    meta : IndexFile, optional
        The file the series was read from (title, source, base year), when it was read from one.

    Attributes
    ----------
    first_year, last_year : int
        The first and last calendar year of the series.

    Examples
    --------
    >>> import mkba
    >>> index = mkba.PriceIndex({2023: 100.0, 2024: 103.0}, name="example")
    >>> float(index.factor(2023, 2024))
    1.03
    >>> float(index.index(50.0, 2023, 2024))  # 50 euro of 2023 in euro of 2024
    51.5
    >>> round(float(index.with_assumed_inflation(0.02).level(2025)), 4)  # beyond the series
    105.06
    """

    def __init__(
        self,
        values: dict[int, float],
        name: str = "index",
        assumed_inflation: float | None = None,
        meta: IndexFile | None = None,
    ) -> None:
        _check_series(values)
        _check_inflation(assumed_inflation)
        years = np.array(sorted(values), dtype=np.int64)
        self.first_year = int(years[0])
        self.last_year = int(years[-1])
        self._values = np.array([values[int(y)] for y in years], dtype=np.float64)
        self.name = name
        self.assumed_inflation = assumed_inflation
        self.meta = meta

    @property
    def years(self) -> np.ndarray:
        """The calendar years of the series, first to last."""
        return np.arange(self.first_year, self.last_year + 1)

    @property
    def values(self) -> np.ndarray:
        """The index value of each year of :attr:`years` (a copy)."""
        return self._values.copy()

    def with_assumed_inflation(self, rate: float | None) -> PriceIndex:
        """The same series, extended beyond its ends at ``rate`` a year.

        Parameters
        ----------
        rate : float or None
            Assumed yearly inflation beyond either end of the series, a rate per year (a
            fraction: 0.02 is 2 %); None for none (a year outside the series is then an error).
            It replaces any rate this index had.

        Returns
        -------
        PriceIndex
            A new index with the same values, name and ``meta``; this one is unchanged.

        Examples
        --------
        >>> import mkba
        >>> index = mkba.PriceIndex({2023: 100.0, 2024: 103.0}).with_assumed_inflation(0.02)
        >>> index.level([2022, 2025]).round(4).tolist()  # before and after the series
        [98.0392, 105.06]
        """
        return PriceIndex(dict(zip(self.years.tolist(), self._values.tolist())), self.name, rate, self.meta)

    def check_year(self, year: int, remedy: str | None = None) -> None:
        """Refuse a year this index has no value for: outside the series, without an assumed inflation.

        Parameters
        ----------
        year : int
            A calendar year, e.g. a price year to index amounts to.
        remedy : str, optional
            What the reader can do, as the end of the message; ``{first}`` and ``{last}`` stand for
            the index's years (default: a year in the series, or the scenario key
            ``assumed_inflation`` for the years beyond it; see :data:`WITHIN_INDEX`).

        Raises
        ------
        MkbaError
            For the field ``price_year``, naming the index and its years.

        Examples
        --------
        >>> import mkba
        >>> index = mkba.PriceIndex({2023: 100.0, 2024: 103.0}, name="example")
        >>> index.check_year(2024)  # in the series: nothing to say
        >>> index.check_year(2030, "expected a price year from {first} to {last}")
        Traceback (most recent call last):
        ...
        mkba.errors.MkbaError: price_year: price year 2030 is outside the price index 'example' (2023-2024); expected a price year from 2023 to 2024
        >>> index.with_assumed_inflation(0.02).check_year(2030)  # beyond the series at 2 % a year
        """
        if self.assumed_inflation is None and not self.first_year <= year <= self.last_year:
            raise self._outside(year, remedy)

    def _outside(self, year: int, remedy: str | None = None) -> MkbaError:
        """The error for ``year`` outside the series: see :meth:`check_year`."""
        remedy = remedy or (
            "use a year from {first} to {last}, or set `assumed_inflation` in the scenario file (an "
            "assumed yearly inflation, e.g. 0.02) for the years beyond the index"
        )
        return MkbaError(
            f"price year {year} is outside the price index {self.name!r} "
            f"({self.first_year}-{self.last_year}); "
            + remedy.format(first=self.first_year, last=self.last_year),
            field="price_year",
        )

    def level(self, year: npt.ArrayLike) -> np.ndarray:
        """Index value of ``year`` (scalar or array of int).

        A year beyond the series is the value of its nearest end, grown (or, before the first
        year, shrunk) at the assumed inflation for each year beyond it.

        Parameters
        ----------
        year : int or array_like of int
            Calendar year(s).

        Returns
        -------
        numpy.ndarray
            The index value of each year, in the series' own base (e.g. 2015 = 100), of the shape
            of ``year``.

        Raises
        ------
        MkbaError
            If a year is outside the series and no assumed inflation was stated.

        Examples
        --------
        >>> import mkba
        >>> index = mkba.PriceIndex({2023: 100.0, 2024: 103.0}, name="example")
        >>> index.level([2023, 2024]).tolist()
        [100.0, 103.0]
        >>> index.level(2025)
        Traceback (most recent call last):
        ...
        mkba.errors.MkbaError: price_year: price year 2025 is outside the price index 'example' (2023-2024); ...
        """
        y = np.asarray(year, dtype=np.int64)
        inner = np.clip(y, self.first_year, self.last_year)
        out = self._values[inner - self.first_year]
        outside = y != inner
        if not outside.any():
            return out
        if self.assumed_inflation is None:
            raise self._outside(int(y[outside].flat[0]))
        growth = 1.0 + float(self.assumed_inflation)
        return out * growth ** (y - inner).astype(np.float64)

    def factor(self, from_year: npt.ArrayLike, to_year: npt.ArrayLike) -> np.ndarray:
        """Multiplier that brings an amount from ``from_year`` to ``to_year`` prices.

        ``I(to_year) / I(from_year)`` (docs/method.md, section 1).

        Parameters
        ----------
        from_year : int or array_like of int
            The price year(s) an amount is stated in.
        to_year : int or array_like of int
            The price year(s) to bring it to; broadcast against ``from_year``.

        Returns
        -------
        numpy.ndarray
            The factor (dimensionless), of the broadcast shape.

        Raises
        ------
        MkbaError
            As :meth:`level`: a year outside the series without an assumed inflation.
        """
        return self.level(to_year) / self.level(from_year)

    def index(self, amount: npt.ArrayLike, from_year: npt.ArrayLike, to_year: npt.ArrayLike) -> np.ndarray:
        """``amount`` in ``from_year`` prices, expressed in ``to_year`` prices (euro).

        Parameters
        ----------
        amount : float or array_like of float
            Amount(s) in euro of ``from_year``.
        from_year : int or array_like of int
            The price year(s) the amounts are stated in.
        to_year : int or array_like of int
            The price year(s) to express them in; all three are broadcast together.

        Returns
        -------
        numpy.ndarray
            ``amount * I(to_year) / I(from_year)``, euro of ``to_year``.

        Raises
        ------
        MkbaError
            As :meth:`level`: a year outside the series without an assumed inflation.

        Examples
        --------
        >>> import mkba
        >>> index = mkba.PriceIndex({2023: 100.0, 2024: 103.0})
        >>> index.index([50.0, 100.0], [2023, 2024], 2024).tolist()  # euro of 2024
        [51.5, 100.0]
        """
        return np.asarray(amount, dtype=np.float64) * self.factor(from_year, to_year)

    def __repr__(self) -> str:
        return f"PriceIndex({self.name!r}, {self.first_year}-{self.last_year})"


def load_index(path: str | Path) -> PriceIndex:
    """Read a price index file (``format: mkba-index/1``, docs/formats.md).

    Parameters
    ----------
    path : str or Path
        A YAML, TOML or JSON file with the index value per calendar year and its source.

    Returns
    -------
    PriceIndex
        The series, with the file's metadata in ``meta``; no assumed inflation.

    Raises
    ------
    MkbaError
        Naming the file, line and field of what does not fit the format (e.g. a missing year).

    Examples
    --------
    >>> import mkba
    >>> index = mkba.load_index("pricelists/index/cbs-cpi.yaml")
    >>> index.meta.base_year, float(index.level(2015))  # 2015 = 100
    (2015, 100.0)
    """
    doc = read_document(path)
    meta = validate(IndexFile, doc)
    return PriceIndex(meta.values, meta.name, meta=meta)


@cache
def _default() -> PriceIndex:
    return load_index(paths.bundled_index())


def default_index() -> PriceIndex:
    """The bundled CBS consumer price index (yearly averages, 2015 = 100).

    What mkba indexes with unless told otherwise (docs/method.md, section 1); read once and
    cached. Its years run to the newest year CBS has published.

    Returns
    -------
    PriceIndex
        The series ``cbs-cpi``, without an assumed inflation.

    Examples
    --------
    >>> import mkba
    >>> index = mkba.default_index()
    >>> index.name, index.first_year
    ('cbs-cpi', 2000)
    >>> round(float(index.index(100.0, 2020, 2024)), 2)  # 100 euro of 2020 in euro of 2024
    121.07
    """
    return _default()
