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
    return xirr_cols(
        np.ascontiguousarray(np.asarray(flows, dtype=np.float64).T), times, tol=tol, max_iter=max_iter
    )


def xirr_cols(cols: np.ndarray, times: np.ndarray, *, tol: float = 1e-11, max_iter: int = 100) -> np.ndarray:
    """:func:`xirr` of flows laid out one date per row: ``cols`` (T, N), each column a series.

    The layout the payout engine keeps its money in; every step is a contiguous operation on one
    date's flows. Same parameters and result as :func:`xirr` (``cols`` is its ``flows.T``).

    Examples
    --------
    >>> float(xirr_cols(np.array([[-100.0], [110.0]]), np.array([0.0, 1.0]))[0])  # doctest: +ELLIPSIS
    0.1000000000...
    """
    c = np.asarray(cols, dtype=np.float64)
    tau = np.asarray(times, dtype=np.float64) - float(times[0])
    N = c.shape[1]
    out = np.full(N, np.nan)
    used = np.flatnonzero(c.any(axis=1))  # dates without any flow change nothing
    if not used.size:
        return out
    if used.size < c.shape[0]:
        rows: slice | np.ndarray = used
        if used[-1] - used[0] + 1 == used.size:  # one run of dates: a view, not a copy
            rows = slice(int(used[0]), int(used[-1]) + 1)
        c, tau = c[rows], tau[rows]
    for a in range(0, N, _BLOCK):  # a block's work arrays stay in the CPU cache
        out[a : a + _BLOCK] = _xirr_block(c[:, a : a + _BLOCK], tau, tol, max_iter)
    return out


#: Series solved at once: each date's work array of a block (64 KiB) stays in the CPU cache.
_BLOCK = 8192


def _xirr_block(c: np.ndarray, tau: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    """:func:`xirr_cols` of a block of series, on the dates where some series has a flow."""
    out = np.full(c.shape[1], np.nan)
    first, last = c[0].copy(), c[-1].copy()
    for k in range(1, c.shape[0]):  # the first and the last non-zero flow of each series
        np.copyto(first, c[k], where=first == 0)
        np.copyto(last, c[-1 - k], where=last == 0)
    ok = first * last < 0
    if not ok.any():
        return out
    if not ok.all():
        c = c[:, ok]
    scale = np.abs(c[0])
    for row in c[1:]:
        np.maximum(scale, np.abs(row), out=scale)
    out[ok] = _halley(c / scale, tau, tol, max_iter)
    return out


#: Halley steps before a row that has not settled goes to the bracketed Newton iteration (:func:`_solve`).
_HALLEY_STEPS = 8


def _first_guess(cols: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """``x = ln(1 + r)`` treating the flows as one outflow and one inflow at their flow-weighted mean times."""
    sp, tp, sn, tn = (np.zeros(cols.shape[1]) for _ in range(4))
    pos, neg = np.empty(cols.shape[1]), np.empty(cols.shape[1])
    for row, t in zip(cols, tau.tolist()):  # date by date, in order: the same for any block of series
        np.maximum(row, 0.0, out=pos)
        np.subtract(pos, row, out=neg)
        sp += pos
        sn += neg
        tp += pos * t
        tn += neg * t
    with np.errstate(divide="ignore", invalid="ignore"):
        span = tp / sp - tn / sn
        x = np.where(np.abs(span) > 1e-9, np.log(sp / sn) / span, np.log1p(0.1))
    return np.clip(np.nan_to_num(x, nan=np.log1p(0.1)), _LO + 1e-9, _HI - 1e-9)


def _halley(cols: np.ndarray, tau: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    """The rate of each series (a column of ``cols``, (T, N)) by Halley's method on ``x = ln(1 + r)``.

    From :func:`_first_guess` (exact for two flows, within a few per cent for typical investment
    flows) Halley's method converges cubically: three or four evaluations of the present value and its
    first two derivatives reach ``tol``. Each evaluation loops over the (few) payment dates with one
    contiguous array operation per step, never over rows. A series is frozen at the step that settles
    it (and dropped from the arrays once half of them have settled), so that its rate is bit for bit the
    same whatever other series share its block. A series that has not settled after
    :data:`_HALLEY_STEPS` steps, or left the bracket, goes to the bracketed Newton iteration
    (:func:`_solve`), as does nothing else.
    """
    x = _first_guess(cols, tau)
    N = len(x)
    zero = tau == 0
    base = cols[zero].sum(axis=0) if zero.any() else np.zeros(N)
    later = np.flatnonzero(~zero)
    flows, times = cols[later], tau[later].tolist()  # (K, N): the dates after the first
    result = np.full(N, np.nan)
    settled = np.zeros(N, dtype=bool)
    active = np.arange(N)
    frozen: np.ndarray | None = None  # settled since the last compression: their step is 0
    with np.errstate(all="ignore"):
        for _ in range(_HALLEY_STEPS):
            g, g1, g2 = _npv_and_slopes(flows, times, x, base)
            step = g * g1 / (g1 * g1 - 0.5 * g * g2)
            # the NPV is zero to rounding: relative to the flow at the first date, which no rate discounts
            # (against 1, the largest flow, a rate of 3,000 a year stopped 1e-9 short of its root)
            step[np.abs(g) < 1e-14 * np.abs(base)] = 0.0
            if frozen is not None:
                step[frozen] = 0.0
            x -= step
            done = np.abs(step) < tol
            n_done = np.count_nonzero(done)
            if n_done == x.size:
                result[active], settled[active] = x, True
                break
            if 2 * n_done >= x.size:  # compress only now and then
                result[active[done]], settled[active[done]] = x[done], True
                keep = ~done
                active, x, flows, base = active[keep], x[keep], flows[:, keep], base[keep]
                frozen = None
            elif n_done:
                frozen = done
    bad = ~(settled & np.isfinite(result) & (result > _LO) & (result < _HI))
    # a series Halley's method carried far out of the bracket (-100 now and 1,000,000 four days later:
    # a rate of 10 ** 400) has an x that exp overflows; it is solved again below, so it is not raised
    rate = np.expm1(np.where(bad, 0.0, result))
    if bad.any():
        rate[bad] = _solve(np.ascontiguousarray(cols[:, bad].T), tau, tol, max_iter)
    return rate


def _npv_and_slopes(
    flows: np.ndarray, times: list[float], x: np.ndarray, base: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The present value at ``x = ln(1 + r)`` of each series and its first two derivatives in ``x``.

    ``base`` is the sum of the flows at time 0; ``flows`` (K, N) those at ``times`` (K) after it.
    """
    g, g1, g2, e = base.copy(), np.zeros(x.size), np.zeros(x.size), np.empty(x.size)
    for fk, tk in zip(flows, times):
        np.multiply(x, -tk, out=e)
        np.exp(e, out=e)
        e *= fk  # f_k (1 + r) ** -t_k
        g += e
        e *= tk
        g1 -= e  # d/dx
        e *= tk
        g2 += e  # d2/dx2
    return g, g1, g2


def _solve(f: np.ndarray, tau: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    """``x = ln(1 + r)`` of each row by bracketed Newton, from a first guess by the flows' mean times.

    The first guess treats the flows as one outflow and one inflow at their flow-weighted mean times
    (exact for two flows), so that a few Newton steps reach ``tol``; a step leaving the bracket is
    replaced by bisection. A row whose present value has the same sign at both ends of the bracket
    gets NaN: it has no rate there (pyxirr's ``xirr`` gives None for such flows).
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
    # no sign change over the bracket (several sign changes in the flows, a root beyond -99.995 % or
    # above it): no rate there, rather than the bisection's end of the bracket
    none = sign_lo == np.sign(f @ np.exp(-_HI * tau))
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
    x[none] = np.nan
    return np.expm1(x)
