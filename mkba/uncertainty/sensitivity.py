"""Sensitivity: one-way swings (tornado) and break-even values of the inputs (docs/method.md, section 6).

* :func:`tornado` swings each uncertain input to its low and high (the rest at
  base) and gives the ``npv`` at both ends, sorted by swing;
* :func:`break_even` finds the value of one input at which ``npv`` is 0 (exact
  from two evaluations where ``npv`` is linear in it, root finding otherwise),
  over the range of :func:`input_range`.

Both evaluate through ``Model.evaluate`` and ``figures`` (:func:`npv_of`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from mkba.engine.figures import figures
from mkba.engine.model import Model
from mkba.errors import MkbaError
from mkba.scenario.distributions import _Dist


# -- evaluation -----------------------------------------------------------------------------------
def npv_of(model: Model, theta: np.ndarray) -> np.ndarray:
    """The societal ``npv`` of each row of ``theta`` through ``Model.evaluate`` and ``figures``."""

    return figures(model, model.evaluate(theta), with_irr=False).npv


# -- one-way sensitivity ------------------------------------------------------------------------------
TORNADO_COLUMNS = ["input", "label", "dist", "base", "low", "high", "npv_low", "npv_high", "swing"]


def tornado(model: Model, *, lang: str = "nl") -> pd.DataFrame:
    """One-way sensitivity: each uncertain input at its low and its high, every other input at base.

    Low and high are a distribution's ends (``triangular``, ``pert``,
    ``uniform``, and a price item's range) or its 5th and 95th percentiles
    (``normal``, ``beta``). ``swing`` is ``|npv_high - npv_low|``; rows are sorted
    by swing, largest first. ``frame.attrs['npv_base']`` holds the point ``npv``.

    Parameters
    ----------
    model : Model
        The compiled scenario.
    lang : {'nl', 'en'}
        The language of the ``label`` column (Dutch by default).

    Returns
    -------
    pandas.DataFrame
        Columns ``input, label, dist, base, low, high, npv_low, npv_high, swing``.
    """
    dists = [(j, inp.value) for j, inp in enumerate(model.inputs) if isinstance(inp.value, _Dist)]
    uncertain = [j for j, _ in dists]
    base = model.base
    theta = np.tile(base, (2 * len(uncertain) + 1, 1))
    ends = []
    for k, (j, dist) in enumerate(dists):
        low, high = dist.swing
        theta[1 + 2 * k, j], theta[2 + 2 * k, j] = low, high
        ends.append((float(low), float(high)))
    npv = npv_of(model, theta)
    frame = pd.DataFrame(
        {
            "input": [model.inputs[j].name for j in uncertain],
            "label": [model.inputs[j].label_in(lang) for j in uncertain],
            "dist": [dist.dist for _, dist in dists],
            "base": [float(base[j]) for j in uncertain],
            "low": [lo for lo, _ in ends],
            "high": [hi for _, hi in ends],
            "npv_low": npv[1::2].astype(float) if uncertain else np.empty(0),
            "npv_high": npv[2::2].astype(float) if uncertain else np.empty(0),
        },
        columns=TORNADO_COLUMNS[:-1],
    )
    frame["swing"] = (frame["npv_high"] - frame["npv_low"]).abs().astype(float)
    frame = frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    frame.attrs["npv_base"] = float(npv[0])
    return frame


# -- break-even ----------------------------------------------------------------------------------------
#: Inputs that are shares (a fraction in [0, 1]), by the last part of their name.
SHARE_FIELDS = frozenset(
    {"success", "attribution", "deadweight", "displacement", "drop_off", "optimism_bias"}
)
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
    if isinstance(inp.value, _Dist):
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


def break_even(
    model: Model, name: str, *, low: float | None = None, high: float | None = None, lang: str = "nl"
) -> dict:
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
    lang : {'nl', 'en'}
        The language of ``label`` (Dutch by default).

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

    def npv_at(xs: npt.ArrayLike) -> np.ndarray:
        theta = np.tile(base, (np.size(xs), 1))
        theta[:, j] = xs
        return npv_of(model, theta)

    linear = j not in _nonlinear_cols(model)
    npv_base, n_lo, n_hi = (float(v) for v in npv_at([base[j], lo, hi]))
    outside = None
    if linear:
        method = "linear: exact from the npv at both ends of the range"
        roots, outside = _linear_roots(lo, hi, n_lo, n_hi)
    else:
        method = f"not linear: sign changes on a {_GRID + 1}-point grid, refined by Brent's method"
        roots = _grid_roots(npv_at, lo, hi)
    value = min(roots, key=lambda r: abs(r - base[j])) if roots else None
    if value is not None:
        note = f"npv = 0 at {inp.name} = {value:.6g}" + (
            f" ({len(roots)} values in the range)" if len(roots) > 1 else ""
        )
    elif linear and n_hi == n_lo:
        note = f"npv does not depend on {inp.name}"
    else:
        sign = "positive" if n_lo > 0 else "negative"
        note = f"npv stays {sign} over the range [{lo:.6g}, {hi:.6g}]" + (
            f"; it would be 0 at {outside:.6g}, outside the range" if outside is not None else ""
        )
    return {
        "input": inp.name,
        "label": inp.label_in(lang),
        "base": float(base[j]),
        "value": value,
        "roots": roots,
        "range": [lo, hi],
        "range_basis": basis,
        "linear": linear,
        "method": method,
        "npv_base": npv_base,
        "npv_at_low": n_lo,
        "npv_at_high": n_hi,
        "crossing_outside_range": outside,
        "note": note,
    }


def _linear_roots(lo: float, hi: float, n_lo: float, n_hi: float) -> tuple[list[float], float | None]:
    """Where the line through ``(lo, n_lo)`` and ``(hi, n_hi)`` is 0: in the range, or outside it."""
    if n_hi != n_lo:
        x = lo - n_lo * (hi - lo) / (n_hi - n_lo)
        return ([float(x)], None) if lo <= x <= hi else ([], float(x))
    return ([lo] if n_lo == 0 else []), None


def _grid_roots(npv_at: Callable[[npt.ArrayLike], np.ndarray], lo: float, hi: float) -> list[float]:
    """Every zero of ``npv_at`` on ``[lo, hi]``: a grid finds the sign changes, Brent's method refines each."""
    from scipy import optimize  # here, not at the top: scipy takes a while to import

    roots: list[float] = []
    xs = np.linspace(lo, hi, _GRID + 1)
    ys = npv_at(xs)
    for i in range(_GRID + 1):
        if ys[i] == 0:
            roots.append(float(xs[i]))
        elif i < _GRID and ys[i] * ys[i + 1] < 0:
            root = optimize.brentq(
                lambda v: float(npv_at([v])[0]),
                xs[i],
                xs[i + 1],
                xtol=1e-14,
                rtol=4 * np.finfo(float).eps,
                maxiter=200,
            )
            roots.append(float(root))
    return roots
