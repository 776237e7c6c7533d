"""The ``sib:`` section of a scenario: the terms of a Social Impact Bond (docs/method.md, section 7).

What lives here: the closed pydantic models of a contract (:class:`SibContract`: investors
(:class:`Investor`), the provider (:class:`Provider`), outcomes (:class:`Outcome`) and the payment rules
:class:`RateCard`, :class:`Linear`, :class:`Threshold` and :class:`Bands`), the amount types
(:data:`Euro`, at most :data:`MAX_EURO`), and every check of a contract.

Everything a contract can say is checked here, before anything is computed,
with the file, line and field of the problem: a floor above a cap, bands not
increasing in outcome, seniority naming an unknown investor, payments before
the investment, a return cap without a way to enforce it. Checks that need the
rest of the scenario (effect line ids, the horizon) are made by
:func:`check_against_scenario` (run by :func:`mkba.load_scenario`), and the stakeholders by
:func:`mkba.sib.model.compile_sib`, before anything is computed.

Field names follow the GO Lab INDIGO impact-bond data standard where they fit:
``investment``, ``max_outcome_payment`` (INDIGO: maximum outcome payment),
``max_loss`` (maximum loss), ``max_return`` and ``max_return_kind`` (maximum
return and its kind). See docs/sib.md for the whole shape.

Units: amounts in euro (at the contract's ``price_year``), years as calendar years, shares
and returns as fractions (0.12 is 12 % a year).

Imports: the shared field types of :mod:`mkba.scenario.fields` and the price list's patterns,
sources and units (:mod:`mkba.pricelist`); nothing of :mod:`mkba.sib`, the engine, results,
reports or the command line. :mod:`mkba.scenario.model` imports this module (``Scenario`` is
named here only for type checking).
"""

from __future__ import annotations

import difflib
import math
from typing import TYPE_CHECKING, Annotated, Literal

import pydantic
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from mkba.pricelist.items import NAME_PATTERN
from mkba.pricelist.source import Source
from mkba.pricelist.units import check_unit
from mkba.scenario.fields import Closed as _Closed
from mkba.scenario.fields import NonNegative, Share, Stakeholder

if TYPE_CHECKING:
    from mkba.scenario.model import Scenario

#: The largest amount in euro a contract can name (EUR 10 trillion): the SIB engine counts in int64 cents and
#: uses 100 x this as "no cap" (:data:`mkba.sib.payout.NO_CAP`), so every cap, price and amount stays within it.
MAX_EURO = 10**13

Euro = Annotated[float, pydantic.Field(ge=0, le=MAX_EURO, allow_inf_nan=False)]
PositiveEuro = Annotated[float, pydantic.Field(gt=0, le=MAX_EURO, allow_inf_nan=False)]
Year = Annotated[int, pydantic.Field(ge=1900, le=2200)]
Id = Annotated[str, pydantic.Field(pattern=NAME_PATTERN)]


def _fail(loc: tuple, message: str, value: object = None) -> ValidationError:
    """A validation error at ``loc`` (relative to the model raising it), for exact file lines.

    Parameters
    ----------
    loc : tuple
        The field's path below the model that raises it, e.g. ``("outcomes", 0, "measured", 2016)``.
    message : str
        What is wrong, said to the user.
    value : object, optional
        The value given there.

    Returns
    -------
    pydantic_core.ValidationError
        To raise; :mod:`mkba.scenario.model` turns it into an :class:`~mkba.errors.MkbaError`
        with the file and line of ``loc``.
    """
    return ValidationError.from_exception_data(
        "sib", [InitErrorDetails(type=PydanticCustomError("sib_contract", message), loc=loc, input=value)]
    )


def nearest(name: str, names: list[str]) -> str:
    """The end of an "unknown name" message: the nearest of ``names``, else all of them (nothing if none).

    Parameters
    ----------
    name : str
        The unknown name given.
    names : list of str
        The names it could have been.

    Returns
    -------
    str
        ``"; nearest: ..."`` (up to three), ``"; expected one of: ..."``, or ``""``.

    Examples
    --------
    >>> nearest("abn-amro", ["abn-amro-sif", "start-foundation"])
    '; nearest: abn-amro-sif'
    >>> nearest("x", [])
    ''
    """
    near = difflib.get_close_matches(name, names, n=3, cutoff=0.3)
    return (
        f"; nearest: {', '.join(near)}"
        if near
        else (f"; expected one of: {', '.join(names)}" if names else "")
    )


class _Documented(_Closed):
    """What every part of a contract may carry: a label, a source, or why it is an assumption."""

    label: str | None = None
    source: Source | str | None = None
    assumption: str | None = pydantic.Field(
        default=None, description="Why a figure without a source was chosen; marks it as an assumption."
    )


# -- payment rules ---------------------------------------------------------------------------------
class RateCard(_Documented):
    """A price per unit of outcome achieved.

    The units achieved are ``level * participants`` for an outcome measured
    ``per: participant`` (level = average per participant), else ``level``.
    """

    type: Literal["rate_card"]
    price: Euro = pydantic.Field(description="Euro per unit of outcome achieved (INDIGO: outcome price).")
    per_participant_cap: Euro | None = pydantic.Field(
        default=None,
        description="Euro at most per participant (exact per participant in participant "
        "mode; on the average level otherwise).",
    )
    cap: Euro | None = pydantic.Field(default=None, description="Euro at most from this rule.")


class Linear(_Documented):
    """A price per point of the outcome level above ``threshold``, up to ``up_to``."""

    type: Literal["linear"]
    price: Euro = pydantic.Field(description="Euro per point (unit of level) above the threshold.")
    threshold: float = pydantic.Field(default=0.0, allow_inf_nan=False)
    up_to: float | None = pydantic.Field(
        default=None, allow_inf_nan=False, description="Level beyond which no more is paid."
    )
    cap: Euro | None = None

    @pydantic.model_validator(mode="after")
    def _range(self) -> Linear:
        if self.up_to is not None and self.up_to <= self.threshold:
            raise _fail(
                ("up_to",),
                f"expected up_to above the threshold ({self.threshold:g}), got {self.up_to:g}",
                self.up_to,
            )
        return self


class Threshold(_Documented):
    """A fixed sum once the outcome level reaches ``level``."""

    type: Literal["threshold"]
    level: float = pydantic.Field(allow_inf_nan=False)
    amount: Euro


class Bands(_Documented):
    """A piecewise-linear schedule through ``points`` [[level, euro], ...], flat beyond its ends."""

    type: Literal["bands"]
    points: list[tuple[float, Euro]] = pydantic.Field(min_length=2)

    @pydantic.field_validator("points")
    @classmethod
    def _increasing(cls, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        for i in range(1, len(points)):
            if not math.isfinite(points[i][0]):
                raise _fail((i, 0), "expected a finite outcome level", points[i][0])
            if points[i][0] <= points[i - 1][0]:
                raise _fail(
                    (i, 0),
                    f"bands must be increasing in outcome: level {points[i][0]:g} "
                    f"does not come after {points[i - 1][0]:g}",
                    points[i][0],
                )
        return points

    @property
    def monotone(self) -> bool:
        """Whether the schedule never pays less (euro) at a higher outcome level."""
        return all(b[1] >= a[1] for a, b in zip(self.points, self.points[1:]))


Rule = Annotated[RateCard | Linear | Threshold | Bands, pydantic.Field(discriminator="type")]


# -- outcomes --------------------------------------------------------------------------------------
class ParticipantSuccess(_Closed):
    """Participant mode: each participant succeeds with ``success``; a success counts ``value``."""

    success: Share = pydantic.Field(description="Probability that one participant succeeds (a share).")
    value: NonNegative = pydantic.Field(default=1.0, description="Outcome units one success counts.")


class Outcome(_Documented):
    """A measured outcome, how it is paid, and which effect lines it drives."""

    id: Id
    unit: str | None = pydantic.Field(default=None, description="Unit of the level, e.g. day.")
    per: Literal["participant", "contract"] = "participant"
    participants: int | None = pydantic.Field(
        default=None, ge=1, description="Participants measured (default: all in the scenario)."
    )
    level: NonNegative | None = pydantic.Field(
        default=None, description="Expected level (a number or a distribution; default reference_level)."
    )
    per_participant: ParticipantSuccess | None = None
    effects: list[Id] = pydantic.Field(
        default_factory=list, description="Effect line ids whose size follows this outcome."
    )
    reference_level: float | None = pydantic.Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="The level the named effect lines stand for as written.",
    )
    measured: dict[Year, float] = pydantic.Field(
        min_length=1, description="Year -> share of the outcome measured and paid in that year."
    )
    rules: list[Rule] = pydantic.Field(min_length=1)

    @pydantic.field_validator("unit")
    @classmethod
    def _unit(cls, v: str | None) -> str | None:
        return None if v is None or v == "share" else check_unit(v)

    @pydantic.model_validator(mode="after")
    def _consistent(self) -> Outcome:
        for year, share in self.measured.items():
            if not (math.isfinite(share) and share > 0):
                raise _fail(("measured", year), f"expected a share > 0, got {share!r}", share)
        total = sum(self.measured.values())
        if abs(total - 1.0) > 1e-9:
            raise _fail(("measured",), f"the shares measured must add up to 1, they add up to {total:g}")
        if self.level is not None and self.per_participant is not None:
            raise _fail(("per_participant",), "give either 'level' or 'per_participant', not both")
        if self.per_participant is not None and self.per != "participant":
            raise _fail(("per_participant",), "participant mode needs per: participant")
        if self.effects and self.reference_level is None:
            raise _fail(
                ("reference_level",),
                "an outcome that names effect lines needs "
                "'reference_level': the level those lines stand for as written",
            )
        if len(set(self.effects)) != len(self.effects):
            raise _fail(("effects",), "each effect line once")
        if self.level is None and self.per_participant is None and self.reference_level is None:
            raise _fail(
                ("level",),
                "give the expected 'level' (or 'per_participant', or 'reference_level' with 'effects')",
            )
        return self


# -- parties ---------------------------------------------------------------------------------------
class Investor(_Documented):
    """An investor: how much it puts in and when (year -> euro)."""

    id: Id
    investment: dict[Year, PositiveEuro] = pydantic.Field(min_length=1, description="Year -> euro invested.")

    @property
    def amount(self) -> float:
        """The investor's whole investment, euro."""
        return float(sum(self.investment.values()))


class Provider(_Documented):
    """The service provider and its costs: cost line ids of the scenario, or year -> euro."""

    name: Stakeholder
    costs: list[Id] | dict[Year, Euro] = pydantic.Field(default_factory=list)
    share_of_payments: Annotated[float, pydantic.Field(ge=0, lt=1)] = pydantic.Field(
        default=0.0, description="Share of each outcome payment that goes to the provider first."
    )


class SibContract(_Documented):
    """The ``sib:`` section: the terms of a Social Impact Bond (docs/method.md, section 7; docs/sib.md).

    Amounts in euro at ``price_year``; ``max_return`` a fraction per year; ``max_loss`` a
    share of each investor's investment. Checked as a whole by its validator (see the
    module docstring); the checks against the rest of the scenario are
    :func:`check_against_scenario`.
    """

    name: str | None = None
    price_year: int | None = pydantic.Field(
        default=None,
        description="Price level of the contract's euros; the payer's avoided costs are "
        "computed at this price level (default: the scenario's).",
    )
    outcome_payer: Stakeholder
    provider: Provider | None = None
    investors: list[Investor] = pydantic.Field(min_length=1)
    seniority: list[Id | list[Id]] | None = pydantic.Field(
        default=None, description="Investor ids, most senior first; a list of ids ranks pari passu."
    )
    outcomes: list[Outcome] = pydantic.Field(min_length=1)
    max_outcome_payment: Euro | None = pydantic.Field(
        default=None, description="Cap on the total of outcome payments (INDIGO: maximum outcome payment)."
    )
    max_return: Annotated[float, pydantic.Field(gt=-1, le=10)] | None = pydantic.Field(
        default=None, description="Cap on each investor's return per year (INDIGO: maximum return)."
    )
    max_return_kind: Literal["irr"] = "irr"
    beyond_max_return: Literal["payer_keeps", "provider"] | None = pydantic.Field(
        default=None, description="What happens to payments beyond the return cap."
    )
    max_loss: Annotated[float, pydantic.Field(ge=0, le=1)] | None = pydantic.Field(
        default=None,
        description="Share of its investment an investor can lose at most (INDIGO: maximum "
        "loss); the floor is (1 - max_loss) x investment.",
    )
    max_loss_paid_by: Stakeholder | None = pydantic.Field(
        default=None, description="Who tops investors up to the floor."
    )

    @pydantic.model_validator(mode="after")
    def _contract_holds(self) -> SibContract:
        """The checks across fields, in a fixed order so that the first problem is the one reported."""
        ids = [inv.id for inv in self.investors]
        self._check_unique("investors", ids, "investor")
        self._check_seniority(ids)
        self._check_unique("outcomes", [o.id for o in self.outcomes], "outcome")
        self._check_payments_follow_investment()
        self._check_return_cap_terms()
        self._check_floor_terms()
        if self.max_loss is not None:
            self._check_floor(self.max_loss)
        return self

    @staticmethod
    def _check_unique(field: str, ids: list[str], what: str) -> None:
        """Each id of ``field`` (``investors`` or ``outcomes``) once; the second one is the error."""
        for i, name in enumerate(ids):
            if ids.index(name) != i:
                raise _fail((field, i, "id"), f"{what} {name!r} is given twice", name)

    def _check_seniority(self, ids: list[str]) -> None:
        """Seniority ranks every investor in ``ids`` exactly once, and names no other."""
        if self.seniority is None:
            return
        seen: list[str] = []
        for i, entry in enumerate(self.seniority):
            for j, name in enumerate([entry] if isinstance(entry, str) else entry):
                loc = ("seniority", i) if isinstance(entry, str) else ("seniority", i, j)
                if name not in ids:
                    raise _fail(
                        loc, f"seniority names an unknown investor {name!r}" + nearest(name, ids), name
                    )
                if name in seen:
                    raise _fail(loc, f"investor {name!r} is ranked twice", name)
                seen.append(name)
        missing = [i for i in ids if i not in seen]
        if missing:
            raise _fail(("seniority",), "seniority must rank every investor; missing: " + ", ".join(missing))

    def _check_payments_follow_investment(self) -> None:
        """No outcome is measured (and paid) in a year before the last investment."""
        last_investment = max(y for inv in self.investors for y in inv.investment)
        for i, o in enumerate(self.outcomes):
            for year in o.measured:
                if year < last_investment:
                    who = next(inv.id for inv in self.investors if last_investment in inv.investment)
                    raise _fail(
                        ("outcomes", i, "measured", year),
                        f"a payment in {year} comes before the investment of {who!r} in "
                        f"{last_investment}; outcome payments must follow the investments",
                        year,
                    )

    def _check_return_cap_terms(self) -> None:
        """``max_return`` and ``beyond_max_return`` come together; ``provider`` needs a provider."""
        if self.max_return is not None and self.beyond_max_return is None:
            raise _fail(
                ("max_return",),
                "a return cap needs a way to enforce it: say what happens to "
                "payments beyond it with beyond_max_return: payer_keeps or provider",
                self.max_return,
            )
        if self.beyond_max_return is not None and self.max_return is None:
            raise _fail(("beyond_max_return",), "beyond_max_return needs max_return (the cap it enforces)")
        if self.beyond_max_return == "provider" and self.provider is None:
            raise _fail(("beyond_max_return",), "beyond_max_return: provider needs a 'provider'")

    def _check_floor_terms(self) -> None:
        """``max_loss`` and ``max_loss_paid_by`` come together."""
        if (self.max_loss is None) != (self.max_loss_paid_by is None):
            which = ("max_loss_paid_by",) if self.max_loss is None else ("max_loss",)
            raise _fail(
                which,
                "a floor needs both max_loss (how much investors can lose) and "
                "max_loss_paid_by (who pays investors up to the floor)",
            )

    def _check_floor(self, max_loss: float) -> None:
        """The floor, ``(1 - max_loss)`` x the investment (euro), fits the payer's cap and the return cap.

        Parameters
        ----------
        max_loss : float
            ``self.max_loss``, known to be given (a share of the investment, 0 to 1).
        """
        floor_total = (1 - max_loss) * sum(inv.amount for inv in self.investors)
        if (
            self.max_outcome_payment is not None
            and self.max_loss_paid_by == self.outcome_payer
            and floor_total > self.max_outcome_payment + 1e-9
        ):
            raise _fail(
                ("max_loss",),
                f"the floor (EUR {floor_total:,.2f} = (1 - max_loss) x the investment) "
                f"is above the cap on outcome payments (max_outcome_payment EUR "
                f"{self.max_outcome_payment:,.2f}) that the same payer guarantees",
                max_loss,
            )
        if self.max_return is not None:
            self._check_floor_within_return_cap(max_loss, self.max_return)

    def _check_floor_within_return_cap(self, max_loss: float, max_return: float) -> None:
        """Each investor's floor is at most what the return cap lets it receive by the last payment year."""
        settle = self.last_payment_year
        for inv in self.investors:
            allowed = sum(a * (1 + max_return) ** (settle - y) for y, a in inv.investment.items())
            floor = (1 - max_loss) * inv.amount
            if floor > allowed + 1e-6:
                raise _fail(
                    ("max_loss",),
                    f"the floor of {inv.id!r} (EUR {floor:,.2f}) is above what the "
                    f"return cap allows it to receive (EUR {allowed:,.2f} at max_return "
                    f"{max_return:g})",
                    max_loss,
                )

    # -- derived -------------------------------------------------------------------------------
    @property
    def last_payment_year(self) -> int:
        """The last year an outcome is paid: the floor is settled then."""
        return max(y for o in self.outcomes for y in o.measured)

    @property
    def investment_total(self) -> float:
        """All investors' investment together, euro."""
        return float(sum(inv.amount for inv in self.investors))

    def tiers(self) -> list[list[int]]:
        """Seniority as tiers of investor indices, most senior first (default: one tier)."""
        ids = [inv.id for inv in self.investors]
        if self.seniority is None:
            return [list(range(len(ids)))]
        return [[ids.index(n) for n in ([e] if isinstance(e, str) else e)] for e in self.seniority]

    @property
    def monotone(self) -> bool:
        """Whether every rule pays more (or the same) as the outcome improves."""
        return all(not isinstance(r, Bands) or r.monotone for o in self.outcomes for r in o.rules)


def check_against_scenario(s: Scenario, c: SibContract) -> None:
    """The checks of contract ``c`` that need the rest of its scenario ``s``.

    Years within the horizon, effect line ids (each followed by one outcome
    only), cost line ids, and ``per_participant_cap`` only with ``per: participant``.
    Called by :func:`mkba.load_scenario`, so every command sees these problems before computing.
    The checks run in the order of the section (investors, then each outcome, then the
    provider), so the first problem in the file is the one reported.

    Parameters
    ----------
    s : Scenario
        The scenario the contract belongs to (its horizon, effect and cost lines).
    c : SibContract
        Its ``sib:`` section.

    Raises
    ------
    MkbaError
        With the file, line and field of the problem.
    """
    for i, inv in enumerate(c.investors):
        for year in inv.investment:
            _check_year(s, year, ("sib", "investors", i, "investment", year))
    linked: dict[str, str] = {}
    for k, o in enumerate(c.outcomes):
        for year in o.measured:
            _check_year(s, year, ("sib", "outcomes", k, "measured", year))
        _check_effect_links(s, o, k, linked)
        _check_rules_fit(s, o, k)
    if c.provider is not None:
        _check_provider_costs(s, c.provider)


def _check_year(s: Scenario, year: int, path: tuple) -> None:
    """``year`` lies within the scenario's horizon."""
    if not s.start_year <= year <= s.end_year:
        raise s.error(f"year {year} is outside the scenario's horizon {s.start_year}-{s.end_year}", path)


def _check_effect_links(s: Scenario, o: Outcome, k: int, linked: dict[str, str]) -> None:
    """The effect lines outcome ``o`` (the ``k``-th) names exist, and follow no other outcome.

    ``linked`` maps each effect line id already named to its outcome id; ``o``'s lines are added.
    """
    effect_ids = [e.id for e in s.effects]
    for j, eid in enumerate(o.effects):
        path = ("sib", "outcomes", k, "effects", j)
        if eid not in effect_ids:
            what = " (a cost line; expected an effect line)" if eid in [x.id for x in s.costs] else ""
            raise s.error(f"unknown effect line {eid!r}{what}" + nearest(eid, effect_ids), path)
        if eid in linked:
            raise s.error(
                f"effect line {eid!r} already follows outcome {linked[eid]!r}; "
                "a line can follow one outcome only",
                path,
            )
        linked[eid] = o.id


def _check_rules_fit(s: Scenario, o: Outcome, k: int) -> None:
    """A rule's ``per_participant_cap`` only for an outcome measured ``per: participant``."""
    for j, rule in enumerate(o.rules):
        if isinstance(rule, RateCard) and rule.per_participant_cap is not None and o.per != "participant":
            raise s.error(
                "per_participant_cap needs per: participant",
                ("sib", "outcomes", k, "rules", j, "per_participant_cap"),
            )


def _check_provider_costs(s: Scenario, p: Provider) -> None:
    """The provider's costs: years within the horizon, or cost line ids of the scenario."""
    if isinstance(p.costs, dict):
        for year in p.costs:
            _check_year(s, year, ("sib", "provider", "costs", year))
        return
    cost_ids = [x.id for x in s.costs]
    for j, cid in enumerate(p.costs):
        if cid not in cost_ids:
            raise s.error(
                f"unknown cost line {cid!r}" + nearest(cid, cost_ids), ("sib", "provider", "costs", j)
            )
