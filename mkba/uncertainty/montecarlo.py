"""Monte Carlo: ``n`` joint draws of the uncertain inputs and the figures of each (docs/method.md, section 6).

:func:`monte_carlo` draws ``n`` joint samples in chunks (:mod:`mkba.uncertainty.sampling`)
and returns a :class:`Simulation` with the distribution of ``npv``, ``bcr``, the
fiscal ``npv`` and each stakeholder's ``npv``.

The simulation's default evaluation (``method="fast"``) does not build the
(draws x lines x years) flows of :meth:`mkba.engine.model.Model.evaluate`: because
every line's yearly amount is its multiplier (a product of inputs) times a
non-negative timing, its present value is the multiplier times the discounted
timing, and the timing of a cohort line sums geometric series. Where the discount
rate and every drop-off are certain, every figure is a fixed linear combination of
products of drawn inputs (price x quantity), whose coefficients are computed once:
evaluating a block of draws is then one multiply-add per figure (``_PresentValues``).
The figures are those of :func:`mkba.engine.figures.figures` up to rounding (the
tests check this, to 1e-12 of the largest figure); ``method="flows"`` evaluates
through ``Model.evaluate`` and ``figures``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from mkba.engine.figures import figures
from mkba.engine.model import ONE_MINUS, Model
from mkba.errors import MkbaError
from mkba.scenario.distributions import _Dist
from mkba.uncertainty.parallel import run_tasks
from mkba.uncertainty.sampling import (
    check_draws_fit,
    chunks,
    draw_inputs,
    draws_asked,
    quantile,
    uniform_columns,
)
from mkba.uncertainty.sensitivity import npv_of
from mkba.uncertainty.streaming import PILOT, StreamSummary, histogram_range

#: Seed of ``mkba run --simulate`` when none is given.
DEFAULT_SEED = 20260101
#: Draws evaluated at once unless told otherwise.
DEFAULT_CHUNK_SIZE = 100_000
#: Percentiles reported for every simulated figure.
PERCENTILES = (5, 50, 95)
#: Up to this many draws the figures of every draw are kept (for charts and the workbook); beyond it
#: a simulation is summarised while it streams, in memory independent of the number of draws.
KEEP_LIMIT = 2_000_000
#: The most draws a streamed simulation takes: memory stays bounded, but time grows with the draws
#: (about 0.15 s per million on this project's machines), so a typo of a few zeros is refused.
MAX_DRAWS = 1_000_000_000


# -- the fast path: present values without yearly flows ---------------------------------------------
#: What a class of cohort lines retains each year: (row of an uncertain drop-off, None) or
#: (None, the certain retained share 1 - drop_off).
_Retain = tuple[int | None, float | None]
#: Lines that share their discounted timing, and the (cohort number, first year index, active
#: years) slots of that timing.
_Class = tuple[list[int], list[tuple[int, int, int]]]
#: A factor of a present value that varies per draw: (row of the drawn input, whether it enters as
#: ``1 - x``); a *feature* is a product of atoms (a monomial of the drawn inputs).
_Atom = tuple[int, bool]
#: Draws evaluated at once inside :meth:`_PresentValues.figures`: a block's features and figures
#: (a few dozen rows of 128 KiB) stay in the processor's cache, so every drawn number is read from
#: memory once and every figure written once.
BLOCK = 16_384
#: The rows of the figures array :meth:`_PresentValues.figures` fills; stakeholders follow, from row
#: ``_FIRST_STAKEHOLDER`` on.
_ROWS = ("pv_costs", "pv_benefits", "npv", "fiscal_npv", "volunteer_value_pv")
_FIRST_STAKEHOLDER = len(_ROWS)


class _PresentValues:
    """Every figure of a block of draws from the lines' present values, without yearly flows.

    A line's yearly amount is ``multiplier * timing[y]`` with ``multiplier`` the
    product of its inputs and ``timing`` >= 0, so its present value is
    ``multiplier * sum_y timing[y] DF(y)``. For a cohort line starting in year
    index ``s = c + lag`` with ``m`` active years,
    ``sum_k n_c retain^k DF(s + k) = n_c DF(s) sum_{k<m} (retain / (1 + r))^k``.
    An effect at area level (``per: year``, a fixed pattern with drop-off) over
    ``m`` years from year index ``s`` is the same series with ``n_c = 1``.
    Only uncertain inputs are per draw; everything else is folded in once.

    Where the discount rate and every drop-off are certain (the usual case), each line's present
    value is a sum of products of drawn inputs (its uncertain factors, times a drawn cohort size)
    with certain coefficients: the model is *multilinear* in the drawn inputs. The coefficients of
    every figure on each such product (*feature*) are then computed once here, and evaluating a
    block of draws is: the features (one multiplication per extra factor: price x quantity), then
    per figure a multiply-add of the features with its coefficients (``figures = intercept +
    coefficients @ features``), done element by element in a fixed order, block by block, so that a
    draw's figures never depend on the draws evaluated with it. With an uncertain rate or drop-off,
    the features are the lines' present values themselves, computed per block.

    Costs and benefits are told apart by the sign of each line's posting, which holds while every
    present value is >= 0: the supports of the distributions show when that is certain; otherwise
    the draws where a factor is negative are evaluated again by the rule for any sign
    (:meth:`_general`), draw by draw.
    """

    def __init__(self, model: Model) -> None:
        self.model = model
        inputs, base = model.inputs, model.base
        self.n_inputs = len(inputs)
        uncertain = [(j, inp.value) for j, inp in enumerate(inputs) if isinstance(inp.value, _Dist)]
        self.cols = [j for j, _ in uncertain]
        row = {j: k for k, j in enumerate(self.cols)}
        self.dists = [dist for _, dist in uncertain]
        for dist in self.dists:  # build interpolation tables now, not inside worker threads
            quantile(dist, np.array([0.5]))
        years = model.years
        Y, L = len(years), len(model.lines)
        self.Y, self.L = Y, L
        self.exponent = (-(years - model.base_year)).astype(np.float64)
        self.rate_row = row.get(model.discount_col)
        self.rate = float(base[model.discount_col])
        self._fold_multipliers(row, base)
        self.pattern = np.array([line.pattern for line in model.lines]).reshape(L, Y)
        decay = np.array([line.decay is not None for line in model.lines], dtype=bool)
        self.pattern_lines = np.flatnonzero(self.pattern.any(axis=1) & ~decay)
        self.pattern_years = np.flatnonzero(self.pattern.any(axis=0))
        # cohorts: (year index, draw row or None, base size)
        self.cohorts = [
            (int(y - years[0]), row.get(col), float(base[col])) for y, col in model.participant_cols.items()
        ]
        # lines grouped by what they retain each year, (draw row or None, certain retain), then by their
        # timing: lines of one class share their discounted timing
        self.groups: dict[_Retain, dict[tuple[int | str, ...], _Class]] = {}
        self._group_cohort_lines(row, base)
        self._group_decay_lines(row, base)
        self._collect_terms()
        self.linear = self.rate_row is None and all(drop is None for drop, _ in self.groups)
        if self.linear:
            self._linearise()
        else:
            self.features: list[tuple[_Atom, ...]] = [()] * L  # each line's present value, per block
            self._set_coefficients(np.eye(L), np.zeros(L))
        self._find_unsafe()

    def _fold_multipliers(self, row: dict[int, int], base: np.ndarray) -> None:
        """Each line's multiplier: the certain part once (``certain``), the uncertain factors per draw."""
        self.certain = np.empty(self.L)
        self.factors: list[tuple[int, int, bool]] = []
        for i, line in enumerate(self.model.lines):
            c = line.constant
            for col, kind in line.factors:
                if col in row:
                    self.factors.append((i, row[col], kind == ONE_MINUS))
                else:
                    c *= (1.0 - base[col]) if kind == ONE_MINUS else base[col]
            self.certain[i] = c

    def _group_cohort_lines(self, row: dict[int, int], base: np.ndarray) -> None:
        """Cohort lines into classes by retained share, then by (lag, duration)."""
        for i, line in enumerate(self.model.lines):
            if line.cohort is None:
                continue
            lag, duration, drop = line.cohort
            key = (
                (row.get(drop), None)
                if drop >= 0 and drop in row
                else (None, 1.0 - float(base[drop]) if drop >= 0 else 1.0)
            )
            slots = []  # (cohort number, start year index, active years)
            for c, (ci, _, _) in enumerate(self.cohorts):
                s = ci + lag
                m = min(duration, self.Y - s) if s < self.Y else 0
                if m > 0:
                    slots.append((c, s, m))
            if slots:
                cls = self.groups.setdefault(key, {}).setdefault((lag, duration), ([], slots))
                cls[0].append(i)

    def _group_decay_lines(self, row: dict[int, int], base: np.ndarray) -> None:
        """Fixed patterns with drop-off (effects per: year): one "cohort" of size 1 in the first year.

        Active for the years of the pattern (which are 1 from the first year on, then 0).
        """
        unit = len(self.cohorts)  # the index of that size 1 in ``sizes``
        for i, line in enumerate(self.model.lines):
            if line.decay is None:
                continue
            drop, s = line.decay
            m = int(np.count_nonzero(self.pattern[i]))
            if not (m and np.array_equal(self.pattern[i, s : s + m], np.ones(m))):
                raise AssertionError(
                    f"line {line.id!r}: a pattern with drop-off must be 1 from its first year on"
                )
            key = (row.get(drop), None) if drop in row else (None, 1.0 - float(base[drop]))
            cls = self.groups.setdefault(key, {}).setdefault(("year", s, m), ([], [(unit, s, m)]))
            cls[0].append(i)

    def _collect_terms(self) -> None:
        """Which lines' present values make each figure, with their signs.

        Every figure is a sum of lines' present values with fixed signs while those are >= 0 (inputs
        are validated >= 0, so they are). ``self.line_rows`` (F, L) holds them for the figures
        computed as such sums (costs, benefits, volunteers, each stakeholder; the saldo and the
        fiscal saldo follow from those).
        """
        model = self.model
        self.K = K = len(model.stakeholders)
        self.public_stakeholders = [k for k in range(K) if model.public[k]]
        rows = np.zeros((_FIRST_STAKEHOLDER + K, self.L))
        for p in range(len(model.posting_line)):
            i, sign = int(model.posting_line[p]), float(model.posting_sign[p])
            rows[_FIRST_STAKEHOLDER + model.posting_stakeholder[p], i] += sign
            if not model.posting_transfer[p]:
                rows[_ROWS.index("pv_benefits" if sign > 0 else "pv_costs"), i] += abs(sign)
        rows[_ROWS.index("volunteer_value_pv"), model.volunteer_lines] = 1.0
        self.line_rows = rows

    # -- the multilinear form -----------------------------------------------------------------
    def _certain_discount(self) -> tuple[np.ndarray, float]:
        """Discount factors per year and ``1 / (1 + r)`` at the certain rate (as :meth:`_line_values`)."""
        one_plus = np.atleast_1d(1.0 + np.float64(self.rate))
        df = np.array([float((one_plus ** float(e))[0]) for e in self.exponent])
        return df, float(1.0 / (1.0 + np.float64(self.rate)))

    def _timing_weights(self) -> list[dict[int | None, float]]:
        """Each line's discounted timing as ``{cohort size row or None: weight}``: the timing is
        ``sum(weight * (x[row] if row is not None else 1))``, certain weights >= 0."""
        df, g = self._certain_discount()
        weights: list[dict[int | None, float]] = [{} for _ in range(self.L)]
        for line in self.pattern_lines:
            weights[line][None] = float(self.pattern[line] @ df)
        sizes = [(r, size) for (_, r, size) in self.cohorts] + [(None, 1.0)]
        for (_, retain), classes in self.groups.items():
            assert retain is not None, "the multilinear form has certain drop-offs only"
            longest = max(m for _, slots in classes.values() for (_, _, m) in slots)
            sums = _geometric_sums(retain * g, longest)
            for lines, slots in classes.values():
                for c, s, m in slots:
                    r, size = sizes[c]
                    w = float(df[s] * sums[m - 1]) * (1.0 if r is not None else size)
                    for i in lines:
                        weights[i][r] = weights[i].get(r, 0.0) + w
        return weights

    def _linearise(self) -> None:
        """Features (products of drawn inputs) and each figure's certain coefficients on them."""
        atoms: list[list[_Atom]] = [[] for _ in range(self.L)]
        for i, r, one_minus in self.factors:
            atoms[i].append((r, one_minus))
        index: dict[tuple[_Atom, ...], int] = {}
        terms: list[tuple[int, int, float]] = []  # (line, feature, coefficient)
        intercept_of_line = np.zeros(self.L)
        for i, weights in enumerate(self._timing_weights()):
            for size_row, w in weights.items():
                size = [(size_row, False)] if size_row is not None else []
                monomial = tuple(sorted(atoms[i] + size))
                coefficient = self.certain[i] * w
                if not monomial:
                    intercept_of_line[i] += coefficient
                    continue
                t = index.setdefault(monomial, len(index))
                terms.append((i, t, coefficient))
        self.features = list(index)
        by_line = np.zeros((self.L, len(index)))
        for i, t, coefficient in terms:
            by_line[i, t] += coefficient
        self._set_coefficients(by_line, intercept_of_line)

    def _set_coefficients(self, by_line: np.ndarray, intercept_of_line: np.ndarray) -> None:
        """Each figure row's intercept and nonzero (feature, coefficient) terms, from lines' ones."""
        coefficients = self.line_rows @ by_line  # (F, T): figure f on feature t
        self.intercept = self.line_rows @ intercept_of_line
        self.terms = [
            [(int(t), float(coefficients[f, t])) for t in np.flatnonzero(coefficients[f])]
            for f in range(coefficients.shape[0])
        ]
        self.certain_sign = bool((self.certain >= 0).all() and (by_line >= 0).all())
        self.certain_sign &= bool((intercept_of_line >= 0).all())

    def _find_unsafe(self) -> None:
        """Drawn inputs that may make a present value negative: (row, ``1 - x`` if True else ``x``).

        A factor ``x`` must be >= 0 and a factor ``1 - x`` (or a drop-off) <= 1; the distribution's
        support tells whether that holds for every draw.
        """
        needs: dict[int, set[bool]] = {}
        for _, r, one_minus in self.factors:
            needs.setdefault(r, set()).add(one_minus)
        for _, size_row, _ in self.cohorts:
            if size_row is not None:
                needs.setdefault(size_row, set()).add(False)
        for drop, _ in self.groups:
            if drop is not None:
                needs.setdefault(drop, set()).add(True)
        self.unsafe: list[tuple[int, bool]] = []
        for r, kinds in sorted(needs.items()):
            low, high = self.dists[r].support()
            self.unsafe += [(r, k) for k in sorted(kinds) if (high > 1.0 if k else low < 0.0)]
        if any(retain is not None and retain < 0 for _, retain in self.groups):
            self.certain_sign = False
        if not self.certain_sign:  # a certain factor is negative: every draw by the rule for any sign
            self.unsafe = [(-1, False)]

    # -- evaluating draws ---------------------------------------------------------------------
    def draws(self, seed: int, start: int, stop: int) -> np.ndarray:
        """Draws of the uncertain inputs, shape (U, D): the columns of :func:`draw_inputs`."""
        u = uniform_columns(seed, start, stop, len(self.cols), range(len(self.cols)))
        for k, dist in enumerate(self.dists):
            u[k] = quantile(dist, u[k])
        return u

    def figures(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Figures for draws ``x`` (U, D): arrays over draws in euro (stakeholders: (K, D)).

        ``pv_costs``, ``pv_benefits``, ``npv``, ``fiscal_npv``, ``volunteer_value_pv`` and
        ``stakeholder_npv`` are rows (views) of one (5 + K, D) array.
        """
        D = x.shape[1]
        out = np.empty((_FIRST_STAKEHOLDER + self.K, D))
        scratch = np.empty(min(D, BLOCK))
        for lo in range(0, D, BLOCK):
            block, into = x[:, lo : lo + BLOCK], out[:, lo : lo + BLOCK]
            self._combine_block(self._block_features(block), into, scratch[: block.shape[1]])
            bad = self._unsafe_draws(block)
            if bad is not None:
                into[:, bad] = self._general(self._line_values(block[:, bad]))
        named = {name: out[f] for f, name in enumerate(_ROWS)}
        named["stakeholder_npv"] = out[_FIRST_STAKEHOLDER:]
        return named

    def _block_features(self, x: np.ndarray) -> list[np.ndarray]:
        """The features of a block of draws: products of drawn inputs, or lines' present values."""
        if not self.linear:
            return list(self._line_values(x))
        one_minus: dict[int, np.ndarray] = {}
        out = []
        for monomial in self.features:
            parts = []
            for r, om in monomial:
                if om and r not in one_minus:
                    one_minus[r] = np.subtract(1.0, x[r])
                parts.append(one_minus[r] if om else x[r])
            if len(parts) == 1:
                out.append(parts[0])  # a drawn input itself: no copy
                continue
            product = np.multiply(parts[0], parts[1])
            for part in parts[2:]:
                product *= part
            out.append(product)
        return out

    def _combine_block(self, features: list[np.ndarray], out: np.ndarray, scratch: np.ndarray) -> None:
        """``out[f] = intercept[f] + sum_t coefficient[f, t] * features[t]``, in a fixed order."""
        for f, terms in enumerate(self.terms):
            if f in (_ROWS.index("npv"), _ROWS.index("fiscal_npv")):
                continue
            row = out[f]
            if not terms:
                row.fill(self.intercept[f])
                continue
            (t, c), *rest = terms
            np.multiply(features[t], c, out=row)
            for t, c in rest:
                if c == 1.0:
                    row += features[t]
                elif c == -1.0:
                    row -= features[t]
                else:
                    row += np.multiply(features[t], c, out=scratch)
            if self.intercept[f]:
                row += self.intercept[f]
        np.subtract(
            out[_ROWS.index("pv_benefits")], out[_ROWS.index("pv_costs")], out=out[_ROWS.index("npv")]
        )
        fiscal = out[_ROWS.index("fiscal_npv")]
        fiscal.fill(0.0)
        for k in self.public_stakeholders:
            fiscal += out[_FIRST_STAKEHOLDER + k]

    def _unsafe_draws(self, x: np.ndarray) -> np.ndarray | None:
        """Indices of the draws where a factor may make a present value negative (None: none)."""
        if not self.unsafe:
            return None
        if self.unsafe[0][0] < 0:
            return np.arange(x.shape[1])
        bad = np.zeros(x.shape[1], dtype=bool)
        for r, one_minus in self.unsafe:
            bad |= (x[r] > 1.0) if one_minus else (x[r] < 0.0)
        return np.flatnonzero(bad) if bad.any() else None

    def _line_values(self, x: np.ndarray) -> np.ndarray:
        """Each line's present value for draws ``x`` (U, D), shape (L, D), in euro."""
        D = x.shape[1]
        rate = x[self.rate_row] if self.rate_row is not None else np.float64(self.rate)
        # (Y, D), or (Y, 1) if certain; one contiguous power per year, because numpy's vectorised
        # power of a broadcast pair may round differently at different positions (chunk sizes)
        one_plus = np.atleast_1d(1.0 + rate)
        df = np.empty((self.Y, one_plus.size))
        for y, e in enumerate(self.exponent):
            df[y] = one_plus ** float(e)
        g = 1.0 / (1.0 + rate)
        tpv = np.zeros((self.L, D))
        for year in self.pattern_years:  # tpv = pattern @ df, summed year by year
            tpv[self.pattern_lines] += self.pattern[self.pattern_lines, year, None] * df[year]
        sizes = [x[r] if r is not None else size for (_, r, size) in self.cohorts] + [1.0]
        for key, classes in self.groups.items():
            ratio = _retained(x, key) * g
            longest = max(m for _, slots in classes.values() for (_, _, m) in slots)
            sums = _geometric_sums(ratio, longest)
            for lines, slots in classes.values():
                acc = np.zeros(D)
                for c, s, m in slots:
                    acc += sizes[c] * df[s] * sums[m - 1]
                tpv[lines] += acc
        pv = np.empty((self.L, D))
        pv[:] = self.certain[:, None]
        for i, r, one_minus in self.factors:
            pv[i] *= (1.0 - x[r]) if one_minus else x[r]
        pv *= tpv
        return pv

    def _general(self, pv: np.ndarray) -> np.ndarray:
        """The figures of :func:`mkba.engine.figures.figures` from lines' present values of any sign.

        A posting's present value counts as a benefit where it is positive and as a cost where it is
        negative. Returns the (5 + K, D) rows of :meth:`figures`; sums in posting order.
        """
        line, sign, real, stakeholder, _ = self.model_postings
        out = np.zeros((_FIRST_STAKEHOLDER + self.K, pv.shape[1]))
        costs, benefits = out[_ROWS.index("pv_costs")], out[_ROWS.index("pv_benefits")]
        for p in range(len(line)):
            posted = sign[p] * pv[line[p]]
            if real[p]:
                benefits += np.maximum(posted, 0.0)
                costs -= np.minimum(posted, 0.0)
            out[_FIRST_STAKEHOLDER + stakeholder[p]] += posted
        out[_ROWS.index("npv")] = benefits - costs
        for k in self.public_stakeholders:
            out[_ROWS.index("fiscal_npv")] += out[_FIRST_STAKEHOLDER + k]
        for i in self.model.volunteer_lines:
            out[_ROWS.index("volunteer_value_pv")] += pv[i]
        return out

    @property
    def model_postings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The model's postings: line, sign, whether it is not a transfer, stakeholder; and ``public``."""
        m = self.model
        return m.posting_line, m.posting_sign, ~m.posting_transfer, m.posting_stakeholder, m.public


def _retained(x: np.ndarray, key: _Retain) -> np.ndarray | float:
    """The share a class of cohort lines retains each year: per draw (a row of ``x``), or certain."""
    drop_row, retain = key
    if drop_row is not None:
        return 1.0 - x[drop_row]
    assert retain is not None, "a class without an uncertain drop-off has a certain retained share"
    return retain


def _geometric_sums(ratio: np.ndarray | float, longest: int) -> list[np.ndarray | float]:
    """``sums[m - 1] = sum_{k<m} ratio ** k`` for ``m`` up to ``longest``, by repeated addition."""
    sums: list[np.ndarray | float] = [np.ones_like(ratio) if np.ndim(ratio) else 1.0]
    power = ratio
    for _ in range(1, longest):
        sums.append(sums[-1] + power)
        power = power * ratio
    return sums


# -- Monte Carlo ----------------------------------------------------------------------------------
def _stats(values: np.ndarray) -> dict:
    """Mean, sd, percentiles, min and max of one figure's draws (NaN draws left out)."""
    ok = np.isfinite(values)
    finite = values if ok.all() else values[ok]
    if finite.size == 0:
        return {"mean": None, "sd": None, **{f"p{q}": None for q in PERCENTILES}, "min": None, "max": None}
    pct = np.percentile(finite, PERCENTILES)
    out = {"mean": float(finite.mean()), "sd": float(finite.std(ddof=1)) if finite.size > 1 else 0.0}
    out.update({f"p{q}": float(v) for q, v in zip(PERCENTILES, pct)})
    out.update({"min": float(finite.min()), "max": float(finite.max())})
    if finite.size < values.size:
        out["undefined"] = int(values.size - finite.size)
    return out


@dataclass
class Simulation:
    """The result of :func:`monte_carlo`: ``n`` joint draws and the figures of each.

    Attributes
    ----------
    npv, pv_costs, pv_benefits, bcr, fiscal_npv, volunteer_value_pv : ndarray (n,)
        Per draw, euro (``bcr`` NaN where ``pv_costs`` is 0).
    stakeholder_npv : ndarray (n, K)
        Per draw and stakeholder (columns in the order of ``stakeholders``), euro.
    irr : ndarray (n,) or None
        Per draw when asked for (``with_irr=True``), NaN where there is none.
    point_npv : float
        The point result's ``npv`` (every input at its mean), for comparison.
    """

    n: int
    seed: int
    chunk_size: int
    method: str
    stakeholders: list[str]
    npv: np.ndarray
    pv_costs: np.ndarray
    pv_benefits: np.ndarray
    bcr: np.ndarray
    fiscal_npv: np.ndarray
    volunteer_value_pv: np.ndarray
    stakeholder_npv: np.ndarray
    point_npv: float
    uncertain_inputs: list[str]
    irr: np.ndarray | None = None
    seconds: float = field(default=0.0, compare=False)

    def stats(self, name: str, k: int | None = None) -> dict:
        """Mean, sd, percentiles, min and max of figure ``name`` (of stakeholder column ``k``), cached."""
        cache = self.__dict__.setdefault("_stats", {})
        if (name, k) not in cache:
            values = getattr(self, name) if k is None else getattr(self, name)[:, k]
            cache[(name, k)] = _stats(values)
        return cache[(name, k)]

    @property
    def p_npv_negative(self) -> float:
        """Share of draws with ``npv`` < 0."""
        return float(np.mean(self.npv < 0))

    def percentiles(self, q: Sequence[float] = PERCENTILES) -> pd.DataFrame:
        """Percentiles of each figure and each stakeholder's ``npv`` (rows: figures, columns: q)."""
        rows = {
            "npv": self.npv,
            "pv_costs": self.pv_costs,
            "pv_benefits": self.pv_benefits,
            "bcr": self.bcr,
            "fiscal_npv": self.fiscal_npv,
        }
        rows.update({f"npv[{k}]": self.stakeholder_npv[:, i] for i, k in enumerate(self.stakeholders)})
        return pd.DataFrame(
            {
                f"p{p:g}": [
                    float(np.nanpercentile(v, p)) if np.isfinite(v).any() else np.nan for v in rows.values()
                ]
                for p in q
            },
            index=list(rows),
        )

    def frame(self) -> pd.DataFrame:
        """One row per draw: the figures and each stakeholder's ``npv``."""
        data = {
            "npv": self.npv,
            "pv_costs": self.pv_costs,
            "pv_benefits": self.pv_benefits,
            "bcr": self.bcr,
            "fiscal_npv": self.fiscal_npv,
        }
        data.update({f"npv[{k}]": self.stakeholder_npv[:, i] for i, k in enumerate(self.stakeholders)})
        if self.irr is not None:
            data["irr"] = self.irr
        return pd.DataFrame(data)

    def to_dict(self) -> dict:
        """Plain values for JSON: headline ``npv`` figures, then the distribution of each figure."""
        npv = self.stats("npv")
        out = {
            "n": self.n,
            "seed": self.seed,
            "chunk_size": self.chunk_size,
            "method": self.method,
            "npv_mean": npv["mean"],
            "npv_sd": npv["sd"],
            **{f"npv_p{q}": npv[f"p{q}"] for q in PERCENTILES},
            "p_npv_negative": self.p_npv_negative,
            "quantile_error": 0.0,
            "streamed": False,
            "point_npv": float(self.point_npv),
            "point_uses": "the mean of every uncertain input",
            "uncertain_inputs": list(self.uncertain_inputs),
            "npv": npv,
            "bcr": self.stats("bcr"),
            "pv_costs": self.stats("pv_costs"),
            "pv_benefits": self.stats("pv_benefits"),
            "fiscal_npv": self.stats("fiscal_npv"),
            "stakeholders": {
                k: {
                    **self.stats("stakeholder_npv", i),
                    "p_negative": float(np.mean(self.stakeholder_npv[:, i] < 0)),
                }
                for i, k in enumerate(self.stakeholders)
            },
        }
        if self.irr is not None:
            out["irr"] = self.stats("irr")
        return out


@overload
def monte_carlo(
    model: Model,
    n: int,
    *,
    seed: int = ...,
    chunk_size: int = ...,
    progress: Callable[[int], None] | None = ...,
    with_irr: bool = ...,
    method: str = ...,
    workers: int = ...,
    keep_draws: Literal[True],
    client: None = ...,
) -> Simulation: ...


@overload
def monte_carlo(
    model: Model,
    n: int,
    *,
    seed: int = ...,
    chunk_size: int = ...,
    progress: Callable[[int], None] | None = ...,
    with_irr: bool = ...,
    method: str = ...,
    workers: int = ...,
    keep_draws: bool | None = ...,
    client: Any = ...,
) -> Simulation | StreamedSimulation: ...


def monte_carlo(
    model: Model,
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int], None] | None = None,
    with_irr: bool = False,
    method: str = "fast",
    workers: int = 1,
    keep_draws: bool | None = None,
    client: Any = None,
) -> Simulation | StreamedSimulation:
    """Draw ``n`` joint samples of the uncertain inputs and compute the figures of each.

    Parameters
    ----------
    model : Model
        The compiled scenario (``Result.model``).
    n : int
        Number of draws.
    seed : int
        Seed of the draws; the same seed gives bit-identical results at any
        ``chunk_size`` and any number of ``workers``.
    chunk_size : int
        Draws evaluated at once: memory is bounded by ``workers`` chunks.
    progress : callable, optional
        Called with the number of draws finished, after each chunk (the command line draws a bar
        with it); numeric code never draws one itself.
    with_irr : bool
        Also compute each draw's IRR (slow; implies ``method="flows"``).
    method : {'fast', 'flows'}
        ``fast`` sums present values line by line (see the module docstring);
        ``flows`` evaluates yearly flows with ``Model.evaluate`` and ``figures``.
        Both use the same draws and agree up to rounding.
    workers : int
        With the figures of every draw kept: threads evaluating chunks at once (2 may help on an
        idle multi-core machine). Streamed: worker processes. Results do not depend on it.
    keep_draws : bool, optional
        Keep the figures of every draw (for charts, the workbook and :meth:`Simulation.frame`). By
        default they are kept up to :data:`KEEP_LIMIT` draws; beyond it, and with ``False``, the
        simulation is summarised while it streams (:class:`StreamedSimulation`: exact mean, standard
        deviation and exceedances; quantiles with a stated rank error), in bounded memory.
    client : dask.distributed.Client, optional
        Stream the chunks over this Dask cluster.

    Returns
    -------
    Simulation or StreamedSimulation

    Examples
    --------
    >>> import mkba
    >>> from mkba.uncertainty.montecarlo import monte_carlo
    >>> model = mkba.evaluate("scenarios/frontlijnteam-leeuwarden.yaml").model
    >>> kept = monte_carlo(model, 20_000, seed=1)
    >>> streamed = monte_carlo(model, 20_000, seed=1, keep_draws=False, chunk_size=3_000)
    >>> abs(kept.stats("npv")["mean"] - streamed.stats("npv")["mean"]) < 1e-6
    True
    """
    n, chunk_size = _check_arguments(n, chunk_size, method)
    streamed = keep_draws is False or (keep_draws is None and n > KEEP_LIMIT) or client is not None
    if streamed:
        if n > MAX_DRAWS:
            raise MkbaError(
                f"{n:,} draws is more than the {MAX_DRAWS:,} a simulation takes (it would run for hours); "
                "expected fewer draws",
                field="--simulate",
            )
        if with_irr or method != "fast":
            raise MkbaError(
                "a streamed simulation computes the fast figures only; keep the draws for the IRR"
            )
        return _streamed(
            model, n, seed=seed, chunk_size=chunk_size, progress=progress, workers=workers, client=client
        )
    check_draws_fit(n, 6 + len(model.stakeholders) + (1 if with_irr else 0))
    method = "flows" if with_irr else method
    began = time.perf_counter()
    fast = _PresentValues(model)
    K = len(model.stakeholders)
    out = {
        name: np.empty(n) for name in ("npv", "pv_costs", "pv_benefits", "fiscal_npv", "volunteer_value_pv")
    }
    out["stakeholder_npv"] = np.empty((n, K), order="F")
    irr = np.empty(n) if with_irr else None

    def run(bounds: tuple[int, int]) -> int:
        start, stop = bounds
        if method == "fast":
            figs = fast.figures(fast.draws(seed, start, stop))
            for name in ("npv", "pv_costs", "pv_benefits", "fiscal_npv", "volunteer_value_pv"):
                out[name][start:stop] = figs[name]
            out["stakeholder_npv"][start:stop] = figs["stakeholder_npv"].T
        else:
            f = figures(model, model.evaluate(draw_inputs(model, seed, start, stop)), with_irr=with_irr)
            for name in ("npv", "pv_costs", "pv_benefits", "fiscal_npv", "volunteer_value_pv"):
                out[name][start:stop] = getattr(f, name)
            out["stakeholder_npv"][start:stop] = f.stakeholder_npv
            if irr is not None:
                irr[start:stop] = f.irr
        return stop - start

    _run_chunks(run, list(chunks(n, chunk_size)), workers, progress)
    with np.errstate(divide="ignore", invalid="ignore"):
        bcr = np.where(
            out["pv_costs"] != 0,
            out["pv_benefits"] / np.where(out["pv_costs"] != 0, out["pv_costs"], 1.0),
            np.nan,
        )
    return Simulation(
        n=n,
        seed=seed,
        chunk_size=chunk_size,
        method=method,
        stakeholders=list(model.stakeholders),
        npv=out["npv"],
        pv_costs=out["pv_costs"],
        pv_benefits=out["pv_benefits"],
        bcr=bcr,
        fiscal_npv=out["fiscal_npv"],
        volunteer_value_pv=out["volunteer_value_pv"],
        stakeholder_npv=out["stakeholder_npv"],
        point_npv=float(npv_of(model, model.base[None])[0]),
        uncertain_inputs=[inp.name for inp in model.inputs if inp.uncertain],
        irr=irr,
        seconds=time.perf_counter() - began,
    )


def _check_arguments(n: int, chunk_size: int, method: str) -> tuple[int, int]:
    if method not in ("fast", "flows"):
        raise MkbaError(f"unknown method {method!r}; expected 'fast' or 'flows'")
    return draws_asked(n, chunk_size)


def _run_chunks(
    run: Callable[[tuple[int, int]], int],
    parts: list[tuple[int, int]],
    workers: int,
    progress: Callable[[int], None] | None,
) -> None:
    """``run`` each chunk, on ``workers`` threads at most, reporting each one's draws to ``progress``."""
    workers = max(1, min(int(workers), len(parts)))
    if workers == 1:
        _report(map(run, parts), progress)  # lazy: each chunk is reported as soon as it is done
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        _report(pool.map(run, parts), progress)


def _report(done_each: Iterator[int], progress: Callable[[int], None] | None) -> None:
    for done in done_each:
        if progress is not None:
            progress(done)


# -- streamed: summaries in bounded memory ----------------------------------------------------------
#: The figures a streamed simulation summarises (besides each stakeholder's npv).
STREAMED = ("npv", "pv_costs", "pv_benefits", "bcr", "fiscal_npv", "volunteer_value_pv")


@dataclass
class StreamedSimulation:
    """A simulation summarised while it streamed: the same reading methods as :class:`Simulation`,
    without the figures of every draw (memory independent of ``n``).

    Attributes
    ----------
    summaries : dict of str to StreamSummary
        Per figure (``npv``, ``bcr``, ..., and ``stakeholder_npv[k]`` per stakeholder): exact count,
        mean, standard deviation, exceedance of 0, extremes, and a histogram for quantiles.
    undefined : dict of str to int
        Draws where a figure has no value (``bcr`` without costs), left out of its summary.
    """

    n: int
    seed: int
    chunk_size: int
    stakeholders: list[str]
    summaries: dict[str, StreamSummary]
    undefined: dict[str, int]
    point_npv: float
    uncertain_inputs: list[str]
    seconds: float = field(default=0.0, compare=False)
    method: str = "fast"

    def stats(self, name: str, k: int | None = None) -> dict:
        """Mean, sd, percentiles (with ``quantile_error``), min and max of figure ``name``."""
        key = name if k is None else f"{name}[{k}]"
        s = self.summaries[key]
        if s.n == 0:
            return {
                "mean": None,
                "sd": None,
                **{f"p{q}": None for q in PERCENTILES},
                "min": None,
                "max": None,
            }
        summary = s.summary(PERCENTILES)
        out = {
            "mean": summary["mean"],
            "sd": summary["std"],
            **{f"p{q}": summary[f"p{q}"] for q in PERCENTILES},
        }
        out.update(
            {"min": summary["min"], "max": summary["max"], "quantile_error": summary["quantile_error"]}
        )
        if self.undefined.get(key):
            out["undefined"] = self.undefined[key]
        return out

    @property
    def p_npv_negative(self) -> float:
        """Share of draws with ``npv`` < 0 (exact)."""
        return self.summaries["npv"].below(0.0)

    @property
    def quantile_error(self) -> float:
        """The largest rank error bound of any reported percentile."""
        return max(
            self.stats(*_split(key)).get("quantile_error", 0.0)
            for key in self.summaries
            if self.summaries[key].n
        )

    def percentiles(self, q: Sequence[float] = PERCENTILES) -> pd.DataFrame:
        """Percentiles of each figure (rows) at ``q`` (columns), read from the histograms."""
        names = [
            *STREAMED[:4],
            "fiscal_npv",
            *(f"stakeholder_npv[{k}]" for k in range(len(self.stakeholders))),
        ]
        index = [*STREAMED[:4], "fiscal_npv", *(f"npv[{k}]" for k in self.stakeholders)]
        return pd.DataFrame(
            {
                f"p{p:g}": [
                    self.summaries[n].quantile(p / 100)[0] if self.summaries[n].n else np.nan for n in names
                ]
                for p in q
            },
            index=index,
        )

    def frame(self) -> pd.DataFrame:
        """Not available: the figures of every draw were not kept."""
        raise MkbaError(
            f"the figures of each of the {self.n:,} draws were not kept (a streamed simulation); "
            f"simulate at most {KEEP_LIMIT:,} draws, or pass keep_draws=True, for charts and per-draw tables"
        )

    def to_dict(self) -> dict:
        """Plain values for JSON, with the same keys as :meth:`Simulation.to_dict` and ``quantile_error``."""
        npv = self.stats("npv")
        return {
            "n": self.n,
            "seed": self.seed,
            "chunk_size": self.chunk_size,
            "method": self.method,
            "npv_mean": npv["mean"],
            "npv_sd": npv["sd"],
            **{f"npv_p{q}": npv[f"p{q}"] for q in PERCENTILES},
            "p_npv_negative": self.p_npv_negative,
            "quantile_error": self.quantile_error,
            "streamed": True,
            "point_npv": float(self.point_npv),
            "point_uses": "the mean of every uncertain input",
            "uncertain_inputs": list(self.uncertain_inputs),
            "npv": npv,
            **{name: self.stats(name) for name in ("bcr", "pv_costs", "pv_benefits", "fiscal_npv")},
            "stakeholders": {
                k: {
                    **self.stats("stakeholder_npv", i),
                    "p_negative": self.summaries[f"stakeholder_npv[{i}]"].below(0.0),
                }
                for i, k in enumerate(self.stakeholders)
            },
        }


def _split(key: str) -> tuple[str, int | None]:
    if key.endswith("]"):
        name, _, k = key[:-1].partition("[")
        return name, int(k)
    return key, None


def _figure_rows(figs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The streamed figures of one block of draws, by summary key."""
    with np.errstate(divide="ignore", invalid="ignore"):
        costs = figs["pv_costs"]
        bcr = np.where(costs != 0, figs["pv_benefits"] / np.where(costs != 0, costs, 1.0), np.nan)
    rows = {name: figs[name] for name in STREAMED if name != "bcr"}
    rows["bcr"] = bcr
    for k, values in enumerate(figs["stakeholder_npv"]):
        rows[f"stakeholder_npv[{k}]"] = values
    return rows


@dataclass(frozen=True)
class _StreamTask:
    """A run of chunks for one worker: plain data, so it pickles to processes and Dask."""

    model: Model
    seed: int
    ranges: dict[str, tuple[float, float]]
    parts: tuple[tuple[int, int], ...]


def _stream_task(task: _StreamTask) -> tuple[dict[str, StreamSummary], dict[str, int]]:
    fast = _PresentValues(task.model)
    summaries = {key: StreamSummary(lo, hi) for key, (lo, hi) in task.ranges.items()}
    undefined = dict.fromkeys(task.ranges, 0)
    for start, stop in task.parts:
        for key, values in _figure_rows(fast.figures(fast.draws(task.seed, start, stop))).items():
            ok = np.isfinite(values)
            if not ok.all():
                undefined[key] += int(values.size - np.count_nonzero(ok))
                values = values[ok]
            summaries[key].add(values)
    return summaries, undefined


def _streamed(
    model: Model,
    n: int,
    *,
    seed: int,
    chunk_size: int,
    progress: Callable[[int], None] | None,
    workers: int,
    client: Any,
) -> StreamedSimulation:
    began = time.perf_counter()
    fast = _PresentValues(model)
    pilot = _figure_rows(fast.figures(fast.draws(seed, 0, min(n, PILOT))))  # the same at any chunking
    ranges = {key: histogram_range(values) for key, values in pilot.items()}
    parts = list(chunks(n, chunk_size))
    # one chunk a task in this process and on Dask; about four tasks per worker process
    per = 1 if workers <= 1 or client is not None else -(-len(parts) // (4 * workers))
    tasks = [_StreamTask(model, seed, ranges, tuple(parts[i : i + per])) for i in range(0, len(parts), per)]
    summaries = {key: StreamSummary(lo, hi) for key, (lo, hi) in ranges.items()}
    undefined = dict.fromkeys(ranges, 0)
    # in the tasks' order, one at a time: the merge never depends on timing, memory never on n
    for part_summaries, part_undefined in _run_stream_tasks(tasks, workers, client, progress):
        for key in summaries:
            summaries[key].merge(part_summaries[key])
            undefined[key] += part_undefined[key]
    return StreamedSimulation(
        n=n,
        seed=seed,
        chunk_size=chunk_size,
        stakeholders=list(model.stakeholders),
        summaries=summaries,
        undefined=undefined,
        point_npv=float(npv_of(model, model.base[None])[0]),
        uncertain_inputs=[inp.name for inp in model.inputs if inp.uncertain],
        seconds=time.perf_counter() - began,
    )


def _run_stream_tasks(
    tasks: list[_StreamTask], workers: int, client: Any, progress: Callable[[int], None] | None
) -> Iterator[tuple[dict[str, StreamSummary], dict[str, int]]]:
    """Each task's summaries, in the tasks' order, as they finish (so they merge one at a time)."""
    for task, result in zip(tasks, _task_results(tasks, workers, client)):
        yield result
        if progress is not None:
            progress(sum(stop - start for start, stop in task.parts))


def _task_results(
    tasks: list[_StreamTask], workers: int, client: Any
) -> Iterator[tuple[dict[str, StreamSummary], dict[str, int]]]:
    return run_tasks(_stream_task, tasks, workers=workers, client=client)
