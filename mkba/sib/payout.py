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
from mkba.scenario.contract import MAX_EURO, Linear, RateCard, Rule, Threshold

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
    a = np.empty_like(c)
    if c.size and c.min() >= 0:  # no amount below zero (and no NaN: its minimum would be NaN)
        np.minimum(c, _BEYOND, out=a)
        a *= 1.0 + 1e-15
        a += 0.5
        np.floor(a, out=a)
        np.minimum(a, _BEYOND, out=a)
        return a.astype(np.int64)
    np.abs(c, out=a)
    np.minimum(a, _BEYOND, out=a)  # NaN stays NaN
    if math.isnan(a.sum()):  # every amount is at most _BEYOND: the sum is NaN only for a NaN
        raise MkbaError("expected an amount, got NaN (not a number)")
    a *= 1.0 + 1e-15
    a += 0.5
    np.floor(a, out=a)
    np.minimum(a, _BEYOND, out=a)
    np.copysign(a, c, out=a)
    return a.astype(np.int64)


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
    if len(need) == 1:
        take = np.minimum(pool, need[0])
        return [take], pool - take
    total_need = need[0] + need[1]
    for n in need[2:]:
        total_need += n
    take = np.minimum(pool, total_need)
    if all(isinstance(w, float) for w in weights):  # fixed weights (the investments): shares known
        total_w = sum(weights)
        give = []
        share_of: dict[float, np.ndarray] = {}  # equal shares computed once
        for w, n in zip(weights, need):
            share = w / total_w
            if share not in share_of:
                g = take * share
                np.floor(g, out=g)
                share_of[share] = g.astype(np.int64)
            give.append(np.minimum(share_of[share], n))
    else:
        total_w = sum(weights)
        with np.errstate(divide="ignore", invalid="ignore"):
            give = [
                np.minimum(np.floor(take * np.where(total_w > 0, w / total_w, 0.0)).astype(np.int64), n)
                for w, n in zip(weights, need)
            ]
    rest = take - give[0]
    for g in give[1:]:
        rest -= g
    order = list(order)
    for place, j in enumerate(order):
        add = need[j] - give[j]
        np.minimum(rest, add, out=add)
        give[j] += add
        if place + 1 < len(order):  # what is left after the last party is not used
            rest -= add
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


def allocate_rows(rows: np.ndarray, total: np.ndarray, shares: np.ndarray) -> None:
    """Add :func:`allocate` ``(total, shares)`` to ``rows`` (Y, D), laid out one year a row, in place.

    Examples
    --------
    >>> rows = np.zeros((3, 2), dtype=np.int64)
    >>> allocate_rows(rows, np.array([100, 101]), np.array([0.35, 0.0, 0.65]))
    >>> rows.T.tolist()
    [[35, 0, 65], [35, 0, 66]]
    """
    paid = np.flatnonzero(shares > 0)
    before: np.ndarray | None = None
    cum = 0.0
    for k, t in enumerate(paid):
        cum += shares[t]
        upto = total if k == len(paid) - 1 else round_half_away(total * cum)
        rows[t] += upto if before is None else upto - before
        before = upto


@dataclass(frozen=True)
class Terms:
    """The contract's terms the waterfall needs, compiled to cents and column indices (see :func:`waterfall`).

    Attributes
    ----------
    cap : numpy.int64
        Cap on the total of outcome payments, cents (:data:`NO_CAP` for none).
    provider_share : float
        Share of each outcome payment the provider takes first (a fraction).
    beyond_to_provider : bool
        Whether what lies beyond the return caps goes to the provider (else the payer keeps it).
    return_caps : list of float or None
        Each investor's return cap per year (a fraction; None: no cap).
    interest : list of float
        Each investor's interest per year on its principal outstanding (a fraction; 0 for none).
    dt : ndarray (P,)
        Years since the column before (0 for the first column).
    tiers : list of list of int
        Investor indices by seniority, most senior first.
    order : list of int
        Investor indices, most senior first.
    whole : tuple of (float, float, float) or None
        Shares for investors, provider and payer of each payment once investors are whole.
    settle : int
        The column floors and guarantees settle in.
    floors : list of numpy.int64 or None
        Each investor's floor in cents (None: no floor).
    guarantees : list of tuple (numpy.int64, list of int)
        Each guarantee's amount in force at settlement (cents) and the investors it covers, in order.
    weights : list of float
        Each investor's whole investment (cents): the return is shared pro rata to it.
    """

    cap: np.int64
    provider_share: float
    beyond_to_provider: bool
    return_caps: list[float | None]
    interest: list[float]
    dt: np.ndarray
    tiers: list[list[int]]
    order: list[int]
    whole: tuple[float, float, float] | None
    settle: int
    floors: list[np.int64 | None]
    guarantees: list[tuple[np.int64, list[int]]]
    weights: list[float]


def waterfall(t: Terms, due: np.ndarray, inv: np.ndarray) -> dict[str, np.ndarray]:
    """Period by period: contract cap, provider share, interest and principal by seniority, capped return.

    Then the floor and the guarantees at settlement. Follows docs/method.md, section 7 (the money, in
    docs/sib.md). Works on one 1-D array (over draws) per investor, so that every step is a contiguous
    array operation.

    Parameters
    ----------
    t : Terms
        The contract's terms (cents, shares, seniority, columns).
    due : ndarray (D, P)
        Outcome payments due per period, before the contract cap (int64 cents of the contract's currency).
    inv : ndarray (I, P)
        Investments drawn (int64 cents).

    Returns
    -------
    dict of str to ndarray
        The :class:`Schedule` fields from ``due_cents`` to ``payer_cents`` (int64 cents); ``payer_cents``
        holds the outcome payments made (the floor top-up is added by the caller when the payer pays it).
    """
    D, P = due.shape
    I = inv.shape[0]
    capped = any(r is not None for r in t.return_caps)
    zero = np.zeros(D, dtype=np.int64)
    st = _State(
        outstanding=[zero.copy() for _ in range(I)],
        accrued=[zero.copy() for _ in range(I)],
        headroom=[np.zeros(D) for _ in range(I)],
    )
    prev = [zero] * I
    cap_left = np.full(D, t.cap, dtype=np.int64)
    # every period's row is written below (zeros where nothing is paid): no zeroing pass first
    received = np.empty((I, P, D), dtype=np.int64)
    paid = np.empty((P, D), dtype=np.int64)
    provider = np.empty((P, D), dtype=np.int64)
    excess = np.empty((P, D), dtype=np.int64)
    kept = np.zeros((P, D), dtype=np.int64) if t.whole is not None else None
    due_t = np.ascontiguousarray(due.T)
    drawn_later = np.cumsum(inv[:, ::-1].sum(axis=0))[::-1]  # investment from each period on
    no_cap = np.full(D, NO_CAP, dtype=np.int64)
    for p in range(P):
        _accrue(st, t, p, inv[:, p], prev)
        if not due_t[p].any():  # nothing to pay (caps and what is owed are never below zero): all 0
            paid[p], provider[p], excess[p], received[:, p] = 0, 0, 0, 0
            prev = [zero] * I
            continue
        pay = np.minimum(due_t[p], cap_left)
        prov = round_half_away(pay * t.provider_share) if t.provider_share else zero
        pool = pay - prov if t.provider_share else pay  # never changed in place
        if I == 0:  # payment by results: the provider gets it all
            provider[p], paid[p], excess[p] = pay, pay, 0
            cap_left = cap_left - pay
            continue
        room = _room(st.headroom, t.return_caps, no_cap)
        later = p + 1 < P and bool(drawn_later[p + 1])
        got, pool, extra_prov, keep = _to_investors(pool, st, room, t, capped, later)
        excess[p] = pool
        if extra_prov is not None:
            prov = prov + extra_prov
        if keep is not None and kept is not None:
            kept[p] = keep
        if t.beyond_to_provider:
            prov = prov + pool
            paid[p] = pay if keep is None else pay - keep
        else:
            np.subtract(pay, pool, out=paid[p])
            if keep is not None:
                paid[p] -= keep
        provider[p] = prov
        for i in range(I):
            received[i, p] = got[i]
        cap_left -= paid[p]
        prev = got
    floor = _floor_top_up(t, received, inv)
    backstop = _guarantees(t, received, floor, inv)
    money = {
        "due_cents": due,
        "outcome_cents": paid.T,
        "provider_cents": provider.T,
        "excess_cents": excess.T,
        "received_cents": received.transpose(2, 0, 1),
        "guarantee_cents": floor.transpose(2, 0, 1),
        "backstop_cents": backstop,
    }
    if kept is not None:  # only with the contract's split once investors are whole
        money["kept_cents"] = kept.T
    return money


@dataclass
class _State:
    """What the waterfall carries from period to period, per investor (each (D,))."""

    outstanding: list[np.ndarray]  # principal still owed, cents
    accrued: list[np.ndarray]  # interest due and not yet paid, cents
    headroom: list[np.ndarray]  # what the return cap still lets the investor receive, cents (float)


def _accrue(st: _State, t: Terms, p: int, drawn: np.ndarray, prev: list[np.ndarray]) -> None:
    """Start of period ``p``: interest on the principal outstanding, new investment, the return caps' headroom."""
    dt = float(t.dt[p])
    for i in range(len(st.outstanding)):
        rate = t.interest[i]
        if rate and dt:
            st.accrued[i] = st.accrued[i] + round_half_away(st.outstanding[i] * ((1.0 + rate) ** dt - 1.0))
        if drawn[i]:
            st.outstanding[i] = st.outstanding[i] + drawn[i]
        r = t.return_caps[i]
        if r is not None:  # a quiet period adds no investment: its headroom only grows
            h = st.headroom[i] - prev[i]
            h *= (1.0 + r) ** dt
            if drawn[i]:
                h += drawn[i]
            st.headroom[i] = h


def _room(headroom: list[np.ndarray], caps: list[float | None], no_cap: np.ndarray) -> list[np.ndarray]:
    """What each investor can still receive under its return cap this period: whole cents, at most NO_CAP."""
    out = []
    for h, r in zip(headroom, caps):
        if r is None:
            out.append(no_cap)
            continue
        whole = np.minimum(h, float(NO_CAP))
        np.floor(whole, out=whole)
        out.append(whole.astype(np.int64))
    return out


def _to_investors(
    pool: np.ndarray, st: _State, room: list[np.ndarray], t: Terms, capped: bool, later: bool
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray | None, np.ndarray | None]:
    """One period's ``pool`` (D,) cents to the investors: interest and principal by seniority, then return.

    Tier by tier, most senior first: the interest accrued, then the principal (within a tier pro rata
    to what is owed). Once every investor is whole (and no investment is still to come, ``later``),
    ``t.whole`` splits what is left between investors, provider and payer. The return is pro rata to the
    investment, each investor up to its ``room`` under its return cap. ``st`` is updated in place.

    Returns
    -------
    (list of ndarray, ndarray, ndarray, ndarray)
        What each investor gets, what is left of ``pool`` (beyond the caps), the provider's part and
        the part the payer keeps under ``t.whole`` (cents, (D,) each; None without ``t.whole``).
    """
    I = len(st.outstanding)
    zero = np.zeros(len(pool), dtype=np.int64)
    got = [zero] * I
    for tier in t.tiers:
        for owed in (st.accrued, st.outstanding) if any(t.interest[i] for i in tier) else (st.outstanding,):
            need = [
                np.minimum(owed[i], room[i] - got[i]) if got[i] is not zero else np.minimum(owed[i], room[i])
                for i in tier
            ]
            give, pool = _split(pool, need, need, range(len(tier)))
            for i, g in zip(tier, give):
                got[i] = g if got[i] is zero else got[i] + g
                owed[i] = owed[i] - g
    to_prov: np.ndarray | None = None
    keep: np.ndarray | None = None
    if t.whole is not None and not later:
        whole = np.logical_and.reduce([(st.outstanding[i] == 0) & (st.accrued[i] == 0) for i in range(I)])
        part = np.where(whole, pool, 0)
        share_inv, share_prov, _ = t.whole
        for_inv = np.minimum(round_half_away(part * share_inv), part)
        to_prov = np.minimum(round_half_away(part * share_prov), part - for_inv)
        keep = part - for_inv - to_prov
        pool = pool - to_prov - keep
    if capped or pool.any():
        need = [room[i] - got[i] for i in range(I)]
        give, pool = _split(pool, need, t.weights, t.order)
        got = [x if g is zero else g + x for g, x in zip(got, give)]
    return got, pool, to_prov, keep


def _floor_top_up(t: Terms, received: np.ndarray, inv: np.ndarray) -> np.ndarray:
    """The top-up to each investor's floor, paid at settlement (cents, shape (I, P, D)).

    The floor is ``(1 - max_loss)`` x the investment drawn, rounded up to the cent
    (:func:`floor_cents`); zero everywhere without ``max_loss``.
    """
    top = np.zeros(received.shape, dtype=np.int64)
    for i, floor in enumerate(t.floors):
        if floor is not None:
            top[i, t.settle] = np.maximum(floor - received[i].sum(axis=0), 0)
    return top


def _guarantees(t: Terms, received: np.ndarray, floor: np.ndarray, inv: np.ndarray) -> np.ndarray:
    """What each guarantee pays each investor at settlement: its lost principal, up to the amount left.

    Returns
    -------
    ndarray (D, G, I) of int64
        Cents paid by guarantee ``g`` to investor ``i``; a guarantee pays its covered investors in
        order, each up to what it lost (investment drawn minus all it received and the floor top-up).
    """
    G, (I, _, D) = len(t.guarantees), received.shape
    out = np.zeros((D, G, I), dtype=np.int64)
    if not G:
        return out
    # the floor top-up is paid at settlement only
    lost = [np.maximum(inv[i].sum() - received[i].sum(axis=0) - floor[i, t.settle], 0) for i in range(I)]
    for g, (amount, covers) in enumerate(t.guarantees):
        left = np.full(D, amount, dtype=np.int64)
        for i in covers:
            pay = np.minimum(left, lost[i])
            out[:, g, i] = pay
            lost[i] = lost[i] - pay
            left = left - pay
    return out


@dataclass
class Schedule:
    """The contract's money for ``D`` outcome sets (one row per draw), see :meth:`mkba.sib.model.SibModel.run`.

    Money in ``*_cents`` arrays is int64 cents of the contract's currency; the payer's avoided costs
    are in euro (``fx`` euro per unit of the contract's currency converts its payments).

    Attributes
    ----------
    years : ndarray (P,)
        The calendar year of each period (column); one column per year of the horizon unless the
        contract names quarters, months or dates.
    levels : ndarray (D, O)
        Outcome levels (in each outcome's unit).
    rule_cents : ndarray (D, O)
        Each outcome's payment from its rules, after triggers, dependencies, person caps and netting,
        before the contract cap (cents).
    due_cents : ndarray (D, P)
        Outcome payments due per period, before the contract cap (cents).
    outcome_cents : ndarray (D, P)
        Outcome payments the payers make (after the cap; without what they keep).
    provider_cents : ndarray (D, P)
        Paid to the provider out of outcome payments.
    excess_cents : ndarray (D, P)
        Beyond the investors' return caps (kept by the payer or paid to the provider).
    received_cents : ndarray (D, I, P)
        Outcome payments each investor receives.
    guarantee_cents : ndarray (D, I, P)
        Top-up to the floor, paid by ``max_loss_paid_by``.
    invest_cents : ndarray (I, P)
        Investments drawn.
    payer_cents : ndarray (D, P)
        All the outcome payers pay together: outcome payments plus the floor top-up if one of them pays it.
    savings : ndarray (D, Y)
        Costs the payers avoid per year of the horizon (euro).
    discount : ndarray (D or 1, Y)
        Discount factors per year of the horizon.
    backstop_cents : ndarray (D, G, I)
        What each named guarantee pays each investor at settlement.
    kept_cents : ndarray (D, P), optional
        What the payers keep of the payments due once the investors are whole (the contract's
        ``whole`` split); None (nothing kept) without one.
    times : ndarray (P,)
        Years from the first column (whole years, or days / 365 for a dated contract).
    col_index : ndarray (P,)
        Each column's index in the horizon's years (for discounting).
    settle : int
        The column floors and guarantees settle in.
    fx : float
        Euro per unit of the contract's currency.
    dated : bool
        Whether the columns are dates (the IRR is then an XIRR on those dates).
    periods : list of str
        Each column's label (the year, or the date).
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
    backstop_cents: np.ndarray | None = None
    kept_cents: np.ndarray | None = None
    times: np.ndarray | None = None
    col_index: np.ndarray | None = None
    settle: int = -1
    fx: float = 1.0
    dated: bool = False
    periods: list[str] | None = None

    def __post_init__(self) -> None:
        P = self.due_cents.shape[1]
        D, I = self.received_cents.shape[:2]
        if self.backstop_cents is None:
            self.backstop_cents = np.zeros((D, 0, I), dtype=np.int64)
        if self.times is None:
            self.times = np.arange(P, dtype=np.float64)
        if self.col_index is None:
            self.col_index = np.arange(P)
        if self.periods is None:
            self.periods = [str(int(y)) for y in self.years]

    # -- investors -------------------------------------------------------------------------------
    @property
    def backstop(self) -> np.ndarray:
        """The named guarantees' payments as (D, I, P) cents, at the settlement column."""
        assert self.backstop_cents is not None
        out = np.zeros_like(self.received_cents)
        out[:, :, self.settle] = self.backstop_cents.sum(axis=1)
        return out

    def investor_cents(self) -> np.ndarray:
        """Everything each investor receives per period, (D, I, P) cents: payments, floor top-up, guarantees."""
        back = self.received_cents + self.guarantee_cents
        assert self.backstop_cents is not None
        if self.backstop_cents.shape[1]:
            back = back + self.backstop
        return back

    def _layout(self, a: np.ndarray) -> np.ndarray:
        """``a`` (D, I, P) as (I, P, D): the waterfall's own contiguous layout (a view, no copy)."""
        return a.transpose(1, 2, 0)

    def combined_cents(self) -> np.ndarray:
        """All investors' receipts per period together, (D, P) cents, summed in the waterfall's layout."""
        got = self._layout(self.received_cents).sum(axis=0)
        got[self.settle] += self.guarantee_cents[:, :, self.settle].sum(axis=1)  # floors settle then only
        assert self.backstop_cents is not None
        if self.backstop_cents.shape[1]:
            got[self.settle] += self.backstop_cents.sum(axis=(1, 2))
        return np.ascontiguousarray(got.T)

    def back_each_cents(self) -> np.ndarray:
        """What each investor gets back in all, (D, I) cents: payments, floor top-up and guarantees."""
        back = self._layout(self.received_cents).sum(axis=1).T + self.guarantee_cents[:, :, self.settle]
        assert self.backstop_cents is not None
        return back + self.backstop_cents.sum(axis=1)

    def investor_flows(self) -> np.ndarray:
        """Cash flows of each investor per period, shape (D, I, P): investments negative.

        Returns
        -------
        ndarray (D, I, P) of float64
            Received, floor top-up and guarantees minus investment, in units of the contract's currency.
        """
        return (self.investor_cents() - self.invest_cents[None]) / 100.0

    def investor_irr(self, combined: bool = True) -> np.ndarray:
        """IRR per draw of all investors together (D,), or of each investor (D, I).

        Annual columns: the IRR of the yearly flows (:func:`mkba.engine.finance.irr`); dated columns:
        the XIRR on the payment dates (days / 365, :func:`mkba.sib.rates.xirr`). An investor that gets
        nothing back has an IRR of -1 (-100 %).

        Parameters
        ----------
        combined : bool
            All investors' flows together (default), or each investor's own.

        Returns
        -------
        ndarray (D,) or (D, I) of float64
            The rate per year (0.05 is 5 %); NaN where the flows have no rate (or there are no investors).
        """
        if combined:
            return self._combined_irr()
        flows = self.investor_flows()
        shape = flows.shape[:-1]
        rows = flows.reshape(-1, flows.shape[-1])
        if self.dated:
            from mkba.sib.rates import xirr

            assert self.times is not None
            rate = xirr(rows, self.times)
        else:
            rate = np.asarray(finance.irr(rows), dtype=np.float64)
        back = rows.clip(min=0).sum(axis=1)
        rate = np.where((back == 0) & (rows.min(axis=1) < 0), -1.0, rate)
        return rate.reshape(shape)

    def _combined_irr(self) -> np.ndarray:
        """:meth:`investor_irr` of all investors together, on the flows in the waterfall's layout.

        The flows stay one period per row (P, D), as the waterfall computes them and as both rate
        solvers work: no transposed copy of the draws.
        """
        rec = self._layout(self.received_cents)  # (I, P, D)
        at_settle = self._layout(self.guarantee_cents)[:, self.settle].sum(axis=0)  # floors settle then only
        assert self.backstop_cents is not None
        if self.backstop_cents.shape[1]:
            at_settle += self.backstop_cents.sum(axis=(1, 2))
        put = self.invest_cents.sum(axis=0)[:, None]
        D = rec.shape[2]
        rate = np.empty(D)
        for a in range(0, D, _RATE_BLOCK):  # a block's flows stay in the CPU cache
            block = slice(a, a + _RATE_BLOCK)
            got = rec[:, :, block].sum(axis=0)  # (P, block)
            got[self.settle] += at_settle[block]
            got -= put
            cols = np.divide(got, 100.0)  # contract currency
            if self.dated:
                from mkba.sib.rates import xirr_cols

                assert self.times is not None
                rate[block] = xirr_cols(cols, self.times)
            else:  # finance.irr lays its rows out one period per row: cols.T is that already (no copy)
                rate[block] = finance.irr(cols.T)
            # nothing comes back (no period with money in) and something was put in: -100 %
            lost = (got < 0).any(axis=0)
            lost &= ~(got > 0).any(axis=0)
            rate[block][lost] = -1.0
        return rate

    def investor_multiple(self, combined: bool = True) -> np.ndarray:
        """What investors get back per unit invested, per draw (D,) or per investor (D, I).

        Parameters
        ----------
        combined : bool
            All investors together (default), or each on its own.

        Returns
        -------
        ndarray (D,) or (D, I) of float64
            Received, floor top-up and guarantees, divided by the investment (1.0 is the money back).
        """
        back = self.back_each_cents()
        put = self.invest_cents.sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            if combined:
                return back.sum(axis=1) / put.sum()
            return back / put[None]

    # -- payer -----------------------------------------------------------------------------------
    def _discount_cols(self) -> np.ndarray:
        """Discount factors per column (D or 1, P)."""
        return self.discount[:, self.col_index]

    @property
    def payer_pv_payments(self) -> np.ndarray:
        """Present value of all the outcome payers pay (euro), per draw (D,)."""
        return (self.payer_cents / 100.0 * self.fx * self._discount_cols()).sum(axis=1)

    @property
    def payer_pv_savings(self) -> np.ndarray:
        """Present value of the costs the payers avoid (euro), per draw (D,)."""
        return row_sums((self.savings * self.discount).T)

    @property
    def payer_net_savings(self) -> np.ndarray:
        """Present value of the costs the payers avoid minus all they pay (euro), per draw."""
        return self.payer_pv_savings - self.payer_pv_payments

    def figures(self) -> dict[str, np.ndarray]:
        """The per-draw figures of a simulation, computed on the waterfall's layout (one period a row).

        The same numbers, bit for bit, as :meth:`back_each_cents`, :meth:`investor_multiple`,
        :attr:`payer_net_savings` and the other properties give for a :meth:`~mkba.sib.model.SibModel.run`
        of two draws or more, without their transposed copies and reductions along the short axis.

        Returns
        -------
        dict of str to ndarray
            ``outcome_payments``, ``payer_payments``, ``investor_irr``, ``investor_multiple``,
            ``payer_net_savings``, ``floor_top_up``, ``guarantee_paid`` (what the named guarantees pay)
            (D,) and ``investor_multiple_each`` (D, I); the contract's currency (the net savings in euro),
            IRR as a fraction per year.
        """
        assert self.backstop_cents is not None
        top = self._layout(self.guarantee_cents)[:, self.settle]  # (I, D): floors settle then only
        back = self._layout(self.received_cents).sum(axis=1)  # (I, D)
        back += top
        backstop = self.backstop_cents.sum(axis=1)  # (D, I): what the named guarantees pay each investor
        back += backstop.T
        invested = self.invest_cents.sum(axis=1).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):  # no investors: NaN
            each = back / invested[:, None]
            multiple = back.sum(axis=0) / invested.sum()
        payer = self.payer_cents.T  # (P, D)
        disc = self._discount_cols().T  # (P, 1 or D)
        pv_pay = payer[0] / 100.0 * self.fx * disc[0]
        for p in range(1, payer.shape[0]):  # in order, as numpy sums the columns of (D, P) laid out by period
            if payer[p].any():  # adding zeros changes nothing (the sum of nonzero terms is never -0.0)
                pv_pay += payer[p] / 100.0 * self.fx * disc[p]
        payments = self.outcome_payments_total
        return {
            "outcome_payments": payments,
            # the same array when the payers pay nothing beyond the outcome payments
            "payer_payments": payments
            if self.payer_cents is self.outcome_cents
            else payer.sum(axis=0) / 100.0,
            "investor_irr": self.investor_irr(),
            "investor_multiple": multiple,
            "investor_multiple_each": each.T,
            "payer_net_savings": self.payer_pv_savings - pv_pay,
            "floor_top_up": top.sum(axis=0) / 100.0,
            "guarantee_paid": backstop.sum(axis=1) / 100.0,
        }

    @property
    def outcome_payments_total(self) -> np.ndarray:
        """Outcome payments the payers make over the contract (contract currency), per draw."""
        return self.outcome_cents.sum(axis=1) / 100.0


#: Series whose rate is solved at once (each period's flows of a block stay in the CPU cache); every
#: series' rate is the same whatever block it is in.
_RATE_BLOCK = 16384


def row_sums(rows: np.ndarray) -> np.ndarray:
    """The sum of ``rows`` (Y, D) over Y, in the order numpy sums a contiguous row (pairwise).

    The same bits as ``np.ascontiguousarray(rows.T).sum(axis=1)`` without the transposed copy or the
    slow reduction along a short axis: one contiguous array addition per row.

    Examples
    --------
    >>> x = np.array([[0.1, 1.0], [0.2, 2.0], [0.3, 3.0]])
    >>> bool((row_sums(x) == x.T.copy().sum(axis=1)).all())
    True
    """
    n = rows.shape[0]
    if n > _PAIRWISE_BLOCK:
        return np.ascontiguousarray(rows.T).sum(axis=1)
    if n < 8:
        out = np.zeros(rows.shape[1:])
        for r in rows:
            out += r
        return out
    acc = [rows[j].copy() for j in range(8)]
    i = 8
    while i < n - n % 8:
        for j in range(8):
            acc[j] += rows[i + j]
        i += 8
    out = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
    for r in rows[i:]:
        out += r
    return out


#: Numpy sums up to this many numbers in one pairwise block (then it splits the row in halves).
_PAIRWISE_BLOCK = 128


def split_shares(total: np.ndarray, shares: Sequence[float]) -> np.ndarray:
    """Split cents among several payers by their shares; the parts add up to ``total`` exactly.

    Each payer's part is rounded down to the cent; the few cents left (fewer than the number of payers)
    go to the first (lead) payer.

    Parameters
    ----------
    total : ndarray of int64
        Cents to split, any shape.
    shares : sequence of float
        Each payer's share (fractions adding up to 1).

    Returns
    -------
    ndarray of int64, shape (J, *total.shape)
        Each payer's cents.

    Examples
    --------
    >>> split_shares(np.array([100, 101]), [0.7, 0.3]).tolist()
    [[70, 71], [30, 30]]
    """
    total = np.asarray(total, dtype=np.int64)
    parts = np.stack([np.floor(total * s + 1e-9).astype(np.int64) for s in shares])
    parts = np.minimum(parts, total[None])
    parts[0] += total - parts.sum(axis=0)
    return parts
