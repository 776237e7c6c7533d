"""Vectorised present value and internal rate of return.

Both work on rows of a 2-D array (one cash-flow series per row, one column per
year) and treat the first column as undiscounted, as ``numpy_financial.npv``
does and METHOD.md section 2 requires (Excel's ``NPV`` discounts its first
value; the Excel export corrects for that).
"""

from __future__ import annotations

import numpy as np

#: Why :func:`irr` gave no rate, per row.
NO_SIGN_CHANGE = "no sign change"
SEVERAL_ROOTS = "several roots"


def npv(rate, cashflows) -> np.ndarray:
    """Present value of each row of ``cashflows`` at ``rate``.

    Parameters
    ----------
    rate : float or array_like
        Discount rate per period (fraction), a scalar or one per row.
    cashflows : array_like, shape (n_periods,) or (n_rows, n_periods)
        Cash flows in euro; column ``t`` is discounted by ``(1 + rate) ** -t``.

    Returns
    -------
    float or numpy.ndarray
        Present value in euro: a scalar for 1-D input, else one per row.
    """
    flows = np.asarray(cashflows, dtype=np.float64)
    rate = np.asarray(rate, dtype=np.float64)
    t = np.arange(flows.shape[-1], dtype=np.float64)
    factors = (1.0 + rate[..., None]) ** -t
    return (flows * factors).sum(axis=-1)


def sign_changes(cashflows) -> np.ndarray:
    """Number of sign changes in each row, zeros ignored."""
    flows = np.atleast_2d(np.asarray(cashflows, dtype=np.float64))
    signs = np.sign(flows)
    # carry the last nonzero sign forward so that zeros do not break a run
    idx = np.where(signs != 0, np.arange(signs.shape[1]), 0)
    np.maximum.accumulate(idx, axis=1, out=idx)
    carried = np.take_along_axis(signs, idx, axis=1)
    return ((carried[:, 1:] * carried[:, :-1]) < 0).sum(axis=1)


def irr(cashflows, *, return_reason: bool = False, tol: float = 1e-13, max_iter: int = 200):
    """Internal rate of return of each row: the rate at which its :func:`npv` is zero.

    A row whose flows change sign once has exactly one rate above -1 (Descartes'
    rule of signs); it is found for all such rows at once by a Newton iteration
    kept inside a shrinking bracket. A row with several sign changes gets a rate
    only when exactly one real rate above -1 exists; a row with no sign change
    has none.

    Parameters
    ----------
    cashflows : array_like, shape (n_periods,) or (n_rows, n_periods)
        Cash flows in euro, first column undiscounted.
    return_reason : bool
        Also return, per row, why there is no rate (``''`` where there is one).

    Returns
    -------
    float or numpy.ndarray
        The rate per period (fraction); NaN where there is none.
    """
    flows = np.asarray(cashflows, dtype=np.float64)
    one_d = flows.ndim == 1
    flows = np.atleast_2d(flows)
    rate = np.full(flows.shape[0], np.nan)
    reason = np.full(flows.shape[0], "", dtype=object)
    changes = sign_changes(flows)
    reason[changes == 0] = NO_SIGN_CHANGE
    single = np.flatnonzero(changes == 1)
    if single.size:
        rate[single] = _irr_one_change(flows[single], tol, max_iter)
    several = np.flatnonzero(changes > 1)
    if several.size:
        rate[several], reason[several] = _irr_by_roots(flows[several])
    if one_d:
        return (rate[0], reason[0]) if return_reason else rate[0]
    return (rate, reason) if return_reason else rate


def _horner(coef: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value and derivative of ``sum_t coef[:, t] * x ** t`` for each row."""
    value = coef[:, -1].copy()
    deriv = np.zeros_like(value)
    for t in range(coef.shape[1] - 2, -1, -1):
        deriv = deriv * x + value
        value = value * x + coef[:, t]
    return value, deriv


def _irr_one_change(flows: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    # In x = 1 / (1 + r) the present value is a polynomial with one positive root.
    n_rows, n_cols = flows.shape
    nonzero = flows != 0
    first = nonzero.argmax(axis=1)
    last = n_cols - 1 - nonzero[:, ::-1].argmax(axis=1)
    # shift each row so its first nonzero flow is the constant term (roots x > 0 unchanged)
    cols = np.arange(n_cols) + first[:, None]
    coef = np.where(cols < n_cols, np.take_along_axis(flows, np.minimum(cols, n_cols - 1), axis=1), 0.0)
    lead = np.take_along_axis(flows, last[:, None], axis=1)[:, 0]
    bound = 1.0 + np.max(np.abs(coef) / np.abs(lead)[:, None], axis=1)  # Cauchy bound on the root
    lo = np.zeros(n_rows)
    hi = bound
    sign_lo = np.sign(coef[:, 0])
    x = np.clip(np.full(n_rows, 1 / 1.1), lo, hi)
    active = np.arange(n_rows)
    for _ in range(max_iter):
        xa, la, ha = x[active], lo[active], hi[active]
        f, df = _horner(coef[active], xa)
        same = np.sign(f) == sign_lo[active]
        la = np.where(same, xa, la)
        ha = np.where(same, ha, xa)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = xa - f / df
        bad = ~np.isfinite(step) | (step < la) | (step > ha)
        new = np.where(bad, 0.5 * (la + ha), step)
        x[active], lo[active], hi[active] = new, la, ha
        done = (np.abs(new - xa) <= tol * np.maximum(np.abs(new), 1e-300)) | (f == 0)
        active = active[~done]
        if active.size == 0:
            break
    with np.errstate(divide="ignore"):
        return 1.0 / x - 1.0


def _irr_by_roots(flows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with several sign changes: all roots at once from stacked companion matrices."""
    rates = np.full(flows.shape[0], np.nan)
    reasons = np.full(flows.shape[0], SEVERAL_ROOTS, dtype=object)
    full = flows[:, -1] != 0
    for rows, trimmed in ((np.flatnonzero(full), None), (np.flatnonzero(~full), True)):
        if rows.size == 0:
            continue
        if trimmed:  # highest-degree coefficients of zero: one row at a time (rare)
            roots_list = [np.roots(np.trim_zeros(flows[r], "b")[::-1]) for r in rows]
        else:
            coef = flows[rows]
            n = coef.shape[1] - 1
            companion = np.zeros((rows.size, n, n))
            companion[:, 0, :] = -coef[:, -2::-1] / coef[:, -1:]
            companion[:, np.arange(1, n), np.arange(n - 1)] = 1.0
            roots_list = list(np.linalg.eigvals(companion))
        for r, roots in zip(rows, roots_list):
            tol = 1e-10 * np.maximum(1.0, np.abs(roots.real))
            real = np.unique(np.round(roots[(np.abs(roots.imag) <= tol) & (roots.real > 0)].real, 12))
            if real.size == 1:
                rates[r], reasons[r] = 1.0 / real[0] - 1.0, ""
            elif real.size == 0:
                reasons[r] = "no root"
    return rates, reasons
