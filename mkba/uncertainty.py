"""Uncertainty: seeded draws of uncertain inputs, the same at any chunk size.

Draw ``i`` of input ``j`` is a pure function of ``(seed, i, j)``: uniforms come
from a counter-based generator (Philox) whose counter is set from the draw's
index, so a run split into chunks of any size, over any number of workers or
in any order, gives identical draws (METHOD.md section 6). Each distribution
turns its uniforms into draws by its quantile function.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from .distributions import _Dist

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
