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

import calendar
import datetime as dt
import difflib
import itertools
import math
import re
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

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
#: An ISO 4217 currency code (three capital letters), e.g. EUR, GBP, USD.
Currency = Annotated[str, pydantic.Field(pattern=r"^[A-Z]{3}$")]

_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4])|-(\d{2})(?:-(\d{2}))?)?$")


def _period(value: Any) -> int | str:
    """A period of a contract: a year (``2014``), a quarter (``2014-Q3``), a month (``2014-09``) or a date.

    Returns the year as an int, anything finer as its text (checked to be a real calendar date).
    """
    if isinstance(value, bool):
        raise ValueError("expected a year or a date (YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD), not true/false")
    if isinstance(value, int):
        if not 1900 <= value <= 2200:
            raise ValueError(f"expected a year from 1900 to 2200, got {value}")
        return value
    if not isinstance(value, str) or not _PERIOD.match(value):
        raise ValueError(f"expected a year or a date (YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD), got {value!r}")
    try:
        end = period_date(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None
    if not 1900 <= end.year <= 2200:
        raise ValueError(f"expected a year from 1900 to 2200, got {value!r}")
    return end.year if len(value) == 4 else value


#: When something happens in a contract: a calendar year, or a quarter, month or date (docs/sib.md, "Time").
Period = Annotated[int | str, pydantic.BeforeValidator(_period)]


def period_date(p: int | str) -> dt.date:
    """The day a period's money moves: the last day of a year, quarter or month, or the date itself.

    Parameters
    ----------
    p : int or str
        A year, ``YYYY-Qn``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Returns
    -------
    datetime.date
        The payment date.

    Examples
    --------
    >>> period_date(2014), period_date("2014-Q1"), period_date("2016-02"), period_date("2015-08-01")
    (datetime.date(2014, 12, 31), datetime.date(2014, 3, 31), datetime.date(2016, 2, 29), datetime.date(2015, 8, 1))
    """
    if isinstance(p, int):
        return dt.date(p, 12, 31)
    m = _PERIOD.match(p)
    if m is None:
        raise ValueError(p)
    year, quarter, month, day = m.groups()
    y = int(year)
    if quarter:
        last = 3 * int(quarter[1])
        return dt.date(y, last, calendar.monthrange(y, last)[1])
    if month and day:
        return dt.date(y, int(month), int(day))
    if month:
        return dt.date(y, int(month), calendar.monthrange(y, int(month))[1])
    return dt.date(y, 12, 31)


def period_year(p: int | str) -> int:
    """The calendar year of a period (for the horizon and discounting)."""
    return p if isinstance(p, int) else period_date(p).year


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


def _check_in_order(periods: dict, loc: tuple) -> None:
    """Dated periods of a mapping come in time order as written (years alone may come in any order)."""
    keys = list(periods)
    if all(isinstance(k, int) for k in keys):
        return
    for a, b in itertools.pairwise(keys):
        if period_date(b) <= period_date(a):
            raise _fail((*loc, b), f"dates out of order: {b!r} comes after {a!r} but is not later than it", b)


class _Documented(_Closed):
    """What every part of a contract may carry: a label, a source, or why it is an assumption."""

    label: str | None = None
    source: Source | str | None = None
    assumption: str | None = pydantic.Field(
        default=None, description="Why a figure without a source was chosen; marks it as an assumption."
    )


class _Priced(_Documented):
    """A part of a contract that names amounts: it may say their currency (it must be the contract's)."""

    currency: Currency | None = pydantic.Field(
        default=None, description="Currency of this part's amounts; must be the contract's currency."
    )


# -- payment rules ---------------------------------------------------------------------------------
class RateCard(_Priced):
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


class Linear(_Priced):
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


class Threshold(_Priced):
    """A fixed sum once the outcome level reaches ``level``."""

    type: Literal["threshold"]
    level: float = pydantic.Field(allow_inf_nan=False)
    amount: Euro


class Bands(_Priced):
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
    measured: dict[Period, float] = pydantic.Field(
        min_length=1,
        description="Period (year, quarter, month or date) -> share of the outcome measured and paid then.",
    )
    rules: list[Rule] = pydantic.Field(min_length=1)
    cohort: Id | None = pydantic.Field(
        default=None, description="The cohort this outcome measures (an id of the contract's cohorts)."
    )
    trigger: float | None = pydantic.Field(
        default=None,
        allow_inf_nan=False,
        description="The outcome pays nothing below this level (in its unit); at or above it, its rules pay.",
    )
    alternative_to: list[Id] = pydantic.Field(
        default_factory=list,
        description="Outcomes this one is an alternative trigger for: it pays its rules' amount minus "
        "what those outcomes paid (netting), never below zero.",
    )
    requires: Id | None = pydantic.Field(
        default=None,
        description="An earlier outcome this one depends on: its level counts at most the parent's level "
        "(e.g. sustained work only after starting work).",
    )

    @pydantic.field_validator("unit")
    @classmethod
    def _unit(cls, v: str | None) -> str | None:
        return None if v is None or v in ("share", "percent") else check_unit(v)

    @pydantic.model_validator(mode="after")
    def _consistent(self) -> Outcome:
        for year, share in self.measured.items():
            if not (math.isfinite(share) and share > 0):
                raise _fail(("measured", year), f"expected a share > 0, got {share!r}", share)
        total = sum(self.measured.values())
        if abs(total - 1.0) > 1e-9:
            raise _fail(("measured",), f"the shares measured must add up to 1, they add up to {total:g}")
        _check_in_order(self.measured, ("measured",))
        if self.requires == self.id:
            raise _fail(("requires",), "an outcome cannot depend on itself", self.requires)
        if self.id in self.alternative_to:
            raise _fail(("alternative_to",), "an outcome cannot be an alternative to itself", self.id)
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
class Investor(_Priced):
    """An investor (a tranche): how much it puts in and when, its interest and its own return cap."""

    id: Id
    investment: dict[Period, PositiveEuro] = pydantic.Field(
        min_length=1, description="Period (year, quarter, month or date) -> amount invested (drawn)."
    )
    interest: Annotated[float, pydantic.Field(ge=0, le=1)] | None = pydantic.Field(
        default=None,
        description="Interest per year on the principal outstanding (a fraction), paid before the "
        "principal of this tranche and of every junior tranche.",
    )
    max_return: Annotated[float, pydantic.Field(ge=0, le=10)] | None = pydantic.Field(
        default=None,
        description="This tranche's own cap on its return per year (IRR, a fraction >= 0); default: the contract's.",
    )

    @pydantic.model_validator(mode="after")
    def _in_order(self) -> Investor:
        _check_in_order(self.investment, ("investment",))
        return self

    @property
    def amount(self) -> float:
        """The investor's whole investment, euro."""
        return float(sum(self.investment.values()))


class Provider(_Priced):
    """The service provider and its costs: cost line ids of the scenario, or year -> euro."""

    name: Stakeholder
    costs: list[Id] | dict[Year, Euro] = pydantic.Field(default_factory=list)
    share_of_payments: Annotated[float, pydantic.Field(ge=0, lt=1)] = pydantic.Field(
        default=0.0, description="Share of each outcome payment that goes to the provider first."
    )


class PayerShare(_Documented):
    """One of several outcome payers, and its share of every outcome payment (and of a floor it pays)."""

    payer: Stakeholder
    share: Annotated[float, pydantic.Field(gt=0, le=1)] = pydantic.Field(
        description="The payer's share of each payment (a fraction; the shares add up to 1)."
    )


class Cohort(_Documented):
    """A group of participants taken in together and measured together (e.g. Peterborough's cohorts of 1,000)."""

    id: Id
    participants: int | None = pydantic.Field(default=None, ge=1, description="Participants in the cohort.")
    start: Period | None = pydantic.Field(default=None, description="When the cohort's intake starts.")
    end: Period | None = pydantic.Field(
        default=None, description="When the cohort's intake ends; its outcomes are measured from then on."
    )

    @pydantic.model_validator(mode="after")
    def _in_order(self) -> Cohort:
        if (
            self.start is not None
            and self.end is not None
            and period_date(self.end) < period_date(self.start)
        ):
            raise _fail(
                ("end",),
                f"dates out of order: the cohort ends ({self.end}) before it starts ({self.start})",
                self.end,
            )
        return self


class Guarantee(_Priced):
    """A guarantee from a named guarantor: it pays investors' lost principal, up to its amount.

    ``amount`` is a number, or period -> the amount guaranteed once the investment of that period is drawn
    (Rikers: USD 6.0 million with 7.2 million drawn, 7.2 million with all 9.6 million drawn).
    """

    guarantor: Stakeholder = pydantic.Field(
        description="Who pays the guarantee (a stakeholder of the scenario)."
    )
    amount: Euro | dict[Period, Euro] = pydantic.Field(
        description="The most the guarantee pays; or period -> the amount in force once the investment "
        "of that period is drawn."
    )
    covers: list[Id] | None = pydantic.Field(
        default=None,
        description="The investors it covers, in the order it pays them (default: all, by seniority).",
    )

    @pydantic.model_validator(mode="after")
    def _in_order(self) -> Guarantee:
        if isinstance(self.amount, dict):
            if not self.amount:
                raise _fail(("amount",), "expected an amount, or at least one period -> amount")
            _check_in_order(self.amount, ("amount",))
        return self


class WholeSplit(_Documented):
    """How each payment is split once the investors are whole (principal and interest repaid).

    Utah: 95 % of the savings until the investors are repaid with interest, 40 % after.
    """

    investors: Annotated[float, pydantic.Field(ge=0, le=1)] = 0.0
    provider: Annotated[float, pydantic.Field(ge=0, le=1)] = 0.0
    payer_keeps: Annotated[float, pydantic.Field(ge=0, le=1)] = 0.0

    @pydantic.model_validator(mode="after")
    def _adds_up(self) -> WholeSplit:
        total = self.investors + self.provider + self.payer_keeps
        if abs(total - 1.0) > 1e-9:
            raise _fail(
                (),
                f"the shares investors, provider and payer_keeps must add up to 1, they add up to {total:g}",
            )
        return self


class PersonCap(_Priced):
    """A cap per participant across several outcomes (DWP Innovation Fund: GBP 8,200 per person)."""

    amount: PositiveEuro = pydantic.Field(
        description="The most paid per participant for these outcomes together."
    )
    outcomes: list[Id] = pydantic.Field(min_length=1, description="The outcomes the cap spans.")
    participants: int | None = pydantic.Field(
        default=None, ge=1, description="Participants the cap counts (default: those of the first outcome)."
    )


class SibContract(_Documented):
    """The ``sib:`` section: the terms of a Social Impact Bond (docs/method.md, section 7; docs/sib.md).

    Amounts in the contract's ``currency`` (default euro) at ``price_year``; ``max_return`` a fraction
    per year; ``max_loss`` a share of each investor's investment. Checked as a whole by its validator
    (see the module docstring); the checks against the rest of the scenario are
    :func:`check_against_scenario`.
    """

    #: Its numbers have rules that join fields (``level`` or ``per_participant``, a floor below a cap):
    #: a change table validates each of its values as a file would, never by its bounds alone
    #: (:func:`mkba.batch.evaluate_many`).
    JOINED_RULES: ClassVar[bool] = True

    name: str | None = None
    price_year: int | None = pydantic.Field(
        default=None,
        description="Price level of the contract's amounts; the payer's avoided costs are "
        "computed at this price level (default: the scenario's).",
    )
    currency: Currency = pydantic.Field(
        default="EUR",
        description="Currency of every amount in the contract (ISO 4217); the MKBA stays in euro.",
    )
    exchange_rate: Annotated[float, pydantic.Field(gt=0, allow_inf_nan=False)] | None = pydantic.Field(
        default=None,
        description="Euro per unit of the contract's currency, to set the payer's payments against the "
        "costs it avoids (in euro); required when the currency is not EUR.",
    )
    outcome_payer: Stakeholder | None = pydantic.Field(
        default=None, description="Who pays for outcomes (or give outcome_payers with shares)."
    )
    outcome_payers: list[PayerShare] | None = pydantic.Field(
        default=None, min_length=1, description="Several outcome payers and their shares (adding up to 1)."
    )
    provider: Provider | None = None
    investors: list[Investor] = pydantic.Field(
        default_factory=list,
        description="The investors (tranches); none for payment by results to the provider (resultaatfinanciering).",
    )
    seniority: list[Id | list[Id]] | None = pydantic.Field(
        default=None, description="Investor ids, most senior first; a list of ids ranks pari passu."
    )
    cohorts: list[Cohort] = pydantic.Field(default_factory=list, description="Cohorts of participants.")
    outcomes: list[Outcome] = pydantic.Field(min_length=1)
    person_caps: list[PersonCap] = pydantic.Field(
        default_factory=list, description="Caps per participant across several outcomes."
    )
    max_outcome_payment: Euro | None = pydantic.Field(
        default=None, description="Cap on the total of outcome payments (INDIGO: maximum outcome payment)."
    )
    max_return: Annotated[float, pydantic.Field(ge=0, le=10)] | None = pydantic.Field(
        default=None,
        description="Cap on each investor's return per year (INDIGO: maximum return; a fraction >= 0).",
    )
    max_return_kind: Literal["irr"] = "irr"
    beyond_max_return: Literal["payer_keeps", "provider"] | None = pydantic.Field(
        default=None, description="What happens to payments beyond the return cap."
    )
    once_investors_whole: WholeSplit | None = pydantic.Field(
        default=None,
        description="How payments are split once the investors have their principal and interest back.",
    )
    max_loss: Annotated[float, pydantic.Field(ge=0, le=1)] | None = pydantic.Field(
        default=None,
        description="Share of its investment an investor can lose at most (INDIGO: maximum "
        "loss); the floor is (1 - max_loss) x investment.",
    )
    max_loss_paid_by: Stakeholder | None = pydantic.Field(
        default=None, description="Who tops investors up to the floor."
    )
    guarantees: list[Guarantee] = pydantic.Field(
        default_factory=list, description="Guarantees of investors' principal from named guarantors."
    )
    ends: Period | None = pydantic.Field(
        default=None,
        description="The contract ended early then: nothing is invested from then on, nothing measured "
        "later is paid, and floors and guarantees settle then.",
    )

    @pydantic.model_validator(mode="before")
    @classmethod
    def _lead_payer(cls, data: Any) -> Any:
        """With ``outcome_payers`` only, the first of them is ``outcome_payer`` (the payer that settles)."""
        if isinstance(data, dict) and data.get("outcome_payer") is None:
            payers = data.get("outcome_payers")
            if isinstance(payers, list) and payers and isinstance(payers[0], dict) and "payer" in payers[0]:
                return {**data, "outcome_payer": payers[0]["payer"]}
        return data

    @pydantic.model_validator(mode="after")
    def _contract_holds(self) -> SibContract:
        """The checks across fields, in a fixed order so that the first problem is the one reported."""
        self._check_payers()
        self._check_currencies()
        ids = [inv.id for inv in self.investors]
        self._check_unique("investors", ids, "investor")
        self._check_seniority(ids)
        self._check_without_investors()
        self._check_unique("cohorts", [c.id for c in self.cohorts], "cohort")
        self._check_unique("outcomes", [o.id for o in self.outcomes], "outcome")
        self._check_outcome_links()
        self._check_payments_follow_investment()
        self._check_guarantees(ids)
        self._check_person_caps()
        self._check_return_cap_terms()
        self._check_floor_terms()
        if self.max_loss is not None:
            self._check_floor(self.max_loss)
        return self

    @staticmethod
    def _check_unique(field: str, ids: list[str], what: str) -> None:
        """Each id of ``field`` once; the second one is the error."""
        for i, name in enumerate(ids):
            if ids.index(name) != i:
                raise _fail((field, i, "id"), f"{what} {name!r} is given twice", name)

    def _check_payers(self) -> None:
        """One payer, or several whose shares add up to 1, each once; a foreign currency has its rate."""
        if self.outcome_payer is None:
            raise _fail(
                ("outcome_payer",), "give the outcome payer: outcome_payer, or outcome_payers with shares"
            )
        if self.outcome_payers is None:
            return
        names = [p.payer for p in self.outcome_payers]
        if self.outcome_payer not in names:
            raise _fail(
                ("outcome_payer",),
                f"outcome_payer {self.outcome_payer!r} is not one of outcome_payers ({', '.join(names)})",
                self.outcome_payer,
            )
        for i, name in enumerate(names):
            if names.index(name) != i:
                raise _fail(("outcome_payers", i, "payer"), f"payer {name!r} is given twice", name)
        total = sum(p.share for p in self.outcome_payers)
        if abs(total - 1.0) > 1e-9:
            raise _fail(("outcome_payers",), f"the payers' shares must add up to 1, they add up to {total:g}")

    def _check_currencies(self) -> None:
        """Every amount in the contract's currency; a currency other than euro has its exchange rate."""
        if self.currency != "EUR" and self.exchange_rate is None:
            raise _fail(
                ("exchange_rate",),
                f"a contract in {self.currency} needs exchange_rate (euro per {self.currency}) to set the "
                "payer's payments against the costs it avoids (in euro)",
            )
        if self.currency == "EUR" and self.exchange_rate is not None and self.exchange_rate != 1:
            raise _fail(
                ("exchange_rate",),
                "a contract in euro has no exchange rate (it converts a contract in another currency, "
                "sib.currency, to euro); leave exchange_rate out or give the contract's currency",
                self.exchange_rate,
            )
        for loc, part in self._priced_parts():
            if part.currency is not None and part.currency != self.currency:
                raise _fail(
                    (*loc, "currency"),
                    f"mixed currencies: this part is in {part.currency}, the contract's terms are in "
                    f"{self.currency} (sib.currency); one contract has one currency",
                    part.currency,
                )

    def _priced_parts(self) -> list[tuple[tuple, _Priced]]:
        """Every part that may name a currency, with its location."""
        parts: list[tuple[tuple, _Priced]] = [(("investors", i), inv) for i, inv in enumerate(self.investors)]
        for k, o in enumerate(self.outcomes):
            parts += [(("outcomes", k, "rules", j), r) for j, r in enumerate(o.rules)]
        parts += [(("guarantees", g), x) for g, x in enumerate(self.guarantees)]
        parts += [(("person_caps", g), x) for g, x in enumerate(self.person_caps)]
        if self.provider is not None:
            parts.append((("provider",), self.provider))
        return parts

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

    def _check_without_investors(self) -> None:
        """Payment by results without investors: the provider is paid; nothing speaks of investors."""
        if self.investors:
            return
        if self.provider is None:
            raise _fail(
                ("provider",),
                "a contract without investors pays the provider on results: give the 'provider'",
            )
        for fld in ("max_return", "max_loss", "once_investors_whole", "ends"):
            if getattr(self, fld) is not None:
                raise _fail((fld,), f"{fld} needs investors; this contract has none", getattr(self, fld))
        if self.guarantees:
            raise _fail(("guarantees",), "guarantees cover investors; this contract has none")

    def _check_outcome_links(self) -> None:
        """Cohorts, parents and netted outcomes named by an outcome exist, and come in time order."""
        ids = [o.id for o in self.outcomes]
        cohorts = {c.id: c for c in self.cohorts}
        for k, o in enumerate(self.outcomes):
            if o.cohort is not None:
                if o.cohort not in cohorts:
                    raise _fail(
                        ("outcomes", k, "cohort"),
                        f"unknown cohort {o.cohort!r}" + nearest(o.cohort, list(cohorts)),
                        o.cohort,
                    )
                _check_measured_after(o, k, cohorts[o.cohort].end, f"the end of cohort {o.cohort!r}")
            if o.requires is not None:
                self._check_parent(o, k, ids)
            for j, other in enumerate(o.alternative_to):
                if other not in ids:
                    raise _fail(
                        ("outcomes", k, "alternative_to", j),
                        f"unknown outcome {other!r}" + nearest(other, ids),
                        other,
                    )
                last = max(self.outcomes[ids.index(other)].measured, key=period_date)
                _check_measured_after(o, k, last, f"the last measurement of {other!r} (which it nets)")

    def _check_parent(self, o: Outcome, k: int, ids: list[str]) -> None:
        """The outcome ``o`` depends on exists, comes before it, and is measured alike."""
        parent = o.requires
        assert parent is not None
        if parent not in ids:
            raise _fail(
                ("outcomes", k, "requires"),
                f"outcome {o.id!r} depends on an unknown outcome {parent!r}" + nearest(parent, ids),
                parent,
            )
        p = self.outcomes[ids.index(parent)]
        if ids.index(parent) > k:
            raise _fail(
                ("outcomes", k, "requires"),
                f"the outcome it depends on ({parent!r}) must come before it",
                parent,
            )
        if (p.per, p.unit) != (o.per, o.unit):
            raise _fail(
                ("outcomes", k, "requires"),
                f"a dependent outcome is measured like its parent {parent!r}: per {p.per}, unit {p.unit}",
                parent,
            )

    def _check_payments_follow_investment(self) -> None:
        """No outcome outside a cohort is measured (and paid) before the last investment."""
        if not self.investors:
            return
        last = max((p for inv in self.investors for p in inv.investment), key=period_date)
        for i, o in enumerate(self.outcomes):
            if o.cohort is not None:
                continue  # cohorts are paid while investment is still coming in
            for p in o.measured:
                if period_date(p) < period_date(last):
                    who = next(inv.id for inv in self.investors if last in inv.investment)
                    raise _fail(
                        ("outcomes", i, "measured", p),
                        f"a payment in {p} comes before the investment of {who!r} in "
                        f"{last}; outcome payments must follow the investments (or name the outcome's cohort)",
                        p,
                    )
        if self.ends is not None:
            first = min((p for inv in self.investors for p in inv.investment), key=period_date)
            if period_date(self.ends) <= period_date(first):
                raise _fail(
                    ("ends",),
                    f"dates out of order: the contract ends ({self.ends}) before the first investment ({first})",
                    self.ends,
                )

    def _check_guarantees(self, ids: list[str]) -> None:
        """Each guarantee covers known investors, each once."""
        for g, x in enumerate(self.guarantees):
            for j, name in enumerate(x.covers or []):
                if name not in ids:
                    raise _fail(
                        ("guarantees", g, "covers", j),
                        f"the guarantee covers an unknown investor {name!r}" + nearest(name, ids),
                        name,
                    )
                if (x.covers or []).index(name) != j:
                    raise _fail(("guarantees", g, "covers", j), f"investor {name!r} is covered twice", name)

    def _check_person_caps(self) -> None:
        """A cap per person spans known outcomes, and each outcome falls under one cap at most."""
        ids = [o.id for o in self.outcomes]
        seen: dict[str, int] = {}
        for g, cap in enumerate(self.person_caps):
            for j, oid in enumerate(cap.outcomes):
                if oid not in ids:
                    raise _fail(
                        ("person_caps", g, "outcomes", j), f"unknown outcome {oid!r}" + nearest(oid, ids), oid
                    )
                if oid in seen:
                    raise _fail(
                        ("person_caps", g, "outcomes", j),
                        f"outcome {oid!r} is already under person cap {seen[oid]}; one cap per outcome",
                        oid,
                    )
                seen[oid] = g

    def _check_return_cap_terms(self) -> None:
        """A return cap (the contract's or a tranche's) says what happens beyond it; ``provider`` needs one."""
        capped = self.max_return is not None or any(inv.max_return is not None for inv in self.investors)
        if capped and self.beyond_max_return is None:
            where = (
                ("max_return",)
                if self.max_return is not None
                else next(
                    ("investors", i, "max_return")
                    for i, inv in enumerate(self.investors)
                    if inv.max_return is not None
                )
            )
            raise _fail(
                where,
                "a return cap needs a way to enforce it: say what happens to "
                "payments beyond it with beyond_max_return: payer_keeps or provider",
                self.max_return,
            )
        if self.beyond_max_return is not None and not capped:
            raise _fail(("beyond_max_return",), "beyond_max_return needs max_return (the cap it enforces)")
        if self.beyond_max_return == "provider" and self.provider is None:
            raise _fail(("beyond_max_return",), "beyond_max_return: provider needs a 'provider'")
        w = self.once_investors_whole
        if w is not None and w.provider > 0 and self.provider is None:
            raise _fail(("once_investors_whole", "provider"), "a share for the provider needs a 'provider'")

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
        """The floor, ``(1 - max_loss)`` x the investment, fits the payer's cap and the return cap.

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
                f"the floor ({self.currency} {floor_total:,.2f} = (1 - max_loss) x the investment) "
                f"is above the cap on outcome payments (max_outcome_payment {self.currency} "
                f"{self.max_outcome_payment:,.2f}) that the same payer guarantees",
                max_loss,
            )
        self._check_floor_within_return_cap(max_loss)

    def _check_floor_within_return_cap(self, max_loss: float) -> None:
        """Each investor's floor is at most what its return cap lets it receive by the settlement date."""
        settle = period_date(self.settlement)
        for inv in self.investors:
            r = self.return_cap(inv)
            if r is None:
                continue
            allowed = sum(a * (1 + r) ** _years_between(p, settle) for p, a in inv.investment.items())
            floor = (1 - max_loss) * inv.amount
            if floor > allowed + 1e-6:
                raise _fail(
                    ("max_loss",),
                    f"the floor of {inv.id!r} ({self.currency} {floor:,.2f}) is above what the "
                    f"return cap allows it to receive ({self.currency} {allowed:,.2f} at max_return "
                    f"{r:g})",
                    max_loss,
                )

    # -- derived -------------------------------------------------------------------------------
    def return_cap(self, inv: Investor) -> float | None:
        """The return cap of investor ``inv`` per year: its own, else the contract's (None: no cap)."""
        return inv.max_return if inv.max_return is not None else self.max_return

    @property
    def dated(self) -> bool:
        """Whether the contract names a period finer than a year (then its IRR is an XIRR on dates)."""
        return any(isinstance(p, str) for p in self.periods())

    def periods(self) -> list[int | str]:
        """Every period the contract names (investments, measurements, guarantees, cohorts, its end)."""
        out: list[int | str] = [p for inv in self.investors for p in inv.investment]
        out += [p for o in self.outcomes for p in o.measured]
        out += [p for g in self.guarantees if isinstance(g.amount, dict) for p in g.amount]
        out += [p for c in self.cohorts for p in (c.start, c.end) if p is not None]
        return out + ([self.ends] if self.ends is not None else [])

    @property
    def settlement(self) -> int | str:
        """When floors and guarantees settle: the contract's end if it ended early, else the last payment."""
        if self.ends is not None:
            return self.ends
        return max((p for o in self.outcomes for p in o.measured), key=period_date)

    @property
    def last_payment_year(self) -> int:
        """The calendar year floors and guarantees settle (see :attr:`settlement`)."""
        return period_year(self.settlement)

    @property
    def payer_shares(self) -> list[tuple[str, float]]:
        """Each outcome payer and its share (one payer: share 1)."""
        if self.outcome_payers is None:
            assert self.outcome_payer is not None
            return [(self.outcome_payer, 1.0)]
        return [(p.payer, p.share) for p in self.outcome_payers]

    @property
    def investment_total(self) -> float:
        """All investors' investment together, in the contract's currency."""
        return float(sum(inv.amount for inv in self.investors))

    def tiers(self) -> list[list[int]]:
        """Seniority as tiers of investor indices, most senior first (default: one tier)."""
        ids = [inv.id for inv in self.investors]
        if not ids:
            return []
        if self.seniority is None:
            return [list(range(len(ids)))]
        return [[ids.index(n) for n in ([e] if isinstance(e, str) else e)] for e in self.seniority]

    @property
    def monotone(self) -> bool:
        """Whether every rule pays more (or the same) as the outcome improves (no netting)."""
        return all(
            (not isinstance(r, Bands) or r.monotone) and not o.alternative_to
            for o in self.outcomes
            for r in o.rules
        )


def _years_between(p: int | str, settle: dt.date) -> float:
    """Years from period ``p`` to the date ``settle`` (whole years between years; days / 365 otherwise)."""
    if isinstance(p, int) and settle.month == 12 and settle.day == 31:
        return float(settle.year - p)
    return (settle - period_date(p)).days / 365.0


def _check_measured_after(o: Outcome, k: int, after: int | str | None, what: str) -> None:
    """Outcome ``o`` (the ``k``-th) is measured no earlier than ``after``."""
    if after is None:
        return
    for p in o.measured:
        if period_date(p) < period_date(after):
            raise _fail(
                ("outcomes", k, "measured", p),
                f"dates out of order: measured in {p}, before {what} ({after})",
                p,
            )


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
        for p in inv.investment:
            _check_year(s, p, ("sib", "investors", i, "investment", p))
    for g, x in enumerate(c.guarantees):
        for p in x.amount if isinstance(x.amount, dict) else {}:
            _check_year(s, p, ("sib", "guarantees", g, "amount", p))
    linked: dict[str, str] = {}
    for k, o in enumerate(c.outcomes):
        for p in o.measured:
            _check_year(s, p, ("sib", "outcomes", k, "measured", p))
        _check_effect_links(s, o, k, linked)
        _check_rules_fit(s, o, k)
    if c.ends is not None:
        _check_year(s, c.ends, ("sib", "ends"))
    if c.provider is not None:
        _check_provider_costs(s, c.provider)


def _check_year(s: Scenario, p: int | str, path: tuple) -> None:
    """Period ``p`` (a year or a date) lies within the scenario's horizon."""
    year = period_year(p)
    if not s.start_year <= year <= s.end_year:
        what = f"year {year}" if isinstance(p, int) else f"{p} (year {year})"
        raise s.error(f"{what} is outside the scenario's horizon {s.start_year}-{s.end_year}", path)


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
        if cid in p.costs[:j]:  # counted twice, the provider's costs would be doubled
            raise s.error(
                f"cost line {cid!r} is named twice; name each cost line once", ("sib", "provider", "costs", j)
            )
