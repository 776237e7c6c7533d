"""Social Impact Bonds: a scenario's ``sib:`` section compiled into a model of the contract's money.

:func:`compile_sib` checks a scenario's ``sib:`` section against the rest of
the scenario (effect line ids, the horizon, stakeholders) and compiles it with
the scenario's engine model into a :class:`SibModel`. :meth:`SibModel.run`
then computes, for ``D`` sets of outcome levels at once (arrays over draws,
no Python loop over draws), the contract's money in whole cents (int64) with
the payout engine of :mod:`mkba.sib.payout` (rules, caps, the waterfall to
investors, the floor), and the payer's savings: the costs it avoids, from the
scenario's effect lines scaled to the outcome level. :meth:`SibModel.point`
gives the figures at one set of outcome levels (:class:`SibResult`),
:meth:`SibModel.break_even` the payer's break-even outcome level and
:meth:`SibModel.curve` the payout curve.

The simulation of outcomes is :mod:`mkba.sib.simulation`, the payout curve
chart :mod:`mkba.report.sib_chart`. See docs/sib.md.

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

from mkba.engine.model import Model, compile_scenario
from mkba.errors import MkbaError
from mkba.pricelist.index import PriceIndex, default_index
from mkba.pricelist.items import PriceList
from mkba.pricelist.registry import load_pricelist
from mkba.scenario.contract import Bands, Linear, SibContract, Threshold, nearest
from mkba.scenario.distributions import _Dist, mean_of
from mkba.scenario.model import Scenario, load_scenario
from mkba.sib.payout import NO_CAP, Schedule, allocate, cap_cents, round_cents, rule_cents, waterfall


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
                raise MkbaError(
                    f"the contract has {len(ids)} outcomes; give each as ID=LEVEL ({', '.join(ids)})"
                )
            given = {ids[0]: given}
        for key, value in given.items():
            if key not in ids:
                near = difflib.get_close_matches(key, ids, n=3, cutoff=0.3)
                raise MkbaError(
                    f"unknown outcome {key!r}"
                    + (f"; nearest: {', '.join(near)}" if near else f"; expected one of: {', '.join(ids)}")
                )
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
            raise MkbaError(
                f"expected a finite outcome level for {self.outcomes[k].id!r}, got {levels[d, k]!r}"
            )
        n = np.array([o.participants if o.per_participant else 1 for o in self.outcomes], dtype=np.float64)
        if counts is None:
            counts = np.broadcast_to(n, (D, O))
            values = levels
        by_outcome = np.zeros((D, O), dtype=np.int64)
        Y = len(self.years)
        due = np.zeros((D, Y), dtype=np.int64)
        for k, o in enumerate(self.outcomes):
            total = np.zeros(D, dtype=np.int64)
            for rule in o.rules:
                total += rule_cents(rule, levels[:, k], counts[:, k], values[:, k])
            by_outcome[:, k] = total
        self._check_within_engine(levels, by_outcome)
        for k, o in enumerate(self.outcomes):
            due += allocate(by_outcome[:, k], o.shares)
        money = waterfall(
            self.contract, due, self.invest_cents, self.years, self.tiers, self.order, self.guarantor_is_payer
        )
        savings, discount = self._savings(levels, theta)
        return Schedule(
            self.years,
            levels,
            by_outcome,
            savings=savings,
            discount=discount,
            invest_cents=self.invest_cents,
            **money,
        )

    def _check_within_engine(self, levels: np.ndarray, rule_cents: np.ndarray) -> None:
        """Refuse outcome payments beyond :data:`mkba.sib_payout.NO_CAP` (EUR 10 trillion), the most the cents engine holds.

        Beyond it the money would no longer be exact (and, in int64, wrap
        around to negative amounts); a rule's cap that brings a payment back
        within it is fine, since :func:`mkba.sib_payout.round_half_away` never overflows.
        """
        over = rule_cents.sum(axis=1) > NO_CAP
        if not over.any():
            return
        d = int(np.flatnonzero(over)[0])
        given = ", ".join(f"{o.id} = {levels[d, k]:g}" for k, o in enumerate(self.outcomes))
        raise MkbaError(
            f"outcome level {given} would pay more than EUR {int(NO_CAP) / 100:,.2f} in outcome "
            f"payments, the largest amount the SIB engine holds; give a lower outcome level"
        )

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
    def point(self, levels=None) -> SibResult:
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


# -- compiling ---------------------------------------------------------------------------------------
def compile_sib(
    scenario: str | Path | dict | Scenario,
    pricelist: str | Path | PriceList | None = None,
    *,
    index: PriceIndex | None = None,
    folders=(),
) -> SibModel:
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
    pl = load_pricelist(pricelist if pricelist is not None else s.pricelist, folders=folders, index=index)
    defaults: dict[str, str] = {}
    if c.price_year is None:
        defaults["sib.price_year"] = "the scenario's price year"
    if c.price_year is not None:
        checker = index or default_index()
        if s.assumed_inflation is not None and checker.assumed_inflation is None:
            checker = checker.with_assumed_inflation(s.assumed_inflation)
        try:
            checker.level(c.price_year)
        except MkbaError as exc:
            raise s.error(exc.message, ("sib", "price_year")) from None
    model = compile_scenario(s, pl, index=index, price_year=c.price_year)
    years = model.years
    Y = len(years)
    for fld in ("outcome_payer", "max_loss_paid_by"):
        who = getattr(c, fld)
        if who is not None and who not in model.stakeholders:
            raise s.error(f"unknown stakeholder {who!r}" + nearest(who, model.stakeholders), ("sib", fld))
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
        for _j, eid in enumerate(o.effects):
            li = line_ids.index(eid)
            postings += [
                p for p in np.flatnonzero(model.posting_line == li) if model.posting_stakeholder[p] == payer
            ]
            cols.append(model.input_index(f"effects.{eid}.quantity"))
        n = o.participants
        if n is None and o.per == "participant":
            if total_participants < 1:
                raise s.error("per: participant needs 'participants' here or in the scenario", path)
            n = total_participants
            defaults[f"sib.outcomes[{k}].participants"] = f"{n} (all participants of the scenario)"
        ps = o.per_participant
        outcomes.append(
            CompiledOutcome(
                id=o.id,
                label=o.label or o.id,
                per_participant=o.per == "participant",
                participants=n or 1,
                rules=list(o.rules),
                shares=shares,
                reference_level=o.reference_level,
                postings=np.array(postings, dtype=np.int64),
                quantity_cols=cols,
                level=o.level if ps is None else None,
                success=ps.success if ps else None,
                value=ps.value if ps else None,
            )
        )
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
    return SibModel(
        c,
        model,
        outcomes,
        invest,
        provider_costs,
        tiers,
        [i for t in tiers for i in t],
        c.max_loss_paid_by == c.outcome_payer,
        defaults,
    )


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
        return {
            int(y): s.outcome_cents[0, t] / 100.0
            for t, y in enumerate(s.years)
            if s.due_cents[0, t] or s.outcome_cents[0, t]
        }

    def schedule_rows(self) -> list[dict]:
        """One row per year: every money flow of the contract in euro (exact to the cent)."""
        s, sib = self.schedule, self.sib
        rows = []
        for t, y in enumerate(s.years):
            row = {
                "year": int(y),
                "investment": s.invest_cents[:, t].sum() / 100.0,
                "provider_costs": float(sib.provider_costs[t]),
                "due": s.due_cents[0, t] / 100.0,
                "outcome_payments": s.outcome_cents[0, t] / 100.0,
                "to_provider": s.provider_cents[0, t] / 100.0,
                "beyond_return_cap": s.excess_cents[0, t] / 100.0,
            }
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
                iid: {
                    "invested": s.invest_cents[i].sum() / 100.0,
                    "received": (s.received_cents[0, i].sum() + s.guarantee_cents[0, i].sum()) / 100.0,
                    "floor_top_up": s.guarantee_cents[0, i].sum() / 100.0,
                    "irr": _finite(irr_each[i]),
                    "multiple": float(mult_each[i]),
                    "flows": {str(int(y)): float(f) for y, f in zip(s.years, s.investor_flows()[0, i])},
                }
                for i, iid in enumerate(sib.investor_ids)
            },
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
        return {
            "name": c.provider.name,
            "costs_total": float(costs.sum()),
            "investment_total": float(inflow.sum()),
            "outcome_payments_to_provider": s.provider_cents[0].sum() / 100.0,
            "shortfall": float(max(0.0, -balance.min())) if len(balance) else 0.0,
            "by_year": {
                str(int(y)): {"investment": float(i), "costs": float(k), "balance": float(b)}
                for y, i, k, b in zip(s.years, inflow, costs, balance)
            },
        }


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
