"""Sampling: seeded, chunk-invariant draws of the uncertain inputs (docs/method.md, section 6).

Draw ``i`` of input ``j`` is a pure function of ``(seed, i, j)``: uniforms come
from a counter-based generator (Philox) whose counter is set from the draw's
index, so a run split into chunks of any size, over any number of workers or
in any order, gives identical draws (docs/method.md, section 6). Each distribution
turns its uniforms into draws by its quantile function (:func:`quantile`, fast
for beta shapes through an interpolation table); :func:`draw_inputs` gives the
draws of every input of a model. The Monte Carlo (:mod:`mkba.uncertainty.montecarlo`) and
the SIB simulation (:mod:`mkba.sib.simulation`) draw through this module.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np
from scipy import special

from mkba.engine.model import Model
from mkba.errors import MkbaError
from mkba.scenario.distributions import Beta, Pert, _Dist

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
    bit_gen = np.random.Philox(key=np.uint64(int(seed) % 2**64))  # a seed of any size: its low 64 bits
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
    bit_gen = np.random.Philox(key=np.uint64(int(seed) % 2**64))  # a seed of any size: its low 64 bits
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
    picked = np.asarray(dims, dtype=np.intp)
    words = words[:, : len(picked)] if np.array_equal(picked, np.arange(len(picked))) else words[:, picked]
    out = np.empty((len(dims), n))
    # the same arithmetic as uniforms(): ((w >> 11) as a double + 0.5) * 2 ** -53; transposed in
    # blocks of draws that stay in cache
    for lo in range(0, n, 4096):
        np.right_shift(words[lo : lo + 4096].T, np.uint64(11), out=out[:, lo : lo + 4096], casting="unsafe")
    out += 0.5
    out *= 1.0 / 9007199254740992.0
    return out


# -- fast quantiles of beta-shaped distributions ----------------------------------------------------
#: Nodes of the interpolation table of a beta quantile function (per half).
_TABLE_NODES = 2048
#: Largest relative error of a table against ``scipy.special.betaincinv`` before it is refused.
_TABLE_TOLERANCE = 1e-9
_LOG_HALF = math.log(0.5)
_Q_MIN = 2.0**-54  # the smallest uniform :func:`uniforms` gives


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
    theta = np.tile(model.base, (stop - start, 1))
    dists = [(j, inp.value) for j, inp in enumerate(model.inputs) if isinstance(inp.value, _Dist)]
    u = uniform_columns(seed, start, stop, len(dists), range(len(dists)))
    for k, (j, dist) in enumerate(dists):
        theta[:, j] = quantile(dist, u[k])
    return theta


def draws_asked(n: object, chunk_size: object) -> tuple[int, int]:
    """The number of draws and the chunk size a simulation is asked for, as whole numbers >= 1.

    One check for every simulation (:func:`mkba.uncertainty.montecarlo.monte_carlo`,
    :func:`mkba.uncertainty.paired.paired_npv`, :func:`mkba.sib.simulation.simulate_sib`): a
    whole number, also a numpy integer or a float without a fraction (``1e6``); never a fraction,
    a text or a bool.

    Parameters
    ----------
    n : int
        Number of draws.
    chunk_size : int
        Draws computed at once.

    Returns
    -------
    tuple of int
        ``(n, chunk_size)``.

    Raises
    ------
    MkbaError
        Naming ``n`` or ``chunk_size``.

    Examples
    --------
    >>> draws_asked(1e6, 50_000)
    (1000000, 50000)
    >>> draws_asked(2.5, 100)
    Traceback (most recent call last):
    ...
    mkba.errors.MkbaError: n: expected a whole number of draws >= 1, got 2.5
    """
    return _whole(n, "n", "a whole number of draws >= 1"), _whole(
        chunk_size, "chunk_size", "a chunk size >= 1"
    )


def _whole(value: object, field: str, expected: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise MkbaError(f"expected {expected}, got {value!r}", field=field)
    if not float(value).is_integer() or value < 1:
        raise MkbaError(f"expected {expected}, got {value!r}", field=field)
    return int(value) if isinstance(value, numbers.Integral) else int(float(value))


def check_draws_fit(n: int, numbers_per_draw: int) -> None:
    """Refuse a simulation whose results (``n`` draws x ``numbers_per_draw`` float64) cannot fit in memory.

    The results of every draw are kept (for percentiles); chunking bounds only the working memory.

    Raises
    ------
    MkbaError
        When the results would need more than half of this machine's memory.
    """
    import os

    need = float(n) * numbers_per_draw * 8
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not a POSIX system
        total = 16 * 2**30
    if need > total / 2:
        raise MkbaError(
            f"{n:,} draws would keep {need / 2**30:,.1f} GiB of results, more than half of this "
            f"machine's {total / 2**30:,.0f} GiB; expected at most "
            f"{int(total / 2 / (numbers_per_draw * 8)):,} draws",
            field="--simulate",
        )
