"""The figures of docs/method.md, section 5 for every draw at once: present values, saldo, ratios, payback, IRR.

:func:`figures` turns the flows of a :class:`~mkba.engine.model.Model` evaluation (arrays over draws,
postings and years) into every figure of the method, per draw, per stakeholder and for the fiscal view.
Imports: :mod:`mkba.engine.model` and :mod:`mkba.engine.finance` only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mkba.engine import finance
from mkba.engine.model import Flows, Model


@dataclass
class Figures:
    """Every figure of docs/method.md, section 5 for ``D`` draws (arrays of shape (D,) or (D, K))."""

    pv_costs: np.ndarray
    pv_benefits: np.ndarray
    npv: np.ndarray
    bcr: np.ndarray
    net_return: np.ndarray
    payback_year: np.ndarray  # float, NaN for none
    irr: np.ndarray
    irr_reason: np.ndarray
    volunteer_value_pv: np.ndarray
    stakeholder_pv_costs: np.ndarray
    stakeholder_pv_benefits: np.ndarray
    stakeholder_npv: np.ndarray
    fiscal_pv_costs: np.ndarray
    fiscal_pv_benefits: np.ndarray
    fiscal_npv: np.ndarray
    net_flows: np.ndarray  # (D, Y) euro, undiscounted


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a tiny den: a huge ratio
        return np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)


def payback_years(cumulative: np.ndarray, years: np.ndarray) -> np.ndarray:
    """First year in which the cumulative discounted net flow is >= 0 (docs/method.md, section 5).

    That is the start year when it never dips below 0, and none (NaN) when it
    stays below 0 in every year.

    Parameters
    ----------
    cumulative : ndarray (D, Y)
        Cumulative discounted net flow per draw and year, euro.
    years : ndarray (Y,)
        The calendar years.
    """
    reached = cumulative >= 0
    first = np.argmax(reached, axis=1)
    return np.where(reached.any(axis=1), years[first], np.nan).astype(np.float64)


def _total(a: np.ndarray, axis: int) -> np.ndarray:
    """Sum along ``axis`` strictly in order, one slice at a time.

    ``ndarray.sum`` picks its summation order (pairwise, or slice by slice) by the array's shape,
    so one draw and many identical draws could differ in the last bit; this order never changes.
    """
    parts = np.moveaxis(a, axis, 0)  # a view: parts[i] is the slice i along ``axis``
    out = np.zeros(parts.shape[1:])
    for part in parts:
        out += part
    return out


def figures(model: Model, flows: Flows, *, with_irr: bool = True) -> Figures:
    """Every figure of docs/method.md, section 5 for every draw in ``flows`` (vectorised over draws).

    Present values discount each year's flow with ``(1 + r) ** -(y - base_year)`` (section 2);
    transfers count per stakeholder and in the fiscal view, not in the societal total (section 3).
    Every sum runs in a fixed order (:func:`_total`), so that a draw's figures are bit for bit the
    same whether it is evaluated alone or with others.

    Parameters
    ----------
    model : Model
        The compiled scenario (:func:`mkba.compile_scenario`).
    flows : Flows
        Its flows for ``D`` draws (:meth:`Model.evaluate`), euro per posting and year.
    with_irr : bool
        Also compute the IRR (a rate per year) of each draw's yearly net flows; without it
        ``irr`` is NaN with the reason ``not computed``.

    Returns
    -------
    Figures
        Arrays over draws, shape (D,), or (D, K) per stakeholder: ``pv_costs``,
        ``pv_benefits``, ``npv`` (euro of the model's price year, discounted to its base year),
        ``bcr`` and ``net_return`` (ratios, NaN where ``pv_costs`` is 0), ``payback_year`` (a
        calendar year, NaN for none), ``irr`` (a rate per year, a fraction; NaN with
        ``irr_reason`` where there is none), ``volunteer_value_pv`` (euro), per stakeholder and
        fiscal present values (euro) and ``net_flows`` (euro per year, undiscounted).

    Examples
    --------
    >>> import mkba
    >>> scenario = mkba.load_scenario("scenarios/tutorial.yaml")
    >>> model = mkba.compile_scenario(scenario, mkba.load_pricelist(scenario.pricelist))
    >>> figs = mkba.figures(model, model.evaluate())
    >>> round(float(figs.pv_costs[0])), round(float(figs.pv_benefits[0]))  # euro of 2024
    (555374, 95216)
    >>> round(float(figs.bcr[0]), 3)  # euro of benefits per euro of costs
    0.171
    >>> figs.irr_reason.tolist()  # the net flows are negative every year
    ['no sign change']
    """
    D, P, Y = flows.posted.shape
    by_year = np.ascontiguousarray(np.moveaxis(flows.posted, 2, 0))  # (Y, D, P): each year contiguous
    pv_pos, pv_neg, part = np.zeros((D, P)), np.zeros((D, P)), np.empty((D, P))
    for y in range(Y):  # present values per posting, year by year
        weight = flows.discount[:, y, None]
        pv_pos += np.multiply(np.maximum(by_year[y], 0.0, out=part), weight, out=part)
        pv_neg += np.multiply(np.minimum(by_year[y], 0.0, out=part), weight, out=part)
    real = ~model.posting_transfer
    pv_benefits = _total(pv_pos[:, real], 1)
    pv_costs = 0.0 - _total(pv_neg[:, real], 1)  # 0.0 - x: no negative zero
    npv = pv_benefits - pv_costs
    K = len(model.stakeholders)
    sk_benefits = np.zeros((pv_pos.shape[0], K))
    sk_costs = np.zeros((pv_pos.shape[0], K))
    for k in range(K):
        mine = model.posting_stakeholder == k
        sk_benefits[:, k] = _total(pv_pos[:, mine], 1)
        sk_costs[:, k] = 0.0 - _total(pv_neg[:, mine], 1)  # 0.0 - x: no negative zero
    sk_npv = sk_benefits - sk_costs
    net_flows = _total(flows.posted, 1)  # (D, Y)
    cumulative = np.cumsum(net_flows * flows.discount, axis=1)
    if with_irr:
        # docs/method.md, section 5: the figure exists only when the yearly net flows change sign once
        changes = finance.sign_changes(net_flows)
        irr = np.full(len(npv), np.nan)
        reason = np.where(changes == 0, finance.NO_SIGN_CHANGE, finance.SEVERAL_SIGN_CHANGES).astype(object)
        once = changes == 1
        if once.any():
            irr[once] = finance.irr(net_flows[once])
            reason[once] = ""
    else:
        irr, reason = np.full(len(npv), np.nan), np.full(len(npv), "not computed", dtype=object)
    volunteer = _total(_total(flows.gross[:, model.volunteer_lines, :] * flows.discount[:, None, :], 2), 1)
    fiscal_b = _total(sk_benefits[:, model.public], 1)
    fiscal_c = _total(sk_costs[:, model.public], 1)
    return Figures(
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        npv=npv,
        bcr=_ratio(pv_benefits, pv_costs),
        net_return=_ratio(npv, pv_costs),
        payback_year=payback_years(cumulative, model.years),
        irr=irr,
        irr_reason=reason,
        volunteer_value_pv=volunteer,
        stakeholder_pv_costs=sk_costs,
        stakeholder_pv_benefits=sk_benefits,
        stakeholder_npv=sk_npv,
        fiscal_pv_costs=fiscal_c,
        fiscal_pv_benefits=fiscal_b,
        fiscal_npv=fiscal_b - fiscal_c,
        net_flows=net_flows,
    )
