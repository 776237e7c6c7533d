"""Distributions an uncertain scenario input may take (docs/method.md, section 6).

Each distribution knows its mean (used for the point result), its low and
high for one-way sensitivity (the given ends for bounded ones, the 5th and
95th percentiles for ``normal`` and ``beta``), and how to turn uniform
random numbers into draws (inverse transform sampling, so that draws are a
pure function of the seeded uniforms and do not depend on chunking).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Literal

import numpy as np
import pydantic
from scipy import special

_STD_NORMAL = NormalDist()


class _Dist(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take."""
        raise NotImplementedError

    def ppf(self, q: np.ndarray) -> np.ndarray:
        """Quantile function: the value below which a share ``q`` of draws falls."""
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError

    @property
    def swing(self) -> tuple[float, float]:
        """Low and high for one-way sensitivity (tornado)."""
        return self.support()


class Triangular(_Dist):
    """Triangular distribution between ``low`` and ``high`` with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @pydantic.model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError("expected low <= mode <= high and low < high")
        return self

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def ppf(self, q: np.ndarray) -> np.ndarray:
        a, c, b = self.low, self.mode, self.high
        q = np.asarray(q, dtype=np.float64)
        split = (c - a) / (b - a)
        left = a + np.sqrt(q * (b - a) * (c - a))
        right = b - np.sqrt((1 - q) * (b - a) * (b - c))
        return np.where(q < split, left, right)


class Uniform(_Dist):
    """Uniform distribution between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: float
    high: float

    @pydantic.model_validator(mode="after")
    def _order(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError("expected low < high")
        return self

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def ppf(self, q: np.ndarray) -> np.ndarray:
        return self.low + np.asarray(q, dtype=np.float64) * (self.high - self.low)


class Pert(_Dist):
    """PERT distribution: a beta on ``[low, high]`` with mode ``mode`` (shape 4)."""

    dist: Literal["pert"]
    low: float
    mode: float
    high: float

    @pydantic.model_validator(mode="after")
    def _order(self) -> Pert:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError("expected low <= mode <= high and low < high")
        return self

    @classmethod
    def with_mean(cls, low: float, mean: float, high: float) -> Pert:
        """The PERT on ``[low, high]`` whose mean is ``mean`` (mode clipped to the range)."""
        mode = min(max((6 * mean - low - high) / 4, low), high)
        return cls(dist="pert", low=low, mode=mode, high=high)

    def _shape(self) -> tuple[float, float]:
        width = self.high - self.low
        return (1 + 4 * (self.mode - self.low) / width, 1 + 4 * (self.high - self.mode) / width)

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    @property
    def mean(self) -> float:
        return (self.low + 4 * self.mode + self.high) / 6

    def ppf(self, q: np.ndarray) -> np.ndarray:
        a, b = self._shape()
        return self.low + special.betaincinv(a, b, np.asarray(q, dtype=np.float64)) * (self.high - self.low)


class Normal(_Dist):
    """Normal distribution, optionally censored to ``clip = [a, b]``.

    Draws outside ``clip`` are set to its nearest end (censoring, not
    truncation), so the mean is that of the censored distribution.
    """

    dist: Literal["normal"]
    mean_: float = pydantic.Field(alias="mean")
    sd: float = pydantic.Field(gt=0)
    clip: tuple[float, float] | None = None

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @pydantic.model_validator(mode="after")
    def _order(self) -> Normal:
        if self.clip is not None and not self.clip[0] < self.clip[1]:
            raise ValueError("expected clip: [a, b] with a < b")
        return self

    def support(self) -> tuple[float, float]:
        return self.clip if self.clip is not None else (-math.inf, math.inf)

    @property
    def swing(self) -> tuple[float, float]:
        return float(self.ppf(0.05)), float(self.ppf(0.95))

    @property
    def mean(self) -> float:
        mu, sd = self.mean_, self.sd
        if self.clip is None:
            return mu
        a, b = self.clip
        alpha, beta = (a - mu) / sd, (b - mu) / sd
        cdf_a, cdf_b = _STD_NORMAL.cdf(alpha), _STD_NORMAL.cdf(beta)
        pdf_a, pdf_b = _STD_NORMAL.pdf(alpha), _STD_NORMAL.pdf(beta)
        return a * cdf_a + b * (1 - cdf_b) + mu * (cdf_b - cdf_a) + sd * (pdf_a - pdf_b)

    def ppf(self, q: np.ndarray) -> np.ndarray:
        q = np.clip(np.asarray(q, dtype=np.float64), 1e-300, 1 - 1e-16)
        x = self.mean_ + self.sd * special.ndtri(q)
        return x if self.clip is None else np.clip(x, *self.clip)


class Beta(_Dist):
    """Beta distribution on [0, 1] with shape parameters ``a`` and ``b``."""

    dist: Literal["beta"]
    a: float = pydantic.Field(gt=0)
    b: float = pydantic.Field(gt=0)

    def support(self) -> tuple[float, float]:
        return 0.0, 1.0

    @property
    def swing(self) -> tuple[float, float]:
        return float(self.ppf(0.05)), float(self.ppf(0.95))

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)

    def ppf(self, q: np.ndarray) -> np.ndarray:
        return special.betaincinv(self.a, self.b, np.asarray(q, dtype=np.float64))


Distribution = Annotated[Triangular | Uniform | Pert | Normal | Beta, pydantic.Field(discriminator="dist")]

_ADAPTER = pydantic.TypeAdapter(Distribution)


def parse_distribution(value: dict) -> _Dist:
    """Validate a ``{dist: ...}`` mapping into a distribution."""
    return _ADAPTER.validate_python(value)


def mean_of(value: float | _Dist) -> float:
    """The point value of a number or distribution (its mean)."""
    return value.mean if isinstance(value, _Dist) else float(value)


def is_uncertain(value: object) -> bool:
    return isinstance(value, _Dist)
