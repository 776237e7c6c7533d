"""Social Impact Bonds: a scenario's ``sib:`` section compiled into a model of the contract's money.

What lives here: :func:`compile_sib` checks a scenario's ``sib:`` section against the rest of
the scenario (effect line ids, the horizon, stakeholders) and compiles it with
the scenario's engine model into a :class:`SibModel`. :meth:`SibModel.run`
then computes, for ``D`` sets of outcome levels at once (arrays over draws,
no Python loop over draws), the contract's money in whole cents (int64) with
the payout engine of :mod:`mkba.sib.payout` (rules, caps, the waterfall to
investors, the floor), and the payer's savings: the costs it avoids, from the
scenario's effect lines scaled to the outcome level. :meth:`SibModel.point`
gives the figures at one set of outcome levels (:class:`SibResult`),
:meth:`SibModel.break_even` the payer's break-even outcome level and
:meth:`SibModel.curve` the payout curve. The method is docs/method.md, section 7
(the contract's terms and money in docs/sib.md).

The simulation of outcomes is :mod:`mkba.sib.simulation`, the payout curve
chart :mod:`mkba.report.sib_chart`.

Units: money arrays named ``*_cents`` are int64 euro cents; everything else
is in euro (float64) unless its name says otherwise; years are calendar years;
outcome levels are in each outcome's own unit (e.g. days per participant).

Imports: :mod:`mkba.errors`, :mod:`mkba.pricelist` (the price list and index),
:mod:`mkba.scenario` (the scenario and its contract), :mod:`mkba.engine` (the scenario's
model), :mod:`mkba.sib.payout` and :mod:`mkba.sib.labels` (the words of a missing break-even); never :mod:`mkba.result`, :mod:`mkba.report` or :mod:`mkba.cli`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pydantic
from numpy.typing import ArrayLike

from mkba.engine.model import Model, compile_scenario
from mkba.errors import MkbaError
from mkba.pricelist.index import PriceIndex
from mkba.pricelist.items import PriceList
from mkba.pricelist.registry import load_pricelist
from mkba.scenario.contract import (
    Bands,
    Cohort,
    Linear,
    Outcome,
    Rule,
    SibContract,
    Threshold,
    nearest,
    period_date,
)
from mkba.scenario.distributions import _Dist, mean_of
from mkba.scenario.model import Scenario, load_scenario
from mkba.sib.labels import no_break_even
from mkba.sib.payout import (
    NO_CAP,
    Schedule,
    Terms,
    allocate,
    allocate_rows,
    cap_cents,
    floor_cents,
    round_cents,
    rule_cents,
    split_shares,
    waterfall,
)

#: A figure of the contract: a number, or a distribution for the simulation.
Figure: TypeAlias = float | _Dist


@dataclass
class CompiledOutcome:
    """One outcome, resolved against the scenario.

    In level mode ``level`` holds the expected level (None: the ``reference_level``);
    in participant mode ``success`` and ``value`` are given and ``level`` is None.

    Attributes
    ----------
    id, label : str
        The outcome's id and its label (default: the id).
    per_participant : bool
        Whether the outcome is measured ``per: participant`` (its level is an average per participant).
    participants : int
        Participants measured (1 for an outcome ``per: contract``).
    rules : list of RateCard, Linear, Threshold or Bands
        How the outcome is paid (euro).
    shares : ndarray (P,)
        The share of the outcome measured and paid in each period (column) of the contract.
    reference_level : float or None
        The level the linked effect lines stand for as written.
    postings : ndarray of int64
        The outcome payer's posting indices of its effect lines.
    quantity_cols : list of int
        Input columns of its effect lines' quantities (not drawn: the outcome level sizes them).
    level : float, distribution or None
        Level mode: the expected level, in the outcome's unit.
    success : float, distribution or None
        Participant mode: the probability that one participant succeeds.
    value : float, distribution or None
        Participant mode: outcome units one success counts.
    cohort : str or None
        The cohort it measures.
    trigger : float or None
        The level below which it pays nothing.
    parent : int or None
        Index of the outcome it depends on (its level counts at most the parent's).
    nets : list of int
        Indices of the outcomes whose payments it nets (an alternative trigger).
    most : float or None
        The highest level possible, for an outcome that counts persons (``unit: person``,
        ``per: contract``): the participants who could reach it (its own, or its cohort's).
    """

    id: str
    label: str
    per_participant: bool
    participants: int
    rules: list[Rule]
    shares: np.ndarray
    reference_level: float | None
    postings: np.ndarray
    quantity_cols: list[int]
    level: Figure | None
    success: Figure | None = None
    value: Figure | None = None
    cohort: str | None = None
    trigger: float | None = None
    parent: int | None = None
    nets: list[int] = field(default_factory=list)
    most: float | None = None

    @property
    def participant_terms(self) -> tuple[Figure, Figure] | None:
        """``(success, value)`` in participant mode, else None."""
        if self.success is None or self.value is None:
            return None
        return self.success, self.value

    @property
    def point_level(self) -> float:
        """The expected level, in the outcome's unit: the mean of its level (or success x value)."""
        terms = self.participant_terms
        if terms is not None:
            return mean_of(terms[0]) * mean_of(terms[1])
        if self.level is not None:
            return mean_of(self.level)
        if self.reference_level is None:  # pragma: no cover - the contract's validator requires one of them
            raise MkbaError(f"outcome {self.id!r} has no level, per_participant or reference_level")
        return float(self.reference_level)

    @property
    def level_high(self) -> float:
        """Highest level a draw can reach (finite), for search ranges and charts."""
        terms = self.participant_terms
        if terms is not None:
            v = terms[1]
            return float(v.support()[1] if isinstance(v, _Dist) else v)
        if isinstance(self.level, _Dist):
            hi = self.level.support()[1]
            return float(hi) if math.isfinite(hi) else float(self.level.ppf(np.array([0.999]))[0])
        return float(self.point_level)


@dataclass
class SibModel:
    """A ``sib:`` section compiled against its scenario (see the module docstring).

    Made by :func:`compile_sib`; its methods compute the contract's money
    (docs/method.md, section 7).

    Attributes
    ----------
    contract : SibContract
        The ``sib:`` section as written.
    model : Model
        The scenario's engine model (at the contract's ``price_year``).
    outcomes : list of CompiledOutcome
        The outcomes, resolved against the scenario.
    invest_cents : ndarray (I, P) of int64
        Each investor's investment drawn per period, cents of the contract's currency.
    provider_costs : ndarray (P,)
        The provider's costs per period, euro.
    tiers : list of list of int
        Investor indices by seniority tier, most senior first.
    order : list of int
        Investor indices, most senior first.
    guarantor_is_payer : bool
        Whether one of the outcome payers also tops investors up to the floor.
    defaults : dict of str to str
        Defaults used (field -> what was taken), for reports.
    columns : Columns or None
        The contract's periods (default: one per year of the horizon).
    terms : Terms or None
        The waterfall's terms in cents (made by :func:`compile_sib`).
    person_caps : list of (numpy.int64, list of int)
        Each cap per person as cents for all its participants, and the outcomes it spans.
    """

    contract: SibContract
    model: Model
    outcomes: list[CompiledOutcome]
    invest_cents: np.ndarray  # (I, P)
    provider_costs: np.ndarray  # (P,) euro
    tiers: list[list[int]]
    order: list[int]  # investors, most senior first
    guarantor_is_payer: bool
    defaults: dict[str, str] = field(default_factory=dict)
    columns: Columns | None = None
    terms: Terms | None = None
    person_caps: list[tuple[np.int64, list[int]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.columns is None:
            self.columns = Columns.annual(self.model.years)
        if self.terms is None:
            self.terms = _terms(self.contract, self.columns, self.invest_cents, self.tiers, self.order)

    @property
    def scenario(self) -> Scenario:
        """The scenario the contract belongs to."""
        return self.model.scenario

    @property
    def years(self) -> np.ndarray:
        """The calendar year of each period (column) of the contract, shape (P,)."""
        assert self.columns is not None
        return self.columns.years

    @property
    def cols(self) -> Columns:
        """The contract's periods (columns)."""
        assert self.columns is not None
        return self.columns

    @property
    def investor_ids(self) -> list[str]:
        """The investors' ids, in the contract's order."""
        return [inv.id for inv in self.contract.investors]

    @property
    def point_levels(self) -> np.ndarray:
        """Expected level of each outcome, shape (O,)."""
        return np.array([o.point_level for o in self.outcomes])

    def outcome_index(self, outcome: int | str) -> int:
        """The index of an outcome of the contract, given as its index or its id.

        Parameters
        ----------
        outcome : int or str
            An index (0 is the first outcome of the contract) or an outcome's ``id``.

        Returns
        -------
        int
            The index into :attr:`outcomes`.

        Raises
        ------
        MkbaError
            An unknown id, an index out of range or another type: naming the contract's outcomes.

        Examples
        --------
        >>> from mkba.sib.model import compile_sib
        >>> sib = compile_sib("scenarios/buzinezzclub-rotterdam.yaml")
        >>> sib.outcome_index("uitkeringsdagen"), sib.outcome_index(0)
        (0, 0)
        """
        ids = [o.id for o in self.outcomes]
        if isinstance(outcome, str) and outcome in ids:
            return ids.index(outcome)
        if (
            isinstance(outcome, int | np.integer)
            and not isinstance(outcome, bool)
            and 0 <= outcome < len(ids)
        ):
            return int(outcome)
        named = ", ".join(f"{k} = {i}" for k, i in enumerate(ids))
        near = nearest(outcome, ids) if isinstance(outcome, str) else ""
        raise MkbaError(
            f"expected an outcome of the contract, by id or index ({named}), got {outcome!r}{near}",
            field="outcome",
        )

    def levels_from(self, given: dict[str, float] | float | None) -> np.ndarray:
        """Outcome levels (O,) from ``--outcome`` style input: one number, or id -> level.

        Parameters
        ----------
        given : dict of str to float, float, or None
            Levels in each outcome's unit: one number (a contract with one outcome),
            or outcome id -> level; outcomes not given keep their expected level.

        Returns
        -------
        ndarray (O,)
            The levels, in the order of the contract's outcomes.

        Raises
        ------
        MkbaError
            For an unknown outcome id, a level below 0 or not finite, or one number
            for a contract with several outcomes.
        """
        levels = self.point_levels.copy()
        if given is None:
            return levels
        ids = [o.id for o in self.outcomes]
        if not isinstance(given, dict):
            if len(ids) != 1:
                raise MkbaError(
                    f"the contract has {len(ids)} outcomes; give each as ID=LEVEL ({', '.join(ids)})",
                    field="levels",
                )
            given = {ids[0]: given}
        for key, value in given.items():
            if key not in ids:
                raise MkbaError(f"unknown outcome {key!r}" + nearest(key, ids), field="levels")
            if not (math.isfinite(value) and value >= 0):
                raise MkbaError(f"expected an outcome level >= 0 for {key!r}, got {value!r}", field="levels")
            most = self.outcomes[ids.index(key)].most
            if most is not None and value > most:
                raise MkbaError(
                    f"outcome {key!r} counts persons: at most its {most:g} participants can reach it, "
                    f"got {value:g}",
                    field="levels",
                )
            levels[ids.index(key)] = value
        return levels

    # -- the money -------------------------------------------------------------------------------
    def run(
        self,
        levels: ArrayLike,
        *,
        counts: np.ndarray | None = None,
        values: np.ndarray | None = None,
        theta: ArrayLike | None = None,
    ) -> Schedule:
        """The contract's money for each row of ``levels``.

        Each rule's payment (rounded to whole cents), spread over the years measured,
        then the waterfall to the provider and investors, the floor, and the payer's
        avoided costs (docs/method.md, section 7).

        Parameters
        ----------
        levels : array_like (D, O) or (O,)
            Outcome levels, each in its outcome's unit (per participant for ``per: participant``).
        counts, values : ndarray (D, O), optional
            Participant mode: successes and units per success (the level is then
            ``values * counts / participants``); by default every participant
            counts the level (``counts = participants``, ``values = levels``).
            ``values`` goes with ``counts``.
        theta : array_like (D, J) or (J,), optional
            The scenario's inputs (default: their point values).

        Returns
        -------
        Schedule
            The money per draw and year: ``*_cents`` arrays in int64 euro cents, savings in euro.

        Raises
        ------
        MkbaError
            For a level that is not finite, a number of levels a row other than the contract's number
            of outcomes, or payments beyond what the engine holds (EUR 10 trillion).
        ValueError
            For ``counts`` without ``values``.

        Examples
        --------
        >>> from mkba.sib.model import compile_sib
        >>> sib = compile_sib("scenarios/buzinezzclub-rotterdam.yaml")
        >>> s = sib.run([[150.0], [250.0]])  # benefit days saved per participant, two draws
        >>> s.outcome_payments_total.tolist()  # euro
        [480000.0, 800000.0]
        >>> s.payer_cents.shape  # (draws, years 2014-2018), euro cents
        (2, 5)
        """
        levels = self._level_rows(levels)
        D, O = levels.shape
        bad = ~np.isfinite(levels)
        if bad.any():
            d, k = np.argwhere(bad)[0]
            raise MkbaError(
                f"expected a finite outcome level for {self.outcomes[k].id!r}, got {levels[d, k]!r}"
            )
        n = np.array([o.participants if o.per_participant else 1 for o in self.outcomes], dtype=np.float64)
        if counts is None:
            counts, values = np.broadcast_to(n, (D, O)), levels
        elif values is None:
            raise ValueError("run(counts=...) needs values (outcome units per success) as well")
        by_outcome = self.rule_totals(levels, np.asarray(counts, dtype=np.float64), np.asarray(values))
        self._check_within_engine(levels, by_outcome)
        cols = self.cols
        due = np.zeros((len(cols.years), D), dtype=np.int64)  # one period a row: the waterfall's layout
        for k, o in enumerate(self.outcomes):
            allocate_rows(due, by_outcome[:, k], o.shares)
        if cols.after_end is not None:
            due[cols.after_end] = 0  # the contract ended: nothing measured later is paid
        assert self.terms is not None
        money = waterfall(self.terms, due.T, self.invest_cents)
        payer = money["outcome_cents"]
        if self.guarantor_is_payer:  # the floor's top-up, paid at settlement only
            rows = payer.T.copy()  # one period a row, as the waterfall lays its money out
            rows[self.terms.settle] += money["guarantee_cents"][:, :, self.terms.settle].sum(axis=1)
            payer = rows.T
        savings, discount = self._savings(levels, theta)
        return Schedule(
            self.years,
            levels,
            by_outcome,
            savings=savings,
            discount=discount,
            invest_cents=self.invest_cents,
            payer_cents=payer,
            times=cols.times,
            col_index=cols.index,
            settle=self.terms.settle,
            fx=float(self.contract.exchange_rate or 1.0),
            dated=cols.dated,
            periods=cols.labels,
            **money,
        )

    def _level_rows(self, levels: ArrayLike) -> np.ndarray:
        """``levels`` as rows (D, O) of one level per outcome; another number of levels is refused."""
        rows = np.atleast_2d(np.asarray(levels, dtype=np.float64))
        n = len(self.outcomes)
        if rows.ndim != 2 or rows.shape[1] != n:
            ids = ", ".join(o.id for o in self.outcomes)
            got = rows.shape[-1] if rows.ndim == 2 else f"an array of shape {rows.shape}"
            raise MkbaError(
                f"expected {n} level{'s' if n != 1 else ''} a row, one per outcome of the contract "
                f"({ids}), got {got}",
                field="levels",
            )
        return rows

    def rule_totals(self, levels: np.ndarray, counts: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Each outcome's payment from its rules (D, O) cents: dependencies, triggers, person caps, netting.

        In this order: an outcome that depends on another counts at most the parent's successes (and
        level); its rules are summed (:func:`mkba.sib.payout.rule_cents`); below its ``trigger`` it pays
        nothing; caps per person cut the outcomes they span, the last listed first; an alternative
        trigger pays its amount minus what the outcomes it nets were paid, never below zero.

        Parameters
        ----------
        levels, counts, values : ndarray (D, O)
            Outcome levels (each in its unit), participants counted and units per participant counted.

        Returns
        -------
        ndarray (D, O) of int64
            Cents of the contract's currency.
        """
        D, O = levels.shape
        # copies in the layout given: one outcome's draws contiguous when the draws come outcome by outcome
        levels, counts = levels.copy(order="K"), counts.copy(order="K")
        values = np.array(values, dtype=np.float64, order="K")
        by_outcome = np.zeros((D, O), dtype=np.int64, order="F")  # one outcome's draws contiguous
        for k, o in enumerate(self.outcomes):
            if o.parent is not None:
                q = o.parent
                counts[:, k] = np.minimum(counts[:, k], counts[:, q])
                if o.participant_terms is None:
                    values[:, k] = np.minimum(values[:, k], values[:, q])
                    levels[:, k] = np.minimum(levels[:, k], levels[:, q])
                else:
                    levels[:, k] = values[:, k] * counts[:, k] / o.participants
            total = np.zeros(D, dtype=np.int64)
            for rule in o.rules:
                total += rule_cents(rule, levels[:, k], counts[:, k], values[:, k])
            if o.trigger is not None:
                reached = levels[:, k] >= o.trigger - 1e-12 * max(1.0, abs(o.trigger))
                total = np.where(reached, total, 0)
            by_outcome[:, k] = total
        for cap, ks in self.person_caps:
            left = np.full(D, cap, dtype=np.int64)
            for k in ks:
                by_outcome[:, k] = np.minimum(by_outcome[:, k], left)
                left = left - by_outcome[:, k]
        for k, o in enumerate(self.outcomes):
            if o.nets:
                by_outcome[:, k] = np.maximum(by_outcome[:, k] - by_outcome[:, o.nets].sum(axis=1), 0)
        return by_outcome

    def _check_within_engine(self, levels: np.ndarray, rule_cents: np.ndarray) -> None:
        """Refuse outcome payments beyond :data:`mkba.sib.payout.NO_CAP` (EUR 10 trillion), the most the cents engine holds.

        Beyond it the money would no longer be exact (and, in int64, wrap
        around to negative amounts); a rule's cap that brings a payment back
        within it is fine, since :func:`mkba.sib.payout.round_half_away` never overflows.
        """
        over = rule_cents.sum(axis=1) > NO_CAP
        if not over.any():
            return
        d = int(np.flatnonzero(over)[0])
        given = ", ".join(f"{o.id} = {levels[d, k]:g}" for k, o in enumerate(self.outcomes))
        raise MkbaError(
            f"outcome level {given} would pay more than {self.contract.currency} {int(NO_CAP) / 100:,.2f} "
            "in outcome payments, the largest amount the SIB engine holds; give a lower outcome level",
            field="levels",
        )

    def _savings(self, levels: np.ndarray, theta: ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
        """Costs the payer avoids per year (D, Y), euro, with the linked lines scaled to the levels.

        Returns
        -------
        (ndarray (D, Y), ndarray (D or 1, Y))
            The avoided costs in euro, and the discount factors.
        """
        if theta is None:  # the inputs' point values: the same lines for every draw, evaluated once
            cached = self.__dict__.get("_point_lines")
            if cached is None:
                cached = self.__dict__["_point_lines"] = self._lines(self.model.base)
            lines, discount = cached
        else:
            lines, discount = self._lines(np.asarray(theta, dtype=np.float64))
        D = levels.shape[0]
        savings: np.ndarray | None = None  # one year a row; returned as (D, Y)
        for k, base in lines:
            part = base * (levels[:, k] / self.outcomes[k].reference_level)[None, :]
            if savings is None:
                savings = np.add(part, 0.0, out=part)  # as 0 + part: no -0.0
            else:
                savings += part
        if savings is None:
            savings = np.zeros((len(self.model.years), D))
        return savings.T, discount

    def _lines(self, inputs: np.ndarray) -> tuple[list[tuple[int, np.ndarray]], np.ndarray]:
        """Per outcome with linked lines, their avoided costs at ``inputs`` as written (Y, 1 or D), and the
        discount factors (1 or D, Y)."""
        flows = self.model.evaluate(inputs)
        lines = [
            (k, np.ascontiguousarray(flows.posted[:, o.postings, :].sum(axis=1).T))
            for k, o in enumerate(self.outcomes)
            if o.postings.size
        ]
        return lines, flows.discount

    # -- figures at one outcome set -----------------------------------------------------------------
    def point(self, levels: dict[str, float] | float | np.ndarray | None = None) -> SibResult:
        """The schedule and figures at one set of outcome levels (default: the expected levels).

        Parameters
        ----------
        levels : dict of str to float, float, ndarray (O,), or None
            As :meth:`levels_from` takes them, or an array of all levels (each in its outcome's unit).

        Returns
        -------
        SibResult
            The contract at those levels.

        Examples
        --------
        >>> from mkba.sib.model import compile_sib
        >>> sib = compile_sib("scenarios/buzinezzclub-rotterdam.yaml")
        >>> result = sib.point({"uitkeringsdagen": 150})  # benefit days saved per participant
        >>> {year: float(euro) for year, euro in result.payments().items()}
        {2015: 168000.0, 2016: 168000.0, 2017: 72000.0, 2018: 72000.0}
        """
        lv = self.levels_from(levels) if not isinstance(levels, np.ndarray) else levels
        return SibResult(self, self.run(lv[None, :]))

    def levels_along(self, outcome: int | str, grid: np.ndarray, at: np.ndarray | None = None) -> np.ndarray:
        """Sets of outcome levels along ``grid``: outcome ``outcome`` at each level, the others at ``at``.

        The one place that lays out the levels of the payout curve, the net savings and the gains
        searched for a break-even.

        Parameters
        ----------
        outcome : int or str
            The outcome that varies: its index or its id.
        grid : ndarray (G,)
            Its levels, in its unit.
        at : ndarray (O,), optional
            The levels of all outcomes (default: their expected levels).

        Returns
        -------
        ndarray (G, O)
            One set of levels per point of ``grid`` (what :meth:`run` takes).

        Raises
        ------
        MkbaError
            An outcome the contract does not have (:meth:`outcome_index`).
        """
        k = self.outcome_index(outcome)
        levels = np.tile(self.point_levels if at is None else at, (len(grid), 1))
        levels[:, k] = grid
        return levels

    def net_savings_at(
        self, outcome: int | str, grid: np.ndarray, at: np.ndarray | None = None
    ) -> np.ndarray:
        """The payer's net savings (PV, euro) with outcome ``outcome`` at each level of ``grid``.

        Parameters
        ----------
        outcome : int or str
            The outcome that varies, by index or id; the others stay at ``at``.
        grid : ndarray (G,)
            Its levels, in its unit.
        at : ndarray (O,), optional
            The levels of all outcomes (default: their expected levels).

        Returns
        -------
        ndarray (G,)
            Present value of the costs the payer avoids minus all it pays, euro.

        Raises
        ------
        MkbaError
            An outcome the contract does not have (:meth:`outcome_index`).
        """
        return self.run(self.levels_along(outcome, grid, at)).payer_net_savings

    def search_top(self, outcome: int | str) -> float:
        """Upper end of the outcome range searched for the break-even and drawn in the chart.

        Twice the highest of: the highest level a draw reaches, the expected and reference
        levels, and the levels where a rule changes (in the outcome's unit). ``outcome``: its index
        or its id (:meth:`outcome_index`; an outcome the contract does not have is an MkbaError).
        """
        o = self.outcomes[self.outcome_index(outcome)]
        marks = [o.level_high, o.point_level, o.reference_level or 0.0, o.trigger or 0.0]
        for rule in o.rules:
            if isinstance(rule, Bands):
                marks.append(rule.points[-1][0])
            elif isinstance(rule, Linear):
                marks.append(rule.up_to if rule.up_to is not None else rule.threshold)
            elif isinstance(rule, Threshold):
                marks.append(rule.level)
        return 2.0 * max(max(marks), 1e-9)

    def gain_at(
        self, outcome: int | str, grid: np.ndarray, who: str = "payer", at: np.ndarray | None = None
    ) -> np.ndarray:
        """What ``who`` gains with outcome ``outcome`` at each level of ``grid``, the others at ``at``.

        Parameters
        ----------
        outcome : int or str
            The outcome that varies: its index or its id.
        grid : ndarray (G,)
            Its levels, in its unit.
        who : {"payer", "investors"}
            The payers' net savings (PV, euro), or what the investors get back minus what they put in
            (cents of the contract's currency; floor top-ups and guarantees included).
        at : ndarray (O,), optional
            The levels of all outcomes (default: their expected levels).

        Returns
        -------
        ndarray (G,)
            The gain; >= 0 where ``who`` breaks even.

        Raises
        ------
        MkbaError
            A ``who`` other than ``"payer"`` or ``"investors"``; an outcome the contract does not have.
        """
        if _whose(who) == "payer":
            return self.net_savings_at(outcome, grid, at)
        s = self.run(self.levels_along(outcome, grid, at))
        return (s.investor_cents().sum(axis=(1, 2)) - s.invest_cents.sum()).astype(np.float64)

    def break_even(
        self, outcome: int | str = 0, who: str = "payer", at: np.ndarray | None = None
    ) -> tuple[float | None, str]:
        """The lowest level of ``outcome`` from which on ``who`` breaks even (docs/method.md, section 7).

        The payer: its avoided costs are at least what it pays (PV). The investors: they get back at
        least what they put in. Other outcomes stay at ``at`` (default: their expected levels).
        Searched over ``[0, search_top]``: on a grid, then refined by bisection.

        Parameters
        ----------
        outcome : int or str
            The outcome: its index or its id.
        who : {"payer", "investors"}
            Whose break-even.
        at : ndarray (O,), optional
            The levels of all outcomes (default: their expected levels).

        Returns
        -------
        (float or None, str)
            The level (in the outcome's unit) and ``""``; or None and the reason in words: ``who``
            breaks even at every level, or at none up to the top of the range.

        Raises
        ------
        MkbaError
            A ``who`` other than ``"payer"`` or ``"investors"``; an outcome the contract does not have
            (naming its outcomes).

        Examples
        --------
        >>> from mkba.sib.model import compile_sib
        >>> sib = compile_sib("scenarios/buzinezzclub-rotterdam.yaml")
        >>> level, why = sib.break_even("uitkeringsdagen", who="payer")  # benefit days per participant
        >>> round(level, 2), why
        (61.15, '')
        """
        level, why, top = self.break_even_why(outcome, who, at)
        if why:
            return None, no_break_even(who, why, top=top, up_to=level, json=True)
        return level, ""

    def break_even_why(
        self, outcome: int | str = 0, who: str = "payer", at: np.ndarray | None = None
    ) -> tuple[float | None, str, float]:
        """The break-even level of :meth:`break_even`, or why there is none as a code, and the range searched.

        Returns
        -------
        (float or None, str, float)
            The level (in the outcome's unit) and ``""``; or None and ``"always"`` (``who`` breaks
            even at every level), ``"never"`` (at no level up to the top) or ``"no_investors"``; or
            the highest level up to which ``who`` breaks even and ``"up_to"`` (it does at lower levels,
            not at higher ones: a payer whose payments grow faster than its savings); and the top of
            the levels searched (the outcome's unit).

        Raises
        ------
        MkbaError
            A ``who`` other than ``"payer"`` or ``"investors"``; an outcome the contract does not have.
        """
        who, outcome = _whose(who), self.outcome_index(outcome)
        if who == "investors" and not self.contract.investors:
            return None, "no_investors", 0.0
        top = self.search_top(outcome)
        grid = np.linspace(0.0, top, 2001)
        net = self.gain_at(outcome, grid, who, at)
        below = np.flatnonzero(net < 0)
        if below.size == 0:
            return None, "always", top
        last = below[-1]
        if last < len(grid) - 1:  # breaks even from a level on, up to the top
            return self._edge(outcome, who, at, grid[last], grid[last + 1], rising=True), "", top
        fine = np.flatnonzero(net >= 0)
        if fine.size == 0:
            return None, "never", top
        k = fine[-1]  # breaks even at lower levels, not from this one on
        return self._edge(outcome, who, at, grid[k], grid[k + 1], rising=False), "up_to", top

    def _edge(
        self, outcome: int, who: str, at: np.ndarray | None, lo: float, hi: float, rising: bool
    ) -> float:
        """Where ``who``'s gain changes sign between ``lo`` and ``hi``: the level nearest it that breaks even.

        ``rising``: the gain is below zero at ``lo`` and not at ``hi`` (the lowest level that breaks
        even is sought); else the other way round (the highest). Eight rounds of 64 points: far below
        any meaningful precision.
        """
        for _ in range(8):
            sub = np.linspace(lo, hi, 65)
            ok = self.gain_at(outcome, sub, who, at) >= 0
            first = int(np.argmax(ok if rising else ~ok))  # the right end is known to be on the other side
            lo, hi = sub[max(first - 1, 0)], sub[first]
            if first == 0:
                break
        found = hi if rising else lo
        # a threshold is reached within a relative 1e-12 (binary noise): the search then ends a hair below
        # it (9.99999999999 for 10); the level in ten significant digits, where it still breaks even
        short = float(f"{found:.10g}")
        if short != found and self.gain_at(outcome, np.array([short]), who, at)[0] >= 0:
            found = short
        return float(found)

    def curve(self, outcome: int | str = 0, n: int = 401, top: float | None = None) -> dict[str, np.ndarray]:
        """The payout curve: figures against the level of ``outcome`` (others at their expected level).

        Parameters
        ----------
        outcome : int or str
            The outcome that varies: its index or its id.
        n : int
            Points on the curve.
        top : float, optional
            The highest level drawn (default: :meth:`search_top`).

        Returns
        -------
        dict of str to ndarray (n,)
            ``level`` (the outcome's unit); payments, receipts, top-up and guarantees (``guarantee``),
            excess in the contract's currency, present values in euro; ``investor_irr`` (fraction per year),
            ``investor_multiple``; ``capped`` (bool: the contract cap binds).

        Raises
        ------
        MkbaError
            An outcome the contract does not have (naming its outcomes).
        """
        outcome = self.outcome_index(outcome)
        top = self.search_top(outcome) if top is None else top
        grid = np.linspace(0.0, top, n)
        s = self.run(self.levels_along(outcome, grid))
        return {
            "level": grid,
            "outcome_payments": s.outcome_payments_total,
            "investors_receive": s.combined_cents().sum(axis=1) / 100.0,
            "guarantee": (s.guarantee_cents.sum(axis=(1, 2)) + s.backstop.sum(axis=(1, 2))) / 100.0,
            "excess": s.excess_cents.sum(axis=1) / 100.0,
            "investor_irr": s.investor_irr(),
            "investor_multiple": s.investor_multiple(),
            "payer_pv_payments": s.payer_pv_payments,
            "payer_pv_savings": s.payer_pv_savings,
            "capped": s.due_cents.sum(axis=1) > cap_cents(self.contract.max_outcome_payment),
        }


#: Whose break-even and gain :meth:`SibModel.break_even` and :meth:`SibModel.gain_at` take.
WHO = ("payer", "investors")


def _whose(who: str) -> str:
    """``who`` if it is one of :data:`WHO`; anything else is one MkbaError naming them."""
    if isinstance(who, str) and who in WHO:
        return who
    raise MkbaError(f"expected who to be one of {', '.join(repr(w) for w in WHO)}, got {who!r}", field="who")


# -- compiling ---------------------------------------------------------------------------------------
def compile_sib(
    scenario: str | Path | dict | Scenario,
    pricelist: str | Path | PriceList | None = None,
    *,
    index: PriceIndex | None = None,
    folders: Iterable[str | Path] = (),
) -> SibModel:
    """Check a scenario's ``sib:`` section against the scenario and compile it.

    The contract's money follows docs/method.md, section 7 (its terms in docs/sib.md).

    Parameters
    ----------
    scenario : str, path, dict or Scenario
        A scenario with a ``sib:`` section.
    pricelist : str, path or PriceList, optional
        Default: the scenario's ``pricelist``.
    index : PriceIndex, optional
        The price index (default: the bundled CPI series).
    folders : iterable of str or path
        Extra folders to look for price lists in.

    Returns
    -------
    SibModel
        The contract compiled with the scenario's engine model (investments in euro cents,
        provider costs in euro, per calendar year of the scenario).

    Raises
    ------
    MkbaError
        With file, line and field, for anything in the contract that does not
        fit the scenario (unknown effect line ids, years outside the horizon,
        an unknown stakeholder, a price year outside the index), before anything is computed.

    Examples
    --------
    >>> from mkba.sib.model import compile_sib
    >>> sib = compile_sib("scenarios/buzinezzclub-rotterdam.yaml")
    >>> sib.investor_ids
    ['abn-amro-sif', 'start-foundation']
    >>> [(o.id, o.participants) for o in sib.outcomes]
    [('uitkeringsdagen', 160)]
    """
    s = load_scenario(scenario)
    c = s.sib
    if c is None:
        raise s.error("this scenario has no 'sib:' section (see docs/sib.md)", ())
    pl = load_pricelist(pricelist if pricelist is not None else s.pricelist_ref, folders=folders, index=index)
    defaults: dict[str, str] = {}
    if c.price_year is None:
        defaults["sib.price_year"] = "the scenario's price year"
    else:
        _check_price_year(s, c.price_year, index)
    model = compile_scenario(s, pl, index=index, price_year=c.price_year)
    _check_stakeholders(s, c, model)
    payers = [model.stakeholders.index(name) for name, _ in c.payer_shares]
    total_participants = round(sum(mean_of(v) for v in s.participants.values()))
    cols = Columns.of(c, model.years)
    outcomes = [
        _compile_outcome(s, model, o, k, payers, total_participants, defaults, cols)
        for k, o in enumerate(c.outcomes)
    ]
    ids = [o.id for o in c.outcomes]
    caps = [
        (
            np.int64(
                math.floor(
                    round(
                        cap.amount
                        * 100.0
                        * (cap.participants or outcomes[ids.index(cap.outcomes[0])].participants),
                        6,
                    )
                )
            ),
            [ids.index(x) for x in cap.outcomes],
        )
        for cap in c.person_caps
    ]
    tiers = c.tiers()
    payer_names = {name for name, _ in c.payer_shares}
    return SibModel(
        c,
        model,
        outcomes,
        _investment_cents(c, cols),
        _provider_costs(c, model, cols),
        tiers,
        [i for t in tiers for i in t],
        c.max_loss_paid_by in payer_names,
        defaults,
        columns=cols,
        person_caps=caps,
    )


@dataclass(frozen=True)
class Columns:
    """The contract's periods: the columns of every money array (docs/sib.md, "Time").

    A contract on years has one column per year of the horizon. A contract that names a quarter,
    month or date has one column per date it names, plus the last day of each year of the horizon
    (where the payer's avoided costs of that year fall); a year it names then stands for 31 December.

    Attributes
    ----------
    labels : list of str
        Each column's label: the year, or the date (ISO).
    years : ndarray (P,)
        Each column's calendar year.
    index : ndarray (P,)
        Each column's index in the horizon's years.
    times : ndarray (P,)
        Years from the first column: whole years, or days / 365 (as XIRR counts them).
    dated : bool
        Whether the columns are dates.
    dates : list of datetime.date
        Each column's date (31 December for a year).
    after_end : ndarray (P,) of bool or None
        The columns after an early end of the contract (``ends``), else None.
    """

    labels: list[str]
    years: np.ndarray
    index: np.ndarray
    times: np.ndarray
    dated: bool
    dates: list[dt.date]
    after_end: np.ndarray | None = None

    @classmethod
    def annual(cls, horizon: np.ndarray, ends: int | str | None = None) -> Columns:
        """One column per year of the horizon."""
        years = np.asarray(horizon)
        dates = [dt.date(int(y), 12, 31) for y in years]
        return cls(
            [str(int(y)) for y in years],
            years,
            np.arange(len(years)),
            np.arange(len(years), dtype=np.float64),
            False,
            dates,
            _after(dates, ends),
        )

    @classmethod
    def of(cls, c: SibContract, horizon: np.ndarray) -> Columns:
        """The columns of contract ``c`` on a horizon of years."""
        if not c.dated:
            return cls.annual(horizon, c.ends)
        dates = sorted({period_date(p) for p in c.periods()} | {dt.date(int(y), 12, 31) for y in horizon})
        years = np.array([d.year for d in dates])
        return cls(
            [d.isoformat() for d in dates],
            years,
            years - int(horizon[0]),
            np.array([(d - dates[0]).days / 365.0 for d in dates]),
            True,
            dates,
            _after(dates, c.ends),
        )

    def col(self, p: int | str) -> int:
        """The column of period ``p``."""
        return self.dates.index(period_date(p))


def _after(dates: list[dt.date], ends: int | str | None) -> np.ndarray | None:
    """Which of ``dates`` lie after the contract's early end (None when it ran its course)."""
    if ends is None:
        return None
    end = period_date(ends)
    return np.array([d > end for d in dates])


def _terms(
    c: SibContract, cols: Columns, invest: np.ndarray, tiers: list[list[int]], order: list[int]
) -> Terms:
    """The waterfall's terms of contract ``c`` in cents on its columns (see :class:`mkba.sib.payout.Terms`)."""
    drawn = invest.sum(axis=1)
    floors: list[np.int64 | None] = [None] * len(c.investors)
    if c.max_loss is not None:
        floors = [
            floor_cents((1 - c.max_loss) * (inv.amount if c.ends is None else drawn[i] / 100.0))
            for i, inv in enumerate(c.investors)
        ]
    ids = [inv.id for inv in c.investors]
    drawn_cols = np.flatnonzero(invest.sum(axis=0))
    last_draw = cols.dates[int(drawn_cols[-1])] if drawn_cols.size else None
    guarantees = [
        (_guaranteed(g.amount, last_draw), [ids.index(n) for n in g.covers] if g.covers else list(order))
        for g in c.guarantees
    ]
    w = c.once_investors_whole
    return Terms(
        cap=cap_cents(c.max_outcome_payment),
        provider_share=c.provider.share_of_payments if c.provider else 0.0,
        beyond_to_provider=c.beyond_max_return == "provider",
        return_caps=[c.return_cap(inv) for inv in c.investors],
        interest=[inv.interest or 0.0 for inv in c.investors],
        dt=np.diff(cols.times, prepend=cols.times[0]),
        tiers=tiers,
        order=order,
        whole=None if w is None else (w.investors, w.provider, w.payer_keeps),
        settle=cols.col(c.settlement),
        floors=floors,
        guarantees=guarantees,
        weights=[float(x) for x in drawn],
    )


def _guaranteed(amount: float | dict, last_draw: dt.date | None) -> np.int64:
    """A guarantee's amount in force at settlement, cents: a number, or the schedule's entry for the last draw."""
    if not isinstance(amount, dict):
        return cap_cents(amount)
    if last_draw is None:
        return np.int64(0)
    in_force = [a for p, a in amount.items() if period_date(p) <= last_draw]
    return cap_cents(in_force[-1]) if in_force else np.int64(0)


def _check_price_year(s: Scenario, price_year: int, index: PriceIndex | None) -> None:
    """The contract's ``price_year`` lies within the price index (with the scenario's assumed inflation)."""
    try:
        s.price_index(index).level(price_year)
    except MkbaError as exc:
        raise s.error(exc.message, ("sib", "price_year")) from None


def _check_stakeholders(s: Scenario, c: SibContract, model: Model) -> None:
    """Payers, the floor's payer and the guarantors name stakeholders of the scenario."""
    places: list[tuple[str | None, tuple]] = [(c.outcome_payer, ("sib", "outcome_payer"))]
    places += [(p.payer, ("sib", "outcome_payers", j, "payer")) for j, p in enumerate(c.outcome_payers or [])]
    places.append((c.max_loss_paid_by, ("sib", "max_loss_paid_by")))
    places += [(g.guarantor, ("sib", "guarantees", j, "guarantor")) for j, g in enumerate(c.guarantees)]
    for who, path in places:
        if who is not None and who not in model.stakeholders:
            raise s.error(f"unknown stakeholder {who!r}" + nearest(who, model.stakeholders), path)


def _compile_outcome(
    s: Scenario,
    model: Model,
    o: Outcome,
    k: int,
    payers: list[int],
    total_participants: int,
    defaults: dict[str, str],
    cols: Columns,
) -> CompiledOutcome:
    """Outcome ``o`` (the ``k``-th) resolved against the scenario's model.

    Its measured shares per period (column), the postings on the outcome payers (stakeholder
    indices ``payers``) and the quantity columns of the effect lines it names, its participants
    (default: its cohort's, else all of the scenario, ``total_participants``, noted in ``defaults``),
    and the outcomes it depends on or nets.
    """
    c = s.sib
    assert c is not None
    shares = np.zeros(len(cols.years))
    for p, share in o.measured.items():
        shares[cols.col(p)] = share
    line_ids = [ln.id for ln in model.lines]
    postings: list[int] = []
    qcols: list[int] = []
    for eid in o.effects:
        li = line_ids.index(eid)
        postings += [
            int(p) for p in np.flatnonzero(model.posting_line == li) if model.posting_stakeholder[p] in payers
        ]
        qcols.append(model.input_index(f"effects.{eid}.quantity"))
    n = o.participants
    cohort = next((x for x in c.cohorts if x.id == o.cohort), None)
    if n is None and cohort is not None and cohort.participants is not None and o.per == "participant":
        n = cohort.participants
    if n is None and o.per == "participant":
        if total_participants < 1:
            raise s.error(
                "per: participant needs 'participants' here or in the scenario", ("sib", "outcomes", k)
            )
        n = total_participants
        defaults[f"sib.outcomes[{k}].participants"] = f"{n} (all participants of the scenario)"
    ps = o.per_participant
    ids = [x.id for x in c.outcomes]
    return CompiledOutcome(
        id=o.id,
        label=o.label or o.id,
        per_participant=o.per == "participant",
        participants=n or 1,
        rules=list(o.rules),
        shares=shares,
        reference_level=o.reference_level,
        postings=np.array(postings, dtype=np.int64),
        quantity_cols=qcols,
        level=o.level if ps is None else None,
        success=ps.success if ps else None,
        value=ps.value if ps else None,
        cohort=o.cohort,
        trigger=o.trigger,
        parent=None if o.requires is None else ids.index(o.requires),
        nets=[ids.index(x) for x in o.alternative_to],
        most=_most_persons(s, o, k, cohort, total_participants),
    )


def _most_persons(s: Scenario, o: Outcome, k: int, cohort: Cohort | None, total: int) -> float | None:
    """The most persons an outcome that counts them can reach (its or its cohort's participants).

    Raises the scenario's error where the contract would pay for more people than could reach the
    outcome: an outcome measuring more participants than its cohort has, or than the scenario has
    (``total``, when it names participants); a level that counts persons above them; a level of persons
    per participant above 1.
    """
    at = ("sib", "outcomes", k)
    cap = cohort.participants if cohort is not None and cohort.participants is not None else (total or None)
    if o.participants is not None and cap is not None and o.participants > cap:
        whose = (
            f"cohort {cohort.id!r}"
            if cohort is not None and cohort.participants is not None
            else "the scenario"
        )
        raise s.error(f"measures {o.participants} participants; {whose} has {cap}", (*at, "participants"))
    high = o.level
    top = float(high.support()[1]) if isinstance(high, _Dist) else (None if high is None else float(high))
    if o.unit == "person" and o.per == "participant" and top is not None and top > 1:
        raise s.error(
            f"the level counts persons per participant: at most 1 (everyone), got up to {top:g}",
            (*at, "level"),
        )
    if o.unit != "person" or o.per != "contract":
        return None
    most = o.participants or (cohort.participants if cohort is not None else None)
    if most is None:
        return None
    if top is not None and top > most:
        raise s.error(
            f"the level counts persons and can reach at most the {most} participants "
            f"{'of cohort ' + repr(cohort.id) if cohort is not None and not o.participants else 'measured'}, "
            f"got up to {top:g}",
            (*at, "level"),
        )
    return float(most)


def _investment_cents(c: SibContract, cols: Columns) -> np.ndarray:
    """Each investor's investment drawn per period, shape (I, P), int64 cents.

    After an early end (``ends``) nothing more is drawn: investments on or after it are left out.
    """
    invest = np.zeros((len(c.investors), len(cols.years)), dtype=np.int64)
    end = None if c.ends is None else period_date(c.ends)
    for i, inv in enumerate(c.investors):
        for p, amount in inv.investment.items():
            if end is None or period_date(p) < end:
                invest[i, cols.col(p)] += round_cents(amount)
    return invest


def _provider_costs(c: SibContract, model: Model, cols: Columns) -> np.ndarray:
    """The provider's costs per period, shape (P,), euro: each year's costs in that year's last column.

    Given per year, or the scenario's cost lines the provider names (at their point values).
    """
    by_year = np.zeros(len(model.years))
    if c.provider is not None and c.provider.costs:
        if isinstance(c.provider.costs, dict):
            for year, amount in c.provider.costs.items():
                by_year[year - model.years[0]] = amount
        else:
            line_ids = [ln.id for ln in model.lines]
            gross = model.evaluate().gross[0]
            for cid in c.provider.costs:
                by_year += gross[line_ids.index(cid)]
    costs = np.zeros(len(cols.years))
    for y in range(len(model.years)):
        at = np.flatnonzero(cols.index == y)
        if at.size:
            costs[at[-1]] = by_year[y]
    return costs


# -- results -----------------------------------------------------------------------------------------
@dataclass
class SibResult:
    """The contract at one set of outcome levels: schedule, investors, payers, guarantors, provider.

    Attributes
    ----------
    sib : SibModel
        The compiled contract.
    schedule : Schedule
        Its money at the levels (one draw).
    """

    sib: SibModel
    schedule: Schedule

    @property
    def levels(self) -> dict[str, float]:
        """Outcome id -> its level, in its unit."""
        return {o.id: float(self.schedule.levels[0, k]) for k, o in enumerate(self.sib.outcomes)}

    def _key(self, t: int) -> int | str:
        """Column ``t``'s key: its calendar year (annual contracts) or its date (ISO text)."""
        cols = self.sib.cols
        return cols.labels[t] if cols.dated else int(cols.years[t])

    def payments(self) -> dict[int | str, float]:
        """Outcome payments the payers make per period, only periods with a payment due.

        Returns
        -------
        dict of int or str to float
            Calendar year (or date) -> amount in the contract's currency.
        """
        s = self.schedule
        return {
            self._key(t): s.outcome_cents[0, t] / 100.0
            for t in range(len(s.years))
            if s.due_cents[0, t] or s.outcome_cents[0, t]
        }

    def schedule_rows(self) -> list[dict[str, Any]]:
        """One row per period: every money flow of the contract (exact to the cent).

        Returns
        -------
        list of dict
            Per period (``year``, and ``period``: the year or the date): investment, provider costs
            (euro), payments due and made, to the provider, beyond the return cap, to each investor
            (``to_<id>``), the floor top-up, the guarantees paid, what the payers keep once the investors
            are whole (``payer_keeps``), all the payers pay (contract currency) and the costs they avoid
            (euro, in the last period of each year).
        """
        s, sib = self.schedule, self.sib
        last_of_year = {int(i): t for t, i in enumerate(sib.cols.index)}
        rows = []
        for t, y in enumerate(s.years):
            row: dict[str, Any] = {
                "year": int(y),
                "period": sib.cols.labels[t],
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
            row["guarantees_paid"] = s.backstop[0, :, t].sum() / 100.0
            row["payer_keeps"] = 0.0 if s.kept_cents is None else s.kept_cents[0, t] / 100.0
            row["payer_pays"] = s.payer_cents[0, t] / 100.0
            yi = int(sib.cols.index[t])
            row["payer_avoids"] = float(s.savings[0, yi]) if last_of_year.get(yi) == t else 0.0
            rows.append(row)
        return rows

    def cohort_rows(self) -> dict[str, dict[str, Any]]:
        """Outcome payments due per cohort and period (before the contract cap), contract currency.

        Returns
        -------
        dict
            Cohort id -> ``outcomes`` (ids), ``due_total`` and ``by_period`` (period -> amount, periods
            with a payment only); empty when the contract names no cohorts.
        """
        sib, s = self.sib, self.schedule
        out: dict[str, dict[str, Any]] = {}
        for cohort in sib.contract.cohorts:
            ks = [k for k, o in enumerate(sib.outcomes) if o.cohort == cohort.id]
            due = np.zeros(len(s.years), dtype=np.int64)
            for k in ks:
                due += allocate(s.rule_cents[:, k], sib.outcomes[k].shares)[0]
            if sib.cols.after_end is not None:
                due[sib.cols.after_end] = 0
            out[cohort.id] = {
                "outcomes": [sib.outcomes[k].id for k in ks],
                "participants": cohort.participants,
                "due_total": due.sum() / 100.0,
                "by_period": {str(self._key(int(t))): due[t] / 100.0 for t in np.flatnonzero(due)},
            }
        return out

    def party_rows(self) -> list[dict[str, Any]]:
        """What each party pays (negative) or receives per period, contract currency.

        Payers (their shares of the outcome payments, and the floor top-up for the one that pays it),
        the floor's payer if it is no outcome payer, each guarantor, each investor (its cash flows)
        and the provider (what it gets out of outcome payments).

        Returns
        -------
        list of dict
            ``party``, ``role``, ``total`` and ``by_period`` (period -> amount, non-zero periods only).
        """
        s, sib, c = self.schedule, self.sib, self.sib.contract
        rows: list[tuple[str, str, np.ndarray]] = []
        shares = c.payer_shares
        parts = split_shares(s.outcome_cents[0], [sh for _, sh in shares])
        top_up = s.guarantee_cents[0].sum(axis=0)
        for (name, _), part in zip(shares, parts):
            rows.append((name, "payer", -(part + (top_up if name == c.max_loss_paid_by else 0))))
        if c.max_loss_paid_by is not None and c.max_loss_paid_by not in [n for n, _ in shares]:
            rows.append((c.max_loss_paid_by, "floor", -top_up))
        for g, x in enumerate(c.guarantees):
            paid = np.zeros(len(s.years), dtype=np.int64)
            assert s.backstop_cents is not None
            paid[s.settle] = s.backstop_cents[0, g].sum()
            rows.append((x.guarantor, "guarantor", -paid))
        for i, iid in enumerate(sib.investor_ids):
            rows.append((iid, "investor", s.investor_cents()[0, i] - s.invest_cents[i]))
        if c.provider is not None:
            rows.append((c.provider.name, "provider", s.provider_cents[0]))
        return [
            {
                "party": name,
                "role": role,
                "total": cents.sum() / 100.0,
                "by_period": {str(self._key(int(t))): cents[t] / 100.0 for t in np.flatnonzero(cents)},
            }
            for name, role, cents in rows
        ]

    def guarantees(self) -> list[dict[str, Any]]:
        """Each named guarantee: its guarantor, the amount in force at settlement and what it paid whom."""
        s, sib, c = self.schedule, self.sib, self.sib.contract
        assert sib.terms is not None and s.backstop_cents is not None
        return [
            {
                "guarantor": x.guarantor,
                "amount_in_force": sib.terms.guarantees[g][0] / 100.0,
                "paid": s.backstop_cents[0, g].sum() / 100.0,
                "paid_to": {iid: s.backstop_cents[0, g, i] / 100.0 for i, iid in enumerate(sib.investor_ids)},
                "settles": sib.cols.labels[s.settle],
            }
            for g, x in enumerate(c.guarantees)
        ]

    def _investors(self) -> dict[str, Any]:
        """Per investor: invested, received (everything), top-ups, guarantees, principal lost, IRR, multiple."""
        s, sib = self.schedule, self.sib
        if not sib.investor_ids:
            return {}
        irr_each = s.investor_irr(combined=False)[0]
        mult_each = s.investor_multiple(combined=False)[0]
        got = s.investor_cents()[0]
        flows = s.investor_flows()[0]
        assert s.backstop_cents is not None
        return {
            iid: {
                "invested": s.invest_cents[i].sum() / 100.0,
                "received": got[i].sum() / 100.0,
                "floor_top_up": s.guarantee_cents[0, i].sum() / 100.0,
                "guaranteed": s.backstop_cents[0, :, i].sum() / 100.0,
                "principal_lost": max(s.invest_cents[i].sum() - got[i].sum(), 0) / 100.0,
                "irr": _finite(irr_each[i]),
                "multiple": float(mult_each[i]),
                "flows": {lab: float(f) for lab, f in zip(sib.cols.labels, flows[i])},
            }
            for i, iid in enumerate(sib.investor_ids)
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything ``mkba sib --json`` writes.

        Returns
        -------
        dict
            JSON-ready: amounts in the contract's ``currency`` (the payer's present values and avoided
            costs in euro), IRR as a fraction per year (None where there is none), periods as text keys,
            break-even levels of payer and investors per outcome (or None with the reason in words),
            schedules per period, cohort and party, the assumptions and defaults used.
        """
        s, sib, c = self.schedule, self.sib, self.sib.contract
        has_inv = bool(sib.investor_ids)
        out: dict[str, Any] = {
            "name": c.name or sib.scenario.name,
            "price_year": sib.model.price_year,
            "currency": c.currency,
            "exchange_rate": c.exchange_rate,
            "discount_rate": float(sib.model.base[sib.model.discount_col]),
            "dated": sib.cols.dated,
            "outcome_levels": self.levels,
            "outcome_payments_total": float(s.outcome_payments_total[0]),
            "outcome_payments_due": s.due_cents[0].sum() / 100.0,
            "investment_total": s.invest_cents.sum() / 100.0,
            "investor_irr": _finite(s.investor_irr()[0]) if has_inv else None,
            "investor_multiple": float(s.investor_multiple()[0]) if has_inv else None,
            "investors_receive_total": s.investor_cents()[0].sum() / 100.0,
            "floor_top_up_total": s.guarantee_cents[0].sum() / 100.0,
            "floor_paid_by": c.max_loss_paid_by,
            "guarantees_total": s.backstop[0].sum() / 100.0,
            "beyond_return_cap_total": s.excess_cents[0].sum() / 100.0,
            "payer_keeps_total": 0.0 if s.kept_cents is None else s.kept_cents[0].sum() / 100.0,
            "payer": c.outcome_payer,
            "payers": [{"payer": n, "share": sh} for n, sh in c.payer_shares],
            "payer_payments_total": s.payer_cents[0].sum() / 100.0,
            "payer_pv_payments": float(s.payer_pv_payments[0]),
            "payer_pv_savings": float(s.payer_pv_savings[0]),
            "payer_net_savings": float(s.payer_net_savings[0]),
            "payer_savings_total": float(s.savings[0].sum()),
            "payments": {str(k): v for k, v in self.payments().items()},
            "investors": self._investors(),
            "guarantees": self.guarantees(),
            "provider": self.provider_funding(),
            "schedule": self.schedule_rows(),
            "cohorts": self.cohort_rows(),
            "parties": self.party_rows(),
            "assumptions": assumptions(c),
            "defaults_used": dict(sib.defaults),
        }
        for who in ("payer", "investors"):
            be = {}
            for k, o in enumerate(sib.outcomes):
                # the other outcomes at this result's levels (the expected ones unless given)
                level, why, top = sib.break_even_why(k, who, self.schedule.levels[0])
                reason = no_break_even(who, why, top=top, up_to=level, json=True)
                be[o.id] = {
                    "level": None if why else level,
                    "reason": reason or None,
                    "why": why or None,
                    "top": top,
                    "up_to": level if why == "up_to" else None,
                }
            out[f"{who}_break_even"] = be
        out["investor_break_even"] = out.pop("investors_break_even")
        out["payer_break_even_outcome"] = out["payer_break_even"][sib.outcomes[0].id]["level"]
        return out

    def provider_funding(self) -> dict[str, Any] | None:
        """The provider's costs against the investment it receives, per period and cumulative.

        Returns
        -------
        dict or None
            Totals, the ``shortfall`` (the lowest cumulative balance below zero, as a positive
            amount) and ``by_year`` (period as text -> investment, costs, balance); None without
            a provider. Costs are euro, the investment the contract's currency (one currency when
            the contract is in euro).
        """
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
                lab: {"investment": float(i), "costs": float(k), "balance": float(b)}
                for lab, i, k, b in zip(self.sib.cols.labels, inflow, costs, balance)
            },
        }


def _finite(x: float | None) -> float | None:
    """``x`` as a float, or None when it is None, NaN or infinite (JSON has no NaN)."""
    return float(x) if x is not None and np.isfinite(x) else None


def assumptions(c: SibContract) -> list[dict[str, str]]:
    """Every part of the contract marked ``assumption:`` (path and reason).

    Parameters
    ----------
    c : SibContract
        The contract.

    Returns
    -------
    list of dict
        ``{"field": "sib.investors[0]", "assumption": "..."}`` in the order of the section.
    """
    found: list[dict[str, str]] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, pydantic.BaseModel):
            note = getattr(node, "assumption", None)
            if note:
                found.append({"field": path or "sib", "assumption": note})
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{path}.{name}" if path else name)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")

    walk(c, "")
    return [{**a, "field": "sib" + ("." + a["field"] if a["field"] != "sib" else "")} for a in found]
