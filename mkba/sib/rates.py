"""Vectorised XIRR: the yearly rate of many cash-flow rows on the same dates at once (docs/method.md, section 7).

What lives here: :func:`xirr`, the rate ``r`` at which ``sum_k f_k (1 + r) ** -t_k = 0`` for each row of
flows ``f`` at times ``t_k`` in years (days / 365 from the first date, as pyxirr's ``xirr`` and Excel's
``XIRR``), solved by a bracketed Newton iteration on ``x = ln(1 + r)`` over all rows at once (no Python
loop over rows). Used by :meth:`mkba.sib.payout.Schedule.investor_irr` for contracts on dates.

Units: rates as fractions per year; times in years.

Imports: numpy only.
"""

from __future__ import annotations

import numpy as np

#: The bracket of ``x = ln(1 + r)``: r from -0.99995 to about 22,025 (-99.995 % to 2,202,500 % a year).
_LO, _HI = -10.0, 10.0


def xirr(flows: np.ndarray, times: np.ndarray, *, tol: float = 1e-12, max_iter: int = 100) -> np.ndarray:
    """The XIRR of each row of ``flows`` at ``times``: the yearly rate at which its NPV is zero.

    A row needs a first and a last non-zero flow of opposite signs (then the NPV changes sign between
    the bracket's ends and a root lies within); other rows get NaN. With several sign changes the root
    found is the one the bracketed Newton iteration reaches from 10 % a year.

    Parameters
    ----------
    flows : ndarray (N, T)
        Cash flows, any currency; negative is money put in.
    times : ndarray (T,)
        Their times in years from any origin (days / 365).
    tol : float
        Stop when ``ln(1 + r)`` moves less than this.
    max_iter : int
        Most iterations.

    Returns
    -------
    ndarray (N,)
        The rate per year (0.05 is 5 %), NaN where there is none.

    Examples
    --------
    >>> float(xirr(np.array([[-100.0, 110.0]]), np.array([0.0, 1.0]))[0])  # doctest: +ELLIPSIS
    0.1000000000...
    """
    f = np.asarray(flows, dtype=np.float64)
    tau = np.asarray(times, dtype=np.float64) - float(times[0])
    N = f.shape[0]
    out = np.full(N, np.nan)
    nz = f != 0
    has = nz.any(axis=1)
    first = f[np.arange(N), np.argmax(nz, axis=1)]
    last = f[np.arange(N), f.shape[1] - 1 - np.argmax(nz[:, ::-1], axis=1)]
    ok = has & (np.sign(first) * np.sign(last) < 0)
    idx = np.flatnonzero(ok)
    if not idx.size:
        return out
    f = f[idx]
    scale = np.abs(f).max(axis=1, keepdims=True)
    f = f / scale
    lo = np.full(len(idx), _LO)
    hi = np.full(len(idx), _HI)
    sign_lo = np.sign((f * np.exp(-_LO * tau)).sum(axis=1))
    x = np.full(len(idx), np.log1p(0.1))
    active = np.arange(len(idx))
    for _ in range(max_iter):
        fa, xa = f[active], x[active]
        e = np.exp(-xa[:, None] * tau)
        g = (fa * e).sum(axis=1)
        dg = -(fa * e * tau).sum(axis=1)
        below = np.sign(g) == sign_lo[active]
        lo[active] = np.where(below, xa, lo[active])
        hi[active] = np.where(below, hi[active], xa)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = xa - g / dg
        bad = ~np.isfinite(step) | (step <= lo[active]) | (step >= hi[active])
        step = np.where(bad, 0.5 * (lo[active] + hi[active]), step)
        done = (np.abs(step - xa) < tol) | (g == 0)
        x[active] = np.where(g == 0, xa, step)
        active = active[~done]
        if not active.size:
            break
    out[idx] = np.expm1(x)
    return out
