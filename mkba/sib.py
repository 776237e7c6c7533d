"""Social Impact Bonds: outcome payments, the investor waterfall and the payer's savings.

:func:`compile_sib` checks a scenario's ``sib:`` section against the rest of
the scenario (effect line ids, the horizon, stakeholders) and compiles it with
the scenario's engine model into a :class:`SibModel`. :meth:`SibModel.run`
then computes, for ``D`` sets of outcome levels at once (arrays over draws,
no Python loop over draws), the contract's money in whole cents (int64):

1. each outcome's payment from its rules (rounded half away from zero, each
   rule's cap applied after rounding), spread over its measurement years;
2. year by year: the cap on total outcome payments, the provider's share, the
   waterfall to investors (principal by seniority, then return pro rata to
   the investment, each investor capped at its return cap), and what goes
   beyond the return cap (kept by the payer or paid to the provider);
3. the floor: in the last payment year, an investor that got back less than
   ``(1 - max_loss)`` of its investment is topped up by ``max_loss_paid_by``;
4. investor cash flows, IRR (:func:`mkba.finance.irr`, vectorised) and
   multiple; the payer's payments against the costs it avoids, from the
   scenario's effect lines scaled to the outcome level.

:func:`simulate_sib` draws N outcome sets (levels, or successes drawn per
participant) and uncertain scenario inputs with :mod:`mkba.uncertainty`, in
chunks, identical at any chunk size. See docs/sib.md.

Units: money arrays named ``*_cents`` are int64 euro cents; everything else
is in euro (float64) unless its name says otherwise.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pydantic

from . import finance
from .distributions import _Dist, mean_of
from .engine import Model, compile_scenario
from .errors import MkbaError
from .fileio import write_atomic
from .index import PriceIndex
from .pricelist import PriceList, load_pricelist
from .scenario import Scenario, load_scenario
from .sib_contract import MAX_EURO, Bands, Linear, RateCard, SibContract, Threshold

#: Stand-in for "no cap", in cents (EUR 10 trillion: far above any contract; sums of thousands stay far below
#: int64 overflow). It is also the largest payment the engine holds: see :func:`round_half_away`.
NO_CAP = np.int64(MAX_EURO * 100)

#: Where :func:`round_half_away` stops: one cent beyond NO_CAP, so that "more than the engine holds" stays
#: visible after any cap (every cap is at most NO_CAP) and never wraps around to a negative int64.
_BEYOND = float(NO_CAP) + 1.0


def round_half_away(cents) -> np.ndarray:
    """Amounts in cents (float) to whole cents (int64), rounded half away from zero.

    A relative tolerance of 1e-15 (about 4 ulp) on the half keeps binary noise
    (0.285 * 100 = 28.499999999999996) from deciding the rounding. Amounts
    beyond :data:`NO_CAP` become ``NO_CAP + 1`` (with their sign) instead of
    overflowing int64: a cap applied afterwards still holds, and
    :meth:`SibModel.run` refuses payments that stay beyond ``NO_CAP``.
    """
    c = np.asarray(cents, dtype=np.float64)
    if np.isnan(c).any():
        raise MkbaError("expected an amount, got NaN (not a number)")
    a = np.floor(np.minimum(np.abs(c), _BEYOND) * (1.0 + 1e-15) + 0.5)
    return np.copysign(np.minimum(a, _BEYOND), c).astype(np.int64)


def round_cents(euros) -> np.ndarray:
    """Euro amounts to whole cents (int64), rounded half away from zero (see :func:`round_half_away`)."""
    return round_half_away(np.asarray(euros, dtype=np.float64) * 100.0)


def cap_cents(euros: float | None) -> np.int64:
    """A cap in euro as whole cents, rounded down so that it is never exceeded."""
    if euros is None:
        return NO_CAP
    return np.int64(min(math.floor(round(euros * 100.0, 6)), int(NO_CAP)))


def _floor_cents(euros: float) -> np.int64:
    """A floor in euro as whole cents, rounded up so that it always holds."""
    return np.int64(math.ceil(round(euros * 100.0, 6)))


def _split(pool: np.ndarray, need: list[np.ndarray], weights: list, order) -> tuple[list[np.ndarray], np.ndarray]:
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
        give = [np.minimum(np.floor(take * np.where(total_w > 0, w / total_w, 0.0)).astype(np.int64), n)
                for w, n in zip(weights, need)]
    rest = take - sum(give)
    for j in order:
        add = np.minimum(rest, need[j] - give[j])
        give[j] = give[j] + add
        rest = rest - add
    return give, pool - take


# -- compiled contract -------------------------------------------------------------------------------
@dataclass
class CompiledOutcome:
    """One outcome, resolved against the scenario."""

    id: str
    label: str
    per_participant: bool
    participants: int
    rules: list
    shares: np.ndarray  # (Y,) share paid in each year
    reference_level: float | None
    postings: np.ndarray  # payer posting indices of its effect lines
    quantity_cols: list[int]  # input columns of its effect lines' quantities
    level: object  # number or distribution (level mode); None in participant mode
    success: object = None  # participant mode: probability of success (number or distribution)
    value: object = None  # participant mode: units per success

    @property
    def point_level(self) -> float:
        if self.success is not None:
            return mean_of(self.success) * mean_of(self.value)
        return mean_of(self.level) if self.level is not None else float(self.reference_level)

    @property
    def level_high(self) -> float:
        """Highest level a draw can reach (finite), for search ranges and charts."""
        if self.success is not None:
            v = self.value
            return float(v.support()[1] if isinstance(v, _Dist) else v)
        if isinstance(self.level, _Dist):
            hi = self.level.support()[1]
            return float(hi) if math.isfinite(hi) else float(self.level.ppf(np.array([0.999]))[0])
        return float(self.point_level)


@dataclass
class Schedule:
    """The contract's money for ``D`` outcome sets (one row per draw), see :meth:`SibModel.run`.

    Attributes
    ----------
    years : ndarray (Y,)
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
        """Cash flows of each investor per year, euro, shape (D, I, Y): investments negative."""
        return (self.received_cents + self.guarantee_cents - self.invest_cents[None]) / 100.0

    def investor_irr(self, combined: bool = True) -> np.ndarray:
        """IRR per draw of all investors together (D,), or of each investor (D, I).

        An investor that gets nothing back has an IRR of -1 (-100 %).
        """
        if combined:
            flows = (self.received_cents.sum(axis=1) + self.guarantee_cents.sum(axis=1)
                     - self.invest_cents.sum(axis=0)[None]) / 100.0
        else:
            flows = self.investor_flows()
        shape = flows.shape[:-1]
        rows = flows.reshape(-1, flows.shape[-1])
        rate = finance.irr(rows)
        back = rows.clip(min=0).sum(axis=1)
        rate = np.where((back == 0) & (rows.min(axis=1) < 0), -1.0, rate)
        return rate.reshape(shape)

    def investor_multiple(self, combined: bool = True) -> np.ndarray:
        """What investors get back per euro invested, per draw (D,) or per investor (D, I)."""
        back = (self.received_cents + self.guarantee_cents).sum(axis=-1)
        put = self.invest_cents.sum(axis=-1)
        if combined:
            return back.sum(axis=1) / put.sum()
        return back / put[None]

    # -- payer -----------------------------------------------------------------------------------
    @property
    def payer_pv_payments(self) -> np.ndarray:
        return (self.payer_cents / 100.0 * self.discount).sum(axis=1)

    @property
    def payer_pv_savings(self) -> np.ndarray:
        return (self.savings * self.discount).sum(axis=1)

    @property
    def payer_net_savings(self) -> np.ndarray:
        """Present value of the costs the payer avoids minus all it pays (euro), per draw."""
        return self.payer_pv_savings - self.payer_pv_payments

    @property
    def outcome_payments_total(self) -> np.ndarray:
        """Outcome payments the payer makes over the contract (euro), per draw."""
        return self.outcome_cents.sum(axis=1) / 100.0


@dataclass
class SibModel:
    """A ``sib:`` section compiled against its scenario (see the module docstring)."""

    contract: SibContract
    model: Model
    outcomes: list[CompiledOutcome]
    invest_cents: np.ndarray  # (I, Y)
    provider_costs: np.ndarray  # (Y,) euro
    tiers: list[list[int]]
    order: list[int]  # investors, most senior first
    guarantor_is_payer: bool
    defaults: dict[str, str] = field(default_factory=dict)

    @property
    def scenario(self) -> Scenario:
        return self.model.scenario

    @property
    def years(self) -> np.ndarray:
        return self.model.years

    @property
    def investor_ids(self) -> list[str]:
        return [inv.id for inv in self.contract.investors]

    @property
    def point_levels(self) -> np.ndarray:
        """Expected level of each outcome, shape (O,)."""
        return np.array([o.point_level for o in self.outcomes])

    def levels_from(self, given: dict[str, float] | float | None) -> np.ndarray:
        """Outcome levels (O,) from ``--outcome`` style input: one number, or id -> level."""
        levels = self.point_levels.copy()
        if given is None:
            return levels
        ids = [o.id for o in self.outcomes]
        if not isinstance(given, dict):
            if len(ids) != 1:
                raise MkbaError(f"the contract has {len(ids)} outcomes; give each as ID=LEVEL "
                                f"({', '.join(ids)})")
            given = {ids[0]: given}
        for key, value in given.items():
            if key not in ids:
                near = difflib.get_close_matches(key, ids, n=3, cutoff=0.3)
                raise MkbaError(f"unknown outcome {key!r}" + (f"; nearest: {', '.join(near)}" if near
                                                                 else f"; expected one of: {', '.join(ids)}"))
            if not (math.isfinite(value) and value >= 0):
                raise MkbaError(f"expected an outcome level >= 0 for {key!r}, got {value!r}")
            levels[ids.index(key)] = value
        return levels

    # -- the money -------------------------------------------------------------------------------
    def run(self, levels, *, counts=None, values=None, theta=None) -> Schedule:
        """The contract's money for each row of ``levels``.

        Parameters
        ----------
        levels : array_like (D, O) or (O,)
            Outcome levels, each in its outcome's unit (per participant for ``per: participant``).
        counts, values : ndarray (D, O), optional
            Participant mode: successes and units per success (the level is then
            ``values * counts / participants``); by default every participant
            counts the level (``counts = participants``, ``values = levels``).
        theta : ndarray (D, J) or (J,), optional
            The scenario's inputs (default: their point values).

        Returns
        -------
        Schedule
        """
        levels = np.atleast_2d(np.asarray(levels, dtype=np.float64))
        D, O = levels.shape
        bad = ~np.isfinite(levels)
        if bad.any():
            d, k = np.argwhere(bad)[0]
            raise MkbaError(f"expected a finite outcome level for {self.outcomes[k].id!r}, got {levels[d, k]!r}")
        n = np.array([o.participants if o.per_participant else 1 for o in self.outcomes], dtype=np.float64)
        if counts is None:
            counts = np.broadcast_to(n, (D, O))
            values = levels
        rule_cents = np.zeros((D, O), dtype=np.int64)
        Y = len(self.years)
        due = np.zeros((D, Y), dtype=np.int64)
        for k, o in enumerate(self.outcomes):
            total = np.zeros(D, dtype=np.int64)
            for rule in o.rules:
                total += _rule_cents(rule, levels[:, k], counts[:, k], values[:, k])
            rule_cents[:, k] = total
        self._check_within_engine(levels, rule_cents)
        for k, o in enumerate(self.outcomes):
            due += _allocate(rule_cents[:, k], o.shares)
        money = self._waterfall(due)
        savings, discount = self._savings(levels, theta)
        return Schedule(self.years, levels, rule_cents, savings=savings, discount=discount,
                        invest_cents=self.invest_cents, **money)

    def _check_within_engine(self, levels: np.ndarray, rule_cents: np.ndarray) -> None:
        """Refuse outcome payments beyond :data:`NO_CAP` (EUR 10 trillion), the most the cents engine holds.

        Beyond it the money would no longer be exact (and, in int64, wrap
        around to negative amounts); a rule's cap that brings a payment back
        within it is fine, since :func:`round_half_away` never overflows.
        """
        over = rule_cents.sum(axis=1) > NO_CAP
        if not over.any():
            return
        d = int(np.flatnonzero(over)[0])
        given = ", ".join(f"{o.id} = {levels[d, k]:g}" for k, o in enumerate(self.outcomes))
        raise MkbaError(f"outcome level {given} would pay more than EUR {int(NO_CAP) / 100:,.2f} in outcome "
                        f"payments, the largest amount the SIB engine holds; give a lower outcome level")

    def _waterfall(self, due: np.ndarray) -> dict:
        """Year by year: contract cap, provider share, principal by seniority, capped return, floor.

        Works on one 1-D array (over draws) per investor, so that every step is
        a contiguous array operation.
        """
        c = self.contract
        D, Y = due.shape
        I = len(c.investors)
        inv = self.invest_cents
        weights = inv.sum(axis=1).astype(np.float64)
        r = c.max_return
        share = c.provider.share_of_payments if c.provider else 0.0
        to_provider = c.beyond_max_return == "provider"
        zero = np.zeros(D, dtype=np.int64)
        headroom = [np.zeros(D) for _ in range(I)]
        outstanding = [zero.copy() for _ in range(I)]
        prev = [zero for _ in range(I)]
        cap_left = np.full(D, cap_cents(c.max_outcome_payment), dtype=np.int64)
        received = np.zeros((I, Y, D), dtype=np.int64)
        paid = np.zeros((Y, D), dtype=np.int64)
        provider = np.zeros((Y, D), dtype=np.int64)
        excess = np.zeros((Y, D), dtype=np.int64)
        due_t = np.ascontiguousarray(due.T)
        no_cap = np.full(D, NO_CAP, dtype=np.int64)
        for t in range(Y):
            for i in range(I):
                if inv[i, t]:
                    outstanding[i] = outstanding[i] + inv[i, t]
            if not (due_t[t].any() or any(inv[:, t])):
                if r is not None:
                    headroom = [(h - p) * (1.0 + r) for h, p in zip(headroom, prev)]
                prev = [zero] * I
                continue
            if r is not None:
                headroom = [(h - p) * (1.0 + r) + inv[i, t] for i, (h, p) in enumerate(zip(headroom, prev))]
                room = [np.floor(np.minimum(h, float(NO_CAP))).astype(np.int64) for h in headroom]
            else:
                room = [no_cap] * I
            pay = np.minimum(due_t[t], cap_left)
            prov = round_half_away(pay * share) if share else zero
            pool = pay - prov if share else pay
            got = [zero] * I
            for tier in self.tiers:  # principal, most senior first; pro rata to what is owed within a tier
                need = [np.minimum(outstanding[i], room[i]) for i in tier]
                give, pool = _split(pool, need, need, range(len(tier)))
                for i, g in zip(tier, give):
                    got[i] = got[i] + g
                    outstanding[i] = outstanding[i] - g
            if r is not None or pool.any():  # return: pro rata to the investment, up to each return cap
                need = [room[i] - got[i] for i in range(I)]
                give, pool = _split(pool, need, list(weights), self.order)
                got = [g + x for g, x in zip(got, give)]
            excess[t] = pool
            if to_provider:
                prov = prov + pool
                paid[t] = pay
            else:
                paid[t] = pay - pool
            provider[t] = prov
            for i in range(I):
                received[i, t] = got[i]
            cap_left = cap_left - paid[t]
            prev = got
        guarantee = np.zeros((I, Y, D), dtype=np.int64)
        if c.max_loss is not None:
            settle = int(np.searchsorted(self.years, c.last_payment_year))
            for i, investor in enumerate(c.investors):
                floor = _floor_cents((1 - c.max_loss) * investor.amount)
                guarantee[i, settle] = np.maximum(floor - received[i].sum(axis=0), 0)
        payer = paid + (guarantee.sum(axis=0) if self.guarantor_is_payer else 0)
        return dict(due_cents=due, outcome_cents=paid.T, provider_cents=provider.T, excess_cents=excess.T,
                    received_cents=received.transpose(2, 0, 1), guarantee_cents=guarantee.transpose(2, 0, 1),
                    payer_cents=payer.T)

    def _savings(self, levels: np.ndarray, theta) -> tuple[np.ndarray, np.ndarray]:
        """Costs the payer avoids per year (D, Y), euro, with the linked lines scaled to the levels."""
        theta = self.model.base if theta is None else np.asarray(theta, dtype=np.float64)
        flows = self.model.evaluate(theta)
        D = levels.shape[0]
        savings = np.zeros((D, len(self.years)))
        for k, o in enumerate(self.outcomes):
            if o.postings.size == 0:
                continue
            base = flows.posted[:, o.postings, :].sum(axis=1)  # (1 or D, Y) at the lines as written
            savings += base * (levels[:, k] / o.reference_level)[:, None]
        return savings, flows.discount

    # -- figures at one outcome set -----------------------------------------------------------------
    def point(self, levels=None) -> "SibResult":
        """The schedule and figures at one set of outcome levels (default: the expected levels)."""
        lv = self.levels_from(levels) if not isinstance(levels, np.ndarray) else levels
        return SibResult(self, self.run(lv[None, :]))

    def net_savings_at(self, outcome: int, grid: np.ndarray) -> np.ndarray:
        """The payer's net savings (PV, euro) with outcome ``outcome`` at each level of ``grid``."""
        levels = np.tile(self.point_levels, (len(grid), 1))
        levels[:, outcome] = grid
        return self.run(levels).payer_net_savings

    def search_top(self, outcome: int) -> float:
        """Upper end of the outcome range searched for the break-even and drawn in the chart."""
        o = self.outcomes[outcome]
        marks = [o.level_high, o.point_level, o.reference_level or 0.0]
        for rule in o.rules:
            if isinstance(rule, Bands):
                marks.append(rule.points[-1][0])
            elif isinstance(rule, Linear):
                marks.append(rule.up_to if rule.up_to is not None else rule.threshold)
            elif isinstance(rule, Threshold):
                marks.append(rule.level)
        return 2.0 * max(max(marks), 1e-9)

    def break_even(self, outcome: int = 0) -> tuple[float | None, str]:
        """The lowest level of ``outcome`` from which on the payer saves at least what it pays (PV).

        Other outcomes stay at their expected levels. Searched over
        ``[0, search_top]``: on a grid, then refined by bisection.

        Returns
        -------
        (level or None, reason)
            None when the payer pays more than it saves at the top of the range.
        """
        top = self.search_top(outcome)
        grid = np.linspace(0.0, top, 2001)
        net = self.net_savings_at(outcome, grid)
        below = np.flatnonzero(net < 0)
        if below.size == 0:
            return 0.0, ""
        last = below[-1]
        if last == len(grid) - 1:
            return None, f"the payer pays more than it saves up to level {top:g}"
        lo, hi = grid[last], grid[last + 1]
        for _ in range(8):  # 8 rounds of 64 points: far below any meaningful precision
            sub = np.linspace(lo, hi, 65)
            ok = self.net_savings_at(outcome, sub) >= 0
            first = int(np.argmax(ok))  # the right end is known to be >= 0
            lo, hi = sub[max(first - 1, 0)], sub[first]
            if first == 0:
                break
        return float(hi), ""

    def curve(self, outcome: int = 0, n: int = 401, top: float | None = None) -> dict[str, np.ndarray]:
        """The payout curve: figures against the level of ``outcome`` (others at their expected level)."""
        top = self.search_top(outcome) if top is None else top
        grid = np.linspace(0.0, top, n)
        levels = np.tile(self.point_levels, (n, 1))
        levels[:, outcome] = grid
        s = self.run(levels)
        return {
            "level": grid,
            "outcome_payments": s.outcome_payments_total,
            "investors_receive": (s.received_cents + s.guarantee_cents).sum(axis=(1, 2)) / 100.0,
            "guarantee": s.guarantee_cents.sum(axis=(1, 2)) / 100.0,
            "excess": s.excess_cents.sum(axis=1) / 100.0,
            "investor_irr": s.investor_irr(),
            "investor_multiple": s.investor_multiple(),
            "payer_pv_payments": s.payer_pv_payments,
            "payer_pv_savings": s.payer_pv_savings,
            "capped": s.due_cents.sum(axis=1) > cap_cents(self.contract.max_outcome_payment),
        }


def _rule_cents(rule, level: np.ndarray, count: np.ndarray, value: np.ndarray) -> np.ndarray:
    """One rule's payment per draw, whole cents, its caps applied after rounding."""
    if isinstance(rule, RateCard):
        each = rule.price * value
        if rule.per_participant_cap is not None:
            each = np.minimum(each, rule.per_participant_cap)
        cents = round_cents(each * count)
        if rule.per_participant_cap is not None:
            cents = np.minimum(cents, np.floor(np.minimum(np.round(rule.per_participant_cap * 100 * count, 6),
                                                          _BEYOND)).astype(np.int64))
    elif isinstance(rule, Linear):
        top = np.inf if rule.up_to is None else rule.up_to - rule.threshold
        cents = round_cents(rule.price * np.clip(level - rule.threshold, 0.0, top))
    elif isinstance(rule, Threshold):
        reached = level >= rule.level - 1e-12 * max(1.0, abs(rule.level))
        cents = np.where(reached, round_cents(rule.amount), 0).astype(np.int64)
    else:  # Bands
        xs, ys = zip(*rule.points)
        cents = round_cents(np.interp(level, xs, ys))
    cap = getattr(rule, "cap", None)
    return cents if cap is None else np.minimum(cents, cap_cents(cap))


def _allocate(total: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Spread ``total`` cents (D,) over years by ``shares`` (Y,); rows add up to ``total`` exactly.

    Each year gets the rounded cumulative amount minus what earlier years got,
    so that rounding never adds or loses a cent.
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


# -- compiling ---------------------------------------------------------------------------------------
def compile_sib(scenario: str | Path | dict | Scenario, pricelist: str | Path | PriceList | None = None, *,
                index: PriceIndex | None = None, folders=()) -> SibModel:
    """Check a scenario's ``sib:`` section against the scenario and compile it.

    Parameters
    ----------
    scenario : path, dict or Scenario
        A scenario with a ``sib:`` section.
    pricelist : str, path or PriceList, optional
        Default: the scenario's ``pricelist``.

    Raises
    ------
    MkbaError
        With file, line and field, for anything in the contract that does not
        fit the scenario (unknown effect line ids, years outside the horizon,
        an unknown stakeholder), before anything is computed.
    """
    s = load_scenario(scenario)
    c = s.sib
    if c is None:
        raise s.error("this scenario has no 'sib:' section (see docs/sib.md)", ())
    _check_against_scenario(s, c)
    pl = load_pricelist(pricelist if pricelist is not None else s.pricelist, folders=folders, index=index)
    defaults: dict[str, str] = {}
    if c.price_year is None:
        defaults["sib.price_year"] = "the scenario's price year"
    model = compile_scenario(s, pl, index=index, price_year=c.price_year)
    years = model.years
    Y = len(years)
    for fld in ("outcome_payer", "max_loss_paid_by"):
        who = getattr(c, fld)
        if who is not None and who not in model.stakeholders:
            raise s.error(f"unknown stakeholder {who!r}" + _near(who, model.stakeholders), ("sib", fld))
    payer = model.stakeholders.index(c.outcome_payer)
    line_ids = [ln.id for ln in model.lines]
    total_participants = int(round(sum(mean_of(v) for v in s.participants.values())))
    outcomes = []
    for k, o in enumerate(c.outcomes):
        path = ("sib", "outcomes", k)
        shares = np.zeros(Y)
        for year, share in o.measured.items():
            shares[year - years[0]] = share
        postings, cols = [], []
        for j, eid in enumerate(o.effects):
            li = line_ids.index(eid)
            postings += [p for p in np.flatnonzero(model.posting_line == li)
                         if model.posting_stakeholder[p] == payer]
            cols.append(model.input_index(f"effects.{eid}.quantity"))
        n = o.participants
        if n is None and o.per == "participant":
            if total_participants < 1:
                raise s.error("per: participant needs 'participants' here or in the scenario", path)
            n = total_participants
            defaults[f"sib.outcomes[{k}].participants"] = f"{n} (all participants of the scenario)"
        ps = o.per_participant
        outcomes.append(CompiledOutcome(
            id=o.id, label=o.label or o.id, per_participant=o.per == "participant", participants=n or 1,
            rules=list(o.rules), shares=shares, reference_level=o.reference_level,
            postings=np.array(postings, dtype=np.int64), quantity_cols=cols,
            level=o.level if ps is None else None,
            success=ps.success if ps else None, value=ps.value if ps else None))
    invest = np.zeros((len(c.investors), Y), dtype=np.int64)
    for i, inv in enumerate(c.investors):
        for year, amount in inv.investment.items():
            invest[i, year - years[0]] = round_cents(amount)
    provider_costs = np.zeros(Y)
    if c.provider is not None and isinstance(c.provider.costs, dict):
        for year, amount in c.provider.costs.items():
            provider_costs[year - years[0]] = amount
    elif c.provider is not None and c.provider.costs:
        gross = model.evaluate().gross[0]
        for cid in c.provider.costs:
            provider_costs += gross[line_ids.index(cid)]
    tiers = c.tiers()
    return SibModel(c, model, outcomes, invest, provider_costs, tiers, [i for t in tiers for i in t],
                    c.max_loss_paid_by == c.outcome_payer, defaults)


def _near(name: str, names: list[str]) -> str:
    near = difflib.get_close_matches(name, names, n=3, cutoff=0.3)
    return f"; nearest: {', '.join(near)}" if near else (f"; expected one of: {', '.join(names)}" if names else "")


def _check_against_scenario(s: Scenario, c: SibContract) -> None:
    first, last = s.start_year, s.end_year
    effect_ids = [e.id for e in s.effects]
    cost_ids = [x.id for x in s.costs]

    def year_ok(year: int, path: tuple) -> None:
        if not first <= year <= last:
            raise s.error(f"year {year} is outside the scenario's horizon {first}-{last}", path)

    for i, inv in enumerate(c.investors):
        for year in inv.investment:
            year_ok(year, ("sib", "investors", i, "investment", year))
    linked: dict[str, str] = {}
    for k, o in enumerate(c.outcomes):
        for year in o.measured:
            year_ok(year, ("sib", "outcomes", k, "measured", year))
        for j, eid in enumerate(o.effects):
            path = ("sib", "outcomes", k, "effects", j)
            if eid not in effect_ids:
                what = " (a cost line; expected an effect line)" if eid in cost_ids else ""
                raise s.error(f"unknown effect line {eid!r}{what}" + _near(eid, effect_ids), path)
            if eid in linked:
                raise s.error(f"effect line {eid!r} already follows outcome {linked[eid]!r}; "
                              "a line can follow one outcome only", path)
            linked[eid] = o.id
        for j, rule in enumerate(o.rules):
            if isinstance(rule, RateCard) and rule.per_participant_cap is not None and o.per != "participant":
                raise s.error("per_participant_cap needs per: participant",
                              ("sib", "outcomes", k, "rules", j, "per_participant_cap"))
    p = c.provider
    if p is not None and isinstance(p.costs, dict):
        for year in p.costs:
            year_ok(year, ("sib", "provider", "costs", year))
    elif p is not None:
        for j, cid in enumerate(p.costs):
            if cid not in cost_ids:
                raise s.error(f"unknown cost line {cid!r}" + _near(cid, cost_ids), ("sib", "provider", "costs", j))


# -- results -----------------------------------------------------------------------------------------
@dataclass
class SibResult:
    """The contract at one set of outcome levels: schedule, investors, payer, provider."""

    sib: SibModel
    schedule: Schedule

    @property
    def levels(self) -> dict[str, float]:
        return {o.id: float(self.schedule.levels[0, k]) for k, o in enumerate(self.sib.outcomes)}

    def payments(self) -> dict[int, float]:
        """Outcome payments the payer makes per year (euro), only years with a payment due."""
        s = self.schedule
        return {int(y): s.outcome_cents[0, t] / 100.0 for t, y in enumerate(s.years)
                if s.due_cents[0, t] or s.outcome_cents[0, t]}

    def schedule_rows(self) -> list[dict]:
        """One row per year: every money flow of the contract in euro (exact to the cent)."""
        s, sib = self.schedule, self.sib
        rows = []
        for t, y in enumerate(s.years):
            row = {"year": int(y),
                   "investment": s.invest_cents[:, t].sum() / 100.0,
                   "provider_costs": float(sib.provider_costs[t]),
                   "due": s.due_cents[0, t] / 100.0,
                   "outcome_payments": s.outcome_cents[0, t] / 100.0,
                   "to_provider": s.provider_cents[0, t] / 100.0,
                   "beyond_return_cap": s.excess_cents[0, t] / 100.0}
            for i, iid in enumerate(sib.investor_ids):
                row[f"to_{iid}"] = s.received_cents[0, i, t] / 100.0
            row["floor_top_up"] = s.guarantee_cents[0, :, t].sum() / 100.0
            row["payer_pays"] = s.payer_cents[0, t] / 100.0
            row["payer_avoids"] = float(s.savings[0, t])
            rows.append(row)
        return rows

    def to_dict(self) -> dict:
        """Everything ``mkba sib --json`` writes (euro, fractions, years)."""
        s, sib, c = self.schedule, self.sib, self.sib.contract
        irr = s.investor_irr()[0]
        irr_each = s.investor_irr(combined=False)[0]
        mult_each = s.investor_multiple(combined=False)[0]
        out: dict = {
            "name": c.name or sib.scenario.name,
            "price_year": sib.model.price_year,
            "discount_rate": float(sib.model.base[sib.model.discount_col]),
            "outcome_levels": self.levels,
            "outcome_payments_total": float(s.outcome_payments_total[0]),
            "outcome_payments_due": s.due_cents[0].sum() / 100.0,
            "investment_total": s.invest_cents.sum() / 100.0,
            "investor_irr": _finite(irr),
            "investor_multiple": float(s.investor_multiple()[0]),
            "investors_receive_total": (s.received_cents[0].sum() + s.guarantee_cents[0].sum()) / 100.0,
            "floor_top_up_total": s.guarantee_cents[0].sum() / 100.0,
            "floor_paid_by": c.max_loss_paid_by,
            "beyond_return_cap_total": s.excess_cents[0].sum() / 100.0,
            "payer": c.outcome_payer,
            "payer_payments_total": s.payer_cents[0].sum() / 100.0,
            "payer_pv_payments": float(s.payer_pv_payments[0]),
            "payer_pv_savings": float(s.payer_pv_savings[0]),
            "payer_net_savings": float(s.payer_net_savings[0]),
            "payer_savings_total": float(s.savings[0].sum()),
            "payer_break_even_outcome": None,
            "payments": {str(y): v for y, v in self.payments().items()},
            "investors": {
                iid: {"invested": s.invest_cents[i].sum() / 100.0,
                      "received": (s.received_cents[0, i].sum() + s.guarantee_cents[0, i].sum()) / 100.0,
                      "floor_top_up": s.guarantee_cents[0, i].sum() / 100.0,
                      "irr": _finite(irr_each[i]), "multiple": float(mult_each[i]),
                      "flows": {str(int(y)): float(f) for y, f in zip(s.years, s.investor_flows()[0, i])}}
                for i, iid in enumerate(sib.investor_ids)},
            "provider": self.provider_funding(),
            "schedule": self.schedule_rows(),
            "assumptions": assumptions(c),
            "defaults_used": dict(sib.defaults),
        }
        be = {}
        for k, o in enumerate(sib.outcomes):
            level, reason = sib.break_even(k)
            be[o.id] = {"level": level, "reason": reason or None}
        out["payer_break_even"] = be
        out["payer_break_even_outcome"] = be[sib.outcomes[0].id]["level"]
        return out

    def provider_funding(self) -> dict | None:
        """The provider's costs against the investment it receives, per year and cumulative (euro)."""
        c = self.sib.contract
        if c.provider is None:
            return None
        s = self.schedule
        inflow = s.invest_cents.sum(axis=0) / 100.0
        costs = self.sib.provider_costs
        balance = np.cumsum(inflow - costs)
        return {"name": c.provider.name,
                "costs_total": float(costs.sum()), "investment_total": float(inflow.sum()),
                "outcome_payments_to_provider": s.provider_cents[0].sum() / 100.0,
                "shortfall": float(max(0.0, -balance.min())) if len(balance) else 0.0,
                "by_year": {str(int(y)): {"investment": float(i), "costs": float(k), "balance": float(b)}
                            for y, i, k, b in zip(s.years, inflow, costs, balance)}}


def _finite(x) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def assumptions(c: SibContract) -> list[dict]:
    """Every part of the contract marked ``assumption:`` (path and reason)."""
    found = []

    def walk(node, path: str) -> None:
        if isinstance(node, pydantic.BaseModel):
            if getattr(node, "assumption", None):
                found.append({"field": path or "sib", "assumption": node.assumption})
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{path}.{name}" if path else name)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")

    walk(c, "")
    return [{**a, "field": "sib" + ("." + a["field"] if a["field"] != "sib" else "")} for a in found]


# -- simulation --------------------------------------------------------------------------------------
@dataclass
class SibSimulation:
    """Per-draw figures of a simulation (arrays of shape (N,)) and their summary."""

    n: int
    seed: int
    levels: np.ndarray  # (N, O)
    outcome_payments: np.ndarray
    payer_payments: np.ndarray
    investor_irr: np.ndarray
    investor_multiple: np.ndarray
    investor_multiple_each: np.ndarray  # (N, I)
    payer_net_savings: np.ndarray
    floor_top_up: np.ndarray
    investor_ids: list[str]

    def summary(self) -> dict:
        """The figures ``mkba sib --simulate --json`` writes under ``simulation``."""
        def pct(x):
            return {f"p{q}": float(np.percentile(x, q)) for q in (5, 50, 95)} | {"mean": float(x.mean())}
        irr = pct(self.investor_irr)
        return {
            "n": self.n, "seed": self.seed,
            "p_investor_loss": float((self.investor_multiple < 1.0).mean()),
            "p_investor_loss_each": {iid: float((self.investor_multiple_each[:, i] < 1.0).mean())
                                     for i, iid in enumerate(self.investor_ids)},
            "p_payer_pays_more_than_saves": float((self.payer_net_savings < 0).mean()),
            "p_floor_used": float((self.floor_top_up > 0).mean()),
            "investor_irr_p5": irr["p5"], "investor_irr_p50": irr["p50"], "investor_irr_p95": irr["p95"],
            "investor_irr_mean": irr["mean"],
            "investor_multiple_min": float(self.investor_multiple.min()),
            "investor_multiple": pct(self.investor_multiple),
            "expected_outcome_payments": float(self.outcome_payments.mean()),
            "outcome_payments": pct(self.outcome_payments),
            "payer_payments": pct(self.payer_payments),
            "payer_net_savings": pct(self.payer_net_savings),
            "expected_payer_net_savings": float(self.payer_net_savings.mean()),
        }


#: Key offset of the outcome draws, so that they form their own stream next to the scenario's inputs.
OUTCOME_STREAM = 0x51B0_0C0E_51B0_0C0E


def draw_outcomes(sib: SibModel, seed: int, start: int, stop: int):
    """Outcome draws ``start..stop-1``: levels (D, O), counts, values, and the scenario inputs theta.

    Draw ``i`` depends only on ``seed`` and ``i``, whatever the chunk. The
    scenario's uncertain inputs are drawn by :func:`mkba.uncertainty.draw_inputs`
    (the same draws as the MKBA Monte Carlo with this seed); the outcomes come
    from their own stream (:func:`mkba.uncertainty.uniforms` keyed by ``seed``
    XOR :data:`OUTCOME_STREAM`): per outcome one dimension for its level (level
    mode), or two (success probability, value) plus one per participant
    (participant mode). The quantities of the effect lines an outcome names are
    not drawn: the outcome level sizes those lines.
    """
    from . import uncertainty
    quantile = getattr(uncertainty, "quantile", None) or (lambda dist, q: dist.ppf(q))
    dims = [2 + o.participants if o.success is not None else 1 for o in sib.outcomes]
    u = uncertainty.uniforms((seed ^ OUTCOME_STREAM) % 2**64, start, stop, sum(dims))
    D = stop - start
    levels = np.empty((D, len(sib.outcomes)))
    counts = np.empty_like(levels)
    values = np.empty_like(levels)
    at = 0
    for k, o in enumerate(sib.outcomes):
        n = o.participants if o.per_participant else 1
        if o.success is None:
            lv = o.level
            levels[:, k] = quantile(lv, u[:, at]) if isinstance(lv, _Dist) else o.point_level
            counts[:, k], values[:, k] = n, levels[:, k]
        else:
            p = quantile(o.success, u[:, at]) if isinstance(o.success, _Dist) else np.full(D, float(o.success))
            v = quantile(o.value, u[:, at + 1]) if isinstance(o.value, _Dist) else np.full(D, float(o.value))
            hits = (u[:, at + 2: at + 2 + o.participants] < p[:, None]).sum(axis=1)
            counts[:, k], values[:, k] = hits, v
            levels[:, k] = v * hits / o.participants
        at += dims[k]
    theta = None
    if any(inp.uncertain for inp in sib.model.inputs):
        theta = uncertainty.draw_inputs(sib.model, seed, start, stop) if hasattr(uncertainty, "draw_inputs") \
            else uncertainty.sample([inp.value for inp in sib.model.inputs], seed, start, stop)
        for o in sib.outcomes:
            theta[:, o.quantity_cols] = sib.model.base[o.quantity_cols]
    return levels, counts, values, theta


def simulate_sib(sib: SibModel, n: int, *, seed: int = 20260101, chunk_size: int = 50_000,
                 workers: int | None = None, progress: bool = False) -> SibSimulation:
    """Draw ``n`` outcome sets and compute the contract for each, in chunks.

    The result is the same for any ``chunk_size`` and any number of
    ``workers`` (each draw depends only on the seed and its index, and each
    chunk writes its own rows). Memory: one chunk's arrays per worker at a
    time, plus about 70 bytes per draw for the per-draw figures kept for
    percentiles.

    Parameters
    ----------
    n : int
        Number of draws (>= 1).
    seed : int
        Seed of the draws.
    chunk_size : int
        Draws computed at once (50,000 keeps the arrays in cache).
    workers : int, optional
        Threads computing chunks side by side (numpy releases the GIL);
        default: up to 2, and 1 for small runs.
    progress : bool
        Show a progress bar on stderr (for long runs).
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    from .uncertainty import chunks
    if n < 1:
        raise MkbaError("expected a number of draws >= 1")
    if chunk_size < 1:
        raise MkbaError("expected a chunk size >= 1")
    O, I = len(sib.outcomes), len(sib.contract.investors)
    out = {k: np.empty(n) for k in ("outcome_payments", "payer_payments", "investor_irr",
                                    "investor_multiple", "payer_net_savings", "floor_top_up")}
    levels_all = np.empty((n, O))
    each = np.empty((n, I))
    invested_each = sib.invest_cents.sum(axis=1).astype(np.float64)

    def run(bounds: tuple[int, int]) -> int:
        start, stop = bounds
        levels, counts, values, theta = draw_outcomes(sib, seed, start, stop)
        s = sib.run(levels, counts=counts, values=values, theta=theta)
        sl = slice(start, stop)
        levels_all[sl] = levels
        out["outcome_payments"][sl] = s.outcome_payments_total
        out["payer_payments"][sl] = s.payer_cents.sum(axis=1) / 100.0
        out["investor_irr"][sl] = s.investor_irr()
        back = (s.received_cents + s.guarantee_cents).sum(axis=2)  # (D, I)
        each[sl] = back / invested_each[None]
        out["investor_multiple"][sl] = back.sum(axis=1) / invested_each.sum()
        out["payer_net_savings"][sl] = s.payer_net_savings
        out["floor_top_up"][sl] = s.guarantee_cents.sum(axis=(1, 2)) / 100.0
        return stop - start

    parts = list(chunks(n, chunk_size))
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(parts) > 1 else 1
    bar = task = None
    if progress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
        bar = Progress(TextColumn("SIB"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       console=Console(stderr=True), transient=True)
        task = bar.add_task("draws", total=n)
        bar.start()
    try:
        if workers <= 1:
            for part in parts:
                done = run(part)
                if bar is not None:
                    bar.update(task, advance=done)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for done in pool.map(run, parts):
                    if bar is not None:
                        bar.update(task, advance=done)
    finally:
        if bar is not None:
            bar.stop()
    return SibSimulation(n=n, seed=seed, levels=levels_all, investor_multiple_each=each,
                         investor_ids=sib.investor_ids, **out)


# -- chart -------------------------------------------------------------------------------------------
def check_png_path(path: str | Path, option: str = "path") -> Path:
    """``path`` as a PNG file to write: ends in ``.png``, is not a folder, and its folder exists.

    ``option`` names where the path came from in the message (e.g. ``--plot``).
    """
    path = Path(path)
    if path.is_dir():
        raise MkbaError(f"{option}: {str(path)!r} is a folder; expected a file name ending in .png")
    if path.suffix.lower() != ".png":
        raise MkbaError(f"{option}: expected a file name ending in .png (the chart is a PNG image), "
                        f"got {str(path)!r}")
    if not path.parent.is_dir():
        what = "is not a folder" if path.parent.exists() else "does not exist"
        raise MkbaError(f"{option}: the folder {str(path.parent)!r} {what}")
    return path


def plot_payout_curve(sib: SibModel, path: str | Path, *, outcome: int = 0, lang: str = "nl") -> Path:
    """Write the payout curve as a PNG: payments and investor IRR against the outcome level.

    The risk bands are shaded: where the floor pays (investors lose, topped up),
    where investors lose money, where they gain, and where the return cap binds.
    The file is written atomically (:func:`mkba.fileio.write_atomic`); its
    folder must exist.

    Raises
    ------
    MkbaError
        When ``path`` does not end in ``.png``, is a folder, or its folder does not exist.
    """
    check_png_path(path)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .labels import label
    o = sib.outcomes[outcome]
    cv = sib.curve(outcome, top=1.2 * max(o.level_high, o.point_level, 1e-9))
    x = cv["level"]
    fig, ax = plt.subplots(figsize=(9, 6), dpi=120)
    zones = np.where(cv["guarantee"] > 0, 0, np.where(cv["investor_multiple"] < 1, 1,
                     np.where(cv["excess"] > 0, 3, 2)))
    colours = ["#f4b6b6", "#fbe3b4", "#cdeccd", "#c9dcf5"]
    names = [label("sib_zone_floor", lang), label("sib_zone_loss", lang), label("sib_zone_gain", lang),
             label("sib_zone_capped", lang)]
    shown = set()
    edges = np.concatenate([[x[0]], (x[1:] + x[:-1]) / 2, [x[-1]]])
    start = 0
    for i in range(1, len(x) + 1):
        if i == len(x) or zones[i] != zones[start]:
            z = zones[start]
            ax.axvspan(edges[start], edges[i], color=colours[z], alpha=0.6, lw=0,
                       label=names[z] if z not in shown else None)
            shown.add(z)
            start = i
    ax.plot(x, cv["outcome_payments"], color="#1f4e79", lw=2, label=label("sib_outcome_payments", lang))
    ax.plot(x, cv["investors_receive"], color="#2e7d32", lw=1.6, ls="--", label=label("sib_investors_receive", lang))
    ax.plot(x, cv["payer_pv_savings"], color="#6a1b9a", lw=1.6, ls=":", label=label("sib_payer_avoids_pv", lang))
    ax.set_xlabel(f"{o.label}" + (f" ({o.id})" if o.label != o.id else ""))
    ax.set_ylabel(label("sib_euro", lang))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"€ {v:,.0f}"))
    ax2 = ax.twinx()
    ax2.plot(x, cv["investor_irr"] * 100, color="#c62828", lw=2, label=label("sib_investor_irr", lang))
    ax2.set_ylabel(label("sib_investor_irr", lang) + " (%)")
    if sib.contract.max_return is not None:
        ax2.axhline(sib.contract.max_return * 100, color="#c62828", lw=0.8, ls="-.")
    point = sib.point_levels[outcome]
    ax.axvline(point, color="black", lw=0.8, ls="--", label=f"{label('sib_expected', lang)} ({point:,.0f})")
    be, _ = sib.break_even(outcome)
    if be is not None and be <= x[-1]:
        ax.axvline(be, color="#6a1b9a", lw=1.0, label=f"{label('payer_break_even', lang)} {be:,.0f}")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    fig.legend(h1 + h2, l1 + l2, loc="lower center", ncol=3, fontsize=7.5, frameon=False)
    ax.set_title(sib.contract.name or sib.scenario.name, fontsize=11)
    ax.set_xlim(x[0], x[-1])
    fig.tight_layout(rect=(0, 0.14, 1, 1))
    try:
        return write_atomic(path, lambda tmp: fig.savefig(tmp, format="png"))
    finally:
        plt.close(fig)
