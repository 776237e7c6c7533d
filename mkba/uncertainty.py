"""Uncertainty: seeded draws, one-way sensitivity, break-even and Monte Carlo (METHOD.md section 6).

Draw ``i`` of input ``j`` is a pure function of ``(seed, i, j)``: uniforms come
from a counter-based generator (Philox) whose counter is set from the draw's
index, so a run split into chunks of any size, over any number of workers or
in any order, gives identical draws (METHOD.md section 6). Each distribution
turns its uniforms into draws by its quantile function.

On top of the draws:

* :func:`tornado` swings each uncertain input to its low and high (the rest at
  base) and gives the ``npv`` at both ends, sorted by swing;
* :func:`break_even` finds the value of one input at which ``npv`` is 0 (exact
  from two evaluations where ``npv`` is linear in it, root finding otherwise);
* :func:`monte_carlo` draws ``n`` joint samples in chunks and returns a
  :class:`Simulation` with the distribution of ``npv``, ``bcr``, the fiscal
  ``npv`` and each stakeholder's ``npv``.

The simulation's default evaluation (``method="fast"``) does not build the
(draws x lines x years) flows of :meth:`mkba.engine.Model.evaluate`: because
every line's yearly amount is its multiplier (a product of inputs) times a
non-negative timing, its present value is the multiplier times the discounted
timing, and the timing of a cohort line sums geometric series. The figures are
those of :func:`mkba.result.figures` up to rounding (the tests check this);
``method="flows"`` evaluates through ``Model.evaluate`` and ``figures``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import optimize, special

from .distributions import Beta, Pert, _Dist
from .engine import ONE_MINUS, Model
from .errors import MkbaError
from .labels import label

#: Seed of ``mkba run --simulate`` when none is given.
DEFAULT_SEED = 20260101
#: Draws evaluated at once unless told otherwise.
DEFAULT_CHUNK_SIZE = 100_000
#: Percentiles reported for every simulated figure.
PERCENTILES = (5, 50, 95)

#: Draws per Philox counter block: one block gives four 64-bit words.
_WORDS_PER_BLOCK = 4


def uniforms(seed: int, start: int, stop: int, n_dims: int) -> np.ndarray:
    """Uniform numbers in (0, 1) for draws ``start..stop-1`` and ``n_dims`` dimensions.

    Row ``i - start`` holds draw ``i``; its values depend only on ``seed``,
    ``i`` and the dimension, never on ``start`` or ``stop``.

    Returns
    -------
    numpy.ndarray, shape (stop - start, n_dims)
    """
    n = stop - start
    if n <= 0 or n_dims == 0:
        return np.empty((max(n, 0), n_dims))
    # Each draw gets its own whole counter blocks, so draw i starts at block i * blocks_per_draw.
    blocks_per_draw = -(-n_dims // _WORDS_PER_BLOCK)
    bit_gen = np.random.Philox(key=np.uint64(seed) if seed >= 0 else np.uint64(2**64 + seed))
    bit_gen.advance(start * blocks_per_draw)
    words = bit_gen.random_raw(n * blocks_per_draw * _WORDS_PER_BLOCK)
    words = words.reshape(n, blocks_per_draw * _WORDS_PER_BLOCK)[:, :n_dims]
    # 53 random bits to a double in (0, 1), never exactly 0 or 1
    return ((words >> np.uint64(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)


def sample(values: Sequence[float | _Dist], seed: int, start: int, stop: int) -> np.ndarray:
    """Draws ``start..stop-1`` of each value: a distribution is sampled, a number repeated.

    Returns
    -------
    numpy.ndarray, shape (stop - start, len(values))
    """
    out = np.empty((stop - start, len(values)))
    u = uniforms(seed, start, stop, len(values))
    for j, value in enumerate(values):
        out[:, j] = value.ppf(u[:, j]) if isinstance(value, _Dist) else value
    return out


def chunks(n: int, chunk_size: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` pairs covering ``0..n-1`` in chunks of at most ``chunk_size``."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    for start in range(0, n, chunk_size):
        yield start, min(start + chunk_size, n)


def _philox_words(seed: int, start: int, stop: int, n_dims: int) -> np.ndarray:
    """The raw 64-bit words behind :func:`uniforms`, shape (stop - start, words per draw)."""
    n = stop - start
    blocks_per_draw = -(-n_dims // _WORDS_PER_BLOCK)
    bit_gen = np.random.Philox(key=np.uint64(seed) if seed >= 0 else np.uint64(2**64 + seed))
    bit_gen.advance(start * blocks_per_draw)
    words = bit_gen.random_raw(n * blocks_per_draw * _WORDS_PER_BLOCK)
    return words.reshape(n, blocks_per_draw * _WORDS_PER_BLOCK)


def uniform_columns(seed: int, start: int, stop: int, n_dims: int, dims: Sequence[int]) -> np.ndarray:
    """``uniforms(seed, start, stop, n_dims)[:, dims].T``, converting only the dimensions asked for.

    Returns
    -------
    numpy.ndarray, shape (len(dims), stop - start)
        Bit for bit the same numbers as :func:`uniforms`, one row per dimension.
    """
    n = stop - start
    if n <= 0 or len(dims) == 0:
        return np.empty((len(dims), max(n, 0)))
    words = _philox_words(seed, start, stop, n_dims)
    dims = np.asarray(dims, dtype=np.intp)
    if np.array_equal(dims, np.arange(len(dims))):
        words = words[:, :len(dims)]
    else:
        words = words[:, dims]
    out = np.empty((len(dims), n))
    # the same arithmetic as uniforms(): ((w >> 11) as a double + 0.5) * 2 ** -53; transposed in
    # blocks of draws that stay in cache
    for lo in range(0, n, 4096):
        np.right_shift(words[lo:lo + 4096].T, np.uint64(11), out=out[:, lo:lo + 4096], casting="unsafe")
    out += 0.5
    out *= 1.0 / 9007199254740992.0
    return out


# -- fast quantiles of beta-shaped distributions ----------------------------------------------------
#: Nodes of the interpolation table of a beta quantile function (per half).
_TABLE_NODES = 2048
#: Largest relative error of a table against ``scipy.special.betaincinv`` before it is refused.
_TABLE_TOLERANCE = 1e-9
_LOG_HALF = math.log(0.5)
_Q_MIN = 2.0 ** -54  # the smallest uniform :func:`uniforms` gives


def _half_table(a: float, b: float, t: np.ndarray) -> np.ndarray:
    """Cubic Hermite coefficients of ``log x`` against ``t = log(-log q)`` for Beta(a, b), q <= 1/2."""
    s = -np.exp(t)
    q = np.exp(s)
    x = special.betaincinv(a, b, q)
    with np.errstate(all="ignore"):  # an extreme shape gives non-finite nodes: the table is then refused
        y = np.log(x)
        log_x_pdf = a * np.log(x) + (b - 1) * np.log1p(-x) - special.betaln(a, b)
        slope = np.exp(s - log_x_pdf) * s  # dy/dt = (q / (x pdf(x))) * ds/dt
        h = t[1] - t[0]
        y0, y1, m0, m1 = y[:-1], y[1:], slope[:-1] * h, slope[1:] * h
        return np.stack([y0, m0, 3 * (y1 - y0) - 2 * m0 - m1, 2 * (y0 - y1) + m0 + m1], axis=1)


@lru_cache(maxsize=512)
def _beta_table(a: float, b: float) -> tuple[float, float, np.ndarray] | None:
    """Interpolation table of the Beta(a, b) quantile function, or None if it is not accurate enough.

    The lower half (q <= 1/2) is tabulated as ``log x`` against ``log(-log q)``,
    the upper half as ``log(1 - x)`` against ``log(-log(1 - q))`` (the lower half
    of Beta(b, a)); on that scale both tails are nearly straight, so 2,048 nodes
    per half give the quantile to about 1e-11 relative (checked here against
    ``betaincinv`` at every midpoint between nodes).
    """
    t = np.linspace(math.log(-_LOG_HALF), math.log(-math.log(_Q_MIN)), _TABLE_NODES)
    coef = np.ascontiguousarray(np.concatenate([_half_table(a, b, t), _half_table(b, a, t)]).T)
    if not np.isfinite(coef).all():
        return None
    table = (float(t[0]), float(t[1] - t[0]), coef)
    mid = np.exp(-np.exp((t[:-1] + t[1:]) / 2))
    for shape, upper in (((a, b), False), ((b, a), True)):
        exact = special.betaincinv(*shape, mid)
        approx = np.exp(_table_log(table, mid, np.full(mid.shape, upper)))
        if not np.all(np.abs(approx - exact) <= _TABLE_TOLERANCE * exact):
            return None
    return table


def _table_log(table: tuple[float, float, np.ndarray], tail: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``log x`` (lower half) or ``log(1 - x)`` (upper half) at tail probabilities ``tail`` <= 1/2."""
    t0, h, coef = table
    n = coef.shape[1] // 2
    z = np.log(-np.log(tail))
    z -= t0
    z *= 1.0 / h
    i = np.clip(z.astype(np.intp), 0, n - 1)
    z -= i
    i += upper * n
    c0, c1, c2, c3 = np.take(coef, i, axis=1)  # coef: (4, 2n - 2)
    y = c3 * z
    y += c2
    y *= z
    y += c1
    y *= z
    y += c0
    return y


def _beta_ppf(table: tuple[float, float, np.ndarray], q: np.ndarray) -> np.ndarray:
    upper = q > 0.5
    x = np.exp(_table_log(table, np.where(upper, 1.0 - q, q), upper))
    return np.where(upper, 1.0 - x, x)


def quantile(dist: _Dist, q: np.ndarray) -> np.ndarray:
    """The quantile function the Monte Carlo uses: ``dist.ppf(q)``, fast for beta shapes.

    For ``pert`` and ``beta`` the exact ``betaincinv`` costs about a microsecond
    a value; they are read from an interpolation table instead (relative error
    about 1e-11, far below any sampling error). Other distributions use their
    own ``ppf``. A pure function of ``q``, so draws stay independent of chunking.
    """
    if isinstance(dist, (Pert, Beta)):
        shape = dist._shape() if isinstance(dist, Pert) else (dist.a, dist.b)
        table = _beta_table(float(shape[0]), float(shape[1]))
        if table is not None:
            x = _beta_ppf(table, np.asarray(q, dtype=np.float64))
            return dist.low + x * (dist.high - dist.low) if isinstance(dist, Pert) else x
    return dist.ppf(q)


def draw_inputs(model: Model, seed: int, start: int, stop: int) -> np.ndarray:
    """The Monte Carlo's draws ``start..stop-1`` of every input of ``model``, shape (D, J).

    The ``k``-th uncertain input (in the order of ``model.inputs``) takes uniform
    dimension ``k`` of :func:`uniforms` with ``n_dims`` the number of uncertain
    inputs, turned into a draw by :func:`quantile`; certain inputs are repeated.
    So adding or removing a certain number in a scenario does not change the
    draws of the others.
    """
    values = [inp.value for inp in model.inputs]
    theta = np.tile(model.base, (stop - start, 1))
    cols = [j for j, v in enumerate(values) if isinstance(v, _Dist)]
    u = uniform_columns(seed, start, stop, len(cols), range(len(cols)))
    for k, j in enumerate(cols):
        theta[:, j] = quantile(values[j], u[k])
    return theta


# -- evaluation -----------------------------------------------------------------------------------
def npv_of(model: Model, theta: np.ndarray) -> np.ndarray:
    """The societal ``npv`` of each row of ``theta`` through ``Model.evaluate`` and ``figures``."""
    from .result import figures
    return figures(model, model.evaluate(theta), with_irr=False).npv


class _PresentValues:
    """Present values of every line for a block of draws, without yearly flows.

    A line's yearly amount is ``multiplier * timing[y]`` with ``multiplier`` the
    product of its inputs and ``timing`` >= 0, so its present value is
    ``multiplier * sum_y timing[y] DF(y)``. For a cohort line starting in year
    index ``s = c + lag`` with ``m`` active years,
    ``sum_k n_c retain^k DF(s + k) = n_c DF(s) sum_{k<m} (retain / (1 + r))^k``.
    An effect at area level (``per: year``, a fixed pattern with drop-off) over
    ``m`` years from year index ``s`` is the same series with ``n_c = 1``.
    Only uncertain inputs are per draw; everything else is folded in once.
    """

    def __init__(self, model: Model) -> None:
        self.model = model
        inputs, base = model.inputs, model.base
        self.n_inputs = len(inputs)
        self.cols = [j for j, inp in enumerate(inputs) if inp.uncertain]
        row = {j: k for k, j in enumerate(self.cols)}
        self.dists = [inputs[j].value for j in self.cols]
        for dist in self.dists:  # build interpolation tables now, not inside worker threads
            quantile(dist, np.array([0.5]))
        years = model.years
        Y, L = len(years), len(model.lines)
        self.Y, self.L = Y, L
        self.exponent = (-(years - model.base_year)).astype(np.float64)
        self.rate_row = row.get(model.discount_col)
        self.rate = float(base[model.discount_col])
        # multipliers: the certain part once, the uncertain factors per draw
        self.certain = np.empty(L)
        self.factors: list[tuple[int, int, bool]] = []
        for i, line in enumerate(model.lines):
            c = line.constant
            for col, kind in line.factors:
                if col in row:
                    self.factors.append((i, row[col], kind == ONE_MINUS))
                else:
                    c *= (1.0 - base[col]) if kind == ONE_MINUS else base[col]
            self.certain[i] = c
        self.pattern = np.array([line.pattern for line in model.lines]).reshape(L, Y)
        decay = np.array([line.decay is not None for line in model.lines], dtype=bool)
        self.pattern_lines = np.flatnonzero(self.pattern.any(axis=1) & ~decay)
        self.pattern_years = np.flatnonzero(self.pattern.any(axis=0))
        # cohorts: (year index, draw row or None, base size)
        self.cohorts = [(int(y - years[0]), row.get(col), float(base[col]))
                        for y, col in model.participant_cols.items()]
        # cohort lines grouped by what they retain each year, (draw row or None, certain retain), then
        # by (lag, duration): lines of one class share their discounted timing
        self.groups: dict[tuple, dict[tuple[int, int], list]] = {}
        for i, line in enumerate(model.lines):
            if line.cohort is None:
                continue
            lag, duration, drop = line.cohort
            key = (row.get(drop), None) if drop >= 0 and drop in row else \
                (None, 1.0 - float(base[drop]) if drop >= 0 else 1.0)
            slots = []  # (cohort number, start year index, active years)
            for c, (ci, _, _) in enumerate(self.cohorts):
                s = ci + lag
                m = min(duration, Y - s) if s < Y else 0
                if m > 0:
                    slots.append((c, s, m))
            if slots:
                cls = self.groups.setdefault(key, {}).setdefault((lag, duration), [[], slots])
                cls[0].append(i)
        # fixed patterns with drop-off (effects per: year): one "cohort" of size 1 in the first year,
        # active for the years of the pattern (which are 1 from the first year on, then 0)
        unit = len(self.cohorts)  # the index of that size 1 in ``sizes``
        for i, line in enumerate(model.lines):
            if line.decay is None:
                continue
            drop, s = line.decay
            m = int(np.count_nonzero(self.pattern[i]))
            if not (m and np.array_equal(self.pattern[i, s:s + m], np.ones(m))):
                raise AssertionError(f"line {line.id!r}: a pattern with drop-off must be 1 from its "
                                     "first year on")
            key = (row.get(drop), None) if drop in row else (None, 1.0 - float(base[drop]))
            cls = self.groups.setdefault(key, {}).setdefault(("year", s, m), [[], [(unit, s, m)]])
            cls[0].append(i)
        # Every figure is a sum of lines' present values with fixed signs while those are >= 0 (inputs
        # are validated >= 0, so they are). Sums run in a fixed order, element by element (no BLAS,
        # whose rounding may depend on the number of draws), so results do not depend on chunking.
        self.K = K = len(model.stakeholders)
        self.cost_terms: list[tuple[int, float]] = []
        self.benefit_terms: list[tuple[int, float]] = []
        self.stakeholder_terms: list[list[tuple[int, float]]] = [[] for _ in range(K)]
        for p in range(len(model.posting_line)):
            i, sign = int(model.posting_line[p]), float(model.posting_sign[p])
            self.stakeholder_terms[model.posting_stakeholder[p]].append((i, sign))
            if not model.posting_transfer[p]:
                (self.benefit_terms if sign > 0 else self.cost_terms).append((i, abs(sign)))
        self.public_stakeholders = [k for k in range(K) if model.public[k]]
        self.volunteer_terms = [(int(i), 1.0) for i in model.volunteer_lines]
        self.model_postings = (model.posting_line, model.posting_sign[:, None], ~model.posting_transfer,
                               model.posting_stakeholder, model.public)

    def draws(self, seed: int, start: int, stop: int) -> np.ndarray:
        """Draws of the uncertain inputs, shape (U, D): the columns of :func:`draw_inputs`."""
        u = uniform_columns(seed, start, stop, len(self.cols), range(len(self.cols)))
        for k, dist in enumerate(self.dists):
            u[k] = quantile(dist, u[k])
        return u

    def figures(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Figures for draws ``x`` (U, D): arrays over draws (stakeholders: (K, D))."""
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
        for y in self.pattern_years:  # tpv = pattern @ df, summed year by year
            tpv[self.pattern_lines] += self.pattern[self.pattern_lines, y, None] * df[y]
        sizes = [x[r] if r is not None else size for (_, r, size) in self.cohorts] + [1.0]
        for (drop_row, retain), classes in self.groups.items():
            ratio = (1.0 - x[drop_row] if drop_row is not None else retain) * g
            longest = max(m for _, slots in classes.values() for (_, _, m) in slots)
            sums = [np.ones_like(ratio) if np.ndim(ratio) else 1.0]  # sums[m - 1] = sum_{k<m} ratio^k
            power = ratio
            for _ in range(1, longest):
                sums.append(sums[-1] + power)
                power = power * ratio
            for lines, slots in classes.values():
                acc = np.zeros(D)
                for c, s, m in slots:
                    acc += sizes[c] * df[s] * sums[m - 1]
                tpv[lines] += acc
        pv = np.empty((self.L, D))
        pv[:] = self.certain[:, None]
        for i, r, one_minus in self.factors:
            pv[i] *= (1.0 - x[r]) if one_minus else x[r]
        pv *= tpv  # (L, D) each line's present value
        if pv.min(initial=0.0) < 0:
            return self._general(pv)
        pv_costs = _combine(self.cost_terms, pv)
        pv_benefits = _combine(self.benefit_terms, pv)
        stakeholder = np.empty((self.K, D))
        for k, terms in enumerate(self.stakeholder_terms):
            stakeholder[k] = _combine(terms, pv)
        fiscal = _combine([(k, 1.0) for k in self.public_stakeholders], stakeholder)
        return {"pv_costs": pv_costs, "pv_benefits": pv_benefits, "npv": pv_benefits - pv_costs,
                "stakeholder_npv": stakeholder, "fiscal_npv": fiscal,
                "volunteer_value_pv": _combine(self.volunteer_terms, pv)}

    def _general(self, pv: np.ndarray) -> dict[str, np.ndarray]:
        """The figures of :func:`mkba.result.figures` from lines' present values of any sign."""
        line, sign, real, stakeholder, public = self.model_postings
        posted = sign * pv[line]  # (P, D)
        pos, neg = np.maximum(posted, 0.0), np.minimum(posted, 0.0)
        onehot = np.zeros((self.K, len(line)))
        onehot[stakeholder, np.arange(len(line))] = 1.0
        sk_benefits, sk_costs = onehot @ pos, -(onehot @ neg)
        pv_benefits, pv_costs = pos[real].sum(axis=0), -neg[real].sum(axis=0)
        return {"pv_costs": pv_costs, "pv_benefits": pv_benefits, "npv": pv_benefits - pv_costs,
                "stakeholder_npv": sk_benefits - sk_costs,
                "fiscal_npv": (sk_benefits[public] - sk_costs[public]).sum(axis=0),
                "volunteer_value_pv": _combine(self.volunteer_terms, pv)}


def _combine(terms: list[tuple[int, float]], rows: np.ndarray) -> np.ndarray:
    """``sum(weight * rows[i] for i, weight in terms)``, in that order (zeros when empty)."""
    acc = np.zeros(rows.shape[1])
    for i, weight in terms:
        if weight == 1.0:
            acc += rows[i]
        elif weight == -1.0:
            acc -= rows[i]
        else:
            acc += weight * rows[i]
    return acc


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
        rows = {"npv": self.npv, "pv_costs": self.pv_costs, "pv_benefits": self.pv_benefits,
                "bcr": self.bcr, "fiscal_npv": self.fiscal_npv}
        rows.update({f"npv[{k}]": self.stakeholder_npv[:, i] for i, k in enumerate(self.stakeholders)})
        return pd.DataFrame({f"p{p:g}": [float(np.nanpercentile(v, p)) if np.isfinite(v).any() else np.nan
                                         for v in rows.values()] for p in q}, index=list(rows))

    def frame(self) -> pd.DataFrame:
        """One row per draw: the figures and each stakeholder's ``npv``."""
        data = {"npv": self.npv, "pv_costs": self.pv_costs, "pv_benefits": self.pv_benefits, "bcr": self.bcr,
                "fiscal_npv": self.fiscal_npv}
        data.update({f"npv[{k}]": self.stakeholder_npv[:, i] for i, k in enumerate(self.stakeholders)})
        if self.irr is not None:
            data["irr"] = self.irr
        return pd.DataFrame(data)

    def to_dict(self) -> dict:
        """Plain values for JSON: headline ``npv`` figures, then the distribution of each figure."""
        npv = self.stats("npv")
        out = {
            "n": self.n, "seed": self.seed, "chunk_size": self.chunk_size, "method": self.method,
            "npv_mean": npv["mean"], "npv_sd": npv["sd"],
            **{f"npv_p{q}": npv[f"p{q}"] for q in PERCENTILES},
            "p_npv_negative": self.p_npv_negative,
            "point_npv": float(self.point_npv),
            "point_uses": "the mean of every uncertain input",
            "uncertain_inputs": list(self.uncertain_inputs),
            "npv": npv,
            "bcr": self.stats("bcr"),
            "pv_costs": self.stats("pv_costs"),
            "pv_benefits": self.stats("pv_benefits"),
            "fiscal_npv": self.stats("fiscal_npv"),
            "stakeholders": {k: {**self.stats("stakeholder_npv", i),
                                 "p_negative": float(np.mean(self.stakeholder_npv[:, i] < 0))}
                             for i, k in enumerate(self.stakeholders)},
        }
        if self.irr is not None:
            out["irr"] = self.stats("irr")
        return out


def monte_carlo(model: Model, n: int, *, seed: int = DEFAULT_SEED, chunk_size: int = DEFAULT_CHUNK_SIZE,
                progress: bool = False, with_irr: bool = False, method: str = "fast",
                workers: int = 1) -> Simulation:
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
    progress : bool
        Show a progress bar (rich) on standard error.
    with_irr : bool
        Also compute each draw's IRR (slow; implies ``method="flows"``).
    method : {'fast', 'flows'}
        ``fast`` sums present values line by line (see the module docstring);
        ``flows`` evaluates yearly flows with ``Model.evaluate`` and ``figures``.
        Both use the same draws and agree up to rounding.
    workers : int
        Threads evaluating chunks at once (default 1; 2 may help on an idle multi-core machine,
        see benchmarks/results/uncertainty.md). Results do not depend on it.

    Returns
    -------
    Simulation
    """
    if n < 1:
        raise MkbaError(f"the number of draws must be at least 1, got {n}")
    if chunk_size < 1:
        raise MkbaError(f"the chunk size must be at least 1, got {chunk_size}")
    if method not in ("fast", "flows"):
        raise MkbaError(f"unknown method {method!r}; expected 'fast' or 'flows'")
    method = "flows" if with_irr else method
    began = time.perf_counter()
    fast = _PresentValues(model)
    K = len(model.stakeholders)
    out = {name: np.empty(n) for name in ("npv", "pv_costs", "pv_benefits", "fiscal_npv", "volunteer_value_pv")}
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
            from .result import figures
            f = figures(model, model.evaluate(draw_inputs(model, seed, start, stop)), with_irr=with_irr)
            for name in ("npv", "pv_costs", "pv_benefits", "fiscal_npv", "volunteer_value_pv"):
                out[name][start:stop] = getattr(f, name)
            out["stakeholder_npv"][start:stop] = f.stakeholder_npv
            if irr is not None:
                irr[start:stop] = f.irr
        return stop - start

    parts = list(chunks(n, chunk_size))
    workers = max(1, min(int(workers), len(parts)))
    bar = _progress_bar(n) if progress else None
    try:
        if workers == 1:
            for bounds in parts:
                done = run(bounds)
                if bar is not None:
                    bar[0].advance(bar[1], done)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for done in pool.map(run, parts):
                    if bar is not None:
                        bar[0].advance(bar[1], done)
    finally:
        if bar is not None:
            bar[0].stop()
    with np.errstate(divide="ignore", invalid="ignore"):
        bcr = np.where(out["pv_costs"] != 0, out["pv_benefits"] / np.where(out["pv_costs"] != 0,
                                                                            out["pv_costs"], 1.0), np.nan)
    return Simulation(
        n=n, seed=seed, chunk_size=chunk_size, method=method, stakeholders=list(model.stakeholders),
        npv=out["npv"], pv_costs=out["pv_costs"], pv_benefits=out["pv_benefits"], bcr=bcr,
        fiscal_npv=out["fiscal_npv"], volunteer_value_pv=out["volunteer_value_pv"],
        stakeholder_npv=out["stakeholder_npv"], point_npv=float(npv_of(model, model.base[None])[0]),
        uncertain_inputs=[inp.name for inp in model.inputs if inp.uncertain], irr=irr,
        seconds=time.perf_counter() - began)


def _progress_bar(total: int):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    bar = Progress(TextColumn("Monte Carlo"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task("draws", total=total)
    bar.start()
    return bar, task


# -- one-way sensitivity ------------------------------------------------------------------------------
TORNADO_COLUMNS = ["input", "label", "dist", "base", "low", "high", "npv_low", "npv_high", "swing"]


def tornado(model: Model) -> pd.DataFrame:
    """One-way sensitivity: each uncertain input at its low and its high, every other input at base.

    Low and high are a distribution's ends (``triangular``, ``pert``,
    ``uniform``, and a price item's range) or its 5th and 95th percentiles
    (``normal``, ``beta``). ``swing`` is ``|npv_high - npv_low|``; rows are sorted
    by swing, largest first. ``frame.attrs['npv_base']`` holds the point ``npv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``input, label, dist, base, low, high, npv_low, npv_high, swing``.
    """
    uncertain = [j for j, inp in enumerate(model.inputs) if inp.uncertain]
    base = model.base
    theta = np.tile(base, (2 * len(uncertain) + 1, 1))
    ends = []
    for k, j in enumerate(uncertain):
        low, high = model.inputs[j].value.swing
        theta[1 + 2 * k, j], theta[2 + 2 * k, j] = low, high
        ends.append((float(low), float(high)))
    npv = npv_of(model, theta)
    frame = pd.DataFrame({
        "input": [model.inputs[j].name for j in uncertain],
        "label": [model.inputs[j].label for j in uncertain],
        "dist": [model.inputs[j].value.dist for j in uncertain],
        "base": [float(base[j]) for j in uncertain],
        "low": [lo for lo, _ in ends],
        "high": [hi for _, hi in ends],
        "npv_low": npv[1::2].astype(float) if uncertain else np.empty(0),
        "npv_high": npv[2::2].astype(float) if uncertain else np.empty(0),
    }, columns=TORNADO_COLUMNS[:-1])
    frame["swing"] = (frame["npv_high"] - frame["npv_low"]).abs().astype(float)
    frame = frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    frame.attrs["npv_base"] = float(npv[0])
    return frame


# -- break-even ----------------------------------------------------------------------------------------
#: Inputs that are shares (a fraction in [0, 1]), by the last part of their name.
SHARE_FIELDS = frozenset({"success", "attribution", "deadweight", "displacement", "drop_off", "optimism_bias"})
#: Points of the grid that brackets roots where ``npv`` is not linear in the input.
_GRID = 64


def input_range(model: Model, name: str) -> tuple[float, float, str]:
    """The range searched for a break-even of input ``name``, and where it comes from.

    An uncertain input: its distribution's support (its 5th-95th percentiles
    if the support is unbounded). A certain input: [0, 1] for a share and for
    the discount rate, else [0, 10 x its value] ([0, 1] if its value is 0).
    """
    j = model.input_index(name)
    inp = model.inputs[j]
    if inp.uncertain:
        low, high = inp.value.support()
        if math.isfinite(low) and math.isfinite(high):
            return float(low), float(high), f"support of its {inp.value.dist} distribution"
        low, high = inp.value.swing
        return float(low), float(high), f"5th to 95th percentile of its {inp.value.dist} distribution"
    if j == model.discount_col:
        return 0.0, 1.0, "discount rate from 0 % to 100 % (a certain input)"
    if inp.name.rsplit(".", 1)[-1] in SHARE_FIELDS:
        return 0.0, 1.0, "a share, from 0 to 1 (a certain input)"
    if inp.base > 0:
        return 0.0, 10.0 * inp.base, "0 to 10 x its value (a certain input)"
    return 0.0, 1.0, "0 to 1, as its value is 0 (a certain input)"


def _nonlinear_cols(model: Model) -> set[int]:
    cols = {model.discount_col}
    for line in model.lines:
        if line.cohort is not None and line.cohort[2] >= 0:
            cols.add(int(line.cohort[2]))
        if line.decay is not None:  # an effect per: year with its drop-off
            cols.add(int(line.decay[0]))
    return cols


def break_even(model: Model, name: str, *, low: float | None = None, high: float | None = None) -> dict:
    """The value of input ``name`` at which the societal ``npv`` is 0, every other input at base.

    Where ``npv`` is linear in the input (everything but the discount rate and
    drop-offs) the value is exact from two evaluations, at the ends of the
    range. Otherwise ``npv`` is evaluated on a grid over the range (one
    vectorised evaluation), and each sign change is refined by Brent's method.

    Parameters
    ----------
    name : str
        An input name (``Model.inputs[j].name``), e.g. ``effects.minder-bijstand.success``.
    low, high : float, optional
        Search this range instead of the default (see :func:`input_range`).

    Returns
    -------
    dict
        ``input, label, base, value`` (None when ``npv`` is not 0 anywhere in the
        range), ``roots`` (every value found), ``range``, ``range_basis``,
        ``linear``, ``method``, ``npv_base``, ``npv_at_low``, ``npv_at_high``,
        ``crossing_outside_range`` (linear inputs: where the line crosses 0 when
        that is outside the range) and ``note``.

    Raises
    ------
    MkbaError
        For an unknown input (naming the nearest), or an empty range.
    """
    j = model.input_index(name)
    inp = model.inputs[j]
    lo, hi, basis = input_range(model, name)
    if low is not None or high is not None:
        lo, hi = (lo if low is None else float(low)), (hi if high is None else float(high))
        basis = "given"
    if not lo < hi:
        raise MkbaError(f"break-even of {name!r}: expected a range low < high, got [{lo:g}, {hi:g}]")
    base = model.base

    def npv_at(xs) -> np.ndarray:
        theta = np.tile(base, (len(xs), 1))
        theta[:, j] = xs
        return npv_of(model, theta)

    linear = j not in _nonlinear_cols(model)
    npv_base, n_lo, n_hi = (float(v) for v in npv_at([base[j], lo, hi]))
    roots: list[float] = []
    outside = None
    if linear:
        method = "linear: exact from the npv at both ends of the range"
        if n_hi != n_lo:
            x = lo - n_lo * (hi - lo) / (n_hi - n_lo)
            if lo <= x <= hi:
                roots = [float(x)]
            else:
                outside = float(x)
        elif n_lo == 0:
            roots = [lo]
    else:
        method = f"not linear: sign changes on a {_GRID + 1}-point grid, refined by Brent's method"
        xs = np.linspace(lo, hi, _GRID + 1)
        ys = npv_at(xs)
        for i in range(_GRID + 1):
            if ys[i] == 0:
                roots.append(float(xs[i]))
            elif i < _GRID and ys[i] * ys[i + 1] < 0:
                roots.append(float(optimize.brentq(lambda v: float(npv_at([v])[0]), xs[i], xs[i + 1],
                                                   xtol=1e-14, rtol=4 * np.finfo(float).eps, maxiter=200)))
    value = min(roots, key=lambda r: abs(r - base[j])) if roots else None
    unit = f"{inp.name} = "
    if value is not None:
        note = f"npv = 0 at {unit}{value:.6g}" + (f" ({len(roots)} values in the range)" if len(roots) > 1 else "")
    elif linear and n_hi == n_lo:
        note = f"npv does not depend on {inp.name}"
    else:
        sign = "positive" if n_lo > 0 else "negative"
        note = f"npv stays {sign} over the range [{lo:.6g}, {hi:.6g}]" + (
            f"; it would be 0 at {outside:.6g}, outside the range" if outside is not None else "")
    return {
        "input": inp.name, "label": inp.label, "base": float(base[j]), "value": value, "roots": roots,
        "range": [lo, hi], "range_basis": basis, "linear": linear, "method": method,
        "npv_base": npv_base, "npv_at_low": n_lo, "npv_at_high": n_hi,
        "crossing_outside_range": outside, "note": note,
    }


# -- display -----------------------------------------------------------------------------------------


def point_note(model: Model, lang: str = "nl") -> str | None:
    """The sentence saying the point result uses the means, or None without uncertain inputs."""
    n = sum(inp.uncertain for inp in model.inputs)
    return label("unc_point", lang).format(n=n) if n else None


def _num(x: float | None, euro: bool = False) -> str:
    if x is None or not np.isfinite(x):
        return "-"
    if euro:
        return f"€ {x:,.0f}"
    return f"{x:,.4g}" if abs(x) < 1000 else f"{x:,.0f}"


def render_analysis(console, result, analysis: dict) -> None:
    """Print the simulation, tornado and break-even of ``analysis`` with rich."""
    from rich.table import Table
    lang = result.lang
    note = point_note(result.model, lang)
    console.print(f"[dim]{note}[/dim]" if note else f"[dim]{label('unc_none_uncertain', lang)}[/dim]")
    sim = analysis.get("simulation")
    if sim is not None:
        table = Table(title=label("unc_simulation", lang).format(n=sim.n, seed=sim.seed), title_justify="left")
        table.add_column(label("unc_figure", lang))
        for col in [label("unc_mean", lang)] + [f"p{q}" for q in PERCENTILES]:
            table.add_column(col, justify="right")
        rows = [("npv", ("npv", None), True), ("pv_costs", ("pv_costs", None), True),
                ("pv_benefits", ("pv_benefits", None), True), ("bcr", ("bcr", None), False),
                ("fiscal", ("fiscal_npv", None), True)]
        rows += [(f"  {k}", ("stakeholder_npv", i), True) for i, k in enumerate(sim.stakeholders)]
        for key, which, euro in rows:
            s = sim.stats(*which)
            name = key if key.startswith("  ") else label(key, lang)
            table.add_row(name, _num(s["mean"], euro), *(_num(s[f"p{q}"], euro) for q in PERCENTILES))
        console.print(table)
        console.print(f"{label('unc_p_negative', lang)}: [bold]{sim.p_npv_negative:.1%}[/bold]")
    frame = analysis.get("tornado")
    if frame is not None:
        table = Table(title=label("unc_tornado", lang), title_justify="left")
        table.add_column(label("unc_input", lang))
        for key in ("low", "high", "npv_low", "npv_high", "swing"):
            table.add_column(label(f"unc_{key}", lang), justify="right")
        for row in frame.head(20).itertuples():
            table.add_row(f"{row.label} [dim]({row.input})[/dim]", _num(row.low), _num(row.high),
                          _num(row.npv_low, True), _num(row.npv_high, True), _num(row.swing, True))
        console.print(table)
        if len(frame) > 20:
            console.print(f"[dim]... {len(frame) - 20} more[/dim]")
    found = analysis.get("break_even")
    if found is not None:
        for be in ([found] if isinstance(found, dict) else found):
            lo, hi = be["range"]
            console.print(f"{label('unc_break_even', lang)} [bold]{be['input']}[/bold]: {be['note']} "
                          f"[dim]({label('unc_range', lang)} [{lo:.6g}, {hi:.6g}]: {be['range_basis']}; "
                          f"{be['method']})[/dim]")
