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


def xirr(flows: np.ndarray, times: np.ndarray, *, tol: float = 1e-11, max_iter: int = 100) -> np.ndarray:
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
    used = np.flatnonzero((f != 0).any(axis=0))  # columns without any flow change nothing
    if not used.size:
        return out
    f, tau = f[:, used], tau[used]
    nz = f != 0
    first = f[np.arange(N), np.argmax(nz, axis=1)]
    last = f[np.arange(N), f.shape[1] - 1 - np.argmax(nz[:, ::-1], axis=1)]
    idx = np.flatnonzero(first * last < 0)
    if not idx.size:
        return out
    f = f[idx] if idx.size < N else f
    out[idx] = _solve(f / np.abs(f).max(axis=1, keepdims=True), tau, tol, max_iter)
    return out


def _solve(f: np.ndarray, tau: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    """``x = ln(1 + r)`` of each row by bracketed Newton, from a first guess by the flows' mean times.

    The first guess treats the flows as one outflow and one inflow at their flow-weighted mean times
    (exact for two flows), so that a few Newton steps reach ``tol``; a step leaving the bracket is
    replaced by bisection.
    """
    # sums along the short axis of (N, T) as matrix products: far faster than .sum(axis=1) for small T
    one_tau = np.column_stack([np.ones_like(tau), tau])
    pos, neg = np.clip(f, 0, None) @ one_tau, np.clip(-f, 0, None) @ one_tau
    sp, sn = pos[:, 0], neg[:, 0]
    span = pos[:, 1] / sp - neg[:, 1] / sn
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(np.abs(span) > 1e-9, np.log(sp / sn) / span, np.log1p(0.1))
    lo = np.full(len(f), _LO)
    hi = np.full(len(f), _HI)
    x = np.clip(np.nan_to_num(x, nan=np.log1p(0.1)), _LO + 1e-9, _HI - 1e-9)
    sign_lo = np.sign(f @ np.exp(-_LO * tau))
    active = np.arange(len(f))
    fa, xa, la, ha, sa = f, x, lo, hi, sign_lo
    for _ in range(max_iter):
        gd = (fa * np.exp(np.multiply.outer(-xa, tau))) @ one_tau
        g, dg = gd[:, 0], -gd[:, 1]
        below = np.sign(g) == sa
        la = np.where(below, xa, la)
        ha = np.where(below, ha, xa)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = xa - g / dg
        bad = ~np.isfinite(step) | (step <= la) | (step >= ha)
        step = np.where(bad, 0.5 * (la + ha), step)
        flat = np.abs(g) < 1e-14  # the flows are scaled to at most 1: the NPV is zero to rounding
        done = (np.abs(step - xa) < tol) | flat
        xa = np.where(flat, xa, step)
        x[active] = xa
        if done.all():
            break
        if done.any():  # keep working on the rows still moving
            keep = ~done
            active, fa, xa, la, ha, sa = active[keep], fa[keep], xa[keep], la[keep], ha[keep], sa[keep]
    return np.expm1(x)
