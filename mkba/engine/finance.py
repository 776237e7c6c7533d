"""Vectorised present value and internal rate of return.

Both work on rows of a 2-D array (one cash-flow series per row, one column per
year) and treat the first column as undiscounted, as ``numpy_financial.npv``
does and docs/method.md, section 2 requires (Excel's ``NPV`` discounts its first
value; the Excel export corrects for that).
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np
import numpy.typing as npt

from mkba.errors import MkbaError

#: What :func:`npv` and :func:`irr` return: a scalar for one series (1-D input), an array for rows.
FloatOrArray = np.float64 | npt.NDArray[np.float64]

#: Why :func:`irr` gave no rate, per row.
NO_SIGN_CHANGE = "no sign change"
SEVERAL_ROOTS = "several roots"
SEVERAL_SIGN_CHANGES = "several roots possible: the net flows change sign more than once"


def npv(rate: npt.ArrayLike, cashflows: npt.ArrayLike) -> FloatOrArray:
    """Present value of each row of ``cashflows`` at ``rate``.

    ``sum_t cashflows[t] * (1 + rate) ** -t``: the first column is not discounted, as the
    base year is not (docs/method.md, section 2) and as ``numpy_financial.npv`` does (Excel's
    ``NPV`` discounts its first value).

    Parameters
    ----------
    rate : float or array_like
        Discount rate per period (a fraction per year: 0.0225 is 2.25 %), a scalar or one per row.
    cashflows : array_like, shape (n_periods,) or (n_rows, n_periods)
        Cash flows in euro, one column per year; column ``t`` is discounted by ``(1 + rate) ** -t``.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        Present value in euro: a scalar for 1-D input, else one per row.

    Raises
    ------
    MkbaError
        For a rate of -1 (-100 %) or below, or NaN.

    Examples
    --------
    >>> import mkba
    >>> round(float(mkba.npv(0.0225, [-100, 50, 60])), 4)  # euro
    6.2882
    >>> mkba.npv([0.0, 0.05], [[-100, 50, 60], [-100, 50, 60]]).round(4).tolist()  # one rate per row
    [10.0, 2.0408]
    """
    flows = np.asarray(cashflows, dtype=np.float64)
    rate = np.asarray(rate, dtype=np.float64)
    if not (rate > -1).all():  # also NaN: (1 + rate) ** -t has no meaning at -100 % and below
        raise MkbaError(
            f"expected a rate above -1 (-100 %), got {float(rate[~(rate > -1)].flat[0])!r}", field="rate"
        )
    t = np.arange(flows.shape[-1], dtype=np.float64)
    factors = (1.0 + rate[..., None]) ** -t
    total: FloatOrArray = (flows * factors).sum(axis=-1)
    return total


def sign_changes(cashflows: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Number of sign changes in each row, zeros ignored."""
    flows = np.atleast_2d(np.asarray(cashflows, dtype=np.float64))
    return _sign_changes_cols(np.ascontiguousarray(flows.T))


def _sign_changes_cols(cols: np.ndarray) -> npt.NDArray[np.int64]:
    """:func:`sign_changes` of each column of ``cols`` (one period per row, one series per column)."""
    n_periods, n_series = cols.shape
    count = np.zeros(n_series, dtype=np.int64)
    if n_periods < 2:
        return count
    if cols.all():  # no zeros (the usual case): count where the sign flips
        negative = cols < 0
        for t in range(1, n_periods):
            count += negative[t] != negative[t - 1]
        return count
    signs = np.sign(cols)
    carried = signs[0].copy()  # the last nonzero sign so far, so that zeros do not break a run
    for t in range(1, n_periods):
        count += (signs[t] * carried) < 0
        np.copyto(carried, signs[t], where=signs[t] != 0)
    return count


@overload
def irr(
    cashflows: npt.ArrayLike,
    *,
    return_reason: Literal[False] = False,
    tol: float = 1e-13,
    max_iter: int = 200,
) -> FloatOrArray: ...


@overload
def irr(
    cashflows: npt.ArrayLike, *, return_reason: Literal[True], tol: float = 1e-13, max_iter: int = 200
) -> tuple[FloatOrArray, str | npt.NDArray[np.object_]]: ...


def irr(
    cashflows: npt.ArrayLike, *, return_reason: bool = False, tol: float = 1e-13, max_iter: int = 200
) -> FloatOrArray | tuple[FloatOrArray, str | npt.NDArray[np.object_]]:
    """Internal rate of return of each row: the rate at which its :func:`npv` is zero.

    A row whose flows change sign once has exactly one rate above -1 (Descartes'
    rule of signs); it is found for all such rows at once by Newton's method in
    ``x = 1 / (1 + rate)``, started from a closed-form approximation, with a
    bracketed fallback for any row where Newton does not settle. A row with
    several sign changes gets a rate only when exactly one real rate above -1
    exists; a row with no sign change has none.

    Parameters
    ----------
    cashflows : array_like, shape (n_periods,) or (n_rows, n_periods)
        Cash flows in euro, first column undiscounted.
    return_reason : bool
        Also return, per row, why there is no rate (``''`` where there is one).
    tol : float
        Convergence: iteration stops once a Newton step moves ``x`` by at most
        ``tol`` relative (the error left after that step is of order ``tol ** 2``).

    max_iter : int
        Most iterations per row.

    Returns
    -------
    numpy.float64 or numpy.ndarray
        The rate per period (a fraction per year: 0.05 is 5 %); NaN where there is none. A scalar
        for 1-D input, else one per row.
    reason : str or numpy.ndarray
        With ``return_reason=True``: ``''``, ``'no sign change'`` or ``'several roots'`` (as in
        docs/method.md, section 5), one per row.

    Examples
    --------
    >>> import mkba
    >>> round(float(mkba.irr([-100, 50, 60])), 6)  # a rate per year
    0.063941
    >>> round(float(mkba.npv(0.063941, [-100, 50, 60])), 3)  # euro: zero at that rate
    0.0
    >>> rates, reasons = mkba.irr([[-100, 50, 60], [100, 100, 100], [-100, 230, -132]], return_reason=True)
    >>> rates.round(4).tolist()
    [0.0639, nan, nan]
    >>> reasons.tolist()  # the last row is 0 at both 10 % and 20 %
    ['', 'no sign change', 'several roots']
    """
    flows = np.asarray(cashflows, dtype=np.float64)
    one_d = flows.ndim == 1
    flows = np.atleast_2d(flows)
    cols = np.ascontiguousarray(flows.T)  # one period per row: column-wise steps are contiguous
    changes = _sign_changes_cols(cols)
    single = changes == 1
    if single.all():
        rate = _irr_one_change_cols(cols, tol, max_iter)
    else:
        rate = np.full(flows.shape[0], np.nan)
        rows = np.flatnonzero(single)
        if rows.size:
            rate[rows] = _irr_one_change_cols(cols[:, rows], tol, max_iter)
    several = np.flatnonzero(changes > 1)
    if several.size:
        rate[several], several_reason = _irr_by_roots(flows[several])
    if return_reason:
        reason = np.full(flows.shape[0], "", dtype=object)
        reason[changes == 0] = NO_SIGN_CHANGE
        if several.size:
            reason[several] = several_reason
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


#: Series per block of the Newton iteration (its work arrays stay in the CPU cache).
_BLOCK = 16384
#: Newton steps before a series that has not settled goes to the bracketed method.
_NEWTON_STEPS = 40


def _irr_one_change_cols(cols: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    """IRR of each column of ``cols`` (periods x series), each with exactly one sign change."""
    n_series = cols.shape[1]
    x = np.full(n_series, np.nan)
    steps = min(max_iter, _NEWTON_STEPS)
    if cols[0].all():
        for s in range(0, n_series, _BLOCK):
            x[s : s + _BLOCK] = _newton_block(cols[:, s : s + _BLOCK], tol, steps)
    else:
        # leading zeros would give Newton a root at x = 0: drop them (the roots x > 0 stay),
        # one group of series per number of leading zeros
        first = (cols != 0).argmax(axis=0)
        for f in np.unique(first):
            idx = np.flatnonzero(first == f)
            for s in range(0, idx.size, _BLOCK):
                x[idx[s : s + _BLOCK]] = _newton_block(cols[f:, idx[s : s + _BLOCK]], tol, steps)
    rest = np.flatnonzero(np.isnan(x))
    if rest.size:
        x[rest] = _bracketed(np.ascontiguousarray(cols[:, rest].T), tol, max_iter)
    with np.errstate(divide="ignore", over="ignore"):
        return 1.0 / x - 1.0


def _newton_block(cols: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    """Root ``x > 0`` of ``sum_t cols[t] * x ** t`` per column by Newton's method; NaN if unsettled.

    Each column has one sign change and a nonzero first flow. Newton starts from a
    closed-form approximation: with the signs flipped so that the flows before the
    change are positive, let ``a`` be their sum and ``ta`` their mean time, and ``b``,
    ``tb`` the same for the (negated) flows after it; seen as one lump each, the
    present value is zero where ``a * x ** ta = b * x ** tb``, that is at
    ``x0 = (a / b) ** (1 / (tb - ta))`` (within about 1 % for typical investment
    flows). Rows that do not settle within ``max_iter`` steps come back as NaN.

    Every operation is per column (sums run in a fixed order, no matrix products)
    and a settled column is frozen, so a column's rate is bit for bit the same
    whatever other columns share its block.
    """
    n_periods, m = cols.shape
    c = cols * np.sign(cols[0])  # positive before the sign change, negative after it
    a, a_t, total, total_t = np.zeros(m), np.zeros(m), np.zeros(m), np.zeros(m)
    scratch = np.empty(m)
    for t in range(n_periods):
        early = np.maximum(c[t], 0.0)
        a += early
        total += c[t]
        if t:
            a_t += np.multiply(early, float(t), out=scratch)
            total_t += np.multiply(c[t], float(t), out=scratch)
    with np.errstate(all="ignore"):
        b, b_t = a - total, a_t - total_t  # the late part, made positive
        x = (a / b) ** (1.0 / (b_t / b - a_t / a))
    x[~(np.isfinite(x) & (x > 0))] = 1.0
    result = np.full(m, np.nan)
    active = np.arange(m)
    frozen = None  # columns settled since the last compression: their step is set to 0
    value, deriv, step, limit = np.empty(m), np.empty(m), np.empty(m), np.empty(m)
    with np.errstate(all="ignore"):
        for _ in range(max_iter):
            k = x.size
            if value.size != k:
                value, deriv, step, limit = value[:k], deriv[:k], step[:k], limit[:k]
            np.copyto(value, c[-1])
            np.copyto(deriv, c[-1])
            for j in range(n_periods - 2, 0, -1):  # Horner: value and derivative at once
                value *= x
                value += c[j]
                deriv *= x
                deriv += value
            value *= x
            value += c[0]
            np.divide(value, deriv, out=step)
            if frozen is not None:
                np.copyto(step, 0.0, where=frozen)
            x -= step
            np.abs(step, out=step)
            np.multiply(x, tol, out=limit)
            done = step <= limit  # False for NaN, and for x <= 0 (never the root)
            n_done = np.count_nonzero(done)
            if n_done == k:
                result[active] = x
                return result
            if 2 * n_done >= k:  # compress only now and then, not every step
                result[active[done]] = x[done]
                keep = ~done
                active, x, c = active[keep], x[keep], c[:, keep]
                frozen = None
            elif n_done:
                frozen = done
    return result


def _bracketed(flows: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    """Root ``x > 0`` per row by Newton kept inside a shrinking bracket (slow, sure)."""
    # In x = 1 / (1 + r) the present value is a polynomial with one positive root.
    n_rows, n_cols = flows.shape
    nonzero = flows != 0
    first = nonzero.argmax(axis=1)
    last = n_cols - 1 - nonzero[:, ::-1].argmax(axis=1)
    # shift each row so its first nonzero flow is the constant term (roots x > 0 unchanged)
    cols = np.arange(n_cols) + first[:, None]
    coef = np.where(cols < n_cols, np.take_along_axis(flows, np.minimum(cols, n_cols - 1), axis=1), 0.0)
    lead = np.take_along_axis(flows, last[:, None], axis=1)[:, 0]
    with np.errstate(over="ignore"):  # a tiny last flow: a huge bound, and a root near r = -1
        bound = 1.0 + np.max(np.abs(coef) / np.abs(lead)[:, None], axis=1)  # Cauchy bound on the root
    lo = np.zeros(n_rows)
    hi = bound
    sign_lo = np.sign(coef[:, 0])
    x = np.clip(np.full(n_rows, 1 / 1.1), lo, hi)
    active = np.arange(n_rows)
    for _ in range(max_iter):
        xa, la, ha = x[active], lo[active], hi[active]
        with np.errstate(over="ignore", invalid="ignore"):  # a root near r = -1 has a huge x
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
    return x


def _irr_by_roots(flows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with several sign changes: all roots at once from stacked companion matrices."""
    with np.errstate(all="ignore"):  # flows of wildly different sizes give roots near 0 or infinity
        return _irr_by_roots_quiet(flows)


def _irr_by_roots_quiet(flows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rates = np.full(flows.shape[0], np.nan)
    reasons = np.full(flows.shape[0], SEVERAL_ROOTS, dtype=object)
    full = flows[:, -1] != 0
    for rows, roots_of in (
        (np.flatnonzero(full), _roots_stacked),
        (np.flatnonzero(~full), _roots_one_by_one),
    ):
        if rows.size == 0:
            continue
        for r, roots in zip(rows, roots_of(flows, rows)):
            if roots is None:
                reasons[r] = "not computed: the flows span too many orders of magnitude"
                continue
            tol = 1e-10 * np.maximum(1.0, np.abs(roots.real))
            real = np.unique(np.round(roots[(np.abs(roots.imag) <= tol) & (roots.real > 0)].real, 12))
            if real.size == 1:
                rates[r], reasons[r] = 1.0 / real[0] - 1.0, ""
            elif real.size == 0:
                reasons[r] = "no root"
    return rates, reasons


def _roots_one_by_one(flows: np.ndarray, rows: np.ndarray) -> list[np.ndarray | None]:
    """Roots in x of the given rows, one row at a time (rows whose last flow is zero: rare)."""
    return [_positive_roots_one(flows[r]) for r in rows]


def _roots_stacked(flows: np.ndarray, rows: np.ndarray) -> list[np.ndarray | None]:
    """Roots in x of the given rows (each with a nonzero last flow) from stacked companion matrices."""
    coef = flows[rows]
    n = coef.shape[1] - 1
    companion = np.zeros((rows.size, n, n))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        companion[:, 0, :] = -coef[:, -2::-1] / coef[:, -1:]
    companion[:, np.arange(1, n), np.arange(n - 1)] = 1.0
    finite = np.isfinite(companion[:, 0, :]).all(axis=1)
    roots_list: list[np.ndarray | None] = [None] * rows.size
    if finite.any():
        for i, roots in zip(np.flatnonzero(finite), np.linalg.eigvals(companion[finite])):
            roots_list[i] = roots
    for i in np.flatnonzero(~finite):  # a last flow tiny next to the others
        roots_list[i] = _positive_roots_one(flows[rows[i]])
    return roots_list


def _positive_roots_one(row: np.ndarray) -> np.ndarray | None:
    """Roots in x of one row's polynomial (None if its coefficients span too many orders of magnitude).

    When dividing by the last flow overflows, the roots are found in ``y = 1 / x`` instead, dividing
    by the first flow.
    """
    coef = np.trim_zeros(row)  # zeros at the start only add roots x = 0; at the end they lower the degree
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        try:
            return np.roots(coef[::-1])
        except np.linalg.LinAlgError:
            pass
        try:
            return 1.0 / np.roots(coef)  # in y = 1 / x the first flow is the highest power
        except np.linalg.LinAlgError:
            return None
