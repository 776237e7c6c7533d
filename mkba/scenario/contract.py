"""The ``sib:`` section of a scenario: the terms of a Social Impact Bond (docs/method.md, section 7).

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

Imports: the shared field types of :mod:`mkba.scenario.fields` and the price list's patterns and
units; :mod:`mkba.scenario.model` imports this module (``Scenario`` is named here only for type checking).
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
#: uses 100 x this as "no cap" (:data:`mkba.sib_payout.NO_CAP`), so every cap, price and amount stays within it.
MAX_EURO = 10**13

Euro = Annotated[float, pydantic.Field(ge=0, le=MAX_EURO, allow_inf_nan=False)]
PositiveEuro = Annotated[float, pydantic.Field(gt=0, le=MAX_EURO, allow_inf_nan=False)]
Year = Annotated[int, pydantic.Field(ge=1900, le=2200)]
Id = Annotated[str, pydantic.Field(pattern=NAME_PATTERN)]


def _fail(loc: tuple, message: str, value: object = None) -> ValidationError:
    """A validation error at ``loc`` (relative to the model raising it), for exact file lines."""
    return ValidationError.from_exception_data(
        "sib", [InitErrorDetails(type=PydanticCustomError("sib_contract", message), loc=loc, input=value)]
    )


def nearest(name: str, names: list[str]) -> str:
    """The end of an "unknown name" message: the nearest of ``names``, else all of them (nothing if none)."""
    near = difflib.get_close_matches(name, names, n=3, cutoff=0.3)
    return (
        f"; nearest: {', '.join(near)}"
        if near
        else (f"; expected one of: {', '.join(names)}" if names else "")
    )


class _Documented(_Closed):
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
        return float(sum(self.investment.values()))


class Provider(_Documented):
    """The service provider and its costs: cost line ids of the scenario, or year -> euro."""

    name: Stakeholder
    costs: list[Id] | dict[Year, Euro] = pydantic.Field(default_factory=list)
    share_of_payments: Annotated[float, pydantic.Field(ge=0, lt=1)] = pydantic.Field(
        default=0.0, description="Share of each outcome payment that goes to the provider first."
    )


class SibContract(_Documented):
    """The ``sib:`` section: the terms of a Social Impact Bond (see docs/sib.md)."""

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
        ids = [inv.id for inv in self.investors]
        for i, inv in enumerate(self.investors):
            if ids.index(inv.id) != i:
                raise _fail(("investors", i, "id"), f"investor {inv.id!r} is given twice", inv.id)
        self._check_seniority(ids)
        outcome_ids = [o.id for o in self.outcomes]
        for i, o in enumerate(self.outcomes):
            if outcome_ids.index(o.id) != i:
                raise _fail(("outcomes", i, "id"), f"outcome {o.id!r} is given twice", o.id)
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
        if (self.max_loss is None) != (self.max_loss_paid_by is None):
            which = ("max_loss_paid_by",) if self.max_loss is None else ("max_loss",)
            raise _fail(
                which,
                "a floor needs both max_loss (how much investors can lose) and "
                "max_loss_paid_by (who pays investors up to the floor)",
            )
        if self.max_loss is not None:
            self._check_floor()
        return self

    def _check_seniority(self, ids: list[str]) -> None:
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

    def _check_floor(self) -> None:
        floor_total = (1 - self.max_loss) * sum(inv.amount for inv in self.investors)
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
                self.max_loss,
            )
        if self.max_return is not None:
            settle = self.last_payment_year
            for inv in self.investors:
                allowed = sum(a * (1 + self.max_return) ** (settle - y) for y, a in inv.investment.items())
                floor = (1 - self.max_loss) * inv.amount
                if floor > allowed + 1e-6:
                    raise _fail(
                        ("max_loss",),
                        f"the floor of {inv.id!r} (EUR {floor:,.2f}) is above what the "
                        f"return cap allows it to receive (EUR {allowed:,.2f} at max_return "
                        f"{self.max_return:g})",
                        self.max_loss,
                    )

    # -- derived -------------------------------------------------------------------------------
    @property
    def last_payment_year(self) -> int:
        """The last year an outcome is paid: the floor is settled then."""
        return max(y for o in self.outcomes for y in o.measured)

    @property
    def investment_total(self) -> float:
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

    Raises
    ------
    MkbaError
        With the file, line and field of the problem.
    """
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
                raise s.error(f"unknown effect line {eid!r}{what}" + nearest(eid, effect_ids), path)
            if eid in linked:
                raise s.error(
                    f"effect line {eid!r} already follows outcome {linked[eid]!r}; "
                    "a line can follow one outcome only",
                    path,
                )
            linked[eid] = o.id
        for j, rule in enumerate(o.rules):
            if isinstance(rule, RateCard) and rule.per_participant_cap is not None and o.per != "participant":
                raise s.error(
                    "per_participant_cap needs per: participant",
                    ("sib", "outcomes", k, "rules", j, "per_participant_cap"),
                )
    p = c.provider
    if p is not None and isinstance(p.costs, dict):
        for year in p.costs:
            year_ok(year, ("sib", "provider", "costs", year))
    elif p is not None:
        for j, cid in enumerate(p.costs):
            if cid not in cost_ids:
                raise s.error(
                    f"unknown cost line {cid!r}" + nearest(cid, cost_ids), ("sib", "provider", "costs", j)
                )
