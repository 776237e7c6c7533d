"""The SIB payout engine on arrays: whole cents, outcome rules, the waterfall, the schedule.

What lives here: pure vectorised functions over ``D`` draws (no Python loop over draws),
in whole euro cents (int64), called by :meth:`mkba.sib.model.SibModel.run`, following
docs/method.md, section 7 (the money, step by step, in docs/sib.md):

1. :func:`rule_cents`: each rule's payment, rounded half away from zero
   (:func:`round_half_away`), its caps applied after rounding;
   :func:`allocate` spreads an outcome's payment over its measurement years;
2. :func:`waterfall`: year by year the cap on total outcome payments, the
   provider's share, principal by seniority, then return pro rata to the
   investment up to each investor's return cap, what goes beyond it, and the
   floor (in the last payment year, topped up by ``max_loss_paid_by``);
3. :class:`Schedule`: the resulting money, with investor cash flows, IRR
   (:func:`mkba.engine.finance.irr`, vectorised) and multiple, and the payer's
   payments against the costs it avoids.

Units: money arrays named ``*_cents`` are int64 euro cents; everything else
is in euro (float64) unless its name says otherwise; years are calendar years.

Imports: numpy, :mod:`mkba.errors`, :mod:`mkba.engine.finance` and the contract's models
(:mod:`mkba.scenario.contract`); nothing else of :mod:`mkba.sib`, and never
:mod:`mkba.result`, :mod:`mkba.report` or :mod:`mkba.cli`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from mkba.engine import finance
from mkba.errors import MkbaError
from mkba.scenario.contract import MAX_EURO, Linear, RateCard, Rule, SibContract, Threshold

#: Stand-in for "no cap", in cents (EUR 10 trillion: far above any contract; sums of thousands stay far below
#: int64 overflow). It is also the largest payment the engine holds: see :func:`round_half_away`.
NO_CAP = np.int64(MAX_EURO * 100)

#: Where :func:`round_half_away` stops: one cent beyond NO_CAP, so that "more than the engine holds" stays
#: visible after any cap (every cap is at most NO_CAP) and never wraps around to a negative int64.
_BEYOND = float(NO_CAP) + 1.0


def round_half_away(cents: ArrayLike) -> np.ndarray:
    """Amounts in cents (float) to whole cents (int64), rounded half away from zero.

    A relative tolerance of 1e-15 (about 4 ulp) on the half keeps binary noise
    (0.285 * 100 = 28.499999999999996) from deciding the rounding. Amounts
    beyond :data:`NO_CAP` become ``NO_CAP + 1`` (with their sign) instead of
    overflowing int64: a cap applied afterwards still holds, and
    :meth:`mkba.sib.model.SibModel.run` refuses payments that stay beyond ``NO_CAP``.

    Parameters
    ----------
    cents : array_like of float
        Amounts in euro cents, any shape.

    Returns
    -------
    ndarray of int64
        Whole euro cents, the same shape.

    Raises
    ------
    MkbaError
        If an amount is NaN.

    Examples
    --------
    >>> round_half_away([2.5, -2.5, 0.285 * 100]).tolist()
    [3, -3, 29]
    """
    c = np.asarray(cents, dtype=np.float64)
    if np.isnan(c).any():
        raise MkbaError("expected an amount, got NaN (not a number)")
    a = np.floor(np.minimum(np.abs(c), _BEYOND) * (1.0 + 1e-15) + 0.5)
    return np.copysign(np.minimum(a, _BEYOND), c).astype(np.int64)


def round_cents(euros: ArrayLike) -> np.ndarray:
    """Euro amounts to whole cents (int64), rounded half away from zero (see :func:`round_half_away`).

    Parameters
    ----------
    euros : array_like of float
        Amounts in euro, any shape.

    Returns
    -------
    ndarray of int64
        Whole euro cents, the same shape.

    Examples
    --------
    >>> round_cents([0.285, 1.005, -0.125]).tolist()
    [29, 101, -13]
    """
    return round_half_away(np.asarray(euros, dtype=np.float64) * 100.0)


def cap_cents(euros: float | None) -> np.int64:
    """A cap in euro as whole cents, rounded down so that it is never exceeded.

    Parameters
    ----------
    euros : float or None
        The cap in euro; None for no cap.

    Returns
    -------
    numpy.int64
        The cap in euro cents, at most :data:`NO_CAP` (also for None).

    Examples
    --------
    >>> int(cap_cents(1234.567))
    123456
    >>> bool(cap_cents(None) == NO_CAP)
    True
    """
    if euros is None:
        return NO_CAP
    return np.int64(min(math.floor(round(euros * 100.0, 6)), int(NO_CAP)))


def floor_cents(euros: float) -> np.int64:
    """A floor in euro as whole cents, rounded up so that it always holds.

    Parameters
    ----------
    euros : float
        The floor in euro.

    Returns
    -------
    numpy.int64
        The floor in euro cents.

    Examples
    --------
    >>> int(floor_cents(1234.561))
    123457
    """
    return np.int64(math.ceil(round(euros * 100.0, 6)))


def _split(
    pool: np.ndarray, need: list[np.ndarray], weights: Sequence, order: Iterable[int]
) -> tuple[list[np.ndarray], np.ndarray]:
    """Share what ``pool`` (D,) cents can give over parties that each ``need`` (D,) cents at most.

    Pro rata to ``weights`` (one array or number per party), rounded down to
    the cent and never above a party's need; what is left (leftover cents, and
    what capped parties could not take) goes to the parties in ``order``
    (seniority) up to their need.

    Returns
    -------
    (list of ndarray, ndarray)
        What each party gets (cents), and what is left of ``pool``.
    """
    total_need = need[0] if len(need) == 1 else sum(need)
    take = np.minimum(pool, total_need)
    if len(need) == 1:
        return [take], pool - take
    total_w = sum(weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        give = [
            np.minimum(np.floor(take * np.where(total_w > 0, w / total_w, 0.0)).astype(np.int64), n)
            for w, n in zip(weights, need)
        ]
    rest = take - sum(give)
    for j in order:
        add = np.minimum(rest, need[j] - give[j])
        give[j] = give[j] + add
        rest = rest - add
    return give, pool - take


def rule_cents(rule: Rule, level: np.ndarray, count: np.ndarray, value: np.ndarray) -> np.ndarray:
    """One rule's payment per draw, whole cents, its caps applied after rounding.

    Parameters
    ----------
    rule : RateCard, Linear, Threshold or Bands
        The payment rule (its prices, amounts and caps in euro).
    level : ndarray (D,)
        The outcome level of each draw, in the outcome's unit.
    count : ndarray (D,)
        Participants counted (rate card): all participants, or the successes in participant mode.
    value : ndarray (D,)
        Outcome units per participant counted (rate card).

    Returns
    -------
    ndarray (D,) of int64
        The rule's payment in euro cents.

    Examples
    --------
    >>> from mkba.scenario.contract import RateCard
    >>> rule = RateCard(type="rate_card", price=20, cap=3000)
    >>> rule_cents(rule, np.array([100.0]), np.array([1.0]), np.array([100.0])).tolist()
    [200000]
    >>> rule_cents(rule, np.array([200.0]), np.array([1.0]), np.array([200.0])).tolist()
    [300000]
    """
    if isinstance(rule, RateCard):
        each = rule.price * value
        if rule.per_participant_cap is not None:
            each = np.minimum(each, rule.per_participant_cap)
        cents = round_cents(each * count)
        if rule.per_participant_cap is not None:
            cents = np.minimum(
                cents,
                np.floor(np.minimum(np.round(rule.per_participant_cap * 100 * count, 6), _BEYOND)).astype(
                    np.int64
                ),
            )
    elif isinstance(rule, Linear):
        top = np.inf if rule.up_to is None else rule.up_to - rule.threshold
        cents = round_cents(rule.price * np.clip(level - rule.threshold, 0.0, top))
    elif isinstance(rule, Threshold):
        reached = level >= rule.level - 1e-12 * max(1.0, abs(rule.level))
        cents = np.where(reached, round_cents(rule.amount), 0).astype(np.int64)
    else:  # Bands
        cents = round_cents(piecewise_linear(level, rule.points))
    cap = getattr(rule, "cap", None)
    return cents if cap is None else np.minimum(cents, cap_cents(cap))


def piecewise_linear(level: ArrayLike, points: Sequence[tuple[float, float]]) -> np.ndarray:
    """The schedule through ``points`` [(outcome, euro), ...] at ``level``, flat beyond its ends.

    Interpolates as ``y0 + (y1 - y0) * ((x - x0) / (x1 - x0))``: the fraction lies in [0, 1], so
    points very close together never overflow a slope (``numpy.interp`` computes the slope first).

    Parameters
    ----------
    level : array_like of float
        Outcome levels, any shape.
    points : sequence of (float, float)
        ``(level, euro)`` pairs, increasing in level.

    Returns
    -------
    ndarray of float64
        Euro at each level (not yet rounded to cents).

    Examples
    --------
    >>> piecewise_linear([0.0, 15.0, 50.0], [(10.0, 0.0), (20.0, 1000.0)]).tolist()
    [0.0, 500.0, 1000.0]
    """
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    level = np.asarray(level, dtype=np.float64)
    right = np.clip(np.searchsorted(xs, level, side="right"), 1, len(xs) - 1)
    x0, x1, y0, y1 = xs[right - 1], xs[right], ys[right - 1], ys[right]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.clip(np.where(x1 > x0, (level - x0) / (x1 - x0), 1.0), 0.0, 1.0)
    return y0 + (y1 - y0) * fraction


def allocate(total: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Spread ``total`` cents (D,) over years by ``shares`` (Y,); rows add up to ``total`` exactly.

    Each year gets the rounded cumulative amount minus what earlier years got,
    so that rounding never adds or loses a cent.

    Parameters
    ----------
    total : ndarray (D,) of int64
        Each draw's payment, euro cents.
    shares : ndarray (Y,) of float
        The share paid in each year (fractions adding up to 1).

    Returns
    -------
    ndarray (D, Y) of int64
        Euro cents per draw and year.

    Examples
    --------
    >>> allocate(np.array([100, 101]), np.array([0.35, 0.0, 0.65])).tolist()
    [[35, 0, 65], [35, 0, 66]]
    """
    out = np.zeros((len(total), len(shares)), dtype=np.int64)
    paid = np.flatnonzero(shares > 0)
    before = np.zeros(len(total), dtype=np.int64)
    cum = 0.0
    for k, t in enumerate(paid):
        cum += shares[t]
        upto = total if k == len(paid) - 1 else round_half_away(total * cum)
        out[:, t] = upto - before
        before = upto
    return out


def waterfall(
    c: SibContract,
    due: np.ndarray,
    inv: np.ndarray,
    years: np.ndarray,
    tiers: list[list[int]],
    order: list[int],
    guarantor_is_payer: bool,
) -> dict[str, np.ndarray]:
    """Year by year: contract cap, provider share, principal by seniority, capped return, floor.

    Follows docs/method.md, section 7 (the money, in docs/sib.md). Works on one 1-D array
    (over draws) per investor, so that every step is a contiguous array operation.

    Parameters
    ----------
    c : SibContract
        The contract: its cap on outcome payments, the provider's share, the return cap and the floor.
    due : ndarray (D, Y)
        Outcome payments due per year, before the contract cap (int64 euro cents).
    inv : ndarray (I, Y)
        Investments (int64 euro cents).
    years : ndarray (Y,)
        The calendar years of the columns.
    tiers : list of list of int
        Investors by seniority tier, most senior first.
    order : list of int
        Investors, most senior first.
    guarantor_is_payer : bool
        Whether the outcome payer tops investors up to the floor.

    Returns
    -------
    dict of str to ndarray
        The :class:`Schedule` fields from ``due_cents`` to ``payer_cents`` (int64 euro cents).
    """
    D, Y = due.shape
    I = len(c.investors)
    weights = list(inv.sum(axis=1).astype(np.float64))
    r = c.max_return
    share = c.provider.share_of_payments if c.provider else 0.0
    zero = np.zeros(D, dtype=np.int64)
    headroom = [np.zeros(D) for _ in range(I)]
    outstanding = [zero.copy() for _ in range(I)]
    prev = [zero] * I
    cap_left = np.full(D, cap_cents(c.max_outcome_payment), dtype=np.int64)
    received = np.zeros((I, Y, D), dtype=np.int64)
    paid = np.zeros((Y, D), dtype=np.int64)
    provider = np.zeros((Y, D), dtype=np.int64)
    excess = np.zeros((Y, D), dtype=np.int64)
    due_t = np.ascontiguousarray(due.T)
    no_cap = [np.full(D, NO_CAP, dtype=np.int64)] * I
    for t in range(Y):
        outstanding = [o + inv[i, t] if inv[i, t] else o for i, o in enumerate(outstanding)]
        if r is not None:  # a quiet year adds no investment: its headroom only grows
            headroom = [(h - p) * (1.0 + r) + inv[i, t] for i, (h, p) in enumerate(zip(headroom, prev))]
        if not (due_t[t].any() or inv[:, t].any()):
            prev = [zero] * I
            continue
        room = _room(headroom) if r is not None else no_cap
        pay = np.minimum(due_t[t], cap_left)
        prov = round_half_away(pay * share) if share else zero
        pool = pay - prov if share else pay
        got, pool = _to_investors(pool, outstanding, room, tiers, weights, order, r is not None)
        excess[t] = pool
        if c.beyond_max_return == "provider":
            prov = prov + pool
            paid[t] = pay
        else:
            paid[t] = pay - pool
        provider[t] = prov
        for i in range(I):
            received[i, t] = got[i]
        cap_left = cap_left - paid[t]
        prev = got
    guarantee = _floor_top_up(c, received, years)
    payer = paid + (guarantee.sum(axis=0) if guarantor_is_payer else 0)
    return {
        "due_cents": due,
        "outcome_cents": paid.T,
        "provider_cents": provider.T,
        "excess_cents": excess.T,
        "received_cents": received.transpose(2, 0, 1),
        "guarantee_cents": guarantee.transpose(2, 0, 1),
        "payer_cents": payer.T,
    }


def _room(headroom: list[np.ndarray]) -> list[np.ndarray]:
    """What each investor can still receive under the return cap this year: whole cents, at most NO_CAP."""
    return [np.floor(np.minimum(h, float(NO_CAP))).astype(np.int64) for h in headroom]


def _to_investors(
    pool: np.ndarray,
    outstanding: list[np.ndarray],
    room: list[np.ndarray],
    tiers: list[list[int]],
    weights: list,
    order: list[int],
    capped: bool,
) -> tuple[list[np.ndarray], np.ndarray]:
    """One year's ``pool`` (D,) cents to the investors: principal by seniority, then return.

    Principal goes tier by tier, most senior first, pro rata to what is owed within a tier;
    the return is pro rata to the investment (``weights``), each investor up to its ``room``
    under the return cap. ``outstanding`` (principal still owed, cents) is lowered in place.

    Returns
    -------
    (list of ndarray, ndarray)
        What each investor gets (cents, (D,) each), and what is left of ``pool``.
    """
    got = [np.zeros(len(pool), dtype=np.int64)] * len(outstanding)
    for tier in tiers:
        need = [np.minimum(outstanding[i], room[i]) for i in tier]
        give, pool = _split(pool, need, need, range(len(tier)))
        for i, g in zip(tier, give):
            got[i] = got[i] + g
            outstanding[i] = outstanding[i] - g
    if capped or pool.any():
        need = [room[i] - got[i] for i in range(len(got))]
        give, pool = _split(pool, need, weights, order)
        got = [g + x for g, x in zip(got, give)]
    return got, pool


def _floor_top_up(c: SibContract, received: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The top-up to each investor's floor, paid in the last payment year (cents, shape (I, Y, D)).

    The floor is ``(1 - max_loss)`` x the investment, rounded up to the cent
    (:func:`floor_cents`); zero everywhere without ``max_loss``.
    """
    guarantee = np.zeros_like(received)
    if c.max_loss is None:
        return guarantee
    settle = int(np.searchsorted(years, c.last_payment_year))
    for i, investor in enumerate(c.investors):
        floor = floor_cents((1 - c.max_loss) * investor.amount)
        guarantee[i, settle] = np.maximum(floor - received[i].sum(axis=0), 0)
    return guarantee


@dataclass
class Schedule:
    """The contract's money for ``D`` outcome sets (one row per draw), see :meth:`mkba.sib.model.SibModel.run`.

    Attributes
    ----------
    years : ndarray (Y,)
        Calendar years.
    levels : ndarray (D, O)
        Outcome levels (in each outcome's unit).
    rule_cents : ndarray (D, O)
        Each outcome's payment from its rules, before the contract cap (cents).
    due_cents : ndarray (D, Y)
        Outcome payments due per year, before the contract cap (cents).
    outcome_cents : ndarray (D, Y)
        Outcome payments the payer makes (after the cap; without what it keeps beyond the return cap).
    provider_cents : ndarray (D, Y)
        Paid to the provider out of outcome payments (its share, and the excess if it gets it).
    excess_cents : ndarray (D, Y)
        Beyond the investors' return cap (kept by the payer or paid to the provider).
    received_cents : ndarray (D, I, Y)
        Outcome payments each investor receives.
    guarantee_cents : ndarray (D, I, Y)
        Top-up to the floor, paid by ``max_loss_paid_by``.
    invest_cents : ndarray (I, Y)
        Investments.
    payer_cents : ndarray (D, Y)
        All the outcome payer pays: outcome payments plus the top-up if it guarantees the floor.
    savings : ndarray (D, Y)
        Costs the payer avoids (euro), from the effect lines the outcomes name.
    discount : ndarray (D or 1, Y)
        Discount factors.
    """

    years: np.ndarray
    levels: np.ndarray
    rule_cents: np.ndarray
    due_cents: np.ndarray
    outcome_cents: np.ndarray
    provider_cents: np.ndarray
    excess_cents: np.ndarray
    received_cents: np.ndarray
    guarantee_cents: np.ndarray
    invest_cents: np.ndarray
    payer_cents: np.ndarray
    savings: np.ndarray
    discount: np.ndarray

    # -- investors -------------------------------------------------------------------------------
    def investor_flows(self) -> np.ndarray:
        """Cash flows of each investor per year, euro, shape (D, I, Y): investments negative.

        Returns
        -------
        ndarray (D, I, Y) of float64
            Received plus floor top-up minus investment, euro.
        """
        return (self.received_cents + self.guarantee_cents - self.invest_cents[None]) / 100.0

    def investor_irr(self, combined: bool = True) -> np.ndarray:
        """IRR per draw of all investors together (D,), or of each investor (D, I).

        An investor that gets nothing back has an IRR of -1 (-100 %).

        Parameters
        ----------
        combined : bool
            All investors' flows together (default), or each investor's own.

        Returns
        -------
        ndarray (D,) or (D, I) of float64
            The rate per year (0.05 is 5 %); NaN where the flows have no rate.
        """
        if combined:
            flows = (
                self.received_cents.sum(axis=1)
                + self.guarantee_cents.sum(axis=1)
                - self.invest_cents.sum(axis=0)[None]
            ) / 100.0
        else:
            flows = self.investor_flows()
        shape = flows.shape[:-1]
        rows = flows.reshape(-1, flows.shape[-1])
        rate = finance.irr(rows)
        back = rows.clip(min=0).sum(axis=1)
        rate = np.where((back == 0) & (rows.min(axis=1) < 0), -1.0, rate)
        return rate.reshape(shape)

    def investor_multiple(self, combined: bool = True) -> np.ndarray:
        """What investors get back per euro invested, per draw (D,) or per investor (D, I).

        Parameters
        ----------
        combined : bool
            All investors together (default), or each on its own.

        Returns
        -------
        ndarray (D,) or (D, I) of float64
            Received plus floor top-up, divided by the investment (1.0 is the money back).
        """
        back = (self.received_cents + self.guarantee_cents).sum(axis=-1)
        put = self.invest_cents.sum(axis=-1)
        if combined:
            return back.sum(axis=1) / put.sum()
        return back / put[None]

    # -- payer -----------------------------------------------------------------------------------
    @property
    def payer_pv_payments(self) -> np.ndarray:
        """Present value of all the outcome payer pays (euro), per draw (D,)."""
        return (self.payer_cents / 100.0 * self.discount).sum(axis=1)

    @property
    def payer_pv_savings(self) -> np.ndarray:
        """Present value of the costs the payer avoids (euro), per draw (D,)."""
        return (self.savings * self.discount).sum(axis=1)

    @property
    def payer_net_savings(self) -> np.ndarray:
        """Present value of the costs the payer avoids minus all it pays (euro), per draw."""
        return self.payer_pv_savings - self.payer_pv_payments

    @property
    def outcome_payments_total(self) -> np.ndarray:
        """Outcome payments the payer makes over the contract (euro), per draw."""
        return self.outcome_cents.sum(axis=1) / 100.0
