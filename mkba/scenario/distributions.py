"""Distributions an uncertain scenario input may take (docs/method.md, section 6).

Each distribution knows its mean (used for the point result), its low and
high for one-way sensitivity (the given ends for bounded ones, the 5th and
95th percentiles for ``normal`` and ``beta``), and how to turn uniform
random numbers into draws (inverse transform sampling, so that draws are a
pure function of the seeded uniforms and do not depend on chunking).
"""

from __future__ import annotations

import functools
import math
from statistics import NormalDist
from typing import Annotated, Any, Literal

import numpy as np
import numpy.typing as npt
import pydantic

_STD_NORMAL = NormalDist()

#: A parameter of a distribution: a number as the file gives it, never text (``low: '0.2'`` is refused,
#: as ``amount: '25000'`` is) nor true/false.
Parameter = Annotated[float, pydantic.Strict()]


class _Dist(pydantic.BaseModel):
    """What every distribution has: its name, support, quantile function, mean and swing."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, defer_build=True)

    #: The name of the distribution as a scenario file gives it (``dist: triangular``).
    dist: str

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take."""
        raise NotImplementedError

    def ppf(self, q: npt.ArrayLike) -> np.ndarray:
        """Quantile function: the value below which a share ``q`` of draws falls.

        Parameters
        ----------
        q : array_like of float
            Shares in [0, 1] (uniform random numbers, for inverse transform sampling).

        Returns
        -------
        numpy.ndarray
            The values, of the shape of ``q``, in the unit of the number the distribution stands for.
        """
        raise NotImplementedError

    @property
    def mean(self) -> float:
        """The mean, in the unit of the number the distribution stands for: what the point result uses."""
        raise NotImplementedError

    @property
    def swing(self) -> tuple[float, float]:
        """Low and high for one-way sensitivity (tornado)."""
        return self.support()


class Triangular(_Dist):
    """Triangular distribution between ``low`` and ``high`` with its peak at ``mode``.

    Any number of a scenario may be one (docs/method.md, section 6), written
    ``{dist: triangular, low: ..., mode: ..., high: ...}``. The point result uses its mean
    ``(low + mode + high) / 3``; the tornado swings it to ``low`` and ``high``.

    Parameters
    ----------
    dist : {'triangular'}
        The name, as in a scenario file.
    low, mode, high : float
        Smallest, most likely and largest value, in the unit of the number it stands for
        (euro, euro per unit, a count, a share 0-1, a rate per year); ``low <= mode <= high``
        and ``low < high``.

    Examples
    --------
    >>> import mkba
    >>> success = mkba.Triangular(dist="triangular", low=0.2, mode=0.3, high=0.5)
    >>> round(success.mean, 4)
    0.3333
    >>> success.swing
    (0.2, 0.5)
    >>> success.ppf([0.0, 0.5, 1.0]).round(4).tolist()
    [0.2, 0.3268, 0.5]
    """

    dist: Literal["triangular"]
    low: Parameter
    mode: Parameter
    high: Parameter

    @pydantic.model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError("expected low <= mode <= high and low < high")
        return self

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    @property
    def mean(self) -> float:
        """The mean ``(low + mode + high) / 3``, in the unit of the number: what the point result uses."""
        return (self.low + self.mode + self.high) / 3

    def ppf(self, q: npt.ArrayLike) -> np.ndarray:
        """Quantile function: the value below which a share ``q`` of draws falls.

        Parameters
        ----------
        q : array_like of float
            Shares in [0, 1] (uniform random numbers, for inverse transform sampling); a share
            outside [0, 1] gives nan.

        Returns
        -------
        numpy.ndarray
            Values in [``low``, ``high``], of the shape of ``q``, in the unit of the number.

        Examples
        --------
        >>> import mkba
        >>> mkba.Triangular(dist="triangular", low=0.0, mode=0.0, high=1.0).ppf([0.0, 0.75, 1.0]).tolist()
        [0.0, 0.5, 1.0]
        """
        a, c, b = self.low, self.mode, self.high
        q = np.asarray(q, dtype=np.float64)
        split = (c - a) / (b - a)
        left = a + np.sqrt(q * (b - a) * (c - a))
        right = b - np.sqrt((1 - q) * (b - a) * (b - c))
        return np.where(q < split, left, right)


class Uniform(_Dist):
    """Uniform distribution between ``low`` and ``high``.

    Written ``{dist: uniform, low: ..., high: ...}`` in a scenario (docs/method.md, section 6);
    every value in the range is equally likely, and the point result uses ``(low + high) / 2``.

    Parameters
    ----------
    dist : {'uniform'}
        The name, as in a scenario file.
    low, high : float
        The ends of the range, ``low < high``, in the unit of the number it stands for (euro,
        euro per unit, a count, a share 0-1, a rate per year).

    Examples
    --------
    >>> import mkba
    >>> amount = mkba.Uniform(dist="uniform", low=100.0, high=200.0)  # euro
    >>> amount.mean
    150.0
    >>> amount.ppf([0.25, 0.75]).tolist()
    [125.0, 175.0]
    """

    dist: Literal["uniform"]
    low: Parameter
    high: Parameter

    @pydantic.model_validator(mode="after")
    def _order(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError("expected low < high")
        return self

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    @property
    def mean(self) -> float:
        """The mean ``(low + high) / 2``, in the unit of the number: what the point result uses."""
        return (self.low + self.high) / 2

    def ppf(self, q: npt.ArrayLike) -> np.ndarray:
        """Quantile function: ``low + q * (high - low)``.

        Parameters
        ----------
        q : array_like of float
            Shares in [0, 1] (uniform random numbers, for inverse transform sampling); a share
            outside [0, 1] is not refused but gives a value beyond the range.

        Returns
        -------
        numpy.ndarray
            Values in [``low``, ``high``], of the shape of ``q``, in the unit of the number.
        """
        return self.low + np.asarray(q, dtype=np.float64) * (self.high - self.low)


class Pert(_Dist):
    """PERT distribution: a beta on ``[low, high]`` with mode ``mode`` (shape 4).

    Written ``{dist: pert, low: ..., mode: ..., high: ...}`` in a scenario (docs/method.md,
    section 6). Its mean is ``(low + 4 mode + high) / 6``. A price item with ``low`` and
    ``high`` becomes a PERT whose mean is the listed amount (:meth:`with_mean`).

    Parameters
    ----------
    dist : {'pert'}
        The name, as in a scenario file.
    low, mode, high : float
        Smallest, most likely and largest value, in the unit of the number it stands for
        (euro, euro per unit, a count, a share 0-1, a rate per year); ``low <= mode <= high``
        and ``low < high``.

    Examples
    --------
    >>> import mkba
    >>> attribution = mkba.Pert(dist="pert", low=0.1, mode=0.2, high=0.6)
    >>> round(attribution.mean, 4)
    0.25
    >>> attribution.ppf([0.05, 0.5, 0.95]).round(4).tolist()
    [0.1295, 0.2383, 0.4106]
    """

    dist: Literal["pert"]
    low: Parameter
    mode: Parameter
    high: Parameter

    @pydantic.model_validator(mode="after")
    def _order(self) -> Pert:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError("expected low <= mode <= high and low < high")
        return self

    @classmethod
    def with_mean(cls, low: float, mean: float, high: float) -> Pert:
        """The PERT on ``[low, high]`` whose mean is ``mean`` (mode clipped to the range).

        How a price item with a range (``low``, ``high``) and an amount becomes uncertain: the mode
        is ``(6 mean - low - high) / 4``, held within ``[low, high]``, so a ``mean`` too near an end
        for any PERT gives the PERT with its mode at that end (whose mean differs from ``mean``).

        Parameters
        ----------
        low, mean, high : float
            Smallest value, wanted mean and largest value, in the unit of the number (for a
            price item: euro per unit); ``low < high``.

        Returns
        -------
        Pert

        Raises
        ------
        pydantic.ValidationError
            Unless ``low < high`` (a :class:`ValueError`).

        Examples
        --------
        >>> import mkba
        >>> price = mkba.Pert.with_mean(100.0, 150.0, 300.0)  # euro per unit
        >>> price.mode, price.mean
        (125.0, 150.0)
        """
        mode = min(max((6 * mean - low - high) / 4, low), high)
        return cls(dist="pert", low=low, mode=mode, high=high)

    def _shape(self) -> tuple[float, float]:
        width = self.high - self.low
        return (1 + 4 * (self.mode - self.low) / width, 1 + 4 * (self.high - self.mode) / width)

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    @property
    def mean(self) -> float:
        """The mean ``(low + 4 mode + high) / 6``, in the unit of the number: what the point result uses."""
        return (self.low + 4 * self.mode + self.high) / 6

    def ppf(self, q: npt.ArrayLike) -> np.ndarray:
        """Quantile function: the value below which a share ``q`` of draws falls.

        Parameters
        ----------
        q : array_like of float
            Shares in [0, 1] (uniform random numbers, for inverse transform sampling); a share
            outside [0, 1] gives nan.

        Returns
        -------
        numpy.ndarray
            Values in [``low``, ``high``], of the shape of ``q``, in the unit of the number.
        """
        from scipy import special  # here, not at the top: scipy takes a while to import

        a, b = self._shape()
        return self.low + special.betaincinv(a, b, np.asarray(q, dtype=np.float64)) * (self.high - self.low)


class Normal(_Dist):
    """Normal distribution, optionally censored to ``clip = [a, b]``.

    Written ``{dist: normal, mean: ..., sd: ..., clip: [a, b]}`` in a scenario (docs/method.md,
    section 6). Draws outside ``clip`` are set to its nearest end (censoring, not
    truncation), so the mean is that of the censored distribution. The tornado swings it to
    its 5th and 95th percentiles.

    Parameters
    ----------
    dist : {'normal'}
        The name, as in a scenario file.
    mean : float
        The mean before censoring, in the unit of the number it stands for (euro, euro per
        unit, a count, a share 0-1, a rate per year); the attribute is ``mean_``, since
        :attr:`mean` is the (censored) mean.
    sd : float
        Standard deviation, in the same unit, > 0.
    clip : (float, float), optional
        Censor draws to ``[a, b]``, ``a < b`` (for a share: ``[0, 1]``).

    Examples
    --------
    >>> import mkba
    >>> cost = mkba.Normal(dist="normal", mean=1000.0, sd=200.0)  # euro per participant
    >>> [round(x, 1) for x in cost.swing]  # 5th and 95th percentile
    [671.0, 1329.0]
    >>> share = mkba.Normal(dist="normal", mean=0.1, sd=0.1, clip=(0.0, 1.0))
    >>> round(share.mean, 4)  # censored at 0: above 0.1
    0.1083
    """

    dist: Literal["normal"]
    mean_: Parameter = pydantic.Field(alias="mean")
    sd: Parameter = pydantic.Field(gt=0)
    clip: tuple[Parameter, Parameter] | None = None

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    @pydantic.model_validator(mode="after")
    def _order(self) -> Normal:
        if self.clip is not None and not self.clip[0] < self.clip[1]:
            raise ValueError("expected clip: [a, b] with a < b")
        return self

    def support(self) -> tuple[float, float]:
        return self.clip if self.clip is not None else (-math.inf, math.inf)

    @property
    def swing(self) -> tuple[float, float]:
        """Low and high for one-way sensitivity (tornado): the 5th and 95th percentiles, censored."""
        return float(self.ppf(0.05)), float(self.ppf(0.95))

    @property
    def mean(self) -> float:
        """The mean of the censored distribution (``mean_`` without ``clip``), in the unit of the number.

        What the point result uses: with ``clip = [a, b]``, draws below ``a`` count as ``a`` and
        draws above ``b`` as ``b``.
        """
        mu, sd = self.mean_, self.sd
        if self.clip is None:
            return mu
        a, b = self.clip
        alpha, beta = (a - mu) / sd, (b - mu) / sd
        cdf_a, cdf_b = _STD_NORMAL.cdf(alpha), _STD_NORMAL.cdf(beta)
        pdf_a, pdf_b = _STD_NORMAL.pdf(alpha), _STD_NORMAL.pdf(beta)
        return a * cdf_a + b * (1 - cdf_b) + mu * (cdf_b - cdf_a) + sd * (pdf_a - pdf_b)

    def ppf(self, q: npt.ArrayLike) -> np.ndarray:
        """Quantile function: ``mean_ + sd * Phi^-1(q)``, censored to ``clip``.

        Parameters
        ----------
        q : array_like of float
            Shares in [0, 1] (uniform random numbers, for inverse transform sampling); held within
            [1e-300, 1 - 1e-16], so 0 and 1 give finite values (about ``mean_ - 37 sd`` and
            ``mean_ + 8.2 sd``).

        Returns
        -------
        numpy.ndarray
            Values of the shape of ``q``, in the unit of the number; within ``clip`` when given.

        Examples
        --------
        >>> import mkba
        >>> share = mkba.Normal(dist="normal", mean=0.1, sd=0.1, clip=(0.0, 1.0))
        >>> share.ppf([0.0, 0.5, 1.0]).round(4).tolist()  # the lower tail is censored at 0
        [0.0, 0.1, 0.921]
        """
        from scipy import special

        q = np.clip(np.asarray(q, dtype=np.float64), 1e-300, 1 - 1e-16)
        x = self.mean_ + self.sd * special.ndtri(q)
        return x if self.clip is None else np.clip(x, *self.clip)


class Beta(_Dist):
    """Beta distribution on [0, 1] with shape parameters ``a`` and ``b``.

    Written ``{dist: beta, a: ..., b: ...}`` in a scenario (docs/method.md, section 6); for
    shares 0-1 such as ``success`` or ``deadweight``. Its mean is ``a / (a + b)``; the tornado
    swings it to its 5th and 95th percentiles.

    Parameters
    ----------
    dist : {'beta'}
        The name, as in a scenario file.
    a, b : float
        Shape parameters, both > 0 (dimensionless).

    Examples
    --------
    >>> import mkba
    >>> deadweight = mkba.Beta(dist="beta", a=2, b=8)  # a share 0-1
    >>> deadweight.mean
    0.2
    >>> [round(x, 4) for x in deadweight.swing]
    [0.041, 0.4291]
    """

    dist: Literal["beta"]
    a: Parameter = pydantic.Field(gt=0)
    b: Parameter = pydantic.Field(gt=0)

    def support(self) -> tuple[float, float]:
        return 0.0, 1.0

    @property
    def swing(self) -> tuple[float, float]:
        """Low and high for one-way sensitivity (tornado): the 5th and 95th percentiles."""
        return float(self.ppf(0.05)), float(self.ppf(0.95))

    @property
    def mean(self) -> float:
        """The mean ``a / (a + b)``, a share 0-1: what the point result uses."""
        return self.a / (self.a + self.b)

    def ppf(self, q: npt.ArrayLike) -> np.ndarray:
        """Quantile function: the value below which a share ``q`` of draws falls.

        Parameters
        ----------
        q : array_like of float
            Shares in [0, 1] (uniform random numbers, for inverse transform sampling); a share
            outside [0, 1] gives nan.

        Returns
        -------
        numpy.ndarray
            Shares in [0, 1], of the shape of ``q``.
        """
        from scipy import special

        return special.betaincinv(self.a, self.b, np.asarray(q, dtype=np.float64))


AnyDistribution = Triangular | Uniform | Pert | Normal | Beta
#: A distribution in a scenario file, told apart by its ``dist`` key.
Distribution = Annotated[AnyDistribution, pydantic.Field(discriminator="dist")]
#: Each distribution by its name in a scenario file (``dist: triangular``).
DISTRIBUTIONS: dict[str, type[_Dist]] = {
    "triangular": Triangular,
    "uniform": Uniform,
    "pert": Pert,
    "normal": Normal,
    "beta": Beta,
}


@functools.cache
def _adapter() -> pydantic.TypeAdapter[AnyDistribution]:
    """The validator of a lone distribution, built on first use (start-up, docs/architecture.md)."""
    return pydantic.TypeAdapter(Distribution)


def parse_distribution(value: dict[str, Any]) -> _Dist:
    """Validate a ``{dist: ...}`` mapping into a distribution."""
    return _adapter().validate_python(value)


def mean_of(value: float | _Dist) -> float:
    """The point value of a number or distribution (its mean)."""
    return value.mean if isinstance(value, _Dist) else float(value)


def is_uncertain(value: object) -> bool:
    return isinstance(value, _Dist)
